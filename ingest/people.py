"""People, roles and teams as assignees: the catalogue holds bodies, so these are read as written.

A plan gives work by name ("4.1. Ông. Hoàng Văn An - Trưởng đoàn: Phụ trách chung …", "- Đồng chí
Chủ tịch Ủy ban MTTQ xã chịu trách nhiệm …", a heading "3. Cán bộ phụ trách …", a partner "phối
hợp với Trưởng thôn"). Each function returns the name as written (honorific dropped) or None; the
walker in :mod:`ingest.tasks` decides where such a reading applies (only where a section directs
work) and which unit, if any, the name belongs to.
"""

from __future__ import annotations

import re

from ingest.directive_words import VERB_START
from troly.text import collapse_ws

__all__ = ["honored_subject", "person_heading", "person_label", "person_partners"]

# A person or a team given work by name in a plan's assignment list: "4.1. Ông. Hoàng Văn Thuân -
# Trưởng đoàn: Phụ trách chung; …", "1. Đồng chí Trưởng Ban xây dựng Đảng - Trưởng Tiểu ban: …",
# "- Tổ kiểm phiếu: …", "6.2 Đối với đơn vị được kiểm tra: Chuẩn bị báo cáo …". The catalogue holds
# bodies, not people or ad-hoc teams, so these are named as written (honorific dropped).
_LABEL = re.compile(r"^(?P<label>[^:;()\n]{3,110}?)\s*:\s*(?P<rest>\S.*)$", re.DOTALL)
_HONORIFIC = re.compile(r"^(?:đồng\s+chí|đ/c|ông|bà)(?:\s*\.\s*|\s+)", re.IGNORECASE)
# A person's title (not a team): "Trưởng thôn", "Bí thư chi bộ", "Thư ký hội nghị".
_TITLES = (
    r"(?:phó\s+)?(?:trưởng|chủ\s+tịch|bí\s+thư|giám\s+đốc|chánh|chủ\s+nhiệm|tổ\s+trưởng|đội\s+trưởng)\s|"
    r"(?:thư\s+ký|tổ\s+phó|kế\s+toán)\b"
)
_PERSON_TITLE = re.compile(rf"^(?:{_TITLES})", re.IGNORECASE)
# A person, a role or a team: a title, a member, a designated officer, a team word.
_PERSON_ROLE = re.compile(
    rf"^(?:{_TITLES}|(?:thành\s+viên|ủy\s+viên|uỷ\s+viên)\b|"
    r"(?:cán\s+bộ|công\s+chức|chuyên\s+viên)\s+(?:phụ\s+trách|được\s+(?:giao|phân\s+công)|thụ\s+lý|đầu\s+mối|chuyên\s+trách)\b|"
    r"(?:các\s+)?(?:thành\s+viên|tổ|đội(?!\s+ngũ)|tiểu\s+ban|ban|đoàn(?!\s+kết)|bộ\s+phận)\s|"
    r"(?:các\s+)?tổ\s+chức\s+(?:thành\s+viên|chính\s+trị)\b)",
    re.IGNORECASE,
)
_MEMBER_ORGS = re.compile(r"^(?:các\s+)?tổ\s+chức\s+(?:thành\s+viên|chính\s+trị)\b", re.IGNORECASE)
# "- Đồng chí Chủ tịch Ủy ban MTTQ xã chịu trách nhiệm chỉ đạo chung …": the person is the subject.
_HONORED_SUBJECT = re.compile(
    r"^(?:đồng\s+chí|đ/c)\s+(?P<who>[^,;:.()]{3,100}?)\s+(?=(?:trực\s+tiếp|chịu\s+trách\s+nhiệm|có\s+trách\s+nhiệm|"
    r"chủ\s+trì|phụ\s+trách|tham\s+mưu|chỉ\s+đạo|theo\s+dõi|thực\s+hiện|là)\b)",
    re.IGNORECASE,
)
_PERSON_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zđà-ỹ]*\s+){1,3}[A-ZĐÀ-Ỹ][a-zđà-ỹ]*(?:\s*[-–,]\s*\S|\s*$)")
# Field labels of a plan's items ("Thời gian: …", "Thành phần: …"): what, when, where — not who.
_FIELD_LABEL = re.compile(
    r"^(?:thời\s+gian|thời\s+hạn|địa\s+điểm|thành\s+phần|nội\s+dung|kinh\s+phí|phương\s+tiện|hình\s+thức|"
    r"mục\s+đích|yêu\s+cầu|kết\s+quả|sản\s+phẩm|ghi\s+chú|lưu\s+ý|trong\s+đó|cụ\s+thể|đơn\s+vị\s+chủ\s+trì|"
    r"cơ\s+quan\s+chủ\s+trì|đơn\s+vị\s+phối\s+hợp|cơ\s+quan\s+phối\s+hợp|số\s+lượng|đối\s+tượng|phạm\s+vi)\b",
    re.IGNORECASE,
)
# "Đối với đơn vị được kiểm tra:" names who; "Đối với nơi có dưới 100 cử tri:" names a case.
_FOR_LABEL = re.compile(
    r"^(?:đối\s+với|riêng)\s+(?P<who>(?:các\s+)?(?:đơn\s+vị|cơ\s+quan|đoàn|tổ|ban|ủy\s+ban|uỷ\s+ban|hội\s+đồng|"
    r"phòng|trung\s+tâm|doanh\s+nghiệp|công\s+ty|tổ\s+chức|thành\s+viên|cán\s+bộ|người\s+đứng\s+đầu|chủ\s+đầu\s+tư|"
    r"nhà\s+thầu)\b.+)$",
    re.IGNORECASE,
)


