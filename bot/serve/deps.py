"""What every /v1 route depends on: the shared Advisor, and a valid, unrevoked, unthrottled key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.serve.limits import retry_after

if TYPE_CHECKING:
    from bot.advisor import Advisor
    from bot.serve.keys import ApiKey

bearer = HTTPBearer(
    auto_error=False, description="An API key from `advisor keys create NAME`."
)


def advisor_of(request: Request) -> Advisor:
    """The app's one Advisor (models load once per process)."""
    advisor: Advisor = request.app.state.advisor
    return advisor


def require_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> ApiKey:
    """The caller's key record: 401 without a known key, 403 if revoked, 429 over the limit."""
    if credentials is None or not credentials.credentials:
        raise HTTPException(
            401, "missing API key: send `Authorization: Bearer KEY` (create one with "
            "`advisor keys create NAME`)", headers={"WWW-Authenticate": "Bearer"},
        )
    record = request.app.state.keys.verify(credentials.credentials)
    if record is None:
        raise HTTPException(401, "unknown API key", headers={"WWW-Authenticate": "Bearer"})
    if not record.active:
        raise HTTPException(403, f"the API key {record.name!r} was revoked")
    wait = request.app.state.limiter.take(record.name)
    if wait > 0:
        per_minute = int(request.app.state.limiter.capacity)
        raise HTTPException(
            429, f"rate limit of {per_minute} requests a minute exceeded for key {record.name!r}; "
            f"retry in {retry_after(wait)} s (ADVISOR_API_RATE_LIMIT)",
            headers={"Retry-After": retry_after(wait)},
        )
    return record
