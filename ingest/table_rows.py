"""Task tables as text: one line per row, each cell labelled with its column's header.

Plans, decisions and conclusion notices often carry their assignments as a table, usually in an
appendix ("PHỤ LỤC … NHIỆM VỤ TRỌNG TÂM"): "TT | Nội dung nhiệm vụ | Cơ quan chủ trì | Đơn vị
phối hợp | Thời gian hoàn thành | Sản phẩm | Ghi chú". Read one cell per line, such a row loses
its meaning (which line is the lead unit, which the deadline?). The loaders recognise a *task
table* by its header — a duty column and a lead ("chủ trì" / "đơn vị thực hiện") column — and
write each of its rows as one line::

    3. Rà soát quy hoạch … | Cơ quan chủ trì: Sở Xây dựng | Đơn vị phối hợp: … | Thời gian hoàn thành: Quý II/2026

the row's own number, its duty, then every other non-empty cell as "<header>: <value>", joined
by " | ". The line is self-contained: the chunker keeps it as one passage (cited "Phụ lục > 3"),
a reader sees which unit leads and by when, and :mod:`ingest.task_tables` turns it back into
fields to build the row's task. Rows that only group others ("I. Nhiệm vụ chung" across the
row, or "1" above "1.1", "1.2") become heading lines; the header row and a row of column numbers
("(1) (2) (3)") are dropped. Any other table (the header block, signatures, statistics) is not a
task table and keeps the loaders' cell-per-line rendering.

The format is plain text on purpose: it survives the cleaner, is stored in the passages, and the
task extractor reads it back from stored passages when it re-runs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from troly.text import collapse_ws, fold

__all__ = [
    "ColumnKind",
    "TableRow",
    "carries_over",
    "column_kind",
    "header_end",
    "is_row",
    "parse_row",
    "render_table",
]

ColumnKind = Literal["number", "duty", "lead", "cooperate", "due", "other"]

#: Cell separator inside a row line; "|" inside a cell is written "/".
SEPARATOR = " | "
_HEADER_ROWS = 4  # the header is one of the table's first rows (a title row may come first)
_LABEL_MAX = 80
_SUBHEADER_CELL_MAX = 40

# Header words, accent-free. Checked in this order: "Đơn vị phối hợp thực hiện" cooperates,
# "Sản phẩm hoàn thành" is a product, "Cơ quan chủ trì thực hiện" leads.
_COOPERATE = re.compile(r"\bphoi hop\b")
_OTHER = re.compile(
    r"\b(?:san pham|ket qua|hinh thuc|ghi chu|kinh phi|nguon von|lanh dao|tinh hinh|bat dau|khoi cong)\b"
)
_LEAD = re.compile(
    r"\bchu tri\b|\b(?:don vi|co quan|bo phan|so|nganh|dia phuong)\b.*\b(?:thuc hien|tham muu|chiu trach nhiem)\b"
    # a team's own task table names people: "Người thực hiện", "Cán bộ phụ trách", "Thành viên"
    r"|\b(?:nguoi|can bo|cong chuc|thanh vien)\b.*\b(?:thuc hien|phu trach|chiu trach nhiem)\b"
    r"|\btrach nhiem\b|\bdon vi\b$|\bco quan\b$"
)
_DUE = re.compile(r"\b(?:thoi gian|thoi han|hoan thanh|tien do|moc)\b")
_NUMBER = re.compile(r"^(?:s?tt|so tt|so thu tu|thu tu|so)$")
_DUTY = re.compile(r"\b(?:nhiem vu|noi dung|cong viec|de an|hoat dong|giai phap|chuong trinh|ten)\b")
# Report tables list tasks with how far they got: they record, they do not assign.
_STATUS = re.compile(r"\b(?:ket qua|tinh hinh) thuc hien\b|\bda thuc hien\b")

# A row's own number: "1", "1.2", "II", "a", "1." …
_NUMBER_CELL = re.compile(r"^\(?(?P<n>\d{1,2}(?:\.\d{1,2})*|[IVXLC]{1,6}|[A-ZĐ]|[a-zđ])\)?[.)]?$")
_COLUMN_NUMBER = re.compile(r"^\(?(?:\d{1,2}|[IVXLC]{1,5}|[A-Z])\)?(?:\s*=\s*.{0,12})?$")
# The marker a row line opens with.
_ROW_MARKER = re.compile(r"^(?P<m>\d{1,2}(?:\.\d{1,2})*\.|[IVXLC]{1,6}\.|[A-ZĐ]\.|[a-zđ]\))\s+")
_FIELD = re.compile(rf"^(?P<label>[^:|]{{2,{_LABEL_MAX}}}?):\s+(?P<value>\S.*)$")


def _key(header: str) -> str:
    return collapse_ws(re.sub(r"[^\w\s]", " ", fold(header)))


def column_kind(header: str) -> ColumnKind:
    """What a task table column holds, from its header's words ("Cơ quan chủ trì" -> "lead")."""
    key = _key(header)
    if not key:
        return "other"
    if _NUMBER.match(key):
        return "number"
    if _COOPERATE.search(key):
        return "cooperate"
    if _OTHER.search(key):
        return "other"
    if _LEAD.search(key):
        return "lead"
    if _DUE.search(key):
        return "due"
    if _DUTY.search(key):
        return "duty"
    return "other"


