"""The company's own statements on its canvas: each put on the block it belongs to.

A brief such as "200-person maker of industrial pumps, billed per cubic metre, with remote
monitoring" holds statements a canvas should show: "billed per cubic metre" on Revenue Streams,
"remote monitoring" on Key Activities. Each statement becomes a bullet with origin "brief",
placed first in its block and cited with the report item it matches (when one is close enough
to back it); the report's own items follow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from bot.report.vocabulary import BLOCK_CUES
from bot.types import CANVAS_BLOCKS, Bullet, Canvas, Citation

if TYPE_CHECKING:
    from bot.canvas.engine import CanvasEngine

BACKED_MIN = 0.4  # a report item this close to a statement backs it (and is cited)
BLOCK_MIN = 0.3  # a statement this close to a block (its items or its meaning) goes on it
CUE_BONUS = 0.08  # extra closeness to a block whose cue words the statement uses
MAX_PER_BLOCK = 3
MIN_WORDS, MAX_WORDS = 2, 16

_SPLIT = re.compile(
    r"(?<=[.!?;])\s+|;\s*|,\s*(?=(?:and |with |plus |but |which |where |while )?[a-z])|"
    r"\s+(?:and|with|plus|while|whereas)\s+(?=[a-z])|\s+[-–—]\s+"
)
# A clause that only says who the company is (size, place, what it makes) is no block's bullet.
_IDENTITY = re.compile(
    r"^\s*(?:we(?:'re| are)?\s+)?(?:an?\s+)?(?:\d[\d,.]*[\s-]*(?:person|people|employees?|staff)\b"
    r"|(?:family[- ]owned|mid[- ]sized?|small|large|german|italian|based in)\b)|"
    r"^\s*(?:we\s+)?(?:have|employ)\s+\d|^\s*(?:based|located|headquartered)\s+in\b|"
    r"^\s*(?:make|makes|build|builds|produce|produces|manufacture|manufactures|are|is)\s",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^(?:(?:and|with|plus|but|which|where|while|so)\s+)?(?:(?:we|i|they|it)\s+)?"
    r"(?:(?:want|would like|plan|aim|intend|hope|need)\s+to\s+)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Statement:
    """One statement of a brief, the block it belongs to, and the report item that backs it."""

    text: str
    block: str
    backing: Citation | None
    similarity: float


def statements(brief: str) -> list[str]:
    """The brief cut into clauses a canvas bullet can hold."""
    out = []
    for part in _SPLIT.split(brief):
        text = _LEAD.sub("", part.strip(" .,;:…")).strip()
        words = text.split()
        if MIN_WORDS <= len(words) <= MAX_WORDS and not _IDENTITY.search(text):
            out.append(text[0].upper() + text[1:])
    return list(dict.fromkeys(out))


def _cues(text: str, block: str) -> bool:
    return any(re.search(c, text, re.IGNORECASE) for c in BLOCK_CUES[block])


def place(engine: CanvasEngine, brief: str, archetypes: Sequence[str]) -> list[Statement]:
    """Every statement of the brief that belongs on a block, with its backing item.

    A statement goes on the block whose report items (or whose meaning) it is closest to, a
    block whose cue words it uses counting a little extra; too far from every block, it is left
    off.
    """
    texts = statements(brief)
    if not texts:
        return []
    vectors = np.asarray(engine.embedder.embed(texts))
    out = []
    for text, vector in zip(texts, vectors, strict=True):
        scored = []
        for block in CANVAS_BLOCKS:
            backing, item_sim = _backing(engine, block, vector, archetypes)
            meaning = float(engine.block_vectors[block] @ vector)
            score = max(item_sim, meaning) + (CUE_BONUS if _cues(text, block) else 0.0)
            scored.append((score, block, backing, item_sim))
        score, block, backing, item_sim = max(scored, key=lambda t: t[0])
        if score >= BLOCK_MIN:
            out.append(Statement(text, block, backing if item_sim >= BACKED_MIN else None,
                                 item_sim))
    return out


def _backing(
    engine: CanvasEngine, block: str, vector: np.ndarray, archetypes: Sequence[str]
) -> tuple[Citation | None, float]:
    """The closest report item of that block (the fitting archetypes first) and its similarity."""
    best: tuple[float, Citation | None] = (-1.0, None)
    for archetype in [*archetypes, *(a for a in engine.report.canvases if a not in archetypes)]:
        ranked = engine.ranked_items(archetype, block, vector)
        if ranked and ranked[0][1] > best[0] + (0.03 if archetype not in archetypes else 0.0):
            best = (ranked[0][1], Citation(0, ranked[0][0].chunk))
    return best[1], max(best[0], 0.0)


def with_brief(engine: CanvasEngine, canvas: Canvas) -> Canvas:
    """The canvas with the brief's statements first on their blocks (replacing earlier ones)."""
    archetypes = [a.name for a in canvas.archetypes[:2]]
    placed = place(engine, canvas.brief, archetypes)
    blocks = []
    for block in canvas.blocks:
        own = [s for s in placed if s.block == block.key][:MAX_PER_BLOCK]
        mine = tuple(
            Bullet(s.text, (s.backing,) if s.backing else (), from_report=False, origin="brief")
            for s in own
        )
        rest = tuple(b for b in block.bullets if b.origin != "brief")
        blocks.append(replace(block, bullets=mine + rest))
    return replace(canvas, blocks=tuple(blocks))


def keep_brief(before: Canvas, after: Canvas) -> Canvas:
    """After a re-draft of some blocks, the company's own bullets stay where they were."""
    blocks = []
    for block in after.blocks:
        old = before.block(block.key).bullets if block.key in CANVAS_BLOCKS else ()
        mine = tuple(b for b in old if b.origin == "brief")
        rest = tuple(b for b in block.bullets if b.origin != "brief")
        blocks.append(replace(block, bullets=mine + rest))
    return replace(after, blocks=tuple(blocks))
