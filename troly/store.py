"""Data functions over documents and passages (keyword-only, the caller owns the transaction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import ColumnElement, delete, func, or_, select
from sqlalchemy.orm import Session

from troly.dates import Due, Quota, Recurrence, to_json
from troly.models import (
    DocumentFileRow,
    DocumentRow,
    IndexState,
    PassageRow,
    TaskAssigneeRow,
    TaskRow,
    UnknownUnitRow,
)
from troly.schemas import DocumentPublic
from troly.types import Passage

if TYPE_CHECKING:
    from troly.db import Database

__all__ = [
    "all_passage_rows",
    "bump_documents_generation",
    "bump_passages_generation",
    "delete_document",
    "document_listing",
    "document_text",
    "documents_stamp",
    "find_document",
    "find_files",
    "forget_file",
    "get_document_by_file",
    "get_document_by_path",
    "get_file_by_path",
    "list_documents",
    "passage_ids",
    "passages_by_ids",
    "passages_generation",
    "promote_file",
    "replace_passages",
    "replace_tasks",
    "to_passage",
    "twin_candidates",
]

_PASSAGES = "passages"
_DOCUMENTS = "documents"  # document rows and their other files changed without a passage change


def passages_generation(*, session: Session) -> int:
    """The current passage-set generation (0 before any ingest)."""
    row = session.get(IndexState, _PASSAGES)
    return row.generation if row else 0


def bump_passages_generation(*, session: Session) -> None:
    """Mark the passage set as changed, in the caller's transaction."""
    _bump(session, _PASSAGES)


def bump_documents_generation(*, session: Session) -> None:
    """Mark the documents as changed (another file merged into one, removed or promoted) when no
    passage changed, in the caller's transaction; a passage change covers its document already."""
    _bump(session, _DOCUMENTS)


def documents_stamp(*, session: Session) -> tuple[int, int]:
    """(passage generation, document generation): readers that keep document rows between
    questions (``FactFinder.profiles``) compare it with the stamp they were read at."""
    rows = dict(
        session.execute(
            select(IndexState.key, IndexState.generation).where(IndexState.key.in_((_PASSAGES, _DOCUMENTS)))
        ).all()
    )
    return rows.get(_PASSAGES, 0), rows.get(_DOCUMENTS, 0)


def _bump(session: Session, key: str) -> None:
    row = session.get(IndexState, key, with_for_update=True)
    if row is None:
        session.add(IndexState(key=key, generation=1))
    else:
        row.generation += 1


def get_document_by_path(*, session: Session, source_path: str) -> DocumentRow | None:
    return session.scalars(select(DocumentRow).where(DocumentRow.source_path == source_path)).first()


def get_file_by_path(*, session: Session, source_path: str) -> DocumentFileRow | None:
    """The other-file row of ``source_path`` (a file merged into a document it duplicates)."""
    return session.scalars(select(DocumentFileRow).where(DocumentFileRow.source_path == source_path)).first()


def get_document_by_file(*, session: Session, source_path: str) -> DocumentRow | None:
    """The document ``source_path`` belongs to, whether its passages were read from it or not."""
    row = get_document_by_path(session=session, source_path=source_path)
    if row is not None:
        return row
    other = get_file_by_path(session=session, source_path=source_path)
    return session.get(DocumentRow, other.doc_id) if other is not None else None


def find_files(*, session: Session, ref: str) -> list[DocumentFileRow]:
    """Other-file rows matching a file name or a source path."""
    stmt = select(DocumentFileRow).where(or_(DocumentFileRow.file_name == ref, DocumentFileRow.source_path == ref))
    return list(session.scalars(stmt))


def twin_candidates(
    *, session: Session, number: str | None, date: dt.date | None, title: str | None, stem: str
) -> list[DocumentRow]:
    """Documents that may be another file of the same document: same number, date or title, or a
    file of the same name in another format."""
    pattern = stem.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    conditions: list[ColumnElement[bool]] = [func.lower(DocumentRow.file_name).like(f"{pattern}.%", escape="\\")]
    if number:
        conditions.append(DocumentRow.number == number)
    if date:
        conditions.append(DocumentRow.date == date)
    if title:
        conditions.append(DocumentRow.title == title)
    return list(session.scalars(select(DocumentRow).where(or_(*conditions)).order_by(DocumentRow.id)))


def forget_file(*, session: Session, source_path: str) -> None:
    """Drop the other-file row of ``source_path``, if any."""
    session.execute(delete(DocumentFileRow).where(DocumentFileRow.source_path == source_path))
    bump_documents_generation(session=session)


