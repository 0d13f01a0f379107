"""Loaders: every format yields heading-path Blocks; every bad file is a one-line IngestError."""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.pdfgen import canvas

from bot.errors import IngestError
from ingest import loaders
from ingest.loaders import SUPPORTED_SUFFIXES, front_matter, load_file, title_of
from ingest.types import Block

MARKDOWN = """---
title: "Plant Report: 2023"
year: 2023
editor: 'The Team'
---

Intro before any heading.\x20\x20\t

# Overview

Overview body.
<!-- an editor's note that must not be indexed -->

## Drivers

- Cost efficiency
- **Risk:** supply shocks



Closing line.

```python
# not a heading
print("hi")
```

### Deep Dive

Deep text.

#### Skipped Levels Are Fine ####

Level four text.

## Barriers

Barrier text.
<!--
# Commented Heading
-->

# Second Chapter

Chapter two.
"""


def _error_for(path: Path) -> str:
    """The IngestError message load_file raises for `path`; it must be a single line."""
    with pytest.raises(IngestError) as info:
        load_file(path)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert str(path) in message
    return message


def _pdf(path: Path, pages: list[str], **options: object) -> Path:
    """A real PDF, one page per string (an empty string makes a blank page)."""
    pdf = canvas.Canvas(str(path), **options)
    for text in pages:
        if text:
            pdf.drawString(72, 720, text)
        pdf.showPage()
    pdf.save()
    return path


# ----------------------------------------------------------------------------------- Markdown


def test_markdown_front_matter_headings_and_code_fence(tmp_path: Path) -> None:
    path = tmp_path / "plant-report.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    blocks = load_file(path)
    assert blocks == [
        Block(path=(), text="Intro before any heading."),
        Block(path=("Overview",), text="Overview body."),
        Block(
            path=("Overview", "Drivers"),
            text="- Cost efficiency\n- **Risk:** supply shocks\n\nClosing line.\n\n"
            '```python\n# not a heading\nprint("hi")\n```',
        ),
        Block(path=("Overview", "Drivers", "Deep Dive"), text="Deep text."),
        Block(
            path=("Overview", "Drivers", "Deep Dive", "Skipped Levels Are Fine"),
            text="Level four text.",
        ),
        Block(path=("Overview", "Barriers"), text="Barrier text."),
        Block(path=("Second Chapter",), text="Chapter two."),
    ]
    assert all(block.page is None for block in blocks)
    assert title_of(path, blocks) == "Plant Report: 2023"


def test_front_matter_parses_simple_pairs_and_strips_quotes() -> None:
    assert front_matter(MARKDOWN) == {
        "title": "Plant Report: 2023",
        "year": "2023",
        "editor": "The Team",
    }
    assert front_matter("# Just a heading\ntitle: not front matter\n") == {}
    assert front_matter("---\ntitle: never closed\n") == {}


def test_markdown_without_front_matter_takes_title_from_first_heading(tmp_path: Path) -> None:
    path = tmp_path / "NOTES.MARKDOWN"
    path.write_text("Preamble\n\n## Only Heading\nBody\n", encoding="utf-8")
    blocks = load_file(path)
    assert blocks == [
        Block(path=(), text="Preamble"),
        Block(path=("Only Heading",), text="Body"),
    ]
    assert title_of(path, blocks) == "Only Heading"


def test_markdown_with_only_front_matter_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "empty-body.md"
    path.write_text("---\ntitle: Nothing\n---\n\n<!-- todo -->\n", encoding="utf-8")
    assert "has no text" in _error_for(path)


# ---------------------------------------------------------------------------------------- TXT


def test_txt_is_one_block_with_normalised_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "shop_floor-notes.TXT"
    path.write_bytes(
        "\ufeffFirst paragraph  \r\nstill first.\r\n\r\n\r\n\r\n  \r\nSecond – café.\r\n".encode()
    )
    blocks = load_file(path)
    assert blocks == [Block(path=(), text="First paragraph\nstill first.\n\nSecond – café.")]
    assert title_of(path, blocks) == "shop floor notes"


def test_whitespace_only_txt_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("  \n\n\t\n", encoding="utf-8")
    assert "has no text" in _error_for(path)


def test_latin1_txt_is_refused_as_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes("Qualität und Präzision: 5 €".encode("cp1252"))
    message = _error_for(path)
    assert "not a UTF-8 text file" in message


def test_binary_content_with_txt_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01")
    message = _error_for(path)
    assert "NUL bytes" in message and "binary" in message


# ---------------------------------------------------------------------------------------- PDF


def test_pdf_keeps_page_numbers_and_text(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "two-pages.pdf", ["Alpha page about servitisation", "Beta page on AI"])
    blocks = load_file(path)
    assert [block.page for block in blocks] == [1, 2]
    assert [block.path for block in blocks] == [(), ()]
    assert "Alpha page about servitisation" in blocks[0].text
    assert "Beta page on AI" in blocks[1].text
    assert "Beta" not in blocks[0].text
    assert title_of(path, blocks) == "two pages"


def test_pdf_skips_blank_pages_but_keeps_real_page_numbers(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "gap.pdf", ["Front matter", "", "Third page text"])
    blocks = load_file(path)
    assert [(block.page, block.text) for block in blocks] == [
        (1, "Front matter"),
        (3, "Third page text"),
    ]


def test_pdf_with_only_blank_pages_has_no_text(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "scanned.pdf", ["", ""])
    assert "has no text" in _error_for(path)


def test_password_protected_pdf_is_refused(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "locked.pdf", ["Top secret yields"], encrypt="secret")
    assert PdfReader(path).is_encrypted
    message = _error_for(path)
    assert "password-protected" in message
    assert "Top secret" not in message


