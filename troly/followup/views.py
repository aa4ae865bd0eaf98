"""Read-only views of assignments for the CLI, chat and reports (no ORM rows leave the store)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from troly.dates import due_label
from troly.followup.models import AssignmentEventRow, AssignmentRow, AssignmentUnitRow
from troly.followup.workflow import (
    CANCELLED,
    CAT_DONE_LATE,
    CAT_DONE_ON_TIME,
    CAT_FAILED,
    CAT_IN_PROGRESS,
    CAT_OVERDUE,
    CAT_RECURRING,
    DONE,
    FAILED,
)

__all__ = ["AssigneeView", "EventView", "category_of", "due_text", "view_of"]


def category_of(
    *, status: str, completed_on: dt.date | None, due_end: dt.date | None, recurring: bool, as_of: dt.date
) -> str | None:
    """The report category of one status on ``as_of`` (None for a cancelled assignment).

    A recurring duty is "thường xuyên" whatever its current period says; a completion is on time
    when its date is not after the deadline's last day (no deadline: on time).
    """
    if status == CANCELLED:
        return None
    if recurring:
        return CAT_RECURRING
    if status == DONE:
        late = due_end is not None and completed_on is not None and completed_on > due_end
        return CAT_DONE_LATE if late else CAT_DONE_ON_TIME
    if status == FAILED:
        return CAT_FAILED
    if due_end is not None and as_of > due_end:
        return CAT_OVERDUE
    return CAT_IN_PROGRESS


def due_text(a: AssignmentRow) -> str:
    """The deadline as the document words it, with its dates; the recurrence for a recurring duty."""
    parts = []
    if a.recurrence:
        parts.append(a.recurrence.get("text") or "thường xuyên")
    if a.due:
        label = due_label(a.due)
        text = a.due.get("text") or label
        parts.append(f"{text} ({label})" if label and label != text else text)
    return "; ".join(parts)


@dataclass(slots=True)
class EventView:
    at: str
    from_status: str | None
    to_status: str
    action: str
    by: str
    channel: str
    note: str | None
    evidence: str | None
    period: str | None


@dataclass(slots=True)
class AssigneeView:
    """One assignee of one assignment, with the assignment's text and deadline."""

    code: str
    doc_id: str
    doc_number: str | None
    text: str
    section: str
    unit_id: str | None
    unit_name: str
    role: str
    status: str
    confirmed: bool
    version: int
    completed_on: str | None
    result: str | None
    note: str | None
    due: str
    due_end: str | None
    recurring: bool
    open: bool
    category: str | None
    history: list[EventView] = field(default_factory=list)
    period: str | None = None  # set after a report on a recurring duty: the period reported
    period_status: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _event_view(e: AssignmentEventRow, tz: ZoneInfo) -> EventView:
    at = e.at if e.at.tzinfo else e.at.replace(tzinfo=tz)
    return EventView(
        at=at.astimezone(tz).isoformat(timespec="minutes"),
        from_status=e.from_status,
        to_status=e.to_status,
        action=e.action,
        by=e.by,
        channel=e.channel,
        note=e.note,
        evidence=e.evidence,
        period=e.period,
    )


def view_of(u: AssignmentUnitRow, *, as_of: dt.date, tz: ZoneInfo, history: bool = False) -> AssigneeView:
    a = u.assignment
    return AssigneeView(
        code=a.code or "",
        doc_id=a.doc_id,
        doc_number=a.doc_number,
        text=a.text,
        section=a.section,
        unit_id=u.unit_id,
        unit_name=u.unit_name,
        role=u.role,
        status=u.status,
        confirmed=u.confirmed,
        version=u.version,
        completed_on=u.completed_on.isoformat() if u.completed_on else None,
        result=u.result,
        note=u.note,
        due=due_text(a),
        due_end=a.due_end.isoformat() if a.due_end else None,
        recurring=bool(a.recurrence),
        open=a.open,
        category=category_of(
            status=u.status, completed_on=u.completed_on, due_end=a.due_end, recurring=bool(a.recurrence), as_of=as_of
        ),
        history=[_event_view(e, tz) for e in u.history] if history else [],
    )
