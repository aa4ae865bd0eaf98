"""Alembic environment: runs on the connection :mod:`troly.migrate` hands over, under its lock.

``render_as_batch`` lets SQLite, which cannot ALTER most things, rebuild a table instead; it is also
what ``troly db revision`` writes into new revisions.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection
from sqlalchemy.sql.functions import now

import troly.followup.models  # (registers the follow-up tables)
import troly.ideas.models  # noqa: F401  (registers the idea tables)
from troly.models import Base

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("troly's migrations run through troly.migrate (`troly db upgrade`), which opens the connection")


def _render_item(kind: str, obj: Any, _autogen: AutogenContext) -> str | Literal[False]:
    """``server_default=func.now()`` as ``sa.func.now()``: Alembic would write ``sa.text('now()')``,
    which SQLite cannot run (``create_all`` says ``CURRENT_TIMESTAMP`` there)."""
    if kind == "server_default" and isinstance(getattr(obj, "arg", None), now):
        return "sa.func.now()"
    return False


context.configure(
    connection=connection,
    render_item=_render_item,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
