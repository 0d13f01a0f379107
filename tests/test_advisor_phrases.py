"""Questions the advisor once misread: phrases the report never uses, recommendations named by
their topic, whole blocks of one canvas, and advice for companies whose products the report
never names. Each runs on the real index and the packaged embedding model."""

from __future__ import annotations

from bot import Advisor
from bot.answers.asked import asked_phrases
from bot.types import Answer
from tests.test_advisor_answers import cited, grounded

CIRCULAR = "New Business Models > Circular Business Models"


def flagged(advisor: Advisor, cases: tuple[tuple[str, str], ...]) -> None:
    """Each question is answered, and its term is among those the report never mentions."""
    for question, term in cases:
        answer = advisor.ask(question)
        assert not answer.refused, question
        assert term in answer.not_in_report, (question, answer.not_in_report)


def test_asked_phrases_are_what_the_user_asks_the_report_to_mention() -> None:
    assert asked_phrases("Is right to repair mentioned anywhere?") == ["right to repair"]
    assert asked_phrases("Anything on supply chain finance or working capital in the "
                         "servitised model?") == ["supply chain finance", "working capital"]
    assert asked_phrases("Does the report cover additive manufacturing for mass "
                         "customisation?") == ["additive manufacturing"]
    assert asked_phrases("Does it mention carbon border adjustments and what does it say "
                         "about revenue?") == ["carbon border adjustments"]
    assert asked_phrases("What are the circular revenue streams?") == []
    assert asked_phrases("Does it say anything about the Grow in Kenya scheme?") == [
        "Grow in Kenya scheme"]  # a name with "in" after an article
    # "these", "that": what the sentence before named, never a question's words
    assert asked_phrases("Our sales team wants a customer loyalty card, is that in the report "
                         "anywhere?") == ["customer loyalty card"]
    assert asked_phrases("Our board wants a digital product passport. Does the report mention "
                         "that?") == ["digital product passport"]
    assert asked_phrases("How does a new business model cut risk? Does the report say something "
                         "about it?") == []
    # "how does that fit", "either of these": what the sentence before introduced
    assert asked_phrases("We run a spare-parts vending machine in every customer plant. How would "
                         "that fit with the servitised canvas?") == ["spare-parts vending machine"]
    assert asked_phrases("We joined the Grow in Kenya scheme. Does the report reference either of "
                         "these?") == ["Grow in Kenya scheme"]


def test_a_phrase_of_known_words_the_report_never_uses_is_said_to_be_absent(
    advisor: Advisor,
) -> None:
    answer = advisor.ask("Is right to repair mentioned anywhere? What key activities does the "
                         "circular canvas list?")
    grounded(answer)
    assert "right to repair" in answer.not_in_report
    assert answer.text.startswith("The report does not mention “right to repair”")
    assert any(s.startswith(f"{CIRCULAR} > Key Activities") for s in cited(answer))
    edge = advisor.ask("Does the report say anything about edge computing for data-driven "
                       "business models?")
    assert "edge computing" in edge.not_in_report and not edge.refused


def test_a_phrase_the_report_says_in_other_words_is_not_absent(advisor: Advisor) -> None:
    for question in ("Does the report mention waste reduction?",
                     "Does the report talk about data sharing between companies?",
                     "What does the report say about take-back schemes?"):
        answer = advisor.ask(question)
        assert not answer.refused, question
        assert not answer.not_in_report, (question, answer.not_in_report)


def test_a_recommendation_named_by_its_topic_is_answered_with_it(advisor: Advisor) -> None:
    answer = advisor.ask("How would nearshoring to Poland fit the localisation recommendation?")
    grounded(answer)
    assert answer.plan is not None and "recommendation:8" in answer.plan.lists
    assert answer.not_in_report == ("nearshoring",)  # a country is a place, context as ever
    assert cited(answer)[0].startswith("10 Key Recommendations > 8. Prioritise localised")
    # "your recommendation" asks for advice; it names none of the ten
    plan = advisor.answerer.plan("What is your recommendation on partnerships for us?")
    assert not any(k.startswith("recommendation:") for k in plan.lists)


