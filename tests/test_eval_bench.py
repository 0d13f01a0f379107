"""Benchmark building blocks: the tutorial-recipe baseline and the synthetic scale index."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from evals.baseline import CHUNK_SIZE, compare, split
from evals.gold import load_gold
from evals.scale import build, projected_vectors, rss_mb, serve, synthetic_chunks


def test_tutorial_chunks_are_recursive_character_chunks() -> None:
    text = ("Paragraph about servitised models. " * 40 + "\n\n") * 5
    chunks = split(text)
    assert len(chunks) > 1 and all(len(c) <= CHUNK_SIZE for c in chunks)


def test_baseline_is_scored_beside_the_advisor_on_the_same_questions(advisor) -> None:
    questions = [q for q in load_gold(subset=True) if q.answerable][:8]
    result = compare(advisor, questions)
    ours, tutorial = result["advisor"], result["tutorial"]
    assert ours["questions"] == tutorial["questions"] == 8
    assert 0 <= tutorial["recall@5"] <= 1 and 0 <= ours["recall@5"] <= 1
    # 1,000-character chunks make a much longer top-5 context than section chunks.
    assert tutorial["mean_context_chars"] > ours["mean_context_chars"]
    assert tutorial["chunks"] > 10 and ours["chunks"] > tutorial["chunks"]


def test_synthetic_chunks_are_distinct_and_reproducible() -> None:
    first = list(synthetic_chunks(500))
    assert len({c.id for c in first}) == 500
    assert [c.id for c in synthetic_chunks(500)] == [c.id for c in first]
    assert all(c.section.startswith("Plant Notes > ") and c.text.startswith(c.section)
               for c in first)


def test_projected_vectors_are_unit_and_keep_word_overlap() -> None:
    texts = ["pumps leasing revenue", "pumps leasing revenue streams", "semiconductor audit"]
    vectors = projected_vectors(texts, 384)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]


def test_scale_index_goes_through_the_real_store_and_retriever(
    tmp_path: Path, embedder, corpus_settings
) -> None:
    built = build(300, tmp_path / ".advisor", embedder, embed="projected", say=lambda _m: None,
                  report_index=corpus_settings.data_dir, sample=16)
    assert built["synthetic_chunks"] == 300 and built["chunks"] > 300
    assert built["vectors"].startswith("random-projected")
    assert built["embed_rate_chunks_per_s"] > 0
    served = serve(tmp_path / ".advisor", repeats=1, limit=20)
    assert served["index_chunks"] == built["chunks"]
    assert served["gold_recall@5"] > 0.8
    assert 0 < served["retrieve_p50_ms"] <= served["retrieve_p95_ms"]
    assert rss_mb()["rss_mb"] > 50
