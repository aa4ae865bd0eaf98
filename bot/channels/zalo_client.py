"""A small async client for the Zalo Bot Platform API (no official Python SDK exists).

Every call is ``POST {base}/bot{token}/{method}`` with a JSON body and answers the envelope
``{ok, result}`` or ``{ok: false, error_code, description}``. 429, 5xx and transport errors are
retried with exponential backoff (bounded); nothing else is. The token is part of every URL, so
this module logs method names only and keeps httpx's own request logging at WARNING.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import httpx

from troly.errors import TrolyError

__all__ = ["DEFAULT_BASE_URL", "MAX_TEXT_CHARS", "ZaloAPIError", "ZaloClient"]

logger = logging.getLogger(__name__)
logging.getLogger("httpx").setLevel(logging.WARNING)  # httpx logs full URLs, which hold the token
logging.getLogger("httpcore").setLevel(logging.WARNING)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
MAX_TEXT_CHARS = 2000
IDLE_POLL_CODES = frozenset({408, 504})  # getUpdates with nothing to deliver


class ZaloAPIError(TrolyError):
    """The Zalo Bot API answered an error envelope (or could not be reached after retries)."""

    user_message = "Không gửi được tin nhắn qua Zalo, vui lòng thử lại sau."

    def __init__(self, error_code: int, description: str, *, method: str | None = None) -> None:
        self.error_code = error_code
        self.description = description
        self.method = method
        where = f" ({method})" if method else ""
        super().__init__(f"Zalo API error {error_code}{where}: {description}")


def _retryable(code: int) -> bool:
    return code == 429 or 500 <= code <= 599


class ZaloClient:
    """Zalo Bot API over ``httpx.AsyncClient``.

    ``client`` may be injected (tests, shared pools); otherwise one is created and ``aclose`` closes
    it. ``max_concurrency`` throttles concurrent calls other than the long poll.
    """

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        client: httpx.AsyncClient | None = None,
        max_attempts: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        timeout: float = 15.0,
        max_concurrency: int = 32,
    ) -> None:
        if not token:
            raise ValueError("a Zalo bot token is required")
        self._token = token
        self.base_url = base_url.rstrip("/")
        self._own_client = client is None
        self._client = client or httpx.AsyncClient(timeout=timeout)
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.timeout = timeout
        self._slots = asyncio.Semaphore(max_concurrency)

    def __repr__(self) -> str:  # never show the token
        return f"ZaloClient(base_url={self.base_url!r})"

    async def aclose(self) -> None:
        if self._own_client:
            await self._client.aclose()

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "<token>")

    def _delay(self, attempt: int) -> float:
        base = min(self.max_backoff, self.backoff * (2.0**attempt))
        return base * (0.75 + random.random() * 0.5)

    async def call(
        self,
        method: str,
        payload: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
        idle_codes: frozenset[int] = frozenset(),
        throttle: bool = True,
    ) -> Any:
        """POST one method; return ``result``. ``idle_codes``: error codes that mean "nothing" (→ None)."""
        url = f"{self.base_url}/bot{self._token}/{method}"
        last_error: ZaloAPIError | None = None
        for attempt in range(self.max_attempts):
            if attempt:
                delay = self._delay(attempt - 1)
                logger.info(
                    "zalo %s: retry %d/%d in %.2fs (%s)",
                    method,
                    attempt,
                    self.max_attempts - 1,
                    delay,
                    last_error.description if last_error else "",
                )
                await asyncio.sleep(delay)
            try:
                if throttle:
                    async with self._slots:
                        response = await self._client.post(url, json=payload or {}, timeout=timeout or self.timeout)
                else:
                    response = await self._client.post(url, json=payload or {}, timeout=timeout or self.timeout)
            except httpx.TransportError as e:  # connect/read errors, timeouts: retried
                last_error = ZaloAPIError(-1, f"{type(e).__name__}: {self._redact(str(e))}", method=method)
                continue
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict) and body.get("ok") is True and response.status_code < 400:
                return body.get("result")
            if isinstance(body, dict) and body.get("ok") is False:
                code = int(body.get("error_code") or response.status_code)
                description = self._redact(str(body.get("description") or ""))
            else:
                code = response.status_code
                description = f"HTTP {response.status_code} without a Zalo envelope"
            if code in idle_codes:
                return None
            error = ZaloAPIError(code, description, method=method)
            if _retryable(code) or _retryable(response.status_code):
                last_error = error
                continue
            raise error
        assert last_error is not None
        logger.warning("zalo %s failed after %d attempts: %s", method, self.max_attempts, last_error.description)
        raise last_error

    # --- methods -------------------------------------------------------------------------------

    async def get_me(self) -> dict[str, Any]:
        me: dict[str, Any] = await self.call("getMe")
        return me

    async def get_updates(self, timeout: int = 30) -> dict[str, Any] | None:
        """Long-poll for ONE update; None when the poll was idle (408/504 are normal)."""
        result = await self.call(
            "getUpdates",
            {"timeout": str(int(timeout))},
            timeout=timeout + 10.0,
            idle_codes=IDLE_POLL_CODES,
            throttle=False,
        )
        if isinstance(result, list):  # tolerate a list-shaped answer: take the first update
            return result[0] if result else None
        update: dict[str, Any] | None = result or None
        return update

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        if not 8 <= len(secret_token) <= 256:
            raise ValueError("the Zalo webhook secret must be 8–256 characters")
        answer: dict[str, Any] = await self.call("setWebhook", {"url": url, "secret_token": secret_token})
        return answer

    async def delete_webhook(self) -> dict[str, Any]:
        answer: dict[str, Any] = await self.call("deleteWebhook")
        return answer

    async def get_webhook_info(self) -> dict[str, Any] | None:
        """The current webhook, or None when none is set (the API answers HTTP 404)."""
        try:
            info: dict[str, Any] = await self.call("getWebhookInfo")
            return info
        except ZaloAPIError as e:
            if e.error_code == 404:
                return None
            raise

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        """Send 1–2000 characters of plain text (the caller splits longer texts)."""
        if not text:
            raise ValueError("empty message")
        if len(text) > MAX_TEXT_CHARS:
            raise ValueError(f"message of {len(text)} characters exceeds Zalo's {MAX_TEXT_CHARS}: split it")
        sent: dict[str, Any] = await self.call("sendMessage", {"chat_id": str(chat_id), "text": text})
        return sent

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", {"chat_id": str(chat_id), "action": action})
