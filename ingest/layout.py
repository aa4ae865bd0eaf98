"""Layout of a Vietnamese administrative document: where the header, title, signature and
"Nơi nhận" blocks sit in its cleaned lines.

A state document (Decree 30/2020/NĐ-CP layout) opens with a header block (agency, "Số: …", the
national motto, "<place>, ngày …"), then the ALL-CAPS type line ("THÔNG BÁO") and the trích yếu
(title); it ends with the "Nơi nhận:" list and the signature block. The chunker skips the header
and signature blocks found here; :mod:`ingest.metadata` reads its fields from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from troly.text import canonical, collapse_ws, fold

__all__ = [
    "FrontMatter",
    "is_person_name",
    "locate_front_matter",
    "locate_furniture",
]

# ALL-CAPS type lines, longest first so "THÔNG TƯ LIÊN TỊCH" wins over "THÔNG TƯ".
_TYPE_WORDS: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "thong tu lien tich": "Thông tư liên tịch",
            "nghi quyet lien tich": "Nghị quyết liên tịch",
            "thong bao": "Thông báo",
            "ke hoach": "Kế hoạch",
            "bao cao": "Báo cáo",
            "quyet dinh": "Quyết định",
            "cong van": "Công văn",
            "to trinh": "Tờ trình",
            "chi thi": "Chỉ thị",
            "nghi quyet": "Nghị quyết",
            "bo luat": "Bộ luật",
            "luat": "Luật",
            "phap lenh": "Pháp lệnh",
            "hien phap": "Hiến pháp",
            "lenh": "Lệnh",
            "nghi dinh": "Nghị định",
            "thong tu": "Thông tư",
            "huong dan": "Hướng dẫn",
            "chuong trinh": "Chương trình",
            "de an": "Đề án",
            "quy che": "Quy chế",
            "quy dinh": "Quy định",
            "cong dien": "Công điện",
            "giay moi": "Giấy mời",
            "bien ban": "Biên bản",
            "ket luan": "Kết luận",
            "phuong an": "Phương án",
            "thong cao": "Thông cáo",
            "phieu trinh": "Phiếu trình",
            "phieu chuyen": "Phiếu chuyển",
            "giay phep": "Giấy phép",
            "giay chung nhan": "Giấy chứng nhận",
            "bang so sanh": "Bảng so sánh",
            "bang tong hop": "Bảng tổng hợp",
        }.items(),
        key=lambda kv: -len(kv[0]),
    )
)

_SURNAMES = frozenset(
    [
        "nguyen",
        "tran",
        "le",
        "pham",
        "hoang",
        "huynh",
        "phan",
        "vu",
        "vo",
        "dang",
        "bui",
        "do",
        "ho",
        "ngo",
        "duong",
        "ly",
        "dinh",
        "lam",
        "truong",
        "mai",
        "cao",
        "luu",
        "ta",
        "doan",
        "chau",
        "ha",
        "to",
        "kieu",
        "tu",
        "thai",
        "quach",
        "luong",
        "trieu",
        "chu",
        "la",
        "kim",
        "dao",
        "tang",
        "hua",
        "lai",
        "nong",
        "trinh",
        "van",
        "au",
        "diep",
        "giang",
        "khuc",
        "lo",
        "luc",
        "mac",
        "ong",
        "quan",
        "son",
        "tieu",
        "thach",
        "y",
        "ksor",
        "rah",
        "siu",
        "kpa",
        "nay",
        "ro",
    ]
)
# Syllables of signature titles (with their accents: "Trương" is a surname, "Trưởng" a title).
_TITLE_SYLLABLES = frozenset(
    [
        "chủ",
        "tịch",
        "phó",
        "giám",
        "đốc",
        "chánh",
        "phòng",
        "trưởng",
        "ủy",
        "uỷ",
        "nhân",
        "dân",
        "bộ",
        "sở",
        "thủ",
        "tướng",
        "quốc",
        "hội",
        "bí",
        "thư",
        "ký",
        "tm.",
        "kt.",
        "tl.",
        "tuq.",
        "q.",
        "thừa",
        "lệnh",
        "thay",
        "mặt",
        "viện",
        "hội",
        "đồng",
        "huy",
        "tổng",
        "cục",
    ]
)

# "Số: 174/TB-UBND", "Số:174/TB-UBND", "Số 174 / TB - UBND" (OCR), "Số: /BC-VPUBND" (blank),
# "Luật số: 45/2019/QH14", "Số: 118a/BC-SNV", "Số: 66.18/2026/NQ-CP", "Só:3036/SCT-CN" (OCR,
# with its colon).
_NUMBER_RE = re.compile(
    r"(?:^|\b(?:Luật|Bộ luật|Lệnh)\s+|(?<=\s))(?:[Ss]ố|S[óôổ](?=\s*:))\s*:?\s*"
    r"(?P<num>(?:\d+(?:\.\d+)?[a-z]?)?\s*/\s*(?:\d{4}\s*/\s*)?[A-ZĐ][A-Za-zĐđ0-9&]*(?:\s*-\s*[A-ZĐ][A-Za-zĐđ0-9&]*)*"
    # Party documents: "Số 12-KL/TU", "Số 57-NQ/TW".
    r"|\d+\s*-\s*[A-ZĐ][A-Za-zĐđ]*\s*/\s*[A-ZĐ][A-Za-zĐđ0-9]*)"
)
_VV_RE = re.compile(r"^(?:V/v|Về việc)\b\s*:?\s*", re.I)
# The national motto (and the Party's) in the header block; ``_key`` drops the en dashes of
# "Độc lập – Tự do – Hạnh phúc", so the separators are optional.
_MOTTO_RE = re.compile(
    r"cong hoa xa hoi chu nghia viet nam|doc lap\s*[-–—,]?\s*tu do\s*[-–—,]?\s*hanh phuc"
    r"|^dang cong san viet nam$"
)

# "Gia Lai, ngày 05 tháng 7 năm 2025", "Hà Nội, ngày    tháng    năm 2026".
# "Hà Nội, ngày 30 tháng 4 …", also as OCR glues the day to the word ("ngày30 tháng 4").
_PLACE_DATE_RE = re.compile(r"^(?P<place>[^\d,.;:]{2,40}),\s*(?P<date>ngày(?:\b|(?=\d)).{0,60}năm\s*\d{4})\s*$", re.I)
# A scan's debris line in the header zone: no word in it ("97:", "—-", "| =").
_DEBRIS_LINE_RE = re.compile(r"^[\W\d_]{1,8}$")
# A number line whose number OCR could not read ("Số: @† /TTg-CĐS", a handwritten number): still
# a line of the header, so the subject line under it is found.
_NUMBER_SLOT_RE = re.compile(r"^S[ốoóôổ]\s*:\s*\S")

# Confidentiality/urgency marks and draft labels printed in the header.
_MARK_LINE_RE = re.compile(r"^\(?(?:dự thảo|mật|tối mật|khẩn|thượng khẩn|hỏa tốc|hẹn giờ)\b.*", re.I)

# Opening of a meeting report: "Ngày 19 tháng 9 năm 2024, tại…", "Chiều ngày 05/7/2025, tại…",
# "Sáng 3-3, …", "Vào lúc 14 giờ ngày …" is not handled (rare in notices).
_MEETING_OPEN_RE = re.compile(
    r"^(?:vào\s+)?(?:(?:buổi\s+)?(?:sáng|chiều|trưa|tối)\s+)?(?:(?:thứ\s+\w+|chủ\s+nhật)\s*,?\s*)?"
    r"(?:ngày\s+)?(?P<date>\d{1,2}\s*(?:tháng\s*\d{1,2}(?:\s*,?\s*năm\s*\d{4})?"
    r"|[/\-.]\s*\d{1,2}(?:\s*[/\-.]\s*\d{4})?))"
    r"\s*(?:,|\s+tại\b|\s+\()",
    re.I,
)
# "Luật này đã được Quốc hội … thông qua ngày 29 tháng 6 năm 2024": the adoption date of a law.

# Signature-block prefixes: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "TL. CHỦ TỊCH", "Q. GIÁM ĐỐC".
_SIGN_PREFIX_RE = re.compile(r"^(?:TM|KT|TL|TUQ|Q|QUYỀN|THỪA LỆNH|THAY MẶT|KÝ THAY)\.?\s+\S", re.I)

# Lines in and around signatures that carry no information: stamps, "(Đã ký)", OCR debris.
_SIGN_NOISE_RE = re.compile(
    r"^(?:\(?\s*(?:đã\s+ký|đã\s+ký\s+và\s+đóng\s+dấu|ký\s+tên|đóng\s+dấu|chữ\s+ký)[^)]*\)?|\[[^\]]*\]|"
    r"(?:ký\s+bởi|người\s+ký|email|cơ\s+quan|thời\s+gian\s+ký)\s*:.*|\S{1,12})$",
    re.I,
)
_RECIPIENTS_RE = re.compile(r"^Nơi\s+nhận\s*:?\s*(?P<rest>.*)$", re.I)
_BULLET_RE = re.compile(r"^[-+–—•]\s*")
# The footnote block the cleaner appends: "Ghi chú:" then "[1] …" lines.
_FOOTNOTE_BLOCK_RE = re.compile(r"^Ghi chú\s*:?$")
_FOOTNOTE_ITEM_RE = re.compile(r"^\[\d{1,3}\]\s")
# Outline items: they end the header zone and never belong to a title or signature.
_ITEM_RE = re.compile(
    r"^(?:[IVXLC]{1,6}[.)]\s|[A-ZĐ][.)]\s|\d{1,2}(?:\.\d{1,2})*[.)]\s|[a-zđ]\)\s|[-+]\s"
    r"|(?:Điều|ĐIỀU|Chương|CHƯƠNG|Mục|MỤC|Phần|PHẦN)\s+[\dIVXLC])"
)
# Lines that open the body after the title.
_BODY_OPEN_RE = re.compile(
    r"^(?:Căn cứ|Kính gửi|Thực hiện|Theo đề nghị|Xét đề nghị|Tại\s|Ngày\s+\d|Vào\s|Sáng|Chiều|Trưa|Tối|"
    r"Hôm nay|Trên cơ sở|Để\s|Nhằm\s|Qua\s|Sau khi|Ủy ban|UBND|Thừa lệnh)",
)
# The closing formula ends the body: "… triển khai thực hiện./.", "Trên đây là báo cáo …".
_CLOSING_RE = re.compile(r"\./\.\s*$|^Trên đây là\b")


def _is_caps(text: str) -> bool:
    """An ALL-CAPS line of heading length."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2 or len(text) > 200:
        return False
    return sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _key(text: str) -> str:
    """Accent-free, lowercase, single-spaced form for vocabulary matching."""
    return collapse_ws(re.sub(r"[^\w\s&/-]", " ", fold(canonical(text))))


