"""Recurring obligations: "định kỳ hằng tháng", "trước ngày 20 hằng tháng", "6 tháng/lần"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from troly.dates.calendar import _NUMBER_WORDS, PERIOD_ORDER, Period, _clean
from troly.dates.deadlines import _RECURRING_DAY, _candidates, _is_instrument_year

__all__ = ["Recurrence", "parse_recurrence"]


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A repeating obligation. ``period`` is the finest of ``periods`` ("hằng ngày, hằng tuần" -> day).

    ``day`` is a day of the month when written ("trước ngày 20 hằng tháng" -> 20). ``start`` and
    ``until`` bound it when the sentence does ("kể từ năm 2026", "trong năm 2026").
    """

    period: Period
    text: str
    day: int | None = None
    periods: tuple[Period, ...] = ()
    start: dt.date | None = None
    until: dt.date | None = None


_EVERY = r"(?:hằng|hàng|mỗi|từng)"
_PERIOD_WORD: dict[str, Period] = {"ngày": "day", "tuần": "week", "tháng": "month", "quý": "quarter", "năm": "year"}
_PERIODS: dict[str, Period] = {p: p for p in ("day", "week", "month", "quarter", "half", "year")}
_MONTHS_PERIOD: dict[int, Period] = {1: "month", 3: "quarter", 6: "half", 12: "year"}
# "hằng tháng", "hàng quý", "mỗi tuần", "định kỳ hằng năm", "(hằng ngày, hằng tuần, hằng tháng)".
_EVERY_PERIOD = re.compile(_EVERY + r"\s+(?P<p>ngày|tuần|tháng|quý|năm)(?!\s+(?:qua|trước|tới|sau))", re.IGNORECASE)
# "6 tháng/lần", "03 tháng một lần", "định kỳ 6 tháng", "1 tuần/lần", "sáu tháng một lần".
_N_PER_TIME = re.compile(
    r"(?P<n>\d{1,2}|một|hai|ba|sáu)?\s*(?P<p>ngày|tuần|tháng|quý|năm)\s*(?:/\s*|một\s+)lần"
    r"|định\s+kỳ\s+(?P<n2>\d{1,2}|sáu|ba)\s+(?P<p2>tháng|tuần|ngày|năm)",
    re.IGNORECASE,
)
# "định kỳ tháng, quý, năm", "báo cáo định kỳ quý".
_PERIODIC_LIST = re.compile(
    r"định\s+kỳ\s+(?:\(\s*)?(?P<list>(?:ngày|tuần|tháng|quý|năm)(?:\s*(?:,|và|hoặc)\s*(?:ngày|tuần|tháng|quý|năm))*)",
    re.IGNORECASE,
)
# Bounds of a recurrence: "kể từ năm 2026", "từ tháng 7/2026", "đến hết năm 2026", "trong năm 2026".
_REC_FROM = re.compile(
    r"(?:kể\s+)?từ\s+(?P<w>năm\s+\d{4}|tháng\s+\d{1,2}(?:\s*(?:/|năm)\s*\d{4})|ngày\s+[\d/.\-]+)", re.IGNORECASE
)
_REC_UNTIL = re.compile(
    r"(?:đến|tới)\s+(?:hết\s+)?(?P<w>năm\s+\d{4}|tháng\s+\d{1,2}(?:\s*(?:/|năm)\s*\d{4})|ngày\s+[\d/.\-]+)",
    re.IGNORECASE,
)
_REC_WITHIN_YEAR = re.compile(r"trong\s+năm\s+(?P<y>\d{4})", re.IGNORECASE)


def _n_months_period(n: int, unit: str) -> Period | None:
    period = _PERIOD_WORD.get(unit.lower()) or _PERIODS.get(unit)
    if period == "month":
        return _MONTHS_PERIOD.get(n)
    if period in ("day", "week", "quarter", "year") and n == 1:
        return period
    if unit == "week" and n == 2:
        return None
    return None


def _word_int(raw: str | None) -> int:
    if not raw:
        return 1
    return int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw.lower(), 1)


def parse_recurrence(text: str, *, ref: dt.date | None = None) -> Recurrence | None:
    """A repeating obligation in ``text``, or None.

    "định kỳ hằng tháng" -> month; "(hằng ngày, hằng tuần, hằng tháng)" -> day with all three in
    ``periods``; "trước ngày 20 hằng tháng" -> month, day 20; "6 tháng/lần" -> half. Bounds in the
    same text ("kể từ năm 2026", "trong năm 2026") fill ``start``/``until``.
    """
    s = _clean(text)
    found: list[tuple[int, Period, str]] = []
    day: int | None = None
    for m in _RECURRING_DAY.finditer(s):
        p = (m.group("p") or m.group("p2") or "").lower()
        period: Period = "quarter" if p == "quý" else ("week" if p == "tuần" else ("year" if p == "năm" else "month"))
        found.append((m.start(), period, m.group(0)))
        day = int(m.group("d") or m.group("d2"))
    for m in _EVERY_PERIOD.finditer(s):
        found.append((m.start(), _PERIOD_WORD[m.group("p").lower()], m.group(0)))
    for m in _N_PER_TIME.finditer(s):
        n = _word_int(m.group("n") or m.group("n2"))
        p = _n_months_period(n, m.group("p") or m.group("p2"))
        if p:
            found.append((m.start(), p, m.group(0).strip()))
    for m in _PERIODIC_LIST.finditer(s):
        for w in re.findall(r"ngày|tuần|tháng|quý|năm", m.group("list"), re.IGNORECASE):
            found.append((m.start(), _PERIOD_WORD[w.lower()], m.group(0)))
    if not found:
        return None
    periods = tuple(p for p in PERIOD_ORDER if any(f[1] == p for f in found))
    main = periods[0]
    first = min(found)
    last_end = max(f[0] + len(f[2]) for f in found)
    text_out = s[first[0] : last_end] if last_end - first[0] <= 80 else first[2]
    start, until = _recurrence_bounds(s, ref)
    return Recurrence(period=main, text=text_out.strip(" ,;()"), day=day, periods=periods, start=start, until=until)


def _recurrence_bounds(s: str, ref: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    start = until = None
    m = _REC_FROM.search(s)
    if m:
        d = _point(m.group("w"), ref)
        start = d[0] if d else None
    m = _REC_UNTIL.search(s)
    if m:
        d = _point(m.group("w"), ref)
        until = d[1] if d else None
    m = _REC_WITHIN_YEAR.search(s)
    if m and not _is_instrument_year(s, m.start()):
        y = int(m.group("y"))
        start = start or dt.date(y, 1, 1)
        until = until or dt.date(y, 12, 31)
    return start, until


def _point(words: str, ref: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """Interval of one written point: "năm 2026", "tháng 7/2026", "ngày 01/7/2026"."""
    for c in _candidates(words, ref):
        return c.due.start, c.due.end
    return None
