"""The question plan, decided before retrieval: kind, targets, company context, absent terms.

`Planner.plan` reads a question (with the conversation so far) as a `Plan`:
- the standalone question (a follow-up completed from earlier turns, "the fourth one" resolved
  against the list the last answer gave);
- its kind (bot.answers.kinds), off-topic too when the sentences that ask come clearly nearer a
  domain outside the report than the report's own and name nothing of it, or when the model
  learnt from labelled questions finds it very likely off-topic (bot.answers.learnt);
- its targets: the report's business models, canvas blocks and lists it names;
- the company the user described in this or an earlier turn (bot.answers.company);
- the terms the indexed text never mentions (bot.answers.terms, bot.answers.names);
- how short the user asked the answer to be ("shorter pls", "2 lines max").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from bot.answers.asked import unsaid_phrases
from bot.answers.company import (
    asking_part,
    carry,
    company_spans,
    description_only,
    extract_company,
    letter_body,
    main_clause,
    place_names,
)
from bot.answers.compounds import story_compounds
from bot.answers.kinds import GENERIC_LISTS, KindExamples, decide, signals
from bot.answers.learnt import CERTAIN, LEARNT_KIND, LIKELY, UNLIKELY, LearntKinds
from bot.answers.names import expansions, is_code, is_name, story_terms, unsaid_names
from bot.answers.phrases import PhraseIndex
from bot.answers.pointers import resolve_ordinal
from bot.answers.rewrite import Turn, brevity, needs_rewrite, restated
from bot.answers.scope import ScopeCheck, ScopeGuard, off_topic_intent, other_edition, other_source
from bot.answers.subjects import comparison
from bot.answers.targets import (
    ONE_REC,
    asks_about,
    blocks_in,
    carried_targets,
    choice_among,
    lists_in,
    models_in,
    names_an_item,
    pointed_list,
    recommendation_by_topic,
    recommendations_in,
    topical,
)
from bot.answers.terms import absent_terms, clauses, common_word, without
from bot.index.embedding import Embedder
from bot.index.lexical import tokenize
from bot.index.vector_table import stored_vectors
from bot.report.catalog import Outline
from bot.types import Company, Hit, Plan

# The words before a term a question is about ("say about", "mention", "regarding").
_ABOUT = r"\b(?:about|regarding|concerning|mentions?|covers?)\s+(?:[\w'’-]+\s+){0,3}"
_SUMMARY_OF = r"\b(?:summari[sz]e|sum up|recap|(?:overview|gist|summary) of)\s+(?:the\s+|a\s+)?"
_ABOUT_REPORT = re.compile(r"\b(report|wmr\w*|world manufacturing)\b", re.IGNORECASE)
DOMAIN_MARGIN = 0.12  # a question this much closer to a domain outside the report is off-topic
DOMAIN_MARGIN_NAMED = 0.1  # ...or this much, naming something the text never mentions
DOMAIN_MARGIN_LEARNT = 0.05  # a question this much nearer the report's domains is not refused
# on the learnt model's word ("How can we earn recurring revenue from them?")
RARE_NAME_ZIPF = 3.5  # a capitalised word rarer than this in English is a name
DOMAIN_WORDS_MIN = 6  # ...when it says enough to tell, and names none of the report's own things
# A model named as one ("digital business model", "AI-based", "servitisation"), not "digital
# form" or "our AI" in passing.
_MODEL_NAMED = re.compile(
    r"\b(digital|ai|data[- ]driven)[- ]+(based[- ]+)?(business[- ]+)?(models?|bms?|canvas|"
    r"economy)\b|\bai[- ]based\b|\bdata[- ]driven\b|\bservi[tc]i[sz]\w*|\bcircular\w*|"
    r"\bmass[- ]?customi[sz]\w*", re.IGNORECASE)
_REPORT_THINGS = re.compile(r"\b(recommendations|recs?|recommendation (no\.? ?|#)?\d+|levers?|"
                            r"canvas\w*|report|wmr\w*|trends?|challenges|business models?|bms?)\b",
                            re.IGNORECASE)
_OF_THE_REPORT = re.compile(r"\b(?:wmr\w*|world manufacturing report|(?:the|this) report(?!s)|"
                            r"the (?:six |6 |ten |10 )?(?:trends|recommendations|challenges|"
                            r"new business models))\b", re.IGNORECASE)
_FACT = re.compile(r"\W*(?:when|where|who|whom|whose|how many|how much)\b", re.IGNORECASE)
NEARBY_MIN = 0.5  # an indexed passage this close to a question keeps it from reading as off-topic
MEANING_MIN = 0.45  # a common noun this close in meaning to some chunk is covered, in other words
# A later part of a question that points back at an earlier one ("how do I calculate it").
_BACK_REFERENCE = re.compile(r"\b(it|its|them|they|their|this|that|these|those)\b", re.IGNORECASE)
ITEM_LISTS = ("challenges", "why", "impact")  # lists whose items a question may name alone


class Planner:
    """Reads questions as Plans; embeds the kind examples once per embedder."""

    def __init__(
        self,
        embedder: Embedder,
        guard: ScopeGuard,
        nearness: Callable[[str], float] | None = None,
        outline: Callable[[], Outline] | None = None,
        folder: Callable[[], Path | None] | None = None,
    ) -> None:
        self.embedder = embedder
        self.guard = guard
        self.nearness = nearness  # how close in meaning the index comes to a term
        self.outline = outline  # the outline of the live index, for the items lists hold
        self.folder = folder  # the live generation's folder, whose vector table holds phrases
        self.examples = KindExamples(embedder)
        self.learnt = LearntKinds(embedder, folder)
        self._phrases: PhraseIndex | None = None

    def phrase_index(self) -> PhraseIndex:
        """The indexed text's phrases, embedded once per index generation: read from the
        generation's vector table (ingest stores them), the missing ones embedded and added."""
        vocab = self.guard.vocabulary()
        cached = self._phrases
        if cached is None or cached.vocab is not vocab:
            with stored_vectors(self.folder() if self.folder else None, self.embedder) as stored:
                cached = self._phrases = PhraseIndex(vocab, stored)
        return cached

    def named_items(self, text: str, found: Sequence[str]) -> tuple[str, ...]:
        """Outline lists one of whose items the text names ("cultural shift" is a challenge)."""
        if self.outline is None:
            return ()
        lowered = " ".join(text.lower().split())
        out = []
        for key in ITEM_LISTS:
            named = self.outline().named(key)
            if key in found or named is None:
                continue
            if any(len(e.text.split()) >= 2 and e.text.lower() in lowered for e in named.entries):
                out.append(key)
        return tuple(out)

    def absent(
        self, question: str, kind: str, spans: Sequence[str] = (), described: str = "",
        places: Sequence[str] = (),
    ) -> tuple[str, ...]:
        """Terms the index never mentions and comes nowhere near in meaning.

        spans: the company's facts (products, places, size, figures): never terms.
        described: the sentences in which the user describes their company (see
        bot.answers.names.story_terms); places: the places the company is in.
        Of an overview or an off-topic question only names count (what a refusal can name).
        """
        question = letter_body(question)  # "Dear advisor, ... Kind regards, Marta"
        vocab = self.guard.vocabulary()
        terms = absent_terms(question, vocab, [*spans, described])
        if described:
            terms += [(t, t) for t in story_terms(described, vocab, spans, places,
                                                  names=kind not in {"overview", "offtopic"})]
        if kind in {"overview", "offtopic"}:  # the report as a whole; what a refusal names
            terms = [t for t in terms if is_name(t[0])]
        near = self.nearness or (lambda _: 0.0)

        def covered(text: str) -> bool:  # some passage says it in other words
            return near(text) >= MEANING_MIN

        # a common noun may be a paraphrase; a name never is
        found = [term for term, window in terms if is_name(window) or not covered(window)]
        found += expansions(question, [t for t in found if is_code(t)])
        if kind not in {"overview", "offtopic"}:
            def closest(phrase: str) -> float:  # the phrase index is embedded on first need
                return self.phrase_index().closest(phrase)

            for phrase in [*unsaid_phrases(question, vocab, closest, covered),
                           *story_compounds(question, spans, described, vocab, closest, covered)]:
                found = [t for t in found if t.lower() not in phrase.lower()]
                if not any(phrase.lower() in t.lower() for t in found):
                    found.append(phrase)
        for name in unsaid_names(question, vocab, list(spans)):  # "Ghana Enterprises Agency"
            if not any(name.lower() in t.lower() or t.lower() in name.lower() for t in found):
                found.append(name)
        return tuple(dict.fromkeys(found))

    def plan(
        self,
        question: str,
        history: Sequence[Turn] = (),
        rewrite: Callable[[str, Sequence[Turn]], str] | None = None,
    ) -> Plan:
        """The Plan of a question asked after `history` (see the module docstring).

        rewrite: a model's standalone rewrite of a follow-up, if a model is configured; without
        one, the follow-up is completed with the targets carried from earlier turns.
        """
        earlier: Company | None = None
        for turn in history:
            if turn.get("role") == "user":
                earlier = carry(extract_company(turn.get("content", "")), earlier)
        own = extract_company(question)
        company = carry(own, earlier)
        standalone = self._standalone(question, history, rewrite)
        models = models_in(question) or models_in(standalone)
        blocks = blocks_in(question) or blocks_in(standalone)
        asking = asking_part(question) if own is not None else question
        if restated(question, history) is not None:
            asking = standalone  # "summarise that" asks what the last question asked
        vector = self.embedder.embed_one(  # a company's story says nothing about what it asks
            asking if own is not None and asking != question else standalone)
        s = signals(asking, self.examples.similarity(vector), whole=question)
        lists = lists_in(standalone, models, blocks, s.all_items) + recommendations_in(standalone)
        lists += recommendation_by_topic(self.outline, standalone)
        lists += self.named_items(standalone, lists)
        intent = self._off_topic_intent(asking)  # a company may sell recipes
        names_topic = topical(standalone, self.guard.vocabulary().knows_closely)
        about = asks_about(standalone, self.guard.vocabulary().knows_closely)
        read = partial(
            decide, s, off_topic=intent, compared=bool(comparison(standalone)),
            has_company=own is not None, context=company is not None or bool(models),
            lists=lists, models=models, blocks=blocks,
            topical=names_topic and not pointed_list(question, history),  # "which one matters
            about=about,  # most?" after the trends points into them
        )
        kind = read()
        whole = vector if asking == question else self.embedder.embed_one(question)
        likely = self.learnt.likelihood("offtopic", vector, whole)
        of_report = kind != "offtopic" and likely >= UNLIKELY and self._names_the_report(
            asking, lists)
        if kind == "offtopic" and not intent and (likely < UNLIKELY or self._nearby(standalone)):
            # read as off-topic from its phrasing alone, yet the index holds something close,
            # or it is much like the questions the report answers
            kind = read(indexed_nearby=True)
        elif kind != "offtopic" and not history and likely >= LIKELY and (
            likely >= CERTAIN or self.examples.domain_gap(vector) >= -DOMAIN_MARGIN_LEARNT
        ) and not self._nearby(standalone) and not (self._names_the_report(main_clause(asking), ())
                if likely >= CERTAIN else of_report or self._names_an_item(asking)):
            kind = "offtopic"  # much like the questions the report cannot answer
        elif kind != "offtopic" and likely >= UNLIKELY and not of_report and self._other_domain(
            question, standalone, asking, vector
        ):
            kind = "offtopic"  # "What sample size do we need for a 95% confidence level?"
        named_places = place_names(question)
        spans = company_spans(question, own) + named_places
        described = description_only(letter_body(question)) if own is not None else ""
        places = [*(own.places if own else ()), *named_places]
        absent = self.absent(question, kind, spans, described, places)
        if kind == "lookup" and not history and not any(is_name(t) for t in absent):
            learnt = self.learnt.kind(own is not None, bool(models), vector, whole)
            if learnt != "overview" or (set(lists) <= GENERIC_LISTS and not _FACT.match(asking)
                                        and not about):
                kind = learnt or kind  # "who wrote it?" names a list; "when was it presented?"
        elif kind == "lookup" and history and not absent and not blocks_in(question):
            bare = self.embedder.embed_one(question)  # "what about the cons?" after a question
            if self.learnt.likelihood("risks", bare, bare) >= LEARNT_KIND:
                kind = "risks"
        if kind == "overview" and not s.overview:  # read as one from its phrasing alone
            named = tuple(t for t in self.absent(question, "lookup", spans, described, places)
                          if re.search(_ABOUT + re.escape(t), question, re.IGNORECASE))
            if named:  # "What does the report say about blockchain?" asks about blockchain
                kind, absent = "lookup", named
        elif kind == "overview" and not _OF_THE_REPORT.search(question) and any(
            re.search(_SUMMARY_OF + re.escape(t), question, re.IGNORECASE) for t in absent
        ):
            kind = "offtopic"  # "summarise Gartner's 2023 Hype Cycle": another thing's summary
        names = [t for t in absent if t[:1].isupper()]
        if names and models:  # "European Digital Innovation Hub" names no digital model
            named = models_in(without(standalone, names))
            dropped = tuple(f"canvas:{m}" for m in models if m not in named)
            models = tuple(m for m in models if m in named)
            lists = tuple(k for k in lists if not k.startswith(dropped)) if dropped else lists
        if kind != "offtopic" and (other_edition(question, self.guard.vocabulary().knows)
                                   or other_source(question, absent)):
            kind = "offtopic"  # "the WMR 2021's findings", "the WEF 2024 white paper's"
        if kind != "offtopic" and choice_among(asking, absent):
            kind = "offtopic"  # "which MES is best: A, B or C?" asks to choose among unknowns
        return Plan(kind=kind, question=standalone, models=models, blocks=blocks, lists=lists,
                    company=company, not_in_report=absent, brevity=brevity(question, history))

    def _off_topic_intent(self, asking: str) -> bool:
        """Whether the question asks for code, shopping advice and the like
        (bot.answers.scope.off_topic_intent), and no other part of it asks for something of
        the report ("Does it recommend a CRM platform? Also give me the levers of rec 1.").
        A piece of writing about the report itself ("a tweet with the WMR's main message") is
        a summary in a format, not a writing job."""
        intent = off_topic_intent(asking)
        if intent is None or (intent == "writing" and _OF_THE_REPORT.search(asking)):
            return False
        story = description_only(asking)  # a clause of a sentence that asks, asks
        return not any(
            off_topic_intent(part) is None and part.strip() not in story
            and self._names_the_report(part, lists_in(part, models_in(part), blocks_in(part),
                                                      False) + recommendations_in(part))
            for part in clauses(asking)
        )

    def _names_an_item(self, asking: str) -> bool:
        """Whether a question names a term of the indexed lists' items ("pay-per-use")."""
        return self.outline is not None and names_an_item(self.outline(), asking)

    def _names_the_report(self, asking: str, lists: Sequence[str]) -> bool:
        """Whether the asking part names something of the report: a model as such, one of its
        lists (not a canvas block or lever word alone: "what does it cost", "our insurance
        policy"), its recommendations, canvases, trends or challenges, or a name the index holds
        ("Which institution is Khaled Medini from?")."""
        if any(not k.startswith(("block:", "levers:")) for k in lists):
            return True
        if _MODEL_NAMED.search(asking) or _REPORT_THINGS.search(asking):
            return True
        vocab = self.guard.vocabulary()
        names = re.findall(r"(?<=[\w,;] )[A-Z][a-z]{2,}\b", asking)  # not a sentence's first word
        return any(vocab.knows_closely(t) for name in names  # a rare name, not "Industry"
                   if not common_word(name.lower(), RARE_NAME_ZIPF) for t in tokenize(name))

    def _other_domain(
        self, question: str, standalone: str, asking: str, vector: np.ndarray
    ) -> bool:
        """Whether a question that stands alone is about a domain of knowledge outside the
        report (insurance, customs, statistics, ...), and no indexed passage comes close."""
        if standalone != question or len(asking.split()) < DOMAIN_WORDS_MIN:
            return False  # a follow-up or a terse question says too little to tell
        if asking == question != asking_part(question):  # what the sentences that ask are about
            asking = asking_part(question)
            vector = self.embedder.embed_one(asking)
        gap = self.examples.domain_gap(vector)
        # weaker evidence needs a term the text never mentions beside it
        named = gap >= DOMAIN_MARGIN_NAMED and bool(self.absent(asking, "lookup"))
        if gap < DOMAIN_MARGIN and not named:
            return False
        return not self._nearby(standalone)

    def _nearby(self, text: str) -> bool:
        """Whether some indexed passage (a user's own document, say) comes close to a text."""
        return self.nearness is not None and self.nearness(text) >= NEARBY_MIN

    def _standalone(
        self,
        question: str,
        history: Sequence[Turn],
        rewrite: Callable[[str, Sequence[Turn]], str] | None,
    ) -> str:
        """The follow-up made standalone: the last question for "shorter pls", an ordinal
        resolved, or earlier targets carried."""
        if not history:
            return question
        again = restated(question, history)
        if again is not None:
            return self._standalone(again[0], again[1], rewrite)
        found = resolve_ordinal(question, history)
        if found:  # "the 4th one": that item, of the model or list the list's question named
            resolved, asked = found
            carried = [t for t in carried_targets(resolved, asked) if t != "contributors"]
            return f"{resolved} ({'; '.join(carried)})" if carried else resolved
        if not needs_rewrite(question, history):
            return question
        if rewrite is not None:
            return rewrite(question, history)
        carried = carried_targets(question, history)
        return f"{question} ({'; '.join(carried)})" if carried else question

    def scope(self, plan: Plan, hits: Sequence[Hit]) -> ScopeCheck:
        """Whether the index covers the plan: any part of the question that it covers will do."""
        if plan.kind == "offtopic":
            return ScopeCheck(False, "off-topic", 0.0, 0.0)
        if plan.kind in {"overview", "risks"} or plan.lists:  # lists and numbered recommendations
            return ScopeCheck(True, "outline", 0.0, 1.0)
        company = plan.company
        described = company is not None and bool(company.products or company.size
                                                 or company.places)
        if plan.kind == "advise" and described and (
            description_only(plan.question) or extract_company(plan.question) is None
        ):
            # advice for a company described in a statement ("We assemble battery packs"), in
            # this turn or an earlier one: the company is the subject, not a gap in the report
            return ScopeCheck(True, "company", 0.0, 1.0)
        if plan.kind == "advise" and company is None:  # "what's the best model for SMEs?"
            return ScopeCheck(True, "models", 0.0, 1.0)  # the report's models are the subject
        context = company is not None and plan.kind in {"advise", "risks", "canvas"}
        text = plan.question
        verdict: ScopeCheck | None = None
        for i, part in enumerate(clauses(text) or [text]):
            targeted = context or bool(models_in(part) or plan.lists or ONE_REC.search(part))
            if i and verdict is not None and _BACK_REFERENCE.search(part) and not (
                targeted or blocks_in(part)
            ):
                continue  # "... and how do I calculate it?" is about what the refused part asks
            verdict = self.guard.check(part, hits, targeted=targeted)
            if verdict.in_scope:
                return verdict
        assert verdict is not None
        if verdict.reason in {"weak-evidence", "unknown-name"} and _ABOUT_REPORT.search(text):
            # asked of the report itself ("what does the WMR say on X for a Y maker?"): the
            # closest material, with what it never mentions said first, not a refusal
            return replace(verdict, in_scope=True, reason="about-the-report")
        return verdict

