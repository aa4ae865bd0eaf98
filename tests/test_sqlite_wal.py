"""A fresh SQLite home opened by several processes at once: the switch to WAL waits its turn.

SQLite refuses the switch from rollback-journal mode to WAL at once ("database is locked", no busy
handler) while another connection holds a write lock; a hundred ``troly ideas submit`` started on a
fresh home hit it (CI, round 7). Reproduced here deterministically: a plain sqlite3 connection holds
a write lock on a rollback-mode database and releases it shortly after troly's engine connects.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import text

from troly.db import make_engine


def _writer_holding_the_lock(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO t VALUES (1)")
    return conn


def test_plain_sqlite_refuses_the_switch_at_once(tmp_path: Path) -> None:
    """The SQLite behaviour the engine works around (if SQLite ever waits here, the loop is moot)."""
    path = tmp_path / "troly.db"
    writer = _writer_holding_the_lock(path)
    other = sqlite3.connect(path, timeout=5)
    try:
        try:
            other.execute("PRAGMA journal_mode=WAL")
            refused = False
        except sqlite3.OperationalError as e:
            refused = "locked" in str(e)
        assert refused
    finally:
        writer.execute("COMMIT")
        writer.close()
        other.close()


def test_engine_waits_for_the_writer_then_switches_to_wal(tmp_path: Path) -> None:
    path = tmp_path / "troly.db"
    writer = _writer_holding_the_lock(path)
    # A thread that sleeps, not a threading.Timer: a timed wait on a condition never returns under
    # libfaketime (the moved-clock run of the suite), a sleep does.
    release = threading.Thread(target=lambda: (time.sleep(0.3), writer.execute("COMMIT")))
    release.start()
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("SELECT count(*) FROM t")).scalar() == 1
    finally:
        release.join()
        writer.close()
        engine.dispose()
