"""Channel-neutral rendering of a ``Reply``: plain text (Zalo, SMS-like channels) and Telegram HTML.

Citations become a compact numbered list under the answer; ``split_message`` cuts a long text into
chat-sized pieces on paragraph, then line, then sentence, then word boundaries, never losing or
reordering a character other than the whitespace at a cut.

    text = render_plain(reply)
    for part in split_message(text, 2000):
        await client.send_message(chat_id, part)

``render_html`` escapes everything it does not generate and keeps every tag on one line, so cutting
its output with ``split_message`` at paragraph or line boundaries never breaks a tag (the body is
escaped text without tags, so sentence and word cuts are safe too; only the last-resort hard cut of
a single >limit "word" could split an entity).
"""

from __future__ import annotations

import html
import re

from bot.core.messages import Citation, Reply

__all__ = [
    "SOURCES_HEADING",
    "format_citation",
    "render_html",
    "render_plain",
    "split_message",
]

SOURCES_HEADING = "Nguồn:"
QUOTE_MAX_CHARS = 160

_WS = " \t\r\n"
_SENTENCE_END = re.compile(r"[.!?…;:](?=[\s\"'”’)\]]*\s)[\"'”’)\]]*")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


def _shorten(text: str, limit: int = QUOTE_MAX_CHARS) -> str:
    """One line, at most ``limit`` characters, cut on a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    if cut < limit // 2:
        cut = limit - 1
    return text[:cut].rstrip(" ,;:.") + "…"


def _section(citation: Citation) -> str:
    return " ".join((citation.section or "").split()).rstrip(" :;,")


def format_citation(citation: Citation, *, quote_chars: int = 0) -> str:
    """One line: label and section, plus a quote shortened to ``quote_chars`` (0: none, the default,
    since answers already quote their passages). Plain text, no numbering."""
    line = citation.label()
    section = _section(citation)
    if section:
        line += f", {section}"
    quote = _shorten(citation.quote or "", quote_chars) if quote_chars > 0 else ""
    if quote:
        line += f": “{quote}”"
    return line


def _buttons_plain(reply: Reply) -> list[str]:
    if not reply.buttons:
        return []
    lines = ["Bạn có thể gõ:"]
    for b in reply.buttons:
        lines.append(f"• {b.data}" if b.label.strip() == b.data.strip() else f"• {b.data} ({b.label})")
    return lines


def render_plain(reply: Reply, *, include_buttons: bool = True, quote_chars: int = 0) -> str:
    """Plain text for channels without formatting: answer, then "Nguồn:" and a numbered list.

    Buttons (quick replies) are listed as text the user can type back, since Zalo has none.
    """
    parts = [reply.text.strip()]
    if reply.citations:
        lines = [SOURCES_HEADING]
        lines += [f"[{i}] {format_citation(c, quote_chars=quote_chars)}" for i, c in enumerate(reply.citations, 1)]
        parts.append("\n".join(lines))
    if include_buttons:
        buttons = _buttons_plain(reply)
        if buttons:
            parts.append("\n".join(buttons))
    return "\n\n".join(p for p in parts if p)


def render_html(reply: Reply, *, quote_chars: int = 0) -> str:
    """Telegram ``parse_mode=HTML``: escaped answer, bold "Nguồn:", italic quotes (if ``quote_chars``).

    Buttons are left to the channel (Telegram renders them as an inline keyboard).
    """
    parts = [html.escape(reply.text.strip(), quote=False)]
    if reply.citations:
        lines = [f"<b>{html.escape(SOURCES_HEADING)}</b>"]
        for i, c in enumerate(reply.citations, 1):
            head = html.escape(c.label(), quote=False)
            section = _section(c)
            if section:
                head += ", " + html.escape(section, quote=False)
            quote = _shorten(c.quote or "", quote_chars) if quote_chars > 0 else ""
            line = f"[{i}] {head}"
            if quote:
                line += f": <i>“{html.escape(quote, quote=False)}”</i>"
            lines.append(line)
        parts.append("\n".join(lines))
    return "\n\n".join(p for p in parts if p)


def _last_cut(window: str, kind: str) -> int:
    """End index of the piece before the last boundary of ``kind`` in ``window`` (0 if none)."""
    if kind == "paragraph":
        matches = list(_PARAGRAPH.finditer(window))
        return matches[-1].start() if matches else 0
    if kind == "line":
        return max(window.rfind("\n"), 0)
    if kind == "sentence":
        best = 0
        for m in _SENTENCE_END.finditer(window):
            best = m.end()
        return best
    if kind == "word":
        return max(window.rfind(" "), window.rfind("\t"), 0)
    raise ValueError(kind)


def split_message(text: str, limit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``limit`` characters, in order.

    Prefers a paragraph boundary, then a line break, then a sentence end, then a space, each only
    if it leaves the piece at least a third full (else the next finer boundary is tried); a single
    word longer than ``limit`` is cut hard. Whitespace at a cut is dropped; nothing else is, so
    ``"".join(pieces)`` equals the text with whitespace removed at the cuts. Empty text gives [].
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    pieces: list[str] = []
    rest = text.strip(_WS)
    min_fill = max(1, limit // 3)
    while rest:
        if len(rest) <= limit:
            pieces.append(rest)
            break
        window = rest[: limit + 1]  # a boundary right after the limit still leaves a full piece
        cut = 0
        for kind in ("paragraph", "line", "sentence", "word"):
            cut = _last_cut(window, kind)
            if cut > limit:  # sentence end at limit+1 would overflow
                cut = _last_cut(window[:limit], kind)
            if cut >= min_fill:
                break
        else:
            # no boundary leaves a reasonably full piece: take any boundary at all, then a hard cut
            cut = 0
            for kind in ("paragraph", "line", "sentence", "word"):
                cut = _last_cut(rest[:limit], kind)
                if cut > 0:
                    break
            if cut <= 0:
                cut = limit
        piece = rest[:cut].rstrip(_WS)
        if not piece:  # only whitespace before the boundary: force progress
            piece, cut = rest[:limit], limit
        pieces.append(piece)
        rest = rest[cut:].lstrip(_WS)
    return pieces
