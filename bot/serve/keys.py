"""API keys: created once, shown once, stored only as SHA-256 hashes in a small SQLite table.

The keys live in ``<data dir>/api_keys.sqlite3`` behind ``KeyStore``, so they can move into a
shared workspace database later without touching the HTTP layer. A key is 32 random bytes
(``adv_`` + URL-safe base64); with that much entropy a plain SHA-256 hash is a safe verifier.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.errors import AdvisorError
from bot.settings import Settings

KEY_PREFIX = "adv_"
FILE_NAME = "api_keys.sqlite3"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS api_keys_active_name ON api_keys(name) WHERE revoked_at IS NULL;
"""


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ApiKey:
    """A stored key's record (never the key itself): its name, shown prefix and state."""

    name: str
    prefix: str
    created_at: str
    revoked_at: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "prefix": self.prefix, "created_at": self.created_at,
                "revoked_at": self.revoked_at, "active": self.active}


class KeyStore:
    """Create, list, revoke and verify API keys kept hashed in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._ready = False

    @classmethod
    def for_settings(cls, settings: Settings) -> KeyStore:
        return cls(Path(settings.data_dir) / FILE_NAME)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10)
        except (OSError, sqlite3.Error) as exc:
            raise AdvisorError(f"cannot open the API key store {self.path}: {exc}") from exc
        try:
            if not self._ready:
                conn.executescript(_SCHEMA)
                self._ready = True
            with conn:
                yield conn
        except sqlite3.DatabaseError as exc:
            raise AdvisorError(f"the API key store {self.path} is unusable: {exc}") from exc
        finally:
            conn.close()

    def create(self, name: str) -> str:
        """A new key for NAME (returned once, stored hashed); NAME must not have an active key."""
        if not _NAME.match(name or ""):
            raise AdvisorError(
                f"invalid key name {name!r}: use 1-64 letters, digits, '_', '.', '@' or '-'"
            )
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db() as db:
            try:
                db.execute(
                    "INSERT INTO api_keys (name, hash, prefix, created_at) VALUES (?, ?, ?, ?)",
                    (name, hash_key(key), key[:10], now),
                )
            except sqlite3.IntegrityError:
                raise AdvisorError(
                    f"a key named {name!r} exists: revoke it first (`advisor keys revoke {name}`)"
                ) from None
        return key

    def list(self) -> list[ApiKey]:
        """Every key ever created, oldest first (revoked ones too)."""
        with self._db() as db:
            rows = db.execute(
                "SELECT name, prefix, created_at, revoked_at FROM api_keys ORDER BY id"
            ).fetchall()
        return [ApiKey(*row) for row in rows]

    def revoke(self, name: str) -> None:
        """Revoke the active key of NAME; requests with it get 403 from then on."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db() as db:
            cur = db.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                (now, name),
            )
        if cur.rowcount == 0:
            raise AdvisorError(f"no active key named {name!r} (see `advisor keys list`)")

    def verify(self, key: str) -> ApiKey | None:
        """The record of a presented key (possibly revoked), or None if it was never issued."""
        if not key.startswith(KEY_PREFIX) or len(key) > 200:
            return None
        with self._db() as db:
            row = db.execute(
                "SELECT name, prefix, created_at, revoked_at FROM api_keys WHERE hash = ?",
                (hash_key(key),),
            ).fetchone()
        return ApiKey(*row) if row else None
