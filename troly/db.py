"""Database engine and sessions: one engine per process, SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from troly.config import Settings

__all__ = ["Database", "init_db", "make_engine"]


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL and a busy timeout so readers never block on a writer."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def init_db(engine: Engine) -> None:
    """Create missing tables (idempotent): every table registered on ``Base`` by an imported module.

    The domain's own tables (``troly.ideas.models``) register when their package is imported; the
    composition root (``troly.context``) imports it before it opens the database.
    """
    from troly.models import Base

    Base.metadata.create_all(engine)


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
