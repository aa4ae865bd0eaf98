"""Text that must be read whatever its encoding, and junk that must be refused (issue 11).

Every case is a real file: a .txt over the 64 KB sniffing sample with a multi-byte character cut
by the sample's end, UTF-16 and Windows-1258 files of the same size, junk files, and PDFs whose
text layer is in a legacy Vietnamese font encoding (TCVN3, VNI) or a broken font map.
"""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest

from ingest.loaders import load
from ingest.loaders._common import _SAMPLE
from ingest.loaders._vietnamese import decode_tcvn3, decode_vni, repair_vietnamese, syllable_share
from tests import docfactory as factory
from troly.config import Settings
from troly.errors import CorruptFileError, EmptyDocumentError

HAS_OCR = shutil.which("tesseract") is not None

SENTENCE = (
    "Điều 5. Giao Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan tổ chức họp, tham mưu thực hiện "
    "trước ngày 30/9/2025.\n"
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", database_url=None, chroma_url=None)


def _text_with_char_at(boundary: int, char: str, encoding: str, *, offset: int) -> tuple[str, bytes]:
    """A long Vietnamese text whose ``char`` starts ``offset`` bytes before ``boundary`` once encoded.

    The text before it is Vietnamese too (as in a real law), so that the sample, once a character
    is cut, does not pass for another encoding by chance.
    """
    unit = len("a".encode(encoding))
    target = boundary - offset
    head = ""
    while len((head + SENTENCE).encode(encoding)) <= target:
        head += SENTENCE
    head += "a" * ((target - len(head.encode(encoding))) // unit)
    assert len(head.encode(encoding)) == target
    text = head + char + "\n" + SENTENCE * 200
    return text, text.encode(encoding)


# --------------------------------------------------------------------------- sniffing by characters


# Every cut inside the character: "ộ"/"ữ" are 3 bytes in UTF-8 (cut after 1 or 2), "đ" is 2 (after 1).
@pytest.mark.parametrize(("char", "offset"), [("ộ", 1), ("ộ", 2), ("ữ", 1), ("ữ", 2), ("đ", 1)])
def test_utf8_over_64kb_with_a_character_cut_at_the_sample_end(
    tmp_path: Path, settings: Settings, char: str, offset: int
) -> None:
    text, data = _text_with_char_at(_SAMPLE, char, "utf-8", offset=offset)
    assert data[_SAMPLE - offset : _SAMPLE - offset + len(char.encode())] == char.encode()  # it straddles 65536
    path = tmp_path / "luat.txt"
    path.write_bytes(data)
    result = load(path, settings=settings)
    assert result.source_format == "txt"
    assert result.text == text
    assert not result.warnings


def test_utf8_law_text_over_64kb_of_real_vietnamese(tmp_path: Path, settings: Settings) -> None:
    # A whole law exported as text: 64 KB of Vietnamese, cut at every possible point of a character.
    body = ("Điều 1. Phạm vi điều chỉnh\n" + SENTENCE * 5) * 200
    data = body.encode("utf-8")
    assert len(data) > _SAMPLE
    for shift in range(3):
        path = tmp_path / f"luat-{shift}.txt"
        path.write_bytes(b"x" * shift + data)
        assert load(path, settings=settings).text == "x" * shift + body


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b"")]
)
def test_utf16_over_64kb_with_a_surrogate_pair_at_the_sample_end(
    tmp_path: Path, settings: Settings, encoding: str, bom: bytes
) -> None:
    char = "\U0001d400"  # outside the BMP: two UTF-16 code units
    text, data = _text_with_char_at(_SAMPLE - len(bom), char, encoding, offset=2)
    path = tmp_path / "ghi-chu.txt"
    path.write_bytes(bom + data)
    result = load(path, settings=settings)
    assert result.text == text


def test_cp1258_over_64kb(tmp_path: Path, settings: Settings) -> None:
    body = SENTENCE * 700
    data = factory.encode_cp1258(body)
    assert len(data) > _SAMPLE
    path = tmp_path / "cu.txt"
    path.write_bytes(data)
    result = load(path, settings=settings)
    assert result.text == body
    assert any("cp1258" in w for w in result.warnings)


