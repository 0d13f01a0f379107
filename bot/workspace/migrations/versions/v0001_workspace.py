"""The workspace: conversations and turns, canvases and versions, gap analyses, feedback.

Revision ID: v0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "v0001"
down_revision = None
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [sa.Column("created_at", sa.DateTime(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(200), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        *_stamps(),
        sa.Column("updated_at", sa.DateTime(), nullable=False, index=True),
    )
    op.create_table(
        "turns",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("conversation_id", sa.String(32),
                  sa.ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer_json", sa.Text(), nullable=False),
        sa.Column("backend", sa.String(100), nullable=False),
        *_stamps(),
        sa.UniqueConstraint("conversation_id", "position"),
    )
    op.create_table(
        "canvases",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(200), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        *_stamps(),
        sa.Column("updated_at", sa.DateTime(), nullable=False, index=True),
    )
    op.create_table(
        "canvas_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("canvas_id", sa.String(32), sa.ForeignKey("canvases.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("canvas_json", sa.Text(), nullable=False),
        *_stamps(),
        sa.UniqueConstraint("canvas_id", "number"),
    )
    op.create_table(
        "gap_analyses",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("canvas_id", sa.String(32), sa.ForeignKey("canvases.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("archetype", sa.String(60), nullable=False),
        sa.Column("report_json", sa.Text(), nullable=False),
        *_stamps(),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(200), nullable=False),
        sa.Column("target", sa.String(20), nullable=False),
        sa.Column("target_id", sa.String(80), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("plan_json", sa.Text(), nullable=False),
        sa.Column("citations_json", sa.Text(), nullable=False),
        sa.Column("backend", sa.String(100), nullable=False),
        *_stamps(),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_feedback_user_target", "feedback", ["user_id", "target", "target_id"])


def downgrade() -> None:
    op.drop_index("ix_feedback_user_target", table_name="feedback")
    for table in ("feedback", "gap_analyses", "canvas_versions", "canvases", "turns",
                  "conversations"):
        op.drop_table(table)
