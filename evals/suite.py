"""The evaluation suite behind `advisor eval` and the CI gate: retrieval, answers, canvases.

Retrieval is scored here (recall@1, recall@5, MRR, context size); answers and canvases are
scored by `evals.answer_eval` and `evals.canvas_eval` when the advisor can answer and draft.
Every call to `retrieve`, `ask` and `draft_canvas` is timed, giving latency per stage.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from evals.answer_eval import evaluate_answers
from evals.canvas_eval import evaluate_canvases
from evals.gold import Brief, GoldQuestion, load_briefs, load_gold
from evals.metrics import first_rank, latency_summary, mean, reciprocal_rank, relevant
from evals.thresholds import THRESHOLDS, check

K = 5
# The thresholded canvas metrics, and the evals.canvas_eval keys that measure them.
CANVAS_KEYS = {
    "canvas_archetype_match": "top1_accuracy",
    "canvas_nine_blocks": "all_blocks_filled_rate",
    "canvas_valid_citations": "citations_valid_rate",
}
Progress = Callable[[str], None]


@dataclass(frozen=True)
class EvalResult:
    """Metrics, per-question rows, latencies per stage and run details of one eval run."""

    metrics: dict[str, float | None]
    latency: dict[str, dict[str, float]]
    questions: tuple[dict[str, Any], ...]
    info: dict[str, Any]
    by_category: dict[str, dict[str, float]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def verdicts(self) -> dict[str, bool]:
        """Pass/fail for each thresholded metric that was measured."""
        return check({k: v for k, v in self.metrics.items() if v is not None})

    @property
    def passed(self) -> bool:
        return all(self.verdicts.values()) and not self.extra.get("errors")

    def to_json(self) -> dict[str, Any]:
        return {
            "info": self.info,
            "metrics": self.metrics,
            "thresholds": {
                t.metric: {"op": t.op, "bound": t.bound, "label": t.label} for t in THRESHOLDS
            },
            "pass": self.verdicts,
            "passed": self.passed,
            "latency": self.latency,
            "by_category": self.by_category,
            "questions": list(self.questions),
            **self.extra,
        }


class Timed:
    """Wraps an Advisor and records how long each retrieve, ask and draft_canvas call takes."""

    STAGES = {"retrieve": "retrieve", "ask": "ask", "draft_canvas": "canvas"}

    def __init__(self, advisor: Any) -> None:
        self._advisor = advisor
        self.times: dict[str, list[float]] = defaultdict(list)
        self.answers: dict[str, list[Any]] = defaultdict(list)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._advisor, name)
        stage = self.STAGES.get(name)
        if stage is None or not callable(attr):
            return attr

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                result = attr(*args, **kwargs)
            finally:
                self.times[stage].append((time.perf_counter() - start) * 1000)
            if stage == "ask" and args:
                self.answers[str(args[0])].append(result)
            return result

        return timed


def standalone_question(advisor: Any, question: GoldQuestion) -> str:
    """The question to retrieve with: follow-ups are rewritten the way the ask path does it."""
    if not question.history:
        return question.question
    try:
        from bot.answers.rewrite import rewrite
    except ImportError:  # pragma: no cover - an index-only build: carry the last user turn
        pass
    else:
        llm = getattr(advisor, "llm", None) if hasattr(advisor, "ask") else None
        return str(rewrite(question.question, list(question.history), llm))
    previous = [t["content"] for t in question.history if t.get("role") == "user"]
    return f"{previous[-1]} {question.question}" if previous else question.question


def evaluate_retrieval(
    advisor: Any, questions: Sequence[GoldQuestion], k: int = K
) -> tuple[dict[str, float | None], list[dict[str, Any]]]:
    """Recall@1, recall@k, MRR and mean top-k context characters over answerable questions."""
    rows: list[dict[str, Any]] = []
    for q in questions:
        if not q.answerable:
            continue
        query = standalone_question(advisor, q)
        hits = advisor.retrieve(query, k)
        rank = first_rank([h.chunk.text for h in hits], q.snippets)
        rows.append({
            "id": q.id, "category": q.category, "query": query, "rank": rank,
            "context_chars": sum(len(h.chunk.text) for h in hits),
            "sections": [h.chunk.section for h in hits],
        })
    n = len(rows)
    metrics: dict[str, float | None] = {
        "recall@1": sum(r["rank"] == 1 for r in rows) / n if n else None,
        f"recall@{k}": sum(r["rank"] is not None for r in rows) / n if n else None,
        "mrr": mean(reciprocal_rank(r["rank"]) for r in rows),
        "mean_context_chars": mean(r["context_chars"] for r in rows),
        "answerable_questions": float(n),
    }
    return metrics, rows


def _by_category(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[row["category"]].append(row)
    return {
        cat: {
            "n": float(len(g)),
            f"recall@{K}": sum(r["rank"] is not None for r in g) / len(g),
            "mrr": sum(reciprocal_rank(r["rank"]) for r in g) / len(g),
        }
        for cat, g in sorted(groups.items())
    }


def _numeric(result: dict[str, Any]) -> dict[str, float | None]:
    return {
        k: (float(v) if v is not None else None)
        for k, v in result.items()
        if (v is None or (isinstance(v, int | float) and not isinstance(v, bool)))
        and not k.endswith("_ms")
    }


def citation_precision(timed: Timed, questions: Sequence[GoldQuestion]) -> float | None:
    """Share of the citations of answered gold questions that hold a snippet or a key term."""
    good = total = 0
    for q in questions:
        if not q.answerable:
            continue
        for answer in timed.answers.get(q.question, []):
            if getattr(answer, "refused", False):
                continue
            for citation in answer.citations:
                total += 1
                good += relevant(citation.chunk.text, q.snippets, q.key_terms)
    return good / total if total else None


def _answers(timed: Timed, questions: Sequence[GoldQuestion]) -> dict[str, Any]:
    return dict(evaluate_answers(timed, list(questions)))


def _canvases(timed: Timed, briefs: Sequence[Brief]) -> dict[str, Any]:
    return dict(evaluate_canvases(timed, list(briefs)))


def run_suite(
    advisor: Any,
    subset: bool = False,
    questions: Sequence[GoldQuestion] | None = None,
    briefs: Sequence[Brief] | None = None,
    progress: Progress | None = None,
    whole_report: bool | None = None,
) -> EvalResult:
    """Run the eval over the gold set (or its CI subset) and the canvas briefs."""
    say = progress or (lambda _msg: None)
    questions = list(questions if questions is not None else load_gold(subset=subset))
    briefs = list(briefs if briefs is not None else load_briefs())
    timed = Timed(advisor)
    started = time.perf_counter()

    say(f"retrieval: {sum(q.answerable for q in questions)} answerable questions")
    metrics, rows = evaluate_retrieval(timed, questions)
    errors: dict[str, str] = {}
    extra: dict[str, Any] = {"retrieval": rows, "errors": errors}
    parts = ["retrieval"]

    say(f"answers: {len(questions)} questions")
    answers = _guarded(errors, "answers", _answers, timed, questions)
    if answers is not None:
        metrics.update(_numeric(answers))
        metrics["citation_precision"] = citation_precision(timed, questions)
        extra["answers"] = {k: v for k, v in answers.items() if k not in metrics}
        parts.append("answers")

    say(f"canvases: {len(briefs)} briefs")
    canvases = _guarded(errors, "canvases", _canvases, timed, briefs)
    if canvases is not None:
        for ours, theirs in CANVAS_KEYS.items():
            if ours not in canvases and theirs in canvases:
                canvases[ours] = canvases[theirs]
        metrics.update(_numeric(canvases))
        for theirs in CANVAS_KEYS.values():
            metrics.pop(theirs, None)
        extra["canvases"] = {k: v for k, v in canvases.items() if k not in metrics}
        parts.append("canvases")

    if not subset:
        say("advisor kinds: realistic questions by kind, both halves")
        kinds = _guarded(errors, "advisor_kinds", _kinds, timed)
        if kinds is not None:
            for split, rates in kinds["rates"].items():
                if split in ("tune", "report"):
                    metrics.update({f"kind_{k}_{split}": v for k, v in rates.items()})
            extra["advisor_kinds"] = kinds["rows"]
            parts.append("advisor_kinds")

    backend = _backend_name(advisor)
    if whole_report is None:
        whole_report = backend != "evidence"
    if whole_report and answers is not None:
        from evals.whole_report import evaluate_whole_report

        say("baseline: the whole report in the prompt")
        extra["whole_report"] = _guarded(
            errors, "whole_report", evaluate_whole_report, advisor, questions
        )

    latency = {stage: latency_summary(times) for stage, times in timed.times.items() if times}
    if backend == "evidence" and "ask" in latency:
        metrics["ask_p50_ms"] = latency["ask"].get("p50_ms")
    info = {
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "subset": subset,
        "backend": backend,
        "questions": len(questions),
        "briefs": len(briefs),
        "parts": parts,
        "k": K,
        "seconds": round(time.perf_counter() - started, 2),
    }
    return EvalResult(
        metrics=metrics,
        latency=latency,
        questions=tuple(rows),
        info=info,
        by_category=_by_category(rows),
        extra={k: v for k, v in extra.items() if k != "retrieval"},
    )


def _kinds(timed: Timed) -> dict[str, Any]:
    from evals.advisor_eval import evaluate, load_questions

    return evaluate(timed, load_questions())


def _guarded(errors: dict[str, str], part: str, fn: Callable[..., Any], *args: Any) -> Any:
    """Run one part of the eval; a crash is recorded (and fails the run) instead of raised."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001 - one broken part must not hide the others
        errors[part] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        return None


def _backend_name(advisor: Any) -> str:
    settings = getattr(advisor, "settings", None)
    llm = getattr(settings, "llm", None)
    if llm is not None:
        return str(getattr(llm, "name", "custom"))
    return str(getattr(settings, "backend", "evidence"))
