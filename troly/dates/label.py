"""The one Vietnamese label of a date at its precision: "05/07/2025", "tháng 03/2026", "quý I/2026".

Every channel, the CLI and every ``--json`` output show dates through :func:`date_label`, so a
document dated only "tháng 3/2026" is never shown with an invented day ("01/03/2026").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from troly.dates.calendar import Precision, half_range, month_range, quarter_range, year_range

__all__ = ["PRECISIONS", "date_label", "due_label", "period_label", "precision_of"]

#: Every precision a stored date may carry, finest first.
PRECISIONS: tuple[Precision, ...] = ("day", "month", "quarter", "half", "year")
_ROMAN = ("I", "II", "III", "IV")


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


def date_label(value: dt.date | str | None, precision: str | None = "day", *, phrase: bool = False) -> str:
    """A date as Vietnamese readers write it, never finer than what is known.

    Args:
        value: the date (or its ISO string); for a month, quarter, half or year any day inside it.
        precision: "day" (also when None or unknown), "month", "quarter", "half" or "year".
        phrase: prefix a day with "ngày" ("ngày 05/07/2025"), as after a document's name; the
            other precisions already read as phrases.

    Returns:
        "05/07/2025", "tháng 03/2026", "quý I/2026", "6 tháng đầu năm 2026", "năm 2026"; "" for None.
    """
    if value is None or value == "":
        return ""
    d = _as_date(value)
    if precision == "month":
        return f"tháng {d.month:02d}/{d.year}"
    if precision == "quarter":
        return f"quý {_ROMAN[(d.month - 1) // 3]}/{d.year}"
    if precision == "half":
        return f"6 tháng {'đầu' if d.month <= 6 else 'cuối'} năm {d.year}"
    if precision == "year":
        return f"năm {d.year}"
    day = f"{d.day:02d}/{d.month:02d}/{d.year}"
    return f"ngày {day}" if phrase else day


def precision_of(start: dt.date, end: dt.date) -> Precision | None:
    """The precision a closed interval spans exactly (a whole month -> "month"), None otherwise."""
    if start == end:
        return "day"
    if (start, end) == month_range((start.year, start.month)):
        return "month"
    if start.month in (1, 4, 7, 10) and (start, end) == quarter_range(start.year, (start.month + 2) // 3):
        return "quarter"
    if (start, end) == year_range(start.year):
        return "year"
    if start.month in (1, 7) and (start, end) == half_range(start.year, 1 if start.month == 1 else 2):
        return "half"
    return None


def period_label(start: dt.date, end: dt.date) -> str:
    """A date range at its precision: "ngày 05/07/2025", "tháng 03/2026", "quý I/2026", "năm 2026",
    else "từ 01/03/2026 đến 15/03/2026"."""
    precision = precision_of(start, end)
    if precision is not None:
        return date_label(start, precision, phrase=True)
    return f"từ {date_label(start)} đến {date_label(end)}"


def due_label(due: Mapping[str, Any] | None) -> str:
    """The dates of a deadline (a stored ``Due`` as JSON) at its precision, without its wording.

    "tháng 03/2026" for "trong tháng 3/2026", "15/05/2026" for "trước ngày 15/5/2026", "quý III/2025",
    "từ 19/06/2025 đến 30/06/2025" for a range; "" for None.
    """
    if not due or not due.get("end"):
        return ""
    precision = due.get("precision") or "day"
    start, end = _as_date(due.get("start") or due["end"]), _as_date(due["end"])
    if due.get("bound") in ("by", "within") or start == end:
        return date_label(end, precision)
    if precision != "day" and precision_of(start, end) == precision:
        return date_label(start, precision)
    return f"từ {date_label(start, precision)} đến {date_label(end, precision)}"
