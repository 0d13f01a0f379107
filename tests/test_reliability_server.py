"""Scale-out: the advisor against a Chroma server (ADVISOR_STORE=http), and a concurrent load.

Protections exercised: store=http keeps the index and its state record in the server
(bot.index.store.Store), a replica without local BM25 files rebuilds them from Chroma
(bot.index.retrieval.Retriever._open), re-ingest is idempotent against the server, an unreachable
server is one clear line, and one shared Advisor stays correct under 20 concurrent askers
(evals/load_test.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import Advisor
from bot.errors import AdvisorError
from bot.index.store import Store
from bot.settings import Settings
from evals.load_test import check_answer, run_load
from ingest.pipeline import ingest

from .chroma_server import ChromaServer, chroma_server, free_port  # noqa: F401 - fixture
from .conftest import CORPUS, ROOT

QUESTIONS = (
    "What revenue streams suit servitised business models?",
    "Which partners does a circular business model need?",
    "What is the capital of Australia?",
)


def _settings(server: ChromaServer, data_dir: Path) -> Settings:
    return Settings(store="http", chroma_host=server.host, chroma_port=server.port,
                    data_dir=data_dir)


@pytest.fixture(scope="module")
def http_settings(chroma_server: ChromaServer, tmp_path_factory, embedder) -> Settings:  # noqa: F811
    settings = _settings(chroma_server, tmp_path_factory.mktemp("replica-a") / ".advisor")
    report = ingest(settings, [CORPUS], embedder=embedder, show_progress=False)
    assert report.embedded == report.chunks > 60
    return settings


def test_reingest_against_the_server_is_idempotent(http_settings, embedder):
    before = Store(http_settings).require_state()
    again = ingest(http_settings, [CORPUS], embedder=embedder, show_progress=False)
    assert again.unchanged and again.embedded == 0
    assert Store(http_settings).require_state() == before
    assert not (http_settings.data_dir / "state.json").exists()  # the state lives in the server


def test_server_index_answers_like_the_local_one(http_settings, embedder, advisor):
    remote = Advisor(http_settings, embedder=embedder)
    chunks = {c.id: c.text for c in remote.retriever.chunks()}
    assert chunks == {c.id: c.text for c in advisor.retriever.chunks()}
    for question in QUESTIONS:
        assert [h.chunk.id for h in remote.retrieve(question, 5)] == [
            h.chunk.id for h in advisor.retrieve(question, 5)
        ]
        answer, local = remote.ask(question), advisor.ask(question)
        assert check_answer(answer, chunks) is None
        assert (answer.text, answer.refused) == (local.text, local.refused)
    assert remote.ask(QUESTIONS[2]).refused and not remote.ask(QUESTIONS[0]).refused


def test_a_second_replica_without_bm25_files_rebuilds_them_from_chroma(
    http_settings, chroma_server, embedder, tmp_path  # noqa: F811
):
    replica = Advisor(_settings(chroma_server, tmp_path / "replica-b"), embedder=embedder)
    assert not (tmp_path / "replica-b" / "bm25").exists()
    first = Advisor(http_settings, embedder=embedder)
    for question in QUESTIONS[:2]:
        assert [h.chunk.id for h in replica.retrieve(question, 5)] == [
            h.chunk.id for h in first.retrieve(question, 5)
        ]


def test_cli_against_the_server(http_settings, chroma_server, tmp_path):  # noqa: F811
    env = {**os.environ, **chroma_server.settings_env(), "ADVISOR_DATA_DIR": str(tmp_path / "c")}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", QUESTIONS[0], "--json"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert not out["refused"] and out["citations"]
    assert all(f"[{c['n']}]" in out["answer"] for c in out["citations"])


def test_unreachable_server_is_one_clear_line(embedder, tmp_path):
    settings = Settings(store="http", chroma_host="127.0.0.1", chroma_port=free_port(),
                        data_dir=tmp_path / "d")
    with pytest.raises(AdvisorError) as info:
        Advisor(settings, embedder=embedder).retrieve("circular revenue")
    message = str(info.value)
    assert "cannot open the Chroma store" in message and "\n" not in message


@pytest.mark.slow
def test_twenty_concurrent_askers_against_the_server(http_settings, embedder):
    result = run_load(Advisor(http_settings, embedder=embedder), threads=20, per_thread=25)
    print(f"\nload: {result.summary()}")
    assert result.errors == [] and result.invalid == []
    assert result.asks == 500 and result.pool > 100
