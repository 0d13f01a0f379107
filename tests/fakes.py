"""A deterministic fake chat backend that records what it was asked."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from bot.llm import BackendError, Message

Reply = str | Callable[[Sequence[Message]], str]


class FakeChat:
    """Replies from a script (a fixed string, a list consumed in order, or a function)."""

    name = "fake"

    def __init__(self, replies: Reply | list[Reply], fail: bool = False) -> None:
        self._replies = list(replies) if isinstance(replies, list) else [replies]
        self.fail = fail
        self.calls: list[list[Message]] = []

    def _next(self, messages: Sequence[Message]) -> str:
        self.calls.append([dict(m) for m in messages])
        if self.fail:
            raise BackendError("fake backend failure")
        reply = self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]
        return reply(messages) if callable(reply) else reply

    def complete(self, messages: Sequence[Message]) -> str:
        return self._next(messages)

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        text = self._next(messages)
        for i in range(0, len(text), 4):
            yield text[i : i + 4]
