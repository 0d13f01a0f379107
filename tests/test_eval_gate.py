"""CI gate: the fast subset of the eval must meet every threshold in evals/thresholds.py.

Runs the `subset: true` gold questions and the canvas briefs against the session's real
Chroma + BM25 index of the report (real MiniLM embeddings, evidence mode).
"""

from __future__ import annotations

import pytest

from evals.suite import EvalResult, run_suite
from evals.thresholds import failures

RETRIEVAL = ("recall@5", "mean_context_chars")
ANSWERS = ("key_term_coverage", "citation_support", "out_of_scope_refusal", "answerable_refused")
CANVASES = ("canvas_archetype_match", "canvas_nine_blocks", "canvas_valid_citations")


@pytest.fixture(scope="module")
def gate(advisor) -> EvalResult:
    return run_suite(advisor, subset=True)


def _check(result: EvalResult, names: tuple[str, ...]) -> None:
    measured = {n: result.metrics.get(n) for n in names}
    assert all(v is not None for v in measured.values()), f"not measured: {measured}"
    problems = failures(measured)
    assert not problems, "eval gate failed: " + "; ".join(problems)


def test_gate_runs_the_subset(gate: EvalResult) -> None:
    assert gate.info["subset"] is True
    assert gate.metrics["answerable_questions"] >= 20
    assert gate.latency["retrieve"]["n"] >= 20


def test_retrieval_gate(gate: EvalResult) -> None:
    _check(gate, RETRIEVAL)


def test_every_part_ran(gate: EvalResult) -> None:
    assert gate.extra.get("errors") == {}, gate.extra.get("errors")
    assert gate.info["parts"] == ["retrieval", "answers", "canvases"]


def test_answer_gate(gate: EvalResult) -> None:
    _check(gate, ANSWERS)
    assert gate.latency["ask"]["n"] == gate.info["questions"]


def test_canvas_gate(gate: EvalResult) -> None:
    _check(gate, CANVASES)
    assert gate.latency["canvas"]["n"] == gate.info["briefs"] >= 5


def test_the_whole_gate_passes(gate: EvalResult) -> None:
    assert gate.passed, "eval gate failed: " + "; ".join(failures(gate.metrics))
