"""Header facts of a Vietnamese administrative document, read from its cleaned text.

A state document (Decree 30/2020/NĐ-CP layout) opens with a header block: the issuing agency
("ỦY BAN NHÂN DÂN / TỈNH GIA LAI"), "Số: 174/TB-UBND", the national motto, "Gia Lai, ngày …",
then the ALL-CAPS type line ("THÔNG BÁO") and the trích yếu (title). It ends with the
"Nơi nhận:" list and the signature block ("TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG / Lê Ngọc An").
Copies found in the wild lose parts of that frame: a PDF extract may start in the middle of the
body, a portal copy keeps only the type line, a draft leaves the number and the day blank. So
every field has a fallback taken from the text itself (the meeting date in the opening sentence,
the number suffix, "UBND tỉnh thông báo", the signature titles, the province named most often),
and every fallback says so in ``notes``. A field that cannot be found stays ``None``: a day is
never invented.

Where those blocks sit is :mod:`ingest.layout`'s job (shared with the chunker); the date itself
is read by the one header-date parser, :func:`troly.dates.parse_header_date`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from ingest.layout import (
    _BULLET_RE,
    _FOOTNOTE_BLOCK_RE,
    _MARK_LINE_RE,
    _MEETING_OPEN_RE,
    _MOTTO_RE,
    _NUMBER_RE,
    _PLACE_DATE_RE,
    _RECIPIENTS_RE,
    _SIGN_NOISE_RE,
    _SIGN_PREFIX_RE,
    _SURNAMES,
    _VV_RE,
    FrontMatter,
    _is_caps,
    _is_header_line,
    _is_titlecase,
    _key,
    _type_of_line,
    is_person_name,
    locate_front_matter,
    locate_furniture,
)
from ingest.loaders import is_syllable
from troly.dates import parse_header_date, safe_date
from troly.text import collapse_ws
from troly.types import DatePrecision, DocumentMeta

__all__ = ["extract_metadata", "repair_ocr_meta"]

# --- vocabularies ----------------------------------------------------------------------------
# Type codes in document numbers: "174/TB-UBND", "63/2024/NĐ-CP", "45/2019/QH14".
_NUMBER_CODES = {
    "TB": "Thông báo",
    "KH": "Kế hoạch",
    "BC": "Báo cáo",
    "QĐ": "Quyết định",
    "QD": "Quyết định",
    "CV": "Công văn",
    "TTr": "Tờ trình",
    "TTR": "Tờ trình",
    "CT": "Chỉ thị",
    "NQ": "Nghị quyết",
    "NĐ": "Nghị định",
    "ND": "Nghị định",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "HD": "Hướng dẫn",
    "HĐ": "Hướng dẫn",
    "CTr": "Chương trình",
    "CTR": "Chương trình",
    "ĐA": "Đề án",
    "DA": "Đề án",
    "QC": "Quy chế",
    "QyĐ": "Quy định",
    "CĐ": "Công điện",
    "GM": "Giấy mời",
    "BB": "Biên bản",
    "KL": "Kết luận",
    "PA": "Phương án",
    "QH": "Luật",
    "L": "Lệnh",
    "PTr": "Phiếu trình",
    "PTR": "Phiếu trình",
    "PC": "Phiếu chuyển",
    "GP": "Giấy phép",
    "GCN": "Giấy chứng nhận",
}
# Agency codes after the type code ("TB-UBND"): who issued a document without a header block.
_ISSUER_CODES = {"UBND": "UBND", "VPUBND": "Văn phòng UBND", "HĐND": "HĐND", "HDND": "HĐND"}
# Agency head words: the word after them starts the proper name ("Sở Khoa học và Công nghệ").
_AGENCY_HEADS = (
    "bo chi huy",
    "van phong",
    "chi cuc",
    "tong cuc",
    "trung tam",
    "cong an",
    "kho bac",
    "thanh tra",
    "benh vien",
    "uy ban",
    "hoi dong",
    "so",
    "bo",
    "cuc",
    "ban",
    "vu",
    "vien",
    "truong",
    "dai",
    "bao",
    "phong",
    "hoi",
    "toa an",
    "cong ty",
    "doan",
)
_AGENCY_KEYWORDS = re.compile(
    r"\b(?:uy ban|ubnd|hdnd|hoi dong|so|bo|ban|van phong|cuc|chi cuc|trung tam|tinh|thanh pho|"
    r"huyen|xa|phuong|quan|thi xa|quoc hoi|chinh phu|thu tuong|tinh uy|dang|cong an|kho bac|"
    r"bao hiem|cong ty|truong|benh vien|dai|hoi|lien doan|toa an|vien|mat tran|doan|cong thong tin|phong)\b"
)
# A capitalised word without a vowel is an abbreviation, never a syllable: "QLCN", "KTTH".
_VOWELLESS_RE = re.compile(r"[B-DF-HJ-NP-TV-XZĐ&]{2,}[,.]?")
# A legal database's banner above the header ("VĂN BẢN QUY PHẠM PHÁP LUẬT"): no agency.
_BANNER_RE = re.compile(r"^van ban\b")
# The rest of a body's name set up by a decision, on lines of its own: "THEO QUYẾT ĐỊNH",
# "SỐ 1050/QĐ-SCT" (a "SỐ" followed by figures is a number, not a "Sở").
_MANDATE_RE = re.compile(r"^(?:theo (?:quyet dinh|nghi quyet|ke hoach)\b|(?:so|ngay)\s+\d)")
# Four-word council names written as abbreviations in issuer names.
_COUNCILS = (("uy ban nhan dan", "UBND"), ("hoi dong nhan dan", "HĐND"))
# Organs named after the body they serve, without a comma: "Ban Thường trực Ủy ban MTTQ …".
_ORGANS = frozenset({"ban thuong truc", "thuong truc", "dang doan", "ban can su dang", "ban chap hanh", "ban bien tap"})
_FIELD_HEADS = frozenset({"so", "bo", "cuc", "chi cuc", "tong cuc", "vu"})
_PLACE_WORDS = ("thanh pho", "thi xa", "thi tran", "tinh", "huyen", "xa", "phuong", "quan")
# Place words whose accent-free key has one spelling only (OCR drops or swaps their tones).
_PLACE_SPELLING = {
    "thanh pho": "thành phố",
    "thi tran": "thị trấn",
    "tinh": "tỉnh",
    "huyen": "huyện",
    "phuong": "phường",
}
# "XÃ HỘI", "TỈNH ỦY", "QUẬN SỰ" …: a place word followed by these is not a place.
_NOT_PLACES = ("xa hoi", "tinh uy", "thanh pho thong minh")
_ACRONYMS = {"UBND", "HĐND", "MTTQ", "VNPT", "TW", "CP", "TP", "TP.", "CNTT", "KH&CN"}
_SPECIAL_AGENCIES = {
    "quoc hoi": "Quốc hội",
    "chinh phu": "Chính phủ",
    "thu tuong chinh phu": "Thủ tướng Chính phủ",
    "chu tich nuoc": "Chủ tịch nước",
    "uy ban thuong vu quoc hoi": "Ủy ban Thường vụ Quốc hội",
}
# Provinces (the 63 before the 2025 merger cover the 34 after it) and the five/six cities; the task reader
# also uses them to tell another province's bodies from the catalogue's ("UBND tỉnh Cao Bằng").
PROVINCES = (
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bắc Giang",
    "Bắc Kạn",
    "Bạc Liêu",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Định",
    "Bình Dương",
    "Bình Phước",
    "Bình Thuận",
    "Cà Mau",
    "Cao Bằng",
    "Đắk Lắk",
    "Đắk Nông",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Tĩnh",
    "Hải Dương",
    "Hậu Giang",
    "Hòa Bình",
    "Hưng Yên",
    "Khánh Hòa",
    "Kiên Giang",
    "Kon Tum",
    "Lai Châu",
    "Lâm Đồng",
    "Lạng Sơn",
    "Lào Cai",
    "Long An",
    "Nam Định",
    "Nghệ An",
    "Ninh Bình",
    "Ninh Thuận",
    "Phú Thọ",
    "Phú Yên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Tây Ninh",
    "Thái Bình",
    "Thái Nguyên",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Tiền Giang",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
    "Hà Nội",
    "Hồ Chí Minh",
    "Hải Phòng",
    "Đà Nẵng",
    "Cần Thơ",
    "Huế",
)
_CITIES = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"}
# News agencies' leads "(GLO)- …": a few well-known codes; unknown ones leave the issuer blank.
_NEWS_AGENCIES = {
    "GLO": "Báo Gia Lai",
    "BĐ": "Báo Bình Định",
    "BĐO": "Báo Bình Định",
    "TTXVN": "TTXVN",
    "CHINHPHU.VN": "Cổng TTĐT Chính phủ",
    "VOV": "VOV",
    "VTV": "VTV",
    "QĐND": "Báo Quân đội nhân dân",
    "ND": "Báo Nhân Dân",
    "NDO": "Báo Nhân Dân",
}

# Phrases that give away the type of a document copied without its header.
_TYPE_CUES = tuple(
    (re.compile(pattern, re.M), name)
    for pattern, name in (
        (r"\bthông báo để\b|\bkết luận (?:chỉ đạo )?như sau\s*:", "Thông báo"),
        (r"^Trên đây là (?:báo cáo|Báo cáo)\b|\bbáo cáo (?:cụ thể )?như sau\s*:", "Báo cáo"),
        (r"^Trên đây là (?:kế hoạch|Kế hoạch)\b", "Kế hoạch"),
        (r"^Trên đây là (?:tờ trình|Tờ trình)\b|\bkính trình\b", "Tờ trình"),
        (r"^Kính gửi\b", "Công văn"),
    )
)

# --- regular expressions ---------------------------------------------------------------------

_PLACE_DATE_IN_LINE_RE = re.compile(r"(?P<place>[^\d,.;:/]{2,40}?),\s*(?P<date>ngày\b.{0,60}?năm\s*\d{4})", re.I)
_MOTTO_TEXT_RE = re.compile(
    r"c[ộo]ng\s+h[òo][aà]?\s+x[ãa]\s+h[ộo]i\s+ch[ủu]\s+ngh[ĩi]a\s+vi[ệe]t\s+nam"
    r"|đ[ộo]c\s+l[ậa]p\s*[-–—,]\s*t[ựu]\s+do\s*[-–—,]\s*h[ạa]nh\s+ph[úu]c",
    re.I,
)
# Where the motto starts on a line shared with the agency name (two PDF columns read as one line).
_MOTTO_START_RE = re.compile(
    r"c[ộo]ng\s+h[òo][aà]?\s+x[ãa]\s+h[ộo]i|đ[ộo]c\s+l[ậa]p\s*[-–—,]|đ[ảa]ng\s+c[ộo]ng\s+s[ảa]n", re.I
)
# A date on a line of its own past the header ("Ngày 19 tháng 8 năm 2025" above the preparer's
# name on a phiếu trình): the form's date when its header prints none.
_DATE_LINE_RE = re.compile(r"^Ngày\s+(?P<date>\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})\s*\.?$", re.I)
# Who prepared a phiếu trình: the block "NGƯỜI LẬP PHIẾU TRÌNH" over a name, or the form's field
# "Họ và tên chuyên viên trình: Vũ Việt Linh". The leaders' names under "Ý KIẾN CỦA …" are opinions.
_PREPARER_HEAD_RE = re.compile(
    r"^(?:người\s+lập\s+phiếu(?:\s+trình)?|chuyên\s+viên\s+(?:trình|thụ\s+lý|xử\s+lý))\s*:?$", re.I
)
_PREPARER_FIELD_RE = re.compile(
    r"^(?:họ\s+(?:và\s+)?tên\s+)?(?:chuyên\s+viên|người)\s+(?:trình|thụ\s+lý|xử\s+lý|lập\s+phiếu)\s*:\s*(?P<name>.+)$",
    re.I,
)
_ADOPTED_RE = re.compile(r"\bthông qua ngày\s+(?P<date>\d{1,2}\s*tháng\s*\d{1,2}\s*năm\s*\d{4}|\d{1,2}/\d{1,2}/\d{4})")
# The publication line of a news page: "Thứ Ba, 03/03/2026 - 17:30", "03/03/2026 17:30 (GMT+7)".
_PUBLISHED_RE = re.compile(r"^(?:(?:thứ\s+\S+|chủ\s+nhật)\s*,?\s*)?(\d{1,2}/\d{1,2}/\d{4})\b(?!.{80})", re.I)
# A news agency's lead: "(GLO)- Chiều 3-3, …", "(Chinhphu.vn) - …".
_NEWS_LEAD_RE = re.compile(r"^\((?P<code>[A-ZĐa-z][\w.]{1,15})\)\s*[-–—]+\s*")
# "2026-03_…", "2024-09-19_…" in file names.
_FILENAME_DATE_RE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-_.](?P<m>\d{1,2})(?:[-_.](?P<d>\d{1,2}))?(?!\d)")
# Marks glued to a figure by OCR or a stamp ("tháng 5$ năm"): not part of the date.
_OCR_DEBRIS_RE = re.compile(r"(?<=\d)[^\w\s/.,-]+(?=\s)")
# A document number without its label: figures, optional year, and a hyphenated code
# ("19/2026/NQ-CP", "2336/QĐ-UBND"); a date ("12/5/2026") has no letters and never matches.
_BARE_NUMBER_RE = re.compile(r"(?<![\w/])\d{1,5}(?:/\d{4})?/[A-ZĐ][A-Za-zĐđ]*(?:-[A-ZĐ][A-Za-zĐđ0-9]*)+(?![\w/])")
_YEAR_RE = re.compile(r"\bnăm\s+((?:19|20)\d{2})\b")
_SIGN_PREFIX_DOT_RE = re.compile(r"^(?:TM|KT|TL|TUQ|Q)\.\s*\S")
# Characters typed or recognised for the slash of a number ("174⁄TB-UBND"): fraction slash,
# division slash, full-width solidus.
_SLASH_LOOKALIKES = str.maketrans({"\u2044": "/", "\u2215": "/", "\uff0f": "/"})


# --- small text helpers ----------------------------------------------------------------------


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:].lower()


def _sentence_case(text: str) -> str:
    """ "ĐẦU TƯ CÔNG" -> "Đầu tư công" (law names and caps titles)."""
    low = text.lower()
    return low[:1].upper() + low[1:]


# --- layout ----------------------------------------------------------------------------------


# --- field extraction ------------------------------------------------------------------------


def _find_number(lines: list[str], front: FrontMatter, *, header_only: bool = False) -> str | None:
    """The document's own number, from the header block only (body numbers cite other documents)."""
    above = [] if header_only else range(min(front.body_start, len(lines)))
    for i in sorted(set(front.header) | set(above)):
        match = _NUMBER_RE.search(lines[i])
        if match:
            return re.sub(r"\s+", "", match["num"])
    # OCR lost the "Số:" label (a stamp or a mark over it): a full number above the type line.
    stop = front.type_index if front.type_index is not None else min(front.body_start, 12)
    for i in [k for k in front.header if k < stop]:
        bare = _BARE_NUMBER_RE.search(lines[i])
        if bare:
            return bare.group(0)
    return None


