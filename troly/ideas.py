"""Community innovation ideas: validation, the store, status workflow, near-duplicates, import.

Why: the 2026 conclusion notice gives every commune/ward a monthly quota of ideas "triển khai
được" and Tỉnh đoàn one of introduced ideas; Sở KH&CN receives them. Ideas arrive by chat
(Telegram, Zalo), by the CLI and as spreadsheets, so the rules live here once:

* store functions take ``session`` keyword-only and never commit (the caller's transaction does);
  :class:`IdeaService` wraps them with the context's database, embedder and catalogue;
* ids are ``YT-<year>-<6-digit row id>``, derived from the autoincrement key, so concurrent
  submissions from many workers can never collide;
* text is stored verbatim (SQL or HTML in a title is data: bound parameters, escaped by channels);
* nothing is hard-deleted; withdrawal is a status; every change is a history row;
* a near-duplicate (cosine ≥ threshold against earlier ideas) is flagged, never refused;
* contact details are only shown to admins and the submitter (:meth:`IdeaView.to_dict`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from troly.clock import Clock, local_now
from troly.errors import UserInputError
from troly.ideas_models import IdeaRow, IdeaStatusRow
from troly.text import collapse_ws, fold, nfc

if TYPE_CHECKING:
    from troly.context import Context
    from troly.units import Unit, UnitCatalogue

__all__ = [
    "CODE_RE",
    "FIELDS",
    "NEW",
    "STATUSES",
    "TRANSITIONS",
    "WITHDRAWN",
    "IdeaDraft",
    "IdeaInputError",
    "IdeaService",
    "IdeaView",
    "ImportResult",
    "get_idea",
    "import_hash",
    "list_ideas",
    "normalise_field",
    "normalise_status",
    "read_import_file",
    "resolve_unit",
    "set_status",
    "submit_idea",
    "to_local",
    "validate_draft",
]

logger = logging.getLogger(__name__)

NEW = "mới"
SCREENED = "đã sàng lọc"
INTRODUCED = "được giới thiệu"
PILOT = "đang thí điểm"
DEPLOYED = "đã triển khai"
INFEASIBLE = "không khả thi"
WITHDRAWN = "đã rút"
STATUSES: tuple[str, ...] = (NEW, SCREENED, INTRODUCED, PILOT, DEPLOYED, INFEASIBLE, WITHDRAWN)

#: Allowed moves of the review workflow (``force=True`` lets an admin correct a mistake).
TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({SCREENED, INFEASIBLE, WITHDRAWN}),
    SCREENED: frozenset({INTRODUCED, PILOT, DEPLOYED, INFEASIBLE, WITHDRAWN}),
    INTRODUCED: frozenset({PILOT, DEPLOYED, INFEASIBLE, WITHDRAWN}),
    PILOT: frozenset({DEPLOYED, INFEASIBLE}),
    DEPLOYED: frozenset(),
    INFEASIBLE: frozenset({SCREENED}),
    WITHDRAWN: frozenset(),
}

_STATUS_ALIASES = {
    "moi": NEW,
    "new": NEW,
    "da sang loc": SCREENED,
    "sang loc": SCREENED,
    "screened": SCREENED,
    "duoc gioi thieu": INTRODUCED,
    "gioi thieu": INTRODUCED,
    "introduced": INTRODUCED,
    "dang thi diem": PILOT,
    "thi diem": PILOT,
    "pilot": PILOT,
    "piloting": PILOT,
    "da trien khai": DEPLOYED,
    "trien khai": DEPLOYED,
    "deployed": DEPLOYED,
    "khong kha thi": INFEASIBLE,
    "infeasible": INFEASIBLE,
    "rejected": INFEASIBLE,
    "da rut": WITHDRAWN,
    "rut": WITHDRAWN,
    "withdrawn": WITHDRAWN,
}

FIELDS: tuple[str, ...] = (
    "chuyển đổi số",
    "nông nghiệp",
    "du lịch",
    "giáo dục",
    "y tế",
    "môi trường",
    "cải cách hành chính",
    "kinh tế - thương mại",
    "văn hóa - xã hội",
    "khác",
)

CODE_RE = re.compile(r"\bYT[-\s]?(\d{4})[-\s]?(\d{1,9})\b", re.IGNORECASE)
TITLE_MAX = 200
NAME_MAX = 200
CONTACT_MAX = 200

#: Timestamps are stored as Asia/Ho_Chi_Minh wall-clock (SQLite keeps no offset; PostgreSQL converts).
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_EMBED_LOCK = threading.Lock()  # the model is not guaranteed thread-safe; ideas are few and short


class IdeaInputError(UserInputError):
    """Bad idea input: ``user_message`` says what to fix, in Vietnamese."""


# ----------------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------------


def _key(text: str) -> str:
    return collapse_ws(fold(nfc(text)).replace("-", " ").replace("_", " ")).strip()


def normalise_status(text: str) -> str | None:
    """ "đã triển khai", "da-trien-khai", "deployed" -> "đã triển khai"; unknown -> None."""
    t = nfc(text).strip().lower()
    if t in STATUSES:
        return t
    return _STATUS_ALIASES.get(_key(t))


def normalise_field(text: str) -> str | None:
    """A field name, its number in :data:`FIELDS` (1-based), or an accent-free spelling."""
    t = _key(text)
    if not t:
        return None
    if t.isdigit() and 1 <= int(t) <= len(FIELDS):
        return FIELDS[int(t) - 1]
    keys = {_key(f): f for f in FIELDS}
    if t in keys:
        return keys[t]
    for k, f in keys.items():
        if k.startswith(t) or t.startswith(k):
            return f
    aliases = {
        "cds": "chuyển đổi số",
        "so hoa": "chuyển đổi số",
        "nong nghiep cong nghe cao": "nông nghiệp",
        "van hoa": "văn hóa - xã hội",
        "xa hoi": "văn hóa - xã hội",
        "kinh te": "kinh tế - thương mại",
        "thuong mai": "kinh tế - thương mại",
        "hanh chinh": "cải cách hành chính",
        "khac": "khác",
    }
    return aliases.get(t)


def to_local(value: dt.datetime | None, tz: ZoneInfo) -> dt.datetime | None:
    """Stored timestamps back in Asia/Ho_Chi_Minh (SQLite keeps local wall-clock, PostgreSQL UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)