def is_person_name(text: str) -> bool:
    """A personal name line: 2–5 capitalised syllables ("Lê Ngọc An", "Rah Lan Chung")."""
    text = text.strip().strip(".,;")
    words = text.split()
    if not 2 <= len(words) <= 5 or any(ch.isdigit() for ch in text):
        return False
    keys = [_key(w) for w in words]
    if _is_titlecase(words):
        return keys[0] not in {"noi", "luu", "kinh", "nhu", "ghi", "trang", "anh", "da", "ky", "so"}
    # ALL-CAPS names only with a known surname and no title syllable ("NGUYỄN VĂN AN").
    lowered = {w.lower() for w in words}
    return all(w.isupper() for w in words) and keys[0] in _SURNAMES and not lowered & _TITLE_SYLLABLES


def _is_titlecase(words: list[str]) -> bool:
    for word in words:
        core = word.replace("'", "").replace("’", "")
        if not core or not core[0].isupper():
            return False
        rest = core[1:]
        if rest and not rest.islower():
            return False
    return True


@dataclass(slots=True)
class FrontMatter:
    """Where the header block, type line and title sit in a list of cleaned lines."""

    body_start: int = 0
    header: list[int] = field(default_factory=list)  # agency, Số, motto, date, marks
    type_index: int | None = None
    doc_type: str | None = None
    title: list[int] = field(default_factory=list)  # trích yếu lines (or the V/v line)
    type_rest: str = ""  # title text on the type line itself ("LUẬT ĐẦU TƯ CÔNG")


