"""Answers built from the outline rather than from the top chunks: enumerations and overviews.

An enumeration quotes every item of the named list (all ten recommendations, every policy
lever, one block across all six canvases); an overview gives the report in a few lines. Each
line cites the chunk that holds it. `Pack` numbers the cited chunks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.answers.targets import recommendation_numbers
from bot.report.catalog import ABOUT, CLOSING, Entry, NamedList, Outline, chunk_items
from bot.report.vocabulary import DEMONYMS, REGIONS
from bot.types import Chunk, Hit

ITEM_CHARS = 220  # an enumerated item is cut at a word boundary beyond this
ALL_ITEMS_CHARS = 5200  # an enumeration over several lists stops adding lists beyond this
LEVER_CHARS = 125  # a lever under its recommendation, when several levers are listed


class Pack:
    """The chunks an answer cites, numbered 1.. in the order they are first cited."""

    def __init__(self, hits: Sequence[Hit] = ()) -> None:
        self.hits: list[Hit] = []
        self._numbers: dict[str, int] = {}
        for hit in hits:
            self.cite(hit.chunk, hit.score)

    def cite(self, chunk: Chunk, score: float = 1.0) -> str:
        """The [n] marker of a chunk (added to the pack on first use)."""
        n = self._numbers.get(chunk.id)
        if n is None:
            self.hits.append(Hit(chunk=chunk, score=score, rank=len(self.hits) + 1))
            n = self._numbers[chunk.id] = len(self.hits)
        return f"[{n}]"


_PLACE = re.compile(r"\(([^()]+)\)\s*$")  # "Roberto Sala, University of Bergamo (Italy)"


def cut(text: str, limit: int = ITEM_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _entry_lines(named: NamedList, pack: Pack) -> list[str]:
    lines: list[str] = []
    if named.intro is not None:
        lines.append(f"_{cut(named.intro.text)}_ {pack.cite(named.intro.chunk)}")
    group = None
    numbered = named.key == "recommendations"
    grouped = named.key.startswith(("block:", "canvas:", "levers:"))
    for entry in named.entries:
        if grouped and entry.label != group:
            group = entry.label
            if group and not named.key.startswith("levers:"):  # one block of one canvas: none
                lines += ["", f"*{group}*", ""]
        if named.key.startswith("levers:"):
            lines.append(f"- {cut(entry.label, 90)}: {cut(entry.text)} {pack.cite(entry.chunk)}")
        elif numbered:
            lines.append(f"{cut(entry.text)} {pack.cite(entry.chunk)}")
        elif named.key == "trends" and entry.label.lower() not in entry.text.lower():
            lines.append(f"- {entry.label}: {cut(entry.text)} {pack.cite(entry.chunk)}")
        else:
            lines.append(f"- {cut(entry.text)} {pack.cite(entry.chunk)}")
    lines += [f"_{note}_" for note in named.notes]
    return lines


def _of_recommendations(named: NamedList, numbers: tuple[str, ...]) -> NamedList:
    """A list by recommendation (titles, levers) cut to the numbered ones ("1. ", "4. ")."""
    if named.key != "recommendations" and not named.key.startswith("levers:"):
        return named
    entries = tuple(e for e in named.entries if (e.label or e.text).startswith(numbers))
    if not entries or len(entries) == len(named.entries):
        return named
    which = sorted((n.strip(". ") for n in numbers), key=int)
    names = " and ".join([", ".join(which[:-1]), which[-1]] if len(which) > 1 else which)
    several = f"recommendation{'s' * (len(which) > 1)} {names}"
    title = (several.capitalize() if named.key == "recommendations"  # "Recommendations 4 and 7"
             else named.title.replace("each recommendation", several))  # "The policy lever of"
    return replace(named, entries=entries, title=title)


def _with_levers(
    outline: Outline, levers: Sequence[str], pack: Pack, numbers: tuple[str, ...] = ()
) -> str:
    """Each recommendation (or the numbered ones) with the asked levers under it."""
    by_rec: dict[str, list[tuple[str, Entry]]] = {}
    for key in levers:
        named = outline.named(key)
        if named is not None and numbers:
            named = _of_recommendations(named, numbers)
        for entry in named.entries if named else ():
            by_rec.setdefault(entry.label, []).append((key[7:].title(), entry))
    lines = []
    for title, found in by_rec.items():
        lines.append(f"{cut(title, 110)} {pack.cite(found[0][1].chunk)}")
        limit = LEVER_CHARS * 4 if numbers else LEVER_CHARS  # the recommendations asked for: whole
        lines += [f"   - {lever}: {cut(e.text, limit)}" for lever, e in found]
    return "\n".join(lines)


def places_in(question: str, named: NamedList) -> tuple[str, ...]:
    """The places (as the list's entries write them, "Italy") that a question narrows a list
    of people to: countries, their adjectives and regions; () when it names none."""
    text = f" {' '.join(re.findall(r'[a-z.]+', question.lower()))} "
    words = re.findall(r"[a-z.]+", question.lower())  # "u.s." keeps its dots, "Sweden." does not
    wanted = {DEMONYMS.get(w) or DEMONYMS.get(w.strip("."), w.strip(".")) for w in words}
    for region, countries in REGIONS.items():
        if f" {region} " in text:
            wanted.update(countries)
    found = []
    for entry in named.entries:
        match = _PLACE.search(entry.text)
        if match and match.group(1).lower() in wanted:
            found.append(match.group(1))
    return tuple(dict.fromkeys(found))


def enumerate_lists(
    outline: Outline, keys: Sequence[str], question: str = ""
) -> tuple[str, list[Hit]]:
    """Every item of each named list, cited; ("", []) when none of them is indexed. A list of
    people is narrowed to the places the question names ("contributors from Italy")."""
    pack = Pack()
    parts: list[str] = []
    size = 0
    numbers = tuple(f"{n}. " for n in recommendation_numbers(keys))
    levers = [k for k in keys if k.startswith("levers:")]
    if numbers and not levers and "recommendations" not in keys:  # "... and what does rec 9 say"
        levers = ["levers:skills", "levers:technology", "levers:policy"]
    if len(levers) > 1:
        body = _with_levers(outline, levers, pack, numbers)
        names = " / ".join(k[7:] for k in levers)
        keys = [k for k in keys if k not in levers and k != "recommendations"]
        if body and numbers:
            parts.append(f"**The recommendations you named, with their {names} levers**:\n{body}")
        elif body:
            parts.append(f"**The ten key recommendations with their {names} levers**:\n{body}")
            size += len(body)
    lists = [named for key in keys if (named := outline.named(key)) is not None]
    lists = [_narrowed(named, question) if named.key == "contributors" else named
             for named in lists]
    if numbers:  # "the skills levers of recs 1, 4 and 7"
        lists = [_of_recommendations(named, numbers) for named in lists]
    for named in lists:
        lines = _entry_lines(named, pack)
        block = "\n".join(lines)
        if parts and size + len(block) > ALL_ITEMS_CHARS:
            parts.append(f"(Ask for {named.title.lower()} on its own for that list too.)")
            break
        count = len(named.entries)
        head = f"**{named.title}** ({count} item{'s' if count != 1 else ''}):" if (
            not named.key.startswith(("about", "closing"))
        ) else f"**{named.title}**:"
        parts.append(f"{head}\n{block}")
        size += len(block)
    if not parts:
        return "", []
    lead = ("Everything the report lists on this:" if len(parts) > 1 else
            "From the report:" if numbers else "The report's full list:")
    return f"{lead}\n\n" + "\n\n".join(parts), pack.hits


def _narrowed(named: NamedList, question: str) -> NamedList:
    places = places_in(question, named)
    if not places:
        return named
    entries = tuple(e for e in named.entries
                    if (m := _PLACE.search(e.text)) and m.group(1) in places)
    where = " and ".join([", ".join(places[:-1]), places[-1]] if len(places) > 1 else places)
    return replace(named, title=f"{named.title} from {where}", entries=entries)


def _first(outline: Outline, section: str) -> tuple[str, Chunk] | None:
    chunks = outline.chunks(section)
    if not chunks:
        return None
    items = chunk_items(chunks[0])
    return (items[0] if items else chunks[0].body.strip()), chunks[0]


def _inline(entries: Sequence[Entry], pack: Pack, limit: int = 12) -> str:
    """Short items run together in one line, each chunk cited once at its last item."""
    shown = entries[:limit]
    out = []
    for i, entry in enumerate(shown):
        last = i + 1 == len(shown) or shown[i + 1].chunk.id != entry.chunk.id
        out.append(cut(entry.text, 80) + (f" {pack.cite(entry.chunk)}" if last else ""))
    return "; ".join(out)


def overview(outline: Outline) -> tuple[str, list[Hit]]:
    """The report in a few lines: what it is, why it matters, trends, models, recommendations,
    and its closing statement."""
    pack = Pack()
    lines: list[str] = ["The report in brief:"]
    about = _first(outline, ABOUT)
    if about:
        lines += ["", f"**What it is.** {cut(about[0], 260)} {pack.cite(about[1])}"]
    why = outline.named("why")
    if why:
        lines += ["", f"**Why it matters.** {_inline(why.entries, pack)}."]
    challenges = outline.named("challenges")
    if challenges:
        lines += [f"**What makes it hard.** {_inline(challenges.entries, pack)}."]
    for key, head in (("trends", "Six innovation trends"), ("models", "Six new business models")):
        named = outline.named(key)
        if named is None:
            continue
        lines += ["", f"**{head}.**"]
        for entry in named.entries:
            text = entry.label if key == "models" else entry.text
            lines.append(f"- {cut(text, 140)} {pack.cite(entry.chunk)}")
    recs = outline.named("recommendations")
    if recs:
        lines += ["", "**Ten key recommendations.**"]
        lines += [f"{cut(e.text, 140)} {pack.cite(e.chunk)}" for e in recs.entries]
    closing = _first(outline, CLOSING)
    if closing:
        lines += ["", f"**Closing.** {cut(closing[0], 220)} {pack.cite(closing[1])}"]
    if len(pack.hits) == 0:
        return "", []
    return "\n".join(lines), pack.hits


def generic_overview(outline: Outline, limit: int = 8) -> tuple[str, list[Hit]]:
    """For documents without the report's structure: their top-level sections, one line each."""
    pack = Pack()
    tops = [s for s in outline.sections if " > " not in s][:limit]
    lines = ["The indexed documents in brief:"]
    for section in tops:
        first = _first(outline, section)
        if first:
            lines.append(f"- **{section}**: {cut(first[0], 160)} {pack.cite(first[1])}")
    return ("\n".join(lines), pack.hits) if pack.hits else ("", [])
