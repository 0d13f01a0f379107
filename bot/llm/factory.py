"""Builds the configured generative backend from Settings (None means evidence mode).

The LangChain implementations in bot.llm.langchain are imported only when one is configured.
"""

from __future__ import annotations

from bot.errors import AdvisorError
from bot.llm.base import ChatBackend
from bot.settings import Settings


def build_backend(settings: Settings) -> ChatBackend | None:
    """The configured backend, or None for evidence mode (no model)."""
    if settings.llm is not None:
        if not isinstance(settings.llm, ChatBackend):
            raise AdvisorError("settings.llm must offer name, complete() and stream()")
        return settings.llm
    if settings.backend == "evidence":
        return None
    from bot.llm.langchain import build_langchain_backend

    return build_langchain_backend(settings)
