"""Scale benchmark: the real Store, LexicalIndex and Retriever over a synthetic 100k-chunk index.

The synthetic corpus is generated (templated manufacturing sentences over a varied vocabulary),
never downloaded. The report's own chunks are indexed with it, so the gold questions still have
answers among the distractors. Chunk vectors come from the real MiniLM model when the measured
embedding throughput says it fits the time budget; otherwise they are random projections of
hashed words (said plainly in the output). Queries are always embedded with the real model.

Run: `python -m evals.bench --scale 100000` (or `python -m evals.scale --chunks 100000`).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bot.index.embedding import Embedder, load_embedder
from bot.index.lexical import LexicalIndex, tokenize
from bot.index.retrieval import lexical_dir
from bot.index.store import IndexState, Store, collection_name
from bot.settings import Settings
from bot.types import Chunk
from evals.gold import load_gold
from evals.metrics import first_rank, latency_summary

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "synthetic/plant-notes.md"
EMBED_BUDGET_S = 600.0
SAMPLE = 512

_FIRMS = ("Nordwerk", "Kestrel", "Aramis", "Brightline", "Tecnova", "Halvorsen", "Okapi",
          "Sumida", "Vireo", "Castellan", "Duralux", "Pioneer", "Rheinmetal", "Ostara", "Zenith")
_INDUSTRIES = ("automotive", "aerospace", "food processing", "packaging", "machine tools",
               "semiconductors", "textiles", "furniture", "pharmaceuticals", "steel", "plastics",
               "electronics", "agricultural machinery", "medical devices", "shipbuilding")
_PRODUCTS = ("gearboxes", "pumps", "compressors", "injection moulds", "robot arms", "conveyors",
             "valves", "sensors", "bearings", "turbines", "printed circuit boards", "castings",
             "hydraulic presses", "welding cells", "forklifts", "chillers", "spindles")
_TOPICS = ("Revenue Streams", "Cost Structure", "Key Partners", "Key Activities",
           "Key Resources", "Channels", "Customer Segments", "Value Propositions",
           "Customer Relationship", "Maintenance", "Quality", "Energy", "Logistics")
_VERBS = ("reduced", "increased", "stabilised", "doubled", "halved", "audited", "benchmarked",
          "automated", "outsourced", "digitalised", "retrofitted", "standardised")
_METRICS = ("scrap rate", "overall equipment effectiveness", "energy use per unit", "lead time",
            "changeover time", "warranty claims", "inventory turns", "on-time delivery",
            "first-pass yield", "unplanned downtime", "labour productivity", "carbon footprint")
_MODELS = ("subscription contracts", "pay-per-part pricing", "remote monitoring services",
           "spare-parts marketplaces", "leasing with take-back", "configurators for custom orders",
           "predictive maintenance packages", "data-sharing agreements", "refurbished equipment",
           "outcome-based service levels", "e-commerce portals", "training academies")
_REGIONS = ("Bavaria", "Lombardy", "Ohio", "Guangdong", "Gujarat", "Catalonia", "Ontario",
            "Silesia", "Jalisco", "Kyushu", "Västra Götaland", "São Paulo")


def synthetic_chunks(n: int, seed: int = 7) -> Iterator[Chunk]:
    """n distinct plant-note chunks, each a few templated sentences under a section path."""
    rng = random.Random(seed)
    for i in range(n):
        firm, industry = rng.choice(_FIRMS), rng.choice(_INDUSTRIES)
        product, topic = rng.choice(_PRODUCTS), rng.choice(_TOPICS)
        sentences = [
            f"Plant note {i}: {firm} makes {product} for the {industry} sector in "
            f"{rng.choice(_REGIONS)}.",
            f"In {2015 + rng.randrange(10)} the site {rng.choice(_VERBS)} its "
            f"{rng.choice(_METRICS)} by {rng.randrange(3, 60)} percent.",
            f"Management is piloting {rng.choice(_MODELS)} with "
            f"{rng.randrange(2, 90)} customers.",
        ]
        if rng.random() < 0.6:
            sentences.append(
                f"The {topic.lower()} team reports that {rng.choice(_METRICS)} and "
                f"{rng.choice(_METRICS)} depend on {rng.choice(_MODELS)}."
            )
        section = f"Plant Notes > {industry.title()} > {firm} > {topic}"
        yield Chunk.create(f"{section}\n" + " ".join(sentences), section, SOURCE)


def projected_vectors(
    texts: list[str], dim: int, buckets: int = 4096, seed: int = 11
) -> np.ndarray:
    """Unit vectors from hashed word counts times a fixed Gaussian matrix (no model)."""
    proj = np.random.default_rng(seed).standard_normal((buckets, dim)).astype(np.float32)
    out = np.empty((len(texts), dim), dtype=np.float32)
    step = 4096
    for start in range(0, len(texts), step):
        part = texts[start : start + step]
        counts = np.zeros((len(part), buckets), dtype=np.float32)
        for row, text in enumerate(part):
            for tok in tokenize(text):
                counts[row, zlib.crc32(tok.encode()) % buckets] += 1.0
        vec = counts @ proj
        vec /= np.linalg.norm(vec, axis=1, keepdims=True) + 1e-9
        out[start : start + len(part)] = vec
    return out


def rss_mb() -> dict[str, float]:
    """Current and peak resident memory of this process, in MiB (Linux /proc)."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out["rss_mb" if key == "VmRSS" else "peak_rss_mb"] = int(value.split()[0]) / 1024
    return out


