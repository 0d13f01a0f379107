"""The workspace API: conversations, canvas versions, gap analyses and feedback, per user id.

Every read and write is scoped by user id; another user's record is "not found". Appends
(a turn, a canvas version) lock their parent row first and retry on a unique-key clash, so
two writers at once never lose a write, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from bot.errors import AdvisorError
from bot.types import Answer, Canvas
from bot.workspace.codec import canvas_from_json
from bot.workspace.feedback import FeedbackStore, turn_record
from bot.workspace.models import (
    CanvasRow,
    CanvasVersionRow,
    Conversation,
    GapAnalysisRow,
    TurnRow,
    utcnow,
)
from bot.workspace.records import (
    CanvasInfo,
    CanvasVersion,
    ConversationInfo,
    SavedGapAnalysis,
    SavedTurn,
)

TITLE_CHARS = 80
MAX_TITLE = 200
CANVAS_ACTIONS = ("draft", "refine", "edit", "redraft", "restore", "import")


def _title(text: str, fallback: str) -> str:
    line = " ".join(text.split())
    if len(line) > TITLE_CHARS:
        line = line[: TITLE_CHARS - 1].rstrip() + "…"
    return line or fallback


def _clean_title(title: str) -> str:
    title = " ".join(str(title).split())
    if not title:
        raise AdvisorError("a title needs some text")
    if len(title) > MAX_TITLE:
        raise AdvisorError(f"a title can be at most {MAX_TITLE} characters")
    return title


def _version(row: CanvasVersionRow) -> CanvasVersion:
    return CanvasVersion(canvas_id=row.canvas_id, number=row.number, action=row.action,
                         detail=row.detail, canvas=canvas_from_json(json.loads(row.canvas_json)),
                         created_at=row.created_at)


class Workspace(FeedbackStore):
    """Saved conversations, canvases and feedback in one database (SQLite or PostgreSQL)."""

    # Conversations ---------------------------------------------------------------------------

    def _conversation(self, session: Session, user: str, cid: str, lock: bool = False
                      ) -> Conversation:
        query = select(Conversation).where(Conversation.id == cid, Conversation.user_id == user)
        row = session.scalar(query.with_for_update() if lock else query)
        if row is None:
            raise AdvisorError(f"no conversation {cid!r} in this workspace")
        return row

    def create_conversation(self, user: str, title: str = "") -> str:
        """A new, empty conversation; its id."""
        cid = uuid.uuid4().hex
        now = utcnow()

        def work(session: Session) -> str:
            session.add(Conversation(id=cid, user_id=user, title=_title(title, "New chat"),
                                     created_at=now, updated_at=now))
            return cid

        return self._write(work)

    def conversations(self, user: str, search: str = "", limit: int = 200
                      ) -> list[ConversationInfo]:
        """The user's conversations, newest first; search matches titles, questions, answers."""
        def work(session: Session) -> list[ConversationInfo]:
            count = (select(func.count(TurnRow.id))
                     .where(TurnRow.conversation_id == Conversation.id)
                     .correlate(Conversation).scalar_subquery())
            query = select(Conversation, count).where(Conversation.user_id == user)
            needle = " ".join(search.split())
            if needle:
                like = f"%{needle}%"
                hit = select(TurnRow.conversation_id).where(
                    TurnRow.user_id == user,
                    or_(TurnRow.question.ilike(like), TurnRow.answer_json.ilike(like)))
                query = query.where(or_(Conversation.title.ilike(like), Conversation.id.in_(hit)))
            query = query.order_by(Conversation.updated_at.desc(), Conversation.id).limit(limit)
            return [ConversationInfo(c.id, c.title, c.created_at, c.updated_at, int(n or 0))
                    for c, n in session.execute(query)]

        return self._read(work)

    def conversation(self, user: str, cid: str) -> ConversationInfo | None:
        """One conversation of the user, or None."""
        def work(session: Session) -> ConversationInfo | None:
            row = session.scalar(select(Conversation).where(Conversation.id == cid,
                                                            Conversation.user_id == user))
            if row is None:
                return None
            count = session.scalar(select(func.count(TurnRow.id))
                                   .where(TurnRow.conversation_id == cid)) or 0
            return ConversationInfo(row.id, row.title, row.created_at, row.updated_at, count)

        return self._read(work)

    def add_turn(self, user: str, cid: str | None, answer: Answer, backend: str) -> SavedTurn:
        """Save a question and its answer at the end of a conversation (a new one if cid is None).

        The first question titles the conversation."""
        if cid is None:
            cid = self.create_conversation(user, answer.question)
        payload = json.dumps(answer.to_json(), ensure_ascii=False)

        def work(session: Session) -> SavedTurn:
            convo = self._conversation(session, user, cid, lock=True)
            last = session.scalar(select(func.max(TurnRow.position))
                                  .where(TurnRow.conversation_id == cid))
            if last is None and convo.title == "New chat":
                convo.title = _title(answer.question, "New chat")
            convo.updated_at = utcnow()
            row = TurnRow(conversation_id=cid, user_id=user, position=(last or 0) + 1,
                          question=answer.question, answer_json=payload, backend=backend,
                          created_at=utcnow())
            session.add(row)
            session.flush()
            return turn_record(row)

        return self._write(work)

    def turns(self, user: str, cid: str) -> list[SavedTurn]:
        """A conversation's turns, oldest first."""
        def work(session: Session) -> list[SavedTurn]:
            self._conversation(session, user, cid)
            rows = session.scalars(select(TurnRow).where(TurnRow.conversation_id == cid)
                                   .order_by(TurnRow.position))
            return [turn_record(r) for r in rows]

        return self._read(work)

    def rename_conversation(self, user: str, cid: str, title: str) -> None:
        title = _clean_title(title)

        def work(session: Session) -> None:
            self._conversation(session, user, cid, lock=True).title = title

        self._write(work)

    def delete_conversation(self, user: str, cid: str) -> None:
        def work(session: Session) -> None:
            self._conversation(session, user, cid, lock=True)
            session.execute(delete(TurnRow).where(TurnRow.conversation_id == cid))
            session.execute(delete(Conversation).where(Conversation.id == cid))

        self._write(work)

    # Canvases --------------------------------------------------------------------------------

    def _canvas(self, session: Session, user: str, canvas_id: str, lock: bool = False
                ) -> CanvasRow:
        query = select(CanvasRow).where(CanvasRow.id == canvas_id, CanvasRow.user_id == user)
        row = session.scalar(query.with_for_update() if lock else query)
        if row is None:
            raise AdvisorError(f"no canvas {canvas_id!r} in this workspace")
        return row

    def canvases(self, user: str, limit: int = 200) -> list[CanvasInfo]:
        """The user's canvases, most recently changed first."""
        def work(session: Session) -> list[CanvasInfo]:
            latest = (select(func.max(CanvasVersionRow.number))
                      .where(CanvasVersionRow.canvas_id == CanvasRow.id)
                      .correlate(CanvasRow).scalar_subquery())
            query = (select(CanvasRow, latest).where(CanvasRow.user_id == user)
                     .order_by(CanvasRow.updated_at.desc(), CanvasRow.id).limit(limit))
            return [CanvasInfo(c.id, c.title, c.created_at, c.updated_at, int(n or 0))
                    for c, n in session.execute(query)]

        return self._read(work)

    def save_version(self, user: str, canvas_id: str | None, canvas: Canvas, action: str,
                     detail: str = "") -> CanvasVersion:
        """Store a canvas as the next version of canvas_id (a new saved canvas if None)."""
        if action not in CANVAS_ACTIONS:
            raise AdvisorError(f"unknown canvas action {action!r}")
        if not isinstance(canvas, Canvas):
            raise AdvisorError("save_version needs a Canvas")
        payload = json.dumps(canvas.to_json(), ensure_ascii=False)
        if canvas_id is None:
            canvas_id = uuid.uuid4().hex
            now = utcnow()
            title = _title(canvas.brief, "Untitled canvas")
            self._write(lambda s: s.add(CanvasRow(id=canvas_id, user_id=user, title=title,
                                                  created_at=now, updated_at=now)))
        cid = canvas_id

        def work(session: Session) -> CanvasVersion:
            row = self._canvas(session, user, cid, lock=True)
            last = session.scalar(select(func.max(CanvasVersionRow.number))
                                  .where(CanvasVersionRow.canvas_id == cid))
            row.updated_at = utcnow()
            version = CanvasVersionRow(canvas_id=cid, user_id=user, number=(last or 0) + 1,
                                       action=action, detail=" ".join(detail.split())[:500],
                                       canvas_json=payload, created_at=utcnow())
            session.add(version)
            session.flush()
            return _version(version)

        return self._write(work)

    def versions(self, user: str, canvas_id: str) -> list[CanvasVersion]:
        """Every version of a canvas, oldest first."""
        def work(session: Session) -> list[CanvasVersion]:
            self._canvas(session, user, canvas_id)
            rows = session.scalars(select(CanvasVersionRow)
                                   .where(CanvasVersionRow.canvas_id == canvas_id)
                                   .order_by(CanvasVersionRow.number))
            return [_version(r) for r in rows]

        return self._read(work)

    def version(self, user: str, canvas_id: str, number: int | None = None) -> CanvasVersion:
        """One version of a canvas (the newest when number is None)."""
        found = self.versions(user, canvas_id)
        if not found:
            raise AdvisorError(f"canvas {canvas_id!r} has no versions")
        if number is None:
            return found[-1]
        for v in found:
            if v.number == number:
                return v
        raise AdvisorError(f"canvas {canvas_id!r} has no version {number}")

    def restore(self, user: str, canvas_id: str, number: int) -> CanvasVersion:
        """Make an old version the newest one again (as a new version; history is kept)."""
        old = self.version(user, canvas_id, number)
        return self.save_version(user, canvas_id, old.canvas, "restore", f"version {number}")

    def rename_canvas(self, user: str, canvas_id: str, title: str) -> None:
        title = _clean_title(title)

        def work(session: Session) -> None:
            self._canvas(session, user, canvas_id, lock=True).title = title

        self._write(work)

    def delete_canvas(self, user: str, canvas_id: str) -> None:
        def work(session: Session) -> None:
            self._canvas(session, user, canvas_id, lock=True)
            for table in (CanvasVersionRow, GapAnalysisRow):
                session.execute(delete(table).where(table.canvas_id == canvas_id))
            session.execute(delete(CanvasRow).where(CanvasRow.id == canvas_id))

        self._write(work)

    def save_gap_analysis(self, user: str, canvas_id: str, version: int,
                          report: dict[str, Any]) -> SavedGapAnalysis:
        """Store a gap analysis (GapReport.to_json) with the canvas version it analysed."""
        self.version(user, canvas_id, version)
        payload = json.dumps(report, ensure_ascii=False)

        def work(session: Session) -> SavedGapAnalysis:
            row = GapAnalysisRow(canvas_id=canvas_id, user_id=user, version=version,
                                 archetype=str(report.get("archetype") or ""),
                                 report_json=payload, created_at=utcnow())
            session.add(row)
            session.flush()
            return SavedGapAnalysis(row.id, canvas_id, version, row.archetype, report,
                                    row.created_at)

        return self._write(work)

    def gap_analyses(self, user: str, canvas_id: str) -> list[SavedGapAnalysis]:
        """The gap analyses saved with a canvas, newest first."""
        def work(session: Session) -> list[SavedGapAnalysis]:
            self._canvas(session, user, canvas_id)
            rows = session.scalars(select(GapAnalysisRow)
                                   .where(GapAnalysisRow.canvas_id == canvas_id)
                                   .order_by(GapAnalysisRow.id.desc()))
            return [SavedGapAnalysis(r.id, r.canvas_id, r.version, r.archetype,
                                     json.loads(r.report_json), r.created_at) for r in rows]

        return self._read(work)
