"""Private document spaces: uploads are their owner's alone; only admins change the shared index.

Everything runs on a copy of the real report index (real Chroma, the packaged MiniLM model), as
the `advisor` command in fresh processes where a user would use it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot import Advisor
from bot.errors import AdvisorError
from bot.index.store import Store
from bot.settings import Settings
from tests.conftest import run_cli

pytestmark = pytest.mark.team

ALICE_DOC = """# Alice's plant notes

## Heat pump retrofit

Our Kestrel line retrofits industrial heat pumps for dairy plants; the quarterly Kestrel
retrofit review found that compressor vibration drops by a third after the retrofit.
"""
BOB_DOC = """# Bob's foundry log

## Sand casting scrap

The Osprey foundry cut sand casting scrap from nine to four percent by drying moulds overnight.
"""
ALICE_Q = "What did the Kestrel retrofit review find about compressor vibration in heat pumps?"
BOB_Q = "How did the Osprey foundry cut sand casting scrap?"


@pytest.fixture()
def index(corpus_settings, tmp_path: Path) -> Settings:
    """A private copy of the report index (so this test may write to it)."""
    data_dir = tmp_path / "idx" / ".advisor"
    shutil.copytree(corpus_settings.data_dir, data_dir)
    return Settings(data_dir=data_dir, admins=["boss@example.org"])


def _sources(result: dict) -> set[str]:
    key = "citations" if "citations" in result else "hits"
    return {Path(item["source"]).name for item in result[key]}


def test_cli_a_document_ingested_for_alice_is_cited_for_alice_only(index, tmp_path):
    doc = tmp_path / "alice-notes.md"
    doc.write_text(ALICE_DOC, encoding="utf-8")
    shared_before = (index.data_dir / "state.json").read_bytes()
    done = run_cli("ingest", "--user", "alice", str(doc), data_dir=index.data_dir)
    assert done.returncode == 0, done.stderr
    assert "private space of alice" in done.stdout
    assert (index.data_dir / "state.json").read_bytes() == shared_before  # shared untouched

    alice = run_cli("ask", "--user", "alice", ALICE_Q, "--json", data_dir=index.data_dir)
    assert alice.returncode == 0, alice.stderr
    answer = json.loads(alice.stdout)
    assert not answer["refused"] and "alice-notes.md" in _sources(answer)
    assert "a third" in answer["answer"]

    bob = run_cli("ask", "--user", "bob", ALICE_Q, "--json", data_dir=index.data_dir)
    assert bob.returncode == 0, bob.stderr
    got = json.loads(bob.stdout)
    assert "alice-notes.md" not in _sources(got) and "a third" not in got["answer"]
    for who in (["--user", "bob"], []):
        hits = run_cli("retrieve", *who, "Kestrel retrofit compressor vibration", "-k", "30",
                       "--json", data_dir=index.data_dir)
        assert hits.returncode == 0, hits.stderr
        found = json.loads(hits.stdout)
        assert len(found["hits"]) == 30 and "alice-notes.md" not in _sources(found)


def test_user_names_are_checked_and_never_a_path(index, embedder, tmp_path):
    for bad in ("", "two words", "tab\there", "x" * 300):
        with pytest.raises(AdvisorError, match="invalid user"):
            Advisor(index, embedder=embedder, user=bad)
    done = run_cli("retrieve", "--user", "two words", "scrap", data_dir=index.data_dir)
    assert done.returncode == 1 and "invalid user" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    nopath = run_cli("ingest", "--user", "bob", data_dir=index.data_dir)
    assert nopath.returncode == 1 and "--user NAME needs the files" in nopath.stderr

    doc = tmp_path / "n.md"
    doc.write_text(BOB_DOC, encoding="utf-8")
    base = Advisor(index, embedder=embedder)
    base.for_user("../../escape").ingest([doc], show_progress=False)
    made = [p for p in index.data_dir.parent.rglob("*") if "escape" in p.name]
    assert made and all(index.data_dir / "users" in p.parents for p in made), made
    same = base.for_user("  ../../ESCAPE ")  # names ignore case and surrounding spaces
    assert Path(same.retrieve(BOB_Q)[0].chunk.source).name == "n.md"


def test_two_users_see_only_their_own_documents(index, embedder):
    base = Advisor(index, embedder=embedder)
    alice, bob = base.for_user("alice@example.org"), base.for_user("bob@example.org")
    shared_state = base.store.read_state()  # type: ignore[union-attr]
    alice.upload([("kestrel.md", ALICE_DOC.encode())])
    bob.upload([("osprey.md", BOB_DOC.encode())])
    assert base.store.read_state() == shared_state  # type: ignore[union-attr]
    assert base.for_user("Alice@Example.org") is alice

    assert list(alice.documents()) != list(bob.documents())
    assert [Path(s).name for s in alice.documents()] == ["kestrel.md"]
    assert [Path(s).name for s in bob.documents()] == ["osprey.md"]
    for me, mine, theirs, question in ((alice, "kestrel.md", "osprey.md", ALICE_Q),
                                       (bob, "osprey.md", "kestrel.md", BOB_Q)):
        answer = me.ask(question)
        cited = {Path(c.chunk.source).name for c in answer.citations}
        assert mine in cited and theirs not in cited
        every = {Path(c.source).name for c in me.retriever.chunks()}
        assert mine in every and theirs not in every
        assert me.retriever.chunk_count == shared_state.chunk_count + 1
    assert not {Path(c.source).name for c in base.retriever.chunks()} & {"kestrel.md",
                                                                         "osprey.md"}

    # Deleting a private document removes its chunks (and the saved file); bob keeps his.
    (source,) = alice.documents()
    report = alice.remove([source])
    assert report.removed == 1 and alice.documents() == {}
    assert not Path(source).exists()
    assert "kestrel.md" not in {Path(h.chunk.source).name for h in alice.retrieve(ALICE_Q, 30)}
    assert "osprey.md" in {Path(h.chunk.source).name for h in bob.retrieve(BOB_Q)}
    assert not Store(index, user="alice@example.org").generations()
    with pytest.raises(AdvisorError, match="no document"):
        alice.remove([source])
    assert base.store.read_state() == shared_state  # type: ignore[union-attr]


def test_only_admins_add_to_or_remove_from_the_shared_index(index, embedder, tmp_path):
    doc = tmp_path / "policy.md"
    doc.write_text(BOB_DOC.replace("Osprey", "Harrier"), encoding="utf-8")
    base = Advisor(index, embedder=embedder)
    carol, boss = base.for_user("carol@example.org"), base.for_user("Boss@Example.org")
    assert boss.is_admin and not carol.is_admin
    before = base.store.read_state()  # type: ignore[union-attr]
    for attempt in (lambda: carol.ingest([doc], shared=True, show_progress=False),
                    lambda: carol.upload([("policy.md", doc.read_bytes())], shared=True),
                    lambda: carol.remove(list(before.sources), shared=True)):
        with pytest.raises(AdvisorError, match="only admins"):
            attempt()
    assert base.store.read_state() == before  # type: ignore[union-attr]
    assert not (index.data_dir / "uploads").exists()

    boss.upload([("policy.md", doc.read_bytes())], shared=True)
    shared = base.documents(shared=True)
    assert any(Path(s).name == "policy.md" for s in shared) and boss.documents() == {}
    hits = carol.retrieve("Harrier foundry sand casting scrap")
    assert Path(hits[0].chunk.source).name == "policy.md"  # shared: everyone sees it
    added = next(s for s in shared if Path(s).name == "policy.md")
    boss.remove([added], shared=True)
    assert base.documents(shared=True) == {s: n for s, n in shared.items() if s != added}


def test_phrases_of_private_documents_stay_in_the_private_space(index, embedder):
    from bot.index.retrieval import generation_folder
    from bot.index.vector_table import load_vectors

    base = Advisor(index, embedder=embedder)
    alice = base.for_user("alice@example.org")
    alice.upload([("kestrel.md", ALICE_DOC.encode())])
    answer = alice.ask("Does the report say anything about edge computing for the Kestrel "
                       "retrofit review?")
    assert "edge computing" in answer.not_in_report
    shared = load_vectors(generation_folder(base.store), embedder.model_path)
    private_folder = generation_folder(alice.store)
    assert private_folder is not None and private_folder != generation_folder(base.store)
    private = load_vectors(private_folder, embedder.model_path)
    assert "kestrel line retrofits" in private
    assert not any("kestrel" in text for text in shared)
