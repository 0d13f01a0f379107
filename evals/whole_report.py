"""Baseline for generative backends: the whole report in the prompt instead of retrieval.

The report text (heading lines kept) is given to the model as one excerpt, cut to what fits the
backend's context window, and the same gold questions are asked. Answers are scored for key-term
coverage and refusals; citations are not scored (there is only one excerpt to cite).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.gold import GoldQuestion
from evals.metrics import has_terms, latency_summary, mean

ROOT = Path(__file__).resolve().parents[1]
CORPUS_FILE = ROOT / "corpus" / "wmr-2023-new-business-models.md"
DEFAULT_CONTEXT_TOKENS = 2048
RESERVED_TOKENS = 640  # system prompt, question and the reply


def context_tokens(llm: Any, settings: Any = None) -> int:
    """The backend's context window in tokens, where it says; else a conservative default."""
    for holder in (llm, getattr(llm, "model", None)):
        for name in ("context_tokens", "n_ctx", "num_ctx", "context_window"):
            value = getattr(holder, name, None)
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                return value
    if settings is not None and getattr(settings, "backend", "") == "llamacpp":
        value = getattr(settings, "llm_context", None)
        if isinstance(value, int) and value > 0:
            return value
    return DEFAULT_CONTEXT_TOKENS


def fit(text: str, budget_tokens: int, count: Any) -> tuple[str, bool]:
    """The longest prefix of text (whole lines) within budget_tokens, and whether it was cut."""
    if count(text) <= budget_tokens:
        return text, False
    lines = text.splitlines()
    lo, hi = 0, len(lines)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count("\n".join(lines[:mid])) <= budget_tokens:
            lo = mid
        else:
            hi = mid - 1
    return "\n".join(lines[:lo]), True


def evaluate_whole_report(advisor: Any, questions: Sequence[GoldQuestion]) -> dict[str, Any]:
    """Ask every gold question with the (truncated) whole report as context."""
    from bot.answers.prompts import NOT_IN_REPORT, REFUSAL, SYSTEM_PROMPT, USER_TEMPLATE
    from bot.index.embedding import token_counter

    llm = advisor.llm
    if llm is None:
        return {"note": "evidence mode has no model: no whole-report baseline", "metrics": {}}
    count = token_counter(advisor.settings.model_path())
    window = context_tokens(llm, advisor.settings)
    text = CORPUS_FILE.read_text(encoding="utf-8")
    # MiniLM word pieces stand in for the model's own tokens: keep a 20% margin.
    context, cut = fit(text, max(256, int(window * 0.8) - RESERVED_TOKENS), count)
    share = len(context) / len(text)
    coverage: list[float] = []
    refused_oos: list[bool] = []
    refused_ans: list[bool] = []
    times: list[float] = []
    for q in questions:
        user = USER_TEMPLATE.format(
            context=f"[1] (section: the whole report)\n{context}",
            question=q.question, not_in_report=NOT_IN_REPORT,
        )
        messages = [{"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": user}]
        if q.history:
            messages[1:1] = [dict(t) for t in q.history]
        start = time.perf_counter()
        try:
            reply = llm.complete(messages)
        except Exception as exc:  # noqa: BLE001 - a failed call counts as a refusal
            reply = f"{NOT_IN_REPORT} ({type(exc).__name__})"
        times.append((time.perf_counter() - start) * 1000)
        refused = NOT_IN_REPORT in reply or REFUSAL[:40] in reply or not reply.strip()
        if q.answerable:
            refused_ans.append(refused)
            coverage.append(0.0 if refused else has_terms(reply, q.key_terms))
        else:
            refused_oos.append(refused)
    lat = latency_summary(times)
    note = (
        f"The backend `{getattr(llm, 'name', '?')}` has a context of {window:,} tokens "
        f"(counted in MiniLM word pieces, with a 20% margin): "
        + (f"the report was **truncated** to its first {share:.0%} ({len(context):,} of "
           f"{len(text):,} characters), so questions about later sections cannot be answered "
           "in this arm." if cut else "the whole report fit.")
    )
    return {
        "note": note,
        "truncated": cut,
        "context_share": share,
        "metrics": {
            "key_term_coverage": mean(coverage),
            "out_of_scope_refusal": mean(float(r) for r in refused_oos),
            "answerable_refused": mean(float(r) for r in refused_ans),
            "ask_p50_ms": lat["p50_ms"],
            "ask_p95_ms": lat["p95_ms"],
        },
    }
