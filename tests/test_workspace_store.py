"""The workspace database, run the same on SQLite (WAL) and on a real PostgreSQL server."""

from __future__ import annotations

import csv
import io
import json
import threading
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import create_engine, text

from bot.errors import AdvisorError
from bot.types import Answer, Bullet, Citation, Company, Plan
from bot.workspace.db import alembic_config
from bot.workspace.feedback import eval_candidates, export_feedback
from bot.workspace.repository import Workspace
from tests.pg_server import postgres_server

QUESTION = "What revenue streams suit a servitised business model?"
BRIEF = "We make industrial pumps and want to sell pumping as a service with remote monitoring."


@pytest.fixture(scope="module")
def pg_url():
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    """A fresh, empty workspace database URL of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'workspace.db'}"
    server = request.getfixturevalue("pg_url")
    name = f"ws_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def ws(url):
    workspace = Workspace(url)
    yield workspace
    workspace.close()


def test_migrations_build_exactly_the_models_schema(ws):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.workspace.models import Base

    with ws.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert diff == []
    assert head == "v0001"
    if ws.engine.dialect.name == "sqlite":
        with ws.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert alembic_config(ws.engine).get_main_option("script_location").endswith("migrations")


def test_conversations_are_saved_titled_listed_searched_renamed_deleted(ws, url, advisor):
    first = advisor.ask(QUESTION)
    assert first.citations
    turn = ws.add_turn("local", None, first, "evidence")
    cid = turn.conversation_id
    follow = advisor.ask("And which key partners does it need?",
                         history=[{"role": "user", "content": QUESTION},
                                  {"role": "assistant", "content": first.text}])
    ws.add_turn("local", cid, follow, "evidence")
    other = ws.add_turn("local", None, advisor.ask("What is a circular business model?"),
                        "llamacpp")
    listed = ws.conversations("local")
    assert [c.id for c in listed] == [other.conversation_id, cid]  # newest first
    assert listed[1].title == QUESTION and listed[1].turn_count == 2
    # A reopened database (as after a server restart) holds the same answers, citations too.
    ws.close()
    again = Workspace(url)
    turns = again.turns("local", cid)
    assert [t.position for t in turns] == [1, 2]
    assert turns[0].answer == first and turns[1].answer == follow
    assert turns[0].answer.citations[0].chunk.text == first.citations[0].chunk.text
    assert again.turns("local", other.conversation_id)[0].backend == "llamacpp"
    # Search looks in titles, questions and answers.
    assert [c.id for c in again.conversations("local", search="key partners")] == [cid]
    assert again.conversations("local", search="no such words anywhere") == []
    again.rename_conversation("local", cid, "  Servitisation   revenue ")
    assert again.conversation("local", cid).title == "Servitisation revenue"
    again.delete_conversation("local", other.conversation_id)
    assert [c.id for c in again.conversations("local")] == [cid]
    again.close()


def test_every_record_belongs_to_its_user(ws, advisor):
    turn = ws.add_turn("alice", None, advisor.ask(QUESTION), "evidence")
    version = ws.save_version("alice", None, advisor.draft_canvas(BRIEF), "draft")
    assert ws.conversations("bob") == [] and ws.canvases("bob") == []
    for attempt in (lambda: ws.turns("bob", turn.conversation_id),
                    lambda: ws.delete_conversation("bob", turn.conversation_id),
                    lambda: ws.rename_conversation("bob", turn.conversation_id, "mine"),
                    lambda: ws.rate_answer("bob", turn.id, 1),
                    lambda: ws.versions("bob", version.canvas_id),
                    lambda: ws.delete_canvas("bob", version.canvas_id)):
        with pytest.raises(AdvisorError, match="in this workspace"):
            attempt()
    assert len(ws.turns("alice", turn.conversation_id)) == 1
    assert len(ws.versions("alice", version.canvas_id)) == 1


def test_bad_input_is_one_clear_error_and_keeps_the_data(ws, advisor):
    turn = ws.add_turn("local", None, advisor.ask(QUESTION), "evidence")
    for title in ("", "   ", "x" * 201):
        with pytest.raises(AdvisorError, match="title"):
            ws.rename_conversation("local", turn.conversation_id, title)
    with pytest.raises(AdvisorError, match="thumbs"):
        ws.rate_answer("local", turn.id, 5)
    with pytest.raises(AdvisorError, match="unknown canvas action"):
        ws.save_version("local", None, advisor.draft_canvas(BRIEF), "shred")
    assert ws.conversations("local")[0].title == QUESTION
    assert ws.feedback() == [] and ws.canvases("local") == []
    with pytest.raises(AdvisorError, match="not a database URL"):
        Workspace("not a url at all")


def test_canvas_versions_restore_and_gap_analyses(ws, advisor):
    draft = advisor.draft_canvas(BRIEF)
    v1 = ws.save_version("local", None, draft, "draft")
    refined = advisor.refine_canvas(draft, "make revenue more subscription-based")
    v2 = ws.save_version("local", v1.canvas_id, refined, "refine",
                         "make revenue more subscription-based")
    block = refined.block("revenue_streams")
    edited_block = replace(block, bullets=(Bullet("Air billed per cubic metre", origin="brief",
                                                  from_report=False), *block.bullets[1:]))
    edited = replace(refined, blocks=tuple(edited_block if b.key == "revenue_streams" else b
                                           for b in refined.blocks))
    v3 = ws.save_version("local", v1.canvas_id, edited, "edit", "Revenue Streams")
    assert [v.number for v in (v1, v2, v3)] == [1, 2, 3]
    listed = ws.versions("local", v1.canvas_id)
    assert [v.action for v in listed] == ["draft", "refine", "edit"]
    assert [v.canvas.to_json() for v in listed] == [c.to_json() for c in (draft, refined, edited)]
    assert listed[2].canvas.block("revenue_streams").bullets[0].origin == "brief"
    restored = ws.restore("local", v1.canvas_id, 1)
    assert restored.number == 4 and restored.action == "restore"
    assert ws.version("local", v1.canvas_id).canvas.to_json() == draft.to_json()
    assert ws.canvases("local")[0].latest == 4
    gaps = advisor.gap_analysis(edited)
    saved = ws.save_gap_analysis("local", v1.canvas_id, 3, gaps.to_json())
    (back,) = ws.gap_analyses("local", v1.canvas_id)
    assert back.version == 3 and back.report == gaps.to_json() and back.id == saved.id
    with pytest.raises(AdvisorError, match="no version 9"):
        ws.save_gap_analysis("local", v1.canvas_id, 9, gaps.to_json())
    ws.delete_canvas("local", v1.canvas_id)
    assert ws.canvases("local") == []


def test_feedback_is_stored_with_what_was_rated_and_exports(ws, advisor):
    company = Company(description="a pump maker in Bavaria", places=("Bavaria",))
    plan = Plan(kind="advise", question=QUESTION, models=("servitised",), company=company)
    answer = replace(advisor.ask(QUESTION), plan=plan)
    turn = ws.add_turn("local", None, answer, "evidence")
    assert ws.turns("local", turn.conversation_id)[0].answer.plan == plan
    ws.rate_answer("local", turn.id, 1)
    record = ws.rate_answer("local", turn.id, -1, "It did not mention leasing.")
    assert len(ws.feedback()) == 1  # rating again replaces
    assert record.rating == -1 and record.comment == "It did not mention leasing."
    assert record.question == QUESTION and record.answer == answer.text
    assert record.plan == plan.to_json()
    assert record.citations == [c.to_json() for c in answer.citations]
    version = ws.save_version("local", None, advisor.draft_canvas(BRIEF), "draft")
    ws.rate_canvas("local", version.canvas_id, 1, 1, "useful")
    assert ws.feedback_for("local", "canvas", f"{version.canvas_id}:1").rating == 1
    lines = export_feedback(ws.feedback(), "jsonl").splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["thumbs"] for r in rows] == ["down", "up"]
    assert rows[1]["question"] == BRIEF and rows[1]["citations"]
    table = list(csv.DictReader(io.StringIO(export_feedback(ws.feedback(), "csv"))))
    assert table[0]["comment"] == "It did not mention leasing."
    assert json.loads(table[0]["plan"])["kind"] == "advise"
    (candidate,) = eval_candidates(ws.feedback())
    assert candidate["question"] == QUESTION and candidate["kind"] == "advise"
    assert candidate["cited_sections"] == sorted({c.chunk.section for c in answer.citations})


def test_two_writers_at_once_lose_no_write(url, advisor):
    answer = advisor.ask(QUESTION)
    canvas = advisor.draft_canvas(BRIEF)
    writers = [Workspace(url), Workspace(url)]  # two engines: separate connections
    cid = writers[0].add_turn("local", None, answer, "evidence").conversation_id
    canvas_id = writers[0].save_version("local", None, canvas, "draft").canvas_id
    errors: list[BaseException] = []
    start = threading.Barrier(len(writers))

    def write(ws: Workspace, tag: int) -> None:
        try:
            start.wait()
            for i in range(20):
                q = replace(answer, question=f"writer {tag} question {i}")
                ws.add_turn("local", cid, q, "evidence")
                ws.save_version("local", canvas_id, canvas, "refine", f"writer {tag} #{i}")
                if i % 5 == 0:
                    ws.rename_conversation("local", cid, f"renamed by {tag}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w, n)) for n, w in enumerate(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    turns = writers[1].turns("local", cid)
    assert [t.position for t in turns] == list(range(1, 42))
    asked = {t.question for t in turns}
    assert all(f"writer {w} question {i}" in asked for w in (0, 1) for i in range(20))
    versions = writers[1].versions("local", canvas_id)
    assert [v.number for v in versions] == list(range(1, 42))
    assert len({v.detail for v in versions}) == 41
    for w in writers:
        w.close()


def test_a_stored_citation_round_trips_exactly(ws, advisor):
    hit = advisor.retrieve(QUESTION, 1)[0]
    answer = Answer(question=QUESTION, text="Pay-per-use [1]",
                    citations=(Citation(1, hit.chunk),), mode="evidence")
    turn = ws.add_turn("local", None, answer, "evidence")
    assert ws.turns("local", turn.conversation_id)[0].answer == answer
