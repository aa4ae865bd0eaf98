"""Importing ideas from a spreadsheet (CSV or XLSX): rows, their dates and a content hash for re-imports."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from troly.ideas.validation import IdeaInputError
from troly.ideas.workflow import option_key

__all__ = ["ImportResult", "import_hash", "parse_import_date", "read_import_file"]

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


def parse_import_date(value: Any) -> dt.date | None:
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
    header = [_COLUMNS.get(option_key(str(h or ""))) for h in raw[0]]
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
    key = "\x1f".join([unit_id, option_key(title), option_key(description), date.isoformat() if date else ""])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
