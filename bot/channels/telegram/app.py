"""The Telegram application: ``build_application`` (shared by the server, ``run_polling`` and the
tests) and ``TelegramChannel``, the one object that holds the Application for the web server.

Two ways to receive updates, same handlers:

* webhook: ``TelegramChannel.router`` serves ``POST /webhooks/telegram`` (secret header checked in
  constant time) and ``startup`` registers the webhook when ``telegram_webhook_url`` and
  ``telegram_webhook_secret`` are both set;
* long polling otherwise (``startup`` starts the updater), or ``run_polling`` standalone. A poller
  first takes the bot's lease in the database (``bot.core.poller_lease``): a second process polling
  the same bot is refused with ``PollerBusyError``.

The daily idea-quota reminders are not PTB jobs: ``TelegramChannel.jobs`` hands them to the app's
``bot.core.scheduler.Scheduler``, which runs them once per day across workers.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.channels.telegram.handlers import (
    BOT_STATE_KEY,
    COMMANDS,
    REMINDER_SEND_ERRORS,
    UPLOAD_MIME_FILTER,
    BotState,
    command,
    dedup,
    document,
    feedback,
    on_error,
    quick_reply,
    reminder_sender,
    text,
    unsupported_document,
)
from bot.channels.telegram.request import RetryingRequest
from bot.core.poller_lease import PollerLease
from bot.core.reminders import REMINDER_JOB, reminder_job
from troly.metrics import PENDING_UPDATES

if TYPE_CHECKING:
    from fastapi import APIRouter

    from bot.core.assistant import Assistant
    from bot.core.scheduler import DailyJob
    from troly.config import Settings

__all__ = [
    "REMINDER_JOB",
    "SECRET_HEADER",
    "WEBHOOK_PATH",
    "PerChatUpdateProcessor",
    "TelegramChannel",
    "build_application",
    "open_channel",
    "run_polling",
]

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Several chats are served at once; one chat's updates run strictly in arrival order."""

    def __init__(self, max_concurrent_updates: int = 32) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers under its chat's lock (asyncio locks are FIFO)."""
        key = None
        if isinstance(update, Update):
            chat, user = update.effective_chat, update.effective_user
            key = chat.id if chat is not None else (user.id if user is not None else None)
        pending = PENDING_UPDATES.labels("telegram")
        pending.inc()
        try:
            if key is None:
                await coroutine
                return
            lock = self._locks.setdefault(key, asyncio.Lock())
            self._users[key] = self._users.get(key, 0) + 1
            try:
                async with lock:
                    await coroutine
            finally:
                self._users[key] -= 1
                if not self._users[key]:
                    del self._users[key], self._locks[key]
        finally:
            pending.dec()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


POOL_TIMEOUT_S = 30.0
"""Seconds a send may wait for a free HTTP connection before PTB gives up on it."""

CONNECTION_POOL_SIZE = 256
"""PTB's own default for the bot's (non-polling) requests, kept when the request object is ours."""


def _file_url(base_url: str) -> str:
    """The file-download base matching an API base: ".../bot" -> ".../file/bot"."""
    if "/file/bot" in base_url:
        return base_url
    head, sep, tail = base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if sep else base_url.rstrip("/") + "/file/bot"


