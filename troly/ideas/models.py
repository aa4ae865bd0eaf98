"""SQL tables for community innovation ideas ("ý tưởng đổi mới sáng tạo").

Why separate tables on the shared ``Base``: ideas are citizen/official submissions with a review
workflow, unrelated to the document index, but they must live in the same database (SQLite by
default, PostgreSQL by URL) so every bot worker and the CLI see one truth. Nothing here is ever
hard-deleted: a withdrawn idea gets the status "đã rút" and ``withdrawn=True``; every status change
is a row in ``idea_status_history`` (who, when, from, to), which is also what monthly quotas count.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from troly.models import Base

__all__ = ["IdeaRow", "IdeaStatusRow"]


class IdeaRow(Base):
    """One submitted idea. ``code`` ("YT-2026-000123") is what submitters see and quote."""

    __tablename__ = "ideas"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str | None] = mapped_column(String(30), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(100), default="khác")
    unit_id: Mapped[str] = mapped_column(String(120), index=True)
    unit_name: Mapped[str] = mapped_column(String(300))
    submitter_name: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(300))  # private: admins and the submitter only
    channel: Mapped[str] = mapped_column(String(20), default="cli")  # telegram | zalo | cli | web | import
    user_key: Mapped[str | None] = mapped_column(String(200), index=True)  # "telegram:123"
    source: Mapped[str] = mapped_column(String(20), default="cli")  # chat | cli | import
    client_token: Mapped[str | None] = mapped_column(String(100), unique=True)  # idempotent chat confirm
    content_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # idempotent import
    status: Mapped[str] = mapped_column(String(40), default="mới", index=True)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    status_changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)  # float32 vector, L2-normalised
    duplicate_of: Mapped[str | None] = mapped_column(String(30))  # code of the most similar earlier idea
    duplicate_score: Mapped[float | None] = mapped_column(Float)

    history: Mapped[list[IdeaStatusRow]] = relationship(
        back_populates="idea", order_by="IdeaStatusRow.id", cascade="save-update, merge"
    )


class IdeaStatusRow(Base):
    """One status change (the first row is the submission itself: from None to "mới")."""

    __tablename__ = "idea_status_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(40))
    to_status: Mapped[str] = mapped_column(String(40), index=True)
    changed_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)

    idea: Mapped[IdeaRow] = relationship(back_populates="history")
