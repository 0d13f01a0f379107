"""Vectors computed at ingest and kept with an index generation, looked up by their text.

Ingest embeds the report's canvas items (and the other texts the canvas engine compares briefs
with) once and saves them here, so the first canvas of a process embeds only the brief. The
learnt kind models (bot.answers.learnt) keep their fitted weights in a table of their own.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

import numpy as np

from bot.index.embedding import Embedder, RecordingEmbedder

CANVAS_VECTORS = "canvas_vectors.npz"


def save_vectors(
    folder: Path, model_path: str, table: Mapping[str, np.ndarray], name: str = CANVAS_VECTORS
) -> Path:
    """Write a text -> vector table into a generation's folder (atomically), as file `name`.
    model_path: the model the vectors come from, or another mark of what made them (only its
    last path part is kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    texts = list(table)
    vectors = np.stack([np.asarray(table[t], dtype=np.float32) for t in texts]) if texts else (
        np.zeros((0, 0), dtype=np.float32)
    )
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".vectors.", suffix=".npz")
    os.close(fd)
    try:
        with open(tmp, "wb") as fh:
            np.savez(fh, texts=np.asarray(texts, dtype=str), vectors=vectors,
                     model=np.asarray(Path(model_path).name))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def load_vectors(
    folder: Path, model_path: str, name: str = CANVAS_VECTORS
) -> dict[str, np.ndarray]:
    """The table saved in a generation's folder as file `name`, or {} when missing, damaged or
    made by another model (or mark, see save_vectors)."""
    try:
        with np.load(folder / name, allow_pickle=False) as data:
            if str(data["model"]) != Path(model_path).name:
                return {}
            texts = [str(t) for t in data["texts"]]
            vectors = np.asarray(data["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError):
        return {}
    if len(texts) != len(vectors):
        return {}
    return dict(zip(texts, vectors, strict=True))


@contextmanager
def stored_vectors(folder: Path | None, embedder: Embedder) -> Iterator[RecordingEmbedder]:
    """An embedder that answers the texts stored in `folder` (ingest stores them) and embeds
    the others; on leaving, those others are added to the folder's table.

    Only into a generation folder that still exists (a re-ingest may have removed it); a folder
    that cannot be written is left as it is.
    """
    known = load_vectors(folder, embedder.model_path) if folder is not None else {}
    recorder = RecordingEmbedder(embedder, known)
    yield recorder
    recorded = recorder.stop()
    missing = [t for t in recorded if t not in recorder.known]
    if folder is None or not missing or not folder.is_dir():
        return
    with suppress(OSError):
        save_vectors(folder, recorder.model_path, {**recorder.known, **recorded})
