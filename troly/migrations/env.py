"""Alembic environment: runs on the connection :mod:`troly.migrate` hands over, under its lock.

``render_as_batch`` lets SQLite, which cannot ALTER most things, rebuild a table instead; it is also
what ``troly db revision`` writes into new revisions.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import troly.ideas.models  # noqa: F401  (registers the idea tables)
from troly.models import Base

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("troly's migrations run through troly.migrate (`troly db upgrade`), which opens the connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
