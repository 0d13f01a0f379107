"""The tutorial recipe as a baseline: 1,000-character recursive chunks, MiniLM, plain top-k.

This is the retrieval most RAG tutorials start from: the text is cut every ~1,000 characters
(LangChain's RecursiveCharacterTextSplitter, 200 characters of overlap) with no regard for the
report's sections, embedded with the same MiniLM model, stored in its own Chroma collection and
searched by cosine similarity alone. It is scored on the same gold questions as the advisor.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.index.embedding import Embedder
from evals.gold import GoldQuestion, load_gold
from evals.metrics import first_rank, latency_summary, mean, reciprocal_rank
from evals.suite import K, standalone_question

ROOT = Path(__file__).resolve().parents[1]
CORPUS_FILE = ROOT / "corpus" / "wmr-2023-new-business-models.md"
CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


def split(text: str, size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP) -> list[str]:
    """The tutorial's chunks of a text."""
    try:
        from langchain_text_splitters import RecursiveCharacterTextSplitter
    except ImportError as exc:  # pragma: no cover - a dev extra
        raise RuntimeError(
            "the baseline needs langchain-text-splitters: pip install -e '.[dev]'"
        ) from exc
    splitter = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=overlap)
    return [c for c in splitter.split_text(text) if c.strip()]


class TutorialRetriever:
    """Plain top-k cosine search over recursive character chunks in a separate collection."""

    def __init__(self, embedder: Embedder, texts: Sequence[str], folder: Path) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.embedder = embedder
        self.texts = list(texts)
        client = chromadb.PersistentClient(
            path=str(folder), settings=ChromaSettings(anonymized_telemetry=False)
        )
        self.collection = client.create_collection(
            "tutorial_recipe", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
        )
        vectors = embedder.embed(self.texts)
        self.collection.add(
            ids=[f"c{i}" for i in range(len(self.texts))],
            documents=self.texts,
            embeddings=vectors,
        )

    def retrieve(self, question: str, k: int = K) -> list[str]:
        got = self.collection.query(
            query_embeddings=[self.embedder.embed_one(question)],
            n_results=k,
            include=["documents"],
        )
        documents = got["documents"] or [[]]
        return list(documents[0])


def evaluate(
    retrieve: Any, questions: Sequence[GoldQuestion], query_of: Any
) -> dict[str, float | None]:
    """recall@1, recall@5, MRR, mean context chars and latency of a text-returning retriever."""
    ranks: list[int | None] = []
    chars: list[float] = []
    times: list[float] = []
    for q in questions:
        if not q.answerable:
            continue
        start = time.perf_counter()
        texts = retrieve(query_of(q), K)
        times.append((time.perf_counter() - start) * 1000)
        ranks.append(first_rank(texts, q.snippets))
        chars.append(float(sum(len(t) for t in texts)))
    n = len(ranks)
    lat = latency_summary(times)
    return {
        "recall@1": sum(r == 1 for r in ranks) / n if n else None,
        f"recall@{K}": sum(r is not None for r in ranks) / n if n else None,
        "mrr": mean(reciprocal_rank(r) for r in ranks),
        "mean_context_chars": mean(chars),
        "retrieve_p50_ms": lat["p50_ms"],
        "retrieve_p95_ms": lat["p95_ms"],
        "questions": float(n),
    }


def compare(advisor: Any, questions: Sequence[GoldQuestion] | None = None) -> dict[str, Any]:
    """The advisor's retrieval and the tutorial recipe, side by side on the same questions."""
    questions = list(questions if questions is not None else load_gold())

    def query_of(q: GoldQuestion) -> str:
        return standalone_question(advisor, q)

    def ours(question: str, k: int) -> list[str]:
        return [h.chunk.text for h in advisor.retrieve(question, k)]

    texts = split(CORPUS_FILE.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="advisor-baseline-") as tmp:
        start = time.perf_counter()
        tutorial = TutorialRetriever(advisor.embedder, texts, Path(tmp))
        build_s = time.perf_counter() - start
        result = {
            "advisor": {**evaluate(ours, questions, query_of), "chunks": float(
                advisor.retriever.chunk_count)},
            "tutorial": {**evaluate(tutorial.retrieve, questions, query_of),
                         "chunks": float(len(texts)), "build_s": build_s},
        }
    return result


def table(result: dict[str, Any]) -> str:
    """The comparison as aligned text."""
    names = ["recall@1", f"recall@{K}", "mrr", "mean_context_chars", "chunks",
             "retrieve_p50_ms", "retrieve_p95_ms"]
    lines = [f"{'metric':22s} {'advisor':>12s} {'tutorial':>12s}"]
    for name in names:
        a, t = result["advisor"].get(name), result["tutorial"].get(name)
        lines.append(f"{name:22s} {a:>12.3f} {t:>12.3f}")
    return "\n".join(lines)
