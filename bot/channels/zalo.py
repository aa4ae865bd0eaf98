"""Zalo Bot Platform channel: update adapter, webhook router, long-poll worker and app hooks.

    update (webhook POST or getUpdates) → claim in the chat store → "typing" →
    Assistant.handle in a thread → plain-text render with numbered sources → ≤ 2000-char messages

``bot.app.create_app`` gets a ``ZaloChannel`` from ``open_channel(settings, assistant)``, includes
its router and runs its ``startup``/``shutdown``: with ``TROLY_ZALO_WEBHOOK_URL`` and
``TROLY_ZALO_WEBHOOK_SECRET`` set, startup registers the webhook; otherwise it long-polls, holding
the bot's polling lease (a second poller of the same bot is refused with ``PollerBusyError``). The
daily reminders are a job (``ZaloChannel.jobs``) for the app's scheduler, once across workers.
Admin rights are decided by the core from ``zalo:<user id>``; this module only passes the id on.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import logging
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, HTTPException, Request

from bot.channels.render import render_plain, split_message
from bot.channels.zalo_client import MAX_TEXT_CHARS, ZaloAPIError, ZaloClient
from bot.core.messages import IncomingMessage, Reply
from bot.core.poller_lease import PollerLease
from bot.core.reminders import Send, deliver_reminders, reminder_job
from troly.chat_store import ChatStore
from troly.config import Settings
from troly.metrics import PENDING_UPDATES

if TYPE_CHECKING:
    from bot.core.scheduler import DailyJob

__all__ = [
    "SECRET_HEADER",
    "UNSUPPORTED_TEXT",
    "WEBHOOK_PATH",
    "ZaloAPIError",
    "ZaloAdapter",
    "ZaloChannel",
    "ZaloClient",
    "ZaloPoller",
    "make_router",
    "open_channel",
    "parse_update",
    "send_zalo_reminders",
    "to_incoming",
]

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/webhooks/zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
TEXT_EVENT = "message.text.received"
UNSUPPORTED_TEXT = "Xin lỗi, hiện tại trợ lý chỉ hỗ trợ câu hỏi dạng văn bản, bạn vui lòng gõ câu hỏi bằng chữ."
ERROR_TEXT = "Xin lỗi, hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút."


def parse_update(payload: Any) -> dict[str, Any]:
    """Normalise a webhook body or getUpdates result to ``{event_name, message}``; ValueError if malformed.

    Accepts ``{ok, result: {event_name, message}}`` and the top-level ``{event_name, message}``.
    """
    if isinstance(payload, dict) and isinstance(payload.get("result"), dict):
        payload = payload["result"]
    if not isinstance(payload, dict):
        raise ValueError("update is not an object")
    event = payload.get("event_name")
    message = payload.get("message")
    if not isinstance(event, str) or not event or not isinstance(message, dict):
        raise ValueError("update lacks event_name or message")
    sender = message.get("from")
    if not isinstance(sender, dict) or sender.get("id") in (None, ""):
        raise ValueError("update message lacks from.id")
    chat = message.get("chat")
    if chat is not None and not isinstance(chat, dict):
        raise ValueError("update message.chat is not an object")
    return payload


def _received_at(ms: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromtimestamp(int(ms) / 1000, tz=dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def to_incoming(update: dict[str, Any]) -> IncomingMessage:
    """The channel-neutral message for a (parsed) update."""
    message = update["message"]
    sender = message["from"]
    chat = message.get("chat") or {}
    text = message.get("text") if update["event_name"] == TEXT_EVENT else message.get("caption")
    message_id = message.get("message_id")
    return IncomingMessage(
        channel="zalo",
        user_id=str(sender["id"]),
        chat_id=str(chat.get("id") or sender["id"]),
        text=str(text or ""),
        display_name=sender.get("display_name"),
        message_id=str(message_id) if message_id not in (None, "") else None,
        received_at=_received_at(message.get("date")),
    )


def dedup_key(update: dict[str, Any]) -> str | None:
    """The once-only claim of an update ("zalo:<event>:<message id>"); None without a message id."""
    message_id = update["message"].get("message_id")
    if message_id in (None, ""):
        return None
    return f"zalo:{update['event_name']}:{message_id}"


class ZaloAdapter:
    """Claims, answers and sends: shared by the webhook and the poller."""

    def __init__(self, client: ZaloClient, assistant: Any, store: ChatStore) -> None:
        self.client = client
        self.assistant = assistant
        self.store = store
        self._tasks: set[asyncio.Task[None]] = set()
        self._chat_locks: dict[str, asyncio.Lock] = {}
        self._chat_users: dict[str, int] = {}

    # --- dedup ---------------------------------------------------------------------------------

    async def claim(self, update: dict[str, Any]) -> bool:
        """Record the update durably; False when it was already recorded (a re-delivery)."""
        key = dedup_key(update)
        if key is None:
            logger.warning("zalo %s without message_id: handled without dedup", update["event_name"])
            return True
        claimed = await asyncio.to_thread(self.store.claim_once, key)
        if not claimed:
            logger.info("zalo re-delivery skipped: %s", update["event_name"])
        return claimed

    # --- processing ----------------------------------------------------------------------------

    def spawn(self, update: dict[str, Any]) -> asyncio.Task[None]:
        """Answer in the background (the task is kept referenced until done)."""
        pending = PENDING_UPDATES.labels("zalo")
        pending.inc()
        task = asyncio.create_task(self.process(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(lambda _task: pending.dec())
        return task

    async def drain(self, timeout: float = 30.0) -> None:
        """Wait for background answers (at shutdown); cancel what is still running after ``timeout``."""
        pending = [t for t in self._tasks if not t.done()]
        if not pending:
            return
        _done, still = await asyncio.wait(pending, timeout=timeout)
        for task in still:
            task.cancel()

    async def deliver(self, update: dict[str, Any]) -> bool:
        """Claim then answer in the background; False for a re-delivery (nothing done)."""
        if not await self.claim(update):
            return False
        self.spawn(update)
        return True

    async def process(self, update: dict[str, Any]) -> None:
        """Answer one claimed update; never raises (errors are logged, the user gets an apology)."""
        msg = to_incoming(update)
        chat_id = msg.chat_id or msg.user_id
        lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
        self._chat_users[chat_id] = self._chat_users.get(chat_id, 0) + 1
        try:
            async with lock:  # one chat's messages are answered in arrival order
                await self._answer(update, msg, chat_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("zalo: failed to answer %s", update.get("event_name"))
        finally:
            self._chat_users[chat_id] -= 1
            if not self._chat_users[chat_id]:
                del self._chat_users[chat_id]
                self._chat_locks.pop(chat_id, None)

    async def _answer(self, update: dict[str, Any], msg: IncomingMessage, chat_id: str) -> None:
        try:
            await self.client.send_chat_action(chat_id, "typing")
        except (ZaloAPIError, ValueError) as e:
            logger.info("zalo typing action failed: %s", e)
        if update["event_name"] != TEXT_EVENT or not msg.text.strip():
            await self.send_reply(chat_id, Reply(text=UNSUPPORTED_TEXT, intent="unsupported"))
            return
        try:
            reply = await asyncio.to_thread(self.assistant.handle, msg)
        except Exception:
            logger.exception("zalo: assistant failed")
            reply = Reply(text=ERROR_TEXT, intent="error")
        await self.send_reply(chat_id, reply)

    async def send_reply(self, chat_id: str, reply: Reply) -> int:
        """Render, split and send in order; returns the number of messages sent."""
        parts = split_message(render_plain(reply), MAX_TEXT_CHARS) or [ERROR_TEXT]
        for part in parts:
            await self.client.send_message(chat_id, part)
        return len(parts)


class ZaloPoller:
    """Long-polls ``getUpdates`` and answers each update, until ``stop``. Backs off on errors."""

    def __init__(
        self,
        client: ZaloClient,
        assistant: Any,
        store: ChatStore,
        *,
        adapter: ZaloAdapter | None = None,
        poll_timeout: int = 30,
        max_backoff: float = 60.0,
        drop_webhook: bool = True,
    ) -> None:
        self.client = client
        self.adapter = adapter or ZaloAdapter(client, assistant, store)
        self.poll_timeout = poll_timeout
        self.max_backoff = max_backoff
        self.drop_webhook = drop_webhook
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> asyncio.Task[None]:
        if not self.running:
            self._stop = asyncio.Event()
            self._task = asyncio.create_task(self.run(), name="zalo-poller")
        assert self._task is not None
        return self._task

    async def stop(self, drain_timeout: float = 30.0) -> None:
        self._stop.set()
        if self._task is not None:
            self._task.cancel()  # interrupts the long poll in flight
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        await self.adapter.drain(drain_timeout)

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
        except TimeoutError:
            pass

    async def run(self) -> None:
        failures = 0
        webhook_checked = not self.drop_webhook
        while not self._stop.is_set():
            try:
                if not webhook_checked:  # getUpdates does not work while a webhook is set
                    info = await self.client.get_webhook_info()
                    if info and info.get("url"):
                        logger.warning("zalo: a webhook is set but none is configured: deleting it to poll")
                        await self.client.delete_webhook()
                    webhook_checked = True
                update = await self.client.get_updates(timeout=self.poll_timeout)
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as e:
                failures += 1
                delay = min(self.max_backoff, 0.5 * 2 ** min(failures, 10))
                logger.warning("zalo poll failed (%s), retrying in %.1fs", e, delay)
                await self._sleep(delay)
                continue
            if update is None:
                continue
            try:
                await self.adapter.deliver(parse_update(update))
            except ValueError as e:
                logger.warning("zalo: malformed update skipped: %s", e)
            except Exception:
                logger.exception("zalo: could not record an update")


# --- daily idea-quota reminders ------------------------------------------------------------------


#: Send failures that leave a reminder for a later run (the claim is released).
REMINDER_SEND_ERRORS: tuple[type[BaseException], ...] = (ZaloAPIError, ValueError)


def reminder_sender(client: ZaloClient) -> Send:
    """``send(user_id, body)`` for the reminders: plain text in ≤ 2000-character parts."""

    async def send(user_id: str, body: str) -> None:
        for part in split_message(body, MAX_TEXT_CHARS):
            await client.send_message(user_id, part)  # private chat id == user id

    return send


async def send_zalo_reminders(client: ZaloClient, assistant: Any, today: dt.date) -> int:
    """Remind Zalo users of units behind idea quota, and Zalo admins; returns how many users were sent
    one (once per user and day across workers and restarts: see ``deliver_reminders``)."""
    return await deliver_reminders(assistant, "zalo", today, reminder_sender(client), REMINDER_SEND_ERRORS)


# --- app wiring --------------------------------------------------------------------------------


def webhook_mode(settings: Settings) -> bool:
    return bool(settings.zalo_webhook_url and settings.zalo_webhook_secret)


def make_router(settings: Settings, adapter: ZaloAdapter) -> APIRouter:
    """``POST /webhooks/zalo``: secret check (constant time), parse, durable dedup, 200, answer later."""
    router = APIRouter()
    secret = (settings.zalo_webhook_secret or "").encode()

    @router.post(WEBHOOK_PATH, include_in_schema=False)
    async def zalo_webhook(request: Request) -> dict[str, bool]:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not secret or not hmac.compare_digest(given, secret):
            raise HTTPException(status_code=403, detail="forbidden")
        try:
            update = parse_update(await request.json())
        except ValueError as e:  # includes JSONDecodeError
            raise HTTPException(status_code=400, detail=f"malformed update: {e}") from None
        try:
            await adapter.deliver(update)
        except Exception:
            logger.exception("zalo: could not record an update")
            raise HTTPException(status_code=500, detail="not recorded") from None  # the platform retries
        return {"ok": True}

    return router


class ZaloChannel:
    """The Zalo channel of one web server: client, adapter, webhook ``router``, the poller that
    ``startup`` starts and ``shutdown`` stops (then drains the answers), and the daily ``jobs``."""

    def __init__(self, settings: Settings, assistant: Any) -> None:
        if not settings.zalo_token:
            raise ValueError("TROLY_ZALO_TOKEN is not set")
        self.settings = settings
        self.assistant = assistant
        self.client = ZaloClient(settings.zalo_token, base_url=settings.zalo_base_url)
        self.adapter = ZaloAdapter(self.client, assistant, assistant.store)
        self.router = make_router(settings, self.adapter)
        self.poller: ZaloPoller | None = None
        self.poller_lease: PollerLease | None = None

    async def startup(self) -> None:
        """Register the webhook when configured, else take the polling lease and start long polling.

        Raises:
            PollerBusyError: polling mode, and another process already polls this bot.
        """
        settings = self.settings
        if webhook_mode(settings):
            try:
                await self.client.set_webhook(settings.zalo_webhook_url or "", settings.zalo_webhook_secret or "")
                logger.info("zalo webhook registered")
            except (ZaloAPIError, ValueError) as e:
                logger.error("zalo webhook registration failed: %s", e)
        else:
            self.poller_lease = PollerLease(
                self.assistant.leases,
                channel="zalo",
                token=settings.zalo_token or "",
                now=self.assistant.now,
                on_lost=self._stop_polling,
            )
            await self.poller_lease.acquire()
            self.poller = ZaloPoller(self.client, self.assistant, self.adapter.store, adapter=self.adapter)
            self.poller.start()
            logger.info("zalo long polling started")

    async def _stop_polling(self) -> None:
        if self.poller is not None:
            await self.poller.stop()
            self.poller = None

    async def shutdown(self) -> None:
        """Stop the poller (and give its lease up), wait for answers in flight, close the client."""
        try:
            if self.poller is not None:
                await self._stop_polling()
            else:
                await self.adapter.drain()
            if self.poller_lease is not None:
                await self.poller_lease.release()
                self.poller_lease = None
        finally:
            await self.client.aclose()

    def jobs(self) -> list[DailyJob]:
        """The scheduled jobs sent through this bot: the daily idea-quota reminders."""
        return [reminder_job(self.settings, self.assistant, "zalo", reminder_sender(self.client), REMINDER_SEND_ERRORS)]


def open_channel(settings: Settings, assistant: Any) -> ZaloChannel | None:
    """The Zalo channel for the web server; None without ``TROLY_ZALO_TOKEN``."""
    if not settings.zalo_token:
        return None
    return ZaloChannel(settings, assistant)
