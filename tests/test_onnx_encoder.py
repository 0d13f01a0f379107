"""The ONNX Runtime encoder: same vectors and same gold-set rankings as sentence-transformers,
without torch on the query path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.errors import AdvisorError
from bot.index.embedding import Embedder, KnownVectors, RecordingEmbedder
from bot.index.onnx_export import onnx_path
from bot.index.retrieval import Retriever
from bot.index.st_encoder import TorchEmbedder
from bot.index.store import Store
from bot.settings import Settings
from evals.gold import load_gold
from ingest.pipeline import ingest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def torch_embedder():
    return TorchEmbedder(Settings().model_path())


def test_vectors_match_sentence_transformers(embedder, torch_embedder, advisor):
    texts = [c.text for c in advisor.retriever.chunks()]
    texts += [q.question for q in load_gold()][:40]
    texts += ["", "x", "word " * 600]  # empty, tiny, and longer than the 256-token limit
    new, old = embedder.embed(texts), torch_embedder.embed(texts)
    assert new.shape == old.shape == (len(texts), 384)
    assert float(np.abs(new - old).max()) < 1e-4
    assert np.allclose(np.linalg.norm(new, axis=1), 1.0, atol=1e-5)
    # One text alone (the one-thread session) equals the same text in a padded batch.
    assert float(np.abs(embedder.embed_one(texts[5]) - new[5]).max()) < 1e-5


def test_gold_rankings_equal_the_sentence_transformers_path(
    corpus_settings, embedder, torch_embedder, tmp_path
):
    """The old path (index and queries through torch) ranks every gold question the same."""
    old_settings = Settings(data_dir=tmp_path / "old")
    ingest(old_settings, [ROOT / "corpus"], embedder=torch_embedder, show_progress=False)
    old = Retriever(old_settings, Store(old_settings), torch_embedder)  # type: ignore[arg-type]
    new = Retriever(corpus_settings, Store(corpus_settings), embedder)
    questions = [q.question for q in load_gold()]
    assert len(questions) > 100
    differ = [
        q for q in questions
        if [h.chunk.id for h in old.retrieve(q, 5)] != [h.chunk.id for h in new.retrieve(q, 5)]
    ]
    assert not differ, differ[:3]


def test_query_path_does_not_import_torch(corpus_settings):
    code = (
        "import sys, json\n"
        "from bot import Advisor\n"
        "a = Advisor.from_settings()\n"
        "hits = a.retrieve('What revenue streams suit servitisation?', 3)\n"
        "a.ask('What revenue streams suit servitisation?')\n"
        "heavy = [m for m in ('torch', 'transformers', 'sentence_transformers') "
        "if m in sys.modules]\n"
        "print(json.dumps({'heavy': heavy, 'hits': len(hits)}))\n"
    )
    env = {"ADVISOR_DATA_DIR": str(corpus_settings.data_dir), "PATH": "/usr/bin:/bin",
           "HOME": str(Path.home()), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"heavy": [], "hits": 3}
    assert proc.stderr == ""


def _fresh_process(code: str, data_dir: Path, home: Path, *args: str):
    env = {"ADVISOR_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin", "HOME": str(home),
           "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=300)


def test_first_ingest_exports_once_and_later_processes_need_no_torch(tmp_path):
    """As on a fresh machine: no exported model anywhere until the first `advisor ingest`."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# Pumps\n\nPumping as a service, billed per cubic metre.\n")
    data_dir, first_home, other_home = tmp_path / "d", tmp_path / "home1", tmp_path / "home2"
    first_home.mkdir()
    other_home.mkdir()
    ingest_code = "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"
    proc = _fresh_process(ingest_code, data_dir, first_home, "ingest", str(docs))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    model = Settings().model_path()
    assert onnx_path(model, data_dir).is_file()  # the data directory holds what it needs
    assert onnx_path(model, None).name == onnx_path(model, data_dir).name
    assert (first_home / ".cache" / "mbm-advisor" / "models").is_dir()  # shared for the web app
    check = (
        "import sys, json\n"
        "from bot import Advisor\n"
        "hits = Advisor.from_settings().retrieve('price per cubic metre', 1)\n"
        "print(json.dumps([m for m in ('torch', 'transformers') if m in sys.modules]))\n"
    )
    proc = _fresh_process(check, data_dir, other_home)  # another user: only the data dir
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [] and proc.stderr == ""
    assert not (other_home / ".cache").exists()  # nothing written: no export, no telemetry id
    assert not (first_home / ".cache" / "Microsoft").exists()


def test_a_damaged_export_is_a_one_line_error(tmp_path):
    model = Settings().model_path()
    target = onnx_path(model, tmp_path)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not an onnx file")
    with pytest.raises(AdvisorError, match="delete it"):
        Embedder(model, tmp_path)


def test_known_vectors_answer_from_the_table_and_embed_the_rest(embedder):
    recorder = RecordingEmbedder(embedder)
    first = recorder.embed(["alpha pumps", "beta service"])
    assert set(recorder.recorded) == {"alpha pumps", "beta service"}
    fake = np.full(384, 0.5, dtype=np.float32)
    known = KnownVectors(embedder, {"alpha pumps": fake})
    got = known.embed(["alpha pumps", "beta service", "alpha pumps"])
    assert np.array_equal(got[0], fake) and np.array_equal(got[2], fake)
    assert np.allclose(got[1], first[1], atol=1e-6)
    assert known.embed([]).shape == (0, 384)


def test_unsupported_pooling_is_a_one_line_error(tmp_path):
    model = Path(Settings().model_path())
    copy = tmp_path / "max-pooled"
    for file in model.rglob("*"):
        if file.is_file():
            (copy / file.relative_to(model)).parent.mkdir(parents=True, exist_ok=True)
            (copy / file.relative_to(model)).symlink_to(file)
    pooling = copy / "1_Pooling" / "config.json"
    pooling.unlink()
    pooling.write_text(json.dumps({"word_embedding_dimension": 384,
                                   "pooling_mode_max_tokens": True}), encoding="utf-8")
    with pytest.raises(AdvisorError, match="only mean and CLS pooling"):
        Embedder(str(copy), tmp_path / "cache")
    assert not (tmp_path / "cache").exists()  # refused before any export
