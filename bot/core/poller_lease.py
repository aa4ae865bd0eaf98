"""One long poller per bot across processes: a lease on the bot's token hash, held while polling.

A platform hands each update to whichever ``getUpdates`` call comes first, so two pollers of the
same bot split (and, after a restart, repeat) the conversation. Before polling, a channel takes
the lease ``("poller:<channel>", sha256(token))`` in ``job_leases``; a second process finds it held
and raises :class:`~troly.errors.PollerBusyError`. The holder renews it every ``ttl / 3``; a crashed
poller's lease expires after ``ttl``. Losing the lease (the database was away longer than ``ttl``
and another poller took over) calls ``on_lost``, which stops this poller.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from troly.errors import PollerBusyError
from troly.leases import make_holder, secret_key

__all__ = ["POLLER_TTL", "PollerLease"]

logger = logging.getLogger(__name__)

#: How long a poller's lease stands without renewal (a crashed poller blocks a new one this long).
POLLER_TTL = dt.timedelta(seconds=30)


class _Leases(Protocol):
    def claim(self, job: str, period: str, *, holder: str, now: dt.datetime, ttl: dt.timedelta) -> bool: ...

    def renew(self, job: str, period: str, *, holder: str, now: dt.datetime, ttl: dt.timedelta) -> bool: ...

    def release(self, job: str, period: str, *, holder: str) -> None: ...


class PollerLease:
    """The polling lease of one bot: ``acquire`` before polling, ``release`` after."""

    def __init__(
        self,
        leases: _Leases,
        *,
        channel: str,
        token: str,
        now: Callable[[], dt.datetime],
        ttl: dt.timedelta = POLLER_TTL,
        on_lost: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self.leases = leases
        self.job = f"poller:{channel}"
        self.period = secret_key(token)
        self.holder = make_holder()
        self.now = now
        self.ttl = ttl
        self.on_lost = on_lost
        self._renewer: asyncio.Task[None] | None = None

    async def acquire(self) -> None:
        """Take the lease and keep it renewed.

        Raises:
            PollerBusyError: another live process polls this bot.
        """
        ok = await asyncio.to_thread(
            self.leases.claim, self.job, self.period, holder=self.holder, now=self.now(), ttl=self.ttl
        )
        if not ok:
            raise PollerBusyError(f"another process already long-polls this bot ({self.job})")
        self._renewer = asyncio.create_task(self._renew_forever(), name=f"{self.job}-lease")

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.ttl.total_seconds() / 3)
            try:
                kept = await asyncio.to_thread(
                    self.leases.renew, self.job, self.period, holder=self.holder, now=self.now(), ttl=self.ttl
                )
            except Exception:  # the database away for a moment: try again at the next beat
                logger.warning("could not renew the %s lease", self.job, exc_info=True)
                continue
            if not kept:
                logger.error("lost the %s lease to another process; stopping this poller", self.job)
                if self.on_lost is not None:
                    await self.on_lost()
                return

    async def release(self) -> None:
        """Stop renewing and give the lease up, so a new poller can start at once."""
        task, self._renewer = self._renewer, None
        if task is None:
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        await asyncio.to_thread(self.leases.release, self.job, self.period, holder=self.holder)
