"""Telegram HTML (``parse_mode=HTML``): every dynamic string escaped, messages of at most 4096
characters cut between self-contained blocks, so no tag ever spans two messages.

The answer's paragraphs come first, then a bold "Nguồn:" and one block per citation in the shared
format (:mod:`bot.channels.render.citations`), the title in italics under a document's first entry.
Buttons are left to the channel (Telegram renders them as an inline keyboard).
"""

from __future__ import annotations

import html
import re

from bot.channels.render.citations import SOURCES_HEADING, citation_lines
from bot.core.messages import Reply

__all__ = ["MAX_MESSAGE_CHARS", "escape_html", "render_telegram", "split_html"]

#: Telegram's limit on one message's text (``telegram.constants.MessageLimit.MAX_TEXT_LENGTH``).
MAX_MESSAGE_CHARS = 4096


def escape_html(text: str) -> str:
    """Escape a dynamic string for Telegram HTML."""
    return html.escape(text, quote=False)


_esc = escape_html


def _split_plain(text: str, limit: int) -> list[str]:
    """Split plain text so every piece, once escaped, fits ``limit``: lines, then words, then chars."""
    if len(_esc(text)) <= limit:
        return [text]
    for sep in ("\n", " "):
        if sep in text:
            pieces: list[str] = []
            current = ""
            for part in text.split(sep):
                candidate = f"{current}{sep}{part}" if current else part
                if len(_esc(candidate)) <= limit:
                    current = candidate
                    continue
                if current:
                    pieces.append(current)
                current = part
                if len(_esc(part)) > limit:
                    *head, current = _split_plain(part, limit)
                    pieces.extend(head)
            if current:
                pieces.append(current)
            return pieces
    # one unbroken run: cut by characters, never inside an entity (we cut the plain text)
    pieces, current = [], ""
    for ch in text:
        if len(_esc(current + ch)) > limit:
            pieces.append(current)
            current = ""
        current += ch
    if current:
        pieces.append(current)
    return pieces


def _blocks(reply: Reply, limit: int) -> list[tuple[str, str]]:
    """Self-contained HTML blocks (no tag spans two blocks), each with the joiner that precedes it."""
    blocks: list[tuple[str, str]] = []
    for para in re.split(r"\n\s*\n", reply.text.strip()):
        if para.strip():
            blocks.extend(("\n\n", _esc(piece)) for piece in _split_plain(para.strip("\n"), limit))
    lines = citation_lines(reply.citations)
    if lines:
        blocks.append(("\n\n", f"<b>{_esc(SOURCES_HEADING)}</b>"))
    for line in lines:
        body = _esc(line.head)
        if line.title:
            body += f"\n<i>{_esc(line.title)}</i>"
        blocks.append(("\n", body))
    return blocks


def split_html(blocks: list[tuple[str, str]], limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Pack (joiner, html) blocks into messages of at most ``limit`` characters, in order."""
    messages: list[str] = []
    current = ""
    for joiner, body in blocks:
        candidate = f"{current}{joiner}{body}" if current else body
        if len(candidate) <= limit:
            current = candidate
        else:
            if current:
                messages.append(current)
            current = body
    if current:
        messages.append(current)
    return messages


def render_telegram(reply: Reply, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """The reply as one or more Telegram HTML messages, each at most ``limit`` characters."""
    return split_html(_blocks(reply, limit), limit) or [_esc("…")]
