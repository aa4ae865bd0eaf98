"""Header and signature fields read from real files whose layout puts them side by side.

Each test builds a document the way one reaches troly (a DOCX with its header table, a PDF
stamped by an e-office system, a scanned page, an exported .txt) and checks the five fields the
metadata eval measures: type, number, date, issuer and signer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest.clean import clean_text
from ingest.loaders import load
from ingest.loaders._columns import text_columns
from ingest.loaders._ocr import layout_text
from ingest.metadata import extract_metadata
from tests.docfactory import Row, make_docx, make_garbled_pdf, make_scanned_letter, make_stamped_pdf, make_text_pdf
from tests.test_loaders import needs_ocr
from troly.config import Settings
from troly.types import DocumentMeta


def _read(path: Path, settings: Settings) -> DocumentMeta:
    return extract_metadata(clean_text(load(path, settings=settings).text), file_name=path.name)


def _fields(meta: DocumentMeta) -> tuple[str | None, str | None, dt.date | None, str | None, str | None]:
    return meta.doc_type, meta.number, meta.date, meta.issuer, meta.signer


# --- word boxes → column-wise text -----------------------------------------------------------


def _data(words: list[tuple[int, int, int, int, str, tuple[int, int, int]]]) -> dict[str, list[object]]:
    """A pytesseract ``image_to_data`` dict from (left, top, width, height, text, (block, par, line))."""
    keys = ("left", "top", "width", "height", "text")
    data: dict[str, list[object]] = {k: [] for k in (*keys, "conf", "block_num", "par_num", "line_num")}
    for *values, (block, par, line) in words:
        for k, v in zip(keys, values, strict=True):
            data[k].append(v)
        data["conf"].append(90)
        data["block_num"].append(block)
        data["par_num"].append(par)
        data["line_num"].append(line)
    return data


def test_word_boxes_of_two_columns_on_one_line_are_read_column_by_column() -> None:
    """Tesseract's one line "ỦY BAN … CỘNG HÒA …" becomes the left column, then the right one."""
    data = _data(
        [
            (100, 100, 300, 30, "ỦY BAN NHÂN DÂN", (1, 1, 1)),
            (900, 100, 700, 30, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", (1, 1, 1)),
            (120, 150, 260, 30, "TỈNH GIA LAI", (1, 1, 2)),
            (950, 150, 600, 30, "Độc lập - Tự do - Hạnh phúc", (1, 1, 2)),
            (100, 200, 300, 30, "Số: 12/TB-UBND", (1, 1, 3)),
            (900, 200, 700, 30, "Gia Lai, ngày 5 tháng 7 năm 2025", (1, 1, 3)),
            (100, 300, 1500, 30, "Văn bản này có nội dung trải rộng suốt chiều ngang trang giấy.", (2, 1, 1)),
        ]
    )
    lines = [line for line in layout_text(data).split("\n") if line]
    assert lines == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH GIA LAI",
        "Số: 12/TB-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Gia Lai, ngày 5 tháng 7 năm 2025",
        "Văn bản này có nội dung trải rộng suốt chiều ngang trang giấy.",
    ]


def test_a_side_by_side_table_in_the_body_keeps_its_row_order() -> None:
    """Only header and signature columns are regrouped; a two-column body table is not."""
    data = _data(
        [
            (100, 100, 300, 30, "Sở Tư pháp", (1, 1, 1)),
            (1100, 100, 300, 30, "30/7/2025", (1, 1, 1)),
            (100, 150, 300, 30, "Sở Nội vụ", (1, 1, 2)),
            (1100, 150, 300, 30, "15/8/2025", (1, 1, 2)),
        ]
    )
    lines = [line for line in layout_text(data).split("\n") if line]
    assert lines == ["Sở Tư pháp", "30/7/2025", "Sở Nội vụ", "15/8/2025"]


# --- scanned PDF -----------------------------------------------------------------------------


@needs_ocr
def test_scan_with_a_mark_above_the_header_and_the_signer_beside_the_recipients(
    tmp_path: Path, settings: Settings
) -> None:
    """A noise line over the motto and "Nơi nhận:" printed beside the signature cost no field."""
    path = make_scanned_letter(
        tmp_path / "scan.pdf",
        [
            ("", "xx ~~ 17 ~~"),
            ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("TỈNH GIA LAI", "Độc lập - Tự do - Hạnh phúc"),
            ("Số: 174⁄TB-UBND", "Gia Lai, ngày 05 tháng 7 năm 2025"),
            ("THÔNG BÁO",),
            ("Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về chuyển đổi số",),
            "Ngày 01 tháng 7 năm 2025, Chủ tịch UBND tỉnh chủ trì cuộc họp. Kết luận:",
            "Giao Sở Khoa học và Công nghệ chủ trì triển khai thực hiện./.",
            ("Nơi nhận:", "KT. CHỦ TỊCH"),
            ("- Như trên;", "PHÓ CHỦ TỊCH"),
            ("- Lưu: VT, KGVX.", ""),
            ("", "Nguyễn Văn An"),
        ],
    )
    meta = _read(path, settings)
    assert _fields(meta) == ("Thông báo", "174/TB-UBND", dt.date(2025, 7, 5), "UBND tỉnh Gia Lai", "Nguyễn Văn An")
    assert meta.signer_title == "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"


