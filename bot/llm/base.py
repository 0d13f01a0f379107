"""The ChatBackend protocol every generative backend offers, its message type and its error."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from bot.errors import AdvisorError

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": "..."}


class BackendError(AdvisorError):
    """A generative backend failed, timed out or returned nothing usable."""


@runtime_checkable
class ChatBackend(Protocol):
    """What every generative backend offers: a whole reply, or the reply token by token."""

    name: str

    def complete(self, messages: Sequence[Message]) -> str: ...

    def stream(self, messages: Sequence[Message]) -> Iterator[str]: ...
