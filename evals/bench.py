"""Benchmarks (`make bench`): ingest cold and warm, stage latencies, CLI start, the speed goals
(cold ask, first canvas, embedding throughput, web app; evals.speed), baseline, scale."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot import Advisor
from bot.index.embedding import load_embedder
from bot.index.store import Store
from bot.settings import Settings
from evals.gold import load_briefs, load_gold
from evals.metrics import percentile
from ingest.pipeline import ingest

ROOT = Path(__file__).resolve().parents[1]
_SCRIPT = Path(sys.executable).parent / "advisor"
ADVISOR = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "bot.cli"]


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


def _stage_latency(fn, inputs, repeats: int = 1) -> dict[str, float]:
    times = [_timed(fn, x)[1] for _ in range(repeats) for x in inputs]
    return {"p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95), "n": len(times)}


def bench_cold_ingest() -> dict[str, float]:
    """Ingest the corpus in a fresh process (Python start, imports, model load included)."""
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / ".advisor"
        start = time.perf_counter()
        proc = subprocess.run(
            [*ADVISOR, "ingest", "--data-dir", str(data_dir), str(ROOT / "corpus")],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )
        seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(f"cold ingest failed: {proc.stderr.strip()[-300:]}")
        chunks = Store(Settings(data_dir=data_dir)).require_state().chunk_count
    return {"cold_ingest_s": seconds, "cold_ingest_chunks_per_s": chunks / seconds}


def bench_cli(data_dir: Path, repeats: int = 3) -> dict[str, float]:
    """Wall time of `advisor --help` and of one `advisor retrieve` in a fresh process."""
    out: dict[str, float] = {}
    commands = {
        "cli_help_s": [*ADVISOR, "--help"],
        "cli_retrieve_s": [*ADVISOR, "retrieve", "What revenue streams suit servitisation?",
                           "--data-dir", str(data_dir), "--json"],
    }
    for key, cmd in commands.items():
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
            times.append(time.perf_counter() - start)
            if proc.returncode != 0:
                raise RuntimeError(f"{' '.join(cmd[:3])} failed: {proc.stderr.strip()[-300:]}")
        out[key] = percentile(times, 50)
    return out


def bench_answers(advisor: Advisor) -> dict[str, float]:
    """Warm latency of ask (CI-subset questions) and draft_canvas (briefs), where available."""
    out: dict[str, float] = {}
    questions = [q.question for q in load_gold(subset=True)]
    if callable(getattr(advisor, "ask", None)):
        out.update(bench_ask(advisor, questions))
    if callable(getattr(advisor, "draft_canvas", None)):
        out.update(bench_canvas(advisor, [b.brief for b in load_briefs()]))
    return out


def bench_ask(advisor: Advisor, questions: list[str], repeats: int = 3) -> dict[str, float]:
    """Warm `ask` latency (after one untimed call), each question asked `repeats` times."""
    advisor.ask(questions[0])
    lat = _stage_latency(advisor.ask, questions, repeats=repeats)
    return {"ask_p50_ms": lat["p50_ms"], "ask_p95_ms": lat["p95_ms"], "ask_n": lat["n"]}


def bench_canvas(advisor: Advisor, briefs: list[str], repeats: int = 3) -> dict[str, float]:
    """Canvas drafting: the first draft (report embeddings built), then warm drafts."""
    _, first_ms = _timed(advisor.draft_canvas, briefs[0])
    lat = _stage_latency(advisor.draft_canvas, briefs, repeats=repeats)
    return {"canvas_first_ms": first_ms, "canvas_p50_ms": lat["p50_ms"],
            "canvas_p95_ms": lat["p95_ms"], "canvas_n": lat["n"]}


def bench_speed(advisor: Advisor, data_dir: Path, ui: bool, say=print) -> dict[str, object]:
    """The figures with goals (evals.speed): cold ask, first canvas, embedding, web app."""
    from evals import speed

    out: dict[str, object] = {}
    say("bench: cold ask and first canvas in fresh processes")
    out.update(speed.cold_ask(data_dir))
    out.update(speed.first_canvas(data_dir))
    say("bench: embedding throughput, ONNX vs sentence-transformers")
    texts = [f"{c.text} ({i})" for i in range(3) for c in advisor.retriever.chunks()]
    out.update(speed.embed_throughput(texts))
    say("bench: whole-ingest throughput, ONNX vs sentence-transformers")
    out.update(speed.ingest_throughput())
    if ui:
        say("bench: web app in headless Chromium")
        out.update(speed.web_app(data_dir))
    return out


def run_all(
    baseline: bool = True, cli: bool = True, say=print, ui: bool = True
) -> dict[str, object]:
    """Everything `make bench` measures, on one temporary index of the report."""
    # Other work on the machine slows every figure: record how busy it was.
    results: dict[str, object] = {"cpus": os.cpu_count(), "load_avg_1m": os.getloadavg()[0]}
    say("bench: cold ingest in a fresh process")
    results.update(bench_cold_ingest())
    say("bench: warm ingest, re-ingest and retrieval latency")
    settings = Settings()
    embedder, load_ms = _timed(load_embedder, settings.model_path())
    results["model_load_ms"] = load_ms
    with tempfile.TemporaryDirectory() as tmp:
        local = Settings(data_dir=Path(tmp) / ".advisor", corpus_dir=ROOT / "corpus")
        first, ms = _timed(ingest, local, None, embedder=embedder, show_progress=False)
        results.update(warm_ingest_ms=ms, ingest_chunks=first.chunks,
                       warm_ingest_chunks_per_s=first.chunks / (ms / 1000))
        again, ms = _timed(ingest, local, None, embedder=embedder, show_progress=False)
        results.update(reingest_ms=ms, reingest_embedded=again.embedded)
        advisor = Advisor(local, embedder=embedder)
        questions = [q.question for q in load_gold() if q.answerable]
        advisor.retrieve(questions[0], 5)
        lat = _stage_latency(lambda q: advisor.retrieve(q, 5), questions, repeats=3)
        results.update(retrieve_p50_ms=lat["p50_ms"], retrieve_p95_ms=lat["p95_ms"],
                       retrieve_n=lat["n"])
        say("bench: ask and canvas latency")
        results.update(bench_answers(advisor))
        if cli:
            say("bench: CLI cold start")
            results.update(bench_cli(local.data_dir))
            results.update(bench_speed(advisor, local.data_dir, ui, say))
        if baseline:
            say("bench: tutorial recipe vs advisor retrieval on the gold set")
            from evals.baseline import compare

            results["baseline"] = compare(advisor)
    return results


def _print(results: dict[str, object]) -> None:
    from evals.speed import GOALS, goal_table

    for key, value in results.items():
        if isinstance(value, dict) or key in GOALS:
            continue
        print(f"{key:28s} {value:14.2f}" if isinstance(value, float) else f"{key:28s} {value:>14}")
    if any(key in results for key in GOALS):
        print("\ngoals (issue 15)")
        print(goal_table(results))
    if isinstance(results.get("baseline"), dict):
        base = results["baseline"]
        assert isinstance(base, dict)
        print(f"retrieve p50 in this run: advisor {base['advisor']['retrieve_p50_ms']:.1f} ms, "
              f"tutorial recipe {base['tutorial']['retrieve_p50_ms']:.1f} ms")
    if "baseline" in results:
        from evals.baseline import table

        print("\nretrieval on the gold set: advisor vs tutorial recipe "
              "(1,000-char recursive chunks, plain top-5 similarity)")
        print(table(results["baseline"]))  # type: ignore[arg-type]
    if "scale" in results:
        scale = results["scale"]
        assert isinstance(scale, dict)
        serve = scale["serve_process"]
        print(f"\nscale: {scale['chunks']:,} chunks ({scale['synthetic_chunks']:,} synthetic), "
              f"vectors: {scale['vectors']}")
        print(f"  ingest {scale['ingest_s']:.1f} s (embed {scale['embed_s']:.1f} s at "
              f"{scale['embed_rate_chunks_per_s']:.0f} chunks/s measured with the real model, "
              f"Chroma add {scale['chroma_add_s']:.1f} s, BM25 {scale['bm25_build_s']:.1f} s)")
        print(f"  retrieve p50 {serve['retrieve_p50_ms']:.1f} ms, p95 "
              f"{serve['retrieve_p95_ms']:.1f} ms over {int(serve['retrieve_n'])} queries; "
              f"gold recall@5 {serve['gold_recall@5']:.3f}")
        print(f"  memory: serving process RSS {serve['rss_mb']:.0f} MiB (peak "
              f"{serve['peak_rss_mb']:.0f}); building process peak "
              f"{scale['build_process']['peak_rss_mb']:.0f} MiB; open + first query "
              f"{serve['open_and_first_query_s']:.1f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.bench", description=__doc__)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--scale", type=int, metavar="N",
                        help="also build and query an index of N synthetic chunks (e.g. 100000)")
    parser.add_argument("--embed", choices=["auto", "real", "projected"], default="auto",
                        help="vectors for the scale run: real model, random projection, or "
                             "real when it fits the time budget (default)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the tutorial recipe")
    parser.add_argument("--no-ui", action="store_true", help="skip the browser measurements")
    parser.add_argument("--out", metavar="FILE", help="also write the results as JSON here")
    args = parser.parse_args(argv)

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results = run_all(baseline=not args.no_baseline, say=say, ui=not args.no_ui)
    if args.scale:
        from evals.scale import run as run_scale

        say(f"bench: scale run with {args.scale:,} synthetic chunks")
        results["scale"] = run_scale(args.scale, args.embed, say=say)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2), encoding="utf-8")
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        _print(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
