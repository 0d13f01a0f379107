"""Gap analysis: what the best-fitting report canvas has that a company's own canvas lacks.

The user's canvas comes as JSON ({"blocks": {key: [text | {"text": ...}]}}) or Markdown (nine
``## Block name`` sections of bullets). Each report item counts as covered when some bullet of
the same block is close to it in meaning (MiniLM cosine >= COVERED_MIN, or >= MATCHED_MIN when
the item is that bullet's nearest report item; tuned so paraphrases count); the rest are gaps,
each cited, and the gaps are mapped to the report's recommendations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bot.canvas.engine import CanvasEngine, recommendation_text
from bot.errors import AdvisorError
from bot.report.outline import BLOCK_TITLES, block_key
from bot.types import CANVAS_BLOCKS, ArchetypeScore, Citation

COVERED_MIN = 0.6  # a user bullet this close to a report item covers it
MATCHED_MIN = 0.4  # ...or this close, when the item is the bullet's nearest report item
MAX_BULLETS = 200  # per block, to keep a pasted canvas within reason
BLOCK_REC_BONUS = 0.15  # extra fit for a recommendation whose title names the gap's block

_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+(.*\S)\s*$")
# What an exported canvas adds around a bullet: whose statement it is, and how it is backed.
_EXPORT_MARKS = re.compile(r"^\*\*Your company:\*\*\s*|\s*\*\((not in the report|advisor's "
                           r"suggestion)\)\*\s*$")
_HEADING = re.compile(r"^\s*#{1,6}\s+(.*\S)\s*$")


@dataclass(frozen=True)
class UserCanvas:
    """A company's own canvas: bullets per block key (blocks may be empty)."""

    blocks: Mapping[str, tuple[str, ...]]

    def text(self) -> str:
        return "\n".join(f"{BLOCK_TITLES[k]}: {'; '.join(v)}" for k, v in self.blocks.items() if v)


def _bullet_text(value: object, where: str) -> str:
    if isinstance(value, Mapping):
        value = value.get("text")
    if not isinstance(value, str) or not value.strip():
        raise AdvisorError(f"{where}: each bullet must be text or an object with a \"text\"")
    return " ".join(value.split())


def canvas_from_json(data: object) -> UserCanvas:
    """A UserCanvas from the contract shape {"blocks": {key: [str | {"text": ...}]}}."""
    blocks = data.get("blocks") if isinstance(data, Mapping) else None
    if not isinstance(blocks, Mapping):
        raise AdvisorError('the canvas JSON needs a "blocks" object keyed by block name')
    out: dict[str, tuple[str, ...]] = {}
    for name, bullets in blocks.items():
        key = block_key(str(name))
        if key is None:
            raise AdvisorError(f"unknown canvas block {name!r}; use {', '.join(CANVAS_BLOCKS)}")
        if not isinstance(bullets, list):
            raise AdvisorError(f"block {name!r} must be a list of bullets")
        out[key] = tuple(_bullet_text(b, f"block {name!r}") for b in bullets[:MAX_BULLETS])
    return _complete(out)


def canvas_from_markdown(text: str) -> UserCanvas:
    """A UserCanvas from Markdown with one ``## Block name`` heading per block and bullets."""
    out: dict[str, tuple[str, ...]] = {}
    current: str | None = None
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = block_key(re.sub(r"[*_`:]", "", heading.group(1)).strip())
            if current is not None:
                out.setdefault(current, ())
            continue
        bullet = _BULLET.match(line)
        if bullet and current is not None and len(out[current]) < MAX_BULLETS:
            text = _EXPORT_MARKS.sub("", re.sub(r"\[\^?\d+\]", "", bullet.group(1)))
            out[current] += (" ".join(text.split()),)
    if not out:
        raise AdvisorError(
            "no canvas blocks found: use one '## Block name' heading per block "
            "(e.g. '## Revenue Streams') with '- ' bullets under it"
        )
    return _complete(out)


