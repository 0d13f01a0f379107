"""Ingest against real Chroma and the real packaged model: idempotence, staleness, failure."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot import Advisor
from bot.errors import AdvisorError, IngestError
from bot.index.store import Store
from bot.settings import Settings
from ingest.pipeline import ingest

from .conftest import CORPUS


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    _write(
        folder,
        "pumps.md",
        "# Pumps\n\n## Pricing\n\nPumping-as-a-service billed per cubic metre.\n",
    )
    _write(
        folder, "gears.md", "# Gears\n\n## Materials\n\nHardened steel gears last for decades.\n"
    )
    return folder


def test_reingest_of_unchanged_corpus_embeds_nothing(embedder):
    settings = Settings()
    first = ingest(settings, [CORPUS], embedder=embedder, show_progress=False)
    assert first.embedded == first.chunks > 60
    second = ingest(settings, [CORPUS], embedder=embedder, show_progress=False)
    assert second.unchanged and second.embedded == 0
    assert second.chunks == first.chunks
    assert Store(settings).read_state().generation == first.generation


def test_changed_file_reembeds_only_new_chunks_and_drops_stale(docs, embedder):
    settings = Settings()
    ingest(settings, [docs], embedder=embedder, show_progress=False)
    _write(docs, "pumps.md", "# Pumps\n\n## Pricing\n\nPumps are leased per month.\n")
    report = ingest(settings, [docs], embedder=embedder, show_progress=False)
    assert report.embedded == 1 and report.removed == 1
    texts = [c.text for c in Advisor(settings, embedder=embedder).retriever.chunks()]
    assert any("leased per month" in t for t in texts)
    assert not any("cubic metre" in t for t in texts)
    assert any("Hardened steel" in t for t in texts)


def test_removed_file_chunks_are_deleted(docs, embedder):
    settings = Settings()
    ingest(settings, [docs], embedder=embedder, show_progress=False)
    (docs / "gears.md").unlink()
    report = ingest(settings, [docs], embedder=embedder, show_progress=False)
    assert report.removed == 1
    state = Store(settings).read_state()
    assert all("gears" not in source for source in state.sources)
    hits = Advisor(settings, embedder=embedder).retrieve("hardened steel gears", 5)
    assert all("Hardened" not in h.chunk.text for h in hits)


class _FailingEmbedder:
    """Embeds the first batch, then fails like a crash half-way through."""

    def __init__(self, real):
        self.real, self.model_path, self.calls = real, real.model_path, 0

    def embed(self, texts):
        self.calls += 1
        if self.calls > 1:
            raise RuntimeError("simulated failure while embedding")
        return self.real.embed(texts)


def test_failed_ingest_leaves_the_previous_index_working(docs, embedder, tmp_path):
    settings = Settings()
    ingest(settings, [docs], embedder=embedder, show_progress=False)
    before = Store(settings).read_state()
    big = _write(
        tmp_path / "big",
        "many.md",
        "".join(
            f"# Part {i}\n\nParagraph {i} about remanufacturing loops.\n\n" for i in range(200)
        ),
    )
    with pytest.raises(RuntimeError):
        ingest(settings, [big], embedder=_FailingEmbedder(embedder), show_progress=False)
    store = Store(settings)
    assert store.read_state() == before
    assert store.generations() == [before.collection]
    hits = Advisor(settings, embedder=embedder).retrieve("pumping as a service pricing", 3)
    assert "cubic metre" in hits[0].chunk.text


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(IngestError, match="no such file or folder"):
        ingest(Settings(), [tmp_path / "nope"], show_progress=False)


def test_unsupported_and_binary_files_are_refused(tmp_path):
    bad = _write(tmp_path, "notes.xyz", "hello")
    with pytest.raises(IngestError, match="no file could be indexed"):
        ingest(Settings(), [bad], show_progress=False)
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary\x00")
    with pytest.raises(IngestError):
        ingest(Settings(), [binary], show_progress=False)
    assert Store(Settings()).read_state() is None


def test_mixed_folder_indexes_good_files_and_reports_bad(docs, embedder):
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    (docs / "image.png").write_bytes(np.arange(64, dtype=np.uint8).tobytes())
    report = ingest(Settings(), [docs], embedder=embedder, show_progress=False)
    assert report.files == 2 and report.partial
    assert {Path(s).name for s, _ in report.failed} == {"broken.pdf", "image.png"}


def test_bad_file_keeps_what_was_indexed_from_it(docs, embedder):
    settings = Settings()
    ingest(settings, [docs], embedder=embedder, show_progress=False)
    (docs / "gears.md").write_bytes(b"\x00\x00 not text any more")
    report = ingest(settings, [docs], embedder=embedder, show_progress=False)
    assert report.partial
    texts = [c.text for c in Advisor(settings, embedder=embedder).retriever.chunks()]
    assert any("Hardened steel" in t for t in texts)


def test_retrieve_without_index_says_to_ingest(embedder):
    with pytest.raises(AdvisorError, match="advisor ingest"):
        Advisor(Settings(), embedder=embedder).retrieve("anything")


def test_copied_index_directory_still_works(corpus_settings, embedder, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(corpus_settings.data_dir, copy)
    hits = Advisor(Settings(data_dir=copy), embedder=embedder).retrieve("circular revenue", 3)
    assert hits and hits[0].chunk.section.startswith("New Business Models")
