"""Generative backends: the ChatBackend protocol, its LangChain implementations and the factory.

May import bot.settings, bot.errors and bot.types; nothing else in bot.
"""

from bot.llm.base import BackendError, ChatBackend, Message
from bot.llm.factory import build_backend

__all__ = ["BackendError", "ChatBackend", "Message", "build_backend"]
