"""Leases in the database: a scheduled job runs once per period, a singleton role has one holder.

Every worker runs the same schedule and may try to poll the same bot; the ``job_leases`` row of
``(job, period)`` decides which one does it. A claim is atomic on SQLite and PostgreSQL alike:

* the first claimant INSERTs the row; a unique-key violation means another worker got there first;
* a row whose ``expires_at`` has passed (its holder died) is taken over with one conditional
  ``UPDATE … WHERE expires_at < now AND finished_at IS NULL``: of several racing workers exactly
  one sees a row count of 1.

A holder ``renew``s a long-lived lease (a poller) before it expires, ``finish``es a job whose period
is done (no one claims it again), or ``release``s it (failed work: the next run may claim it).
No wall clock is read here: every call takes ``now`` from the caller's injected clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import socket
import uuid
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from troly.db import Database
from troly.models import JobLeaseRow

__all__ = ["JobLeases", "make_holder", "secret_key"]


def make_holder() -> str:
    """A holder id unique to this process: host, pid and a random suffix (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def secret_key(secret: str) -> str:
    """A period key standing for a secret (a bot token) without revealing it: its SHA-256, shortened."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()[:32]


def _utc(moment: dt.datetime) -> dt.datetime:
    """Naive UTC, the form stored (an aware value is converted; a naive one is taken as UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _changed(result: Any) -> bool:
    """Whether an UPDATE matched a row (``CursorResult.rowcount``; ``Session.execute`` is typed as ``Result``)."""
    return bool(result.rowcount)


class JobLeases:
    """Claims on ``(job, period)`` rows of ``job_leases``; each method runs in its own transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def claim(self, job: str, period: str, *, holder: str, now: dt.datetime, ttl: dt.timedelta) -> bool:
        """Take the lease of ``job`` for ``period`` until ``now + ttl``.

        Args:
            job: what is done, e.g. "idea-quota-reminders:telegram" or "poller:telegram".
            period: which occurrence, e.g. "2026-11-30", or a token hash for a singleton role.
            holder: this process (:func:`make_holder`).
            now: the caller's clock.
            ttl: how long the claim stands without a ``renew``.

        Returns:
            True when this holder now holds the lease (it was free, expired, or already ours);
            False when another live holder has it or the period is finished.
        """
        start = _utc(now)
        until = start + ttl
        try:
            with self._db.transaction() as session:
                session.add(JobLeaseRow(job=job, period=period, holder=holder, acquired_at=start, expires_at=until))
            return True
        except IntegrityError:
            pass
        with self._db.transaction() as session:
            taken = session.execute(
                update(JobLeaseRow)
                .where(
                    JobLeaseRow.job == job,
                    JobLeaseRow.period == period,
                    JobLeaseRow.finished_at.is_(None),
                    (JobLeaseRow.expires_at < start) | (JobLeaseRow.holder == holder),
                )
                .values(holder=holder, acquired_at=start, expires_at=until)
            )
            return _changed(taken)

    def renew(self, job: str, period: str, *, holder: str, now: dt.datetime, ttl: dt.timedelta) -> bool:
        """Extend our lease to ``now + ttl``; False when it is no longer ours (expired and taken)."""
        with self._db.transaction() as session:
            kept = session.execute(
                update(JobLeaseRow)
                .where(JobLeaseRow.job == job, JobLeaseRow.period == period, JobLeaseRow.holder == holder)
                .values(expires_at=_utc(now) + ttl)
            )
            return _changed(kept)

    def finish(self, job: str, period: str, *, holder: str, now: dt.datetime) -> None:
        """Mark ``period`` of ``job`` done: no one claims it again."""
        with self._db.transaction() as session:
            session.execute(
                update(JobLeaseRow)
                .where(JobLeaseRow.job == job, JobLeaseRow.period == period, JobLeaseRow.holder == holder)
                .values(finished_at=_utc(now))
            )

    def release(self, job: str, period: str, *, holder: str) -> None:
        """Give the lease up (stopped poller, failed work): the next claimant gets it at once."""
        with self._db.transaction() as session:
            session.execute(
                delete(JobLeaseRow).where(
                    JobLeaseRow.job == job, JobLeaseRow.period == period, JobLeaseRow.holder == holder
                )
            )

    def holder(self, job: str, period: str) -> tuple[str, bool] | None:
        """``(holder, finished)`` of the lease, or None when nobody holds it (for checks and tests)."""
        with self._db.session() as session:
            row = session.get(JobLeaseRow, (job, period))
            return None if row is None else (row.holder, row.finished_at is not None)
