"""Database engine and sessions: one engine per process, SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection, DBAPICursor
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from troly.config import Settings
from troly.migrate import upgrade_if_needed

__all__ = ["Database", "init_db", "make_engine"]


BUSY_TIMEOUT_S = 30.0


def _enable_wal(cursor: DBAPICursor, *, wait_s: float = BUSY_TIMEOUT_S) -> None:
    """Switch the database to WAL, waiting out other processes that hold it.

    Why a loop: on a database still in rollback-journal mode (a fresh home, opened by many processes
    at once), the switch needs an exclusive lock, and SQLite answers "database is locked" at once,
    without calling the busy handler, while another connection holds a write lock on it (found when
    a hundred ``troly ideas submit`` raced on a fresh home). Once the file is in WAL the pragma is a
    no-op and the first try succeeds.
    """
    deadline = time.monotonic() + wait_s
    delay = 0.01
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() >= deadline:
                raise
        time.sleep(delay * (1 + random.random()))  # jitter: the racing processes do not retry in step
        delay = min(delay * 2, 0.25)


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL and a busy timeout so readers never block on a writer."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
            cur = dbapi_conn.cursor()
            _enable_wal(cur)
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def init_db(engine: Engine) -> None:
    """Bring the schema to the newest migration (``troly/migrations``), under the migration lock.

    Cheap when the database is already current: one read of its revision, no lock. An empty database
    gets every revision; one made by a troly without migrations is adopted first (``troly.migrate``).
    """
    upgrade_if_needed(engine)


class Database:
    """The process's engine and session factory, built once from settings."""

    def __init__(self, settings: Settings) -> None:
        if settings.resolved_database_url.startswith("sqlite"):
            settings.ensure_home()
        self.engine = make_engine(settings.resolved_database_url)
        init_db(self.engine)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._factory()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        with self._factory() as session, session.begin():
            yield session
