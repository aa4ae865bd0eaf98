"""Ingest pipeline: incremental runs, replacement in one step, sync, bad input, CLI contract."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import CORPUS
from troly.store import list_documents, passage_ids

SAMPLE_FILES = sorted(p.name for p in CORPUS.iterdir())


def _state(ctx) -> tuple[set[str], set[str]]:
    with ctx.db.session() as session:
        sql = passage_ids(session=session)
    return sql, ctx.dense().ids()


def test_ingest_corpus_then_unchanged_does_no_embedding(ctx, corpus_copy: Path) -> None:
    """A second run over the same files reports every file unchanged and embeds nothing."""
    first = ctx.ingestor().ingest([corpus_copy])
    assert sorted(r.status for r in first.results) == ["added"] * 5
    assert first.passages_embedded > 50
    second = ctx.ingestor().ingest([corpus_copy])
    assert [r.status for r in second.results] == ["unchanged"] * 5
    assert second.passages_embedded == 0 and second.embed_seconds == 0
    sql, dense = _state(ctx)
    assert sql == dense and len(sql) == first.passages_embedded


def test_changed_file_replaces_its_passages(ctx, corpus_copy: Path) -> None:
    """Editing one file swaps its passages; other documents and the vector index stay consistent."""
    ingestor = ctx.ingestor()
    ingestor.ingest([corpus_copy])
    before_sql, _ = _state(ctx)
    target = corpus_copy / "2025-07-05_thong-bao-ket-luan_so-khcn-6-thang.md"
    target.write_text(
        target.read_text(encoding="utf-8").replace(
            "3. Giao Công an tỉnh chủ trì",
            "3. Giao Công an tỉnh và Sở Nội vụ chủ trì",
        ),
        encoding="utf-8",
    )
    run = ingestor.ingest([corpus_copy])
    statuses = {Path(r.path).name: r.status for r in run.results}
    assert statuses[target.name] == "updated"
    assert sum(s == "unchanged" for s in statuses.values()) == 4
    after_sql, after_dense = _state(ctx)
    assert after_sql == after_dense
    doc_id = next(r.doc_id for r in run.results if r.status == "updated")
    old_doc = {p for p in before_sql if p.startswith(doc_id + "#")}
    new_doc = {p for p in after_sql if p.startswith(doc_id + "#")}
    assert old_doc and new_doc and not (old_doc & new_doc)
    with ctx.db.session() as session:
        texts = [p.text for d in list_documents(session=session) if d.id == doc_id for p in d.passages]
    assert any("Công an tỉnh và Sở Nội vụ chủ trì" in t for t in texts)


def test_sync_removes_documents_whose_files_are_gone(ctx, corpus_copy: Path) -> None:
    ingestor = ctx.ingestor()
    ingestor.ingest([corpus_copy])
    (corpus_copy / "2026-03-03_tin-bao-gia-lai_phien-hop-ban-chi-dao.txt").unlink()
    run = ingestor.ingest([corpus_copy], sync=True)
    assert [r.status for r in run.results].count("removed") == 1
    with ctx.db.session() as session:
        assert len(list_documents(session=session)) == 4
    sql, dense = _state(ctx)
    assert sql == dense


def test_bad_files_are_reported_and_the_batch_continues(ctx, corpus_copy: Path, tmp_path: Path) -> None:
    """Empty, corrupt, unsupported and oversize files fail with a reason; nothing indexed is lost."""
    ingestor = ctx.ingestor()
    ingestor.ingest([corpus_copy])
    before, _ = _state(ctx)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "corrupt.pdf").write_bytes(b"%PDF-1.4\n garbage \x00\x01\x02 not a pdf")
    (bad / "data.xyz").write_bytes(b"whatever")
    (bad / "zip-named.docx").write_bytes(b"PK\x03\x04 not really a docx")
    run = ingestor.ingest([*sorted(bad.iterdir()), corpus_copy])
    by_name = {Path(r.path).name: r for r in run.results}
    for name in ("empty.txt", "corrupt.pdf", "data.xyz", "zip-named.docx"):
        assert by_name[name].status == "failed", name
        assert by_name[name].reason and by_name[name].user_reason
    assert sum(r.status == "unchanged" for r in run.results) == 5
    after, dense = _state(ctx)
    assert after == before == dense

    small = ctx.settings.model_copy(update={"max_file_mb": 0.001})
    from troly.context import Context

    tiny = Context(small, embedder=ctx.embedder()).ingestor()
    big = tmp_path / "big.txt"
    big.write_text("Thông báo. " * 500, encoding="utf-8")
    result = tiny.ingest([big]).results[0]
    assert result.status == "failed" and "cap" in (result.reason or "")


def test_remove_by_number_or_id(ctx, corpus_copy: Path) -> None:
    ingestor = ctx.ingestor()
    run = ingestor.ingest([corpus_copy])
    doc_id = run.results[0].doc_id
    assert ingestor.remove(doc_id) == [doc_id]
    sql, dense = _state(ctx)
    assert sql == dense and not any(p.startswith(doc_id + "#") for p in sql)
    assert ingestor.remove("no-such-doc") == []


def test_original_bytes_are_kept(ctx, corpus_copy: Path) -> None:
    """Every ingested file is copied, content-addressed, into TROLY_HOME/files."""
    ctx.ingestor().ingest([corpus_copy])
    with ctx.db.session() as session:
        for doc in list_documents(session=session):
            assert doc.stored_path and Path(doc.stored_path).read_bytes() == Path(doc.source_path).read_bytes()


@pytest.fixture
def cli_env(settings, monkeypatch: pytest.MonkeyPatch, shared_model):
    monkeypatch.setenv("TROLY_HOME", str(settings.home))
    return settings


def test_cli_ingest_docs_search(cli_env, corpus_copy: Path) -> None:
    """The CLI contract of the foundation issue: ingest, docs --json metadata, search --json."""
    from troly.cli import app

    runner = CliRunner()
    first = runner.invoke(app, ["ingest", str(corpus_copy), "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["counts"]["added"] == 5
    again = runner.invoke(app, ["ingest", str(corpus_copy), "--json"])
    payload = json.loads(again.stdout)
    assert payload["counts"]["unchanged"] == 5 and payload["passages_embedded"] == 0

    docs = json.loads(runner.invoke(app, ["docs", "--json"]).stdout)
    by_file = {d["file"]: d for d in docs}
    d2025 = by_file["2025-07-05_thong-bao-ket-luan_so-khcn-6-thang.md"]
    assert (d2025["type"], d2025["date"], d2025["issuer"], d2025["signer"]) == (
        "Thông báo",
        "2025-07-05",
        "UBND tỉnh Gia Lai",
        "Nguyễn Xuân Vĩnh",
    )
    d2024 = by_file["2024-09-19_thong-bao-ket-luan_ban-chi-dao-cchc-cds-phien-2.txt"]
    assert (d2024["date"], d2024["signer"]) == ("2024-09-19", "Lê Ngọc An")

    res = runner.invoke(app, ["search", "Tỉnh đoàn giới thiệu bao nhiêu ý tưởng mỗi tháng", "--json", "-k", "3"])
    hits = json.loads(res.stdout)["hits"]
    assert any("ít nhất 02 ý tưởng đổi mới sáng tạo" in h["text"].replace("**", "") for h in hits)


def test_cli_exit_code_one_when_a_file_fails(cli_env, tmp_path: Path) -> None:
    from troly.cli import app

    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.7\n\x00\x9f\x92 truncated")
    res = CliRunner().invoke(app, ["ingest", str(tmp_path / "broken.pdf")])
    assert res.exit_code == 1
    assert "failed" in res.output
    assert os.path.isdir(cli_env.home)
