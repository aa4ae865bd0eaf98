"""Telegram HTML rendering of a ``Reply``: every dynamic string escaped, citations as a compact
numbered list, split at 4096 characters on paragraph boundaries (never inside a tag)."""

from __future__ import annotations

import html
import re

from telegram.constants import MessageLimit

from bot.core.messages import Reply

__all__ = ["render_reply", "split_html"]


def _esc(text: str) -> str:
    """Escape a dynamic string for Telegram HTML."""
    return html.escape(text, quote=False)


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
    seen: set[tuple[str, str]] = set()
    lines: list[str] = []
    for cit in reply.citations:
        key = (cit.label(), cit.section or "")
        if key in seen:
            continue
        seen.add(key)
        label = key[0] + (f" — {key[1]}" if key[1] else "")
        if len(label) > 300:
            label = label[:299] + "…"
        lines.append(f"{len(lines) + 1}. <i>{_esc(label)}</i>")
    if lines:
        blocks.append(("\n\n", "<b>Nguồn:</b>"))
        blocks.extend(("\n", line) for line in lines)
    return [(joiner, body) for joiner, body in blocks]


def split_html(blocks: list[tuple[str, str]], limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
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


def render_reply(reply: Reply, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """The reply as one or more Telegram HTML messages, each at most ``limit`` characters."""
    return split_html(_blocks(reply, limit), limit) or [_esc("…")]
