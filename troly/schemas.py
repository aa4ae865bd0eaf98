"""Pydantic models at the boundaries (CLI JSON, web API): what outsiders see of documents and hits."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from troly.dates import date_label
from troly.models import DocumentRow
from troly.types import Hit

__all__ = ["DocumentPublic", "HitPublic"]


class DocumentPublic(BaseModel):
    id: str
    type: str | None = Field(description="Thông báo, Kế hoạch, Báo cáo, …")
    number: str | None
    issuer: str | None
    place: str | None
    date: dt.date | None = Field(description="the issuance date; null when the day is blank or unknown")
    date_partial: dt.date | None = Field(
        default=None,
        description='a blank day ("ngày   tháng 8 năm 2025"): the first day of the month or year printed',
    )
    date_source: str = Field(description="header | body | filename | none")
    date_precision: str | None = Field(description="day (date) | month | year (date_partial): how much is known")
    date_label: str = Field(description='"05/07/2025", "tháng 03/2026", "năm 2026"; "" when unknown')
    title: str | None
    signer: str | None
    signer_title: str | None
    recipients: list[str]
    passages: int
    file: str
    files: list[str] = Field(description="every file of the document, the one its passages come from first")
    source_path: str
    format: str
    ocr: bool
    notes: list[str]

    @property
    def known_date(self) -> dt.date | None:
        """``date``, else ``date_partial``, at ``date_precision``: for labels and period filters only."""
        return self.date or self.date_partial

    @classmethod
    def from_row(cls, row: DocumentRow, *, passages: int) -> DocumentPublic:
        return cls(
            id=row.id,
            type=row.doc_type,
            number=row.number,
            issuer=row.issuer,
            place=row.place,
            date=row.date,
            date_partial=row.date_partial,
            date_source=row.date_source,
            date_precision=row.date_precision,
            date_label=date_label(row.known_date, row.date_precision),
            title=row.title,
            signer=row.signer,
            signer_title=row.signer_title,
            recipients=list(row.recipients or []),
            passages=passages,
            file=row.file_name,
            files=[row.file_name, *(f.file_name for f in row.files)],
            source_path=row.source_path,
            format=row.source_format,
            ocr=row.ocr,
            notes=list(row.notes or []),
        )


class HitPublic(BaseModel):
    rank: int
    passage_id: str
    doc_id: str
    score: float
    retrievers: list[str]
    scores: dict[str, float]
    text: str
    heading: str
    section: str
    number: str | None
    type: str | None
    date: dt.date | None
    date_precision: str = Field(description="day | month | year: how much of the document's date is known")
    date_label: str = Field(description='"05/07/2025", "tháng 03/2026", "năm 2026"; "" when unknown')
    title: str | None

    @classmethod
    def from_hit(cls, hit: Hit, *, rank: int) -> HitPublic:
        p = hit.passage
        return cls(
            rank=rank,
            passage_id=p.id,
            doc_id=p.doc_id,
            score=round(hit.score, 6),
            retrievers=hit.retrievers,
            scores={k: round(v, 6) for k, v in hit.scores.items()},
            text=p.text,
            heading=p.heading,
            section=p.section,
            number=p.number,
            type=p.doc_type,
            date=p.date,
            date_precision=p.date_precision,
            date_label=date_label(p.date, p.date_precision),
            title=p.title,
        )
