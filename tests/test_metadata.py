"""extract_metadata: header facts with honest fallbacks; the header date itself is tested in test_dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest.clean import clean_text
from ingest.layout import is_person_name
from ingest.metadata import extract_metadata

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
NOTICE_2024 = CORPUS / "2024-09-19_thong-bao-ket-luan_ban-chi-dao-cchc-cds-phien-2.txt"
NOTICE_2025 = CORPUS / "2025-07-05_thong-bao-ket-luan_so-khcn-6-thang.md"
NEWS_2026 = CORPUS / "2026-03-03_tin-bao-gia-lai_phien-hop-ban-chi-dao.txt"
NOTICE_2026 = CORPUS / "2026-03_thong-bao-ket-luan_ban-chi-dao-phien-1-2026.md"
REPORT_2026 = CORPUS / "2026-05_bao-cao-so-ket-nq57-de-an-06_van-phong-ubnd.md"


def _meta(path: Path):
    return extract_metadata(clean_text(path.read_text(encoding="utf-8")), file_name=path.name)


# --- the sample corpus -----------------------------------------------------------------------


def test_2024_notice_without_header_block() -> None:
    meta = _meta(NOTICE_2024)
    assert meta.doc_type == "Thông báo"
    assert meta.number is None and meta.place is None
    # No header: "TL. CHỦ TỊCH" + "Ủy ban nhân dân tỉnh thông báo", Bình Định named most often.
    assert meta.issuer == "UBND tỉnh Bình Định"
    assert (meta.date, meta.date_source, meta.date_precision) == (dt.date(2024, 9, 19), "body", "day")
    assert any(note.startswith("date taken from the meeting date in the body") for note in meta.notes)
    assert meta.signer == "Lê Ngọc An"
    assert meta.signer_title == "TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG"
    assert meta.recipients[0] == "Vụ Cải cách hành chính (b/c)"
    assert meta.recipients[-1] == "Lưu: KSTT(N)"
    assert len(meta.recipients) == 19


def test_2025_notice() -> None:
    meta = _meta(NOTICE_2025)
    assert meta.doc_type == "Thông báo"
    assert meta.issuer == "UBND tỉnh Gia Lai"
    assert (meta.date, meta.date_source, meta.date_precision) == (dt.date(2025, 7, 5), "body", "day")
    assert meta.title == (
        "Ý kiến kết luận của đồng chí Phạm Anh Tuấn, Chủ tịch UBND tỉnh tại cuộc họp chỉ đạo về tình hình "
        "thực hiện nhiệm vụ công tác 6 tháng đầu năm và phương hướng, nhiệm vụ 6 tháng cuối năm 2025 của Sở "
        "Khoa học và Công nghệ"
    )
    assert meta.signer == "Nguyễn Xuân Vĩnh"
    assert meta.signer_title == "TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG"
    assert meta.recipients == [
        "Chủ tịch UBND tỉnh",
        "Các PCT UBND tỉnh",
        "Các sở, ban, ngành",
        "UBND các xã, phường",
        "LĐ, CV VP UBND tỉnh",
        "Lưu: VT, V3, V9",
    ]


def test_2026_notice_dated_by_file_name() -> None:
    meta = _meta(NOTICE_2026)
    assert meta.doc_type == "Thông báo"
    assert meta.issuer == "UBND tỉnh Gia Lai"
    assert meta.title.startswith("Ý kiến kết luận của Chủ tịch UBND tỉnh Phạm Anh Tuấn, Trưởng ban Ban Chỉ đạo")
    assert meta.title.endswith("Đề án 06 của tỉnh tại Phiên họp thứ nhất năm 2026")
    # No header date and no meeting date in the opening: the file name gives year and month, which
    # is no issuance date: the month is kept apart.
    assert (meta.date, meta.date_partial) == (None, dt.date(2026, 3, 1))
    assert (meta.date_source, meta.date_precision) == ("filename", "month")
    assert any("file name" in note for note in meta.notes)
    assert meta.signer == "Võ Gia Nghĩa"
    assert meta.signer_title == "TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG"
    assert "Bưu điện tỉnh, VNPT Gia Lai, Viettel Gia Lai" in meta.recipients


def test_2026_report_with_blank_number_and_day() -> None:
    meta = _meta(REPORT_2026)
    assert meta.doc_type == "Báo cáo"
    assert meta.number == "/BC-VPUBND"
    assert meta.issuer == "Văn phòng UBND tỉnh Gia Lai"
    assert meta.place == "Gia Lai"
    assert meta.title == "sơ kết, đánh giá tình hình thực hiện Nghị quyết số 57-NQ/TW và Đề án 06"
    # "ngày tháng năm 2026": the year only; the body opens with a cited letter, not a meeting.
    assert meta.date is None and meta.date_partial is not None and meta.date_partial.year == 2026
    assert meta.date_precision in {"month", "year"} and meta.date_source in {"filename", "header"}
    assert meta.signer == "Võ Gia Nghĩa"
    assert meta.signer_title == "KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG"
    assert meta.recipients == ["Như trên", "CT, PCT UBND tỉnh Lâm Hải Giang (b/c)", "CVP, PVPVX", "Lưu: VT, V9, PVHCC"]


def test_report_without_file_name_keeps_only_the_year() -> None:
    meta = extract_metadata(clean_text(REPORT_2026.read_text(encoding="utf-8")))
    assert (meta.date, meta.date_partial) == (None, dt.date(2026, 1, 1))
    assert (meta.date_source, meta.date_precision) == ("header", "year")


def test_news_article() -> None:
    meta = _meta(NEWS_2026)
    assert meta.doc_type == "Tin tức"
    assert meta.number is None and meta.recipients == []
    assert meta.signer == "Ngọc Luận"  # the reporter's byline signs a news article (issue 12: "ai viết?")
    # "Chiều 3-3" completed with the year of the file name / the article.
    assert (meta.date, meta.date_source) == (dt.date(2026, 3, 3), "body")


# --- synthetic header blocks -----------------------------------------------------------------

DOCX_NOTICE = """ỦY BAN NHÂN DÂN
TỈNH GIA LAI
Số: 174/TB-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Gia Lai, ngày 05 tháng 7 năm 2025
THÔNG BÁO
Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về tình hình thực hiện nhiệm vụ của
Sở Khoa học và Công nghệ
Chiều ngày 04/7/2025, tại Trụ sở UBND tỉnh, đồng chí Chủ tịch UBND tỉnh chủ trì cuộc họp.
1. Giao Sở Khoa học và Công nghệ tham mưu triển khai Trung tâm điều hành thông minh.
UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.
Nơi nhận:
- Như trên;
- Lưu: VT, KGVX.
TL. CHỦ TỊCH
KT. CHÁNH VĂN PHÒNG
PHÓ CHÁNH VĂN PHÒNG
(Đã ký)
Võ Gia Nghĩa
"""


def test_docx_header_block() -> None:
    meta = extract_metadata(clean_text(DOCX_NOTICE))
    assert meta.doc_type == "Thông báo"
    assert meta.number == "174/TB-UBND"
    assert meta.issuer == "UBND tỉnh Gia Lai"
    assert meta.place == "Gia Lai"
    # The header date wins over the meeting date of the body.
    assert (meta.date, meta.date_source, meta.date_precision) == (dt.date(2025, 7, 5), "header", "day")
    assert meta.title == (
        "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về tình hình thực hiện nhiệm vụ của Sở Khoa học và Công nghệ"
    )
    assert meta.signer == "Võ Gia Nghĩa"
    assert meta.signer_title == "TL. CHỦ TỊCH / KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG"
    assert meta.recipients == ["Như trên", "Lưu: VT, KGVX"]
    assert meta.notes == []


@pytest.mark.parametrize(
    ("number_line", "expected"),
    [
        ("Số: 174/TB-UBND", "174/TB-UBND"),
        ("Số:174/TB-UBND", "174/TB-UBND"),
        ("Số 174/TB-UBND", "174/TB-UBND"),
        ("Số: 174 / TB - UBND", "174/TB-UBND"),
        ("Số:     /TB-UBND", "/TB-UBND"),
    ],
)
def test_number_spellings(number_line: str, expected: str) -> None:
    text = DOCX_NOTICE.replace("Số: 174/TB-UBND", number_line)
    assert extract_metadata(clean_text(text)).number == expected


@pytest.mark.parametrize(
    ("agency", "number", "issuer", "doc_type"),
    [
        ("UBND TỈNH GIA LAI\nVĂN PHÒNG", "Số: 570/KH-VPUBND", "Văn phòng UBND tỉnh Gia Lai", "Kế hoạch"),
        (
            "UBND TỈNH GIA LAI\nSỞ KHOA HỌC VÀ CÔNG NGHỆ",
            "Số: 45/BC-SKHCN",
            "Sở Khoa học và Công nghệ tỉnh Gia Lai",
            "Báo cáo",
        ),
        ("ỦY BAN NHÂN DÂN TỈNH BÌNH ĐỊNH", "Số: 2210/UBND-NC", "UBND tỉnh Bình Định", "Công văn"),
        ("HỘI ĐỒNG NHÂN DÂN\nTỈNH GIA LAI", "Số: 12/NQ-HĐND", "HĐND tỉnh Gia Lai", "Nghị quyết"),
        ("ỦY BAN NHÂN DÂN\nXÃ TÂY SƠN", "Số: 9/QĐ-UBND", "UBND xã Tây Sơn", "Quyết định"),
        (
            "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI\nTỈNH GIA LAI",
            "Số: 5/HD-SLĐTBXH",
            "Sở Lao động - Thương binh và Xã hội tỉnh Gia Lai",
            "Hướng dẫn",
        ),
        ("BỘ TÀI CHÍNH", "Số: 12/2024/TT-BTC", "Bộ Tài chính", "Thông tư"),
    ],
)
def test_agency_blocks_and_number_codes(agency: str, number: str, issuer: str, doc_type: str) -> None:
    # No type line here: the type comes from the number's code.
    text = (
        f"{agency}\n{number}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Gia Lai, ngày 10 tháng 4 năm 2026\n"
        "Thực hiện chỉ đạo của cấp trên, đơn vị triển khai các nội dung sau đây.\n"
    )
    meta = extract_metadata(clean_text(text))
    assert (meta.issuer, meta.doc_type) == (issuer, doc_type)
    assert meta.date == dt.date(2026, 4, 10)


def test_official_letter_uses_its_vv_line_as_title() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 2210/UBND-NC\nV/v xử lý văn bản quy phạm pháp luật\n"
        "của HĐND, UBND tỉnh trước sắp xếp\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Gia Lai, ngày 27 tháng 02 năm 2026\nKính gửi:\n- Các sở, ban, ngành tỉnh;\n- UBND các xã, phường.\n"
        "Thực hiện ý kiến chỉ đạo của Chủ tịch UBND tỉnh, đề nghị các cơ quan rà soát văn bản.\n"
        "Nơi nhận:\n- Như trên;\n- Lưu: VT, NC.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Tuấn Thanh\n"
    )
    meta = extract_metadata(clean_text(text))
    assert meta.doc_type == "Công văn"
    assert meta.title == "V/v xử lý văn bản quy phạm pháp luật của HĐND, UBND tỉnh trước sắp xếp"
    assert meta.signer == "Nguyễn Tuấn Thanh"
    assert meta.signer_title == "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert meta.recipients == ["Như trên", "Lưu: VT, NC"]


LAW = """QUỐC HỘI
Luật số: 58/2024/QH15
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
LUẬT
ĐẦU TƯ CÔNG
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Đầu tư công.
Chương I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định việc quản lý nhà nước về đầu tư công.
Luật này đã được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XV, kỳ họp thứ 7 thông qua ngày 29 tháng 6 năm 2024.
CHỦ TỊCH QUỐC HỘI
(Đã ký)
Trần Thanh Mẫn
"""


def test_law() -> None:
    meta = extract_metadata(clean_text(LAW))
    assert meta.doc_type == "Luật"
    assert meta.number == "58/2024/QH15"
    assert meta.issuer == "Quốc hội"
    assert meta.title == "Đầu tư công"
    assert (meta.date, meta.date_source) == (dt.date(2024, 6, 29), "body")
    assert (meta.signer, meta.signer_title) == ("Trần Thanh Mẫn", "CHỦ TỊCH QUỐC HỘI")


def test_decision_title_and_signing_authority() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 1234/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nGia Lai, ngày 15 tháng 8 năm 2025\nQUYẾT ĐỊNH\n"
        "Về việc ban hành Quy chế tổ chức và hoạt động của Tổ công nghệ số cộng đồng\n"
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH GIA LAI\nCăn cứ Luật Tổ chức chính quyền địa phương;\nQUYẾT ĐỊNH:\n"
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế tổ chức và hoạt động của Tổ.\n"
        "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký./.\n"
        "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n"
        "Nguyễn Thị Thanh Lịch\n"
    )
    meta = extract_metadata(clean_text(text))
    assert meta.doc_type == "Quyết định"
    assert meta.issuer == "UBND tỉnh Gia Lai"
    assert meta.title == "Về việc ban hành Quy chế tổ chức và hoạt động của Tổ công nghệ số cộng đồng"
    assert meta.signer_title == "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"
    assert meta.signer == "Nguyễn Thị Thanh Lịch"


def test_blank_header_day_with_a_meeting_in_the_body() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: /TB-UBND\nGia Lai, ngày tháng 3 năm 2026\nTHÔNG BÁO\n"
        "Kết luận của Chủ tịch UBND tỉnh tại phiên họp Ban Chỉ đạo\n"
        "Sáng 3-3, tại Trụ sở UBND tỉnh, Chủ tịch UBND tỉnh chủ trì phiên họp Ban Chỉ đạo năm 2026.\n"
    )
    meta = extract_metadata(clean_text(text), file_name="notice.docx")
    # The header's blank day is the convention: a draft, issuance date unknown; the meeting day
    # ("Sáng 3-3") is not the day it will be issued.
    assert (meta.date, meta.date_partial) == (None, dt.date(2026, 3, 1))
    assert (meta.date_source, meta.date_precision) == ("header", "month")
    assert meta.notes == ["day left blank in the header date: issuance date unknown, month kept"]


def test_blank_header_day_keeps_the_month_apart_from_the_date() -> None:
    """A blank day leaves the issuance date unknown (None); the month printed is ``date_partial``."""
    text = "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nGia Lai, ngày tháng 3 năm 2026\nKẾ HOẠCH\nTriển khai nhiệm vụ năm 2026\n"
    meta = extract_metadata(clean_text(text + "Thực hiện chỉ đạo của Tỉnh ủy, UBND tỉnh ban hành kế hoạch.\n"))
    assert (meta.date, meta.date_partial) == (None, dt.date(2026, 3, 1))
    assert (meta.date_source, meta.date_precision, meta.known_date) == ("header", "month", dt.date(2026, 3, 1))


def test_empty_text() -> None:
    meta = extract_metadata("")
    assert meta.doc_type is None and meta.date is None and meta.date_source == "none"


def test_default_province_when_none_is_named() -> None:
    text = (
        "Chiều ngày 05/7/2025, tại Trụ sở UBND tỉnh, đồng chí Chủ tịch UBND tỉnh chủ trì cuộc họp.\n"
        "UBND tỉnh thông báo để các cơ quan biết, thực hiện./.\n"
    )
    assert extract_metadata(text, default_province="Kon Tum").issuer == "UBND tỉnh Kon Tum"


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Lê Ngọc An", True),
        ("Nguyễn Xuân Vĩnh", True),
        ("Rah Lan Chung", True),
        ("NGUYỄN VĂN AN", True),
        ("PHÓ CHỦ TỊCH", False),
        ("CHÁNH VĂN PHÒNG", False),
        ("Munt", False),
        ("(Đã ký)", False),
        ("Nơi nhận", False),
        ("Sở Y tế chủ trì thực hiện nhiệm vụ", False),
    ],
)
def test_is_person_name(line: str, expected: bool) -> None:
    assert is_person_name(line) is expected


def test_pdf_header_with_both_columns_on_one_line() -> None:
    """pdfium reads the two header columns line by line: agency and motto share a line."""
    text = (
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH GIA LAI Độc lập - Tự do - Hạnh phúc\n"
        "Số: 174/TB-UBND Gia Lai, ngày 05 tháng 7 năm 2025\nTHÔNG BÁO\nKết luận của Chủ tịch UBND tỉnh\n"
        "Chiều ngày 04/7/2025, tại Trụ sở UBND tỉnh, đồng chí Chủ tịch UBND tỉnh chủ trì cuộc họp.\n"
    )
    meta = extract_metadata(clean_text(text))
    assert (meta.number, meta.issuer, meta.place) == ("174/TB-UBND", "UBND tỉnh Gia Lai", "Gia Lai")
    assert (meta.date, meta.date_source) == (dt.date(2025, 7, 5), "header")
    assert meta.title == "Kết luận của Chủ tịch UBND tỉnh"


def test_wrapped_motto_and_date_after_it() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 174/TB-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT\nNAM\n"
        "Độc lập - Tự do - Hạnh phúc Gia Lai, ngày 17 tháng 3 năm 2026\nTHÔNG BÁO\n"
        "Ý kiến kết luận của Chủ tịch UBND tỉnh tại Phiên họp thứ nhất năm 2026\n"
        "Tại Phiên họp lần thứ nhất năm 2026 của Ban Chỉ đạo, Chủ tịch UBND tỉnh kết luận như sau:\n"
    )
    meta = extract_metadata(clean_text(text))
    assert (meta.place, meta.date, meta.issuer) == ("Gia Lai", dt.date(2026, 3, 17), "UBND tỉnh Gia Lai")


def test_two_line_subject_and_signature_stamps() -> None:
    text = (
        "Ký bởi: Ủy ban Nhân dân tỉnh Gia Lai\nEmail: ubnd@gialai.gov.vn\nThời gian ký: 27.02.2026 10:20:15 +07:00\n"
        "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 2210/UBND-NC\nV/v triển khai thực hiện\nNghị quyết số 57-NQ/TW\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nGia Lai, ngày 27 tháng 02 năm 2026\n"
        "Kính gửi: Các sở, ban, ngành.\nThực hiện chỉ đạo của Chủ tịch UBND tỉnh, đề nghị các cơ quan triển khai.\n"
    )
    meta = extract_metadata(clean_text(text))
    assert meta.title == "V/v triển khai thực hiện Nghị quyết số 57-NQ/TW"
    assert (meta.doc_type, meta.date, meta.issuer) == ("Công văn", dt.date(2026, 2, 27), "UBND tỉnh Gia Lai")


def test_news_page_with_headline_and_publication_line() -> None:
    text = (
        "Gia Lai xác định năm 2026 là năm tăng tốc chuyển đổi số\nThứ Tư, 04/03/2026 - 06:30\nNGỌC LUẬN\n"
        "(GLO)- Chiều 3-3, Ban Chỉ đạo đã tổ chức phiên họp lần thứ nhất năm 2026.\n"
        "Các sở, ngành báo cáo kết quả thực hiện nhiệm vụ năm 2025.\n"
    )
    meta = extract_metadata(clean_text(text))
    assert meta.doc_type == "Tin tức"
    assert meta.title == "Gia Lai xác định năm 2026 là năm tăng tốc chuyển đổi số"
    assert (meta.date, meta.date_source) == (dt.date(2026, 3, 4), "header")


def test_party_document_number() -> None:
    text = (
        "TỈNH ỦY GIA LAI\n*\nSố 12-KL/TU\nĐẢNG CỘNG SẢN VIỆT NAM\nGia Lai, ngày 05 tháng 7 năm 2025\nKẾT LUẬN\n"
        "của Ban Thường vụ Tỉnh ủy về chuyển đổi số\nBan Thường vụ Tỉnh ủy kết luận như sau:\n"
        "1. Tập trung lãnh đạo thực hiện chuyển đổi số toàn diện.\n"
    )
    meta = extract_metadata(clean_text(text))
    assert (meta.doc_type, meta.number, meta.issuer) == ("Kết luận", "12-KL/TU", "Tỉnh ủy Gia Lai")
    assert meta.title == "của Ban Thường vụ Tỉnh ủy về chuyển đổi số"


def test_ocr_debris_in_the_header_block() -> None:
    """OCR of a two-column header: columns merged, the motto's "NAM" in the agency column, a garbled date."""
    text = (
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT\nTỈNH GIA LAI NAM\ncizñ RWA2mwnhDHnah phúso26\n"
        "THÔNG BÁO\nÝ kiến kết luận của Chủ tịch UBND tỉnh tại Phiên họp thứ nhất năm 2026\n"
        "Tại Phiên họp lần thứ nhất năm 2026 của Ban Chỉ đạo, Chủ tịch UBND tỉnh kết luận như sau:\n"
        "1. Các sở, ngành tập trung triển khai nhiệm vụ chuyển đổi số.\n"
        "UBND tỉnh thông báo để các cơ quan, đơn vị triển khai thực hiện./.\n"
        "Nơi nhận: TL. CHỦ TỊCH\n- Như trên;\nKT. CHÁNH VĂN PHÒNG\nVõ Gia Nghĩa\n"
    )
    meta = extract_metadata(clean_text(text), file_name="scan-2026-03.pdf")
    assert (meta.doc_type, meta.issuer) == ("Thông báo", "UBND tỉnh Gia Lai")
    assert meta.title == "Ý kiến kết luận của Chủ tịch UBND tỉnh tại Phiên họp thứ nhất năm 2026"
    assert (meta.date, meta.date_partial) == (None, dt.date(2026, 3, 1))
    assert (meta.date_source, meta.date_precision) == ("filename", "month")
    assert meta.signer == "Võ Gia Nghĩa"
    assert meta.recipients == ["Như trên"]


