"""The advisor's answer kinds, on the real index: each composer, and every example users hit.

Each example below was once answered badly (refused, cut short, about the wrong section); the
tests hold the answer a user should get: not refused, cited, the right sections, whole lists.
"""

from __future__ import annotations

import re

import pytest

from bot import Advisor
from bot.answers.citations import markers
from bot.answers.prompts import NOT_MENTIONED, REFUSAL
from bot.settings import Settings
from bot.types import Answer
from tests.fakes import FakeChat

RECS = "10 Key Recommendations"
CHALLENGES = "What are the challenges of manufacturing business model innovation?"
PUMPS = ("We make industrial pumps and have 200 employees. How could we move towards "
         "servitisation?")


def cited(answer: Answer) -> list[str]:
    return [c.chunk.section for c in answer.citations]


def grounded(answer: Answer) -> None:
    """Every [n] names a citation, every citation is cited, and the answer is readable."""
    assert not answer.refused, answer.text
    numbers = set(markers(answer.text))
    assert numbers == {c.n for c in answer.citations}
    assert len(answer.text) < 6000


def test_company_questions_are_advised_not_refused(advisor: Advisor) -> None:
    answer = advisor.ask(PUMPS)
    grounded(answer)
    assert answer.plan is not None and answer.plan.kind == "advise"
    company = answer.plan.company
    assert company is not None and company.size == "200 employees"
    assert "industrial pumps" in company.products
    assert not answer.plan.not_in_report
    sections = cited(answer)
    assert any("Servitised Business Models" in s for s in sections)
    assert any(s.startswith(RECS) for s in sections)
    assert any(s.endswith(CHALLENGES) for s in sections)
    assert "Next step" in answer.text and "industrial pumps" in answer.text


def test_company_figures_are_context(advisor: Advisor) -> None:
    answer = advisor.ask("Our company sells 5,000 machines a year. How can we earn recurring "
                         "revenue from them?")
    grounded(answer)
    assert answer.plan is not None and answer.plan.kind == "advise"
    company = answer.plan.company
    assert company is not None and "5,000 machines a year" in company.figures
    assert any("Revenue Streams" in s for s in cited(answer))


def test_all_ten_recommendations(advisor: Advisor) -> None:
    answer = advisor.ask("List all ten recommendations.")
    grounded(answer)
    numbered = re.findall(r"^(\d+)\. ", answer.text, re.MULTILINE)
    assert numbered == [str(n) for n in range(1, 11)]
    assert len({s for s in cited(answer) if s.startswith(f"{RECS} > ")}) == 10


def test_the_six_business_models(advisor: Advisor) -> None:
    answer = advisor.ask("What are the six business models?")
    grounded(answer)
    for name in ("Digital", "Data-driven", "AI-based", "Mass-Customisation", "Servitised",
                 "Circular"):
        assert f"{name} Business Models" in answer.text
        assert any(s.startswith(f"New Business Models > {name} Business Models")
                   for s in cited(answer))


def test_all_six_trends_cite_the_trends(advisor: Advisor) -> None:
    answer = advisor.ask("What are all six trends?")
    grounded(answer)
    trends = [s for s in cited(answer) if s.startswith("Manufacturing Business Model Innovation")]
    assert len(set(trends)) == 7  # the six trends and the section's own headline
    assert all(s.startswith("Manufacturing Business Model Innovation") for s in cited(answer))


def test_one_block_across_all_models_and_one_lever_across_recommendations(advisor: Advisor):
    answer = advisor.ask("Show me the revenue streams of every business model.")
    grounded(answer)
    revenue = {s.split(" > ")[1] for s in cited(answer) if s.endswith("Revenue Streams")}
    assert len(revenue) == 5  # the AI-based canvas leaves revenue streams empty
    assert "leaves Revenue Streams empty for AI-based" in answer.text
    policy = advisor.ask("What are all the policy levers?")
    grounded(policy)
    assert len(re.findall(r"^- ", policy.text, re.MULTILINE)) == 10


@pytest.mark.parametrize("question", [
    "Give me an overview of the report.", "What are the main takeaways?",
])
def test_overviews(advisor: Advisor, question: str) -> None:
    answer = advisor.ask(question)
    grounded(answer)
    assert answer.plan is not None and answer.plan.kind == "overview"
    sections = cited(answer)
    assert "About the Report" in sections and "Closing Statement" in sections
    assert sum(s.startswith(f"{RECS} > ") for s in sections) == 10
    assert len(answer.text.split()) < 500


def test_advice_for_a_described_manufacturer_is_not_about_a_contributor(advisor: Advisor):
    answer = advisor.ask("Which business model would suit a contract electronics manufacturer "
                         "with 3 plants in Mexico?")
    grounded(answer)
    assert answer.plan is not None and answer.plan.kind == "advise"
    assert "Contributors" not in cited(answer)
    assert answer.plan.company is not None and "Mexico" in answer.plan.company.places


