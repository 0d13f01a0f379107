"""POST /v1/chat/completions: the ask path behind the OpenAI chat completions protocol.

The last user message is the question and the user/assistant messages before it are its
history. The reply's text carries the answer's [n] markers (and, by default, a Sources list
for front ends that show only text); the response adds `citations`, `plan`, `refused`, `mode`
and `notice`. With `stream: true` the reply comes as server-sent `chat.completion.chunk`
events; the last chunk before `data: [DONE]` carries the citations and the rest.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import StreamingResponse

from bot.errors import AdvisorError
from bot.serve.deps import advisor_of, require_key
from bot.serve.limits import error_body
from bot.serve.schemas import ERRORS, MODEL_ID, ChatCompletion, ChatRequest
from bot.types import Answer

router = APIRouter(prefix="/v1", dependencies=[Depends(require_key)], responses=ERRORS)

_STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "A chat completion, or with stream=true server-sent events ending in "
        "`data: [DONE]`.",
        "content": {"text/event-stream": {"schema": {
            "type": "object", "required": ["data"],
            "properties": {"data": {
                "type": "string",
                "description": "A chat.completion.chunk as JSON; the last event is [DONE].",
            }},
        }}},
    }
}


def conversation(request: ChatRequest) -> tuple[str, list[dict[str, str]]]:
    """The question (last user message) and the history before it, or a 422."""
    if request.model != MODEL_ID:
        raise HTTPException(422, f"unknown model {request.model!r}: use {MODEL_ID!r}")
    users = [i for i, m in enumerate(request.messages) if m.role == "user"]
    if not users:
        raise HTTPException(422, "the messages have no user message: the last one is the question")
    question = request.messages[users[-1]].text()
    if not question.strip():
        raise HTTPException(422, "the last user message is empty: ask a question about the report")
    history = [
        {"role": m.role, "content": m.text()}
        for m in request.messages[: users[-1]]
        if m.role in ("user", "assistant") and m.text().strip()
    ]
    return question, history


def sources_text(answer: Answer) -> str:
    """A plain-text Sources list for the answer's citations ("" when there are none)."""
    if not answer.citations:
        return ""
    lines = ["", "", "Sources:"]
    for c in answer.citations:
        page = f", p. {c.chunk.page}" if c.chunk.page else ""
        lines.append(f"[{c.n}] {c.chunk.section} ({c.chunk.source}{page})")
    return "\n".join(lines)


def _extras(answer: Answer) -> dict[str, Any]:
    data = answer.to_json()
    return {k: data[k] for k in ("answer", "citations", "plan", "not_in_report", "refused",
                                 "mode", "notice")}


@router.post("/chat/completions", response_model=ChatCompletion, responses=_STREAM_DOC,
             summary="Ask the advisor (OpenAI-compatible)")
def chat_completions(body: ChatRequest, request: Request) -> Any:
    """A grounded answer to the last user message, with [n] markers and their citations."""
    advisor = advisor_of(request)
    question, history = conversation(body)
    with_sources = request.app.state.settings.api_sources_in_text
    if not body.stream:
        answer = advisor.ask(question, history)
        content = answer.text + (sources_text(answer) if with_sources else "")
        return {
            "id": f"chatcmpl-{uuid.uuid4().hex}", "created": int(time.time()), "model": MODEL_ID,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}],
            **_extras(answer),
        }
    items = advisor.stream(question, history)
    first = next(items)  # the question is checked here, so bad input is still a 422
    return StreamingResponse(
        _events(first, items, with_sources), media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _events(first: str | Answer, rest: Iterator[str | Answer], with_sources: bool) -> Iterator[str]:
    base = {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": MODEL_ID}

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return f"data: {json.dumps({**base, 'choices': [choice], **extra})}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    streamed: list[str] = []
    try:
        item = first
        while not isinstance(item, Answer):
            streamed.append(item)
            yield chunk({"content": item})
            item = next(rest)
    except Exception as exc:  # noqa: BLE001 - headers are sent: report it in the stream
        bad_input = isinstance(exc, AdvisorError)
        error = error_body(422 if bad_input else 500, str(exc) or type(exc).__name__,
                           "invalid_request_error" if bad_input else "server_error")
        yield f"data: {json.dumps(error)}\n\n"
        yield "data: [DONE]\n\n"
        return
    tail = _tail("".join(streamed), item) + (sources_text(item) if with_sources else "")
    if tail:
        yield chunk({"content": tail})
    yield chunk({}, "stop", **_extras(item))
    yield "data: [DONE]\n\n"


def _tail(streamed: str, answer: Answer) -> str:
    """What still has to be sent so the client's text ends with the authoritative answer."""
    if answer.text.startswith(streamed):
        return answer.text[len(streamed):]
    notice = answer.notice or "The answer was replaced by the one below."
    return f"\n\n---\n{notice}\n\n{answer.text}"

