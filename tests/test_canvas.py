"""Evidence-mode canvas drafting and refinement over the real index of the report."""

from __future__ import annotations

import pytest

from bot.errors import AdvisorError
from bot.types import CANVAS_BLOCKS, Canvas
from evals.canvas_eval import evaluate_canvases
from evals.gold import load_briefs

PUMP = (
    "We make industrial pumps and want to sell pumping-as-a-service with guaranteed uptime, "
    "billed per cubic metre pumped, under multi-year outcome-based contracts."
)
WELD_AI = (
    "We have machine-vision models that detect weld defects, offered to OEMs through an app "
    "store and API calls, with continuous monitoring for model drift."
)
SPANNING = (
    "We lease our machines to factories, take them back at the end of each contract to "
    "remanufacture them, and sell maintenance services billed pay-per-use with guaranteed uptime."
)


def citations_of(canvas: Canvas):
    bullets = [b for block in canvas.blocks for b in block.bullets] + list(canvas.recommendations)
    return [c for b in bullets for c in b.citations]


def assert_valid_citations(advisor, canvas: Canvas) -> None:
    live = {c.id: c for c in advisor.retriever.chunks()}
    cites = citations_of(canvas)
    assert cites
    by_n: dict[int, str] = {}
    for c in cites:
        assert live[c.chunk.id] == c.chunk  # a real chunk of the live index, text included
        assert by_n.setdefault(c.n, c.chunk.id) == c.chunk.id  # one number per chunk
    assert sorted(by_n) == list(range(1, len(by_n) + 1))
    assert len(set(by_n.values())) == len(by_n)


def test_draft_fills_nine_cited_blocks(advisor):
    canvas = advisor.draft_canvas(PUMP)
    assert canvas.mode == "evidence" and canvas.notice is None
    assert canvas.archetypes[0].name == "servitised"
    assert sum(a.score for a in canvas.archetypes) == pytest.approx(1.0)
    assert len(canvas.archetypes) == 6
    assert [b.key for b in canvas.blocks] == list(CANVAS_BLOCKS)
    for block in canvas.blocks:
        assert block.bullets, block.key
        for bullet in block.bullets:
            if bullet.origin == "brief":  # the company's own statement, backed or not
                assert not bullet.from_report and bullet.text.lower() in PUMP.lower()
                continue
            assert bullet.from_report and bullet.citations
            body = bullet.citations[0].chunk.text.replace("**", "")
            assert bullet.text.rsplit(": ", 1)[-1] in body  # the report's own item
    revenue = [b.text for b in canvas.block("revenue_streams").bullets]
    assert "Pay-per-use model" in revenue
    assert_valid_citations(advisor, canvas)
    assert 2 <= len(canvas.recommendations) <= 3
    for rec in canvas.recommendations:
        assert rec.citations[0].chunk.section.startswith("10 Key Recommendations > ")
        assert "\nSkills: " in rec.text and "\nPolicy: " in rec.text


def test_recommendations_follow_the_archetype(advisor):
    def numbers(brief):
        return {int(r.text.split(".")[0]) for r in advisor.draft_canvas(brief).recommendations}

    assert 3 not in numbers(PUMP)  # "mass-customised" advice is not for a servitiser
    assert 3 in numbers("We let customers design their own personalised sneakers online.")
    assert 6 in numbers(WELD_AI)  # "harnessing AI and data analytics"


def test_the_words_business_model_in_a_brief_are_no_cue_of_ai(advisor):
    canvas = advisor.draft_canvas("We make industrial pumps and bill per cubic metre pumped. "
                                  "Draft our new business model.")
    assert canvas.archetypes[0].name == "servitised"


def test_ai_based_empty_blocks_come_from_next_best_archetype(advisor):
    canvas = advisor.draft_canvas(WELD_AI)
    assert canvas.archetypes[0].name == "ai-based"
    for key in ("cost_structure", "revenue_streams"):
        block = canvas.block(key)
        assert block.bullets
        assert block.note and "AI-based" in block.note and "empty" in block.note
        sections = {c.chunk.section for b in block.bullets for c in b.citations}
        assert not any("AI-based" in s for s in sections)
    assert canvas.block("channels").note is None
    channels = canvas.block("channels").bullets
    assert any("AI-based" in c.chunk.section for b in channels for c in b.citations)


