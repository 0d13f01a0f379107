"""Quiet output of normal CLI calls, and the speed figures `make bench` prints with goals."""

from __future__ import annotations

from evals.speed import GOALS, cold_ask, first_canvas, goal_table
from tests.conftest import run_cli


def test_normal_cli_calls_print_nothing_on_stderr(corpus_settings):
    data_dir = corpus_settings.data_dir
    for args in (
        ("ask", "What revenue streams suit servitisation?"),
        ("retrieve", "circular economy partners", "--json"),
        ("canvas", "We make industrial pumps and want to sell pumping as a service."),
    ):
        proc = run_cli(*args, data_dir=data_dir)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip()
        assert proc.stderr == "", (args, proc.stderr[:300])


def test_fresh_process_figures_are_measured(corpus_settings):
    asked = cold_ask(corpus_settings.data_dir, repeats=1)
    assert 0 < asked["cold_ask_s"] < 60 and asked["cold_ask_stderr_bytes"] == 0
    drafted = first_canvas(corpus_settings.data_dir, repeats=1)
    assert 0 < drafted["first_canvas_s"] < 60


def test_goal_table_marks_each_figure_against_its_goal():
    results = {"cold_ask_s": 1.2, "first_canvas_s": 0.9, "embed_speedup": 2.5,
               "web_app_skipped": "no browser"}
    lines = goal_table(results).splitlines()
    assert len(lines) == 1 + len(GOALS)
    row = {line.split()[0]: line for line in lines[1:]}
    assert " ok " in row["cold_ask_s"] and "MISSED" in row["first_canvas_s"]
    assert " ok " in row["embed_speedup"] and "no browser" in row["page_load_s"]
