"""Metric building blocks: snippet matching, recall@k, MRR, percentiles."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy as np

_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Lower case, markdown emphasis removed, white space folded."""
    return _SPACE.sub(" ", text.replace("**", "").replace("__", "")).strip().lower()


def holds(text: str, snippet: str) -> bool:
    """Whether a chunk's text contains a gold snippet."""
    return normalise(snippet) in normalise(text)


def first_rank(texts: Sequence[str], snippets: Iterable[str]) -> int | None:
    """1-based rank of the first text that holds any snippet, or None."""
    snippets = list(snippets)
    for rank, text in enumerate(texts, start=1):
        if any(holds(text, s) for s in snippets):
            return rank
    return None


def all_found(texts: Sequence[str], snippets: Iterable[str]) -> bool:
    """Whether every snippet is held by some text."""
    return all(any(holds(t, s) for t in texts) for s in snippets)


def has_terms(text: str, terms: Iterable[str]) -> float:
    """Share of key terms present in a text (1.0 when there are none)."""
    terms = list(terms)
    if not terms:
        return 1.0
    low = normalise(text)
    return sum(normalise(t) in low for t in terms) / len(terms)


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")
