"""Daily proactive messages, shared by the Telegram and Zalo schedulers: end-of-month idea-quota
reminders, and the assignment follow-up that users opted into with /theodoi (Monday's digest per
unit, reminders ``Settings.reminder_days`` (7 and 1) days before a deadline, the administrators' overdue list).

``collect_reminders`` decides *what* to send to *whom* (pure reads: the quota report and the users
bound to each unit with /donvi, plus one summary per admin); ``deliver_reminders`` makes each
(recipient, day) pair go out at most once, across workers and restarts, by claiming its
``reminder_key`` in the chat store. ``reminder_job`` wraps one channel's delivery as a
:class:`~bot.core.scheduler.DailyJob` (daily at ``Settings.reminder_hour``:``reminder_minute`` in
``Settings.timezone``), which the scheduler runs once per day across workers through a lease; the
channels only filter by their prefix and send.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING

from bot.core.scheduler import DailyJob

if TYPE_CHECKING:
    from bot.core.assistant import Assistant
    from troly.config import Settings

__all__ = [
    "REMINDER_JOB",
    "Send",
    "collect_reminders",
    "deliver_reminders",
    "for_channel",
    "reminder_job",
    "reminder_key",
]

logger = logging.getLogger(__name__)

#: The scheduled job's name; each channel's job is "<REMINDER_JOB>:<channel>".
REMINDER_JOB = "idea-quota-reminders"

Send = Callable[[str, str], Awaitable[None]]


def collect_reminders(assistant: Assistant, today: dt.date) -> list[tuple[str, str]]:
    """(user_key, text) for every user bound to a unit behind quota, then one summary per admin,
    then the follow-up messages of subscribed users (``FollowupService.digests``).

    No idea-quota text before ``ideas_reminder_day`` (admins get none either). A user bound to a unit gets
    that unit's text; each admin key gets ``admin_summary``; a user who is both gets one message
    with both parts, so the per-(user, day) claim below covers everything they receive.
    """
    from troly.ideas.report import admin_summary, due_reminders

    ctx = assistant.ctx
    texts: dict[str, list[str]] = {}  # user_key -> texts, in order; one message per user and day
    if today.day >= ctx.settings.ideas_reminder_day:
        for unit_id, text in due_reminders(ctx, today):
            for user_key in assistant.store.user_keys_for_unit(unit_id=unit_id):
                if text not in texts.setdefault(user_key, []):
                    texts[user_key].append(text)
        admins = sorted(ctx.settings.admin_keys)
        if admins:
            summary = admin_summary(ctx, today)
            for key in admins:
                texts.setdefault(key, []).append(summary)
    followup = ctx.followup_service(clock=assistant.now)
    for user_key, text in followup.digests(today, admins=ctx.settings.admin_keys, days=ctx.settings.reminder_days):
        texts.setdefault(user_key, []).append(text)
    return [(key, "\n\n".join(parts)) for key, parts in texts.items()]


def reminder_key(user_key: str, today: dt.date) -> str:
    """The once-only claim of reminding ``user_key`` on ``today``."""
    return f"reminder:{user_key}:{today.isoformat()}"


def for_channel(items: Iterable[tuple[str, str]], channel: str) -> list[tuple[str, str]]:
    """(user_id, text) for the keys of ``channel`` ("telegram:123" -> "123")."""
    prefix = f"{channel}:"
    return [(key[len(prefix) :], text) for key, text in items if key.startswith(prefix) and len(key) > len(prefix)]


async def deliver_reminders(
    assistant: Assistant,
    channel: str,
    today: dt.date,
    send: Send,
    errors: tuple[type[BaseException], ...],
) -> int:
    """Send today's reminders for ``channel`` through ``send(user_id, body)``; returns how many users
    got one. Each (user, day) is claimed durably before sending, so a second run the same day
    (another worker, a restart, a manual run) sends nothing twice; a send failing with one of
    ``errors`` releases its claim for the next run."""
    store = assistant.store
    items = await asyncio.to_thread(collect_reminders, assistant, today)
    sent = 0
    for user_id, body in for_channel(items, channel):
        key = f"{channel}:{user_id}"
        if not await asyncio.to_thread(store.claim_once, reminder_key(key, today)):
            continue
        try:
            await send(user_id, body)
        except errors as e:
            logger.warning("%s reminder to %s not sent: %s", channel, key, e)
            await asyncio.to_thread(store.release, reminder_key(key, today))
            continue
        sent += 1
    if sent:
        logger.info("sent %d daily message(s) (idea quota, follow-up) on %s", sent, channel)
    return sent


def reminder_job(
    settings: Settings, assistant: Assistant, channel: str, send: Send, errors: tuple[type[BaseException], ...]
) -> DailyJob:
    """The daily reminders of ``channel`` at ``settings.reminder_hour``:``reminder_minute`` as a scheduled
    job; complete when no send failed (a failed one keeps the day open, so a later tick retries just
    the users still unreminded)."""

    async def run(today: dt.date) -> bool:
        now = assistant.now()
        if settings.is_quiet(now.timetz().replace(tzinfo=None)):
            # A worker back in the night within the grace period: nothing is sent unasked now.
            logger.warning("daily messages of %s not sent at %s: quiet hours %s", channel, now, settings.quiet_hours)
            return False
        failed = 0

        async def counted(user_id: str, body: str) -> None:
            nonlocal failed
            try:
                await send(user_id, body)
            except errors:
                failed += 1
                raise

        await deliver_reminders(assistant, channel, today, counted, errors)
        return failed == 0

    return DailyJob(f"{REMINDER_JOB}:{channel}", dt.time(settings.reminder_hour, settings.reminder_minute), run)
