"""Store functions of the follow-up: keyword-only, they take ``session`` and never commit.

Every status change is an :class:`~troly.followup.models.AssignmentEventRow`; a change made on a
stale read (``expected_version``) or overtaken by a concurrent writer (the row's version column)
is refused with :class:`FollowupConflict`, so two admins never silently overwrite each other.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Collection, Iterable
from typing import ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from troly.errors import UserInputError
from troly.followup.identity import group_of_key, member_key
from troly.followup.models import AssignmentEventRow, AssignmentPeriodRow, AssignmentRow, AssignmentUnitRow
from troly.followup.views import AssigneeView, view_of
from troly.followup.workflow import (
    CANCELLED,
    DONE,
    FAILED,
    IN_PROGRESS,
    NOT_STARTED,
    REPORTABLE,
    find_evidence,
    format_code,
    normalise_status,
    parse_code,
)
from troly.text import collapse_ws

P = ParamSpec("P")
R = TypeVar("R")

__all__ = [
    "FollowupConflict",
    "FollowupInputError",
    "assignee_rows",
    "confirm",
    "current_period_settled",
    "find_assignment",
    "period_key",
    "reopen",
    "report_status",
]


class FollowupInputError(UserInputError):
    """A follow-up request that cannot be carried out (unknown code, another unit's task, …)."""


class FollowupConflict(FollowupInputError):
    """The status changed since it was read (another admin or worker got there first)."""


def period_key(period: str | None, day: dt.date) -> str:
    """The period of a recurring duty that contains ``day``: "2026-11", "2026-Q4", "2026-H2", "2026"."""
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if period == "half":
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    if period == "year":
        return str(day.year)
    if period == "week":
        iso = day.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if period == "day":
        return day.isoformat()
    return f"{day.year}-{day.month:02d}"


def find_assignment(*, session: Session, code: str) -> AssignmentRow | None:
    """The assignment of a code ("NV-2026-000123", "nv-123"), else None."""
    parsed = parse_code(code)
    if parsed is None:
        return None
    year, row_id = parsed
    row = session.get(AssignmentRow, row_id, options=[selectinload(AssignmentRow.units)])
    if row is None or (year is not None and row.code != format_code(year, row_id)):
        return None
    return row


def _not_found(code: str) -> FollowupInputError:
    shown = collapse_ws(code)[:40]
    return FollowupInputError(
        f"no assignment {shown!r}",
        user_message=f"Không tìm thấy nhiệm vụ mã {shown}. Mã có dạng NV-2026-000123 (xem bằng /tiendo).",
    )


def _line_to_change(
    session: Session,
    code: str,
    unit_id: str | None,
    expected_version: int | None,
    *,
    unit_name: str | None = None,
    groups: Collection[str] = (),
    predecessors: Collection[str] = (),
    now: dt.datetime | None = None,
) -> tuple[AssignmentRow, AssignmentUnitRow]:
    """The assignment and the unit's line a change applies to, after the checks every change makes:
    the code exists, the line is open, and nobody changed it since ``expected_version``."""
    a = find_assignment(session=session, code=code)
    if a is None:
        raise _not_found(code)
    u = _unit_row(a, unit_id, unit_name=unit_name, groups=groups, predecessors=predecessors, now=now)
    _check_open(a, u)
    _check_version(a, u, expected_version)
    return a, u


def _unit_row(
    a: AssignmentRow,
    unit_id: str | None,
    *,
    unit_name: str | None = None,
    groups: Collection[str] = (),
    predecessors: Collection[str] = (),
    now: dt.datetime | None = None,
) -> AssignmentUnitRow:
    """The line ``unit_id`` reports on: its own; else the line of a body it succeeds
    (``predecessors``: a task given to Sở TT&TT before the 2025 merger is now Sở KH&CN's, with the
    status reported so far); else (``groups``: the groups it belongs to) a new member line of a
    task given to one of its groups, created with ``now``."""
    code = a.code or ""
    if unit_id is None:
        live = [u for u in a.units if u.status != CANCELLED and group_of_key(u.unit_key) is None] or list(a.units)
        if len(live) == 1:
            return live[0]
        names = ", ".join(u.unit_name for u in live)
        raise FollowupInputError(
            f"{code}: several assignees, no unit given",
            user_message=f"Nhiệm vụ {code} giao cho nhiều đơn vị ({names}); hãy ghi rõ đơn vị.",
        )
    for u in a.units:
        if u.unit_id == unit_id or u.unit_key == unit_id:
            return u
    inherited = next((u for u in a.units if u.unit_id in predecessors and u.status != CANCELLED), None)
    if inherited is not None:
        return inherited
    group_row = next((u for u in a.units if u.unit_id in groups and u.status != CANCELLED), None)
    if group_row is not None and now is not None:
        row = AssignmentUnitRow(
            unit_key=member_key(group_row.unit_key, unit_id),
            unit_id=unit_id,
            unit_name=(unit_name or unit_id)[:300],
            role=group_row.role,
            position=len(a.units),
            status=NOT_STARTED,
            confirmed=False,
            updated_at=now,
        )
        a.units.append(row)
        row.history.append(
            AssignmentEventRow(
                from_status=None, to_status=NOT_STARTED, action="ingest", by="hệ thống", channel="ingest",
                note=f"giao cho {group_row.unit_name}", at=now,
            )
        )  # fmt: skip
        return row
    raise FollowupInputError(
        f"{code} is not assigned to {unit_id}",
        user_message=f"Nhiệm vụ {code} không giao cho {unit_name or 'đơn vị của bạn'}; "
        "mỗi đơn vị chỉ báo cáo nhiệm vụ của mình.",
    )


def _check_open(a: AssignmentRow, u: AssignmentUnitRow) -> None:
    if not a.open or u.status == CANCELLED:
        raise FollowupInputError(
            f"{a.code} is closed",
            user_message=f"Nhiệm vụ {a.code} đã được thay thế/huỷ ({a.closed_reason or 'đơn vị không còn được giao'}); "
            "không nhận báo cáo cho nhiệm vụ này.",
        )


def _check_version(a: AssignmentRow, u: AssignmentUnitRow, expected: int | None) -> None:
    # 0: the caller saw no line of its own yet (a group task); a line made meanwhile has version 1
    if expected is not None and expected != (u.version or 0):
        raise FollowupConflict(
            f"{a.code}/{u.unit_key}: version {u.version} != {expected}",
            user_message=f"Tình trạng nhiệm vụ {a.code} của {u.unit_name} vừa được người khác cập nhật "
            f"(hiện là “{u.status}”). Vui lòng xem lại rồi thao tác lại.",
        )


def _conflict(code: str, e: Exception) -> FollowupConflict:
    return FollowupConflict(
        f"{code}: concurrent update ({e})",
        user_message=f"Tình trạng nhiệm vụ {collapse_ws(code)[:40]} vừa được người khác cập nhật. "
        "Vui lòng xem lại rồi thao tác lại.",
    )


def _guarded(fn: Callable[P, R]) -> Callable[P, R]:
    """A concurrent writer's newer version (seen at any flush, autoflush included) → FollowupConflict."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except StaleDataError as e:
            raise _conflict(str(kwargs.get("code", "")), e) from e

    return wrapper


def _event(
    u: AssignmentUnitRow,
    to_status: str,
    *,
    action: str,
    by: str,
    channel: str,
    now: dt.datetime,
    note: str | None,
    evidence: str | None,
    period: str | None,
    frm: str | None,
) -> None:
    u.history.append(
        AssignmentEventRow(
            from_status=frm,
            to_status=to_status,
            action=action,
            by=collapse_ws(by)[:200] or "?",
            channel=channel[:20],
            note=note,
            evidence=evidence,
            period=period,
            at=now,
        )
    )


@_guarded
def report_status(
    *,
    session: Session,
    code: str,
    status: str,
    unit_id: str | None,
    by: str,
    channel: str,
    now: dt.datetime,
    tz: ZoneInfo,
    note: str | None = None,
    evidence: str | None = None,
    admin: bool = False,
    unit_name: str | None = None,
    expected_version: int | None = None,
    period: str | None = None,
    groups: Collection[str] = (),
    predecessors: Collection[str] = (),
) -> AssigneeView:
    """Record a unit's progress on an assignment.

    Args:
        code: the assignment code.
        status: "đang thực hiện", "hoàn thành" or "không thực hiện được" (any spelling).
        unit_id: the reporting unit; None only for an admin and a single-assignee assignment.
        note: free text; for "không thực hiện được" the reason (required).
        evidence: "kết quả / sản phẩm" (a document number, a link); default: document numbers in ``note``.
        admin: an admin may change a confirmed completion; a unit may not.
        expected_version: the version the caller showed the user (optimistic check).
        period: for a recurring duty, the period reported ("2026-11"); default: the current one.
        groups: the groups the unit belongs to: a task given to one of them gets the unit's own line.
        predecessors: the former bodies the unit succeeds: their lines are the unit's to report on.

    Raises:
        FollowupInputError: unknown code or status, another unit's task, a closed task, a missing reason.
        FollowupConflict: the status changed since ``expected_version`` or concurrently.
    """
    new = normalise_status(status)
    if new not in REPORTABLE:
        raise FollowupInputError(
            f"bad status {status!r}",
            user_message="Tình trạng không hợp lệ. Chọn một trong: " + ", ".join(REPORTABLE) + ".",
        )
    a, u = _line_to_change(
        session,
        code,
        unit_id,
        expected_version,
        unit_name=unit_name,
        groups=groups,
        predecessors=predecessors,
        now=now.astimezone(tz),
    )
    note = collapse_ws(note or "") or None
    if new == FAILED and not note:
        raise FollowupInputError(
            "no reason",
            user_message="Vui lòng nêu lý do không thực hiện được (ví dụ: “… vì chưa được bố trí kinh phí”).",
        )
    if u.confirmed and not admin:
        raise FollowupInputError(
            f"{a.code} confirmed",
            user_message=f"Văn phòng đã xác nhận hoàn thành nhiệm vụ {a.code}; liên hệ quản trị viên nếu cần mở lại.",
        )
    when = now.astimezone(tz)
    evidence = collapse_ws(evidence or "") or find_evidence(note or "")
    recurring = bool(a.recurrence)
    key = (period or period_key((a.recurrence or {}).get("period"), when.date())) if recurring else None
    frm = u.status
    if key is not None:
        prow = session.scalars(
            select(AssignmentPeriodRow).where(
                AssignmentPeriodRow.unit_row_id == u.id, AssignmentPeriodRow.period == key
            )
        ).first()
        if prow is None:
            prow = AssignmentPeriodRow(unit_row_id=u.id, period=key, status=new, updated_at=when)
            session.add(prow)
        prow.status, prow.result, prow.updated_at = new, evidence or prow.result, when
    # A recurring duty is never over: a period reported done leaves the duty "đang thực hiện" (its
    # period row says "hoàn thành"), so it stays in the unit's list for the next period.
    u.status = IN_PROGRESS if recurring and new == DONE else new
    u.completed_on = when.date() if new == DONE and not recurring else None
    if new == DONE or evidence:
        u.result = evidence or u.result
    u.note = note
    u.confirmed = False
    u.updated_at = when
    _event(u, new, action="report", by=by, channel=channel, now=when, note=note, evidence=evidence, period=key, frm=frm)
    session.flush()
    view = view_of(u, as_of=when.date(), tz=tz, history=True)
    view.period, view.period_status = key, (new if key else None)
    return view


@_guarded
def confirm(
    *,
    session: Session,
    code: str,
    unit_id: str | None,
    by: str,
    channel: str,
    now: dt.datetime,
    tz: ZoneInfo,
    note: str | None = None,
    expected_version: int | None = None,
) -> AssigneeView:
    """An admin confirms a reported completion."""
    a, u = _line_to_change(session, code, unit_id, expected_version)
    if u.status != DONE:
        raise FollowupInputError(
            f"{a.code} not done",
            user_message=f"Chỉ xác nhận được nhiệm vụ đã báo hoàn thành ({a.code} của {u.unit_name} đang “{u.status}”).",
        )
    when = now.astimezone(tz)
    u.confirmed, u.updated_at = True, when
    _event(u, DONE, action="confirm", by=by, channel=channel, now=when, note=note, evidence=None, period=None, frm=DONE)
    session.flush()
    return view_of(u, as_of=when.date(), tz=tz, history=True)


@_guarded
def reopen(
    *,
    session: Session,
    code: str,
    unit_id: str | None,
    by: str,
    channel: str,
    now: dt.datetime,
    tz: ZoneInfo,
    note: str | None = None,
    expected_version: int | None = None,
) -> AssigneeView:
    """An admin reopens a reported completion (or failure): back to "đang thực hiện"."""
    a, u = _line_to_change(session, code, unit_id, expected_version)
    if u.status not in (DONE, FAILED):
        raise FollowupInputError(
            f"{a.code} not closed by its unit",
            user_message=f"Nhiệm vụ {a.code} của {u.unit_name} đang “{u.status}”, không có gì để mở lại.",
        )
    when = now.astimezone(tz)
    frm = u.status
    u.status, u.confirmed, u.completed_on, u.updated_at = IN_PROGRESS, False, None, when
    _event(
        u,
        IN_PROGRESS,
        action="reopen",
        by=by,
        channel=channel,
        now=when,
        note=note,
        evidence=None,
        period=None,
        frm=frm,
    )
    session.flush()
    return view_of(u, as_of=when.date(), tz=tz, history=True)


def assignee_rows(
    *,
    session: Session,
    doc_ids: Iterable[str] | None = None,
    unit_ids: Iterable[str] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    include_closed: bool = False,
) -> list[AssignmentUnitRow]:
    """Assignees (with their assignment loaded) filtered by document, unit and period.

    A period keeps deadlines inside it, duties without a deadline (recurring ones included) and
    earlier deadlines still not met (what a progress report carries over as overdue).
    """
    q = (
        select(AssignmentUnitRow)
        .join(AssignmentRow, AssignmentUnitRow.assignment_id == AssignmentRow.id)
        .options(selectinload(AssignmentUnitRow.assignment).selectinload(AssignmentRow.units))
        .order_by(AssignmentRow.doc_id, AssignmentRow.ordinal, AssignmentRow.id, AssignmentUnitRow.position)
    )
    if not include_closed:
        q = q.where(AssignmentRow.open.is_(True), AssignmentUnitRow.status != CANCELLED)
    if doc_ids is not None:
        q = q.where(AssignmentRow.doc_id.in_(list(doc_ids)))
    if unit_ids is not None:
        q = q.where(AssignmentUnitRow.unit_id.in_(list(unit_ids)))
    if end is not None:
        q = q.where(or_(AssignmentRow.due_end.is_(None), AssignmentRow.due_end <= end))
    if start is not None:
        q = q.where(
            or_(
                AssignmentRow.due_end.is_(None),
                AssignmentRow.due_end >= start,
                AssignmentUnitRow.status.not_in([DONE, FAILED]),
            )
        )
    return list(session.scalars(q))


def current_period_settled(*, session: Session, rows: Iterable[AssignmentUnitRow], today: dt.date) -> set[int]:
    """The ids of the recurring lines among ``rows`` whose period containing ``today`` is already
    reported "hoàn thành" or "không thực hiện được" (one query): nothing more is due this period."""
    current = {
        u.id: period_key((u.assignment.recurrence or {}).get("period"), today) for u in rows if u.assignment.recurrence
    }
    if not current:
        return set()
    found = session.execute(
        select(AssignmentPeriodRow.unit_row_id, AssignmentPeriodRow.period).where(
            AssignmentPeriodRow.unit_row_id.in_(list(current)), AssignmentPeriodRow.status.in_([DONE, FAILED])
        )
    )
    return {row_id for row_id, period in found if current.get(row_id) == period}
