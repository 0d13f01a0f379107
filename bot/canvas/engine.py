"""Canvas drafting: archetype scoring, evidence-mode drafts, refinement, citation numbering.

Evidence mode uses the report's own canvas items, ranked for the brief by embedding similarity.
With a generative backend the chosen items are rewritten for the company (bot.canvas.model).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from bot.errors import AdvisorError
from bot.index.embedding import Embedder
from bot.index.lexical import tokenize
from bot.report.outline import BLOCK_TITLES, Recommendation, ReportIndex
from bot.report.phrasings import ARCHETYPE_EXAMPLES
from bot.report.vocabulary import ARCHETYPE_CUES, BLOCK_CUES, BLOCK_MEANINGS
from bot.types import CANVAS_BLOCKS, ArchetypeScore, Bullet, Canvas, CanvasBlock, Chunk, Citation

MAX_PRIMARY = 4  # items a block takes from the best-fitting archetype
MAX_SECONDARY = 2  # items a block takes from the second archetype when the brief spans two
MIX_RATIO = 0.5  # the second archetype joins when its score is at least this share of the first
SOFTMAX_T = 0.04  # temperature turning similarities into shares
KEYWORD_WEIGHT = 0.35  # share of the archetype score that comes from keyword cues
EXAMPLE_WEIGHT = 0.5  # ...and then the share that comes from the archetypes' example sentences
MAX_SENTENCES = 8  # sentences of a brief compared with the examples
_QUESTION = re.compile(r"\?\s*$|^\W*(how|what|which|where|why|should|could|can|would|is|are|"
                       r"do|does)\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\s+[-–—]\s+")
OTHER_ARCHETYPE_PENALTY = 0.3  # for a recommendation whose title names another archetype


def _shares(sims: Sequence[float]) -> np.ndarray:
    """Similarities turned into shares that sum to 1 (a softmax at SOFTMAX_T)."""
    raw = np.exp((np.array(sims) - max(sims)) / SOFTMAX_T)
    return np.asarray(raw / raw.sum())


def clean_text(text: object, what: str, limit: int) -> str:
    """Text stripped of control characters, or a one-line error naming `what`."""
    if not isinstance(text, str):
        raise AdvisorError(f"the {what} must be text")
    cleaned = " ".join("".join(ch for ch in text if ch.isprintable() or ch in "\n\t").split())
    if not cleaned:
        raise AdvisorError(f"the {what} is empty: describe your company in a sentence or two")
    if len(cleaned) > limit:
        raise AdvisorError(
            f"the {what} is {len(cleaned):,} characters; the limit is {limit:,} "
            "(ADVISOR_MAX_QUESTION_CHARS)"
        )
    return cleaned


def cue_hits(text: str, cues: Iterable[str]) -> int:
    """How many of the cue patterns occur in a text."""
    return sum(1 for cue in cues if re.search(cue, text, re.IGNORECASE))


@dataclass(frozen=True)
class Item:
    """One item of one block of one of the report's canvases, with its chunk."""

    archetype: str
    block: str
    text: str
    chunk: Chunk


def renumber(
    blocks: Sequence[CanvasBlock], recommendations: Sequence[Bullet] = ()
) -> tuple[tuple[CanvasBlock, ...], tuple[Bullet, ...]]:
    """Give each cited chunk one number, in order of first appearance across the canvas."""
    numbers: dict[str, int] = {}

    def fix(bullet: Bullet) -> Bullet:
        cites: list[Citation] = []
        for citation in bullet.citations:
            n = numbers.setdefault(citation.chunk.id, len(numbers) + 1)
            if all(c.n != n for c in cites):
                cites.append(Citation(n=n, chunk=citation.chunk))
        return replace(bullet, citations=tuple(cites))

    fixed = tuple(replace(b, bullets=tuple(fix(x) for x in b.bullets)) for b in blocks)
    return fixed, tuple(fix(r) for r in recommendations)


def recommendation_text(rec: Recommendation) -> str:
    """A recommendation as a bullet: the title, then one line per lever."""
    return f"{rec.number}. {rec.title}\n" + "\n".join(
        f"{lever.title()}: {text}" for lever, text in rec.levers().items()
    )


