"""`advisor feedback export` and `advisor eval --from-feedback` in a fresh process."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

from bot.workspace.repository import Workspace
from tests.conftest import ROOT

QUESTION = "What revenue streams suit a servitised business model?"


def run(*args: str, db_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ADVISOR_DB_URL": db_url}
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_feedback_export_and_eval_candidates(advisor, tmp_path):
    url = f"sqlite:///{tmp_path / 'workspace.db'}"
    ws = Workspace(url)
    down = ws.add_turn("local", None, advisor.ask(QUESTION), "evidence")
    up = ws.add_turn("ann", None, advisor.ask("What is a circular business model?"), "ollama")
    ws.rate_answer("local", down.id, -1, "Too generic, no pricing examples")
    ws.rate_answer("ann", up.id, 1)
    ws.close()

    lines = run("feedback", "export", db_url=url)
    assert lines.returncode == 0, lines.stderr
    rows = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [(r["user_id"], r["thumbs"]) for r in rows] == [("local", "down"), ("ann", "up")]
    assert rows[0]["comment"] == "Too generic, no pricing examples"
    assert rows[0]["citations"] and rows[0]["citations"][0]["text"]
    assert rows[1]["backend"] == "ollama"

    out = tmp_path / "feedback.csv"
    table = run("feedback", "export", "--format", "csv", "--out", str(out), "--user", "ann",
                db_url=url)
    assert table.returncode == 0 and "wrote 1 feedback record" in table.stderr
    (row,) = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert row["thumbs"] == "up" and row["question"] == "What is a circular business model?"

    cands = run("eval", "--from-feedback", "-", db_url=url)
    assert cands.returncode == 0, cands.stderr
    (candidate,) = [json.loads(line) for line in cands.stdout.splitlines()]
    assert candidate["question"] == QUESTION and candidate["status"] == "candidate"
    assert candidate["comment"] == "Too generic, no pricing examples"


def test_bad_input_is_one_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'workspace.db'}"
    bad = run("feedback", "export", "--format", "xml", db_url=url)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    unwritable = run("feedback", "export", "--out", str(tmp_path / "no" / "f.jsonl"), db_url=url)
    assert unwritable.returncode == 1
    assert unwritable.stderr.startswith("advisor: error: cannot write")
    broken = run("feedback", "export", db_url="postgresql+psycopg://nobody@127.0.0.1:1/x")
    assert broken.returncode == 1 and len(broken.stderr.strip().splitlines()) == 1
    assert "cannot open the workspace database" in broken.stderr
    assert "Traceback" not in broken.stderr + unwritable.stderr
