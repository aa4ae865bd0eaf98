"""What leaves the store: an idea and its history as read back, in local time."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any, overload
from zoneinfo import ZoneInfo

from troly.ideas.models import IdeaRow

__all__ = ["HistoryView", "IdeaView", "to_local", "view_of"]


@overload
def to_local(value: dt.datetime, tz: ZoneInfo) -> dt.datetime: ...
@overload
def to_local(value: None, tz: ZoneInfo) -> None: ...
@overload
def to_local(value: dt.datetime | None, tz: ZoneInfo) -> dt.datetime | None: ...
def to_local(value: dt.datetime | None, tz: ZoneInfo) -> dt.datetime | None:
    """Stored timestamps back in Asia/Ho_Chi_Minh (SQLite keeps local wall-clock, PostgreSQL UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)


@dataclass(slots=True)
class HistoryView:
    from_status: str | None
    to_status: str
    changed_by: str
    changed_at: dt.datetime
    note: str | None = None


@dataclass(slots=True)
class IdeaView:
    """An idea as read back; ``to_dict(show_contact=False)`` is what non-owners may see."""

    code: str
    title: str
    description: str
    field: str
    unit_id: str
    unit_name: str
    status: str
    withdrawn: bool
    created_at: dt.datetime
    status_changed_at: dt.datetime
    channel: str
    user_key: str | None
    submitter_name: str | None
    contact: str | None
    duplicate_of: str | None
    duplicate_score: float | None
    history: list[HistoryView] = dataclasses.field(default_factory=list)  # `field` is shadowed by the attribute above
    created: bool = True  # False when a submission was an idempotent repeat

    def visible_to(self, viewer_key: str | None, *, is_admin: bool) -> bool:
        """Whether the viewer may see the private parts (submitter name and contact)."""
        return is_admin or (viewer_key is not None and viewer_key == self.user_key)

    def to_dict(self, *, show_contact: bool = False, with_description: bool = True) -> dict[str, Any]:
        d = asdict(self)
        d.pop("created", None)
        if not with_description:
            d.pop("description", None)
        if not show_contact:
            for k in ("submitter_name", "contact", "user_key"):
                d.pop(k, None)
        d["created_at"] = self.created_at.isoformat()
        d["status_changed_at"] = self.status_changed_at.isoformat()
        d["history"] = [{**asdict(h), "changed_at": h.changed_at.isoformat()} for h in self.history]
        if not show_contact:
            for h in d["history"]:
                h.pop("changed_by", None)
        return d


def view_of(row: IdeaRow, tz: ZoneInfo, *, with_history: bool = True) -> IdeaView:
    return IdeaView(
        code=row.code or "",
        title=row.title,
        description=row.description,
        field=row.field,
        unit_id=row.unit_id,
        unit_name=row.unit_name,
        status=row.status,
        withdrawn=row.withdrawn,
        created_at=to_local(row.created_at, tz),
        status_changed_at=to_local(row.status_changed_at, tz),
        channel=row.channel,
        user_key=row.user_key,
        submitter_name=row.submitter_name,
        contact=row.contact,
        duplicate_of=row.duplicate_of,
        duplicate_score=row.duplicate_score,
        history=[
            HistoryView(h.from_status, h.to_status, h.changed_by, to_local(h.changed_at, tz), h.note)
            for h in row.history
        ]
        if with_history
        else [],
    )
