"""Query expansion with the Business Model Canvas vocabulary the report is written in."""

from __future__ import annotations

import re

# Everyday wording -> the canvas block (or report term) that holds the answer.
_CUES: tuple[tuple[str, str], ...] = (
    (r"\b(reach|deliver|distribut\w*|sell\w*|sales|market to|get to)\b", "channels"),
    (r"\b(charg\w*|earn\w*|monetis\w*|monetiz\w*|pric\w*|money|income|bill\w*|pay)\b",
     "revenue streams"),
    (r"\b(costs?|expens\w*|spend\w*|invest\w*)\b", "cost structure"),
    (r"\b(who (buys|are the customers)|target\w*|customers? (groups?|types?)|serve)\b",
     "customer segments"),
    (r"\b(partners?\w*|suppliers?|collaborat\w*|allian\w*|work with)\b", "key partners"),
    (r"\b(activit\w*|tasks?|do day to day|processes)\b", "key activities"),
    (r"\b(resources?|assets?|need to have|capabilit\w*)\b", "key resources"),
    (r"\b(offer\w*|value|benefits?|promise)\b", "value propositions"),
    (r"\b(relationships?|engag\w*|loyal\w*|interact\w*)\b", "customer relationship"),
    (r"\b(who (wrote|contributed|authored)|authors?|contributors?|affiliat\w*|universit\w*)\b",
     "contributors"),
    (r"\b(obstacles?|barriers?|hurdles?|difficult\w*|risks? of)\b", "challenges"),
    (r"\b(advice|recommend\w*|should (we|i|companies)|how to succeed)\b", "recommendations"),
)
_COMPILED = tuple((re.compile(p, re.IGNORECASE), term) for p, term in _CUES)


def expand(question: str) -> str:
    """The question plus canvas terms its wording points to (for the lexical retriever)."""
    extra = [term for pattern, term in _COMPILED if pattern.search(question)]
    extra = [t for t in extra if t not in question.lower()]
    return f"{question} {' '.join(extra)}" if extra else question