# --- OCR'd headers --------------------------------------------------------------------------------


def test_ocr_marks_are_repaired_where_the_spelling_is_known() -> None:
    """A scan's "Trân Phước Hiền" signs as Trần (a surname), "Xguyến" as Nguyễn, "Cản Thơ" is Cần Thơ;
    given names are kept as read (Hiên and Hiền are both names), and so is a text document."""
    from ingest.metadata import repair_ocr_meta
    from troly.types import DocumentMeta

    cases = [
        (("Trân Phước Hiền", "UBND thành phố Cản Thơ"), ("Trần Phước Hiền", "UBND thành phố Cần Thơ")),
        (("Xguyến Hoàng Giang", "HĐND thành phố Hà Nọi"), ("Nguyễn Hoàng Giang", "HĐND thành phố Hà Nội")),
        (("Trần Phước Hiên", "UBND tỉnh Gia Lai"), ("Trần Phước Hiên", "UBND tỉnh Gia Lai")),
        (("Rah Lan Chung", None), ("Rah Lan Chung", None)),
    ]
    for (signer, issuer), expected in cases:
        meta = DocumentMeta(signer=signer, issuer=issuer)
        repair_ocr_meta(meta)
        assert (meta.signer, meta.issuer) == expected


def test_a_text_documents_signer_is_never_respelled(ctx, tmp_path: Path) -> None:
    from tests.docfactory import make_docx
    from troly.store import list_documents

    path = make_docx(
        tmp_path / "cv-ten.docx",
        header_left=("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 12/UBND-VP"),
        header_right=(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Gia Lai, ngày 3 tháng 3 năm 2026",
        ),
        paragraphs=[
            "Kính gửi: Sở Tư pháp.",
            "Giao Sở Tư pháp rà soát hồ sơ./.",
            "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            "Trân Văn Bình",
        ],
        table=None,
    )
    result = ctx.ingestor().ingest([path]).results[0]
    with ctx.db.session() as session:
        doc = next(d for d in list_documents(session=session) if d.id == result.doc_id)
    assert doc.signer == "Trân Văn Bình"


