"""Load test of the HTTP API: concurrent OpenAI clients against a real `advisor serve`.

    python -m evals.serve_load --data-dir .advisor                 # starts its own server
    python -m evals.serve_load --url http://127.0.0.1:8400 --key adv_...   # a running one

Each client (a thread with its own `openai.OpenAI` client and, when the script starts the
server, its own API key) asks its own shuffled list of gold questions through
/v1/chat/completions. A reply counts as an error unless it is HTTP 200, its text is non-empty
and every [n] in it is one of its `citations`. Prints the count of errors, throughput and
latency percentiles (JSON with --json); exits 1 when any request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from evals.procs import free_port, stop, wait_for_http

ROOT = Path(__file__).resolve().parents[1]
_MARKER = re.compile(r"\[(\d+)\]")


def advisor_cmd(*args: str, data_dir: Path, env: dict[str, str] | None = None) -> str:
    """Run `advisor ARGS` in a fresh process; its stdout, or an error with its stderr."""
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args, "--data-dir", str(data_dir)], cwd=ROOT,
        env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=120,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"advisor {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


def create_key(data_dir: Path, name: str) -> str:
    """A new API key from `advisor keys create NAME` (its last line)."""
    return advisor_cmd("keys", "create", name, data_dir=data_dir).strip().splitlines()[-1]


@contextmanager
def running_server(
    data_dir: Path, env: dict[str, str] | None = None, timeout: float = 180.0
) -> Iterator[str]:
    """Start `advisor serve` on a free 127.0.0.1 port, yield its base URL, stop it after."""
    port = free_port()
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(data_dir)],
        cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    def exited() -> str:
        log.seek(0)
        return f"advisor serve exited: {log.read().decode()[-2000:]}"

    try:
        wait_for_http(f"{url}/healthz", proc, timeout, exited,
                      "advisor serve did not answer /healthz in time")
        yield url
    finally:
        if proc.poll() is None:
            stop(proc, signal.SIGINT)
        log.close()


@dataclass
class LoadResult:
    """What a load run measured."""

    clients: int
    per_client: int
    requests: int
    errors: int
    seconds: float
    throughput: float
    p50: float
    p95: float
    max: float
    samples: list[str] = field(default_factory=list)


def questions() -> list[str]:
    """The gold questions that stand alone (no history)."""
    from evals.gold import load_gold

    return [g.question for g in load_gold() if not g.history]


def _check(reply: object) -> str | None:
    """Why a chat completion is not a valid cited answer, or None."""
    data = reply.model_dump() if hasattr(reply, "model_dump") else {}
    choices = data.get("choices") or []
    text = (choices[0].get("message") or {}).get("content") if choices else None
    if not text:
        return "empty reply"
    cited = {c.get("n") for c in data.get("citations") or []}
    missing = {int(n) for n in _MARKER.findall(text)} - cited
    return f"[n] without a citation: {sorted(missing)}" if missing else None


def run_load(
    url: str, keys: Sequence[str], per_client: int, pool: Sequence[str], seed: int = 7
) -> LoadResult:
    """len(keys) concurrent clients, each asking `per_client` questions from `pool`."""
    import openai

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_line = threading.Barrier(len(keys))

    def client(i: int, key: str) -> None:
        api = openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=300)
        mine = list(pool)
        random.Random(seed + i).shuffle(mine)
        start_line.wait()
        for question in (mine * (per_client // len(mine) + 1))[:per_client]:
            began = time.perf_counter()
            try:
                reply = api.chat.completions.create(
                    model="advisor", messages=[{"role": "user", "content": question}]
                )
                problem = _check(reply)
            except Exception as exc:  # noqa: BLE001 - every failure is counted, not raised
                problem = f"{type(exc).__name__}: {exc}"
            with lock:
                latencies.append(time.perf_counter() - began)
                if problem:
                    errors.append(f"{question[:60]!r}: {problem}")

    threads = [threading.Thread(target=client, args=(i, k)) for i, k in enumerate(keys)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - began
    ordered = sorted(latencies)
    return LoadResult(
        clients=len(keys), per_client=per_client, requests=len(latencies), errors=len(errors),
        seconds=round(seconds, 2), throughput=round(len(latencies) / seconds, 2),
        p50=round(statistics.median(ordered), 3),
        p95=round(ordered[max(0, int(0.95 * len(ordered)) - 1)], 3),
        max=round(ordered[-1], 3), samples=errors[:5],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.serve_load", description=__doc__)
    parser.add_argument("--data-dir", type=Path, default=Path(".advisor"),
                        help="an ingested data dir (a server is started over it)")
    parser.add_argument("--url", help="an already running `advisor serve`")
    parser.add_argument("--key", help="with --url: the API key every client uses")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--questions", type=int, default=25, help="questions per client")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    pool = questions()
    if args.url:
        if not args.key:
            parser.error("--url needs --key")
        result = run_load(args.url.rstrip("/"), [args.key] * args.clients, args.questions, pool)
    else:
        stamp = int(time.time())
        keys = [create_key(args.data_dir, f"load-{stamp}-{i}") for i in range(args.clients)]
        try:
            with running_server(args.data_dir) as url:
                result = run_load(url, keys, args.questions, pool)
        finally:
            for i in range(args.clients):
                advisor_cmd("keys", "revoke", f"load-{stamp}-{i}", data_dir=args.data_dir)
    if args.json:
        print(json.dumps(asdict(result)))
    else:
        print(f"{result.clients} clients x {result.per_client} questions: {result.requests} "
              f"requests, {result.errors} errors in {result.seconds} s; "
              f"{result.throughput} req/s, p50 {result.p50} s, p95 {result.p95} s, "
              f"max {result.max} s")
        for sample in result.samples:
            print(f"  error {sample}")
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
