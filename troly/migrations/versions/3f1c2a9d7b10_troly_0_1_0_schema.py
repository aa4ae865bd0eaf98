"""The schema of troly 0.1.0 (2026-11-30): documents, passages, tasks, chat state and ideas.

Revision ID: 3f1c2a9d7b10
Revises:
Create Date: 2026-12-02 02:00:00

Exactly what ``Base.metadata.create_all`` made in 0.1.0 (``troly/models.py`` and
``troly/ideas_models.py`` at the 0.1.0 commit). A database 0.1.0 created without Alembic is stamped
at this revision by ``troly.migrate`` and upgraded from here.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "3f1c2a9d7b10"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("user_key", sa.String(length=200), nullable=False),
        sa.Column("last_intent", sa.String(length=30), nullable=True),
        sa.Column("last_params", sa.JSON(), nullable=False),
        sa.Column("form", sa.String(length=50), nullable=True),
        sa.Column("form_state", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("user_key"),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("stored_path", sa.Text(), nullable=True),
        sa.Column("source_format", sa.String(length=20), nullable=False),
        sa.Column("ocr", sa.Boolean(), nullable=False),
        sa.Column("index_key", sa.String(length=300), nullable=False),
        sa.Column("doc_type", sa.String(length=100), nullable=True),
        sa.Column("number", sa.String(length=100), nullable=True),
        sa.Column("issuer", sa.String(length=300), nullable=True),
        sa.Column("place", sa.String(length=100), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("date_source", sa.String(length=20), nullable=False),
        sa.Column("date_precision", sa.String(length=10), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("signer", sa.String(length=200), nullable=True),
        sa.Column("signer_title", sa.String(length=300), nullable=True),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("tasks_key", sa.String(length=50), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_path"),
    )
    op.create_index(op.f("ix_documents_file_sha256"), "documents", ["file_sha256"], unique=False)
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=True),
        sa.Column("answer_ref", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_feedback_user_key"), "feedback", ["user_key"], unique=False)
    op.create_table(
        "ideas",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=30), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("unit_id", sa.String(length=120), nullable=False),
        sa.Column("unit_name", sa.String(length=300), nullable=False),
        sa.Column("submitter_name", sa.String(length=200), nullable=True),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("user_key", sa.String(length=200), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("client_token", sa.String(length=100), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.Column("duplicate_of", sa.String(length=30), nullable=True),
        sa.Column("duplicate_score", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("client_token"),
        sa.UniqueConstraint("content_hash"),
    )
    op.create_index(op.f("ix_ideas_code"), "ideas", ["code"], unique=True)
    op.create_index(op.f("ix_ideas_created_at"), "ideas", ["created_at"], unique=False)
    op.create_index(op.f("ix_ideas_status"), "ideas", ["status"], unique=False)
    op.create_index(op.f("ix_ideas_unit_id"), "ideas", ["unit_id"], unique=False)
    op.create_index(op.f("ix_ideas_user_key"), "ideas", ["user_key"], unique=False)
    op.create_table(
        "index_state",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "processed_updates",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "user_profiles",
        sa.Column("user_key", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("unit_id", sa.String(length=120), nullable=True),
        sa.Column("unit_name", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("user_key"),
    )
    op.create_table(
        "idea_status_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=40), nullable=True),
        sa.Column("to_status", sa.String(length=40), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["idea_id"],
            ["ideas.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_idea_status_history_changed_at"), "idea_status_history", ["changed_at"], unique=False)
    op.create_index(op.f("ix_idea_status_history_idea_id"), "idea_status_history", ["idea_id"], unique=False)
    op.create_index(op.f("ix_idea_status_history_to_status"), "idea_status_history", ["to_status"], unique=False)
    op.create_table(
        "passages",
        sa.Column("id", sa.String(length=300), nullable=False),
        sa.Column("doc_id", sa.String(length=200), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("heading_path", sa.JSON(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["doc_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_passages_doc_id"), "passages", ["doc_id"], unique=False)
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.String(length=200), nullable=False),
        sa.Column("passage_id", sa.String(length=300), nullable=True),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("heading_path", sa.JSON(), nullable=False),
        sa.Column("passage", sa.Text(), nullable=False),
        sa.Column("due", sa.JSON(), nullable=True),
        sa.Column("due_start", sa.Date(), nullable=True),
        sa.Column("due_end", sa.Date(), nullable=True),
        sa.Column("due_inherited", sa.Boolean(), nullable=False),
        sa.Column("recurrence", sa.JSON(), nullable=True),
        sa.Column("quota", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["doc_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_tasks_doc_id"), "tasks", ["doc_id"], unique=False)
    op.create_index(op.f("ix_tasks_due_end"), "tasks", ["due_end"], unique=False)
    op.create_index(op.f("ix_tasks_due_start"), "tasks", ["due_start"], unique=False)
    op.create_table(
        "unknown_units",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("doc_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["doc_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_unknown_units_doc_id"), "unknown_units", ["doc_id"], unique=False)
    op.create_index(op.f("ix_unknown_units_name"), "unknown_units", ["name"], unique=False)
    op.create_table(
        "task_assignees",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("unit_id", sa.String(length=120), nullable=True),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_task_assignees_task_id"), "task_assignees", ["task_id"], unique=False)
    op.create_index(op.f("ix_task_assignees_unit_id"), "task_assignees", ["unit_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_task_assignees_unit_id"), table_name="task_assignees")
    op.drop_index(op.f("ix_task_assignees_task_id"), table_name="task_assignees")
    op.drop_table("task_assignees")
    op.drop_index(op.f("ix_unknown_units_name"), table_name="unknown_units")
    op.drop_index(op.f("ix_unknown_units_doc_id"), table_name="unknown_units")
    op.drop_table("unknown_units")
    op.drop_index(op.f("ix_tasks_due_start"), table_name="tasks")
    op.drop_index(op.f("ix_tasks_due_end"), table_name="tasks")
    op.drop_index(op.f("ix_tasks_doc_id"), table_name="tasks")
    op.drop_table("tasks")
    op.drop_index(op.f("ix_passages_doc_id"), table_name="passages")
    op.drop_table("passages")
    op.drop_index(op.f("ix_idea_status_history_to_status"), table_name="idea_status_history")
    op.drop_index(op.f("ix_idea_status_history_idea_id"), table_name="idea_status_history")
    op.drop_index(op.f("ix_idea_status_history_changed_at"), table_name="idea_status_history")
    op.drop_table("idea_status_history")
    op.drop_table("user_profiles")
    op.drop_table("processed_updates")
    op.drop_table("index_state")
    op.drop_index(op.f("ix_ideas_user_key"), table_name="ideas")
    op.drop_index(op.f("ix_ideas_unit_id"), table_name="ideas")
    op.drop_index(op.f("ix_ideas_status"), table_name="ideas")
    op.drop_index(op.f("ix_ideas_created_at"), table_name="ideas")
    op.drop_index(op.f("ix_ideas_code"), table_name="ideas")
    op.drop_table("ideas")
    op.drop_index(op.f("ix_feedback_user_key"), table_name="feedback")
    op.drop_table("feedback")
    op.drop_index(op.f("ix_documents_file_sha256"), table_name="documents")
    op.drop_table("documents")
    op.drop_table("conversations")
