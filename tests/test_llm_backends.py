"""The generative backends against a real local model: llama.cpp server (openai) and in-process.

SmolLM2-135M is tiny, so these tests check structure and validity (citations, streaming,
fallback), not answer quality.
"""

from __future__ import annotations

import pytest

from bot import Advisor
from bot.answers.prompts import REFUSAL
from bot.errors import AdvisorError
from bot.llm import BackendError, build_backend
from bot.llm.langchain import LangChainBackend, build_langchain_backend
from bot.settings import Settings
from bot.types import Answer
from evals.answer_eval import citations_valid
from tests.llm_server import llama_server, require_local_llm, start_llama_server

__all__ = ["llama_server"]  # the fixture is used by name below

pytestmark = pytest.mark.llm

QUESTION = "What revenue streams suit servitised business models?"


def _settings(corpus_settings: Settings, **llm: object) -> Settings:
    base = {"data_dir": corpus_settings.data_dir, "top_k": 2, "llm_max_tokens": 48,
            "llm_timeout": 120.0}
    return Settings(**{**base, **llm})  # type: ignore[arg-type]


def _check_grounded(advisor: Advisor, answer: Answer) -> None:
    """Valid markers, and every citation is the full text of a chunk retrieved for the question."""
    assert citations_valid(answer), answer.text
    prepared = advisor.answerer.prepare(answer.question)
    retrieved = {h.chunk.text for h in prepared.hits}
    assert answer.citations, "an answered question cites the report"
    assert all(c.chunk.text in retrieved for c in answer.citations)


def test_openai_backend_through_llama_server(llama_server, corpus_settings, embedder):
    settings = _settings(corpus_settings, backend="openai", openai_base_url=llama_server)
    advisor = Advisor(settings, embedder=embedder)
    backend = advisor.llm
    assert isinstance(backend, LangChainBackend) and backend.name == "openai"
    reply = backend.complete([{"role": "user", "content": "Say hello."}])
    assert reply.strip(), "the server produced text"

    answer = advisor.ask(QUESTION)
    assert not answer.refused or answer.text.endswith(REFUSAL)
    if not answer.refused:
        assert answer.mode in ("openai", "evidence-fallback")
        _check_grounded(advisor, answer)


def test_openai_backend_streams_tokens(llama_server, corpus_settings, embedder):
    settings = _settings(corpus_settings, backend="openai", openai_base_url=llama_server)
    advisor = Advisor(settings, embedder=embedder)
    pieces = list(advisor.llm.stream([{"role": "user", "content": "Count to five."}]))
    assert len(pieces) > 1 and all(isinstance(p, str) for p in pieces)

    items = list(advisor.stream(QUESTION))
    assert isinstance(items[-1], Answer)
    assert all(isinstance(i, str) for i in items[:-1])
    assert not any(isinstance(i, Answer) for i in items[:-1])


def test_llamacpp_backend_in_process(corpus_settings, embedder):
    require_local_llm()
    settings = _settings(corpus_settings, backend="llamacpp")
    advisor = Advisor(settings, embedder=embedder)
    assert advisor.llm is not None and advisor.llm.name == "llamacpp"
    items = list(advisor.stream(QUESTION))
    answer = items[-1]
    assert isinstance(answer, Answer)
    assert answer.mode in ("llamacpp", "evidence-fallback") or answer.refused
    if answer.mode == "llamacpp" and not answer.refused:
        streamed = "".join(i for i in items[:-1] if isinstance(i, str))
        assert streamed.strip(), "tokens were streamed"
    if not answer.refused:
        _check_grounded(advisor, answer)


def test_llamacpp_timeout_falls_back_to_evidence(corpus_settings, embedder):
    require_local_llm()
    settings = _settings(corpus_settings, backend="llamacpp", llm_timeout=0.001)
    advisor = Advisor(settings, embedder=embedder)
    answer = advisor.ask(QUESTION)
    assert answer.mode == "evidence-fallback"
    assert answer.notice and "timed out" in answer.notice
    _check_grounded(advisor, answer)
    assert "Pay-per-use model" in answer.text


def test_killed_server_falls_back_to_evidence(corpus_settings, embedder, tmp_path):
    server = start_llama_server(log_dir=tmp_path)
    try:
        settings = _settings(corpus_settings, backend="openai", openai_base_url=server.base_url,
                             llm_timeout=20.0)
        advisor = Advisor(settings, embedder=embedder)
        first = advisor.ask(QUESTION)
        assert first.mode in ("openai", "evidence-fallback")
        server.process.kill()
        server.process.wait(timeout=10)
        answer = advisor.ask(QUESTION)
    finally:
        server.stop()
    assert answer.mode == "evidence-fallback" and not answer.refused
    assert answer.notice and "openai" in answer.notice
    assert "Traceback" not in answer.text and "\n" not in answer.notice
    _check_grounded(advisor, answer)


def test_unreachable_backend_error_is_one_line(corpus_settings):
    settings = _settings(corpus_settings, backend="openai", openai_base_url="http://127.0.0.1:9/v1",
                         llm_timeout=5.0)
    backend = build_backend(settings)
    assert backend is not None
    with pytest.raises(BackendError) as err:
        backend.complete([{"role": "user", "content": "hi"}])
    assert "\n" not in str(err.value) and "openai" in str(err.value)


@pytest.mark.parametrize(
    ("overrides", "hint"),
    [
        ({"backend": "openai"}, "ADVISOR_OPENAI_API_KEY"),
        ({"backend": "openai", "openai_base_url": "localhost:8080"}, "http"),
        ({"backend": "llamacpp", "gguf_path": "/nonexistent/model.gguf"}, "ADVISOR_GGUF_PATH"),
    ],
)
def test_misconfiguration_says_how_to_fix(corpus_settings, overrides, hint):
    with pytest.raises(AdvisorError, match=hint):
        build_langchain_backend(_settings(corpus_settings, **overrides))


def test_ollama_backend_unreachable_falls_back(corpus_settings, embedder):
    settings = _settings(corpus_settings, backend="ollama", ollama_url="http://127.0.0.1:9",
                         llm_timeout=5.0)
    advisor = Advisor(settings, embedder=embedder)
    assert advisor.llm is not None and advisor.llm.name == "ollama"
    answer = advisor.ask(QUESTION)
    assert answer.mode == "evidence-fallback" and not answer.refused
    assert answer.notice and "ollama" in answer.notice and "\n" not in answer.notice
    _check_grounded(advisor, answer)
