"""What a question is about: the report's business models and trends, canvas blocks, comparisons.

Used to cover both sides of a comparison, to carry the subject of the last turn into a
follow-up, and to group evidence by business model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.report.outline import BLOCK_HEADINGS
from bot.report.vocabulary import BLOCK_PATTERNS, COMPARE, CONTRIBUTOR, SUBJECT_PATTERNS, TREND
from bot.types import SECTION_SEP


@dataclass(frozen=True)
class Subject:
    """One of the report's six business models (or the matching innovation trend)."""

    key: str
    label: str
    model_section: str
    trend_section: str
    pattern: re.Pattern[str]

    def section(self, trend: bool) -> str:
        return self.trend_section if trend else self.model_section


_MODELS = "New Business Models"
_TRENDS = "Manufacturing Business Model Innovation Trends"


def _subject(key: str, label: str, model: str, trend: str, pattern: str) -> Subject:
    return Subject(
        key, label, f"{_MODELS}{SECTION_SEP}{model}", f"{_TRENDS}{SECTION_SEP}{trend}",
        re.compile(pattern, re.IGNORECASE),
    )


SUBJECTS: tuple[Subject, ...] = tuple(
    _subject(key, label, model, trend, SUBJECT_PATTERNS[key])
    for key, label, model, trend in (
        ("digital", "digital", "Digital Business Models", "Digital Economy"),
        ("data", "data-driven", "Data-driven Business Models", "Data Economy"),
        ("ai", "AI-based", "AI-based Business Models", "Artificial Intelligence Economy"),
        ("mass", "mass-customisation", "Mass-Customisation Business Models",
         "Mass-Customisation Economy"),
        ("servitised", "servitised", "Servitised Business Models", "Servitisation Economy"),
        ("circular", "circular", "Circular Business Models", "Circular Economy"),
    )
)

BLOCKS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (key, BLOCK_HEADINGS[key], re.compile(pattern, re.IGNORECASE))
    for key, pattern in BLOCK_PATTERNS.items()
)

_COMPARE = re.compile(COMPARE, re.IGNORECASE)
_TREND = re.compile(TREND, re.IGNORECASE)
_RISKIER = re.compile(r"\b(risk\w*|safer|danger\w*|harder|easier|costl\w*|cheaper|"
                      r"expensive|invest\w*)\b", re.IGNORECASE)


# A model word the user negates: "no digital stuff yet", "we are not circular at all".
_NEGATED = re.compile(r"\b(?:no|not|non|without)[\s-]+(?:[\w'’]+\s+)?$", re.IGNORECASE)


def subjects_in(text: str) -> list[Subject]:
    """The business models a text names (not those it negates), in the order it names them."""
    found = []
    for subject in SUBJECTS:
        first = next((m for m in subject.pattern.finditer(text)
                      if not _NEGATED.search(text[: m.start()])), None)
        if first is not None:
            found.append((first.start(), subject))
    return [s for _, s in sorted(found, key=lambda pair: pair[0])]


def block_in(text: str) -> tuple[str, str] | None:
    """The canvas block (key, heading) a text asks about, if any."""
    found = [(m.start(), key, label) for key, label, p in BLOCKS if (m := p.search(text))]
    if not found:
        return None
    _, key, label = min(found)
    return key, label


def is_trend_question(text: str) -> bool:
    return bool(_TREND.search(text))


def comparison(question: str) -> list[Subject]:
    """The compared business models (two or more), or [] when it is no comparison."""
    if not _COMPARE.search(question):
        return []
    found = subjects_in(question)
    return found if len(found) >= 2 else []


CONTRIBUTORS = "Contributors"
_CONTRIBUTOR = re.compile(CONTRIBUTOR, re.IGNORECASE)


def targeted_section(question: str) -> tuple[str, str] | None:
    """For a question on one canvas block of one business model, or on the contributors:
    (a retrieval query, the exact section that answers it)."""
    if _CONTRIBUTOR.search(question):
        return "Contributors to the report and their affiliations", CONTRIBUTORS
    if is_trend_question(question) or _COMPARE.search(question):
        return None
    found = subjects_in(question)
    block = block_in(question)
    if len(found) != 1 or block is None:
        return None
    section = f"{found[0].model_section}{SECTION_SEP}{block[1]}"
    return f"{found[0].model_section.split(SECTION_SEP)[-1]} {block[1]}", section


def subject_query(subject: Subject, question: str) -> tuple[str, str]:
    """A retrieval query for one side of a comparison, and the section prefix it must hit."""
    trend = is_trend_question(question)
    prefix = subject.section(trend)
    block = None if trend else block_in(question)
    if block is None and not trend and _RISKIER.search(question):
        # "Which is riskier?": what each costs is the closest a canvas comes to its risks.
        block = ("cost_structure", "Cost Structure")
    if block is None and not trend:
        # Two models compared as a whole: what each offers is what sets them apart.
        block = ("value_propositions", "Value Propositions")
    if block is not None:
        return f"{prefix.split(SECTION_SEP)[-1]} {block[1]}", f"{prefix}{SECTION_SEP}{block[1]}"
    return f"{prefix.split(SECTION_SEP)[-1]}: {question}", prefix
