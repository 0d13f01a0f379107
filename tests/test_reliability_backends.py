"""Backend failures end in the evidence fallback with a notice; a broken index says what to do.

Small fake OpenAI-compatible servers (http.server on 127.0.0.1, in a thread) misbehave in one
way each: unreachable, slower than the timeout, a trickle of tokens past the timeout, malformed
JSON, an empty event stream, a connection dropped mid-stream. Then the real llama.cpp server is
killed while it streams.

Protections exercised: bot.llm.langchain.LangChainBackend (timeout deadline, SDK errors become
BackendError) and bot.answers.pipeline.Answerer (empty or failing replies fall back to evidence
with FALLBACK_NOTICE); bot.index.store / bot.index.retrieval turning a missing or corrupt index
into one line that says to run `advisor ingest`, and rebuilding missing BM25 files from Chroma."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot import Advisor
from bot.settings import Settings
from evals.load_test import check_answer
from tests.llm_server import require_local_llm, start_llama_server

from .conftest import ROOT

QUESTION = "What revenue streams suit servitised business models?"
Behaviour = Callable[[BaseHTTPRequestHandler, dict], None]


def _chunk(text: str, finish: str | None = None) -> bytes:
    body = {"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "fake",
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": text},
                         "finish_reason": finish}]}
    return f"data: {json.dumps(body)}\n\n".encode()


def _start_sse(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Connection", "close")
    handler.end_headers()


def slow(handler: BaseHTTPRequestHandler, request: dict) -> None:
    time.sleep(6)


def trickle(handler: BaseHTTPRequestHandler, request: dict) -> None:
    _start_sse(handler)
    for _ in range(40):  # a token every 0.4 s, well past the 2 s timeout
        handler.wfile.write(_chunk("servitised [1] "))
        handler.wfile.flush()
        time.sleep(0.4)


def malformed(handler: BaseHTTPRequestHandler, request: dict) -> None:
    if request.get("stream"):
        _start_sse(handler)
        handler.wfile.write(b"data: {\"choices\": [{\"delta\": {\"content\": \"Pay\n\n")
        handler.wfile.write(b"data: this is not json at all\n\n")
        return
    body = b'{"id": "x", "choices": [ {"message": '
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def empty_stream(handler: BaseHTTPRequestHandler, request: dict) -> None:
    _start_sse(handler)
    handler.wfile.write(b"data: [DONE]\n\n")


def blank_stream(handler: BaseHTTPRequestHandler, request: dict) -> None:
    _start_sse(handler)
    for _ in range(3):
        handler.wfile.write(_chunk(""))
    handler.wfile.write(_chunk("   "))
    handler.wfile.write(_chunk("", finish="stop"))  # framed like a real server's normal end
    handler.wfile.write(b"data: [DONE]\n\n")


def dropped(handler: BaseHTTPRequestHandler, request: dict) -> None:
    """Chunked like real servers (llama.cpp, vLLM); the connection dies before the last chunk."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    for piece in ("Servitised firms ", "earn recurring ", "revenue [1] "):
        data = _chunk(piece)
        handler.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        handler.wfile.flush()
        time.sleep(0.05)
    handler.connection.shutdown(2)  # no finish_reason, no [DONE], no final 0-length chunk


def dropped_unframed(handler: BaseHTTPRequestHandler, request: dict) -> None:
    """A body delimited only by closing the connection: the client cannot see the cut."""
    _start_sse(handler)
    for piece in ("Servitised firms ", "earn recurring ", "revenue [1] "):
        handler.wfile.write(_chunk(piece))
        handler.wfile.flush()
    handler.connection.shutdown(2)


class FakeOpenAI:
    """An OpenAI-compatible endpoint on 127.0.0.1 that answers with one behaviour."""

    def __init__(self, behaviour: Behaviour) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length) or b"{}")
                outer.requests.append(request)
                try:
                    behaviour(self, request)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        outer = self
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def fake_server() -> Iterator[Callable[[Behaviour], FakeOpenAI]]:
    servers: list[FakeOpenAI] = []

    def make(behaviour: Behaviour) -> FakeOpenAI:
        servers.append(FakeOpenAI(behaviour))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def _advisor(corpus_settings: Settings, embedder, url: str, timeout: float = 2.0) -> Advisor:
    settings = Settings(data_dir=corpus_settings.data_dir, backend="openai", openai_base_url=url,
                        openai_api_key="test", llm_timeout=timeout, llm_max_tokens=64)
    return Advisor(settings, embedder=embedder)


def _assert_fallback(advisor: Advisor, answer, evidence) -> None:
    assert answer.mode == "evidence-fallback", answer
    assert answer.notice and "openai" in answer.notice and "\n" not in answer.notice
    assert not answer.refused
    assert answer.text == evidence.text  # exactly the evidence-mode answer
    chunks = {c.id: c.text for c in advisor.retriever.chunks()}
    assert check_answer(answer, chunks) is None


