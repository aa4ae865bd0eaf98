"""A fake Zalo Bot Platform API server for tests and benchmarks (FastAPI + uvicorn on 127.0.0.1).

    with FakeZalo() as fake:
        client = ZaloClient(fake.token, base_url=fake.base_url)
        fake.push_update(fake.text_update("xin chào"))
        ...
        fake.wait_for_messages(1)
        assert fake.messages[0]["text"]

It speaks the real envelopes (``{ok, result}`` / ``{ok:false, error_code, description}``), serves
one queued update per getUpdates (idle → ok:false 408 after ``idle_wait`` seconds), records every
sendMessage / sendChatAction with its arrival time, and can fail the next N calls with 429/500.
"""

from __future__ import annotations

import asyncio
import itertools
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from tests.local_server import LocalServer

__all__ = ["FakeZalo", "Sent"]

MAX_TEXT = 2000


@dataclass
class Sent:
    method: str
    chat_id: str
    text: str | None = None
    action: str | None = None
    at: float = field(default_factory=time.monotonic)

    def __getitem__(self, key: str) -> Any:  # dict-style access in assertions
        return getattr(self, key)


class FakeZalo:
    """The fake server; a context manager that starts/stops uvicorn in a background thread."""

    def __init__(
        self, token: str = "1234567890:fake-secret-token", *, idle_wait: float = 0.2, latency: float = 0.0
    ) -> None:
        self.token = token
        self.idle_wait = idle_wait
        self.latency = latency  # seconds added to every sendMessage (a slow platform)
        self.updates: queue.Queue[dict[str, Any]] = queue.Queue()
        self.sent: list[Sent] = []
        self.by_chat: dict[str, list[Sent]] = {}  # sendMessage calls per chat_id (O(1) lookups for load tests)
        self.calls: list[str] = []  # every method called, in order (failed ones too)
        self.webhook: dict[str, Any] | None = None
        self._cond = threading.Condition()
        self._failures: list[tuple[int, str | None]] = []  # (status, only this method or None)
        self._ids = itertools.count(1)
        self._runner: LocalServer | None = None
        self.port = 0
        self.app = self._build_app()

    # --- control -------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def push_update(self, update: dict[str, Any]) -> None:
        self.updates.put(update)

    def fail_next(self, n: int, status: int = 429, method: str | None = None) -> None:
        """The next ``n`` calls (of ``method``, or any) answer HTTP ``status`` with an error envelope."""
        with self._cond:
            self._failures.extend([(status, method)] * n)

    @property
    def messages(self) -> list[Sent]:
        with self._cond:
            return [s for s in self.sent if s.method == "sendMessage"]

    @property
    def actions(self) -> list[Sent]:
        with self._cond:
            return [s for s in self.sent if s.method == "sendChatAction"]

    def messages_to(self, chat_id: str) -> list[Sent]:
        return [s for s in self.messages if s.chat_id == str(chat_id)]

    def wait_for_messages(self, n: int, timeout: float = 20.0, chat_id: str | None = None) -> list[Sent]:
        """Block until at least ``n`` sendMessage calls (to ``chat_id``, if given) were recorded."""
        deadline = time.monotonic() + timeout

        def count() -> int:
            return sum(
                1 for s in self.sent if s.method == "sendMessage" and (chat_id is None or s.chat_id == str(chat_id))
            )

        with self._cond:
            while count() < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{count()} of {n} messages arrived in {timeout}s")
                self._cond.wait(left)
            return [
                s for s in self.sent if s.method == "sendMessage" and (chat_id is None or s.chat_id == str(chat_id))
            ]

    def reset(self) -> None:
        with self._cond:
            self.sent.clear()
            self.by_chat.clear()
            self.calls.clear()
            self._failures.clear()
        while not self.updates.empty():
            self.updates.get_nowait()

    @staticmethod
    def text_update(
        text: str,
        *,
        user_id: str = "u-1",
        chat_id: str | None = None,
        message_id: str | None = None,
        event_name: str = "message.text.received",
        display_name: str = "Cán bộ A",
        date_ms: int | None = None,
    ) -> dict[str, Any]:
        """A realistic update object (as getUpdates returns it and webhooks carry it)."""
        message: dict[str, Any] = {
            "message_id": message_id or f"m-{time.monotonic_ns()}",
            "date": date_ms if date_ms is not None else int(time.time() * 1000),
            "from": {"id": user_id, "display_name": display_name, "is_bot": False},
            "chat": {"id": chat_id or user_id, "chat_type": "PRIVATE"},
        }
        if event_name == "message.text.received":
            message["text"] = text
        elif event_name == "message.image.received":
            message["photo"] = "https://example.invalid/photo.jpg"
            message["caption"] = text
        return {"event_name": event_name, "message": message}

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeZalo:
        self._runner = LocalServer(self.app, name="fake-zalo", start_timeout=10).start()
        self.port = self._runner.port
        return self

    def stop(self) -> None:
        if self._runner is not None:
            self._runner.stop()

    def __enter__(self) -> FakeZalo:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the API -------------------------------------------------------------------------------

    @staticmethod
    def _error(status: int, code: int, description: str) -> JSONResponse:
        return JSONResponse({"ok": False, "error_code": code, "description": description}, status_code=status)

    @staticmethod
    def _ok(result: Any) -> JSONResponse:
        return JSONResponse({"ok": True, "result": result})

    def _take_failure(self, method: str) -> int | None:
        with self._cond:
            for i, (status, only) in enumerate(self._failures):
                if only is None or only == method:
                    del self._failures[i]
                    return status
        return None

    def _record(self, sent: Sent) -> None:
        with self._cond:
            self.sent.append(sent)
            if sent.method == "sendMessage":
                self.by_chat.setdefault(sent.chat_id, []).append(sent)
            self._cond.notify_all()

    def _build_app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/bot{token}/{method}")
        async def call(token: str, method: str, request: Request) -> JSONResponse:
            with self._cond:
                self.calls.append(method)
            if token != self.token:
                return self._error(401, 401, "Unauthorized")
            try:
                body = await request.json()
            except ValueError:
                body = {}
            if not isinstance(body, dict):
                return self._error(400, 400, "Bad Request: body must be a JSON object")
            failure = self._take_failure(method)
            if failure is not None:
                return self._error(failure, failure, "Too Many Requests" if failure == 429 else "Internal Server Error")
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                return self._error(404, 404, f"Method {method} not found")
            return await handler(body)

        return app

    async def _m_getMe(self, body: dict[str, Any]) -> JSONResponse:
        return self._ok(
            {
                "id": self.token.split(":")[0],
                "account_name": "troly_bot",
                "account_type": "BASIC",
                "can_join_groups": False,
            }
        )

    async def _m_getUpdates(self, body: dict[str, Any]) -> JSONResponse:
        if self.webhook is not None:
            return self._error(200, 409, "Conflict: getUpdates is not available while a webhook is set")
        try:
            wait = min(float(body.get("timeout", 30)), self.idle_wait)
        except (TypeError, ValueError):
            return self._error(400, 400, "Bad Request: timeout")
        deadline = time.monotonic() + wait
        while True:
            try:
                return self._ok(self.updates.get_nowait())
            except queue.Empty:
                if time.monotonic() >= deadline:
                    return self._error(200, 408, "Request timeout")
                await asyncio.sleep(0.01)

    async def _m_setWebhook(self, body: dict[str, Any]) -> JSONResponse:
        url, secret = body.get("url"), body.get("secret_token")
        if not isinstance(url, str) or not url.startswith("http"):
            return self._error(400, 400, "Bad Request: url")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            return self._error(400, 400, "Bad Request: secret_token must be 8-256 characters")
        self.webhook = {"url": url, "secret_token": secret, "updated_at": int(time.time() * 1000)}
        return self._ok({"url": url, "updated_at": self.webhook["updated_at"]})

    async def _m_getWebhookInfo(self, body: dict[str, Any]) -> JSONResponse:
        if self.webhook is None:
            return self._error(404, 404, "Not Found")
        return self._ok({"url": self.webhook["url"], "updated_at": self.webhook["updated_at"]})

    async def _m_deleteWebhook(self, body: dict[str, Any]) -> JSONResponse:
        self.webhook = None
        return self._ok({"url": "", "updated_at": int(time.time() * 1000)})

    async def _m_sendMessage(self, body: dict[str, Any]) -> JSONResponse:
        chat_id, text = body.get("chat_id"), body.get("text")
        if not chat_id:
            return self._error(400, 400, "Bad Request: chat_id")
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_TEXT:
            return self._error(400, 400, "Bad Request: text must be 1-2000 characters")
        if self.latency:
            await asyncio.sleep(self.latency)
        self._record(Sent("sendMessage", str(chat_id), text=text))
        return self._ok({"message_id": f"out-{next(self._ids)}", "date": int(time.time() * 1000)})

    async def _m_sendChatAction(self, body: dict[str, Any]) -> JSONResponse:
        chat_id, action = body.get("chat_id"), body.get("action")
        if not chat_id or action != "typing":
            return self._error(400, 400, "Bad Request: chat_id/action")
        self._record(Sent("sendChatAction", str(chat_id), action=action))
        return self._ok(True)
