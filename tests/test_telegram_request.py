"""A reply whose HTTP connection dies before the Bot API answers is sent once more, not lost.

The server here is a raw asyncio TCP server on 127.0.0.1 so it can do what real servers and
proxies do to a keep-alive connection: read the request and close the socket without a response.
"""

from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qs

import pytest
from telegram import Bot
from telegram.error import NetworkError

from bot.channels.telegram.request import RetryingRequest

TOKEN = "123456:TEST-token"

BOT_USER = {"id": 424242, "is_bot": True, "first_name": "Trợ lý", "username": "troly_test_bot"}

SENT = {
    "message_id": 7,
    "date": 1_700_000_000,
    "chat": {"id": 42, "type": "private"},
    "from": {"id": 424242, "is_bot": True, "first_name": "Trợ lý"},
    "text": "Xin chào",
}


class DroppingServer:
    """Answers getMe and sendMessage, but closes the connection of the first ``drops`` sendMessage
    requests after reading them."""

    def __init__(self, drops: int) -> None:
        self.drops = drops
        self.sends: list[dict[str, list[str]]] = []
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> DroppingServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/bot"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")),
            0,
        )
        body = await reader.readexactly(length)
        result: dict[str, object] = BOT_USER
        if b"/sendMessage " in head.split(b"\r\n")[0]:
            self.sends.append(parse_qs(body.decode()))
            if len(self.sends) <= self.drops:
                writer.close()  # the connection dies: no status line, no body
                return
            result = SENT
        payload = json.dumps({"ok": True, "result": result}).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(payload)}\r\n\r\n".encode()
            + payload
        )
        await writer.drain()
        writer.close()


async def _send(base_url: str) -> object:
    async with Bot(TOKEN, base_url=base_url, request=RetryingRequest(connection_pool_size=4)) as bot:
        return await bot.send_message(42, "Xin chào")


async def test_a_reply_whose_connection_died_is_sent_once_more() -> None:
    async with DroppingServer(drops=1) as server:
        message = await _send(server.base_url)
    assert getattr(message, "message_id", None) == 7
    assert [(s["chat_id"], s["text"]) for s in server.sends] == [(["42"], ["Xin chào"])] * 2


async def test_a_second_dead_connection_is_an_error_not_a_loop() -> None:
    async with DroppingServer(drops=5) as server:
        with pytest.raises(NetworkError):
            await _send(server.base_url)
    assert len(server.sends) == 2
