"""SQL tables of the follow-up: a tracked assignment, each assignee's status, and their history.

Why tables apart from ``tasks``: re-ingest replaces a document's ``tasks`` rows (they are what the
extractor says now); the follow-up must outlive that. An :class:`AssignmentRow` keeps a stable code
and points at the current ``tasks`` row (``task_id``), re-linked by :mod:`troly.followup.identity`
on every re-ingest. It has no foreign key to ``documents``: a removed document closes its
assignments ("đã thay thế/huỷ") and their history stays. Nothing here is ever deleted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from troly.models import Base

__all__ = ["AssignmentEventRow", "AssignmentPeriodRow", "AssignmentRow", "AssignmentUnitRow", "SubscriptionRow"]


class AssignmentRow(Base):
    """One tracked assignment; ``code`` ("NV-2026-000123") is what units quote."""

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str | None] = mapped_column(String(30), unique=True, index=True)
    doc_id: Mapped[str] = mapped_column(String(200), index=True)
    doc_number: Mapped[str | None] = mapped_column(String(100), index=True)
    task_id: Mapped[int | None] = mapped_column(Integer, index=True)  # the current ``tasks`` row
    ordinal: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    heading_path: Mapped[list[str]] = mapped_column(JSON, default=list)
    section: Mapped[str] = mapped_column(Text, default="")
    due: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    due_end: Mapped[dt.date | None] = mapped_column(Date, index=True)
    recurrence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    open: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    closed_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    units: Mapped[list[AssignmentUnitRow]] = relationship(
        back_populates="assignment", order_by="AssignmentUnitRow.position", cascade="save-update, merge"
    )


class AssignmentUnitRow(Base):
    """One assignee of an assignment and its current status (``version`` guards concurrent edits)."""

    __tablename__ = "assignment_units"
    __table_args__ = (UniqueConstraint("assignment_id", "unit_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id"), index=True)
    unit_key: Mapped[str] = mapped_column(String(320))  # the unit id, else "ten:<folded name>"
    unit_id: Mapped[str | None] = mapped_column(String(120), index=True)
    unit_name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(40), index=True)
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(Text)  # "kết quả / sản phẩm": a document number, a link
    note: Mapped[str | None] = mapped_column(Text)  # the last note or reason
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    assignment: Mapped[AssignmentRow] = relationship(back_populates="units")
    history: Mapped[list[AssignmentEventRow]] = relationship(
        order_by="AssignmentEventRow.id", cascade="save-update, merge", back_populates="unit"
    )

    # Optimistic locking: an UPDATE carries "WHERE version = <read>"; a concurrent writer's stale
    # update raises StaleDataError, which the store turns into a clear message.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012  (SQLAlchemy's declarative attribute)


class AssignmentPeriodRow(Base):
    """The status of a recurring duty ("thường xuyên") for one period ("2026-11", "2026-Q4", "2026")."""

    __tablename__ = "assignment_periods"
    __table_args__ = (UniqueConstraint("unit_row_id", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_row_id: Mapped[int] = mapped_column(ForeignKey("assignment_units.id"), index=True)
    period: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(40))
    result: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AssignmentEventRow(Base):
    """One change of an assignee's status: who, when, through which channel, why, with what evidence."""

    __tablename__ = "assignment_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_row_id: Mapped[int] = mapped_column(ForeignKey("assignment_units.id"), index=True)
    period: Mapped[str | None] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(40))
    to_status: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20), default="report")  # report | confirm | reopen | ingest
    by: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20), default="cli")
    note: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)

    unit: Mapped[AssignmentUnitRow] = relationship(back_populates="history")


class SubscriptionRow(Base):
    """A chat user's opt-in (``/theodoi``) to the weekly digest and deadline reminders of a unit
    (``unit_id`` None: an administrator's province-wide overdue list). ``/huytheodoi`` sets
    ``active`` False; the row stays, so the opt-in history is kept."""

    __tablename__ = "followup_subscriptions"

    user_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    unit_id: Mapped[str | None] = mapped_column(String(120), index=True)
    unit_name: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
