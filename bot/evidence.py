"""Evidence mode: an answer composed from the retrieved report text alone, no model.

The answer is a one-line lead naming the sections found, then short bullets quoted verbatim
from the best chunks, grouped by section (or by business model for a comparison), each ending
with the [n] of its chunk. Nothing is paraphrased, so nothing the report does not say is stated.
Markers here number the hits 1..k; `bot.citations.validate` renumbers them densely afterwards.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from bot.lexical import tokenize
from bot.query import expand
from bot.refusal import fold_demonyms
from bot.subjects import Subject
from bot.types import SECTION_SEP, Hit

MAX_SECTIONS = 3  # sections quoted for an ordinary question
MAX_TOP_ITEMS = 8  # bullets from the best chunk
MAX_OTHER_ITEMS = 4  # bullets from each further chunk
MAX_ITEM_CHARS = 300
RELATIVE_SCORE = 0.55  # a further chunk must score this share of the best fused score
RELATIVE_ITEM = 0.5  # in a long chunk, bullets must score this share of the best bullet

_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
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

    def score(self, tokens: Sequence[str]) -> float:
        return sum(self.weight[t] for t in self.terms.intersection(tokens))


def _pick(scored: list[tuple[Item, float]], limit: int, keep_all: bool) -> list[Item]:
    if keep_all and len(scored) <= limit:
        return [item for item, _ in scored]
    best = max((s for _, s in scored), default=0.0)
    if best <= 0:
        return [item for item, _ in scored[:limit]] if keep_all else []
    good = [(item, s) for item, s in scored if s >= RELATIVE_ITEM * best]
    good = sorted(good, key=lambda pair: -pair[1])[:limit]
    return sorted((item for item, _ in good), key=lambda item: item.order)


Chosen = list[tuple[int, Hit, list[Item]]]


def _select(question: str, hits: Sequence[Hit], max_sections: int) -> Chosen:
    """(hit number, hit, bullets) for the chunks worth quoting, best first."""
    if not hits:
        return []
    parsed = [(n, hit, items(hit)) for n, hit in enumerate(hits, start=1)]
    pool = [tokenize(item.text) for _, _, its in parsed for item in its]
    scorer = _Scorer(question, pool)
    top_score = hits[0].score
    chosen: list[tuple[int, Hit, list[Item]]] = []
    for n, hit, its in parsed:
        if len(chosen) >= max_sections:
            break
        if not its:
            continue
        scored = [(item, scorer.score(tokenize(item.text))) for item in its]
        first = not chosen
        heading = scorer.score(tokenize(hit.chunk.section))
        if not first:
            if hit.score < RELATIVE_SCORE * top_score:
                continue
            if heading <= 0 and max(s for _, s in scored) <= 0:
                continue
        limit = MAX_TOP_ITEMS if first else MAX_OTHER_ITEMS
        picked = _pick(scored, limit, keep_all=first or heading > 0)
        if picked:
            chosen.append((n, hit, picked))
    return chosen


def _bullets(n: int, picked: Sequence[Item]) -> list[str]:
    return [f"- {item.text} [{n}]" for item in picked]


def compose(question: str, hits: Sequence[Hit]) -> str:
    """An evidence-mode answer: a lead naming the sections, then cited bullets per section."""
    chosen = _select(question, hits, MAX_SECTIONS)
    if not chosen:
        return ""
    labels = [section_label(hit.chunk.section) for _, hit, _ in chosen]
    lines = [f"The report addresses this in {_join(labels)}:"]
    for (n, _, picked), label in zip(chosen, labels, strict=True):
        lines += ["", f"**{label}**", *_bullets(n, picked)]
    return "\n".join(lines)


def compose_comparison(
    question: str, hits: Sequence[Hit], subjects: Sequence[Subject], prefixes: Sequence[str]
) -> str:
    """A comparison answer grouped by business model: each side quotes its own chunks."""
    sides: list[tuple[Subject, list[tuple[int, Hit, list[Item]]]]] = []
    for subject, prefix in zip(subjects, prefixes, strict=True):
        mine = [h for h in hits if h.chunk.section.startswith(prefix)]
        chosen = _select(question, mine, 1) if mine else []
        # _select numbers its input from 1: map back to the numbering of `hits`.
        sides.append((subject, [(hits.index(h) + 1, h, its) for _, h, its in chosen]))
    if not any(chosen for _, chosen in sides):
        return compose(question, hits)
    names = [s.label for s, _ in sides]
    lines = [f"The report's material on {_join(names)}, side by side:"]
    for subject, chosen in sides:
        lines += ["", f"**{subject.label[0].upper()}{subject.label[1:]}**"]
        if not chosen:
            lines.append(f"- The retrieved report text says nothing on this for {subject.label}.")
            continue
        for n, hit, picked in chosen:
            lines.append(f"*{section_label(hit.chunk.section)}*")
            lines += _bullets(n, picked)
    return "\n".join(lines)
