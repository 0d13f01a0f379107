"""The report's six canvases and ten recommendations as typed objects, parsed from its Markdown.

The structure comes from the report's headings (``New Business Models > <Archetype> Business
Models > <Block>`` and ``10 Key Recommendations > <n>. <title>``), so nothing is retyped here.
A ``ReportIndex`` ties every canvas block and recommendation to the indexed chunk it lives in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import AdvisorError
from bot.types import CANVAS_BLOCKS, SECTION_SEP, Chunk

CANVASES_HEADING = "New Business Models"
TRENDS_HEADING = "Manufacturing Business Model Innovation Trends"
RECOMMENDATIONS_HEADING = "10 Key Recommendations"

# Archetype key -> the leading words of its canvas heading and of its trend heading.
ARCHETYPES: dict[str, tuple[str, str]] = {
    "digital": ("Digital", "Digital Economy"),
    "data-driven": ("Data-driven", "Data Economy"),
    "ai-based": ("AI-based", "Artificial Intelligence Economy"),
    "mass-customisation": ("Mass-Customisation", "Mass-Customisation Economy"),
    "servitised": ("Servitised", "Servitisation Economy"),
    "circular": ("Circular", "Circular Economy"),
}

# Canvas block key -> the block heading the report uses.
BLOCK_HEADINGS: dict[str, str] = {
    "key_partners": "Key Partners",
    "key_activities": "Key Activities",
    "key_resources": "Key Resources",
    "value_propositions": "Value Propositions",
    "customer_relationships": "Customer Relationship",
    "channels": "Channels",
    "customer_segments": "Customer Segments",
    "cost_structure": "Cost Structure",
    "revenue_streams": "Revenue Streams",
}

# Canvas block key -> the title shown to people (the usual Business Model Canvas names).
BLOCK_TITLES: dict[str, str] = {
    **BLOCK_HEADINGS,
    "customer_relationships": "Customer Relationships",
}

LEVERS = ("skills", "technology", "policy")

_BULLET = re.compile(r"^\s*[-*+]\s+(.*\S)\s*$")
_LABEL = re.compile(r"^\s*\*\*(.+?):?\*\*:?\s*$")
_LEVER = re.compile(r"^\*\*(Skills|Technology|Policy):\*\*\s*(.+)$", re.IGNORECASE)
_RECOMMENDATION = re.compile(r"^(\d+)\.\s+(.+)$")


def block_key(heading: str) -> str | None:
    """The block key of a heading ("Customer Relationship" -> customer_relationships)."""
    folded = " ".join(heading.lower().replace("_", " ").split())
    for key, title in BLOCK_HEADINGS.items():
        names = {title.lower(), BLOCK_TITLES[key].lower(), key.replace("_", " ")}
        if folded in names:
            return key
    return None


def archetype_of(canvas_heading: str) -> str | None:
    """The archetype key of a canvas heading such as "Servitised Business Models"."""
    for key, (lead, _) in ARCHETYPES.items():
        if canvas_heading.lower() == f"{lead} business models".lower():
            return key
    return None


@dataclass(frozen=True)
class ReportCanvas:
    """One of the report's six Business Model Canvases: its nine blocks of items."""

    archetype: str
    title: str
    blocks: Mapping[str, tuple[str, ...]]
    trend: str = ""

    def section(self, block: str) -> str:
        """The heading path of one of this canvas's blocks."""
        return SECTION_SEP.join((CANVASES_HEADING, self.title, BLOCK_HEADINGS[block]))

    def items(self, block: str) -> tuple[str, ...]:
        return self.blocks.get(block, ())

    def profile(self) -> str:
        """The canvas as one text: title, trend and every item (for similarity scoring)."""
        parts = [self.title, self.trend]
        parts += [f"{BLOCK_TITLES[k]}: {'; '.join(self.items(k))}" for k in CANVAS_BLOCKS]
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Recommendation:
    """One of the report's ten key recommendations, with its skills/technology/policy levers."""

    number: int
    title: str
    skills: str
    technology: str
    policy: str

    @property
    def section(self) -> str:
        return f"{RECOMMENDATIONS_HEADING}{SECTION_SEP}{self.number}. {self.title}"

    def levers(self) -> dict[str, str]:
        return {"skills": self.skills, "technology": self.technology, "policy": self.policy}

    def text(self) -> str:
        """Title and levers as plain text."""
        return f"{self.title}. " + " ".join(f"{k.title()}: {v}" for k, v in self.levers().items())


@dataclass(frozen=True)
class Report:
    """The report's canvases (by archetype key) and recommendations (by number)."""

    canvases: Mapping[str, ReportCanvas]
    recommendations: tuple[Recommendation, ...]

    def canvas(self, archetype: str) -> ReportCanvas:
        try:
            return self.canvases[archetype]
        except KeyError:
            names = ", ".join(self.canvases)
            raise AdvisorError(f"unknown archetype {archetype!r}; choose one of {names}") from None

    def recommendation(self, number: int) -> Recommendation:
        for rec in self.recommendations:
            if rec.number == number:
                return rec
        raise AdvisorError(f"the report has no recommendation {number}")


