"""The outline of the indexed documents: sections in order, their items, and the report's lists.

`Outline` is generic: any document's headings and bullets (or sentences) become sections and
items, each tied to the chunk that holds it so it can be cited. On top of it, the report's own
lists (why / impact / challenges, six trends, six models, ten recommendations and their levers,
one block across all six canvases, one whole canvas, contributors) are named by `LIST_SPECS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.report.outline import (
    ARCHETYPES,
    BLOCK_HEADINGS,
    BLOCK_TITLES,
    CANVASES_HEADING,
    LEVERS,
    RECOMMENDATIONS_HEADING,
    TRENDS_HEADING,
    body_items,
)
from bot.types import CANVAS_BLOCKS, SECTION_SEP, Chunk

WHY = "Why Manufacturing Business Models Matter"
ABOUT = "About the Report"
CLOSING = "Closing Statement"
CONTRIBUTORS = "Contributors"

# The report's fixed lists: key -> (title, the section whose items form the list).
LIST_SPECS: dict[str, tuple[str, str]] = {
    "why": ("Why manufacturing business model innovation matters",
            f"{WHY}{SECTION_SEP}Why does manufacturing business model innovation matter?"),
    "impact": ("How business model innovation impacts the sector",
               f"{WHY}{SECTION_SEP}How does manufacturing business model innovation impact the "
               "sector?"),
    "challenges": ("The challenges of manufacturing business model innovation",
                   f"{WHY}{SECTION_SEP}What are the challenges of manufacturing business model "
                   "innovation?"),
    "contributors": ("The report's contributors", CONTRIBUTORS),
    "about": ("About the report", ABOUT),
    "closing": ("The closing statement", CLOSING),
}

_BULLET = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s+(.*\S)\s*$")
_LABEL = re.compile(r"^\s*\*\*(.+?):?\*\*:?\s*$")
_LEVER = re.compile(r"^\*\*(Skills|Technology|Policy):\*\*\s*", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@dataclass(frozen=True)
class Entry:
    """One item of a list, with the chunk that holds it and an optional label (its model...)."""

    text: str
    chunk: Chunk
    label: str = ""


@dataclass(frozen=True)
class NamedList:
    """A list the outline can give whole: its key, title and every entry in document order."""

    key: str
    title: str
    entries: tuple[Entry, ...]
    notes: tuple[str, ...] = field(default=())
    intro: Entry | None = None


_ORDER = [lead.lower() for pair in ARCHETYPES.values() for lead in pair]


def _order(section: str) -> tuple[int, int]:
    """Sort key of a section among its siblings: its number, else its archetype's place."""
    last = section.split(SECTION_SEP)[-1]
    number = re.match(r"^(\d+)[.)]\s", last)
    if number:
        return (0, int(number.group(1)))
    lowered = last.lower()
    for i, lead in enumerate(_ORDER):
        if lowered.startswith(lead):
            return (1, i // 2)
    return (2, 0)


def _plain(text: str) -> str:
    return text.replace("**", "").replace("__", "").strip()


def chunk_items(chunk: Chunk) -> list[str]:
    """A chunk's bullets (an item under a bold label reads "Label: item"), else its sentences."""
    bullets = list(body_items(chunk.body))
    if bullets:
        return bullets
    prose = [line for line in chunk.body.splitlines()
             if line.strip() and not line.lstrip().startswith("#") and not _LABEL.match(line)]
    return [s for line in prose for s in _SENTENCE.split(_plain(line)) if s.strip()]


class Outline:
    """Sections of the indexed documents in index order, their chunks, items and children."""

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        self.sections: dict[str, list[Chunk]] = {}
        self._named: dict[str, NamedList | None] = {}
        for chunk in chunks:
            self.sections.setdefault(chunk.section, []).append(chunk)

    def chunks(self, section: str) -> list[Chunk]:
        return self.sections.get(section, [])

    def items(self, section: str) -> list[Entry]:
        """Every item of one section, each with its chunk."""
        return [Entry(t, c) for c in self.chunks(section) for t in chunk_items(c)]

    def children(self, section: str) -> list[str]:
        """The direct sub-sections of a section (numbered ones in number order, the report's
        models and trends in the report's order, others in index order)."""
        depth = section.count(SECTION_SEP) + 1
        prefix = section + SECTION_SEP
        found = [
            SECTION_SEP.join(s.split(SECTION_SEP)[:depth + 1])
            for s in self.sections if s.startswith(prefix)
        ]
        return sorted(dict.fromkeys(found), key=_order)

    def has_report(self) -> bool:
        return any(s.startswith(RECOMMENDATIONS_HEADING) for s in self.sections) and any(
            s.startswith(CANVASES_HEADING) for s in self.sections
        )

    # -- the report's lists ----------------------------------------------------------------

    def named(self, key: str) -> NamedList | None:
        """The report list with this key (see `list_keys`), or None when it is not indexed;
        built once per outline (the outline itself lives as long as its index generation)."""
        if key not in self._named:
            self._named[key] = self._build(key)
        return self._named[key]

    def _build(self, key: str) -> NamedList | None:
        if key in LIST_SPECS:
            title, section = LIST_SPECS[key]
            entries = self.items(section)
        elif key == "trends":
            title, entries = "The six innovation trends", self._trends()
        elif key == "models":
            title, entries = "The six new business models", self._models()
        elif key == "recommendations":
            title, entries = "The ten key recommendations", self._recommendations()
        elif key.startswith("levers:") and key[7:] in LEVERS:
            title = f"The {key[7:]} lever of each recommendation"
            entries = self._levers(key[7:])
        elif key.startswith("block:") and key[6:] in BLOCK_HEADINGS:
            return self._block_across(key[6:])
        elif key.startswith("canvas:") and key.split(":")[1] in ARCHETYPES:
            _, archetype, *block = key.split(":")
            return self._canvas(archetype, *block)
        else:
            return None
        if not entries:
            return None
        parent = {"trends": TRENDS_HEADING, "models": CANVASES_HEADING,
                  "recommendations": RECOMMENDATIONS_HEADING}.get(key)
        intro = next(iter(self.items(parent)), None) if parent else None
        return NamedList(key, title, tuple(entries), intro=intro)

    def _trends(self) -> list[Entry]:
        out = []
        for section in self.children(TRENDS_HEADING):
            chunks = self.chunks(section)
            if chunks:
                text = " ".join(chunk_items(chunks[0])) or section.split(SECTION_SEP)[-1]
                out.append(Entry(text, chunks[0], section.split(SECTION_SEP)[-1]))
        return out

    def _models(self) -> list[Entry]:
        out = []
        for section in self.children(CANVASES_HEADING):
            name = section.split(SECTION_SEP)[-1]
            vp = self.chunks(f"{section}{SECTION_SEP}{BLOCK_HEADINGS['value_propositions']}")
            chunk = vp[0] if vp else next(iter(self._under(section)), None)
            if chunk is None:
                continue
            first = chunk_items(chunk)[:1] if vp else []
            text = f"{name}: {first[0]}" if first else name
            out.append(Entry(text, chunk, name))
        return out

    def _under(self, section: str) -> list[Chunk]:
        return [c for s, cs in self.sections.items() if s.startswith(section) for c in cs]

    def _recommendations(self) -> list[Entry]:
        out = []
        for section in self.children(RECOMMENDATIONS_HEADING):
            chunks = self.chunks(section)
            if chunks:
                out.append(Entry(section.split(SECTION_SEP)[-1], chunks[0]))
        return out

    def _levers(self, lever: str) -> list[Entry]:
        out = []
        for section in self.children(RECOMMENDATIONS_HEADING):
            title = section.split(SECTION_SEP)[-1]
            for chunk in self.chunks(section):
                for line in chunk.body.splitlines():
                    bullet = _BULLET.match(line)
                    match = _LEVER.match(bullet.group(1)) if bullet else None
                    if bullet and match and match.group(1).lower() == lever:
                        out.append(Entry(_plain(bullet.group(1)[match.end():]), chunk, title))
        return out

    def _block_across(self, block: str) -> NamedList | None:
        entries: list[Entry] = []
        notes: list[str] = []
        for section in self.children(CANVASES_HEADING):
            name = section.split(SECTION_SEP)[-1]
            found = self.items(f"{section}{SECTION_SEP}{BLOCK_HEADINGS[block]}")
            if not found:
                notes.append(f"The report leaves {BLOCK_TITLES[block]} empty for {name}.")
            entries += [Entry(e.text, e.chunk, name) for e in found]
        if not entries:
            return None
        title = f"{BLOCK_TITLES[block]} across the six business models"
        return NamedList(f"block:{block}", title, tuple(entries), tuple(notes))

    def _canvas(self, archetype: str, only: str | None = None) -> NamedList | None:
        """One canvas whole, or (with `only`) one block of it whole."""
        name = f"{ARCHETYPES[archetype][0]} Business Models"
        section = f"{CANVASES_HEADING}{SECTION_SEP}{name}"
        entries: list[Entry] = []
        notes: list[str] = []
        for block in [only] if only else CANVAS_BLOCKS:
            found = self.items(f"{section}{SECTION_SEP}{BLOCK_HEADINGS[block]}")
            if not found:
                notes.append(f"The report leaves {BLOCK_TITLES[block]} empty for {name}.")
            entries += [Entry(e.text, e.chunk, "" if only else BLOCK_TITLES[block]) for e in found]
        if only:
            key, title = f"canvas:{archetype}:{only}", f"{BLOCK_TITLES[only]} of the {name} canvas"
        else:
            key, title = f"canvas:{archetype}", f"The {name} canvas"
        return NamedList(key, title, tuple(entries), tuple(notes)) if entries else None

    def generic(self, section: str) -> NamedList | None:
        """Any section's items as a list (documents users add get their outline this way)."""
        entries = self.items(section)
        for child in self.children(section):
            entries += [Entry(e.text, e.chunk, child.split(SECTION_SEP)[-1])
                        for e in self.items(child)]
        if not entries:
            return None
        return NamedList(section, section.split(SECTION_SEP)[-1], tuple(entries))


def list_keys() -> list[str]:
    """Every list key `Outline.named` knows."""
    return [
        *LIST_SPECS, "trends", "models", "recommendations",
        *(f"levers:{lever}" for lever in LEVERS),
        *(f"block:{b}" for b in CANVAS_BLOCKS),
        *(f"canvas:{a}" for a in ARCHETYPES),
        *(f"canvas:{a}:{b}" for a in ARCHETYPES for b in CANVAS_BLOCKS),
    ]


def archetype_section(archetype: str) -> str:
    """The heading path of one archetype's canvas."""
    return f"{CANVASES_HEADING}{SECTION_SEP}{ARCHETYPES[archetype][0]} Business Models"


def block_section(archetype: str, block: str) -> str:
    return f"{archetype_section(archetype)}{SECTION_SEP}{BLOCK_HEADINGS[block]}"

