"""Canvas exports: Markdown with footnoted citations, contract JSON, and a nine-box PNG."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.errors import AdvisorError
from bot.report.outline import ARCHETYPES, BLOCK_TITLES
from bot.types import Bullet, Canvas, Citation

PNG_SIZE = (2400, 1350)
SUGGESTION = "advisor's suggestion"
YOURS = "Your company"  # the label of the brief's own statements
UNBACKED = "not in the report"
BRIEF_COLOUR = (176, 84, 0)
TEXT_COLOUR = (30, 30, 30)

FontT = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _markers(bullet: Bullet, style: str) -> str:
    if bullet.origin == "brief" and not bullet.citations:
        return f" *({UNBACKED})*" if style == "md" else f" ({UNBACKED})"
    if not bullet.citations:
        return f" *({SUGGESTION})*" if style == "md" else f" ({SUGGESTION})"
    fmt = "[^{}]" if style == "md" else "[{}]"
    return " " + "".join(fmt.format(c.n) for c in bullet.citations)


def _label(bullet: Bullet) -> str:
    return f"**{YOURS}:** " if bullet.origin == "brief" else ""


def _citations(canvas: Canvas) -> list[Citation]:
    seen: dict[int, Citation] = {}
    for bullet in [b for block in canvas.blocks for b in block.bullets] + list(
        canvas.recommendations
    ):
        for c in bullet.citations:
            seen.setdefault(c.n, c)
    return [seen[n] for n in sorted(seen)]


def archetype_title(name: str) -> str:
    lead = ARCHETYPES.get(name, (name, ""))[0]
    return f"{lead} business model"


def canvas_to_markdown(canvas: Canvas) -> str:
    """Nine `## Block` sections of bullets with [^n] footnotes quoting the cited chunks."""
    scores = " · ".join(f"{a.name} {a.score:.2f}" for a in canvas.archetypes)
    lines = ["# Business Model Canvas", "", f"> {canvas.brief}", "",
             f"Best-fitting report archetypes: {scores}", "",
             f"Drafted in {canvas.mode} mode.", ""]
    if canvas.notice:
        lines += [f"**Notice:** {canvas.notice}", ""]
    for block in canvas.blocks:
        lines += [f"## {BLOCK_TITLES[block.key]}", ""]
        if block.note:
            lines += [f"*{block.note}*", ""]
        lines += [f"- {_label(b)}{b.text}{_markers(b, 'md')}" for b in block.bullets] or [
            "- (empty)"
        ]
        lines.append("")
    if canvas.recommendations:
        lines += ["# Recommendations from the report", ""]
        for rec in canvas.recommendations:
            head, *levers = rec.text.split("\n")
            lines.append(f"- {head}{_markers(rec, 'md')}")
            lines += [f"  - {lever}" for lever in levers]
        lines.append("")
    if canvas.refinements:
        lines += ["# Refinements", ""] + [f"- {r}" for r in canvas.refinements] + [""]
    for c in _citations(canvas):
        quoted = " ".join(c.chunk.text.replace('"', "'").split())
        page = f", p. {c.chunk.page}" if c.chunk.page else ""
        lines.append(f"[^{c.n}]: {c.chunk.section} ({c.chunk.source}{page}): \"{quoted}\"")
    return "\n".join(lines).rstrip() + "\n"


def canvas_to_json(canvas: Canvas) -> dict[str, object]:
    """The canvas in the JSON contract shape (brief, archetypes, nine blocks of cited bullets)."""
    return canvas.to_json()


@lru_cache(maxsize=16)
def _font(size: int, bold: bool = False) -> FontT:
    """DejaVu Sans (shipped with matplotlib) at a size, or Pillow's own font."""
    try:
        import matplotlib

        name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
        path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
        return ImageFont.truetype(str(path), size)
    except (ImportError, OSError):
        return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: FontT, width: int) -> list[str]:
    """Greedy word wrap to a pixel width."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=font) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _box_text(canvas: Canvas, key: str) -> list[tuple[str, bool]]:
    """A block's lines for the picture, each with whether it is the company's own statement."""
    block = canvas.block(key)
    out = [
        (f"{'★ ' if b.origin == 'brief' else '• '}{b.text.split(chr(10))[0]}"
         f"{_markers(b, 'png')}", b.origin == "brief")
        for b in block.bullets
    ]
    if block.note:
        out.append((f"({block.note})", False))
    return out or [("(empty)", False)]


def _draw_box(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], title: str,
    items: list[tuple[str, bool]],
) -> None:
    """One canvas block: a frame, its title, and bullets shrunk until they fit."""
    x0, y0, x1, y1 = box
    draw.rectangle(box, outline=(60, 70, 90), width=3, fill=(255, 255, 255))
    draw.rectangle((x0 + 2, y0 + 2, x1 - 2, y0 + 50), fill=(231, 238, 248))
    draw.text((x0 + 16, y0 + 10), title, font=_font(28, bold=True), fill=(25, 45, 90))
    width, height = x1 - x0 - 32, y1 - y0 - 74
    for size in (24, 22, 20, 18, 16, 15, 14, 13):
        font, gap = _font(size), size // 2
        wrapped = [(_wrap(draw, item, font, width), mine) for item, mine in items]
        line_h = int(size * 1.25)
        need = sum(len(w) * line_h + gap for w, _ in wrapped)
        if need <= height:
            break
    y = y0 + 64
    for lines, mine in wrapped:
        for line in lines:
            if y + line_h > y1 - 8:
                draw.text((x0 + 16, y), "…", font=font, fill=(40, 40, 40))
                return
            draw.text((x0 + 16, y), line, font=font, fill=BRIEF_COLOUR if mine else TEXT_COLOUR)
            y += line_h
        y += gap


def _short(heading: str) -> str:
    return heading.removesuffix(" Business Models")


def canvas_to_png(canvas: Canvas, path: Path, size: tuple[int, int] = PNG_SIZE) -> Path:
    """The classic nine-box Business Model Canvas as a landscape PNG, with [n] markers."""
    w, h = size
    image = Image.new("RGB", size, (246, 247, 250))
    draw = ImageDraw.Draw(image)
    top = canvas.archetypes[0] if canvas.archetypes else None
    heading = "Business Model Canvas"
    if top is not None:
        heading += f" — {archetype_title(top.name)} (fit {top.score:.2f})"
    draw.text((40, 22), heading, font=_font(40, bold=True), fill=(20, 35, 70))
    brief = _wrap(draw, canvas.brief, _font(24), w - 80)
    brief_text = brief[0] + (" …" if len(brief) > 1 else "")
    draw.text((40, 78), brief_text, font=_font(24), fill=(70, 70, 70))
    margin, top_y, foot_h = 30, 122, 64
    bottom_y = h - foot_h
    main_h = int((bottom_y - top_y) * 0.66)
    col = (w - 2 * margin) / 5
    xs = [int(margin + i * col) for i in range(6)]
    mid = top_y + main_h // 2
    main_bottom = top_y + main_h
    boxes = {
        "key_partners": (xs[0], top_y, xs[1], main_bottom),
        "key_activities": (xs[1], top_y, xs[2], mid),
        "key_resources": (xs[1], mid, xs[2], main_bottom),
        "value_propositions": (xs[2], top_y, xs[3], main_bottom),
        "customer_relationships": (xs[3], top_y, xs[4], mid),
        "channels": (xs[3], mid, xs[4], main_bottom),
        "customer_segments": (xs[4], top_y, xs[5], main_bottom),
        "cost_structure": (xs[0], main_bottom, w // 2, bottom_y),
        "revenue_streams": (w // 2, main_bottom, xs[5], bottom_y),
    }
    for key, box in boxes.items():
        _draw_box(draw, box, BLOCK_TITLES[key], _box_text(canvas, key))
    cited = {c.n for block in canvas.blocks for b in block.bullets for c in b.citations}
    sources = "   ".join(
        f"[{c.n}] {' › '.join(_short(p) for p in c.chunk.section_path[-2:])}"
        for c in _citations(canvas) if c.n in cited
    )
    mine = any(b.origin == "brief" for block in canvas.blocks for b in block.bullets)
    legend = f"★ in orange: {YOURS.lower()}'s own statements, [n] where the report backs them. " \
        if mine else ""
    foot = _wrap(draw, f"{legend}Sources (World Manufacturing Report 2023): {sources}",
                 _font(15), w - 80)
    for i, line in enumerate(foot[:3]):
        draw.text((40, bottom_y + 8 + i * 18), line, font=_font(15), fill=(80, 80, 80))
    try:
        image.save(path, format="PNG")
    except OSError as exc:
        raise AdvisorError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def export_canvas(canvas: Canvas, path: Path) -> Path:
    """Write the canvas as .md, .json, .png or .pptx, chosen by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        return canvas_to_png(canvas, path)
    if suffix == ".pptx":
        from bot.canvas.pptx import canvas_to_pptx

        return canvas_to_pptx(canvas, path)
    if suffix in (".md", ".markdown"):
        text = canvas_to_markdown(canvas)
    elif suffix == ".json":
        text = json.dumps(canvas_to_json(canvas), ensure_ascii=False, indent=2) + "\n"
    else:
        raise AdvisorError(
            f"cannot export a canvas as {suffix or path.name!r}: "
            "use .md, .json or .png, or .pptx for PowerPoint"
        )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise AdvisorError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path
