"""documents.date_partial: the month or year a draft prints when its day is blank (issue 11).

A blank day ("ngày   tháng 8 năm 2025") leaves the issuance date unknown: ``date`` is null and the
month (or year) printed moves to ``date_partial``, ``date_precision`` keeping "month" or "year".
Rows stored before this revision kept that month in ``date``: they are moved.

Revision ID: d4e8a1c6b253
Revises: c7a1e5f93d20
Create Date: 2026-12-02 05:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "d4e8a1c6b253"
down_revision: str | Sequence[str] | None = "c7a1e5f93d20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PARTIAL = "date_precision IN ('month', 'year')"


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("date_partial", sa.Date(), nullable=True))
    op.execute(f"UPDATE documents SET date_partial = date, date = NULL WHERE {_PARTIAL}")


def downgrade() -> None:
    op.execute(f"UPDATE documents SET date = date_partial WHERE {_PARTIAL} AND date IS NULL")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("date_partial")
