"""JSON codec: storage keeps deadlines, recurrences and quotas as JSON next to indexed dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from troly.dates.deadlines import Due
from troly.dates.quotas import Quota
from troly.dates.recurrence import Recurrence

__all__ = ["due_from_json", "recurrence_from_json", "to_json"]


def to_json(value: Due | Recurrence | Quota | None) -> dict[str, Any] | None:
    """A JSON-safe dict of a Due/Recurrence/Quota (dates as ISO strings, spans dropped)."""
    if value is None:
        return None
    out: dict[str, Any] = {}
    for f in dataclasses.fields(value):
        name = f.name
        if name == "span":
            continue
        v = getattr(value, name)
        if isinstance(v, dt.date):
            v = v.isoformat()
        elif isinstance(v, tuple):
            v = list(v)
        out[name] = v
    return out


def _dates_from(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: (dt.date.fromisoformat(v) if k in names and isinstance(v, str) else v) for k, v in data.items()}


def due_from_json(data: dict[str, Any] | None) -> Due | None:
    if not data:
        return None
    return Due(**_dates_from(data, "start", "end"))


def recurrence_from_json(data: dict[str, Any] | None) -> Recurrence | None:
    if not data:
        return None
    fields = _dates_from(data, "start", "until")
    fields["periods"] = tuple(fields.get("periods") or ())
    return Recurrence(**fields)
