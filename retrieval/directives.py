"""Who is assigned what, by when: queries over the tasks extracted at ingest.

Matching rules (``examples/eval/README.md``):
- a unit is found under any spelling or abbreviation (the catalogue resolves it), and a member of a
  group also gets the group's tasks ("UBND xã Tây Sơn" gets those of "UBND các xã, phường");
  tasks of a unit's predecessors (merged in 2025) are shown and flagged;
- a month lists the tasks *active* in it: due in or after it since the document date, recurring in
  it, or (without a deadline) within ``OPEN_TASK_HORIZON_DAYS`` of the document date;
- a date range lists the *deadlines* falling in it: "trong tháng 11 năm 2024" falls on every day of
  that month, "trước ngày 15/5/2026" on 15/5/2026, "hằng tháng" in every month after the document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from troly.dates import (
    Due,
    Recurrence,
    active_in,
    date_label,
    due_from_json,
    due_label,
    month_range,
    occurs_in,
    recurrence_from_json,
)
from troly.errors import UserInputError
from troly.models import DocumentRow, TaskAssigneeRow, TaskRow

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement

    from troly.db import Database
    from troly.units import UnitCatalogue

__all__ = ["OPEN_TASK_HORIZON_DAYS", "TaskFinder", "TaskListing", "TaskView"]

# Which tasks a listing keeps: (due, recurrence, document date) -> keep it.
_Keep = Callable[[Due | None, Recurrence | None, dt.date | None], bool]

# A task with neither deadline nor recurrence ("tiếp tục triển khai …") stays on a unit's list this
# long after its document: long enough for a year's directives, short enough to drop stale ones.
OPEN_TASK_HORIZON_DAYS = 365


@dataclass(slots=True)
class TaskView:
    """A task as users and scripts see it, with its source."""

    id: int
    assignees: list[dict[str, Any]]
    role: str
    text: str
    due: dict[str, Any] | None
    recurrence: dict[str, Any] | None
    quota: dict[str, Any] | None
    source: dict[str, Any]
    match: str = "self"  # why it is listed for the asked unit: self, group, predecessor, …
    unit_role: str | None = None  # the asked unit's own role in it (lead, cooperate, …)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "assignees": self.assignees,
            "role": self.role,
            "text": self.text,
            "due": self.due,
            "due_precision": self.due.get("precision") if self.due else None,
            "due_label": due_label(self.due),
            "recurrence": self.recurrence,
            "quota": self.quota,
            "source": self.source,
            "match": self.match,
            "unit_role": self.unit_role,
        }


@dataclass(slots=True)
class TaskListing:
    unit: str | None
    resolved_unit: str | None
    tasks: list[TaskView] = field(default_factory=list)
    note: str | None = None  # e.g. the unit was merged into another

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "resolved_unit": self.resolved_unit,
            "note": self.note,
            "tasks": [t.as_dict() for t in self.tasks],
        }


def _due_sort_key(view: TaskView) -> tuple[str, str, int]:
    due = view.due or {}
    return (due.get("end") or "9999", view.source.get("date") or "", view.id)


class TaskFinder:
    """Answers "what is assigned to X in month M" and "which deadlines fall in [a, b]"."""

    def __init__(self, *, db: Database, catalogue: Callable[[], UnitCatalogue]) -> None:
        """``catalogue`` returns the current catalogue: units named by newly indexed documents and an
        admin's attachments join it without rebuilding the finder."""
        self.db = db
        self.catalogue = catalogue

    def resolve_unit(self, unit: str) -> tuple[str, dict[str, str], str | None]:
        """(display name, {unit id: reason}, note) for a user's unit name; unknown names raise."""
        catalogue = self.catalogue()
        match = catalogue.resolve(unit)
        if match is None:
            raise UserInputError(
                f"unknown unit {unit!r}",
                user_message=f"Chưa nhận ra đơn vị “{unit}”. Vui lòng ghi rõ tên, ví dụ: Sở Tư pháp, Tỉnh đoàn, UBND xã Tây Sơn.",
            )
        note = None
        if match.current:
            note = f"{match.unit.name} đã hợp nhất vào {', '.join(u.name for u in match.current)}."
        return match.unit.name, catalogue.expand_for_query_detailed(match), note

    def tasks(
        self,
        *,
        unit: str | None = None,
        month: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        include_cooperating: bool = True,
    ) -> TaskListing:
        """Tasks of ``unit`` (all units when None) active in ``month`` ("YYYY-MM") or in [start, end];
        all time when neither is given."""
        if month:
            try:
                start, end = month_range(month)
            except (ValueError, TypeError) as e:
                raise UserInputError(
                    f"bad month {month!r}", user_message="Tháng không hợp lệ, hãy nhập dạng YYYY-MM, ví dụ 2026-11."
                ) from e
        return self._list(
            unit=unit,
            include_cooperating=include_cooperating,
            keep=(
                lambda due, rec, since: active_in(
                    due, rec, start=start, end=end, since=since, horizon_days=OPEN_TASK_HORIZON_DAYS
                )
            )
            if start and end
            else None,
        )

    def deadlines(self, *, start: dt.date, end: dt.date, unit: str | None = None) -> TaskListing:
        """Tasks whose deadline or recurrence falls in the closed range [start, end]."""
        if end < start:
            raise UserInputError(
                f"empty range {start}..{end}",
                user_message="Khoảng thời gian không hợp lệ: ngày bắt đầu sau ngày kết thúc.",
            )
        listing = self._list(
            unit=unit,
            include_cooperating=True,
            keep=lambda due, rec, since: (
                (due is not None or rec is not None) and occurs_in(due, rec, start=start, end=end, since=since)
            ),
        )
        return listing

    def _list(self, *, unit: str | None, include_cooperating: bool, keep: _Keep | None) -> TaskListing:
        reasons: dict[str, str] = {}
        named: dict[str, str] = {}  # names documents use, for rows stored without a unit id
        name = note = None
        if unit:
            name, reasons, note = self.resolve_unit(unit)
            named = self.catalogue().document_spellings(reasons)

        def unit_key(a: TaskAssigneeRow) -> str | None:
            return a.unit_id if a.unit_id in reasons else (named.get(a.name) if a.unit_id is None else None)

        with self.db.session() as session:
            stmt = (
                select(TaskRow, DocumentRow)
                .join(DocumentRow, TaskRow.doc_id == DocumentRow.id)
                .options(selectinload(TaskRow.assignees))
            )
            if unit:
                cond: ColumnElement[bool] = TaskAssigneeRow.unit_id.in_(list(reasons))
                if named:
                    cond = or_(cond, and_(TaskAssigneeRow.unit_id.is_(None), TaskAssigneeRow.name.in_(list(named))))
                stmt = stmt.where(TaskRow.id.in_(select(TaskAssigneeRow.task_id).where(cond)))
            rows = session.execute(
                stmt.order_by(func.coalesce(DocumentRow.date, DocumentRow.date_partial), TaskRow.ordinal)
            ).all()
            views = []
            for task, doc in rows:
                due, rec = due_from_json(task.due), recurrence_from_json(task.recurrence)
                if keep is not None and not keep(due, rec, doc.known_date):
                    continue
                mine = [a for a in task.assignees if unit_key(a) is not None] if unit else []
                if unit and not include_cooperating and all(a.role == "cooperate" for a in mine):
                    continue
                best = min(mine, key=lambda a: list(reasons).index(unit_key(a) or "")) if mine else None
                views.append(
                    TaskView(
                        id=task.id,
                        assignees=[{"name": a.name, "unit_id": a.unit_id, "role": a.role} for a in task.assignees],
                        role=task.role,
                        text=task.text,
                        due=task.due,
                        recurrence=task.recurrence,
                        quota=task.quota,
                        source={
                            "doc_id": doc.id,
                            "number": doc.number,
                            "type": doc.doc_type,
                            # shown at its precision: "tháng 08/2025" when the day is blank
                            "date": doc.known_date.isoformat() if doc.known_date else None,
                            "date_precision": doc.date_precision or "day",
                            "date_label": date_label(doc.known_date, doc.date_precision),
                            "title": doc.title,
                            "section": task.section,
                            "heading": " > ".join(task.heading_path or []),
                            "passage": task.passage,
                            "passage_id": task.passage_id,
                        },
                        match=reasons.get(unit_key(best) or "", "self") if best else "self",
                        unit_role=best.role if best else None,
                    )
                )
        views.sort(key=_due_sort_key)
        return TaskListing(unit=unit, resolved_unit=name, tasks=views, note=note)