def test_every_member_of_a_list_named_in_the_singular(advisor: Advisor) -> None:
    answer = advisor.ask("can u name every business model type the report describes?")
    grounded(answer)
    for name in ("Digital", "Data-driven", "AI-based", "Mass-Customisation", "Servitised",
                 "Circular"):
        assert name in answer.text


def _items_of(advisor: Advisor, section: str) -> list[str]:
    outline = advisor.answerer.outline()
    return [e.text for e in outline.items(section)]


def test_named_blocks_of_one_canvas_come_whole(advisor: Advisor) -> None:
    answer = advisor.ask("mass customisation: give me the value propositions, channels and "
                         "revenue streams of the canvas. every bullet")
    grounded(answer)
    model = "New Business Models > Mass-Customisation Business Models"
    for block in ("Value Propositions", "Channels", "Revenue Streams"):
        items = _items_of(advisor, f"{model} > {block}")
        assert items, block
        for item in items:
            assert item[:40] in answer.text, item
    partners = advisor.ask("who does an AI-based business need as partners? every single one")
    grounded(partners)
    for item in _items_of(advisor, "New Business Models > AI-based Business Models > "
                                   "Key Partners"):
        assert item[:40] in partners.text, item


def _advice(advisor: Advisor, question: str) -> Answer:
    answer = advisor.ask(question)
    grounded(answer)
    assert answer.plan is not None and answer.plan.kind == "advise"
    return answer


def test_a_company_whose_products_the_report_never_names_gets_advice(advisor: Advisor) -> None:
    answer = _advice(advisor, (
        "We assemble lithium battery packs for e-scooters in Taiwan (400 staff). Customers ask "
        "what happens at end of life. We are thinking of giving good cells a second life and "
        "recovering materials from the rest. What would you advise?"))
    assert "Circular Business Models" in answer.text.split("\n")[0]
    assert any(s.startswith(CIRCULAR) for s in cited(answer))


def test_paying_per_unit_of_use_points_to_servitisation(advisor: Advisor) -> None:
    answer = _advice(advisor, (
        "We build floor-scrubbing robots, 85 people, Gothenburg. Customers would rather pay per "
        "square metre cleaned while we maintain the robots. Which business model fits?"))
    assert "Servitised Business Models" in answer.text.split("\n")[0]


def test_a_request_without_a_company_is_still_refused(advisor: Advisor) -> None:
    answer = advisor.ask("Can you give me an ISO 9001:2015 internal audit checklist for our "
                         "warehouse?")
    assert answer.refused


def _history(advisor: Advisor, question: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": question},
            {"role": "assistant", "content": advisor.ask(question).text}]


def test_a_bare_ordinal_picks_from_the_last_list(advisor: Advisor) -> None:
    history = _history(advisor, "What are the ten recommendations?")
    answer = advisor.ask("tell me more about the seventh", history)
    grounded(answer)
    assert not answer.not_in_report
    assert cited(answer)[0].startswith("10 Key Recommendations > 7. Balance key resources")


def test_a_follow_up_to_a_comparison_compares_both_models(advisor: Advisor) -> None:
    history = _history(advisor, "Compare servitised and data-driven models.")
    answer = advisor.ask("which is cheaper to start?", history)
    grounded(answer)
    assert answer.plan is not None and answer.plan.kind == "compare"
    sections = cited(answer)
    for model in ("Servitised", "Data-driven"):
        assert f"New Business Models > {model} Business Models > Cost Structure" in sections


def test_questions_about_the_report_for_a_reader_are_overviews(advisor: Advisor) -> None:
    for question in ("Is the report worth reading for a supply chain manager?",
                     "Why should a CFO care about this report?",
                     "Brief my CEO in 5 bullets."):
        answer = advisor.ask(question)
        grounded(answer)
        assert answer.plan is not None and answer.plan.kind == "overview", question
        assert any(s.startswith("10 Key Recommendations") for s in cited(answer)), question


def test_what_customers_want_decides_the_model_not_the_product(advisor: Advisor) -> None:
    """No keyword of the report's canvases in these briefs: the fit comes from their meaning."""
    for question, model in (
        ("We're a 60-person maker of industrial sewing machines in Porto. Clients keep asking us "
         "to keep their machines running and only pay when they produce. What should we do?",
         "Servitised"),
        ("Our firm (30 people, Lyon) makes bicycle frames. Customers want to pick geometry, "
         "colour and components online before we build. How do we go about it?",
         "Mass-Customisation"),
    ):
        answer = _advice(advisor, question)
        assert f"**{model} Business Models**" in answer.text.split("\n")[0], answer.text[:300]


