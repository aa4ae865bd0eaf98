"""The one source of "now": an injectable clock, read in the configured time zone.

Every feature that depends on the current time (relative questions, idea months, reminders) asks
the composition root's clock instead of the system, so tests pin it and no result depends on the
machine's wall clock or time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

__all__ = ["Clock", "local_now", "system_clock"]

Clock = Callable[[], dt.datetime]
"""Returns the current instant; a naive value is taken as wall-clock time in the configured zone."""


def system_clock() -> dt.datetime:
    """The real current instant (UTC, aware)."""
    return dt.datetime.now(dt.UTC)


def local_now(clock: Clock, tz: ZoneInfo) -> dt.datetime:
    """``clock()`` as an aware datetime in ``tz``."""
    now = clock()
    return now.astimezone(tz) if now.tzinfo else now.replace(tzinfo=tz)