def _displaced_header(lines: list[str], front: FrontMatter, stop: int) -> FrontMatter | None:
    """The header block of a first page whose text layer writes it after the title or the body.

    Some e-office templates draw the header (agency, "Số:", the motto, the place-date line) last,
    so the extracted page opens with "QUYẾT ĐỊNH" or the body. When the front matter has no motto,
    the block is found by its anchor, the motto, on the first page (before ``stop``), and read on
    its own; None when the front matter has its header (an agency, a number or the motto) or no
    such block exists.
    """
    if any(_MOTTO_RE.search(_key(lines[i])) or _NUMBER_RE.search(lines[i]) for i in front.header):
        return None
    if _agency_units(lines, front):
        return None  # the agency is on top; the motto is only read after the subject line
    for i in range(front.body_start, min(stop, len(lines))):
        if len(lines[i]) > 120 or not _MOTTO_RE.search(_key(lines[i])):
            continue
        start = i
        while start - 1 >= front.body_start and i - start < 6 and _is_header_line(lines[start - 1]):
            start -= 1
        block = locate_front_matter(lines, start, limit=12)
        if block.header and block.type_index is None:
            return block
        return None
    return None


@dataclass(slots=True)
class _Authentication:
    """What the authentication block of a consolidated text (văn bản hợp nhất) says."""

    number: str | None = None
    date_text: str | None = None
    place: str | None = None
    units: list[str] = field(default_factory=list)
    signer: str | None = None
    signer_title: str | None = None


