"""The workspace parts of the app driven by AppTest over the real index: how a question was
read, the canvas for a company, the empty state, conversations in the URL, and a database that
cannot be opened."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bot.workspace.repository import Workspace
from tests.conftest import ask_app as ask

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "ui" / "app.py"
ADVICE = "We are a 200-person pump maker in Bavaria. Should we move to pay-per-use?"
QUESTION = "What revenue streams suit a servitised business model?"


@pytest.fixture
def env(corpus_settings, tmp_path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(corpus_settings.data_dir))
    monkeypatch.setenv("ADVISOR_BACKEND", "evidence")
    url = f"sqlite:///{tmp_path / 'workspace.db'}"
    monkeypatch.setenv("ADVISOR_DB_URL", url)
    return url


def start(query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def captions(at: AppTest) -> list[str]:
    """Caption texts without Markdown escapes."""
    return [c.value.replace("\\", "") for c in at.caption]


def test_advice_shows_how_it_was_read_and_drafts_a_canvas_for_the_company(env):
    at = ask(start(), ADVICE)
    assert any(c.startswith("Read as: advice for your company") for c in captions(at))
    (button,) = [b for b in at.button if b.label == "Draft a canvas for this company"]
    button.click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Draft a Business Model Canvas"
    brief = at.text_area(key="canvas-brief").value
    assert "pump maker in Bavaria" in brief
    assert any("comes from your question" in i.value for i in at.info)


def test_a_plain_question_has_no_canvas_button_and_three_suggestions(env):
    at = ask(start(), QUESTION)
    assert not [b for b in at.button if b.label == "Draft a canvas for this company"]
    chips = [b for b in at.button if b.key and b.key.startswith("suggest-")]
    assert len(chips) == 3
    chips[0].click().run()
    assert not at.exception, at.exception
    users = [m for m in at.chat_message if m.name == "user"]
    assert [u.markdown[0].value for u in users][1].startswith("What does a servitised")
    ws = Workspace(env)
    (convo,) = ws.conversations("local")
    assert convo.turn_count == 2 and convo.title == QUESTION
    ws.close()


def test_the_empty_state_opens_each_page_in_one_click(env):
    at = start()
    at.button(key="start-canvas-go").click().run()
    assert at.title[0].value == "Draft a Business Model Canvas"
    at = start()
    at.button(key="start-report-go").click().run()
    assert not at.exception
    at = start()
    at.button(key="start-ask").click().run()
    assert len([m for m in at.chat_message if m.name == "assistant"]) == 1


def test_the_url_reopens_a_saved_conversation_and_ignores_others(env):
    first = ask(start(), QUESTION)
    ws = Workspace(env)
    (convo,) = ws.conversations("local")
    other = ws.add_turn("someone-else", None, ws.turns("local", convo.id)[0].answer, "evidence")
    ws.close()
    again = start({"c": convo.id})
    assert [m.markdown[0].value for m in again.chat_message if m.name == "user"]
    assert again.button(key=f"conversation-{convo.id}")
    foreign = start({"c": other.conversation_id})  # another user's: not shown
    assert not [m for m in foreign.chat_message]
    assert first.query_params["c"] in (convo.id, [convo.id])


def test_an_unreachable_database_leaves_the_chat_working(env, monkeypatch):
    monkeypatch.setenv("ADVISOR_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    at = ask(start(), QUESTION)
    assert len([m for m in at.chat_message if m.name == "assistant"]) == 1
    warnings = " ".join(w.value for w in at.sidebar.warning)
    assert "Conversations are not being saved" in warnings
    assert "workspace database" in warnings


def test_a_saved_canvas_reopens_from_the_url_with_the_company_bullets_set_apart(env, advisor):
    from dataclasses import replace

    from bot.types import Bullet

    drafted = advisor.draft_canvas("We make pumps and want to sell pumping as a service.")
    block = drafted.block("revenue_streams")
    own = Bullet("Pumping billed per cubic metre", origin="brief", from_report=False,
                 citations=block.bullets[0].citations)
    canvas = replace(drafted, blocks=tuple(
        replace(b, bullets=(own, *b.bullets)) if b.key == "revenue_streams" else b
        for b in drafted.blocks))
    ws = Workspace(env)
    version = ws.save_version("local", None, canvas, "draft")
    ws.close()
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.query_params["canvas"] = version.canvas_id
    at.switch_page("canvas_page.py").run()
    assert not at.exception, at.exception
    revenue = at.get_by_key("canvas-box-revenue_streams")
    text = " ".join(m.value for m in revenue.markdown)
    assert ":orange[**◆ Pumping billed per cubic metre**]" in text and "(your company)" in text
    assert any("version 1" in c.value for c in at.caption)
    assert [d.proto.label for d in at.download_button][:4] == ["Markdown", "JSON", "PNG",
                                                                "PowerPoint"]
