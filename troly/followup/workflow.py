"""The follow-up vocabulary: statuses per assignee, report categories, codes and their spellings."""

from __future__ import annotations

import re

from troly.text import collapse_ws, fold

__all__ = [
    "CANCELLED",
    "CATEGORIES",
    "CAT_DONE_LATE",
    "CAT_DONE_ON_TIME",
    "CAT_FAILED",
    "CAT_IN_PROGRESS",
    "CAT_OVERDUE",
    "CAT_RECURRING",
    "CODE_RE",
    "DONE",
    "FAILED",
    "IN_PROGRESS",
    "NOT_STARTED",
    "REPORTABLE",
    "STATUSES",
    "find_evidence",
    "format_code",
    "normalise_status",
    "parse_code",
]

NOT_STARTED = "chưa thực hiện"
IN_PROGRESS = "đang thực hiện"
DONE = "hoàn thành"
FAILED = "không thực hiện được"
CANCELLED = "đã thay thế/huỷ"  # set only by re-ingest (the task left its document), never by a user
STATUSES: tuple[str, ...] = (NOT_STARTED, IN_PROGRESS, DONE, FAILED, CANCELLED)
#: What a unit (or an admin for it) may report.
REPORTABLE: tuple[str, ...] = (IN_PROGRESS, DONE, FAILED)

# The categories of the province's progress reports ("hoàn thành 132/239 nhiệm vụ (còn 72 nhiệm vụ
# thực hiện thường xuyên và 35 nhiệm vụ trong hạn)"), plus "không thực hiện được" when reported.
CAT_DONE_ON_TIME = "hoàn thành đúng hạn"
CAT_DONE_LATE = "hoàn thành quá hạn"
CAT_IN_PROGRESS = "đang thực hiện trong hạn"
CAT_OVERDUE = "quá hạn chưa hoàn thành"
CAT_RECURRING = "thường xuyên"
CAT_FAILED = "không thực hiện được"
CATEGORIES: tuple[str, ...] = (CAT_DONE_ON_TIME, CAT_DONE_LATE, CAT_IN_PROGRESS, CAT_OVERDUE, CAT_RECURRING, CAT_FAILED)

_STATUS_ALIASES = {
    "chua thuc hien": NOT_STARTED,
    "chua": NOT_STARTED,
    "dang thuc hien": IN_PROGRESS,
    "dang trien khai": IN_PROGRESS,
    "dang lam": IN_PROGRESS,
    "in progress": IN_PROGRESS,
    "hoan thanh": DONE,
    "da hoan thanh": DONE,
    "xong": DONE,
    "da xong": DONE,
    "done": DONE,
    "khong thuc hien duoc": FAILED,
    "khong the thuc hien": FAILED,
    "failed": FAILED,
}

#: "NV-2026-000123"; chat users may type "nv-123" or "NV 2026 123".
CODE_RE = re.compile(r"\bNV[-\s]?(?:(\d{4})[-\s]?)?(\d{1,6})\b", re.IGNORECASE)


def format_code(year: int, row_id: int) -> str:
    """The public code of an assignment: ``NV-<year>-<6-digit row id>`` (unique: the id is)."""
    return f"NV-{year:04d}-{row_id:06d}"


def parse_code(text: str) -> tuple[int | None, int] | None:
    """(year or None, row id) of the first assignment code in ``text``, else None."""
    m = CODE_RE.search(text or "")
    if not m:
        return None
    return (int(m.group(1)) if m.group(1) else None, int(m.group(2)))


def normalise_status(text: str) -> str | None:
    """A status from any spelling ("hoan thanh", "Đã hoàn thành"), else None."""
    key = collapse_ws(fold(text or "")).strip(" .!")
    if key in _STATUS_ALIASES:
        return _STATUS_ALIASES[key]
    for status in STATUSES:
        if fold(status) == key:
            return status
    return None


# A document number as cited in a progress report: "Kế hoạch 45/KH-UBND", "Quyết định số 12/2026/QĐ-UBND".
_EVIDENCE_RE = re.compile(
    r"((?:(?:kế hoạch|quyết định|công văn|báo cáo|thông báo|chỉ thị|nghị quyết|tờ trình|văn bản|hướng dẫn)\s+)?"
    r"(?:số\s+)?\d{1,5}(?:/\d{4})?/[A-ZĐ][A-ZĐa-zđ0-9&.\-]*)",
    re.IGNORECASE,
)


def find_evidence(text: str) -> str | None:
    """The document numbers a progress note cites ("đã ban hành Kế hoạch 45/KH-UBND" → "Kế hoạch 45/KH-UBND")."""
    found = [collapse_ws(m.group(1)) for m in _EVIDENCE_RE.finditer(text or "")]
    return "; ".join(dict.fromkeys(found)) or None
