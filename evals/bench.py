"""Benchmarks: ingest time, idempotent re-ingest, warm retrieval latency (`make bench`)."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from bot import Advisor
from bot.embedding import load_embedder
from bot.settings import Settings
from evals.gold import load_gold
from evals.metrics import percentile
from ingest.pipeline import ingest

ROOT = Path(__file__).resolve().parents[1]


def _timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - start) * 1000


def bench_ingest_and_retrieve(repeats: int = 3) -> dict[str, float]:
    """Full-corpus ingest with the model loaded, re-ingest, and warm retrieve latency."""
    settings = Settings()
    embedder, load_ms = _timed(load_embedder, settings.model_path())
    out: dict[str, float] = {"model_load_ms": load_ms}
    with tempfile.TemporaryDirectory() as tmp:
        local = Settings(data_dir=Path(tmp) / ".advisor", corpus_dir=ROOT / "corpus")
        first, ms = _timed(ingest, local, None, embedder=embedder, show_progress=False)
        out.update(
            ingest_ms=ms, ingest_chunks=first.chunks, ingest_chunks_per_s=first.chunks / (ms / 1000)
        )
        again, ms = _timed(ingest, local, None, embedder=embedder, show_progress=False)
        out.update(reingest_ms=ms, reingest_embedded=again.embedded)
        advisor = Advisor(local, embedder=embedder)
        questions = [q.question for q in load_gold() if q.answerable]
        advisor.retrieve(questions[0], 5)
        times = []
        for _ in range(repeats):
            for q in questions:
                times.append(_timed(advisor.retrieve, q, 5)[1])
        out.update(
            retrieve_p50_ms=percentile(times, 50),
            retrieve_p95_ms=percentile(times, 95),
            retrieve_n=len(times),
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    results = bench_ingest_and_retrieve()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for key, value in results.items():
            print(
                f"{key:24s} {value:12.2f}" if isinstance(value, float) else f"{key:24s} {value:>12}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
