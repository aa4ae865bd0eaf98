"""``RetryingRequest``: PTB's HTTPX transport, sending a request once more when the connection
it went out on turned out to be dead.

A pooled keep-alive connection can be closed by the server (or a proxy) in the instant the bot
reuses it; httpx then reports ``RemoteProtocolError`` ("Server disconnected without sending a
response") or a read/write error, and PTB raises ``NetworkError``: the user's answer is lost and
the error handler apologises instead. Those errors mean no response came back on a connection
that had just been handed out, so one more try on a fresh connection is what browsers and urllib3
do. A second failure is real and is raised. The rare cost: if the server did act before the
connection died, a message can arrive twice, which beats an answer never arriving.
"""

from __future__ import annotations

import logging

import httpx
from telegram._utils.types import ODVInput  # PTB's own annotation of the timeouts
from telegram.error import NetworkError
from telegram.request import BaseRequest, HTTPXRequest, RequestData

__all__ = ["RETRIED_ERRORS", "RetryingRequest"]

logger = logging.getLogger(__name__)

RETRIED_ERRORS: tuple[type[httpx.HTTPError], ...] = (
    httpx.RemoteProtocolError,
    httpx.ReadError,
    httpx.WriteError,
    httpx.ConnectError,
)
"""httpx errors meaning the connection died before any response: safe to send once more."""


class RetryingRequest(HTTPXRequest):
    """``HTTPXRequest`` that repeats a request once after a dead-connection error."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See ``HTTPXRequest.do_request``; a dead connection gets one more try."""
        timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        try:
            return await super().do_request(url, method, request_data, *timeouts)
        except NetworkError as err:
            if not isinstance(err.__cause__, RETRIED_ERRORS):
                raise
            logger.info(
                "telegram %s: connection lost (%s); sending once more", _method(url), err.__cause__.__class__.__name__
            )
        return await super().do_request(url, method, request_data, *timeouts)


def _method(url: str) -> str:
    """The Bot API method of a request URL, without the token-bearing path."""
    return url.rsplit("/", 1)[-1]
