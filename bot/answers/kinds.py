"""The kind of a question: look-up, enumerate, overview, compare, advise, risks, canvas, off-topic.

Two kinds of evidence decide it. Structural cues (in bot.report.vocabulary) catch the plain
cases: a named list plus "all", "summary", "risks", a company described in the first person.
For the rest, the question is compared in meaning with example phrasings of every kind
(`KIND_EXAMPLES`) and read as the closest kind when it is clearly closer than a look-up.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np

from bot.index.embedding import Embedder
from bot.report.phrasings import (
    ADVICE_CUES,
    ALL_CUES,
    ASKED_SHARE_CUES,
    CANVAS_CUES,
    KIND_EXAMPLES,
    MARKET_CUES,
    OFF_DOMAINS,
    ON_DOMAINS,
    OVERVIEW_CUES,
    RISK_CUES,
    SHARE_CUES,
    STATISTIC_CUES,
)

_ALL = re.compile(ALL_CUES, re.IGNORECASE)
_OVERVIEW = re.compile(OVERVIEW_CUES, re.IGNORECASE)
# A cue the user declines: "nothing should be summarised away", "don't summarise", "not a summary"
_NEGATED = re.compile(r"\b(?:not|no|nothing|never|without|don['’]?t|do not|rather than|instead of)"
                      r"(?:\s+[\w'’-]+){0,3}\s*$", re.IGNORECASE)
_RISK = re.compile(RISK_CUES, re.IGNORECASE)
_ADVICE = re.compile(ADVICE_CUES, re.IGNORECASE)
_CANVAS = re.compile(CANVAS_CUES, re.IGNORECASE)
_STATISTIC = re.compile(STATISTIC_CUES, re.IGNORECASE)
_SHARE = re.compile(SHARE_CUES, re.IGNORECASE)
_ASKED_SHARE = re.compile(ASKED_SHARE_CUES, re.IGNORECASE)
_MARKET = re.compile(MARKET_CUES, re.IGNORECASE)
_FILTERED = re.compile(
    r"\b(that|which|who)\s+(mention|mentions|deal|deals|talk|talks|cover|covers|address|"
    r"addresses|relate|relates|involve|involves|refer|refers|concern|concerns|focus|focuses)\b",
    re.IGNORECASE,
)
_CHOICE = re.compile(r"\b(?:which|whether|is (?:it|this|that|ours)|are we|should we)\b[^.?!]*"
                     r"\b(?:or|vs\.?|versus)\b", re.IGNORECASE)
_PICKS = re.compile(r"\bwhich\b[^.?!]*\b(?:models?|archetypes?|canvas(?:es)?|ones?)\b|"
                    r"\b(?:best|right)\s+(?:model|one|fit)\b", re.IGNORECASE)
_WHOLE_REPORT = re.compile(r"\b(the|this|whole|entire) (report|document|wmr)\b|\bwmr\b",
                           re.IGNORECASE)

SIMILAR_MIN = 0.5  # least similarity to a kind's examples for it to decide on its own
MARGIN = 0.06  # ...and by how much it must beat the look-up examples
OFF_TOPIC_MARGIN = 0.1  # off-topic examples this much closer than any other kind's: off-topic


@dataclass(frozen=True)
class Signals:
    """What the cues and the example phrasings say about one question."""

    all_items: bool
    overview: bool
    risk: bool
    advice: bool
    canvas: bool
    statistic: bool
    market: bool
    whole_report: bool
    similarity: dict[str, float]
    share: bool = False  # a share of companies or people ("what % of manufacturers")
    choice: bool = False  # a choice between alternatives ("is this AI-based or data-driven?")
    filtered: bool = False  # only the items that match ("every recommendation that mentions AI")
    picks: bool = False  # picks one of the models ("which of the six models should I look at")

    def closest(self) -> tuple[str, float]:
        kind = max(self.similarity, key=lambda k: self.similarity[k])
        return kind, self.similarity[kind]


class KindExamples:
    """The example phrasings of each kind, embedded once per embedder."""

    _cache: dict[int, tuple[list[str], np.ndarray]] = {}
    _lock = threading.Lock()

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def matrix(self) -> tuple[list[str], np.ndarray]:
        key = id(self.embedder)
        cached = self._cache.get(key)
        if cached is None:
            with self._lock:
                cached = self._cache.get(key)
                if cached is None:
                    groups = {**KIND_EXAMPLES, "domain:off": OFF_DOMAINS,
                              "domain:on": ON_DOMAINS}
                    labels = [k for k, xs in groups.items() for _ in xs]
                    texts = [x for xs in groups.values() for x in xs]
                    cached = (labels, np.asarray(self.embedder.embed(texts)))
                    self._cache[key] = cached
        return cached

    def domain_gap(self, vector: np.ndarray) -> float:
        """How much closer a question comes to a domain outside the report (OFF_DOMAINS) than
        to any of the report's own (ON_DOMAINS)."""
        labels, matrix = self.matrix()
        sims = matrix @ vector
        off = max(float(v) for v, k in zip(sims, labels, strict=True) if k == "domain:off")
        on = max(float(v) for v, k in zip(sims, labels, strict=True) if k == "domain:on")
        return off - on

    def similarity(self, vector: np.ndarray) -> dict[str, float]:
        """Per kind, the mean of its two examples closest to the question."""
        labels, matrix = self.matrix()
        sims = matrix @ vector
        out: dict[str, float] = {}
        for kind in KIND_EXAMPLES:
            own = np.sort(sims[[i for i, k in enumerate(labels) if k == kind]])
            out[kind] = float(own[-2:].mean())
        return out


