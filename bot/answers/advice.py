"""Advice for the company a user describes, and the risks of a business model, from the report.

Advice: which of the report's models fit and why (the canvas archetype scores, naming the
user's words that matched), the canvas blocks that matter most for the question, the
recommendations that apply, the challenges to plan for, and the next step.
Risks: the report's challenge list, the cost structure of the model in question, and the
recommendations that address them. Every line that states what the report says is cited.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from bot.answers.outline_answers import Pack, cut
from bot.answers.targets import recommendation_numbers
from bot.index.embedding import Embedder
from bot.report.catalog import Entry, Outline, block_section
from bot.report.outline import BLOCK_TITLES, Recommendation, ReportIndex
from bot.report.phrasings import RISK_CUES
from bot.report.vocabulary import ARCHETYPE_CUES
from bot.types import CANVAS_BLOCKS, ArchetypeScore, Hit, Plan

CLOSE_FIT = 0.5  # a second model is named when it scores at least this share of the first
BLOCKS_SHOWN = 2
ITEMS_PER_BLOCK = 3
CHALLENGES_SHOWN = 3
RECS_SHOWN = 3
_RISKY = re.compile(RISK_CUES, re.IGNORECASE)  # advice that also asks what could go wrong
# "business model" names no archetype; left out before matching the user's words to one.
# "business model", "which model", "the best model": a business model, no cue of AI models
_BUSINESS_MODEL = re.compile(
    r"\bbusiness[- ]models?\b|\bmodels?\b(?=[^.?!]*\b(suit|fit))|\b(?:which|what|best|right|a|"
    r"the|this|that|one|each|every|six|new|our|your|good|suitable|relevant|other)\s+models?\b",
    re.IGNORECASE)


class Fit(Protocol):
    """What advice needs from the canvas engine: archetype scores, ranked items, recommendations."""

    embedder: Embedder
    index: ReportIndex

    def score_archetypes(self, text: str, vector: np.ndarray | None = None) -> list[ArchetypeScore]:
        ...

    def ranked_items(
        self, archetype: str, block: str, vector: np.ndarray
    ) -> list[tuple[Any, float]]:
        ...

    def recommendations(
        self, vector: np.ndarray, archetypes: Sequence[str], count: int = 3
    ) -> list[Recommendation]:
        ...


_VECTORS: dict[tuple[int, tuple[str, ...]], np.ndarray] = {}
_LOCK = threading.Lock()


def _entry_vectors(embedder: Embedder, entries: Sequence[Entry]) -> np.ndarray:
    key = (id(embedder), tuple(e.text for e in entries))
    with _LOCK:
        if key not in _VECTORS:
            _VECTORS[key] = np.asarray(embedder.embed([e.text for e in entries]))
        return _VECTORS[key]


def closest(
    embedder: Embedder, entries: Sequence[Entry], vector: np.ndarray, n: int
) -> list[Entry]:
    """The n entries closest in meaning to a vector, in their list order."""
    if not entries:
        return []
    sims = _entry_vectors(embedder, entries) @ vector
    keep = set(np.argsort(-sims)[:n].tolist())
    return [e for i, e in enumerate(entries) if i in keep]


def matched_words(text: str, archetype: str) -> list[str]:
    """The user's own words that point to an archetype (whole words around each cue)."""
    out: list[str] = []
    for cue in ARCHETYPE_CUES.get(archetype, ()):
        match = re.search(cue, text, re.IGNORECASE)
        if match:
            start = text.rfind(" ", 0, match.start()) + 1
            end_space = text.find(" ", match.end())
            word = text[start : end_space if end_space >= 0 else len(text)]
            word = word.strip(".,;:!?()'\"")
            if word and word.lower() not in (w.lower() for w in out):
                out.append(word)
    return out[:4]


def _title(fit: Fit, archetype: str) -> str:
    return fit.index.report.canvas(archetype).title


def _who(plan: Plan) -> str:
    company = plan.company
    if company is None:
        return "For the situation you describe"
    who = f"a maker of {company.products[0]}" if company.products else "your company"
    facts = [company.size] if company.size else []
    if company.places:
        facts.append("in " + " and ".join(company.places[:2]))
    return f"For {who}" + (f" ({', '.join(facts)})" if facts else "")


