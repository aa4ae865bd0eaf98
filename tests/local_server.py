"""Serve an ASGI app on 127.0.0.1 at a free port from a background thread.

The fake Telegram, Zalo and OpenAI servers, the browser test and the load benchmark all need a real
HTTP server in the same process, so the clients under test speak real HTTP to something they can
inspect. Binding the socket first gives the port before uvicorn starts, without a race.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

__all__ = ["LocalServer"]


class LocalServer:
    """``with LocalServer(app) as server: httpx.get(server.url)``; ``start``/``stop`` for fixtures."""

    def __init__(
        self, app: Any, *, name: str = "local-server", lifespan: str = "off", start_timeout: float = 30.0, **config: Any
    ) -> None:
        self.app = app
        self.name = name
        self.start_timeout = start_timeout
        self._config = {
            "log_level": "warning",
            "access_log": False,
            "lifespan": lifespan,
            "timeout_graceful_shutdown": 1,
            **config,
        }
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LocalServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._sock, self.port = sock, sock.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(self.app, **self._config))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True, name=self.name
        )
        self._thread.start()
        deadline = time.monotonic() + self.start_timeout
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"{self.name} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=30)
        if self._sock is not None:
            self._sock.close()
        self._server = self._thread = self._sock = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
