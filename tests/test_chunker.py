"""The section-aware chunker on the real corpus and on synthetic long sections."""

from __future__ import annotations

from bot.index.embedding import token_counter
from bot.settings import Settings
from bot.types import chunk_id
from ingest.chunker import chunk_blocks
from ingest.loaders import load_file, title_of
from ingest.types import Block

from .conftest import CORPUS

REPORT = CORPUS / "wmr-2023-new-business-models.md"


def _count():
    return token_counter(Settings().model_path())


def _report_chunks(max_tokens: int = 240):
    blocks = load_file(REPORT)
    return chunk_blocks(blocks, "corpus/report.md", title_of(REPORT, blocks), _count(), max_tokens)


def test_every_chunk_starts_with_its_heading_path():
    chunks = _report_chunks()
    assert len(chunks) > 60
    for chunk in chunks:
        assert chunk.text.split("\n", 1)[0] == chunk.section
        assert chunk.source == "corpus/report.md"


def test_a_canvas_block_is_one_chunk():
    section = "New Business Models > Servitised Business Models > Revenue Streams"
    found = [c for c in _report_chunks() if c.section == section]
    assert len(found) == 1
    assert "Pay-per-use model" in found[0].text
    assert "Invoicing (directly or indirectly)" in found[0].text


def test_a_recommendation_is_one_chunk_with_its_three_levers():
    recs = [c for c in _report_chunks() if c.section.startswith("10 Key Recommendations > ")]
    assert len({c.section for c in recs}) == 10
    assert len(recs) == 10
    for chunk in recs:
        assert all(lever in chunk.text for lever in ("Skills:", "Technology:", "Policy:"))


def test_chunks_respect_the_token_budget():
    count = _count()
    for chunk in _report_chunks(max_tokens=120):
        assert count(chunk.text) <= 120, chunk.section


def test_long_section_splits_at_sentence_boundaries_with_heading_repeated():
    sentences = [f"Sentence number {i} explains servitisation in some detail." for i in range(40)]
    block = Block(path=("Guide", "Servitisation"), text=" ".join(sentences))
    chunks = chunk_blocks([block], "guide.md", "Guide", _count(), max_tokens=64)
    assert len(chunks) > 3
    rebuilt = []
    for chunk in chunks:
        assert chunk.text.startswith("Guide > Servitisation\n")
        body = chunk.body
        assert body.endswith("detail.")  # never cut mid-sentence
        rebuilt.extend(body.split("\n"))
    assert rebuilt == sentences


def test_ids_are_content_hashes():
    first, second = _report_chunks(), _report_chunks()
    assert [c.id for c in first] == [c.id for c in second]
    assert all(c.id == chunk_id(c.source, c.text) for c in first)
    assert len({c.id for c in first}) == len(first)


def test_text_before_any_heading_belongs_to_the_title():
    chunks = chunk_blocks([Block(path=(), text="Plain words.")], "a.txt", "A Title", _count())
    assert chunks[0].section == "A Title"
    assert chunks[0].text == "A Title\nPlain words."
