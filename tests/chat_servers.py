"""Module-scoped fake Telegram and Zalo servers, reset before each test.

Import the fixtures into a test module (``from tests.chat_servers import tg, zl, clean_servers``)
to drive the real bots through both platforms in one conversation script.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo

__all__ = ["clean_servers", "telegram_polling", "tg", "zl"]


@pytest.fixture(scope="module")
def tg() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture(scope="module")
def zl() -> Iterator[FakeZalo]:
    with FakeZalo(idle_wait=0.2) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_servers(tg: FakeTelegram, zl: FakeZalo) -> None:
    """Forget the previous test's calls and pending updates."""
    tg.reset()
    zl.reset()


@contextlib.asynccontextmanager
async def telegram_polling(settings: Any, assistant: Any, fake: FakeTelegram) -> AsyncIterator[None]:
    """The real bot from ``build_application``, long-polling ``fake`` for the duration of the block."""
    from bot.channels.telegram import build_application

    application = build_application(settings, assistant, base_url=fake.base_url)
    async with application:
        await application.start()
        await application.updater.start_polling(timeout=1)
        try:
            yield
        finally:
            await application.updater.stop()
            await application.stop()
