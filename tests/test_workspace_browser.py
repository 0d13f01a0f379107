"""The workspace in headless Chromium against the real app server: conversations survive a
reload and a server restart, suggested questions, feedback, canvas versions compared, and the
PowerPoint download. UPDATE_SCREENSHOTS=1 writes the screenshots to docs/."""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from bot.workspace.repository import Workspace
from evals.ui_bench import CHROMIUM, QUESTION, ask, open_chat, serve
from tests.conftest import replies

ROOT = Path(__file__).resolve().parents[1]
NEXT = "What does a servitised business model cost?"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class Server:
    """The Streamlit app on a free port with its own workspace database; restartable."""

    def __init__(self, data_dir: Path, db_url: str, log: Path) -> None:
        self.data_dir, self.db_url, self.log = data_dir, db_url, log
        self._stack = ExitStack()
        self.url = ""

    def start(self) -> str:
        previous = os.environ.get("ADVISOR_DB_URL")
        os.environ["ADVISOR_DB_URL"] = self.db_url
        try:
            self.url = self._stack.enter_context(serve(self.data_dir, log=self.log))
        finally:
            if previous is None:
                os.environ.pop("ADVISOR_DB_URL", None)
            else:
                os.environ["ADVISOR_DB_URL"] = previous
        return self.url

    def stop(self) -> None:
        self._stack.close()
        self._stack = ExitStack()


@pytest.fixture(scope="module")
def server(corpus_settings, tmp_path_factory):
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    folder = tmp_path_factory.mktemp("workspace-ui")
    app = Server(corpus_settings.data_dir, f"sqlite:///{folder / 'workspace.db'}",
                 folder / "streamlit.log")
    app.start()
    yield app
    app.stop()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        return ROOT / "docs"
    return tmp_path_factory.mktemp("workspace-shots")


@pytest.fixture
def viewport() -> dict[str, int]:
    return {"width": 1440, "height": 1100}


def sidebar(page):
    return page.get_by_test_id("stSidebar")


def test_conversation_survives_reload_and_restart_with_suggestions_and_feedback(
        page, server, shots):
    open_chat(page, server.url)
    # The empty state explains the three pages.
    for name in ("Open Canvas", "Open Report"):
        page.get_by_role("button", name=name).wait_for()
    assert page.get_by_test_id("stToolbarActions").count() == 0  # no developer toolbar
    ask(page, QUESTION)
    page.wait_for_url("**?c=*")
    cid = page.url.split("c=")[1].split("&")[0]
    # A suggested question is asked with one click.
    page.get_by_role("button", name=NEXT).first.click()
    # Both answers are saved once each has its thumbs (drawn after the save).
    page.wait_for_function("n => document.querySelectorAll("
                           "'[data-testid=\"stFeedbackButton\"]').length >= n", arg=4,
                           timeout=60_000)
    # Thumbs down on the first answer, then a comment.
    first = replies(page).first
    first.get_by_test_id("stFeedbackButton").last.click()
    box = first.get_by_placeholder("What was good or missing? (optional)")
    box.wait_for(timeout=30_000)
    box.fill("It should mention leasing.")
    first.get_by_role("button", name="Send").click()
    first.get_by_text("Thanks for the feedback and the comment.").wait_for(timeout=30_000)
    ws = Workspace(server.db_url)
    (fb,) = ws.feedback()
    assert fb.rating == -1 and fb.comment == "It should mention leasing."
    assert fb.question == QUESTION and fb.citations
    assert [t.question for t in ws.turns("local", cid)] == [QUESTION, NEXT]
    ws.close()
    page.screenshot(path=str(shots / "screenshot-workspace.png"))
    # Reload: the conversation is still there, and listed in the sidebar.
    page.reload()
    page.get_by_text(NEXT).first.wait_for(timeout=60_000)
    expect(replies(page)).to_have_count(2, timeout=60_000)  # both replies drawn again
    sidebar(page).get_by_role("button", name=QUESTION).wait_for()
    # Restart the server: still there, opened from the sidebar of a fresh page.
    server.stop()
    url = server.start()
    open_chat(page, url)
    assert replies(page).count() == 0
    sidebar(page).get_by_role("button", name=QUESTION).click()
    page.get_by_text(NEXT).first.wait_for(timeout=60_000)
    expect(replies(page)).to_have_count(2, timeout=60_000)  # both replies drawn again
    assert f"c={cid}" in page.url
    # Rename it and find it by search.
    sidebar(page).get_by_role("button", name="Rename or delete").click()
    title = page.get_by_label("Title")
    title.fill("Servitisation revenue")
    page.get_by_role("button", name="Rename", exact=True).click()
    sidebar(page).get_by_role("button", name="Servitisation revenue").wait_for(timeout=30_000)
    search = sidebar(page).get_by_placeholder("Search conversations")
    search.fill("no such conversation")
    search.press("Enter")
    sidebar(page).get_by_text("No conversation matches.").wait_for(timeout=30_000)


