"""The one parser of a document's own date: header ("Gia Lai, ngày 05 tháng 7 năm 2025"), meeting
opening ("Chiều ngày 05/7/2025, …") or adoption line, with the precision actually written.

A draft leaves the day (or day and month) blank: "ngày   tháng 7 năm 2025" is a month, "ngày …
tháng … năm 2026" a year. The date returned then holds the first day of that month or year, and the
precision says so; a day is never invented (see :func:`troly.dates.label.date_label`).
"""

from __future__ import annotations

import datetime as dt
import re

from troly.dates.calendar import Precision, safe_date

__all__ = ["parse_header_date"]

# The blank a form leaves for the day keeps its underscores or dots around the number typed into
# it ("ngày 15_ tháng 9 năm 2025").
_DATE_WORDS_RE = re.compile(
    r"(?:ngày[\s_.…]*)?(?P<d>\d{1,2})[\s_…]*,?\s*tháng\s*(?P<m>\d{1,2})\s*(?:,\s*)?năm\s*(?P<y>\d{4})", re.I
)
_DATE_NUMERIC_RE = re.compile(r"(?<![\d/.\-])(?P<d>\d{1,2})\s*[/.\-]\s*(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})(?!\d)")
_DATE_MONTH_ONLY_RE = re.compile(r"ngày[\s._…]*tháng\s*(?P<m>\d{1,2})\s*năm\s*(?P<y>\d{4})", re.I)
_DATE_YEAR_ONLY_RE = re.compile(r"ngày[\s._…/]*tháng[\s._…/]*năm\s*(?P<y>\d{4})", re.I)
_DATE_DAY_MONTH_RE = re.compile(r"(?<![\d/.\-])(?P<d>\d{1,2})\s*[/\-]\s*(?P<m>\d{1,2})(?![\d/\-])")
_DAY_MONTH_WORDS_RE = re.compile(r"(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})(?!\s*năm)", re.I)


def parse_header_date(text: str, year_hint: int | None = None) -> tuple[dt.date | None, Precision | None]:
    """Parse one header or meeting date; return (date, precision) with precision day/month/year.

    Handles "ngày 05 tháng 7 năm 2025", "05/7/2025", "5-7-2025", a blank day
    ("ngày   tháng 7 năm 2025" -> month) or blank day and month ("ngày … tháng … năm 2026" ->
    year), and "3-3" / "03/3" when ``year_hint`` supplies the year. Never invents a day.

    Args:
        text: the words of the date (a header line, a meeting opening).
        year_hint: the year to give a day-month without one ("Chiều 3-3, …").

    Returns:
        ``(date, precision)``, or ``(None, None)`` when ``text`` holds no date.
    """
    for pattern in (_DATE_WORDS_RE, _DATE_NUMERIC_RE):
        match = pattern.search(text)
        if match:
            date = safe_date(int(match["y"]), int(match["m"]), int(match["d"]))
            if date:
                return date, "day"
    match = _DATE_MONTH_ONLY_RE.search(text)
    if match and 1 <= int(match["m"]) <= 12:
        return dt.date(int(match["y"]), int(match["m"]), 1), "month"
    match = _DATE_YEAR_ONLY_RE.search(text)
    if match:
        return dt.date(int(match["y"]), 1, 1), "year"
    if year_hint is not None:
        match = _DATE_DAY_MONTH_RE.search(text) or _DAY_MONTH_WORDS_RE.search(text)
        if match:
            date = safe_date(year_hint, int(match["m"]), int(match["d"]))
            if date:
                return date, "day"
    return None, None
