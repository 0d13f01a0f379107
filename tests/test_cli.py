"""The `advisor` console script as a user runs it: JSON shapes, batch mode, one-line errors."""

from __future__ import annotations

import json
import subprocess

import pytest

from .conftest import run_cli


def _one_line_error(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_retrieve_json_shape(corpus_settings):
    proc = run_cli("retrieve", "servitised revenue streams", "-k", "3", "--json",
                   data_dir=corpus_settings.data_dir)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["question"] == "servitised revenue streams"
    assert len(out["hits"]) == 3
    for rank, hit in enumerate(out["hits"], start=1):
        assert {"rank", "chunk_id", "section", "source", "page", "text", "score"} <= hit.keys()
        assert hit["rank"] == rank
    assert "Servitised Business Models > Revenue Streams" in out["hits"][0]["section"]


def test_retrieve_batch_gives_one_json_line_per_question(corpus_settings, tmp_path):
    batch = tmp_path / "questions.txt"
    batch.write_text("circular key partners\n\nAI-based channels\n", encoding="utf-8")
    proc = run_cli("retrieve", "--batch", str(batch), "-k", "2",
                   data_dir=corpus_settings.data_dir)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["question"] for r in rows] == ["circular key partners", "AI-based channels"]
    assert all(len(r["hits"]) == 2 for r in rows)


def test_retrieve_plain_output_lists_sections(corpus_settings):
    proc = run_cli("retrieve", "circular cost structure", data_dir=corpus_settings.data_dir)
    assert proc.returncode == 0
    assert "1. New Business Models > Circular Business Models" in proc.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["retrieve", "  "], "empty"),
        (["retrieve", "circular", "-k", "0"], "at least 1"),
        (["retrieve"], "--batch"),
        (["retrieve", "--batch", "/nonexistent/q.txt"], "cannot read"),
    ],
)
def test_bad_retrieve_input_is_one_line(corpus_settings, args, needle):
    assert needle in _one_line_error(run_cli(*args, data_dir=corpus_settings.data_dir))


def test_ingest_missing_path_is_one_line(tmp_path):
    line = _one_line_error(run_cli("ingest", str(tmp_path / "missing"), data_dir=tmp_path / "d"))
    assert "no such file or folder" in line


def test_retrieve_without_index_says_to_ingest(tmp_path):
    line = _one_line_error(run_cli("retrieve", "anything", data_dir=tmp_path / "empty"))
    assert "advisor ingest" in line


def test_ingest_reports_partial_runs_with_exit_code_3(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.md").write_text("# Good\n\nA good document about leasing.\n", encoding="utf-8")
    (docs / "bad.bin.txt").write_bytes(b"\x00\xff\x00")
    proc = run_cli("ingest", str(docs), data_dir=tmp_path / "d")
    assert proc.returncode == 3, proc.stderr
    assert "skipped" in proc.stderr and "bad.bin.txt" in proc.stderr
    assert "1 file(s)" in proc.stdout