def test_utf8_with_one_damaged_byte_is_still_utf8(tmp_path: Path, settings: Settings) -> None:
    data = (SENTENCE * 50).encode("utf-8")
    data = data[:1000] + b"\xff" + data[1000:]
    path = tmp_path / "hong.txt"
    path.write_bytes(data)
    result = load(path, settings=settings)
    assert "Giao Sở Nội vụ chủ trì" in result.text and "\ufffd" in result.text
    assert any("U+FFFD" in w for w in result.warnings)


# --------------------------------------------------------------------------- junk


@pytest.mark.parametrize(
    "content",
    [
        b"x;,.-!? ~#\n",  # 11 bytes of junk
        b"...!!! ---- ;;; ,,, ???\n" * 20,  # punctuation only
        b"\t \n \r\n" * 100,  # whitespace only
        b"ok\n",
    ],
)
def test_junk_text_is_refused_with_a_clear_message(tmp_path: Path, settings: Settings, content: bytes) -> None:
    path = tmp_path / "rac.txt"
    path.write_bytes(content)
    with pytest.raises(EmptyDocumentError) as info:
        load(path, settings=settings)
    assert "rac.txt" in str(info.value)
    assert info.value.user_message.startswith("Tệp")  # Vietnamese for the user, English in the log


def test_binary_noise_named_txt_is_refused(tmp_path: Path, settings: Settings) -> None:
    # High bytes only (no control characters): decodes as Latin-1 but reads as no language.
    noise = bytes((37 * i + 11) % 96 + 0xA0 for i in range(3000))
    noise = b" ".join(noise[i : i + 7] for i in range(0, len(noise), 7))
    path = tmp_path / "nhieu.txt"
    path.write_bytes(noise)
    with pytest.raises((EmptyDocumentError, CorruptFileError)) as info:
        load(path, settings=settings)
    assert info.value.user_message.startswith("Tệp")


