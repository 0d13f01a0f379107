"""Shared fixtures: every test gets its own data directory; one real index is built per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


def run_cli(*args: str, data_dir: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the `advisor` command in a fresh process, as a user would, against `data_dir`."""
    env = {**os.environ, "ADVISOR_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, input=stdin,
        capture_output=True, text=True, timeout=300,
    )


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the advisor at a fresh data directory so no test touches a real index."""
    data_dir = tmp_path / ".advisor"
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(data_dir))
    return data_dir


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium driven by Playwright, one per test module."""
    from playwright.sync_api import sync_playwright

    from evals.ui_bench import launch

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()


@pytest.fixture
def viewport() -> dict[str, int]:
    """The browser window of `page` (a module may override this fixture)."""
    return {"width": 1440, "height": 1200}


@pytest.fixture
def page(browser, viewport):
    """A fresh browser page; the test fails on any JavaScript error the page raised."""
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def ask_app(at, question: str):
    """Ask a question in a Streamlit AppTest of the web app; no exception may be raised."""
    at.chat_input(key="chat-input").set_value(question).run()
    assert not at.exception, at.exception
    return at


def replies(page):
    """The assistant's chat messages on a page of the web app."""
    return page.get_by_test_id("stChatMessage").filter(
        has=page.get_by_test_id("stChatMessageAvatarAssistant"))


@pytest.fixture(scope="session")
def embedder():
    """The real packaged MiniLM model, loaded once."""
    from bot.index.embedding import load_embedder
    from bot.settings import Settings

    return load_embedder(Settings().model_path())


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory, embedder):
    """Settings of a real Chroma + BM25 index of the report, built once per session."""
    from bot.settings import Settings
    from ingest.pipeline import ingest

    settings = Settings(data_dir=tmp_path_factory.mktemp("corpus-index") / ".advisor")
    ingest(settings, [CORPUS], embedder=embedder, show_progress=False)
    return settings


@pytest.fixture(scope="session")
def advisor(corpus_settings, embedder):
    """An Advisor over the session's report index (read-only: don't ingest into it)."""
    from bot import Advisor

    return Advisor(corpus_settings, embedder=embedder)
