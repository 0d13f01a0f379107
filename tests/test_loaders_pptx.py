"""Slide decks: a .pptx made here is indexed slide by slide (title as section, number as page)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Inches

from bot import Advisor
from bot.errors import IngestError
from bot.settings import Settings
from ingest.loaders import load_file
from ingest.pipeline import ingest


def _deck(path: Path) -> Path:
    deck = Presentation()
    title_slide = deck.slides.add_slide(deck.slide_layouts[0])
    title_slide.shapes.title.text = "Compressor Servitisation Plan"
    title_slide.placeholders[1].text = "Strategy review 2026"
    bullets = deck.slides.add_slide(deck.slide_layouts[1])
    bullets.shapes.title.text = "Revenue model"
    body = bullets.placeholders[1].text_frame
    body.text = "Charge per cubic metre of compressed air"
    sub = body.add_paragraph()
    sub.text = "Minimum monthly volume"
    sub.level = 1
    bullets.notes_slide.notes_text_frame.text = "Ask finance about the leasing partner."
    table_slide = deck.slides.add_slide(deck.slide_layouts[5])
    table_slide.shapes.title.text = "Pilot plants"
    rows = table_slide.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(1)).table
    for r, (a, b) in enumerate([("Plant", "Start"), ("Porto", "March")]):
        rows.cell(r, 0).text, rows.cell(r, 1).text = a, b
    deck.slides.add_slide(deck.slide_layouts[6])  # a blank slide: no section
    untitled = deck.slides.add_slide(deck.slide_layouts[6])
    box = untitled.shapes.add_textbox(Inches(1), Inches(1), Inches(5), Inches(1))
    box.text_frame.text = "Remote monitoring keeps uptime above ninety-nine percent"
    deck.save(str(path))
    return path


def test_pptx_is_loaded_one_section_per_slide(tmp_path):
    blocks = load_file(_deck(tmp_path / "plan.pptx"))
    assert [(b.path, b.page) for b in blocks] == [
        (("Compressor Servitisation Plan",), 1),
        (("Revenue model",), 2),
        (("Pilot plants",), 3),
        (("Slide 5",), 5),
    ]
    assert blocks[0].text == "Strategy review 2026"
    assert blocks[1].text.splitlines()[:2] == [
        "Charge per cubic metre of compressed air", "  - Minimum monthly volume"
    ]
    assert "Notes: Ask finance about the leasing partner." in blocks[1].text
    assert "Porto | March" in blocks[2].text


def test_pptx_is_indexed_and_retrieved_by_slide(tmp_path, embedder):
    docs = tmp_path / "docs"
    docs.mkdir()
    _deck(docs / "plan.pptx")
    settings = Settings()
    report = ingest(settings, [docs], embedder=embedder, show_progress=False)
    assert report.failed == () and report.chunks == 4
    hits = Advisor(settings, embedder=embedder).retrieve("price per cubic metre of air", 4)
    top = hits[0].chunk
    assert top.section == "Revenue model" and top.page == 2 and top.source.endswith("plan.pptx")
    pages = {h.chunk.page: h.chunk.section for h in hits}
    assert pages[3] == "Pilot plants"


def test_broken_pptx_is_one_line(tmp_path):
    path = tmp_path / "broken.pptx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IngestError, match=r"is not a readable \.pptx file") as info:
        load_file(path)
    assert "\n" not in str(info.value)
