"""The conversation on the command line: JSON-line history in `ask --batch`, `advisor chat`, and
the company's own statements on a drafted canvas."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot import Advisor, canvas_to_markdown
from bot.chat import parse_ask_line, run_chat
from bot.errors import AdvisorError
from tests.conftest import run_cli

PUMPS = ("We make industrial pumps and have 200 employees. How could we move towards "
         "servitisation?")
BRIEF = ("200-person maker of industrial pumps in Germany. We want to sell pumping as a service, "
         "billed per cubic metre, with remote monitoring.")


@pytest.fixture(scope="module")
def data_dir(corpus_settings, tmp_path_factory) -> Path:
    """A copy of the session's index for command-line runs in fresh processes."""
    target = tmp_path_factory.mktemp("cli-index") / ".advisor"
    shutil.copytree(corpus_settings.data_dir, target)
    return target


def test_batch_lines_carry_their_history(data_dir: Path, tmp_path: Path) -> None:
    history = [{"role": "user", "content": PUMPS},
               {"role": "assistant", "content": "The servitised canvas fits a pump maker."}]
    lines = [
        "What are the six business models?",
        json.dumps({"question": "What are the risks?", "history": history}),
        '{"question": 3}',
        "{not json",
    ]
    batch = tmp_path / "questions.txt"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run_cli("ask", "--batch", str(batch), data_dir=data_dir)
    assert proc.returncode == 1, proc.stderr  # two bad lines, reported, the rest answered
    plain, risks, bad_type, bad_json = (json.loads(x) for x in proc.stdout.splitlines())
    assert plain["plan"]["kind"] == "enumerate" and not plain["refused"]
    assert risks["plan"]["kind"] == "risks" and risks["plan"]["models"] == ["servitised"]
    assert "industrial pumps" in risks["plan"]["company"]["products"]
    assert any(c["section"].endswith("Servitised Business Models > Cost Structure")
               for c in risks["citations"])
    assert '"question" as text' in bad_type["error"]
    assert "must be JSON" in bad_json["error"]


def test_parse_ask_line_rejects_malformed_history() -> None:
    assert parse_ask_line("plain question") == ("plain question", None)
    with pytest.raises(AdvisorError, match="history"):
        parse_ask_line('{"question": "q", "history": [{"role": "system", "content": "x"}]}')


def test_chat_keeps_the_conversation(data_dir: Path) -> None:
    stdin = "\n".join([PUMPS, "What are the risks?", "List all ten recommendations.",
                       "tell me more about the fourth one", "/canvas", "/bogus", "/quit",
                       "never asked"]) + "\n"
    proc = run_cli("chat", data_dir=data_dir, stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "closest fit is the **Servitised Business Models** canvas" in out
    assert "Cost structure of Servitised Business Models" in out  # the risks follow-up
    assert "4. Develop new sales channels for hybrid revenue streams" in out
    assert out.count("Sources:") == 4
    assert "Canvas for: We make industrial pumps" in out and "Revenue Streams" in out
    assert "unknown command /bogus" in out and "never asked" not in out


def test_chat_in_process_reports_errors_and_goes_on(advisor: Advisor) -> None:
    import io

    out = io.StringIO()
    run_chat(advisor, ["/canvas", "   ", "What are all six trends?"], out=out)
    text = out.getvalue()
    assert "give a brief" in text and "Data Economy" in text


def test_brief_statements_go_on_their_blocks(advisor: Advisor) -> None:
    canvas = advisor.draft_canvas(BRIEF)
    assert canvas.archetypes[0].name == "servitised"
    mine = {b.text.lower(): block.key for block in canvas.blocks for b in block.bullets
            if b.origin == "brief"}
    assert mine.get("billed per cubic metre") == "revenue_streams"
    assert mine.get("remote monitoring") == "key_activities"
    for block in canvas.blocks:  # the company's statements first, then the report's items
        origins = [b.origin for b in block.bullets]
        assert origins == sorted(origins, key=lambda o: o != "brief")
        assert any(o == "report" for o in origins)
    data = canvas.to_json()["blocks"]
    revenue = data["revenue_streams"][0]
    assert revenue["origin"] == "brief" and revenue["from_report"] is False
    backed = [b for bullets in data.values() for b in bullets
              if b["origin"] == "brief" and b["citations"]]
    assert backed, "at least one statement is backed by a report item"
    md = canvas_to_markdown(canvas)
    assert "- **Your company:** Billed per cubic metre" in md
