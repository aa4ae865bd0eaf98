"""Leases in the database: claims, expiry and takeover, racing workers, and one poller per bot.

The clock is always passed in (``NOW``); pollers run the real channels against the fake Telegram and
Zalo servers, and the second poller is also a real ``troly serve`` process.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.channels import zalo as zalo_channel
from bot.channels.telegram import TelegramChannel
from bot.core.assistant import Assistant
from tests.chat_servers import clean_servers, tg, zl
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo
from tests.pg_server import pg_database_url, pg_url
from troly.config import Settings
from troly.context import Context
from troly.errors import PollerBusyError
from troly.leases import JobLeases, secret_key

NOW = dt.datetime(2026, 11, 30, 1, 30, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def leases(tmp_path: Path) -> JobLeases:
    return JobLeases(Context(Settings(home=tmp_path / "home", database_url=None, chroma_url=None)).db)


def test_claim_finish_and_release(leases: JobLeases) -> None:
    job, day = "idea-quota-reminders:telegram", "2026-11-30"
    assert leases.claim(job, day, holder="a", now=NOW, ttl=MINUTE)
    assert not leases.claim(job, day, holder="b", now=NOW, ttl=MINUTE)  # a live holder has it
    assert leases.claim(job, day, holder="a", now=NOW, ttl=MINUTE)  # re-claiming our own lease is fine
    assert leases.claim(job, "2026-12-01", holder="b", now=NOW, ttl=MINUTE)  # another period
    assert leases.claim("other-job", day, holder="b", now=NOW, ttl=MINUTE)  # another job

    leases.release(job, day, holder="b")  # not b's: nothing happens
    assert leases.holder(job, day) == ("a", False)
    leases.release(job, day, holder="a")
    assert leases.holder(job, day) is None
    assert leases.claim(job, day, holder="b", now=NOW, ttl=MINUTE)

    leases.finish(job, day, holder="b", now=NOW)
    assert leases.holder(job, day) == ("b", True)
    later = NOW + dt.timedelta(days=1)
    assert not leases.claim(job, day, holder="c", now=later, ttl=MINUTE)  # a finished period stays done


def test_an_expired_lease_is_taken_over_and_renewal_keeps_it(leases: JobLeases) -> None:
    job, key = "poller:telegram", secret_key("123:token")
    assert key != "123:token" and len(key) == 32
    assert leases.claim(job, key, holder="a", now=NOW, ttl=MINUTE)
    assert leases.renew(job, key, holder="a", now=NOW + 50 * dt.timedelta(seconds=1), ttl=MINUTE)
    assert not leases.claim(job, key, holder="b", now=NOW + 100 * dt.timedelta(seconds=1), ttl=MINUTE)
    # a crashed holder stops renewing: after expiry, another takes over, and the old one notices
    assert leases.claim(job, key, holder="b", now=NOW + 3 * MINUTE, ttl=MINUTE)
    assert not leases.renew(job, key, holder="a", now=NOW + 3 * MINUTE, ttl=MINUTE)
    assert leases.holder(job, key) == ("b", False)
    # naive instants are UTC, aware ones are converted: the same moment either way
    local = (NOW + 3 * MINUTE + dt.timedelta(seconds=30)).astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert not leases.claim(job, key, holder="c", now=local, ttl=MINUTE)


def _race(leases: JobLeases, n: int, *, now: dt.datetime) -> list[str]:
    """``n`` threads claim the same (job, period) at once; returns the winners."""
    winners: list[str] = []
    barrier = threading.Barrier(n)

    def claim(name: str) -> None:
        barrier.wait()
        if leases.claim("job", "2026-11-30", holder=name, now=now, ttl=MINUTE):
            winners.append(name)

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return winners


@pytest.mark.slow
def test_one_winner_among_racing_workers_on_postgresql(tmp_path: Path, pg_database_url: str) -> None:
    ctx = Context(Settings(home=tmp_path / "home", database_url=pg_database_url, chroma_url=None))
    try:
        leases = JobLeases(ctx.db)
        assert len(_race(leases, 8, now=NOW)) == 1  # the INSERT race
        assert len(_race(leases, 8, now=NOW + 5 * MINUTE)) == 1  # the takeover (UPDATE) race
    finally:
        ctx.db.engine.dispose()


def test_one_winner_among_racing_workers_on_sqlite(leases: JobLeases) -> None:
    assert len(_race(leases, 8, now=NOW)) == 1
    assert len(_race(leases, 8, now=NOW + 5 * MINUTE)) == 1


# --------------------------------------------------------------------------- one poller per bot


def _bot_settings(home: Path, tg: FakeTelegram, zl: FakeZalo) -> Settings:
    return Settings(
        home=home,
        database_url=None,
        chroma_url=None,
        telegram_token=tg.token,
        telegram_base_url=tg.base_url,
        zalo_token=zl.token,
        zalo_base_url=zl.base_url,
    )


async def test_a_second_telegram_poller_is_refused(tg: FakeTelegram, zl: FakeZalo, tmp_path: Path) -> None:
    settings = _bot_settings(tmp_path / "home", tg, zl)
    ctx = Context(settings)
    first = TelegramChannel(settings, Assistant(ctx))
    await first.startup()
    try:
        await tg.wait_for(lambda: tg.calls_to("getUpdates"), what="the first poller polling")
        second = TelegramChannel(settings, Assistant(Context(settings)))  # another process's core
        with pytest.raises(PollerBusyError):
            await second.startup()
        assert not second.application.running
    finally:
        await first.shutdown()
    # the lease was given up on shutdown: a new poller starts at once
    third = TelegramChannel(settings, Assistant(ctx))
    await third.startup()
    await third.shutdown()


async def test_a_second_zalo_poller_is_refused(tg: FakeTelegram, zl: FakeZalo, tmp_path: Path) -> None:
    settings = _bot_settings(tmp_path / "home", tg, zl)
    first = zalo_channel.ZaloChannel(settings, Assistant(Context(settings)))
    await first.startup()
    second = zalo_channel.ZaloChannel(settings, Assistant(Context(settings)))
    try:
        with pytest.raises(PollerBusyError):
            await second.startup()
        assert second.poller is None
    finally:
        await second.shutdown()
        await first.shutdown()


@pytest.mark.slow
async def test_a_second_troly_serve_poller_exits_with_a_message(tg: FakeTelegram, zl: FakeZalo, tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = _bot_settings(home, tg, zl).model_copy(update={"zalo_token": None})
    first = TelegramChannel(settings, Assistant(Context(settings)))
    await first.startup()
    try:
        env = {
            **os.environ,
            "TROLY_HOME": str(home),
            "TROLY_TELEGRAM_TOKEN": tg.token,
            "TROLY_TELEGRAM_BASE_URL": tg.base_url,
            "TROLY_PORT": "1",  # never bound: startup stops before the port opens
        }
        for name in ("TROLY_DATABASE_URL", "TROLY_CHROMA_URL", "TROLY_ZALO_TOKEN", "TROLY_TELEGRAM_WEBHOOK_URL"):
            env.pop(name, None)
        proc = subprocess.run(
            [sys.executable, "-m", "troly.cli", "serve"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
        )
    finally:
        await first.shutdown()
    assert proc.returncode == 4, proc.stderr[-3000:]
    assert "long polling" in proc.stderr and "webhook" in proc.stderr, proc.stderr[-3000:]
    assert len(tg.calls_to("getUpdates")) >= 1  # only the first poller polled


def test_serve_refuses_several_workers_in_polling_mode(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TROLY_HOME": str(tmp_path / "home"),
        "TROLY_TELEGRAM_TOKEN": "123:abc",
        "TROLY_TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
    }
    for name in ("TROLY_TELEGRAM_WEBHOOK_URL", "TROLY_TELEGRAM_WEBHOOK_SECRET"):
        env.pop(name, None)
    proc = subprocess.run(
        [sys.executable, "-m", "troly.cli", "serve", "--workers", "3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "Telegram" in proc.stderr and "--workers 1" in proc.stderr
