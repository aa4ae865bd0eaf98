"""A fake Telegram Bot API server for tests: FastAPI + uvicorn on a free 127.0.0.1 port.

It implements the methods the troly bot calls (getMe, getUpdates, sendMessage, sendChatAction,
answerCallbackQuery, getFile + the file download path, setWebhook, deleteWebhook, editMessage*),
records every call, and serves updates pushed by the test to ``getUpdates`` (long-poll style with
short waits). Point a PTB Application at it with ``base_url=fake.base_url``; files registered
with ``add_file`` are served under ``/file/bot<token>/<file_path>`` like the real API.

PTB posts url-encoded forms whose non-string values are JSON; JSON bodies are accepted too.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from tests.local_server import LocalServer

__all__ = ["BOT_USER", "Call", "FakeTelegram"]

BOT_USER = {
    "id": 424242,
    "is_bot": True,
    "first_name": "Trợ lý",
    "username": "troly_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class Call:
    """One Bot API request the bot made."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _user(user_id: int, first_name: str = "Cán bộ") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "vi"}


class FakeTelegram:
    """The fake server; use as a context manager or call ``start``/``stop``."""

    def __init__(self, token: str = "123456:TEST-token") -> None:
        self.token = token
        self.calls: list[Call] = []
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, bytes)
        self.webhook: dict[str, Any] | None = None
        self._updates: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._runner: LocalServer | None = None
        self.port = 0
        self.app = self._make_app()

    # ------------------------------------------------------------------ lifecycle

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """What ``ApplicationBuilder.base_url`` takes (the token is appended by PTB)."""
        return f"{self.root}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root}/file/bot"

    def start(self) -> FakeTelegram:
        self._runner = LocalServer(self.app, name="fake-telegram", start_timeout=10).start()
        self.port = self._runner.port
        return self

    def stop(self) -> None:
        if self._runner is not None:
            self._runner.stop()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget calls and pending updates (between tests sharing one server)."""
        with self._lock:
            self.calls.clear()
            self._updates.clear()
            self.webhook = None

    # ------------------------------------------------------------------ test API

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for ``getUpdates``."""
        with self._lock:
            self._updates.append(update)
        return update

    def add_file(self, file_id: str, data: bytes, file_path: str | None = None) -> str:
        """Register bytes served for ``file_id``; returns the file path."""
        path = file_path or f"documents/{file_id}.bin"
        self.files[file_id] = (path, data)
        return path

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in list(self.calls) if c.method == method]

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """``sendMessage`` parameters, in order, optionally for one chat."""
        return [
            c.params for c in self.calls_to("sendMessage") if chat_id is None or int(c.params["chat_id"]) == chat_id
        ]

    async def wait_for(self, predicate: Any, timeout: float = 20.0, what: str = "condition") -> None:
        """Wait (asynchronously, so the bot keeps running) until ``predicate()`` is true."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out waiting for {what}; calls: {[(c.method, c.params.get('text')) for c in self.calls]}"
                )
            await asyncio.sleep(0.02)

    async def wait_for_messages(self, chat_id: int, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        await self.wait_for(lambda: len(self.sent(chat_id)) >= count, timeout, f"{count} message(s) to {chat_id}")
        return self.sent(chat_id)

    # ------------------------------------------------------------------ update factories

    def _message(self, user_id: int, chat_id: int | None, text: str | None = None, **extra: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id or user_id, "type": "private", "first_name": "Cán bộ"},
            "from": _user(user_id),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split(maxsplit=1)[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
        message.update(extra)
        return message

    def make_text_update(self, user_id: int, text: str, *, chat_id: int | None = None) -> dict[str, Any]:
        """A private text message (commands get their ``bot_command`` entity)."""
        return {"update_id": next(self._update_ids), "message": self._message(user_id, chat_id, text)}

    def make_document_update(
        self,
        user_id: int,
        *,
        file_id: str,
        file_name: str,
        mime_type: str,
        file_size: int | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """A message carrying a document (register its bytes with ``add_file``)."""
        if file_size is None and file_id in self.files:
            file_size = len(self.files[file_id][1])
        document = {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": file_size,
        }
        extra: dict[str, Any] = {"document": document}
        if caption:
            extra["caption"] = caption
        return {"update_id": next(self._update_ids), "message": self._message(user_id, chat_id, **extra)}

    def make_callback_update(
        self, user_id: int, data: str, *, message_id: int = 1, chat_id: int | None = None, message_text: str = "…"
    ) -> dict[str, Any]:
        """A button press on a message the bot sent."""
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id or user_id, "type": "private"},
            "from": BOT_USER,
            "text": message_text,
        }
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": f"cb{next(self._update_ids)}",
                "from": _user(user_id),
                "chat_instance": "ci-1",
                "data": data,
                "message": message,
            },
        }

    # ------------------------------------------------------------------ the server

    def _bot_message(self, params: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }
        if isinstance(params.get("reply_markup"), dict):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 0.5)
        deadline = time.monotonic() + wait
        while True:
            with self._lock:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                ready = list(self._updates)
            if ready or time.monotonic() >= deadline:
                return ready
            await asyncio.sleep(0.02)

    def _make_app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/bot{token}/{method}")
        async def api(token: str, method: str, request: Request) -> Response:
            if token != self.token:
                return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
            try:
                params = await _params(request)
            except ClientDisconnect:  # the bot cancelled it (a "typing…" call once the answer is ready)
                return Response(status_code=499)
            self.calls.append(Call(method, params))
            result = await self._dispatch(method, params)
            if isinstance(result, Response):
                return result
            return JSONResponse({"ok": True, "result": result})

        @app.get("/file/bot{token}/{file_path:path}")
        async def download(token: str, file_path: str) -> Response:
            if token != self.token:
                return Response(status_code=401)
            for path, data in self.files.values():
                if path == file_path:
                    self.calls.append(Call("downloadFile", {"file_path": file_path}))
                    return Response(data, media_type="application/octet-stream")
            return Response(status_code=404)

        return app

    async def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        name = method.lower()
        if name == "getme":
            return BOT_USER
        if name == "getupdates":
            return await self._get_updates(params)
        if name == "sendmessage":
            return self._bot_message(params)
        if name in {"sendchataction", "answercallbackquery", "deletewebhook", "setmycommands"}:
            if name == "deletewebhook":
                self.webhook = None
            return True
        if name == "setwebhook":
            self.webhook = params
            return True
        if name == "getwebhookinfo":
            return {
                "url": (self.webhook or {}).get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": 0,
            }
        if name in {"editmessagetext", "editmessagereplymarkup"}:
            return {**self._bot_message(params), "message_id": int(params.get("message_id", 1))}
        if name == "getfile":
            file_id = str(params.get("file_id"))
            if file_id not in self.files:
                return JSONResponse(
                    {"ok": False, "error_code": 400, "description": "Bad Request: invalid file_id"}, 400
                )
            path, data = self.files[file_id]
            return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": len(data), "file_path": path}
        return JSONResponse({"ok": False, "error_code": 404, "description": f"Not Found: {method}"}, 404)


_JSON_KEYS = frozenset(
    {"reply_markup", "allowed_updates", "link_preview_options", "entities", "reply_parameters", "caption_entities"}
)


async def _params(request: Request) -> dict[str, Any]:
    """Parse a url-encoded (values JSON-encoded unless strings) or JSON request body."""
    body = await request.body()
    if not body:
        return dict(request.query_params)
    if request.headers.get("content-type", "").startswith("application/json"):
        return json.loads(body)
    params: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True):
        if key in _JSON_KEYS:
            try:
                params[key] = json.loads(value)
                continue
            except ValueError:
                pass
        params[key] = value
    return params
