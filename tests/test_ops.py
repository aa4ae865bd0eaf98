"""Operations: /healthz and /readyz, Prometheus metrics at /metrics (one process and several), and
JSON log lines. Metrics are read back the way Prometheus reads them: scraped over HTTP and parsed
with ``prometheus_client.parser``; each test compares a scrape before and after what it does."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from bot.app import create_app
from bot.core.assistant import Assistant
from tests.conftest import REPO
from tests.fake_openai import fake_openai, fake_openai_server
from troly.config import Settings
from troly.context import Context
from troly.logs import make_handler

SOC = "Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?"
TODAY = dt.datetime(2026, 3, 16, 12, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    """Every sample of an exposition, keyed by (sample name, labels)."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def client(indexed_corpus):  # type: ignore[no-untyped-def]
    app = create_app(indexed_corpus.settings, assistant=Assistant(indexed_corpus, clock=lambda: TODAY))
    with TestClient(app) as c:
        yield c


# ---- health -----------------------------------------------------------------------------------


def test_healthz_answers_without_touching_anything(tmp_path: Path) -> None:
    """Liveness needs no database: an app whose core is a bare object still answers."""
    settings = Settings(home=tmp_path / "home", telegram_token=None, zalo_token=None)
    with TestClient(create_app(settings, assistant=object())) as c:  # type: ignore[arg-type]
        response = c.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_names_every_dependency_when_ready(client: TestClient) -> None:
    """Database, Chroma and the embedding model each answer: 200 with each check "ok"."""
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "chroma": "ok", "embedding": "ok"}}


def test_readyz_is_503_and_names_chroma_when_its_server_is_down(tmp_path: Path, embedder) -> None:
    """A Chroma server that does not answer makes the worker not ready, and the body says which part."""
    settings = Settings(
        home=tmp_path / "home", chroma_url=f"http://127.0.0.1:{_closed_port()}", telegram_token=None, zalo_token=None
    )
    app = create_app(settings, assistant=Assistant(Context(settings, embedder=embedder)))
    with TestClient(app) as c:
        response = c.get("/readyz")
        health = c.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok" and body["checks"]["embedding"] == "ok"
    assert body["checks"]["chroma"].startswith("error: ")
    assert health.status_code == 200  # alive, only not ready


# ---- metrics ----------------------------------------------------------------------------------


def test_a_question_moves_request_and_retrieval_metrics_by_one(client: TestClient) -> None:
    """One web question: one request of intent "qa" counted and timed, one retrieval call timed."""
    before = scrape(client)
    response = client.post("/api/chat", json={"user_id": "metrics-user", "text": SOC})
    assert response.status_code == 200 and response.json()["citations"]
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("troly_requests_total", channel="web", intent="qa") == 1
    assert delta("troly_request_seconds_count", channel="web", intent="qa") == 1
    assert delta("troly_request_seconds_sum", channel="web", intent="qa") > 0
    assert delta("troly_retrieval_seconds_count", mode="hybrid") == 1
    assert delta("troly_requests_total", channel="web", intent="tasks") == 0


def test_ingest_counts_files_by_outcome_and_failures_by_reason(
    client: TestClient, ctx: Context, tmp_path: Path
) -> None:
    """Two readable files and one empty: added +2, failed +1 with its error class as the reason."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in (
        "2025-07-05_thong-bao-ket-luan_so-khcn-6-thang.md",
        "2024-09-19_thong-bao-ket-luan_ban-chi-dao-cchc-cds-phien-2.txt",
    ):
        (folder / name).write_bytes((REPO / "examples" / "corpus" / name).read_bytes())
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    before = scrape(client)
    stats = ctx.ingestor().ingest([folder])
    failed = [r for r in stats.results if r.status == "failed"]
    assert len(failed) == 1
    after = scrape(client)
    assert (
        value(after, "troly_ingest_files_total", status="added")
        - value(before, "troly_ingest_files_total", status="added")
        == 2
    )
    assert (
        value(after, "troly_ingest_files_total", status="failed")
        - value(before, "troly_ingest_files_total", status="failed")
        == 1
    )
    reason = {"reason": "EmptyDocumentError"}
    assert (
        value(after, "troly_ingest_failures_total", **reason) - value(before, "troly_ingest_failures_total", **reason)
        == 1
    )

    ctx.ingestor().ingest([folder])  # unchanged the second time: counted as such, not as failures again
    again = scrape(client)
    assert (
        value(again, "troly_ingest_files_total", status="unchanged")
        - value(after, "troly_ingest_files_total", status="unchanged")
        == 2
    )


def test_llm_calls_and_fallbacks_are_counted(client: TestClient, indexed_corpus: Context, fake_openai) -> None:
    """A cited generative answer counts "ok"; a server error counts "fallback" (extractive answer given)."""
    settings = indexed_corpus.settings.model_copy(
        update={"llm_base_url": fake_openai.base_url, "llm_model": "fake-model", "llm_timeout": 10.0}
    )
    assistant = Assistant(Context(settings, embedder=indexed_corpus.embedder()), clock=lambda: TODAY)
    from bot.core.messages import IncomingMessage

    before = scrape(client)
    assert assistant.handle(IncomingMessage(channel="web", user_id="llm", text=SOC)).data["mode"] == "llm"
    fake_openai.status = 500
    assert assistant.handle(IncomingMessage(channel="web", user_id="llm", text=SOC)).data["mode"] == "extractive"
    after = scrape(client)
    assert (
        value(after, "troly_llm_calls_total", outcome="ok") - value(before, "troly_llm_calls_total", outcome="ok") == 1
    )
    assert (
        value(after, "troly_llm_calls_total", outcome="fallback")
        - value(before, "troly_llm_calls_total", outcome="fallback")
        == 1
    )
    assert value(after, "troly_llm_seconds_count") - value(before, "troly_llm_seconds_count") == 2


async def test_zalo_pending_updates_gauge_follows_the_background_answers() -> None:
    """The Zalo adapter's queue depth: +1 while an update is being answered, back to 0 after."""
    from bot.channels.zalo import ZaloAdapter
    from troly.metrics import PENDING_UPDATES

    release = asyncio.Event()
    adapter = ZaloAdapter(client=None, assistant=None, store=None)  # type: ignore[arg-type]

    async def slow(update: dict) -> None:  # type: ignore[type-arg]
        await release.wait()

    adapter.process = slow  # type: ignore[method-assign]

    def pending() -> float:
        return REGISTRY.get_sample_value("troly_pending_updates", {"channel": "zalo"}) or 0.0

    PENDING_UPDATES.labels("zalo")  # the sample exists from here on
    start = pending()
    tasks = [adapter.spawn({}), adapter.spawn({})]
    assert pending() == start + 2
    release.set()
    await asyncio.gather(*tasks)
    await asyncio.sleep(0)  # done callbacks run on the next loop turn
    assert pending() == start


