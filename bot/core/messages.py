"""Channel-neutral message types: what every adapter turns its payloads into, and back.

The conversation core never imports telegram, httpx or fastapi; Telegram, Zalo, the terminal and
the web page only translate their payloads to ``IncomingMessage`` and render ``Reply``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from troly.dates import date_label

__all__ = ["Attachment", "Button", "Channel", "Citation", "IncomingMessage", "Reply", "passage_anchor"]

Channel = Literal["telegram", "zalo", "cli", "web"]


@dataclass(slots=True, frozen=True)
class Attachment:
    """A file the user sent, already saved locally by the adapter."""

    file_name: str
    path: Path
    mime_type: str | None = None
    size: int | None = None


@dataclass(slots=True, frozen=True)
class IncomingMessage:
    """One user message. ``user_id`` is the platform's id; (channel, user_id) identifies a person."""

    channel: Channel
    user_id: str
    text: str = ""
    chat_id: str | None = None
    display_name: str | None = None
    attachments: tuple[Attachment, ...] = ()
    message_id: str | None = None
    received_at: dt.datetime | None = None

    @property
    def user_key(self) -> str:
        return f"{self.channel}:{self.user_id}"


@dataclass(slots=True, frozen=True)
class Citation:
    """Where a statement comes from: a document, its section and the quoted words."""

    doc_id: str
    number: str | None
    date: dt.date | None
    title: str | None
    section: str
    quote: str
    doc_type: str | None = None
    date_precision: str = "day"
    passage_id: str | None = None  # the quoted passage, for a link that opens the document there

    def label(self) -> str:
        """Short Vietnamese label: "Thông báo 174/TB-UBND ngày 05/7/2025" ("tháng 03/2026" when the
        document gives only a month, so no day is invented)."""
        parts = [self.doc_type or "Văn bản"]
        if self.number and not self.number.startswith("/"):
            parts.append(f"số {self.number}")
        if self.date:
            parts.append(date_label(self.date, self.date_precision, phrase=True))
        return " ".join(parts)


def passage_anchor(passage_id: str) -> str:
    """The HTML id of a passage on its document's page ("912-tb-ubnd#fd…#0004" -> "p-912-tb-ubnd-fd…-0004")."""
    return "p-" + "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-" for ch in passage_id)


@dataclass(slots=True, frozen=True)
class Button:
    """A quick reply the channel may render as a button; ``data`` comes back as the user's text."""

    label: str
    data: str


@dataclass(slots=True)
class Reply:
    """What the assistant answers: text (plain, Vietnamese), citations as data, optional buttons."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    intent: str = "qa"
    data: dict[str, Any] = field(default_factory=dict)  # structured payload (tasks, deadlines) for --json and the web
