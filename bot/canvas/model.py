"""Canvas drafting with a generative backend: rewrite the evidence draft's blocks for the company.

The model sees the report's items for each block as numbered excerpts and answers in a plain
block-by-block bullet format. A bullet keeps a citation only when it names an excerpt it was
shown and is close in meaning to that excerpt; otherwise it is the advisor's own suggestion.
Any failure of the backend gives the evidence draft back with a notice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from bot.answers.prompts import (
    CANVAS_DRAFT_TASK,
    CANVAS_FALLBACK_NOTICE,
    CANVAS_PARTIAL_NOTICE,
    CANVAS_REFINE_TASK,
    CANVAS_SYSTEM,
    CANVAS_TEMPLATE,
)
from bot.canvas.engine import CanvasEngine, renumber
from bot.report.outline import BLOCK_TITLES, block_key
from bot.types import Bullet, Canvas, Chunk, Citation

TIE_MIN = 0.2  # least similarity between a bullet and the excerpt it cites

_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+(.*\S)\s*$")
_HEADING = re.compile(r"^\s*(?:#+\s*)?\[?\**\s*([A-Za-z][A-Za-z_ ]*?)\s*:?\s*\**\]?\s*:?\s*$")
_CITE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")


def parse_reply(reply: str) -> dict[str, list[tuple[str, tuple[int, ...]]]]:
    """Bullets per block key from a model reply: (text without markers, cited numbers)."""
    out: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
    current: str | None = None
    for line in reply.splitlines():
        bullet = _BULLET.match(line)
        if bullet is None:
            heading = _HEADING.match(line)
            key = block_key(heading.group(1)) if heading else None
            if key is not None:
                current = key
                out.setdefault(key, [])
            continue
        if current is None:
            continue
        raw = bullet.group(1)
        numbers = tuple(int(n) for group in _CITE.findall(raw) for n in group.split(","))
        text = " ".join(_CITE.sub("", raw).split()).rstrip(" ,;")
        if text:
            out[current].append((text, numbers))
    return out


def _numbered(canvas: Canvas) -> dict[int, Chunk]:
    chunks: dict[int, Chunk] = {}
    for block in canvas.blocks:
        for bullet in block.bullets:
            for c in bullet.citations:
                chunks[c.n] = c.chunk
    return chunks


def canvas_messages(
    brief: str, archetypes: str, evidence: Canvas, keys: Sequence[str],
    instruction: str | None = None, current: Canvas | None = None,
) -> list[dict[str, str]]:
    """The chat messages asking a model to write (or revise) some blocks of a canvas."""
    numbered = _numbered(evidence)
    wanted = {c.n for k in keys for b in evidence.block(k).bullets for c in b.citations}
    excerpts = "\n\n".join(
        f"[{n}] (section: {numbered[n].section})\n{numbered[n].text.strip()}"
        for n in sorted(wanted)
    )
    parts = []
    for key in keys:
        lines = [f"[{key}] ({BLOCK_TITLES[key]})"]
        if current is not None:
            lines += [f"  current: {b.text}" for b in current.block(key).bullets]
        for bullet in evidence.block(key).bullets:
            refs = "".join(f"[{c.n}]" for c in bullet.citations)
            lines.append(f"  report item: {bullet.text} {refs}")
        parts.append("\n".join(lines))
    task = (CANVAS_DRAFT_TASK if instruction is None
            else CANVAS_REFINE_TASK.format(instruction=instruction))
    user = CANVAS_TEMPLATE.format(
        brief=brief, archetypes=archetypes, excerpts=excerpts, task=task, blocks="\n".join(parts)
    )
    return [{"role": "system", "content": CANVAS_SYSTEM}, {"role": "user", "content": user}]


def tie_bullets(
    engine: CanvasEngine, rows: Sequence[tuple[str, tuple[int, ...]]], chunks: Mapping[int, Chunk],
) -> tuple[Bullet, ...]:
    """Bullets from parsed rows: cited when tied to a shown excerpt, else the advisor's own."""
    if not rows:
        return ()
    cited = {n for _, numbers in rows for n in numbers if n in chunks}
    order = sorted(cited)
    vectors = engine.embedder.embed(
        [text for text, _ in rows] + [chunks[n].body for n in order]
    )
    rowvec, chunkvec = vectors[: len(rows)], dict(zip(order, vectors[len(rows) :], strict=True))
    bullets = []
    for (text, numbers), vector in zip(rows, rowvec, strict=True):
        keep = tuple(
            Citation(n, chunks[n]) for n in dict.fromkeys(numbers)
            if n in chunkvec and float(chunkvec[n] @ vector) >= TIE_MIN
        )
        bullets.append(Bullet(text, keep, from_report=bool(keep)))
    return tuple(bullets)


def rewrite(
    engine: CanvasEngine, backend: object, evidence: Canvas, keys: Sequence[str],
    instruction: str | None = None, current: Canvas | None = None,
) -> Canvas:
    """The evidence canvas with `keys` blocks rewritten by the backend (evidence on failure)."""
    name = str(getattr(backend, "name", "generative"))
    archetypes = ", ".join(f"{a.name} ({a.score:.2f})" for a in evidence.archetypes[:3])
    try:
        messages = canvas_messages(evidence.brief, archetypes, evidence, keys, instruction, current)
        reply = backend.complete(messages)  # type: ignore[attr-defined]
        if not isinstance(reply, str):
            raise TypeError("the reply was not text")
        parsed = parse_reply(reply)
        if not any(parsed.get(k) for k in keys):
            raise ValueError("no canvas blocks in the reply")
        chunks = _numbered(evidence)
        blocks, empty = [], []
        for block in evidence.blocks:
            rows = parsed.get(block.key) if block.key in keys else None
            if block.key in keys and not rows:
                empty.append(BLOCK_TITLES[block.key])
            if rows:
                blocks.append(replace(block, bullets=tie_bullets(engine, rows, chunks)))
            else:
                blocks.append(block)
    except Exception as exc:  # noqa: BLE001 - any backend failure falls back to evidence
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        notice = CANVAS_FALLBACK_NOTICE.format(backend=name, reason=reason)
        return replace(evidence, notice=notice)
    numbered, recs = renumber(blocks, evidence.recommendations)
    partial = (CANVAS_PARTIAL_NOTICE.format(backend=name, blocks=", ".join(empty))
               if empty else None)
    return replace(evidence, blocks=numbered, recommendations=recs, mode=name, notice=partial)

