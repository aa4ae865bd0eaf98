"""Backup and restore of one troly installation: SQL rows, the stored original files, settings.

A backup is a folder (or a ``.tar.gz`` of one)::

    manifest.json            format, version, when, from which database, row and file counts
    settings.json            the settings in force, secrets left out (tokens, keys, passwords)
    tables/<table>.jsonl     every row of every table, one JSON object per line, by column name
    home/files/…             the content-addressed copies of every ingested file (TROLY_HOME/files)
    home/uploads/…           files received in chats (TROLY_HOME/uploads)
    config/<name>            the admin's files named by settings (units, abbreviations, idea rules)

Rows are written by column name with portable values (ISO dates, base64 bytes), so a backup of
SQLite restores into PostgreSQL and back. Paths inside the old ``TROLY_HOME`` are stored relative
to it and land inside the new one. Vectors (Chroma) and BM25 are not backed up: they are derived
from SQL's passages, and ``troly reindex --rebuild`` makes them again without reading any file.
"""

from __future__ import annotations

import base64
import datetime as dt
import fcntl
import json
import logging
import os
import re
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Date, DateTime, LargeBinary, Table, delete, func, select, text
from sqlalchemy.engine import make_url

from troly.errors import BackupError, RestoreRefused
from troly.models import Base

if TYPE_CHECKING:
    from troly.config import Settings
    from troly.db import Database

__all__ = ["BackupSummary", "backup", "restore"]

logger = logging.getLogger(__name__)

FORMAT = "troly-backup"
VERSION = 1
_HOME = "$TROLY_HOME/"  # stands for the home directory in stored paths
_HOME_DIRS = ("files", "uploads")  # what troly keeps in TROLY_HOME besides derived indexes
_CONFIG_FILES = ("units_file", "abbreviations_file", "ideas_rules_file")
_SECRET = re.compile(r"token|secret|api_key|password", re.IGNORECASE)
_BATCH = 500


@dataclass(slots=True)
class BackupSummary:
    """What a backup holds, or what a restore wrote."""

    path: Path
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    created_at: str = ""
    settings_changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # name: (backup, now)
    skipped: list[str] = field(default_factory=list)  # tables/columns the target does not have


# ---- backup ---------------------------------------------------------------------------------


def backup(settings: Settings, db: Database, target: Path) -> BackupSummary:
    """Write a backup of ``settings``' installation to ``target`` (a new folder, or ``*.tar.gz``).

    Holds the ingest lock, so documents, passages and stored files are consistent with each other;
    on PostgreSQL all tables are read in one repeatable-read snapshot.

    Raises:
        BackupError: ``target`` exists and is not an empty folder.
    """
    archive = target.name.endswith((".tar.gz", ".tgz"))
    if target.exists() and (archive or not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists; give a new path")
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(prefix="troly-backup-", dir=_tmp_parent(target)) as tmp:
        work = Path(tmp) / "backup"
        work.mkdir()
        summary = BackupSummary(path=target, created_at=created)
        with _ingest_lock(settings):
            summary.tables = _dump_tables(db, work / "tables", home=settings.home)
            summary.files = _copy_home_dirs(settings.home, work / "home")
        _write_config(settings, work)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": created,
            "database": db.engine.dialect.name,
            "tables": summary.tables,
            "files": summary.files,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        if archive:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".part")
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(work, arcname="troly-backup")
            partial.replace(target)
        else:
            if target.exists():
                target.rmdir()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(work, target)
    return summary


def _tmp_parent(target: Path) -> Path:
    """Stage next to the target (same file system: the final move is a rename)."""
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def _tables() -> list[Table]:
    """Every table troly defines, parents before children."""
    return list(Base.metadata.sorted_tables)


