"""`advisor ask` as a user runs it: JSON shape, plain output with sources, batch, errors."""

from __future__ import annotations

import json

from bot.answers.prompts import REFUSAL
from tests.conftest import run_cli
from tests.test_cli import _one_line_error

ASK_KEYS = {"question", "answer", "refused", "mode", "citations"}
CITATION_KEYS = {"n", "chunk_id", "section", "source", "page", "text"}


def test_ask_json_shape(corpus_settings):
    question = "How do circular business models earn money?"
    proc = run_cli("ask", question, "--json", data_dir=corpus_settings.data_dir)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert ASK_KEYS <= out.keys()
    assert out["question"] == question and out["refused"] is False and out["mode"] == "evidence"
    assert [c["n"] for c in out["citations"]] == list(range(1, len(out["citations"]) + 1))
    for cite in out["citations"]:
        assert CITATION_KEYS <= cite.keys()
        assert f"[{cite['n']}]" in out["answer"]
        assert cite["text"].startswith(cite["section"])  # the chunk's full text
    assert "Stable cash flows over time (leasing, pay-per-x, etc.)" in out["answer"]


def test_ask_plain_output_prints_answer_then_sources(corpus_settings):
    proc = run_cli("ask", "Which channels do servitised business models use?",
                   data_dir=corpus_settings.data_dir)
    assert proc.returncode == 0, proc.stderr
    answer, sources = proc.stdout.split("\nSources:\n")
    assert "Service portal or platforms for delivery and communication [1]" in answer
    assert sources.startswith("[1] New Business Models > Servitised Business Models > Channels")


def test_ask_batch_and_refusal(corpus_settings, tmp_path):
    batch = tmp_path / "questions.txt"
    batch.write_text("What is the capital of Australia?\n\nWho wrote the report?\n", "utf-8")
    proc = run_cli("ask", "--batch", str(batch), data_dir=corpus_settings.data_dir)
    assert proc.returncode == 0, proc.stderr
    first, second = (json.loads(line) for line in proc.stdout.splitlines())
    assert first["refused"] is True and first["answer"].endswith(REFUSAL)
    assert first["citations"] == []
    assert second["refused"] is False and "Romero" in second["answer"]


def test_ask_errors_are_one_line(corpus_settings):
    line = _one_line_error(run_cli("ask", "   ", data_dir=corpus_settings.data_dir))
    assert "empty" in line