def document_text(*, session: Session, doc_id: str) -> str:
    """A document's passages, in order, as one text."""
    rows = session.scalars(select(PassageRow.text).where(PassageRow.doc_id == doc_id).order_by(PassageRow.ordinal))
    return "\n".join(rows)


def promote_file(*, session: Session, doc: DocumentRow, other: DocumentFileRow) -> None:
    """Make another file of ``doc`` its main file (the main one is gone). Its passages stay until
    the next ingest of that file re-reads them: the empty index key marks them stale."""
    doc.source_path = other.source_path
    doc.file_name = other.file_name
    doc.file_sha256 = other.file_sha256
    doc.file_size = other.file_size
    doc.stored_path = other.stored_path
    doc.source_format = other.source_format
    doc.ocr = other.ocr
    doc.index_key = ""
    doc.files.remove(other)
    session.delete(other)
    bump_documents_generation(session=session)


def find_document(*, session: Session, ref: str) -> list[DocumentRow]:
    """Documents matching an id, a number ("174/TB-UBND"), a file name or a source path."""
    stmt = select(DocumentRow).where(
        or_(
            DocumentRow.id == ref,
            DocumentRow.number == ref,
            DocumentRow.file_name == ref,
            DocumentRow.source_path == ref,
        )
    )
    return list(session.scalars(stmt))


# What is known of a document's date (the day, else the month or year of a blank day): for ordering.
_KNOWN_DATE = func.coalesce(DocumentRow.date, DocumentRow.date_partial)


def list_documents(*, session: Session) -> list[DocumentRow]:
    return list(session.scalars(select(DocumentRow).order_by(_KNOWN_DATE.desc().nulls_last(), DocumentRow.id)))


def document_listing(*, db: Database) -> list[DocumentPublic]:
    """Every document as outsiders see it (newest first, with its passage count), read in its own
    session: for callers above the storage layer (the chat core), which hold no session."""
    with db.session() as session:
        counts = passage_counts(session=session)
        return [DocumentPublic.from_row(d, passages=counts.get(d.id, 0)) for d in list_documents(session=session)]


def document_passages(*, db: Database, doc_id: str) -> tuple[DocumentPublic, list[Passage]] | None:
    """A document and its passages in reading order (None when there is no such document), read in
    its own session: the web page that opens a citation at its passage."""
    with db.session() as session:
        doc = session.get(DocumentRow, doc_id)
        if doc is None:
            return None
        rows = session.scalars(select(PassageRow).where(PassageRow.doc_id == doc_id).order_by(PassageRow.ordinal))
        passages = [to_passage(row, doc) for row in rows]
        return DocumentPublic.from_row(doc, passages=len(passages)), passages


def passage_counts(*, session: Session) -> dict[str, int]:
    rows = session.execute(select(PassageRow.doc_id, func.count()).group_by(PassageRow.doc_id))
    return {doc_id: n for doc_id, n in rows}  # noqa: C416  (dict(rows) takes the Result for a mapping: it has keys())


def passage_ids(*, session: Session, doc_id: str | None = None) -> set[str]:
    stmt = select(PassageRow.id)
    if doc_id is not None:
        stmt = stmt.where(PassageRow.doc_id == doc_id)
    return set(session.scalars(stmt))


def to_passage(row: PassageRow, doc: DocumentRow) -> Passage:
    return Passage(
        id=row.id,
        doc_id=row.doc_id,
        ordinal=row.ordinal,
        text=row.text,
        heading_path=list(row.heading_path or []),
        section=row.section or "",
        doc_type=doc.doc_type,
        number=doc.number,
        date=doc.known_date,  # shown at its precision: "tháng 08/2025" when the day is blank
        title=doc.title,
        date_precision=doc.date_precision or "day",
    )


def passages_by_ids(*, session: Session, ids: Sequence[str]) -> dict[str, Passage]:
    """Passages for ids that still exist in SQL (ids only in an index are orphans and dropped)."""
    if not ids:
        return {}
    out: dict[str, Passage] = {}
    chunk = 500
    for start in range(0, len(ids), chunk):
        rows = session.execute(
            select(PassageRow, DocumentRow)
            .join(DocumentRow, PassageRow.doc_id == DocumentRow.id)
            .where(PassageRow.id.in_(list(ids[start : start + chunk])))
        )
        for prow, drow in rows:
            out[prow.id] = to_passage(prow, drow)
    return out