def _type_of_line(line: str) -> tuple[str, str] | None:
    """("Thông báo", rest) when ``line`` is an ALL-CAPS type line; None otherwise."""
    if not _is_caps(line) or line.rstrip().endswith(":") or _ITEM_RE.match(line):
        return None
    key = _key(line)
    for word, name in _TYPE_WORDS:
        if key == word or key.startswith(word + " "):
            rest = " ".join(collapse_ws(line).split()[len(word.split()) :])
            return name, rest
    return None


def _is_header_line(line: str) -> bool:
    """Lines of the header block: agency names, "Số:", "V/v", motto, place-date, marks."""
    folded = _key(line)
    return bool(
        (_is_caps(line) and not _ITEM_RE.match(line) and len(line) <= 120)
        or _MOTTO_RE.search(folded)
        or _PLACE_DATE_RE.match(line)
        or _NUMBER_RE.match(line)
        or _NUMBER_SLOT_RE.match(line)
        or _VV_RE.match(line)
        or _MARK_LINE_RE.match(line)
    )


def _vv_continues(line: str) -> bool:
    """A second line of a "V/v …" subject: short, unterminated, not a header or body line."""
    return (
        len(line) <= 150
        and not _is_header_line(line)
        and not _BODY_OPEN_RE.match(line)
        and not _ITEM_RE.match(line)
        and not line.endswith((".", ":"))
    )