def parse_user_canvas(source: str | Mapping[str, Any] | UserCanvas) -> UserCanvas:
    """A UserCanvas from a parsed JSON object, JSON text or Markdown text."""
    if isinstance(source, UserCanvas):
        return source
    if isinstance(source, Mapping):
        return canvas_from_json(source)
    if not isinstance(source, str) or not source.strip():
        raise AdvisorError("the canvas is empty: give JSON or Markdown with the nine blocks")
    if source.lstrip().startswith("{"):
        try:
            return canvas_from_json(json.loads(source))
        except json.JSONDecodeError as exc:
            where = f"line {exc.lineno}"
            raise AdvisorError(f"the canvas is not valid JSON ({where}): {exc.msg}") from exc
    return canvas_from_markdown(source)


def _complete(blocks: Mapping[str, tuple[str, ...]]) -> UserCanvas:
    if not any(blocks.values()):
        raise AdvisorError("the canvas has no bullets: add at least one bullet to a block")
    return UserCanvas({k: tuple(blocks.get(k, ())) for k in CANVAS_BLOCKS})


@dataclass(frozen=True)
class Gap:
    """A report item the user's block lacks, its citation and the user's nearest bullet."""

    item: str
    citation: Citation
    nearest: str | None
    similarity: float


@dataclass(frozen=True)
class BlockGaps:
    """One block compared: the report items covered and the gaps."""

    key: str
    archetype: str
    covered: tuple[tuple[str, str, float], ...]  # (report item, user bullet, similarity)
    gaps: tuple[Gap, ...]
    note: str | None = None


@dataclass(frozen=True)
class GapRecommendation:
    """A recommendation that addresses some gaps, with its citation."""

    text: str
    citation: Citation
    blocks: tuple[str, ...]


@dataclass(frozen=True)
class GapReport:
    """The result of comparing a company's canvas with the best-fitting report canvas."""

    archetype: str
    archetypes: tuple[ArchetypeScore, ...]
    blocks: tuple[BlockGaps, ...] = field(default=())
    recommendations: tuple[GapRecommendation, ...] = field(default=())

    @property
    def gap_count(self) -> int:
        return sum(len(b.gaps) for b in self.blocks)

    def citations(self) -> list[Citation]:
        seen: dict[int, Citation] = {}
        for b in self.blocks:
            for g in b.gaps:
                seen.setdefault(g.citation.n, g.citation)
        for r in self.recommendations:
            seen.setdefault(r.citation.n, r.citation)
        return [seen[n] for n in sorted(seen)]

    def to_json(self) -> dict[str, object]:
        return {
            "archetype": self.archetype,
            "archetypes": [{"name": a.name, "score": round(a.score, 4)} for a in self.archetypes],
            "gap_count": self.gap_count,
            "blocks": {
                b.key: {
                    "archetype": b.archetype,
                    "note": b.note,
                    "covered": [
                        {"item": i, "by": u, "similarity": round(s, 4)} for i, u, s in b.covered
                    ],
                    "gaps": [
                        {"text": g.item, "nearest": g.nearest, "similarity": round(g.similarity, 4),
                         "citations": [g.citation.to_json()]}
                        for g in b.gaps
                    ],
                }
                for b in self.blocks
            },
            "recommendations": [
                {"text": r.text, "blocks": list(r.blocks), "citations": [r.citation.to_json()]}
                for r in self.recommendations
            ],
        }

    def to_markdown(self) -> str:
        top = ", ".join(f"{a.name} {a.score:.2f}" for a in self.archetypes[:3])
        lines = [
            "# Gap analysis", "",
            f"Best-fitting report canvas: **{self.archetype}** ({top}). "
            f"{self.gap_count} item(s) of the report's canvas are missing from yours.", "",
        ]
        for b in self.blocks:
            lines += [f"## {BLOCK_TITLES[b.key]}", ""]
            if b.note:
                lines += [f"*{b.note}*", ""]
            for item, by, _ in b.covered:
                lines.append(f"- covered: {item} (by \"{by}\")")
            for g in b.gaps:
                lines.append(f"- **missing:** {g.item} [^{g.citation.n}]")
            if not b.covered and not b.gaps:
                lines.append("- the report's canvas has nothing here")
            lines.append("")
        if self.recommendations:
            lines += ["## Recommendations for the gaps", ""]
            for r in self.recommendations:
                head, *rest = r.text.split("\n")
                names = ", ".join(BLOCK_TITLES[k] for k in r.blocks)
                lines.append(f"- {head} [^{r.citation.n}] (for {names})")
                lines += [f"  - {x}" for x in rest]
            lines.append("")
        for c in self.citations():
            quoted = " ".join(c.chunk.text.split())
            lines.append(f"[^{c.n}]: {c.chunk.section}: \"{quoted}\"")
        return "\n".join(lines).rstrip() + "\n"


