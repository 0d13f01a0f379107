"""What a question is about: the report's business models and trends, canvas blocks, comparisons.

Used to cover both sides of a comparison, to carry the subject of the last turn into a
follow-up, and to group evidence by business model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


SUBJECTS: tuple[Subject, ...] = (
    _subject("digital", "digital", "Digital Business Models", "Digital Economy",
             r"\bdigital(?![- ]+(economy\b|twin|transformation|technolog))"),
    _subject("data", "data-driven", "Data-driven Business Models", "Data Economy",
             r"\bdata[- ]driven\b|\bdata economy\b|\bdata(?=[- ]+(and|or|vs\.?|versus)\b)"),
    _subject("ai", "AI-based", "AI-based Business Models", "Artificial Intelligence Economy",
             r"\bai[- ]based\b|\bai\b|\bartificial intelligence\b"),
    _subject("mass", "mass-customisation", "Mass-Customisation Business Models",
             "Mass-Customisation Economy", r"\bmass[- ]?customi[sz]\w*"),
    _subject("servitised", "servitised", "Servitised Business Models", "Servitisation Economy",
             r"\bservi[tc]i[sz]\w*"),
    _subject("circular", "circular", "Circular Business Models", "Circular Economy",
             r"\bcircular\w*"),
)

BLOCKS: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (key, label, re.compile(pattern, re.IGNORECASE))
    for key, label, pattern in (
        ("key_partners", "Key Partners",
         r"\bpartner\w*|\bteam(s|ing)? up\b|\bsuppl(ier|iers|y side)\b"),
        ("key_activities", "Key Activities", r"\bactivit\w*|\bgood at\b|\bstages?\b|\bsteps\b"),
        ("key_resources", "Key Resources", r"\bresources?\b|\bassets?\b"),
        ("value_propositions", "Value Propositions", r"\bvalue propositions?\b|\bvalue\b"),
        ("customer_relationships", "Customer Relationship", r"\brelationships?\b"),
        ("channels", "Channels", r"\bchannels?\b|\breach\w*\b"),
        ("customer_segments", "Customer Segments", r"\bsegments?\b|\bwho (would )?buys?\b"),
        ("cost_structure", "Cost Structure", r"\bcosts?\b|\bcost structures?\b"),
        ("revenue_streams", "Revenue Streams",
         r"\brevenue\w*\b|\bmoneti[sz]\w*|\bearn\w*|\bmoney\b|\bincome\b|\bcharg\w*"),
    )
)

_COMPARE = re.compile(
    r"\b(compar\w*|contrast\w*|differ\w*|versus|vs\.?|distinguish\w*|similarit\w*|"
    r"weigh up|against each other)\b",
    re.IGNORECASE,
)
_TREND = re.compile(r"\b(economy|economies|trends?)\b", re.IGNORECASE)


def subjects_in(text: str) -> list[Subject]:
    """The business models a text names, in the order it names them."""
    found = [(m.start(), s) for s in SUBJECTS if (m := s.pattern.search(text))]
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
_CONTRIBUTOR = re.compile(
    r"\bcontribut\w*|\baffiliat\w*|\bwho (wrote|authored)\b|\bauthors?\b", re.IGNORECASE
)


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
    if block is None and not trend:
        # Two models compared as a whole: what each offers is what sets them apart.
        block = ("value_propositions", "Value Propositions")
    if block is not None:
        return f"{prefix.split(SECTION_SEP)[-1]} {block[1]}", f"{prefix}{SECTION_SEP}{block[1]}"
    return f"{prefix.split(SECTION_SEP)[-1]}: {question}", prefix
