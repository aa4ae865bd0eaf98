"""Stable assignment codes across re-ingest: match a document's tasks to its tracked assignments.

Re-ingest (a corrected notice, a new extractor version) replaces the document's ``tasks`` rows.
:func:`reconcile_assignments` then runs in the same transaction: each current task is matched to
a tracked assignment of the same document by heading path and text similarity (difflib's ratio on
the accent-folded text; an exact match first, then the best pairs above a threshold), so its code,
statuses and history stay. A task with no match gets a new code; a tracked assignment with no task
left is closed: each open assignee becomes "đã thay thế/huỷ" with an event, nothing is deleted.
An assignment closed that way comes back with its former statuses if its task reappears.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.orm import Session

from troly.dates import restated_due, to_json
from troly.followup.models import AssignmentEventRow, AssignmentRow, AssignmentUnitRow
from troly.followup.workflow import CANCELLED, NOT_STARTED, format_code
from troly.models import DocumentRow, TaskRow
from troly.text import collapse_ws, fold

__all__ = [
    "MEMBER_SEP",
    "REMOVED_REASON",
    "ReconcileStats",
    "group_of_key",
    "member_key",
    "reconcile_assignments",
    "unit_key",
]

REMOVED_REASON = "không còn trong văn bản khi nạp lại"
_SYSTEM = "hệ thống"
# Similarity a changed task needs to keep its identity: lower when it stayed under the same heading.
_SAME_HEADING_MIN = 0.6
_OTHER_HEADING_MIN = 0.85


@dataclass(slots=True)
class ReconcileStats:
    kept: int = 0
    created: int = 0
    closed: int = 0


def unit_key(unit_id: str | None, name: str) -> str:
    """How an assignee is recognised across re-ingest: its catalogue id, else its folded name."""
    return unit_id or "ten:" + collapse_ws(fold(name))[:300]


#: A member's own line of a task given to a group ("UBND các xã, phường" → one commune): its key is
#: "<group key>>" + "<member id>", created when the member first reports, kept while the group is assigned.
MEMBER_SEP = ">"


def member_key(group_key: str, unit_id: str) -> str:
    return f"{group_key}{MEMBER_SEP}{unit_id}"


def group_of_key(key: str) -> str | None:
    """The group key of a member line's key, else None."""
    return key.split(MEMBER_SEP, 1)[0] if MEMBER_SEP in key else None


def _norm(text: str) -> str:
    return collapse_ws(fold(text))


def _similarity(a: str, b: str) -> float:
    m = SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < _SAME_HEADING_MIN or m.quick_ratio() < _SAME_HEADING_MIN:
        return 0.0
    return m.ratio()


def _match(tracked: list[AssignmentRow], tasks: list[TaskRow]) -> dict[int, AssignmentRow]:
    """task id → the tracked assignment it continues."""
    out: dict[int, AssignmentRow] = {}
    free = {a.id: a for a in tracked}
    exact: dict[tuple[str, str], list[AssignmentRow]] = {}
    for a in tracked:
        exact.setdefault((_norm(" > ".join(a.heading_path or [])), _norm(a.text)), []).append(a)
    rest: list[TaskRow] = []
    for t in tasks:
        same = exact.get((_norm(" > ".join(t.heading_path or [])), _norm(t.text)))
        if same:
            a = same.pop(0)
            out[t.id] = a
            free.pop(a.id, None)
        else:
            rest.append(t)
    pairs: list[tuple[float, int, int, TaskRow, AssignmentRow]] = []
    for t in rest:
        t_head, t_text = _norm(" > ".join(t.heading_path or [])), _norm(t.text)
        for a in free.values():
            same_heading = _norm(" > ".join(a.heading_path or [])) == t_head
            score = _similarity(t_text, _norm(a.text))
            if score >= (_SAME_HEADING_MIN if same_heading else _OTHER_HEADING_MIN):
                pairs.append((score + (0.05 if same_heading else 0.0), t.id, a.id, t, a))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    used: set[int] = set()
    for _, tid, aid, _t, a in pairs:
        if tid in out or aid in used:
            continue
        out[tid] = a
        used.add(aid)
    return out


def _event(row: AssignmentUnitRow, to_status: str, *, now: dt.datetime, note: str, frm: str | None) -> None:
    row.history.append(
        AssignmentEventRow(
            from_status=frm, to_status=to_status, action="ingest", by=_SYSTEM, channel="ingest", note=note, at=now
        )
    )


def _cancel(row: AssignmentUnitRow, *, now: dt.datetime, note: str) -> None:
    if row.status == CANCELLED:
        return
    _event(row, CANCELLED, now=now, note=note, frm=row.status)
    row.status = CANCELLED
    row.updated_at = now


