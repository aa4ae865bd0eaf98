"""JSON codec: storage keeps deadlines, recurrences and quotas as JSON next to indexed dates."""

from __future__ import annotations

import datetime as dt

from troly.dates.deadlines import Due
from troly.dates.quotas import Quota
from troly.dates.recurrence import Recurrence

__all__ = ["due_from_json", "recurrence_from_json", "to_json"]


def to_json(value: Due | Recurrence | Quota | None) -> dict | None:
    """A JSON-safe dict of a Due/Recurrence/Quota (dates as ISO strings, spans dropped)."""
    if value is None:
        return None
    out = {}
    for name in value.__dataclass_fields__:  # type: ignore[union-attr]
        if name == "span":
            continue
        v = getattr(value, name)
        if isinstance(v, dt.date):
            v = v.isoformat()
        elif isinstance(v, tuple):
            v = list(v)
        out[name] = v
    return out


def _dates_from(data: dict, *names: str) -> dict:
    return {k: (dt.date.fromisoformat(v) if k in names and isinstance(v, str) else v) for k, v in data.items()}


def due_from_json(data: dict | None) -> Due | None:
    if not data:
        return None
    return Due(**_dates_from(data, "start", "end"))


def recurrence_from_json(data: dict | None) -> Recurrence | None:
    if not data:
        return None
    fields = _dates_from(data, "start", "until")
    fields["periods"] = tuple(fields.get("periods") or ())
    return Recurrence(**fields)
