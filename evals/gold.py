"""The gold question set and canvas briefs, loaded as typed records."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold.jsonl"
BRIEFS = HERE / "briefs.jsonl"


@dataclass(frozen=True)
class GoldQuestion:
    """A question with the verbatim report snippets that answer it and its key terms."""

    id: str
    question: str
    category: str
    snippets: tuple[str, ...]
    key_terms: tuple[str, ...]
    answerable: bool
    subset: bool = False
    history: tuple[dict[str, str], ...] = field(default=())


@dataclass(frozen=True)
class Brief:
    """A company description with the archetype it should be matched to."""

    id: str
    brief: str
    expected_archetype: str
    revenue_terms: tuple[str, ...]


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def load_gold(path: Path = GOLD, subset: bool = False) -> list[GoldQuestion]:
    """Every gold question (or only the fast CI subset)."""
    out = [
        GoldQuestion(
            id=r["id"], question=r["question"], category=r["category"],
            snippets=tuple(r["snippets"]), key_terms=tuple(r["key_terms"]),
            answerable=bool(r["answerable"]), subset=bool(r.get("subset", False)),
            history=tuple(r.get("history", ())),
        )
        for r in _rows(path)
    ]
    return [q for q in out if q.subset] if subset else out


def load_briefs(path: Path = BRIEFS) -> list[Brief]:
    """The canvas briefs."""
    return [
        Brief(r["id"], r["brief"], r["expected_archetype"], tuple(r["revenue_terms"]))
        for r in _rows(path)
    ]