_AUTHENTICATION_KEY = "xac thuc van ban hop nhat"
# A footnote's mark and text glued to the name line by the extractor: "Phùng Văn A 78 Cụm từ …".
_FOOTNOTE_TAIL_RE = re.compile(r"\s+\d{1,3}(?:\s.*)?$")


def _authentication(lines: list[str]) -> _Authentication | None:
    """The identity block a consolidated text prints at its end, around "XÁC THỰC VĂN BẢN HỢP
    NHẤT": the agency and "Số: …/VBHN-…" above it (the "Nơi nhận" list may sit between), then the
    place-date line, the signing titles and the name. None without such a block."""
    at = next((i for i, line in enumerate(lines) if _key(line) == _AUTHENTICATION_KEY), None)
    if at is None:
        return None
    found = _Authentication()
    above = range(max(0, at - 25), at)
    labels = [(i, m) for i in above if (m := _NUMBER_RE.match(lines[i])) and "VBHN" in m["num"].upper()]
    if labels:
        number_at, label = labels[0]
        found.number = re.sub(r"\s+", "", label["num"])
        header = [k for k in range(max(0, number_at - 3), number_at) if _is_caps(lines[k])]
        found.units = _agency_units(lines, FrontMatter(header=header, body_start=number_at))
    titles: list[str] = []
    for k in range(at + 1, min(len(lines), at + 8)):
        line = lines[k]
        date = _PLACE_DATE_RE.match(line)
        if date and found.date_text is None:
            found.place, found.date_text = _place_name(date["place"]), date["date"]
        elif _is_title_line(line):
            titles.append(collapse_ws(line))
        else:
            name = _name_of(_FOOTNOTE_TAIL_RE.sub("", line))
            if name and titles:
                found.signer, found.signer_title = name, " / ".join(titles)
            break
    return found


def _type_from_number(number: str | None) -> str | None:
    if not number:
        return None
    party = re.fullmatch(r"\d+-([A-ZĐa-zđ]+)/\w+", number)
    if party:
        return _NUMBER_CODES.get(party.group(1))
    last = number.rsplit("/", 1)[-1]
    code = re.sub(r"\d+$", "", last.split("-")[0])
    if code in _NUMBER_CODES:
        return _NUMBER_CODES[code]
    if code.upper() in _NUMBER_CODES:
        return _NUMBER_CODES[code.upper()]
    # "2210/UBND-NC", "7753/BKH-CN": the slot holds an agency, not a type: an official letter.
    return "Công văn" if code else None


def _news_lead(lines: list[str], front: FrontMatter) -> re.Match[str] | None:
    for line in lines[front.body_start : front.body_start + 4]:
        match = _NEWS_LEAD_RE.match(line)
        if match:
            return match
    return None


def _byline_only(lines: list[str], front: FrontMatter) -> bool:
    """A news article opens with the reporter's name in capitals, not an agency block."""
    if len(front.header) != 1 or front.title:
        return False
    line = lines[front.header[0]]
    return _is_caps(line) and len(line.split()) <= 5 and not _AGENCY_KEYWORDS.search(_key(line))


def _doc_type(lines: list[str], front: FrontMatter, number: str | None, furniture: bool) -> tuple[str | None, str]:
    """(type, how it was found): type line, number code, "V/v", news layout, then text cues."""
    if front.doc_type:
        return front.doc_type, "type line"
    from_number = _type_from_number(number)
    if from_number:
        return from_number, "number"
    if front.title and _VV_RE.match(lines[front.title[0]]):
        return "Công văn", "V/v line"
    newsy = not number and not furniture
    if newsy and _news_lead(lines, front):
        return "Tin tức", "news layout"
    body = "\n".join(lines[front.body_start :])
    for pattern, name in _TYPE_CUES:
        if pattern.search(body):
            return name, "text cue"
    if newsy and _byline_only(lines, front):
        return "Tin tức", "news layout"
    return None, ""


def _place_word_at(key: str) -> str | None:
    """The administrative-unit word ("tinh", "xa" …) opening ``key``, if it names a place."""
    if key.startswith(_NOT_PLACES):
        return None
    return next((p for p in _PLACE_WORDS if key.startswith(p + " ")), None)


def _has_place(name: str) -> bool:
    words = _key(name).split()
    return any(_place_word_at(" ".join(words[k:])) for k in range(len(words)))


