"""What the user sees while the core works: "typing…", and an LLM answer drafted as it is written."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from telegram.constants import ChatAction, MessageLimit
from telegram.error import TelegramError
from telegram.ext import ContextTypes

__all__ = ["DRAFT_EDIT_SECONDS", "Draft", "typing"]

logger = logging.getLogger(__name__)

DRAFT_EDIT_SECONDS = 1.2  # a streamed draft is edited at most this often (Telegram limits edits)


@contextlib.asynccontextmanager
async def typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> AsyncIterator[None]:
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


class Draft:
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
