"""Daily jobs that run once across workers: each worker ticks, a lease in the database decides.

Every web worker (and a ``troly scheduler`` process, where one is deployed) runs the same
:class:`Scheduler` over the same jobs. On each tick a job that is due today (its local time has
come, within ``grace``) is claimed for the period "YYYY-MM-DD" through ``troly.leases``: the one
worker that wins runs it, then marks the period finished; the others skip it. A job that reports
incomplete work, or raises, releases its claim so a later tick (on any worker) retries; a worker
that dies mid-run leaves a claim that expires after ``lease_ttl`` and is taken over.

Time comes from the injected clock (``Assistant.now``), never from the wall clock, so a test pins
the day and the job runs at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["DailyJob", "LeaseStore", "Scheduler"]

logger = logging.getLogger(__name__)

#: Seconds between two looks at the schedule.
TICK_S = 30.0
#: How long a job may start after its time (as PTB's ``misfire_grace_time``): a worker that was down at
#: 08:30 and back at 09:00 still sends the day's reminders; one back in the evening does not.
GRACE = dt.timedelta(hours=1)
#: How long a claim stands without its holder finishing or releasing it (a crashed worker's claim).
LEASE_TTL = dt.timedelta(minutes=10)


class LeaseStore(Protocol):
    """The part of ``troly.leases.JobLeases`` the scheduler uses."""

    def claim(self, job: str, period: str, *, holder: str, now: dt.datetime, ttl: dt.timedelta) -> bool: ...

    def finish(self, job: str, period: str, *, holder: str, now: dt.datetime) -> None: ...

    def release(self, job: str, period: str, *, holder: str) -> None: ...


@dataclass(frozen=True, slots=True)
class DailyJob:
    """A job run once a day at ``at`` local time; ``run(today)`` returns True when its work is complete."""

    name: str
    at: dt.time
    run: Callable[[dt.date], Awaitable[bool]]


class Scheduler:
    """Runs due :class:`DailyJob` s, each once per day across every worker sharing the database."""

    def __init__(
        self,
        leases: LeaseStore,
        jobs: Sequence[DailyJob],
        *,
        now: Callable[[], dt.datetime],
        holder: str,
        tick_s: float = TICK_S,
        grace: dt.timedelta = GRACE,
        lease_ttl: dt.timedelta = LEASE_TTL,
    ) -> None:
        """Args:
        leases: the lease table (``troly.leases.JobLeases``).
        jobs: what to run.
        now: the current local time (aware), from the injected clock.
        holder: this process's lease holder id (``troly.leases.make_holder``).
        """
        self.leases = leases
        self.jobs = list(jobs)
        self.now = now
        self.holder = holder
        self.tick_s = tick_s
        self.grace = grace
        self.lease_ttl = lease_ttl
        self._task: asyncio.Task[None] | None = None

    def due(self, job: DailyJob, now: dt.datetime) -> bool:
        """Whether ``job``'s time today has come and not passed by more than ``grace``."""
        start = now.replace(hour=job.at.hour, minute=job.at.minute, second=0, microsecond=0)
        return start <= now < start + self.grace

    async def run_due(self) -> list[str]:
        """One look at the schedule: claim and run every due job; returns the names this worker ran."""
        ran = []
        for job in self.jobs:
            now = self.now()
            if not self.due(job, now):
                continue
            period = now.date().isoformat()
            claimed = await asyncio.to_thread(
                self.leases.claim, job.name, period, holder=self.holder, now=now, ttl=self.lease_ttl
            )
            if not claimed:
                continue
            try:
                complete = await job.run(now.date())
            except Exception:
                logger.exception("scheduled job %s for %s failed", job.name, period)
                complete = False
            if complete:
                await asyncio.to_thread(self.leases.finish, job.name, period, holder=self.holder, now=self.now())
                ran.append(job.name)
            else:  # let a later tick (here or on another worker) try again
                await asyncio.to_thread(self.leases.release, job.name, period, holder=self.holder)
        return ran

    async def run_forever(self) -> None:
        """Tick until cancelled; a failing tick (the database away) is logged and retried."""
        while True:
            try:
                await self.run_due()
            except Exception:
                logger.exception("scheduler tick failed")
            await asyncio.sleep(self.tick_s)

    def start(self) -> None:
        """Run :meth:`run_forever` in a background task."""
        if self._task is None:
            self._task = asyncio.create_task(self.run_forever(), name="troly-scheduler")

    async def stop(self) -> None:
        """Cancel the background task and wait for it."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