def _agency_title(caps: str) -> str:
    """Title-case an ALL-CAPS agency name the way Vietnamese spells it.

    "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH" -> "Sở Văn hóa, Thể thao và Du lịch" (the fields a Sở/Bộ is
    named after are each capitalised); "BAN CHỈ ĐẠO PHÁT TRIỂN …" -> "Ban Chỉ đạo phát triển …";
    "ỦY BAN NHÂN DÂN TỈNH GIA LAI" -> "UBND tỉnh Gia Lai".
    """
    key = _key(caps)
    if key in _SPECIAL_AGENCIES:
        return _SPECIAL_AGENCIES[key]
    words = collapse_ws(caps).split()
    out: list[str] = []
    i = 0
    cap_next = True  # the next word starts a proper name
    fields = False  # a Sở/Bộ/Cục name: every field after "," / "và" / "-" is capitalised
    place = False  # inside a place name: every syllable is capitalised
    while i < len(words):
        rest_key = " ".join(_key(w) for w in words[i:])
        short = next((v for k, v in _COUNCILS if rest_key.startswith(k)), None)
        if short:
            out.append(short)
            i += 4
            cap_next = False
            continue
        word = words[i]
        place_word = _place_word_at(rest_key)
        if (word.isupper() and (word.upper().rstrip(",") in _ACRONYMS or _VOWELLESS_RE.fullmatch(word))) or re.search(
            r"\d", word
        ):
            out.append(word)  # acronyms ("QLCN": no syllable), and numbers with their codes ("1050/QĐ-SCT")
        elif place:
            out.append(_cap(word))
        elif place_word and out:
            n = len(place_word.split())
            # "TĨNH" read by OCR is still "tỉnh"; "quan"/"xa" keep their letters ("quân sự" is no place).
            spelling = _PLACE_SPELLING.get(place_word)
            out.extend([spelling] if spelling else (w.lower() for w in words[i : i + n]))
            i += n
            place = True
            continue
        elif cap_next:
            out.append(_cap(word))
            cap_next = False
            head = next((h for h in _AGENCY_HEADS if rest_key == h or rest_key.startswith(h + " ")), None)
            if head and not out[:-1]:
                fields = head in _FIELD_HEADS
                n = len(head.split())
                out.extend(w.lower() for w in words[i + 1 : i + n])
                i += n
                cap_next = True
                continue
        else:
            out.append(word.lower())
        if fields and (_key(word) == "va" or word.endswith(",") or word in {"-", "–"}):
            cap_next = True
        i += 1
    return _fix_place_names(" ".join(out))


def _fix_place_names(text: str) -> str:
    """Restore the capitals of province names lowercased by the title-caser ("Tỉnh ủy Gia Lai")."""
    for name in (*PROVINCES, "Việt Nam"):
        text = re.sub(rf"(?<!\w){re.escape(name.lower())}(?!\w)", name, text, flags=re.I)
    return text


_TRAILING_DEBRIS = re.compile(r"(?:[\s\W_]|[\u02b0-\u02ff])+$")  # spacing modifier letters ("ˆ") included
# A standing organ's name without the body it belongs to: the next header line completes it.
_ORGAN_OF_NEXT = re.compile(r"\b(?:thuong vu|chap hanh|thuong truc)$")


# A header's number line, however its number was read ("Số:22⁄ /QĐ-TTg").
_NUMBER_LINE = re.compile(r"^\s*(?:[Ss]ố|S[óôổ])\s*:")


def _agency_units(lines: list[str], front: FrontMatter) -> list[str]:
    """The ALL-CAPS agency lines of the header, a place line merged into the line above it."""
    units: list[str] = []
    numbered = False  # the "Số: …" line has passed: the agency's lines are above it
    for i in front.header:
        if front.type_index is not None and i > front.type_index:
            break  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …" under the title is the signing authority
        line = lines[i]
        number = _NUMBER_RE.search(line)
        for cut in (number, _MOTTO_START_RE.search(line)):
            if cut:
                line = line[: cut.start()].strip()
        if number is not None or _NUMBER_LINE.match(lines[i]):
            numbered = True
        if not line[:1].isalpha():
            continue  # OCR debris or a stamp ("©ÔNG THÔNG TIN …"): an agency name starts with a letter
        line = _TRAILING_DEBRIS.sub("", line)  # "THỦ TƯỚNG CHÍNH PHỦ ˆ": a mark OCR read beside the name
        if not _is_caps(line) or _MOTTO_RE.search(_key(line)) or _MARK_LINE_RE.match(line):
            continue
        key = _key(line)
        if _type_of_line(line) or _BANNER_RE.match(key):
            continue
        if units and _MANDATE_RE.match(key):
            units[-1] = f"{units[-1]} {line}"  # "ĐOÀN KIỂM TRA" + "THEO QUYẾT ĐỊNH" + "SỐ 1050/QĐ-SCT"
            continue
        if not _AGENCY_KEYWORDS.search(key):
            # (below the number: an incoming-mail stamp, "ĐẾN Số: … Ngày: …", not the agency's name)
            if units and not numbered and not _has_place(units[-1]) and len(line.split()) <= 3:
                units[-1] = f"{units[-1]} {line}"  # "HỘI ĐỒNG BẦU CỬ" + "QUỐC GIA" (the motto between)
            continue
        if units and _key(units[-1]) == key:
            continue  # the agency printed twice (a database banner above the real header)
        if units and _ORGAN_OF_NEXT.search(_key(units[-1])):
            units[-1] = f"{units[-1]} {line}"  # "ỦY BAN THƯỜNG VỤ" + "QUỐC HỘI": an organ is named with its body
            continue
        if units and _place_word_at(key) and not _has_place(units[-1]):
            units[-1] = f"{units[-1]} {line}"
        else:
            units.append(line)
    return units


def _issuer_from_header(units: list[str]) -> str | None:
    if not units:
        return None
    names = [_trim_after_province(_agency_title(u)) for u in units]
    if len(names) == 1:
        return names[0]
    parent, child = names[0], names[-1]
    if (_key(child).startswith("van phong") and len(child.split()) <= 2) or _key(child) in _ORGANS:
        return f"{child} {parent}"  # "Văn phòng UBND tỉnh …", "Ban Thường trực Ủy ban MTTQ …"
    if _key(parent).startswith("bo ") and _key(child).startswith(("cuc ", "tong cuc ", "vu ")):
        return child  # a ministry's department is named alone: "Cục Hóa chất"
    if _has_place(child):
        return child
    place = _locality(parent)
    if place:
        return f"{child} {place}"  # "Sở Nội vụ tỉnh Vĩnh Long", "Tiểu ban … xã Phố Bảng"
    if _PARTY_RE.search(_key(parent)):
        return f"{child}, {parent}"  # "Ban Tuyên giáo, Tỉnh ủy …": the committee names the organ
    # A sub-unit under a body that names no locality ("SỞ CÔNG THƯƠNG / ĐOÀN KIỂM TRA"): the
    # lower line is the issuer, as printed.
    return child


