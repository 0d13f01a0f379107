"""The Streamlit app driven by AppTest over the session's real report index."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from bot import Advisor, Settings
from bot.types import CANVAS_BLOCKS
from evals.procs import free_port
from tests.conftest import ask_app as ask
from tests.fakes import FakeChat

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "ui" / "app.py"
TIMEOUT = 120
QUESTION = "What revenue streams suit a servitised business model?"
SERVITISED = "New Business Models > Servitised Business Models > "


@pytest.fixture
def report_env(corpus_settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Point the app (through ADVISOR_DATA_DIR) at the session's real index."""
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(corpus_settings.data_dir))
    monkeypatch.setenv("ADVISOR_BACKEND", "evidence")
    return corpus_settings


def start(advisor: Advisor | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    if advisor is not None:
        at.session_state["advisor"] = advisor
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page).run()
        assert not at.exception, at.exception
    return at


def popover_labels(node) -> list[str]:
    return [p.proto.popover.label for p in node.get("popover")]


def assistant_messages(at: AppTest):
    return [m for m in at.chat_message if m.name == "assistant"]


def test_chat_answers_with_citation_chips_holding_the_full_chunks(report_env, advisor):
    at = ask(start(), QUESTION)
    expected = advisor.ask(QUESTION)
    (reply,) = assistant_messages(at)
    text = reply.markdown[0].value
    assert "[1]" in text and "Pay-per-use" in text
    labels = popover_labels(reply)
    assert labels and labels[0].startswith("[1] ")
    assert len(labels) == len(expected.citations)
    shown = [t.value for t in reply.text]
    assert shown == [c.chunk.text for c in expected.citations]
    assert any(m.value.startswith(f"**[1]** {SERVITISED.replace('>', chr(92) + '>')}")
               for m in reply.markdown)
    assert "Evidence mode" in reply.caption[-1].value


def test_follow_up_uses_the_conversation(report_env):
    at = ask(ask(start(), QUESTION), "And what about its cost structure?")
    replies = assistant_messages(at)
    assert len(replies) == 2
    first_chip = popover_labels(replies[1])[0]
    # Without the first turn the best match is another archetype's cost structure.
    assert first_chip == "[1] Servitised Business Models › Cost Structure"


def test_out_of_scope_question_is_refused_distinctly(report_env):
    at = ask(start(), "What is the capital of France?")
    (reply,) = assistant_messages(at)
    assert len(reply.warning) == 1
    assert "does not cover this" in reply.warning[0].value
    assert reply.warning[0].icon == ":material/block:"
    assert popover_labels(reply) == []


def test_failing_backend_falls_back_with_a_visible_notice(report_env, embedder):
    settings = Settings(data_dir=report_env.data_dir, llm=FakeChat("unused", fail=True))
    at = ask(start(Advisor(settings, embedder=embedder)), QUESTION)
    (reply,) = assistant_messages(at)
    notices = [w.value for w in reply.warning]
    assert len(notices) == 1 and "fake backend failure" in notices[0]
    assert popover_labels(reply)
    sidebar = [w.value for w in at.sidebar.warning]
    assert sidebar == notices
    assert "language model failed" in reply.caption[-1].value


