"""Tests for ingest.loaders: every format, built as a real file at test time by tests/docfactory."""

from __future__ import annotations

import os
import random
import shutil
import stat
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from ingest.loaders import SUPPORTED_SUFFIXES, load
from tests import docfactory as factory
from troly.config import Settings
from troly.errors import (
    CorruptFileError,
    EmptyDocumentError,
    EncryptedFileError,
    FileTooLargeError,
    IngestError,
    MissingToolError,
    UnsupportedFormatError,
)


def _has_vietnamese_ocr() -> bool:
    try:
        import pytesseract

        return "vie" in pytesseract.get_languages(config="")
    except Exception:
        return False


HAS_OCR = _has_vietnamese_ocr()


def needs_ocr(test: Callable[..., None]) -> Callable[..., None]:
    """Mark an OCR test; skip it only where Tesseract or its Vietnamese model is missing."""
    skip = pytest.mark.skipif(
        not HAS_OCR, reason="tesseract with the 'vie' model is not installed (Debian: tesseract-ocr-vie)"
    )
    return pytest.mark.ocr(skip(test))


needs_antiword = pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed")

SCAN_LINES = ["THÔNG BÁO", "Sở Tư pháp tỉnh Gia Lai", "Kế hoạch chuyển đổi số năm 2025"]


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    # 200 dpi matches the resolution the factory "scans" at, and keeps OCR fast.
    return Settings(home=tmp_path / "home", ocr_dpi=200)


def _key(text: str) -> str:
    """NFC + casefold, for tolerant comparisons of OCR output."""
    return unicodedata.normalize("NFC", text).casefold()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n")]


def test_supported_suffixes() -> None:
    assert {".pdf", ".docx", ".doc", ".txt", ".md", ".html", ".htm", ".png", ".jpg", ".tiff"} <= SUPPORTED_SUFFIXES
    assert all(s.startswith(".") and s == s.lower() for s in SUPPORTED_SUFFIXES)


# --------------------------------------------------------------------------- DOCX


