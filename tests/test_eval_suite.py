"""The eval harness: metric helpers, thresholds, the retrieval scorer, report files and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from evals.gold import GoldQuestion, load_gold
from evals.metrics import first_rank, latency_summary, mean, relevant, supports
from evals.report import markdown, rows, table, write
from evals.suite import EvalResult, Timed, evaluate_retrieval, run_suite, standalone_question
from evals.thresholds import BY_METRIC, THRESHOLDS, check, failures


def test_thresholds_cover_the_gate_and_compare_both_ways() -> None:
    assert {t.metric for t in THRESHOLDS} >= {
        "recall@5", "mean_context_chars", "key_term_coverage", "citation_support",
        "out_of_scope_refusal", "answerable_refused", "canvas_archetype_match",
    }
    assert BY_METRIC["recall@5"].passes(0.95) and not BY_METRIC["recall@5"].passes(0.949)
    assert BY_METRIC["mean_context_chars"].passes(2499) is True
    assert BY_METRIC["mean_context_chars"].passes(2500) is False
    assert BY_METRIC["answerable_refused"].passes(1 / 40) is True
    assert BY_METRIC["answerable_refused"].passes(2 / 40) is False
    assert BY_METRIC["recall@5"].passes(float("nan")) is False
    assert check({"recall@5": 0.5, "mrr": 0.1}) == {"recall@5": False}
    assert failures({"recall@5": 0.5}) == ["recall@5 = 0.5 (needs >= 0.95)"]


def test_metric_helpers() -> None:
    texts = ["Alpha beta.", "The **Pay-per-use** model", "gamma"]
    assert first_rank(texts, ["pay-per-use MODEL"]) == 2
    assert first_rank(texts, ["absent"]) is None
    assert supports("Invoicing  (directly or\nindirectly)", ["invoicing (directly or indirectly)"])
    assert relevant("uses leasing contracts", ["absent snippet"], ["leasing"])
    assert not relevant("nothing here", ["absent snippet"], ["leasing"])
    assert mean([1.0, None, 3.0]) == 2.0 and mean([None]) is None
    lat = latency_summary([10.0, 20.0, 30.0])
    assert lat["p50_ms"] == 20.0 and lat["n"] == 3.0


def test_pass_rates_per_kind_show_three_decimals() -> None:
    result = EvalResult({"kind_partial_report": 0.869, "kind_advise_tune": 1}, {}, (), {})
    shown = "\n".join(f"{m} {v}" for m, v, _, _ in rows(result))
    assert shown == "kind_advise_tune 1.000\nkind_partial_report 0.869"


def test_followups_retrieve_with_the_ask_paths_rewrite() -> None:
    from bot.answers.rewrite import rewrite

    followup = next(q for q in load_gold() if q.id == "fu-servitised-revenue")

    class RetrieveOnly:
        pass

    query = standalone_question(RetrieveOnly(), followup)
    assert query == rewrite(followup.question, list(followup.history), None)
    assert followup.question in query and "servitised" in query.lower()
    plain = next(q for q in load_gold() if not q.history)
    assert standalone_question(RetrieveOnly(), plain) == plain.question


def test_retrieval_scores_real_hits(advisor) -> None:
    gold = [q for q in load_gold(subset=True) if q.answerable][:6]
    timed = Timed(advisor)
    metrics, rows = evaluate_retrieval(timed, gold)
    assert len(rows) == 6 and metrics["answerable_questions"] == 6
    assert 0 < metrics["recall@5"] <= 1 and metrics["recall@1"] <= metrics["recall@5"]
    assert 0 < metrics["mean_context_chars"] < 5 * 3000
    assert len(timed.times["retrieve"]) == 6
    # A snippet that is in no chunk is never "found": the scorer can fail.
    fake = GoldQuestion("x", gold[0].question, "trend", ("no such sentence in the report",),
                        (), True)
    bad, rows = evaluate_retrieval(advisor, [fake])
    assert bad["recall@5"] == 0.0 and bad["mrr"] == 0.0 and rows[0]["rank"] is None


def test_a_retrieval_regression_fails_the_thresholds(advisor) -> None:
    class Shuffled:
        """Returns the hits of an unrelated question: recall collapses."""

        settings = advisor.settings

        def retrieve(self, question: str, k: int | None = None):
            return advisor.retrieve("Who contributed to the report?", k)

    result = run_suite(Shuffled(), subset=True)
    assert result.metrics["recall@5"] < 0.5
    assert result.verdicts["recall@5"] is False and not result.passed


def test_report_files_and_table(advisor, tmp_path: Path) -> None:
    result = run_suite(advisor, questions=load_gold(subset=True)[:8], briefs=[])
    paths = write(result, tmp_path / "out")
    assert paths["chart"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = paths["report"].read_text()
    assert "| recall@5 |" in text and "![metrics](chart.png)" in text
    data = json.loads(paths["json"].read_text())
    assert data["metrics"]["recall@5"] == result.metrics["recall@5"]
    assert "recall@5" in table(result) and "retrieve" in table(result)
    assert "Latency per stage" in markdown(result, None)


@pytest.mark.slow
def test_cli_eval_writes_a_report(corpus_settings, tmp_path: Path, capsys) -> None:
    out = tmp_path / "results"
    code = main(["eval", "--subset", "--json", "--data-dir", str(corpus_settings.data_dir),
                 "--out", str(out)])
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert code == (0 if data["passed"] else 4)
    assert data["info"]["subset"] is True and data["metrics"]["recall@5"] > 0
    assert (out / "report.md").is_file() and (out / "chart.png").is_file()


def test_cli_eval_rejects_an_unknown_backend(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["eval", "--backend", "nope"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_whole_report_arm_truncates_to_the_backend_context(corpus_settings) -> None:
    from bot.answers.prompts import NOT_IN_REPORT
    from bot.index.embedding import token_counter
    from evals.whole_report import evaluate_whole_report, fit
    from tests.fakes import FakeChat

    count = token_counter(corpus_settings.model_path())
    text, cut = fit("one two\nthree four\nfive six", 4, count)
    assert cut and text == "one two\nthree four"
    assert fit("short", 100, count) == ("short", False)

    gold = load_gold(subset=True)
    answerable = [q for q in gold if q.answerable][:2]
    oos = [q for q in gold if not q.answerable][:1]

    def reply(messages) -> str:
        question = messages[-1]["content"].rsplit("Question: ", 1)[-1]
        if oos[0].question in question:
            return NOT_IN_REPORT
        q = next(q for q in answerable if q.question in question)
        return " and ".join(q.key_terms[:1]) + " [1]"

    chat = FakeChat(reply)
    chat.n_ctx = 1024  # type: ignore[attr-defined]

    class Host:
        settings = corpus_settings
        llm = chat

    result = evaluate_whole_report(Host(), [*answerable, *oos])
    assert result["truncated"] is True and 0 < result["context_share"] < 0.5
    assert "truncated" in result["note"] and "1,024 tokens" in result["note"]
    metrics = result["metrics"]
    assert metrics["out_of_scope_refusal"] == 1.0 and metrics["answerable_refused"] == 0.0
    assert 0 < metrics["key_term_coverage"] <= 1.0
    prompt = chat.calls[0][-1]["content"]
    assert count(prompt) < 1024 and "whole report" in prompt


def test_a_crashing_part_is_reported_and_fails_the_run(advisor) -> None:
    from evals.gold import load_briefs
    from evals.report import verdict

    class BrokenCanvas:
        """Delegates to the real advisor, but drafting a canvas crashes."""

        def __getattr__(self, name: str):
            return getattr(advisor, name)

        def draft_canvas(self, brief: str):
            raise RuntimeError("canvas service exploded")

    questions = [q for q in load_gold(subset=True) if q.answerable][:3]
    result = run_suite(BrokenCanvas(), questions=questions, briefs=load_briefs()[:1])
    assert result.extra["errors"] == {"canvases": "RuntimeError: canvas service exploded"}
    assert result.metrics["recall@5"] is not None and "canvases" not in result.info["parts"]
    assert not result.passed and verdict(result) == "FAIL"
    assert "canvases could not be measured" in table(result)
