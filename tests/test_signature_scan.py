"""The second reading of a scan's signature block (ingest.signature_scan).

A scanned document whose page-wide OCR lost the signer's name (a seal or a signature stroke across
it) has its signature block read again; the name is taken from the block's last name-like line,
its debris cut off, and only when it opens on a known surname.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.loaders import load
from ingest.metadata import name_in_ocr_line
from ingest.signature_scan import doubtful_name, is_block_title, reconcile_signer, reread_signer, signature_pages
from tests.docfactory import Row, make_scanned_letter
from tests.test_loaders import needs_ocr
from troly.config import Settings


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Nguyễn Quốc Việt", "Nguyễn Quốc Việt"),
        ("_ Nguyễn Quốc Việt", "Nguyễn Quốc Việt"),  # a stroke read as a mark
        ("*sf“»Ñguyến Quốc Việt", "Nguyễn Quốc Việt"),  # a surname glued to debris, one mark off
        ("Hà Thị Lê Vân", "Hà Thị Lê Vân"),
        ("fã Thị Lê Vân", None),  # the surname lost: "Lê Vân" would be another person
        ("C vu Thị Hoa", None),  # a short lowercase tail is no surname
        ("- =Phạnmí Huy Nam Sơn", None),  # as near Phan as Phạm: no surname
        ("“=Phqmí Huy Nam Sơn", "Phạm Huy Nam Sơn"),  # a stroke's tail after the surname, one nearest
        ("“Trần Văn Lâu", "Trần Văn Lâu"),  # the surname as printed behind a mark, not "Văn Lâu"
        ("~Š..Nyân Văn Lâu", None),  # "Văn" after debris: the middle name, the surname lost
        ("xTống Văn An", None),
        ("Ông Vũ Mạnh Hà", "Vũ Mạnh Hà"),  # an honorific, not the surname Ông
        ("PHÓ CHỦ TỊCH", None),
        ("Nơi nhận", None),
        ("tỉnh Quảng Ngãi (gửi kèm theo", None),
    ],
)
def test_the_name_an_ocr_line_of_a_signature_block_ends_with(line: str, name: str | None) -> None:
    assert name_in_ocr_line(line) == name


@pytest.mark.parametrize(
    ("page", "block", "signer"),
    [
        ("Trần Phước Hiên", "Trần Phước Hiền", "Trần Phước Hiền"),  # the page lost a tone mark
        ("Nguyễn Ngọc Tuấn", "Nguyên Ngọc Tuân", "Nguyễn Ngọc Tuấn"),  # the block lost them: the page's kept
        ("Văn Lâu", "Trần Văn Lâu", "Trần Văn Lâu"),  # the page lost the surname
        ("Trần Hoàng Tuấn", "Bùi Thị Quỳnh Vân", "Trần Hoàng Tuấn"),  # another name: the page's
        ("Đặng Văn Minh", None, "Đặng Văn Minh"),  # the block gave none
    ],
)
def test_the_signer_of_the_page_checked_against_the_block(page: str, block: str | None, signer: str) -> None:
    assert reconcile_signer(page, block) == signer


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("KT. CHỦ TỊCH", True),
        ("1L. CHỦ TỊCH", True),  # "TL." misread: the title under it is still one
        ("SERÀNH VĂN PHÒNG", False),
        ("12 CHỦ TỊCH", False),  # a number, not a misread prefix
        ("Nơi nhận:", False),
    ],
)
def test_a_signing_title_in_the_right_part_of_a_scan(line: str, title: bool) -> None:
    assert is_block_title(line) is title


def test_only_a_name_with_a_toneless_syllable_is_read_again() -> None:
    assert doubtful_name("Trần Phước Hiên")  # "Hiên" may be "Hiền" without its mark
    assert doubtful_name("Nguyễn Văn An")
    assert not doubtful_name("Nguyễn Ngọc Tuấn")  # every syllable carries a mark: taken as read


def test_pages_read_again_are_those_with_a_signing_title_last_first() -> None:
    header = "\n".join(["ỦY BAN NHÂN DÂN"] * 8)  # a first page's header lines are not a signature
    pages = [
        header + "\nKính gửi: Sở Tài chính\nNội dung",
        "Nội dung tiếp\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        "PHỤ LỤC\nBảng kê",
    ]
    assert signature_pages("\f".join(pages)) == [1]
    assert signature_pages("Một trang\nkhông có chữ ký") == []  # nothing to read again


_LETTER: list[Row] = [
    ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("TỈNH GIA LAI", "Độc lập - Tự do - Hạnh phúc"),
    ("Số: 318/UBND-KT", "Gia Lai, ngày 14 tháng 8 năm 2025"),
    "Kính gửi: Sở Tài chính",
    "Chủ tịch UBND tỉnh giao Sở Tài chính chủ trì rà soát, báo cáo trước ngày 30/9/2025./.",
    ("Nơi nhận:", "KT. CHỦ TỊCH"),
    ("- Như trên;", "PHÓ CHỦ TỊCH"),
    ("- Lưu: VT, KT.", ""),
    ("", ""),
]


@needs_ocr
def test_a_scans_signature_block_read_again_gives_the_name_under_debris_and_seal(
    tmp_path: Path, settings: Settings
) -> None:
    path = make_scanned_letter(
        tmp_path / "scan.pdf", [*_LETTER, ("", "*sf“» Nguyễn Thị Hoa")], seal_over="PHÓ CHỦ TỊCH"
    )
    text = load(path, settings=settings).text
    assert reread_signer(path, text, settings=settings) == "Nguyễn Thị Hoa"


@needs_ocr
def test_a_scan_without_a_name_under_its_title_gives_no_signer(tmp_path: Path, settings: Settings) -> None:
    path = make_scanned_letter(tmp_path / "unsigned.pdf", [*_LETTER, ("", "(Đã ký)")])
    text = load(path, settings=settings).text
    assert reread_signer(path, text, settings=settings) is None


def test_a_file_that_is_not_a_scan_gives_no_signer(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "note.txt"
    path.write_text("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nNguyễn Thị Hoa\n", encoding="utf-8")
    assert reread_signer(path, path.read_text(encoding="utf-8"), settings=settings) is None
