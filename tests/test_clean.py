"""clean_text: paragraphs restored from PDF/Markdown/DOCX extraction artifacts."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ingest.clean import clean_text

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
NOTICE_2024 = CORPUS / "2024-09-19_thong-bao-ket-luan_ban-chi-dao-cchc-cds-phien-2.txt"
NOTICE_2025 = CORPUS / "2025-07-05_thong-bao-ket-luan_so-khcn-6-thang.md"
NEWS_2026 = CORPUS / "2026-03-03_tin-bao-gia-lai_phien-hop-ban-chi-dao.txt"
NOTICE_2026 = CORPUS / "2026-03_thong-bao-ket-luan_ban-chi-dao-phien-1-2026.md"
REPORT_2026 = CORPUS / "2026-05_bao-cao-so-ket-nq57-de-an-06_van-phong-ubnd.md"
ALL_SAMPLES = [NOTICE_2024, NOTICE_2025, NEWS_2026, NOTICE_2026, REPORT_2026]


def _clean(path: Path) -> str:
    return clean_text(path.read_text(encoding="utf-8"))


def _line_with(text: str, needle: str) -> str:
    lines = [line for line in text.split("\n") if needle in line]
    assert len(lines) == 1, (needle, lines)
    return lines[0]


# --- the 2024 PDF text: a blank line after every wrapped line, stray leading spaces ----------


def test_pdf_wrapped_lines_are_joined_into_paragraphs() -> None:
    text = _clean(NOTICE_2024)
    # "Chủ tịch Ủy \n\nban nhân dân tỉnh Phạm Anh Tuấn" was broken across printed lines.
    assert "Chủ tịch Ủy ban nhân dân tỉnh Phạm Anh Tuấn" in text
    first = text.split("\n")[0]
    assert first.startswith("Ngày 19 tháng 9 năm 2024, tại trụ sở")
    assert first.endswith(
        "Tham dự tại điểm cầu Ủy ban nhân dân tỉnh có: Phó Chủ tịch Ủy ban nhân dân tỉnh Lâm Hải Giang, "
        "Phó Trưởng ban Thường trực Ban Chỉ đạo và các thành viên Ban Chỉ đạo; đại diện Lãnh đạo các cơ "
        "quan, đơn vị: Ngân hàng Nhà nước – Chi nhánh tỉnh, Cục Thuế tỉnh, Bảo hiểm xã hội tỉnh, Bưu "
        "điện tỉnh, VNPT Bình Định; thành viên các Tổ giúp việc công tác Cải cách hành chính, Chuyển đổi "
        "số và Đề án 06 tỉnh."
    )
    assert "phát triển kinh tế - xã hội của địa phương" in text
    assert "\n\n" not in text and "  " not in text


def test_pdf_outline_items_keep_their_own_lines() -> None:
    text = _clean(NOTICE_2024)
    lines = text.split("\n")
    assert "1. Thủ trưởng các cơ quan, đơn vị, địa phương trên địa bàn tỉnh:" in lines
    assert "2. Giao Sở Nội vụ:" in lines
    assert "6. Giao Sở Tư pháp:" in lines
    # A stray space before the dash (" - Khẩn trương") does not glue the bullet to the line above.
    assert _line_with(text, "Khẩn trương rà soát, đẩy nhanh").startswith("- Khẩn trương rà soát")
    assert _line_with(text, "Tiếp tục theo dõi, đôn đốc các địa phương").startswith("- Tiếp tục theo dõi")
    # Every body paragraph of the notice ends a sentence or leads in to a list.
    body = lines[: lines.index("Nơi nhận:")]
    assert all(line.endswith((".", ":", "…")) for line in body), [b for b in body if not b.endswith((".", ":"))]


def test_pdf_footnote_moves_to_the_end_and_its_mark_goes() -> None:
    text = _clean(NOTICE_2024)
    # "…trong năm 20241;" carried the footnote mark 1 glued to the year.
    assert "giao tại các kế hoạch trong năm 2024; tập trung cải thiện" in text
    assert "20241" not in text
    # The footnote cut between "khen thưởng đối với" and "những cơ quan" is out of the flow.
    assert "khen thưởng đối với những cơ quan, đơn vị, địa phương" in text
    lines = text.split("\n")
    assert lines[-2] == "Ghi chú:"
    assert lines[-1].startswith("[1] Quyết định số 4935/QĐ-UBND ngày 29/12/2023 của UBND tỉnh")
    assert lines[-1].endswith("Kế hoạch thực hiện Đề án 06 trên địa bàn tỉnh năm 2024.")


def test_signature_and_recipients_stay_line_by_line() -> None:
    lines = _clean(NOTICE_2024).split("\n")
    assert lines[lines.index("Nơi nhận:") + 1] == "- Vụ Cải cách hành chính (b/c);"
    tail = lines[lines.index("TL. CHỦ TỊCH") :]
    assert tail[:3] == ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Lê Ngọc An"]


# --- Markdown exports ------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.name[:20])
def test_no_markup_or_empty_lines_remain(path: Path) -> None:
    text = _clean(path)
    assert "**" not in text and "^(" not in text and "¹" not in text
    assert not any(line.startswith("#") for line in text.split("\n"))
    assert not any(line.endswith((".jpg", ".png")) for line in text.split("\n"))
    assert all(line == line.strip() and line for line in text.split("\n"))
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.name[:20])
def test_cleaning_is_idempotent(path: Path) -> None:
    once = _clean(path)
    assert clean_text(once) == once


def test_markdown_headings_and_bold_become_plain_lines() -> None:
    lines = _clean(NOTICE_2026).split("\n")
    assert lines[0] == "THÔNG BÁO"
    assert lines[1] == (
        "Ý kiến kết luận của Chủ tịch UBND tỉnh Phạm Anh Tuấn, Trưởng ban Ban Chỉ đạo về phát triển khoa học, "
        "công nghệ, đổi mới sáng tạo, cải cách hành chính, chuyển đổi số và Đề án 06 của tỉnh tại Phiên họp thứ "
        "nhất năm 2026"
    )
    assert "2. Một số nhiệm vụ, giải pháp trên các lĩnh vực trọng tâm" in lines
    assert "d) Về phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và Đề án 06" in lines
    assert "- Về phát động phong trào đổi mới sáng tạo tại cơ sở:" in lines
    assert any(line.startswith("+ Tỉnh đoàn chịu trách nhiệm") for line in lines)
    assert "“quản lý dựa trên mệnh lệnh hành chính”" in "\n".join(lines)  # *italic* markers dropped
    assert "Munt" in lines  # stamp noise is left for the signature parser, on its own line


def test_markdown_paragraph_split_by_a_page_break_is_rejoined() -> None:
    text = _clean(NOTICE_2025)
    assert "Cần đề cao năng lực, đạo đức công vụ, văn hóa “nói đi đôi với làm”" in text
    assert "có ít nhất 03 sáng chế, giải pháp hữu ích trên địa bàn tỉnh" in text
    lines = text.split("\n")
    assert lines[:2] == [
        "THÔNG BÁO",
        "Ý kiến kết luận của đồng chí Phạm Anh Tuấn, Chủ tịch UBND tỉnh tại cuộc họp chỉ đạo về tình hình thực "
        "hiện nhiệm vụ công tác 6 tháng đầu năm và phương hướng, nhiệm vụ 6 tháng cuối năm 2025 của Sở Khoa học "
        "và Công nghệ",
    ]
    assert lines[-5:] == ["TL", "VĂN PHÒNG", "TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG", "Nguyễn Xuân Vĩnh"]


def test_markdown_footnote_in_the_middle_of_a_sentence() -> None:
    text = _clean(REPORT_2026)
    assert (
        "Văn phòng Ủy ban nhân dân tỉnh ban hành Quyết định 35/QĐ-VPUBND ngày 13 tháng 02 năm 2026 thành lập "
        "Tổ Kiểm tra" in text
    )
    assert "ban hành văn bản chỉ đạo triển khai thực hiện và phê duyệt Danh mục" in text  # "¹" removed
    assert "- Lưu: VT, V9, PVHCC." in text.split("\n")  # "^(CĐS)" removed
    assert text.split("\n")[-2:] == [
        "Ghi chú:",
        "[1] Công văn số 8294/UBND-PVHCC ngày 22/12/2025 về việc triển khai thực hiện Kiến trúc Hệ thống thông "
        "tin giải quyết thủ tục hành chính cấp bộ, cấp tỉnh.",
    ]
    lines = text.split("\n")
    assert lines[:4] == [
        "Số: /BC-VPUBND",
        "Gia Lai, ngày tháng năm 2026",
        "BÁO CÁO",
        "sơ kết, đánh giá tình hình thực hiện Nghị quyết số 57-NQ/TW và Đề án 06",
    ]


def test_news_article_drops_image_lines_keeps_captions() -> None:
    lines = _clean(NEWS_2026).split("\n")
    assert lines[0] == "NGỌC LUẬN"
    assert lines[1].startswith("(GLO)- Chiều 3-3, Ban Chỉ đạo của UBND tỉnh Gia Lai")
    assert "Quang cảnh phiên họp. Ảnh: Nhật Trường" in lines
    assert not any("gia-lai-xac-dinh" in line for line in lines)


# --- synthetic extractions ---------------------------------------------------------------------

DOCX_HEADER = (
    "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 174/TB-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n---------------\nGia Lai, ngày 05 tháng 7 năm 2025\nTHÔNG BÁO\n"
    "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về tình hình thực hiện nhiệm vụ của\n"
    "Sở Khoa học và Công nghệ\n"
    "Chiều ngày 05/7/2025, tại Trụ sở UBND tỉnh, đồng chí Chủ tịch UBND tỉnh chủ trì cuộc họp.\n"
)


def test_docx_header_lines_stay_apart() -> None:
    lines = clean_text(DOCX_HEADER).split("\n")
    assert lines == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH GIA LAI",
        "Số: 174/TB-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Gia Lai, ngày 05 tháng 7 năm 2025",
        "THÔNG BÁO",
        "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về tình hình thực hiện nhiệm vụ của Sở Khoa học và Công nghệ",
        "Chiều ngày 05/7/2025, tại Trụ sở UBND tỉnh, đồng chí Chủ tịch UBND tỉnh chủ trì cuộc họp.",
    ]


PDF_PAGES = (
    "1. Giao Sở Nội vụ tiếp tục tăng cường công tác kiểm tra công vụ, nhất là việc giải quyết thủ tục hành\n"
    "chính của các cơ quan, đơn vị trên địa bàn tỉnh trong năm 20241; đồng thời báo cáo kết quả về Ủy ban\n"
    "nhân dân tỉnh trước\n"
    "Thông báo kết luận phiên họp thứ hai\n"
    "______\n"
    "1 Kế hoạch số 33/KH-UBND ngày 23/02/2024 của Ủy ban nhân dân tỉnh về chuyển đổi số.\n"
    "\n\f\n"
    "- 2 -\n"
    "Thông báo kết luận phiên họp thứ hai\n"
    "ngày 30 tháng 11 năm 2024.\n"
    "2. Giao Sở Thông tin và Truyền thông chủ trì, phối hợp với các cơ quan liên quan xây dựng Đề án chuyển\n"
    "đổi số của tỉnh; thời gian hoàn thành trong tháng 11 năm 2024².\n"
    "² Theo Chỉ thị số 34/CT-TTg ngày 16/9/2024.\n"
    "\n\f\n"
    "Trang 3/3\n"
    "Thông báo kết luận phiên họp thứ hai\n"
    "• Phối hợp với Sở Tài chính bố trí kinh phí thực hiện Inter-\n"
    "net vạn vật trong năm 2025.\n"
)


def test_pdf_pages_lose_page_numbers_running_headers_and_footnotes() -> None:
    assert clean_text(PDF_PAGES).split("\n") == [
        "1. Giao Sở Nội vụ tiếp tục tăng cường công tác kiểm tra công vụ, nhất là việc giải quyết thủ tục hành "
        "chính của các cơ quan, đơn vị trên địa bàn tỉnh trong năm 2024; đồng thời báo cáo kết quả về Ủy ban "
        "nhân dân tỉnh trước ngày 30 tháng 11 năm 2024.",
        "2. Giao Sở Thông tin và Truyền thông chủ trì, phối hợp với các cơ quan liên quan xây dựng Đề án chuyển "
        "đổi số của tỉnh; thời gian hoàn thành trong tháng 11 năm 2024.",
        "- Phối hợp với Sở Tài chính bố trí kinh phí thực hiện Internet vạn vật trong năm 2025.",
        "Ghi chú:",
        "[1] Kế hoạch số 33/KH-UBND ngày 23/02/2024 của Ủy ban nhân dân tỉnh về chuyển đổi số.",
        "[2] Theo Chỉ thị số 34/CT-TTg ngày 16/9/2024.",
    ]


def test_characters_spaces_and_bullets_are_normalised() -> None:
    nfd = unicodedata.normalize("NFD", "Tổ chức triển khai thực hiện.")
    raw = f"{nfd}\n–\u00a0Sở Y tế\u200b chủ trì;\n● Sở Tài chính phối hợp;\n•Công an tỉnh\u00a0 hỗ trợ."
    assert clean_text(raw).split("\n") == [
        "Tổ chức triển khai thực hiện.",
        "- Sở Y tế chủ trì;",
        "- Sở Tài chính phối hợp;",
        "- Công an tỉnh hỗ trợ.",
    ]


def test_dash_inside_text_is_kept() -> None:
    text = clean_text("Chủ tịch UBND tỉnh – Trưởng ban Ban Chỉ đạo yêu cầu:\n1. Tăng cường phối hợp.")
    assert text.split("\n")[0] == "Chủ tịch UBND tỉnh – Trưởng ban Ban Chỉ đạo yêu cầu:"


def test_legal_outline_lines_are_not_joined() -> None:
    raw = (
        "Chương I\nNHỮNG QUY ĐỊNH CHUNG\nĐiều 5. Các hành vi bị nghiêm cấm\n"
        "1. Các hành vi sau đây trong quản lý dự án:\n"
        "a) Lợi dụng chức vụ, quyền hạn để chiếm đoạt vốn đầu tư công;\n"
        "b) Cố ý báo cáo, cung cấp thông tin không đúng sự thật về tình hình thực hiện\n"
        "dự án.\n"
        "2. Thông đồng giữa các bên tham gia dự án gây thiệt hại về vốn của Nhà nước.\n"
    )
    assert clean_text(raw).split("\n") == [
        "Chương I",
        "NHỮNG QUY ĐỊNH CHUNG",
        "Điều 5. Các hành vi bị nghiêm cấm",
        "1. Các hành vi sau đây trong quản lý dự án:",
        "a) Lợi dụng chức vụ, quyền hạn để chiếm đoạt vốn đầu tư công;",
        "b) Cố ý báo cáo, cung cấp thông tin không đúng sự thật về tình hình thực hiện dự án.",
        "2. Thông đồng giữa các bên tham gia dự án gây thiệt hại về vốn của Nhà nước.",
    ]


def test_empty_input() -> None:
    assert clean_text("") == ""
    assert clean_text("\n\f\n  \n") == ""


JUSTIFIED = (
    "1. Kết quả thực hiện nhiệm vụ cải cách hành chính và chuyển đổi số năm\n"
    "2025 trên địa bàn tỉnh Gia Lai\n"
    "Trong năm 2025, các sở, ngành và địa phương đã triển khai đồng bộ các\n"
    "nhiệm vụ được giao, bảo đảm tiến độ và chất lượng theo kế hoạch đề ra.\n"
    "Việc cắt giảm thời gian giải quyết thủ tục hành chính được thực hiện\n"
    "quyết liệt, góp phần nâng cao mức độ hài lòng của người dân, doanh\n"
    "nghiệp.\n"
    "2. Nhiệm vụ trọng tâm năm 2026\n"
    "Các sở, ngành tiếp tục rà soát, đơn giản hóa thủ tục hành chính, tăng\n"
    "cường kết nối, chia sẻ dữ liệu giữa các hệ thống thông tin của tỉnh.\n"
    "UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.\n"
)


def test_justified_pdf_paragraphs_and_wrapped_headings() -> None:
    assert clean_text(JUSTIFIED).split("\n") == [
        # A wrapped heading: its short last line ends it before a capitalised paragraph.
        "1. Kết quả thực hiện nhiệm vụ cải cách hành chính và chuyển đổi số năm 2025 trên địa bàn tỉnh Gia Lai",
        # A sentence ending at the margin does not end the paragraph.
        "Trong năm 2025, các sở, ngành và địa phương đã triển khai đồng bộ các nhiệm vụ được giao, bảo đảm "
        "tiến độ và chất lượng theo kế hoạch đề ra. Việc cắt giảm thời gian giải quyết thủ tục hành chính được "
        "thực hiện quyết liệt, góp phần nâng cao mức độ hài lòng của người dân, doanh nghiệp.",
        "2. Nhiệm vụ trọng tâm năm 2026",
        "Các sở, ngành tiếp tục rà soát, đơn giản hóa thủ tục hành chính, tăng cường kết nối, chia sẻ dữ liệu "
        "giữa các hệ thống thông tin của tỉnh.",
        "UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.",
    ]


def test_digital_signature_stamp_lines_are_dropped() -> None:
    raw = (
        "Ký bởi: Ủy ban Nhân dân tỉnh Gia Lai\nEmail: ubnd@gialai.gov.vn\nCơ quan: Tỉnh Gia Lai\n"
        "Thời gian ký: 05.07.2025 10:20:15 +07:00\nỦY BAN NHÂN DÂN\nTỈNH GIA LAI\n"
    )
    assert clean_text(raw).split("\n") == ["ỦY BAN NHÂN DÂN", "TỈNH GIA LAI"]
