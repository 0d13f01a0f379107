"""Shared fixtures: every test gets its own data directory; one real index is built per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the advisor at a fresh data directory so no test touches a real index."""
    data_dir = tmp_path / ".advisor"
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(data_dir))
    return data_dir


@pytest.fixture(scope="session")
def embedder():
    """The real packaged MiniLM model, loaded once."""
    from bot.embedding import load_embedder
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
