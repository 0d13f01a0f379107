"""Evidence mode: an answer composed from the retrieved report text alone, no model.

The answer is a one-line lead naming the sections found, then short bullets quoted verbatim from
the best chunks, grouped by section (or by business model for a comparison), each ending with
the [n] of its chunk. Nothing is paraphrased, so nothing the report does not say is stated.
Markers here number the hits 1..k; `bot.answers.citations.validate` renumbers them densely
afterwards."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answers.scope import fold_demonyms
from bot.answers.subjects import Subject
from bot.index.lexical import tokenize
from bot.index.query import expand
from bot.types import SECTION_SEP, Hit

MAX_SECTIONS = 3  # sections quoted for an ordinary question
MAX_TOP_ITEMS = 8  # matching bullets from the best chunk when it is a long list
MAX_OTHER_ITEMS = 4  # bullets from each further chunk
MAX_ITEM_CHARS = 300
RELATIVE_SCORE = 0.55  # a further chunk must score this share of the best fused score
RELATIVE_ITEM = 0.5  # in a long chunk, bullets must score this share of the best bullet

_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_SENTENCE = re.compile(r"(?<!\bProf\.)(?<!\bDr\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\bNo\.)"
                       r"(?<=[.!?])\s+(?=[A-Z\"“(])")
_LABEL = re.compile(r"^\*\*(.+?):?\*\*:?\s*$")
_GENERIC = frozenset(tokenize("business model models manufacturing manufacturer manufacturers"))


@dataclass(frozen=True)
class Item:
    """One quotable bullet or sentence of a chunk."""

    text: str
    order: int


def strip_markdown(text: str) -> str:
    return _BOLD.sub(lambda m: m.group(1) or m.group(2), text).replace("`", "").strip()


def shorten(text: str, limit: int = MAX_ITEM_CHARS) -> str:
    """The text cut at a word boundary, with an ellipsis, when longer than the limit."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}…"


def items(hit: Hit) -> list[Item]:
    """The quotable bullets and sentences of a chunk, heading-path line and markup removed."""
    lines = hit.chunk.text.strip().splitlines()
    if lines and (lines[0].strip() == hit.chunk.section.strip() or SECTION_SEP in lines[0]):
        lines = lines[1:]
    out: list[str] = []
    label = ""
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        sub = _LABEL.match(line)
        if sub:
            label = sub.group(1).strip().rstrip(":")
            continue
        if line[:2] in ("- ", "* ") or re.match(r"^\d+\.\s", line):
            text = strip_markdown(re.sub(r"^(?:[-*]|\d+\.)\s+", "", line))
            out.append(f"{label}: {text}" if label else text)
        else:
            out.extend(s for s in _SENTENCE.split(strip_markdown(line)) if s.strip())
    return [Item(shorten(t), i) for i, t in enumerate(out)]


def section_label(section: str) -> str:
    """A readable name for a section path."""
    parts = [p.strip() for p in section.split(SECTION_SEP) if p.strip()]
    if not parts:
        return "the report"
    if len(parts) >= 3:
        return f"{parts[-2]} — {parts[-1]}"
    if len(parts) == 2 and "recommendation" in parts[0].lower():
        return f"Recommendation {parts[1]}"
    if len(parts) == 2 and "trends" in parts[0].lower():
        return f"Trends — {parts[1]}"
    return parts[-1]


def short_label(section: str) -> str:
    """A section name short enough for the lead line."""
    label = section_label(section)
    match = re.match(r"^Recommendation (\d+)\.", label)
    return f"Recommendation {match.group(1)}" if match else label


def _join(labels: Sequence[str]) -> str:
    if len(labels) <= 1:
        return "".join(labels)
    return f"{', '.join(labels[:-1])} and {labels[-1]}"


