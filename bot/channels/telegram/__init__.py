"""Telegram adapter: python-telegram-bot v22 in front of the channel-neutral core.

Every update becomes an ``IncomingMessage``; the synchronous ``Assistant.handle`` runs in a thread
while the chat shows "typing…"; its ``Reply`` is rendered as Telegram HTML by the shared renderer
(:mod:`bot.channels.render.telegram`: split at 4096 characters, the citation format every channel
shows), with 👍/👎 buttons under answers.

* ``streaming``: "typing…" and the draft an LLM answer grows in;
* ``handlers``: one handler per kind of update, the dedup claim, feedback, the reminder job;
* ``app``: ``build_application`` (server, CLI and tests) and ``open_channel`` for the web server.
"""

from __future__ import annotations

from bot.channels.telegram.app import (
    REMINDER_JOB,
    SECRET_HEADER,
    WEBHOOK_PATH,
    TelegramChannel,
    build_application,
    open_channel,
    run_polling,
)
from bot.channels.telegram.handlers import COMMANDS, send_due_reminders

__all__ = [
    "COMMANDS",
    "REMINDER_JOB",
    "SECRET_HEADER",
    "WEBHOOK_PATH",
    "TelegramChannel",
    "build_application",
    "open_channel",
    "run_polling",
    "send_due_reminders",
]