def test_an_incoming_mail_stamp_under_the_number_is_not_part_of_the_issuer() -> None:
    """A central scan stamped on arrival ("CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ / ĐẾN Số: … Ngày: …")
    reads the stamp's lines under "Số: …" in the agency column; the agency is above the number."""
    text = (
        "THỦ TƯỚNG CHÍNH PHỦ\nSố:22⁄ /QĐ-TTg\n| GỐNG THÔNG PP BIÊN TỬ CHÍNH PHÙ\nĐẾN S0É\nTØTT\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHà Nội, ngày 12 tháng 10 năm 2025\n"
        "QUYẾT ĐỊNH\nVề việc hỗ trợ khẩn cấp kinh phí\nTHỦ TƯỚNG CHÍNH PHỦ\nCăn cứ Luật Tổ chức Chính phủ;\n"
    )
    meta = extract_metadata(clean_text(text))
    assert (meta.doc_type, meta.issuer) == ("Quyết định", "Thủ tướng Chính phủ")
    # Above the number, a short line still completes the agency's name (the motto read between).
    council = (
        "HỘI ĐỒNG BẦU CỬ\nQUỐC GIA\nSố: 12/NQ-HĐBCQG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    )
    council += "Hà Nội, ngày 12 tháng 10 năm 2025\nNGHỊ QUYẾT\nVề việc công bố\n"
    assert extract_metadata(clean_text(council)).issuer == "Hội đồng Bầu cử quốc gia"
