"""What the proactive follow-up messages say: the weekly digest of a unit, the N-days-before
reminders, and the administrators' overdue list.

Pure functions over rows already read (one query for every subscriber's unit at once, see
:meth:`FollowupService.digests`), so a run for a thousand subscribers costs a few queries. Who
receives what, and the once-only delivery, belong to the channels' daily scheduler
(``bot.core.reminders``): it claims each (user, day) before sending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence

from troly.followup.models import AssignmentUnitRow
from troly.followup.views import category_of, due_text
from troly.followup.workflow import CAT_OVERDUE, DONE, FAILED

__all__ = ["DEFAULT_REMINDER_DAYS", "STOP_HINT", "admin_overdue", "reminders", "weekly_digest"]

#: Reminders go this many days before a deadline (issue 14: 7 and 1); ``Settings.reminder_days`` sets them.
DEFAULT_REMINDER_DAYS: tuple[int, ...] = (7, 1)
STOP_HINT = "Ngừng nhận tin nhắc: /huytheodoi"
_MAX = 10


def _open(u: AssignmentUnitRow) -> bool:
    return u.status not in (DONE, FAILED)


def _short(text: str, n: int = 140) -> str:
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + " …"


def _item(u: AssignmentUnitRow) -> str:
    a = u.assignment
    due = due_text(a)
    return f"- {a.code}: {_short(a.text)}" + (f" (hạn: {due})" if due else "") + f" — {u.status}"


def _listing(title: str, rows: Sequence[AssignmentUnitRow]) -> list[str]:
    if not rows:
        return []
    out = [f"{title} ({len(rows)}):", *(_item(u) for u in rows[:_MAX])]
    if len(rows) > _MAX:
        out.append(f"… và {len(rows) - _MAX} nhiệm vụ khác (/tiendo).")
    return out


def weekly_digest(
    unit_name: str, rows: Iterable[AssignmentUnitRow], today: dt.date, *, settled: Collection[int] = ()
) -> str | None:
    """Monday's digest of one unit: due this week, overdue, recurring duties still due this period
    (``settled``: the ids of the recurring lines whose current period is already reported, see
    :func:`troly.followup.store.current_period_settled`); None when empty."""
    monday = today - dt.timedelta(days=today.weekday())
    sunday = monday + dt.timedelta(days=6)
    live = [u for u in rows if _open(u)]
    this_week = [u for u in live if u.assignment.due_end and monday <= u.assignment.due_end <= sunday]
    overdue = [u for u in live if u.assignment.due_end and u.assignment.due_end < monday]
    recurring = [u for u in live if u.assignment.recurrence and u.id not in settled]
    parts = [
        *_listing("Đến hạn trong tuần này", this_week),
        *_listing("Quá hạn chưa hoàn thành", overdue),
        *_listing("Nhiệm vụ thường xuyên trong kỳ", recurring),
    ]
    if not parts:
        return None
    head = f"Tổng hợp nhiệm vụ tuần {monday:%d/%m}–{sunday:%d/%m/%Y} của {unit_name}:"
    return "\n".join([head, *parts, "Báo cáo tiến độ: /baocao", STOP_HINT])


def reminders(
    unit_name: str, rows: Iterable[AssignmentUnitRow], today: dt.date, days: Sequence[int] = DEFAULT_REMINDER_DAYS
) -> str | None:
    """Lines whose deadline is exactly N days away (for each N in ``days``), still open; None when none."""
    parts: list[str] = []
    for n in sorted(set(days), reverse=True):
        day = today + dt.timedelta(days=n)
        due = [u for u in rows if _open(u) and u.assignment.due_end == day]
        parts += _listing(f"Còn {n} ngày đến hạn ({day:%d/%m/%Y})" if n else f"Đến hạn hôm nay ({day:%d/%m/%Y})", due)
    if not parts:
        return None
    return "\n".join([f"Nhắc hạn nhiệm vụ của {unit_name}:", *parts, "Báo cáo tiến độ: /baocao", STOP_HINT])


def admin_overdue(rows: Iterable[AssignmentUnitRow], today: dt.date) -> str | None:
    """The province's overdue lines for administrators (Mondays), grouped by unit."""
    overdue = [
        u
        for u in rows
        if category_of(
            status=u.status,
            completed_on=u.completed_on,
            due_end=u.assignment.due_end,
            recurring=bool(u.assignment.recurrence),
            as_of=today,
        )
        == CAT_OVERDUE
    ]
    if not overdue:
        return None
    by_unit: dict[str, list[AssignmentUnitRow]] = {}
    for u in overdue:
        by_unit.setdefault(u.unit_name, []).append(u)
    lines = [f"Nhiệm vụ quá hạn chưa hoàn thành (đến {today:%d/%m/%Y}): {len(overdue)} dòng, {len(by_unit)} đơn vị."]
    for name, units in sorted(by_unit.items(), key=lambda kv: -len(kv[1]))[:_MAX]:
        lines.append(f"• {name}: {len(units)} — " + ", ".join(u.assignment.code or "" for u in units[:5]))
    lines.append(STOP_HINT)
    return "\n".join(lines)
