"""The chat store: state, profiles, feedback and once-only claims, over a real SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from troly.chat_store import CLAIM_KEY_MAX, UPSERT_ATTEMPTS, ChatStore, ConversationState, UserProfile
from troly.config import Settings
from troly.db import Database
from troly.errors import StorageError
from troly.models import FeedbackRow, UserProfileRow


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(Settings(home=tmp_path / "home", database_url=None, chroma_url=None))


@pytest.fixture
def store(db: Database) -> ChatStore:
    return ChatStore(db)


def test_state_round_trip_and_default(store: ChatStore) -> None:
    """A new user has an empty state; a saved state comes back equal, and is replaced whole."""
    assert store.load_state(user_key="telegram:1") == ConversationState()
    state = ConversationState(last_intent="tasks", params={"unit": "Tỉnh đoàn"}, form="idea", form_state={"s": 1})
    store.save_state(user_key="telegram:1", state=state)
    assert store.load_state(user_key="telegram:1") == state
    store.save_state(user_key="telegram:1", state=ConversationState(last_intent="qa"))
    assert store.load_state(user_key="telegram:1") == ConversationState(last_intent="qa")
    assert store.load_state(user_key="zalo:1") == ConversationState()


def test_bind_unit_creates_then_updates_keeping_the_name(store: ChatStore) -> None:
    """The display name is kept when a later bind comes without one."""
    assert store.profile(user_key="zalo:9") is None
    store.bind_unit(user_key="zalo:9", unit_id="tinh-doan", unit_name="Tỉnh đoàn", display_name="An")
    store.bind_unit(user_key="zalo:9", unit_id="xa-tay-son", unit_name="xã Tây Sơn")
    assert store.profile(user_key="zalo:9") == UserProfile("zalo:9", "An", "xa-tay-son", "xã Tây Sơn")
    store.bind_unit(user_key="telegram:2", unit_id="xa-tay-son", unit_name="xã Tây Sơn")
    assert store.user_keys_for_unit(unit_id="xa-tay-son") == ["telegram:2", "zalo:9"]
    assert store.user_keys_for_unit(unit_id="tinh-doan") == []


def test_bind_unit_retries_when_another_worker_inserts_first(
    store: ChatStore, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The unique-key race: our read saw no row, another worker inserted one; the retry updates it."""
    real_get = type(db.session()).get
    raced = []

    def get_then_lose_the_race(session, model, key):  # type: ignore[no-untyped-def]
        if model is UserProfileRow and not raced:
            raced.append(key)
            with db.transaction() as other:  # the other worker wins the insert
                other.add(UserProfileRow(user_key=key, display_name="Bình", unit_id="a", unit_name="A"))
            return None
        return real_get(session, model, key)

    monkeypatch.setattr(type(db.session()), "get", get_then_lose_the_race)
    store.bind_unit(user_key="telegram:3", unit_id="b", unit_name="B")
    monkeypatch.undo()
    assert raced == ["telegram:3"]
    assert store.profile(user_key="telegram:3") == UserProfile("telegram:3", "Bình", "b", "B")


def test_upsert_gives_up_with_a_storage_error(store: ChatStore, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """A race lost every time is an error, not a silent loss."""
    calls = []

    def always_missing(session, model, key):  # type: ignore[no-untyped-def]
        calls.append(key)
        return None

    store.save_state(user_key="web:x", state=ConversationState(last_intent="qa"))
    monkeypatch.setattr(type(db.session()), "get", always_missing)
    with pytest.raises(StorageError, match="conversations"):
        store.save_state(user_key="web:x", state=ConversationState(last_intent="tasks"))
    assert len(calls) == UPSERT_ATTEMPTS


def test_feedback_rows(store: ChatStore, db: Database) -> None:
    store.add_feedback(user_key="telegram:1", value=-1, question="Ai chủ trì?", answer_ref="telegram:1:99")
    with pytest.raises(ValueError, match="feedback"):
        store.add_feedback(user_key="telegram:1", value=0)
    with db.session() as session:
        rows = [(r.user_key, r.value, r.question, r.answer_ref) for r in session.scalars(select(FeedbackRow))]
    assert rows == [("telegram:1", -1, "Ai chủ trì?", "telegram:1:99")]


def test_claim_once_release_and_long_keys(store: ChatStore, db: Database) -> None:
    """A key is claimed once across stores on one database, until released; long keys are cut alike."""
    other = ChatStore(db)
    assert store.claim_once("telegram:42") is True
    assert store.claim_once("telegram:42") is False
    assert other.claim_once("telegram:42") is False
    other.release("telegram:42")
    assert store.claim_once("telegram:42") is True
    store.release("never-claimed")  # nothing to undo: no error

    long_key = "zalo:message.text.received:" + "x" * 400
    assert store.claim_once(long_key) is True
    assert store.claim_once(long_key[:CLAIM_KEY_MAX] + "different tail") is False
    store.release(long_key)
    assert store.claim_once(long_key) is True
