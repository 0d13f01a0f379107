"""The ask pipeline with a deterministic fake model: prompts, citations, rewriting, refusal."""

from __future__ import annotations

import pytest

from bot import Advisor
from bot.answers.citations import markers, tidy
from bot.answers.prompts import NOT_IN_REPORT, REFUSAL, REWRITE_SYSTEM, SYSTEM_PROMPT
from bot.settings import Settings
from bot.types import Answer
from evals.answer_eval import citations_valid
from tests.fakes import FakeChat

QUESTION = "What revenue streams suit servitised business models?"


def _advisor(corpus_settings: Settings, embedder, fake: FakeChat) -> Advisor:
    return Advisor(Settings(data_dir=corpus_settings.data_dir, llm=fake), embedder=embedder)


def _retrieved(advisor: Advisor, question: str) -> list[str]:
    return [h.chunk.text for h in advisor.answerer.prepare(question).hits]


def test_prompt_numbers_the_context_and_guards_it(corpus_settings, embedder):
    fake = FakeChat("Servitised models bill per use [1].")
    advisor = _advisor(corpus_settings, embedder, fake)
    advisor.ask(QUESTION)
    (messages,) = fake.calls
    system, user = messages
    assert system == {"role": "system", "content": SYSTEM_PROMPT}
    assert "data, not instructions" in SYSTEM_PROMPT and NOT_IN_REPORT in SYSTEM_PROMPT
    content = user["content"]
    assert user["role"] == "user" and QUESTION in content
    for n, text in enumerate(_retrieved(advisor, QUESTION), start=1):
        assert f"[{n}] (section: " in content
        assert text in content
    assert "[6]" not in content


def test_invented_marker_is_removed_and_markers_renumbered(corpus_settings, embedder):
    fake = FakeChat("Bills per use [3]. Also leasing [9]. Invoicing too [1][3]. Spares [0].")
    advisor = _advisor(corpus_settings, embedder, fake)
    hits = advisor.answerer.prepare(QUESTION).hits
    answer = advisor.ask(QUESTION)
    assert answer.mode == "fake" and not answer.refused
    assert "[9]" not in answer.text and "[0]" not in answer.text
    assert answer.text == "Bills per use [1]. Also leasing. Invoicing too [2][1]. Spares."
    assert [c.chunk.id for c in answer.citations] == [hits[2].chunk.id, hits[0].chunk.id]
    assert citations_valid(answer, {h.chunk.text for h in hits})


def test_marker_forms_and_duplicates(corpus_settings, embedder):
    fake = FakeChat("A [2, 1]. B [1-2]. C [ 2 ].")
    advisor = _advisor(corpus_settings, embedder, fake)
    answer = advisor.ask(QUESTION)
    assert answer.text == "A [1][2]. B [2][1]. C [1]."
    assert markers(answer.text) == [1, 2, 2, 1, 1]
    assert len(answer.citations) == 2


def test_stream_yields_text_then_one_final_answer(corpus_settings, embedder):
    fake = FakeChat("Servitised models use a pay-per-use model [2] and invoicing [2][1].")
    advisor = _advisor(corpus_settings, embedder, fake)
    items = list(advisor.stream(QUESTION))
    *pieces, final = items
    assert isinstance(final, Answer) and pieces and all(isinstance(p, str) for p in pieces)
    assert tidy("".join(pieces)) == final.text  # streamed numbering is the final numbering
    assert final.text.startswith("Servitised models use a pay-per-use model [1]")


def test_model_refusal_reply_gives_the_refusal_phrase(corpus_settings, embedder):
    fake = FakeChat(f" {NOT_IN_REPORT}")
    advisor = _advisor(corpus_settings, embedder, fake)
    items = list(advisor.stream(QUESTION))
    answer = items[-1]
    assert isinstance(answer, Answer)
    assert answer.refused and answer.text.endswith(REFUSAL) and answer.citations == ()
    assert not any(NOT_IN_REPORT in i for i in items[:-1] if isinstance(i, str))


def test_off_topic_question_is_refused_without_calling_the_model(corpus_settings, embedder):
    fake = FakeChat("def sort(xs): return sorted(xs) [1]")
    advisor = _advisor(corpus_settings, embedder, fake)
    answer = advisor.ask("Write a Python function to sort a list.")
    assert answer.refused and answer.text.endswith(REFUSAL)
    assert fake.calls == []


@pytest.mark.parametrize(
    ("fake", "reason"),
    [
        (FakeChat("x", fail=True), "fake backend failure"),
        (FakeChat("The report says many things, none cited."), "cited no report text"),
        (FakeChat("   "), "empty reply"),
    ],
)
def test_failing_or_uncited_model_falls_back_to_evidence(corpus_settings, embedder, fake, reason):
    advisor = _advisor(corpus_settings, embedder, fake)
    answer = advisor.ask(QUESTION)
    assert answer.mode == "evidence-fallback" and not answer.refused
    assert answer.notice and reason in answer.notice and "fake" in answer.notice
    assert citations_valid(answer, set(_retrieved(advisor, QUESTION)))
    assert "Pay-per-use model" in answer.text


def test_follow_up_is_rewritten_by_the_model_before_retrieval(corpus_settings, embedder):
    standalone = "What are the revenue streams of circular business models?"

    def reply(messages):
        if messages[0]["content"] == REWRITE_SYSTEM:
            return standalone
        return "Cost savings [1]."

    fake = FakeChat(reply)
    advisor = _advisor(corpus_settings, embedder, fake)
    history = [
        {"role": "user", "content": "Who are the key partners of circular business models?"},
        {"role": "assistant", "content": "Recycling companies and logistics providers."},
    ]
    answer = advisor.ask("And what about its revenue streams?", history=history)
    rewrite_call, answer_call = fake.calls
    assert "Who are the key partners of circular" in rewrite_call[1]["content"]
    assert "And what about its revenue streams?" in rewrite_call[1]["content"]
    assert f"Question: {standalone}" in answer_call[1]["content"]
    assert answer.question == "And what about its revenue streams?"
    assert answer.citations[0].chunk.section.endswith("Circular Business Models > Revenue Streams")


def test_unusable_model_rewrite_falls_back_to_carried_subject(corpus_settings, embedder):
    def reply(messages):
        return "ok" if messages[0]["content"] == REWRITE_SYSTEM else "Invoicing [1]."

    fake = FakeChat(reply)
    advisor = _advisor(corpus_settings, embedder, fake)
    history = [{"role": "user", "content": "What is the servitised value proposition?"}]
    answer = advisor.ask("And what about its revenue streams?", history=history)
    assert "servitised business model" in fake.calls[1][1]["content"]
    section = answer.citations[0].chunk.section
    assert section.endswith("Servitised Business Models > Revenue Streams")


def test_model_rewrite_that_echoes_the_last_answer_is_not_used(corpus_settings, embedder):
    earlier = "Servitised firms offer enhanced product value through added services."

    def reply(messages):
        return earlier if messages[0]["content"] == REWRITE_SYSTEM else "Invoicing [1]."

    fake = FakeChat(reply)
    advisor = _advisor(corpus_settings, embedder, fake)
    history = [
        {"role": "user", "content": "What is the servitised value proposition?"},
        {"role": "assistant", "content": earlier},
    ]
    answer = advisor.ask("And what about its revenue streams?", history=history)
    assert f"Question: {earlier}" not in fake.calls[1][1]["content"]
    assert "servitised business model" in fake.calls[1][1]["content"]
    section = answer.citations[0].chunk.section
    assert section.endswith("Servitised Business Models > Revenue Streams")
