"""Schema migrations: the Alembic revisions in ``troly/migrations`` applied under a lock.

Why a lock: every process (CLI commands, web workers, the poller) opens the database at start-up and
brings it to the newest revision, and two of them on a fresh home or a new PostgreSQL database must
not both run the DDL. SQLite takes a file lock next to the database file (``troly.db.lock``);
PostgreSQL a session-level advisory lock on :data:`PG_LOCK_KEY`, on the connection that migrates.
The winner upgrades; the others wait, find the head and go on.

Start-up stays cheap when the database is already current: one look at ``alembic_version`` compared
with :data:`troly.migrations.HEAD`, no lock and no Alembic import.

A database made by a troly without migrations (``create_all``, no ``alembic_version``) is adopted:
stamped at the release revision whose tables it has, then upgraded like any other.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from troly.errors import StorageError
from troly.migrations import HEAD, REV_0_1_0, REV_0_2_0

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["PG_LOCK_KEY", "Upgrade", "current_revision", "make_revision", "stamp", "upgrade", "upgrade_if_needed"]

logger = logging.getLogger(__name__)

PG_LOCK_KEY = 0x74726F6C79_6462  # "trolydb": the advisory lock every troly process migrates under
LOCK_TIMEOUT_S = 600.0  # a migration of a large database may take minutes; past that, something is stuck
VERSION_TABLE = "alembic_version"

# Releases made before migrations, newest first: the tables that identify one, and its revision.
_LEGACY = ((("unit_attachments",), REV_0_2_0), (("documents", "passages", "ideas"), REV_0_1_0))


@dataclass(frozen=True, slots=True)
class Upgrade:
    """What :func:`upgrade` did: the revision before (None: empty or adopted) and after."""

    before: str | None
    after: str | None
    adopted: str | None = None  # the revision a database without migrations was stamped at

    @property
    def changed(self) -> bool:
        return self.before != self.after or self.adopted is not None


def _config(connection: Connection) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "troly:migrations")
    cfg.attributes["connection"] = connection
    return cfg


def _revision(conn: Connection) -> str | None:
    """The database's revision, without Alembic: None when it has no version table (or no row)."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: empty, or made without migrations)."""
    with engine.connect() as conn:
        return _revision(conn)


def _lock_path(engine: Engine) -> Path | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve().with_name(Path(database).name + ".lock")


@contextmanager
def _alembic_errors() -> Iterator[None]:
    """Alembic's command errors (an unknown revision) as troly's :class:`StorageError`."""
    try:
        yield
    except Exception as e:
        from alembic.util import CommandError  # imported late: a current database never loads Alembic

        if isinstance(e, CommandError):
            raise StorageError(str(e), user_message=f"Không thực hiện được migration: {e}") from e
        raise


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection held under the migration lock (file lock for SQLite, advisory lock for PostgreSQL)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": PG_LOCK_KEY})
            conn.commit()
            try:
                yield conn
            finally:
                conn.rollback()
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": PG_LOCK_KEY})
                conn.commit()
        return
    path = _lock_path(engine)
    if path is None:  # in-memory SQLite: one process by construction
        with engine.connect() as conn:
            yield conn
        return
    from filelock import FileLock, Timeout

    try:
        with FileLock(path, timeout=LOCK_TIMEOUT_S), engine.connect() as conn:
            yield conn
    except Timeout as e:
        raise StorageError(
            f"migration lock {path} not acquired in {LOCK_TIMEOUT_S:.0f} s",
            user_message="Cơ sở dữ liệu đang được nâng cấp quá lâu; vui lòng thử lại sau.",
        ) from e


def _legacy_revision(conn: Connection) -> str | None:
    """The release revision a database made without migrations matches, by its tables."""
    tables = set(inspect(conn).get_table_names())
    for needed, revision in _LEGACY:
        if set(needed) <= tables:
            return revision
    return None


def _check_known(conn: Connection, revision: str | None) -> None:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if revision is None:
        return
    try:
        ScriptDirectory.from_config(_config(conn)).get_revision(revision)
    except CommandError as e:
        raise StorageError(
            f"the database is at revision {revision}, which this troly does not know (newer troly?)",
            user_message="Cơ sở dữ liệu do một phiên bản troly mới hơn tạo; hãy cập nhật troly.",
        ) from e


def upgrade(engine: Engine, revision: str = "head") -> Upgrade:
    """Bring the database to ``revision`` (default: the newest) under the migration lock."""
    with _alembic_errors(), _locked(engine) as conn, conn.begin():
        before = _revision(conn)
        if before == HEAD and revision in ("head", HEAD):  # another process upgraded while we waited
            return Upgrade(before=before, after=before)
        from alembic import command

        adopted = None
        if before is None:
            adopted = _legacy_revision(conn)
            if adopted is not None:
                logger.info("database without migrations: adopted at revision %s", adopted)
                command.stamp(_config(conn), adopted)
        _check_known(conn, before)
        command.upgrade(_config(conn), revision)
        after = _revision(conn)
    if before != after:
        logger.info("database upgraded from %s to %s", before or adopted or "empty", after)
    return Upgrade(before=before, after=after, adopted=adopted)


def upgrade_if_needed(engine: Engine) -> Upgrade | None:
    """Start-up: nothing (and no lock) when the database is at the head; else :func:`upgrade`."""
    current = current_revision(engine)
    if current == HEAD:
        return None
    return upgrade(engine)


def stamp(engine: Engine, revision: str) -> None:
    """Record ``revision`` as the database's without running anything (a schema made by hand)."""
    from alembic import command

    with _alembic_errors(), _locked(engine) as conn, conn.begin():
        command.stamp(_config(conn), revision)


def make_revision(message: str) -> Path:
    """Write an autogenerated revision (models vs. the head's schema) into ``troly/migrations/versions``.

    For developers, from a checkout: the head's schema is built in a throwaway in-memory SQLite.
    """
    from alembic import command
    from sqlalchemy import create_engine

    engine = create_engine("sqlite://")
    try:
        with engine.connect() as conn, conn.begin():
            cfg = _config(conn)
            command.upgrade(cfg, "head")
            script = command.revision(cfg, message=message, autogenerate=True)
    finally:
        engine.dispose()
    if script is None or isinstance(script, list):
        raise StorageError("alembic wrote no single revision")
    return Path(script.path)
