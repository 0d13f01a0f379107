"""Canvas texts and the indexed text's phrases are embedded at ingest and stored with the
generation: a fresh process's first canvas embeds only the brief and drafts the same canvas as
without them, and its first question about a phrase embeds no phrase of the text."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot import Advisor
from bot.canvas.brief import statements
from bot.index.embedding import KnownVectors
from bot.index.retrieval import lexical_dir
from bot.index.store import Store
from bot.index.vector_table import CANVAS_VECTORS, load_vectors
from bot.settings import Settings
from ingest.pipeline import ingest

ROOT = Path(__file__).resolve().parents[1]
BRIEF = "We build industrial pumps and want to sell pumping as a service, billed per cubic metre."


class CountingEmbedder(KnownVectors):
    """Counts the texts that reach the real model."""

    def __init__(self, inner) -> None:
        super().__init__(inner, {})
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.embed(texts, batch_size)


def _folder(settings: Settings) -> Path:
    state = Store(settings).require_state()
    return lexical_dir(Path(settings.data_dir), state.collection)


def test_ingest_stores_the_canvas_vectors_with_the_generation(corpus_settings, embedder):
    table = load_vectors(_folder(corpus_settings), embedder.model_path)
    assert len(table) > 150  # six canvases' items, profiles, trends, recommendations, blocks
    text, vector = next(iter(table.items()))
    assert np.allclose(vector, embedder.embed_one(text), atol=1e-5)
    assert load_vectors(_folder(corpus_settings), "/some/other-model") == {}


def test_first_canvas_embeds_only_the_brief(corpus_settings, embedder):
    counting = CountingEmbedder(embedder)
    canvas = Advisor(corpus_settings, embedder=counting).draft_canvas(BRIEF)
    assert canvas.archetypes[0].name.lower().startswith("servit")
    assert set(counting.texts) == {BRIEF, *statements(BRIEF)}  # the brief and its statements


def test_without_stored_vectors_the_same_canvas_is_drafted(corpus_settings, embedder, tmp_path):
    copy = Settings(data_dir=tmp_path / "copy")
    shutil.copytree(corpus_settings.data_dir, copy.data_dir)
    (_folder(copy) / CANVAS_VECTORS).unlink()
    counting = CountingEmbedder(embedder)
    fallback = Advisor(copy, embedder=counting).draft_canvas(BRIEF)
    assert len(counting.texts) > 150  # everything embedded again, as before
    stored = Advisor(corpus_settings, embedder=CountingEmbedder(embedder)).draft_canvas(BRIEF)
    assert fallback.to_json() == stored.to_json()
    # The vectors embedded on the way were stored with the generation for the next process.
    again = CountingEmbedder(embedder)
    assert Advisor(copy, embedder=again).draft_canvas(BRIEF).to_json() == stored.to_json()
    assert set(again.texts) == {BRIEF, *statements(BRIEF)}


def test_a_corpus_without_the_report_stores_only_its_phrases(embedder, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.md").write_text("# Pumps\n\nWe sell pumping as a service.\n", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "d")
    ingest(settings, [docs], embedder=embedder, show_progress=False)
    table = load_vectors(_folder(settings), embedder.model_path)
    assert {"pumping", "sell pumping", "service"} <= set(table)
    assert not any(text.startswith("Value Propositions:") for text in table)


def test_the_first_question_about_a_phrase_embeds_no_phrase_of_the_text(
    corpus_settings, embedder
):
    table = load_vectors(_folder(corpus_settings), embedder.model_path)
    vocab = Advisor(corpus_settings, embedder=embedder).answerer.guard.vocabulary()
    assert set(vocab.phrases) <= set(table)
    counting = CountingEmbedder(embedder)
    question = "Does the report say anything about edge computing for data-driven models?"
    answer = Advisor(corpus_settings, embedder=counting).ask(question)
    assert "edge computing" in answer.not_in_report
    assert not set(counting.texts) & set(vocab.phrases)  # only the question's own phrases
