"""Section-aware chunking: a section is one chunk where it fits, else split at sentences."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from bot.types import SECTION_SEP, Chunk
from ingest.types import Block

TokenCount = Callable[[str], int]

_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+(?=[\"'“(\[A-Z0-9])")


def section_name(path: tuple[str, ...], title: str) -> str:
    """The heading path as one string; text before any heading belongs to the document title."""
    return SECTION_SEP.join(path) if path else title


def _units(body: str) -> Iterator[str]:
    """Lines of a body (a bullet stays whole), with prose paragraphs cut into sentences."""
    for paragraph in re.split(r"\n\s*\n", body):
        lines = [ln.strip() for ln in paragraph.splitlines() if ln.strip()]
        if not lines:
            continue
        if all(not ln.startswith(("- ", "* ", "|")) for ln in lines):
            prose = " ".join(lines)
            yield from (s.strip() for s in _SENTENCE_END.split(prose) if s.strip())
        else:
            yield from lines


def _split_words(unit: str, budget: int, count: TokenCount) -> Iterator[str]:
    """Last resort for one over-long sentence: cut it between words."""
    words, part = unit.split(), list[str]()
    for word in words:
        if part and count(" ".join([*part, word])) > budget:
            yield " ".join(part)
            part = []
        part.append(word)
    if part:
        yield " ".join(part)


def _pack(units: Iterable[str], budget: int, count: TokenCount) -> list[str]:
    """Greedily pack units into parts of at most `budget` tokens, keeping unit order."""
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for unit in units:
        size = count(unit)
        pieces = [unit] if size <= budget else list(_split_words(unit, budget, count))
        for piece in pieces:
            piece_size = size if len(pieces) == 1 else count(piece)
            if current and used + piece_size > budget:
                parts.append("\n".join(current))
                current, used = [], 0
            current.append(piece)
            used += piece_size + 1
    if current:
        parts.append("\n".join(current))
    return parts


def chunk_blocks(
    blocks: Iterable[Block],
    source: str,
    title: str,
    count: TokenCount,
    max_tokens: int = 240,
) -> list[Chunk]:
    """Turn loaded blocks into chunks whose text starts with their heading path."""
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for block in blocks:
        body = block.text.strip()
        if not body:
            continue
        section = section_name(block.path, title)
        whole = f"{section}\n{body}"
        if count(whole) <= max_tokens:
            texts = [whole]
        else:
            budget = max(16, max_tokens - count(section) - 1)
            texts = [f"{section}\n{part}" for part in _pack(_units(body), budget, count)]
        for text in texts:
            chunk = Chunk.create(text=text, section=section, source=source, page=block.page)
            if chunk.id not in seen:
                seen.add(chunk.id)
                chunks.append(chunk)
    return chunks