def build(n: int, data_dir: Path, embedder: Embedder, embed: str = "auto",
          say: Any = print, report_index: Path | None = None,
          sample: int = SAMPLE) -> dict[str, Any]:
    """Index the report plus n synthetic chunks into data_dir; return timings and sizes.

    The report's chunks and vectors are taken from report_index (a data dir) when given,
    else the corpus is ingested first.
    """
    from ingest.pipeline import ingest

    settings = Settings(data_dir=data_dir)
    if report_index is None:
        ingest(settings, [ROOT / "corpus"], embedder=embedder, show_progress=False)
    origin = Store(Settings(data_dir=report_index)) if report_index else Store(settings)
    live = origin.require_state()
    report_chunks, report_vectors = [], []
    for chunks, vectors in origin.fetch(origin.collection(live.collection)):
        report_chunks += chunks
        report_vectors.append(vectors)
    store = Store(settings)

    start = time.perf_counter()
    chunks = list(synthetic_chunks(n))
    texts = [c.text for c in chunks]
    gen_s = time.perf_counter() - start

    t0 = time.perf_counter()
    embedder.embed(texts[:sample])
    rate = min(sample, n) / (time.perf_counter() - t0)
    projected_s = n / rate
    real = embed == "real" or (embed == "auto" and projected_s <= EMBED_BUDGET_S)
    say(f"scale: real embedding rate {rate:.0f} chunks/s -> {projected_s:.0f} s for {n:,}; "
        + ("embedding with the real model" if real else "using random-projected vectors"))
    t0 = time.perf_counter()
    vectors = embedder.embed(texts) if real else projected_vectors(texts, embedder.dimension)
    embed_s = time.perf_counter() - t0

    everything = report_chunks + chunks
    all_vectors = np.vstack([*report_vectors, vectors])
    generation = live.generation + 1
    name = collection_name(generation)
    t0 = time.perf_counter()
    col = store.collection(name, create=True)
    store.add(col, everything, all_vectors)
    chroma_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    LexicalIndex.build(everything).save(lexical_dir(data_dir, name))
    bm25_s = time.perf_counter() - t0
    sources = dict(live.sources)
    sources[SOURCE] = [c.id for c in chunks]
    previous = live.collection if report_index is None else None
    store.write_state(IndexState(generation, name, sources, live.model, previous))
    return {
        "chunks": len(everything), "synthetic_chunks": n,
        "vectors": "real MiniLM" if real else "random-projected (hashed words; queries real)",
        "embed_rate_chunks_per_s": rate, "embed_s": embed_s, "generate_s": gen_s,
        "chroma_add_s": chroma_s, "bm25_build_s": bm25_s,
        "ingest_s": embed_s + chroma_s + bm25_s,
        "build_process": rss_mb(),
        "load_avg_1m": os.getloadavg()[0],
    }


def serve(data_dir: Path, repeats: int = 2, limit: int | None = None) -> dict[str, Any]:
    """Open the index like the CLI does and time retrieval of the (first `limit`) gold questions."""
    from bot.advisor import Advisor
    from evals.suite import standalone_question

    t0 = time.perf_counter()
    advisor = Advisor(Settings(data_dir=data_dir))
    gold = [q for q in load_gold() if q.answerable][:limit]
    queries = [standalone_question(None, q) for q in gold]  # rule-based rewrite, no model
    hits = advisor.retrieve(queries[0], 5)
    open_s = time.perf_counter() - t0
    times, found = [], 0
    for rep in range(repeats):
        for q, query in zip(gold, queries, strict=True):
            t = time.perf_counter()
            hits = advisor.retrieve(query, 5)
            times.append((time.perf_counter() - t) * 1000)
            if rep == 0:
                found += first_rank([h.chunk.text for h in hits], q.snippets) is not None
    lat = latency_summary(times)
    return {
        "index_chunks": advisor.retriever.chunk_count, "open_and_first_query_s": open_s,
        "retrieve_p50_ms": lat["p50_ms"], "retrieve_p95_ms": lat["p95_ms"],
        "retrieve_n": lat["n"], "gold_recall@5": found / len(gold), **rss_mb(),
    }


def run(n: int, embed: str = "auto", keep: Path | None = None, say: Any = print) -> dict[str, Any]:
    """Build the scale index, then measure retrieval in a fresh process (its memory alone)."""
    embedder = load_embedder(Settings().model_path())
    with tempfile.TemporaryDirectory(prefix="advisor-scale-") as tmp:
        data_dir = keep or Path(tmp) / ".advisor"
        result = build(n, data_dir, embedder, embed, say)
        say("scale: timing retrieval in a fresh process")
        proc = subprocess.run(
            [sys.executable, "-m", "evals.scale", "--serve", str(data_dir)],
            capture_output=True, text=True, cwd=ROOT, check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"scale retrieval process failed: {proc.stderr.strip()[-500:]}")
        result["serve_process"] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.scale", description=__doc__)
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--embed", choices=["auto", "real", "projected"], default="auto")
    parser.add_argument("--keep", metavar="DATA_DIR", type=Path,
                        help="build the index here and keep it (default: a temporary folder)")
    parser.add_argument("--serve", metavar="DATA_DIR",
                        help="only time retrieval over an index built earlier with --keep")
    args = parser.parse_args(argv)
    if args.serve:
        print(json.dumps(serve(Path(args.serve))))
        return 0
    result = run(args.chunks, args.embed, keep=args.keep, say=lambda m: print(m, file=sys.stderr))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
