"""Module-scoped fake Telegram and Zalo servers, reset before each test.

Import the fixtures into a test module (``from tests.chat_servers import tg, zl, clean_servers``)
to drive the real bots through both platforms in one conversation script.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo

__all__ = ["tg", "zl", "clean_servers"]


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