def _label(header: str) -> str:
    """A header as a field label: one line, no column number ("(3)"), no ":" or "|"."""
    text = collapse_ws(header.replace("|", "/"))
    text = re.sub(r"\s*\(\d{1,2}\)$", "", text).strip(" :")
    return text.replace(":", " -")


def _cell(text: str | None) -> str:
    return collapse_ws((text or "").replace("|", "/"))


def _names_cell(text: str | None) -> str:
    """A "chủ trì" / "phối hợp" / "người thực hiện" cell: each of its paragraphs names one party
    ("Đỗ Mạnh Cường" above "Vũ Việt Linh"), so its line breaks separate names like ";"."""
    parts = [_cell(part).strip(" ;,") for part in (text or "").split("\n")]
    return "; ".join(part for part in parts if part)


@dataclass(frozen=True, slots=True)
class _Columns:
    labels: list[str]
    kinds: list[ColumnKind]

    def first(self, kind: ColumnKind) -> int | None:
        return next((i for i, k in enumerate(self.kinds) if k == kind), None)


def _columns(header: Sequence[str | None]) -> _Columns | None:
    """The columns of a task table, or None when ``header`` is not a task table's header."""
    labels: list[str] = []
    for cell in header:
        # a header cell spanning several columns ("Thời gian" over "Bắt đầu | Hoàn thành") names them all
        labels.append(_label(cell) if cell is not None else (labels[-1] if labels else ""))
    kinds = [column_kind(label) for label in labels]
    if "duty" not in kinds or "lead" not in kinds or any(_STATUS.search(_key(label)) for label in labels):
        return None
    duty = kinds.index("duty")
    kinds = [("other" if k == "duty" and i != duty else k) for i, k in enumerate(kinds)]
    return _Columns(labels, kinds)


def _is_column_numbers(row: Sequence[str | None]) -> bool:
    cells = [_cell(c) for c in row if c]
    return bool(cells) and all(_COLUMN_NUMBER.match(c) for c in cells)


def _numbers_column(rows: Sequence[Sequence[str | None]], col: int) -> bool:
    """Whether column ``col`` holds row numbers: most of its filled cells are "1", "1.2", "II" …"""
    cells = [_cell(row[col]) for row in rows if col < len(row) and row[col]]
    return len(cells) >= 2 and sum(bool(_NUMBER_CELL.match(c)) for c in cells) >= 0.6 * len(cells)


def _marker(number: str) -> str:
    m = _NUMBER_CELL.match(number)
    if m is None:
        return ""
    n = m.group("n")
    return f"{n})" if n.isalpha() and n.islower() else f"{n}."


def _group_row(row: list[str], columns: _Columns, number: str, next_number: str) -> bool:
    """A row that only heads the rows below it ("I. Nhiệm vụ chung", "1" over "1.1")."""
    filled = [i for i, text in enumerate(row) if text and columns.kinds[i] != "number"]
    if not filled:
        return False
    if any(columns.kinds[i] in ("lead", "cooperate", "due") for i in filled):
        return False
    text = " ".join(row[i] for i in filled)
    letters = [c for c in text if c.isalpha()]
    upper = bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    sub = bool(number) and next_number.startswith(number.rstrip(".") + ".")
    roman = bool(re.fullmatch(r"[IVXLC]{1,6}|[A-ZĐ]", number.rstrip(".")))
    return upper or sub or roman or (len(filled) == 1 and columns.kinds[filled[0]] != "duty")


def header_end(rows: Sequence[Sequence[str | None]]) -> int | None:
    """The index of the first row under a task table's header, or None when no row among the
    first few is one (a reader carries the header over to a table continued on the next page)."""
    for i, row in enumerate(rows[:_HEADER_ROWS]):
        if _columns(row) is not None:
            return i + 1
    return None


def carries_over(header: Sequence[Sequence[str | None]], last: Sequence[str | None], row: Sequence[str | None]) -> bool:
    """Whether ``row``, opening a page, is the rest of ``last``, the row the page before ended on.

    In a table that numbers its rows, a row without a number goes on the one above; without
    numbers, a row that names no lead or cooperating unit does.
    """
    columns = _columns(header[-1]) if header else None
    if columns is None:
        return False
    number_col = columns.first("number")
    if number_col is None and columns.kinds[0] != "duty":
        number_col = 0
    if number_col is not None and number_col < min(len(last), len(row)):
        numbered = bool(_NUMBER_CELL.match(_cell(last[number_col])))
        if numbered:
            return not _NUMBER_CELL.match(_cell(row[number_col]))
    return not any(
        any(ch.isalpha() for ch in _cell(row[i]))
        for i, k in enumerate(columns.kinds)
        if k in ("lead", "cooperate") and i < len(row)
    )