def test_short_real_notes_are_kept(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "ghi-chu.txt"
    path.write_text("Họp giao ban lúc 8 giờ sáng thứ Hai", encoding="utf-8")
    assert load(path, settings=settings).text == "Họp giao ban lúc 8 giờ sáng thứ Hai"


# --------------------------------------------------------------------------- legacy encodings

# Lines as the legacy fonts store them, read as Latin-1 (the well-known renderings of the motto).
TCVN3_LINES = (
    "Céng hoµ x· héi chñ nghÜa ViÖt Nam",
    "§éc lËp - Tù do - H¹nh phóc",
    "Giao Së Néi vô chñ tr×, phèi hîp víi c¸c c¬ quan liªn quan tham m­u thùc hiÖn.",
)
VNI_LINES = (
    "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam",
    "Ñoäc laäp - Töï do - Haïnh phuùc",
    "Giao Sôû Noäi vuï chuû trì, phoái hôïp vôùi caùc cô quan lieân quan tham möu thöïc hieän.",
)
UNICODE_LINES = (
    "Cộng hoà xã hội chủ nghĩa Việt Nam",
    "Độc lập - Tự do - Hạnh phúc",
    "Giao Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan tham mưu thực hiện.",
)


def test_tables_decode_the_standard_renderings() -> None:
    assert [decode_tcvn3(line) for line in TCVN3_LINES] == list(UNICODE_LINES)
    assert [decode_vni(line) for line in VNI_LINES][1:] == list(UNICODE_LINES)[1:]
    assert decode_vni(VNI_LINES[0]) == "Cộng hòa xã hội chủ nghĩa Việt Nam"  # VNI spells "hòa"
    assert syllable_share(" ".join(UNICODE_LINES))[0] == 1.0
    assert syllable_share(" ".join(TCVN3_LINES))[0] < 0.6


def test_pdf_with_a_tcvn3_text_layer_is_converted(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_latin1_text_pdf(tmp_path / "cu-tcvn3.pdf", TCVN3_LINES)
    result = load(path, settings=settings)
    assert result.text.splitlines() == list(UNICODE_LINES)
    assert "page 1: legacy TCVN3 text converted" in result.warnings
    assert not result.ocr


def test_pdf_with_a_vni_text_layer_is_converted(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_latin1_text_pdf(tmp_path / "cu-vni.pdf", VNI_LINES)
    result = load(path, settings=settings)
    assert result.text.splitlines()[1:] == list(UNICODE_LINES)[1:]
    assert "page 1: legacy VNI text converted" in result.warnings


def test_tcvn3_txt_file_is_converted(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "cu.txt"
    path.write_bytes("\n".join(TCVN3_LINES).encode("latin-1"))
    result = load(path, settings=settings)
    assert result.text.splitlines() == list(UNICODE_LINES)
    assert any("TCVN3" in w for w in result.warnings)


def test_good_unicode_pdf_is_left_alone(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_text_pdf(tmp_path / "tot.pdf", UNICODE_LINES)
    result = load(path, settings=settings)
    assert result.text.splitlines() == list(UNICODE_LINES)
    assert not any("legacy" in w or "unreadable" in w for w in result.warnings)


# A broken font map: the glyphs show Vietnamese, the text layer maps them to unrelated Latin-1 letters.
GARBLED = (
    "CØNG HÒA XÃ HØI CHÛ NGHÌA VIØT NAM",
    "ÐØc lØp - TØ do - HØnh phúc",
    "Giao SØ NØi vØ chÛ trì, phØi hØp vØi các cØ quan liên quan tham mØu thØc hiØn.",
)


def test_broken_font_map_is_not_taken_for_a_legacy_encoding() -> None:
    result = repair_vietnamese("\n".join(GARBLED))
    assert result.status == "unreadable"


@pytest.mark.ocr
@pytest.mark.skipif(not HAS_OCR, reason="tesseract is not installed (CI installs tesseract-ocr-vie)")
def test_pdf_with_an_unreadable_text_layer_is_ocred(tmp_path: Path, settings: Settings) -> None:
    path = factory.make_garbled_pdf(tmp_path / "hong-font.pdf", visible_lines=UNICODE_LINES, text_layer=GARBLED)
    result = load(path, settings=settings)
    assert result.ocr
    assert "page 1: text layer unreadable, OCR used" in result.warnings
    assert "Nội vụ" in result.text and "CØNG" not in result.text


def test_unreadable_layer_without_ocr_keeps_the_text_and_says_so(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingest.loaders import _pdf
    from troly.errors import MissingToolError

    def missing(languages: str) -> None:
        raise MissingToolError("tesseract not installed")

    monkeypatch.setattr(_pdf, "ensure_tesseract", missing)
    path = factory.make_garbled_pdf(tmp_path / "hong-font.pdf", visible_lines=UNICODE_LINES, text_layer=GARBLED)
    result = load(path, settings=settings)
    assert not result.ocr
    assert any("unreadable and OCR is not available" in w for w in result.warnings)


def test_incremental_decoders_exist_for_the_codecs_we_sniff() -> None:
    for codec in ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1258", "latin-1"):
        codecs.getincrementaldecoder(codec)


def _shift_to_cyrillic(text: str) -> str:
    """What the broken e-office font map writes: precomposed Vietnamese letters 0x19FC lower."""
    skipped = {"ỷ": "ӹ", "Ỷ": "Ӹ", "ỹ": "ӻ", "Ỹ": "Ӻ"}
    return "".join(skipped.get(ch) or (chr(ord(ch) - 0x19FC) if "\u1ea0" <= ch <= "\u1ef5" else ch) for ch in text)


def test_pdf_whose_font_map_put_vietnamese_letters_in_cyrillic_is_converted(tmp_path: Path, settings: Settings) -> None:
    """ "Trҫn Sӻ Thanh", "Đҧng", "tӹ lӋ": the letters come back; a Cyrillic word stays Cyrillic."""
    lines = [*UNICODE_LINES, "Tỷ lệ đạt yêu cầu; Chủ tịch Trần Sỹ Thanh", "Trích dẫn: Москва"]
    path = factory.make_text_pdf(tmp_path / "e-office.pdf", [_shift_to_cyrillic(line) for line in lines])
    assert "Trҫn Sӻ Thanh" in _shift_to_cyrillic(lines[-2])
    result = load(path, settings=settings)
    assert result.text.splitlines() == lines
    assert "page 1: legacy Cyrillic-shifted text converted" in result.warnings
    assert not result.ocr