def test_pdf_with_only_an_owner_password_still_loads(tmp_path: Path) -> None:
    plain = _pdf(tmp_path / "plain.pdf", ["Readable despite permissions"])
    writer = PdfWriter(clone_from=plain)
    writer.encrypt(user_password="", owner_password="owner-only")
    path = tmp_path / "restricted.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    assert PdfReader(path).is_encrypted
    blocks = load_file(path)
    assert [(block.page, block.text) for block in blocks] == [(1, "Readable despite permissions")]


def test_corrupt_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(random.Random(7).randbytes(4096))
    assert "corrupt PDF" in _error_for(path)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    assert "corrupt PDF" in _error_for(truncated)


# --------------------------------------------------------------------------------------- DOCX


def test_docx_headings_lists_and_tables(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Intro without heading.")
    document.add_heading("Operations", level=1)
    document.add_paragraph("Plants run three shifts.")
    document.add_heading("Maintenance", level=2)
    document.add_paragraph("Predictive maintenance", style="List Bullet")
    document.add_paragraph("Spare-parts pooling", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    for row, values in zip(table.rows, [("Metric", "Value"), ("OEE", "81%")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("")
    document.add_heading("Finance", level=1)
    document.add_paragraph("Costs fell.")
    path = tmp_path / "ops_review.docx"
    document.save(str(path))

    blocks = load_file(path)
    assert blocks == [
        Block(path=(), text="Intro without heading."),
        Block(path=("Operations",), text="Plants run three shifts."),
        Block(
            path=("Operations", "Maintenance"),
            text="- Predictive maintenance\n- Spare-parts pooling\n\nMetric | Value\nOEE | 81%",
        ),
        Block(path=("Finance",), text="Costs fell."),
    ]
    assert title_of(path, blocks) == "Operations"


def test_docx_title_style_is_level_one(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Annual Review", level=0)  # the "Title" style
    document.add_heading("Scope", level=2)
    document.add_paragraph("All plants.")
    path = tmp_path / "review.docx"
    document.save(str(path))
    assert load_file(path) == [Block(path=("Annual Review", "Scope"), text="All plants.")]


def test_corrupt_docx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(random.Random(3).randbytes(2048))
    assert "not a readable .docx file" in _error_for(path)
    not_word = tmp_path / "other.docx"
    with zipfile.ZipFile(not_word, "w") as archive:
        archive.writestr("hello.txt", "a zip, but not a Word document")
    assert "not a readable .docx file" in _error_for(not_word)


# --------------------------------------------------------------------------------------- HTML


def test_html_headings_text_and_no_markup_or_scripts(tmp_path: Path) -> None:
    path = tmp_path / "page.HTM"
    path.write_text(
        """<!DOCTYPE html>
<html><head><title>Browser Tab Title</title>
<style>body { color: red; }</style><script>var leaked = "head script";</script></head>
<body>
Loose text <b>before</b> headings.
<h1>Smart <em>Factory</em></h1>
<p>Robots &amp; cobots work   together.</p>
<script>alert(1)</script>
<img src=x onerror=alert(1)>
<!-- hidden comment -->
<ul><li>Sensors</li><li>Edge <a href="javascript:alert(1)">computing</a></li></ul>
<h2>Results</h2>
<table><tr><th>KPI</th><th>Change</th></tr><tr><td>Scrap</td><td>-12%</td></tr></table>
<noscript>Enable JavaScript</noscript><template><p>template text</p></template>
<blockquote>Quality is free.</blockquote>
</body></html>
""",
        encoding="utf-8",
    )
    blocks = load_file(path)
    assert blocks == [
        Block(path=(), text="Loose text before headings."),
        Block(
            path=("Smart Factory",),
            text="Robots & cobots work together.\n\n- Sensors\n- Edge computing",
        ),
        Block(
            path=("Smart Factory", "Results"), text="KPI | Change\nScrap | -12%\n\nQuality is free."
        ),
    ]
    everything = " ".join(block.text + " " + " ".join(block.path) for block in blocks)
    for forbidden in (
        "alert",
        "leaked",
        "<",
        "onerror",
        "Browser Tab",
        "hidden comment",
        "Enable JavaScript",
        "template text",
        "color: red",
    ):
        assert forbidden not in everything
    assert title_of(path, blocks) == "Smart Factory"


# ------------------------------------------------------------------------------- common errors


def test_empty_file_has_no_text(tmp_path: Path) -> None:
    for name in ("empty.md", "empty.pdf", "empty.docx"):
        path = tmp_path / name
        path.write_bytes(b"")
        assert "has no text" in _error_for(path)


def test_unsupported_suffix_lists_supported_ones(tmp_path: Path) -> None:
    path = tmp_path / "data.xyz"
    path.write_text("hello", encoding="utf-8")
    message = _error_for(path)
    assert "unsupported file type '.xyz'" in message
    for suffix in SUPPORTED_SUFFIXES:
        assert suffix in message


def test_file_over_the_size_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loaders, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("x" * 101, encoding="utf-8")
    message = _error_for(path)
    assert "over the" in message and "(100 bytes) limit" in message
    path.write_text("x" * 100, encoding="utf-8")
    assert load_file(path) == [Block(path=(), text="x" * 100)]


def test_missing_file_is_an_ingest_error(tmp_path: Path) -> None:
    assert "cannot be read" in _error_for(tmp_path / "gone.md")


def test_supported_suffixes_are_exactly_the_documented_ones() -> None:
    assert SUPPORTED_SUFFIXES == frozenset(
        {".md", ".markdown", ".txt", ".pdf", ".docx", ".pptx", ".html", ".htm"}
    )
    assert loaders.MAX_FILE_BYTES == 20 * 1024 * 1024