def _first_type_line(lines: list[str], start: int, end: int) -> int | None:
    """Index of the type line when only short header-like lines stand above it."""
    for i in range(start, min(end, start + 14)):
        if _type_of_line(lines[i]):
            return i
        line = lines[i]
        if len(line) > 120 or _BODY_OPEN_RE.match(line) or _ITEM_RE.match(line):
            return None
        if line.endswith(".") and not _is_header_line(line) and len(line) > 40:
            return None
    return None


def locate_front_matter(lines: list[str], start: int = 0, limit: int = 30) -> FrontMatter:
    """Find the header block, the type line and the title at the top of ``lines[start:]``."""
    front = FrontMatter(body_start=start)
    i = start
    end = min(len(lines), start + limit)
    type_at = _first_type_line(lines, start, end)
    while i < end:
        line = lines[i]
        if type_at is not None and i < type_at and not _type_of_line(line):
            # Everything above the type line is header, OCR debris included ("cizñ RWA2mwn…").
            if _VV_RE.match(line) or (front.title and front.title[-1] == i - 1 and _vv_continues(line)):
                front.title.append(i)
            else:
                front.header.append(i)
            i += 1
            continue
        if front.type_index is None:
            typed = _type_of_line(line)
            if typed:
                front.type_index, (front.doc_type, front.type_rest) = i, typed
            elif _VV_RE.match(line):
                front.title = [i]
            elif front.title and front.title[-1] == i - 1 and _vv_continues(line):
                front.title.append(i)  # "V/v triển khai thực hiện" + "Nghị quyết số 57-NQ/TW"
            elif _is_header_line(line) or _DEBRIS_LINE_RE.match(line):
                front.header.append(i)  # debris: a handwritten mark, a rule ("97:", "—-") among the header lines
            else:
                break
            i += 1
            continue
        # After the type line: title lines, then caps authority lines, then the body.
        if _BODY_OPEN_RE.match(line) or _ITEM_RE.match(line) or _MEETING_OPEN_RE.match(line):
            break
        if _is_caps(line):
            if front.type_rest or (front.title and not _is_caps(lines[front.title[-1]])):
                front.header.append(i)  # "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH GIA LAI"
            elif len(front.title) < 3:
                front.title.append(i)  # a caps title ("ĐẦU TƯ CÔNG")
            else:
                break
            i += 1
            continue
        long_line = len(line) > 400 or (line.endswith(".") and len(line) > 150) or line.endswith(":")
        if long_line or len(front.title) >= 3 or (front.title and _is_caps(lines[front.title[-1]])):
            break
        if _is_header_line(line) and not _VV_RE.match(line):
            front.header.append(i)  # a date line below the type line
        else:
            front.title.append(i)  # "Về việc …", "Kết luận của …", "(Ban hành kèm theo …)"
        i += 1
    front.body_start = i
    return front


def _is_signature_line(line: str) -> bool:
    """Lines a signature block is made of: caps titles, names, stamps and noise."""
    return bool(
        (_is_caps(line) and len(line) <= 80 and not _ITEM_RE.match(line))
        or _SIGN_PREFIX_RE.match(line)
        or is_person_name(line)
        or _SIGN_NOISE_RE.match(line)
    )


