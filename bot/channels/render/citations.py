"""The one citation format every channel shows under an answer.

Each citation is one numbered entry: document type and number, the date at its precision, the
section path without list markers, and the document's title under the first entry of that
document only (later entries of the same document would repeat it):

    [1] Thông báo số 174/TB-UBND ngày 05/07/2025 — NHIỆM VỤ > Giao Công an tỉnh
        Kết luận của Chủ tịch UBND tỉnh tại cuộc họp …
    [2] Thông báo số 174/TB-UBND ngày 05/07/2025 — Giao Sở Y tế

Numbers follow ``Reply.citations`` one to one, so "[n]" in the answer text points at entry n.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.messages import Citation
from troly.dates import date_label
from troly.outline import section_path

__all__ = ["SOURCES_HEADING", "TITLE_MAX_CHARS", "CitationLine", "citation_lines", "shorten"]

SOURCES_HEADING = "Nguồn:"
TITLE_MAX_CHARS = 160
SECTION_MAX_CHARS = 200


def shorten(text: str, limit: int) -> str:
    """One line, at most ``limit`` characters, cut on a word boundary with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    if cut < limit // 2:
        cut = limit - 1
    return text[:cut].rstrip(" ,;:.") + "…"


@dataclass(slots=True, frozen=True)
class CitationLine:
    """One citation as shown: number, label, section path, and the title when first of its document."""

    n: int
    label: str  # "Thông báo số 174/TB-UBND ngày 05/07/2025"
    date_label: str  # "05/07/2025", "tháng 03/2026", "" when unknown
    section: str  # "NHIỆM VỤ > Giao Công an tỉnh" (list markers and trailing ":" removed)
    title: str | None  # only on the first citation of each document
    citation: Citation

    @property
    def head(self) -> str:
        """ "[1] <label> — <section>" (plain text, not escaped)."""
        return f"[{self.n}] {self.label}" + (f" — {self.section}" if self.section else "")


def citation_lines(citations: Sequence[Citation]) -> list[CitationLine]:
    """The citations of a reply in the one shared format, numbered from 1."""
    seen: set[str] = set()
    out: list[CitationLine] = []
    for n, c in enumerate(citations, start=1):
        first = c.doc_id not in seen
        seen.add(c.doc_id)
        title = shorten(c.title, TITLE_MAX_CHARS) if first and c.title else None
        out.append(
            CitationLine(
                n=n,
                label=c.label(),
                date_label=date_label(c.date, c.date_precision),
                section=shorten(section_path(c.section), SECTION_MAX_CHARS),
                title=title or None,
                citation=c,
            )
        )
    return out
