"""PowerPoint decks (.pptx, python-pptx) as Blocks: one section per slide, titled by the slide.

The slide's title is the section heading (`Slide N` when it has none) and the slide number is
the page. Text boxes, tables, grouped shapes and the speaker notes are read in slide order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ingest.common import file_error, normalise, reason
from ingest.types import Block


def _shape_lines(shape: Any) -> Iterator[str]:
    """Text lines of one shape: paragraphs (bullets indented by level), table rows, groups."""
    if getattr(shape, "shape_type", None) is not None and hasattr(shape, "shapes"):
        yield from _lines(shape.shapes)  # a group shape
        return
    if getattr(shape, "has_table", False) and shape.has_table:
        for row in shape.table.rows:
            cells = [" ".join(cell.text.split()) for cell in row.cells]
            if any(cells):
                yield " | ".join(cells)
        return
    if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
        for paragraph in shape.text_frame.paragraphs:
            text = " ".join("".join(run.text for run in paragraph.runs).split())
            if text:
                level = int(paragraph.level or 0)
                yield f"{'  ' * level}- {text}" if level else text


def _lines(shapes: Iterable[Any]) -> Iterator[str]:
    ordered = sorted(shapes, key=lambda s: ((s.top or 0), (s.left or 0)))
    for shape in ordered:
        yield from _shape_lines(shape)


def _slide_block(slide: Any, number: int) -> Block | None:
    title_shape = slide.shapes.title
    title = " ".join(title_shape.text.split()) if title_shape is not None else ""
    body = [s for s in slide.shapes if title_shape is None or s.shape_id != title_shape.shape_id]
    lines = list(_lines(body))
    if slide.has_notes_slide:
        notes = " ".join(slide.notes_slide.notes_text_frame.text.split())
        if notes:
            lines += ["", f"Notes: {notes}"]
    text = normalise("\n".join(lines)) or title
    if not text.strip():
        return None
    return Block(path=(title or f"Slide {number}",), text=text, page=number)


def load_pptx(path: Path) -> list[Block]:
    """One Block per slide that has any text."""
    from pptx import Presentation

    try:
        deck = Presentation(str(path))
        blocks = [_slide_block(slide, n) for n, slide in enumerate(deck.slides, start=1)]
    except Exception as exc:  # zipfile.BadZipFile, PackageNotFoundError, KeyError, lxml errors
        raise file_error(path, f"is not a readable .pptx file ({reason(exc)})") from exc
    return [b for b in blocks if b is not None]
