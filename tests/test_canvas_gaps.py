"""Gap analysis of a company's own canvas against the report's best-fitting canvas."""

from __future__ import annotations

import json

import pytest

from bot.canvas.gaps import UserCanvas, analyse_gaps, parse_user_canvas
from bot.errors import AdvisorError
from bot.types import CANVAS_BLOCKS

SAMPLE = {
    "blocks": {
        "key_partners": ["Service partners that install and repair our compressors"],
        "key_activities": [{"text": "Designing and delivering maintenance services"}],
        "key_resources": ["Field technicians trained for service work"],
        "value_propositions": ["Customers get outcomes, not machines"],
        "customer_relationships": ["Personal assistance from a named service engineer"],
        "channels": ["A service portal for orders and reports"],
        "customer_segments": ["Factories that want outcome-based contracts"],
        "cost_structure": ["Direct labour of our technicians"],
        "revenue_streams": [
            "We charge customers per use of the equipment",
            "We send invoices to clients directly or via partners",
        ],
    }
}

SAMPLE_MD = "# Our canvas\n\n" + "\n".join(
    f"## {key.replace('_', ' ').title()}\n\n" + "\n".join(
        f"- {b['text'] if isinstance(b, dict) else b}" for b in bullets) + "\n"
    for key, bullets in SAMPLE["blocks"].items()
)

# (archetype, block, a paraphrase, the report item it restates) — measured to tune the threshold.
PARAPHRASES = [
    ("servitised", "revenue_streams", "We charge customers per use of the pump",
     "Pay-per-use model"),
    ("servitised", "revenue_streams", "We send invoices to clients directly or via partners",
     "Invoicing (directly or indirectly)"),
    ("servitised", "revenue_streams", "Sell extra services on top of the base contract",
     "Potential for up-selling or cross-selling services"),
    ("circular", "revenue_streams", "Leasing contracts give us steady cash flow",
     "Stable cash flows over time (leasing, pay-per-x, etc.)"),
    ("circular", "revenue_streams", "Savings from reusing recovered materials",
     "Cost savings (secondary raw materials)"),
    ("digital", "revenue_streams", "Customers pay a monthly subscription or licence fee",
     "Licence, model, subscription model"),
    ("digital", "revenue_streams", "Customers pay for each feature they switch on",
     "Pay-per-use, pay-per-feature"),
    ("digital", "key_partners", "Partners that supply analytics and AI software",
     "Data analytics and AI tools providers"),
    ("digital", "channels", "An online collaboration platform shared with stakeholders",
     "Digital platforms for collaboration across stakeholders"),
    ("mass-customisation", "revenue_streams", "Sales of personalised products",
     "Customised product sales"),
    ("ai-based", "key_activities", "Watching deployed models for drift",
     "Deployment: Monitoring (model drift) and optimisation"),
    ("ai-based", "channels", "Customers call our models through an API",
     "Indirect access (API integration / through API calls)"),
    ("ai-based", "customer_relationships", "A chatbot that helps customers around the clock",
     "Personal assistance 24/7"),
]


def test_sample_canvas_gaps(advisor):
    report = advisor.gap_analysis(SAMPLE)
    assert report.archetype == "servitised"
    revenue = next(b for b in report.blocks if b.key == "revenue_streams")
    assert {item for item, _, _ in revenue.covered} == {
        "Pay-per-use model", "Invoicing (directly or indirectly)"}
    assert [g.item for g in revenue.gaps] == ["Potential for up-selling or cross-selling services"]
    assert 5 <= report.gap_count <= 25
    live = {c.id: c for c in advisor.retriever.chunks()}
    engine = advisor.canvases.engine()
    for block in report.blocks:
        for gap in block.gaps:
            assert live[gap.citation.chunk.id] == gap.citation.chunk
            assert gap.citation.chunk.section == engine.report.canvas(block.archetype).section(
                block.key)
    assert 1 <= len(report.recommendations) <= 3
    for rec in report.recommendations:
        assert rec.citation.chunk.section.startswith("10 Key Recommendations > ")
        assert set(rec.blocks) <= {b.key for b in report.blocks if b.gaps}
    numbers = [c.n for c in report.citations()]
    assert numbers == list(range(1, len(numbers) + 1))


def test_gap_report_json_and_markdown(advisor):
    report = advisor.gap_analysis(json.dumps(SAMPLE))
    data = json.loads(json.dumps(report.to_json()))
    assert data["archetype"] == "servitised" and list(data["blocks"]) == list(CANVAS_BLOCKS)
    gap = data["blocks"]["revenue_streams"]["gaps"][0]
    assert gap["text"].startswith("Potential for up-selling")
    assert {"n", "chunk_id", "section", "source", "page", "text"} <= gap["citations"][0].keys()
    assert data["recommendations"][0]["citations"][0]["section"].startswith("10 Key")
    md = report.to_markdown()
    assert md.startswith("# Gap analysis") and "## Revenue Streams" in md
    assert "**missing:** Potential for up-selling or cross-selling services [^" in md
    for c in report.citations():
        assert f"[^{c.n}]: {c.chunk.section}: " in md


def test_markdown_input_reads_like_json(advisor):
    assert parse_user_canvas(SAMPLE_MD) == parse_user_canvas(SAMPLE)
    assert advisor.gap_analysis(SAMPLE_MD).to_json() == advisor.gap_analysis(SAMPLE).to_json()


def test_own_draft_has_few_gaps(advisor):
    brief = "We sell pumping as a service with guaranteed uptime, billed pay-per-use."
    canvas = advisor.draft_canvas(brief)
    own = advisor.gap_analysis(canvas, archetype="servitised")
    sparse = advisor.gap_analysis({"blocks": {"channels": ["A website"]}}, archetype="servitised")
    assert own.gap_count <= 3 < sparse.gap_count


def test_ai_based_empty_blocks_compared_with_another_canvas(advisor):
    report = advisor.gap_analysis(SAMPLE, archetype="ai-based")
    assert report.archetype == "ai-based"
    cost = next(b for b in report.blocks if b.key == "cost_structure")
    assert cost.archetype != "ai-based" and cost.note and "empty" in cost.note
    with pytest.raises(AdvisorError, match="unknown archetype"):
        advisor.gap_analysis(SAMPLE, archetype="linear")


def test_paraphrases_count_as_covered(advisor):
    engine = advisor.canvases.engine()
    hits, false_covers = 0, 0
    for archetype, block, paraphrase, item in PARAPHRASES:
        canvas = UserCanvas({k: (paraphrase,) if k == block else () for k in CANVAS_BLOCKS})
        result = next(b for b in analyse_gaps(engine, canvas, archetype).blocks if b.key == block)
        covered = {i for i, _, _ in result.covered}
        hits += item in covered
        false_covers += len(covered - {item})
    assert hits >= len(PARAPHRASES) - 3, hits
    assert false_covers <= 2


@pytest.mark.parametrize(("source", "message"), [
    ("", "canvas is empty"),
    ("{not json", "not valid JSON"),
    ({"blocks": {"key_partner_network": ["x"]}}, "unknown canvas block"),
    ({"blocks": {"channels": "a website"}}, "must be a list"),
    ({"blocks": {"channels": [3]}}, "must be text"),
    ({"canvas": {}}, 'needs a "blocks" object'),
    ({"blocks": {"channels": []}}, "no bullets"),
    ("Just some notes about our company.", "no canvas blocks found"),
])
def test_bad_canvas_is_one_line_error(source, message):
    with pytest.raises(AdvisorError, match=message) as err:
        parse_user_canvas(source)
    assert "\n" not in str(err.value)