def test_plans_in_a_question_are_not_the_company_s_products(advisor: Advisor) -> None:
    plan = advisor.answerer.plan("We run a foundry with 120 employees in Ohio and collect sensor "
                                 "readings from our furnaces. Could we sell those insights?")
    assert plan.company is not None and plan.company.size == "120 employees"
    assert not any("insights" in p for p in plan.company.products)


def test_what_a_company_sells_is_no_off_topic_request(advisor: Advisor) -> None:
    answer = _advice(advisor, "We make kitchen appliances and want to sell spare parts and "
                              "recipes through an app and an online shop. 500 staff, Istanbul. "
                              "What would you recommend?")
    assert "Digital Business Models" in answer.text.split("\n")[0]
    assert advisor.ask("We're a bakery with 12 staff. Give me a recipe for sourdough.").refused


def test_a_part_that_points_back_at_a_refused_part_does_not_carry_the_question(
    advisor: Advisor,
) -> None:
    answer = advisor.ask("What's the formula for OEE and how do I calculate it for a line "
                         "running 3 shifts?")
    assert answer.refused
    # a later part that names a canvas block still counts on its own
    kept = advisor.ask("Could ChatGPT be the personal assistance in the AI-based customer "
                       "relationship block? What else is in that block?")
    assert not kept.refused and "ChatGPT" in kept.not_in_report


def test_whether_the_report_suits_a_company_is_an_overview(advisor: Advisor) -> None:
    answer = advisor.ask("Is this report relevant for a 25-person family firm making wooden "
                         "garden furniture, or is it really written for large corporates?")
    grounded(answer)
    assert answer.plan is not None and answer.plan.kind == "overview"


def test_a_compound_named_as_the_topic_is_absent_when_the_report_never_forms_it(
    advisor: Advisor,
) -> None:
    flagged(advisor, (
        ("If we train our models with federated learning across customer sites, which key "
         "activities of the AI canvas would change?", "federated learning"),
        ("We want to sell an assistant built on large language models to other factories. Which "
         "customer segments does the AI-based canvas identify?", "large language models"),
        ("how does the circular canvas treat customer lifetime value? what customer relationship "
         "does it describe?", "customer lifetime value"),
    ))


def test_a_compound_the_report_forms_is_not_absent(advisor: Advisor) -> None:
    for question in ("How do servitised firms work with key partners?",
                     "What does the report say about customer relationships in circular models?",
                     "Which revenue streams come with pay-per-use?"):
        assert not advisor.ask(question).not_in_report, question


def test_a_numeric_ordinal_picks_from_the_last_list(advisor: Advisor) -> None:
    history = [{"role": "user", "content": "whats the difference between the digital economy "
                                           "and data economy trends?"},
               {"role": "assistant", "content": "1. Digital Economy: the move to a digital "
                                                "economy.\n2. Data Economy: data as a product."}]
    answer = advisor.ask("ok and in business model terms, who would be the key partners for the "
                         "2nd?", history)
    grounded(answer)
    assert "New Business Models > Data-driven Business Models > Key Partners" in cited(answer)


def test_a_comparative_follow_up_compares_what_the_last_turn_compared(advisor: Advisor) -> None:
    history = _history(advisor, "compare the cost structure of the digital vs the data-driven "
                                "business model")
    answer = advisor.ask("which is less risky for a mid-size firm?", history)
    grounded(answer)
    sections = cited(answer)
    for model in ("Digital", "Data-driven"):
        assert any(s.startswith(f"New Business Models > {model} Business Models") for s in
                   sections), model


def test_choosing_among_products_the_report_never_names_is_refused(advisor: Advisor) -> None:
    answer = advisor.ask("Which MES is best for a servitisation strategy: Siemens Opcenter, "
                         "Critical Manufacturing or Plex? We're a 400-person machine builder.")
    assert answer.refused
    assert advisor.ask("For our leasing model, do we charge VAT on the whole machine value "
                       "upfront or on each monthly instalment?").refused
    # a choice between the report's own models is a comparison
    assert not advisor.ask("Which is better for us, servitised or circular?").refused


