"""A real Chroma server for tests: `chroma run --path <tmp> --host 127.0.0.1 --port <free>`.

`start_chroma_server(path)` starts one and waits for its heartbeat; the module fixture
`chroma_server` (import it into a test module) yields a running server and stops it after.
"""

from __future__ import annotations

import os
import shutil
import signal
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


def chroma_cli() -> str:
    """The `chroma` command of this environment."""
    beside = Path(sys.executable).with_name("chroma")
    found = str(beside) if beside.is_file() else shutil.which("chroma")
    if not found:
        pytest.skip("the chroma command is not installed")
    return found


@dataclass
class ChromaServer:
    """A running `chroma run` process."""

    process: subprocess.Popen[bytes]
    host: str
    port: int
    path: Path
    log: Path

    def settings_env(self) -> dict[str, str]:
        """The ADVISOR_* variables that point the advisor at this server."""
        return {"ADVISOR_STORE": "http", "ADVISOR_CHROMA_HOST": self.host,
                "ADVISOR_CHROMA_PORT": str(self.port)}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def _heartbeat(host: str, port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/api/v2/heartbeat", timeout=2) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_chroma_server(path: Path, timeout: float = 60) -> ChromaServer:
    """Start a server persisting into `path` and wait until it answers its heartbeat."""
    host, port = "127.0.0.1", free_port()
    path.mkdir(parents=True, exist_ok=True)
    log = path.parent / f"chroma-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [chroma_cli(), "run", "--path", str(path), "--host", host, "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
    server = ChromaServer(process, host, port, path, log)
    deadline = time.monotonic() + timeout
    while not _heartbeat(host, port):
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            tail = log.read_text(errors="replace")[-500:]
            raise RuntimeError(f"chroma run did not start: {tail}")
        time.sleep(0.2)
    return server


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """A Chroma server for the tests of one module, stopped afterwards."""
    server = start_chroma_server(tmp_path_factory.mktemp("chroma-server") / "db")
    try:
        yield server
    finally:
        server.stop()
