"""Ingest: files -> chunks -> embeddings -> a new index generation, switched in atomically."""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm import tqdm

from bot.errors import AdvisorError, IngestError, StoreMissingError
from bot.index.embedding import Embedder, load_embedder, token_counter
from bot.index.lexical import LexicalIndex
from bot.index.onnx_export import ensure_onnx
from bot.index.retrieval import lexical_dir
from bot.index.store import IndexState, Store
from bot.settings import Settings
from bot.types import Chunk
from ingest.chunker import chunk_blocks
from ingest.loaders import SUPPORTED_SUFFIXES, load_file, title_of
from ingest.precompute import save_stored_vectors

Progress = Callable[[str, int, int], None]
EMBED_BATCH = 64  # chunks per embed call (and per progress-bar step)


@dataclass(frozen=True)
class IngestReport:
    """What an ingest run did."""

    files: int
    chunks: int
    embedded: int
    removed: int
    unchanged: bool
    failed: tuple[tuple[str, str], ...] = field(default=())
    generation: int | None = None

    @property
    def partial(self) -> bool:
        return bool(self.failed)

    def summary(self) -> str:
        if self.unchanged:
            head = f"index up to date: {self.chunks} chunks, 0 embedded"
        else:
            head = (
                f"indexed {self.files} file(s): {self.chunks} chunks in the index, "
                f"{self.embedded} embedded, {self.removed} removed"
            )
        if self.failed:
            head += f"; {len(self.failed)} file(s) skipped"
        return head


