"""The learnt kind models: learnt from the tuned half of the question set only, fitted
correctly, and deciding questions they have never seen, on the real index and the packaged
embedding model."""

from __future__ import annotations

import numpy as np
import pytest

import bot.answers.learnt as learnt
from bot import Advisor
from bot.answers.learnt import LIKELY, UNLIKELY, KindModel, fit_logistic
from bot.answers.targets import names_an_item
from bot.index.retrieval import generation_folder
from bot.index.vector_table import load_vectors
from bot.report.labelled import LABELLED, Labelled, labelled_questions, labelled_texts
from evals.advisor_eval import load_questions
from evals.export_labelled import labelled_lines

# Questions that are in no labelled example: what the model decides here, it has not seen.
OFF = ("Can you recommend a good hotel near the Hannover Messe for our sales team?",
       "What torque should we use for M12 bolts on our gearbox housing assembly line?")
ON = ("Which key partners does the circular business model rely on?",
      "We make industrial pumps, 200 people, Germany. Which business model fits us?",
      "Summarise the ten recommendations in three lines.")


def test_the_examples_are_the_tuned_half_and_current() -> None:
    questions = load_questions()
    lines = LABELLED.read_text(encoding="utf-8").splitlines()
    assert lines == labelled_lines(questions), "run: python -m evals.export_labelled"
    # a reported question is never an example ("and the costs?" after other turns may be both)
    reported = {q.question for q in questions if q.split == "report" and not q.history}
    assert reported.isdisjoint(q.question for q in labelled_questions())
    seen = set(labelled_texts())
    assert not seen & {*OFF, *ON}
    assert {q.kind for q in labelled_questions() if not q.teaches} == {
        "enumerate", "overview", "advise", "risks", "partial", "followup", "offtopic"}
    written = [q for q in labelled_questions() if q.teaches]  # scope_examples.jsonl
    assert {q.teaches for q in written} == {"offtopic"}
    assert {q.kind for q in written} == {"offtopic", "lookup", "partial"}


def test_the_fit_is_a_penalised_logistic_regression() -> None:
    rng = np.random.default_rng(7)
    x = np.vstack([rng.normal(1.0, 1.0, (40, 3)), rng.normal(-1.0, 1.0, (10, 3))])
    y = np.array([1.0] * 40 + [0.0] * 10)
    w = fit_logistic(x, y, c=2.0)
    z = np.hstack([x, np.ones((50, 1))])
    p = 1 / (1 + np.exp(-(z @ w)))
    s = np.where(y == 1, 50 / 80, 50 / 20)  # balanced class weights
    gradient = np.append(w[:-1], 0.0) + 2.0 * z.T @ (s * (p - y))
    assert np.abs(gradient).max() < 1e-6  # the optimum of the penalised, weighted loss
    assert (p[:40].mean() > 0.5) and (p[40:].mean() < 0.5)
    assert KindModel.fit(lambda texts: np.ones((len(texts), 3)), [Labelled("a", "a", "risks")],
                         "risks") is None  # one label teaches nothing
    # an example written for the off-topic model is no counter-example for the risks model
    examples = [Labelled("a", "a", "risks"), Labelled("b", "b", "lookup", teaches="offtopic"),
                Labelled("c", "c", "offtopic")]
    vectors = {"a": [1.0, 0.0, 0.0], "b": [0.0, 1.0, 0.0], "c": [0.0, 0.0, 1.0]}
    embed = lambda texts: np.array([vectors[t] for t in texts])  # noqa: E731
    risks = KindModel.fit(embed, examples, "risks")
    assert risks is not None and risks.weights[1] == 0.0  # "b" never entered the fit
    off = KindModel.fit(embed, examples, "offtopic")
    assert off is not None and off.weights[1] < 0.0  # "b" taught that a look-up is not off-topic


def offtopic(advisor: Advisor, question: str) -> float:
    planner = advisor.answerer.planner
    vector = planner.embedder.embed_one(question)
    return planner.learnt.likelihood("offtopic", vector, vector)


