"""Refusal: the report's scope, on the gold set and on questions the thresholds never saw."""

from __future__ import annotations

import pytest

from bot.answers.prompts import REFUSAL
from bot.answers.scope import fold_demonyms, off_topic_intent
from evals.gold import load_gold

# Not in evals/gold.jsonl: a check that the signals are not fitted to the gold wording.
HELD_OUT_IN_SCOPE = [
    "What are the key partners of circular business models?",
    "Tell me about the customer segments for servitised manufacturers",
    "How does the report define the circular economy trend?",
    "Which recommendations deal with artificial intelligence?",
    "Who is Johan Stahre?",
    "Which business model should a small machine builder choose to add services?",
    "How can SMEs start with servitisation?",
    "What does recommendation 10 say about policy?",
    "What skills do workers need for data monetisation?",
    "How do data-driven companies charge their customers?",
    "Which contributors are based in Germany?",
    "What partners does a mass customiser rely on?",
    "How should we price a pay-per-use offer?",
]
HELD_OUT_OFF_TOPIC = [
    "Can you write a SQL query that joins two tables?",
    "Recommend a good laptop brand I should buy",
    "Who won the 2018 Champions League?",
    "How do I make pizza dough at home?",
    "What is the boiling point of water?",
    "Translate 'business model' into German",
    "What is the stock price of ABB today?",
    "Explain how a transformer neural network attention layer works",
    "Which ERP vendor should we purchase, SAP or Oracle?",
    "How many employees does Bosch have?",
    "What was the inflation rate in the eurozone in 2021?",
    "How do I weld aluminium?",
    "What does the report say about Industry 4.0?",
]


def test_refusal_phrase_points_to_what_the_report_covers():
    for topic in ("six new business models", "trends", "recommendations", "contributors"):
        assert topic in REFUSAL
    assert REFUSAL.count("\n") == 0


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Write a Python function to sort a list.", "coding"),
        ("Please debug this script for me", "coding"),
        ("Which CNC machine brand should I buy for a small job shop?", "purchasing"),
        ("What is the current market price of copper?", "purchasing"),
        ("What's the weather forecast for Turin?", "trivia"),
        ("Who won the 2010 World Cup?", "trivia"),
        ("Which business model should I choose for my company?", None),
        ("How should a servitised manufacturer price its services?", None),
        ("What does the report say about the market for customised products?", None),
    ],
)
def test_off_topic_intent(question, intent):
    assert off_topic_intent(question) == intent


def test_demonyms_fold_into_place_names():
    assert "switzerland" in fold_demonyms("Who contributed from Swiss institutions?").lower()


def test_gold_out_of_scope_refused_and_answerable_answered(advisor):
    # The CI subset of answerable questions; the whole set is scored in test_evidence.py.
    for q in load_gold():
        if q.category == "followup" or (q.answerable and not q.subset):
            continue
        answer = advisor.ask(q.question)
        assert answer.refused is (not q.answerable), (q.id, answer.text[:120])
        if answer.refused:
            assert answer.text.endswith(REFUSAL) and answer.citations == ()


@pytest.mark.parametrize("question", HELD_OUT_IN_SCOPE)
def test_held_out_report_questions_are_answered(advisor, question):
    answer = advisor.ask(question)
    assert not answer.refused, advisor.answerer.prepare(question).scope
    assert answer.citations


@pytest.mark.parametrize("question", HELD_OUT_OFF_TOPIC)
def test_held_out_off_topic_questions_are_refused(advisor, question):
    answer = advisor.ask(question)
    scope = advisor.answerer.prepare(question).scope
    assert answer.refused and answer.text.endswith(REFUSAL), scope