def test_canvas_versions_compare_feedback_and_pptx_download(page, server, shots, tmp_path):
    from pptx import Presentation

    page.goto(f"{server.url}/canvas")
    page.get_by_role("button", name="Draft the canvas").click()
    page.get_by_text("version 1").first.wait_for(timeout=90_000)
    # Edit the first Key Partners bullet.
    wording = page.get_by_label("New wording")
    wording.fill("Local energy utilities")
    page.get_by_role("button", name="Save the bullet").click()
    page.get_by_text("version 2").first.wait_for(timeout=60_000)
    # Refine the whole canvas.
    page.get_by_label("Instruction").fill("make revenue more subscription-based")
    page.get_by_role("button", name="Refine", exact=True).click()
    page.get_by_text("version 3").first.wait_for(timeout=60_000)
    page.get_by_text("Versions (3) and comparison").click()
    # Compare v1 (the draft) with v3: the edit shows as changed, the refinement as added/removed.
    compare_box = page.get_by_test_id("stSelectbox").filter(has_text="Compare")
    option = page.get_by_role("option", name="This canvas v1 · draft")
    for _ in range(3):  # a rerun that lands just after the click closes the list again
        compare_box.click()
        try:
            option.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    option.click()
    summary = page.get_by_text("This canvas v1 · draft → This canvas v3")
    summary.wait_for(timeout=30_000)
    text = summary.inner_text()
    assert "0 added, 0 removed, 0 changed" not in text
    compare = page.locator(".st-key-compare-box-key_partners")
    assert "Local energy utilities" in compare.inner_text()
    page.set_viewport_size({"width": 1440, "height": 1500})
    compare.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "screenshot-compare.png"))
    # Thumbs up on the canvas.
    page.locator(".st-key-feedback-canvas-" + page.url.split("canvas=")[1].split("&")[0] + "-3"
                 ).get_by_test_id("stFeedbackButton").first.click()
    page.get_by_text("Thanks for the feedback").first.wait_for(timeout=30_000)
    # Download the PowerPoint deck.
    with page.expect_download() as info:
        page.get_by_test_id("stDownloadButton").filter(has_text="PowerPoint").click()
    deck = tmp_path / "canvas.pptx"
    info.value.save_as(deck)
    assert info.value.suggested_filename == "canvas.pptx"
    slides = list(Presentation(str(deck)).slides)
    blocks = [s for s in slides[0].shapes if s.name.startswith("block:")]
    assert len(blocks) == 9
    assert "Local energy utilities" in " ".join(b.text_frame.text for b in blocks)
    ws = Workspace(server.db_url)
    (canvas,) = ws.canvases("local")
    assert [v.action for v in ws.versions("local", canvas.id)] == ["draft", "edit", "refine"]
    assert [f.target for f in ws.feedback()].count("canvas") == 1
    ws.close()


def test_advice_hands_the_company_over_to_the_canvas_page(page, server, shots):
    company = ("We make industrial pumps and have 200 employees. How could we move towards "
               "servitisation?")
    open_chat(page, server.url)
    page.get_by_role("button", name="New chat").click()
    ask(page, company)
    reply = replies(page).last
    reply.get_by_text("Read as: advice for your company").wait_for(timeout=30_000)
    reply.get_by_text("Recommendations that apply").wait_for(timeout=30_000)
    assert reply.get_by_text("Next step").count() >= 1
    page.screenshot(path=str(shots / "screenshot-advice.png"))
    reply.get_by_role("button", name="Draft a canvas for this company").click()
    page.wait_for_url("**/canvas**", timeout=60_000)
    brief = page.get_by_label("Describe your company and what you want to change")
    brief.wait_for(timeout=60_000)
    assert "industrial pumps" in brief.input_value()