def test_unseen_questions(advisor: Advisor) -> None:
    for question in OFF:
        assert offtopic(advisor, question) >= LIKELY, question
        assert advisor.ask(question).refused, question
    for question in ON:
        assert offtopic(advisor, question) < 0.5, question
        assert not advisor.ask(question).refused, question


def test_the_model_decides_what_the_rules_would_answer(
    advisor: Advisor, monkeypatch: pytest.MonkeyPatch
) -> None:
    planner = advisor.answerer.planner
    question = OFF[0]  # "hotel near the Hannover Messe": a name the rules cannot place
    assert planner.plan(question).kind == "offtopic"
    monkeypatch.setitem(learnt._models, (id(planner.embedder), "offtopic"), None)
    assert offtopic(advisor, question) == 0.5  # no model: neither likely nor unlikely
    assert planner.plan(question).kind != "offtopic"


def test_a_look_up_by_its_cues_is_read_as_the_kind_learnt(advisor: Advisor) -> None:
    question = ("Why do manufacturing firms find it so hard to go from selling machines to "
                "selling services? Five bullets for my slides.")
    assert question not in set(labelled_texts())
    plan = advisor.answerer.planner.plan(question)
    assert plan.kind == "risks"
    answer = advisor.ask(question)
    assert any("challenges" in c.chunk.section for c in answer.citations)


def test_a_question_naming_the_report_or_after_earlier_turns_is_not_refused_by_it(
    advisor: Advisor,
) -> None:
    planner = advisor.answerer.planner
    question = ("Can you recommend a good hotel near the Hannover Messe to present our circular "
                "canvas?")
    assert offtopic(advisor, question) >= UNLIKELY
    assert planner.plan(question).kind != "offtopic"  # it names one of the report's canvases
    history = [{"role": "user", "content": "Which model suits a pump maker?"},
               {"role": "assistant", "content": "The servitised model [Servitised]."}]
    assert not planner.plan("Can you recommend a good hotel near it?", history).kind == "offtopic"


def test_ingest_stores_the_examples_vectors(advisor: Advisor) -> None:
    folder = generation_folder(advisor.answerer.retriever.store)
    assert folder is not None
    stored = load_vectors(folder, advisor.answerer.planner.embedder.model_path)
    assert set(labelled_texts()) <= set(stored)


def test_fitted_weights_are_kept_with_the_generation(
    advisor: Advisor, monkeypatch: pytest.MonkeyPatch
) -> None:
    planner = advisor.answerer.planner
    vector = planner.embedder.embed_one(OFF[1])
    first = planner.learnt.likelihood("offtopic", vector, vector)
    folder = generation_folder(advisor.answerer.retriever.store)
    assert folder is not None and (folder / learnt.WEIGHTS).is_file()
    monkeypatch.setattr(learnt, "_models", {})  # a new process: nothing fitted yet

    def no_embedding(texts: list[str]) -> np.ndarray:
        raise AssertionError("the saved weights should have been read")

    monkeypatch.setattr(planner.learnt, "_embed", no_embedding)
    assert planner.learnt.likelihood("offtopic", vector, vector) == pytest.approx(first)
    (folder / learnt.WEIGHTS).write_bytes(b"damaged")  # fitted again, and saved again
    monkeypatch.undo()
    monkeypatch.setattr(learnt, "_models", {})
    assert planner.learnt.likelihood("offtopic", vector, vector) == pytest.approx(first)
    assert load_vectors(folder, learnt.fingerprint(
        labelled_questions(), planner.embedder.model_path), learnt.WEIGHTS)
    assert load_vectors(folder, "another fingerprint", learnt.WEIGHTS) == {}


def test_a_term_of_the_reports_items_keeps_a_question_from_the_learnt_refusal(
    advisor: Advisor,
) -> None:
    outline = advisor.answerer.outline()
    assert names_an_item(outline, "How should we price a pay-per-use offer?")  # Revenue Streams
    assert names_an_item(outline, "Are online platforms worth it for us?")  # Channels
    assert not names_an_item(outline, OFF[0])
    planner = advisor.answerer.planner
    question = "How should we price a pay-per-use offer?"
    assert offtopic(advisor, question) >= LIKELY  # much like the pricing questions refused...
    assert planner.plan(question).kind != "offtopic"  # ...but it names the report's own term