def body_items(body: str) -> tuple[str, ...]:
    """Bullet items of a block body; an item under a bold label reads "Label: item"."""
    items: list[str] = []
    label = ""
    for line in body.splitlines():
        bold = _LABEL.match(line)
        if bold:
            label = bold.group(1).strip().rstrip(":")
            continue
        bullet = _BULLET.match(line)
        if bullet:
            text = bullet.group(1).replace("**", "").strip()
            items.append(f"{label}: {text}" if label else text)
    return tuple(items)


def _recommendation(number: int, title: str, body: str) -> Recommendation:
    levers: dict[str, str] = {}
    for line in body.splitlines():
        bullet = _BULLET.match(line)
        lever = _LEVER.match(bullet.group(1)) if bullet else None
        if lever:
            levers[lever.group(1).lower()] = lever.group(2).strip()
    missing = [k for k in LEVERS if k not in levers]
    if missing:
        raise AdvisorError(f"recommendation {number} lacks its {', '.join(missing)} lever(s)")
    return Recommendation(number, title, levers["skills"], levers["technology"], levers["policy"])


def parse_report(sections: Iterable[tuple[tuple[str, ...], str]]) -> Report:
    """Build the Report from (heading path, body text) pairs in document order."""
    bodies: dict[tuple[str, ...], list[str]] = {}
    for path, body in sections:
        bodies.setdefault(tuple(path), []).append(body)
    text = {path: "\n".join(parts) for path, parts in bodies.items()}
    trends = {
        path[1]: body.strip() for path, body in text.items()
        if len(path) == 2 and path[0] == TRENDS_HEADING
    }
    found: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {}
    recs: list[Recommendation] = []
    for path in bodies:
        if len(path) >= 2 and path[0] == CANVASES_HEADING:
            archetype = archetype_of(path[1])
            if archetype is None:
                continue
            blocks = found.setdefault(archetype, (path[1], {}))[1]
            key = block_key(path[2]) if len(path) == 3 else None
            if key is not None:
                blocks[key] = blocks.get(key, ()) + body_items(text[path])
        elif len(path) == 2 and path[0] == RECOMMENDATIONS_HEADING:
            match = _RECOMMENDATION.match(path[1])
            if match:
                recs.append(_recommendation(int(match.group(1)), match.group(2), text[path]))
    missing = [k for k in ARCHETYPES if k not in found]
    if missing:
        raise AdvisorError(
            f"the indexed report lacks the {', '.join(missing)} canvas(es): run `advisor ingest`"
        )
    canvases = {
        key: ReportCanvas(
            archetype=key,
            title=found[key][0],
            blocks={b: found[key][1].get(b, ()) for b in CANVAS_BLOCKS},
            trend=trends.get(ARCHETYPES[key][1], ""),
        )
        for key in ARCHETYPES
    }
    if not recs:
        raise AdvisorError("the indexed report has no key recommendations: run `advisor ingest`")
    return Report(canvases=canvases, recommendations=tuple(sorted(recs, key=lambda r: r.number)))


def load_report(path: Path) -> Report:
    """Parse the report's canvases and recommendations from its Markdown file."""
    from ingest.loaders import load_file

    return parse_report((block.path, block.text) for block in load_file(path))


def report_from_chunks(chunks: Iterable[Chunk]) -> Report:
    """Parse the Report from indexed chunks (each chunk's text opens with its heading path)."""
    return parse_report((c.section_path, c.body) for c in chunks)


@dataclass(frozen=True)
class ReportIndex:
    """The Report bound to the live index: which chunk holds each block, item and recommendation."""

    report: Report
    by_section: Mapping[str, tuple[Chunk, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, chunks: Iterable[Chunk]) -> ReportIndex:
        chunks = list(chunks)
        by_section: dict[str, tuple[Chunk, ...]] = {}
        for chunk in chunks:
            by_section[chunk.section] = by_section.get(chunk.section, ()) + (chunk,)
        return cls(report=report_from_chunks(chunks), by_section=by_section)

    def block_chunks(self, archetype: str, block: str) -> tuple[Chunk, ...]:
        """The indexed chunks of one canvas block ("the servitised canvas's revenue streams")."""
        return self.by_section.get(self.report.canvas(archetype).section(block), ())

    def item_chunk(self, archetype: str, block: str, item: str) -> Chunk:
        """The indexed chunk that holds one item of a canvas block."""
        chunks = self.block_chunks(archetype, block)
        if not chunks:
            raise AdvisorError(f"no indexed chunk for the {archetype} canvas's {block}")
        last = item.rsplit(": ", 1)[-1]
        for chunk in chunks:
            if last in chunk.text.replace("**", ""):
                return chunk
        return chunks[0]

    def recommendation_chunk(self, number: int) -> Chunk:
        """The indexed chunk of one recommendation (its first part if it was split)."""
        section = self.report.recommendation(number).section
        chunks = self.by_section.get(section, ())
        if not chunks:
            raise AdvisorError(f"no indexed chunk for recommendation {number}")
        return chunks[0]