class _Scorer:
    """Weights question words by how rare they are among the candidate bullets."""

    def __init__(self, question: str, pool: Sequence[list[str]]) -> None:
        self.terms = set(tokenize(fold_demonyms(expand(question)))) - _GENERIC
        df = Counter(t for toks in pool for t in set(toks))
        n = max(len(pool), 1)
        self.weight = {t: math.log(1 + n / (1 + df[t])) for t in self.terms}

    def score(self, tokens: Sequence[str], heading: Sequence[str] = ()) -> float:
        """Weight of the question words in tokens, leaving out words of the chunk's heading."""
        return sum(self.weight[t] for t in self.terms.intersection(tokens).difference(heading))


Chosen = list[tuple[int, "Hit", list["Item"]]]
MAX_ITEMS = 16  # bullets in a whole answer (a further section is added only below this)
MAX_LIST = 12  # a whole list is quoted when it is no longer than this


def _pick(scored: list[tuple[Item, float]], floor: float, limit: int) -> list[Item]:
    """The bullets scoring at least `floor`, best first up to `limit`, in report order."""
    good = sorted(((i, s) for i, s in scored if s >= floor and s > 0), key=lambda p: -p[1])
    return sorted((item for item, _ in good[:limit]), key=lambda item: item.order)


def _select(
    question: str,
    hits: Sequence[Hit],
    max_sections: int,
    parents: frozenset[str] = frozenset(),
    whole_named: bool = False,
) -> Chosen:
    """(hit number, hit, bullets) for the chunks worth quoting, best first.

    Introductory chunks of sections that have sub-sections go last unless the question names
    the section. The first chunk is quoted whole when it is a short list, or (whole_named, for
    one side of a comparison) a list of up to MAX_ITEMS whose heading the question names; else
    its matching bullets; a further chunk is quoted for
    its bullets that match the question about as well as the best bullet does, or whole when
    it is a short list among the three best chunks and its heading matches the question.
    """
    if not hits:
        return []
    asked = set(tokenize(question))

    def demoted(hit: Hit) -> bool:
        """An introductory chunk, unless the question names its section outright."""
        section = hit.chunk.section
        named = set(tokenize(section.split(SECTION_SEP)[-1])) - _GENERIC
        return section in parents and not named <= asked

    numbered = list(enumerate(hits, start=1))
    numbered.sort(key=lambda pair: demoted(pair[1]))  # stable
    parsed = [(n, hit, items(hit)) for n, hit in numbered]
    pool = [tokenize(item.text) for _, _, its in parsed for item in its]
    scorer = _Scorer(question, pool)
    scored_all = [
        (n, hit, [(item, scorer.score(tokenize(item.text), tokenize(hit.chunk.section)))
                  for item in its])
        for n, hit, its in parsed
    ]
    best_item = max((s for _, _, sc in scored_all for _, s in sc), default=0.0)
    top_score = max(h.score for h in hits)
    chosen: Chosen = []
    sections: list[str] = []
    count = 0
    for position, (n, hit, scored) in enumerate(scored_all):
        if not scored or count >= MAX_ITEMS:
            continue
        if hit.chunk.section not in sections and len(sections) >= max_sections:
            continue
        mine = max(s for _, s in scored)
        heading = scorer.score(tokenize(hit.chunk.section))
        if not chosen:
            named = whole_named and heading > 0 and len(scored) <= MAX_ITEMS
            whole = len(scored) <= MAX_LIST or mine <= 0 or named
            picked = ([i for i, _ in scored[:MAX_LIST]] if whole
                      else _pick(scored, RELATIVE_ITEM * mine, MAX_TOP_ITEMS))
        elif hit.score < RELATIVE_SCORE * top_score and hit.chunk.section not in sections:
            continue
        elif mine > 0 and mine >= RELATIVE_ITEM * best_item:
            picked = _pick(scored, RELATIVE_ITEM * mine, MAX_OTHER_ITEMS)
        elif position < 3 and heading > 0 and len(scored) <= MAX_LIST:
            picked = [i for i, _ in scored]
        else:
            continue
        if picked:
            chosen.append((n, hit, picked))
            count += len(picked)
            if hit.chunk.section not in sections:
                sections.append(hit.chunk.section)
    return chosen