def test_unreachable_openai_server_configured_by_env_shows_the_notice(report_env, monkeypatch):
    port = free_port()  # a port nothing listens on
    monkeypatch.setenv("ADVISOR_BACKEND", "openai")
    monkeypatch.setenv("ADVISOR_OPENAI_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("ADVISOR_OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("ADVISOR_LLM_TIMEOUT", "3")
    at = start()
    sidebar = [c.value for c in at.sidebar.caption]
    assert any(f"127\\.0\\.0\\.1\\:{port}" in c for c in sidebar), sidebar
    assert "openai\\_api\\_key: ••••" in sidebar and "llm\\_max\\_tokens: 384" in sidebar
    at = ask(at, QUESTION)
    (reply,) = assistant_messages(at)
    assert len(reply.warning) == 1 and "openai" in reply.warning[0].value.lower()
    assert popover_labels(reply)  # the evidence-mode answer still cites the report
    at.sidebar.button(key="check-backend").click().run()
    assert any("unreachable" in w.value for w in at.sidebar.warning)


def test_sidebar_check_reports_an_unreachable_backend(report_env, embedder):
    settings = Settings(data_dir=report_env.data_dir, llm=FakeChat("unused", fail=True))
    at = start(Advisor(settings, embedder=embedder))
    assert "fake" in at.sidebar.markdown[0].value
    at.sidebar.button(key="check-backend").click().run()
    assert any("unreachable" in w.value and "fake backend failure" in w.value
               for w in at.sidebar.warning)


class BrokenAdvisor(Advisor):
    """An advisor whose answer pipeline fails unexpectedly."""

    def stream(self, question, history=None):
        raise RuntimeError("disk on fire\nsecond line")


def test_an_unexpected_failure_is_one_line_not_a_traceback(report_env, embedder):
    at = ask(start(BrokenAdvisor(report_env, embedder=embedder)), QUESTION)
    assert not at.exception
    (reply,) = assistant_messages(at)
    assert [e.value for e in reply.error] == [
        "unexpected error\\: RuntimeError\\: disk on fire second line"
    ]


def test_user_text_is_escaped_never_html(report_env):
    question = 'Pay-per-use? <script>window.__pwned=1</script> <img src=x onerror="x()">'
    at = ask(start(), question)
    (user,) = [m for m in at.chat_message if m.name == "user"]
    shown = user.markdown[0].value
    assert "\\<script\\>" in shown and "\\<img" in shown
    sources = "".join(p.read_text() for p in (ROOT / "ui").glob("*.py"))
    assert not re.search(r"unsafe_allow_html\s*=\s*True|st\.html\(|components\.html", sources)


def test_clear_chat_and_transcript(report_env):
    at = ask(start(), QUESTION)
    download = at.get_by_key("download-transcript")
    assert download is not None and not download.proto.disabled
    at.button(key="clear-chat").click().run()
    assert assistant_messages(at) == []
    assert at.button(key="clear-chat").disabled


def test_transcript_is_markdown_with_sources(advisor):
    from ui.chat import Turn, transcript

    answer = advisor.ask(QUESTION)
    md = transcript([Turn(QUESTION, answer)])
    assert md.startswith("# Conversation")
    assert f"## 1. {QUESTION}" in md
    assert f"- [1] {answer.citations[0].chunk.section}" in md


def draft(at: AppTest) -> AppTest:
    at.get("form_submit_button")[0].click().run()
    assert not at.exception, at.exception
    return at


def test_canvas_draft_shows_nine_blocks_chart_and_exports(report_env):
    at = draft(start(page="canvas_page.py"))
    for key in CANVAS_BLOCKS:
        box = at.get_by_key(f"canvas-box-{key}")
        assert box is not None, key
    partners = at.get_by_key("canvas-box-key_partners")
    assert partners.markdown[1].value.startswith("- ") and popover_labels(partners)
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert [d.proto.label for d in at.download_button][:3] == ["Markdown", "JSON", "PNG"]
    # The brief is about compressed air as a service: servitisation should fit best.
    assert "Servitised" in partners.get("popover")[0].markdown[0].value


def test_canvas_edit_and_redraft_a_block(report_env):
    at = draft(start(page="canvas_page.py"))
    at.selectbox(key="edit-block").select("revenue_streams").run()
    last = len(at.selectbox(key="edit-index").options) - 1  # a report item (the brief's go first)
    at.selectbox(key="edit-index").select_index(last).run()
    at.text_input(key=f"edit-text-revenue_streams-{last}").input("Air billed per cubic metre").run()
    at.button(key="edit-save").click().run()
    revenue = at.get_by_key("canvas-box-revenue_streams")
    assert any("- Air billed per cubic metre \\[" in m.value and "(edited)" in m.value
               for m in revenue.markdown)
    before = [m.value for m in at.get_by_key("canvas-box-key_partners").markdown]
    at.selectbox(key="refine-block").select("key_partners").run()
    at.text_input(key="refine-text").input("energy utilities and recyclers").run()
    at.button(key="refine-go").click().run()
    assert not at.exception
    partners = at.get_by_key("canvas-box-key_partners")
    assert "Refined" in partners.caption[0].value
    assert [m.value for m in partners.markdown] != before
    # Other blocks keep what they had, including the edit.
    revenue = at.get_by_key("canvas-box-revenue_streams")
    assert any("Air billed per cubic metre" in m.value for m in revenue.markdown)


def test_gap_analysis_of_an_uploaded_canvas(report_env):
    at = start(page="canvas_page.py")
    mine = {"blocks": {"key_partners": ["Service providers"],
                       "revenue_streams": ["Pay-per-use model"]}}
    at.file_uploader(key="gap-upload").upload(
        "mine.json", json.dumps(mine).encode(), "application/json"
    ).run()
    assert not at.exception, at.exception
    summary = [m.value for m in at.markdown if m.value.startswith("Closest report canvas")]
    assert summary and "gap" in summary[0]
    assert at.get_by_key("gap-key_activities") is not None
    assert at.get_by_key("dl-gaps") is not None


def test_gap_analysis_of_a_markdown_canvas(report_env):
    at = start(page="canvas_page.py")
    mine = b"## Key Partners\n- Service providers\n\n## Revenue Streams\n- Pay-per-use model\n"
    at.file_uploader(key="gap-upload").upload("mine.md", mine, "text/markdown").run()
    assert not at.exception and not at.error
    summary = [m.value for m in at.markdown if m.value.startswith("Closest report canvas")]
    assert summary and "servitised" in summary[0]


def test_gap_analysis_rejects_a_bad_file_in_one_line(report_env):
    at = start(page="canvas_page.py")
    at.file_uploader(key="gap-upload").upload("bad.json", b'{"blocks": {"colour": []}}').run()
    assert not at.exception
    assert len(at.error) == 1 and "\n" not in at.error[0].value


def test_report_page_canvases_recommendations_and_search(report_env):
    at = start(page="report_page.py")
    assert len(at.radio(key="report-canvas").options) == 6
    for n in range(1, 11):
        assert at.get_by_key(f"rec-card-{n}") is not None, n
    for key in CANVAS_BLOCKS:
        assert at.get_by_key(f"report-digital-box-{key}") is not None
    at.radio(key="report-canvas").set_value("servitised").run()
    revenue = at.get_by_key("report-servitised-box-revenue_streams")
    assert any("Pay\\-per\\-use model" in m.value for m in revenue.markdown)
    at.text_input(key="report-search").input("pay-per-use revenue").run()
    results = [m.value for m in at.markdown if m.value.startswith("**1. ")]
    assert results and "Revenue Streams" in results[0]


@pytest.mark.slow
def test_sidebar_upload_indexes_a_document(tmp_path, monkeypatch, embedder):
    data_dir = tmp_path / "fresh" / ".advisor"
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(data_dir))
    at = start(Advisor(Settings(data_dir=data_dir), embedder=embedder), page="report_page.py")
    assert any("advisor ingest" in e.value for e in at.error)
    note = b"# Remanufacturing\n\nRemanufactured pumps are sold with a two-year warranty.\n"
    at.sidebar.file_uploader(key="uploads").upload("pumps.md", note, "text/markdown").run()
    at.sidebar.button(key="ingest").click().run()
    assert not at.exception, at.exception
    assert any("indexed 1 file" in s.value for s in at.sidebar.success)
    assert at.sidebar.get("progress")
    at.text_input(key="report-search").input("remanufactured pumps warranty").run()
    assert any("two-year warranty" in t.value for t in at.text)


