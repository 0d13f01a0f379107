"""Canvas drafting measured on the briefs: archetype ranking, filled blocks, valid citations,
and whether the revenue block fits the brief (holds the brief's revenue terms)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.types import CANVAS_BLOCKS
from evals.gold import Brief
from evals.metrics import has_terms


def evaluate_canvases(advisor: Any, briefs: Sequence[Brief]) -> dict[str, Any]:
    """Draft a canvas per brief and score it; returns summary numbers and one row per brief."""
    live = {chunk.id: chunk.text for chunk in advisor.retriever.chunks()}
    rows = []
    for brief in briefs:
        canvas = advisor.draft_canvas(brief.brief)
        bullets = [b for block in canvas.blocks for b in block.bullets]
        citations = [c for b in [*bullets, *canvas.recommendations] for c in b.citations]
        valid = sum(live.get(c.chunk.id) == c.chunk.text for c in citations)
        numbers = {c.n: c.chunk.id for c in citations}
        consistent = all(numbers[c.n] == c.chunk.id for c in citations)
        revenue = " ".join(b.text for b in canvas.block("revenue_streams").bullets)
        rows.append({
            "id": brief.id,
            "expected": brief.expected_archetype,
            "top": canvas.archetypes[0].name,
            "scores": {a.name: round(a.score, 4) for a in canvas.archetypes},
            "correct": canvas.archetypes[0].name == brief.expected_archetype,
            "blocks_filled": sum(1 for k in CANVAS_BLOCKS if canvas.block(k).bullets),
            "bullets": len(bullets),
            "uncited_report_bullets": sum(1 for b in bullets if b.from_report and not b.citations),
            "citations": len(citations),
            "citations_valid": valid,
            "numbering_consistent": consistent,
            "revenue_terms": list(brief.revenue_terms),
            "revenue_recall": has_terms(revenue, brief.revenue_terms),
            "recommendations": len(canvas.recommendations),
            "mode": canvas.mode,
        })
    n = len(rows) or 1
    with_terms = [r for r in rows if r["revenue_terms"]]
    total_cites = sum(r["citations"] for r in rows)
    return {
        "briefs": len(rows),
        "top1_correct": sum(r["correct"] for r in rows),
        "top1_accuracy": sum(r["correct"] for r in rows) / n,
        "all_blocks_filled_rate": sum(r["blocks_filled"] == len(CANVAS_BLOCKS) for r in rows) / n,
        "citations_valid_rate": (
            sum(r["citations_valid"] for r in rows) / total_cites if total_cites else 0.0
        ),
        "uncited_report_bullets": sum(r["uncited_report_bullets"] for r in rows),
        "numbering_consistent": all(r["numbering_consistent"] for r in rows),
        "revenue_terms_recall": (
            sum(r["revenue_recall"] for r in with_terms) / len(with_terms) if with_terms else 1.0
        ),
        "revenue_fit_rate": (
            sum(r["revenue_recall"] == 1.0 for r in with_terms) / len(with_terms)
            if with_terms else 1.0
        ),
        "rows": rows,
    }


def main() -> int:
    """Print the canvas measurement over evals/briefs.jsonl for the index in ADVISOR_DATA_DIR."""
    import json

    from bot import Advisor
    from evals.gold import load_briefs

    result = evaluate_canvases(Advisor.from_settings(), load_briefs())
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
