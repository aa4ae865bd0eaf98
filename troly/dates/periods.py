"""Period questions: whether a task falls in (or is active in) a date range, and chat time words.

``occurs_in`` applies the evaluation rule to a deadline and a recurrence; ``resolve_relative``
maps "tháng này", "tuần sau", "quý III", "15/5" to a closed date range.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from troly.dates.calendar import (
    _ROMAN_QUARTER,
    _add_months,
    _year,
    month_range,
    quarter_range,
    safe_date,
    year_range,
)
from troly.dates.deadlines import Due
from troly.dates.recurrence import Recurrence
from troly.text import collapse_ws, fold

__all__ = ["active_in", "occurs_in", "resolve_relative"]


def _recurs_in(rec: Recurrence, lo: dt.date, hi: dt.date) -> bool:
    """Whether ``rec`` has an occurrence inside the non-empty window [lo, hi]."""
    if rec.day is None or rec.period not in ("month", "quarter", "year"):
        return True  # every period contains an occurrence ("falls in every period it recurs in")
    y, m = lo.year, lo.month
    while dt.date(y, m, 1) <= hi:
        if rec.period == "month" or (rec.period == "quarter" and m % 3 == 0) or (rec.period == "year" and m == 12):
            d = dt.date(y, m, min(rec.day, calendar.monthrange(y, m)[1]))
            if lo <= d <= hi:
                return True
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return False


def occurs_in(
    due: Due | None,
    recurrence: Recurrence | None,
    *,
    start: dt.date,
    end: dt.date,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> bool:
    """Whether a task falls in [start, end] under the evaluation rule.

    A due interval falls on each of its days ("trong tháng 11 năm 2024" -> every day of November;
    "trước ngày 15/5/2026" -> 15/5/2026). A recurrence falls in every period it recurs in after
    ``since`` (the document date), up to ``until`` / the recurrence's own bound / the due end when
    the task also has a deadline; with a day ("ngày 20 hằng tháng") only those days count.
    """
    if due is not None and due.start <= end and due.end >= start:
        return True
    if recurrence is None:
        return False
    lows = [d for d in (start, since, recurrence.start) if d is not None]
    highs = [d for d in (end, until, recurrence.until, due.end if due is not None else None) if d is not None]
    lo, hi = max(lows), min(highs)
    return lo <= hi and _recurs_in(recurrence, lo, hi)


def active_in(
    due: Due | None,
    recurrence: Recurrence | None,
    *,
    start: dt.date,
    end: dt.date,
    since: dt.date | None = None,
    horizon_days: int | None = None,
) -> bool:
    """Whether a task is *being worked on* in [start, end]: looser than :func:`occurs_in`.

    A deadline task is active from ``since`` (document date) to its due end; a recurring one as in
    :func:`occurs_in`; a task with neither is active from ``since`` onwards, for ``horizon_days``
    when given (open-ended otherwise).
    """
    if occurs_in(due, recurrence, start=start, end=end, since=since):
        return True
    if due is not None:
        lo = since or due.start
        return lo <= end and due.end >= start
    if recurrence is not None:
        return False
    if since is None:
        return True
    hi = since + dt.timedelta(days=horizon_days) if horizon_days is not None else None
    return since <= end and (hi is None or hi >= start)


# --------------------------------------------------------------------------------------------
# Chat words ("tháng này", "tuần sau", "15/5")
# --------------------------------------------------------------------------------------------

_REL_SHIFT = {"nay": 0, "này": 0, "sau": 1, "toi": 1, "tới": 1, "truoc": -1, "trước": -1, "ngoai": -1, "qua": -1}
_F_DAY_WORDS = {"hom nay": 0, "ngay mai": 1, "mai": 1, "hom qua": -1, "ngay kia": 2, "ngay mot": 2, "hom kia": -2}
_F_UNIT = re.compile(r"^(?:trong\s+)?(?P<u>tuan|thang|quy|nam)\s+(?P<w>nay|sau|toi|truoc|ngoai|qua)$")
_F_DM = re.compile(r"^(?:ngay\s+)?(?P<d>\d{1,2})\s*[/\-.]\s*(?P<m>\d{1,2})(?:\s*[/\-.]\s*(?P<y>\d{2,4}))?$")
_F_MONTH = re.compile(r"^thang\s+(?P<m>\d{1,2})(?:\s*(?:/|-|nam)\s*(?P<y>\d{4}))?$")
_F_QUARTER = re.compile(r"^quy\s+(?P<q>iv|iii|ii|i|[1-4])(?:\s*(?:/|-|nam)\s*(?P<y>\d{4}))?$")
_F_YEAR = re.compile(r"^nam\s+(?P<y>\d{4})$")
_F_NEXT_DAYS = re.compile(r"^(?P<n>\d{1,3})\s+(?P<u>ngay|tuan|thang)\s+(?:toi|sau|nua)$")
_F_ISO_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$")


def resolve_relative(phrase: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """Map a chat time phrase to a closed date range, accents optional; weeks run Monday–Sunday.

    "hôm nay", "ngày mai", "tuần này", "tuần sau", "tháng này", "tháng sau", "quý này", "năm nay",
    "15/5", "15/5/2026", "tháng 11", "tháng 11/2026", "quý III", "năm 2026", "7 ngày tới",
    "2026-11" -> (start, end); anything else -> None.
    """
    f = collapse_ws(re.sub(r"[?!.,]+$", "", fold(phrase)))
    if f in _F_DAY_WORDS:
        d = today + dt.timedelta(days=_F_DAY_WORDS[f])
        return d, d
    if f in ("trong tuan", "tuan nay"):
        f = "tuan nay"
    m = _F_UNIT.match(f)
    if m:
        shift = _REL_SHIFT[m.group("w")]
        unit = m.group("u")
        if unit == "tuan":
            monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=shift)
            return monday, monday + dt.timedelta(days=6)
        if unit == "thang":
            first = _add_months(today.replace(day=1), shift)
            return month_range((first.year, first.month))
        if unit == "quy":
            q0 = (today.month - 1) // 3 + shift
            y, q = today.year + q0 // 4, q0 % 4 + 1
            return quarter_range(y, q)
        return year_range(today.year + shift)
    m = _F_NEXT_DAYS.match(f)
    if m:
        n, u = int(m.group("n")), m.group("u")
        endd = (
            today + dt.timedelta(days=n)
            if u == "ngay"
            else (today + dt.timedelta(weeks=n) if u == "tuan" else _add_months(today, n))
        )
        return today, endd
    m = _F_DM.match(f)
    if m:
        year = _year(m.group("y")) if m.group("y") else today.year
        day = safe_date(year, int(m.group("m")), int(m.group("d"))) if year else None
        return (day, day) if day else None
    m = _F_ISO_MONTH.match(f)
    if m and 1 <= int(m.group("m")) <= 12:
        return month_range((int(m.group("y")), int(m.group("m"))))
    m = _F_MONTH.match(f)
    if m and 1 <= int(m.group("m")) <= 12:
        return month_range((int(m.group("y")) if m.group("y") else today.year, int(m.group("m"))))
    m = _F_QUARTER.match(f)
    if m:
        return quarter_range(int(m.group("y")) if m.group("y") else today.year, _ROMAN_QUARTER[m.group("q")])
    m = _F_YEAR.match(f)
    if m:
        return year_range(int(m.group("y")))
    return None