def analyse_gaps(
    engine: CanvasEngine, canvas: UserCanvas, archetype: str | None = None,
    max_recommendations: int = 3,
) -> GapReport:
    """Compare a user's canvas with the report's best-fitting canvas, block by block."""
    text = canvas.text()
    ranking = engine.score_archetypes(text)
    chosen = archetype or ranking[0].name
    engine.report.canvas(chosen)  # one-line error for an unknown archetype
    numbers: dict[str, int] = {}

    def cite(chunk: Any) -> Citation:
        return Citation(numbers.setdefault(chunk.id, len(numbers) + 1), chunk)

    results: list[BlockGaps] = []
    gap_texts: dict[str, list[str]] = {}
    for key in CANVAS_BLOCKS:
        source, note = chosen, None
        if not engine.report.canvas(chosen).items(key):
            source = next(a.name for a in ranking
                          if a.name != chosen and engine.report.canvas(a.name).items(key))
            note = (f"The report's {engine.report.canvas(chosen).title} canvas leaves "
                    f"{BLOCK_TITLES[key]} empty; compared with its "
                    f"{engine.report.canvas(source).title} canvas.")
        items = [(i, it) for i, it in enumerate(engine.items)
                 if it.archetype == source and it.block == key]
        mine = list(canvas.blocks.get(key, ()))
        sims = (engine.item_vectors[[i for i, _ in items]] @ engine.embedder.embed(mine).T
                if mine and items else np.zeros((len(items), 0)))
        nearest_item = sims.argmax(axis=0) if mine and items else np.zeros(0, dtype=int)
        covered, gaps = [], []
        for row, (_, item) in enumerate(items):
            best = int(np.argmax(sims[row])) if mine else -1
            score = float(sims[row][best]) if mine else 0.0
            mutual = mine and int(nearest_item[best]) == row
            if mine and (score >= COVERED_MIN or (mutual and score >= MATCHED_MIN)):
                covered.append((item.text, mine[best], score))
            else:
                gaps.append(Gap(item.text, cite(item.chunk), mine[best] if mine else None, score))
        if gaps:
            gap_texts[key] = [g.item for g in gaps]
        results.append(BlockGaps(key, source, tuple(covered), tuple(gaps), note))
    recs = _map_recommendations(engine, gap_texts, max_recommendations, cite)
    return GapReport(chosen, tuple(ranking), tuple(results), tuple(recs))


def _map_recommendations(
    engine: CanvasEngine, gap_texts: Mapping[str, list[str]], limit: int, cite: Any,
) -> list[GapRecommendation]:
    """The recommendations that best address the gaps, each with the blocks it serves."""
    if not gap_texts:
        return []
    keys = list(gap_texts)
    queries = [f"{BLOCK_TITLES[k]}: {'; '.join(gap_texts[k])}" for k in keys]
    fit = engine.embedder.embed(queries) @ engine.rec_vectors.T  # blocks x recommendations
    for row, key in enumerate(keys):
        words = BLOCK_TITLES[key].lower().rstrip("s").split()
        for col, rec in enumerate(engine.report.recommendations):
            if all(w in rec.title.lower() for w in words):
                fit[row, col] += BLOCK_REC_BONUS
    weight = np.array([len(gap_texts[k]) for k in keys], dtype=float)[:, None] ** 0.5
    total = (fit * weight).sum(axis=0)
    out = []
    for col in np.argsort(-total)[:limit]:
        rec = engine.report.recommendations[int(col)]
        served = tuple(k for row, k in enumerate(keys) if int(np.argmax(fit[row])) == int(col))
        if not served:
            served = (keys[int(np.argmax(fit[:, col]))],)
        chunk = engine.index.recommendation_chunk(rec.number)
        out.append(GapRecommendation(recommendation_text(rec), cite(chunk), served))
    return out
