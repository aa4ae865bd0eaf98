"""The conversation core: ``Assistant.handle(IncomingMessage) -> Reply``, the same for every channel.

Routing is rule-based (intent words, the unit catalogue, date words) so troly works without an LLM;
answers are extractive with citations by default and generative when ``TROLY_LLM_*`` is set. Per-user
state (last intent for follow-ups, the unit bound with /donvi, an open form) lives in SQL so every
worker and channel shares it.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.core.conversation import Conversation
from bot.core.messages import IncomingMessage, Reply
from bot.core.services import CoreServices, admin_check
from troly.chat_store import ChatStore
from troly.clock import Clock, local_now
from troly.errors import TrolyError
from troly.leases import JobLeases
from troly.metrics import REQUEST_SECONDS, REQUESTS

__all__ = ["Assistant", "DeltaSink"]

logger = logging.getLogger(__name__)


DeltaSink = Callable[[str], None]
"""Receives pieces of an answer as the LLM writes them."""


class Assistant:
    """Channel-agnostic conversation core. Synchronous: async adapters call it in a thread."""

    def __init__(self, services: CoreServices, *, clock: Clock | None = None) -> None:
        """Args:
        services: what the core uses, from the composition root (``troly.context.Context``);
            channels reach its ``settings`` and ``db`` as ``assistant.ctx``.
        clock: the current instant (default: the services' clock; ``--today`` pins it).
        """
        self.ctx = services
        self.tz = ZoneInfo(services.settings.timezone)
        self._clock: Clock = clock or services.clock
        self._is_admin = admin_check(services.settings)
        self._conversation = Conversation(services, clock=self._clock, is_admin=self.is_admin)
        self.store = ChatStore(services.db)  # chat state shared by every channel and the reminder jobs
        self.leases = JobLeases(services.db)  # scheduled jobs and pollers: once across workers

    def now(self) -> dt.datetime:
        """Current time in Asia/Ho_Chi_Minh (tests set the clock)."""
        return local_now(self._clock, self.tz)

    def today(self) -> dt.date:
        return self.now().date()

    def is_admin(self, msg: IncomingMessage) -> bool:
        return self._is_admin(msg)

    def handle(self, msg: IncomingMessage, on_delta: DeltaSink | None = None) -> Reply:
        """Answer one message. Never raises for user input: errors become a polite Vietnamese reply.

        ``on_delta`` (for channels that can show text as it is written) receives the generated
        answer's text pieces while an LLM writes it; the returned ``Reply`` is still the whole,
        checked answer and replaces them (after a failure mid-stream it is the extractive answer).
        """
        started = time.perf_counter()
        reply = self._answer(msg, on_delta)
        REQUESTS.labels(msg.channel, reply.intent).inc()
        REQUEST_SECONDS.labels(msg.channel, reply.intent).observe(time.perf_counter() - started)
        return reply

    def _answer(self, msg: IncomingMessage, on_delta: DeltaSink | None) -> Reply:
        try:
            return self._conversation.handle(msg, on_delta)
        except TrolyError as e:
            logger.warning("handled error for %s: %s", msg.user_key, e)
            return Reply(text=e.user_message, intent="error")
        except Exception:
            logger.exception("unexpected error while handling a message from %s", msg.user_key)
            return Reply(text="Xin lỗi, hệ thống đang gặp sự cố. Vui lòng thử lại sau ít phút.", intent="error")
