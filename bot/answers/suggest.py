"""Three suggested next questions under an answer, from its plan (or the sections it cites)
and the report's outline: another block of the same business model, the recommendations that
apply, and a canvas draft or a comparison."""

from __future__ import annotations

from bot.report.outline import (
    ARCHETYPES,
    CANVASES_HEADING,
    RECOMMENDATIONS_HEADING,
    TRENDS_HEADING,
    Report,
    archetype_of,
    block_key,
)
from bot.types import CANVAS_BLOCKS, Answer

COUNT = 3

# What to ask about each block of a model's canvas ({a_model}: e.g. "a servitised").
BLOCK_QUESTIONS: dict[str, str] = {
    "cost_structure": "What does {a_model} business model cost?",
    "revenue_streams": "How does {a_model} business model make money?",
    "key_partners": "Which partners does {a_model} business model need?",
    "key_resources": "Which resources does {a_model} business model need?",
    "customer_segments": "Which customers suit {a_model} business model?",
    "value_propositions": "What value does {a_model} business model offer customers?",
    "channels": "Which channels does {a_model} business model use?",
    "key_activities": "What are the key activities of {a_model} business model?",
    "customer_relationships": "How does {a_model} business model keep its customers?",
}
# Which block to suggest next, by the kind of question that was answered.
BLOCK_ORDER: dict[str, tuple[str, ...]] = {
    "advise": ("cost_structure", "revenue_streams", "key_partners", "key_resources"),
    "canvas": ("cost_structure", "revenue_streams", "key_partners"),
    "risks": ("cost_structure", "key_resources", "key_partners"),
}
DEFAULT_ORDER = ("revenue_streams", "cost_structure", "key_partners", "value_propositions",
                 "customer_segments", "key_resources", "channels", "key_activities",
                 "customer_relationships")
STARTERS = (
    "What are the six business models in the report?",
    "Which key recommendations does the report make?",
    "What are the challenges of business model innovation?",
    "What revenue streams suit a servitised business model?",
)


def _model_name(key: str, report: Report | None) -> str:
    """How a question names an archetype: "servitised", "AI-based", "mass-customisation"."""
    if report is not None and key in report.canvases:
        lead = report.canvases[key].title.removesuffix(" Business Models")
    else:
        lead = ARCHETYPES.get(key, (key, ""))[0]
    return lead if lead[:2].isupper() else lead.lower()


def _a(name: str) -> str:
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def _cited_recommendations(answer: Answer) -> set[str]:
    return {c.chunk.section_path[1] for c in answer.citations
            if len(c.chunk.section_path) >= 2
            and c.chunk.section_path[0] == RECOMMENDATIONS_HEADING}


def _cited_targets(answer: Answer) -> tuple[list[str], list[str]]:
    """The archetypes and canvas blocks an answer's citations come from, in citation order."""
    trends = {trend: key for key, (_, trend) in ARCHETYPES.items()}
    models: list[str] = []
    blocks: list[str] = []
    for c in answer.citations:
        path = c.chunk.section_path
        model = None
        if len(path) >= 2 and path[0] == CANVASES_HEADING:
            model = archetype_of(path[1])
            key = block_key(path[2]) if len(path) >= 3 else None
            if key and key not in blocks:
                blocks.append(key)
        elif len(path) >= 2 and path[0] == TRENDS_HEADING:
            model = next((k for t, k in trends.items() if path[1].startswith(t)), None)
        if model and model not in models:
            models.append(model)
    return models, blocks


def suggest_questions(answer: Answer, report: Report | None = None) -> tuple[str, ...]:
    """Three short questions to ask next, none of them the question just answered."""
    plan = answer.plan
    cited_models, cited_blocks = _cited_targets(answer)
    models = [m for m in (plan.models if plan and plan.models else cited_models)
              if m in ARCHETYPES]
    covered = set(plan.blocks if plan and plan.blocks else cited_blocks)
    kind = plan.kind if plan else "lookup"
    company = plan is not None and plan.company is not None
    out: list[str] = []
    if models and not answer.refused and kind != "offtopic":
        name = _model_name(models[0], report)
        canvas = report.canvases.get(models[0]) if report is not None else None
        order = BLOCK_ORDER.get(kind, ()) + DEFAULT_ORDER
        nxt = next((b for b in order if b not in covered
                    and (canvas is None or canvas.items(b))), None)
        if nxt is not None:
            out.append(BLOCK_QUESTIONS[nxt].format(a_model=_a(name)))
        out.append(f"Which key recommendations apply to {_a(name)} business model?")
        keys = list(ARCHETYPES)
        other_key = models[1] if len(models) > 1 else keys[(keys.index(models[0]) + 1) % 6]
        other = _model_name(other_key, report)
        if kind in ("advise", "canvas") or company:
            out.append(f"Draft {_a(name)} canvas for my company")
        elif kind == "compare" and nxt is not None:
            out.append(BLOCK_QUESTIONS[nxt].format(a_model=_a(other)))
        else:
            out.append(f"How does {_a(name)} business model compare with {_a(other)} one?")
    elif covered and not answer.refused:
        key = next(b for b in CANVAS_BLOCKS if b in covered)
        title = key.replace("_", " ")
        out.append(f"How do the six business models differ in their {title}?")
    starters = list(STARTERS)
    cited_recs = _cited_recommendations(answer)
    if cited_recs and report is not None:
        # After recommendations: how to act on one, those the answer did not cite first.
        recs = sorted(report.recommendations,
                      key=lambda r: (f"{r.number}. {r.title}" in cited_recs, r.number))
        starters = [f"How can a manufacturer {r.title[0].lower()}{r.title[1:]}?"
                    for r in recs[:2]] + [s for s in starters if "recommendations" not in s]
    asked = " ".join(answer.question.lower().split())
    unique: list[str] = []
    for question in [*out, *starters]:
        if question.lower() != asked and question not in unique:
            unique.append(question)
    return tuple(unique[:COUNT])
