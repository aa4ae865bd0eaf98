"""Vietnamese dates in administrative text: calendar, the header date, deadlines, recurrences,
quotas, period questions, the JSON codec and the one date label.

Everything is a pure function over strings and dates; nothing here knows about documents or
storage. One concept per module:

* :mod:`~troly.dates.calendar` — month/quarter/half/year ranges, ``Precision``;
* :mod:`~troly.dates.header` — the document's own date with its precision;
* :mod:`~troly.dates.deadlines` — deadline phrases as closed intervals;
* :mod:`~troly.dates.recurrence` — "định kỳ hằng tháng", "trước ngày 20 hằng tháng";
* :mod:`~troly.dates.quotas` — "ít nhất 02 ý tưởng mỗi tháng";
* :mod:`~troly.dates.periods` — whether a task falls in a range; chat words ("tháng này");
* :mod:`~troly.dates.codec` — JSON for storage;
* :mod:`~troly.dates.label` — "05/07/2025", "tháng 03/2026", "quý I/2026", "năm 2026".
"""

from __future__ import annotations

from troly.dates.calendar import (
    PERIOD_ORDER,
    Period,
    Precision,
    half_range,
    month_range,
    quarter_range,
    safe_date,
    year_range,
)
from troly.dates.codec import due_from_json, recurrence_from_json, to_json
from troly.dates.deadlines import Due, DueKind, find_dues, parse_due, restated_due
from troly.dates.header import parse_header_date
from troly.dates.label import PRECISIONS, date_label, due_label, period_label, precision_of
from troly.dates.periods import active_in, occurs_in, resolve_relative
from troly.dates.quotas import Quota, parse_quota, parse_quotas
from troly.dates.recurrence import Recurrence, parse_recurrence

__all__ = [
    "PERIOD_ORDER",
    "PRECISIONS",
    "Due",
    "DueKind",
    "Period",
    "Precision",
    "Quota",
    "Recurrence",
    "active_in",
    "date_label",
    "due_from_json",
    "due_label",
    "find_dues",
    "half_range",
    "month_range",
    "occurs_in",
    "parse_due",
    "parse_header_date",
    "parse_quota",
    "parse_quotas",
    "parse_recurrence",
    "period_label",
    "precision_of",
    "quarter_range",
    "recurrence_from_json",
    "resolve_relative",
    "restated_due",
    "safe_date",
    "to_json",
    "year_range",
]