def _grouped(chosen: Chosen) -> list[tuple[str, list[tuple[int, list[Item]]]]]:
    """Chosen chunks grouped by section, sections in order of their best chunk."""
    groups: dict[str, list[tuple[int, list[Item]]]] = {}
    for n, hit, picked in chosen:
        groups.setdefault(hit.chunk.section, []).append((n, picked))
    return list(groups.items())


def _bullets(n: int, picked: Sequence[Item]) -> list[str]:
    return [f"- {item.text} [{n}]" for item in picked]


_POINT = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")  # a line that says something cited


def keep_points(text: str, count: int) -> str:
    """A composed answer cut to `count` cited lines for "shorter pls" or "2 lines max": the
    first line under each heading in turn, so every part keeps its gist, with the lead and the
    headings above the lines kept."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]  # (lines before, cited lines)
    for line in text.splitlines():
        if _POINT.search(line):
            groups[-1][1].append(line)
        elif groups[-1][1]:
            groups.append(([line], []))
        else:
            groups[-1][0].append(line)
    keep: set[tuple[int, int]] = set()
    depth = 0
    while len(keep) < count and any(len(points) > depth for _, points in groups):
        for g, (_, points) in enumerate(groups):
            if len(points) > depth and len(keep) < count:
                keep.add((g, depth))
        depth += 1
    out: list[str] = []
    for g, (before, points) in enumerate(groups):
        kept = [line for i, line in enumerate(points) if (g, i) in keep]
        if kept or g == 0:
            out += before + kept
    total = sum(len(points) for _, points in groups)
    if len(keep) < total:
        out += ["", f"_Shortened as asked: {len(keep)} of {total} points._"]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def compose(question: str, hits: Sequence[Hit], parents: frozenset[str] = frozenset()) -> str:
    """An evidence-mode answer: a lead naming the sections, then cited bullets per section."""
    groups = _grouped(_select(question, hits, MAX_SECTIONS, parents))
    if not groups:
        return ""
    lead = _join([short_label(section) for section, _ in groups])
    lines = [f"The report addresses this in {lead}:"]
    for section, parts in groups:
        lines += ["", f"**{section_label(section)}**"]
        for n, picked in parts:
            lines += _bullets(n, picked)
    return "\n".join(lines)


def compose_comparison(
    question: str,
    hits: Sequence[Hit],
    subjects: Sequence[Subject],
    prefixes: Sequence[str],
    parents: frozenset[str] = frozenset(),
) -> str:
    """A comparison answer grouped by business model: each side quotes its own chunks."""
    sides: list[tuple[Subject, list[tuple[int, Hit, list[Item]]]]] = []
    for subject, prefix in zip(subjects, prefixes, strict=True):
        mine = [h for h in hits if h.chunk.section.startswith(prefix)]
        chosen = _select(question, mine, 1, parents, whole_named=True) if mine else []
        # _select numbers its input from 1: map back to the numbering of `hits`.
        sides.append((subject, [(hits.index(h) + 1, h, its) for _, h, its in chosen]))
    if not any(chosen for _, chosen in sides):
        return compose(question, hits, parents)
    names = [_side_name(prefix) for prefix in prefixes]
    lines = [f"The report on {_join(names)}, side by side:"]
    for (subject, chosen), name in zip(sides, names, strict=True):
        lines += ["", f"**{name}**"]
        if not chosen:
            lines.append(f"- The report text retrieved for {subject.label} says nothing on this.")
            continue
        for n, hit, picked in chosen:
            lines.append(f"*{section_label(hit.chunk.section)}*")
            lines += _bullets(n, picked)
    return "\n".join(lines)


def _side_name(prefix: str) -> str:
    parts = prefix.split(SECTION_SEP)
    return parts[1] if len(parts) > 1 else parts[0]
