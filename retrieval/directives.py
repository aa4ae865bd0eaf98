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
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

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
from troly.store import passages_generation

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from troly.db import Database
    from troly.units import UnitCatalogue

__all__ = ["OPEN_TASK_HORIZON_DAYS", "StoredTask", "TaskFinder", "TaskListing", "TaskSnapshot", "TaskView"]

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
    generation: int = 0  # the passage generation of the rows listed (``TaskFinder.snapshot``)

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
        self._snapshot: TaskSnapshot | None = None
        self._snapshot_lock = threading.Lock()

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
        snapshot: TaskSnapshot | None = None,
        where: Callable[[StoredTask], bool] | None = None,
    ) -> TaskListing:
        """Tasks of ``unit`` (all units when None) active in ``month`` ("YYYY-MM") or in [start, end];
        all time when neither is given. ``snapshot``: the rows to list (default: the current ones);
        ``where``: a further test of each row, before its view is built."""
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
            snapshot=snapshot,
            where=where,
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

    def snapshot(self) -> TaskSnapshot:
        """Every stored task with its document's fields, read once per passage generation (an
        ingest, a removal or a tasks refresh bumps it): a question then filters rows in memory
        instead of loading every task through the ORM again."""
        with self.db.session() as session:
            generation = passages_generation(session=session)  # first: the rows are at least this new
            snap = self._snapshot
            if snap is not None and snap.generation == generation:
                return snap
            snap = TaskSnapshot(generation, _stored_tasks(session))
        with self._snapshot_lock:
            if self._snapshot is None or self._snapshot.generation <= generation:
                self._snapshot = snap
        return snap

    def _list(
        self,
        *,
        unit: str | None,
        include_cooperating: bool,
        keep: _Keep | None,
        snapshot: TaskSnapshot | None = None,
        where: Callable[[StoredTask], bool] | None = None,
    ) -> TaskListing:
        reasons: dict[str, str] = {}
        named: dict[str, str] = {}  # names documents use, for rows stored without a unit id
        name = note = None
        if unit:
            name, reasons, note = self.resolve_unit(unit)
            named = self.catalogue().document_spellings(reasons)
        order = list(reasons)

        def unit_key(a: StoredAssignee) -> str | None:
            return a.unit_id if a.unit_id in reasons else (named.get(a.name) if a.unit_id is None else None)

        snap = snapshot or self.snapshot()
        views = []
        for row in snap.rows:
            mine = [a for a in row.assignees if unit_key(a) is not None] if unit else []
            if unit and not mine:  # the unit (a spelling, a group, a predecessor) is not named
                continue
            if where is not None and not where(row):
                continue
            if keep is not None and not keep(row.parsed_due, row.parsed_recurrence, row.doc_date):
                continue
            if unit and not include_cooperating and all(a.role == "cooperate" for a in mine):
                continue
            best = min(mine, key=lambda a: order.index(unit_key(a) or "")) if mine else None
            views.append(
                TaskView(
                    id=row.id,
                    assignees=[{"name": a.name, "unit_id": a.unit_id, "role": a.role} for a in row.assignees],
                    role=row.role,
                    text=row.text,
                    due=_copy(row.due),
                    recurrence=_copy(row.recurrence),
                    quota=_copy(row.quota),
                    source=dict(row.source),
                    match=reasons.get(unit_key(best) or "", "self") if best else "self",
                    unit_role=best.role if best else None,
                )
            )
        views.sort(key=_due_sort_key)
        return TaskListing(unit=unit, resolved_unit=name, tasks=views, note=note, generation=snap.generation)


def _copy(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """A view's own copy of a stored JSON dict (and of its lists), so no caller edits the snapshot."""
    if value is None:
        return None
    return {k: list(v) if isinstance(v, list) else v for k, v in value.items()}


@dataclass(frozen=True, slots=True)
class StoredAssignee:
    name: str
    unit_id: str | None
    role: str


@dataclass(frozen=True, slots=True)
class StoredTask:
    """A task row as :meth:`TaskFinder.snapshot` keeps it: what a :class:`TaskView` shows, parsed once."""

    id: int
    doc_id: str
    ordinal: int
    role: str
    text: str
    due: dict[str, Any] | None
    due_end: dt.date | None  # the indexed column (what "has a stored deadline" means in SQL)
    recurrence: dict[str, Any] | None
    quota: dict[str, Any] | None
    assignees: tuple[StoredAssignee, ...]
    source: dict[str, Any]
    doc_date: dt.date | None
    parsed_due: Due | None
    parsed_recurrence: Recurrence | None


@dataclass(slots=True)
class TaskSnapshot:
    """Every task of one passage generation. ``memo`` holds what callers derive from these rows
    (e.g. the answers' restated deadlines), so it is dropped with them."""

    generation: int
    rows: list[StoredTask]
    memo: dict[str, Any] = field(default_factory=dict)


def _stored_tasks(session: Session) -> list[StoredTask]:
    """Two column queries (tasks with their documents, then assignees): no ORM objects."""
    people: dict[int, list[StoredAssignee]] = {}
    for task_id, name, unit_id, role in session.execute(
        select(TaskAssigneeRow.task_id, TaskAssigneeRow.name, TaskAssigneeRow.unit_id, TaskAssigneeRow.role).order_by(
            TaskAssigneeRow.task_id, TaskAssigneeRow.position, TaskAssigneeRow.id
        )
    ):
        people.setdefault(task_id, []).append(StoredAssignee(name, unit_id, role))
    rows = session.execute(
        select(
            TaskRow.id,
            TaskRow.doc_id,
            TaskRow.ordinal,
            TaskRow.role,
            TaskRow.text,
            TaskRow.section,
            TaskRow.heading_path,
            TaskRow.passage,
            TaskRow.passage_id,
            TaskRow.due,
            TaskRow.due_end,
            TaskRow.recurrence,
            TaskRow.quota,
            DocumentRow.number,
            DocumentRow.doc_type,
            DocumentRow.date,
            DocumentRow.date_partial,
            DocumentRow.date_precision,
            DocumentRow.title,
        )
        .join(DocumentRow, TaskRow.doc_id == DocumentRow.id)
        .order_by(func.coalesce(DocumentRow.date, DocumentRow.date_partial), TaskRow.ordinal, TaskRow.id)
    )
    out = []
    for r in rows:
        known = r.date or r.date_partial  # DocumentRow.known_date
        out.append(
            StoredTask(
                id=r.id,
                doc_id=r.doc_id,
                ordinal=r.ordinal,
                role=r.role,
                text=r.text,
                due=r.due,
                due_end=r.due_end,
                recurrence=r.recurrence,
                quota=r.quota,
                assignees=tuple(people.get(r.id, ())),
                source={
                    "doc_id": r.doc_id,
                    "number": r.number,
                    "type": r.doc_type,
                    # shown at its precision: "tháng 08/2025" when the day is blank
                    "date": known.isoformat() if known else None,
                    "date_precision": r.date_precision or "day",
                    "date_label": date_label(known, r.date_precision),
                    "title": r.title,
                    "section": r.section,
                    "heading": " > ".join(r.heading_path or []),
                    "passage": r.passage,
                    "passage_id": r.passage_id,
                },
                doc_date=known,
                parsed_due=due_from_json(r.due),
                parsed_recurrence=recurrence_from_json(r.recurrence),
            )
        )
    return out
