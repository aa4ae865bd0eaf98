"""The task rows one real ingest stored, read back for assertions (tests of assignment extraction)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from troly.models import TaskRow
from troly.store import list_documents

__all__ = ["ingest_tasks", "unit_roles"]


def ingest_tasks(ctx, path: Path) -> tuple[object, list[TaskRow]]:
    """Ingest ``path`` (it must be new) and return its document and task rows, assignees loaded."""
    result = ctx.ingestor().ingest([path]).results[0]
    assert result.status == "added", result.reason
    with ctx.db.session() as session:
        doc = next(d for d in list_documents(session=session) if d.id == result.doc_id)
        rows = list(session.scalars(select(TaskRow).where(TaskRow.doc_id == doc.id).order_by(TaskRow.ordinal)))
        for row in rows:
            _ = list(row.assignees)  # load before the session closes
        session.expunge_all()
    return doc, rows


def unit_roles(row: TaskRow) -> list[tuple[str | None, str]]:
    """(unit id, role) of a task's assignees, in their written order."""
    return [(a.unit_id, a.role) for a in sorted(row.assignees, key=lambda a: a.position)]
