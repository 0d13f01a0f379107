"""What the workspace hands back: saved conversations, turns, canvas versions and feedback."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.types import Answer, Canvas


@dataclass(frozen=True)
class ConversationInfo:
    """A saved conversation as the sidebar lists it."""

    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    turn_count: int = 0


@dataclass(frozen=True)
class SavedTurn:
    """A stored question and its answer, with the backend that wrote it."""

    id: int
    conversation_id: str
    position: int
    question: str
    answer: Answer
    backend: str
    created_at: datetime


@dataclass(frozen=True)
class CanvasInfo:
    """A saved canvas: title, newest version number and when it last changed."""

    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    latest: int = 0


@dataclass(frozen=True)
class CanvasVersion:
    """One stored version of a canvas and the action that made it (draft, refine, edit, ...)."""

    canvas_id: str
    number: int
    action: str
    detail: str
    canvas: Canvas
    created_at: datetime

    @property
    def label(self) -> str:
        what = f"{self.action}: {self.detail}" if self.detail else self.action
        return f"v{self.number} · {what}"


@dataclass(frozen=True)
class SavedGapAnalysis:
    """A gap analysis stored with the canvas version it analysed."""

    id: int
    canvas_id: str
    version: int
    archetype: str
    report: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class FeedbackRecord:
    """A thumbs up (1) or down (-1) with what was rated: question, answer, plan, citations."""

    id: int
    user_id: str
    target: str
    target_id: str
    rating: int
    comment: str
    question: str
    answer: str
    plan: dict[str, Any] | None
    citations: list[dict[str, Any]] = field(default_factory=list)
    backend: str = ""
    created_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "user_id": self.user_id, "target": self.target,
            "target_id": self.target_id, "rating": self.rating,
            "thumbs": "up" if self.rating > 0 else "down", "comment": self.comment,
            "question": self.question, "answer": self.answer, "plan": self.plan,
            "citations": self.citations, "backend": self.backend,
            "created_at": self.created_at.isoformat() if self.created_at else None,
        }
