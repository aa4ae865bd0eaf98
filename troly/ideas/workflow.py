"""The review workflow of an idea: statuses, allowed moves, fields, idea codes, and their spellings."""

from __future__ import annotations

import re

from troly.text import collapse_ws, fold, nfc

__all__ = [
    "CODE_RE",
    "DEPLOYED",
    "FIELDS",
    "INFEASIBLE",
    "INTRODUCED",
    "NEW",
    "PILOT",
    "SCREENED",
    "STATUSES",
    "TRANSITIONS",
    "WITHDRAWN",
    "format_code",
    "normalise_field",
    "normalise_status",
    "option_key",
    "parse_code",
]

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


def option_key(text: str) -> str:
    """How typed options compare: accent-free, lower case, "-" and "_" as spaces ("Đã-triển_khai" -> "da trien khai")."""
    return collapse_ws(fold(nfc(text)).replace("-", " ").replace("_", " ")).strip()


def normalise_status(text: str) -> str | None:
    """ "đã triển khai", "da-trien-khai", "deployed" -> "đã triển khai"; unknown -> None."""
    t = nfc(text).strip().lower()
    if t in STATUSES:
        return t
    return _STATUS_ALIASES.get(option_key(t))


def normalise_field(text: str) -> str | None:
    """A field name, its number in :data:`FIELDS` (1-based), or an accent-free spelling."""
    t = option_key(text)
    if not t:
        return None
    if t.isdigit() and 1 <= int(t) <= len(FIELDS):
        return FIELDS[int(t) - 1]
    keys = {option_key(f): f for f in FIELDS}
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


def format_code(year: int, row_id: int) -> str:
    return f"YT-{year}-{row_id:06d}"


def parse_code(text: str) -> str | None:
    """Find an idea id in free text ("yt-2026-123" -> "YT-2026-000123")."""
    m = CODE_RE.search(text or "")
    return format_code(int(m.group(1)), int(m.group(2))) if m else None
