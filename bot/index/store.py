"""The index: one Chroma collection per generation, a state record naming the live one.

An ingest builds a new generation beside the live one and then switches the state
record in one atomic step, so a failed or killed ingest leaves the previous index
in place and working.

Each user may also have a private space: an index of its own (its own generations, state
record and BM25 folder under `<data dir>/users/<slug>/`, collections named `u-<slug>-...`),
so an upload never touches the shared generation. `UserView` reads both together.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
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
USERS_DIR = "users"
MAX_USER_CHARS = 254
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


def collection_name(generation: int, prefix: str = COLLECTION_PREFIX) -> str:
    return f"{prefix}{generation:06d}"


def normalise_user(name: str) -> str:
    """A user name or email as the index keys it (lower case), or a one-line error."""
    if not isinstance(name, str):
        raise AdvisorError("the user must be a name or an email")
    clean = name.strip().lower()
    if not clean or len(clean) > MAX_USER_CHARS or any(
        ch.isspace() or not ch.isprintable() for ch in clean
    ):
        raise AdvisorError(
            f"invalid user {name[:60]!r}: use a name or email of 1-{MAX_USER_CHARS} characters "
            "without spaces"
        )
    return clean


def user_slug(name: str) -> str:
    """A folder- and collection-safe key for a user: readable part plus a hash, never a path."""
    clean = normalise_user(name)
    readable = re.sub(r"[^a-z0-9]+", "-", clean).strip("-")[:40].strip("-") or "user"
    return f"{readable}-{hashlib.sha256(clean.encode()).hexdigest()[:10]}"


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


def cached_words(name: str, build: Callable[[], frozenset[str]]) -> frozenset[str]:
    """A set of words kept as a file in the user's cache folder once built (a gazetteer, the
    everyday words of other languages): reading it is a fraction of building it. `name` must
    change with whatever the words are built from (the versions of the packages)."""
    from bot.index.onnx_export import default_cache_dir

    path = default_cache_dir() / name
    try:
        return frozenset(path.read_text(encoding="utf-8").splitlines())
    except OSError:
        pass
    words = build()
    try:  # written whole or not at all: another process may read it meanwhile
        write_atomic(path, "\n".join(sorted(words)))
    except OSError:
        pass  # a read-only home: built again next time
    return words


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

    def __init__(self, settings: Settings, user: str | None = None) -> None:
        self.settings = settings
        self.root_dir = Path(settings.data_dir)
        self.user = normalise_user(user) if user is not None else None
        self.slug = user_slug(self.user) if self.user is not None else None
        # A private space keeps its state, BM25 and lock in its own folder, its collections
        # under its own prefix, and its state record under its own id.
        self.data_dir = self.root_dir / USERS_DIR / self.slug if self.slug else self.root_dir
        self.prefix = f"u-{self.slug}-{COLLECTION_PREFIX}" if self.slug else COLLECTION_PREFIX
        self._state_id = f"user:{self.slug}" if self.slug else "state"
        self._client: Any = None

    # -- client ---------------------------------------------------------------------------
    @property
    def where(self) -> str:
        if self.settings.store == "http":
            scheme = "https" if self.settings.chroma_ssl else "http"
            place = (f"the Chroma server at {scheme}://{self.settings.chroma_host}:"
                     f"{self.settings.chroma_port}")
        else:
            place = str(self.root_dir)
        return f"the private space of {self.user} in {place}" if self.user else place

    def headers(self) -> dict[str, str]:
        """HTTP headers for the Chroma server: ADVISOR_CHROMA_HEADERS plus the bearer token."""
        headers = dict(self.settings.chroma_headers)
        if self.settings.chroma_token:
            headers["Authorization"] = f"Bearer {self.settings.chroma_token}"
        return headers

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self.settings.store == "http" and self.settings.chroma_ca_file:
            chroma_settings.chroma_server_ssl_verify = self.settings.chroma_ca_file
        try:
            if self.settings.store == "http":
                client = chromadb.HttpClient(
                    host=self.settings.chroma_host,
                    port=self.settings.chroma_port,
                    ssl=self.settings.chroma_ssl,
                    headers=self.headers() or None,
                    settings=chroma_settings,
                )
                client.heartbeat()
                return client
            self.root_dir.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(
                path=str(self.root_dir / "chroma"), settings=chroma_settings
            )
        except Exception as exc:  # noqa: BLE001 - any client failure becomes one line
            if self.settings.store == "http":
                fix = ("start the server (`chroma run --path DIR --port PORT`) or fix the address"
                       " (behind a proxy: set ADVISOR_CHROMA_TOKEN or ADVISOR_CHROMA_HEADERS)")
            else:
                fix = f"if the index is damaged, delete {self.root_dir} and run `advisor ingest`"
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
                got = col.get(ids=[self._state_id], include=["documents"])
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
            col.upsert(ids=[self._state_id], documents=[state.to_json()], embeddings=[[1.0]])
            return
        write_atomic(self.data_dir / STATE_FILE, state.to_json())

    def clear_state(self) -> None:
        """Forget the live generation: the space is empty (its collections are dropped apart)."""
        if self.settings.store == "http":
            self.client.get_or_create_collection(STATE_COLLECTION).delete(ids=[self._state_id])
            return
        (self.data_dir / STATE_FILE).unlink(missing_ok=True)

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

    def spaces(self) -> list[Store]:
        """The stores a reader of this one searches: just itself."""
        return [self]

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

    def collection_name(self, generation: int) -> str:
        """The collection of one generation of this space."""
        return collection_name(generation, self.prefix)

    def generations(self) -> list[str]:
        """Collections of this space's generations (never another space's)."""
        names = (c.name if hasattr(c, "name") else str(c) for c in self.client.list_collections())
        return sorted(n for n in names if n.startswith(self.prefix)
                      and n[len(self.prefix):].isdigit())

    def drop(self, names: Iterable[str]) -> None:
        for name in names:
            try:
                self.client.delete_collection(name)
            except Exception:  # noqa: BLE001 - already gone is fine
                pass

    def next_generation(self, state: IndexState | None) -> int:
        taken = [int(n[len(self.prefix) :]) for n in self.generations()]
        return max([state.generation if state else 0, *taken]) + 1


class UserView:
    """The shared index and one user's private space, read together (the user's answers)."""

    def __init__(self, shared: Store, private: Store) -> None:
        self.shared = shared
        self.private = private
        self.settings = shared.settings
        self.data_dir = shared.data_dir
        self.user = private.user

    # While the private space is empty the view is the shared index, and says so: caches keyed
    # by (where, state_token) - the canvas engine's - are then shared with everyone.
    @property
    def where(self) -> str:
        if self.private.state_token() is None:
            return self.shared.where
        return f"{self.shared.where} (with {self.user}'s private documents)"

    def spaces(self) -> list[Store]:
        return [self.shared, self.private]

    def state_token(self) -> object:
        private = self.private.state_token()
        shared = self.shared.state_token()
        return shared if private is None else (shared, private)