def _clean(text: str | None) -> str:
    """NFC, control characters removed (newlines and tabs kept), ends stripped. Nothing else changes."""
    if text is None:
        return ""
    t = nfc(str(text)).replace("\r\n", "\n").replace("\r", "\n")
    t = "".join(ch for ch in t if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return t.strip()


def _has_words(text: str) -> bool:
    """At least one letter or digit (emoji and punctuation alone are not an idea)."""
    return any(ch.isalnum() for ch in text)


def format_code(year: int, row_id: int) -> str:
    return f"YT-{year}-{row_id:06d}"


def parse_code(text: str) -> str | None:
    """Find an idea id in free text ("yt-2026-123" -> "YT-2026-000123")."""
    m = CODE_RE.search(text or "")
    return format_code(int(m.group(1)), int(m.group(2))) if m else None


# ----------------------------------------------------------------------------------------------
# Input
# ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class IdeaDraft:
    """What a submitter provides; :func:`validate_draft` cleans it and checks every field."""

    title: str
    description: str
    unit: str  # a unit id or a name the catalogue resolves ("xã Tây Sơn", "Tỉnh đoàn")
    field: str | None = None
    submitter_name: str | None = None
    contact: str | None = None
    channel: str = "cli"
    user_id: str | None = None
    source: str = "cli"
    client_token: str | None = None
    created_at: dt.datetime | None = None

    @property
    def user_key(self) -> str | None:
        return f"{self.channel}:{self.user_id}" if self.user_id else None


def validate_title(text: str | None) -> str:
    t = collapse_ws(_clean(text))
    if not t:
        raise IdeaInputError("empty idea title", user_message="Tiêu đề ý tưởng không được để trống.")
    if not _has_words(t):
        raise IdeaInputError(
            "title has no letters",
            user_message="Tiêu đề cần có chữ hoặc số (không chỉ biểu tượng cảm xúc hay dấu câu).",
        )
    if len(t) > TITLE_MAX:
        raise IdeaInputError(
            f"title too long ({len(t)} chars)",
            user_message=f"Tiêu đề quá dài ({len(t)} ký tự); vui lòng rút gọn dưới {TITLE_MAX} ký tự.",
        )
    return t


def validate_description(text: str | None, max_chars: int) -> str:
    t = _clean(text)
    if not t:
        raise IdeaInputError("empty description", user_message="Mô tả ý tưởng không được để trống.")
    if not _has_words(t):
        raise IdeaInputError(
            "description has no letters",
            user_message="Mô tả cần có chữ hoặc số (không chỉ biểu tượng cảm xúc hay dấu câu).",
        )
    if len(t) > max_chars:
        raise IdeaInputError(
            f"description too long ({len(t)} > {max_chars} chars)",
            user_message=f"Mô tả quá dài ({len(t):,} ký tự; tối đa {max_chars:,} ký tự). "
            "Vui lòng tóm tắt ý tưởng; tài liệu chi tiết có thể gửi sau khi được liên hệ.".replace(",", "."),
        )
    return t


def validate_optional(text: str | None, max_chars: int, what: str) -> str | None:
    t = collapse_ws(_clean(text))
    if not t or _key(t) in ("bo qua", "skip", "-"):
        return None
    if len(t) > max_chars:
        raise IdeaInputError(f"{what} too long", user_message=f"Thông tin {what} quá dài (tối đa {max_chars} ký tự).")
    return t


def validate_field(text: str | None) -> str:
    if text is None or not _clean(text):
        return "khác"
    f = normalise_field(text)
    if f is None:
        raise IdeaInputError(
            f"unknown field {text!r}", user_message="Lĩnh vực chưa đúng. Chọn một trong: " + ", ".join(FIELDS) + "."
        )
    return f


def resolve_unit(catalogue: UnitCatalogue, name: str) -> Unit:
    """The submitting unit: a commune/ward, Tỉnh đoàn or another specific body (never a group)."""
    text = collapse_ws(_clean(name))
    if not text:
        raise IdeaInputError(
            "empty unit", user_message="Vui lòng cho biết đơn vị gửi ý tưởng (ví dụ: xã Tây Sơn, Tỉnh đoàn)."
        )
    unit = catalogue.get(text)
    if unit is None:
        match = catalogue.resolve(text)
        unit = match.unit if match else None
    if unit is None:
        raise IdeaInputError(
            f"unknown unit {text!r}",
            user_message=f"Không tìm thấy đơn vị “{text[:80]}” trong danh mục. Vui lòng ghi rõ, ví dụ: "
            "“xã Tây Sơn”, “phường Pleiku” hoặc “Tỉnh đoàn”.",
        )
    if unit.is_group:
        raise IdeaInputError(
            f"group {unit.id} given as a unit",
            user_message=f"“{unit.name}” là một nhóm đơn vị; vui lòng chọn một đơn vị cụ thể.",
        )
    if unit.defunct:
        names = ", ".join(catalogue.units[s].name for s in unit.successors if s in catalogue.units)
        raise IdeaInputError(
            f"defunct unit {unit.id}",
            user_message=f"“{unit.name}” không còn tồn tại (nay là: {names or 'đơn vị khác'}). "
            "Vui lòng chọn đơn vị hiện nay.",
        )
    return unit


@dataclass(slots=True)
class CleanIdea:
    title: str
    description: str
    field: str
    unit_id: str
    unit_name: str
    submitter_name: str | None
    contact: str | None


def validate_draft(draft: IdeaDraft, *, catalogue: UnitCatalogue, max_description: int = 3000) -> CleanIdea:
    """Every check a submission passes before anything is stored (raises :class:`IdeaInputError`)."""
    unit = resolve_unit(catalogue, draft.unit)
    return CleanIdea(
        title=validate_title(draft.title),
        description=validate_description(draft.description, max_description),
        field=validate_field(draft.field),
        unit_id=unit.id,
        unit_name=unit.name,
        submitter_name=validate_optional(draft.submitter_name, NAME_MAX, "người gửi"),
        contact=validate_optional(draft.contact, CONTACT_MAX, "liên hệ"),
    )


# ----------------------------------------------------------------------------------------------
# Views (what leaves the store)
# ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class HistoryView:
    from_status: str | None
    to_status: str
    changed_by: str
    changed_at: dt.datetime
    note: str | None = None


@dataclass(slots=True)
class IdeaView:
    """An idea as read back; ``to_dict(show_contact=False)`` is what non-owners may see."""

    code: str
    title: str
    description: str
    field: str
    unit_id: str
    unit_name: str
    status: str
    withdrawn: bool
    created_at: dt.datetime
    status_changed_at: dt.datetime
    channel: str
    user_key: str | None
    submitter_name: str | None
    contact: str | None
    duplicate_of: str | None
    duplicate_score: float | None
    history: list[HistoryView] = field(default_factory=list)
    created: bool = True  # False when a submission was an idempotent repeat

    def visible_to(self, viewer_key: str | None, *, is_admin: bool) -> bool:
        """Whether the viewer may see the private parts (submitter name and contact)."""
        return is_admin or (viewer_key is not None and viewer_key == self.user_key)

    def to_dict(self, *, show_contact: bool = False, with_description: bool = True) -> dict[str, Any]:
        d = asdict(self)
        d.pop("created", None)
        if not with_description:
            d.pop("description", None)
        if not show_contact:
            for k in ("submitter_name", "contact", "user_key"):
                d.pop(k, None)
        d["created_at"] = self.created_at.isoformat()
        d["status_changed_at"] = self.status_changed_at.isoformat()
        d["history"] = [{**asdict(h), "changed_at": h.changed_at.isoformat()} for h in self.history]
        if not show_contact:
            for h in d["history"]:
                h.pop("changed_by", None)
        return d


def _view(row: IdeaRow, tz: ZoneInfo, *, with_history: bool = True) -> IdeaView:
    return IdeaView(
        code=row.code or "",
        title=row.title,
        description=row.description,
        field=row.field,
        unit_id=row.unit_id,
        unit_name=row.unit_name,
        status=row.status,
        withdrawn=row.withdrawn,
        created_at=to_local(row.created_at, tz),  # type: ignore[arg-type]
        status_changed_at=to_local(row.status_changed_at, tz),  # type: ignore[arg-type]
        channel=row.channel,
        user_key=row.user_key,
        submitter_name=row.submitter_name,
        contact=row.contact,
        duplicate_of=row.duplicate_of,
        duplicate_score=row.duplicate_score,
        history=[
            HistoryView(h.from_status, h.to_status, h.changed_by, to_local(h.changed_at, tz), h.note)  # type: ignore[arg-type]
            for h in row.history
        ]
        if with_history
        else [],
    )


# ----------------------------------------------------------------------------------------------
# Store functions (keyword-only, caller owns the transaction)
# ----------------------------------------------------------------------------------------------


def embed_idea_texts(embedder: Any, texts: Sequence[str]) -> list[np.ndarray]:
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
        if rid == exclude_id or not code:
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
                view = _view(existing, tz)
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
    return _view(row, tz)


def _find_row(session: Session, code: str) -> IdeaRow | None:
    norm = parse_code(code) or code.strip().upper()
    return session.execute(select(IdeaRow).where(IdeaRow.code == norm)).scalar_one_or_none()


def get_idea(*, session: Session, code: str, tz: ZoneInfo) -> IdeaView | None:
    row = _find_row(session, code)
    return _view(row, tz) if row else None


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
    return [_view(r, tz) for r in session.execute(q).scalars()]


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
        return _view(row, tz)
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
    return _view(row, tz)


# ----------------------------------------------------------------------------------------------
# Import (CSV / XLSX)
# ----------------------------------------------------------------------------------------------

_COLUMNS = {
    "don vi": "unit",
    "tieu de": "title",
    "mo ta": "description",
    "linh vuc": "field",
    "nguoi gui": "submitter",
    "lien he": "contact",
    "ngay gui": "date",
}


@dataclass(slots=True)
class ImportResult:
    imported: list[str] = field(default_factory=list)  # codes
    skipped: list[tuple[int, str]] = field(default_factory=list)  # already imported (row, code)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, Vietnamese message)


def _parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise IdeaInputError(f"bad date {text!r}", user_message=f"Ngày gửi “{text[:30]}” không đúng (dd/mm/yyyy).")


def read_import_file(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """Rows of a CSV (UTF-8) or XLSX file as (spreadsheet row number, {column: value})."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            raw = list(csv.reader(f))
    elif suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        raw = [list(r) for r in wb.active.iter_rows(values_only=True)]
        wb.close()
    else:
        raise IdeaInputError(f"unsupported import file {path.name}", user_message="Chỉ nhập được tệp .csv hoặc .xlsx.")
    if not raw:
        return []
    header = [_COLUMNS.get(_key(str(h or ""))) for h in raw[0]]
    if "title" not in header or "unit" not in header:
        raise IdeaInputError(
            "import file lacks columns",
            user_message="Tệp cần có các cột: đơn vị, tiêu đề, mô tả, lĩnh vực, người gửi, liên hệ, ngày gửi.",
        )
    out = []
    for i, r in enumerate(raw[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in r):
            continue
        out.append((i, {k: v for k, v in zip(header, r, strict=False) if k}))
    return out


def import_hash(unit_id: str, title: str, description: str, date: dt.date | None) -> str:
    key = "\x1f".join([unit_id, _key(title), _key(description), date.isoformat() if date else ""])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


# ----------------------------------------------------------------------------------------------
# Service: the store with the context's database, embedder, catalogue and settings
# ----------------------------------------------------------------------------------------------


class IdeaService:
    """What the CLI and the chat flow call; each method is one transaction."""

    def __init__(self, ctx: Context, *, clock: Clock | None = None) -> None:
        self.ctx = ctx
        self.settings = ctx.settings
        self.tz = ZoneInfo(ctx.settings.timezone)
        self._clock: Clock = clock or ctx.clock

    def now(self) -> dt.datetime:
        return local_now(self._clock, self.tz)

    @property
    def catalogue(self) -> UnitCatalogue:
        return self.ctx.catalogue()

    def _vectors(self, texts: Sequence[str]) -> list[np.ndarray | None]:
        try:
            return list(embed_idea_texts(self.ctx.embedder(), texts))
        except Exception:  # duplicates are advisory: never lose a submission to the model
            logger.exception("idea embedding failed; stored without duplicate check")
            return [None] * len(texts)

    def submit(self, draft: IdeaDraft, *, now: dt.datetime | None = None) -> IdeaView:
        now = now or self.now()
        clean = validate_draft(draft, catalogue=self.catalogue, max_description=self.settings.ideas_max_description)
        (vec,) = self._vectors([idea_text(clean.title, clean.description)])
        for attempt in range(2):
            try:
                with self.ctx.db.transaction() as session:
                    return submit_idea(
                        session=session,
                        draft=draft,
                        catalogue=self.catalogue,
                        now=now,
                        vector=vec,
                        duplicate_threshold=self.settings.ideas_duplicate_threshold,
                        max_description=self.settings.ideas_max_description,
                        tz=self.tz,
                    )
            except IntegrityError:
                if attempt or not draft.client_token:
                    raise
                # the same client token raced in from another worker: return the stored one
        raise AssertionError("unreachable")

    def get(self, code: str) -> IdeaView | None:
        with self.ctx.db.session() as session:
            return get_idea(session=session, code=code, tz=self.tz)

    def list(self, **filters: Any) -> list[IdeaView]:
        with self.ctx.db.session() as session:
            return list_ideas(session=session, tz=self.tz, **filters)

    def set_status(
        self,
        code: str,
        new_status: str,
        *,
        by: str,
        note: str | None = None,
        force: bool = False,
        now: dt.datetime | None = None,
    ) -> IdeaView:
        with self.ctx.db.transaction() as session:
            return set_status(
                session=session,
                code=code,
                new_status=new_status,
                by=by,
                now=now or self.now(),
                note=note,
                force=force,
                tz=self.tz,
            )

    def import_file(self, path: Path, *, by: str = "import") -> ImportResult:
        """Import good rows, report bad ones with their row numbers; re-import skips known rows."""
        return self.import_rows(read_import_file(Path(path)), by=by, source_name=Path(path).name)

    def import_rows(
        self, rows: list[tuple[int, dict[str, Any]]], *, by: str = "import", source_name: str = ""
    ) -> ImportResult:
        result = ImportResult()
        good: list[tuple[int, IdeaDraft, str, CleanIdea]] = []
        for rowno, r in rows:
            try:
                date = _parse_date(r.get("date"))
                created = dt.datetime.combine(date, dt.time(8, 0), tzinfo=self.tz) if date else None
                draft = IdeaDraft(
                    title=str(r.get("title") or ""),
                    description=str(r.get("description") or ""),
                    unit=str(r.get("unit") or ""),
                    field=str(r["field"]) if r.get("field") else None,
                    submitter_name=str(r["submitter"]) if r.get("submitter") else None,
                    contact=str(r["contact"]) if r.get("contact") else None,
                    channel="import",
                    user_id=None,
                    source="import",
                    created_at=created,
                )
                clean = validate_draft(
                    draft, catalogue=self.catalogue, max_description=self.settings.ideas_max_description
                )
                good.append((rowno, draft, import_hash(clean.unit_id, clean.title, clean.description, date), clean))
            except IdeaInputError as e:
                result.errors.append((rowno, e.user_message))
        vectors = self._vectors([idea_text(c.title, c.description) for _, _, _, c in good])
        with self.ctx.db.transaction() as session:
            for (rowno, draft, h, _clean_row), vec in zip(good, vectors, strict=False):
                view = submit_idea(
                    session=session,
                    draft=draft,
                    catalogue=self.catalogue,
                    now=self.now(),
                    vector=vec,
                    duplicate_threshold=self.settings.ideas_duplicate_threshold,
                    max_description=self.settings.ideas_max_description,
                    content_hash=h,
                    tz=self.tz,
                )
                (result.imported.append(view.code) if view.created else result.skipped.append((rowno, view.code)))
        logger.info(
            "imported %d ideas from %s (%d known, %d bad rows)",
            len(result.imported),
            source_name,
            len(result.skipped),
            len(result.errors),
        )
        return result