_PARTY_RE = re.compile(r"\b(?:tinh|thanh|huyen|quan|dang|xa|phuong) uy\b|\bdang\b")


def _locality(name: str) -> str | None:
    """The place a body is named after, from its place word on ("… tỉnh Vĩnh Long" -> "tỉnh
    Vĩnh Long", "Ủy ban Bầu cử xã Phố Bảng" -> "xã Phố Bảng")."""
    words = name.split()
    for k in range(1, len(words)):
        if _place_word_at(_key(" ".join(words[k:]))) and words[k][:1].islower():
            return " ".join(words[k:])
    return None


def _trim_after_province(name: str) -> str:
    """ "UBND tỉnh Gia Lai Nam" (the motto's "NAM" read into the agency column) -> "UBND tỉnh Gia Lai"."""
    for province in PROVINCES:
        match = re.search(rf"\b(?:tỉnh|thành phố)\s+{re.escape(province)}(?!\w)", name)
        if match:
            return name[: match.end()]
    return name


def _province_in(text: str) -> str | None:
    """The province/city named in one header line ("TỈNH GIA LAI" -> "Gia Lai")."""
    key = f" {_key(text)} "
    for name in PROVINCES:
        if f" {_key(name)} " in key:
            return name
    return None


def _province_counts(text: str) -> Counter[str]:
    counts: Counter[str] = Counter()
    key = f" {_key(text)} "
    for name in PROVINCES:
        n = key.count(f" {_key(name)} ")
        if n:
            counts[name] += n
    # "Huế" inside "Thừa Thiên Huế" is the same province.
    if counts.get("Thừa Thiên Huế"):
        counts["Huế"] -= counts["Thừa Thiên Huế"]
        if counts["Huế"] <= 0:
            del counts["Huế"]
    return counts


def _province(lines: list[str], front: FrontMatter, place: str | None, default: str) -> tuple[str, str]:
    """(province, how): header agency, then the place line, then the most named, then default."""
    for unit in _agency_units(lines, front):
        found = _province_in(unit)
        if found:
            return found, "header"
    if place:
        found = _province_in(place)
        if found:
            return found, "place"
    counts = _province_counts("\n".join(lines))
    if counts:
        best = max(counts.items(), key=lambda kv: (kv[1], -PROVINCES.index(kv[0])))
        return best[0], "text"
    return default, "default"


def _with_province(level_name: str, province: str) -> str:
    """ "UBND tỉnh" + "Gia Lai" -> "UBND tỉnh Gia Lai" (cities get "thành phố")."""
    unit = "thành phố" if province in _CITIES else "tỉnh"
    name = "Thành phố Hồ Chí Minh" if province == "Hồ Chí Minh" else province
    return f"{level_name} {unit} {name}".replace(f"{unit} Thành phố", "Thành phố")


def _issuer_code(number: str | None) -> str | None:
    if not number or "-" not in number:
        return None
    tail = number.rsplit("/", 1)[-1].split("-", 1)[1]
    return _ISSUER_CODES.get(tail.split("-")[0])


def _issuer_from_text(lines: list[str], front: FrontMatter, number: str | None, signer_title: str | None) -> str | None:
    """ "UBND" / "Văn phòng UBND" / "HĐND" inferred without a header block (no province yet)."""
    code = _issuer_code(number)
    if code:
        return code
    title = _key(signer_title or "")
    if title:
        if "quoc hoi" in title:
            return "Quốc hội"
        if "hoi dong nhan dan" in title:
            return "HĐND"
        if "uy ban nhan dan" in title or re.search(r"\bchu tich\b", title):
            return "UBND"
        if "chanh van phong" in title:
            return "Văn phòng UBND"
    body = _key("\n".join(lines[front.body_start :]))
    if re.search(r"thua lenh chu tich (?:ubnd|uy ban nhan dan)", body):
        return "UBND"
    if re.search(r"van phong (?:ubnd|uy ban nhan dan) tinh (?:thong bao|bao cao)", body):
        return "Văn phòng UBND"
    if re.search(r"(?:ubnd|uy ban nhan dan) tinh (?:thong bao|bao cao|ban hanh)", body):
        return "UBND"
    return None


# A party's signing heading in minutes or a contract: "ĐD SỞ CÔNG THƯƠNG", "ĐẠI DIỆN CÔNG TY …"
# ("ĐD'CÔNG TY" as OCR reads it), "THÀNH VIÊN THAM GIA".
_PARTY_HEADING_RE = re.compile(r"(?:ĐD|Đ\.D\.?|ĐẠI\s+DIỆN)\W\s*[A-ZĐÀ-Ỹ]|THÀNH\s+VIÊN\s+(?:THAM\s+GIA|ĐOÀN)\b")
_PARTIES_TAIL = 60  # lines at the end of a document where its signature blocks sit


def _parties_sign(lines: list[str], body_start: int) -> bool:
    """Two or more parties sign, each under its own heading (minutes of an inspection, a contract):
    the document has no single signer, and whoever the reader found last is only one of them."""
    tail = lines[max(body_start, len(lines) - _PARTIES_TAIL) :]
    return sum(1 for line in tail if _PARTY_HEADING_RE.match(line)) >= 2


# The recipients column's notes read onto the signer's line when the two columns are read across:
# "Trương Việt Dũng (để b/c) (để ph/h th/h)".
_RECIPIENT_NOTES = re.compile(r"(?:\s*\((?:để|đề)\s[^()]{1,30}\))+\s*$", re.IGNORECASE)


def _signature(lines: list[str], ranges: list[tuple[int, int]]) -> tuple[str | None, str | None]:
    """(signer, signer_title) from the first signature block that names someone."""
    for a, b in ranges:
        if _FOOTNOTE_BLOCK_RE.match(lines[a]):
            continue
        names = [
            k
            for k in range(a, b)
            if is_person_name(_RECIPIENT_NOTES.sub("", lines[k]))
            and not _BULLET_RE.match(lines[k])
            and not _is_province_name(lines[k])
            and not lines[k].endswith(";")  # a recipient wrapped onto its own line
        ]
        if not names:
            continue
        name_at = names[-1]
        titles: list[str] = []
        k = name_at - 1
        while k >= a:
            line = lines[k]
            if _is_title_line(line):
                titles.insert(0, line)
            elif not _SIGN_NOISE_RE.match(line):
                break
            k -= 1
        starts = [i for i, t in enumerate(titles) if _SIGN_PREFIX_DOT_RE.match(t)]
        if starts:
            titles = titles[starts[0] :]
        else:
            titles = titles[-3:]
        title = " / ".join(collapse_ws(t) for t in titles) or None
        return collapse_ws(_RECIPIENT_NOTES.sub("", lines[name_at])).strip(".,;"), title
    return None, None


