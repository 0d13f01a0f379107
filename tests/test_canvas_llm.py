"""Canvas drafting with a generative backend (the recording fake): rewriting, ties, fallback."""

from __future__ import annotations

import re

import pytest

from bot import Advisor
from bot.canvas.model import parse_reply
from bot.types import CANVAS_BLOCKS

from .fakes import FakeChat

PUMP = (
    "We make industrial pumps and want to sell pumping-as-a-service with guaranteed uptime, "
    "billed per cubic metre pumped, under multi-year outcome-based contracts."
)
SUGGESTION = "Offer plant managers a loyalty app with monthly uptime reports"
UNRELATED = "Paint the head office purple"


def _blocks_in(prompt: str) -> dict[str, list[tuple[str, str]]]:
    """Per block key in the prompt: (report item, its [n] markers)."""
    out: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in prompt.splitlines():
        head = re.match(r"^\[([a-z_]+)\] \(", line)
        if head:
            current = head.group(1)
            out[current] = []
            continue
        item = re.match(r"^  report item: (.*?) ((?:\[\d+\])+)$", line)
        if item and current:
            out[current].append((item.group(1), item.group(2)))
    return out


def company_writer(messages) -> str:
    """A scripted model: rewrites each report item for the pumps and cites it; adds extras."""
    blocks = _blocks_in(messages[-1]["content"])
    lines = []
    for key, items in blocks.items():
        lines.append(f"[{key}]")
        lines += [f"- For our pump fleet: {text} {refs}" for text, refs in items[:3]]
        if key == "customer_relationships":
            lines.append(f"- {SUGGESTION}")
        if key == "channels":
            lines.append(f"- {UNRELATED} [1]")
            lines.append("- Sell through a water-utility buying portal [99]")
    return "\n".join(lines)


def fake_advisor(corpus_settings, embedder, fake) -> Advisor:
    return Advisor(corpus_settings.model_copy(update={"llm": fake}), embedder=embedder)


def test_llm_draft_rewrites_and_cites(corpus_settings, embedder, advisor):
    fake = FakeChat(company_writer)
    canvas = fake_advisor(corpus_settings, embedder, fake).draft_canvas(PUMP)
    assert len(fake.calls) == 1
    prompt = fake.calls[0][-1]["content"]
    assert PUMP in prompt and "[revenue_streams]" in prompt and "Pay-per-use model" in prompt
    assert canvas.mode == "fake" and canvas.notice is None
    assert canvas.archetypes[0].name == "servitised"
    live = {c.id: c for c in advisor.retriever.chunks()}
    for key in CANVAS_BLOCKS:
        bullets = tuple(b for b in canvas.block(key).bullets if b.origin != "brief")
        assert bullets and bullets[0].text.startswith("For our pump fleet: ")
        for bullet in bullets:
            for c in bullet.citations:
                assert live[c.chunk.id] == c.chunk
    rewritten = [b for block in canvas.blocks for b in block.bullets
                 if b.text.startswith("For our pump fleet")]
    assert rewritten and all(b.from_report and b.citations for b in rewritten)
    numbers = {}
    for block in canvas.blocks:
        for b in block.bullets:
            for c in b.citations:
                assert numbers.setdefault(c.n, c.chunk.id) == c.chunk.id
    assert sorted(numbers) == list(range(1, len(numbers) + 1))


def test_uncited_or_untied_bullets_are_the_advisors(corpus_settings, embedder):
    canvas = fake_advisor(corpus_settings, embedder, FakeChat(company_writer)).draft_canvas(PUMP)
    texts = {b.text: b for block in canvas.blocks for b in block.bullets}
    for text in (SUGGESTION, UNRELATED, "Sell through a water-utility buying portal"):
        bullet = texts[text]
        assert bullet.from_report is False and bullet.citations == (), text


def test_backend_failure_falls_back_to_evidence(corpus_settings, embedder, advisor):
    fake = FakeChat("unused", fail=True)
    canvas = fake_advisor(corpus_settings, embedder, fake).draft_canvas(PUMP)
    evidence = advisor.draft_canvas(PUMP)
    assert len(fake.calls) == 1
    assert canvas.mode == "evidence"
    assert canvas.notice and "fake" in canvas.notice and "fake backend failure" in canvas.notice
    assert canvas.blocks == evidence.blocks


def test_unreadable_reply_falls_back_and_partial_reply_keeps_evidence(
    corpus_settings, embedder, advisor,
):
    canvas = fake_advisor(corpus_settings, embedder, FakeChat("I cannot help with that.")
                          ).draft_canvas(PUMP)
    assert canvas.mode == "evidence" and "no canvas blocks" in (canvas.notice or "")
    evidence = advisor.draft_canvas(PUMP)
    reply = "## Revenue Streams\n1. Charge water utilities per cubic metre pumped [99]\n"
    numbers = {c.n for b in evidence.block("revenue_streams").bullets for c in b.citations}
    reply += f"2. Pay-per-use billing for each cubic metre pumped [{min(numbers)}]\n"
    partial = fake_advisor(corpus_settings, embedder, FakeChat(reply)).draft_canvas(PUMP)
    assert partial.mode == "fake" and "Key Partners" in (partial.notice or "")
    revenue = tuple(b for b in partial.block("revenue_streams").bullets if b.origin != "brief")
    assert [b.from_report for b in revenue] == [False, True]
    assert revenue[1].citations[0].chunk.section.endswith("Revenue Streams")
    for key in CANVAS_BLOCKS[:-1]:
        assert [b.text for b in partial.block(key).bullets] == [
            b.text for b in evidence.block(key).bullets]


def test_llm_refinement_rewrites_only_affected_blocks(corpus_settings, embedder):
    fake = FakeChat(company_writer)
    llm = fake_advisor(corpus_settings, embedder, fake)
    canvas = llm.draft_canvas(PUMP)
    refined = llm.refine_canvas(canvas, "make revenue more subscription-based")
    prompt = fake.calls[-1][-1]["content"]
    assert "make revenue more subscription-based" in prompt
    assert "[revenue_streams]" in prompt and "[key_partners]" not in prompt
    assert "  current: For our pump fleet" in prompt
    assert "subscription" in prompt.lower()
    for old, new in zip(canvas.blocks, refined.blocks, strict=True):
        if old.key != "revenue_streams":
            assert [b.text for b in new.bullets] == [b.text for b in old.bullets]
    revenue = refined.block("revenue_streams").bullets
    assert any("subscription" in b.text.lower() for b in revenue)
    assert refined.refinements == ("make revenue more subscription-based",)


@pytest.mark.parametrize("reply", [
    "[revenue_streams]\n- Per-use billing [2]\n- Bundled service plans [2, 3]",
    "## Revenue Streams\n* Per-use billing [2]\n* Bundled service plans [2][3]",
    "**Revenue streams:**\n1. Per-use billing [2]\n2) Bundled service plans [2] [3]",
])
def test_parse_reply_formats(reply):
    assert parse_reply(reply) == {
        "revenue_streams": [("Per-use billing", (2,)), ("Bundled service plans", (2, 3))]
    }


def test_parse_reply_ignores_text_outside_blocks():
    assert parse_reply("Here is your canvas:\n- stray [1]\n[channels]\n- Portal") == {
        "channels": [("Portal", ())]
    }
