"""The pass/fail thresholds shared by the CI gate (tests/test_eval_gate.py) and `advisor eval`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Threshold:
    """A bound on one metric, compared with `op` (">=", "<=" or "<")."""

    metric: str
    op: str
    bound: float
    label: str = ""

    def passes(self, value: float | None) -> bool:
        """Whether a measured value meets the bound (a missing or NaN value fails)."""
        if value is None or value != value:
            return False
        if self.op == ">=":
            return value >= self.bound
        if self.op == "<=":
            return value <= self.bound + 1e-12
        return value < self.bound

    def describe(self) -> str:
        return f"{self.op} {self.bound:.4g}"


THRESHOLDS: tuple[Threshold, ...] = (
    Threshold("recall@5", ">=", 0.95, "retrieval recall@5 (answerable questions)"),
    Threshold("mean_context_chars", "<", 2500, "mean characters of the top-5 context"),
    Threshold("key_term_coverage", ">=", 0.90, "answer key-term coverage"),
    Threshold("citation_support", ">=", 0.95, "citation support (a cited chunk holds a snippet)"),
    Threshold("out_of_scope_refusal", ">=", 1.0, "out-of-scope questions refused"),
    Threshold("answerable_refused", "<=", 1 / 40, "answerable questions refused"),
    Threshold("canvas_archetype_match", ">=", 0.8, "canvas archetype match (4 of 5)"),
    Threshold("canvas_nine_blocks", ">=", 1.0, "canvases with all nine blocks"),
    Threshold("canvas_valid_citations", ">=", 1.0, "canvases whose citations are all valid"),
    # Realistic questions by kind, on the half of evals/advisor_questions.jsonl kept for reporting.
    *(Threshold(f"kind_{kind}_report", ">=", 0.9, f"{kind} questions passed (report half)")
      for kind in ("enumerate", "overview", "advise", "risks", "partial", "followup")),
    Threshold("kind_offtopic_report", ">=", 1.0, "off-topic questions refused (report half)"),
    Threshold("ask_p50_ms", "<", 50, "warm evidence-mode ask p50, ms"),
)

BY_METRIC: dict[str, Threshold] = {t.metric: t for t in THRESHOLDS}


def check(metrics: dict[str, float | None]) -> dict[str, bool]:
    """Pass/fail for every thresholded metric that was measured."""
    return {t.metric: t.passes(metrics[t.metric]) for t in THRESHOLDS if t.metric in metrics}


def failures(metrics: dict[str, float | None]) -> list[str]:
    """One line per measured metric that misses its threshold."""
    return [
        f"{t.metric} = {metrics[t.metric]} (needs {t.describe()})"
        for t in THRESHOLDS
        if t.metric in metrics and not t.passes(metrics[t.metric])
    ]
