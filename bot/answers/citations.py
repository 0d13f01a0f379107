"""Citation markers: validate [n] against the retrieved chunks and renumber them densely.

A generated answer cites the numbered context as [n]. Before it reaches the user, every marker
that matches no retrieved chunk is removed, and the remaining ones are renumbered 1..m in order
of first appearance (two numbers naming the same chunk become one). `MarkerRewriter` does this
incrementally, so a token stream shows the same numbers as the final answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.types import Chunk, Citation, Hit

# [3], [1, 2], [1-2] and [1][2] forms; the group holds the numbers.
_MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*(?:,|;|-|–|and)\s*\d{1,3})*)\s*\]")
_OPEN_TAIL = re.compile(r"\[[\d\s,;\-–and]{0,20}$")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,;:!?])")
_DOUBLE_SPACE = re.compile(r"[ \t]{2,}")


def _numbers(group: str) -> list[int]:
    span = re.fullmatch(r"\s*(\d+)\s*[-–]\s*(\d+)\s*", group)
    if span is not None:
        a, b = int(span.group(1)), int(span.group(2))
        return list(range(a, b + 1)) if 0 < b - a < 10 else [a, b]
    return [int(x) for x in re.findall(r"\d+", group)]


class MarkerRewriter:
    """Rewrites [n] markers of streamed text against the hits the model was shown."""

    def __init__(self, hits: Sequence[Hit]) -> None:
        self._chunks: list[Chunk] = [h.chunk for h in hits]
        self._new: dict[str, int] = {}  # chunk id -> dense number
        self.cited: list[Chunk] = []
        self._pending = ""

    def _rewrite(self, match: re.Match[str]) -> str:
        out: list[int] = []
        for n in _numbers(match.group(1)):
            if not 1 <= n <= len(self._chunks):
                continue
            chunk = self._chunks[n - 1]
            if chunk.id not in self._new:
                self._new[chunk.id] = len(self.cited) + 1
                self.cited.append(chunk)
            if self._new[chunk.id] not in out:
                out.append(self._new[chunk.id])
        return "".join(f"[{n}]" for n in out)

    def feed(self, piece: str) -> str:
        """Rewritten text that is safe to show now; a possibly unfinished marker is held."""
        text = self._pending + piece
        tail = _OPEN_TAIL.search(text)
        if tail is not None:
            self._pending, text = text[tail.start():], text[: tail.start()]
        else:
            self._pending = ""
        return _MARKER.sub(self._rewrite, text)

    def flush(self) -> str:
        """Whatever is still held back, rewritten."""
        text, self._pending = self._pending, ""
        return _MARKER.sub(self._rewrite, text)

    def citations(self) -> tuple[Citation, ...]:
        return tuple(Citation(n, chunk) for n, chunk in enumerate(self.cited, start=1))


def tidy(text: str) -> str:
    """White space left behind by removed markers folded away."""
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _DOUBLE_SPACE.sub(" ", text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def validate(text: str, hits: Sequence[Hit]) -> tuple[str, tuple[Citation, ...]]:
    """The text with only valid, densely renumbered markers, and the citations they name."""
    rewriter = MarkerRewriter(hits)
    out = rewriter.feed(text) + rewriter.flush()
    return tidy(out), rewriter.citations()


def markers(text: str) -> list[int]:
    """Every [n] number in a text, in order (for checks)."""
    return [n for m in _MARKER.finditer(text) for n in _numbers(m.group(1))]