def _fit_line(plan: Plan, fit: Fit, ranking: Sequence[ArchetypeScore], text: str) -> list[str]:
    best = ranking[0]
    top = max(ranking, key=lambda a: a.score)
    if top.name != best.name:  # the model asked about is not the one that fits best
        closer = "about as well" if f"{top.score:.0%}" == f"{best.score:.0%}" else "more closely"
        line = (f"{_who(plan)}, the **{_title(fit, best.name)}** canvas you asked about fits at "
                f"{best.score:.0%}; the **{_title(fit, top.name)}** canvas fits your description "
                f"{closer} ({top.score:.0%})")
    else:
        line = (f"{_who(plan)}, the report's closest fit is the **{_title(fit, best.name)}** "
                f"canvas ({best.score:.0%} of the fit)")
    if top.name == best.name and len(ranking) > 1 and ranking[1].score >= CLOSE_FIT * best.score:
        line += f", with **{_title(fit, ranking[1].name)}** close behind ({ranking[1].score:.0%})"
    words = matched_words(text, best.name)
    if words:
        line += ". Your words that point there: " + ", ".join(f"“{w}”" for w in words)
    return [line + "."]


def _blocks_for(plan: Plan, fit: Fit, archetype: str, vector: np.ndarray) -> list[str]:
    canvas = fit.index.report.canvas(archetype)
    wanted = [*plan.blocks, *(["cost_structure"] if _RISKY.search(plan.question) else [])]
    named = list(dict.fromkeys(b for b in wanted if canvas.items(b)))
    if len(named) < BLOCKS_SHOWN:
        scored = []
        for block in CANVAS_BLOCKS:
            ranked = fit.ranked_items(archetype, block, vector)
            if ranked and block not in named:
                scored.append((max(s for _, s in ranked[:2]), block))
        named += [b for _, b in sorted(scored, reverse=True)][: BLOCKS_SHOWN - len(named)]
    return named[:BLOCKS_SHOWN]


def _runner_up(
    plan: Plan, fit: Fit, pack: Pack, ranking: Sequence[ArchetypeScore], vector: np.ndarray
) -> list[str]:
    """The block of a close second model that matters most here: the fit is not clear-cut."""
    if len(ranking) < 2 or ranking[1].score < CLOSE_FIT * ranking[0].score:
        return []
    second = ranking[1].name
    block = _blocks_for(plan, fit, second, vector)[0]
    ranked = fit.ranked_items(second, block, vector)[:ITEMS_PER_BLOCK]
    return ["", f"**Also worth weighing: the {_title(fit, second)} canvas**", "",
            f"*{BLOCK_TITLES[block]}*", ""] + [
        f"- {cut(item.text)} {pack.cite(item.chunk)}" for item, _ in ranked]


def _recs(fit: Fit, pack: Pack, vector: np.ndarray, archetypes: Sequence[str],
          named: Sequence[int] = ()) -> list[str]:
    """The recommendations that fit, those the user named first and with all three levers."""
    lines = []
    for number in named:
        rec = fit.index.report.recommendation(number)
        levers = "; ".join(f"{k}: {cut(v, 160)}" for k, v in rec.levers().items() if v)
        lines.append(f"- **Recommendation {number}:** {cut(rec.title, 120)} — {levers} "
                     f"{pack.cite(fit.index.recommendation_chunk(number))}")
    fitting = [r for r in fit.recommendations(vector, archetypes, RECS_SHOWN + len(named))
               if r.number not in named][: max(0, RECS_SHOWN - len(named))]
    for rec in fitting:
        chunk = fit.index.recommendation_chunk(rec.number)
        lines.append(f"- **Recommendation {rec.number}:** {cut(rec.title, 120)} — skills: "
                     f"{cut(rec.skills, 110)} "
                     f"{pack.cite(chunk)}")
    return lines