def person_label(body: str) -> str | None:
    """The person, role or team an item's label gives the rest of the item to, as written, or None.

    "Ông. Hoàng Văn Thuân - Trưởng đoàn: Phụ trách chung …" → "Hoàng Văn Thuân - Trưởng đoàn". Only
    a label that reads as a name (an honorific, a title, a team word, or "Đối với <who>"), not one
    that opens with a verb ("Xây dựng kế hoạch: …"); the caller reads it only where the section directs work."""
    m = _LABEL.match(body.strip())
    if m is None:
        return None
    label = collapse_ws(m.group("label")).strip(" -–.")
    if not label or len(re.findall(r"\w+", label)) > 20 or _FIELD_LABEL.match(label):
        return None
    who = _FOR_LABEL.match(label)
    if who is not None:
        name = who.group("who").strip()
        return name if len(name.split()) >= 2 and not VERB_START.match(name) else None
    return _person_name(label)


def _person_name(text: str) -> str | None:
    """``text`` (honorific dropped) when it reads as a person, a role or a team, else None."""
    honoured = _HONORIFIC.match(text)
    name = text[honoured.end() :].strip() if honoured else text
    if not name or (VERB_START.match(name) and not _MEMBER_ORGS.match(name)):
        return None
    if _PERSON_ROLE.match(name) or (honoured and _PERSON_NAME.match(name)):
        return name[:1].upper() + name[1:]
    return None


def person_heading(body: str) -> str | None:
    """A heading that only names a person, a role or a team ("3. Cán bộ phụ trách lĩnh vực giám sát
    và phản biện xã hội", "2. Các tổ chức thành viên của MTTQ xã"): the items below are theirs."""
    text = collapse_ws(body).rstrip(" :.")
    if not text or ":" in text or len(re.findall(r"\w+", text)) > 16:
        return None
    return _person_name(text)


_PARTNER_LEAD = re.compile(r"phối\s+hợp(?:\s+chặt\s+chẽ|\s+thường\s+xuyên)?\s+(?:với|cùng)\s+", re.IGNORECASE)
_PARTNER_END = re.compile(r"[,;:.()]|\s(?:và|trong|để|nhằm|theo|tại)\s", re.IGNORECASE)


def person_partners(body: str) -> list[str]:
    """Office holders named as partners ("Phối hợp với Trưởng thôn rà soát danh sách cử tri"): the
    catalogue holds bodies, so a title after "phối hợp với" is read as written, up to the next verb."""
    out: list[str] = []
    for m in _PARTNER_LEAD.finditer(body):
        rest = body[m.end() :]
        stop = _PARTNER_END.search(rest)
        words = (rest[: stop.start()] if stop else rest).split()
        for i in range(1, len(words)):
            if VERB_START.match(" ".join(words[i:])):
                words = words[:i]
                break
        name = _person_name(" ".join(words[:12]))
        if name and _PERSON_TITLE.match(name):
            out.append(name)
    return out


def honored_subject(body: str) -> str | None:
    """The person an "Đồng chí <chức danh> <verb> …" sentence gives work to."""
    m = _HONORED_SUBJECT.match(body.strip().lstrip("-–—•·+ "))
    if m is None:
        return None
    who = collapse_ws(m.group("who"))
    return _person_name(who) or (who if _PERSON_NAME.match(who) else None)
