"""Calendar arithmetic shared by the date parsers: months, quarters, halves, years, working days.

Pure functions over ``datetime.date``; the precision words (``Period``, ``Precision``) live here too.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Literal

from troly.text import canonical, collapse_ws

__all__ = [
    "PERIOD_ORDER",
    "Period",
    "Precision",
    "half_range",
    "month_range",
    "quarter_range",
    "safe_date",
    "year_range",
]

Period = Literal["day", "week", "month", "quarter", "half", "year"]
Precision = Literal["day", "month", "quarter", "half", "year"]

#: Finest first: used to pick the main period of a list such as "(hằng ngày, hằng tuần, hằng tháng)".
PERIOD_ORDER: tuple[Period, ...] = ("day", "week", "month", "quarter", "half", "year")

_ROMAN_QUARTER = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "chín": 9, "mười hai": 12}


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    """The date, or None when the day does not exist (31/4, 29/2 of a common year)."""
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    y = int(raw)
    if y < 100:
        y += 2000
    return y if 1900 <= y <= 2100 else None


def _clean(text: str) -> str:
    """NFC + one tone convention, markdown emphasis removed, whitespace folded (same length rules)."""
    return collapse_ws(canonical(text).replace("*", " ").replace("\u00a0", " "))


def month_range(value: str | tuple[int, int]) -> tuple[dt.date, dt.date]:
    """First and last day of a month: ``month_range("2026-11")`` -> (1/11/2026, 30/11/2026)."""
    if isinstance(value, str):
        y_s, m_s = value.strip().split("-")[:2]
        year, month = int(y_s), int(m_s)
    else:
        year, month = value
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1), dt.date(year, month, last)


def quarter_range(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of quarter 1..4."""
    first_month = 3 * (quarter - 1) + 1
    return dt.date(year, first_month, 1), month_range((year, first_month + 2))[1]


def half_range(year: int, half: int) -> tuple[dt.date, dt.date]:
    """First and last day of half-year 1 or 2."""
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))


def year_range(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a year."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _add_days(ref: dt.date, n: int, working: bool) -> dt.date:
    if not working:
        return ref + dt.timedelta(days=n)
    day, left = ref, n
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def _add_months(ref: dt.date, n: int) -> dt.date:
    month0 = ref.month - 1 + n
    year, month = ref.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(ref.day, calendar.monthrange(year, month)[1]))


def _infer_year_for_day_month(day: int, month: int, ref: dt.date | None) -> dt.date | None:
    """A day-month without year is the next such day around ``ref`` (a month of slack backwards)."""
    if ref is None:
        return None
    cand = safe_date(ref.year, month, day)
    if cand is None:
        return None
    if cand < ref - dt.timedelta(days=31):
        cand = safe_date(ref.year + 1, month, day)
    return cand


def _infer_year_for_month(month: int, ref: dt.date | None) -> int | None:
    if ref is None:
        return None
    return ref.year + 1 if month < ref.month - 1 else ref.year
