"""The ask path: rewrite a follow-up, retrieve, refuse or answer, validate the citations.

`Answerer.ask` returns an `Answer`; `Answerer.stream` yields the answer text piece by piece
(`str`) and finally the complete `Answer` (always the last item, exactly once). Streamed
pieces already carry the final [n] numbering; the final `Answer` is authoritative (a refusal or
a fallback replaces what was streamed), so a UI shows the pieces as they come and then renders
`Answer.text` and `Answer.citations`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from bot.answers.citations import MarkerRewriter, tidy, validate
from bot.answers.evidence import compose, compose_comparison
from bot.answers.prompts import FALLBACK_NOTICE, NOT_IN_REPORT, REFUSAL, answer_messages
from bot.answers.rewrite import Turn, rewrite
from bot.answers.scope import ScopeCheck, ScopeGuard
from bot.answers.subjects import Subject, comparison, subject_query, targeted_section
from bot.index.retrieval import Retriever, validate_question
from bot.llm import ChatBackend
from bot.settings import Settings
from bot.types import Answer, Hit

StreamItem = str | Answer
EVIDENCE = "evidence"
FALLBACK = "evidence-fallback"
COMPARISON_HITS_PER_SIDE = 2


@dataclass(frozen=True)
class Prepared:
    """Everything decided before generation: the standalone query, its hits and its scope."""

    question: str
    standalone: str
    hits: tuple[Hit, ...]
    scope: ScopeCheck
    subjects: tuple[Subject, ...] = ()
    prefixes: tuple[str, ...] = field(default=())


def _clean_history(history: Sequence[Turn] | None) -> list[Turn]:
    out = []
    for turn in history or ():
        if isinstance(turn, dict) and isinstance(turn.get("content"), str):
            out.append({"role": str(turn.get("role", "user")), "content": turn["content"]})
    return out


class Answerer:
    """Grounded answers over a Retriever, in evidence mode or through a chat backend."""

    def __init__(self, settings: Settings, retriever: Retriever, llm: ChatBackend | None) -> None:
        self.settings = settings
        self.retriever = retriever
        self.llm = llm
        self.guard = ScopeGuard(retriever.chunks, retriever.store.state_token)

    # -- retrieval -------------------------------------------------------------------------
    def prepare(self, question: str, history: Sequence[Turn] | None = None) -> Prepared:
        """Validate, make standalone, retrieve (both sides of a comparison) and check scope."""
        question = validate_question(question, self.settings)
        turns = _clean_history(history)
        standalone = rewrite(question, turns, self.llm) if turns else question
        hits = list(self.retriever.retrieve(standalone))
        scope = self.guard.check(standalone, hits)
        subjects = comparison(standalone)
        prefixes: list[str] = []
        if subjects and scope.in_scope:
            hits, prefixes = self._comparison_hits(standalone, hits, subjects)
        elif scope.in_scope:
            hits = self._targeted_hits(standalone, hits)
        return Prepared(question, standalone, tuple(hits), scope, tuple(subjects), tuple(prefixes))

    def _section_hits(self, section: str, hits: Sequence[Hit]) -> list[Hit]:
        """Every chunk of one section, as hits (those already retrieved keep their scores)."""
        have = {h.chunk.id: h for h in hits}
        top = max((h.score for h in hits), default=0.0)
        chunks = self.guard.vocabulary().by_section.get(section, [])
        return [have.get(c.id) or Hit(chunk=c, score=top, rank=0) for c in chunks]

    def _targeted_hits(self, question: str, hits: list[Hit]) -> list[Hit]:
        """The exact section a question names (a model's canvas block, contributors) first."""
        target = targeted_section(question)
        if target is None:
            return hits
        found = self._section_hits(target[1], hits)
        if not found:
            return hits
        ids = {f.chunk.id for f in found}
        rest = [h for h in hits if h.chunk.id not in ids]
        return [*found, *rest][: max(self.settings.top_k, len(found))]

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
        return Answer(question=prepared.question, text=REFUSAL, refused=True, mode=mode)

    def evidence(self, prepared: Prepared, notice: str | None = None) -> Answer:
        """The evidence-mode answer (or refusal) for prepared hits."""
        mode = FALLBACK if notice else EVIDENCE
        if not prepared.scope.in_scope:
            return self.refusal(prepared, mode)
        parents = self.guard.vocabulary().parents
        if prepared.subjects:
            raw = compose_comparison(
                prepared.standalone, prepared.hits, prepared.subjects, prepared.prefixes, parents
            )
        else:
            raw = compose(prepared.standalone, prepared.hits, parents)
        text, citations = validate(raw, prepared.hits)
        if not citations:
            return self.refusal(prepared, mode)
        return Answer(prepared.question, text, citations, refused=False, mode=mode, notice=notice)

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
        parts: list[str] = []
        try:
            for token in llm.stream(answer_messages(prepared.standalone, prepared.hits)):
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
        text, citations = tidy(raw), rewriter.citations()
        if not citations:
            yield self._fallback(prepared, llm, ValueError("its answer cited no report text"))
            return
        yield Answer(prepared.question, text, citations, refused=False, mode=llm.name)

    def _fallback(self, prepared: Prepared, llm: ChatBackend, exc: BaseException) -> Answer:
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        notice = FALLBACK_NOTICE.format(backend=llm.name, reason=reason)
        return self.evidence(prepared, notice=notice)


def _pieces(text: str) -> Iterator[str]:
    """Evidence text in line-sized pieces, so streaming UIs show it progressively."""
    yield from text.splitlines(keepends=True)