def _restore(row: AssignmentUnitRow, *, now: dt.datetime) -> None:
    """Undo an ingest cancellation: the status it had before."""
    if row.status != CANCELLED:
        return
    before = next((e.from_status for e in reversed(row.history) if e.to_status == CANCELLED), None) or NOT_STARTED
    _event(row, before, now=now, note="nhiệm vụ có lại trong văn bản", frm=CANCELLED)
    row.status = before
    row.updated_at = now


def _sync_units(a: AssignmentRow, task: TaskRow, *, now: dt.datetime) -> None:
    by_key = {u.unit_key: u for u in a.units}
    seen: set[str] = set()
    for pos, t_unit in enumerate(task.assignees):
        key = unit_key(t_unit.unit_id, t_unit.name)
        if key in seen:
            continue
        seen.add(key)
        row = by_key.get(key)
        if row is None:
            row = AssignmentUnitRow(unit_key=key, status=NOT_STARTED, updated_at=now, confirmed=False)
            a.units.append(row)
            _event(row, NOT_STARTED, now=now, note="giao nhiệm vụ", frm=None)
        else:
            _restore(row, now=now)
        row.unit_id, row.unit_name, row.role, row.position = t_unit.unit_id, t_unit.name[:300], t_unit.role, pos
    for key, row in by_key.items():
        if key in seen:
            continue
        group = group_of_key(key)
        if group is not None and group in seen:
            _restore(row, now=now)  # a member's own line lives while its group is assigned
        else:
            _cancel(row, now=now, note="đơn vị không còn được giao khi nạp lại văn bản")


def _copy_task(a: AssignmentRow, task: TaskRow, doc: DocumentRow | None, *, now: dt.datetime) -> None:
    a.task_id, a.ordinal, a.text = task.id, task.ordinal, task.text
    a.heading_path, a.section = list(task.heading_path or []), task.section or ""
    a.due, a.due_end, a.recurrence = task.due, task.due_end, task.recurrence
    if task.due is None and not task.recurrence and doc is not None and doc.date is not None:
        # "thời hạn … trước ngày 15/10/2026, đến nay chưa hoàn thành": late, as the answers say
        restated = restated_due(task.text, issued=doc.date)
        if restated is not None:
            a.due, a.due_end = to_json(restated), restated.end
    a.doc_number = doc.number if doc is not None else a.doc_number
    a.open, a.closed_reason, a.updated_at = True, None, now


def reconcile_assignments(*, session: Session, doc_id: str, now: dt.datetime) -> ReconcileStats:
    """Bring the tracked assignments of ``doc_id`` in line with its current tasks (caller commits).

    Args:
        session: the transaction that just replaced (or deleted) the document's tasks.
        doc_id: the document.
        now: the time recorded on created, closed and restored assignees.

    Returns:
        How many assignments kept their identity, were created and were closed.
    """
    session.flush()  # the new tasks' ids
    doc = session.get(DocumentRow, doc_id)
    tasks = (
        list(session.scalars(select(TaskRow).where(TaskRow.doc_id == doc_id).order_by(TaskRow.ordinal, TaskRow.id)))
        if doc is not None
        else []  # a removed document (its tasks may linger where SQLite does not enforce the cascade)
    )
    tracked = list(
        session.scalars(
            select(AssignmentRow)
            .where(AssignmentRow.doc_id == doc_id)
            .where(AssignmentRow.open.is_(True) | (AssignmentRow.closed_reason == REMOVED_REASON))
            .order_by(AssignmentRow.id)
        )
    )
    stats = ReconcileStats()
    matched = _match(tracked, tasks)
    for task in tasks:
        a = matched.get(task.id)
        if a is None:
            a = AssignmentRow(doc_id=doc_id, created_at=now)
            _copy_task(a, task, doc, now=now)
            session.add(a)
            session.flush()
            a.code = format_code(now.year, a.id)
            stats.created += 1
        else:
            _copy_task(a, task, doc, now=now)
            stats.kept += 1
        _sync_units(a, task, now=now)
    kept_ids = {a.id for a in matched.values()}
    for a in tracked:
        if a.id in kept_ids or not a.open:
            continue
        a.open, a.closed_reason, a.task_id, a.updated_at = False, REMOVED_REASON, None, now
        for row in a.units:
            _cancel(row, now=now, note="nhiệm vụ không còn trong văn bản khi nạp lại (đã thay thế/huỷ)")
        stats.closed += 1
    session.flush()
    return stats
