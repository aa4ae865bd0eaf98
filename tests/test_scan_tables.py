"""A task table printed and scanned reads like the same table in a DOCX.

The plan of ``tests/test_task_tables.py`` is drawn as a three-page scan (DejaVu Sans, 200 dpi):
the body on page 1, the appendix's ruled task table on page 2 with its header, and the rest of
the table on page 3 without one, as a printed table runs on. Checked: the grid the ruling gives
(merged group rows and a lead cell spanning two rows), the row lines the OCR reader writes, the
header carried over to page 3, and the tasks extracted from them (units, roles, deadlines,
recurrence) against the DOCX test's expectations. Tesseract reads the real images.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PIL import Image

from ingest.clean import clean_text
from ingest.loaders import load
from ingest.loaders._grid import find_grids
from ingest.loaders._scan_pages import ScanReader
from ingest.table_rows import parse_row
from tests.docfactory import ABOVE, make_scanned_pages, render_page_image, render_ruled_table
from tests.test_task_tables import LEFT, PLAN, RIGHT, TABLE, _read, _units
from troly.config import Settings
from troly.units import UnitCatalogue

WIDTHS = (0.07, 0.33, 0.19, 0.19, 0.12, 0.10)


def _drawn(row: tuple[str, ...]) -> tuple[str | None, ...]:
    """A row of the DOCX test's table as printed: a group row spans the table, and row 4's empty lead
    cell is the cell above it, merged down."""
    number, duty, *rest = row
    if not any(rest) and duty.isupper():
        return (number, duty, *[None] * len(rest))
    if not rest[0]:
        return (number, duty, ABOVE, *rest[1:])
    return row


HEADER, _column_numbers, *BODY = TABLE
PAGE_2 = (HEADER, *map(_drawn, BODY[:3]))  # the header, "I", rows 1 and 2
PAGE_3 = tuple(map(_drawn, BODY[3:]))  # "II", rows 3 to 6, no header: the table runs on


def _stack(*images: Image.Image) -> Image.Image:
    page = Image.new("L", (max(i.width for i in images), sum(i.height for i in images)), color=255)
    y = 0
    for image in images:
        page.paste(image, (0, y))
        y += image.height
    return page


def _scanned_plan(path: Path) -> Path:
    body, appendix = PLAN[: PLAN.index("PHỤ LỤC")], PLAN[PLAN.index("PHỤ LỤC") :]
    page_1 = render_page_image(
        [*zip(LEFT, RIGHT, strict=True), *[(line,) if line.isupper() else line for line in body]]
    )
    page_2 = _stack(render_page_image([(line,) for line in appendix]), render_ruled_table(PAGE_2, WIDTHS))
    page_3 = _stack(render_page_image([("2",)]), render_ruled_table(PAGE_3, WIDTHS, gray=150))
    return make_scanned_pages(path, [page_1, page_2, page_3])


@pytest.fixture(scope="module")
def cat() -> UnitCatalogue:
    return UnitCatalogue.load()


def test_the_ruling_gives_the_grid_with_merged_cells() -> None:
    grids, ruling = find_grids(render_ruled_table(PAGE_3, WIDTHS, gray=150))
    assert len(grids) == 1 and ruling.any()
    grid = grids[0]
    assert (grid.n_rows, grid.n_cols) == (5, 6)
    spans = {(c.row, c.col): (c.last_row, c.last_col) for c in grid.cells}
    assert spans[(0, 1)] == (0, 5)  # "NHIỆM VỤ CỤ THỂ" across the table
    assert spans[(1, 2)] == (2, 2)  # Sở Tư pháp leads rows 3 and 4
    assert spans[(3, 2)] == (3, 2)


def test_a_page_without_ruling_has_no_grid() -> None:
    assert find_grids(render_page_image([*zip(LEFT, RIGHT, strict=True), *PLAN[:6]]))[0] == []


@pytest.mark.slow
@pytest.mark.ocr
def test_a_scanned_task_table_is_read_as_row_lines_across_its_pages(tmp_path: Path, cat: UnitCatalogue) -> None:
    path = _scanned_plan(tmp_path / "kh-88-scan.pdf")
    text, _meta, _chunks, tasks = _read(path, cat)
    rows = [row for row in map(parse_row, text.splitlines()) if row is not None]
    assert [row.marker for row in rows] == ["1.", "2.", "3.", "4.", "5.", "6."]
    third = rows[2]  # page 3: the header came from page 2
    assert dict(third.fields)["Thời gian hoàn thành"] == "Trước 01/01/2027"
    assert dict(rows[3].fields)["Cơ quan chủ trì"] == "Sở Tư pháp"  # the merged lead cell, in both rows

    by_text = {t.text: t for t in tasks}
    t1 = by_text["Xây dựng kho dữ liệu số dùng chung của tỉnh"]
    assert _units(t1) == [("so-khcn", "lead"), ("cong-an-tinh", "cooperate")]
    assert (t1.due.end, t1.due.precision) == (dt.date(2026, 6, 30), "quarter")
    t2 = by_text["Tổ chức tập huấn kỹ năng số cho cán bộ cấp xã"]
    assert _units(t2) == [("so-noi-vu", "lead"), ("g-xa-phuong", "cooperate")]
    t3 = by_text["Số hóa hồ sơ hộ tịch còn lại của các xã"]
    assert _units(t3) == [("so-tu-phap", "lead")]
    assert (t3.due.end, t3.due.precision) == (dt.date(2027, 1, 1), "day")
    t4 = by_text["Rà soát quy trình nội bộ giải quyết thủ tục hành chính"]
    assert _units(t4) == [("so-tu-phap", "lead"), ("trung-tam-pvhcc", "cooperate")]
    assert t4.due is None and t4.recurrence is not None and t4.recurrence.period == "year"
    t5 = by_text["Kiểm tra an toàn thông tin các hệ thống dùng chung"]
    assert _units(t5) == [("cong-an-tinh", "lead"), ("so-khcn", "cooperate")]
    t6 = by_text["Đánh giá mức độ chuyển đổi số cấp xã"]
    assert [(a.name, a.role) for a in t6.assignees] == [("Trung tâm Điều phối Kinh tế số tỉnh", "lead")]


@pytest.mark.ocr
def test_a_table_after_a_page_break_in_reading_is_not_a_continuation() -> None:
    reader = ScanReader(languages="vie")
    first = reader.read(render_ruled_table(PAGE_2, WIDTHS), dpi=200)
    # The table reaches the foot of the image: its last row waits for the next page …
    assert [row.marker for row in map(parse_row, first.splitlines()) if row] == ["1."]
    held = reader.close_table()  # … and a text page comes next: the row is written as it is
    assert [row.marker for row in map(parse_row, held.splitlines()) if row] == ["2."]
    again = reader.read(render_ruled_table(PAGE_3, WIDTHS), dpi=200)
    assert not any(parse_row(line) for line in again.splitlines())  # no header carried over
    assert "Số hóa hồ sơ hộ tịch" in again  # the words are kept, read as the page