def build_application(
    settings: Settings, assistant: Assistant, *, base_url: str | None = None
) -> Application[Any, Any, Any, Any, Any, Any]:
    """A PTB Application wired to the core: handlers, rate limiter, HTML defaults, local time.

    The handlers' shared ``BotState`` goes into ``application.bot_data``. Times shown to users are
    in ``settings.timezone``.
    """
    if not settings.telegram_token:
        raise ValueError("TROLY_TELEGRAM_TOKEN is not set")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # request URLs contain the token
    api = base_url or settings.telegram_base_url
    tz = ZoneInfo(settings.timezone)
    application = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(api)
        .base_file_url(_file_url(api))
        .rate_limiter(AIORateLimiter())
        # PTB waits 1 s for a free pooled connection, then drops the reply with TimedOut. A burst of
        # chats on a loaded machine can hold the pool that long; a reply that waits is better than one lost.
        # A reply whose keep-alive connection died under it is sent once more (``RetryingRequest``).
        .request(RetryingRequest(connection_pool_size=CONNECTION_POOL_SIZE, pool_timeout=POOL_TIMEOUT_S))
        .defaults(
            Defaults(
                tzinfo=tz,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(PerChatUpdateProcessor())
        .build()
    )
    application.bot_data[BOT_STATE_KEY] = BotState(settings, assistant)
    application.add_handler(TypeHandler(Update, dedup), group=-1)
    application.add_handler(CommandHandler(list(COMMANDS), command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, text))
    application.add_handler(MessageHandler(UPLOAD_MIME_FILTER, document))
    application.add_handler(MessageHandler(filters.Document.ALL, unsupported_document))
    application.add_handler(CallbackQueryHandler(feedback, pattern=r"^fb:[+-]1$"))
    application.add_handler(CallbackQueryHandler(quick_reply))
    application.add_error_handler(on_error)
    return application


class TelegramChannel:
    """One Application for the web server: its webhook ``router`` and its ``startup``/``shutdown``.

    ``bot.app.create_app`` builds one per app through ``open_channel`` and includes the router;
    both halves share this object's Application, so no registry is needed.
    """

    def __init__(self, settings: Settings, assistant: Assistant, *, base_url: str | None = None) -> None:
        self.settings = settings
        self.assistant = assistant
        self.application = build_application(settings, assistant, base_url=base_url)
        self.router = self._make_router()
        self.poller_lease: PollerLease | None = None

    @property
    def webhook_mode(self) -> bool:
        return bool(self.settings.telegram_webhook_url and self.settings.telegram_webhook_secret)

    def _make_router(self) -> APIRouter:
        """``POST /webhooks/telegram``: secret header checked, update queued, 200 at once.

        Without a webhook secret every call is refused (403).
        """
        from fastapi import APIRouter, Request, Response

        router = APIRouter()
        application = self.application
        secret = (self.settings.telegram_webhook_secret or "").encode("utf-8")

        async def telegram_webhook(request: Request) -> Response:
            """Accept one update from Telegram."""
            given = request.headers.get(SECRET_HEADER, "").encode("utf-8")
            if not secret or not hmac.compare_digest(given, secret):
                return Response(status_code=403)
            if not application.running:
                return Response(status_code=503)  # Telegram retries later
            try:
                body = await request.json()
                update = Update.de_json(body, application.bot)
            except Exception:
                logger.warning("malformed Telegram webhook payload")
                return Response(status_code=400)
            await application.update_queue.put(update)
            return Response(status_code=200)

        # fastapi is imported here (optional dependency), so resolve the postponed annotations now
        telegram_webhook.__annotations__ = {"request": Request, "return": Response}
        router.add_api_route(WEBHOOK_PATH, telegram_webhook, methods=["POST"], include_in_schema=False)
        return router

    async def startup(self) -> None:
        """Start the Application, then set the webhook or start long polling.

        Raises:
            PollerBusyError: polling mode, and another process already polls this bot.
        """
        application = self.application
        polling = not self.webhook_mode and application.updater is not None
        if polling:  # before anything starts: a refused poller leaves nothing to stop
            self.poller_lease = PollerLease(
                self.assistant.leases,
                channel="telegram",
                token=self.settings.telegram_token or "",
                now=self.assistant.now,
                on_lost=self._stop_polling,
            )
            await self.poller_lease.acquire()
        await application.initialize()
        await application.start()
        if self.webhook_mode:
            await application.bot.set_webhook(
                self.settings.telegram_webhook_url,
                secret_token=self.settings.telegram_webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
            logger.info("Telegram webhook set")
        elif application.updater is not None:
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            logger.info("Telegram long polling started")

    async def _stop_polling(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()

    async def shutdown(self) -> None:
        """Stop polling (and give its lease up) and the Application."""
        application = self.application
        await self._stop_polling()
        if self.poller_lease is not None:
            await self.poller_lease.release()
            self.poller_lease = None
        if application.running:
            await application.stop()
        await application.shutdown()

    async def open_for_jobs(self) -> None:
        """Make the bot usable for sending only (a ``troly scheduler`` process): no webhook, no polling."""
        await self.application.initialize()

    async def close_for_jobs(self) -> None:
        await self.application.shutdown()

    def jobs(self) -> list[DailyJob]:
        """The scheduled jobs sent through this bot: the daily idea-quota reminders."""
        send = reminder_sender(self.application.bot)
        return [reminder_job(self.settings, self.assistant, "telegram", send, REMINDER_SEND_ERRORS)]


def open_channel(settings: Settings, assistant: Assistant) -> TelegramChannel | None:
    """The Telegram channel for the web server; None without ``TROLY_TELEGRAM_TOKEN``."""
    if not settings.telegram_token:
        return None
    return TelegramChannel(settings, assistant)


def run_polling(settings: Settings, assistant: Assistant) -> None:
    """Run the bot with long polling (holding the bot's polling lease) until Ctrl+C, with no web server.

    Raises:
        PollerBusyError: another process already polls this bot.
    """

    async def main() -> None:
        channel = TelegramChannel(settings.model_copy(update={"telegram_webhook_url": None}), assistant)
        await channel.startup()
        try:
            await asyncio.Event().wait()
        finally:
            await channel.shutdown()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
