"""Web JSON: the public models of ``POST /api/chat`` built from a ``Reply``.

Citations carry the data (document id, number, ISO date with its ``date_precision``) and what the
page shows in the shared format (``label``, ``date_label``, the section path without list markers,
and the title only on a document's first citation).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel

from bot.channels.render.citations import CitationLine, citation_lines
from bot.core.messages import Button, Reply, passage_anchor

__all__ = ["ButtonPublic", "ChatResponse", "CitationPublic", "document_url", "render_web"]


def document_url(doc_id: str, passage_id: str | None = None) -> str:
    """The web page of a document ("/van-ban/<id>"), at the passage's anchor when one is given."""
    anchor = f"#{passage_anchor(passage_id)}" if passage_id else ""
    return f"/van-ban/{quote(doc_id, safe='')}{anchor}"


class CitationPublic(BaseModel):
    """A source of the answer, with the label the page shows ("Thông báo số … ngày …")."""

    doc_id: str
    number: str | None
    date: dt.date | None
    date_precision: str
    date_label: str
    title: str | None
    section: str
    quote: str
    label: str
    url: str | None = None  # the document's page, opened at the quoted passage

    @classmethod
    def from_line(cls, line: CitationLine) -> CitationPublic:
        c = line.citation
        return cls(
            url=document_url(c.doc_id, c.passage_id),
            doc_id=c.doc_id,
            number=c.number,
            date=c.date,
            date_precision=c.date_precision,
            date_label=line.date_label,
            title=line.title,
            section=line.section,
            quote=c.quote,
            label=line.label,
        )


class ButtonPublic(BaseModel):
    """A quick reply; the page sends ``data`` back as the user's next text."""

    label: str
    data: str

    @classmethod
    def from_button(cls, b: Button) -> ButtonPublic:
        return cls(label=b.label, data=b.data)


class ChatResponse(BaseModel):
    """The assistant's answer: plain text (line breaks matter), its citations and quick replies."""

    text: str
    intent: str
    citations: list[CitationPublic] = []
    buttons: list[ButtonPublic] = []

    @classmethod
    def from_reply(cls, reply: Reply) -> ChatResponse:
        return cls(
            text=reply.text,
            intent=reply.intent,
            citations=[CitationPublic.from_line(line) for line in citation_lines(reply.citations)],
            buttons=[ButtonPublic.from_button(b) for b in reply.buttons],
        )


def render_web(reply: Reply) -> dict[str, Any]:
    """The reply as the JSON object the web page (and ``troly ask --json``) receives."""
    return ChatResponse.from_reply(reply).model_dump(mode="json")
