"""Terminal text (``troly chat``, ``troly ask``): the answer, "Nguồn:" with the citations in the
shared format, then the quick replies as "Gợi ý: …" (typing a label sends its data)."""

from __future__ import annotations

from bot.channels.render.plain import sources_plain
from bot.core.messages import Reply

__all__ = ["render_terminal"]


def render_terminal(reply: Reply) -> str:
    """Plain-text rendering of a reply for a terminal."""
    lines = [reply.text]
    sources = sources_plain(reply)
    if sources:
        lines += ["", sources]
    if reply.buttons:
        lines += ["", "Gợi ý: " + " · ".join(b.label for b in reply.buttons)]
    return "\n".join(lines)