def test_brief_spanning_two_archetypes_mixes_them(advisor):
    canvas = advisor.draft_canvas(SPANNING)
    top2 = [a.name for a in canvas.archetypes[:2]]
    assert set(top2) == {"circular", "servitised"}
    sections = {c.chunk.section.split(" > ")[1] for c in citations_of(canvas)
                if c.chunk.section.startswith("New Business Models")}
    assert sections == {"Circular Business Models", "Servitised Business Models"}
    revenue = {b.text for b in canvas.block("revenue_streams").bullets}
    assert "Pay-per-use model" in revenue
    assert any("leasing" in t for t in revenue)


def test_refinement_redrafts_only_affected_blocks(advisor):
    canvas = advisor.draft_canvas(PUMP)
    refined = advisor.refine_canvas(canvas, "make revenue more subscription-based")
    assert refined.refinements == ("make revenue more subscription-based",)
    for old, new in zip(canvas.blocks, refined.blocks, strict=True):
        if old.key == "revenue_streams":
            assert [b.text for b in new.bullets] != [b.text for b in old.bullets]
            report = [b for b in new.bullets if b.origin != "brief"]
            assert "subscription" in report[0].text.lower()
            assert [b for b in new.bullets if b.origin == "brief"] == [
                b for b in old.bullets if b.origin == "brief"
            ]  # the company's own statements stay
            assert new.note and "subscription" in new.note
        else:
            assert [b.text for b in new.bullets] == [b.text for b in old.bullets]
            assert [c.chunk.id for b in new.bullets for c in b.citations] == [
                c.chunk.id for b in old.bullets for c in b.citations]
    assert_valid_citations(advisor, refined)
    again = advisor.refine_canvas(refined, "find partners for recycling and take-back")
    assert again.refinements[-1].startswith("find partners")
    partners = again.block("key_partners")
    assert partners.bullets != canvas.block("key_partners").bullets
    assert any("recycl" in b.text.lower() or "reverse" in b.text.lower()
               for b in partners.bullets)


@pytest.mark.parametrize(("instruction", "blocks"), [
    ("make revenue more subscription-based", ["revenue_streams"]),
    ("reach customers through an online shop", ["channels"]),
    ("cut what it costs us to run the fleet", ["cost_structure"]),
    ("find new partners in recycling", ["key_partners"]),
])
def test_affected_blocks(advisor, instruction, blocks):
    assert advisor.canvases.engine().affected_blocks(instruction) == blocks


def test_bad_input_is_one_line_error(advisor):
    with pytest.raises(AdvisorError, match="brief is empty"):
        advisor.draft_canvas("   \x00 ")
    with pytest.raises(AdvisorError, match="limit"):
        advisor.draft_canvas("pumps " * 2000)
    with pytest.raises(AdvisorError, match="needs a Canvas"):
        advisor.refine_canvas({"blocks": {}}, "more revenue")
    canvas = advisor.draft_canvas(PUMP)
    with pytest.raises(AdvisorError, match="instruction is empty"):
        advisor.refine_canvas(canvas, "")


def test_engine_is_built_once_per_index(advisor):
    first = advisor.canvases.engine()
    advisor.draft_canvas(PUMP)
    assert advisor.canvases.engine() is first


def test_briefs_measurement(advisor):
    result = evaluate_canvases(advisor, load_briefs())
    assert result["briefs"] == 8
    assert result["top1_correct"] >= 6, [(r["id"], r["top"]) for r in result["rows"]]
    assert result["all_blocks_filled_rate"] == 1.0
    assert result["citations_valid_rate"] == 1.0
    assert result["numbering_consistent"] and result["uncited_report_bullets"] == 0
    assert result["revenue_fit_rate"] == 1.0
