"""Telegram adapter: python-telegram-bot v22 in front of the channel-neutral core.

Every update becomes an ``IncomingMessage``; the synchronous ``Assistant.handle`` runs in a thread
while the chat shows "typing…"; its ``Reply`` is rendered as Telegram HTML (every dynamic string
escaped), split at 4096 characters on paragraph boundaries, with citations as a compact numbered
list and 👍/👎 buttons under answers. Two ways to receive updates, same handlers:

* webhook: ``make_router`` serves ``POST /webhooks/telegram`` (secret header checked in constant
  time) and ``lifespan_hooks`` registers the webhook when ``telegram_webhook_url`` and
  ``telegram_webhook_secret`` are both set;
* long polling otherwise (``lifespan_hooks`` starts the updater), or ``run_polling`` standalone.

Re-delivered updates are answered once: each update id is recorded as a ``ProcessedUpdateRow``
("telegram:<update_id>") before any handler runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import html
import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    Update,
    User,
)
from telegram.constants import ChatAction, MessageLimit, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core.messages import Attachment, IncomingMessage, Reply

if TYPE_CHECKING:
    from fastapi import APIRouter

    from bot.core.assistant import Assistant
    from troly.config import Settings

__all__ = [
    "COMMANDS",
    "SECRET_HEADER",
    "WEBHOOK_PATH",
    "build_application",
    "lifespan_hooks",
    "make_router",
    "render_reply",
    "run_polling",
    "send_due_reminders",
    "split_html",
]

logger = logging.getLogger(__name__)

#: Commands forwarded verbatim ("/cmd args") to the core, which owns their meaning.
COMMANDS: tuple[str, ...] = (
    "start",
    "help",
    "hoi",
    "nhiemvu",
    "hanchot",
    "donvi",
    "ytuong",
    "chitieu",
    "reindex",
    "tailieu",
)
WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TIMEZONE = "Asia/Ho_Chi_Minh"

#: Answers of these intents get 👍/👎 buttons.
FEEDBACK_INTENTS = frozenset({"qa", "tasks", "deadlines"})
DRAFT_EDIT_SECONDS = 1.2  # a streamed draft is edited at most this often (Telegram limits edits)
FEEDBACK_UP, FEEDBACK_DOWN = "fb:+1", "fb:-1"
QUICK_PREFIX = "q:"  # indirection for quick-reply data longer than Telegram's 64-byte limit
CALLBACK_DATA_MAX = 64
MEMO_SIZE = 2000  # remembered questions (for feedback rows) and long quick-reply payloads

UPLOAD_MIME_FILTER = (
    filters.Document.PDF
    | filters.Document.DOCX
    | filters.Document.DOC
    | filters.Document.FileExtension("pdf")
    | filters.Document.FileExtension("docx")
    | filters.Document.FileExtension("doc")
)

MSG_ERROR = "Xin lỗi, đã có lỗi xảy ra khi xử lý yêu cầu của bạn. Vui lòng thử lại sau ít phút."
MSG_PROCESSING_FILE = "Đang xử lý tệp…"
MSG_FILE_TOO_BIG = "Tệp quá lớn ({size:.1f} MB). Vui lòng gửi tệp không quá {limit:g} MB."
MSG_FILE_UNAVAILABLE = (
    "Không tải được tệp từ Telegram (máy chủ Telegram chỉ cho tải tệp đến 20 MB). "
    "Vui lòng gửi tệp nhỏ hơn hoặc nhờ quản trị viên nạp trực tiếp."
)
MSG_UNSUPPORTED_FILE = "Hiện tôi chỉ nhận tệp PDF, DOCX hoặc DOC."
MSG_FEEDBACK_THANKS = "Cảm ơn bạn đã góp ý!"
MSG_BUTTON_EXPIRED = "Nút này đã hết hạn, vui lòng gõ lại câu hỏi."

_ADAPTER_KEY = "troly"


# --------------------------------------------------------------------------- rendering


def _esc(text: str) -> str:
    """Escape a dynamic string for Telegram HTML."""
    return html.escape(text, quote=False)


def _split_plain(text: str, limit: int) -> list[str]:
    """Split plain text so every piece, once escaped, fits ``limit``: lines, then words, then chars."""
    if len(_esc(text)) <= limit:
        return [text]
    for sep in ("\n", " "):
        if sep in text:
            pieces: list[str] = []
            current = ""
            for part in text.split(sep):
                candidate = f"{current}{sep}{part}" if current else part
                if len(_esc(candidate)) <= limit:
                    current = candidate
                    continue
                if current:
                    pieces.append(current)
                current = part
                if len(_esc(part)) > limit:
                    *head, current = _split_plain(part, limit)
                    pieces.extend(head)
            if current:
                pieces.append(current)
            return pieces
    # one unbroken run: cut by characters, never inside an entity (we cut the plain text)
    pieces, current = [], ""
    for ch in text:
        if len(_esc(current + ch)) > limit:
            pieces.append(current)
            current = ""
        current += ch
    if current:
        pieces.append(current)
    return pieces


def _blocks(reply: Reply, limit: int) -> list[tuple[str, str]]:
    """Self-contained HTML blocks (no tag spans two blocks), each with the joiner that precedes it."""
    blocks: list[tuple[str, str]] = []
    for para in re.split(r"\n\s*\n", reply.text.strip()):
        if para.strip():
            blocks.extend(("\n\n", _esc(piece)) for piece in _split_plain(para.strip("\n"), limit))
    seen: set[tuple[str, str]] = set()
    lines: list[str] = []
    for cit in reply.citations:
        key = (cit.label(), cit.section or "")
        if key in seen:
            continue
        seen.add(key)
        label = key[0] + (f" — {key[1]}" if key[1] else "")
        if len(label) > 300:
            label = label[:299] + "…"
        lines.append(f"{len(lines) + 1}. <i>{_esc(label)}</i>")
    if lines:
        blocks.append(("\n\n", "<b>Nguồn:</b>"))
        blocks.extend(("\n", line) for line in lines)
    return [(joiner, body) for joiner, body in blocks]


def split_html(blocks: list[tuple[str, str]], limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Pack (joiner, html) blocks into messages of at most ``limit`` characters, in order."""
    messages: list[str] = []
    current = ""
    for joiner, body in blocks:
        candidate = f"{current}{joiner}{body}" if current else body
        if len(candidate) <= limit:
            current = candidate
        else:
            if current:
                messages.append(current)
            current = body
    if current:
        messages.append(current)
    return messages