def test_one_page_and_payoff_questions(advisor: Advisor) -> None:
    page = advisor.ask("Boss wants the WMR 2023 on one page. What's actually actionable in it?")
    grounded(page)
    assert page.plan is not None and page.plan.kind == "overview"
    payoff = advisor.ask("honest q: is all this BM innovation stuff worth the money? what could "
                         "make it not pay off?")
    grounded(payoff)
    assert payoff.plan is not None and payoff.plan.kind == "risks"
    assert any(s.endswith("What are the challenges of manufacturing business model innovation?")
               for s in cited(payoff))


def test_coined_hyphenated_terms_and_words_of_asking(advisor: Advisor) -> None:
    coined = advisor.ask("How does Signify's light-as-a-service offer fit with the cost structure "
                         "of servitised models?")
    assert any("light-as-a-service" in t for t in coined.not_in_report) and not coined.refused
    spelt = advisor.ask("How can a manufacturer create triple-bottom-line value propositions?")
    assert not spelt.not_in_report
    risks = advisor.ask("Honest downsides of servitisation for a 45-person company?")
    assert not risks.not_in_report


def test_contributors_narrowed_to_the_places_named(advisor: Advisor) -> None:
    answer = advisor.ask("Which of the contributors come from North America (US or Canada)?")
    grounded(answer)
    for name in ("Thorsten Wuest", "Muztoba Ahmad Khan", "Randy Zadra", "John Dyck"):
        assert name in answer.text
    assert "(Italy)" not in answer.text
    assert not answer.not_in_report  # a region is a place, not a term
    italy = advisor.ask("list all contributors from Italy")
    assert "Roberto Sala" in italy.text and "(Germany)" not in italy.text


def test_asking_for_the_last_answer_again_restates_its_question(advisor: Advisor) -> None:
    history = _history(advisor, "What are the revenue streams of servitised models?")
    for again in ("summarise that", "shorter pls", "can you put that in bullets please"):
        answer = advisor.ask(again, history)
        grounded(answer)
        assert answer.plan is not None and answer.plan.kind != "overview", again
        assert cited(answer)[0] == ("New Business Models > Servitised Business Models > "
                                    "Revenue Streams"), again


def test_messy_follow_ups_and_asking_words(advisor: Advisor) -> None:
    history = [{"role": "user", "content": "what challenges does the report see for bm "
                                           "innovation"},
               {"role": "assistant", "content": "The report lists nine challenges:\n- Resistance "
                "to change\n- Skills gaps\n- Regulatory compliance\n- Cultural shift"}]
    for again in ("4th one pls, in plain words", "#4 whats meant w/ that"):
        answer = advisor.ask(again, history)
        grounded(answer)
        assert not answer.not_in_report, again
        assert any(s.endswith("What are the challenges of manufacturing business model "
                              "innovation?") for s in cited(answer)), again
    obstacles = advisor.ask("What obstacles do manufacturers face when they innovate their "
                            "business models?")
    assert not obstacles.not_in_report  # a word of asking, not a topic


def test_a_standard_s_year_is_no_company_figure(advisor: Advisor) -> None:
    answer = advisor.ask("Can you give me an ISO 9001:2015 internal audit checklist for our "
                         "warehouse?")
    assert answer.refused
    assert answer.plan is not None and answer.plan.company is None


def test_a_code_in_the_company_s_story_is_an_absent_term(advisor: Advisor) -> None:
    answer = advisor.ask("IEC 62443 audit is eating our whole budget this year, we are 200 "
                         "people. Does the data-driven model's cost structure mention "
                         "compliance costs?")
    assert "IEC 62443" in answer.not_in_report and not answer.refused
    story = advisor.ask("We make hydraulic valves, 350 staff, Poland, 40 M EUR turnover. Which "
                        "model fits us?")
    assert not story.not_in_report  # places, sizes and currencies are the company's facts


