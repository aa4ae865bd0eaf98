"""One renderer per output kind, all from the channel-neutral ``Reply`` and one citation format.

* :mod:`~bot.channels.render.citations` — the citation entries every kind shows;
* :mod:`~bot.channels.render.plain` — plain text (Zalo) and ``split_message``;
* :mod:`~bot.channels.render.telegram` — Telegram HTML messages;
* :mod:`~bot.channels.render.web` — the web page's JSON;
* :mod:`~bot.channels.render.terminal` — ``troly chat`` / ``troly ask``.
"""

from __future__ import annotations

from bot.channels.render.citations import SOURCES_HEADING, CitationLine, citation_lines
from bot.channels.render.plain import render_plain, sources_plain, split_message
from bot.channels.render.telegram import render_telegram, split_html
from bot.channels.render.terminal import render_terminal
from bot.channels.render.web import ButtonPublic, ChatResponse, CitationPublic, render_web

__all__ = [
    "SOURCES_HEADING",
    "ButtonPublic",
    "ChatResponse",
    "CitationLine",
    "CitationPublic",
    "citation_lines",
    "render_plain",
    "render_telegram",
    "render_terminal",
    "render_web",
    "sources_plain",
    "split_html",
    "split_message",
]