@pytest.mark.parametrize(
    ("name", "behaviour", "reason"),
    [
        ("slow", slow, "timed out"),
        ("trickle", trickle, "timed out"),
        ("malformed", malformed, "failed"),
        ("empty stream", empty_stream, "failed"),
        ("blank stream", blank_stream, "empty reply"),
        ("dropped mid-stream", dropped, "failed"),
        ("cut without framing", dropped_unframed, "incomplete"),
    ],
)
def test_misbehaving_server_ends_in_evidence_fallback(
    corpus_settings, embedder, advisor, fake_server, name, behaviour, reason
):
    server = fake_server(behaviour)
    remote = _advisor(corpus_settings, embedder, server.url)
    evidence = advisor.ask(QUESTION)
    start = time.monotonic()
    answer = remote.ask(QUESTION)
    assert time.monotonic() - start < 15, f"{name}: the timeout did not bound the wait"
    assert server.requests, f"{name}: the backend was never called"
    _assert_fallback(remote, answer, evidence)
    assert reason in answer.notice, answer.notice
    *pieces, final = list(remote.stream(QUESTION))  # the streaming path ends the same way
    assert final.mode == "evidence-fallback" and final.text == evidence.text
    assert all(isinstance(p, str) for p in pieces)


def test_unreachable_server_ends_in_evidence_fallback(corpus_settings, embedder, advisor):
    from .chroma_server import free_port

    remote = _advisor(corpus_settings, embedder, f"http://127.0.0.1:{free_port()}/v1")
    _assert_fallback(remote, remote.ask(QUESTION), advisor.ask(QUESTION))


@pytest.mark.llm
@pytest.mark.slow
def test_real_server_killed_mid_stream_ends_in_evidence_fallback(
    corpus_settings, embedder, advisor, tmp_path
):
    require_local_llm()
    server = start_llama_server(log_dir=tmp_path)
    try:
        settings = Settings(data_dir=corpus_settings.data_dir, backend="openai",
                            openai_base_url=server.base_url, openai_api_key="test",
                            llm_timeout=60.0, llm_max_tokens=400)
        remote = Advisor(settings, embedder=embedder)
        stream = remote.stream(QUESTION)
        first = next(stream)
        assert isinstance(first, str)  # the model is answering
        server.process.kill()
        server.process.wait(timeout=10)
        *_, final = list(stream)
    finally:
        server.stop()
    # The reply ends either as the model's own (if it finished before the kill) or as the
    # fallback; the kill must never surface as an exception or an ungrounded answer.
    chunks = {c.id: c.text for c in remote.retriever.chunks()}
    assert check_answer(final, chunks) is None
    assert final.mode in ("openai", "evidence-fallback")
    if final.mode == "evidence-fallback":
        assert final.notice and final.text == advisor.ask(QUESTION).text


# --------------------------------------------------------------------------- a broken index
def _copy_index(corpus_settings: Settings, tmp_path: Path) -> Path:
    data_dir = tmp_path / "copy"
    shutil.copytree(corpus_settings.data_dir, data_dir)
    return data_dir


def _cli_ask(data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "ADVISOR_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "bot.cli", "ask", QUESTION], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _break_sqlite(data_dir: Path) -> None:
    db = data_dir / "chroma" / "chroma.sqlite3"
    db.write_bytes(b"this is not a database " * 1000)


def _delete_sqlite(data_dir: Path) -> None:
    (data_dir / "chroma" / "chroma.sqlite3").unlink()


def _garble_state(data_dir: Path) -> None:
    (data_dir / "state.json").write_text('{"generation": 3, "collec', encoding="utf-8")


def _delete_state(data_dir: Path) -> None:
    (data_dir / "state.json").unlink()


def _delete_chroma(data_dir: Path) -> None:
    shutil.rmtree(data_dir / "chroma")


@pytest.mark.parametrize(
    "damage", [_break_sqlite, _delete_sqlite, _garble_state, _delete_state, _delete_chroma],
    ids=["garbled sqlite", "deleted sqlite", "garbled state", "deleted state", "deleted chroma"],
)
def test_broken_index_is_one_line_that_says_to_ingest(corpus_settings, tmp_path, damage):
    data_dir = _copy_index(corpus_settings, tmp_path)
    damage(data_dir)
    proc = _cli_ask(data_dir)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "advisor ingest" in lines[0], lines[0]


def test_missing_bm25_files_are_rebuilt_from_chroma(corpus_settings, embedder, advisor, tmp_path):
    data_dir = _copy_index(corpus_settings, tmp_path)
    shutil.rmtree(data_dir / "bm25")
    healed = Advisor(Settings(data_dir=data_dir), embedder=embedder)
    for question in (QUESTION, "key partners of circular business models"):
        assert [h.chunk.id for h in healed.retrieve(question, 5)] == [
            h.chunk.id for h in advisor.retrieve(question, 5)
        ]
    assert healed.ask(QUESTION).text == advisor.ask(QUESTION).text
