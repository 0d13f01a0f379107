"""A canvas as a PowerPoint deck (python-pptx): the nine-box canvas slide, then the sources.

Report bullets carry their [n]; the company's own bullets (origin "brief") are set apart in
colour and marked with a diamond; advisor suggestions are grey italics. The sources slides
quote the cited report text.
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import AdvisorError
from bot.report.outline import ARCHETYPES, BLOCK_TITLES
from bot.types import Bullet, Canvas, Citation

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
NAVY = (25, 45, 90)
INK = (30, 30, 30)
COMPANY = (176, 84, 0)  # the company's own bullets
GREY = (110, 110, 110)
HEAD_FILL = (231, 238, 248)
QUOTE_CHARS = 420
SOURCES_PER_SLIDE = 5
COMPANY_MARK = "◆ "

# Block -> (left, top, width, height) as fractions of the canvas area.
LAYOUT: dict[str, tuple[float, float, float, float]] = {
    "key_partners": (0.0, 0.0, 0.2, 0.66),
    "key_activities": (0.2, 0.0, 0.2, 0.33),
    "key_resources": (0.2, 0.33, 0.2, 0.33),
    "value_propositions": (0.4, 0.0, 0.2, 0.66),
    "customer_relationships": (0.6, 0.0, 0.2, 0.33),
    "channels": (0.6, 0.33, 0.2, 0.33),
    "customer_segments": (0.8, 0.0, 0.2, 0.66),
    "cost_structure": (0.0, 0.66, 0.5, 0.34),
    "revenue_streams": (0.5, 0.66, 0.5, 0.34),
}


def _rgb(color: tuple[int, int, int]):  # type: ignore[no-untyped-def]
    from pptx.dml.color import RGBColor

    return RGBColor(*color)


def _cited(canvas: Canvas) -> list[Citation]:
    seen: dict[int, Citation] = {}
    for bullet in [b for block in canvas.blocks for b in block.bullets]:
        for c in bullet.citations:
            seen.setdefault(c.n, c)
    return [seen[n] for n in sorted(seen)]


def _marker(bullet: Bullet) -> str:
    return "".join(f" [{c.n}]" for c in bullet.citations)


def _font_size(texts: list[str], area: float) -> float:
    """A point size that lets the text fill a box of `area` square inches without overflowing."""
    chars = sum(len(t) + 14 for t in texts) or 1
    for size in (13, 12, 11, 10, 9, 8, 7, 6.5, 6):
        # about (72/size)^2 characters fit in one square inch at a given point size
        if chars <= area * (72 / size) ** 2:
            return size
    return 6


def _text(paragraph, text: str, size: float, color=INK, bold=False, italic=False):  # type: ignore[no-untyped-def]
    from pptx.util import Pt

    run = paragraph.add_run()
    run.text = text
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run.font.color.rgb = _rgb(color)
    return run


def _box(slide, key: str, bullets: tuple[Bullet, ...], note: str | None,  # type: ignore[no-untyped-def]
         frame: tuple[float, float, float, float], size: float) -> None:
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches, Pt

    left, top, width, height = frame
    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left), Inches(top),
                                   Inches(width), Inches(height))
    shape.name = f"block:{key}"
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb((255, 255, 255))
    shape.line.color.rgb = _rgb((60, 70, 90))
    shape.line.width = Pt(1.25)
    tf = shape.text_frame
    tf.word_wrap = True
    tf.vertical_anchor = MSO_ANCHOR.TOP
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(tf, side, Inches(0.06))
    _text(tf.paragraphs[0], BLOCK_TITLES[key], size + 2, NAVY, bold=True)
    if not bullets:
        _text(tf.add_paragraph(), "(empty)", size, GREY, italic=True)
    for bullet in bullets:
        para = tf.add_paragraph()
        para.alignment = PP_ALIGN.LEFT
        para.space_before = Pt(2)
        first = bullet.text.split("\n")[0]
        if bullet.origin == "brief":
            _text(para, COMPANY_MARK + first, size, COMPANY, bold=True)
            _text(para, _marker(bullet), size, COMPANY)
        elif not bullet.from_report and not bullet.citations:
            _text(para, "• " + first + " (suggestion)", size, GREY, italic=True)
        else:
            _text(para, "• " + first, size, INK)
            _text(para, _marker(bullet), size, NAVY, bold=True)
    if note:
        _text(tf.add_paragraph(), note, size - 1, GREY, italic=True)


def _title(slide, text: str, sub: str | None = None) -> None:  # type: ignore[no-untyped-def]
    from pptx.util import Inches

    box = slide.shapes.add_textbox(Inches(0.35), Inches(0.15), Inches(SLIDE_W - 0.7), Inches(0.9))
    tf = box.text_frame
    tf.word_wrap = True
    _text(tf.paragraphs[0], text, 24, NAVY, bold=True)
    if sub:
        _text(tf.add_paragraph(), sub, 11, GREY)


def _canvas_slide(prs, canvas: Canvas) -> None:  # type: ignore[no-untyped-def]
    from pptx.util import Inches

    slide = prs.slides.add_slide(prs.slide_layouts[6])
    top = canvas.archetypes[0] if canvas.archetypes else None
    heading = "Business Model Canvas"
    if top is not None:
        lead = ARCHETYPES.get(top.name, (top.name, ""))[0]
        heading += f" — {lead} business model (fit {top.score:.2f})"
    brief = " ".join(canvas.brief.split())
    _title(slide, heading, brief if len(brief) < 220 else brief[:219] + "…")
    x0, y0, w, h = 0.3, 1.15, SLIDE_W - 0.6, SLIDE_H - 1.15 - 0.45
    frames = {}
    for key, (fl, ft, fw, fh) in LAYOUT.items():
        frames[key] = (x0 + fl * w, y0 + ft * h, fw * w, fh * h)
    # One type size for the whole canvas: the largest that fits the fullest box.
    size = min(_font_size([b.text for b in block.bullets] + [block.note or ""],
                          max(frames[block.key][2] * (frames[block.key][3] - 0.3), 0.2))
               for block in canvas.blocks)
    for block in canvas.blocks:
        _box(slide, block.key, block.bullets, block.note, frames[block.key], size)
    legend = slide.shapes.add_textbox(Inches(0.3), Inches(SLIDE_H - 0.4), Inches(SLIDE_W - 0.6),
                                      Inches(0.3))
    para = legend.text_frame.paragraphs[0]
    _text(para, "• report item [n] = source on the next slides    ", 9, INK)
    _text(para, COMPANY_MARK + "your company's own statement    ", 9, COMPANY, bold=True)
    _text(para, "(suggestion) = the advisor's, not in the report    ", 9, GREY, italic=True)
    _text(para, "Source: World Manufacturing Report 2023", 9, GREY)


def _sources_slides(prs, canvas: Canvas) -> None:  # type: ignore[no-untyped-def]
    from pptx.util import Inches, Pt

    cited = _cited(canvas)
    pages = [cited[i:i + SOURCES_PER_SLIDE] for i in range(0, len(cited), SOURCES_PER_SLIDE)]
    for number, page in enumerate(pages or [[]], start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[6])
        more = f" ({number}/{len(pages)})" if len(pages) > 1 else ""
        _title(slide, "Sources" + more, "Quoted from the World Manufacturing Report 2023")
        box = slide.shapes.add_textbox(Inches(0.4), Inches(1.2), Inches(SLIDE_W - 0.8),
                                       Inches(SLIDE_H - 1.5))
        box.name = "sources"
        tf = box.text_frame
        tf.word_wrap = True
        first = True
        for c in page:
            para = tf.paragraphs[0] if first else tf.add_paragraph()
            first = False
            para.space_before = Pt(8)
            _text(para, f"[{c.n}] ", 12, NAVY, bold=True)
            _text(para, c.chunk.section or "(no section)", 12, NAVY, bold=True)
            page_no = f", p. {c.chunk.page}" if c.chunk.page else ""
            _text(para, f"  ({c.chunk.source}{page_no})", 10, GREY)
            quote = " ".join(c.chunk.body.split())
            if len(quote) > QUOTE_CHARS:
                quote = quote[: QUOTE_CHARS - 1].rstrip() + "…"
            _text(tf.add_paragraph(), f"“{quote}”", 11, INK, italic=True)
        if not page:
            _text(tf.paragraphs[0], "No bullet of this canvas cites the report.", 12, GREY)


def canvas_pptx_bytes(canvas: Canvas) -> bytes:
    """The canvas as a .pptx deck: the nine-box slide, then the quoted sources."""
    import io

    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    _canvas_slide(prs, canvas)
    _sources_slides(prs, canvas)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def canvas_to_pptx(canvas: Canvas, path: Path) -> Path:
    """Write the canvas as a .pptx deck: the nine-box slide, then the quoted sources."""
    data = canvas_pptx_bytes(canvas)
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise AdvisorError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return Path(path)
