"""Chat state in SQL, behind one seam: conversation state, user profiles, feedback and once-only claims.

Every chat channel (Telegram, Zalo, the web page, the terminal) and the reminder jobs share this
store, so a user's follow-up, bound unit or open form is the same whichever worker or channel
answers next. Callers get dataclasses, never ORM rows; each method runs in its own transaction.

Two workers may create the same row at once (a user's first two messages answered in parallel):
every insert-or-update goes through ``_upsert``, which retries on the unique-key race
(``UPSERT_ATTEMPTS`` times, then raises ``StorageError``). ``claim_once`` is the one "do this only
once" primitive: an update re-delivered by a platform, a reminder for a (user, day).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from troly.db import Database
from troly.errors import StorageError
from troly.models import ConversationRow, FeedbackRow, ProcessedUpdateRow, UserProfileRow

__all__ = ["CLAIM_KEY_MAX", "UPSERT_ATTEMPTS", "ChatStore", "ConversationState", "UserProfile"]

logger = logging.getLogger(__name__)

#: Longest claim key kept (the column's length); longer keys are cut, the same way on claim and release.
CLAIM_KEY_MAX = 300
#: Tries of an insert-or-update that loses the unique-key race to another worker.
UPSERT_ATTEMPTS = 3

_Row = TypeVar("_Row", ConversationRow, UserProfileRow)


@dataclass(frozen=True, slots=True)
class ConversationState:
    """A user's conversation state: the last answered intent and its parameters, and an open form."""

    last_intent: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    form: str | None = None
    form_state: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UserProfile:
    """A chat user ("telegram:123") and the unit they work for, if they named it."""

    user_key: str
    display_name: str | None = None
    unit_id: str | None = None
    unit_name: str | None = None


class ChatStore:
    """Chat state for every channel, over the process's ``Database``."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # ---- conversation state ---------------------------------------------------------------------

    def load_state(self, *, user_key: str) -> ConversationState:
        """The user's state; an empty one for a new user."""
        with self._db.session() as session:
            row = session.get(ConversationRow, user_key)
            if row is None:
                return ConversationState()
            return ConversationState(
                last_intent=row.last_intent,
                params=dict(row.last_params or {}),
                form=row.form,
                form_state=dict(row.form_state or {}),
            )

    def save_state(self, *, user_key: str, state: ConversationState) -> None:
        """Replace the user's state."""

        def apply(row: ConversationRow) -> None:
            row.last_intent = state.last_intent
            row.last_params = dict(state.params)
            row.form = state.form
            row.form_state = dict(state.form_state)

        self._upsert(ConversationRow, user_key, apply)

    # ---- profiles -------------------------------------------------------------------------------

    def profile(self, *, user_key: str) -> UserProfile | None:
        """The user's profile, or None if they never named a unit."""
        with self._db.session() as session:
            row = session.get(UserProfileRow, user_key)
            if row is None:
                return None
            return UserProfile(
                user_key=row.user_key, display_name=row.display_name, unit_id=row.unit_id, unit_name=row.unit_name
            )

    def bind_unit(self, *, user_key: str, unit_id: str, unit_name: str, display_name: str | None = None) -> None:
        """Remember the user's unit (and their display name, when the channel gave one)."""

        def apply(row: UserProfileRow) -> None:
            row.unit_id, row.unit_name = unit_id, unit_name
            if display_name is not None:
                row.display_name = display_name

        self._upsert(UserProfileRow, user_key, apply)

    def user_keys_for_unit(self, *, unit_id: str) -> list[str]:
        """User keys ("telegram:123") bound to ``unit_id``, in key order."""
        with self._db.session() as session:
            query = select(UserProfileRow.user_key).where(UserProfileRow.unit_id == unit_id)
            return sorted(session.execute(query).scalars())

    # ---- feedback -------------------------------------------------------------------------------

    def add_feedback(
        self, *, user_key: str, value: int, question: str | None = None, answer_ref: str | None = None
    ) -> None:
        """Store a 👍 (+1) or 👎 (-1) on an answer."""
        if value not in (1, -1):
            raise ValueError(f"feedback value must be +1 or -1, not {value!r}")
        with self._db.transaction() as session:
            session.add(FeedbackRow(user_key=user_key, value=value, question=question, answer_ref=answer_ref))

    # ---- once-only claims -----------------------------------------------------------------------

    def claim_once(self, key: str) -> bool:
        """Record ``key`` durably; False when it was already recorded (by this or any other worker).

        Args:
            key: what is done once, e.g. "telegram:<update id>" or "reminder:zalo:<user>:<day>".

        Returns:
            True for the first claim of ``key``, False for every later one (until ``release``).
        """
        try:
            with self._db.transaction() as session:
                session.add(ProcessedUpdateRow(key=key[:CLAIM_KEY_MAX]))
        except IntegrityError:
            return False
        return True

    def release(self, key: str) -> None:
        """Undo a claim whose work failed, so a later run (or worker) may claim it again."""
        with self._db.transaction() as session:
            row = session.get(ProcessedUpdateRow, key[:CLAIM_KEY_MAX])
            if row is not None:
                session.delete(row)

    # ---- helpers --------------------------------------------------------------------------------

    def _upsert(self, model: type[_Row], user_key: str, apply: Callable[[_Row], None]) -> None:
        """Create or update the row of ``user_key`` with ``apply``; retried when another worker
        inserts the same key between our read and our insert."""
        last: IntegrityError | None = None
        for attempt in range(1, UPSERT_ATTEMPTS + 1):
            try:
                with self._db.transaction() as session:
                    row = session.get(model, user_key)
                    if row is None:
                        row = model(user_key=user_key)
                        session.add(row)
                    apply(row)
                return
            except IntegrityError as e:
                logger.info("%s for %s written concurrently (attempt %d)", model.__tablename__, user_key, attempt)
                last = e
        raise StorageError(f"could not write {model.__tablename__} for {user_key}") from last
