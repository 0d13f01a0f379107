"""How the advisor reads a question: names in a company's story, words of other languages,
questions about another domain, pasted profiles, numbered lists in earlier answers, and the
requests that only look like report questions. Each runs on the real index and the packaged
embedding model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot import Advisor
from bot.answers.company import asking_part, extract_company
from bot.answers.learnt import CERTAIN
from bot.answers.names import code_core, expansions, is_place, named_practices, named_tools
from bot.answers.targets import recommendations_in
from bot.answers.terms import foreign_word
from bot.index.embedding import Embedder
from bot.index.store import cached_words
from bot.settings import Settings
from ingest.pipeline import ingest
from tests.test_advisor_answers import CHALLENGES, PUMPS, RECS, cited, grounded

TRENDS = ("The report identifies six trends: Digital Economy, Data Economy, Artificial "
          "Intelligence Economy, Mass-Customisation Economy, Servitisation Economy and Circular "
          "Economy [Manufacturing Business Model Innovation Trends].")
RECS_PROSE = ("The report gives 10 key recommendations: 1) customer-centric innovation, 2) "
              "sustainable value propositions (triple bottom line), 3) mass-customised and "
              "personalised value propositions, 4) new sales channels for hybrid revenue streams, "
              "5) improved customer relationships, 6) AI and data analytics for new revenue "
              "streams, 7) balance key resources, 8) localised manufacturing and core "
              "competencies, 9) partnerships beyond traditional value chains, 10) overcome "
              "investment barriers.")


def turns(question: str, answer: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]


def test_names_in_a_company_story(advisor: Advisor) -> None:
    vocab = advisor.answerer.guard.vocabulary()
    assert named_tools("We'd finance it through public banks like Bpifrance or KfW.", vocab) == [
        "Bpifrance", "KfW"]
    assert named_practices("we do kaizen since 10 yrs but people still resist", vocab) == [
        "kaizen"]
    assert named_practices("we do service and repairs ourselves and use robots", vocab) == []
    assert code_core("govt PLI") == "PLI"
    assert expansions("we got the PLI scheme (production linked incentive)", ["PLI"]) == [
        "production linked incentive"]
    assert expansions("extended producer responsibility (EPR) rules", ["EPR"]) == [
        "extended producer responsibility"]


def test_everyday_words_of_other_languages_are_no_terms() -> None:
    for word in ("rapide", "Betreuer", "Bachelorarbeit", "estamos"):
        assert foreign_word(word), word
    for word in ("KfW", "kaizen", "Bpifrance", "blockchain", "council"):
        assert not foreign_word(word), word


def test_word_sets_are_built_once_and_read_from_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.index.onnx_export.default_cache_dir", lambda: tmp_path)
    built: list[int] = []

    def build() -> frozenset[str]:
        built.append(1)
        return frozenset({"rapide", "estamos"})

    assert cached_words("words-1.txt", build) == {"rapide", "estamos"}
    assert cached_words("words-1.txt", build) == {"rapide", "estamos"}
    assert len(built) == 1 and (tmp_path / "words-1.txt").is_file()
    (tmp_path / "a-file").write_text("")  # a cache folder that cannot be made
    monkeypatch.setattr("bot.index.onnx_export.default_cache_dir", lambda: tmp_path / "a-file")
    assert cached_words("words-1.txt", build) == {"rapide", "estamos"}  # built, not kept
    assert len(built) == 2


def test_a_term_the_question_is_about_is_not_read_as_an_overview(advisor: Advisor) -> None:
    answer = advisor.ask("What does the report say about blockchain?")
    assert answer.plan is not None and answer.plan.kind == "lookup"
    assert answer.not_in_report == ("blockchain",)
    assert answer.text.startswith("The report does not mention “blockchain”")
    overview = advisor.ask("What does the report say overall, roughly?")
    assert overview.plan is not None and overview.plan.kind == "overview"
    authors = advisor.ask("Who wrote the 2023 World Manufacturing Report?")  # names a list
    assert authors.plan is not None and authors.plan.kind == "lookup"
    assert "David Romero" in authors.text
    when = advisor.ask("When and where was the 2023 World Manufacturing Report presented?")
    assert when.plan is not None and when.plan.kind == "lookup" and "Treviglio" in when.text


@pytest.mark.parametrize("question", [
    "What sample size do we need for a 95% confidence level and a 5% margin of error in our "
    "survey of 1,800 members?",
    "We export playground equipment to the US. What level of product liability insurance cover "
    "should we take out, and which insurers specialise in exporters?",
    "Spare parts to Chile: should we quote DAP or DDP, and who pays the import duties in each "
    "case?",
    "316L or duplex 2205 for a brine storage tank at 60 °C? Which grade should we specify?",
    "What's the market size for personalised nutrition supplements in Germany, and the forecast "
    "to 2028? Need it for a mass customisation business case.",
    "We sell made-to-measure sofas online. Can custom orders be excluded from the right of "
    "withdrawal, and how long is the legal warranty?",
    "Write an Arduino sketch that reads a pressure transmitter and sends the value over Modbus.",
])
def test_requests_from_other_domains_are_refused(advisor: Advisor, question: str) -> None:
    answer = advisor.ask(question)
    assert answer.refused, answer.text
    assert answer.plan is not None and answer.plan.kind == "offtopic"


def test_business_questions_near_those_domains_are_still_answered(advisor: Advisor) -> None:
    for question in (
        "We are a pet food factory (130 people). How do we go from 12 standard recipes to a "
        "personalised kibble for each dog? Which model fits and what do we do first?",
        "We lease forklifts. What cost structure does the servitised model bring, and what are "
        "the risks?",
        "Which recommendations help a manufacturer overcome investment barriers?",
    ):
        answer = advisor.ask(question)
        grounded(answer)


def test_a_pasted_profile_is_company_context_and_its_question_decides(advisor: Advisor) -> None:
    answer = advisor.ask("Company: food packaging films (extrusion + printing)\nStaff: 240\n"
                         "Markets: DACH food brands\nQuestion: key messages of the report in 5 "
                         "bullets - what's it actually saying?")
    grounded(answer)
    plan = answer.plan
    assert plan is not None and plan.kind == "overview"
    assert plan.company is not None and plan.company.size == "Staff: 240"
    assert "DACH" not in answer.not_in_report


def test_labelled_tasks_and_continuations_are_asked(advisor: Advisor) -> None:
    task = advisor.ask("Act as a strategy consultant. Client: maker of solar water pumps for "
                       "farmers, Nairobi, 150 staff. Farmers pay per cubic metre pumped, with "
                       "remote monitoring of each pump. Task: tell the client which business "
                       "model this is and which recommendations to act on first.")
    grounded(task)
    assert task.plan is not None and task.plan.kind == "advise"
    assert any("Servitised Business Models" in s for s in cited(task))
    blocks = advisor.ask("data-driven bm - what do we have to DO and what do we need to HAVE? "
                         "i.e. key activities + key resources, every bullet of both. context: we "
                         "make dairy separators in Westphalia")
    assert blocks.plan is not None and blocks.plan.kind == "enumerate"
    assert "Knowledge management" in blocks.text and "Data collection" in blocks.text


def test_follow_ups_on_numbered_and_cited_prose_lists(advisor: Advisor) -> None:
    seventh = advisor.ask("more on no 7", history=turns("recs?", RECS_PROSE))
    assert any(s.startswith(f"{RECS} > 7.") for s in cited(seventh))
    last = advisor.ask("the last one - which business model goes with it, and what are that "
                       "model's key activities?", history=turns("list the trends", TRENDS))
    assert any("Circular Business Models > Key Activities" in s for s in cited(last))
    third = advisor.ask("For the third model, could you set out the channels?", history=turns(
        "which models?", "Digital, Data-driven, AI-based, Mass-Customisation, Servitised and "
        "Circular."))
    assert any("AI-based Business Models > Channels" in s for s in cited(third))


def test_a_newly_named_model_is_compared_with_the_last_one(advisor: Advisor) -> None:
    answer = advisor.ask("what about servitised? compare the two on how they make money",
                         history=turns("explain the circular business model in 4 lines",
                                       "Circular business models close the loop."))
    assert answer.plan is not None and answer.plan.kind == "compare"
    sections = cited(answer)
    for model in ("Servitised", "Circular"):
        assert any(f"{model} Business Models > Revenue Streams" in s for s in sections), model


def test_advice_gives_a_named_recommendation_with_all_its_levers(advisor: Advisor) -> None:
    answer = advisor.ask("Customers keep asking us (bearing manufacturer) for our Scope 3 "
                         "emissions. Does the report cover Scope 3 at all? And what does "
                         "recommendation 2 on the triple bottom line say - "
                         "skills, technology and policy?")
    grounded(answer)
    assert "Scope 3" in answer.not_in_report
    assert any(s.startswith(f"{RECS} > 2.") for s in cited(answer))
    line = next(x for x in answer.text.splitlines() if "**Recommendation 2:**" in x)
    assert "skills:" in line and "technology:" in line and "policy:" in line


def test_lists_named_in_other_words(advisor: Advisor) -> None:
    fail = advisor.ask("why do bm innovation projects fail? short list pls")
    assert any(s.endswith(CHALLENGES) for s in cited(fail))
    assert "Resistance to change" in fail.text
    blocks = advisor.ask("Which building blocks does the report use to describe the circular "
                         "business model, with the content of each?")
    assert blocks.plan is not None and "canvas:circular" in blocks.plan.lists
    people = advisor.ask("We link companies in Serbia, Finland, Denmark and Sweden. Could you "
                         "list the contributors based in those four countries? Do not omit "
                         "anyone.")
    for name in ("Rimsha Naeem", "Slavko Rakić", "Ann-Louise Andersen", "Johan Stahre"):
        assert name in people.text, name
    eli5 = advisor.ask("ELI5 the World Manufacturing Report 2023 - my 9-year-old asked")
    assert eli5.plan is not None and eli5.plan.kind == "overview" and not eli5.not_in_report


def test_shorter_keeps_the_gist_of_every_part(advisor: Advisor) -> None:
    first = advisor.ask(PUMPS)
    history = turns(PUMPS, first.text)
    short = advisor.ask("shorter pls", history=history)
    grounded(short)
    assert short.plan is not None and short.plan.brevity == 3
    assert len(short.text) < len(first.text) / 2
    assert "closest fit is the **Servitised Business Models** canvas" in short.text
    assert "_Shortened as asked: 3 of " in short.text
    two = advisor.ask("too long didnt read. 2 lines max", history=history)
    assert two.plan is not None and two.plan.brevity == 2 and len(two.citations) <= 2
    same = advisor.ask("in bullets", history=history)
    assert same.plan is not None and same.plan.brevity == 0
    assert "Shortened" not in same.text


def test_follow_ups_carry_the_list_they_point_into(advisor: Advisor) -> None:
    resources = turns("what are the key resources of the servitised model?",
                      "- Service-oriented personnel and training resources\n- Technology "
                      "platforms for service delivery\n- Strong financial and R&D capacity\n"
                      "- Logistic centres\n- Customer feedback and/or product usage data [1]")
    fourth = advisor.ask("the 4th one - logistic centres? why would a service business need "
                         "those", history=resources)
    grounded(fourth)
    assert any("Servitised Business Models > Key Resources" in s for s in cited(fourth))
    people = turns("which contributors come from Italy?",
                   "Six contributors are listed with Italian institutions: Federica Acerbi, "
                   "Veronica Arioli, Gianmarco Bressanelli, Roberto Sala, Marco Tasich and "
                   "Sergio Cavalieri.")
    more = advisor.ask("Thank you. And from Switzerland and France?", history=people)
    grounded(more)
    for name in ("Oliver Stoll", "Dimitris Kiritsis", "Khaled Medini"):
        assert name in more.text, name
    revenue = turns("how does a data-driven business model make money?",
                    "1. Data-driven manufacturing output\n2. Supply chain optimisation services"
                    "\n3. Sustainability services\n4. Risk mitigation services")
    slide = advisor.ask("shorter. one line each, for a slide", history=revenue)
    assert slide.plan is not None and slide.plan.brevity == 0  # one line each: all points
    assert any("Data-driven Business Models > Revenue Streams" in s for s in cited(slide))


def test_names_with_in_and_whole_levers_of_named_recommendations(advisor: Advisor) -> None:
    india = advisor.ask("We are an auto-parts forging unit in Pune. Does the report mention "
                        "Make in India? What is recommendation 8 saying for skills, technology "
                        "and policy?")
    assert "Make in India" in india.not_in_report
    table = advisor.ask("Table please: rec | skills | technology | policy - for "
                        "recommendations 4 and 9 only.")
    assert "permission and access levels" in table.text
    assert "effective policy guiding" in table.text


def test_the_domain_check_spares_questions_that_name_the_report(advisor: Advisor) -> None:
    medini = advisor.ask("Which institution is Khaled Medini from?")
    assert not medini.refused and "École des Mines" in medini.text
    insurance = advisor.ask("We now rent our dishwashers to restaurants instead of selling them. "
                            "Does our standard all-risks property policy cover them at customer "
                            "sites, or do we need a separate equipment policy?")
    assert insurance.refused
    regulation = advisor.ask("Under the new EU Machinery Regulation (EU) 2023/1230, can we ship "
                             "the operating instructions for our woodworking machines in digital "
                             "form only, or do we still have to provide paper if the customer "
                             "asks? From what date does this apply?")
    assert regulation.refused
    about = advisor.ask("What would the WMR tell a Kenyan maker of solar water pumps about "
                        "Juakali workshops and where to start?")
    assert not about.refused and "Juakali" in " ".join(about.not_in_report)


def test_requests_to_compute_draft_or_write_formulas_are_refused(advisor: Advisor) -> None:
    for question in (
        "We're switching our floor scrubbers from sale to subscription: price EUR 38,000, cost "
        "EUR 21,000, subscription EUR 1,150/month. After how many months do we break even per "
        "machine? Show the calculation.",
        "Can you draft the tender for selecting a reverse-logistics provider for our take-back "
        "scheme? Scope of work, KPIs, evaluation criteria - about 2 pages.",
        "Google Sheets question: tab 'log' has machine_id in A and hour-meter reading in C. I "
        "want the latest reading per machine so I can invoice the pay-per-use hours. What "
        "formula?",
    ):
        answer = advisor.ask(question)
        assert answer.refused, question


def test_a_name_of_capitalised_words_is_a_term_even_if_each_is_foreign(advisor: Advisor) -> None:
    answer = advisor.ask("Was the WMR 2023 launched at Hannover Messe? I need the event, dates "
                         "and venue, plus who edited the report.")
    assert "Hannover Messe" in answer.not_in_report
    assert any(s == "About the Report" for s in cited(answer))
    taxonomy = advisor.ask("Does the World Manufacturing Report 2023 link circular business "
                           "models to the EU Taxonomy? Independently of that, summarise the "
                           "cost structure and the revenue streams it gives for circular models.")
    assert taxonomy.plan is not None and taxonomy.plan.kind != "overview"
    sections = cited(taxonomy)
    for block in ("Cost Structure", "Revenue Streams"):
        assert any(f"Circular Business Models > {block}" in s for s in sections), block


def test_a_follow_up_on_those_carries_the_list_and_a_report_canvas_is_listed(
    advisor: Advisor,
) -> None:
    challenges = turns("What challenges does the report list for business model innovation?",
                       "Nine challenges: resistance to change, skills gaps, regulatory "
                       "compliance, cultural shift, market acceptance, high initial costs, data "
                       "security concerns, uncertain ROI and lack of standardisation.")
    hardest = advisor.ask("which of those would hit a 20-person family firm hardest?",
                          history=challenges)
    assert any(s.endswith(CHALLENGES) for s in cited(hardest))
    table = advisor.ask("Make a table of the circular canvas with every block filled from the "
                        "report.")
    assert table.plan is not None and table.plan.kind == "enumerate"
    assert "canvas:circular" in table.plan.lists
    draft = advisor.answerer.plan("Create a canvas for my company based on the servitised "
                                  "model, all nine blocks.")
    assert draft.kind == "canvas"


def test_a_list_item_asked_about_cites_its_list_first(advisor: Advisor) -> None:
    impacts = turns("how does bm innovation impact manufacturing acc. to the report",
                    "It names eleven impacts:\n1. Enhanced customer experience\n2. Efficiency "
                    "and productivity improvement\n3. Supply chain optimisation\n4. Digital "
                    "transformation\n5. Collaborative ecosystems\n6. Risk management")
    fifth = advisor.ask("#5 whats meant w/ that", history=impacts)
    assert cited(fifth)[0].endswith("How does manufacturing business model innovation impact "
                                    "the sector?")


def test_ranges_are_quantities_and_the_wmr_by_year_is_the_report(advisor: Advisor) -> None:
    levers = advisor.ask("gimme all the policy levers, recs 1-10, one line each")
    assert not levers.not_in_report
    about = advisor.answerer.plan("what is the WMR 2023 about in 4-5 lines")
    assert about.kind == "overview" and not about.not_in_report


def test_advice_that_also_asks_what_could_go_wrong_includes_the_costs(advisor: Advisor) -> None:
    answer = advisor.ask("We are a 90-person maker of commercial coffee machines in Porto. Cafés "
                         "want to pay per cup instead of buying the machine. What should we do "
                         "first, and what could go wrong?")
    grounded(answer)
    assert answer.plan is not None and answer.plan.kind == "advise"
    sections = cited(answer)
    assert "New Business Models > Servitised Business Models > Cost Structure" in sections
    assert any(s.endswith(CHALLENGES) for s in sections) and "Next step" in answer.text


def test_a_follow_up_naming_no_subject_of_its_own_goes_on_about_the_last_one(
    advisor: Advisor,
) -> None:
    history = turns("Which business model fits a bicycle maker whose customers want to configure "
                    "their own frames online?",
                    "The mass-customisation business model fits: customers co-design the product "
                    "[New Business Models > Mass-Customisation Business Models].")
    question = ("fine, but which kind of partners would a small frame-building workshop need to "
                "bring in so that the online configuring really works?")
    answer = advisor.ask(question, history=history)
    grounded(answer)
    assert answer.plan.models == ("mass-customisation",)
    assert "New Business Models > Mass-Customisation Business Models > Key Partners" in cited(
        answer)


def test_the_one_before_last(advisor: Advisor) -> None:
    history = turns("Which trends does the report describe? Short list.",
                    "1. Digital Economy\n2. Data Economy\n3. Artificial Intelligence Economy\n"
                    "4. Mass-Customisation Economy\n5. Servitisation Economy\n6. Circular Economy")
    answer = advisor.ask("the one before last - what's the shift there, in the report's words?",
                         history=history)
    grounded(answer)
    assert "Manufacturing Business Model Innovation Trends > Servitisation Economy" in cited(answer)


def test_the_item_next_to_the_one_discussed(advisor: Advisor) -> None:
    history = turns("Which trends does the report describe? Short list.",
                    "1. Digital Economy\n2. Data Economy\n3. Artificial Intelligence Economy\n"
                    "4. Mass-Customisation Economy\n5. Servitisation Economy\n6. Circular Economy")
    by_number = [*history, *turns("tell me more about the third one",
                                  "It is the shift from human intelligence systems to AI systems.")]
    answer = advisor.ask("and the next one?", history=by_number)
    grounded(answer)
    assert "Manufacturing Business Model Innovation Trends > Mass-Customisation Economy" in cited(
        answer)
    by_name = [*history, *turns("what's the circular economy one about",
                                "A move from linear to closed-loop processes and value chains.")]
    answer = advisor.ask("how is it different from the one listed right before it?",
                         history=by_name)
    grounded(answer)
    assert "Manufacturing Business Model Innovation Trends > Servitisation Economy" in cited(answer)


def test_a_refusal_names_what_the_report_never_mentions(advisor: Advisor) -> None:
    answer = advisor.ask("What was Bosch's revenue in 2022?")
    assert answer.refused and answer.plan is not None and answer.plan.kind == "offtopic"
    assert "Bosch" in answer.not_in_report and "“Bosch”" in answer.text


def test_brands_in_a_company_story_are_named_and_places_are_not(advisor: Advisor) -> None:
    assert is_place("Querétaro") and is_place("Emilia-Romagna") and is_place("Ohio")
    assert not is_place("Yadea") and not is_place("Canyon")
    answer = advisor.ask(
        "We make e-scooters in Valencia and Izmir, 90 people, and Yadea undercuts us on price "
        "every season. What revenue streams does the servitised canvas list?"
    )
    absent = answer.to_json()["not_in_report"]
    assert "Yadea" in absent and not {"Valencia", "Izmir"} & set(absent)
    assert "New Business Models > Servitised Business Models > Revenue Streams" in cited(answer)
    signed = advisor.ask(
        "Dear advisor,\n\nwe produce alpaca knitwear in Arequipa (260 employees). What key "
        "resources does the mass-customisation canvas list?\n\nKind regards,\nLucía Quispe\n"
        "General Manager"
    ).to_json()
    assert not signed["refused"] and signed["not_in_report"] == []


def test_does_it_cover_these_asks_about_what_the_sentence_before_named(advisor: Advisor) -> None:
    answer = advisor.ask(
        "We make heat pumps in Leipzig, 300 staff. Our customers keep asking us about digital "
        "product passports and carbon border adjustment. Does the report cover these? And what "
        "key resources does the circular canvas list?"
    )
    absent = " ".join(answer.to_json()["not_in_report"]).lower()
    assert "product passports" in absent and "carbon border adjustment" in absent
    assert "New Business Models > Circular Business Models > Key Resources" in cited(answer)


def test_writing_about_the_report_is_a_summary_and_other_writing_is_refused(
    advisor: Advisor,
) -> None:
    tweet = advisor.ask("Write a tweet (under 280 characters) with the key message of the WMR.")
    assert not tweet.refused and tweet.plan is not None and tweet.plan.kind == "overview"
    assert tweet.not_in_report == ()  # "280 characters" is a format
    grounded(tweet)
    job_ad = advisor.ask("Draft a job ad for a Head of Servitisation at our plant, with salary.")
    assert job_ad.refused


def test_a_company_choosing_between_two_models_gets_advice(advisor: Advisor) -> None:
    answer = advisor.ask(
        "We make hydraulic presses in Brno, 140 staff. Our presses log tonnage and die wear and "
        "we could sell die-change forecasts to our customers. Is that a data-driven or an "
        "AI-based model, and where do we start?"
    )
    assert answer.plan is not None and answer.plan.kind == "advise"
    grounded(answer)
    sections = cited(answer)
    assert any(s.startswith("10 Key Recommendations") for s in sections)
    assert any(s.startswith(("New Business Models > Data-driven", "New Business Models > AI-based"))
               for s in sections)


def test_a_model_an_answer_mentions_in_passing_is_not_carried(advisor: Advisor) -> None:
    history = [
        *turns("We make laser cutters in Lyon, 80 people. What's the digital business model?",
               "The digital canvas is built around data collection and analysis across value "
               "chains, serving multiple customers with individual services."),
        *turns("Which of its pricing options would suit a small installed base?",
               "The report lists licence or subscription, pay-per-use and pay-per-output. Note "
               "that building analytics and AI tools in-house means investment."),
    ]
    answer = advisor.ask("Who would we need to partner with to build the software?",
                         history=history)
    grounded(answer)
    assert "New Business Models > Digital Business Models > Key Partners" in cited(answer)


def test_ordinals_reach_back_to_earlier_lists_and_compared_models(advisor: Advisor) -> None:
    recs = [*turns("what are the 10 recommendations? titles only", RECS_PROSE),
            *turns("which matter most for servitisation?",
                   "Mainly recommendation 10 on investment barriers, and recommendation 5.")]
    answer = advisor.ask("Tell me more about the fourth one from the full list.", history=recs)
    grounded(answer)
    assert any(s.startswith("10 Key Recommendations > 4.") for s in cited(answer))
    compared = [*turns("How do the revenue streams of the digital and the data-driven models "
                       "differ?", "Digital lists subscriptions and pay-per-use; data-driven "
                       "lists data-driven output and optimisation services."),
                *turns("Which of the two has more cost items?",
                       "The data-driven canvas lists more cost items than the digital one.")]
    first = advisor.ask("Going back to the first model you compared: who are its customer "
                        "segments?", history=compared)
    assert "New Business Models > Digital Business Models > Customer Segments" in cited(first)
    other = advisor.ask("and what are the key activities of the other one?", history=[
        *compared[:2], *turns("For the data-driven model, what key resources are needed?",
                              "Data pools, clouds, computing power and the installed base.")])
    assert "New Business Models > Digital Business Models > Key Activities" in cited(other)


def test_a_name_of_known_words_is_a_term(advisor: Advisor) -> None:
    answer = advisor.ask(
        "We build solar dryers in Nakuru, 45 people. Could we get help from the Kenya Industrial "
        "Research Institute? And what key partners does the circular canvas list?"
    )
    assert "Kenya Industrial Research Institute" in answer.not_in_report
    assert "Nakuru" not in " ".join(answer.not_in_report)
    assert "New Business Models > Circular Business Models > Key Partners" in cited(answer)


def test_a_named_model_compared_with_the_last_list_keeps_the_other_side(advisor: Advisor) -> None:
    history = turns("Which revenue streams does the servitised model list?",
                    "Invoicing, a pay-per-use model and up-selling or cross-selling services.")
    answer = advisor.ask("ok and how does the digital model make money compared to that list?",
                         history=history)
    sections = cited(answer)
    assert any(s.startswith("New Business Models > Digital Business Models") for s in sections)
    assert any(s.startswith("New Business Models > Servitised Business Models") for s in sections)


def test_several_items_prose_orders_and_other_editions(advisor: Advisor) -> None:
    challenges = turns("What challenges does the report flag?",
                       "1. Resistance to change\n2. Skills gaps\n3. Regulatory compliance\n"
                       "4. Cultural shift\n5. Market acceptance\n6. High initial costs")
    answer = advisor.ask("expand on the first two", history=challenges)
    grounded(answer)
    assert any("challenges" in s for s in cited(answer))
    assert "Resistance to change" in answer.text and "Skills gaps" in answer.text
    picked = turns("Which two trends matter most for a contract moulder?",
                   "Two stand out. First, the Mass-Customisation Economy: customers want "
                   "tailored batches. Second, the Circular Economy: closed loops for plastics.")
    canvas = advisor.ask("ok, give me the full canvas for the second one then", history=picked)
    assert any(s.startswith("New Business Models > Circular Business Models")
               for s in cited(canvas))
    other = advisor.ask("What were the main findings of the World Manufacturing Report 2021?")
    assert other.refused and "2021" in other.text


def test_a_share_in_a_company_story_is_a_figure_the_user_gives(advisor: Advisor) -> None:
    answer = advisor.ask(
        "We build hydraulic presses in Pune, 150 people. Service today is a yearly inspection "
        "package at 5% of the machine price. Does the report discuss the yearly inspection "
        "package idea, and what revenue streams does the servitised canvas list?")
    assert not answer.refused
    assert any("yearly inspection package" in t for t in answer.not_in_report)
    assert any(s.startswith("New Business Models > Servitised Business Models")
               for s in cited(answer))
    asked = advisor.ask("Do 40% of manufacturers already sell services?")
    assert asked.refused  # a share asked about is a statistic the report never gives


def test_a_users_own_things_and_topics_after_an_article_are_terms(advisor: Advisor) -> None:
    circles = advisor.ask("Our quality circles have run for twenty years in our Osaka plant. "
                          "What value propositions does the data-driven model list?")
    assert "quality circles" in circles.not_in_report
    assert any("Data-driven" in s for s in cited(circles))
    board = advisor.ask("We want to shape the next dishwasher range with a customer advisory "
                        "board of hotel chefs. Who are the key partners of the "
                        "mass-customisation canvas?")
    assert "customer advisory board" in board.not_in_report
    assert "New Business Models > Mass-Customisation Business Models > Key Partners" in cited(
        board)


def test_a_very_likely_off_topic_request_is_refused_despite_a_list_word(advisor: Advisor) -> None:
    # "contribution" is a word of the contributors list; the request is for a payroll rate
    pension = advisor.ask("What's the employer pension contribution rate in the Netherlands "
                          "this year?")
    assert pension.refused
    authors = advisor.ask("Which authors contributed to the report, and from which universities?")
    assert not authors.refused
    # a company's pay-per-hour story brings a request for code near the report's domains
    code = advisor.ask("We rent out floor scrubbers on a pay-per-hour basis, 70 staff in Leeds. "
                       "How do I configure usage-based invoicing in our Django backend with "
                       "Stripe webhooks?")
    assert code.refused


def test_the_indexed_edition_by_any_name_and_words_after_a_story(advisor: Advisor) -> None:
    policy = advisor.ask("Which policy actions does the WMR 2023 attach to its recommendations?")
    assert not policy.refused and policy.not_in_report == ()
    short = advisor.ask("one tweet with the key message of wmr23 pls")
    assert not short.refused
    story = advisor.ask("We're a 70-person maker of dental chairs in Graz. Sales are all in "
                        "the premium segment. Bearing that in mind, what customer segments does "
                        "the mass-customisation canvas target?")
    assert "Bearing" not in story.not_in_report  # a sentence's first word after the story
    assert not story.refused


def test_a_request_put_as_a_need_is_part_of_what_is_asked(advisor: Advisor) -> None:
    question = ("I'm a trade journalist in Lagos, 12 years on the beat. What are the trends the "
                "report identifies? I need every one of them for my explainer.")
    assert asking_part(question).endswith("I need every one of them for my explainer.")
    assert asking_part("We make pumps in Kassel. We need to cut service costs. Which model fits?"
                       ) == "Which model fits?"  # a need of the company is its story
    answer = advisor.ask(question)
    assert answer.plan is not None and answer.plan.kind == "enumerate"
    assert all(t in answer.text.lower() for t in ("digital economy", "circular economy"))


def test_a_users_document_close_by_keeps_a_likely_off_topic_question(
    tmp_path: Path, embedder: Embedder
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "handbook.md").write_text(
        "# Plant handbook\n\n## Compressed air\n\nLeaks in compressed air lines waste about a "
        "fifth of the air a plant makes, says the handbook.\n", encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "data")
    ingest(settings, [docs], embedder=embedder, show_progress=False)
    own = Advisor(settings, embedder=embedder)
    question = "How much air do compressed air leaks waste?"
    planner = own.answerer.planner
    vector = planner.embedder.embed_one(question)
    assert planner.learnt.likelihood("offtopic", vector, vector) >= CERTAIN  # the model's view
    answer = own.ask(question)
    assert not answer.refused and "a fifth" in answer.text


def test_a_compound_of_the_story_asked_about_again_is_a_term(advisor: Advisor) -> None:
    contract = advisor.ask("Our buyers sign a framework contract with us every spring, 90 "
                           "people, Porto. Which revenue streams does the servitised canvas "
                           "list, and is the framework contract still the right vehicle?")
    assert "framework contract" in contract.not_in_report
    assert "New Business Models > Servitised Business Models > Revenue Streams" in cited(contract)
    story_only = advisor.ask("Our buyers sign a framework contract with us every spring, 90 "
                             "people, Porto. Which revenue streams does the servitised canvas "
                             "list?")
    assert "framework contract" not in story_only.not_in_report  # context, not asked about


def test_what_another_named_document_says_is_refused(advisor: Advisor) -> None:
    for question in ("What does the Deloitte Smart Factory Study say about AI adoption in plants?",
                     "What does the Capgemini Research Institute report say are the best KPIs "
                     "for servitisation?"):
        answer = advisor.ask(question)
        assert answer.refused, question
        assert answer.plan is not None and answer.plan.kind == "offtopic", question
    handbook = advisor.ask("We follow the Toyota Production System Handbook in our plant, 300 "
                           "people. What skills does the report recommend for mass customisation?")
    assert not handbook.refused  # the indexed report is asked; the handbook is the user's own


def test_a_condition_that_sets_the_scene_keeps_no_certain_request(advisor: Advisor) -> None:
    courier = advisor.ask("Sneaker start-up in Porto, 25 people. Once our mass-customisation "
                          "configurator is live, which courier is cheapest for shipping single "
                          "pairs to Germany?")
    assert courier.refused
    partners = advisor.ask("We make compressors, 150 staff, Cork. If we adopt a circular "
                           "business model, what key partners would we need?")
    assert not partners.refused
    assert any("Circular" in s for s in cited(partners))


def test_a_name_after_in_that_the_question_asks_about_is_a_term(advisor: Advisor) -> None:
    erp = advisor.ask("Plant manager, ceramic tiles, 400 people in Castellón. Every order and "
                      "every kiln log lives in Odoo. Which key resources does the data-driven "
                      "canvas list, and could Odoo be enough for it?")
    assert "Odoo" in erp.not_in_report
    assert erp.plan is not None and erp.plan.company is not None
    assert erp.plan.company.places == ("Castellón",)  # a place; Odoo is what is asked about
    stays = extract_company("We run a forging unit at Chakan with 120 people, aimed at Gen Z.")
    assert stays is not None and stays.places == ("Chakan",)  # not "Gen" (a village, a word)


def test_a_wish_to_know_is_part_of_what_is_asked() -> None:
    question = ("I sit on the works council of a 300-person shipyard in Norway. Management wants "
                "life-cycle services. As a member I want to understand what the report says "
                "about resistance to change.")
    assert asking_part(question).startswith("As a member I want to understand")


def test_a_clause_of_a_question_keeps_an_off_topic_request_beside_it(advisor: Advisor) -> None:
    lease = advisor.ask("We lease pallet wrappers to food plants, 60 people in Lodz. The report "
                        "lists the cost structure of servitised models — could you walk me "
                        "through it, and also how we should book the lease income under IFRS 15?")
    assert not lease.refused and "IFRS 15" in lease.not_in_report
    assert any("Servitised" in s for s in cited(lease))


def test_a_count_before_recommendation_and_every_block_ask_for_whole_lists(
    advisor: Advisor,
) -> None:
    levers = advisor.ask("my manager wants the policy that the report gives in each of the 10 "
                         "recommendation, one line each")
    assert levers.plan is not None and "levers:policy" in levers.plan.lists
    assert "recommendation:10" not in levers.plan.lists  # "10" counts them
    canvas = advisor.ask("Give me the whole circular canvas, every block, with the key partners "
                         "split by type.")
    assert canvas.plan is not None and "canvas:circular" in canvas.plan.lists
    for block in ("Key Partners", "Revenue Streams", "Cost Structure", "Channels"):
        assert f"New Business Models > Circular Business Models > {block}" in cited(canvas), block


def test_a_brand_within_a_company_fact_is_a_term(advisor: Advisor) -> None:
    brand = advisor.ask("We machine hubs in Porto, 120 people, and most of our output goes to "
                        "Campagnolo-certified OEM builds. Which key activities does the report "
                        "list for mass customisation?")
    assert any("Campagnolo" in t for t in brand.not_in_report)
    assert not any("Porto" in t for t in brand.not_in_report)


def test_a_concept_anywhere_in_the_question_is_a_term(advisor: Advisor) -> None:
    quantum = advisor.ask("Which of the six models benefits most from quantum computing?")
    assert "quantum computing" in quantum.not_in_report
    assert quantum.plan is not None and "models" in quantum.plan.lists
    drafting = advisor.ask("I'm drafting a slide for our board. What is the skills lever of "
                           "recommendation 7?")
    assert drafting.not_in_report == ()  # no "I'm drafting", no "skills lever"


def test_a_bare_follow_up_about_the_downsides_asks_for_risks(advisor: Advisor) -> None:
    history = turns("Why does business model innovation matter according to the report?",
                    "The report gives reasons why it matters: competitive advantage, risk "
                    "mitigation, market expansion and new income sources [1].")
    for question in ("what about the cons?", "any drawbacks?"):
        answer = advisor.ask(question, history=history)
        assert not answer.refused, question
        assert answer.plan is not None and answer.plan.kind == "risks", question
        assert any("challenges" in s for s in cited(answer)), question


def test_a_declined_summary_the_report_name_and_contractions_ask_for_nothing_else(
    advisor: Advisor,
) -> None:
    levers = advisor.ask("Give me the skills line of each of the ten recommendations, in the "
                         "report's own wording; nothing should be summarised away.")
    assert levers.plan is not None and levers.plan.kind == "enumerate"
    assert "levers:skills" in levers.plan.lists
    who = advisor.ask("Who contributed to the WMR 2023?")
    assert who.plan is not None and who.plan.kind == "enumerate"
    assert "Contributors" in cited(who)
    names = advisor.ask("We make tractors in Győr, 300 people, and I'd like the names of all the "
                        "contributors.")
    assert names.not_in_report == ()  # no "I'd"


def test_a_model_the_user_negates_is_not_named(advisor: Advisor) -> None:
    history = turns("List the ten recommendations.", RECS_PROSE)
    fit = advisor.ask("Which of these fit a 40-person joinery in Tartu? We sell through "
                      "architects, no digital stuff at all so far.", history=history)
    assert fit.plan is not None and fit.plan.models == ()
    assert fit.plan.kind == "advise" and "recommendations" in fit.plan.lists
    assert any("10 Key Recommendations" in s for s in cited(fit))


def test_the_canvases_in_the_plural_with_one_model_ask_for_its_canvas(advisor: Advisor) -> None:
    history = turns("What does the report recommend on localised manufacturing?",
                    "Recommendation 8 asks manufacturers to prioritise localised manufacturing "
                    "and strengthen core competencies [1].")
    link = advisor.ask("Does that link to any of the canvases, e.g. the circular one?",
                       history=history)
    assert link.plan is not None and "canvas:circular" in link.plan.lists
    assert "New Business Models > Circular Business Models > Key Partners" in cited(link)


def test_a_summary_of_something_else_is_refused(advisor: Advisor) -> None:
    rules = advisor.ask("Summarise the EU Machinery Regulation for our board in five bullets.")
    assert rules.refused and "EU Machinery Regulation" in rules.not_in_report
    post = advisor.ask("Summarise it for my LinkedIn post, 3 bullets.")
    assert not post.refused and post.plan is not None and post.plan.kind == "overview"


def test_a_switch_of_model_keeps_the_block_asked_before_a_recommendation_named_since(
    advisor: Advisor,
) -> None:
    history = turns("Which activities matter most in a data-driven model for a 40-person "
                    "maker of dosing pumps?",
                    "The data-driven canvas lists collecting and analysing operating data as key "
                    "activities. Recommendation 6 adds that data sharing needs trust.")
    answer = advisor.ask("ok, and the same for the circular model please", history=history)
    grounded(answer)
    assert answer.plan.models == ("circular",)
    assert answer.plan.blocks == ("key_activities",)
    assert "New Business Models > Circular Business Models > Key Activities" in cited(answer)


def test_a_lever_asked_after_advice_is_that_lever_of_the_recommendations_it_named(
    advisor: Advisor,
) -> None:
    question = "We build packaging lines in Porto, 90 staff. Is a data-driven model right for us?"
    first = advisor.ask(question)
    named = recommendations_in(first.text)
    assert len(named) > 1
    answer = advisor.ask("and on the technology side?", history=turns(question, first.text))
    grounded(answer)
    assert set(answer.plan.lists) == {"levers:technology", *named}
    numbers = sorted(int(key.split(":")[1]) for key in named)
    assert f"technology lever of recommendations {', '.join(map(str, numbers[:-1]))}" in (
        answer.text)
    assert all(any(s.startswith(f"10 Key Recommendations > {n}.") for s in cited(answer))
               for n in numbers)


def test_advice_on_a_model_asked_about_says_when_another_fits_more_closely(
    advisor: Advisor,
) -> None:
    answer = advisor.ask("We sell pay-per-use packaging machines with maintenance included, 80 "
                         "staff in Porto. Is a digital business model right for us?")
    grounded(answer)
    first = answer.text.split("\n", 1)[0]
    asked = re.search(r"\*\*Digital Business Models\*\* canvas you asked about fits at (\d+)%",
                      first)
    closer = re.search(r"canvas fits your description more closely \((\d+)%\)", first)
    assert asked and closer and int(closer.group(1)) > int(asked.group(1))
    assert "close behind" not in first


def test_which_one_after_a_list_points_into_that_list(advisor: Advisor) -> None:
    trends = advisor.ask("what trends does the report describe?")
    answer = advisor.ask("which one is most relevant for a small foundry?",
                         history=turns("what trends does the report describe?", trends.text))
    grounded(answer)
    assert answer.plan.kind == "enumerate" and answer.plan.lists == ("trends",)
    assert len([s for s in cited(answer) if s.startswith(
        "Manufacturing Business Model Innovation Trends > ")]) == 6
    challenges = advisor.ask("What challenges does the report name?")
    toughest = advisor.ask("which is the toughest?", history=turns(
        "What challenges does the report name?", challenges.text))
    grounded(toughest)
    assert "challenges" in toughest.plan.lists and "Skills gaps" in toughest.text


def test_recommendations_asked_for_a_model_are_those_closest_to_it(advisor: Advisor) -> None:
    answer = advisor.ask("Which of the recommendations suit a mass-customisation business model "
                         "best?")
    grounded(answer)
    recs = [s for s in cited(answer) if s.startswith("10 Key Recommendations > ")]
    assert len(recs) == 3 and any(s.startswith("10 Key Recommendations > 3. ") for s in recs)
    assert answer.text.startswith("The recommendations closest in meaning to "
                                  "Mass-Customisation Business Models")


def test_a_reference_by_one_is_no_term(advisor: Advisor) -> None:
    trends = advisor.ask("what trends does the report describe?")
    history = turns("what trends does the report describe?", trends.text)
    for question in ("which skills go with the final one?", "and what about the digital one?"):
        answer = advisor.ask(question, history=history)
        grounded(answer)
        assert answer.plan.not_in_report == (), question


def test_a_question_that_says_what_it_is_about_is_no_overview(advisor: Advisor) -> None:
    local = advisor.ask("What is the report's view on local production?")
    grounded(local)
    assert local.plan.kind == "lookup"
    assert any(s.startswith("10 Key Recommendations > 8. ") for s in cited(local))
    carbon = advisor.ask("Does the report discuss anything about carbon accounting?")
    assert carbon.plan.kind != "overview" and "carbon accounting" in carbon.plan.not_in_report


def test_leading_there_something_and_explain_are_no_part_of_a_term(advisor: Advisor) -> None:
    swarm = advisor.ask("Is there something on swarm robotics in the report?")
    assert swarm.plan.not_in_report == ("swarm robotics",)
    edge = advisor.ask("Does the report explain edge computing?")
    assert edge.plan.not_in_report == ("edge computing",)


def test_a_term_ends_before_the_adverbs_after_it(advisor: Advisor) -> None:
    answer = advisor.ask("What does the WMR say about swarm robotics specifically?")
    assert answer.plan.not_in_report == ("swarm robotics",)
    assert "“swarm robotics”" in answer.text


def test_a_company_asking_what_the_report_suggests_gets_advice_not_the_overview(
    advisor: Advisor,
) -> None:
    for question in ("We're a 25-person maker of ceramic tiles near Valencia. Our margins keep "
                     "shrinking. What does the report suggest?",
                     "Family firm, 80 staff, we make church organs in Austria. Sales are flat. "
                     "What does the report say we should do?"):
        answer = advisor.ask(question)
        grounded(answer)
        assert answer.plan.kind == "advise", question
        assert "Recommendations that apply" in answer.text


def test_a_company_picking_among_the_six_models_sees_how_each_fits(advisor: Advisor) -> None:
    answer = advisor.ask("We run a 9-person laser-cutting shop in Gdansk. Which one of the six "
                         "models would you start with?")
    grounded(answer)
    assert answer.plan.kind == "advise"
    line = next(x for x in answer.text.split("\n") if x.startswith("**How each of the six"))
    shares = re.findall(r"(\w[\w-]* Business Models) (\d+)% \[\d+\]", line)
    assert len(shares) == 6 and [int(p) for _, p in shares] == sorted(
        (int(p) for _, p in shares), reverse=True)


def test_degrees_of_known_words_are_no_terms(advisor: Advisor) -> None:
    question = "Compare the digital and the AI-based business models"
    first = advisor.ask(question)
    for follow_up in ("which one is costlier?", "which is the riskiest to start?"):
        answer = advisor.ask(follow_up, history=turns(question, first.text))
        grounded(answer)
        assert answer.plan.not_in_report == (), follow_up


def test_the_first_two_of_the_recommendations_are_those_recommendations(
    advisor: Advisor,
) -> None:
    recs = advisor.ask("List the ten recommendations")
    answer = advisor.ask("expand on the first two",
                         history=turns("List the ten recommendations", recs.text))
    grounded(answer)
    assert {"recommendation:1", "recommendation:2"} <= set(answer.plan.lists)
    assert not answer.plan.blocks


@pytest.mark.parametrize(("question", "follow_up", "model", "title"), [
    ("We refurbish forklifts in Ghent, 70 people. Could a servitised model work for us?",
     "could you do that again for the circular model?", "circular", "Circular Business Models"),
    ("We assemble e-scooters in Kraków, 120 people. Which business model fits us?",
     "what about mass customisation instead?", "mass-customisation",
     "Mass-Customisation Business Models"),
])
def test_another_model_asks_the_earlier_company_question_of_it(
    advisor: Advisor, question: str, follow_up: str, model: str, title: str,
) -> None:
    first = advisor.ask(question)
    answer = advisor.ask(follow_up, history=turns(question, first.text))
    grounded(answer)
    assert answer.plan.kind == "advise" and answer.plan.models == (model,)
    assert title in answer.text.split("\n", 1)[0]
    assert any(s.startswith(f"New Business Models > {title}") for s in cited(answer))
    assert any(s.startswith("10 Key Recommendations > ") for s in cited(answer))


def test_items_named_by_their_numbers_after_a_list(advisor: Advisor) -> None:
    recs = advisor.ask("List the ten recommendations")
    answer = advisor.ask("and the policy levers of 4 and 6?",
                         history=turns("List the ten recommendations", recs.text))
    grounded(answer)
    assert set(answer.plan.lists) == {"levers:policy", "recommendation:4", "recommendation:6"}
    assert {s.split(" > ")[1][:2] for s in cited(answer) if s.count(" > ") == 1} == {"4.", "6."}


def test_which_model_suits_a_kind_of_firm_is_advice_without_a_company(advisor: Advisor) -> None:
    for question in ("Which business model would suit a small craft brewery best?",
                     "what's the right model for family-run machine shops?"):
        answer = advisor.ask(question)
        grounded(answer)
        assert answer.plan.kind == "advise" and not answer.refused, question
        assert any(s.startswith("10 Key Recommendations > ") for s in cited(answer))
        assert "“model”" not in answer.text


def test_a_lever_asked_after_a_model_gives_that_lever_of_the_recommendations(
    advisor: Advisor,
) -> None:
    question = "What does a digital business model look like?"
    first = advisor.ask(question)
    answer = advisor.ask("and on the skills side?", history=turns(question, first.text))
    grounded(answer)
    assert "levers:skills" in answer.plan.lists
    assert len([s for s in cited(answer) if s.startswith("10 Key Recommendations > ")]) >= 3


def test_a_fit_that_rounds_to_the_same_share_is_about_as_good_not_closer(
    advisor: Advisor,
) -> None:
    question = "We make commercial coffee machines in Milan, 90 people. Could a servitised model "\
               "work for us?"
    answer = advisor.ask("what about circular instead?", history=turns(question, "Servitised."))
    first = answer.text.split("\n", 1)[0]
    shares = re.findall(r"(\d+)%", first)
    assert len(shares) == 2
    assert ("about as well" in first) == (shares[0] == shares[1])
    assert ("more closely" in first) == (shares[0] != shares[1])


def test_a_word_of_the_reports_domain_asked_about_is_a_topic(advisor: Advisor) -> None:
    answer = advisor.ask("What does the report say about pricing?")
    grounded(answer)
    assert answer.plan.kind == "lookup"
    assert any(s.endswith("> Revenue Streams") for s in cited(answer))
    assert advisor.ask("What does the report say about manufacturing?").plan.kind == "overview"
