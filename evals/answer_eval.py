"""Answer quality on the gold set: key terms, supporting citations, refusals, valid markers."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from typing import Any

from evals.gold import GoldQuestion
from evals.metrics import has_terms, holds, percentile

_MARKER = re.compile(r"\[(\d+)\]")


def citations_valid(answer: Any, retrieved_texts: set[str] | None = None) -> bool:
    """Every [n] in the text is a citation, citations are numbered 1..m and all are cited.

    With retrieved_texts, each citation's text must also be one of those chunk texts.
    """
    numbers = [int(n) for n in _MARKER.findall(answer.text)]
    cited = [c.n for c in answer.citations]
    if cited != list(range(1, len(cited) + 1)):
        return False
    if set(numbers) != set(cited):
        return False
    firsts = list(dict.fromkeys(numbers))
    if firsts != cited:  # numbered in order of first appearance
        return False
    if retrieved_texts is not None:
        return all(c.chunk.text in retrieved_texts for c in answer.citations)
    return True


def evaluate_answers(advisor: Any, questions: Sequence[GoldQuestion]) -> dict[str, Any]:
    """Ask every question (follow-ups with their gold history) and score the answers.

    Returns key_term_coverage (share of answerable questions whose answer holds every key term),
    key_term_share (mean share of key terms present), citation_support (share of answerable
    questions with a citation holding a gold snippet), out_of_scope_refusal, answerable_refused,
    valid_citations (share of answers whose markers and citations agree), ask_p50_ms, and
    `failures`: the ids that missed, per metric.
    """
    answerable = [q for q in questions if q.answerable]
    out_of_scope = [q for q in questions if not q.answerable]
    failures: dict[str, list[str]] = {
        "key_terms": [], "citation_support": [], "refused": [], "not_refused": [],
        "invalid_citations": [],
    }
    all_terms = supported = refused_ok = refused_bad = valid = 0
    shares: list[float] = []
    times: list[float] = []
    for q in questions:
        start = time.perf_counter()
        answer = advisor.ask(q.question, history=list(q.history) or None)
        times.append((time.perf_counter() - start) * 1000)
        if citations_valid(answer):
            valid += 1
        else:
            failures["invalid_citations"].append(q.id)
        if not q.answerable:
            if answer.refused:
                refused_ok += 1
            else:
                failures["not_refused"].append(q.id)
            continue
        if answer.refused:
            refused_bad += 1
            failures["refused"].append(q.id)
        share = has_terms(answer.text, q.key_terms)
        shares.append(share)
        if share >= 1.0:
            all_terms += 1
        else:
            failures["key_terms"].append(q.id)
        if any(holds(c.chunk.text, s) for c in answer.citations for s in q.snippets):
            supported += 1
        else:
            failures["citation_support"].append(q.id)
    n = max(len(answerable), 1)
    return {
        "answerable": len(answerable),
        "out_of_scope": len(out_of_scope),
        "key_term_coverage": all_terms / n,
        "key_term_share": sum(shares) / n,
        "citation_support": supported / n,
        "out_of_scope_refusal": refused_ok / max(len(out_of_scope), 1) if out_of_scope else None,
        "answerable_refused": refused_bad / n,
        "valid_citations": valid / max(len(questions), 1),
        "ask_p50_ms": percentile(times, 50),
        "failures": failures,
    }
