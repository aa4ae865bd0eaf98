"""SQL side of the unit catalogue: the unit names indexed documents use, and an admin's attachments
of such names to catalogue units (keyword-only data functions; the caller owns the transaction).

``catalogue_stamp`` changes whenever either changes (an ingest or removal bumps the passage
generation; an attachment bumps its own), so the composition root rebuilds the document layer of
the catalogue only then (``UnitCatalogue.with_document_names`` indexes only what is new).
"""

from __future__ import annotations

from sqlalchemy import Connection, func, or_, select
from sqlalchemy.orm import Session

from troly.models import IndexState, TaskAssigneeRow, TaskRow, UnitAttachmentRow, UnknownUnitRow
from troly.text import collapse_ws, nfc
from troly.units import ATTACH_RELATIONS, DOCUMENT_ID_PREFIX, UnitAttachment, UnitCatalogue, is_attach_relation

__all__ = [
    "attach_unit",
    "catalogue_stamp",
    "detach_unit",
    "document_unit_names",
    "unit_attachments",
    "with_documents",
]

_UNITS = "unit_attachments"
_PASSAGES = "passages"  # the key troly.store bumps on every ingest or removal
_STAMP = select(IndexState.key, IndexState.generation).where(IndexState.key.in_((_PASSAGES, _UNITS)))


def catalogue_stamp(*, session: Session | Connection) -> tuple[int, int]:
    """(passage generation, attachment generation): what the document layer was built from.

    Takes a plain connection too: this runs on every ``Context.catalogue()`` call, and a Core
    query on a pooled connection costs half of an ORM session's."""
    rows = dict(session.execute(_STAMP).all())
    return rows.get(_PASSAGES, 0), rows.get(_UNITS, 0)


def document_unit_names(*, session: Session) -> dict[str, int]:
    """Unit names documents use that the catalogue did not know when they were indexed, with the
    number of documents naming each: unknown unit-like names and task assignees without a catalogue
    id (or with a document-named one)."""
    out: dict[str, int] = {}
    unknown = select(UnknownUnitRow.name, func.count(func.distinct(UnknownUnitRow.doc_id))).group_by(
        UnknownUnitRow.name
    )
    assignees = (
        select(TaskAssigneeRow.name, func.count(func.distinct(TaskRow.doc_id)))
        .join(TaskRow, TaskAssigneeRow.task_id == TaskRow.id)
        .where(or_(TaskAssigneeRow.unit_id.is_(None), TaskAssigneeRow.unit_id.startswith(DOCUMENT_ID_PREFIX)))
        .group_by(TaskAssigneeRow.name)
    )
    for stmt in (unknown, assignees):
        for name, n in session.execute(stmt).all():
            out[name] = max(out.get(name, 0), int(n))
    return out


def unit_attachments(*, session: Session) -> list[UnitAttachment]:
    """Every attachment, oldest first."""
    rows = session.scalars(select(UnitAttachmentRow).order_by(UnitAttachmentRow.created_at, UnitAttachmentRow.name))
    return [UnitAttachment(r.name, r.unit_id, r.relation) for r in rows]


def _bump(session: Session) -> None:
    row = session.get(IndexState, _UNITS, with_for_update=True)
    if row is None:
        session.add(IndexState(key=_UNITS, generation=1))
    else:
        row.generation += 1


def attach_unit(
    *, session: Session, catalogue: UnitCatalogue, name: str, unit_id: str, relation: str = "alias"
) -> UnitAttachment:
    """Record that ``name`` (as documents write it) is an alias of / a member of / succeeded by ``unit_id``.

    Raises:
        ValueError: an unknown relation or unit id, a member-of target that is not a group, or an
            empty name.
    """
    name = collapse_ws(nfc(name))
    if not name:
        raise ValueError("empty unit name")
    if not is_attach_relation(relation):
        raise ValueError(f"relation must be one of {', '.join(ATTACH_RELATIONS)}, not {relation!r}")
    target = catalogue.get(unit_id)
    if target is None or target.from_documents:
        raise ValueError(f"no catalogue unit with id {unit_id!r}")
    if relation == "member-of" and not target.is_group:
        raise ValueError(f"{unit_id!r} is not a group (kind nhóm); use --as alias or successor-of")
    row = session.get(UnitAttachmentRow, name)
    if row is None:
        session.add(UnitAttachmentRow(name=name, unit_id=target.id, relation=relation))
    else:
        row.unit_id, row.relation = target.id, relation
    _bump(session)
    return UnitAttachment(name, target.id, relation)


def detach_unit(*, session: Session, name: str) -> bool:
    """Forget the attachment of ``name``; False when there was none."""
    row = session.get(UnitAttachmentRow, collapse_ws(nfc(name)))
    if row is None:
        return False
    session.delete(row)
    _bump(session)
    return True


def with_documents(catalogue: UnitCatalogue, *, session: Session) -> UnitCatalogue:
    """``catalogue`` plus the names documents use and the admin's attachments."""
    ids = session.scalars(select(TaskAssigneeRow.unit_id).where(TaskAssigneeRow.unit_id.is_not(None)).distinct())
    return catalogue.with_document_names(
        document_unit_names(session=session), unit_attachments(session=session), communes=[i for i in ids if i]
    )
