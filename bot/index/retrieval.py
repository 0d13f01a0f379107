"""Hybrid retrieval: dense (Chroma, MiniLM, cosine) and BM25, fused by reciprocal rank."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import AdvisorError, StoreMissingError
from bot.index.embedding import Embedder
from bot.index.lexical import LexicalIndex
from bot.index.query import expand
from bot.index.store import IndexState, Store, UserView, chunk_from_record
from bot.settings import Settings
from bot.types import Chunk, Hit


def lexical_dir(data_dir: Path, collection: str) -> Path:
    """Where the BM25 files of one generation live."""
    return data_dir / "bm25" / collection


def generation_folder(store: Store | UserView) -> Path | None:
    """The live generation's folder, where ingest stores its BM25 files and vector table. For a
    user's view, the private space's (once it has documents): what is learnt of them is stored
    there, never with the shared index."""
    if isinstance(store, UserView):
        private = store.private.state_token() is not None
        return generation_folder(store.private if private else store.shared)
    state = store.read_state()
    return None if state is None else lexical_dir(store.data_dir, state.collection)


_ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")


def validate_question(question: str, settings: Settings) -> str:
    """The question stripped of control characters, or a one-line error."""
    if not isinstance(question, str):
        raise AdvisorError("the question must be text")
    question = _ANSI_ESCAPE.sub("", question)  # pasted terminal colours, not words
    cleaned = "".join(ch for ch in question if ch in "\n\t" or ch.isprintable()).strip()
    if not cleaned:
        raise AdvisorError("the question is empty: type a question about the report")
    if len(cleaned) > settings.max_question_chars:
        raise AdvisorError(
            f"the question is {len(cleaned):,} characters; the limit is "
            f"{settings.max_question_chars:,} (ADVISOR_MAX_QUESTION_CHARS)"
        )
    return cleaned


@dataclass
class _Live:
    """The generations a Retriever is serving: the shared one and, for a user, theirs."""

    token: object
    states: list[IndexState]
    collections: list[Any]
    lexical: LexicalIndex

    @property
    def state(self) -> IndexState:
        return self.states[0]


class Retriever:
    """Ranks chunks of the live index for a question; follows re-ingests automatically.

    Given a UserView it searches the shared index and that user's private space as one index:
    dense hits of both collections are merged by cosine score, and BM25 runs over the union of
    their chunks, so ranks never depend on which space a chunk lives in.
    """

    def __init__(self, settings: Settings, store: Store | UserView, embedder: Embedder) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder
        self._live: _Live | None = None
        self._lock = threading.Lock()

    def _current(self) -> _Live:
        token = self.store.state_token()
        live = self._live
        if live is not None and live.token == token:
            return live
        with self._lock:
            if self._live is None or self._live.token != token:
                self._live = self._open(token)
            return self._live

    def _open(self, token: object) -> _Live:
        states, collections, lexicals = [], [], []
        for store in self.store.spaces():
            state = store.read_state()
            if state is None or state.chunk_count == 0:
                continue
            if state.model and Path(state.model).name != Path(self.embedder.model_path).name:
                raise AdvisorError(
                    f"the index in {store.where} was built with {state.model}, not "
                    f"{self.embedder.model_path}: run `advisor ingest` again"
                )
            collection = store.collection(state.collection)
            states.append(state)
            collections.append(collection)
            lexicals.append(self._lexical(store, state, collection))
        if not states:
            self.store.spaces()[0].require_state()  # raises the "run advisor ingest" error
            raise StoreMissingError(f"no index in {self.store.where}: run `advisor ingest` first")
        if len(lexicals) == 1:
            lexical = lexicals[0]
        else:
            union = {c.id: c for lex in lexicals for c in lex.chunks}  # a chunk in both: once
            lexical = LexicalIndex.build(list(union.values()))
        return _Live(token=token, states=states, collections=collections, lexical=lexical)

    @staticmethod
    def _lexical(store: Store, state: IndexState, collection: Any) -> LexicalIndex:
        try:
            return LexicalIndex.load(lexical_dir(store.data_dir, state.collection))
        except (OSError, ValueError, KeyError):
            chunks = [c for batch, _ in store.fetch(collection) for c in batch]
            if not chunks:
                raise StoreMissingError(
                    f"the index in {store.where} is empty: run `advisor ingest`"
                ) from None
            return LexicalIndex.build(chunks)

    @property
    def chunk_count(self) -> int:
        return sum(state.chunk_count for state in self._current().states)

    def chunks(self) -> list[Chunk]:
        """Every chunk of the live index, in index order."""
        return list(self._current().lexical.chunks)

    def similarity(self, text: str) -> float:
        """The cosine similarity of a text to its closest chunk (how near the index comes)."""
        found = self.dense(self._current(), text, 1)
        return found[0][1] if found else 0.0

    def dense(self, live: _Live, question: str, n: int) -> list[tuple[Chunk, float]]:
        vector = self.embedder.embed_one(question)
        found: dict[str, tuple[Chunk, float]] = {}
        for collection in live.collections:
            try:
                got = collection.query(
                    query_embeddings=[vector],
                    n_results=n,
                    include=["documents", "metadatas", "distances"],
                )
            except Exception as exc:  # noqa: BLE001 - a broken store becomes one line
                raise StoreMissingError(
                    f"the index in {self.store.where} cannot be read ({exc}): "
                    "run `advisor ingest`"
                ) from exc
            ids, docs = got["ids"][0], got["documents"][0]
            metas, dists = got["metadatas"][0], got["distances"][0]
            for i, d, m, dist in zip(ids, docs, metas, dists, strict=True):
                score = 1.0 - float(dist)
                if i not in found or found[i][1] < score:
                    found[i] = (chunk_from_record(i, d, m), score)
        if len(live.collections) == 1:
            return list(found.values())
        return sorted(found.values(), key=lambda pair: (-pair[1], pair[0].id))[:n]

    def retrieve(self, question: str, k: int | None = None) -> list[Hit]:
        """The top-k hits for a question, best first."""
        k = self.settings.top_k if k is None else k
        if not isinstance(k, int) or k < 1:
            raise AdvisorError(f"k must be a whole number of at least 1, not {k!r}")
        question = validate_question(question, self.settings)
        live = self._current()
        n = max(k, self.settings.candidates)
        dense = self.dense(live, question, n)
        expanded = expand(question)
        lexical = live.lexical.search(expanded, n)
        headings = live.lexical.search_headings(expanded, n)
        return fuse(dense, lexical, k, self.settings, headings)


def fuse(
    dense: list[tuple[Chunk, float]],
    lexical: list[tuple[Chunk, float]],
    k: int,
    settings: Settings,
    headings: list[tuple[Chunk, float]] | None = None,
) -> list[Hit]:
    """Reciprocal-rank fusion of the dense, BM25 and heading rankings into the top-k hits."""
    scores: dict[str, float] = {}
    chunks: dict[str, Chunk] = {}
    dense_scores: dict[str, float] = {}
    lexical_scores: dict[str, float] = {}
    for weight, ranking, raw in (
        (settings.dense_weight, dense, dense_scores),
        (settings.lexical_weight, lexical, lexical_scores),
        (settings.heading_weight, headings or [], {}),
    ):
        for rank, (chunk, score) in enumerate(ranking, start=1):
            chunks.setdefault(chunk.id, chunk)
            raw[chunk.id] = score
            scores[chunk.id] = scores.get(chunk.id, 0.0) + weight / (settings.rrf_k + rank)
    # Ties break on the dense score, then the chunk id, so rankings never depend on build order.
    order = sorted(scores, key=lambda cid: (-scores[cid], -dense_scores.get(cid, -1.0), cid))[:k]
    return [
        Hit(
            chunk=chunks[cid],
            score=scores[cid],
            rank=rank,
            dense_score=dense_scores.get(cid),
            lexical_score=lexical_scores.get(cid),
        )
        for rank, cid in enumerate(order, start=1)
    ]
