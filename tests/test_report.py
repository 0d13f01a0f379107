"""The report's canvases and recommendations parsed from its Markdown, and bound to the index."""

from __future__ import annotations

import pytest

from bot.errors import AdvisorError
from bot.report.outline import (
    ARCHETYPES,
    ReportIndex,
    block_key,
    load_report,
    parse_report,
    report_from_chunks,
)
from bot.types import CANVAS_BLOCKS

from .conftest import CORPUS

REPORT_MD = CORPUS / "wmr-2023-new-business-models.md"


@pytest.fixture(scope="module")
def report():
    return load_report(REPORT_MD)


def test_six_canvases_of_nine_blocks(report):
    assert list(report.canvases) == list(ARCHETYPES)
    for key, canvas in report.canvases.items():
        assert canvas.archetype == key
        assert canvas.title.endswith("Business Models")
        assert tuple(canvas.blocks) == CANVAS_BLOCKS
        assert canvas.trend, f"{key} has no innovation trend text"
        for block in CANVAS_BLOCKS:
            empty_in_report = key == "ai-based" and block in ("cost_structure", "revenue_streams")
            assert bool(canvas.items(block)) is not empty_in_report, (key, block)


def test_items_are_the_reports_bullets(report):
    text = REPORT_MD.read_text(encoding="utf-8")
    servitised = report.canvas("servitised")
    assert servitised.items("revenue_streams") == (
        "Invoicing (directly or indirectly)",
        "Pay-per-use model",
        "Potential for up-selling or cross-selling services",
    )
    for canvas in report.canvases.values():
        for block in CANVAS_BLOCKS:
            for item in canvas.items(block):
                assert f"- {item.rsplit(': ', 1)[-1]}" in text, item
    partners = report.canvas("ai-based").items("key_partners")
    assert "Service Provider: Security services" in partners  # bold group labels kept
    assert report.canvas("digital").section("customer_relationships") == (
        "New Business Models > Digital Business Models > Customer Relationship"
    )


def test_ten_recommendations_with_three_levers(report):
    recs = report.recommendations
    assert [r.number for r in recs] == list(range(1, 11))
    for rec in recs:
        assert rec.title and not rec.title[0].isdigit()
        assert all(len(v) > 20 and "**" not in v for v in rec.levers().values()), rec.number
    four = report.recommendation(4)
    assert four.title == "Develop new sales channels for hybrid revenue streams"
    assert four.technology.startswith("To serve customers where they prefer to buy")
    assert four.section == "10 Key Recommendations > 4. Develop new sales channels for hybrid " \
        "revenue streams"
    with pytest.raises(AdvisorError):
        report.recommendation(11)
    with pytest.raises(AdvisorError, match="unknown archetype"):
        report.canvas("linear")


def test_block_keys_follow_report_headings():
    assert block_key("Customer Relationship") == "customer_relationships"
    assert block_key("customer relationships") == "customer_relationships"
    assert block_key("revenue_streams") == "revenue_streams"
    assert block_key("Key Partner Network") is None


def test_missing_structure_is_one_line_error():
    with pytest.raises(AdvisorError, match="lacks the .* canvas"):
        parse_report([(("New Business Models", "Digital Business Models", "Channels"), "- x")])
    sections = [
        (("New Business Models", f"{lead} Business Models", "Channels"), "- x")
        for lead, _ in ARCHETYPES.values()
    ]
    bad = (("10 Key Recommendations", "1. Do things"), "- **Skills:** a\n- **Policy:** b")
    with pytest.raises(AdvisorError, match="lacks its technology lever"):
        parse_report([*sections, bad])


def test_index_chunks_parse_to_the_same_report(advisor, report):
    chunks = advisor.retriever.chunks()
    assert report_from_chunks(chunks) == report
    index = ReportIndex.build(chunks)
    revenue = index.block_chunks("servitised", "revenue_streams")
    assert [c.section for c in revenue] == [
        "New Business Models > Servitised Business Models > Revenue Streams"
    ]
    assert all(item in revenue[0].text for item in report.canvas("servitised").items(
        "revenue_streams"))
    assert index.block_chunks("ai-based", "revenue_streams") == ()
    chunk = index.item_chunk("ai-based", "key_partners", "Service Provider: Security services")
    assert "Security services" in chunk.text
    live = {c.id: c for c in chunks}
    for rec in report.recommendations:
        got = index.recommendation_chunk(rec.number)
        assert live[got.id] == got and got.section == rec.section
