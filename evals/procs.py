"""Local servers the benchmarks and tests start: a free port, waiting for a health URL, stopping.

`advisor serve`, `streamlit run ui/app.py`, Chroma and llama.cpp are each started as a
subprocess on 127.0.0.1; these helpers are the parts their starters share.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(
    url: str, proc: subprocess.Popen[bytes], timeout: float, exited: Callable[[], str],
    late: str,
) -> None:
    """Poll `url` until it answers 200; RuntimeError(exited()) if the process ends first,
    RuntimeError(late) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(exited())
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(late)
        time.sleep(0.3)


def stop(
    proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, timeout: float = 20
) -> None:
    """Send `sig` (SIGTERM by default), wait up to `timeout` seconds, then kill."""
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
