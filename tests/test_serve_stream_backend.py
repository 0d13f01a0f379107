"""Streaming through /v1/chat/completions with a model backend (the deterministic fake)."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from bot import Advisor
from bot.serve.app import create_app
from bot.serve.keys import KeyStore
from tests.fakes import FakeChat

QUESTION = "What revenue streams suit servitised business models?"


def _stream(settings, embedder, llm: FakeChat, keys_dir: Path) -> tuple[str, dict]:
    """The streamed text and the last chunk, from an app whose keys live in keys_dir."""
    advisor = Advisor(settings.model_copy(update={"llm": llm}), embedder=embedder)
    app_settings = settings.model_copy(update={"data_dir": keys_dir})
    app = create_app(app_settings, advisor)
    key = KeyStore.for_settings(app_settings).create("stream")
    with TestClient(app) as client:
        reply = client.post("/v1/chat/completions", headers={"Authorization": f"Bearer {key}"},
                            json={"model": "advisor", "stream": True,
                                  "messages": [{"role": "user", "content": QUESTION}]})
    assert reply.status_code == 200
    events = [line[len("data: "):] for line in reply.text.splitlines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    return text, chunks[-1]


def test_model_tokens_stream_and_the_last_chunk_carries_the_citations(corpus_settings, embedder,
                                                                      tmp_path: Path) -> None:
    llm = FakeChat("Servitised models earn from pay-per-use and service contracts [1].")
    text, last = _stream(corpus_settings, embedder, llm, tmp_path)
    assert llm.calls, "the model was asked"
    assert last["choices"][0]["finish_reason"] == "stop" and last["mode"] == "fake"
    assert text.startswith(last["answer"]) and "[1]" in last["answer"]
    assert last["citations"][0]["n"] == 1


def test_a_failed_model_reply_is_replaced_visibly_in_the_stream(corpus_settings, embedder,
                                                               tmp_path: Path) -> None:
    llm = FakeChat("Servitised models are great, trust me.")  # cites nothing: falls back
    text, last = _stream(corpus_settings, embedder, llm, tmp_path)
    assert last["mode"] != "fake" and last["notice"]
    assert text.startswith("Servitised models are great, trust me.")  # what was streamed stays
    assert last["notice"] in text and last["answer"] in text  # then the notice and the answer