def signals(question: str, similarity: dict[str, float], whole: str = "") -> Signals:
    """The cues of the asking part of a question (`whole`: all of it, for what it wants from
    the report whichever sentence says so, "need a number for our pitch")."""
    return Signals(
        all_items=bool(_ALL.search(question)),
        overview=any(not _NEGATED.search(question[: m.start()])
                     for m in _OVERVIEW.finditer(question)),
        risk=bool(_RISK.search(question)),
        advice=bool(_ADVICE.search(question)),
        canvas=bool(_CANVAS.search(question)),
        statistic=bool(_STATISTIC.search(question)),
        market=bool(_MARKET.search(question)),
        whole_report=bool(_WHOLE_REPORT.search(question)),
        similarity=similarity,
        share=bool(_SHARE.search(whole or question) or _ASKED_SHARE.search(question)),
        filtered=bool(_FILTERED.search(question)),
        choice=bool(_CHOICE.search(question)),
        picks=bool(_PICKS.search(question)),
    )


def decide(
    s: Signals,
    *,
    off_topic: bool,
    compared: bool,
    has_company: bool,
    lists: tuple[str, ...],
    models: tuple[str, ...],
    blocks: tuple[str, ...],
    topical: bool = False,
    about: bool = False,
    context: bool = False,
    indexed_nearby: bool = False,
) -> str:
    """The kind of a question from its signals and targets (see the module docstring).

    has_company: the question itself describes the asker's company (a company carried over
    from earlier turns is context for the answer, but does not make a question advice).
    context: a company (from any turn) or a business model the advice could be about.
    indexed_nearby: some indexed passage (a user's own document, say) is close in meaning to
    the question, so phrasing like an off-topic request is not enough to refuse it.
    topical: the question names a topic beyond the list it mentions ("what recommendations
    does the report give on localisation?"), so it is a look-up rather than the whole list.
    about: the question says what it is about ("what does the report say about cybersecurity?",
    "how does it define servitisation?"), so its likeness to overview phrasings is no overview.
    """
    report_lists = tuple(k for k in lists if not k.startswith("recommendation:"))
    kind, best = s.closest()
    others = max(v for k, v in s.similarity.items() if k != "offtopic")
    if off_topic or (kind == "offtopic" and best - others >= OFF_TOPIC_MARGIN
                     and not (models or blocks or report_lists or indexed_nearby or s.overview)):
        return "offtopic"
    if s.share or s.market or (s.statistic and not has_company and not report_lists):
        return "offtopic"  # the report holds no statistics, market figures or survey results
    if has_company and len(models) >= 2 and s.choice and not s.all_items:
        return "advise"  # "we sell tool-wear predictions: is this AI-based or data-driven?"
    if has_company and s.picks and report_lists and set(report_lists) <= {"models"}:
        return "advise"  # "we're a 3D printing bureau: which of the six models should we try?"
    if compared:
        return "compare"
    # "make a table of the circular canvas, every block" asks for the report's canvas, not a draft
    if s.canvas and (has_company or not (models and (s.all_items or report_lists))):
        return "canvas"
    generic = set(report_lists) <= GENERIC_LISTS and not blocks
    # one model's canvas or blocks, or one model without the whole report ("data-driven: what's in
    # it for me?", "summarise the cost structure the WMR gives for circular models")
    one_model = len(models) == 1 and (not s.whole_report or bool(blocks) or any(
        k.startswith("canvas:") for k in report_lists))
    if s.overview and not one_model and (not report_lists or generic or s.whole_report):
        return "overview"
    if generic and not (one_model or about or has_company) and kind == "overview" and (
        best >= SIMILAR_MIN) and (
        best - s.similarity.get("enumerate", 0.0) >= MARGIN
    ):
        return "overview"
    # "every recommendation that mentions AI" wants some items; each recommendation has levers
    filtered = s.filtered and not any(k.startswith("levers:") for k in report_lists)
    whole_list = bool(report_lists) and not filtered and (
        s.all_items or not (models or blocks or topical) or _list_only(report_lists)
    )
    if whole_list and s.all_items:
        return "enumerate"
    if has_company and s.advice and s.risk and set(report_lists) <= {"challenges"}:
        return "advise"  # "what should we do first, and what could go wrong?": advice with costs
    if s.risk and not (report_lists and s.all_items and "challenges" not in report_lists):
        return "risks"
    if "challenges" in report_lists and not s.all_items:
        return "risks"  # a question about one or more of the report's challenges
    if has_company and (s.advice or not report_lists or (
        set(report_lists) <= {"recommendations"} and not s.all_items
    )):  # "which recs apply to us?", from a company that described itself
        return "advise"
    if whole_list:
        return "enumerate"
    if s.overview and not one_model:
        return "overview"
    if s.advice and not blocks and context:
        return "advise"
    if s.picks and not (models or blocks) and set(report_lists) <= {"models"} and (
            s.advice or kind in {"advise", "compare"}):
        return "advise"  # "which business model suits a bakery best?": the fit, for a bakery
    lookup = s.similarity.get("lookup", 0.0)
    if kind in {"overview", "advise", "risks", "enumerate"} and best >= SIMILAR_MIN and (
        best - lookup >= MARGIN
    ):
        if (kind == "enumerate" and not report_lists) or (kind == "overview" and (
                one_model or about or has_company)):  # "what does it say about cybersecurity?"
            return "lookup"
        if kind == "advise" and not has_company:
            return "lookup"
        return kind
    return "lookup"


# Lists so broad that a summary of them is a summary of the report.
GENERIC_LISTS = frozenset({"models", "why", "about", "closing", "trends"})


def _list_only(lists: tuple[str, ...]) -> bool:
    """Lists that are whole answers by themselves (a block across models, a whole canvas)."""
    return any(key.startswith(("block:", "canvas:", "levers:")) for key in lists)