def render_table(rows: Sequence[Sequence[str | None]], *, continued: bool = False) -> list[str] | None:
    """The lines of a task table, or None when ``rows`` is not one (see the module docstring).

    Args:
        rows: the table's rows on its column grid. A cell is its text; ``None`` marks a grid
            position covered by the cell to its left (a horizontal merge). A loader repeats a
            vertically merged cell's text in every row it covers.

        continued: the rows go on a table begun on the page before (a scan's next page, given the
            first page's header): a first row without a number or a unit is the end of the last
            row there, written as plain words.

    Returns:
        One line per row ("<number> <duty> | <header>: <value> | …"), a heading line per row
        that groups others, or None for any other table.
    """
    width = max((len(r) for r in rows), default=0)
    grid = [list(r) + [""] * (width - len(r)) for r in rows]
    start = header_end(grid)
    if start is None:
        return None
    columns = _columns(grid[start - 1])
    if columns is None:
        return None
    duty = columns.first("duty")
    number_col = columns.first("number")
    if number_col is None and duty != 0 and _numbers_column(grid[start:], 0):
        number_col = 0  # an unlabelled (or misread) first column of row numbers
        columns.kinds[0] = "number"
    body: list[list[str]] = []
    for row in grid[start:]:
        if _is_column_numbers(row):
            continue
        cells = [_names_cell(c) if columns.kinds[i] in ("lead", "cooperate") else _cell(c) for i, c in enumerate(row)]
        numbered = number_col is not None and bool(cells[number_col])
        if (
            not body
            and duty is not None
            and not cells[duty]
            and not numbered
            and sum(bool(c) for c in cells) >= 2
            and all(len(c) <= _SUBHEADER_CELL_MAX for c in cells)
        ):
            # a second header row ("Bắt đầu | Hoàn thành" under "Thời gian")
            for i, c in enumerate(cells):
                if c and not any(ch.isdigit() for ch in c):
                    columns.labels[i] = f"{columns.labels[i]} - {c}" if columns.labels[i] else c
            continue
        if any(cells):
            body.append(cells)
    lines: list[str] = []
    ordinal = 0
    for k, cells in enumerate(body):
        number = _cell(cells[number_col]) if number_col is not None else ""
        following = body[k + 1][number_col] if number_col is not None and k + 1 < len(body) else ""
        marker = _marker(number)
        if (
            continued
            and k == 0
            and not number
            and not any(c for i, c in enumerate(cells) if columns.kinds[i] in ("lead", "cooperate"))
        ):
            # the end of the last row of the page before, carried over: its words, not a new row
            lines.append(" ".join(c for c in cells if c))
            continue
        if _group_row(cells, columns, number, following):
            text = " ".join(c for i, c in enumerate(cells) if c and columns.kinds[i] != "number")
            lines.append(f"{marker} {text}".strip())
            continue
        task = cells[duty] if duty is not None else ""
        if not task:
            if len(number.split()) >= 2:  # a group title written across the number column ("I. NHIỆM VỤ CHUNG")
                lines.append(number)
            continue
        ordinal += 1
        if number_col is None:
            marker = f"{ordinal}."
        fields = [
            f"{columns.labels[i]}: {c}"
            for i, c in enumerate(cells)
            if c and i not in (duty, number_col) and columns.labels[i] and c != task
        ]
        lines.append(SEPARATOR.join([f"{marker} {task}".strip(), *fields]))
    return lines


@dataclass(frozen=True, slots=True)
class TableRow:
    """One task table row read back from its line."""

    marker: str  # "3.", "1.2.", "a)" or ""
    duty: str
    fields: tuple[tuple[str, str], ...]  # (header, value) in column order

    def values(self, kind: ColumnKind) -> list[tuple[str, str]]:
        """The (header, value) fields of one column kind."""
        return [(label, value) for label, value in self.fields if column_kind(label) == kind]


def parse_row(line: str) -> TableRow | None:
    """A task table row line as its parts; None for any other line.

    A line is a row when every part after the first is "<header>: <value>" and at least one
    header names a lead, cooperating or time column.
    """
    if SEPARATOR not in line:
        return None
    first, *rest = line.split(SEPARATOR)
    fields: list[tuple[str, str]] = []
    for part in rest:
        m = _FIELD.match(part.strip())
        if m is None:
            return None
        fields.append((m.group("label").strip(), m.group("value").strip()))
    if not any(column_kind(label) in ("lead", "cooperate", "due") for label, _ in fields):
        return None
    head = first.strip()
    m = _ROW_MARKER.match(head)
    marker = m.group("m") if m else ""
    duty = head[m.end() :].strip() if m else head
    if not duty:
        return None
    return TableRow(marker, duty, tuple(fields))


def is_row(line: str) -> bool:
    """Whether ``line`` is a task table row written by :func:`render_table`."""
    return parse_row(line) is not None