def test_advisor_ui_passes_streamlit_options_through():
    from bot.cli import split_ui_args

    own, rest = split_ui_args(
        ["ui", "--server.port", "8600", "--data-dir", "d", "--server.headless=true"]
    )
    assert own == ["ui", "--data-dir", "d"]
    assert rest == ["--server.port", "8600", "--server.headless=true"]
    other = ["retrieve", "--server.port", "1"]
    assert split_ui_args(other) == (other, [])


@pytest.mark.slow
def test_advisor_ui_serves_the_app_on_the_given_port_and_stops_with_it(corpus_settings, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    health = f"http://127.0.0.1:{port}/_stcore/health"
    cmd = [sys.executable, "-m", "bot.cli", "ui", "--data-dir", str(corpus_settings.data_dir),
           "--server.port", str(port), "--server.headless", "true",
           "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.STDOUT, start_new_session=True)

    def answers() -> bool:
        try:
            with urllib.request.urlopen(health, timeout=2) as r:
                return r.read() == b"ok"
        except OSError:
            return False

    try:
        deadline = time.monotonic() + 60
        while not answers():
            assert proc.poll() is None, "advisor ui exited"
            assert time.monotonic() < deadline, "advisor ui did not start"
            time.sleep(0.3)
        proc.terminate()  # SIGTERM to `advisor ui` must stop the Streamlit server as well
        proc.wait(timeout=15)
        deadline = time.monotonic() + 15
        while answers():
            assert time.monotonic() < deadline, "the server outlived `advisor ui`"
            time.sleep(0.3)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
