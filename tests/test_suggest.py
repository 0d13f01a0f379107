"""Suggested next questions: from the plan when there is one, else from the cited sections;
each suggestion is itself a question the report answers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.answers.suggest import suggest_questions
from bot.types import Answer, Citation, Company, Plan

QUESTION = "What revenue streams suit a servitised business model?"


@pytest.fixture(scope="module")
def outline(advisor):
    return advisor.outline()


def test_three_chips_after_servitisation_advice(advisor, outline):
    company = Company(description="We make pumps and want to sell uptime.")
    plan = Plan(kind="advise", question="Should we servitise?", models=("servitised",),
                blocks=("revenue_streams",), company=company)
    answer = replace(advisor.ask(QUESTION), plan=plan)
    chips = suggest_questions(answer, outline)
    assert chips == (
        "What does a servitised business model cost?",
        "Which key recommendations apply to a servitised business model?",
        "Draft a servitised canvas for my company",
    )


def test_without_a_plan_the_cited_sections_lead(advisor, outline):
    answer = advisor.ask(QUESTION)
    assert answer.plan is None or answer.plan.models
    chips = suggest_questions(replace(answer, plan=None), outline)
    assert len(chips) == 3 and len(set(chips)) == 3
    assert chips[0] == "What does a servitised business model cost?"  # revenue was covered
    assert "servitised" in chips[1] and "compare" in chips[2]


def test_a_block_the_report_leaves_empty_is_never_suggested(outline):
    assert not outline.canvas("ai-based").items("cost_structure")
    plan = Plan(kind="advise", question="q", models=("ai-based",), blocks=("key_partners",))
    chips = suggest_questions(Answer(question="q", text="", plan=plan), outline)
    assert not any("cost" in c or "make money" in c for c in chips)
    assert chips[0].startswith("Which resources does an AI-based")


def test_after_recommendations_it_asks_how_to_act_on_one_not_yet_cited(advisor, outline):
    hits = advisor.retrieve("Develop new sales channels for hybrid revenue streams", 10)
    rec = next(h.chunk for h in hits if h.chunk.section.startswith("10 Key Recommendations"))
    answer = Answer(question="Which recommendation is about sales channels?", text="[1]",
                    citations=(Citation(1, rec),))
    chips = suggest_questions(answer, outline)
    recs = [r for r in outline.recommendations if any(r.title[1:] in chip for chip in chips)]
    assert len(recs) == 2 and rec.section not in {r.section for r in recs}
    assert chips[0].startswith("How can a manufacturer ")
    # When all ten were listed, it asks how to act on the first ones.
    listed = advisor.ask("What are the ten key recommendations?")
    chips = suggest_questions(listed, outline)
    first = outline.recommendations[0].title
    assert chips[0] == f"How can a manufacturer {first[0].lower()}{first[1:]}?"


def test_after_a_comparison_the_second_model_gets_its_own_question(advisor, outline):
    answer = advisor.ask("Compare circular and data-driven business models")
    plan = Plan(kind="compare", question=answer.question, models=("circular", "data-driven"),
                blocks=("value_propositions",))
    chips = suggest_questions(replace(answer, plan=plan), outline)
    assert chips[0] == "How does a circular business model make money?"
    assert chips[2] == "How does a data-driven business model make money?"
    assert not any("compare" in c.lower() for c in chips)


def test_a_refusal_gets_starters_and_never_the_question_back(advisor, outline):
    refused = advisor.ask("What is the best pizza in Naples?")
    assert refused.refused
    chips = suggest_questions(refused, outline)
    assert chips[0] == "What are the six business models in the report?"
    same = Answer(question=chips[0], text="", refused=True)
    assert chips[0] not in suggest_questions(same, outline)


@pytest.mark.parametrize("question", [
    QUESTION,
    "Which key partners does a circular business model need?",
    "What are the ten key recommendations?",
])
def test_every_suggestion_is_answered_by_the_report(advisor, question):
    for chip in advisor.suggest_questions(advisor.ask(question)):
        if chip.startswith("Draft"):
            continue
        answer = advisor.ask(chip)
        assert not answer.refused and answer.citations, chip