def passage_after(*, session: Session, doc_id: str, ordinal: int) -> Passage | None:
    """The passage that follows ``ordinal`` in its document (None at the end)."""
    row = session.execute(
        select(PassageRow, DocumentRow)
        .join(DocumentRow, PassageRow.doc_id == DocumentRow.id)
        .where(PassageRow.doc_id == doc_id, PassageRow.ordinal > ordinal)
        .order_by(PassageRow.ordinal)
        .limit(1)
    ).first()
    return to_passage(row[0], row[1]) if row else None


def all_passage_rows(*, session: Session) -> list[tuple[str, str, list[str]]]:
    """(id, text, heading path) of every passage, in a stable order (for the lexical index)."""
    rows = session.execute(
        select(PassageRow.id, PassageRow.text, PassageRow.heading_path).order_by(PassageRow.doc_id, PassageRow.ordinal)
    )
    return [(pid, text, list(headings or [])) for pid, text, headings in rows]


def replace_passages(*, session: Session, doc_id: str, passages: Iterable[PassageRow]) -> None:
    """Swap a document's passages in the caller's transaction (old ones vanish at commit)."""
    session.execute(delete(PassageRow).where(PassageRow.doc_id == doc_id))
    session.add_all(list(passages))
    bump_passages_generation(session=session)


def delete_document(*, session: Session, doc_id: str) -> None:
    session.execute(delete(PassageRow).where(PassageRow.doc_id == doc_id))
    session.execute(delete(DocumentFileRow).where(DocumentFileRow.doc_id == doc_id))
    session.execute(delete(DocumentRow).where(DocumentRow.id == doc_id))
    bump_passages_generation(session=session)


class StoredAssignee(Protocol):
    """What :func:`replace_tasks` reads of an assignee (``ingest.tasks.Assignee``)."""

    @property
    def name(self) -> str: ...
    @property
    def unit_id(self) -> str | None: ...
    @property
    def role(self) -> str: ...


class StoredTask(Protocol):
    """What :func:`replace_tasks` reads of a task (``ingest.tasks.ExtractedTask``; store sits below ingest)."""

    @property
    def assignees(self) -> Sequence[StoredAssignee]: ...
    @property
    def role(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def due(self) -> Due | None: ...
    @property
    def recurrence(self) -> Recurrence | None: ...
    @property
    def quota(self) -> Quota | None: ...
    @property
    def section(self) -> str: ...
    @property
    def heading_path(self) -> Sequence[str]: ...
    @property
    def passage(self) -> str: ...
    @property
    def ordinal(self) -> int: ...
    @property
    def due_inherited(self) -> bool: ...
    @property
    def chunk_index(self) -> int: ...
    @property
    def unknown_units(self) -> Iterable[str]: ...


def replace_tasks(*, session: Session, doc_id: str, tasks: Sequence[StoredTask], passage_ids: Sequence[str]) -> int:
    """Swap a document's extracted tasks (``ingest.tasks.ExtractedTask``) and unknown unit names.

    Bumps the passage generation like a passage change: readers keep the task rows and the unit
    names documents use per generation (``TaskFinder.snapshot``, ``Context.catalogue``), and a
    refresh of the tasks alone (a newer extractor) changes both."""
    session.execute(delete(TaskRow).where(TaskRow.doc_id == doc_id))
    session.execute(delete(UnknownUnitRow).where(UnknownUnitRow.doc_id == doc_id))
    unknown: set[str] = set()
    for t in tasks:
        due = to_json(t.due)
        row = TaskRow(
            doc_id=doc_id,
            passage_id=passage_ids[t.chunk_index] if 0 <= t.chunk_index < len(passage_ids) else None,
            ordinal=t.ordinal,
            text=t.text,
            role=t.role,
            section=t.section,
            heading_path=list(t.heading_path),
            passage=t.passage,
            due=due,
            due_start=t.due.start if t.due else None,
            due_end=t.due.end if t.due else None,
            due_inherited=bool(t.due_inherited),
            recurrence=to_json(t.recurrence),
            quota=to_json(t.quota),
        )
        row.assignees = [
            TaskAssigneeRow(position=i, name=a.name, unit_id=a.unit_id, role=a.role) for i, a in enumerate(t.assignees)
        ]
        session.add(row)
        unknown.update(t.unknown_units)
    session.add_all(UnknownUnitRow(name=name, doc_id=doc_id) for name in sorted(unknown))
    bump_passages_generation(session=session)
    return len(tasks)
