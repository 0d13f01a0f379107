"""The FastAPI app of `advisor serve`: one Advisor per process, keyed /v1 routes, JSON errors."""

from __future__ import annotations

import socket
import threading
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.errors import AdvisorError, StoreMissingError
from bot.serve import chat, routes
from bot.serve.keys import KeyStore
from bot.serve.limits import BodyLimit, RateLimiter, error_body
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.advisor import Advisor

DESCRIPTION = """Answers and Business Model Canvases grounded in the *World Manufacturing
Report 2023*, every claim cited. `/v1/chat/completions` speaks the OpenAI protocol (model
`advisor`), so chat front ends can use it as an OpenAI-compatible connection.

Every `/v1` route needs `Authorization: Bearer KEY` (`advisor keys create NAME`). Errors are
JSON `{"error": {"message", "type", "code"}}`."""

KINDS = {
    401: "authentication_error", 403: "permission_error", 404: "not_found_error",
    405: "invalid_request_error", 413: "request_too_large", 422: "invalid_request_error",
    429: "rate_limit_error", 503: "service_unavailable",
}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = error_body(status, message, KINDS.get(status, "server_error"))
    return JSONResponse(body, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "invalid request: " + "; ".join(parts)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI's "error parsing the body": bad input like any other
            return _error(422, f"the request body is not valid JSON: {exc.detail}")
        return _error(exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, _validation_message(exc))

    @app.exception_handler(StoreMissingError)
    async def no_index(_: Request, exc: StoreMissingError) -> JSONResponse:
        return _error(503, str(exc))

    @app.exception_handler(AdvisorError)
    async def bad_input(_: Request, exc: AdvisorError) -> JSONResponse:
        return _error(422, str(exc))

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        return _error(500, f"unexpected error: {type(exc).__name__}")


def create_app(settings: Settings, advisor: Advisor | None = None) -> FastAPI:
    """The API app over one Advisor (built from settings unless given)."""
    if advisor is None:
        from bot.advisor import Advisor

        advisor = Advisor.from_settings(settings)
    app = FastAPI(
        title="Manufacturing Business Model Advisor API", description=DESCRIPTION,
        version="1", docs_url="/docs", redoc_url=None,
    )
    app.state.settings = settings
    app.state.advisor = advisor
    app.state.keys = KeyStore.for_settings(settings)
    app.state.limiter = RateLimiter(settings.api_rate_limit)
    app.include_router(chat.router)
    app.include_router(routes.router)
    _add_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.api_max_body_bytes)

    @app.get("/healthz", summary="Liveness and index status (no key needed)")
    def healthz() -> Any:
        try:
            chunks = advisor.retriever.chunk_count
        except AdvisorError as exc:
            return JSONResponse({"status": "unavailable", "error": str(exc)}, status_code=503)
        return {"status": "ok", "chunks": chunks, "backend": settings.backend}

    return app


def _warm_up(advisor: Advisor) -> None:
    """Build the canvas engine and the scope check in the background (the first canvas
    otherwise waits seconds for them)."""
    try:
        advisor.draft_canvas("A manufacturer of industrial pumps selling pumping as a service.")
        advisor.ask("What revenue streams suit servitised business models?")
    except AdvisorError:
        pass  # no index yet: /healthz says so, and requests get a clear 503


def check_port(host: str, port: int) -> None:
    """A one-line error now, before models load, when host:port cannot be listened on."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise AdvisorError(
                f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port"
            ) from exc


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Run the API under uvicorn until interrupted (models load before it listens)."""
    import uvicorn

    from bot.advisor import Advisor

    host, port = host or settings.api_host, port or settings.api_port
    check_port(host, port)
    advisor = Advisor.from_settings(settings)
    advisor.answerer  # noqa: B018 - build the ask path (and its backend) before the first request
    threading.Thread(target=_warm_up, args=(advisor,), daemon=True).start()
    app = create_app(settings, advisor)
    print(f"advisor API on http://{host}:{port} (docs: /docs)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