# Ranks and degrees printed before a signer's name ("Thượng tướng Tô Lâm", "TS. Lê Văn A").
_RANK_RE = re.compile(
    r"^(?:(?:Đại|Thượng|Trung|Thiếu)\s+(?:tướng|tá|úy|uý)|Chuẩn\s+đô\s+đốc|(?:Phó\s+)?Đô\s+đốc"
    r"|(?:GS|PGS|TS|ThS|BS|KS|CN|Ths)\.?(?:\s*(?:TS|BS|ThS)\.?)*)\s+(?=[A-ZĐÀ-Ỹ])"
)
# Title words of a signing authority ("PHÓ GIÁM ĐỐC", "KT. BỘ TRƯỞNG", "T/M. ĐOÀN KIỂM TRA").
_SIGN_TITLE_RE = re.compile(
    r"\b(?:chu tich|giam doc|truong|thu tuong|chanh van phong|bi thu|tong cuc|uy vien|truong doan|tm|kt|tl|tuq)\b"
)
_CLOSED_RE = re.compile(r"\./\.\s*$")


def _name_of(line: str) -> str | None:
    """The personal name on a signature line, without a rank or stray marks ("Tô Lâm")."""
    line = collapse_ws(_RECIPIENT_NOTES.sub("", line))
    if line.endswith(";"):
        return None  # a recipient wrapped onto its own line ("Quý Châu;"), not the signer
    name = _RANK_RE.sub("", line).strip(" .,;:\"'“”*")
    if not is_person_name(name) and not _SIGN_PREFIX_RE.match(name):
        # OCR reads the signature's scribble into the name's line: "2o ng / Nguyễn Văn A" (a
        # name in title case; a caps tail is a title: "T/M. ĐOÀN KIỂM TRA").
        tail = re.split(r"[^\w\s]|\d", name)[-1].strip()
        name = tail if _is_titlecase(tail.split()) else name
    return name if is_person_name(name) and not _is_province_name(name) else None


def _is_province_name(line: str) -> bool:
    """ "Yên Bái" on a line of its own (a table cell after the signature) names a place, not a signer."""
    key = _key(line)
    return any(key == _key(p) for p in PROVINCES)


def _signature_anywhere(lines: list[str], start: int) -> tuple[str | None, str | None]:
    """A signature block found past the closing of the body, wherever the extractor put it.

    Fallback for copies whose signature is not where ``locate_furniture`` looks: a DOC whose
    two-column "Nơi nhận" | signature table was read row by row (titles and name interleaved
    with the list), a signature followed by annexes, a name after a rank ("Thượng tướng …"), a
    scan whose title OCR lost (a bare name line among the "Nơi nhận" items, which are bullets).
    """
    closing = next(
        (k for k in range(start, len(lines)) if _CLOSED_RE.search(lines[k]) or _RECIPIENTS_RE.match(lines[k])),
        None,
    )
    if closing is None:
        return None, None
    for k in range(closing + 1, len(lines)):
        name = None if _BULLET_RE.match(lines[k]) else _name_of(lines[k])
        if not name:
            continue
        titles: list[str] = []
        m = k - 1
        while m >= max(closing - 3, start) and k - m <= 12:
            line = lines[m]
            if _is_title_line(line) and _SIGN_TITLE_RE.search(_key(line)):
                titles.insert(0, collapse_ws(line))
            elif not (_BULLET_RE.match(line) or _RECIPIENTS_RE.match(line) or _SIGN_NOISE_RE.match(line)):
                break
            m -= 1
        if titles:
            return name, " / ".join(titles)
        if any(_RECIPIENTS_RE.match(lines[m]) for m in range(max(closing, k - 25), k)):
            # A scan whose signing title OCR lost: a bare name line among the recipients.
            return name, None
    return None, None


def _preparer(lines: list[str], start: int) -> str | None:
    """The official who prepared a phiếu trình (it is theirs: the leaders below only write their
    opinion on it): the name under "NGƯỜI LẬP PHIẾU TRÌNH", else the form's "chuyên viên trình" field."""
    for k in range(len(lines) - 1, start - 1, -1):
        if _PREPARER_HEAD_RE.match(lines[k]):
            name = next((n for line in lines[k + 1 : k + 4] if (n := _name_of(line))), None)
            if name:
                return name
    for line in lines[start:]:
        if (m := _PREPARER_FIELD_RE.match(line)) and (name := _name_of(m["name"])):
            return name
    return None


def _is_title_line(line: str) -> bool:
    """A signature title: capitals, mostly letters ("KT. CHÁNH VĂN PHÒNG"), not OCR debris."""
    letters = sum(c.isalpha() for c in line)
    clean = line[:1].isalpha() and letters >= 0.7 * len(line.replace(" ", "").replace(".", ""))
    return clean and (_is_caps(line) or bool(_SIGN_PREFIX_RE.match(line)))


def _recipients(lines: list[str], ranges: list[tuple[int, int]]) -> list[str]:
    out: list[str] = []
    for a, b in ranges:
        for i in range(a, b):
            match = _RECIPIENTS_RE.match(lines[i])
            if not match:
                continue
            items = [match["rest"]] if match["rest"] else []
            j = i + 1
            while j < b and _BULLET_RE.match(lines[j]):
                items.append(lines[j])
                j += 1
            for item in items:
                for piece in re.split(r"(?:^|;)\s*[-–—•+]\s+", item):
                    piece = _BULLET_RE.sub("", piece).strip().rstrip(";.,").strip()
                    # Signature titles read into the same line by OCR are not recipients.
                    if piece and not _SIGN_PREFIX_DOT_RE.match(piece) and any(c.isalpha() for c in piece):
                        out.append(piece)
            break
    return out


def _title(lines: list[str], front: FrontMatter, doc_type: str | None) -> str | None:
    parts: list[str] = []
    if front.type_rest:
        parts.append(front.type_rest)
    parts.extend(lines[i] for i in front.title)
    if not parts and doc_type == "Tin tức":
        # A headline above the byline: sentence-case, no final full stop.
        for line in lines[: front.body_start + 1]:
            if not _is_caps(line) and not _NEWS_LEAD_RE.match(line) and not line.endswith("."):
                parts.append(line)
                break
    if not parts:
        return None
    title = collapse_ws(" ".join(parts))
    if _is_caps(title):
        title = _sentence_case(title)
    if len(title) > 300:
        cut = title[:300].rsplit(" ", 1)[0]
        title = cut.rstrip(",;:") + "…"
    return title


def _header_date(lines: list[str], front: FrontMatter, ranges: list[tuple[int, int]]) -> tuple[str | None, str | None]:
    """(place, date text) from the place-date line of the header (or above the signature)."""
    for i in front.header:
        # PDF extracts put both header columns on one line: "Số: 174/TB-UBND Gia Lai, ngày …".
        line = _MOTTO_TEXT_RE.sub(" ", _NUMBER_RE.sub(" ", lines[i]))
        match = _PLACE_DATE_RE.match(line.strip()) or _PLACE_DATE_IN_LINE_RE.search(line)
        if match:
            return _place_name(match["place"]), _OCR_DEBRIS_RE.sub("", match["date"])
    others = [k for a, b in ranges for k in range(a, b)] + list(range(min(len(lines), 15)))
    for i in others:
        match = _PLACE_DATE_RE.match(lines[i])
        if match:
            return _place_name(match["place"]), match["date"]
    return None, None