def render_reply(reply: Reply, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """The reply as one or more Telegram HTML messages, each at most ``limit`` characters."""
    return split_html(_blocks(reply, limit), limit) or [_esc("…")]


# --------------------------------------------------------------------------- helpers


class _Memo(OrderedDict[Any, Any]):
    """A small bounded mapping (oldest entries dropped)."""

    def remember(self, key: Any, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > MEMO_SIZE:
            self.popitem(last=False)


class _State:
    """What the handlers share, kept in ``application.bot_data``."""

    def __init__(self, settings: Settings, assistant: Assistant) -> None:
        self.settings = settings
        self.assistant = assistant
        self.questions = _Memo()  # (chat_id, message_id) -> the question an answer replied to
        self.quick = _Memo()  # "q:<n>" -> long quick-reply payload
        self._quick_seq = 0

    def quick_data(self, data: str) -> str:
        if len(data.encode("utf-8")) <= CALLBACK_DATA_MAX and not data.startswith(("fb:", QUICK_PREFIX)):
            return data
        self._quick_seq += 1
        key = f"{QUICK_PREFIX}{self._quick_seq}"
        self.quick.remember(key, data)
        return key


def _state(context: ContextTypes.DEFAULT_TYPE) -> _State:
    return context.application.bot_data[_ADAPTER_KEY]


def _incoming(
    user: User, chat_id: int, text: str, message: Message | None = None, attachments: tuple[Attachment, ...] = ()
) -> IncomingMessage:
    return IncomingMessage(
        channel="telegram",
        user_id=str(user.id),
        text=text,
        chat_id=str(chat_id),
        display_name=user.full_name,
        attachments=attachments,
        message_id=str(message.message_id) if message else None,
        received_at=message.date if message else None,
    )


@contextlib.asynccontextmanager
async def _typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" until the block ends (Telegram clears it after ~5 s, so it is renewed)."""

    async def keep() -> None:
        while True:
            with contextlib.suppress(TelegramError):
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(4.5)

    task = asyncio.create_task(keep())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _markup(state: _State, reply: Reply) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    for i in range(0, len(reply.buttons), 2):
        rows.append(
            [
                InlineKeyboardButton(b.label[:64], callback_data=state.quick_data(b.data))
                for b in reply.buttons[i : i + 2]
            ]
        )
    if reply.intent in FEEDBACK_INTENTS:
        rows.append(
            [
                InlineKeyboardButton("👍", callback_data=FEEDBACK_UP),
                InlineKeyboardButton("👎", callback_data=FEEDBACK_DOWN),
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


class _Draft:
    """A plain-text message that grows while an LLM writes the answer, edited every
    ``DRAFT_EDIT_SECONDS``; the checked, rendered reply then replaces its text."""

    def __init__(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
        self.context, self.chat_id = context, chat_id
        self.pieces: list[str] = []  # appended by the core's thread, read by the event loop
        self.message_id: int | None = None
        self._shown = ""

    def on_delta(self, piece: str) -> None:
        self.pieces.append(piece)

    async def refresh_until_cancelled(self) -> None:
        while True:
            await asyncio.sleep(DRAFT_EDIT_SECONDS)
            await self.show()

    async def show(self) -> None:
        text = "".join(self.pieces).strip()
        if not text or text == self._shown:
            return
        text = text if len(text) <= MessageLimit.MAX_TEXT_LENGTH - 2 else text[: MessageLimit.MAX_TEXT_LENGTH - 2]
        try:
            if self.message_id is None:
                sent = await self.context.bot.send_message(self.chat_id, text + " …", parse_mode=None)
                self.message_id = sent.message_id
            else:
                await self.context.bot.edit_message_text(
                    text + " …", chat_id=self.chat_id, message_id=self.message_id, parse_mode=None
                )
            self._shown = text
        except TelegramError as e:  # a draft is a courtesy: the final reply is sent regardless
            logger.info("draft update failed: %s", e)


async def _ask_core(context: ContextTypes.DEFAULT_TYPE, msg: IncomingMessage) -> None:
    """Run the synchronous core in a thread (showing "typing…") and send its reply. While an LLM
    writes, the answer is shown as a growing draft, which the final reply then replaces."""
    state = _state(context)
    chat_id = int(msg.chat_id or msg.user_id)
    draft = _Draft(context, chat_id)
    # Only a configured LLM streams; without one there is nothing to draft and no task to run.
    streams = state.assistant.ctx.settings.llm_enabled
    refresher = asyncio.create_task(draft.refresh_until_cancelled()) if streams else None
    try:
        async with _typing(context, chat_id):
            reply = await asyncio.to_thread(state.assistant.handle, msg, draft.on_delta if streams else None)
    finally:
        if refresher is not None:
            refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresher
    chunks = render_reply(reply)
    markup = _markup(state, reply)
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        if i == 0 and draft.message_id is not None:
            try:
                sent = await context.bot.edit_message_text(
                    chunk, chat_id=chat_id, message_id=draft.message_id, reply_markup=markup if last else None
                )
                continue
            except TelegramError as e:
                logger.info("could not turn the draft into the answer (%s); sending it anew", e)
        sent = await context.bot.send_message(chat_id, chunk, reply_markup=markup if last else None)
    if markup is not None and reply.intent in FEEDBACK_INTENTS:
        state.questions.remember((chat_id, sent.message_id), msg.text)


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

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


# --------------------------------------------------------------------------- handlers


async def dedup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop an update already handled (a re-delivered webhook) before any other handler sees it."""
    ctx = getattr(_state(context).assistant, "ctx", None)
    if ctx is None:
        return
    if not await asyncio.to_thread(_record_update, ctx, f"telegram:{update.update_id}"):
        logger.info("update %s already processed; skipped", update.update_id)
        raise ApplicationHandlerStop


def _record_update(ctx: Any, key: str) -> bool:
    """Insert the processed-update key; False if it was already there."""
    from sqlalchemy.exc import IntegrityError

    from troly.models import ProcessedUpdateRow

    try:
        with ctx.db.transaction() as session:
            session.add(ProcessedUpdateRow(key=key))
    except IntegrityError:
        return False
    return True


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forward "/cmd args" (bot mention stripped) to the core."""
    message = update.effective_message
    if message is None or message.text is None or update.effective_user is None:
        return
    first, _, rest = message.text.partition(" ")
    name = first.split("@", 1)[0].lower()
    text = f"{name} {rest.strip()}".strip()
    await _ask_core(context, _incoming(update.effective_user, message.chat_id, text, message))


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forward a plain text message to the core."""
    message = update.effective_message
    if message is None or message.text is None or update.effective_user is None:
        return
    await _ask_core(context, _incoming(update.effective_user, message.chat_id, message.text, message))


def _safe_name(name: str | None, fallback: str) -> str:
    """A file name that cannot leave its folder."""
    base = Path((name or "").replace("\\", "/")).name.strip().lstrip(".")
    base = re.sub(r"[\x00-\x1f<>:\"|?*]", "_", base)[:200]
    return base or fallback


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Download an uploaded PDF/DOCX/DOC (size-checked) and hand it to the core to ingest."""
    message, user = update.effective_message, update.effective_user
    if message is None or message.document is None or user is None:
        return
    state = _state(context)
    doc = message.document
    limit_mb = state.settings.max_file_mb
    if doc.file_size and doc.file_size > limit_mb * 1024 * 1024:
        await message.reply_text(_esc(MSG_FILE_TOO_BIG.format(size=doc.file_size / 1048576, limit=limit_mb)))
        return
    await message.reply_text(MSG_PROCESSING_FILE)
    name = _safe_name(doc.file_name, f"{doc.file_unique_id}.bin")
    target = state.settings.home / "uploads" / str(user.id) / name
    try:
        tg_file = await doc.get_file()
        target.parent.mkdir(parents=True, exist_ok=True)
        await tg_file.download_to_drive(target)
    except TelegramError as e:
        logger.warning("download of %r from %s failed: %s", doc.file_name, user.id, e)
        await message.reply_text(_esc(MSG_FILE_UNAVAILABLE))
        return
    size = target.stat().st_size
    if size > limit_mb * 1024 * 1024:
        target.unlink(missing_ok=True)
        await message.reply_text(_esc(MSG_FILE_TOO_BIG.format(size=size / 1048576, limit=limit_mb)))
        return
    attachment = Attachment(file_name=name, path=target, mime_type=doc.mime_type, size=size)
    caption = message.caption or ""
    await _ask_core(context, _incoming(user, message.chat_id, caption, message, (attachment,)))


async def unsupported_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say politely which file types are accepted."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(_esc(MSG_UNSUPPORTED_FILE))


async def feedback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store a 👍/👎 on an answer and acknowledge the button press."""
    query = update.callback_query
    if query is None:
        return
    state = _state(context)
    value = 1 if query.data == FEEDBACK_UP else -1
    question = ref = None
    if isinstance(query.message, Message):
        question = state.questions.get((query.message.chat_id, query.message.message_id))
        ref = f"telegram:{query.message.chat_id}:{query.message.message_id}"
    ctx = getattr(state.assistant, "ctx", None)
    if ctx is not None:
        await asyncio.to_thread(_store_feedback, ctx, f"telegram:{query.from_user.id}", value, question, ref)
    await query.answer(MSG_FEEDBACK_THANKS)


def _store_feedback(ctx: Any, user_key: str, value: int, question: str | None, ref: str | None) -> None:
    from troly.models import FeedbackRow

    with ctx.db.transaction() as session:
        session.add(FeedbackRow(user_key=user_key, value=value, question=question, answer_ref=ref))


async def quick_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A quick-reply button: its data goes to the core as the user's text."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    data: str | None = query.data
    if data.startswith(QUICK_PREFIX):
        data = _state(context).quick.get(data)
    if data is None or not isinstance(query.message, Message):
        await query.answer(MSG_BUTTON_EXPIRED)
        return
    await query.answer()
    await _ask_core(context, _incoming(query.from_user, query.message.chat_id, data))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the exception and tell the user one polite sentence."""
    logger.error("error while handling a Telegram update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(update.effective_chat.id, _esc(MSG_ERROR))


# --------------------------------------------------------------------------- application


REMINDER_JOB = "idea-quota-reminders"


async def send_due_reminders(context: ContextTypes.DEFAULT_TYPE) -> int:
    """The daily job: remind Telegram users of units behind idea quota, and admins; returns the count
    sent (once per user and day across workers and restarts: see ``deliver_reminders``)."""
    from bot.core.reminders import deliver_reminders

    assistant = _state(context).assistant

    async def send(user_id: str, body: str) -> None:
        for chunk in render_reply(Reply(text=body, intent="reminder")):
            await context.bot.send_message(chat_id=int(user_id), text=chunk)  # private chat id == user id

    return await deliver_reminders(assistant, "telegram", assistant.today(), send, (TelegramError, ValueError))


def _file_url(base_url: str) -> str:
    """The file-download base matching an API base: ".../bot" -> ".../file/bot"."""
    if "/file/bot" in base_url:
        return base_url
    head, sep, tail = base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if sep else base_url.rstrip("/") + "/file/bot"


def build_application(settings: Settings, assistant: Assistant, *, base_url: str | None = None) -> Application:
    """A PTB Application wired to the core: handlers, rate limiter, HTML defaults, Vietnam time."""
    if not settings.telegram_token:
        raise ValueError("TROLY_TELEGRAM_TOKEN is not set")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # request URLs contain the token
    api = base_url or settings.telegram_base_url
    application = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(api)
        .base_file_url(_file_url(api))
        .rate_limiter(AIORateLimiter())
        .defaults(
            Defaults(
                tzinfo=ZoneInfo(TIMEZONE),
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(PerChatUpdateProcessor())
        .build()
    )
    application.bot_data[_ADAPTER_KEY] = _State(settings, assistant)
    application.add_handler(TypeHandler(Update, dedup), group=-1)
    application.add_handler(CommandHandler(list(COMMANDS), command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, text))
    application.add_handler(MessageHandler(UPLOAD_MIME_FILTER, document))
    application.add_handler(MessageHandler(filters.Document.ALL, unsupported_document))
    application.add_handler(CallbackQueryHandler(feedback, pattern=r"^fb:[+-]1$"))
    application.add_handler(CallbackQueryHandler(quick_reply))
    application.add_error_handler(on_error)
    if application.job_queue is not None:  # python-telegram-bot[job-queue] installed
        from bot.core.reminders import REMINDER_HOUR, REMINDER_MINUTE

        application.job_queue.run_daily(
            send_due_reminders,
            time=dt.time(REMINDER_HOUR, REMINDER_MINUTE, tzinfo=ZoneInfo(TIMEZONE)),
            name=REMINDER_JOB,
            job_kwargs={"misfire_grace_time": 3600, "coalesce": True},
        )
    return application


# One Application per (settings, assistant): the router and the lifespan hooks must share it.
_APPS: dict[tuple[int, int], tuple[Settings, Assistant, Application]] = {}


def _application_for(settings: Settings, assistant: Assistant) -> Application:
    key = (id(settings), id(assistant))
    entry = _APPS.get(key)
    if entry is None or entry[0] is not settings or entry[1] is not assistant:
        entry = (settings, assistant, build_application(settings, assistant))
        _APPS[key] = entry
    return entry[2]


def make_router(settings: Settings, assistant: Assistant) -> APIRouter:
    """``POST /webhooks/telegram``: secret header checked, update queued, 200 at once.

    Without a token the router is empty; without a webhook secret every call is refused (403).
    """
    from fastapi import APIRouter, Request, Response

    router = APIRouter()
    if not settings.telegram_token:
        return router
    application = _application_for(settings, assistant)
    secret = (settings.telegram_webhook_secret or "").encode("utf-8")

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

    router.telegram_application = application  # type: ignore[attr-defined]
    return router


def lifespan_hooks(
    settings: Settings, assistant: Assistant
) -> tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]:
    """(startup, shutdown): start the Application, then set the webhook or start long polling."""

    async def noop() -> None:
        return None

    if not settings.telegram_token:
        return noop, noop
    application = _application_for(settings, assistant)
    use_webhook = bool(settings.telegram_webhook_url and settings.telegram_webhook_secret)

    async def startup() -> None:
        await application.initialize()
        await application.start()
        if use_webhook:
            await application.bot.set_webhook(
                settings.telegram_webhook_url,  # type: ignore[arg-type]
                secret_token=settings.telegram_webhook_secret,
                allowed_updates=Update.ALL_TYPES,
            )
            logger.info("Telegram webhook set")
        elif application.updater is not None:
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            logger.info("Telegram long polling started")

    async def shutdown() -> None:
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()
        _APPS.pop((id(settings), id(assistant)), None)

    return startup, shutdown


def run_polling(settings: Settings, assistant: Assistant) -> None:
    """Run the bot with long polling until Ctrl+C (no web server needed)."""
    build_application(settings, assistant).run_polling(allowed_updates=Update.ALL_TYPES)
