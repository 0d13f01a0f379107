"""Opening the workspace database: engines for SQLite (WAL) and PostgreSQL, and migrations."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.errors import AdvisorError

T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
_MIGRATION_LOCK = 0x5EED_0012  # pg_advisory_xact_lock key: one migrating process at a time
_migrated: set[str] = set()
_migrated_lock = threading.Lock()


def _sqlite_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        try:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise AdvisorError(f"cannot create the folder of {parsed.database}: {exc}") from exc
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own BEGIN is deferred; writers take the lock up front instead (below),
        # so two writers queue on busy_timeout rather than fail on a lock upgrade.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_engine(url: str) -> Engine:
    """An engine for a SQLAlchemy URL (SQLite in WAL mode, PostgreSQL, ...), as a one-line error."""
    try:
        dialect = make_url(url).get_backend_name()
    except ArgumentError as exc:
        raise AdvisorError(f"ADVISOR_DB_URL is not a database URL: {url!r}") from exc
    try:
        if dialect == "sqlite":
            return _sqlite_engine(url)
        return create_engine(url, pool_pre_ping=True)
    except (ImportError, SQLAlchemyError) as exc:
        raise AdvisorError(f"cannot use ADVISOR_DB_URL {_safe(url)}: {exc}") from exc


def _safe(url: str) -> str:
    """The URL with any password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(invalid URL)"


def alembic_config(engine: Engine) -> Any:
    """An Alembic Config for the workspace migrations (no alembic.ini needed)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (idempotent; once per URL per process)."""
    from alembic import command

    key = engine.url.render_as_string(hide_password=False)
    with _migrated_lock:
        if key in _migrated:
            return
        config = alembic_config(engine)
        try:
            with engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                                       {"k": _MIGRATION_LOCK})
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except OperationalError as exc:
            reason = " ".join(str(exc.orig).split())[:200]
            where = _safe(key)
            raise AdvisorError(f"cannot open the workspace database {where}: {reason}") from exc
        _migrated.add(key)


class SqlStore:
    """An open, migrated workspace database and its transaction helpers."""

    RETRIES = 8

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def _write(self, work: Callable[[Session], T]) -> T:
        """Run one write transaction, retrying when a concurrent writer took the same key."""
        for attempt in range(self.RETRIES):
            try:
                with Session(self.engine, expire_on_commit=False) as session, session.begin():
                    return work(session)
            except IntegrityError:
                if attempt == self.RETRIES - 1:
                    raise
            except OperationalError as exc:  # a deadlock or serialization failure: retry
                if attempt == self.RETRIES - 1:
                    reason = " ".join(str(exc.orig).split())[:200]
                    raise AdvisorError(f"the workspace database failed: {reason}") from exc
        raise AssertionError("unreachable")

    def _read(self, work: Callable[[Session], T]) -> T:
        with Session(self.engine, expire_on_commit=False) as session:
            return work(session)