def _place_name(raw: str) -> str:
    place = collapse_ws(raw)
    return _agency_title(place) if _is_caps(place) else place


def _meeting_date(lines: list[str], front: FrontMatter, year_hint: int | None) -> dt.date | None:
    """The meeting date that opens the body ("Ngày 19 tháng 9 năm 2024, tại …")."""
    for line in lines[front.body_start : front.body_start + 3]:
        line = _NEWS_LEAD_RE.sub("", line)
        match = _MEETING_OPEN_RE.match(line)
        if not match:
            continue
        hint = year_hint
        if hint is None:
            years = [int(y) for y in _YEAR_RE.findall(" ".join(lines[front.body_start : front.body_start + 3]))]
            hint = max(years) if years else None
        date, precision = parse_header_date(match["date"], hint)
        if date and precision == "day":
            return date
    return None


def _filename_date(file_name: str) -> tuple[dt.date | None, DatePrecision | None]:
    stem = Path(file_name).name
    match = _FILENAME_DATE_RE.search(stem)
    if not match:
        return None, None
    year, month = int(match["y"]), int(match["m"])
    if not 1 <= month <= 12:
        return None, None
    if match["d"]:
        date = safe_date(year, month, int(match["d"]))
        if date:
            return date, "day"
    return dt.date(year, month, 1), "month"


def _fill_date(meta: DocumentMeta, lines: list[str], front: FrontMatter, date_text: str | None, file_name: str) -> None:
    """The header date; a header with the day left blank gives no issuance date (only ``date_partial``,
    the month or year printed, finer from the file name when it agrees); without a header date the
    meeting date, the adoption date, then the file name."""
    if date_text is None and meta.doc_type == "Tin tức":
        # A portal's publication line: "Thứ Ba, 03/03/2026 - 17:30".
        date_text = next((m.group(1) for line in lines[:6] if (m := _PUBLISHED_RE.match(line))), None)
    header_date, header_precision = parse_header_date(date_text) if date_text else (None, None)
    if header_date and header_precision == "day":
        meta.date, meta.date_source, meta.date_precision = header_date, "header", "day"
        return
    file_date, file_precision = _filename_date(file_name)
    if header_date:
        # "ngày   tháng 8 năm 2025": a draft, not issued yet; no body date stands for the day.
        partial: DatePrecision = "month" if header_precision == "month" else "year"
        meta.date_partial, meta.date_source, meta.date_precision = header_date, "header", partial
        if header_precision == "year" and file_date and file_date.year == header_date.year:
            meta.date_partial, meta.date_source, meta.date_precision = file_date.replace(day=1), "filename", "month"
        meta.notes.append(f"day left blank in the header date: issuance date unknown, {meta.date_precision} kept")
        return
    header_state = "header date blank" if date_text else "no header date"
    meeting = _meeting_date(lines, front, file_date.year if file_date else None)
    if meeting:
        meta.date, meta.date_source, meta.date_precision = meeting, "body", "day"
        meta.notes.append(f"date taken from the meeting date in the body ({header_state})")
        return
    adopted = list(_ADOPTED_RE.finditer("\n".join(lines[front.body_start :])))
    if adopted:
        date, precision = parse_header_date(adopted[-1]["date"])
        if date and precision == "day":
            meta.date, meta.date_source, meta.date_precision = date, "body", "day"
            meta.notes.append(f"date taken from the adoption date in the closing ({header_state})")
            return
    dated = [m["date"] for line in lines[front.body_start :] if (m := _DATE_LINE_RE.match(line))]
    if dated:
        date, precision = parse_header_date(dated[-1])
        if date and precision == "day":
            meta.date, meta.date_source, meta.date_precision = date, "body", "day"
            meta.notes.append(f"date taken from the date line above the signatures ({header_state})")
            return
    if file_date and file_precision == "day":
        meta.date, meta.date_source, meta.date_precision = file_date, "filename", "day"
        meta.notes.append(f"date taken from the file name ({header_state})")
    elif file_date:
        meta.date_partial, meta.date_source, meta.date_precision = file_date, "filename", file_precision
        meta.notes.append(f"year and month taken from the file name ({header_state})")


# Surnames as printed, by their accent-free form: one each (a fold two surnames share, "lu" for Lữ
# and Lư, is left out). OCR drops or swaps the marks of a name ("Trân Phước Hiền", "Xguyến …").
_SURNAME_SPELLING: dict[str, str] = {
    _key(s): s
    for s in re.findall(
        r"\w+",
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Đinh Trương Mai Cao Lưu Tạ Đoàn "
        "Châu Hà Tô Kiều Thái Quách Lương Triệu Trịnh Đào Lại Nông Đàm Phùng Thân Khổng Giáp Doãn Âu Lục Nghiêm",
    )
}


def _near_surname(word: str, *, stroke: bool = False) -> str | None:
    """The known surname ``word`` is an OCR reading of: itself, or one misread letter in a long
    surname ("xguyen" for "nguyen"). With ``stroke`` (letters ending the debris a signature stroke
    left in front of a name), also two edits, the reading at least a letter longer than the
    surname and opening on its letter ("Phqmí" for "Phạm": a stroke's tail read as a letter), when
    one surname is nearer than every other ("Phạnmí" is as near Phạm as Phan: no surname)."""
    key = _key(word)
    if key in _SURNAME_SPELLING:
        return _SURNAME_SPELLING[key]
    if len(key) >= 5:
        near = [
            s
            for k, s in _SURNAME_SPELLING.items()
            if len(k) == len(key) and sum(a != b for a, b in zip(k, key, strict=True)) == 1
        ]
        if len(near) == 1:
            return near[0]
    if stroke and len(key) >= 5:
        ranked = sorted((Levenshtein.distance(k, key), s) for k, s in _SURNAME_SPELLING.items())
        best, surname = ranked[0]
        unique = len(ranked) == 1 or ranked[1][0] > best
        if best <= 2 and unique and len(key) > len(_key(surname)) and key[0] == _key(surname)[0]:
            return surname
    return None


def is_signing_title(line: str) -> bool:
    """A line of a signature block's title ("KT. CHỦ TỊCH", "PHÓ CHÁNH VĂN PHÒNG")."""
    line = collapse_ws(line)
    return bool(line) and _is_title_line(line) and bool(_SIGN_TITLE_RE.search(_key(line)))


_LETTERS_AT_END_RE = re.compile(r"[^\W\d_]+$")


def _name_word(token: str) -> str | None:
    """``token`` as one capitalised syllable of a name ("Quốc", "Việt."), else None."""
    core = token.strip(".,;:")
    if not core or not core.isalpha() or not core[0].isupper() or not core[1:].islower():
        return None
    return core if is_syllable(core) else None