def _dump_tables(db: Database, folder: Path, *, home: Path) -> dict[str, int]:
    folder.mkdir(parents=True)
    counts: dict[str, int] = {}
    home_prefix = str(home.resolve()) + os.sep
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            for table in _tables():
                n = 0
                with (folder / f"{table.name}.jsonl").open("w", encoding="utf-8") as out:
                    for row in conn.execution_options(yield_per=_BATCH).execute(select(table)):
                        record = {k: _encode(v, home_prefix) for k, v in row._mapping.items()}
                        out.write(json.dumps(record, ensure_ascii=False) + "\n")
                        n += 1
                counts[table.name] = n
    return counts


def _encode(value: Any, home_prefix: str) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, str) and value.startswith(home_prefix):
        return _HOME + value[len(home_prefix) :]
    return value


def _copy_home_dirs(home: Path, target: Path) -> int:
    n = 0
    for name in _HOME_DIRS:
        source = home / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("*.part"))
            n += sum(1 for p in (target / name).rglob("*") if p.is_file())
    return n


def _public_settings(settings: Settings) -> dict[str, Any]:
    """Settings without secrets; a database URL keeps everything but its password."""
    data = settings.model_dump(mode="json")
    out = {k: v for k, v in data.items() if not _SECRET.search(k)}
    for key in ("database_url", "resolved_database_url"):
        if out.get(key):
            out[key] = make_url(out[key]).render_as_string(hide_password=True)
    return out


