"""What loaders hand to the chunker."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """A run of text under one heading path, from one page of a source file."""

    path: tuple[str, ...]
    text: str
    page: int | None = None
