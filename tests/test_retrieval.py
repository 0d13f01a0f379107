"""Hybrid retrieval over the real report index: the right section comes back."""

from __future__ import annotations

import pytest

from bot.errors import AdvisorError
from bot.index.retrieval import fuse
from bot.settings import Settings
from bot.types import Chunk

CASES = [
    (
        "What revenue streams suit a servitised business model?",
        "Servitised Business Models > Revenue Streams",
    ),
    (
        "Who are the key partners of a circular business model?",
        "Circular Business Models > Key Partners",
    ),
    (
        "What channels does a mass customisation business use?",
        "Mass-Customisation Business Models > Channels",
    ),
    (
        "Which resources does a data-driven manufacturer need?",
        "Data-driven Business Models > Key Resources",
    ),
    (
        "How do AI-based business models reach their customers?",
        "AI-based Business Models > Channels",
    ),
    (
        "What does the digital business model charge for?",
        "Digital Business Models > Revenue Streams",
    ),
    (
        "What are the challenges of business model innovation?",
        "What are the challenges of manufacturing business model innovation?",
    ),
    (
        "What is the data economy trend?",
        "Manufacturing Business Model Innovation Trends > Data Economy",
    ),
    (
        "What skills are needed to build hybrid sales channels?",
        "4. Develop new sales channels for hybrid revenue streams",
    ),
    ("Which policy supports localised manufacturing?", "8. Prioritise localised manufacturing"),
    ("Which university is Gianmarco Bressanelli from?", "Contributors"),
    (
        "What cost structure does a circular business model have?",
        "Circular Business Models > Cost Structure",
    ),
]


@pytest.mark.parametrize(("question", "section"), CASES)
def test_right_section_is_in_the_top_five(advisor, question, section):
    hits = advisor.retrieve(question, 5)
    assert any(section in h.chunk.section for h in hits), [h.chunk.section for h in hits]


def test_hits_are_ranked_and_carry_both_scores(advisor):
    hits = advisor.retrieve("pay-per-use revenue", 5)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:], strict=False))
    assert all(h.chunk.section and h.chunk.source.endswith(".md") for h in hits)
    assert any(h.lexical_score and h.lexical_score > 0 for h in hits)
    assert all(h.dense_score is not None and -1 <= h.dense_score <= 1 for h in hits)


def test_top_five_context_stays_compact(advisor):
    total = sum(len(h.chunk.text) for h in advisor.retrieve("servitised revenue streams", 5))
    assert total < 2500


@pytest.mark.parametrize("question", ["", "   ", "\n\t", "\x00\x01"])
def test_empty_question_is_refused_with_a_clear_error(advisor, question):
    with pytest.raises(AdvisorError, match="empty"):
        advisor.retrieve(question)


@pytest.mark.parametrize("k", [0, -3])
def test_k_below_one_is_an_error(advisor, k):
    with pytest.raises(AdvisorError, match="at least 1"):
        advisor.retrieve("circular economy", k)


def test_overlong_question_is_refused(advisor):
    with pytest.raises(AdvisorError, match="limit"):
        advisor.retrieve("servitisation " * 2000)


def test_fusion_rewards_agreement_between_retrievers():
    a, b, c = (Chunk.create(t, "S", "s.md") for t in ("a", "b", "c"))
    hits = fuse([(a, 0.9), (b, 0.8)], [(b, 5.0), (c, 4.0)], 3, Settings())
    assert [h.chunk for h in hits] == [b, a, c]
    assert hits[0].dense_score == 0.8 and hits[0].lexical_score == 5.0
    assert hits[2].dense_score is None


def test_lexical_index_round_trips_with_its_heading_index(tmp_path):
    from bot.index.lexical import HEADINGS, LexicalIndex

    chunks = [
        Chunk.create(f"Section {i}\nText about pumps number {i}.", f"Guide > Pumps {i}", "g.md")
        for i in range(20)
    ] + [Chunk.create("Revenue\nPay-per-use billing.", "Guide > Revenue Streams", "g.md")]
    built = LexicalIndex.build(chunks)
    built.save(tmp_path / "bm25")
    assert (tmp_path / "bm25" / HEADINGS).is_dir()
    loaded = LexicalIndex.load(tmp_path / "bm25")
    assert [c.id for c in loaded.chunks] == [c.id for c in chunks]
    for query in ("revenue streams", "pumps 7"):
        assert loaded.search_headings(query, 3) == built.search_headings(query, 3)
        assert loaded.search(query, 3) == built.search(query, 3)
    assert loaded.search_headings("revenue streams", 1)[0][0].section == "Guide > Revenue Streams"