def source_name(path: Path) -> str:
    """How a file is named in the index: relative to the working directory when inside it."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[str], list[tuple[str, str]]]:
    """Files to load, the source prefixes they cover, and files skipped with the reason."""
    files: list[Path] = []
    scopes: list[str] = []
    skipped: list[tuple[str, str]] = []
    for path in paths:
        if not path.exists():
            raise IngestError(f"no such file or folder: {path}")
        if path.is_dir():
            scopes.append(source_name(path).rstrip("/") + "/")
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in file.relative_to(path).parts):
                    continue
                if file.suffix.lower() in SUPPORTED_SUFFIXES:
                    files.append(file)
                else:
                    skipped.append((source_name(file), f"unsupported file type {file.suffix!r}"))
        else:
            scopes.append(source_name(path))
            files.append(path)
    return files, scopes, skipped


def _in_scope(source: str, scopes: Sequence[str]) -> bool:
    return any(source == s or (s.endswith("/") and source.startswith(s)) for s in scopes)


@contextmanager
def ingest_lock(data_dir: Path) -> Iterator[None]:
    """Serialise ingest runs on one data directory."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "ingest.lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AdvisorError(
                f"another `advisor ingest` is running on {data_dir}; wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _bar(total: int, desc: str, enabled: bool) -> tqdm:
    return tqdm(total=total, desc=desc, unit="chunk", disable=not enabled or None, leave=False)


def ingest(
    settings: Settings,
    paths: Sequence[Path] | None = None,
    *,
    embedder: Embedder | None = None,
    show_progress: bool = True,
    progress: Progress | None = None,
    user: str | None = None,
) -> IngestReport:
    """Index files and folders; unchanged content is not embedded again.

    With `user`, into that user's private space (its own generations); the shared index is
    never touched.
    """
    targets = [Path(p) for p in paths] if paths else [settings.corpus_dir]
    files, scopes, failed = discover(targets)
    count = token_counter(settings.model_path())
    loaded: dict[str, list[Chunk]] = {}
    for i, file in enumerate(files, start=1):
        source = source_name(file)
        try:
            blocks = load_file(file)
            loaded[source] = chunk_blocks(
                blocks, source, title_of(file, blocks), count, settings.chunk_max_tokens
            )
        except IngestError as exc:
            failed.append((source, str(exc)))
        if progress:
            progress("load", i, len(files))
    if files and not loaded:
        reasons = "; ".join(msg for _, msg in failed[:3])
        raise IngestError(f"no file could be indexed: {reasons}")
    store = Store(settings, user=user)
    with ingest_lock(store.data_dir):
        return _commit(settings, store, loaded, scopes, failed, embedder, show_progress, progress)


def _commit(
    settings: Settings,
    store: Store,
    loaded: dict[str, list[Chunk]],
    scopes: list[str],
    failed: list[tuple[str, str]],
    embedder: Embedder | None,
    show_progress: bool,
    progress: Progress | None,
) -> IngestReport:
    old = store.read_state()
    old_col = None
    if old is not None:
        try:
            old_col = store.collection(old.collection)
        except StoreMissingError:
            old = None
    failed_sources = {s for s, _ in failed}
    sources = dict(old.sources) if old else {}
    removed_sources = [
        s for s in sources if _in_scope(s, scopes) and s not in loaded and s not in failed_sources
    ]
    for s in removed_sources:
        del sources[s]
    for s, chunks in loaded.items():
        sources[s] = [c.id for c in chunks]
    model = settings.model_path()
    if old is not None and sources == old.sources and Path(old.model).name == Path(model).name:
        return IngestReport(
            len(loaded), old.chunk_count, 0, 0, True, tuple(failed), old.generation
        )
    wanted = {cid for ids in sources.values() for cid in ids}
    old_ids = {cid for ids in old.sources.values() for cid in ids} if old else set()
    if old is not None and Path(old.model).name != Path(model).name:
        old_ids = set()
    fresh = {c.id: c for chunks in loaded.values() for c in chunks if c.id not in old_ids}
    generation = store.next_generation(old)
    name = store.collection_name(generation)
    col = store.collection(name, create=True)
    try:
        all_chunks: list[Chunk] = []
        keep = sorted(wanted & old_ids)
        if keep and old_col is not None:
            for chunks, vectors in store.fetch(old_col, keep):
                store.add(col, chunks, vectors)
                all_chunks.extend(chunks)
        todo = [fresh[cid] for cid in sorted(fresh) if cid in wanted]
        if todo:
            if embedder is None:
                ensure_onnx(model, store.data_dir, local=True)
            model_ = embedder or load_embedder(model, store.data_dir)
            with _bar(len(todo), "embedding", show_progress) as bar:
                for start in range(0, len(todo), EMBED_BATCH):
                    part = todo[start : start + EMBED_BATCH]
                    vectors = model_.embed([c.text for c in part])
                    store.add(col, part, np.asarray(vectors))
                    all_chunks.extend(part)
                    bar.update(len(part))
                    if progress:
                        progress("embed", min(start + EMBED_BATCH, len(todo)), len(todo))
        if not all_chunks:
            raise IngestError("nothing to index: every file is empty or was removed")
        folder = lexical_dir(store.data_dir, name)
        LexicalIndex.build(all_chunks).save(folder)
        previous = lexical_dir(store.data_dir, old.collection) if old else None
        model_ = embedder or load_embedder(model, store.data_dir)
        save_stored_vectors(all_chunks, model_, folder, previous)
        state = IndexState(
            generation=generation,
            collection=name,
            sources=sources,
            model=model,
            previous=old.collection if old else None,
        )
        store.write_state(state)
    except BaseException:
        store.drop([name])
        shutil.rmtree(lexical_dir(store.data_dir, name), ignore_errors=True)
        raise
    _clean(store, {name, old.collection if old else name})
    removed = len(old_ids - wanted)
    return IngestReport(
        len(loaded), len(wanted), len(todo), removed, False, tuple(failed), generation
    )


def _clean(store: Store, keep: set[str]) -> None:
    """Drop generations other than the live and the previous one (left by crashes or age)."""
    store.drop(n for n in store.generations() if n not in keep)
    root = store.data_dir / "bm25"
    if root.is_dir():
        for folder in root.iterdir():
            if folder.name not in keep:
                shutil.rmtree(folder, ignore_errors=True)
