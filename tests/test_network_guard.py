"""The suite itself: no test may open a connection beyond this machine."""

from __future__ import annotations

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_outbound_connection_fails_the_test() -> None:
    """A connection to any address but loopback is refused before a packet leaves (TEST-NET-1 here)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(SocketConnectBlockedError):
        s.connect(("192.0.2.1", 80))


def test_loopback_is_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
