"""The ask path in one pass: validate -> plan -> gather the evidence -> compose -> check citations.

`Answerer.ask` returns an `Answer`; `Answerer.stream` yields the answer text piece by piece
(`str`) and finally the complete `Answer` (always the last item, exactly once). Streamed
pieces already carry the final [n] numbering; the final `Answer` is authoritative (a refusal or
a fallback replaces what was streamed), so a UI shows the pieces as they come and then renders
`Answer.text` and `Answer.citations`.

The plan (bot.answers.plan) decides what evidence is gathered: the top chunks for a look-up,
both sides for a comparison, the whole named list from the outline for an enumeration, the
report's outline for an overview, the fitting model's canvas, recommendations and challenges
for advice and risks. In evidence mode that evidence is composed into the answer; a generative
backend gets the same evidence and the composed draft, and its reply is checked the same way.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from bot.answers.advice import Fit, advise, risks
from bot.answers.citations import MarkerRewriter, tidy, validate
from bot.answers.citations import markers as markers_in
from bot.answers.evidence import compose, compose_comparison, keep_points
from bot.answers.outline_answers import enumerate_lists, generic_overview, overview, places_in
from bot.answers.plan import ITEM_LISTS, Planner
from bot.answers.prompts import (
    FALLBACK_NOTICE,
    NOT_IN_REPORT,
    NOT_MENTIONED,
    REFUSAL,
    answer_messages,
    join_terms,
)
from bot.answers.rewrite import Turn, rewrite
from bot.answers.scope import ScopeCheck, ScopeGuard
from bot.answers.subjects import Subject, comparison, subject_query, targeted_section
from bot.answers.targets import recommendation_numbers, searchable
from bot.index.retrieval import Retriever, generation_folder, validate_question
from bot.llm import ChatBackend
from bot.report.catalog import LIST_SPECS, Outline
from bot.report.outline import RECOMMENDATIONS_HEADING
from bot.settings import Settings
from bot.types import SECTION_SEP, Answer, Hit, Plan

StreamItem = str | Answer
EVIDENCE = "evidence"
FALLBACK = "evidence-fallback"
COMPARISON_HITS_PER_SIDE = 2
DIRECT_HITS = 2  # retrieved passages added under advice and risks when not already quoted
_MARK = re.compile(r"\[(\d+)\]")
RECOMMENDATIONS_FOR_MODELS = 3  # recommendations given for "which recommendations fit model X?"


@dataclass(frozen=True)
class Prepared:
    """Everything decided before generation: the plan, its evidence and its scope."""

    question: str
    standalone: str
    hits: tuple[Hit, ...]
    scope: ScopeCheck
    subjects: tuple[Subject, ...] = ()
    prefixes: tuple[str, ...] = field(default=())
    plan: Plan | None = None
    draft: str | None = None  # the composed evidence answer for outline-based kinds


def _clean_history(history: Sequence[Turn] | None) -> list[Turn]:
    out = []
    for turn in history or ():
        if isinstance(turn, dict) and isinstance(turn.get("content"), str):
            out.append({"role": str(turn.get("role", "user")), "content": turn["content"]})
    return out


class Answerer:
    """Grounded answers over a Retriever, in evidence mode or through a chat backend."""

    def __init__(
        self,
        settings: Settings,
        retriever: Retriever,
        llm: ChatBackend | None,
        fit: Callable[[], Fit] | None = None,
    ) -> None:
        self.settings = settings
        self.retriever = retriever
        self.llm = llm
        self.guard = ScopeGuard(retriever.chunks, retriever.store.state_token)
        self.planner = Planner(retriever.embedder, self.guard, retriever.similarity, self.outline,
                               lambda: generation_folder(retriever.store))
        self._fit = fit
        self._outline: tuple[object, Outline] | None = None
        self._lock = threading.Lock()

    def outline(self) -> Outline:
        """The outline of the live index generation (rebuilt after a re-ingest)."""
        token = self.retriever.store.state_token()
        cached = self._outline
        if cached is not None and cached[0] == token:
            return cached[1]
        with self._lock:
            outline = Outline(self.retriever.chunks())
            self._outline = (token, outline)
            return outline

    # -- validate, plan, gather ------------------------------------------------------------
    def plan(self, question: str, history: Sequence[Turn] | None = None) -> Plan:
        """How a question (after `history`) is read: kind, targets, company, absent terms."""
        question = validate_question(question, self.settings)
        turns = _clean_history(history)
        llm = self.llm
        by_model = (lambda q, h: rewrite(q, h, llm)) if llm is not None else None
        return self.planner.plan(question, turns, rewrite=by_model)

    def prepare(self, question: str, history: Sequence[Turn] | None = None) -> Prepared:
        """Validate, plan, retrieve, check scope and gather the evidence the plan needs."""
        question = validate_question(question, self.settings)
        plan = self.plan(question, history)
        standalone = plan.question
        hits = [] if plan.kind == "offtopic" else list(self.retriever.retrieve(searchable(plan)))
        scope = self.planner.scope(plan, hits)
        base = Prepared(question, standalone, tuple(hits), scope, plan=plan)
        if not scope.in_scope:
            return base
        draft = self._gather(plan, question, hits)
        if draft is not None:
            return replace(base, draft=draft[0], hits=tuple(draft[1]))
        subjects = comparison(standalone)
        if subjects:
            hits, prefixes = self._comparison_hits(standalone, hits, subjects)
            return replace(base, hits=tuple(hits), subjects=tuple(subjects),
                           prefixes=tuple(prefixes))
        hits = self._named_recommendations(plan, self._targeted_hits(standalone, hits))
        hits = self._first([LIST_SPECS[k][1] for k in plan.lists if k in ITEM_LISTS], hits)
        return replace(base, hits=tuple(hits))

    def _gather(self, plan: Plan, question: str, hits: list[Hit]) -> tuple[str, list[Hit]] | None:
        """The composed evidence for outline-based kinds, or None for look-ups."""
        outline = self.outline()
        found: tuple[str, list[Hit]] = ("", [])
        people = outline.named("contributors")
        if plan.kind == "enumerate" and plan.lists:
            found = enumerate_lists(outline, plan.lists, question)
        elif "contributors" in plan.lists and people and places_in(question, people):
            found = enumerate_lists(outline, ["contributors"], question)  # "who is from Italy?"
        elif plan.kind == "overview":
            found = overview(outline) if outline.has_report() else generic_overview(outline)
        elif _for_models(plan) and self._fit and outline.has_report():
            found = self._fitting_recommendations(plan, outline, question, self._fit())
        elif plan.kind in {"advise", "canvas", "risks"} and self._fit and outline.has_report():
            compose_kind = risks if plan.kind == "risks" else advise
            found = compose_kind(plan, question, self._fit(), outline, hits)
            found = self._most_direct(plan, *found, hits)
        return found if found[0] else None

    @staticmethod
    def _fitting_recommendations(
        plan: Plan, outline: Outline, question: str, fit: Fit
    ) -> tuple[str, list[Hit]]:
        """The recommendations closest in meaning to the business models a look-up names
        ("which recommendations fit the circular model?"), with the levers it asks for."""
        fitting = fit.recommendations(fit.embedder.embed_one(plan.question), plan.models,
                                      RECOMMENDATIONS_FOR_MODELS)
        keys = [k for k in plan.lists if k == "recommendations" or k.startswith("levers:")]
        text, cited = enumerate_lists(
            outline, [*keys, *(f"recommendation:{r.number}" for r in fitting)], question)
        models = " and ".join(fit.index.report.canvas(m).title for m in plan.models)
        lead = (f"The recommendations closest in meaning to {models} (the report gives its ten "
                "recommendations for manufacturing as a whole, not per model):")
        return text.replace("From the report:", lead, 1), cited

    def _most_direct(
        self, plan: Plan, text: str, cited: list[Hit], hits: Sequence[Hit]
    ) -> tuple[str, list[Hit]]:
        """Advice or risks followed by the passages retrieved for the question itself, when the
        composed answer does not already quote them."""
        used = _cited_ids(text, cited)
        query = _without_company(plan)
        if query != plan.question:  # where the company is, or how big, is no topic to quote
            hits = self.retriever.retrieve(query)
        count = DIRECT_HITS if plan.kind == "risks" else 1  # advice already quotes its canvas
        top = [h for h in self._targeted_hits(query, list(hits))[:count]
               if h.chunk.id not in used]
        if not text or not top:
            return text, cited
        extra = compose(plan.question, top, self.guard.vocabulary().parents)
        if not extra:
            return text, cited
        index = {h.chunk.id: i + 1 for i, h in enumerate(cited)}
        combined = list(cited)
        for hit in top:
            if hit.chunk.id not in index:
                combined.append(hit)
                index[hit.chunk.id] = len(combined)
        body = _MARK.sub(lambda m: f"[{index[top[int(m.group(1)) - 1].chunk.id]}]",
                         extra.split("\n", 1)[-1])
        heading = "**What the report says most directly on your question**"
        return f"{text}\n\n{heading}\n\n{body.strip()}", combined

    def _section_hits(self, section: str, hits: Sequence[Hit]) -> list[Hit]:
        """Every chunk of one section, as hits (those already retrieved keep their scores)."""
        have = {h.chunk.id: h for h in hits}
        top = max((h.score for h in hits), default=0.0)
        chunks = self.guard.vocabulary().by_section.get(section, [])
        return [have.get(c.id) or Hit(chunk=c, score=top, rank=0) for c in chunks]

    def _first(self, sections: Sequence[str], hits: list[Hit], limit: int = 0) -> list[Hit]:
        """Every chunk of these sections first, then the other hits (at least `limit` in all)."""
        found = [h for section in sections for h in self._section_hits(section, hits)]
        if not found:
            return hits
        ids = {f.chunk.id for f in found}
        ordered = [*found, *(h for h in hits if h.chunk.id not in ids)]
        return ordered[: max(limit, len(found))] if limit else ordered

    def _named_recommendations(self, plan: Plan | None, hits: list[Hit]) -> list[Hit]:
        """The chunks of the recommendations a question names by number, first."""
        wanted = recommendation_numbers(plan.lists if plan else ())
        sections = [s for n in wanted for s in self.outline().children(RECOMMENDATIONS_HEADING)
                    if s.split(SECTION_SEP)[-1].startswith(f"{n}. ")]
        return self._first(sections, hits)

    def _targeted_hits(self, question: str, hits: list[Hit]) -> list[Hit]:
        """The exact section a question names (a model's canvas block, contributors) first."""
        target = targeted_section(question)
        if target is None:
            return hits
        return self._first([target[1]], hits, self.settings.top_k)

    def _comparison_hits(
        self, question: str, hits: list[Hit], subjects: Sequence[Subject]
    ) -> tuple[list[Hit], list[str]]:
        """Hits that cover every compared model: each side's best chunks, then the rest."""
        merged: list[Hit] = []
        prefixes = []
        per_side = max(COMPARISON_HITS_PER_SIDE, self.settings.top_k // len(subjects))
        for subject in subjects:
            query, prefix = subject_query(subject, question)
            prefixes.append(prefix)
            side = [h for h in hits if h.chunk.section.startswith(prefix)]
            if len(side) < per_side:
                exact = self._section_hits(prefix, hits)
                extra = exact or self.retriever.retrieve(query, max(self.settings.top_k, 8))
                ids = {h.chunk.id for h in side}
                side += [h for h in extra
                         if h.chunk.section.startswith(prefix) and h.chunk.id not in ids]
            merged += side[:per_side]
        merged += hits
        unique: dict[str, Hit] = {}
        for hit in merged:
            unique.setdefault(hit.chunk.id, hit)
        return list(unique.values())[: max(self.settings.top_k, per_side * len(subjects))], prefixes

    # -- answers ---------------------------------------------------------------------------
    def refusal(self, prepared: Prepared, mode: str) -> Answer:
        absent = prepared.plan.not_in_report if prepared.plan else ()
        text = f"{_not_mentioned(absent)} {REFUSAL}" if absent else REFUSAL
        return Answer(question=prepared.question, text=text, refused=True, mode=mode,
                      plan=prepared.plan)

    def evidence(self, prepared: Prepared, notice: str | None = None) -> Answer:
        """The evidence-mode answer (or refusal) for prepared hits."""
        mode = FALLBACK if notice else EVIDENCE
        if not prepared.scope.in_scope:
            return self.refusal(prepared, mode)
        parents = self.guard.vocabulary().parents
        if prepared.draft:
            raw = prepared.draft
        elif prepared.subjects:
            raw = compose_comparison(
                prepared.standalone, prepared.hits, prepared.subjects, prepared.prefixes, parents
            )
        else:
            raw = compose(prepared.standalone, prepared.hits, parents)
        if raw and prepared.plan is not None and prepared.plan.brevity:
            raw = keep_points(raw, prepared.plan.brevity)
        absent = prepared.plan.not_in_report if prepared.plan else ()
        if absent and raw:
            raw = f"{_not_mentioned(absent)} The closest the report comes:\n\n{raw}"
        text, citations = validate(raw, prepared.hits)
        if not citations:
            return self.refusal(prepared, mode)
        return Answer(prepared.question, text, citations, refused=False, mode=mode, notice=notice,
                      plan=prepared.plan)

    def ask(self, question: str, history: Sequence[Turn] | None = None) -> Answer:
        """The grounded answer to a question (with the conversation so far, if any)."""
        answer: Answer | None = None
        for item in self.stream(question, history):
            if isinstance(item, Answer):
                answer = item
        assert answer is not None  # stream always ends with the Answer
        return answer

    def stream(self, question: str, history: Sequence[Turn] | None = None) -> Iterator[StreamItem]:
        """Answer text pieces (str) as they are produced, then the complete Answer."""
        prepared = self.prepare(question, history)
        if self.llm is None or not prepared.scope.in_scope:
            answer = self.evidence(prepared)
            yield from _pieces(answer.text)
            yield answer
            return
        yield from self._generate(prepared, self.llm)

    def _generate(self, prepared: Prepared, llm: ChatBackend) -> Iterator[StreamItem]:
        rewriter = MarkerRewriter(prepared.hits)
        held: str | None = ""  # held back while it could still be the NOT_IN_REPORT reply
        absent = prepared.plan.not_in_report if prepared.plan else ()
        lead = f"{_not_mentioned(absent)}\n\n" if absent else ""
        parts: list[str] = []
        if lead:
            yield lead
        try:
            messages = answer_messages(
                prepared.standalone, prepared.hits, prepared.plan, prepared.draft
            )
            for token in llm.stream(messages):
                if not isinstance(token, str) or not token:
                    continue
                if held is not None:
                    held += token
                    if NOT_IN_REPORT.startswith(held.strip()) or NOT_IN_REPORT in held:
                        continue
                    token, held = held, None
                shown = rewriter.feed(token)
                parts.append(shown)
                if shown:
                    yield shown
        except Exception as exc:  # noqa: BLE001 - any backend failure becomes a fallback
            yield self._fallback(prepared, llm, exc)
            return
        raw = (held or "") + "".join(parts) + rewriter.flush()
        if NOT_IN_REPORT in raw or not raw.strip():
            yield (self.refusal(prepared, llm.name) if NOT_IN_REPORT in raw
                   else self._fallback(prepared, llm, ValueError("it returned an empty reply")))
            return
        text, citations = tidy(lead + raw), rewriter.citations()
        if not citations:
            yield self._fallback(prepared, llm, ValueError("its answer cited no report text"))
            return
        yield Answer(prepared.question, text, citations, refused=False, mode=llm.name,
                     plan=prepared.plan)

    def _fallback(self, prepared: Prepared, llm: ChatBackend, exc: BaseException) -> Answer:
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        notice = FALLBACK_NOTICE.format(backend=llm.name, reason=reason)
        return self.evidence(prepared, notice=notice)


def _without_company(plan: Plan) -> str:
    """The question with the company's places, size and figures left out."""
    company = plan.company
    if company is None:
        return plan.question
    text = plan.question
    for span in (*company.places, *company.figures, company.size or ""):
        if span:
            text = text.replace(span, " ")
    return " ".join(text.split())


def _cited_ids(text: str, hits: Sequence[Hit]) -> set[str]:
    """The chunks a composed text cites by [n] (numbered by position in hits)."""
    return {hits[n - 1].chunk.id for n in markers_in(text) if 0 < n <= len(hits)}


def _not_mentioned(terms: Sequence[str]) -> str:
    return NOT_MENTIONED.format(terms=join_terms(terms))


def _pieces(text: str) -> Iterator[str]:
    """Evidence text in line-sized pieces, so streaming UIs show it progressively."""
    yield from text.splitlines(keepends=True)


def _for_models(plan: Plan) -> bool:
    """Whether a look-up asks which recommendations (or which of their levers) go with the
    business models it names as models ("... fit the circular model?", not "every
    recommendation that mentions AI"), and names no recommendation by number."""
    return plan.kind == "lookup" and bool(plan.models) and not recommendation_numbers(
        plan.lists) and any(k == "recommendations" or k.startswith("levers:") for k in plan.lists
                            ) and bool(_AS_MODEL.search(plan.question))


_AS_MODEL = re.compile(r"\b(?:models?|canvas(?:es)?|archetypes?)\b", re.IGNORECASE)
