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
    """The q-th percentile of the values (NaN when there are none)."""
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")


def reciprocal_rank(rank: int | None) -> float:
    """1/rank, or 0 when nothing relevant was retrieved."""
    return 0.0 if rank is None else 1.0 / rank


def supports(text: str, snippets: Iterable[str]) -> bool:
    """Whether a cited chunk's text holds any gold snippet."""
    return any(holds(text, s) for s in snippets)


def relevant(text: str, snippets: Iterable[str], key_terms: Iterable[str]) -> bool:
    """Whether a cited chunk holds a gold snippet or a key term (citation precision)."""
    low = normalise(text)
    return supports(text, snippets) or any(normalise(t) in low for t in key_terms)


def mean(values: Iterable[float | None]) -> float | None:
    """Arithmetic mean of the values that are not None, or None when there are none."""
    got = [float(v) for v in values if v is not None]
    return sum(got) / len(got) if got else None


def latency_summary(values_ms: Sequence[float]) -> dict[str, float]:
    """p50, p95 and count of a list of latencies in milliseconds."""
    return {
        "p50_ms": percentile(values_ms, 50),
        "p95_ms": percentile(values_ms, 95),
        "n": float(len(values_ms)),
    }
