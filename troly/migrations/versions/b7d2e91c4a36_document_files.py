"""document_files: the other files of a document (the same text in another format, or the same
number and date), listed with it and indexed once (issue 11).

Revision ID: b7d2e91c4a36
Revises: 83a824ad9fe8
Create Date: 2026-12-02 02:25:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "b7d2e91c4a36"
down_revision: str | Sequence[str] | None = "83a824ad9fe8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document_files",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.String(length=200), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_size", sa.Integer(), nullable=False),
        sa.Column("stored_path", sa.Text(), nullable=True),
        sa.Column("source_format", sa.String(length=20), nullable=False),
        sa.Column("ocr", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["doc_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_path"),
    )
    op.create_index(op.f("ix_document_files_doc_id"), "document_files", ["doc_id"], unique=False)
    op.create_index(op.f("ix_document_files_file_sha256"), "document_files", ["file_sha256"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_document_files_file_sha256"), table_name="document_files")
    op.drop_index(op.f("ix_document_files_doc_id"), table_name="document_files")
    op.drop_table("document_files")