class CanvasEngine:
    """Scores archetypes, drafts and refines canvases over the report bound to the live index."""

    def __init__(self, index: ReportIndex, embedder: Embedder) -> None:
        self.index = index
        self.report = index.report
        self.embedder = embedder
        self.items = [
            Item(key, block, text, index.item_chunk(key, block, text))
            for key, canvas in self.report.canvases.items()
            for block in CANVAS_BLOCKS
            for text in canvas.items(block)
        ]
        keys = list(self.report.canvases)
        recs = self.report.recommendations
        texts = (
            [f"{BLOCK_TITLES[i.block]}: {i.text}" for i in self.items]
            + [self.report.canvases[k].profile() for k in keys]
            + [self.report.canvases[k].trend or self.report.canvases[k].title for k in keys]
            + [r.text() for r in recs]
            + [BLOCK_MEANINGS[b] for b in CANVAS_BLOCKS]
        )
        examples = [(k, x) for k in keys for x in ARCHETYPE_EXAMPLES.get(k, ())]
        vectors = embedder.embed([*texts, *(x for _, x in examples)])
        example_vectors = vectors[len(texts):]
        self.example_vectors = {
            k: example_vectors[[i for i, (key, _) in enumerate(examples) if key == k]] for k in keys
        }
        n, a, r = len(self.items), len(keys), len(recs)
        self.item_vectors = vectors[:n]
        self.profile_vectors = dict(zip(keys, vectors[n : n + a], strict=True))
        self.trend_vectors = dict(zip(keys, vectors[n + a : n + 2 * a], strict=True))
        self.rec_vectors = vectors[n + 2 * a : n + 2 * a + r]
        self.block_vectors = dict(
            zip(CANVAS_BLOCKS, vectors[n + 2 * a + r : len(texts)], strict=True)
        )

    # -- scoring ---------------------------------------------------------------------------

    def score_archetypes(self, text: str, vector: np.ndarray | None = None) -> list[ArchetypeScore]:
        """The six archetypes ranked by fit to a text; scores sum to 1."""
        vector = self.embedder.embed_one(text) if vector is None else vector
        item_sims = self.item_vectors @ vector
        sims = []
        for key in self.report.canvases:
            own = np.sort(item_sims[[i for i, it in enumerate(self.items) if it.archetype == key]])
            top = float(own[-3:].mean()) if len(own) else 0.0
            sims.append(
                0.4 * float(self.profile_vectors[key] @ vector)
                + 0.4 * top
                + 0.2 * float(self.trend_vectors[key] @ vector)
            )
        dense = _shares(sims)
        hits = np.array([cue_hits(text, ARCHETYPE_CUES[k]) for k in self.report.canvases], float)
        scores = dense
        if hits.sum() > 0:
            scores = (1 - KEYWORD_WEIGHT) * dense + KEYWORD_WEIGHT * hits / hits.sum()
        scores = (1 - EXAMPLE_WEIGHT) * scores + EXAMPLE_WEIGHT * self._example_shares(text)
        ranked = sorted(
            zip(self.report.canvases, scores, strict=True), key=lambda pair: -pair[1]
        )
        return [ArchetypeScore(name=k, score=float(s)) for k, s in ranked]

    def _example_shares(self, text: str) -> np.ndarray:
        """Per archetype, how close the brief's closest sentence comes to the archetype's
        example descriptions (bot.report.phrasings.ARCHETYPE_EXAMPLES), as shares."""
        # sentences that say something ("How should we shape the ?" says nothing); what the
        # company tells of itself and its customers, rather than what it asks, when it tells
        sentences = [s for s in _SENTENCE.split(text) if len(tokenize(s)) >= 2] or [text]
        sentences = [s for s in sentences if not _QUESTION.search(s)] or sentences
        vectors = [self.embedder.embed_one(s) for s in sentences[:MAX_SENTENCES]]
        sims = []
        for key in self.report.canvases:
            own = self.example_vectors.get(key)
            if own is None or not len(own):
                sims.append(0.0)
                continue
            sims.append(max(float(np.sort(own @ v)[-2:].mean()) for v in vectors))
        return _shares(sims)

    def sources(self, ranking: Sequence[ArchetypeScore]) -> list[str]:
        """The archetypes a draft draws on: the best, plus the second when it is close."""
        chosen = [ranking[0].name]
        if len(ranking) > 1 and ranking[1].score >= MIX_RATIO * ranking[0].score:
            chosen.append(ranking[1].name)
        return chosen

    def ranked_items(
        self, archetype: str, block: str, vector: np.ndarray
    ) -> list[tuple[Item, float]]:
        """One canvas block's items, most similar to the vector first."""
        pairs = [
            (item, float(self.item_vectors[i] @ vector))
            for i, item in enumerate(self.items)
            if item.archetype == archetype and item.block == block
        ]
        return sorted(pairs, key=lambda p: -p[1])

    # -- drafting --------------------------------------------------------------------------

    def _block(
        self, block: str, sources: Sequence[str], ranking: Sequence[ArchetypeScore],
        vector: np.ndarray,
    ) -> CanvasBlock:
        """One block of an evidence draft: the sources' items ranked for the brief."""
        note = None
        primary, *rest = sources
        if not self.report.canvas(primary).items(block):
            fallback = next(
                a.name for a in ranking
                if a.name != primary and self.report.canvas(a.name).items(block)
            )
            note = (
                f"The report's {self.report.canvas(primary).title} canvas leaves "
                f"{BLOCK_TITLES[block]} empty; these items come from its "
                f"{self.report.canvas(fallback).title} canvas."
            )
            primary = fallback
            rest = [a for a in rest if a != fallback]
        picked = [i for i, _ in self.ranked_items(primary, block, vector)[:MAX_PRIMARY]]
        for other in rest:
            picked += [i for i, _ in self.ranked_items(other, block, vector)[:MAX_SECONDARY]]
        bullets: list[Bullet] = []
        seen: set[str] = set()
        for item in picked:
            if item.text.lower() not in seen:
                seen.add(item.text.lower())
                bullets.append(Bullet(item.text, (Citation(0, item.chunk),)))
        return CanvasBlock(key=block, bullets=tuple(bullets), note=note)

    def recommendations(
        self, vector: np.ndarray, archetypes: Sequence[str], count: int = 3
    ) -> list[Recommendation]:
        """The recommendations that fit a text and its best archetypes (best first) best."""
        profile = self.profile_vectors[archetypes[0]]
        fit = self.rec_vectors @ vector + 0.5 * (self.rec_vectors @ profile)
        for i, rec in enumerate(self.report.recommendations):
            named = [k for k, cues in ARCHETYPE_CUES.items() if cue_hits(rec.title, cues)]
            if named and not set(named) & set(archetypes):
                fit[i] -= OTHER_ARCHETYPE_PENALTY  # e.g. "mass-customised" advice for a servitiser
        order = np.argsort(-fit)[:count]
        return [self.report.recommendations[int(i)] for i in order]

    def rec_bullet(self, rec: Recommendation) -> Bullet:
        chunk = self.index.recommendation_chunk(rec.number)
        return Bullet(recommendation_text(rec), (Citation(0, chunk),))

    def draft(self, brief: str) -> Canvas:
        """An evidence-mode canvas: the report's own items, chosen and ranked for the brief."""
        vector = self.embedder.embed_one(brief)
        ranking = self.score_archetypes(brief, vector)
        sources = self.sources(ranking)
        blocks = [self._block(b, sources, ranking, vector) for b in CANVAS_BLOCKS]
        recs = [self.rec_bullet(r) for r in self.recommendations(vector, sources)]
        numbered, numbered_recs = renumber(blocks, recs)
        return Canvas(brief=brief, archetypes=tuple(ranking), blocks=numbered,
                      recommendations=numbered_recs)

    # -- refinement ------------------------------------------------------------------------

    def affected_blocks(self, instruction: str) -> list[str]:
        """The blocks an instruction is about: keyword cues, else closeness in meaning."""
        hits = [b for b in CANVAS_BLOCKS if cue_hits(instruction, BLOCK_CUES[b])]
        if hits:
            return hits
        vector = self.embedder.embed_one(instruction)
        sims = {b: float(v @ vector) for b, v in self.block_vectors.items()}
        best = max(sims.values())
        return [b for b in CANVAS_BLOCKS if sims[b] >= best - 0.03]

    def refine_candidates(
        self, canvas: Canvas, block: str, instruction: str, limit: int = 6
    ) -> list[Item]:
        """A block's items across all six canvases, re-ranked towards an instruction."""
        want = self.embedder.embed_one(instruction)
        brief = self.embedder.embed_one(canvas.brief)
        weight = {a.name: a.score for a in canvas.archetypes}
        top = max(weight.values(), default=1.0) or 1.0
        scored = []
        for i, item in enumerate(self.items):
            if item.block != block:
                continue
            v = self.item_vectors[i]
            fit = 0.6 * float(v @ want) + 0.25 * float(v @ brief)
            fit += 0.15 * weight.get(item.archetype, 0.0) / top
            fit += 0.1 * cue_hits(item.text, _instruction_words(instruction))
            scored.append((fit, item))
        scored.sort(key=lambda p: -p[0])
        out: list[Item] = []
        for _, item in scored:
            if all(item.text.lower() != o.text.lower() for o in out):
                out.append(item)
        return out[:limit]

    def refine(self, canvas: Canvas, instruction: str) -> Canvas:
        """Re-draft only the blocks an instruction affects, from the report's items."""
        affected = self.affected_blocks(instruction)
        blocks = []
        for block in canvas.blocks:
            if block.key not in affected:
                blocks.append(block)
                continue
            items = self.refine_candidates(canvas, block.key, instruction)[:MAX_PRIMARY]
            bullets = tuple(Bullet(i.text, (Citation(0, i.chunk),)) for i in items)
            blocks.append(CanvasBlock(block.key, bullets, note=f"Refined: {instruction}"))
        numbered, recs = renumber(blocks, canvas.recommendations)
        return replace(canvas, blocks=numbered, recommendations=recs,
                       refinements=(*canvas.refinements, instruction))


_STOP = frozenset("a an the more less make it its our we to of for and or with on in be".split())


def _instruction_words(instruction: str) -> tuple[str, ...]:
    """Content words of an instruction as literal cue patterns (word stems of 4+ letters)."""
    words = re.findall(r"[a-z]{4,}", instruction.lower())
    return tuple(re.escape(w[:-3] if w.endswith("ing") else w.rstrip("s"))
                 for w in words if w not in _STOP)
