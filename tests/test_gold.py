"""Integrity checks for the eval gold set (evals/gold.jsonl) and canvas briefs (evals/briefs.jsonl).

No network, no models: the files are read and checked against the corpus Markdown, which is the
ground truth. Snippets must be verbatim body text of the corpus, found exactly once, inside one
section (never spanning a heading) and inside a single line of body text, so that they identify
the section that answers the question.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "wmr-2023-new-business-models.md"
GOLD = ROOT / "evals" / "gold.jsonl"
BRIEFS = ROOT / "evals" / "briefs.jsonl"

CATEGORIES = {
    "canvas_block",
    "trend",
    "why",
    "impact",
    "challenge",
    "recommendation",
    "contributor",
    "comparison",
    "followup",
    "about",
    "closing",
    "out_of_scope",
}
REQUIRED_FIELDS = {
    "id": str,
    "question": str,
    "category": str,
    "snippets": list,
    "key_terms": list,
    "answerable": bool,
    "subset": bool,
}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")

NEW_BUSINESS_MODELS = "New Business Models"
TRENDS = "Manufacturing Business Model Innovation Trends"
RECOMMENDATIONS = "10 Key Recommendations"
WHY = "Why Manufacturing Business Models Matter"
CANVAS_BLOCKS = (
    "Key Partners",
    "Key Activities",
    "Key Resources",
    "Value Propositions",
    "Customer Relationship",
    "Channels",
    "Customer Segments",
    "Cost Structure",
    "Revenue Streams",
)
ARCHETYPES = {
    "digital": "Digital Business Models",
    "data-driven": "Data-driven Business Models",
    "ai-based": "AI-based Business Models",
    "mass-customisation": "Mass-Customisation Business Models",
    "servitised": "Servitised Business Models",
    "circular": "Circular Business Models",
}


def collapse(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- corpus model


@dataclass(frozen=True)
class Corpus:
    flat: str  # the whole file, whitespace collapsed
    lines: tuple[tuple[tuple[str, ...], str], ...]  # (heading path, collapsed body line)
    sections: dict[tuple[str, ...], str]  # heading path -> collapsed body text
    order: tuple[tuple[str, ...], ...]  # heading paths in document order (incl. empty ones)

    def children(self, parent: tuple[str, ...]) -> list[tuple[str, ...]]:
        return [p for p in self.order if len(p) == len(parent) + 1 and p[: len(parent)] == parent]

    def locate(self, snippet: str) -> tuple[str, ...] | None:
        """Heading path of the single body line holding the snippet, or None."""
        needle = collapse(snippet)
        hits = [path for path, line in self.lines if needle in line]
        return hits[0] if len(hits) == 1 else None


@lru_cache(maxsize=1)
def corpus() -> Corpus:
    raw = CORPUS.read_text(encoding="utf-8")
    lines = raw.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":  # YAML front matter is not body text
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                start = i + 1
                break
    stack: list[tuple[int, str]] = []
    body: list[tuple[tuple[str, ...], str]] = []
    order: list[tuple[str, ...]] = []
    sections: dict[tuple[str, ...], list[str]] = {}
    for line in lines[start:]:
        m = HEADING_RE.match(line)
        if m:
            level = len(m.group(1))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, m.group(2).strip()))
            path = tuple(title for _, title in stack)
            order.append(path)
            sections.setdefault(path, [])
        elif line.strip():
            path = tuple(title for _, title in stack)
            body.append((path, collapse(line)))
            sections.setdefault(path, []).append(collapse(line))
    return Corpus(
        flat=collapse(raw),
        lines=tuple(body),
        sections={p: " ".join(ls) for p, ls in sections.items()},
        order=tuple(order),
    )


# --------------------------------------------------------------------------- loaders


def _load_jsonl(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    items: list[dict[str, Any]] = []
    errors: list[str] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            errors.append(f"{path.name}:{n}: blank line")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{path.name}:{n}: invalid JSON ({exc})")
            continue
        if not isinstance(obj, dict):
            errors.append(f"{path.name}:{n}: not a JSON object")
            continue
        items.append(obj)
    return items, errors


@lru_cache(maxsize=1)
def gold_raw() -> tuple[tuple[dict[str, Any], ...], tuple[str, ...]]:
    items, errors = _load_jsonl(GOLD)
    return tuple(items), tuple(errors)


@pytest.fixture(scope="module")
def gold() -> list[dict[str, Any]]:
    items, errors = gold_raw()
    assert not errors, "\n".join(errors)
    return list(items)


@pytest.fixture(scope="module")
def answerable(gold: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [it for it in gold if it.get("answerable")]


@pytest.fixture(scope="module")
def briefs() -> list[dict[str, Any]]:
    items, errors = _load_jsonl(BRIEFS)
    assert not errors, "\n".join(errors)
    return items


def _paths(item: dict[str, Any]) -> list[tuple[str, ...]]:
    c = corpus()
    return [p for p in (c.locate(s) for s in item["snippets"]) if p is not None]


# --------------------------------------------------------------------------- the corpus itself


def test_corpus_has_the_expected_structure() -> None:
    c = corpus()
    canvases = c.children((NEW_BUSINESS_MODELS,))
    assert [p[-1] for p in canvases] == list(ARCHETYPES.values())
    for canvas in canvases:
        assert [p[-1] for p in c.children(canvas)] == list(CANVAS_BLOCKS), canvas
    assert len(c.children((TRENDS,))) == 6
    assert len(c.children((RECOMMENDATIONS,))) == 10
    # The AI-based canvas has empty Cost Structure / Revenue Streams blocks in the report.
    ai = (NEW_BUSINESS_MODELS, ARCHETYPES["ai-based"])
    assert c.sections[ai + ("Cost Structure",)] == ""
    assert c.sections[ai + ("Revenue Streams",)] == ""


# --------------------------------------------------------------------------- gold: shape


def test_gold_lines_are_valid_json_objects() -> None:
    items, errors = gold_raw()
    assert not errors, "\n".join(errors)
    assert items, "gold.jsonl is empty"


def test_gold_items_have_required_fields(gold: list[dict[str, Any]]) -> None:
    problems = []
    for n, it in enumerate(gold, start=1):
        label = it.get("id", f"line {n}")
        for field, kind in REQUIRED_FIELDS.items():
            if field not in it:
                problems.append(f"{label}: missing {field!r}")
            elif not isinstance(it[field], kind):
                problems.append(f"{label}: {field!r} should be {kind.__name__}")
        if not isinstance(it.get("id"), str) or not ID_RE.match(it.get("id", "")):
            problems.append(f"{label}: id is not a lowercase slug")
        if isinstance(it.get("question"), str) and not it["question"].strip():
            problems.append(f"{label}: empty question")
        if it.get("category") not in CATEGORIES:
            problems.append(f"{label}: unknown category {it.get('category')!r}")
        for field in ("snippets", "key_terms"):
            values = it.get(field)
            if isinstance(values, list) and not all(isinstance(v, str) for v in values):
                problems.append(f"{label}: {field} must be strings")
        extra = set(it) - set(REQUIRED_FIELDS) - {"history"}
        if extra:
            problems.append(f"{label}: unexpected fields {sorted(extra)}")
    assert not problems, "\n".join(problems)


def test_gold_ids_and_questions_are_unique(gold: list[dict[str, Any]]) -> None:
    ids = Counter(it["id"] for it in gold)
    assert not [i for i, n in ids.items() if n > 1], f"duplicate ids: {ids.most_common(3)}"
    questions = Counter(collapse(it["question"]).lower() for it in gold)
    dupes = [q for q, n in questions.items() if n > 1]
    assert not dupes, f"duplicate questions: {dupes}"


def test_answerability_matches_snippets_and_terms(gold: list[dict[str, Any]]) -> None:
    problems = []
    for it in gold:
        oos = it["category"] == "out_of_scope"
        if it["answerable"] == oos:
            problems.append(f"{it['id']}: answerable must be {not oos} for {it['category']}")
        if oos:
            if it["snippets"] or it["key_terms"]:
                problems.append(f"{it['id']}: out_of_scope must have no snippets/key_terms")
            continue
        if not 1 <= len(it["snippets"]) <= 3:
            problems.append(f"{it['id']}: needs 1..3 snippets, has {len(it['snippets'])}")
        if not 1 <= len(it["key_terms"]) <= 4:
            problems.append(f"{it['id']}: needs 1..4 key terms, has {len(it['key_terms'])}")
        for term in it["key_terms"]:
            if not term.strip() or term != term.lower() or term != term.strip():
                problems.append(f"{it['id']}: key term {term!r} must be lowercase and trimmed")
        if len(set(it["snippets"])) != len(it["snippets"]):
            problems.append(f"{it['id']}: repeated snippet")
    assert not problems, "\n".join(problems)


def test_history_only_on_followups_and_well_formed(gold: list[dict[str, Any]]) -> None:
    problems = []
    for it in gold:
        if it["category"] != "followup":
            if "history" in it:
                problems.append(f"{it['id']}: history only belongs on followup items")
            continue
        history = it.get("history")
        if not isinstance(history, list) or not history:
            problems.append(f"{it['id']}: followup needs a non-empty history")
            continue
        roles = [turn.get("role") if isinstance(turn, dict) else None for turn in history]
        expected = ["user", "assistant"] * (len(history) // 2 + 1)
        if roles != expected[: len(roles)] or roles[-1] != "assistant":
            problems.append(
                f"{it['id']}: history must alternate user/assistant, ending on assistant"
            )
        for turn in history:
            if not isinstance(turn, dict) or set(turn) != {"role", "content"}:
                problems.append(f"{it['id']}: history turns need exactly role and content")
            elif not isinstance(turn["content"], str) or not turn["content"].strip():
                problems.append(f"{it['id']}: empty history content")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- gold: snippets


def test_snippets_are_plain_body_text(answerable: list[dict[str, Any]]) -> None:
    problems = []
    for it in answerable:
        for s in it["snippets"]:
            if s != s.strip() or not s:
                problems.append(f"{it['id']}: snippet has surrounding whitespace: {s!r}")
            if s.lstrip().startswith(("- ", "#")):
                problems.append(f"{it['id']}: snippet starts with a markdown marker: {s!r}")
            if "**" in s or "*" in s:
                problems.append(f"{it['id']}: snippet contains markdown asterisks: {s!r}")
    assert not problems, "\n".join(problems)


def test_snippets_occur_exactly_once_in_corpus(answerable: list[dict[str, Any]]) -> None:
    flat = corpus().flat
    problems = []
    for it in answerable:
        for s in it["snippets"]:
            n = flat.count(collapse(s))
            if n != 1:
                problems.append(f"{it['id']}: snippet found {n} times: {s!r}")
    assert not problems, "\n".join(problems)


def test_snippets_sit_within_one_section_and_line(answerable: list[dict[str, Any]]) -> None:
    c = corpus()
    problems = []
    for it in answerable:
        for s in it["snippets"]:
            needle = collapse(s)
            in_sections = [p for p, body in c.sections.items() if needle in body]
            if len(in_sections) != 1:
                problems.append(
                    f"{it['id']}: snippet is in {len(in_sections)} section bodies "
                    f"(spans a heading, or is heading/front-matter text): {s!r}"
                )
            elif c.locate(s) is None:
                problems.append(f"{it['id']}: snippet spans several body lines: {s!r}")
    assert not problems, "\n".join(problems)


def test_key_terms_occur_in_snippets(answerable: list[dict[str, Any]]) -> None:
    problems = []
    for it in answerable:
        text = " ".join(collapse(s) for s in it["snippets"]).lower()
        for term in it["key_terms"]:
            if collapse(term).lower() not in text:
                problems.append(f"{it['id']}: key term {term!r} is not in its snippets")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- gold: coverage


def test_size_and_category_coverage(gold: list[dict[str, Any]]) -> None:
    counts = Counter(it["category"] for it in gold)
    assert len(gold) >= 100, f"only {len(gold)} questions"
    assert set(counts) == CATEGORIES, f"missing categories: {CATEGORIES - set(counts)}"
    assert counts["out_of_scope"] >= 12, counts
    assert counts["comparison"] >= 6, counts
    assert counts["contributor"] >= 5, counts
    for cat in ("why", "impact", "challenge"):
        assert counts[cat] >= 3, (cat, counts)
    followups = [it for it in gold if it["category"] == "followup" and it.get("history")]
    assert len(followups) >= 6, f"only {len(followups)} followups with history"


def test_categories_point_to_the_right_sections(answerable: list[dict[str, Any]]) -> None:
    expected_root = {
        "canvas_block": NEW_BUSINESS_MODELS,
        "trend": TRENDS,
        "recommendation": RECOMMENDATIONS,
        "contributor": "Contributors",
        "closing": "Closing Statement",
    }
    why_h2 = {
        "why": "Why does manufacturing business model innovation matter?",
        "impact": "How does manufacturing business model innovation impact the sector?",
        "challenge": "What are the challenges of manufacturing business model innovation?",
    }
    problems = []
    for it in answerable:
        paths = _paths(it)
        cat = it["category"]
        if cat in expected_root and any(p[0] != expected_root[cat] for p in paths):
            problems.append(f"{it['id']}: {cat} snippet outside '{expected_root[cat]}': {paths}")
        if cat in why_h2 and any(p != (WHY, why_h2[cat]) for p in paths):
            problems.append(f"{it['id']}: {cat} snippet outside '{why_h2[cat]}': {paths}")
        if cat == "canvas_block" and any(len(p) != 3 for p in paths):
            problems.append(f"{it['id']}: canvas_block snippet not inside a canvas block: {paths}")
        if cat == "comparison" and len(set(paths)) < 2:
            problems.append(f"{it['id']}: a comparison must draw on at least two sections")
    assert not problems, "\n".join(problems)


def test_canvas_coverage(gold: list[dict[str, Any]], answerable: list[dict[str, Any]]) -> None:
    c = corpus()
    block_questions = [it for it in gold if it["category"] == "canvas_block"]
    assert len(block_questions) >= 35, f"only {len(block_questions)} canvas_block questions"

    per_canvas: Counter[str] = Counter()
    families: set[str] = set()
    for it in block_questions:
        canvases = {p[1] for p in _paths(it) if len(p) == 3}
        families |= {p[2] for p in _paths(it) if len(p) == 3}
        per_canvas.update(canvases)
    for title in ARCHETYPES.values():
        assert per_canvas[title] >= 5, f"{title}: only {per_canvas[title]} canvas_block questions"
    assert families == set(CANVAS_BLOCKS), (
        f"block families missing: {set(CANVAS_BLOCKS) - families}"
    )

    # Every non-empty block of every canvas is asked about by some answerable question.
    referenced = {p for it in answerable for p in _paths(it)}
    missing = [
        p
        for canvas in c.children((NEW_BUSINESS_MODELS,))
        for p in c.children(canvas)
        if c.sections.get(p) and p not in referenced
    ]
    assert not missing, f"canvas blocks never asked about: {missing}"


def test_all_trends_and_recommendations_referenced(answerable: list[dict[str, Any]]) -> None:
    c = corpus()
    referenced = {p[:2] for it in answerable for p in _paths(it) if len(p) >= 2}
    trends = c.children((TRENDS,))
    recommendations = c.children((RECOMMENDATIONS,))
    assert len(trends) == 6 and len(recommendations) == 10
    assert not [t for t in trends if t not in referenced], "trends never referenced"
    missing = [r[1] for r in recommendations if r not in referenced]
    assert not missing, f"recommendations never referenced: {missing}"


def test_recommendation_levers_are_asked_about(answerable: list[dict[str, Any]]) -> None:
    """Some recommendation questions target the Skills, Technology or Policy lever specifically."""
    c = corpus()
    raw_lines = [collapse(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    levers: Counter[str] = Counter()
    for it in answerable:
        if it["category"] not in {"recommendation", "followup"}:
            continue
        for s in it["snippets"]:
            path = c.locate(s)
            if path is None or path[0] != RECOMMENDATIONS:
                continue
            line = next(ln for ln in raw_lines if collapse(s) in ln)
            m = re.match(r"- \*\*(Skills|Technology|Policy):\*\*", line)
            if m:
                levers[m.group(1)] += 1
    assert set(levers) == {"Skills", "Technology", "Policy"}, levers


def test_about_and_closing_sections_covered(answerable: list[dict[str, Any]]) -> None:
    roots = {p[0] for it in answerable for p in _paths(it)}
    assert "About the Report" in roots
    assert "Closing Statement" in roots
    assert "Contributors" in roots


# --------------------------------------------------------------------------- gold: CI subset


def test_subset_is_small_and_spread(gold: list[dict[str, Any]]) -> None:
    subset = [it for it in gold if it["subset"]]
    assert 20 <= len(subset) <= 35, f"subset has {len(subset)} questions"
    counts = Counter(it["category"] for it in subset)
    assert counts["out_of_scope"] >= 3, counts
    assert counts["followup"] >= 2, counts
    assert set(counts) == CATEGORIES, f"subset misses categories: {CATEGORIES - set(counts)}"
    canvases = {
        p[1] for it in subset if it["category"] == "canvas_block" for p in _paths(it) if len(p) == 3
    }
    assert canvases == set(ARCHETYPES.values()), f"subset misses canvases: {canvases}"


# --------------------------------------------------------------------------- briefs


def test_briefs_are_well_formed(briefs: list[dict[str, Any]]) -> None:
    problems = []
    for n, b in enumerate(briefs, start=1):
        label = b.get("id", f"line {n}")
        if set(b) != {"id", "brief", "expected_archetype", "revenue_terms"}:
            problems.append(f"{label}: fields are {sorted(b)}")
            continue
        if not isinstance(b["id"], str) or not ID_RE.match(b["id"]):
            problems.append(f"{label}: id is not a lowercase slug")
        if b["expected_archetype"] not in ARCHETYPES:
            problems.append(f"{label}: unknown archetype {b['expected_archetype']!r}")
        if not isinstance(b["brief"], str):
            problems.append(f"{label}: brief must be a string")
        else:
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", b["brief"].strip()) if s]
            if not 2 <= len(sentences) <= 3:
                problems.append(f"{label}: brief should be 2-3 sentences, has {len(sentences)}")
        terms = b["revenue_terms"]
        if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
            problems.append(f"{label}: revenue_terms must be a list of strings")
    assert not problems, "\n".join(problems)
    ids = [b["id"] for b in briefs]
    assert len(ids) == len(set(ids)), "duplicate brief ids"
    assert len(briefs) >= 6


def test_briefs_cover_all_archetypes(briefs: list[dict[str, Any]]) -> None:
    assert {b["expected_archetype"] for b in briefs} == set(ARCHETYPES)


def test_brief_revenue_terms_come_from_the_archetype_revenue_block(
    briefs: list[dict[str, Any]],
) -> None:
    c = corpus()
    problems = []
    for b in briefs:
        block = c.sections[
            (NEW_BUSINESS_MODELS, ARCHETYPES[b["expected_archetype"]], "Revenue Streams")
        ]
        terms = b["revenue_terms"]
        if not block:
            if terms:
                problems.append(
                    f"{b['id']}: the corpus revenue block is empty, so terms must be []"
                )
            continue
        if not 1 <= len(terms) <= 3:
            problems.append(f"{b['id']}: needs 1..3 revenue terms, has {len(terms)}")
        for t in terms:
            if t != t.lower() or not t.strip():
                problems.append(f"{b['id']}: revenue term {t!r} must be lowercase")
            if t.lower() not in block.lower():
                problems.append(
                    f"{b['id']}: {t!r} is not in the {b['expected_archetype']} revenue block"
                )
    assert not problems, "\n".join(problems)