def test_business_looking_requests_the_report_cannot_serve_are_refused(advisor: Advisor) -> None:
    for question in (
        "what churn rate is normal for machine subscription contracts in europe?",
        "what % of manufacturers report skills gaps in 2023?",
        "who's a good partner for reverse logistics of pallets in benelux?",
        "can we fire a technician who refuses the retraining for the new service model?",
        "which company built the first industrial robot?",
        "give me a template for a service level agreement for our maintenance contracts",
    ):
        assert advisor.ask(question).refused, question
    for question in ("How many people contributed to the report?",
                     "What is the average cost structure of a servitised model?",
                     "Which partners does the report suggest for servitised models?"):
        assert not advisor.ask(question).refused, question


def test_terse_list_requests_come_whole(advisor: Advisor) -> None:
    models = advisor.ask("6 models?")
    grounded(models)
    for name in ("Digital", "Data-driven", "AI-based", "Mass-Customisation", "Servitised",
                 "Circular"):
        assert name in models.text
    recs = advisor.ask("10 recs pls")
    assert all(f"{n}." in recs.text for n in range(1, 11))
    three = advisor.ask("skills levers for recs 1 4 and 7")
    grounded(three)
    numbers = {s.split(" > ")[1].split(".")[0] for s in cited(three)}
    assert numbers == {"1", "4", "7"}
    both = advisor.ask("whats on the revenue side for data driven and digital")
    grounded(both)
    for model in ("Data-driven", "Digital"):
        assert f"New Business Models > {model} Business Models > Revenue Streams" in cited(both)


def test_format_only_follow_ups_and_comparisons_two_turns_back(advisor: Advisor) -> None:
    history = _history(advisor, "what does rec 6 say")
    short = advisor.ask("too long didnt read. 2 lines max", history)
    grounded(short)
    assert cited(short)[0].startswith("10 Key Recommendations > 6. ")
    history = _history(advisor, "Compare digital and data-driven models.")
    history += [{"role": "user", "content": "compare those two on cost"},
                {"role": "assistant", "content": advisor.ask("compare those two on cost",
                                                             history).text}]
    answer = advisor.ask("and tech-wise?", history)
    assert answer.plan is not None
    assert set(answer.plan.models) == {"digital", "data-driven"}


def test_quoted_named_and_used_terms(advisor: Advisor) -> None:
    flagged(advisor, (
        ('we use "vendor managed inventory" with our big clients - which key activities does '
         'the servitised canvas list?', "vendor managed inventory"),
        ("the EU Machinery Regulation is coming - what does rec 8 say on policy?",
         "EU Machinery Regulation"),
        ("context: we run on Odoo, 80 people. q: what does the report say about the digital "
         "economy trend?", "Odoo"),
        ("our plant uses 5G private networks, 300 staff. how does the data-driven model make "
         "money?", "5G private networks"),
    ))


def test_the_verb_a_question_asks_with_is_no_absent_term(advisor: Advisor) -> None:
    for question in ("Which resources underpin a mass-customisation business model?",
                     "Which customers are most receptive to circular business models?",
                     "How does the report characterise the data economy?"):
        assert not advisor.ask(question).not_in_report, question
    assert "tariffs" in " ".join(advisor.ask(
        "How should US tariffs on imported steel shape our localisation strategy, and what "
        "does recommendation 8 say?").not_in_report)


def test_more_requests_the_report_cannot_serve(advisor: Advisor) -> None:
    for question in (
        "how many mass customisation startups fail in their first 5 years? need a number for "
        "our investor pitch",
        "do i need a visa to visit a supplier in Ho Chi Minh City on a brazilian passport?",
        "we're running a workshop on business model innovation with 20 plant managers. can you "
        "suggest a fun icebreaker game to start it off?",
    ):
        assert advisor.ask(question).refused, question
    three = advisor.ask("Our CEO has read zero pages of the WMR 2023. What are the three things "
                        "she absolutely must remember from it?")
    assert three.plan is not None and three.plan.kind == "overview" and not three.refused
    fraunhofer = advisor.ask("Is any contributor of the report from Fraunhofer? Which German "
                             "universities are among the contributors?")
    assert "Fraunhofer" in fraunhofer.not_in_report and not fraunhofer.refused


