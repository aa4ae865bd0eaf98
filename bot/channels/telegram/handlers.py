"""The Telegram update handlers: each turns one kind of update into an ``IncomingMessage`` for the
core (or a store write, for 👍/👎) and sends the rendered ``Reply``.

Handlers share one ``BotState`` kept in ``application.bot_data`` (see ``bot_state``). Re-delivered
updates are answered once: ``dedup`` claims "telegram:<update_id>" in the chat store before any
other handler runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, User
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes, filters

from bot.channels.render.telegram import escape_html as _esc
from bot.channels.render.telegram import render_telegram
from bot.channels.telegram.streaming import Draft, typing
from bot.core.commands import split_command
from bot.core.messages import Attachment, IncomingMessage, Reply
from bot.core.reminders import Send

if TYPE_CHECKING:
    from bot.core.assistant import Assistant
    from troly.config import Settings

__all__ = [
    "COMMANDS",
    "REMINDER_SEND_ERRORS",
    "UPLOAD_MIME_FILTER",
    "BotState",
    "bot_state",
    "command",
    "dedup",
    "document",
    "feedback",
    "on_error",
    "quick_reply",
    "reminder_sender",
    "send_due_reminders",
    "text",
    "unsupported_document",
]

logger = logging.getLogger(__name__)

#: Commands forwarded verbatim ("/cmd args") to the core, which owns their meaning.
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
    "baocao",
    "tiendo",
    "xacnhan",
    "molai",
    "theodoi",
    "huytheodoi",
    "reindex",
    "tailieu",
    "thaythe",
)

#: Answers of these intents get 👍/👎 buttons.
FEEDBACK_INTENTS = frozenset({"qa", "tasks", "deadlines"})
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

BOT_STATE_KEY = "troly"  # where ``BotState`` lives in ``application.bot_data``


class _Memo(OrderedDict[Any, Any]):
    """A small bounded mapping (oldest entries dropped)."""

    def remember(self, key: Any, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > MEMO_SIZE:
            self.popitem(last=False)


class BotState:
    """What the handlers share, kept in ``application.bot_data[BOT_STATE_KEY]``."""

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


def bot_state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    """The handlers' shared state, set by ``build_application``."""
    state: BotState = context.application.bot_data[BOT_STATE_KEY]
    return state


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


def _markup(state: BotState, reply: Reply) -> InlineKeyboardMarkup | None:
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


async def _ask_core(context: ContextTypes.DEFAULT_TYPE, msg: IncomingMessage) -> None:
    """Run the synchronous core in a thread (showing "typing…") and send its reply. While an LLM
    writes, the answer is shown as a growing draft, which the final reply then replaces."""
    state = bot_state(context)
    chat_id = int(msg.chat_id or msg.user_id)
    draft = Draft(context, chat_id)
    # Only a configured LLM streams; without one there is nothing to draft and no task to run.
    streams = state.assistant.ctx.settings.llm_enabled
    refresher = asyncio.create_task(draft.refresh_until_cancelled()) if streams else None
    try:
        async with typing(context, chat_id):
            reply = await asyncio.to_thread(state.assistant.handle, msg, draft.on_delta if streams else None)
    finally:
        if refresher is not None:
            refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresher
    chunks = render_telegram(reply)
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
    # An edit answers True only for inline messages, never for a chat's draft.
    if markup is not None and reply.intent in FEEDBACK_INTENTS and isinstance(sent, Message):
        state.questions.remember((chat_id, sent.message_id), msg.text)


async def dedup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop an update already handled (a re-delivered webhook) before any other handler sees it."""
    store = bot_state(context).assistant.store
    if not await asyncio.to_thread(store.claim_once, f"telegram:{update.update_id}"):
        logger.info("update %s already processed; skipped", update.update_id)
        raise ApplicationHandlerStop


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Forward "/cmd args" (bot mention stripped) to the core."""
    message = update.effective_message
    if message is None or message.text is None or update.effective_user is None:
        return
    name, rest = split_command(message.text)
    text = f"{name} {rest}".strip()
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
    state = bot_state(context)
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
    state = bot_state(context)
    value = 1 if query.data == FEEDBACK_UP else -1
    question = ref = None
    if isinstance(query.message, Message):
        question = state.questions.get((query.message.chat_id, query.message.message_id))
        ref = f"telegram:{query.message.chat_id}:{query.message.message_id}"
    await asyncio.to_thread(
        functools.partial(
            state.assistant.store.add_feedback,
            user_key=f"telegram:{query.from_user.id}",
            value=value,
            question=question,
            answer_ref=ref,
        )
    )
    await query.answer(MSG_FEEDBACK_THANKS)


async def quick_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A quick-reply button: its data goes to the core as the user's text."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    raw = query.data
    data = bot_state(context).quick.get(raw) if raw.startswith(QUICK_PREFIX) else raw
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


def reminder_sender(bot: Bot) -> Send:
    """``send(user_id, body)`` for the reminders: the body rendered as Telegram HTML chunks."""

    async def send(user_id: str, body: str) -> None:
        for chunk in render_telegram(Reply(text=body, intent="reminder")):
            await bot.send_message(chat_id=int(user_id), text=chunk)  # private chat id == user id

    return send


#: Send failures that leave a reminder for a later run (the claim is released).
REMINDER_SEND_ERRORS: tuple[type[BaseException], ...] = (TelegramError, ValueError)


async def send_due_reminders(context: ContextTypes.DEFAULT_TYPE) -> int:
    """Today's reminders for Telegram users of units behind idea quota, and admins, sent now; returns
    the count sent (once per user and day across workers and restarts: see ``deliver_reminders``).
    The daily schedule runs the same delivery through ``TelegramChannel.jobs``."""
    from bot.core.reminders import deliver_reminders

    assistant = bot_state(context).assistant
    send = reminder_sender(context.bot)
    return await deliver_reminders(assistant, "telegram", assistant.today(), send, REMINDER_SEND_ERRORS)
