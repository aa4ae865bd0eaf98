"""Logging set-up, in one place: plain lines for people, JSON lines for log shippers.

Entry points call :func:`configure_logging` once (``troly`` commands through the composition root,
the ASGI factory for ``uvicorn --workers``). ``TROLY_LOG_FORMAT=json`` writes one JSON object per
record with ``time``, ``level``, ``logger`` and ``message`` (and ``exc_info`` with the traceback
when there is one), through ``python-json-logger``.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

__all__ = ["configure_logging", "make_handler"]

# httpx logs request URLs, and both chat platforms put the bot token in the URL; the others are chatty.
_NOISY = ("httpx", "bm25s", "chromadb")
# uvicorn installs its own handlers (not JSON) on these; they are handed to ours instead.
_UVICORN = ("uvicorn", "uvicorn.error", "uvicorn.access")
_TEXT_FORMAT = "%(levelname)s %(name)s: %(message)s"


class _TrolyHandler(logging.StreamHandler):  # type: ignore[type-arg]  # generic only in typeshed
    """Marks the handler this module installed, so a second call replaces it rather than adding one."""


def make_handler(log_format: str = "text", *, stream: TextIO | None = None) -> logging.Handler:
    """A stream handler (stderr by default) writing plain lines or JSON objects.

    Args:
        log_format: ``"text"`` or ``"json"`` (``TROLY_LOG_FORMAT``).
        stream: where to write; default ``sys.stderr`` at the time of the call.
    """
    handler = _TrolyHandler(stream if stream is not None else sys.stderr)
    if log_format == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                json_ensure_ascii=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter(_TEXT_FORMAT))
    return handler


def configure_logging(log_format: str = "text", *, level: int = logging.WARNING) -> None:
    """Send the root logger to stderr in ``log_format``; noisy libraries at WARNING.

    Like :func:`logging.basicConfig` it leaves a root logger alone that someone else already gave
    handlers (a test runner, an embedding application); a handler installed by an earlier call is
    replaced, so calling it again switches format or level.
    """
    root = logging.getLogger()
    ours = [h for h in root.handlers if isinstance(h, _TrolyHandler)]
    if len(ours) != len(root.handlers):
        return
    for handler in ours:
        root.removeHandler(handler)
    root.addHandler(make_handler(log_format))
    root.setLevel(level)
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in _UVICORN:
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
