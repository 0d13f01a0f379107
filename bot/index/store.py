"""The index: one Chroma collection per generation, a state record naming the live one.

An ingest builds a new generation beside the live one and then switches the state
record in one atomic step, so a failed or killed ingest leaves the previous index
in place and working.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.errors import AdvisorError, StoreMissingError
from bot.settings import Settings
from bot.types import Chunk

COLLECTION_PREFIX = "chunks_g"
STATE_COLLECTION = "advisor_state"
STATE_FILE = "state.json"
_NO_INDEX = "no index in {where}: run `advisor ingest` first"


@dataclass(frozen=True)
class IndexState:
    """Which generation is live, what each source contributed, and the embedding model used."""

    generation: int
    collection: str
    sources: dict[str, list[str]] = field(default_factory=dict)
    model: str = ""
    previous: str | None = None

    @property
    def chunk_count(self) -> int:
        return sum(len(ids) for ids in self.sources.values())

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> IndexState:
        data = json.loads(raw)
        return cls(
            generation=int(data["generation"]),
            collection=str(data["collection"]),
            sources={str(k): [str(i) for i in v] for k, v in data.get("sources", {}).items()},
            model=str(data.get("model", "")),
            previous=data.get("previous"),
        )


def collection_name(generation: int) -> str:
    return f"{COLLECTION_PREFIX}{generation:06d}"


def write_atomic(path: Path, text: str) -> None:
    """Write a file so readers see the old or the new content, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _metadata(chunk: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {"section": chunk.section, "source": chunk.source}
    if chunk.page is not None:
        meta["page"] = chunk.page
    return meta


def chunk_from_record(chunk_id: str, text: str, meta: dict[str, Any] | None) -> Chunk:
    """Rebuild a Chunk from what Chroma returns."""
    meta = meta or {}
    page = meta.get("page")
    return Chunk(
        id=chunk_id,
        text=text,
        section=str(meta.get("section", "")),
        source=str(meta.get("source", "")),
        page=int(page) if page is not None else None,
    )


class Store:
    """Chroma (embedded or server) plus the state record that names the live generation."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.data_dir = Path(settings.data_dir)
        self._client: Any = None

    # -- client ---------------------------------------------------------------------------
    @property
    def where(self) -> str:
        if self.settings.store == "http":
            return f"the Chroma server at {self.settings.chroma_host}:{self.settings.chroma_port}"
        return str(self.data_dir)

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        try:
            if self.settings.store == "http":
                client = chromadb.HttpClient(
                    host=self.settings.chroma_host,
                    port=self.settings.chroma_port,
                    settings=chroma_settings,
                )
                client.heartbeat()
                return client
            self.data_dir.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(
                path=str(self.data_dir / "chroma"), settings=chroma_settings
            )
        except Exception as exc:  # noqa: BLE001 - any client failure becomes one line
            if self.settings.store == "http":
                fix = "start the server (`chroma run --path DIR --port PORT`) or fix the address"
            else:
                fix = f"if the index is damaged, delete {self.data_dir} and run `advisor ingest`"
            reason = " ".join(str(exc).split())
            raise AdvisorError(
                f"cannot open the Chroma store at {self.where}: {reason}; {fix}"
            ) from exc

    # -- state ----------------------------------------------------------------------------
    def read_state(self) -> IndexState | None:
        """The live generation, or None when nothing was ever ingested."""
        try:
            if self.settings.store == "http":
                col = self.client.get_or_create_collection(STATE_COLLECTION)
                got = col.get(ids=["state"], include=["documents"])
                docs = got.get("documents") or []
                return IndexState.from_json(docs[0]) if docs else None
            path = self.data_dir / STATE_FILE
            if not path.exists():
                return None
            return IndexState.from_json(path.read_text(encoding="utf-8"))
        except (ValueError, KeyError, TypeError) as exc:
            raise AdvisorError(
                f"the index state in {self.where} is corrupt ({exc}): run `advisor ingest` again"
            ) from exc

    def write_state(self, state: IndexState) -> None:
        """Make `state` the live generation in one atomic step."""
        if self.settings.store == "http":
            col = self.client.get_or_create_collection(STATE_COLLECTION)
            col.upsert(ids=["state"], documents=[state.to_json()], embeddings=[[1.0]])
            return
        write_atomic(self.data_dir / STATE_FILE, state.to_json())

    def state_token(self) -> object:
        """Something that changes whenever the live generation changes (cheap to read)."""
        if self.settings.store == "http":
            state = self.read_state()
            return None if state is None else state.collection
        try:
            st = (self.data_dir / STATE_FILE).stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def require_state(self) -> IndexState:
        state = self.read_state()
        if state is None or state.chunk_count == 0:
            raise StoreMissingError(_NO_INDEX.format(where=self.where))
        return state

    # -- collections ----------------------------------------------------------------------
    def collection(self, name: str, create: bool = False) -> Any:
        from chromadb.errors import NotFoundError

        if create:
            return self.client.create_collection(
                name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
        try:
            return self.client.get_collection(name, embedding_function=None)
        except (NotFoundError, ValueError) as exc:
            raise StoreMissingError(
                f"the index collection {name} is missing from {self.where}: "
                "run `advisor ingest` to rebuild it"
            ) from exc

    def add(self, col: Any, chunks: Sequence[Chunk], embeddings: np.ndarray) -> None:
        """Add chunks with their embeddings, in batches Chroma accepts."""
        size = max(1, min(4096, int(self.client.get_max_batch_size())))
        for start in range(0, len(chunks), size):
            part = chunks[start : start + size]
            col.add(
                ids=[c.id for c in part],
                documents=[c.text for c in part],
                metadatas=[_metadata(c) for c in part],
                embeddings=embeddings[start : start + size],
            )

    def fetch(
        self, col: Any, ids: Sequence[str] | None = None, batch: int = 2000
    ) -> Iterator[tuple[list[Chunk], np.ndarray]]:
        """Chunks and embeddings of a collection (all, or the given ids), in batches."""
        include = ["documents", "metadatas", "embeddings"]
        if ids is not None:
            for start in range(0, len(ids), batch):
                got = col.get(ids=list(ids[start : start + batch]), include=include)
                yield self._unpack(got)
            return
        offset = 0
        while True:
            got = col.get(limit=batch, offset=offset, include=include)
            if not got["ids"]:
                return
            yield self._unpack(got)
            offset += len(got["ids"])

    @staticmethod
    def _unpack(got: dict[str, Any]) -> tuple[list[Chunk], np.ndarray]:
        chunks = [
            chunk_from_record(i, d, m)
            for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]
        return chunks, np.asarray(got["embeddings"], dtype=np.float32)

    def generations(self) -> list[str]:
        return sorted(
            c.name if hasattr(c, "name") else str(c)
            for c in self.client.list_collections()
            if (c.name if hasattr(c, "name") else str(c)).startswith(COLLECTION_PREFIX)
        )

    def drop(self, names: Iterable[str]) -> None:
        for name in names:
            try:
                self.client.delete_collection(name)
            except Exception:  # noqa: BLE001 - already gone is fine
                pass

    def next_generation(self, state: IndexState | None) -> int:
        taken = [int(n[len(COLLECTION_PREFIX) :]) for n in self.generations()]
        return max([state.generation if state else 0, *taken]) + 1
