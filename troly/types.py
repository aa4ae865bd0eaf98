"""Domain types shared by ingest, storage and retrieval (plain dataclasses inside the pipeline)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "AttachRelation",
    "Chunk",
    "DatePrecision",
    "DateSource",
    "DocumentMeta",
    "ExtractedText",
    "Hit",
    "Passage",
    "PassageEmbedder",
]

DateSource = Literal["header", "body", "filename", "none"]
DatePrecision = Literal["day", "month", "year"]
# How a name documents use is attached to a catalogue unit (``troly units attach --as``).
AttachRelation = Literal["alias", "member-of", "successor-of"]


@dataclass(slots=True)
class ExtractedText:
    """What a loader read from one file, before cleaning.

    ``text`` is paragraphs separated by newlines (tables rendered one cell per line, row by row;
    task tables one row per line, see ``ingest.table_rows``);
    ``ocr`` says the text came from Tesseract, so callers can warn about recognition errors.
    """

    text: str
    source_format: str
    pages: int | None = None
    ocr: bool = False
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DocumentMeta:
    """Header facts of an administrative document. Blank fields stay ``None``, never guessed."""

    doc_type: str | None = None  # "Thông báo", "Kế hoạch", "Báo cáo", …
    number: str | None = None  # "174/TB-UBND"; "/BC-VPUBND" when the number is left blank
    issuer: str | None = None  # "UBND tỉnh Gia Lai"
    place: str | None = None  # "Gia Lai"
    # The issuance date, only when its day is known. A draft whose header leaves the day blank
    # ("ngày   tháng 8 năm 2025") has no issuance date: ``date`` stays None and ``date_partial``
    # holds the first day of the month (or year) printed, ``date_precision`` saying which.
    date: dt.date | None = None
    date_partial: dt.date | None = None
    date_source: DateSource = "none"  # header, body (meeting date), filename, none
    date_precision: DatePrecision | None = None  # day (``date``), month or year (``date_partial``)
    title: str | None = None  # trích yếu
    signer: str | None = None
    signer_title: str | None = None
    recipients: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "date taken from the meeting date in the body"
    # Several parties sign, each under its own heading (minutes of an inspection, a contract): there
    # is no single signer, and no second reading should look for one. Read at ingest, not stored.
    several_signers: bool = False

    @property
    def known_date(self) -> dt.date | None:
        """``date``, else ``date_partial``: what is known of the date, at ``date_precision``, for labels,
        ordering, period filters and as the reference of relative deadlines; never an issuance day."""
        return self.date or self.date_partial


@dataclass(slots=True)
class Chunk:
    """A passage as the chunker cuts it: text plus the outline headings it sits under."""

    text: str
    heading_path: list[str]
    section: str  # compact outline label, e.g. "2 > d)" or "Điều 5 > Khoản 2"


@dataclass(slots=True)
class Passage:
    """A stored, citable passage of one document."""

    id: str
    doc_id: str
    ordinal: int
    text: str
    heading_path: list[str]
    section: str
    doc_type: str | None = None
    number: str | None = None
    date: dt.date | None = None
    title: str | None = None
    source_path: Path | None = None
    date_precision: str = "day"  # "month" when only "tháng 3/2026" is known: never shown as a day

    @property
    def heading(self) -> str:
        """Heading path joined for display ("2. … > d) Về phát triển khoa học…")."""
        return " > ".join(self.heading_path)


@dataclass(slots=True)
class Hit:
    """A retrieved passage. ``score``: higher is better; ``retrievers`` names who found it."""

    passage: Passage
    score: float
    retrievers: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)


class PassageEmbedder(Protocol):
    """What the ingest pipeline and the idea duplicate check need from an embedding model
    (``retrieval.embeddings.Embedder`` is one)."""

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages; returns an (n, dim) float32 array."""
        ...
