"""Store functions for ideas: keyword-only, they take ``session`` and never commit (the caller's
transaction does); near-duplicates are flagged by cosine similarity, never refused."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from troly.ideas.models import IdeaRow, IdeaStatusRow
from troly.ideas.validation import IdeaDraft, IdeaInputError, validate_draft
from troly.ideas.views import IdeaView, view_of
from troly.ideas.workflow import NEW, STATUSES, TRANSITIONS, WITHDRAWN, format_code, normalise_status, parse_code
from troly.text import collapse_ws

if TYPE_CHECKING:
    from troly.types import PassageEmbedder
    from troly.units import UnitCatalogue

__all__ = [
    "VN_TZ",
    "embed_idea_texts",
    "get_idea",
    "idea_text",
    "list_ideas",
    "set_status",
    "submit_idea",
]

logger = logging.getLogger(__name__)

#: Timestamps are stored as Asia/Ho_Chi_Minh wall-clock (SQLite keeps no offset; PostgreSQL converts).
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_EMBED_LOCK = threading.Lock()  # the model is not guaranteed thread-safe; ideas are few and short


def embed_idea_texts(embedder: PassageEmbedder, texts: Sequence[str]) -> list[np.ndarray]:
    """L2-normalised float32 vectors (serialised under a lock: one model, many worker threads)."""
    if not texts:
        return []
    with _EMBED_LOCK:
        mat = np.asarray(embedder.embed_passages(list(texts)), dtype=np.float32)
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return list(mat / norms)


def idea_text(title: str, description: str) -> str:
    return f"{title}. {description}"


def _nearest(session: Session, vec: np.ndarray, exclude_id: int | None = None) -> tuple[str | None, float | None]:
    """Most similar earlier, not withdrawn idea (all units; small scale: a matrix product)."""
    rows = session.execute(
        select(IdeaRow.id, IdeaRow.code, IdeaRow.embedding).where(
            IdeaRow.embedding.is_not(None), IdeaRow.withdrawn.is_(False)
        )
    ).all()
    best_code, best = None, None
    codes: list[str] = []
    vecs: list[np.ndarray] = []
    for rid, code, blob in rows:
        if rid == exclude_id or not code or blob is None:
            continue
        v = np.frombuffer(blob, dtype=np.float32)
        if v.shape != vec.shape:
            continue  # a vector from another embedding model
        codes.append(code)
        vecs.append(v)
    if vecs:
        sims = np.vstack(vecs) @ vec
        i = int(np.argmax(sims))
        best_code, best = codes[i], float(sims[i])
    return best_code, best


def submit_idea(
    *,
    session: Session,
    draft: IdeaDraft,
    catalogue: UnitCatalogue,
    now: dt.datetime,
    vector: np.ndarray | None = None,
    duplicate_threshold: float = 0.9,
    max_description: int = 3000,
    content_hash: str | None = None,
    tz: ZoneInfo = VN_TZ,
) -> IdeaView:
    """Validate and store one idea with status "mới"; returns it with its code.

    Idempotent on ``draft.client_token`` (a chat form's confirm delivered twice) and on
    ``content_hash`` (an import row seen before): the existing idea comes back with ``created=False``.
    """
    clean = validate_draft(draft, catalogue=catalogue, max_description=max_description)
    for col, value in ((IdeaRow.client_token, draft.client_token), (IdeaRow.content_hash, content_hash)):
        if value:
            existing = session.execute(select(IdeaRow).where(col == value)).scalar_one_or_none()
            if existing is not None:
                view = view_of(existing, tz)
                view.created = False
                return view
    dup_code, dup_score = (None, None)
    if vector is not None:
        dup_code, dup_score = _nearest(session, vector)
        if dup_score is None or dup_score < duplicate_threshold:
            dup_code, dup_score = None, None
    created = (draft.created_at or now).astimezone(tz)
    row = IdeaRow(
        title=clean.title,
        description=clean.description,
        field=clean.field,
        unit_id=clean.unit_id,
        unit_name=clean.unit_name,
        submitter_name=clean.submitter_name,
        contact=clean.contact,
        channel=draft.channel,
        user_key=draft.user_key,
        source=draft.source,
        client_token=draft.client_token,
        content_hash=content_hash,
        status=NEW,
        withdrawn=False,
        created_at=created,
        updated_at=now.astimezone(tz),
        status_changed_at=created,
        embedding=vector.astype(np.float32).tobytes() if vector is not None else None,
        duplicate_of=dup_code,
        duplicate_score=round(dup_score, 4) if dup_score is not None else None,
    )
    session.add(row)
    session.flush()  # the autoincrement id makes the code unique under any concurrency
    row.code = format_code(created.year, row.id)
    session.add(
        IdeaStatusRow(
            idea_id=row.id,
            from_status=None,
            to_status=NEW,
            changed_by=draft.user_key or draft.submitter_name or draft.source,
            note="gửi ý tưởng",
            changed_at=created,
        )
    )
    session.flush()
    session.refresh(row)
    if dup_code:
        logger.info("idea %s flagged as near-duplicate of %s (%.3f)", row.code, dup_code, dup_score)
    return view_of(row, tz)


def _find_row(session: Session, code: str) -> IdeaRow | None:
    norm = parse_code(code) or code.strip().upper()
    return session.execute(select(IdeaRow).where(IdeaRow.code == norm)).scalar_one_or_none()


def get_idea(*, session: Session, code: str, tz: ZoneInfo) -> IdeaView | None:
    row = _find_row(session, code)
    return view_of(row, tz) if row else None


def list_ideas(
    *,
    session: Session,
    tz: ZoneInfo,
    month: tuple[int, int] | None = None,
    unit_ids: Iterable[str] | None = None,
    user_key: str | None = None,
    status: str | None = None,
    include_withdrawn: bool = True,
) -> list[IdeaView]:
    """Ideas filtered by submission month (local time), unit(s), submitter and status, oldest first."""
    q = select(IdeaRow).order_by(IdeaRow.id)
    if month is not None:
        y, m = month
        start = dt.datetime(y, m, 1, tzinfo=tz)
        end = dt.datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=tz)
        q = q.where(IdeaRow.created_at >= start, IdeaRow.created_at < end)
    if unit_ids is not None:
        q = q.where(IdeaRow.unit_id.in_(list(unit_ids)))
    if user_key is not None:
        q = q.where(IdeaRow.user_key == user_key)
    if status is not None:
        q = q.where(IdeaRow.status == status)
    if not include_withdrawn:
        q = q.where(IdeaRow.withdrawn.is_(False))
    return [view_of(r, tz) for r in session.execute(q).scalars()]


def set_status(
    *,
    session: Session,
    code: str,
    new_status: str,
    by: str,
    now: dt.datetime,
    note: str | None = None,
    force: bool = False,
    tz: ZoneInfo = VN_TZ,
) -> IdeaView:
    """Move an idea along the workflow and record who did it and when."""
    status = normalise_status(new_status)
    if status is None:
        raise IdeaInputError(
            f"unknown status {new_status!r}",
            user_message="Trạng thái không hợp lệ. Chọn một trong: " + ", ".join(STATUSES) + ".",
        )
    row = _find_row(session, code)
    if row is None:
        raise IdeaInputError(f"no idea {code!r}", user_message=f"Không tìm thấy ý tưởng mã {code.strip()[:40]}.")
    if status == row.status:
        return view_of(row, tz)
    if not force and status not in TRANSITIONS.get(row.status, frozenset()):
        allowed = ", ".join(sorted(TRANSITIONS.get(row.status, frozenset()))) or "không có"
        raise IdeaInputError(
            f"transition {row.status} -> {status} not allowed",
            user_message=f"Không thể chuyển ý tưởng {row.code} từ “{row.status}” sang “{status}” "
            f"(được phép: {allowed}).",
        )
    when = now.astimezone(tz)
    session.add(
        IdeaStatusRow(
            idea_id=row.id,
            from_status=row.status,
            to_status=status,
            changed_by=collapse_ws(by)[:200] or "admin",
            note=note,
            changed_at=when,
        )
    )
    row.status = status
    row.withdrawn = status == WITHDRAWN
    row.status_changed_at = when
    row.updated_at = when
    session.flush()
    session.refresh(row)
    return view_of(row, tz)
