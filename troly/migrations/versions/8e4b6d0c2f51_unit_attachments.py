"""unit_attachments: an admin's alias / member-of / successor-of for a unit name (troly 0.2.0).

Revision ID: 8e4b6d0c2f51
Revises: 3f1c2a9d7b10
Create Date: 2026-12-02 02:00:01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "8e4b6d0c2f51"
down_revision: str | Sequence[str] | None = "3f1c2a9d7b10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "unit_attachments",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("unit_id", sa.String(length=120), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("unit_attachments")
