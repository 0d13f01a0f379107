"""Answers and canvases back from their JSON (the `to_json` shapes of bot.types)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.errors import AdvisorError
from bot.types import (
    CANVAS_BLOCKS,
    Answer,
    ArchetypeScore,
    Bullet,
    Canvas,
    CanvasBlock,
    Chunk,
    Citation,
    Company,
    Plan,
)


def citation_from_json(data: Mapping[str, Any]) -> Citation:
    """A Citation from {"n", "chunk_id", "section", "source", "page", "text"}."""
    chunk = Chunk(id=str(data["chunk_id"]), text=str(data["text"]),
                  section=str(data.get("section") or ""), source=str(data.get("source") or ""),
                  page=data.get("page"))
    return Citation(n=int(data["n"]), chunk=chunk)


def _citations(items: Sequence[Mapping[str, Any]] | None) -> tuple[Citation, ...]:
    return tuple(citation_from_json(c) for c in items or ())


def plan_from_json(data: Mapping[str, Any] | None) -> Plan | None:
    """A Plan from Plan.to_json (None stays None)."""
    if not data:
        return None
    company = data.get("company")
    return Plan(
        kind=str(data.get("kind") or ""),
        question=str(data.get("question") or ""),
        models=tuple(data.get("models") or ()),
        blocks=tuple(data.get("blocks") or ()),
        lists=tuple(data.get("lists") or ()),
        company=None if not company else Company(
            description=str(company.get("description") or ""),
            size=company.get("size"),
            places=tuple(company.get("places") or ()),
            products=tuple(company.get("products") or ()),
            figures=tuple(company.get("figures") or ()),
        ),
        not_in_report=tuple(data.get("not_in_report") or ()),
    )


def answer_from_json(data: Mapping[str, Any]) -> Answer:
    """An Answer from Answer.to_json."""
    try:
        return Answer(
            question=str(data["question"]),
            text=str(data["answer"]),
            citations=_citations(data.get("citations")),
            refused=bool(data.get("refused", False)),
            mode=str(data.get("mode") or "evidence"),
            notice=data.get("notice"),
            plan=plan_from_json(data.get("plan")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise AdvisorError(f"a stored answer is damaged: {exc}") from exc


def bullet_from_json(data: Mapping[str, Any] | str) -> Bullet:
    """A Bullet from Bullet.to_json (a bare string is an uncited bullet)."""
    if isinstance(data, str):
        return Bullet(text=data, from_report=False, origin="brief")
    return Bullet(
        text=str(data["text"]),
        citations=_citations(data.get("citations")),
        from_report=bool(data.get("from_report", True)),
        origin=str(data.get("origin") or "report"),
    )


def canvas_from_json(data: Mapping[str, Any]) -> Canvas:
    """A Canvas from Canvas.to_json."""
    try:
        blocks = data.get("blocks") or {}
        notes = data.get("notes") or {}
        return Canvas(
            brief=str(data.get("brief") or ""),
            archetypes=tuple(ArchetypeScore(str(a["name"]), float(a["score"]))
                             for a in data.get("archetypes") or ()),
            blocks=tuple(
                CanvasBlock(key=key, note=notes.get(key),
                            bullets=tuple(bullet_from_json(b) for b in blocks.get(key, ())))
                for key in CANVAS_BLOCKS
            ),
            recommendations=tuple(bullet_from_json(r) for r in data.get("recommendations") or ()),
            mode=str(data.get("mode") or "evidence"),
            notice=data.get("notice"),
            refinements=tuple(data.get("refinements") or ()),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise AdvisorError(f"a stored canvas is damaged: {exc}") from exc