@needs_ocr
def test_scanned_phieu_trinh_is_signed_by_its_preparer_and_dated_by_its_date_line(
    tmp_path: Path, settings: Settings
) -> None:
    """A phiếu trình is the preparer's: the leaders' names under "Ý KIẾN CỦA …" are opinions on it,
    and its date is the bare "Ngày … tháng … năm …" line above the preparer's name (no place-date)."""
    path = make_scanned_letter(
        tmp_path / "phieu-trinh.pdf",
        [
            ("SỞ CÔNG THƯƠNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("PHÒNG QLCN", "Độc lập - Tự do - Hạnh phúc"),
            ("PHIẾU TRÌNH GIẢI QUYẾT CÔNG VIỆC",),
            "Kính gửi: Lãnh đạo Sở Công Thương",
            "Nội dung trình: Kết quả thẩm định phương án nổ mìn phục vụ thi công công trình.",
            "Họ và tên chuyên viên trình: Vũ Việt Linh",
            "Phòng chuyên môn: Phòng Quản lý Công nghiệp",
            "Hồ sơ đầy đủ theo quy định; đề nghị Lãnh đạo Sở xem xét, phê duyệt.",
            ("Ý KIẾN CỦA LÃNH ĐẠO PHÒNG", "Ngày 19 tháng 8 năm 2025"),
            ("", "NGƯỜI LẬP PHIẾU TRÌNH"),
            ("Đỗ Mạnh Cường", "Vũ Việt Linh"),
            ("Ý KIẾN CỦA PHÓ GIÁM ĐỐC SỞ", ""),
            ("Hoàng Văn Thuân", ""),
        ],
    )
    meta = _read(path, settings)
    assert (meta.doc_type, meta.date, meta.signer) == ("Phiếu trình", dt.date(2025, 8, 19), "Vũ Việt Linh")
    assert meta.signer_title == "Người lập phiếu trình"


def test_a_phieu_trinh_without_a_preparer_block_gives_the_form_field() -> None:
    meta = _meta_of(
        "SỞ CÔNG THƯƠNG\nPHÒNG QLCN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "PHIẾU TRÌNH GIẢI QUYẾT CÔNG VIỆC\nKính gửi: Lãnh đạo Sở\nNội dung trình: Hồ sơ cấp phép\n"
        "Chuyên viên thụ lý: Nguyễn Đắc Khánh\nĐề nghị Lãnh đạo Sở xem xét.\nÝ KIẾN CỦA GIÁM ĐỐC SỞ\n"
        "Hoàng Văn Thuân\n"
    )
    assert (meta.doc_type, meta.signer) == ("Phiếu trình", "Nguyễn Đắc Khánh")


def test_an_endnote_marked_i_under_the_signer_is_not_glued_to_the_name(tmp_path: Path, settings: Settings) -> None:
    """A word processor's endnotes ("i Nghị định số …") printed under the signature start their own
    line: the signer's name is not read as "Cao Thanh Thương i Nghị định …"."""
    path = make_text_pdf(
        tmp_path / "ke-hoach.pdf",
        [
            "UBND TỈNH GIA LAI",
            "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
            "Số: 115/KH-SNNMT",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Gia Lai, ngày 4 tháng 8 năm 2026",
            "KẾ HOẠCH",
            "Giao Văn phòng Sở theo dõi, đôn đốc việc thực hiện Kế hoạch này./.",
            "Nơi nhận:",
            "- Lưu: VT, TCCB.",
            "GIÁM ĐỐC",
            "Cao Thanh Thương",
            "i Nghị định số 335/2025/NĐ-CP ngày 21/12/2025 của Chính phủ về đánh giá, xếp loại chất lượng.",
        ],
    )
    assert _read(path, settings).signer == "Cao Thanh Thương"


def test_the_recipients_notes_read_onto_the_signers_line_are_left_out() -> None:
    """Two columns read across put "(để b/c) (để ph/h th/h)" of the "Nơi nhận" list on the name line."""
    meta = _meta_of(
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI\nSố: 2280/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nHà Nội, ngày 29 tháng 4 năm 2026\nQUYẾT ĐỊNH\n"
        "Điều 1. Ban hành Kế hoạch thoát nước mùa mưa năm 2026./.\nNơi nhận:\n- Như Điều 3;\n"
        "- Lưu: VT, ĐTDG\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n"
        "Trương Việt Dũng (để b/c) (để ph/h th/h)\n"
    )
    assert meta.signer == "Trương Việt Dũng"


# --- issuer blocks of sub-units (DOCX header table) ---------------------------------------------

_SIGNED = (
    "Thực hiện chỉ đạo của cấp trên, đơn vị triển khai các nội dung sau đây./.",
    "Nơi nhận:",
    "- Như trên;",
    "- Lưu: VT.",
    "TM. TIỂU BAN",
    "TRƯỞNG TIỂU BAN",
    "Lò Văn Kiên",
)


@pytest.mark.parametrize(
    ("left", "issuer"),
    [
        # The parent names the locality: the sub-unit takes it.
        (
            ("ỦY BAN BẦU CỬ XÃ HÒA BÌNH", "TIỂU BAN TUYÊN TRUYỀN, KHÁNH TIẾT", "Số: 02/KH-TBTT"),
            "Tiểu ban tuyên truyền, khánh tiết xã Hòa Bình",
        ),
        # The parent names none: the lower line as printed.
        (("SỞ XÂY DỰNG HÒA BÌNH", "ĐOÀN KIỂM TRA", "Số: 31/KH-ĐKT"), "Đoàn Kiểm tra"),
        # A lower line set up by a decision, on three lines; "SỐ 215/…" is no "Sở".
        (
            ("SỞ XÂY DỰNG", "ĐOÀN KIỂM TRA", "THEO QUYẾT ĐỊNH", "SỐ 215/QĐ-SXD", "Số: 88/KH-ĐKT"),
            "Đoàn Kiểm tra theo quyết định số 215/QĐ-SXD",
        ),
        # A department's "Phòng" (an abbreviation kept in capitals) under a Sở naming no place.
        (("SỞ XÂY DỰNG", "PHÒNG QLXD", "Số: 40/KH-QLXD"), "Phòng QLXD"),
        # A legal database's banner above the agency, the agency printed twice.
        (("VĂN BẢN QUY PHẠM PHÁP LUẬT", "BỘ TÀI CHÍNH", "BỘ TÀI CHÍNH", "Số: 12/KH-BTC"), "Bộ Tài chính"),
    ],
    ids=["sub-unit-with-locality", "sub-unit-alone", "multi-line-lower-line", "phong-of-a-so", "database-banner"],
)
def test_issuer_of_a_header_table(tmp_path: Path, settings: Settings, left: tuple[str, ...], issuer: str) -> None:
    """The issuer is the lower line of the top-left block, with the locality its parent names."""
    right = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hòa Bình, ngày 12 tháng 3 năm 2026")
    path = make_docx(
        tmp_path / "plan.docx",
        header_left=left,
        header_right=right,
        paragraphs=("KẾ HOẠCH", "Kiểm tra công tác tuyên truyền năm 2026", *_SIGNED),
        table=None,
    )
    meta = _read(path, settings)
    assert (meta.doc_type, meta.issuer, meta.date) == ("Kế hoạch", issuer, dt.date(2026, 3, 12))
    assert meta.signer == "Lò Văn Kiên"


def test_comparison_table_is_a_genre_and_its_title_no_issuer(tmp_path: Path, settings: Settings) -> None:
    """ "BẢNG SO SÁNH THUYẾT MINH" is the type line: the caps title under it (naming the province)
    is not read as an agency."""
    path = make_docx(
        tmp_path / "so-sanh.docx",
        header_left=("UBND TỈNH KON TUM", "SỞ TƯ PHÁP"),
        header_right=(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Kon Tum, ngày 02 tháng 6 năm 2026",
        ),
        paragraphs=(
            "BẢNG SO SÁNH THUYẾT MINH",
            "DỰ THẢO NGHỊ QUYẾT HỖ TRỢ ĐÀO TẠO NGUỒN NHÂN LỰC TỈNH KON TUM",
            "Điều 1. Phạm vi điều chỉnh",
            "Nghị quyết này quy định chính sách hỗ trợ đào tạo.",
        ),
        table=None,
    )
    meta = _read(path, settings)
    assert (meta.doc_type, meta.number, meta.issuer) == ("Bảng so sánh", None, "Sở Tư pháp tỉnh Kon Tum")
    assert meta.date == dt.date(2026, 6, 2)


def test_a_place_name_after_the_signature_is_no_signer() -> None:
    """A table cell holding a province ("Yên Bái"-like) after the closing is not a name."""
    text = (
        "SỞ CÔNG THƯƠNG\nSố: 15/KH-SCT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Kon Tum, ngày 10 tháng 3 năm 2026\nKẾ HOẠCH\nKiểm tra vật liệu nổ công nghiệp\n"
        "Đoàn kiểm tra tiến hành kiểm tra các đơn vị./.\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n"
        "PHỤ LỤC I\nĐơn vị được kiểm tra\nCông ty cổ phần xây dựng\nGia Lai\n"
    )
    assert extract_metadata(clean_text(text)).signer is None


def test_consolidated_text_identity_read_from_its_authentication_block(tmp_path: Path, settings: Settings) -> None:
    """A văn bản hợp nhất whose first page has only the motto and the type: its agency, number,
    date and signer are in the "XÁC THỰC VĂN BẢN HỢP NHẤT" block at its end (a footnote glued to
    the name line), and the amended documents cited on top are not its number."""
    path = make_text_pdf(
        tmp_path / "vbhn.pdf",
        [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "THÔNG TƯ",
            "Quy định về kiểm tra an toàn thực phẩm",
            "Thông tư số 07/2018/TT-BYT ngày 02/3/2018 của Bộ trưởng Bộ Y tế quy định về",
            "kiểm tra an toàn thực phẩm, được sửa đổi, bổ sung bởi:",
            "1. Thông tư số 11/2023/TT-BYT ngày 14/9/2023 của Bộ trưởng Bộ Y tế.",
            "Điều 1. Phạm vi điều chỉnh",
            "Thông tư này quy định về kiểm tra an toàn thực phẩm.",
            "Điều 2. Hiệu lực thi hành",
            "Thông tư này có hiệu lực kể từ ngày 15 tháng 4 năm 2018.",
            "BỘ Y TẾ",
            "Số: 21/VBHN-BYT",
            "Nơi nhận:",
            "- Văn phòng Chính phủ (để đăng Công báo);",
            "- Lưu: VT, ATTP.",
            "XÁC THỰC VĂN BẢN HỢP NHẤT",
            "Hà Nội, ngày 08 tháng 5 năm 2025",
            "KT. BỘ TRƯỞNG",
            "THỨ TRƯỞNG",
            "Lương Thị Mai 12 Cụm từ “Bộ Y tế” được thay thế theo Thông tư số 11/2023/TT-BYT.",
        ],
    )
    meta = _read(path, settings)
    assert _fields(meta) == ("Thông tư", "21/VBHN-BYT", dt.date(2025, 5, 8), "Bộ Y tế", "Lương Thị Mai")
    assert meta.signer_title == "KT. BỘ TRƯỞNG / THỨ TRƯỞNG"


@needs_ocr
def test_scan_whose_seal_covers_the_signing_title_and_name(tmp_path: Path, settings: Settings) -> None:
    """A red seal over the start of the signer's title and name: its ink is dropped before OCR,
    so the black letters under it are read."""
    rows: list[Row] = [
        ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("TỈNH GIA LAI", "Độc lập - Tự do - Hạnh phúc"),
        ("Số: 318/TB-UBND", "Gia Lai, ngày 14 tháng 8 năm 2025"),
        ("THÔNG BÁO",),
        ("Kết luận của Chủ tịch UBND tỉnh về chuyển đổi số",),
        "Giao Sở Khoa học và Công nghệ chủ trì triển khai thực hiện./.",
        ("Nơi nhận:", "KT. CHỦ TỊCH"),
        ("- Như trên;", "PHÓ CHỦ TỊCH"),
        ("- Lưu: VT, KGVX.", ""),
        ("", ""),
        ("", "Nguyễn Thị Hoa"),
    ]
    path = make_scanned_letter(tmp_path / "sealed.pdf", rows, seal_over="PHÓ CHỦ TỊCH")
    meta = _read(path, settings)
    assert _fields(meta) == ("Thông báo", "318/TB-UBND", dt.date(2025, 8, 14), "UBND tỉnh Gia Lai", "Nguyễn Thị Hoa")
    assert meta.signer_title == "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"


# --- PDF stamped by an e-office system ---------------------------------------------------------


def test_number_and_day_stamped_in_signature_widgets(tmp_path: Path, settings: Settings) -> None:
    """The figures an e-office system draws over the blank "Số: /…" and "ngày … tháng" slots."""
    path = make_stamped_pdf(
        tmp_path / "signed.pdf",
        [
            "ỦY BAN NHÂN DÂN",
            "TỈNH GIA LAI",
            "Số:       /UBND-KT",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Gia Lai, ngày       tháng 7 năm 2025",
            "V/v triển khai chuyển đổi số",
            "Kính gửi: Sở Khoa học và Công nghệ",
            "Đề nghị Sở Khoa học và Công nghệ triển khai thực hiện./.",
        ],
        [("/UBND-KT", "193"), ("tháng 7", "10")],
    )
    meta = _read(path, settings)
    assert (meta.number, meta.date, meta.date_precision) == ("193/UBND-KT", dt.date(2025, 7, 10), "day")
    assert meta.doc_type == "Công văn"


def test_stamped_figures_merged_into_a_header_drawn_last(tmp_path: Path, settings: Settings) -> None:
    """A template whose header block is written after the body: PDFium reads the stamped figures
    into the header's lines, not after the page text, and each still lands in its slot."""
    path = make_stamped_pdf(
        tmp_path / "signed-late-header.pdf",
        [
            "ỦY BAN NHÂN DÂN",
            "THÀNH PHỐ ĐÀ NẴNG",
            "Số:       /2025/QĐ-UBND",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Đà Nẵng, ngày       tháng       năm 2025",
            "QUYẾT ĐỊNH",
            "Bãi bỏ Quyết định số 12/2019/QĐ-UBND ngày 15/10/2019 của Ủy ban nhân dân thành phố",
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
            "Điều 1. Bãi bỏ Quyết định số 12/2019/QĐ-UBND./.",
        ],
        [("/2025/QĐ-UBND", "48"), ("tháng       năm", "21"), ("năm 2025", "11")],
        drawn_last=range(6),
    )
    meta = _read(path, settings)
    assert (meta.number, meta.date, meta.date_precision) == ("48/2025/QĐ-UBND", dt.date(2025, 11, 21), "day")
    assert meta.issuer == "UBND thành phố Đà Nẵng"


def test_stamped_figure_over_a_printed_one_replaces_it(tmp_path: Path, settings: Settings) -> None:
    """An e-office system overprints the template's month ("tháng 4" stamped "5"): the stamped
    figure is the date's, not a second figure beside the printed one."""
    path = make_stamped_pdf(
        tmp_path / "overprinted.pdf",
        [
            "ỦY BAN NHÂN DÂN",
            "TỈNH KON TUM",
            "Số:       /QĐ-UBND",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Kon Tum, ngày       tháng 4 năm 2026",
            "QUYẾT ĐỊNH",
            "Về việc ủy quyền cho Giám đốc Sở Xây dựng",
            "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16/6/2025;",
        ],
        [("/QĐ-UBND", "905"), ("tháng 4", "18")],
        over=[("4 năm", "5")],
    )
    meta = _read(path, settings)
    assert (meta.number, meta.date) == ("905/QĐ-UBND", dt.date(2026, 5, 18))


# --- exported text -----------------------------------------------------------------------------

LAID_OUT = """\
      UBND TỈNH GIA LAI                              CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
 SỞ KHOA HỌC VÀ CÔNG NGHỆ                               Độc lập - Tự do - Hạnh phúc

     Số: 512 /SKHCN-QLCN                           Gia Lai, ngày 12 tháng 3 năm 2026
V/v triển khai nền tảng số

                 Kính gửi: Các phòng, đơn vị thuộc Sở.

       Thực hiện chỉ đạo của UBND tỉnh về chuyển đổi số, Sở Khoa học và Công nghệ đề
nghị các phòng, đơn vị triển khai nền tảng số dùng chung trong tháng 3 năm 2026.
       Đề nghị các đơn vị nghiêm túc thực hiện./.

Nơi nhận:                                                   KT. GIÁM ĐỐC
- Như trên;                                                PHÓ GIÁM ĐỐC
- Lưu: VT, QLCN.

                                                            Trần Thị Bình
"""

PIPES = """\
| ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |
|---|---|
| TỈNH GIA LAI | Độc lập - Tự do - Hạnh phúc |
| Số: 88⁄KH-UBND | Gia Lai, ngày 02 tháng 4 năm 2026 |

KẾ HOẠCH
Triển khai chuyển đổi số năm 2026

Căn cứ Nghị quyết số 57-NQ/TW, UBND tỉnh ban hành kế hoạch như sau:
1. Sở Khoa học và Công nghệ chủ trì triển khai./.

| Nơi nhận: | TM. ỦY BAN NHÂN DÂN |
| - Như trên; | CHỦ TỊCH |
| - Lưu: VT. | Lê Văn Cường |
"""


def test_laid_out_text_export(tmp_path: Path, settings: Settings) -> None:
    """A .txt that keeps the printed layout: columns side by side, the signer beside "Nơi nhận"."""
    path = tmp_path / "cong-van.txt"
    path.write_text(LAID_OUT, encoding="utf-8")
    meta = _read(path, settings)
    assert _fields(meta) == (
        "Công văn",
        "512/SKHCN-QLCN",
        dt.date(2026, 3, 12),
        "Sở Khoa học và Công nghệ tỉnh Gia Lai",
        "Trần Thị Bình",
    )


def test_text_export_with_table_pipes(tmp_path: Path, settings: Settings) -> None:
    """A header and a signature exported as pipe tables; a "⁄" in the number is a slash."""
    path = tmp_path / "ke-hoach.txt"
    path.write_text(PIPES, encoding="utf-8")
    meta = _read(path, settings)
    assert _fields(meta) == ("Kế hoạch", "88/KH-UBND", dt.date(2026, 4, 2), "UBND tỉnh Gia Lai", "Lê Văn Cường")
    assert not any("|" in (value or "") for value in (meta.issuer, meta.signer, meta.title))


def test_plain_text_without_columns_is_left_alone() -> None:
    assert text_columns("THÔNG BÁO\nKết luận của Chủ tịch UBND tỉnh.\n") is None


# --- DOCX ----------------------------------------------------------------------------------------


def test_docx_header_table_and_signature_table(tmp_path: Path, settings: Settings) -> None:
    """The header table (issuer + "Số:" | motto + place-date) and a recipients | signer table."""
    path = make_docx(
        tmp_path / "phieu-trinh.docx",
        header_left=("VĂN PHÒNG UBND TỈNH", "PHÒNG KINH TẾ", "Số: 15/PTr-KT"),
        header_right=(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Gia Lai, ngày 19 tháng 8 năm 2025",
        ),
        paragraphs=("PHIẾU TRÌNH", "Về việc giải quyết hồ sơ", "Kính trình Lãnh đạo Văn phòng xem xét./."),
        table=(("Nơi nhận:\n- Như trên;\n- Lưu: VT.", "TRƯỞNG PHÒNG\nVũ Việt Linh"),),
    )
    meta = _read(path, settings)
    assert _fields(meta)[:3] == ("Phiếu trình", "15/PTr-KT", dt.date(2025, 8, 19))
    assert meta.signer == "Vũ Việt Linh"


# --- text patterns -------------------------------------------------------------------------------


def _meta_of(text: str) -> DocumentMeta:
    return extract_metadata(clean_text(text), file_name="van-ban.docx")


def test_motto_with_en_dashes_and_a_blank_draft_number() -> None:
    """ "Độc lập – Tự do – Hạnh phúc" is the motto too, so "Số: /SNNMT-KS" below it is read."""
    meta = _meta_of(
        "UBND TỈNH LÀO CAI\nSỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập – Tự do – Hạnh phúc\nSố: /SNNMT-KS\nV/v quản lý hoạt động khoáng sản\n"
        "Lào Cai, ngày tháng 8 năm 2025\nKính gửi: Các tổ chức hoạt động khoáng sản\n"
        "Đề nghị các tổ chức thực hiện nghiêm./.\n"
    )
    assert (meta.number, meta.doc_type) == ("/SNNMT-KS", "Công văn")


def test_numbers_with_a_letter_or_a_dotted_figure() -> None:
    for printed in ("118a/BC-SNV", "66.18/2026/NQ-CP"):
        meta = _meta_of(f"SỞ NỘI VỤ\nSố: {printed}\nBÁO CÁO\nKết quả thực hiện\nNội dung báo cáo như sau.\n")
        assert meta.number == printed


def test_signature_interleaved_with_the_recipients_and_followed_by_an_annex() -> None:
    """A DOC whose "Nơi nhận" | signature table was read row by row, an annex after it."""
    meta = _meta_of(
        "BỘ CÔNG THƯƠNG\nCỤC HÓA CHẤT\nSố: /HC-QLHC\nV/v vận chuyển hàng nguy hiểm\n"
        "Kính gửi: Sở Công Thương các tỉnh\nĐề nghị các Sở thực hiện./.\n"
        "Nơi nhận:\nKT. CỤC TRƯỞNG\n- Như trên;\nPHÓ CỤC TRƯỞNG\n- Lưu: VT, QLHC.\nVương Thành Chung\n"
        "PHỤ LỤC\nDanh mục hàng hóa nguy hiểm\n1. Xăng dầu các loại.\n"
    )
    assert (meta.signer, meta.signer_title) == ("Vương Thành Chung", "KT. CỤC TRƯỞNG / PHÓ CỤC TRƯỞNG")


def test_signer_after_a_rank() -> None:
    meta = _meta_of(
        "BỘ CÔNG AN\nSố: 16/2018/TT-BCA\nTHÔNG TƯ\nQuy định chi tiết\nĐiều 1. Phạm vi điều chỉnh\n"
        "Thông tư này quy định chi tiết./.\nBỘ TRƯỞNG\nThượng tướng Tô Lâm\nPhụ lục I\nMẫu giấy phép\n"
    )
    assert meta.signer == "Tô Lâm"


def test_issuer_of_an_organ_and_of_a_ministry_department() -> None:
    """ "Ban Thường trực" is named after its committee; a ministry's Cục is named alone."""
    organ = _meta_of(
        "ỦY BAN MTTQ VIỆT NAM XÃ LƯƠNG MINH\nBAN THƯỜNG TRỰC\nSố: 16/KH-MTTQ-BTT\n"
        "KẾ HOẠCH\nTổ chức ngày hội đại đoàn kết\nCăn cứ hướng dẫn của cấp trên.\n"
    )
    assert organ.issuer == "Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh"
    department = _meta_of(
        "BỘ CÔNG THƯƠNG\nCỤC HÓA CHẤT\nSố: 813/HC-CNHC\nV/v trao đổi quy định\nKính gửi: Cục Hải quan\n"
        "Cục Hóa chất trao đổi như sau./.\n"
    )
    assert department.issuer == "Cục Hóa chất"


def test_ocr_spelling_of_the_number_label_and_debris_in_the_date() -> None:
    """ "Só:3036 /SCT-CN" and "ngày 12 tháng 5$ năm 2026" as OCR reads a text-layer-less page."""
    meta = _meta_of(
        "UBND TỈNH LÀO CAI\nSỞ CÔNG THƯƠNG\nSó:3036 /SCT-CN\nV/v kiểm tra nghiệm thu\n"
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nLào Cai, ngày 12 tháng 5$ năm 2026\n"
        "Kính gửi: Công ty Cổ phần Năng lượng\nSở Công Thương đề nghị Công ty phối hợp thực hiện./.\n"
    )
    assert (meta.number, meta.date) == ("3036/SCT-CN", dt.date(2026, 5, 12))


@pytest.mark.parametrize(
    ("tail", "signer"),
    [
        # The signature's scribble read into the name's line.
        ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n2o ng / Trịnh Văn Lợi\n", "Trịnh Văn Lợi"),
        # A recipient wrapped onto a line of its own is no name; the signer's is found below.
        ("- Công ty TNHH Vận tải Hòa Phát\nMinh Châu;\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrịnh Văn Lợi\n", "Trịnh Văn Lợi"),
        # A team's signing title ("T/M. ĐOÀN …", "Đoàn" being a surname too) with the name lost.
        ("T/M. ĐOÀN KIỂM TRA\nTRƯỞNG ĐOÀN\n`É> ~\n", None),
    ],
    ids=["scribble-before-name", "wrapped-recipient", "team-title-no-name"],
)
def test_signer_line_as_ocr_reads_it(tail: str, signer: str | None) -> None:
    meta = _meta_of(
        "UBND TỈNH GIA LAI\nSỞ CÔNG THƯƠNG\nSố: 77/KH-SCT\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nGia Lai, ngày 12 tháng 5 năm 2026\nKẾ HOẠCH\nKiểm tra an toàn\n"
        "Các đơn vị được kiểm tra phối hợp thực hiện./.\nNơi nhận:\n- Như trên;\n" + tail
    )
    assert meta.signer == signer


def test_bare_signer_name_among_the_recipients_of_a_scan() -> None:
    """OCR lost the signing title; the name line sits among the "Nơi nhận" bullets."""
    meta = _meta_of(
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 01/CT-UBND\nCHỈ THỊ\nVề sử dụng hóa đơn điện tử\n"
        "Yêu cầu các Sở, ban, ngành khẩn trương triển khai thực hiện Chỉ thị này./.\n"
        "Nơi nhận:\n- Thường trực Tỉnh ủy;\n- CT, PCT UBND tỉnh;\n“Đặng Văn Minh\n- Lưu: VT, KTTH.\n"
    )
    assert meta.signer == "Đặng Văn Minh"


def test_received_stamp_over_the_header_of_a_scan() -> None:
    """A stamp read into the header ("©ÔNG THÔNG TIN …", the "Số:" label lost) costs no field."""
    meta = _meta_of(
        "CHÍNH PHỦ\n—- s=———ä, 19/2026/NQ-CP\n©ÔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ\nĐẾN Giờ 2415.1.20/6.\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nHà Nội, ngày 29 tháng 4 năm 2026\n"
        "NGHỊ QUYẾT\nCắt giảm thủ tục hành chính\nCăn cứ Luật Tổ chức Chính phủ số 63/2025/QH15;\n"
    )
    assert _fields(meta)[:4] == ("Nghị quyết", "19/2026/NQ-CP", dt.date(2026, 4, 29), "Chính phủ")


# Text layers an OCR engine without the Vietnamese model leaves on a scan: accents dropped, or the
# accented vowels read as digits and signs (as a phone scanner app's layer reads a Biên bản).
_BARE_LAYER = [
    "SO CONG THUONG PHIEU TRINH Kinh gui Lanh dao So Cong Thuong",
    "Noi dung trinh ket qua tham dinh phuong an cua cong ty tai tinh Lao Cai theo quy dinh",
    "Ho so van ban kem theo Phieu chuyen cua Van phong UBND tinh ngay 15 thang 8 nam 2025",
    "de nghi phe duyet va thuc hien theo quy dinh cua phap luat ve viec nay trong nam",
]
_DIGIT_LAYER = [
    "CQNG HOA XA HOr CHir NGHIA VrpT NAM DQc lfp - Trp do - H4nh phric BITN BAN KIEM TRA",
    "C6ng tic nghi$m thu v6 phdng ch6y chfi.a chdy vi hohn thhnh c6ng trinh x6y dgng kho ch[,a",
    "H6m nay, ngiy 31 th6ng 03 ndm2026 s6 c6ng Thuong ti6n hdnh ki6m tra c6ng t6c nghiQm thu",
    "- Ong D5 Mqnh Cuong - Chirc vq: ph6 trudng phdng; 6ng Ng6 Ngoc Dtng - Chfrc vp: Chuydn vi6n",
]


@needs_ocr
@pytest.mark.parametrize("layer", [_BARE_LAYER, _DIGIT_LAYER], ids=["accents-dropped", "digits-for-vowels"])
def test_scan_with_an_unaccented_ocr_layer_is_read_again(tmp_path: Path, settings: Settings, layer: list[str]) -> None:
    """A scan whose text layer an OCR engine without the Vietnamese model left ("SO CONG THUONG",
    "C6ng tic nghi$m thu") is OCR'd with the Vietnamese model."""
    visible = ["SỞ CÔNG THƯƠNG", "PHIẾU TRÌNH", "Kính gửi: Lãnh đạo Sở Công Thương"]
    path = make_garbled_pdf(tmp_path / "scan-with-layer.pdf", visible_lines=visible, text_layer=layer)
    extracted = load(path, settings=settings)
    assert "PHIẾU TRÌNH" in extracted.text
    assert layer[0].split()[0] not in extracted.text.split()
    assert any("OCR used" in w for w in extracted.warnings)


def test_issuer_split_by_the_motto_and_a_portal_editorial_board() -> None:
    """ "HỘI ĐỒNG BẦU CỬ" … motto … "QUỐC GIA" is one name; a portal's Ban Biên tập keeps the portal."""
    council = _meta_of(
        "HỘI ĐỒNG BẦU CỬ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nQUỐC GIA\nĐộc lập - Tự do - Hạnh phúc\n"
        "Số: 40/NQ-HĐBCQG\nHà Nội, ngày 29 tháng 9 năm 2025\nNGHỊ QUYẾT\nVề mẫu văn bản bầu cử\n"
        "Căn cứ Luật Bầu cử;\n"
    )
    assert council.issuer == "Hội đồng Bầu cử quốc gia"
    board = _meta_of(
        "CỔNG THÔNG TIN ĐIỆN TỬ\nTỈNH VĨNH LONG\nBAN BIÊN TẬP\nSố: 91/CTTĐT-BBT\nV/v đăng tải dự thảo\n"
        "Kính gửi: Sở Nội vụ\nBan Biên tập thông báo kết quả đăng tải./.\n"
    )
    assert board.issuer == "Ban Biên tập Cổng thông tin điện tử tỉnh Vĩnh Long"


def test_draft_docx_with_a_blank_day_has_no_issuance_date(tmp_path: Path) -> None:
    """A working DOCX ("ngày   tháng 4 năm 2026") whose body opens on a dated earlier letter: the
    issuance date is unknown (None, never the cited day); the month printed is ``date_partial``."""
    path = make_docx(
        tmp_path / "du-thao-cong-van.docx",
        header_left=["UBND TỈNH LÀO CAI", "SỞ CÔNG THƯƠNG", "Số:      /SCT-CN", "V/v báo cáo định kỳ"],
        header_right=[
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Lào Cai, ngày    tháng 4 năm 2026",
        ],
        paragraphs=[
            "Kính gửi: Các đơn vị hoạt động hóa chất trên địa bàn tỉnh",
            "Ngày 19 tháng 12 năm 2025, Sở Công Thương có Văn bản số 3169/SCT-CN gửi các đơn vị.",
            "Sở Công Thương yêu cầu các đơn vị báo cáo trước ngày 08 tháng 4 năm 2026./.",
            "KT. GIÁM ĐỐC",
            "PHÓ GIÁM ĐỐC",
            "Hoàng Văn Thuân",
        ],
        table=None,
    )
    meta = _read(path, Settings())
    assert (meta.number, meta.date, meta.date_partial) == ("/SCT-CN", None, dt.date(2026, 4, 1))
    assert (meta.date_source, meta.date_precision) == ("header", "month")


def test_minutes_signed_by_several_parties_have_no_single_signer() -> None:
    """Inspection minutes close with one block per party ("ĐD SỞ CÔNG THƯƠNG", "ĐD'CÔNG TY …" as OCR
    reads it): whoever is named last is only one of them, so there is no signer; minutes of a
    meeting signed by its chair keep the chair."""
    head = (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nBIÊN BẢN KIỂM TRA\n"
        "Kho vật liệu nổ công nghiệp của Công ty cổ phần Mông Sơn\n"
        "Hôm nay, ngày 31 tháng 3 năm 2026, Sở Công Thương tiến hành kiểm tra kho.\n"
        "Biên bản được lập thành 02 bản, mỗi bên giữ 01 bản và có giá trị như nhau./.\n"
    )
    parties = _meta_of(head + "ĐD SỞ CÔNG THƯƠNG\nĐD'CÔNG TY CP MÔNG SƠN\nĐỗ Mạnh Cường\nNguyễn Ngọc Chỉnh\n")
    assert (parties.signer, parties.several_signers) == (None, True)
    members = _meta_of(head + "ĐẠI DIỆN CÔNG TY CP ĐẦU TƯ\nPhạm Xuân Phường\nTHÀNH VIÊN THAM GIA\nÔng Vũ Mạnh Hà\n")
    assert members.signer is None
    chaired = _meta_of(
        "UBND TỈNH VĨNH LONG\nSỞ NỘI VỤ\nSố: 05/BB-SNV\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nVĩnh Long, ngày 8 tháng 5 năm 2026\nBIÊN BẢN\nCuộc họp góp ý dự thảo\n"
        "Cuộc họp kết thúc vào lúc 10 giờ cùng ngày./.\nGhi biên bản\nPhạm Thị Yến Nhi\n"
        "Chủ trì cuộc họp\nPHÓ GIÁM ĐỐC\nNguyễn Thị Ngọc Thi\n"
    )
    assert (chaired.signer, chaired.several_signers) == ("Nguyễn Thị Ngọc Thi", False)


def test_a_stamp_drawn_by_several_widgets_counts_once() -> None:
    """Some e-office PDFs carry each stamp as four widgets on one spot (UBND Hà Nội decisions of
    2025): PDFium reads "36 36 3636" into the slot. The figure drawn over itself is one "36", and
    the same figure again where one was taken is not inserted twice."""
    from ingest.loaders._pdf import _bounds, _drawn_once, _overlap

    glyph = [(125.0, 716.0, 131.0, 728.0), (131.0, 716.0, 137.0, 728.0)]
    again = [(125.4, 716.0, 131.4, 728.0), (131.4, 716.0, 137.4, 728.0)]
    assert _drawn_once("3636", [*glyph, *again]) == ("36", glyph)
    apart = [(140.0, 716.0, 146.0, 728.0), (146.0, 716.0, 152.0, 728.0)]
    assert _drawn_once("1212", [*glyph, *apart])[0] == "1212"
    assert _overlap(_bounds(glyph), _bounds(again))
    assert not _overlap(_bounds(glyph), (300.0, 716.0, 312.0, 728.0))


def test_ocr_debris_in_a_letters_header_costs_no_field() -> None:
    """An OCR'd Prime Minister's letter (part wf): a handwritten mark above the header ("97:"), a rule
    read as "—-", a mark read beside the agency ("THỦ TƯỚNG CHÍNH PHỦ ˆ"), a handwritten number the
    OCR could not read ("Số: @† /TTg-CĐS") and the day glued to its word ("ngày30"): the letter is
    still a Công văn of the Thủ tướng Chính phủ dated 30/4/2026, with no number rather than a wrong one."""
    text = "\n".join(
        [
            "97:",
            "THỦ TƯỚNG CHÍNH PHỦ ˆ CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "—-",
            "Số: @† /TTg-CĐS",
            "V/v triển khai các Nghị quyết cắt giảm, đơn giản hóa TTHC, ĐKKD",
            "Độc lập - Tự do - Hạnh phúc",
            "Hà Nội, ngày30 tháng 4 năm 2026",
            "Kính gửi: Các bộ, cơ quan ngang bộ.",
            "Các bộ, cơ quan ngang bộ khẩn trương triển khai, hướng dẫn thi hành các Nghị quyết./.",
        ]
    )
    meta = extract_metadata(clean_text(text), file_name="cv-464.pdf", default_province="Gia Lai")
    assert (meta.doc_type, meta.issuer, meta.date, meta.number) == (
        "Công văn",
        "Thủ tướng Chính phủ",
        dt.date(2026, 4, 30),
        None,
    )