def advise(
    plan: Plan, question: str, fit: Fit, outline: Outline, hits: Sequence[Hit]
) -> tuple[str, list[Hit]]:
    """Advice for the company in the plan (see the module docstring)."""
    pack = Pack()
    text = plan.company.description if plan.company else question
    brief = _BUSINESS_MODEL.sub(" ", f"{text} {plan.question}" if plan.company else plan.question)
    vector = fit.embedder.embed_one(brief)
    ranking = fit.score_archetypes(brief, vector)
    if plan.models:  # the models the user asked about lead, in the order they fit
        named = [a for a in ranking if a.name in plan.models]
        ranking = named + [a for a in ranking if a.name not in plan.models]
    best = ranking[0].name
    lines = _fit_line(plan, fit, ranking, brief)
    models = outline.named("models")
    if "models" in plan.lists and models:  # "which of the six models should we look at?"
        cited = {e.label: pack.cite(e.chunk) for e in models.entries}
        shares = sorted(ranking, key=lambda a: -a.score)
        lines += ["", "**How each of the six models fits your description**: " + "; ".join(
            f"{_title(fit, a.name)} {a.score:.0%} {cited.get(_title(fit, a.name), '')}".rstrip()
            for a in shares)]
    lines += ["", f"**What the {_title(fit, best)} canvas says matters most here**"]
    for block in _blocks_for(plan, fit, best, vector):
        ranked = fit.ranked_items(best, block, vector)[:ITEMS_PER_BLOCK]
        lines += ["", f"*{BLOCK_TITLES[block]}*", ""]
        lines += [f"- {cut(item.text)} {pack.cite(item.chunk)}" for item, _ in ranked]
    lines += _runner_up(plan, fit, pack, ranking, vector)
    lines += ["", "**Recommendations that apply**"]
    lines += _recs(fit, pack, vector, [a.name for a in ranking[:2]],
                   recommendation_numbers(plan.lists))
    challenges = outline.named("challenges")
    if challenges:
        picked = closest(fit.embedder, challenges.entries, vector, CHALLENGES_SHOWN)
        lines += ["", "**Challenges to plan for**",
                  "; ".join(e.text for e in picked) + f" {pack.cite(picked[0].chunk)}"]
    lines += ["", "**Next step**: draft a Business Model Canvas for your company from this "
              f"description (the Canvas page, or `advisor canvas \"{cut(text, 160)}\"`)."]
    return "\n".join(lines), _with_rest(pack, hits)


def risks(
    plan: Plan, question: str, fit: Fit, outline: Outline, hits: Sequence[Hit]
) -> tuple[str, list[Hit]]:
    """The risks of a model (or of business model innovation): challenges, costs, remedies."""
    pack = Pack()
    brief = f"{plan.company.description} {plan.question}" if plan.company else plan.question
    brief = _BUSINESS_MODEL.sub(" ", brief)
    vector = fit.embedder.embed_one(brief)
    models = list(plan.models)
    if not models and plan.company is not None:
        models = [fit.score_archetypes(brief, vector)[0].name]
    lines: list[str] = []
    challenges = outline.named("challenges")
    if challenges:
        lines += ["**The challenges the report names**"]
        lines += [f"- {e.text} {pack.cite(e.chunk)}" for e in challenges.entries]
    for model in models[:2]:
        canvas = fit.index.report.canvas(model)
        items = canvas.items("cost_structure")
        lines += ["", f"**Cost structure of {canvas.title}**"]
        if not items:
            lines.append(f"- The report leaves Cost Structure empty for {canvas.title}.")
            continue
        chunks = outline.chunks(block_section(model, "cost_structure"))
        marker = pack.cite(chunks[0]) if chunks else ""
        lines += [f"- {cut(item)} {marker}".rstrip() for item in items]
    archetypes = models or [fit.score_archetypes(brief, vector)[0].name]
    focus = vector
    if challenges:
        focus = vector + fit.embedder.embed_one("; ".join(e.text for e in challenges.entries))
        focus = focus / (np.linalg.norm(focus) or 1.0)
    lines += ["", "**Recommendations that address them**"]
    lines += _recs(fit, pack, focus, archetypes, recommendation_numbers(plan.lists))
    lead = "What the report says about the risks"
    if models:
        lead += " of " + " and ".join(_title(fit, m) for m in models[:2])
    if plan.company is not None:
        lead += f" ({_who(plan)[4:]})"
    return f"{lead}:\n\n" + "\n".join(lines), _with_rest(pack, hits)


def _with_rest(pack: Pack, hits: Sequence[Hit]) -> list[Hit]:
    """The cited chunks first, then the retrieved ones (a model may cite those too)."""
    for hit in hits:
        pack.cite(hit.chunk, hit.score)
    return pack.hits