def _signature_end(lines: list[str], start: int, stop: int) -> int | None:
    """Index after the signer's name when ``lines[start:stop]`` opens a signature block."""
    j = start
    while j < stop and j - start < 10 and _is_signature_line(lines[j]):
        if is_person_name(lines[j]) and any(_is_caps(lines[k]) for k in range(start, j)):
            return j + 1
        j += 1
    return None


_ITEM_END_RE = re.compile(r"[;.]\s*$")
_LIST_PUNCT_END_RE = re.compile(r"[;,]\s*$")


def _recipient_continues(lines: list[str], j: int) -> bool:
    """``lines[j]`` goes on with the recipient above it, which had no room on its line ("- Ủy ban TW
    Mặt trận Tổ quốc" / "Việt Nam;", a narrow table cell): the line above ends no item, and this one
    is no signature line, unless it ends like an item (a caps "ĐBQH," is an abbreviation, not a
    title)."""
    line = lines[j]
    return (
        not _ITEM_END_RE.search(lines[j - 1])
        and len(line) <= 120
        and not _SIGN_PREFIX_RE.match(line)
        and (bool(_LIST_PUNCT_END_RE.search(line)) or not _is_signature_line(line))
    )


def locate_furniture(lines: list[str], start: int = 0) -> list[tuple[int, int]]:
    """Ranges [a, b) of "Nơi nhận" lists and signature blocks (and the footnote block) to skip.

    The footnote block appended by the cleaner ("Ghi chú:" + "[1] …" lines) is returned last, as
    its own range, so callers can keep it apart from the body.
    """
    n = len(lines)
    notes_at = _footnote_block(lines)
    stop = notes_at if notes_at is not None else n
    ranges: list[tuple[int, int]] = []
    i = start
    while i < stop:
        match = _RECIPIENTS_RE.match(lines[i])
        if not match:
            i += 1
            continue
        a = i
        # A signature placed before the list (two-column tables read right cell first).
        while a - 1 >= start and _is_signature_line(lines[a - 1]) and not _CLOSING_RE.search(lines[a - 1]):
            a -= 1
        if a < i and not any(is_person_name(lines[k]) for k in range(a, i)):
            a = i
        j = i + 1
        while j < stop and (
            (_BULLET_RE.match(lines[j]) and len(lines[j]) <= 200) or (j > i + 1 and _recipient_continues(lines, j))
        ):
            j += 1
        end = _signature_end(lines, j, stop)
        if end is None:
            # No name: still skip the caps titles and stamps that follow the list.
            while j < stop and _is_signature_line(lines[j]) and not _type_of_line(lines[j]):
                j += 1
            end = j
        ranges.append((a, end))
        i = end
    # A trailing signature without a "Nơi nhận" list (laws, some letters).
    if not ranges or ranges[-1][1] < stop:
        tail_from = ranges[-1][1] if ranges else start
        tail = _trailing_signature(lines, tail_from, stop)
        if tail is not None:
            ranges.append(tail)
    if notes_at is not None:
        ranges.append((notes_at, n))
    return ranges


def _trailing_signature(lines: list[str], lo: int, hi: int) -> tuple[int, int] | None:
    """A signature block at the end of ``lines[lo:hi]``: caps titles then a name."""
    j = hi
    while j - 1 >= lo and _SIGN_NOISE_RE.match(lines[j - 1]) and not is_person_name(lines[j - 1]):
        j -= 1
    if j - 1 < lo or not is_person_name(lines[j - 1]):
        return None
    a = j - 1
    while a - 1 >= lo and hi - a < 12 and _is_signature_line(lines[a - 1]) and not _CLOSING_RE.search(lines[a - 1]):
        a -= 1
    if not any(_is_caps(lines[k]) for k in range(a, j - 1)):
        return None
    return a, hi


def _footnote_block(lines: list[str]) -> int | None:
    """Index of the cleaner's trailing "Ghi chú:" line when every line after it is "[n] …"."""
    for i in range(len(lines) - 2, -1, -1):
        if _FOOTNOTE_BLOCK_RE.match(lines[i]):
            if all(_FOOTNOTE_ITEM_RE.match(line) for line in lines[i + 1 :]):
                return i
            return None
    return None