def test_calculations_salaries_media_and_charts_are_refused(advisor: Advisor) -> None:
    for question in (
        "how does a servo drive work technically?",
        "how much do field service technicians earn in germany",
        "which erp supports subscription billing best, sap or oracle?",
        "our CFO asks: what is the WACC we should use for a servitisation business case?",
        "recommend a podcast about manufacturing",
        "make me a gantt chart for rolling out the new service model",
        "lol what's 2+2",
    ):
        assert advisor.ask(question).refused, question
    assert not advisor.ask("How does the servitised business model work?").refused


def test_a_topic_a_sentence_opens_on_and_quoted_terms(advisor: Advisor) -> None:
    carbon = advisor.ask("Carbon accounting is a hot topic for our clients - what does rec 2 "
                         "say?")
    assert "Carbon accounting" in carbon.not_in_report and not carbon.refused
    passport = advisor.ask('our board loves the idea of a "digital product passport". which '
                           "circular key resources does the report name?")
    assert not passport.refused and "digital product passport" in passport.not_in_report
    pilots = advisor.ask("we're piloting maintenance contracts with two clients. what are the "
                         "servitised customer relationships?")
    assert not pilots.not_in_report  # "piloting" is how they speak, "two clients" a quantity


def test_compare_them_after_two_models_were_named(advisor: Advisor) -> None:
    history = _history(advisor, "revenue streams of servitised and circular?")
    answer = advisor.ask("compare them", history)
    grounded(answer)
    assert answer.plan is not None and answer.plan.kind == "compare"
    for model in ("Servitised", "Circular"):
        assert f"New Business Models > {model} Business Models > Revenue Streams" in cited(answer)


def test_a_topic_the_company_has_in_mind_is_a_term_its_facts_are_not(advisor: Advisor) -> None:
    answer = advisor.ask("We make power tools, 300 staff. A deposit refund scheme for used "
                         "batteries is what we have in mind. Which key activities does the "
                         "circular business model need?")
    assert "deposit refund scheme" in answer.not_in_report
    facts = advisor.ask("We make commercial bakery ovens (Bavaria, 320 staff). Spare parts are "
                        "40% of revenue. Which model fits us?")
    assert not facts.not_in_report


def test_which_is_riskier_compares_what_each_model_costs(advisor: Advisor) -> None:
    answer = advisor.ask("Which is riskier for a small firm, mass customisation or circular?")
    grounded(answer)
    for model in ("Mass-Customisation", "Circular"):
        assert f"New Business Models > {model} Business Models > Cost Structure" in cited(answer)


def test_a_list_filtered_by_a_topic_is_a_look_up(advisor: Advisor) -> None:
    answer = advisor.ask("name every recommendation that mentions AI")
    grounded(answer)
    assert answer.plan is not None and answer.plan.kind == "lookup"
    assert cited(answer)[0].startswith("10 Key Recommendations > 6. ")
    skills = advisor.ask("Which recommendations deal with skills?")
    assert skills.plan is not None and skills.plan.kind == "enumerate"  # every one has skills


def test_rankings_forecasts_creative_and_career_requests_are_refused(advisor: Advisor) -> None:
    for question in (
        "rank the top 10 machine builders in europe by revenue",
        "forecast: will servitisation grow faster than mass customisation next year?",
        "write a haiku about circular manufacturing",
        "generate an image of a smart factory",
        "help me prepare for a job interview at a servitisation startup",
        "which university has the best manufacturing engineering program?",
    ):
        assert advisor.ask(question).refused, question


def test_the_subject_of_a_could_it_be_question_is_checked(advisor: Advisor) -> None:
    answer = advisor.ask("Could predictive maintenance be part of the servitised value "
                         "proposition?")
    assert "predictive maintenance" in answer.not_in_report and not answer.refused
    kept = advisor.ask("Does the digital economy trend matter for small firms?")
    assert not kept.not_in_report  # the report's own trend


def test_what_they_make_is_no_company_of_the_user(advisor: Advisor) -> None:
    history = _history(advisor, "Tell me about data-driven business models.")
    answer = advisor.ask("how do they make money?", history)
    grounded(answer)
    assert answer.plan is not None and answer.plan.company is None
    assert cited(answer)[0] == "New Business Models > Data-driven Business Models > Revenue Streams"