_CHILD = """
import sys
from troly.metrics import PENDING_UPDATES, REQUESTS
REQUESTS.labels("zalo", "qa").inc(int(sys.argv[1]))
PENDING_UPDATES.labels("zalo").inc(int(sys.argv[1]))
"""
_SCRAPER = "import sys; from troly.metrics import exposition; sys.stdout.write(exposition()[0].decode())"


def test_multiprocess_mode_sums_every_worker(tmp_path: Path) -> None:
    """With PROMETHEUS_MULTIPROC_DIR, a scrape from any process adds up all workers' counters; a
    live gauge of a worker marked dead drops out."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PYTHONPATH": str(REPO)}
    for n in (2, 3):
        subprocess.run([sys.executable, "-c", _CHILD, str(n)], env=env, check=True, timeout=60)
    out = subprocess.run(
        [sys.executable, "-c", _SCRAPER], env=env, check=True, timeout=60, capture_output=True, text=True
    )
    samples = parse(out.stdout)
    assert value(samples, "troly_requests_total", channel="zalo", intent="qa") == 5
    # livesum gauges count live processes only; both children have exited but were not marked dead.
    assert value(samples, "troly_pending_updates", channel="zalo") == 5
    marker = "from prometheus_client import multiprocess; import glob, os, sys; "
    marker += "[multiprocess.mark_process_dead(int(p.rsplit('_', 1)[1][:-3])) for p in glob.glob(os.path.join(sys.argv[1], 'gauge_livesum_*.db'))]"
    subprocess.run([sys.executable, "-c", marker, str(tmp_path)], env=env, check=True, timeout=60)
    out = subprocess.run(
        [sys.executable, "-c", _SCRAPER], env=env, check=True, timeout=60, capture_output=True, text=True
    )
    samples = parse(out.stdout)
    assert value(samples, "troly_pending_updates", channel="zalo") == 0
    assert value(samples, "troly_requests_total", channel="zalo", intent="qa") == 5


# ---- logs -------------------------------------------------------------------------------------


def test_json_log_lines_carry_level_logger_message_and_the_traceback() -> None:
    """TROLY_LOG_FORMAT=json: each record is one parseable JSON object; Vietnamese stays readable."""
    stream = io.StringIO()
    logger = logging.getLogger("troly.test_ops")
    logger.propagate = False
    handler = make_handler("json", stream=stream)
    logger.addHandler(handler)
    try:
        logger.warning("không đọc được %s", "tệp.pdf")
        try:
            raise ValueError("hỏng")
        except ValueError:
            logger.exception("ingest failed for %s", "x.docx")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["level"] == "WARNING" and first["logger"] == "troly.test_ops"
    assert first["message"] == "không đọc được tệp.pdf" and "time" in first and "exc_info" not in first
    assert second["level"] == "ERROR" and second["message"] == "ingest failed for x.docx"
    assert "Traceback" in second["exc_info"] and "ValueError: hỏng" in second["exc_info"]
    assert "không" in stream.getvalue()  # not \\u-escaped


def test_log_format_setting_switches_the_cli_to_json(tmp_path: Path) -> None:
    """The real entry point: a command run with TROLY_LOG_FORMAT=json writes its log lines as JSON."""
    env = {
        **os.environ,
        "TROLY_HOME": str(tmp_path / "home"),
        "TROLY_LOG_FORMAT": "json",
        "PYTHONPATH": str(REPO),
    }
    code = (
        "import logging; from troly.context import open_context; open_context(); "
        "logging.getLogger('troly.probe').warning('xin chào')"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120, capture_output=True, text=True)
    records = [json.loads(line) for line in out.stderr.splitlines() if line.startswith("{")]
    assert {"level": "WARNING", "logger": "troly.probe", "message": "xin chào"}.items() <= records[-1].items()
