"""Plain text for channels without formatting (Zalo): the answer, "Nguồn:" and the citations, then
the quick replies written as text the user can type back; ``split_message`` cuts it to size.

    for part in split_message(render_plain(reply), 2000):
        await client.send_message(chat_id, part)
"""

from __future__ import annotations

import re

from bot.channels.render.citations import SOURCES_HEADING, citation_lines
from bot.core.messages import Reply

__all__ = ["render_plain", "sources_plain", "split_message"]

_WS = " \t\r\n"
_SENTENCE_END = re.compile(r"[.!?…;:](?=[\s\"'”’)\]]*\s)[\"'”’)\]]*")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
TITLE_INDENT = "    "


def sources_plain(reply: Reply) -> str:
    """ "Nguồn:" and one entry per citation (the title indented under a document's first entry)."""
    lines = []
    for line in citation_lines(reply.citations):
        lines.append(line.head)
        if line.title:
            lines.append(TITLE_INDENT + line.title)
    return "\n".join([SOURCES_HEADING, *lines]) if lines else ""


def _buttons_plain(reply: Reply) -> list[str]:
    if not reply.buttons:
        return []
    lines = ["Bạn có thể gõ:"]
    for b in reply.buttons:
        lines.append(f"• {b.data}" if b.label.strip() == b.data.strip() else f"• {b.data} ({b.label})")
    return lines


def render_plain(reply: Reply, *, include_buttons: bool = True) -> str:
    """Plain text: answer, then "Nguồn:" and the numbered citations, then the quick replies.

    Buttons (quick replies) are listed as text the user can type back, since Zalo has none.
    """
    parts = [reply.text.strip(), sources_plain(reply)]
    if include_buttons:
        parts.append("\n".join(_buttons_plain(reply)))
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