def name_in_ocr_line(line: str) -> str | None:
    """The personal name an OCR'd line of a signature block ends with, debris before it cut off.

    A seal or a signature stroke over the name line adds marks in front of it ("*sf“»Ñguyến Quốc
    Việt"). The name is the run of capitalised syllables the line ends with, opening on a known
    surname or on letters one mark away from one (then spelled as that surname); 2–5 words. A run
    without a surname is no name: a signer given as "Huy Nam Sơn" would be a wrong person."""
    words = line.split()
    run: list[str] = []
    k = len(words) - 1
    while k >= 0 and len(run) < 5:
        word = _name_word(words[k])
        if word is None:
            break
        run.insert(0, word)
        k -= 1
    honorific = bool(run) and _key(run[0]) in ("ong", "ba") and len(run) >= 3
    if honorific:
        run = run[1:]  # "Ông Vũ Mạnh Hà": an honorific, not the surname Ông
    tail = _LETTERS_AT_END_RE.search(words[k]) if k >= 0 else None
    letters = tail.group(0) if tail else ""
    printed = len(letters) >= 2 and letters[0].isupper() and _key(letters) in _SURNAME_SPELLING
    # The surname: the mark-glued word before the run when it is one as printed ("“Trần Văn Lâu": the
    # run itself opens on the rarer surname Văn), the run's first word, or the letters ending the
    # debris token before it. A run is never shortened to a surname inside it: "Thị Lê Vân" is the
    # end of "Hà Thị Lê Vân".
    if not honorific and printed and 2 <= len(run) <= 4:
        name = " ".join([_SURNAME_SPELLING[_key(letters)], *run])
    elif run and _key(run[0]) == "van" and letters and not honorific:
        # "~Š..Nyân Văn Lâu": Văn is a surname, but far more often the middle name of one whose
        # surname the debris in front of it swallowed: no name from this reading.
        return None
    elif run and _key(run[0]) in _SURNAMES and 2 <= len(run) <= 5:
        name = " ".join(run)
    elif k >= 0 and 1 <= len(run) <= 4:
        # Only a capitalised surname-length tail ("»Ñguyến"): a short lowercase one ("vu") is as
        # likely the end of a stroke read as letters as a surname.
        surname = _near_surname(letters, stroke=True) if len(letters) >= 3 and letters[0].isupper() else None
        if not surname:
            return None
        name = " ".join([surname, *run])
    else:
        return None
    return name if is_person_name(name) and not _is_province_name(name) else None


def repair_ocr_meta(meta: DocumentMeta) -> None:
    """Marks OCR lost in the header fields, where the right spelling is known: the signer's surname
    ("Trân Phước Hiền" → "Trần Phước Hiền") and a province or city name in the issuer ("UBND thành
    phố Cản Thơ" → "… Cần Thơ"). Given names are left as read (both "Hiên" and "Hiền" are names)."""
    if meta.signer:
        first, _, rest = meta.signer.partition(" ")
        right = _near_surname(first)
        if right and right != first and rest:
            meta.signer = f"{right} {rest}"
            meta.notes.append("signer's surname spelled as the known surname its OCR reading is close to")
    if meta.issuer:
        for place in PROVINCES:
            n = len(place.split())
            words = meta.issuer.split()
            for i in range(len(words) - n + 1):
                piece = " ".join(words[i : i + n])
                if piece != place and _key(piece) == _key(place):
                    meta.issuer = " ".join([*words[:i], place, *words[i + n :]])
                    meta.notes.append("place in the issuer spelled as the province it reads as")
                    break


def extract_metadata(text: str, *, file_name: str = "", default_province: str = "Gia Lai") -> DocumentMeta:
    """Read the header facts of one cleaned document (see the module docstring for the fallbacks)."""
    lines = [collapse_ws(line.translate(_SLASH_LOOKALIKES)) for line in text.split("\n")]
    lines = [line for line in lines if line]
    meta = DocumentMeta()
    if not lines:
        return meta
    front = locate_front_matter(lines)
    ranges = locate_furniture(lines, front.body_start)
    body_ranges = [r for r in ranges if not _FOOTNOTE_BLOCK_RE.match(lines[r[0]])]
    first_page = text.split("\f", 1)[0]
    page_end = sum(1 for line in first_page.split("\n") if collapse_ws(line))
    head = _displaced_header(lines, front, min(page_end, front.body_start + 60)) or front

    meta.number = _find_number(lines, head, header_only=True) if head is not front else None
    meta.number = meta.number or _find_number(lines, front)
    meta.signer, meta.signer_title = _signature(lines, body_ranges)
    if meta.signer is None:
        meta.signer, meta.signer_title = _signature_anywhere(lines, front.body_start)
    # A consolidated text whose top has no agency and no "Số:": its identity is at its end.
    labelled = any(_NUMBER_RE.match(lines[i]) for i in head.header)
    auth = None if labelled or _agency_units(lines, head) else _authentication(lines)
    if auth is not None and auth.number:
        meta.number = auth.number
        meta.notes.append("number, date, issuer and signer read from the consolidated text's authentication block")
    if auth is not None and auth.signer:
        meta.signer, meta.signer_title = auth.signer, auth.signer_title
    meta.recipients = _recipients(lines, body_ranges)
    meta.doc_type, how = _doc_type(lines, front, meta.number, bool(body_ranges))
    if how in {"number", "text cue", "V/v line"}:
        meta.notes.append(f"document type inferred from the {how}")
    meta.title = _title(lines, front, meta.doc_type)
    if meta.doc_type == "Phiếu trình" and (preparer := _preparer(lines, front.body_start)):
        meta.signer, meta.signer_title = preparer, "Người lập phiếu trình"

    place, date_text = _header_date(lines, head, body_ranges) if head is not front else (None, None)
    if auth is not None and auth.date_text:
        place, date_text = auth.place, auth.date_text
    if date_text is None:
        place, date_text = _header_date(lines, front, body_ranges)
    meta.place = place
    _fill_date(meta, lines, front, date_text, file_name)

    province, province_how = _province(lines, head, place, default_province)
    units = auth.units if auth is not None and auth.units else _agency_units(lines, head)
    issuer = _issuer_from_header(units)
    if issuer and re.fullmatch(r"(?:Văn phòng )?(?:UBND|HĐND)", issuer):
        meta.issuer = _with_province(issuer, province)  # "ỦY BAN NHÂN DÂN" without its place line
    elif issuer:
        meta.issuer = issuer
    elif meta.doc_type == "Tin tức":
        lead = _news_lead(lines, front)
        meta.issuer = _NEWS_AGENCIES.get(lead["code"].upper()) if lead else None
    else:
        level = _issuer_from_text(lines, front, meta.number, meta.signer_title)
        if level in {"UBND", "Văn phòng UBND", "HĐND"}:
            meta.issuer = _with_province(level, province)
            meta.notes.append(f"issuer inferred from the text (province from the {province_how})")
        elif level:
            meta.issuer = level
    if _parties_sign(lines, front.body_start):
        meta.several_signers = True
        if meta.signer:
            meta.signer, meta.signer_title = None, None
            meta.notes.append("signed by several parties (one block each): no single signer")
    if meta.doc_type == "Tin tức" and not meta.signer and _byline_only(lines, front):
        # The reporter's byline ("NGỌC LUẬN") signs a news article.
        meta.signer = " ".join(w[:1] + w[1:].lower() for w in lines[front.header[0]].split())
    return meta