def _write_config(settings: Settings, work: Path) -> None:
    (work / "settings.json").write_text(
        json.dumps(_public_settings(settings), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    for key in _CONFIG_FILES:
        path = getattr(settings, key)
        if path is not None and Path(path).is_file():
            (work / "config").mkdir(exist_ok=True)
            shutil.copy2(path, work / "config" / Path(path).name)


@contextmanager
def _ingest_lock(settings: Settings) -> Iterator[None]:
    """The ingest pipeline's per-home lock: no file is half-ingested while we copy."""
    settings.ensure_home()
    with (settings.home / "ingest.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# ---- restore --------------------------------------------------------------------------------


def restore(settings: Settings, db: Database, source: Path, *, force: bool = False) -> BackupSummary:
    """Restore a backup into ``settings``' installation (its database and TROLY_HOME).

    The target must be empty (no row in any table, no stored file) unless ``force``, which first
    deletes what is there. Vectors and BM25 are not restored: run ``troly reindex --rebuild``.

    Raises:
        BackupError: ``source`` is not a troly backup (or a newer format than this version reads).
        RestoreRefused: the target holds data and ``force`` is false.
    """
    with tempfile.TemporaryDirectory(prefix="troly-restore-") as tmp:
        folder = _open_backup(source, Path(tmp))
        manifest = _read_manifest(folder)
        summary = BackupSummary(path=source, created_at=str(manifest.get("created_at", "")))
        with _ingest_lock(settings):
            with db.engine.connect() as conn:
                occupied = _occupied(conn, settings.home)
            if occupied and not force:
                raise RestoreRefused(f"target is not empty ({', '.join(occupied)}); use --force to replace it")
            home = str(settings.home.resolve()) + os.sep
            with db.engine.begin() as conn:
                if occupied:
                    for table in reversed(_tables()):
                        conn.execute(delete(table))
                summary.tables = _load_tables(conn, folder / "tables", home=home, skipped=summary.skipped)
                if conn.dialect.name == "postgresql":
                    _reset_sequences(conn)
            summary.files = _restore_home_dirs(folder / "home", settings.home)
            # BM25 builds are keyed by the passage-set generation, which the restore just reset:
            # drop them so no build of the old data is taken for the new.
            shutil.rmtree(settings.lexical_path, ignore_errors=True)
        summary.settings_changed = _settings_changed(folder, settings)
        if (folder / "config").is_dir():
            shutil.copytree(folder / "config", settings.home / "config-from-backup", dirs_exist_ok=True)
        shutil.copy2(folder / "settings.json", settings.home / "settings-from-backup.json")
    return summary


def _open_backup(source: Path, tmp: Path) -> Path:
    if source.is_dir():
        return source
    if source.is_file() and tarfile.is_tarfile(source):
        with tarfile.open(source, "r:*") as tar:
            tar.extractall(tmp, filter="data")
        inner = tmp / "troly-backup"
        if inner.is_dir():
            return inner
    raise BackupError(f"{source} is not a troly backup folder or archive")


def _read_manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BackupError(f"{folder}: no readable manifest.json ({e})") from e
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: not a troly backup (format {manifest.get('format')!r})")
    if int(manifest.get("version", 0)) > VERSION:
        raise BackupError(f"{folder}: backup format {manifest['version']} is newer than this troly reads ({VERSION})")
    return manifest


def _occupied(conn: Connection, home: Path) -> list[str]:
    """What the target already holds: tables with rows, stored-file folders with files."""
    found = [t.name for t in _tables() if conn.execute(select(func.count()).select_from(t)).scalar()]
    found += [f"{name}/" for name in _HOME_DIRS if (home / name).is_dir() and any((home / name).rglob("*"))]
    return found


def _load_tables(conn: Connection, folder: Path, *, home: str, skipped: list[str]) -> dict[str, int]:
    known = {t.name: t for t in _tables()}
    for extra in sorted(p.stem for p in folder.glob("*.jsonl") if p.stem not in known):
        skipped.append(extra)
        logger.warning("restore: table %s is not in this version's schema; skipped", extra)
    counts: dict[str, int] = {}
    for table in _tables():
        path = folder / f"{table.name}.jsonl"
        if not path.exists():
            continue
        columns = {c.name: c for c in table.columns}
        batch: list[dict[str, Any]] = []
        n = 0
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                record = json.loads(line)
                for name in [k for k in record if k not in columns]:
                    if f"{table.name}.{name}" not in skipped:
                        skipped.append(f"{table.name}.{name}")
                        logger.warning("restore: column %s.%s is not in this schema; dropped", table.name, name)
                    del record[name]
                batch.append({k: _decode(v, columns[k].type, home) for k, v in record.items()})
                n += 1
                if len(batch) >= _BATCH:
                    conn.execute(table.insert(), batch)
                    batch = []
        if batch:
            conn.execute(table.insert(), batch)
        counts[table.name] = n
    return counts


def _decode(value: Any, column_type: Any, home: str) -> Any:
    if value is None:
        return None
    if isinstance(column_type, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return dt.date.fromisoformat(value)
    if isinstance(column_type, LargeBinary):
        return base64.b64decode(value)
    if isinstance(value, str) and value.startswith(_HOME):
        return home + value[len(_HOME) :]
    return value


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: move each serial column's sequence past the restored ids."""
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (column.autoincrement == "auto" and column.type.python_type is int):
                seq = conn.execute(
                    text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
                ).scalar()
                if seq:
                    conn.execute(
                        text(
                            f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, false)'
                        ),
                        {"s": seq},
                    )


def _restore_home_dirs(source: Path, home: Path) -> int:
    n = 0
    for name in _HOME_DIRS:
        target = home / name
        shutil.rmtree(target, ignore_errors=True)
        if (source / name).is_dir():
            shutil.copytree(source / name, target)
            n += sum(1 for p in target.rglob("*") if p.is_file())
        else:
            target.mkdir(parents=True, exist_ok=True)
    return n


_COMPARED = ("province", "embedding", "chunk_max_chars", "chunk_min_chars", "timezone")


def _settings_changed(folder: Path, settings: Settings) -> dict[str, tuple[Any, Any]]:
    """Settings that shape the data and differ between the backup and this installation."""
    try:
        saved = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    now = settings.model_dump(mode="json")
    return {k: (saved.get(k), now.get(k)) for k in _COMPARED if k in saved and saved.get(k) != now.get(k)}
