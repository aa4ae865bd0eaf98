"""Follow-up of assignments (issue 14): tracked assignments with stable codes, each unit's status,
its events and recurring periods, and the /theodoi subscriptions.

Revision ID: 83a824ad9fe8
Revises: 8e4b6d0c2f51
Create Date: 2026-12-02 02:23:02.500481
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "83a824ad9fe8"
down_revision: str | Sequence[str] | None = "8e4b6d0c2f51"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=30), nullable=True),
        sa.Column("doc_id", sa.String(length=200), nullable=False),
        sa.Column("doc_number", sa.String(length=100), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("heading_path", sa.JSON(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("due", sa.JSON(), nullable=True),
        sa.Column("due_end", sa.Date(), nullable=True),
        sa.Column("recurrence", sa.JSON(), nullable=True),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_code"), ["code"], unique=True)
        batch_op.create_index(batch_op.f("ix_assignments_doc_id"), ["doc_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_doc_number"), ["doc_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_due_end"), ["due_end"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_open"), ["open"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_task_id"), ["task_id"], unique=False)

    op.create_table(
        "followup_subscriptions",
        sa.Column("user_key", sa.String(length=200), nullable=False),
        sa.Column("unit_id", sa.String(length=120), nullable=True),
        sa.Column("unit_name", sa.String(length=300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_key"),
    )
    with op.batch_alter_table("followup_subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_followup_subscriptions_active"), ["active"], unique=False)
        batch_op.create_index(batch_op.f("ix_followup_subscriptions_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "assignment_units",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("unit_key", sa.String(length=320), nullable=False),
        sa.Column("unit_id", sa.String(length=120), nullable=True),
        sa.Column("unit_name", sa.String(length=300), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("confirmed", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assignment_id", "unit_key"),
    )
    with op.batch_alter_table("assignment_units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_units_assignment_id"), ["assignment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_units_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_units_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "assignment_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_row_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=True),
        sa.Column("from_status", sa.String(length=40), nullable=True),
        sa.Column("to_status", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_row_id"],
            ["assignment_units.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assignment_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignment_events_unit_row_id"), ["unit_row_id"], unique=False)

    op.create_table(
        "assignment_periods",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_row_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_row_id"],
            ["assignment_units.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_row_id", "period"),
    )
    with op.batch_alter_table("assignment_periods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignment_periods_unit_row_id"), ["unit_row_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assignment_periods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_periods_unit_row_id"))

    op.drop_table("assignment_periods")
    with op.batch_alter_table("assignment_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_events_unit_row_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_events_at"))

    op.drop_table("assignment_events")
    with op.batch_alter_table("assignment_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignment_units_unit_id"))
        batch_op.drop_index(batch_op.f("ix_assignment_units_status"))
        batch_op.drop_index(batch_op.f("ix_assignment_units_assignment_id"))

    op.drop_table("assignment_units")
    with op.batch_alter_table("followup_subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_followup_subscriptions_unit_id"))
        batch_op.drop_index(batch_op.f("ix_followup_subscriptions_active"))

    op.drop_table("followup_subscriptions")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_task_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_open"))
        batch_op.drop_index(batch_op.f("ix_assignments_due_end"))
        batch_op.drop_index(batch_op.f("ix_assignments_doc_number"))
        batch_op.drop_index(batch_op.f("ix_assignments_doc_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_code"))

    op.drop_table("assignments")
