"""Generation backends: a small Protocol, and the factory that builds one from Settings.

The real backends (Ollama, OpenAI-compatible servers, a local GGUF file) live in
bot.backends and are imported only when one is configured.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from bot.errors import AdvisorError
from bot.settings import Settings

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": "..."}


class BackendError(AdvisorError):
    """A generative backend failed, timed out or returned nothing usable."""


@runtime_checkable
class ChatBackend(Protocol):
    """What every generative backend offers: a whole reply, or the reply token by token."""

    name: str

    def complete(self, messages: Sequence[Message]) -> str: ...

    def stream(self, messages: Sequence[Message]) -> Iterator[str]: ...


def build_backend(settings: Settings) -> ChatBackend | None:
    """The configured backend, or None for evidence mode (no model)."""
    if settings.llm is not None:
        if not isinstance(settings.llm, ChatBackend):
            raise AdvisorError("settings.llm must offer name, complete() and stream()")
        return settings.llm
    if settings.backend == "evidence":
        return None
    from bot.backends import build_langchain_backend

    return build_langchain_backend(settings)