def test_a_close_second_model_is_shown_and_cited(advisor: Advisor) -> None:
    answer = advisor.ask(
        "We make screws and bolts in Taiwan (520 staff). Customers order by email. We want a B2B "
        "web shop and an app where engineers reorder with one click and pay a yearly fee for "
        "premium features. How should we shape the business model?")
    grounded(answer)
    match = re.search(r"\*\*(\S[^*]+)\*\* close behind", answer.text)
    assert match, answer.text
    assert f"**Also worth weighing: the {match.group(1)} canvas**" in answer.text
    assert any(s.startswith(f"New Business Models > {match.group(1)}") for s in cited(answer))
    single = advisor.ask(PUMPS)
    assert "close behind" not in single.text and "Also worth weighing" not in single.text


def test_risks_follow_up_keeps_subject_and_company(advisor: Advisor) -> None:
    first = advisor.ask(PUMPS)
    history = [{"role": "user", "content": PUMPS}, {"role": "assistant", "content": first.text}]
    answer = advisor.ask("What are the risks?", history)
    grounded(answer)
    assert answer.plan is not None and answer.plan.kind == "risks"
    assert answer.plan.models == ("servitised",)
    assert answer.plan.company is not None and "industrial pumps" in answer.plan.company.products
    sections = cited(answer)
    assert any(s.endswith(CHALLENGES) for s in sections)
    assert "New Business Models > Servitised Business Models > Cost Structure" in sections
    assert "Cost structure of Data-driven" not in answer.text


def test_absent_terms_are_said_first(advisor: Advisor) -> None:
    answer = advisor.ask("What does the report say about quantum computing in factories?")
    grounded(answer)
    assert answer.not_in_report == ("quantum computing",)
    assert answer.text.startswith(NOT_MENTIONED.format(terms="“quantum computing”"))
    data = answer.to_json()
    assert data["not_in_report"] == ["quantum computing"] and data["plan"]["kind"]


def test_partial_question_answers_the_covered_part(advisor: Advisor) -> None:
    answer = advisor.ask("Which of the innovation trends does blockchain belong to, and what "
                         "does the report say about the data economy?")
    grounded(answer)
    assert "blockchain" in answer.not_in_report
    assert "Manufacturing Business Model Innovation Trends > Data Economy" in cited(answer)


def test_nothing_covered_is_refused_and_says_what_is_missing(advisor: Advisor) -> None:
    answer = advisor.ask("What was Siemens' revenue in 2022?")
    assert answer.refused and REFUSAL in answer.text and "Siemens" in answer.text
    assert advisor.ask("Write a Python function to sort a list.").refused


def test_ordinal_and_pronoun_follow_ups(advisor: Advisor) -> None:
    listing = advisor.ask("List all ten recommendations.")
    history = [{"role": "user", "content": "List all ten recommendations."},
               {"role": "assistant", "content": listing.text}]
    fourth = advisor.ask("Tell me more about the fourth one", history)
    grounded(fourth)
    assert cited(fourth)[0] == f"{RECS} > 4. Develop new sales channels for hybrid revenue streams"
    turns = [{"role": "user", "content": "Who are the key partners in a servitised model?"},
             {"role": "assistant", "content": "Service providers, IT providers, R&D companies."}]
    theirs = advisor.ask("And who are their customers?", turns)
    grounded(theirs)
    segments = "New Business Models > Servitised Business Models > Customer Segments"
    assert cited(theirs)[0] == segments
    other = advisor.ask("and for the circular one?", turns)
    assert cited(other)[0] == "New Business Models > Circular Business Models > Key Partners"


def test_a_model_gets_the_plan_and_the_whole_list(corpus_settings: Settings, embedder) -> None:
    """A generative backend is asked with the plan, every item, and a cited draft."""
    fake = FakeChat("The report lists ten recommendations, first a customer-centric one [1].")
    advisor = Advisor(Settings(data_dir=corpus_settings.data_dir, llm=fake), embedder=embedder)
    answer = advisor.ask("List all ten recommendations.")
    user = fake.calls[-1][1]["content"]
    assert "give every item of the list" in user
    for n in range(1, 11):
        assert f"(section: {RECS} > {n}. " in user
    assert answer.mode == "fake" and answer.citations[0].chunk.section.startswith(RECS)
    advice = advisor.ask(PUMPS)
    user = fake.calls[-1][1]["content"]
    assert "advise the user's company" in user and "industrial pumps" in user
    assert advice.plan is not None and advice.plan.kind == "advise"


def test_a_model_reply_keeps_the_absent_terms_notice(corpus_settings: Settings, embedder):
    fake = FakeChat("The data-driven resources include computing power [1].")
    advisor = Advisor(Settings(data_dir=corpus_settings.data_dir, llm=fake), embedder=embedder)
    answer = advisor.ask("What does the report say about quantum computing in factories?")
    assert answer.text.startswith("The report does not mention “quantum computing”.")
    assert answer.citations and answer.mode == "fake"
