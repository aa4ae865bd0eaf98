"""The one source of "now": an injectable clock, read in the configured time zone.

Every feature that depends on the current time (relative questions, idea months, reminders) asks
the composition root's clock instead of the system, so tests pin it and no result depends on the
machine's wall clock or time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

__all__ = ["Clock", "file_clock", "local_now", "system_clock"]

Clock = Callable[[], dt.datetime]
"""Returns the current instant; a naive value is taken as wall-clock time in the configured zone."""


def system_clock() -> dt.datetime:
    """The real current instant (UTC, aware)."""
    return dt.datetime.now(dt.UTC)


def file_clock(path: Path) -> Clock:
    """A clock that reads its instant (ISO 8601) from ``path`` at every call, so rewriting the file
    moves the clock of every process reading it: several workers replaying a span of days together
    (tests, demos). Write the file atomically (write a temporary file, then rename it)."""

    def now() -> dt.datetime:
        try:
            text = path.read_text(encoding="utf-8").strip()
        except OSError as e:
            raise RuntimeError(f"the clock file {path} cannot be read: {e}") from e
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError as e:
            raise RuntimeError(f"the clock file {path} does not hold an ISO 8601 instant: {text[:40]!r}") from e

    return now


def local_now(clock: Clock, tz: ZoneInfo) -> dt.datetime:
    """``clock()`` as an aware datetime in ``tz``."""
    now = clock()
    return now.astimezone(tz) if now.tzinfo else now.replace(tzinfo=tz)
