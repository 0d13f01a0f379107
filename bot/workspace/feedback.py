"""Feedback on answers and canvases: thumbs up/down with a comment, stored with what was rated;
export as JSON lines or CSV, and thumbs-down answers as candidate eval questions."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import AdvisorError
from bot.workspace.codec import answer_from_json, canvas_from_json
from bot.workspace.db import SqlStore
from bot.workspace.models import CanvasVersionRow, FeedbackRow, TurnRow, utcnow
from bot.workspace.records import FeedbackRecord, SavedTurn

EXPORT_FORMATS = ("jsonl", "csv")
CSV_COLUMNS = ("id", "user_id", "target", "target_id", "thumbs", "comment", "question",
               "answer", "plan", "citations", "backend", "created_at")


def turn_record(row: TurnRow) -> SavedTurn:
    """A stored turn row as a SavedTurn (its answer decoded)."""
    return SavedTurn(id=row.id, conversation_id=row.conversation_id, position=row.position,
                     question=row.question, answer=answer_from_json(json.loads(row.answer_json)),
                     backend=row.backend, created_at=row.created_at)


def feedback_record(row: FeedbackRow) -> FeedbackRecord:
    return FeedbackRecord(
        id=row.id, user_id=row.user_id, target=row.target, target_id=row.target_id,
        rating=row.rating, comment=row.comment, question=row.question, answer=row.answer,
        plan=json.loads(row.plan_json), citations=json.loads(row.citations_json),
        backend=row.backend, created_at=row.updated_at,
    )


class FeedbackStore(SqlStore):
    """Feedback rows of the workspace database."""

    def _rate(self, user: str, target: str, target_id: str, rating: int, comment: str,
              fields: dict[str, Any]) -> FeedbackRecord:
        if rating not in (1, -1):
            raise AdvisorError("feedback is thumbs up (1) or thumbs down (-1)")
        comment = str(comment or "").strip()[:4000]

        def work(session: Session) -> FeedbackRecord:
            row = session.scalar(select(FeedbackRow).where(
                FeedbackRow.user_id == user, FeedbackRow.target == target,
                FeedbackRow.target_id == target_id).with_for_update())
            now = utcnow()
            if row is None:
                row = FeedbackRow(user_id=user, target=target, target_id=target_id,
                                  created_at=now, **fields)
                session.add(row)
            row.rating, row.comment, row.updated_at = rating, comment, now
            session.flush()
            return feedback_record(row)

        return self._write(work)

    def rate_answer(self, user: str, turn_id: int, rating: int, comment: str = ""
                    ) -> FeedbackRecord:
        """Thumbs up/down (and a comment) on a saved answer; rating again replaces it."""
        def find(session: Session) -> TurnRow:
            row = session.scalar(select(TurnRow).where(TurnRow.id == turn_id,
                                                       TurnRow.user_id == user))
            if row is None:
                raise AdvisorError(f"no saved answer {turn_id} in this workspace")
            return row

        turn = turn_record(self._read(find))
        answer = turn.answer
        fields = {
            "question": answer.question, "answer": answer.text, "backend": turn.backend,
            "plan_json": json.dumps(None if answer.plan is None else answer.plan.to_json()),
            "citations_json": json.dumps([c.to_json() for c in answer.citations],
                                         ensure_ascii=False),
        }
        return self._rate(user, "answer", str(turn_id), rating, comment, fields)

    def rate_canvas(self, user: str, canvas_id: str, number: int, rating: int,
                    comment: str = "") -> FeedbackRecord:
        """Thumbs up/down (and a comment) on one version of a saved canvas."""
        def find(session: Session) -> CanvasVersionRow:
            row = session.scalar(select(CanvasVersionRow).where(
                CanvasVersionRow.canvas_id == canvas_id, CanvasVersionRow.number == number,
                CanvasVersionRow.user_id == user))
            if row is None:
                raise AdvisorError(f"no version {number} of canvas {canvas_id!r} in this workspace")
            return row

        canvas = canvas_from_json(json.loads(self._read(find).canvas_json))
        cites = {c.n: c for b in canvas.blocks for x in b.bullets for c in x.citations}
        fields = {
            "question": canvas.brief, "backend": canvas.mode,
            "answer": json.dumps(canvas.to_json()["blocks"], ensure_ascii=False),
            "plan_json": json.dumps({"kind": "canvas", "version": number,
                                     "archetypes": canvas.to_json()["archetypes"]}),
            "citations_json": json.dumps([cites[n].to_json() for n in sorted(cites)],
                                         ensure_ascii=False),
        }
        return self._rate(user, "canvas", f"{canvas_id}:{number}", rating, comment, fields)

    def feedback_for(self, user: str, target: str, target_id: str) -> FeedbackRecord | None:
        """The user's feedback on one answer (turn id) or canvas version ("id:n"), if any."""
        def work(session: Session) -> FeedbackRecord | None:
            row = session.scalar(select(FeedbackRow).where(
                FeedbackRow.user_id == user, FeedbackRow.target == target,
                FeedbackRow.target_id == str(target_id)))
            return None if row is None else feedback_record(row)

        return self._read(work)

    def feedback(self, user: str | None = None, rating: int | None = None
                 ) -> list[FeedbackRecord]:
        """Stored feedback, oldest first: one user's (or everyone's when user is None)."""
        def work(session: Session) -> list[FeedbackRecord]:
            query = select(FeedbackRow).order_by(FeedbackRow.id)
            if user is not None:
                query = query.where(FeedbackRow.user_id == user)
            if rating is not None:
                query = query.where(FeedbackRow.rating == rating)
            return [feedback_record(r) for r in session.scalars(query)]

        return self._read(work)



def export_feedback(records: list[FeedbackRecord], fmt: str = "jsonl") -> str:
    """Feedback as JSON lines (one object per record) or CSV (plan and citations as JSON)."""
    if fmt not in EXPORT_FORMATS:
        raise AdvisorError(f"unknown feedback format {fmt!r}: use jsonl or csv")
    if fmt == "jsonl":
        return "".join(json.dumps(r.to_json(), ensure_ascii=False) + "\n" for r in records)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        row: dict[str, Any] = record.to_json()
        row["plan"] = json.dumps(row["plan"], ensure_ascii=False)
        row["citations"] = json.dumps(row["citations"], ensure_ascii=False)
        writer.writerow({k: row[k] for k in CSV_COLUMNS})
    return out.getvalue()


def eval_candidates(records: list[FeedbackRecord]) -> list[dict[str, Any]]:
    """Thumbs-down answers as candidate eval questions (one per distinct question), to review
    before they join evals/: the question, what the user said, and what the advisor answered."""
    seen: set[str] = set()
    out: list[dict[str, Any]] = []
    for r in records:
        key = " ".join(r.question.lower().split())
        if r.target != "answer" or r.rating >= 0 or not key or key in seen:
            continue
        seen.add(key)
        plan = r.plan or {}
        out.append({
            "question": r.question,
            "kind": plan.get("kind") or "unknown",
            "status": "candidate",
            "source": f"feedback:{r.id}",
            "comment": r.comment,
            "answer_given": r.answer,
            "cited_sections": sorted({str(c.get("section", "")) for c in r.citations}),
        })
    return out