def test_docx_header_table_lines_and_document_order(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_docx(tmp_path / "tb.docx", page_header_text="Tiêu đề trang lặp lại")
    result = load(path, settings=settings)

    assert result.source_format == "docx" and result.ocr is False
    lines = _lines(result.text)
    for expected in (*factory.HEADER_LEFT, *factory.HEADER_RIGHT):
        assert expected in lines  # every header cell paragraph on a line of its own
    assert "|" not in result.text
    order = [lines.index(x) for x in ("Số: 174/TB-UBND", "Gia Lai, ngày 05 tháng 7 năm 2025", "THÔNG BÁO")]
    assert order == sorted(order), "header table must come before the body"
    body = lines.index("Tỉnh đoàn chịu trách nhiệm phối hợp với Sở Tư pháp triển khai thực hiện.")
    assert lines.index("Sở Tư pháp rà soát văn bản") > body  # body table after the paragraphs
    # Table rows row by row, one cell per line.
    assert lines[lines.index("STT") : lines.index("STT") + 6] == [
        "STT",
        "Nội dung",
        "Thời hạn",
        "1",
        "Sở Tư pháp rà soát văn bản",
        "Trước ngày 30/7/2025",
    ]
    assert "Tiêu đề trang lặp lại" not in result.text  # page header is furniture
    assert result.text == unicodedata.normalize("NFC", result.text)


def test_docx_nested_table_and_list_numbers(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_docx(
        tmp_path / "kh.docx", numbered_items=["Mục tiêu", "Nhiệm vụ"], nested_table_text="Ô trong bảng lồng"
    )
    result = load(path, settings=settings)
    lines = _lines(result.text)
    assert "Ô trong bảng lồng" in lines
    assert "1. Mục tiêu" in lines and "2. Nhiệm vụ" in lines
    assert any("auto-numbered" in w for w in result.warnings)


_OUTLINE_NUMBERING = """
<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>
  <w:lvl w:ilvl="4"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2.%5."/></w:lvl>
</w:abstractNum>"""


def _make_outline_docx(path: Path, items: list[tuple[int, str]]) -> Path:
    """A DOCX whose paragraphs use a Vietnamese-style multi-level list (I. / 1. / a) / bullet)."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(_OUTLINE_NUMBERING))
    numbering.append(
        parse_xml(
            '<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="90">'
            '<w:abstractNumId w:val="90"/></w:num>'
        )
    )
    for level, text in items:
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(
            parse_xml(
                '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f'<w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
            )
        )
    document.save(str(path))
    return path


def test_docx_multilevel_numbering(tmp_path: Path, settings: Settings) -> None:
    items = [
        (0, "MỤC ĐÍCH, YÊU CẦU"),
        (1, "Mục đích"),
        (1, "Yêu cầu"),
        (2, "Chỉ tiêu một"),
        (2, "Chỉ tiêu hai"),
        (3, "Gạch đầu dòng"),
        (4, "Ý nhỏ"),
        (0, "NHIỆM VỤ"),
        (1, "Nhiệm vụ chung"),
    ]
    result = load(_make_outline_docx(tmp_path / "kh.docx", items), settings=settings)
    assert _lines(result.text) == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "2. Yêu cầu",
        "a) Chỉ tiêu một",
        "b) Chỉ tiêu hai",
        "• Gạch đầu dòng",
        "2.1. Ý nhỏ",
        "II. NHIỆM VỤ",
        "1. Nhiệm vụ chung",
    ]


def test_docx_named_doc_is_read_as_docx(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_docx(tmp_path / "van-ban.docx")
    renamed = path.rename(tmp_path / "van-ban.doc")
    result = load(renamed, settings=settings)
    assert result.source_format == "docx"
    assert "Số: 174/TB-UBND" in _lines(result.text)
    assert any("DOCX" in w for w in result.warnings)


def test_zip_that_is_not_docx_is_corrupt(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "fake.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "không phải văn bản Word")
    with pytest.raises(CorruptFileError, match=r"fake\.docx"):
        load(path, settings=settings)


def test_truncated_docx_is_corrupt(tmp_path: Path, settings: Settings) -> None:
    full = factory.make_docx(tmp_path / "full.docx").read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(full[: len(full) // 2])
    with pytest.raises(CorruptFileError):
        load(path, settings=settings)


def test_docx_with_broken_xml_is_corrupt(tmp_path: Path, settings: Settings) -> None:
    source = factory.make_docx(tmp_path / "ok.docx")
    path = tmp_path / "broken.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, b"<w:document" if item.filename == "word/document.xml" else data)
    with pytest.raises(CorruptFileError, match=r"broken\.docx"):
        load(path, settings=settings)


def test_xlsx_is_unsupported(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "bang.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedFormatError, match="Excel"):
        load(path, settings=settings)


def test_encrypted_docx(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_encrypted_docx(tmp_path / "mat-khau.docx")
    with pytest.raises(EncryptedFileError, match=r"mat-khau\.docx"):
        load(path, settings=settings)


# --------------------------------------------------------------------------- DOC (antiword)


def _fake_word97(path: Path) -> Path:
    """An OLE file with an all-zero WordDocument stream: sniffs as .doc, antiword rejects it."""
    return factory.make_ole_file(path, {"WordDocument": bytes(1024), "1Table": bytes(512)})


def test_doc_without_antiword(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    with pytest.raises(MissingToolError, match="antiword"):
        load(_fake_word97(tmp_path / "cu.doc"), settings=settings)


def test_doc_through_antiword_output(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # make_doc cannot write Word tables, so a stand-in 'antiword' prints antiword's table layout.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "antiword"
    script.write_text(
        "#!/bin/sh\n"
        'case "$*" in *"-m UTF-8.txt -w 0"*) ;; *) echo "bad arguments: $*" >&2; exit 2;; esac\n'
        "printf '|ỦY BAN NHÂN DÂN |CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|\\n"
        "|Số: 174/TB-UBND   |Gia Lai, ngày 05 tháng 7 năm 2025|\\n\\nTHÔNG BÁO\\n"
        "Tỉnh đoàn chịu trách nhiệm\\n'\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")

    result = load(_fake_word97(tmp_path / "cu.doc"), settings=settings)
    assert result.source_format == "doc"
    lines = _lines(result.text)
    assert "Số: 174/TB-UBND" in lines and "Gia Lai, ngày 05 tháng 7 năm 2025" in lines
    assert "Tỉnh đoàn chịu trách nhiệm" in lines


@needs_antiword
def test_real_doc_through_antiword(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_doc(tmp_path / "cu.doc", ["Số: 174/TB-UBND", *factory.DEFAULT_PARAGRAPHS])
    result = load(path, settings=settings)
    assert result.source_format == "doc"
    assert _lines(result.text)[:2] == ["Số: 174/TB-UBND", "THÔNG BÁO"]
    assert "Tỉnh đoàn chịu trách nhiệm phối hợp với Sở Tư pháp triển khai thực hiện." in _lines(result.text)


@needs_antiword
def test_encrypted_doc(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(EncryptedFileError, match=r"mat-khau\.doc"):
        load(factory.make_doc(tmp_path / "mat-khau.doc", encrypted=True), settings=settings)


@needs_antiword
def test_doc_rejected_by_antiword_is_corrupt(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(CorruptFileError, match="antiword"):
        load(_fake_word97(tmp_path / "hong.doc"), settings=settings)


def test_ole_without_word_stream(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_ole_file(tmp_path / "la.doc", {"Something": b"x"})
    with pytest.raises(CorruptFileError):
        load(path, settings=settings)


# --------------------------------------------------------------------------- PDF


def test_text_pdf_round_trip(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_text_pdf(tmp_path / "tb.pdf", factory.DEFAULT_PARAGRAPHS, pages=2)
    result = load(path, settings=settings)
    assert result.source_format == "pdf" and result.pages == 2 and result.ocr is False
    assert result.text == unicodedata.normalize("NFC", result.text)
    assert "Tỉnh đoàn chịu trách nhiệm phối hợp với Sở Tư pháp" in result.text
    first, second = result.text.split("\n\f\n")
    assert "Trang 1" in first and "Trang 2" in second
    assert "\r" not in result.text


def test_pdf_text_in_nfd_comes_out_nfc(tmp_path: Path, settings: Settings) -> None:
    decomposed = unicodedata.normalize("NFD", "Tỉnh đoàn chịu trách nhiệm")
    result = load(factory.make_text_pdf(tmp_path / "nfd.pdf", [decomposed]), settings=settings)
    assert "Tỉnh đoàn chịu trách nhiệm" in result.text


def test_encrypted_pdf(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_encrypted_pdf(tmp_path / "khoa.pdf")
    with pytest.raises(EncryptedFileError, match=r"khoa\.pdf"):
        load(path, settings=settings)


def test_garbage_named_pdf_is_corrupt(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "rac.pdf"
    path.write_bytes(random.Random(7).randbytes(4096))
    with pytest.raises(CorruptFileError, match=r"rac\.pdf"):
        load(path, settings=settings)


def test_broken_pdf_is_corrupt(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "hong.pdf"
    path.write_bytes(b"%PDF-1.7\n" + random.Random(3).randbytes(2048))
    with pytest.raises(CorruptFileError, match=r"hong\.pdf"):
        load(path, settings=settings)


def test_pdf_named_docx_is_read_as_pdf(tmp_path: Path, settings: Settings) -> None:
    pdf = factory.make_text_pdf(tmp_path / "x.pdf", ["Tỉnh đoàn chịu trách nhiệm"])
    path = pdf.rename(tmp_path / "that-ra-la-pdf.docx")
    result = load(path, settings=settings)
    assert result.source_format == "pdf"
    assert "Tỉnh đoàn chịu trách nhiệm" in result.text
    assert any("PDF" in w and ".docx" in w for w in result.warnings)


def test_html_and_text_named_pdf(tmp_path: Path, settings: Settings) -> None:
    html = tmp_path / "trang.pdf"
    html.write_text("<!DOCTYPE html><html><body><p>Thông báo kết luận</p></body></html>", encoding="utf-8")
    result = load(html, settings=settings)
    assert result.source_format == "html" and result.text == "Thông báo kết luận"

    text = tmp_path / "ghi-chu.pdf"
    text.write_text("Ghi chú: họp lúc 8 giờ", encoding="utf-8")
    result = load(text, settings=settings)
    assert result.source_format == "txt" and result.text == "Ghi chú: họp lúc 8 giờ"


def test_text_mentioning_pdf_magic_stays_text(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "ghi-chu.txt"
    path.write_text("Tệp mẫu bắt đầu bằng %PDF-1.7 ở đầu tệp", encoding="utf-8")
    assert load(path, settings=settings).source_format == "txt"


def test_pdf_with_only_a_blank_page_is_empty(tmp_path: Path, settings: Settings) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    path = tmp_path / "trang-trang.pdf"
    pdf.output(str(path))
    with pytest.raises(EmptyDocumentError):
        load(path, settings=settings)


def test_text_pdf_does_not_need_tesseract(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    path = factory.make_text_pdf(tmp_path / "tb.pdf", ["Tỉnh đoàn chịu trách nhiệm"])
    assert "Tỉnh đoàn" in load(path, settings=settings).text


def test_scanned_pdf_without_tesseract(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(tmp_path / "no-tesseract"))
    path = factory.make_scanned_pdf(tmp_path / "scan.pdf", ["THÔNG BÁO"])
    with pytest.raises(MissingToolError, match="tesseract-ocr"):
        load(path, settings=settings)


def test_scanned_pdf_without_vietnamese_model(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pytesseract

    fake = tmp_path / "tesseract"
    fake.write_text("#!/bin/sh\necho 'List of available languages in \"/x/\" (2):'\necho eng\necho osd\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(fake))
    path = factory.make_scanned_pdf(tmp_path / "scan.pdf", ["THÔNG BÁO"])
    with pytest.raises(MissingToolError, match="tesseract-ocr-vie"):
        load(path, settings=settings)


# --------------------------------------------------------------------------- OCR


@needs_ocr
def test_scanned_pdf_is_ocred(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_scanned_pdf(tmp_path / "scan.pdf", SCAN_LINES)
    result = load(path, settings=settings)
    assert result.ocr is True and result.pages == 1 and result.source_format == "pdf"
    text = _key(result.text)
    for word in ("thông báo", "sở tư pháp", "gia lai", "chuyển đổi số"):
        assert word in text
    assert any("OCR" in w for w in result.warnings)


@needs_ocr
def test_mixed_pdf_ocrs_only_scanned_pages(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_mixed_pdf(
        tmp_path / "mixed.pdf", text_lines=factory.DEFAULT_PARAGRAPHS, scanned_lines=SCAN_LINES
    )
    result = load(path, settings=settings)
    assert result.ocr is True and result.pages == 2
    typed, scanned = result.text.split("\n\f\n")
    assert "Tỉnh đoàn chịu trách nhiệm phối hợp với Sở Tư pháp" in typed
    assert "sở tư pháp" in _key(scanned)
    assert any("page(s) 2 of 2" in w for w in result.warnings)


@needs_ocr
@pytest.mark.parametrize("name", ["anh.png", "anh.jpg"])
def test_image_is_ocred(tmp_path: Path, settings: Settings, name: str) -> None:
    result = load(factory.make_image(tmp_path / name, SCAN_LINES), settings=settings)
    assert result.source_format == "image" and result.ocr is True and result.pages == 1
    text = _key(result.text)
    assert "thông báo" in text and "sở tư pháp" in text


@needs_ocr
def test_multipage_tiff_reads_every_frame(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_multipage_tiff(
        tmp_path / "scan.tiff", [["THÔNG BÁO", "Sở Tư pháp tỉnh Gia Lai"], ["KẾ HOẠCH", "Tỉnh đoàn Gia Lai"]]
    )
    result = load(path, settings=settings)
    assert result.pages == 2
    first, second = result.text.split("\n\f\n")
    assert "sở tư pháp" in _key(first) and "tỉnh đoàn" in _key(second)


@needs_ocr
def test_missing_ocr_language(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", ocr_languages="vie+xyz")
    path = factory.make_image(tmp_path / "anh.png", ["THÔNG BÁO"])
    with pytest.raises(MissingToolError, match="tesseract-ocr-xyz"):
        load(path, settings=settings)


# --------------------------------------------------------------------------- HTML


def test_html_drops_furniture_and_keeps_blocks(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "bai-viet.html"
    path.write_text(
        """<!DOCTYPE html><html><head><title>Cổng thông tin</title>
        <style>p { color: red }</style><script>var tracking = "xin chào";</script></head>
        <body><header><a href="/">Trang chủ</a></header><nav><a>Giới thiệu</a></nav>
        <main><article><header><h1>Thông báo kết luận</h1></header>
        <p>Tỉnh đoàn chịu trách nhiệm <b>phối hợp</b> với Sở Tư pháp &amp; các sở&nbsp;ngành.</p>
        <ul><li>Nhiệm vụ một</li><li>Nhiệm vụ hai</li></ul>
        <div>Hạn chót: ngày 30/7/2025<br>Sổ tay c&#7889; định</div>
        <table><tr><th>STT</th><th>Nội dung</th></tr><tr><td>1</td><td>Rà soát văn bản</td></tr></table>
        </article></main><aside>Tin liên quan</aside><footer>Bản quyền © 2025</footer></body></html>""",
        encoding="utf-8",
    )
    result = load(path, settings=settings)
    assert result.source_format == "html"
    assert _lines(result.text) == [
        "Thông báo kết luận",
        "Tỉnh đoàn chịu trách nhiệm phối hợp với Sở Tư pháp & các sở ngành.",
        "Nhiệm vụ một",
        "Nhiệm vụ hai",
        "Hạn chót: ngày 30/7/2025",
        "Sổ tay cố định",
        "STT",
        "Nội dung",
        "1",
        "Rà soát văn bản",
    ]


def test_html_meta_charset_windows_1258(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "cu.htm"
    body = "<html><head><meta charset='windows-1258'></head><body><p>Tỉnh đoàn Gia Lai</p></body></html>"
    path.write_bytes(factory.encode_cp1258(body))
    result = load(path, settings=settings)
    assert result.text == "Tỉnh đoàn Gia Lai"


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-16-le", b""),  # Notepad-style UTF-16 without a byte-order mark
    ],
)
def test_text_encodings(tmp_path: Path, settings: Settings, encoding: str, bom: bytes) -> None:
    content = "Số: 174/TB-UBND\r\nTỉnh đoàn chịu trách nhiệm\n"
    path = tmp_path / "ghi-chu.txt"
    path.write_bytes(bom + content.encode(encoding))
    result = load(path, settings=settings)
    assert result.source_format == "txt"
    assert result.text == "Số: 174/TB-UBND\nTỉnh đoàn chịu trách nhiệm\n"


def test_text_cp1258(tmp_path: Path, settings: Settings) -> None:
    # Windows-1258 stores tone marks as combining characters; the loader must recompose them (NFC).
    path = tmp_path / "cu.txt"
    path.write_bytes(factory.encode_cp1258("Tỉnh đoàn chịu trách nhiệm phối hợp"))
    result = load(path, settings=settings)
    assert result.text == "Tỉnh đoàn chịu trách nhiệm phối hợp"
    assert any("cp1258" in w for w in result.warnings)


def test_markdown_and_nfd_input(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "ghi-chu.md"
    path.write_text("# " + unicodedata.normalize("NFD", "Kế hoạch") + "\n\n- Ý tưởng", encoding="utf-8")
    result = load(path, settings=settings)
    assert result.source_format == "md"
    assert result.text == "# Kế hoạch\n\n- Ý tưởng"


# --------------------------------------------------------------------------- limits and refusals


def test_oversize_file(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "home", max_file_mb=0.001)
    path = factory.make_text_pdf(tmp_path / "lon.pdf", factory.DEFAULT_PARAGRAPHS)
    with pytest.raises(FileTooLargeError, match=r"lon\.pdf"):
        load(path, settings=settings)


@pytest.mark.parametrize("content", [b"", b"  \r\n\t \n"])
def test_empty_files(tmp_path: Path, settings: Settings, content: bytes) -> None:
    path = tmp_path / "rong.txt"
    path.write_bytes(content)
    with pytest.raises(EmptyDocumentError):
        load(path, settings=settings)


def test_empty_docx(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_docx(tmp_path / "rong.docx", header_table=False, paragraphs=["", "  "], table=None)
    with pytest.raises(EmptyDocumentError):
        load(path, settings=settings)


def test_unknown_extension(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "du-lieu.xyz"
    path.write_text("một vài dòng chữ", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError):
        load(path, settings=settings)


def test_rtf_is_unsupported(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "cu.doc"
    path.write_bytes(b"{\\rtf1\\ansi Thong bao}")
    with pytest.raises(UnsupportedFormatError, match="RTF"):
        load(path, settings=settings)


def test_errors_are_ingest_errors_with_user_messages(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "rac.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + bytes(5))
    with pytest.raises(IngestError) as caught:
        load(path, settings=settings)
    assert caught.value.user_message  # Vietnamese text for the chat user
