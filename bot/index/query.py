"""Query expansion with the Business Model Canvas vocabulary the report is written in."""

from __future__ import annotations

import re

from bot.report.vocabulary import QUERY_CUES

_COMPILED = tuple((re.compile(p, re.IGNORECASE), term) for p, term in QUERY_CUES)


def expand(question: str) -> str:
    """The question plus canvas terms its wording points to (for the lexical retriever)."""
    extra = [term for pattern, term in _COMPILED if pattern.search(question)]
    extra = [t for t in extra if t not in question.lower()]
    return f"{question} {' '.join(extra)}" if extra else question
