"""Load test: many concurrent askers through the Python API against a Chroma server.

    python -m evals.load_test                      # starts its own `chroma run`, ingests
    python -m evals.load_test --host H --port P    # an existing, already ingested server

Every thread shares one Advisor (one embedding model) and asks its own shuffled list of gold
questions (follow-ups left out). Every answer is checked: it must be exactly the answer the
same question gets when asked alone, its refusal flag must match the gold set, every [n] in its
text must be a citation, and every citation must be the full text of a chunk of the index.
Prints throughput and latency percentiles; exits 1 when any ask failed or was invalid.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evals.gold import load_gold

ROOT = Path(__file__).resolve().parents[1]
_MARKER = re.compile(r"\[(\d+)\]")


@dataclass
class LoadResult:
    """What a load run measured."""

    threads: int
    per_thread: int
    asks: int
    errors: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    seconds: float = 0.0
    throughput: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    max_ms: float = 0.0
    pool: int = 0
    excluded: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.invalid and self.asks == self.threads * self.per_thread

    def summary(self) -> str:
        return (
            f"{self.asks} asks ({self.threads} threads x {self.per_thread}) in "
            f"{self.seconds:.1f} s: {self.throughput:.1f} asks/s, p50 {self.p50_ms:.0f} ms, "
            f"p95 {self.p95_ms:.0f} ms, max {self.max_ms:.0f} ms; "
            f"{len(self.errors)} errors, {len(self.invalid)} invalid answers"
        )


def _signature(answer: Any) -> tuple[str, bool, tuple[str, ...]]:
    return answer.text, answer.refused, tuple(c.chunk.id for c in answer.citations)


def check_answer(answer: Any, chunks: dict[str, str]) -> str | None:
    """Why an answer breaks the citation contract, or None when it keeps it."""
    numbers = {c.n for c in answer.citations}
    for marker in _MARKER.findall(answer.text):
        if int(marker) not in numbers:
            return f"marker [{marker}] has no citation"
    for cite in answer.citations:
        if chunks.get(cite.chunk.id) != cite.chunk.text:
            return f"citation [{cite.n}] is not the full text of an indexed chunk"
    if not answer.refused and not answer.citations:
        return "an answer without citations"
    return None


def question_pool(advisor: Any) -> tuple[list[tuple[str, bool]], dict[str, Any], int]:
    """Gold questions whose lone answer has the right refusal flag, with those answers."""
    pool, baseline, excluded = [], {}, 0
    for gold in load_gold():
        if gold.history:
            continue
        answer = advisor.ask(gold.question)
        if answer.refused == (not gold.answerable):
            pool.append((gold.question, not gold.answerable))
            baseline[gold.question] = _signature(answer)
        else:
            excluded += 1
    return pool, baseline, excluded


def run_load(
    advisor: Any, threads: int = 20, per_thread: int = 25, seed: int = 7
) -> LoadResult:
    """Ask `threads` x `per_thread` questions concurrently through one shared Advisor."""
    chunks = {c.id: c.text for c in advisor.retriever.chunks()}
    pool, baseline, excluded = question_pool(advisor)
    result = LoadResult(threads, per_thread, 0, pool=len(pool), excluded=excluded)
    latencies: list[float] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(threads)

    def asker(index: int) -> None:
        rng = random.Random(seed + index)
        mine = [rng.choice(pool) for _ in range(per_thread)]
        start_gate.wait()
        for question, out_of_scope in mine:
            began = time.perf_counter()
            try:
                answer = advisor.ask(question)
            except Exception as exc:  # noqa: BLE001 - counted, never raised out of a thread
                with lock:
                    result.errors.append(f"{question!r}: {type(exc).__name__}: {exc}")
                continue
            took = time.perf_counter() - began
            problem = check_answer(answer, chunks)
            if problem is None and answer.refused != out_of_scope:
                problem = f"refused={answer.refused}, expected {out_of_scope}"
            if problem is None and _signature(answer) != baseline[question]:
                problem = "differs from the answer the question gets when asked alone"
            with lock:
                latencies.append(took)
                result.asks += 1
                if problem:
                    result.invalid.append(f"{question!r}: {problem}")

    workers = [threading.Thread(target=asker, args=(i,)) for i in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    result.seconds = time.perf_counter() - began
    if latencies:
        ordered = sorted(latencies)
        result.throughput = result.asks / result.seconds
        result.p50_ms = statistics.median(ordered) * 1000
        result.p95_ms = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000
        result.max_ms = ordered[-1] * 1000
    return result


def _server(path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start `chroma run` on a free port and wait for its heartbeat."""
    from evals.procs import free_port, wait_for_http

    port = free_port()
    chroma = str(Path(sys.executable).with_name("chroma"))
    path.mkdir(parents=True)
    process = subprocess.Popen(
        [chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    failed = "chroma run did not start"
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/v2/heartbeat", process, 60,
                      lambda: failed, failed)
    except RuntimeError:
        process.kill()
        raise SystemExit(failed) from None
    return process, port


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.load_test", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1", help="Chroma server host")
    parser.add_argument("--port", type=int, help="Chroma server port (default: start one)")
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--questions", type=int, default=25, help="questions per thread")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)

    from bot import Advisor
    from bot.settings import load_settings

    workdir = Path(tempfile.mkdtemp(prefix="advisor-load-"))
    process = None
    try:
        port = args.port
        if port is None:
            process, port = _server(workdir / "chroma")
        settings = load_settings(store="http", chroma_host=args.host, chroma_port=port,
                                 data_dir=workdir / "data")
        advisor = Advisor(settings)
        if args.port is None:
            advisor.ingest([ROOT / "corpus"], show_progress=False)
        result = run_load(advisor, args.threads, args.questions)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=15)
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(asdict(result) | {"ok": result.ok}))
    else:
        print(result.summary())
        print(f"question pool: {result.pool} gold questions "
              f"({result.excluded} left out: wrong refusal flag when asked alone)")
        for line in (result.errors + result.invalid)[:10]:
            print(f"  {line}")
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
