"""SQL tables. SQL is the source of truth for documents and passages; Chroma and BM25 are indexes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from troly.types import AttachRelation, DatePrecision, DateSource

__all__ = [
    "Base",
    "ConversationRow",
    "DocumentFileRow",
    "DocumentRow",
    "FeedbackRow",
    "IndexState",
    "JobLeaseRow",
    "PassageRow",
    "ProcessedUpdateRow",
    "TaskAssigneeRow",
    "TaskRow",
    "UnitAttachmentRow",
    "UnknownUnitRow",
    "UserProfileRow",
]


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    """One ingested file and its header metadata."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    source_path: Mapped[str] = mapped_column(Text, unique=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_size: Mapped[int] = mapped_column(Integer)
    stored_path: Mapped[str | None] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(20))
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    index_key: Mapped[str] = mapped_column(String(300))

    doc_type: Mapped[str | None] = mapped_column(String(100))
    number: Mapped[str | None] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(String(300))
    place: Mapped[str | None] = mapped_column(String(100))
    date: Mapped[dt.date | None] = mapped_column(Date)  # the issuance date: only when its day is known
    # A blank day ("ngày   tháng 8 năm 2025"): the first day of the month or year printed (see DocumentMeta)
    date_partial: Mapped[dt.date | None] = mapped_column(Date)
    date_source: Mapped[DateSource] = mapped_column(String(20), default="none")
    date_precision: Mapped[DatePrecision | None] = mapped_column(String(10))
    title: Mapped[str | None] = mapped_column(Text)
    signer: Mapped[str | None] = mapped_column(String(200))
    signer_title: Mapped[str | None] = mapped_column(String(300))
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    tasks_key: Mapped[str | None] = mapped_column(String(50))  # extractor version the tasks came from

    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    passages: Mapped[list[PassageRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="PassageRow.ordinal"
    )
    # Other files of the same document (the .doc beside the .docx, the signed PDF): the columns
    # above describe the file its passages were read from.
    files: Mapped[list[DocumentFileRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentFileRow.id"
    )

    @property
    def known_date(self) -> dt.date | None:
        """``date``, else ``date_partial``, at ``date_precision``: for labels and ordering only."""
        return self.date or self.date_partial


class DocumentFileRow(Base):
    """Another file of an indexed document: the same text in another format, or the same number and
    date. It is listed with the document and kept apart from it, never indexed a second time."""

    __tablename__ = "document_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    source_path: Mapped[str] = mapped_column(Text, unique=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_size: Mapped[int] = mapped_column(Integer)
    stored_path: Mapped[str | None] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(20))
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(20))  # "same-text" | "same-number-date"
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    document: Mapped[DocumentRow] = relationship(back_populates="files")


class PassageRow(Base):
    """A citable passage; its id is also its Chroma id and BM25 key."""

    __tablename__ = "passages"

    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    heading_path: Mapped[list[str]] = mapped_column(JSON, default=list)
    section: Mapped[str] = mapped_column(Text, default="")

    document: Mapped[DocumentRow] = relationship(back_populates="passages")


class IndexState(Base):
    """A counter bumped in the same transaction as any passage change.

    Readers (bot workers, the web app) compare it with the generation their lexical index was
    built from: one cheap query tells them whether to reload, across processes and machines.
    """

    __tablename__ = "index_state"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)


class TaskRow(Base):
    """One assignment extracted from a directive, with its source passage."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    passage_id: Mapped[str | None] = mapped_column(String(300))
    ordinal: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(30))
    section: Mapped[str] = mapped_column(Text, default="")
    heading_path: Mapped[list[str]] = mapped_column(JSON, default=list)
    passage: Mapped[str] = mapped_column(Text, default="")
    due: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    due_start: Mapped[dt.date | None] = mapped_column(Date, index=True)
    due_end: Mapped[dt.date | None] = mapped_column(Date, index=True)
    due_inherited: Mapped[bool] = mapped_column(Boolean, default=False)
    recurrence: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    quota: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    assignees: Mapped[list[TaskAssigneeRow]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskAssigneeRow.position"
    )


class TaskAssigneeRow(Base):
    """A unit named by a task (indexed by unit id so "tasks of unit X" is one indexed query)."""

    __tablename__ = "task_assignees"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(300))
    unit_id: Mapped[str | None] = mapped_column(String(120), index=True)
    role: Mapped[str] = mapped_column(String(30))

    task: Mapped[TaskRow] = relationship(back_populates="assignees")


class UnknownUnitRow(Base):
    """A unit-like name a document uses that the catalogue does not know: listed for an admin."""

    __tablename__ = "unknown_units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)


class UnitAttachmentRow(Base):
    """An admin's decision about a unit name documents use (``troly units attach``): the name is an
    alias of, a member of, or a former body succeeded by the catalogue unit ``unit_id``."""

    __tablename__ = "unit_attachments"

    name: Mapped[str] = mapped_column(String(300), primary_key=True)  # as written in the documents
    unit_id: Mapped[str] = mapped_column(String(120))
    relation: Mapped[AttachRelation] = mapped_column(String(20), default="alias")  # alias | member-of | successor-of
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class UserProfileRow(Base):
    """A chat user (channel + platform id) and the unit they bound with /donvi."""

    __tablename__ = "user_profiles"

    user_key: Mapped[str] = mapped_column(String(200), primary_key=True)  # "telegram:12345"
    display_name: Mapped[str | None] = mapped_column(String(200))
    unit_id: Mapped[str | None] = mapped_column(String(120))
    unit_name: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ConversationRow(Base):
    """Per-user conversation state: the last intent (for follow-ups) and an open form, if any."""

    __tablename__ = "conversations"

    user_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_intent: Mapped[str | None] = mapped_column(String(30))
    last_params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    form: Mapped[str | None] = mapped_column(String(50))  # e.g. "idea"
    form_state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class ProcessedUpdateRow(Base):
    """Platform updates already handled: re-delivered webhooks are answered once."""

    __tablename__ = "processed_updates"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)  # "zalo:message.text.received:<id>"
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class FeedbackRow(Base):
    """👍/👎 on an answer."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_key: Mapped[str] = mapped_column(String(200), index=True)
    value: Mapped[int] = mapped_column(Integer)  # +1 / -1
    question: Mapped[str | None] = mapped_column(Text)
    answer_ref: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class JobLeaseRow(Base):
    """Who runs a scheduled job for one period, or holds a singleton role, across workers.

    ``(job, period)`` is unique: the row is the claim. ``expires_at`` bounds a claim whose holder
    died (another worker may take it over after that); ``finished_at`` marks a period done for good.
    Times are naive UTC, the same on SQLite and PostgreSQL (``troly.leases`` normalises them).
    """

    __tablename__ = "job_leases"

    job: Mapped[str] = mapped_column(String(100), primary_key=True)  # "idea-quota-reminders:telegram"
    period: Mapped[str] = mapped_column(String(100), primary_key=True)  # "2026-11-30", a token hash
    holder: Mapped[str] = mapped_column(String(200))  # "host:pid:random"
    acquired_at: Mapped[dt.datetime] = mapped_column(DateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime())
