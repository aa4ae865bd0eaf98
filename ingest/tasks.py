"""Assignment extraction: who must do what, by when, from a directive's passages.

Why: the question civil servants ask most is "what does my unit have to do (this month)?". The
answer sits in conclusion notices and plans as numbered items and bullets ("4. Giao Sở Tư pháp:"
followed by "- …" bullets; "Giao Công an tỉnh chủ trì, phối hợp với Sở KH&CN …"; "Tỉnh đoàn chịu
trách nhiệm …"), surrounded by text that is *not* a task: the meeting preamble, results and
shortcomings ("đã hoàn thành 32/32 nhiệm vụ", "tồn tại, hạn chế"), the closing "… thông báo để …
thực hiện./." line, the recipients list. This module walks the passages in reading order as an
outline, tracks which unit each lead-in assigns, and emits one task per bullet/paragraph with
its assignees (lead / cooperating / responsible / assigned / requested), deadline, recurrence and
quota.

Rules (general to the genre, not to any sample):

* A unit is an *assignee* when it is the grammatical subject of a directive: after "Giao",
  "Yêu cầu", "Đề nghị" or at a clause start (optionally after a title such as "Thủ trưởng",
  "Người đứng đầu"), and followed by a directive verb ("chủ trì", "chịu trách nhiệm", "tổ chức",
  "cần", "phải", "tiếp tục", …) or by ":" (a lead-in). "chủ trì" makes it the lead; units after
  "phối hợp (chặt chẽ) với" cooperate, also further down its list of partners ("phối hợp với các
  đơn vị thuộc Bộ Quốc phòng, Sở Y tế, Công an tỉnh …"); generic partners, the catalogue's groups
  ("các sở, ngành, địa phương", "các cơ quan liên quan"), are dropped: they name nobody.
* A lead-in ("2. Giao Sở Nội vụ:", "… đề nghị Sở KH&CN triển khai một số nhiệm vụ như sau:")
  assigns every deeper item below it until the outline returns to its level; an item naming its
  own subject overrides the inherited one (keeping its own cooperators).
* Items under result/shortcoming headings (judged on the heading's first words: a title fused with
  the paragraph after it keeps its kind), or past-tense items with no directive, yield nothing;
  items with no unit yield an *unassigned* task only inside directive parts and when they start
  with a directive verb.
* News articles (doc_type "Tin tức") and reports (Báo cáo) yield nothing: a report tells what was
  done, and its "Kiến nghị, đề xuất" part proposes to the body it reports to, which decides whether
  to assign (readers of every part of the development corpus gave its reports no assignment).
  ``report_plans=True`` keeps the report's own "Phương hướng, nhiệm vụ" items, with role "self".
* The issuer side (UBND tỉnh, HĐND, Tỉnh ủy, the steering committee) is never an assignee, except
  where the issuer stands above it: a central body's addressees include ministries (without
  "Giao") and the People's Committee; a People's Council resolution assigns the People's
  Committee, and its own organs when it names them after "Giao".
* A letter's "Kính gửi:" list names recipients, not tasks.
* The end mark "./." ends the body but is not a closing formula: the paragraph it closes is read
  (a one-paragraph letter "Chủ tịch UBND tỉnh giao Công an tỉnh …./." is that letter's task);
  only "… yêu cầu các cơ quan, đơn vị (nghiêm túc) thực hiện./." addressed to groups or to units
  already given work closes, also with the feedback clause after it ("… thực hiện Kế hoạch này.
  Trong quá trình thực hiện, nếu có khó khăn, vướng mắc …./."), and so does "Nay thông báo ý kiến
  kết luận … để …". A lead-in that assigns before its "…; trong đó:" is a task itself.
* Genre, from the type the metadata reader found: a guideline (Hướng dẫn), a form / cover memo
  (Phiếu trình) or a law (Luật, Nghị định, Thông tư …) instructs everyone; there only a unit with an
  assigning verb (giao / đề nghị / yêu cầu X, X chủ trì / phối hợp / tham mưu / chịu trách nhiệm)
  is a task, never an imperative without a unit, and never the issuer itself (reports likewise).
  Form fields (dotted leaders, tick boxes) are never tasks. A routing slip (Phiếu chuyển) is not
  such a form: "<unit> chuyển văn bản … đến Sở X để chủ trì, xem xét, giải quyết" assigns Sở X.
* "các sở: NN&PTNT, TT&TT, Xây dựng" assigns exactly the units listed. An addressee described
  rather than named ("yêu cầu các đơn vị … chưa báo cáo khẩn trương …") is kept as written.
* Deadlines: the date of a referenced instrument ("Chỉ thị số 36-CT/TW … ngày 16/8/2019") is never
  one; a year alone is one only with a deadline cue ("hoàn thành trong năm 2026"), not as context
  ("kinh phí năm 2026", "Trong năm 2026, …"). A paragraph that only sets a deadline ("Thời hạn …
  hoàn thành trước ngày …") dates the tasks its numbered item gave; it is no task.
* A plan's "Mục đích, yêu cầu" states aims, not work; a heading naming the issuer's own units or staff
  by description ("Các phòng, cơ quan, đơn vị trực thuộc Sở", "Đối với công chức, viên chức …")
  gives its items to them as written; units after a leader's "Phụ trách các đơn vị:" are overseen.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Literal

from ingest.directive_words import DIRECTIVE_VERBS, VERB_START
from ingest.metadata import PROVINCES
from ingest.people import honored_subject, person_heading, person_label, person_partners
from ingest.table_rows import is_row
from troly.dates import (
    Due,
    Quota,
    Recurrence,
    find_dues,
    parse_due,
    parse_quota,
    parse_recurrence,
)
from troly.text import canonical, collapse_ws, fold, match_key, nfc
from troly.types import Chunk, DocumentMeta
from troly.units import Mention, Unit, UnitCatalogue

__all__ = ["Assignee", "AssigneeRole", "ExtractedTask", "extract_tasks", "generic_partner"]

AssigneeRole = Literal["lead", "responsible", "assigned", "requested", "self", "cooperate"]
TaskRole = Literal["lead", "responsible", "assigned", "requested", "self", "cooperate", "unassigned"]
Zone = Literal["retro", "directive", "request"]

# Stronger roles win when one unit is named twice in an item.
_ROLE_RANK: dict[str, int] = {"lead": 5, "responsible": 4, "assigned": 3, "requested": 3, "self": 3, "cooperate": 1}
# Bodies on the issuing side: they direct, they are not assigned (UBND tỉnh "cam kết" is not a task).
_ISSUER_KINDS = frozenset({"ubnd", "hđnd", "đảng", "ban chỉ đạo"})
_CENTRAL_KIND = "trung ương"
# Issuers above the province's People's Committee: a central body (its addressees are ministries
# and "UBND các tỉnh"), a People's Council (its resolution "Giao Ủy ban nhân dân tỉnh …").
_CENTRAL_ISSUER = re.compile(
    r"^(?:Bộ|Thủ\s+tướng|Chính\s+phủ|Văn\s+phòng\s+Chính\s+phủ|Quốc\s+hội|Ủy\s+ban\s+Thường\s+vụ\s+Quốc\s+hội|"
    r"Bộ\s+Chính\s+trị|Ban\s+Bí\s+thư|Ban\s+Chấp\s+hành\s+Trung\s+ương)\b",
    re.IGNORECASE,
)
_PARTY_CENTRAL = re.compile(r"^(?:Bộ\s+Chính\s+trị|Ban\s+Bí\s+thư|Ban\s+Chấp\s+hành\s+Trung\s+ương)\b", re.IGNORECASE)
_COUNCIL_ISSUER = re.compile(r"^(?:HĐND|Hội\s+đồng\s+nhân\s+dân)\b", re.IGNORECASE)
_BODY = 9.0  # outline level of a paragraph without a marker (deeper than any bullet)
# A unit name that ends on an administrative level with no place after it ("… Ủy ban MTTQ xã").
_NATION = re.compile(r"\bviệt\s+nam\b")  # "Ủy ban MTTQ xã" is "Ủy ban MTTQ Việt Nam xã …"
_LEVEL_END = re.compile(r"\s(?:xã|phường|thị\s+trấn|huyện|tỉnh|thành\s+phố)$", re.IGNORECASE)


@dataclass(slots=True, frozen=True)
class _Side:
    """Who issues: unit kinds that direct in this document and are never its assignees
    (``never``), kinds assigned only when handed work by name ("Giao Thường trực HĐND …",
    ``named``), and whether central bodies are addressees without "Giao/Đề nghị" (``central``)."""

    never: frozenset[str] = _ISSUER_KINDS
    named: frozenset[str] = frozenset()
    central: bool = False


_PROVINCE_SIDE = _Side()


def _issuer_side(issuer: str | None) -> _Side:
    """The directing side of a document by its issuer: the province (UBND, HĐND, party, steering
    committees) unless the issuer is a central body (nothing is above its addressees) or the
    People's Council (the People's Committee carries its resolutions out; its own organs are
    assigned only by name)."""
    name = (issuer or "").strip()
    if _CENTRAL_ISSUER.match(name):
        return _Side(never=frozenset(), central=True)
    if _COUNCIL_ISSUER.match(name):
        return _Side(never=_ISSUER_KINDS - {"ubnd", "hđnd"}, named=frozenset({"hđnd"}))
    return _PROVINCE_SIDE


@dataclass(slots=True)
class Assignee:
    """A unit named by a task, as written, with its catalogue id when known."""

    name: str
    unit_id: str | None
    role: AssigneeRole


@dataclass(slots=True)
class ExtractedTask:
    """One assignment: a whole bullet or paragraph with who, when, how often and how many."""

    assignees: list[Assignee]
    role: TaskRole
    text: str
    due: Due | None
    recurrence: Recurrence | None
    quota: Quota | None
    section: str
    heading_path: list[str]
    passage: str
    ordinal: int
    dues: list[Due] = field(default_factory=list)  # every deadline expression of the text
    due_inherited: bool = False  # due taken from the heading / lead-in above the item
    chunk_index: int = 0
    unknown_units: list[str] = field(default_factory=list)  # unit-like names not in the catalogue

    @property
    def unit_ids(self) -> list[str]:
        return [a.unit_id for a in self.assignees if a.unit_id]

    def primary(self) -> list[Assignee]:
        """Assignees that must do the task (everyone but cooperating units)."""
        return [a for a in self.assignees if a.role != "cooperate"]


# --------------------------------------------------------------------------------------------
# Outline markers and items
# --------------------------------------------------------------------------------------------

# Outline markers at a paragraph start, shallowest first: "I.", "Điều 5.", "1.", "1.2.", "a)", "-", "+".
_MARKERS: tuple[tuple[re.Pattern[str], float], ...] = (
    (re.compile(r"^(?:PHẦN|Phần|CHƯƠNG|Chương)\s+[IVXLC\d]+\b[.:]?\s*"), 0.8),
    (re.compile(r"^[IVXLC]{1,6}[.)]\s+"), 1.0),
    (re.compile(r"^Điều\s+\d+[.:]?\s+"), 1.5),
    (re.compile(r"^\d{1,2}\.\d{1,2}\.?\s+"), 2.5),
    (re.compile(r"^\d{1,2}[.)]\s+"), 2.0),
    (re.compile(r"^[a-zđ][)]\s+"), 3.0),
    (re.compile(r"^[-–—•·]\s*"), 4.0),
    (re.compile(r"^\+\s*"), 5.0),
)
_MD_HEADING = re.compile(r"^#{1,6}\s*")
_TERMINAL_END = re.compile(r"[.:;!?…\"”)\]*]\s*$")
# Footnote bodies left in the flow ("1 Quyết định số 4935/QĐ-UBND …", "[1] Kế hoạch số …").
_FOOTNOTE_RE = re.compile(
    r"^(?:\[\d{1,2}\]|\d{1,2}|\(\d{1,2}\))\s+(?:Quyết\s+định|Kế\s+hoạch|Công\s+văn|Nghị\s+quyết|Thông\s+báo|"
    r"Chỉ\s+thị|Nghị\s+định|Thông\s+tư|Luật|Báo\s+cáo|Văn\s+bản|Tờ\s+trình)\b"
)
_BULLET_STRIP = re.compile(r"^(?:[-–—•·+]\s*)")

# Paragraphs that end the directive body or are never tasks.
_NOTE_RE = re.compile(r"^Ghi\s+chú\s*:?\s*$", re.IGNORECASE)
_STOP_RE = re.compile(r"^(?:Nơi\s+nhận|Ghi\s+chú)\s*:?", re.IGNORECASE)
# An annex begins: an unnumbered "Phụ lục …" line, or a numbered one in capitals ("II. PHỤ LỤC"); a
# numbered clause about annexes ("3. Phụ lục và bản đồ kèm theo phải phù hợp …" in a decree) does not.
_ANNEX_CAPS = re.compile(r"^PHỤ\s+LỤC\b")
_CLOSING_RE = re.compile(
    r"thông\s+báo\s+(?:để|cho|đến)\b|^Trên\s+đây\s+là|^Thừa\s+lệnh|^Kính\s+gửi|^Nơi\s+gửi|"
    # "… thông báo kết quả đăng tải đến Sở Nội vụ được biết./."
    r"thông\s+báo\b[^.;:]{0,160}?\s(?:được\s+biết|để\s+biết)\b|"
    # "(Nay) thông báo ý kiến kết luận của Phó Chủ tịch … để các sở, ngành … thực hiện./."
    r"^(?:Nay\s*,?\s+)?thông\s+báo\s+(?:ý\s+kiến|kết\s+luận|nội\s+dung)\b[^.;:]{0,160}\sđể\s",
    re.IGNORECASE,
)
# The end mark "./." closes the body; the paragraph it ends is read like any other (a one-paragraph
# letter "Chủ tịch UBND tỉnh giao Công an tỉnh …./." is the letter's task).
_END_MARK = re.compile(r"\./\.\s*$")
_END_MARK_GLUED = re.compile(r"\./\.(?=\s|$)")
_SIGNATURE_RE = re.compile(r"^(?:TL\.|KT\.|TM\.|Q\.|TUQ\.)|^(?:CHỦ TỊCH|CHÁNH VĂN PHÒNG|GIÁM ĐỐC)\b")

# Boilerplate that names many units but assigns nothing new ("… chịu trách nhiệm thi hành Quyết định này").
_BOILERPLATE_RE = re.compile(
    r"chịu\s+trách\s+nhiệm\s+thi\s+hành|có\s+hiệu\s+lực\s+(?:thi\s+hành\s+)?(?:kể\s+)?từ"
    r"|căn\s+cứ\s+(?:Quyết\s+định|Nghị\s+quyết)\s+(?:này\s+)?(?:để\s+)?thi\s+hành"  # "… căn cứ Quyết định thi hành./."
    # the adoption line of a resolution or law: "Nghị quyết này được Ủy ban Thường vụ Quốc hội … thông qua ngày …"
    r"|^(?:Nghị\s+quyết|Luật|Bộ\s+luật|Pháp\s+lệnh)\s+này\s+(?:đã\s+)?được\s+[^.;]{0,160}?thông\s+qua",
    re.IGNORECASE,
)
# A plan's activity card: "1.1. Nội dung: Hiệp thương …", then "- Thời gian: …", "- Thành phần: …",
# "- Đơn vị chủ trì: …". The content line is the task; the field lines say when and who.
_CARD_CONTENT = re.compile(r"^(?:nội\s+dung(?:\s+công\s+việc|\s+thực\s+hiện)?|công\s+việc)\s*:\s*\S", re.IGNORECASE)
_CARD_TIME = re.compile(r"^thời\s+gian\s*:", re.IGNORECASE)
_CARD_FIELD = re.compile(
    r"^(?:thời\s+gian|địa\s+điểm|thành\s+phần|kết\s+quả|sản\s+phẩm|hình\s+thức|kinh\s+phí|ghi\s+chú|"
    r"(?:cơ\s+quan|đơn\s+vị)\s+(?:chủ\s+trì|phối\s+hợp|thực\s+hiện))\b[^:]{0,20}:",
    re.IGNORECASE,
)
_DEADLINE_WORDS = re.compile(r"chậm\s+nhất|trước\s+ngày|hạn\s+chót|không\s+quá|hoàn\s+thành", re.IGNORECASE)
# Lines that complete the previous task: its deadline or its lead/cooperating units.
_ATTACH_RE = re.compile(
    r"^(?P<what>thời\s+hạn(?:\s+(?:hoàn\s+thành|thực\s+hiện|báo\s+cáo))?|thời\s+gian\s+(?:hoàn\s+thành|thực\s+hiện)|"
    r"(?:cơ\s+quan|đơn\s+vị)\s+(?:chủ\s+trì|phối\s+hợp|thực\s+hiện))\s*:",
    re.IGNORECASE,
)
# What may surround unit names in a table cell ("Các sở, ngành liên quan; UBND các xã, phường").
_CELL_FILLER = re.compile(
    r"[\W\d_]+|\b(?:và|các|liên\s+quan|có|theo\s+chức\s+năng|tỉnh|chủ\s+trì|phối\s+hợp)\b", re.IGNORECASE
)
# An appendix after the signature, usually a task table ("PHỤ LỤC", "Phụ lục I").
_APPENDIX_RE = re.compile(r"^(?:PHỤ\s+LỤC|Phụ\s+lục)\b")
# "(Một số nhiệm vụ trọng tâm có Phụ lục kèm theo)": a pointer to the appendix, not a task.
_APPENDIX_POINTER = re.compile(r"^\([^()]*\bphụ\s+lục\b[^()]*\)\.?$", re.IGNORECASE)
# Section titles that start with a directive verb but head a section ("3. Tổ chức thực hiện").
_SECTION_TITLE = re.compile(
    r"^(?:tổ\s+chức\s+thực\s+hiện|nhiệm\s+vụ(?:,?\s+(?:và\s+)?giải\s+pháp)?(?:\s+trọng\s+tâm)?|giải\s+pháp|"
    r"phân\s+công\s+nhiệm\s+vụ|trách\s+nhiệm\s+thi\s+hành)\s*[:.]?$",
    re.IGNORECASE,
)
# A lead-in that hands work to someone, named or not.
_DIRECTING = re.compile(r"\b(?:yêu\s+cầu|đề\s+nghị|giao|chỉ\s+đạo|phân\s+công|kết\s+luận)\b", re.IGNORECASE)
_REQUEST_START = re.compile(r"^(?:đề\s+nghị|kiến\s+nghị|đề\s+xuất)\b", re.IGNORECASE)

# Section headings that say what kind of text follows (results vs directives vs requests).
_RETRO_HEADING = re.compile(
    r"kết\s+quả|tồn\s+tại|hạn\s+chế|nguyên\s+nhân|tình\s+hình|đánh\s+giá|công\s+tác\s+lãnh\s+đạo|bài\s+học|"
    r"khó\s+khăn|vướng\s+mắc|đặt\s+vấn\s+đề|căn\s+cứ",
    re.IGNORECASE,
)
_REQUEST_HEADING = re.compile(r"kiến\s+nghị|đề\s+xuất|đề\s+nghị", re.IGNORECASE)
_DIRECTIVE_HEADING = re.compile(
    r"nhiệm\s+vụ|giải\s+pháp|phương\s+hướng|tổ\s+chức\s+thực\s+hiện|chỉ\s+đạo|kết\s+luận|yêu\s+cầu|phân\s+công",
    re.IGNORECASE,
)
# Openers that may precede the subject or the verb of a directive sentence.
_OPENER = re.compile(
    r"^(?:(?:đồng\s+thời|trước\s+mắt|bên\s+cạnh\s+đó|ngoài\s+ra|mặt\s+khác|trong\s+thời\s+gian\s+tới|"
    r"từ\s+nay|trong\s+năm\s+\d{4}|kể\s+từ\s+năm\s+\d{4}|để\s+[^,]{0,80})\s*,\s*)+",
    re.IGNORECASE,
)
# Past tense and result wording that make an item retrospective, not a directive ("khi đã hoàn
# thành …" is a condition of the order, not a past event).
_RETRO_TEXT = re.compile(
    r"(?<!khi\s)(?<!nếu\s)\bđã\s+(?!và\b|được\s+(?:giao|phân\s+công)|đề\s+ra)\w+|\b\d+/\d+\s+(?:nhiệm\s+vụ|chỉ\s+tiêu|TTHC|thủ\s+tục|mô\s+hình)|"
    r"(?:những|một\s+số)\s+tồn\s+tại,\s+hạn\s+chế|kết\s+quả\s+(?:đạt\s+được|tích\s+cực)|ghi\s+nhận\s+và\s+biểu\s+dương|"
    r"đánh\s+giá\s+cao",
    re.IGNORECASE,
)

# Words that keep an item forward-looking even if it mentions a past fact ("thôn đã có điện lưới").
_FUTURE_TEXT = re.compile(
    r"\b(?:phấn\s+đấu|cần|phải|đề\s+nghị|yêu\s+cầu|giao|chủ\s+trì|khẩn\s+trương|sẽ|sớm)\b", re.IGNORECASE
)

# Subject detection around a mention.
_ROLE_PREFIX_TAIL = re.compile(
    r"(?:(?:các|mỗi|một\s+số|toàn\s+thể)\s+)?(?:thủ\s+trưởng|người\s+đứng\s+đầu|lãnh\s+đạo|giám\s+đốc|ban\s+giám\s+đốc|"
    # a central body's head: "Cục trưởng Cục Hóa chất", "Tổng cục trưởng …", "Chánh Văn phòng Bộ"
    r"(?:tổng\s+|chi\s+)?cục\s+trưởng|vụ\s+trưởng|viện\s+trưởng|chánh|"
    r"tập\s+thể\s+lãnh\s+đạo|các\s+thành\s+viên|thành\s+viên|cán\s+bộ,?\s+công\s+chức(?:,?\s+viên\s+chức)?|"
    r"chủ\s+tịch|bí\s+thư|đồng\s+chí|cấp\s+ủy,?\s+chính\s+quyền|chính\s+quyền)\s*$",
    re.IGNORECASE,
)
_TRIGGER_TAIL = re.compile(
    r"(?:^|[\s,;:(])(?P<t>giao(?:\s+cho)?|yêu\s+cầu|đề\s+nghị|phân\s+công(?:\s+cho)?|giao\s+nhiệm\s+vụ\s+cho)\s*$",
    re.IGNORECASE,
)
_NOT_TRIGGER_TAIL = re.compile(
    r"(?:theo|đúng|các|những|với|có|đáp\s+ứng|xét)\s+(?:yêu\s+cầu|đề\s+nghị|chỉ\s+đạo)\s*$|(?:bàn|chuyển|được|đã|tiếp)\s+giao\s*$"
    # the subject of a document referred to: "(Phiếu chuyển số 610 …) về việc giao Sở Công Thương …"
    r"|(?:về\s+việc|v/v)\s+(?:giao(?:\s+cho)?|yêu\s+cầu|đề\s+nghị)\s*$",
    re.IGNORECASE,
)
# "Đối với Sở Y tế:" / "Riêng UBND các xã, phường:" introduce a unit's items.
_FOR_UNIT_TAIL = re.compile(r"(?:^|[\s,;.])(?:đối\s+với|riêng|về\s+phía)\s*$", re.IGNORECASE)
# Before a subject: a sentence boundary, then maybe how often ("…, hàng năm Sở X xây dựng …",
# "Định kỳ hằng quý, UBND xã báo cáo …").
_BOUNDARY_TAIL = re.compile(
    r"(?:^|[,;:.!?(]|\.\s)\s*(?:(?:(?:hàng|hằng)\s+(?:năm|quý|tháng|tuần)|định\s+kỳ(?:\s+(?:hàng|hằng)\s+(?:năm|quý|tháng))?)\s*,?\s*)?$",
    re.IGNORECASE,
)
_COOPERATE_TAIL = re.compile(
    r"phối\s+hợp(?:\s+chặt\s+chẽ|\s+thường\s+xuyên)?\s+(?:với|cùng)(?:\s+các\s+đơn\s+vị\s+là)?\s*$|"
    r"phối\s+hợp\s+giữa(?:\s+các\s+(?:cơ\s+quan|đơn\s+vị|lực\s+lượng|ngành)(?:\s+chức\s+năng)?)?\s*:?\s*$",
    re.IGNORECASE,
)
# "… kịp thời báo cáo (về) Sở Xây dựng để tổng hợp, tham mưu UBND tỉnh": the unit reported to
# gathers and advises; that is its task.
_REPORTED_TO_TAIL = re.compile(r"(?:báo\s+cáo|gửi)(?:\s+(?:về|cho|đến|tới))?\s*$|\(\s*qua\s*$", re.IGNORECASE)
_GATHERS = re.compile(r"^\s*\)?\s*,?\s*để\s+(?:theo\s+dõi,?\s+)?tổng\s+hợp\b", re.IGNORECASE)
# "<unit> tỉnh", "<unit> Gia Lai" (the catalogue's province, see ``_qualifiers``), "<unit> liên quan"…
_QUALIFIERS = (
    r"^(?:\s*,?\s*(?:tỉnh|thuộc\s+tỉnh|đoàn\s+thể|trên\s+địa\s+bàn(?:\s+tỉnh)?|liên\s+quan|có\s+liên\s+quan|các\s+cấp|"
    r"(?:theo|trong\s+phạm\s+vi)\s+(?:chức\s+năng,?\s+)?nhiệm\s+vụ(?:,?\s+quyền\s+hạn)?(?:\s+(?:được\s+(?:giao|phân\s+công)|của\s+mình))?|"
    r"căn\s+cứ(?:\s+vào)?\s+chức\s+năng,?\s+nhiệm\s+vụ(?:,?\s+quyền\s+hạn)?(?:\s+được\s+(?:giao|phân\s+công))?|"
    r"trong\s+phạm\s+vi\s+(?:quản\s+lý|phụ\s+trách)|theo\s+lĩnh\s+vực\s+(?:được\s+giao|phụ\s+trách|quản\s+lý)|"
    r"theo\s+thẩm\s+quyền|(?:của\s+)?(?:các|mỗi)\s+tỉnh,?\s+thành\s+phố(?:\s+trực\s+thuộc\s+trung\s+ương)?|"
    r"<PROVINCES>trong\s+tỉnh))+"
)


def _place_names(provinces: tuple[str, ...]) -> str:
    return "".join(re.escape(p).replace(r"\ ", r"\s*").replace(r"\-", r"-") + "|" for p in provinces)


@functools.cache
def _qualifiers(provinces: tuple[str, ...]) -> re.Pattern[str]:
    """Words after a unit name that still belong to it, the province names included (any province's:
    "Ủy ban nhân dân tỉnh Cao Bằng có trách nhiệm …" still has its predicate after the place)."""
    return re.compile(_QUALIFIERS.replace("<PROVINCES>", _place_names(provinces + PROVINCES)), re.IGNORECASE)


# "… tỉnh Cao Bằng", "… thành phố Hà Nội" right after a unit's name (or after its "tỉnh").
_PLACE_AFTER = re.compile(  # used with match(body, pos): no "^"
    rf"\s*(?:(?:tỉnh|thành\s+phố|TP\.?)\s+)?(?P<place>{_place_names(PROVINCES).rstrip('|')})(?![\wÀ-ỹ])",
    re.IGNORECASE,
)
# Bodies every province has, which a place after a list completes ("Hội đồng nhân dân, Ủy ban nhân
# dân tỉnh Cao Bằng": both of Cao Bằng).
_PROVINCE_BODY_KINDS = frozenset({"ubnd", "hđnd", "sở", "công an", "quân sự", "thanh tra", "văn phòng", "đảng"})


def _foreign_names(body: str, chain: list[Mention], home: tuple[str, ...]) -> dict[int, str]:
    """Chain members that are another province's bodies, by index, with their names written whole.

    Why: the catalogue knows one province; "Ủy ban nhân dân tỉnh Cao Bằng" in a National Assembly
    resolution, or "Sở Nội vụ thành phố Hà Nội", is not the catalogue's UBND tỉnh or Sở Nội vụ, and
    listing its duties under them would tell an official of this province it has work it has not.
    """
    homes = {fold(h) for h in home}
    out: dict[int, str] = {}
    last, tail = -1, ""  # the last member another place follows, and that place as written
    for k, m in enumerate(chain):
        if m.unit is None or m.unit.is_group:
            continue
        after = _PLACE_AFTER.match(body, m.end)
        if after is not None and fold(after.group("place")) not in homes:
            out[k] = collapse_ws(body[m.start : after.end()])
            last, tail = k, collapse_ws(body[m.end : after.end()]).strip()
    if last >= 0:
        if not tail.lower().startswith(("tỉnh", "thành phố", "tp")):
            tail = f"tỉnh {tail}"
        for k, m in enumerate(chain[:last]):
            if k not in out and m.unit is not None and m.unit.kind in _PROVINCE_BODY_KINDS:
                out[k] = f"{collapse_ws(m.text)} {tail}"
    return out


_CONNECTOR = re.compile(r"^\s*(?:,|và|cùng\s+với|cùng|với|;)?\s*$", re.IGNORECASE)
_LEAD_VERB = re.compile(r"^\s*,?\s*(?:(?:tiếp\s+tục|khẩn\s+trương|chủ\s+động)\s+)?chủ\s+trì", re.IGNORECASE)
_RESP_VERB = re.compile(r"^\s*,?\s*(?:(?:phải|có|chịu|phải\s+chịu)\s+)?(?:chịu\s+)?trách\s+nhiệm", re.IGNORECASE)
# Not an order: what was or is being done, and "<Sở …> cấp (lần đầu) ngày …", the body that issued a
# licence the text cites ("Giấy chứng nhận … do Sở Kế hoạch và Đầu tư thành phố Hà Nội cấp ngày …").
_NEG_VERB = re.compile(
    r"^\s*,?\s*(?:đã|vẫn|chưa|đang|từng|sẽ\s+được|được\s+(?!giao)|cấp(?:\s+lần\s+(?:đầu|thứ\s+\w+))?\s*,?\s+ngày)\b",
    re.IGNORECASE,
)
_COLON_AFTER = re.compile(r"^\s*:")
# At a paragraph start any lowercase predicate will do, except words that continue a noun phrase.
_ANY_PREDICATE = re.compile(
    r"^\s*,?\s*(?!(?:của|về|trong|tại|với|và|cho|là|thì|được|đã|vẫn|chưa|đang|từng|cũng|này|đó|nhằm|năm|tháng|ngày|"
    r"trên|dưới|theo|từ|đến|các|những|một|mỗi|như|gồm|bao\s+gồm)\b)[a-zà-ỹđ]",
)
# A verb followed by "của" is a noun ("bộ máy lãnh đạo, quản lý của Công ty" is what is reviewed).
_PREDICATE = re.compile(rf"^\s*,?\s*(?:{DIRECTIVE_VERBS})\b(?!\s+của\b)", re.IGNORECASE)
# A unit followed by a verb that hands work to others speaks; it is not assigned ("Sở Tài chính đề
# nghị các đơn vị …", "UBND tỉnh giao …").
_SPEAKER_VERB = re.compile(
    r"^\s*,?\s*(?:(?:kính|trân\s+trọng)\s+)?(?:đề\s+nghị|yêu\s+cầu|giao(?!\s+(?:thông|dịch|lưu|tiếp|ban))|"
    r"phân\s+công|thông\s+báo|kính\s+gửi|kêu\s+gọi|"
    r"chuyển\s+(?:các\s+)?(?:văn\s+bản|công\s+văn|hồ\s+sơ|đơn|tờ\s+trình|báo\s+cáo|kiến\s+nghị|nội\s+dung))\b",
    re.IGNORECASE,
)
# Verbs that assign by themselves, for genres that do not direct (guidelines, forms, laws): only
# "<unit> chủ trì / phối hợp / tham mưu / chịu trách nhiệm …" or "Giao / Đề nghị <unit>" is a task there.
_ASSIGN_VERB = re.compile(
    r"^\s*,?\s*(?:(?:tiếp\s+tục|khẩn\s+trương|chủ\s+động|phải|có|chịu)\s+)?(?:chủ\s+trì|phối\s+hợp|tham\s+mưu|"
    r"chịu\s+trách\s+nhiệm|có\s+trách\s+nhiệm|trách\s+nhiệm|được\s+giao|làm\s+đầu\s+mối|là\s+(?:cơ\s+quan\s+)?đầu\s+mối)\b",
    re.IGNORECASE,
)
# Genres whose text instructs everyone or records an opinion rather than assigning work: a
# guideline, a cover memo / form (phiếu trình), a law and its implementing instruments.
_NON_ASSIGNING_TYPES = (
    "huong dan",
    "phieu",
    "luat",
    "bo luat",
    "phap lenh",
    "hien phap",
    "nghi dinh",
    "thong tu",
)
_ASSIGNING_FORMS = frozenset({"phieu chuyen"})
# Genres made of quotations ("Bảng so sánh" a draft against the law in force, "Bảng tổng hợp ý kiến
# góp ý" / "tiếp thu, giải trình"): they assign nothing.
_QUOTING_TYPES = ("bang so sanh", "bang tong hop", "bang thuyet minh")
_PROPOSING_TYPES = ("to trinh", "phieu trinh")
# Genres in which a body lists its own work (a plan of Ban Thường trực Ủy ban MTTQ xã gives that
# Ban Thường trực tasks). Anywhere else the issuer naming itself is the writer speaking ("Sở Công
# Thương phúc đáp …", "Sở Công Thương cung cấp một số thông tin …", "Chính phủ ban hành Nghị
# quyết …"), not an assignment.
# The grounds a document states before it orders: "Căn cứ Luật …", "Xét đề nghị của …" ("Căn cứ chức
# năng, nhiệm vụ, … chủ động ban hành …" is an opener of an order, not grounds).
_PREAMBLE = re.compile(
    r"^(?:Căn\s+cứ\s+(?:các\s+)?(?:Hiến\s+pháp|Bộ\s+luật|Luật|Pháp\s+lệnh|Nghị\s+định|Nghị\s+quyết|Quyết\s+định|"
    r"Thông\s+tư|Chỉ\s+thị|Kế\s+hoạch|Công\s+văn|Văn\s+bản|Thông\s+báo|Hướng\s+dẫn|Tờ\s+trình|Báo\s+cáo|"
    r"Biên\s+bản|ý\s+kiến|đề\s+nghị|kết\s+quả)"
    r"|Xét\s+(?:đề\s+nghị|tờ\s+trình|báo\s+cáo|văn\s+bản|công\s+văn|kết\s+quả|hồ\s+sơ)|Theo\s+đề\s+nghị)\b",
    re.IGNORECASE,
)
# The reply a request asks for, sent back to the writer: "Văn bản báo cáo của đơn vị đề nghị gửi
# về Sở Công Thương … trước ngày 22/6/2026".
# A paragraph that is only a deadline: "Thời hạn xử lý … hoàn thành trước ngày 31 tháng 12 năm 2026.",
# "Thời gian hoàn thành: trước ngày 30/6/2026."
_DEADLINE_PARAGRAPH = re.compile(
    r"^(?:thời\s+hạn|thời\s+gian\s+(?:hoàn\s+thành|thực\s+hiện))\b[^.;]{0,120}?"
    r"(?:trước|chậm\s+nhất|không\s+quá|hoàn\s+thành)\b[^.;]{0,60}\.?$",
    re.IGNORECASE,
)
_REPLY_SENT = re.compile(r"\b(?:gửi|nộp|chuyển)\s+(?:lại\s+)?(?:về|cho|đến|tới)\b", re.IGNORECASE)
_ORGAN_OF = re.compile(
    r"\b(?:thường\s+trực|các\s+ban|ban\s+|tổ\s+|đại\s+biểu|chủ\s+tịch|phó|giám\s+đốc|lãnh\s+đạo|thành\s+viên|"
    r"văn\s+phòng|thủ\s+trưởng)",
    re.IGNORECASE,
)
# Legal instruments (a law, decree, circular, a central body's resolution) bind everyone; their
# assignments are only those of the part that organises the implementation ("Chương III. TRÁCH
# NHIỆM THI HÀNH", "Điều 4. Tổ chức thực hiện"); articles on procedure and the annexes are law.
_LAW_TYPES = ("luat", "bo luat", "phap lenh", "nghi dinh", "thong tu")
# An instrument as the subject of a line ("Thông tư này bãi bỏ:", "Nghị định số 15/2018/NĐ-CP hết hiệu
# lực …:"): the line repeals or amends, it names no office holder whose points follow.
_INSTRUMENT_SUBJECT = re.compile(
    r"^(?:Luật|Bộ\s+luật|Pháp\s+lệnh|Nghị\s+định|Nghị\s+quyết|Quyết\s+định|Thông\s+tư|Chỉ\s+thị|Quy\s+chế|"
    r"Quy\s+định|Văn\s+bản|Các\s+văn\s+bản)\b",
    re.IGNORECASE,
)
_IMPLEMENTATION_PART = re.compile(
    # not "thi hành công vụ" ("Thẩm quyền xử phạt của công chức đang thi hành công vụ") nor "thi hành án"
    r"\b(?:tổ\s+chức\s+thực\s+hiện|trách\s+nhiệm|thi\s+hành(?!\s+(?:công\s+vụ|án)\b)|hiệu\s+lực)\b",
    re.IGNORECASE,
)
# The part that puts the instrument into effect ("Chương V. TỔ CHỨC THỰC HIỆN", "Trách nhiệm thi
# hành", "Điều khoản thi hành"): there every named party acts, public or not ("Đối với người vận
# tải"). A chapter on "Nhiệm vụ, trách nhiệm của cơ quan, tổ chức, cá nhân …" is not such a part.
_EXECUTION_PART = re.compile(
    r"\b(?:tổ\s+chức\s+thực\s+hiện|thi\s+hành(?!\s+(?:công\s+vụ|án)\b))\b",
    re.IGNORECASE,
)
# A state body or office holder, by the head of its name: "Bộ Công Thương", "các bộ, cơ quan trung
# ương", "Bộ trưởng, Thủ trưởng cơ quan ngang bộ", "Ủy ban nhân dân cấp tỉnh". Outside the part
# above, a legal instrument's "Trách nhiệm của …" article binds work on such a body only; one for a
# role any project or procedure has ("chủ đầu tư", "tổ chuyên gia", "cơ quan, tổ chức, hội đồng thẩm
# định", "các bên") is a rule of conduct for whoever holds it.
_STATE_ORGAN = re.compile(
    r"^(?:(?:các|mỗi)\s+)?(?:(?:bộ\s+trưởng|thủ\s+trưởng|chủ\s+tịch|giám\s+đốc|người\s+đứng\s+đầu)\s*(?:,\s*)?)?"
    r"(?:bộ|cơ\s+quan\s+(?:ngang\s+bộ|thuộc\s+chính\s+phủ|trung\s+ương|nhà\s+nước|quản\s+lý\s+nhà\s+nước|chuyên\s+môn)|"
    r"ủy\s+ban|uỷ\s+ban|ubnd|hội\s+đồng\s+nhân\s+dân|hđnd|chính\s+phủ|thủ\s+tướng|sở|cục|tổng\s+cục|vụ|kho\s+bạc|"
    r"ngân\s+hàng\s+nhà\s+nước|thanh\s+tra|kiểm\s+toán\s+nhà\s+nước|công\s+an|bộ\s+chỉ\s+huy|văn\s+phòng|tòa\s+án|"
    r"toà\s+án|viện\s+kiểm\s+sát|bảo\s+hiểm\s+xã\s+hội|chính\s+quyền|mặt\s+trận|ban\s+quản\s+lý\s+khu)\b",
    re.IGNORECASE,
)
# A party's rights in a law ("1. Nhà thầu thiết kế có các quyền sau đây:", "… đang thi hành công vụ có
# quyền:"): what it may do, not work given to it. Its duties ("… có các nghĩa vụ, trách nhiệm sau
# đây:") are: the party is named without the words that introduce them.
_RIGHTS_LEADIN = re.compile(r"\b(?:có|được)\s+(?:các\s+)?quyền(?:\s+hạn)?(?:\s+sau(?:\s+đây)?)?$", re.IGNORECASE)
_DUTIES_TAIL = re.compile(
    r"\s+có\s+(?:các\s+)?(?:nghĩa\s+vụ|trách\s+nhiệm)(?:\s*,\s*|\s+và\s+|\s+)?(?:nghĩa\s+vụ|trách\s+nhiệm)?"
    r"(?:\s+sau(?:\s+đây)?)?$",
    re.IGNORECASE,
)
# "Điều 9. Trách nhiệm của doanh nghiệp khai thác khoáng sản": the article's points are that party's.
# "Đối với người vận tải", "Đối với tổ chức, cá nhân kinh doanh …": a party of a decree's
# implementation chapter, named by its role.
_FOR_PARTY_HEADING = re.compile(r"^Đối\s+với\s+(?P<who>[^.;:]{3,80}?)\s*[.:]?$", re.IGNORECASE)
_RESPONSIBILITY_ARTICLE = re.compile(
    # "Điều 30. Quyền hạn, trách nhiệm của Bộ Công Thương": a decree's article for one body
    r"^(?:Điều\s+\d+[a-zđ]?\s*[.:]\s*)?(?:Quyền\s+hạn\s*(?:,|và)\s*trách\s+nhiệm|Trách\s+nhiệm(?:\s*(?:,|và)\s*quyền\s+hạn)?)"
    r"\s+của\s+(?P<who>[^.;:]{3,120}?)"
    # the field the article covers is not the party: "… của Ủy ban nhân dân cấp xã trong lĩnh vực …"
    r"(?:\s+(?:trong|về)\s+(?:quản\s+lý|lĩnh\s+vực|việc|công\s+tác)\b[^.;:]*)?\s*[.:]?$",
    re.IGNORECASE,
)
# A legal instrument amending another: "1. Sửa đổi, bổ sung một số khoản của Điều 3 như sau:", the
# new text in quotes ("“5. Bộ Công Thương chủ trì …"). What it quotes is the amended instrument's law,
# not this one's assignments.
_AMENDMENT = re.compile(
    r"^(?:Điều\s+\d+[a-zđ]?\s*[.:]\s*|\d+\.\s*|[a-zđ]\)\s*)?(?:Sửa\s+đổi|Bổ\s+sung|Bãi\s+bỏ|Thay\s+thế)\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"^[“\"]")
_OWN_ARTICLE = re.compile(r"^(?:Điều\s+\d+\s*[.:]|Chương\s+[IVXLC\d]+\b)")
# The amending instrument's own closing articles, after its amendments.
_OWN_FINAL_ARTICLE = re.compile(
    r"^(?:Điều\s+\d+\s*[.:]\s*)?(?:Hiệu\s+lực|Trách\s+nhiệm\s+thi\s+hành|Tổ\s+chức\s+thực\s+hiện|Điều\s+khoản\s+(?:thi\s+hành|chuyển\s+tiếp)|Quy\s+định\s+chuyển\s+tiếp)",
    re.IGNORECASE,
)
_HOME_PROVINCE = re.compile(r"\b(?:tỉnh|thành\s+phố)\s+(?P<name>(?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s*){1,3})$")
_OWN_WORK_TYPES = ("ke hoach", "chuong trinh", "phuong an", "de an", "lich")
# Form fields: dotted leaders to fill in, tick boxes ("4.1. Thống nhất hoàn toàn ☐", "Ý kiến: ……").
_FORM_LINE = re.compile(r"…{3,}|\.{6,}|(?:\.…|…\.){2,}|_{5,}|[☐☑☒□▢◻✓✔]")
# "Giao các sở: NN&PTNT, TT&TT, Xây dựng" names exactly those units, not every sở.
_ENUM_HEAD = re.compile(
    r"(?:\b(?:ủy|uỷ)\s+ban\s+nhân\s+dân\s+|\bUBND\s+)?\b(?:các|những)\s+(?P<kind>sở,\s*ban,\s*ngành|sở,\s*ngành|sở|bộ|ban|ngành|cơ\s+quan|đơn\s+vị|huyện|xã|phường|"
    r"xã,\s*phường|địa\s+phương)(?:\s+(?:sau|gồm|là|như))*\s*:\s*",
    re.IGNORECASE,
)
_ENUM_KIND_WORD = {
    "sở": "Sở",
    "bộ": "Bộ",
    "ban": "Ban",
    "huyện": "UBND huyện",
    "xã": "UBND xã",
    "phường": "UBND phường",
}
_ENUM_SEP = re.compile(r"\s*(?:,\s*(?:và\s+)?|\s+và\s+)")
_ENUM_WORD = re.compile(r"[^\s,;:.()]+")
# A referenced instrument and its date: "Chỉ thị số 36-CT/TW của Bộ Chính trị ngày 16/8/2019", "Luật … ngày …".
_CITATION_DATE = re.compile(
    r"\b(?:Luật|Bộ\s+luật|Pháp\s+lệnh|Hiến\s+pháp|Nghị\s+định|Nghị\s+quyết|Quyết\s+định|Kế\s+hoạch|Chỉ\s+thị|"
    r"Thông\s+tư|Công\s+văn|Văn\s+bản|Thông\s+báo|Kết\s+luận|Tờ\s+trình|Báo\s+cáo|Hướng\s+dẫn|Chương\s+trình|"
    r"Đề\s+án|Công\s+điện|Quy\s+chế|Quy\s+định|Điều\s+lệ)\b(?P<mid>[^.;:!?\n]{0,160}?)"
    r"\bngày\s+(?P<date>\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})"
)
# Words that turn the date after an instrument into a deadline ("Kế hoạch …, báo cáo trước ngày …").
_CITATION_BREAK = re.compile(
    r"\b(?:trước|chậm\s+nhất|thời\s+hạn|hạn\s+chót|hoàn\s+thành|hoàn\s+tất|xong|gửi|báo\s+cáo|(?<!Chương\s)(?<!Tờ\s)trình|"
    r"giao|tham\s+mưu|chủ\s+trì|đến|tới)\b"
)
# A year alone is a due date only when the text sets it as one ("hoàn thành trong năm 2026"), not as
# context ("kinh phí năm 2026", "trong năm 2026, tiếp tục …").
_YEAR_DEADLINE_CUE = re.compile(
    r"trước|chậm\s+nhất|hạn|hoàn\s+thành|hoàn\s+tất|xong|dứt\s+điểm|đến\s+hết|kết\s+thúc|thời\s+gian\s+(?:thực\s+hiện|hoàn\s+thành)",
    re.IGNORECASE,
)
# "yêu cầu các đơn vị … khẩn trương thực hiện": an addressee described by what it is, then its verb
# (a verb after "chưa/đã/đang/không" belongs to the description: "… chưa thực hiện báo cáo").
_DESCRIBED = re.compile(
    r"(?:^|[\s,;:(])(?P<t>giao(?:\s+cho)?|yêu\s+cầu|đề\s+nghị)\s+"
    r"(?P<np>(?:các|những|mỗi|toàn\s+thể)\s+(?:đơn\s+vị|cơ\s+quan|tổ\s+chức|doanh\s+nghiệp|cơ\s+sở|hộ|cá\s+nhân|"
    r"chủ\s+đầu\s+tư|nhà\s+đầu\s+tư|công\s+ty|hợp\s+tác\s+xã|trường|bệnh\s+viện|chủ\s+\w+)\b[^.;:]{0,200}?)\s+"
    r"(?P<v>khẩn\s+trương|nghiêm\s+túc|chủ\s+động|tập\s+trung|tiếp\s+tục|có\s+trách\s+nhiệm|chịu\s+trách\s+nhiệm|"
    r"phải|cần|nghiên\s+cứu|tham\s+mưu|phối\s+hợp|chủ\s+trì|quán\s+triệt|chấp\s+hành|tuân\s+thủ|(?<!chưa\s)(?<!đã\s)(?<!đang\s)(?<!không\s)(?:thực\s+hiện|triển\s+khai|tổ\s+chức|rà\s+soát|hoàn\s+thành))\b",
    re.IGNORECASE,
)
_ROLE_OPENING = re.compile(r"^[-–•+*\s]*(?:chủ\s+trì|phối\s+hợp)\b", re.IGNORECASE)
# "yêu cầu (các) đơn vị nêu trên …", "đề nghị các doanh nghiệp có tên trên …": the companies named before.
_BACK_REFERENCE = re.compile(
    r"\b(?:yêu\s+cầu|đề\s+nghị|giao)\s+(?:(?:các|những)\s+)?(?:đơn\s+vị|doanh\s+nghiệp|công\s+ty|cơ\s+sở)\s+"
    r"(?:(?:nêu|kể|có\s+tên|được\s+kiểm\s+tra)\s+)?(?:trên|nêu\s+trên|ở\s+trên)\b",
    re.IGNORECASE,
)
_COMPANY = r"(?:Tổng\s+)?công\s+ty|doanh\s+nghiệp|hợp\s+tác\s+xã|chi\s+nhánh"
_COMPANY_HEAD = re.compile(rf"^(?:{_COMPANY})\s", re.IGNORECASE)  # a name that is a company's
_COMPANY_WORD = re.compile(rf"\b(?:{_COMPANY})\b", re.IGNORECASE)  # a paragraph that names one
_DESCRIBED_NAME = re.compile(r"^(?:các|những|mỗi|toàn\s+thể)\s", re.IGNORECASE)
# A completion verb earlier in the clause makes "trong năm 2026" its deadline ("hoàn thành quy hoạch … trong năm 2026").
_COMPLETION = re.compile(r"\b(?:hoàn\s+thành|hoàn\s+tất|xong|dứt\s+điểm)\b", re.IGNORECASE)
# The last paragraph "… yêu cầu các cơ quan, đơn vị triển khai thực hiện./." closes; it assigns nothing.
_GENERIC_CLOSING = re.compile(
    r"^[\s,]*(?:(?:nghiêm\s+túc|khẩn\s+trương|chủ\s+động|tổ\s+chức|triển\s+khai|căn\s+cứ|phối\s+hợp|nghiên\s+cứu|quan\s+tâm)\s*,?\s*)*"
    r"(?:thực\s+hiện|thi\s+hành)(?:\s+(?:nghiêm\s+túc|có\s+hiệu\s+quả|kịp\s+thời|theo\s+quy\s+định))*"
    r"(?:\s+(?:các\s+)?(?:nội\s+dung|ý\s+kiến|văn\s+bản|kế\s+hoạch|quyết\s+định|thông\s+báo|chỉ\s+thị|công\s+văn)"
    r"(?:\s+(?:này|trên|nêu\s+trên|chỉ\s+đạo\s+(?:này|trên)))?)?(?:\s*[,;]?\s*(?:đúng|theo(?:\s+đúng)?)\s+quy\s+định)?"
    r"(?:\s*,?\s*(?:đúng|theo|bảo\s+đảm|đảm\s+bảo)\s+(?:thời\s+hạn|thời\s+gian|tiến\s+độ|yêu\s+cầu)"
    r"(?:\s+(?:nêu\s+trên|trên|quy\s+định|đề\s+ra))?)?\s*\./\.\s*$",
    re.IGNORECASE,
)


# The sentence that follows a closing formula: "Trong quá trình thực hiện, nếu có khó khăn, vướng mắc,
# (kịp thời) phản ánh về Sở X để tổng hợp …" asks for feedback, it assigns no new work.
_FEEDBACK_CLAUSE = re.compile(
    r"^(?:Trong\s+)?quá\s+trình\s+(?:tổ\s+chức\s+)?(?:triển\s+khai\s+)?thực\s+hiện\b[^.;]{0,80}?"
    r"(?:khó\s+khăn|vướng\s+mắc|phát\s+sinh)",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"\.\s+(?=[A-ZĐÀ-Ỹ])")


def _closing_sentence(rest: str) -> bool:
    """The text after the units of an end-mark paragraph asks only to carry the document out:
    "triển khai thực hiện./.", or "… thực hiện Kế hoạch này." followed by the feedback clause."""
    if _GENERIC_CLOSING.match(rest):
        return True
    # More addressees by role after the units: ", chủ hồ, đập" in "… đề nghị các cơ quan, đơn vị,
    # chủ hồ, đập triển khai thực hiện./." (short nouns in a list, no verb).
    words = rest.split()
    for k in range(1, min(len(words), 9)):
        named = " ".join(words[:k])
        pieces = [p.split() for p in re.split(r",|\bvà\b", named) if p.strip()]
        if (
            ("," in named or " và " in f" {named} ")
            and all(len(p) <= 3 for p in pieces)
            and not _ANY_DIRECTIVE_VERB.search(named)
            and _GENERIC_CLOSING.match(" ".join(words[k:]))
        ):
            return True
    end = _SENTENCE_END.search(rest)
    return bool(
        end and _FEEDBACK_CLAUSE.match(rest[end.end() :]) and _GENERIC_CLOSING.match(rest[: end.start()] + "./.")
    )


# "Kính gửi:" opens a letter's addressee list ("- Các Sở, ban, ngành thuộc UBND tỉnh;", "- Công an tỉnh;"),
# also when the line was joined to the subject line above it ("V/v … Kính gửi:").
_ADDRESSEES_RE = re.compile(r"(?:^|\s)Kính\s+gửi\s*:\s*$", re.IGNORECASE)
_ANY_DIRECTIVE_VERB = re.compile(rf"\b(?:{DIRECTIVE_VERBS})\b", re.IGNORECASE)


def _addressee_line(body: str, catalogue: UnitCatalogue) -> bool:
    """A short line of an addressee list: names, no verb ("Các Sở, ban, ngành thuộc UBND tỉnh;"). A
    line that opens on a name may hold a verb inside it ("Công ty Cổ phần Đầu tư phát triển …")."""
    if len(body) > 120:
        return False
    if not _ANY_DIRECTIVE_VERB.search(body):
        return True
    first = next(iter(catalogue.find_mentions(body)), None)
    return first is not None and first.start == 0


# What a letter to several addressees calls them in its body ("đề nghị các cơ quan, đơn vị tham gia ý
# kiến", "Sở Công Thương đề nghị các chủ đầu tư …", "đề nghị Quý cơ quan …"): every unit of its
# "Kính gửi" list.
_ADDRESSEES_BACKREF = re.compile(
    r"(?:các\s+)?(?:cơ\s+quan,\s*đơn\s+vị(?:,\s*địa\s+phương)?|cơ\s+quan|đơn\s+vị|chủ\s+đầu\s+tư|"
    r"doanh\s+nghiệp|công\s+ty|quý\s+(?:cơ\s+quan|đơn\s+vị|công\s+ty))(?:\s+(?:nêu\s+)?trên)?",
    re.IGNORECASE,
)
# "đề nghị cơ quan, đơn vị chuẩn bị nội dung …", "đề nghị Quý cơ quan …": the body of a letter to several
# named units asking them all, by what they are to the letter.
_ASKS_LISTED = re.compile(
    r"\b(?:đề\s+nghị|yêu\s+cầu|mời)\s+(?:các\s+)?(?:cơ\s+quan,\s*đơn\s+vị|quý\s+cơ\s+quan|quý\s+đơn\s+vị|"
    r"cơ\s+quan|đơn\s+vị)(?=\s+[a-zđà-ỹ])(?!\s+(?:liên\s+quan|có\s+liên\s+quan|khác)\b)",
    re.IGNORECASE,
)
# The fields of a meeting a letter invites to ("1. Chủ trì: Lãnh đạo Sở Công Thương.", "3. Thành phần:
# …", "4. Thời gian: …"): who chairs it and when, no work given.
_MEETING_FIELD = re.compile(r"^(?:chủ\s+trì|thành\s+phần|thời\s+gian|địa\s+điểm)\s*:", re.IGNORECASE)
# A lead-in giving a body's opinion ("Ban Pháp chế Hội đồng nhân dân tỉnh có ý kiến như sau:", "Sở Tư
# pháp góp ý như sau:"): the points that follow are that body's words, not work given to it.
_OPINION_LEADIN = re.compile(
    r"\b(?:có\s+ý\s+kiến|góp\s+ý|tham\s+gia\s+ý\s+kiến)(?:\s+\w+){0,4}\s+như\s+sau\s*:\s*$", re.IGNORECASE
)
# A note on what goes with the letter ("(Gửi kèm: …)", "(Có nội dung chi tiết … kèm theo)"): no request.
_ENCLOSURE_NOTE = re.compile(r"^\((?:có|gửi|kèm|đính)\b[^()]*\)\.?$", re.IGNORECASE)
# The note a list line carries after the name ("Công ty … (CCN Thống Nhất 1);"): not part of the name.
_ADDRESSEE_NOTE = re.compile(r"\s*\([^()]*\)\s*$")


def _strip_citation_dates(text: str) -> str:
    """``text`` with the dates of referenced instruments blanked (same length), so none is read as a deadline."""

    def blank(m: re.Match[str]) -> str:
        if _CITATION_BREAK.search(m.group("mid")):
            return m.group(0)
        a, b = m.span("date")
        return m.group(0)[: a - m.start()] + "_" * (b - a) + m.group(0)[b - m.start() :]

    return _CITATION_DATE.sub(blank, text)


def _weak_year(due: Due, text: str) -> bool:
    """A year-precision due that the text does not set as a deadline: no deadline cue before it
    ("kinh phí năm 2026"), or only "trong" in a clause without a completion verb ("Trong năm 2026, …")."""
    if due.precision != "year" or due.kind != "year" or _YEAR_DEADLINE_CUE.search(due.text):
        return False
    at = canonical(nfc(text)).find(due.text)
    clause = re.split(r"[,;:.]", canonical(nfc(text))[:at])[-1] if at >= 0 else ""
    return not (due.text.lower().startswith("trong") and _COMPLETION.search(clause))


#: A date this long before the document's own date is history it recalls ("Quốc khánh 2/9/1945",
#: "Nghị quyết … năm 2019"), never a deadline it sets; a report may still restate a deadline of the
#: past months that was missed ("thời hạn trước ngày 15/10, đến nay chưa hoàn thành").
_HISTORY = dt.timedelta(days=366)


def _historical(due: Due, ref: dt.date | None) -> bool:
    return ref is not None and due.end < ref - _HISTORY


def _due(text: str, ref: dt.date | None) -> Due | None:
    """The deadline a text sets: no referenced document's date, no year given as context, no
    date of history."""
    clean = _strip_citation_dates(text)
    due = parse_due(clean, ref=ref)
    if due is None or not (_weak_year(due, clean) or _historical(due, ref)):
        return due
    return next((d for d in find_dues(clean, ref=ref) if not (_weak_year(d, clean) or _historical(d, ref))), None)


def _dues(text: str, ref: dt.date | None) -> list[Due]:
    clean = _strip_citation_dates(text)
    return [d for d in find_dues(clean, ref=ref) if not (_weak_year(d, clean) or _historical(d, ref))]


def _whole_place(name: str, catalogue: UnitCatalogue) -> bool:
    """``name`` ("UBND xã Gia Phú") is read as one commune/district mention, all of it."""
    found = catalogue.find_mentions(name)
    return len(found) == 1 and found[0].unit is not None and found[0].start == 0 and found[0].end == len(name)


_ENUM_ITEM_STOP = re.compile(r"[;:.()]")


def _name_with_commas(body: str, start: int, prefix: str, catalogue: UnitCatalogue) -> tuple[str, int] | None:
    """An enumerated name that has commas of its own ("các Bộ: …, Văn hóa, Thể thao và Du lịch, …"):
    the shortest run of up to four comma-separated parts that the catalogue knows with the prefix."""
    limit = _ENUM_ITEM_STOP.search(body, start)
    segment_end = limit.start() if limit else len(body)
    commas = [m.start() for m in re.finditer(",", body[start:segment_end])][:4]
    for c in [*commas[1:], segment_end - start]:
        name = collapse_ws(body[start : start + c])
        m = catalogue.resolve(f"{prefix} {name}")
        if m is not None and m.how in ("name", "alias", "folded"):
            return m.unit.name, start + c
    return None


def _expand_enumeration(body: str, catalogue: UnitCatalogue) -> str:
    """Rewrite "các sở: NN&PTNT, TT&TT, Xây dựng" as the units it lists (full names), so that the
    group ("các sở") is not taken for every sở; unchanged when no item resolves to a unit."""
    out: list[str] = []
    pos = 0
    for start, end, names in _enumerations(body, catalogue):
        out.append(body[pos:start] + ", ".join(names))
        pos = end
    if not out:
        return body
    return "".join(out) + body[pos:]


def _enumerations(body: str, catalogue: UnitCatalogue) -> list[tuple[int, int, list[str]]]:
    """Each "các sở: NN&PTNT, TT&TT, Xây dựng" of ``body``: its span and the full names it lists."""
    found: list[tuple[int, int, list[str]]] = []
    pos = 0
    for head in _ENUM_HEAD.finditer(body):
        if head.start() < pos:
            continue
        kind = collapse_ws(head.group("kind").lower())
        prefix = _ENUM_KIND_WORD.get(kind)
        place = bool(prefix and prefix.startswith("UBND"))
        names: list[str] = []
        p = head.end()
        end = p
        while True:
            words = list(_ENUM_WORD.finditer(body, p))
            # words of this item: contiguous, separated by single spaces only
            run: list[re.Match[str]] = []
            for w in words[:8]:
                if run and body[run[-1].end() : w.start()] != " ":
                    break
                if not run and w.start() != p:
                    break
                if place and not w.group()[:1].isupper():
                    break  # a place name is title case: "các xã: Gia Phú, Bảo Thắng khẩn trương …"
                run.append(w)
            hit = None
            for n in range(len(run), 0, -1):
                name = body[run[0].start() : run[n - 1].end()]
                tries = [f"{prefix} {name}"] if prefix else [name, f"Sở {name}"]
                if prefix:
                    tries.append(name)
                for t in tries:
                    m = catalogue.resolve(t)
                    if m is not None and m.how in ("name", "alias", "folded", "pattern"):
                        hit = (m.unit.name if m.how != "pattern" else t, run[n - 1].end())
                        break
                    if place and _whole_place(t, catalogue):  # "UBND xã Gia Phú", a commune the
                        hit = (t, run[n - 1].end())  # catalogue lacks (resolve() tried a near one)
                        break
                if hit:
                    break
            if hit is None and prefix and run:
                hit = _name_with_commas(body, run[0].start(), prefix, catalogue)
            if hit is None:
                break
            names.append(hit[0])
            end = hit[1]
            sep = _ENUM_SEP.match(body, end)
            if sep is None or sep.end() >= len(body):
                break
            p = sep.end()
        if names:
            found.append((head.start(), end, names))
            pos = end
    return found


@dataclass(slots=True)
class _Item:
    text: str  # canonical, emphasis removed, whitespace folded, marker kept
    body: str  # text without the outline marker
    level: float
    marked: bool
    chunk_index: int
    from_heading: bool = False
    md_heading: bool = False


@dataclass(slots=True)
class _Frame:
    level: float
    kind: Literal["heading", "leadin", "item"]
    assignees: list[Assignee]
    zone: Zone | None
    due: Due | None
    text: str
    paragraph: bool = False  # a lead-in written as a plain paragraph ("Sở X có trách nhiệm …:")


def _fold_key(text: str) -> str:
    return collapse_ws(fold(text))


def _clean(text: str) -> str:
    return collapse_ws(canonical(nfc(text)).replace("**", "").replace("__", "").replace("\u00a0", " "))


def _marker(text: str) -> tuple[float, str, bool]:
    """(outline level, text after the marker, has a marker) of one paragraph."""
    md = _MD_HEADING.match(text)
    s = text[md.end() :] if md else text
    s = s.lstrip("*_ ")
    for rx, level in _MARKERS:
        m = rx.match(s)
        if m:
            return level, s[m.end() :].strip(), True
    if md:
        return float(len(md.group(0).strip())) * 0.9, s.strip(), True
    return _BODY, s.strip(), False


_ARTICLE_LINE = re.compile(r"^Điều\s+\d+[a-zđ]?\s*[.:]\s+\S")


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of a passage: one a line, except wrapped lines (raw PDF text) joined back.

    A line continues the previous one when it starts in lowercase, or when the previous line is a
    long unfinished line (no closing punctuation) and this one has no outline marker.
    """
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if out and not _marker(line)[2] and not _LETTER_LINE.match(line) and not _LETTER_LINE.match(out[-1]):
            prev = out[-1]
            # an article's title line ("Điều 15. Trách nhiệm của … kinh doanh rượu") ends unpunctuated
            wrapped = (
                len(prev) >= 60
                and not _TERMINAL_END.search(prev)
                and not prev.isupper()
                and not _ARTICLE_LINE.match(prev)
            )
            if line[0].islower() or wrapped:
                out[-1] = f"{prev} {line}"
                continue
        out.append(line)
    return out


# A letter's subject line and addressee line stand alone ("V/v …" above "Kính gửi: Công ty …").
_LETTER_LINE = re.compile(r"^(?:V/v|Về\s+việc|Kính\s+gửi)\b", re.IGNORECASE)
_ASKS_ADDRESSEE_SHORT = re.compile(
    r"\b(?i:đề\s+nghị|yêu\s+cầu|giao)\s+(?:Quý\s+(?:Sở|Cơ\s+quan|cơ\s+quan|Đơn\s+vị|đơn\s+vị|Công\s+ty|Ban)|"
    r"Công\s+ty|Doanh\s+nghiệp|Chi\s+nhánh|Hợp\s+tác\s+xã|HTX|Đơn\s+vị|đơn\s+vị|Quý\s+Hội)"
    r"(?=\s+[a-zđà-ỹ])",  # then the verb, not a name ("Công ty Cổ phần …" is another company)
)
_INFORM_DUTY = re.compile(
    r"\bthông\s+báo\s+(?:để|cho|đến)\s+(?P<who>[^,;]{3,120}?)\s+(?:được\s+)?biết\s*(?:,|;|\s+và)\s*(?P<duty>.{8,}?)\s*$",
    re.IGNORECASE,
)
_ONE_ADDRESSEE = re.compile(r"^Kính\s+gửi\s*:\s*(?P<rest>\S.*?)\s*[.;]?$", re.IGNORECASE)
_CUT_PARAGRAPH = 600  # characters: a paragraph this long may have been cut between passages
_CUT_END = re.compile(r"[.:!?…]\s*[\"”)]?\s*$")


def _stream(chunks: list[Chunk]) -> list[_Item]:
    """Document-order items from the chunks: new headings of each path first, then its paragraphs.

    A heading that is both in a path and in the text is read once; paragraphs that open a chunk
    and repeat the end of the previous one (overlapping chunks) are read once. Identical
    paragraphs elsewhere (the same bullet under two units) are kept.
    """
    items: list[_Item] = []
    seen: set[str] = set()  # every paragraph and heading key read so far
    heading_keys: set[str] = set()  # keys of headings that came from heading paths
    prev_path: list[str] = []
    prev_keys: set[str] = set()  # paragraph keys of the previous chunk
    for ci, chunk in enumerate(chunks):
        path = list(chunk.heading_path or [])
        k = 0
        while k < min(len(path), len(prev_path)) and match_key(path[k]) == match_key(prev_path[k]):
            k += 1
        for depth, heading in enumerate(path[k:], start=k):
            text = _clean(heading)
            key = match_key(text)
            if key in seen:
                continue
            seen.add(key)
            heading_keys.add(key)
            level, body, marked = _marker(text)
            if not marked:
                level = 1.0 + 0.5 * depth
            items.append(_Item(text, body, level, True, ci, from_heading=True))
        # passages overlap only within one section: under a new heading a paragraph equal to one
        # of the last passage is the same words given to another body ("1. Tổ chức tiếp nhận …"
        # under "Trách nhiệm của Cục …" and again under "Trách nhiệm của Ủy ban nhân dân cấp tỉnh")
        same_section = k == len(path) == len(prev_path)
        prev_path = path
        keys: set[str] = set()
        leading = True  # still inside a possible overlap with the previous chunk
        first_of_chunk = True
        for para in _paragraphs(chunk.text):
            text = _clean(para)
            if not text:
                continue
            key = match_key(text)
            keys.add(key)
            if key in heading_keys or (leading and same_section and key in prev_keys):
                continue
            if leading and items and items[-1].chunk_index == ci - 1 and key.startswith(match_key(items[-1].text)):
                # the previous passage ended inside this paragraph, and this one repeats its start
                last = items[-1]
                last.text = text
                last.level, last.body, last.marked = _marker(text)
                leading = False
                continue
            leading = False
            seen.add(key)
            level, body, marked = _marker(text)
            cut_long = (  # a long paragraph the chunker cut at a ";" between two passages
                bool(items)
                and not marked
                and first_of_chunk
                and items[-1].chunk_index == ci - 1
                and not items[-1].from_heading
                and len(items[-1].text) >= _CUT_PARAGRAPH
                and not _CUT_END.search(items[-1].text)
            )
            first_of_chunk = False
            if items and not marked and (body[:1].islower() or cut_long):
                # a paragraph cut across chunks (or by a footnote left in the flow) continues
                prev = next((it for it in reversed(items) if not _FOOTNOTE_RE.match(it.text)), items[-1])
                if not prev.from_heading:
                    prev.text, prev.body = f"{prev.text} {text}", f"{prev.body} {text}"
                    continue
            items.append(_Item(text, body, level, marked, ci, md_heading=bool(_MD_HEADING.match(para.strip()))))
        prev_keys = keys
    return items


# --------------------------------------------------------------------------------------------
# Subjects of one item
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Analysis:
    subjects: list[Assignee]  # units that must act
    cooperators: list[Assignee]
    triggered: bool  # a "Giao/Yêu cầu/Đề nghị X" construction
    unknown: list[str]


def _is_central(unit: Unit | None) -> bool:
    if unit is None:
        return False
    if unit.kind == _CENTRAL_KIND:
        return True
    return unit.is_group and _CENTRAL_KIND in unit.member_kinds


# Member kinds of a group that is one tier of local government ("UBND các xã, phường"): each member
# is a body with its own line of work, so as a partner the group names someone.
_TIER_KINDS = frozenset({"xã", "phường", "đặc khu", "thị trấn", "huyện"})


def generic_partner(unit: Unit | None) -> bool:
    """A partner group that names nobody in particular ("các sở, ban, ngành", "các cơ quan, đơn
    vị"); a tier of local government ("UBND các xã, phường") is a named partner."""
    if unit is None or not unit.is_group:
        return False
    return not (unit.member_kinds and set(unit.member_kinds) <= _TIER_KINDS)


def _chains(s: str, mentions: list[Mention], qualifiers: re.Pattern[str]) -> list[list[Mention]]:
    """Mentions joined by ",", "và", "cùng" (optionally with a title: ", Thủ trưởng các sở …") form one chain."""
    chains: list[list[Mention]] = []
    for m in mentions:
        if chains:
            prev = chains[-1][-1]
            between = s[prev.end : m.start]
            q = qualifiers.match(between)
            rest = between[q.end() :] if q else between
            titled = _ROLE_PREFIX_TAIL.search(rest) is not None
            rest = _ROLE_PREFIX_TAIL.sub("", rest)
            # "Thủ trưởng các sở, ban, ngành; Chủ tịch UBND các xã, phường; người đứng đầu …": heads
            # of bodies listed with ";" are one list of subjects.
            separated = re.search(r"[.:]", between) or (";" in between and not titled)
            if _CONNECTOR.match(rest) and not separated:
                chains[-1].append(m)
                continue
        chains.append([m])
    return chains


# "phối hợp chặt chẽ với các đơn vị chức năng thuộc Bộ Quốc phòng, Sở Công Thương, Công an tỉnh …":
# units further down the list of partners, after a partner the catalogue does not know or a
# description of the partners ("các đơn vị chức năng thuộc").
_COOPERATE_LIST = re.compile(
    r"phối\s+hợp(?:\s+chặt\s+chẽ|\s+thường\s+xuyên)?\s+(?:với|cùng)\s+(?P<list>[^.;:]{1,120}?)(?:,\s*|\s+)$",
    re.IGNORECASE,
)


# "chủ đầu tư" (the investor) is a noun, though "đầu tư" is a verb.
_INVESTOR = re.compile(r"\bchủ\s+đầu\s+tư\b", re.IGNORECASE)


def _cooperating_list(pre: str) -> bool:
    """The text before a unit ends inside a list of partners ("phối hợp với <X>, "), X holding no verb
    (a capitalised word is part of a name: "Sở Kế hoạch và Đầu tư", "các chủ đầu tư hạ tầng" a noun)."""
    m = _COOPERATE_LIST.search(pre)
    if m is None:
        return False
    partners = _INVESTOR.sub(" ", m.group("list"))
    return not any(v.group()[:1].islower() for v in _ANY_DIRECTIVE_VERB.finditer(partners))


# A routing slip hands a document on: "Văn phòng UBND tỉnh chuyển Văn bản nêu trên đến Sở X để chủ trì,
# xem xét, giải quyết" assigns Sở X.
_ROUTED_TAIL = re.compile(r"(?:^|[\s,;:(])(?P<t>chuyển)\s+(?:[^.;:]{0,100}?\s)?(?:đến|tới|cho)\s*$", re.IGNORECASE)
_PURPOSE = re.compile(r"^\s*,?\s*để\s+", re.IGNORECASE)


def _routed(pre: str, post: str, mentions: list[Mention]) -> re.Match[str] | None:
    """ "<unit> chuyển <văn bản> đến" before a unit and "để <việc>" after it: a unit routes the
    document (an instruction "chuyển đơn đến UBND xã để giải quyết" routes nothing itself)."""
    m = _ROUTED_TAIL.search(pre)
    if m is None or not _PURPOSE.match(post):
        return None
    clause = max(pre.rfind(c, 0, m.start()) for c in ".;:") + 1
    return m if any(clause <= x.start and x.end <= m.start() for x in mentions) else None


# A list of subjects closed by the bodies concerned, described ("Chính phủ, Ủy ban nhân dân tỉnh X,
# chính quyền địa phương các đơn vị hành chính liên quan … và các cơ quan, tổ chức khác có liên quan
# có trách nhiệm …"): the predicate comes after the description. A list that ends with individuals
# ("… và các tổ chức, cá nhân liên quan có trách nhiệm thực hiện …") addresses everyone a rule binds:
# that is the rule's execution clause, not work for the bodies named.
_OTHERS_TAIL = re.compile(
    r"^\s*,?\s*(?:[^.;:]{0,160}?\s)?(?:và\s+)?(?:các|những)\s+(?:cơ\s+quan|đơn\s+vị|tổ\s+chức|địa\s+phương)"
    r"(?:\s*,\s*(?:cơ\s+quan|đơn\s+vị|tổ\s+chức|địa\s+phương))*(?:\s+khác)?(?:\s+có)?\s+liên\s+quan(?=\s)",
    re.IGNORECASE,
)


# Between a subject and its verb, the basis it acts on: "Các sở, ban, ngành … căn cứ chức năng,
# nhiệm vụ được giao phối hợp …" (the verb is "phối hợp", not "căn cứ").
_BASIS_INFIX = re.compile(
    r"^\s*,?\s*(?:căn\s+cứ|theo|trong\s+phạm\s+vi)\s+(?:vào\s+)?(?:chức\s+năng\s*,?\s*(?:và\s+)?nhiệm\s+vụ|nhiệm\s+vụ)"
    r"(?:\s*,?\s*(?:và\s+)?quyền\s+hạn)?(?:\s+(?:được\s+giao|của\s+mình|theo\s+quy\s+định))?\s*,?",
    re.IGNORECASE,
)


# The others named right after the units ("và các đơn vị có liên quan"), not further on.
_OTHERS_HEAD = re.compile(r"^\s*,?\s*(?:và\s+)?(?:các|những)\s", re.IGNORECASE)


def _after(s: str, end: int, qualifiers: re.Pattern[str]) -> str:
    post = s[end:]
    q = qualifiers.match(post)
    post = post[q.end() :] if q else post
    others = _OTHERS_TAIL.match(post)
    if others is not None:
        rest = _BASIS_INFIX.sub("", post[others.end() :], count=1)
        if _RESP_VERB.match(rest) or _LEAD_VERB.match(rest):
            return rest
        if _PREDICATE.match(rest) and _OTHERS_HEAD.match(post):
            return rest  # "Các sở, ban, ngành và các đơn vị có liên quan … phối hợp …"
    return _BASIS_INFIX.sub("", post, count=1)


# A leader's charge in a decision dividing the work ("Phụ trách các phòng, đơn vị: …", "Trực tiếp
# theo dõi các đơn vị:"): the units listed after the colon are overseen, none is given work.
_CHARGE_LIST = re.compile(
    r"^\s*[-+•]?\s*(?:trực\s+tiếp\s+)?(?:phụ\s+trách|theo\s+dõi|quản\s+lý)(?:\s*,\s*(?:phụ\s+trách|theo\s+dõi|chỉ\s+đạo))*"
    r"(?:\s+(?:các|những))?(?:\s*,?\s*(?:phòng|đơn\s+vị|cơ\s+quan|chi\s+cục|trung\s+tâm|lĩnh\s+vực|ban))*(?:\s+sau)?\s*:",
    re.IGNORECASE,
)


def _analyse(
    body: str,
    catalogue: UnitCatalogue,
    *,
    is_report: bool,
    strict: bool = False,
    side: _Side = _PROVINCE_SIDE,
    home: str | None = None,
) -> _Analysis:
    """Find the acting units (subjects) and cooperating units of one paragraph.

    ``strict`` (genres that do not direct): a unit is a subject only after "Giao/Yêu cầu/Đề nghị"
    or before an assigning verb (chủ trì, phối hợp, tham mưu, chịu trách nhiệm …). ``home``: the
    issuer's province, which qualifies unit names as the catalogue's does ("Công an tỉnh Lào Cai").
    """
    body = _expand_enumeration(body, catalogue)
    mentions = catalogue.find_mentions(body)
    unknown = [m.text for m in mentions if m.status == "unknown"]
    subjects: list[Assignee] = []
    cooperators: list[Assignee] = []
    triggered = False
    # the current province (and the issuer's own), not any place
    qualifiers = _qualifiers(catalogue.province_names[:1] + ((home,) if home else ()))
    home_names = catalogue.province_names + ((home,) if home else ())
    objects = _CHARGE_LIST.match(body)
    for chain in _chains(body, mentions, qualifiers):
        first, last = chain[0], chain[-1]
        if objects is not None and first.start >= objects.end():
            continue  # "Phụ trách các đơn vị: Chi cục …; Văn phòng …": whom a leader oversees
        foreign = _foreign_names(body, chain, home_names)
        pre = body[: first.start]
        pre_core = _ROLE_PREFIX_TAIL.sub("", pre)
        post = _after(body, last.end, qualifiers)
        trig = _TRIGGER_TAIL.search(pre_core) or _routed(pre_core, post, mentions)
        if trig and _NOT_TRIGGER_TAIL.search(pre_core):
            trig = None
        role: AssigneeRole | None = None
        if _REPORTED_TO_TAIL.search(pre_core) and _GATHERS.match(post):
            role = "lead"
        elif _COOPERATE_TAIL.search(pre_core) or _cooperating_list(pre_core):
            role = "cooperate"
        elif trig:
            triggered = True
            word = trig.group("t").lower()
            act = _PURPOSE.sub("", post, count=1)  # "chuyển … đến Sở X để chủ trì …"
            role = "lead" if _LEAD_VERB.match(act) else ("responsible" if _RESP_VERB.match(act) else "assigned")
            if word.startswith("đề") and (is_report or _is_central(first.unit)):
                role = "requested"
        elif _FOR_UNIT_TAIL.search(pre_core) and _COLON_AFTER.match(post):
            role = None if strict else "assigned"
        elif _BOUNDARY_TAIL.search(pre_core) or _OPENER.fullmatch(pre_core.strip()) is not None:
            if _NEG_VERB.match(post) or _SPEAKER_VERB.match(post):
                role = None
            elif _LEAD_VERB.match(post):
                role = "lead"
            elif _RESP_VERB.match(post):
                role = "responsible"
            elif _PREDICATE.match(post) or _COLON_AFTER.match(post):
                role = "assigned"
            elif (
                not pre_core.strip(" ,")
                and _ANY_PREDICATE.match(post)
                and (not post.lstrip().startswith(",") or _ANY_DIRECTIVE_VERB.search(post))
            ):
                # a paragraph that opens with the unit: "UBND xã X thí điểm …"; a comma and nouns
                # after it without a verb go on the name ("Trung tâm Kiểm nghiệm thuốc, mỹ phẩm, …")
                role = "assigned"
        if role == "assigned" and strict and not trig and not _ASSIGN_VERB.match(post):
            role = None
        if role is None:
            continue
        for k, m in enumerate(chain):
            if k in foreign:  # another province's body: named whole, no catalogue unit
                a = Assignee(name=foreign[k], unit_id=None, role=role)
                (cooperators if role == "cooperate" else subjects).append(a)
                continue
            kind = m.unit.kind if m.unit is not None else None
            if kind in side.never or (kind in side.named and not trig):
                continue
            if role != "requested" and _is_central(m.unit) and not trig and not side.central:
                continue
            # A generic partner ("phối hợp với các sở, ngành, địa phương", "… các cơ quan liên
            # quan") names nobody in particular: not a cooperating unit.
            if role == "cooperate" and generic_partner(m.unit):
                continue
            # Uncatalogued communes keep their pattern id ("xa-ba-to"); unknown names have none.
            a = Assignee(name=m.text, unit_id=m.unit.id if m.unit else None, role=role)
            (cooperators if role == "cooperate" else subjects).append(a)
    # "- Chủ trì, phối hợp …, yêu cầu các đơn vị điều chỉnh …" under "5. Sở Xây dựng": a bullet
    # opening with the role has the heading's unit as subject; those it asks of are not assignees.
    if not subjects and not _ROLE_OPENING.match(_OPENER.sub("", body.strip())):
        described = _described_addressee(body)
        if described is not None:
            triggered = True
            role = "requested" if is_report else "assigned"
            subjects.append(Assignee(name=described, unit_id=None, role=role))
    return _Analysis(_merge(subjects), _merge(cooperators), triggered, unknown)


# "2. Sở Công Thương", "4. Bộ Chỉ huy Quân sự tỉnh/Ban Chỉ huy Bộ đội Biên phòng tỉnh", "Trách nhiệm
# của Sở Y tế", "Nhiệm vụ chung của các cơ quan, đơn vị", "Yêu cầu đối với Công ty …" (a notice of
# appraisal results): a heading that only names who; the items
# below it are that unit's work.
_UNIT_HEADING_PREFIX = re.compile(
    r"^(?:(?:trách\s+nhiệm|nhiệm\s+vụ|yêu\s+cầu)(?:\s+(?:chung|cụ\s+thể|chính))?(?:\s+(?:của|đối\s+với|giao))?|giao|đối\s+với|"
    r"phân\s+công(?:\s+nhiệm\s+vụ)?(?:\s+cho)?|đề\s+nghị)\s+",
    re.IGNORECASE,
)
# "2. Đề nghị Ủy ban nhân dân xã phối hợp": after a prefix, the verb the heading ends on.
_UNIT_HEADING_VERB_TAIL = re.compile(r"\s+(?:phối\s+hợp|thực\s+hiện|triển\s+khai(?:\s+thực\s+hiện)?)$", re.IGNORECASE)
# ("các sở, ban, ngành, đoàn thể tỉnh và UBND các xã, phường": "đoàn thể" ends the group's name)
_UNIT_HEADING_FILLER = re.compile(
    r"[\W\d_]+|\b(?:và|các|liên\s+quan|có|tỉnh|thuộc|trực\s+thuộc|đoàn\s+thể)\b", re.IGNORECASE
)
# A clause after a group heading that picks some of its members: "… các xã, phường có cụm công nghiệp".
_WHICH_UNITS = re.compile(
    r"\s+(?P<clause>(?:nơi\s+)?có\s+[^,;:.()]{3,60}|được\s+giao\s+[^,;:.()]{3,60})$", re.IGNORECASE
)
# Words before a unit that make the heading something else than its work: "Kết quả của Sở Y tế",
# a minutes' attendance list ("Đại diện Sở Công Thương:").
_NOT_TITLE = re.compile(
    r"\b(?:của|về|với|cho|tại|trong|đối|trình|kết\s+quả|công\s+tác|đại\s+diện|thành\s+phần|ông|bà)\b", re.IGNORECASE
)
# A party named by its role in a construction or licensing file: "chủ đầu tư", "nhà thầu thi công",
# "đơn vị tư vấn giám sát".
_PARTY_ROLE = re.compile(
    r"^(?:chủ\s+đầu\s+tư|nhà\s+thầu(?:\s+[^\W\d_]+){0,4}|đơn\s+vị\s+tư\s+vấn(?:\s+[^\W\d_]+){0,3})$", re.IGNORECASE
)
_DESCRIBED_HEAD = re.compile(
    r"^(?:các|những|mỗi)\s+(?:sở|ban|ngành|cơ\s+quan|đơn\s+vị|địa\s+phương|tổ\s+chức|doanh\s+nghiệp)\b[^.;:]{0,80}$",
    re.IGNORECASE,
)


# A heading's closing gloss in parentheses: "… ngành Nông nghiệp (công chức … thuộc UBND cấp xã)".
_GLOSS_TAIL = re.compile(r"\s*\([^()]*\)$")
_GROUP_TITLE = r"(?:người\s+đứng\s+đầu|thủ\s+trưởng|tập\s+thể\s+lãnh\s+đạo|lãnh\s+đạo)"
# A heading naming the issuer's own subordinate units by description ("1. Các phòng, cơ quan, đơn vị
# trực thuộc Sở", "1. Đối với Người đứng đầu, tập thể lãnh đạo các phòng, cơ quan, đơn vị thuộc Sở
# …"): nobody the catalogue knows, yet the items below are theirs.
_SUBORDINATES_HEAD = re.compile(
    rf"^(?:{_GROUP_TITLE}(?:\s*(?:,|và)\s*{_GROUP_TITLE})*\s+)?(?:các|những|mỗi)\s+"
    r"(?:phòng|cơ\s+quan|đơn\s+vị|trung\s+tâm|chi\s+cục|ban)\b[^.;:]{0,80}?\b(?:trực\s+)?thuộc\s+[^.;:]{2,60}$",
    re.IGNORECASE,
)
# "2. Đối với công chức, viên chức và người lao động ngành …": people by their standing, after a
# prefix that hands them the items ("Đối với", "Trách nhiệm của").
_PEOPLE_HEAD = re.compile(
    r"^(?:toàn\s+thể\s+)?(?:cán\s+bộ|công\s+chức|viên\s+chức|người\s+lao\s+động|đảng\s+viên|đoàn\s+viên|hội\s+viên)"
    r"(?:\s*,\s*|\s+và\s+)[^.;:]{3,100}$",
    re.IGNORECASE,
)


def _heading_units(body: str, catalogue: UnitCatalogue, side: _Side = _PROVINCE_SIDE) -> list[Assignee]:
    """The units a heading names when it names nothing else ("2. Sở Công Thương", "Trách nhiệm của
    Sở Y tế", "Bộ Chỉ huy Quân sự tỉnh/Ban Chỉ huy Bộ đội Biên phòng tỉnh"); [] for any other heading.

    Between and around the names only separators, filler words and a short title the catalogue
    did not take in ("Ban Chỉ huy" before "Bộ đội Biên phòng tỉnh") may remain."""
    text = body.rstrip(" :.")
    text = _GLOSS_TAIL.sub("", text)
    if not text or len(text) > 160:
        return []
    prefix = _UNIT_HEADING_PREFIX.match(text)
    rest = _UNIT_HEADING_VERB_TAIL.sub("", text[prefix.end() :]) if prefix else text
    if _SUBORDINATES_HEAD.match(rest) or (prefix and _PEOPLE_HEAD.match(rest)):
        return [Assignee(collapse_ws(rest), None, "assigned")]
    found = catalogue.find_mentions(rest)
    mentions = [m for m in found if m.unit is not None]
    if not mentions and len(found) == 1 and found[0].status == "unknown":
        # A heading that is one name the catalogue lacks ("1. Ban Thường trực Ủy ban MTTQ Việt Nam
        # xã", "2. Công ty TNHH …"), nothing else: that body's duties follow.
        m = found[0]
        if not _UNIT_HEADING_FILLER.sub(" ", rest[: m.start] + rest[m.end :]).split():
            return [Assignee(collapse_ws(m.text), None, "assigned")]
    if not mentions:
        if prefix and _DESCRIBED_HEAD.match(rest):
            return [Assignee(collapse_ws(rest), None, "assigned")]  # "Trách nhiệm chung của các cơ quan, đơn vị"
        if prefix and _PARTY_ROLE.match(rest):
            # "Yêu cầu đối với chủ đầu tư": the party by its role in the project
            name = collapse_ws(rest)
            return [Assignee(name[:1].upper() + name[1:], None, "assigned")]
        return []
    out: list[Assignee] = []
    pos = 0
    for m in mentions:
        piece = _UNIT_HEADING_FILLER.sub(" ", rest[pos : m.start]).split()
        start = m.start
        if piece:  # a title before the name ("Ban Chỉ huy"), glued to it
            if (
                len(piece) > 3
                or not piece[0][:1].isupper()
                or _NOT_TITLE.search(rest[pos : m.start])
                or not re.search(r"\w\s*$", rest[pos : m.start])
            ):
                return []
            start = rest.rfind(piece[0], pos, m.start)
        if m.unit is not None and m.unit.kind not in side.never | side.named:
            out.append(Assignee(collapse_ws(rest[start : m.end]), m.unit.id, "assigned"))
        pos = m.end
    tail = _UNIT_HEADING_FILLER.sub(" ", rest[pos:]).split()
    if out and (which := _WHICH_UNITS.match(rest, pos)):
        # "Ủy ban nhân dân các xã, phường có cụm công nghiệp": those of the group the clause picks
        last = out[-1]
        out[-1] = Assignee(collapse_ws(last.name + " " + which.group("clause")), last.unit_id, last.role)
        tail = []
    if len(tail) > 3 or (tail and not all(w[:1].isupper() for w in tail)):
        return []
    return _merge(out)


# The commune or ward that issues ("Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh") and its
# People's Committee named without its name in the text ("Đề nghị Ủy ban nhân dân xã phối hợp").
_ISSUER_PLACE = re.compile(
    r"\b(?P<kind>xã|phường|đặc\s+khu)\s+(?P<place>[A-ZĐÀ-Ỹ][\w-]*(?:\s+[A-ZĐÀ-Ỹ0-9][\w-]*){0,3})$"
)
# A commune's bodies listed with the place word only after the last: "Thường trực HĐND, UBND, Ủy ban
# Kiểm tra Đảng ủy xã", "HĐND, UBND phường".
_ELLIPTIC_LOCAL = re.compile(
    r"\b(?:Thường\s+trực\s+(?:HĐND|Hội\s+đồng\s+nhân\s+dân)|HĐND|UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân)"
    r"(?=\s*,\s*(?:(?:Thường\s+trực\s+)?(?:HĐND|UBND|Ủy\s+ban\s+nhân\s+dân)\s*,\s*)*"
    r"(?:[A-ZĐÀ-Ỹ](?:(?!\b(?:tỉnh|huyện|thành\s+phố|và)\b)[^,;.:]){0,50}?\s|(?:HĐND|UBND)\s)(?P<kind>xã|phường)\b)"
)
_BARE_LOCAL = re.compile(
    r"(?<!các\s)\b(?:Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|UBND)\s+(?P<kind>xã|phường)\b"
    r"(?!\s*[,/]\s*(?:xã|phường|thị\s+trấn)\b)(?!\s+[A-ZĐÀ-Ỹ0-9])"
)


def _described_addressee(body: str) -> str | None:
    """The addressee of "yêu cầu / đề nghị / giao <các đơn vị …> <verb>" when it is described, not
    named ("các đơn vị sản xuất, kinh doanh hóa chất trên địa bàn tỉnh chưa thực hiện báo cáo")."""
    m = _DESCRIBED.search(body)
    if m is None or _NOT_TRIGGER_TAIL.search(body[: m.end("t")]):
        return None
    return collapse_ws(m.group("np")).strip(" ,")


def _merge(assignees: list[Assignee]) -> list[Assignee]:
    """One entry per unit, keeping the strongest role and first spelling."""
    out: dict[str, Assignee] = {}
    for a in assignees:
        key = a.unit_id or match_key(a.name)
        old = out.get(key)
        if old is None:
            out[key] = Assignee(a.name, a.unit_id, a.role)
        elif _ROLE_RANK[a.role] > _ROLE_RANK[old.role]:
            old.role = a.role
    return list(out.values())


# --------------------------------------------------------------------------------------------
# Walking the outline
# --------------------------------------------------------------------------------------------


# A heading's title is its first words; a longer "heading" is a title fused with the paragraph
# after it ("II. Nhiệm vụ cụ thể trong thời gian đến Để … đạt kết quả cao nhất …").
_TITLE_WORDS = 12


# Headings of a regulation's provisions (who it applies to, conditions, files, amounts): the units
# named below are beneficiaries or places, not assignees ("a) Cán bộ, công chức đang công tác tại
# các cơ quan Đảng, Nhà nước, Ủy ban MTTQ …"). Read like results: only "Giao/Đề nghị X" assigns there.
_PROVISION_HEADING = re.compile(
    r"^(?:đối\s+tượng|phạm\s+vi(?:\s+điều\s+chỉnh)?|điều\s+kiện|hồ\s+sơ|mức\s+hỗ\s+trợ|giải\s+thích\s+từ\s+ngữ|"
    r"nguyên\s+tắc|phương\s+thức\s+hỗ\s+trợ|nội\s+dung\s+hỗ\s+trợ|chi\s+phí\s+bồi\s+hoàn|"
    # a body's statute: what it is and may do, not work given to it ("Điều 2. Nhiệm vụ và quyền hạn")
    r"vị\s+trí(?:,|\s+và)?\s+chức\s+năng|chức\s+năng(?:,|\s+và)?\s+nhiệm\s+vụ|nhiệm\s+vụ(?:,|\s+và)?\s+(?:quyền\s+hạn|thẩm\s+quyền)|"
    r"thẩm\s+quyền|cơ\s+cấu\s+tổ\s+chức|giám\s+đốc\s+sở\s*,\s*phó\s+giám\s+đốc|lãnh\s+đạo\s+sở)\b",
    re.IGNORECASE,
)


# A plan's "I. MỤC ĐÍCH, YÊU CẦU" (or "1. Mục đích", "2. Yêu cầu" under it) states what the plan is
# for and how it must be carried out, before anyone is given work: its items are aims, not tasks
# ("a) Tổ chức quán triệt sâu sắc …" under "1. Mục đích" assigns nobody).
_PURPOSE_HEADING = re.compile(r"^(?:mục\s+đích(?:\s*,?\s*(?:và\s+)?yêu\s+cầu)?|yêu\s+cầu)\s*[:.]?$", re.IGNORECASE)


def _heading_zone(text: str) -> Zone | None:
    """What kind of text a heading's title announces: results (retro), requests or directives."""
    text = " ".join(text.split()[:_TITLE_WORDS])
    title = _clean_title(text)
    if _RETRO_HEADING.search(text) or _PROVISION_HEADING.match(title) or _PURPOSE_HEADING.match(title):
        return "retro"
    if _REQUEST_HEADING.search(text):
        return "request"
    if _DIRECTIVE_HEADING.search(text):
        return "directive"
    return None


_TITLE_MARKER = re.compile(r"^(?:điều\s+\d+[.:]?|[IVXLC]+[.)]|\d+(?:\.\d+)*[.)]?|[a-zđ][)])\s*", re.IGNORECASE)


def _clean_title(text: str) -> str:
    """A heading's title without its outline marker ("1. Đối tượng hỗ trợ" → "Đối tượng hỗ trợ")."""
    return _TITLE_MARKER.sub("", text.strip(), count=1)


def _imperative(body: str) -> bool:
    b = _OPENER.sub("", body.strip())
    return bool(VERB_START.match(b))


def _is_heading(item: _Item, analysis: _Analysis) -> bool:
    if item.from_heading or item.md_heading:
        return not analysis.subjects
    body = item.body
    letters = [c for c in body if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8 and len(letters) > 3:
        return True  # "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM"
    if item.marked and item.level < 4.0 and _SECTION_TITLE.match(body):
        return True  # "3. Tổ chức thực hiện": a section, not an instruction
    if not item.marked or item.level >= 4.0:
        return False
    if body.endswith((".", ";", ":", "./.")):
        return False
    if analysis.subjects and (len(body.split()) > 14 or _ANY_DIRECTIVE_VERB.search(body)):
        return False  # a unit and its verb: an instruction; a unit alone ("7. UBND các xã có …") heads
    core = _GLOSS_TAIL.sub("", body)  # a gloss in parentheses does not make a heading a paragraph
    return len(core.split()) <= 30 and not _imperative(body)


def _is_leadin(item: _Item) -> bool:
    return item.body.rstrip().endswith(":") and not item.body.rstrip().endswith("./.")


# Where a lead-in's last sentence starts: a new sentence, or "…; trong đó (lưu ý / tập trung):".
_LAST_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])|;\s+(?=(?:trong\s+đó|cụ\s+thể|nhất\s+là|đặc\s+biệt)\b)")


def _directive_sentence_before_last(
    body: str, catalogue: UnitCatalogue, is_report: bool, strict: bool, side: _Side = _PROVINCE_SIDE
) -> bool:
    """A long lead-in paragraph may hold a task before its "… như sau:" sentence."""
    parts = _LAST_SENTENCE.split(body)
    if len(parts) < 2:
        return False
    head = " ".join(parts[:-1])
    return bool(_analyse(head, catalogue, is_report=is_report, strict=strict, side=side).subjects) or _imperative(head)


def _inherited(frames: list[_Frame]) -> list[Assignee]:
    for f in reversed(frames):
        if f.assignees:
            return [Assignee(a.name, a.unit_id, a.role) for a in f.assignees]
    return []


def _inherited_due(frames: list[_Frame]) -> Due | None:
    for f in reversed(frames):
        if f.due is not None and f.kind in ("heading", "leadin") and f.level < _BODY - 1:
            return f.due
    return None


def _zone(frames: list[_Frame], doc_zone: Zone | None) -> Zone | None:
    for f in reversed(frames):
        if f.zone is not None:
            return f.zone
    return doc_zone


def _is_news(meta: DocumentMeta) -> bool:
    t = (meta.doc_type or "").lower()
    return "tin" in t.split() or t.startswith("tin") or "bài báo" in t or "tin tức" in t


def _is_report(meta: DocumentMeta) -> bool:
    return (meta.doc_type or "").lower().startswith("báo cáo")


def _doc_type(meta: DocumentMeta) -> str:
    """The type the metadata reader found, accent-free and lower case ("" when none)."""
    return _fold_key(meta.doc_type or "")


def _type_in(t: str, genres: tuple[str, ...]) -> bool:
    """``t`` is one of ``genres`` or a kind of one ("nghi dinh" and "nghi dinh quy dinh …")."""
    return any(t == g or t.startswith(g + " ") for g in genres)


def _is_legal_instrument(meta: DocumentMeta) -> bool:
    """A law, decree or circular, or a resolution of a central state body (Chính phủ, Quốc hội …); a
    Party resolution ("Nghị quyết 60-NQ/TW": "Giao Bộ Chính trị chỉ đạo …") directs like a conclusion."""
    t = _doc_type(meta)
    if _type_in(t, _LAW_TYPES):
        return True
    issuer = (meta.issuer or "").strip()
    return t.startswith("nghi quyet") and bool(_CENTRAL_ISSUER.match(issuer)) and not _PARTY_CENTRAL.match(issuer)


def _is_letter(meta: DocumentMeta) -> bool:
    return _doc_type(meta) in ("cong van", "")


def _lists_own_work(meta: DocumentMeta) -> bool:
    """A plan-like document (or one whose type was not read): its issuer may be an assignee."""
    t = _doc_type(meta)
    return not t or _type_in(t, _OWN_WORK_TYPES)


# A unit bound by the text itself: "<unit> phải thực hiện …", "<unit> có trách nhiệm …" (a licence's
# conditions, a regulation's provisions). A liability clause ("chịu trách nhiệm về tính chính xác
# …", "… trước pháp luật") binds no work.
_BOUND_AFTER = re.compile(r"\s*(?:\([^()]{1,80}\)\s*)?(?:phải|có\s+trách\s+nhiệm)\s+(?!về\b|trước\b)\w", re.IGNORECASE)


def _bound(body: str, subjects: list[Assignee]) -> bool:
    """A subject of ``body`` is followed by an obligation ("phải", "có trách nhiệm"): an order even
    under a provision heading ("Điều 2. Điều kiện sử dụng", whose other points are conditions)."""
    for a in subjects:
        at = body.find(a.name)
        if at >= 0 and _BOUND_AFTER.match(body, at + len(a.name)):
            return True
    return False


def _implementation_part(headings: list[str]) -> bool:
    """Headings of a legal instrument's implementation part or of a "Trách nhiệm của …" article, not
    of an annex: the only place such an instrument assigns."""
    return not any(_APPENDIX_RE.match(h) for h in headings) and bool(_IMPLEMENTATION_PART.search(" ".join(headings)))


def _law_part_assigns(meta: DocumentMeta, heading_path: list[str]) -> bool:
    """Whether a passage under ``heading_path`` may assign: anywhere in most documents, only in the
    implementation part of a legal instrument."""
    return not _is_legal_instrument(meta) or _implementation_part(heading_path)


def _assigns_nothing(meta: DocumentMeta) -> bool:
    """A genre that orders nothing itself: a comparison table or a synthesis of comments quotes a
    draft or the letters it sums up ("Sở Nội vụ có trách nhiệm …" in the draft's column); a
    submission (Tờ trình, Phiếu trình) proposes to the body that decides ("Yêu cầu Công ty … có
    trách nhiệm …" is a proposal for the decision, not yet anyone's task)."""
    return _type_in(_doc_type(meta), _QUOTING_TYPES + _PROPOSING_TYPES)


def _is_non_assigning(meta: DocumentMeta) -> bool:
    """A guideline, a form / cover memo or a law (the type the metadata reader found); a routing
    slip (Phiếu chuyển) hands a document to a unit to handle: it assigns."""
    t = _doc_type(meta)
    return t not in _ASSIGNING_FORMS and _type_in(t, _NON_ASSIGNING_TYPES)


def extract_tasks(
    chunks: list[Chunk],
    meta: DocumentMeta,
    *,
    catalogue: UnitCatalogue,
    report_plans: bool = False,
) -> list[ExtractedTask]:
    """The assignments of one document, in reading order (see the module docstring for the rules).

    ``chunks`` are the document's passages in order; headings may be inline in ``chunk.text`` or
    only in ``chunk.heading_path``. Deadlines are read with ``meta.known_date`` (the day, else the month of a blank day) as reference.
    """
    if not chunks or _is_news(meta) or _assigns_nothing(meta):
        return []
    return _Walker(chunks, meta, catalogue, report_plans).run()


def _party_list(name: str) -> list[str]:
    """ "Người vận tải, người thuê vận tải, tổ chức tập huấn vận chuyển hàng hóa nguy hiểm": the parties
    of a list whose every item is a name of its own (3–10 words); a name whose commas join bare
    nouns ("Bộ trưởng, Thủ trưởng cơ quan ngang bộ", "Tổ chức, cá nhân …") is one party."""
    pieces = [p.strip() for p in re.split(r"\s*,\s*(?:và\s+)?|\s+và\s+", name) if p.strip()]
    if len(pieces) > 1 and all(3 <= len(p.split()) <= 10 for p in pieces):
        return pieces
    return [name]


@dataclass(slots=True)
class _Walker:
    """One pass over a document's outline; holds the lead-in stack while it walks."""

    chunks: list[Chunk]
    meta: DocumentMeta
    catalogue: UnitCatalogue
    report_plans: bool
    frames: list[_Frame] = field(default_factory=list)
    doc_zone: Zone | None = None
    tasks: list[ExtractedTask] = field(default_factory=list)
    fresh: bool = False  # the previous paragraph produced the last task (table cells may follow)
    addressees: bool = False  # inside the "Kính gửi:" list of a letter
    addressee: Assignee | None = None  # the one unit a letter is addressed to ("Kính gửi: Công ty X")
    addressee_list: list[Assignee] = field(default_factory=list)  # the units of its "Kính gửi:" list
    parties: list[Assignee] = field(default_factory=list)  # companies the text named so far, in order
    amending: bool = False  # inside a legal instrument's amendments ("Sửa đổi, bổ sung … như sau:")
    unaddressed: set[int] = field(default_factory=set)  # ids of unit-less tasks under no directing lead-in
    card: ExtractedTask | None = None  # the open activity card's task (its field lines follow)
    item_first_task: int = 0  # index of the first task the latest numbered item gave
    issuer_place: tuple[str, str] | None = field(init=False)  # ("xã", "Lương Minh") of a commune's own document
    home: str | None = field(init=False)  # the issuer's province ("Lào Cai" of "Sở Công Thương tỉnh Lào Cai")

    def __post_init__(self) -> None:
        m = _ISSUER_PLACE.search(self.meta.issuer or "")
        self.issuer_place = (m.group("kind").lower(), m.group("place")) if m else None
        home = _HOME_PROVINCE.search(self.meta.issuer or "")
        self.home = home.group("name") if home else None

    @property
    def is_report(self) -> bool:
        return _is_report(self.meta)

    @property
    def strict(self) -> bool:
        return _is_non_assigning(self.meta)

    @property
    def side(self) -> _Side:
        return _issuer_side(self.meta.issuer)

    def _is_issuer(self, a: Assignee) -> bool:
        issuer = self.meta.issuer
        if not issuer:
            return False
        name, full = match_key(a.name), match_key(issuer)
        if name == full:
            return True
        if a.unit_id is None and len(name.split()) >= 2 and full.startswith(name + " "):
            return True  # "Ban Biên tập" cut short, or the issuer without its place: the issuer itself
        hit = self.catalogue.resolve(issuer)
        return hit is not None and a.unit_id is not None and a.unit_id == hit.unit.id

    def _request_heading(self, item: _Item, local: str) -> bool:
        """ "2. Đề nghị Ủy ban nhân dân xã phối hợp": a short numbered title that asks a unit, with its
        duties as the bullets below (the request names the unit, so it is read as a sentence too)."""
        body = item.body.rstrip()
        return (
            item.marked
            and item.level < 4.0
            and not body.endswith((".", ";", ":"))
            and len(body.split()) <= 12
            and bool(_UNIT_HEADING_PREFIX.match(body))
            and bool(_heading_units(local, self.catalogue, self.side))
        )

    def _localised(self, body: str) -> str:
        """A commune's own document calls its People's Committee "UBND xã" with no name: read it as
        the issuer's commune ("UBND xã Lương Minh"), not as no unit (used for finding units only;
        the task keeps its text)."""
        if self.issuer_place is None:
            return body
        kind, place = self.issuer_place
        # "Thường trực HĐND, UBND, Ủy ban Kiểm tra Đảng ủy xã": the place closing the list is each one's
        body = _ELLIPTIC_LOCAL.sub(
            lambda b: f"{b.group(0)} {b.group('kind')}" if b.group("kind").lower() == kind else b.group(0), body
        )
        return _BARE_LOCAL.sub(
            lambda b: f"{b.group(0)} {place}" if b.group("kind").lower() == kind else b.group(0), body
        )

    def _person(self, name: str) -> Assignee:
        """A person, role or team as an assignee, under the unit its title names when the catalogue
        knows it ("Chủ tịch UBND xã Ia Grai" answers for UBND xã Ia Grai), else by name alone."""
        units = {
            m.unit.id
            for m in self.catalogue.find_mentions(name)
            if m.unit is not None and not m.unit.is_group and m.unit.kind not in self.side.never
        }
        return Assignee(name, units.pop() if len(units) == 1 else None, "assigned")

    def _issuer_named(self, a: Assignee) -> Assignee:
        """A body named by its level only ("Ban Thường trực Ủy ban MTTQ Việt Nam xã") in a document
        its full name issued ("… xã Lương Minh") is the issuer, under that full name."""
        issuer = self.meta.issuer
        if a.unit_id is not None or not issuer or not _LEVEL_END.search(a.name):
            return a
        full, short = _NATION.sub(" ", match_key(issuer)), _NATION.sub(" ", match_key(a.name))
        if collapse_ws(full).startswith(collapse_ws(short) + " ") and len(issuer) > len(a.name):
            return Assignee(name=issuer, unit_id=None, role=a.role)
        return a

    def run(self) -> list[ExtractedTask]:
        in_body = True
        items = _stream(self.chunks)
        for k, item in enumerate(items):
            if is_row(item.text):  # a task table row: its task comes from ingest.task_tables
                continue
            if _NOTE_RE.match(item.body) and not (k + 1 < len(items) and _FOOTNOTE_RE.match(items[k + 1].text)):
                continue  # "Ghi chú:" inside the text (a plan's note), not the cleaner's footnote block
            if not in_body:  # after the signature only an appendix (task tables) is read
                if _APPENDIX_RE.match(item.body):
                    in_body, self.frames, self.doc_zone = True, [], "directive"
                continue
            in_body = self._step(item)
        # A unit-less item is kept when a directing lead-in covers it or a table cell named its unit.
        kept = [t for t in self.tasks if t.assignees or id(t) not in self.unaddressed]
        if self.is_report:
            # A report tells what was done and quotes what others said ("Ban Pháp chế có ý kiến như
            # sau: …"): a point there is a task only when it names who is to act.
            kept = [t for t in kept if t.assignees]
        if self.addressee is not None and _is_letter(self.meta):
            # A letter to one unit: what it asks without naming anyone, it asks of that unit.
            for t in kept:
                if not t.assignees:
                    t.assignees = [Assignee(self.addressee.name, self.addressee.unit_id, "assigned")]
                    t.role = "assigned"
        if self._named_addressees() and _is_letter(self.meta):
            for t in kept:
                self._to_addressees(t)
        for n, t in enumerate(kept):
            t.ordinal = n
        return kept

    def _step(self, item: _Item) -> bool:
        """Handle one paragraph; False once the body of the document is over."""
        body = item.body
        fresh, self.fresh = self.fresh, False
        annex = _ANNEX_CAPS.match(body) if item.marked else _APPENDIX_RE.match(body)
        if (_STOP_RE.match(body) or annex) and not item.from_heading:
            return False
        if self.addressees and item.marked and _addressee_line(body, self.catalogue):
            self._note_addressee(body)
            return True
        self.addressees = not item.marked and bool(_ADDRESSEES_RE.search(body))
        if self.addressees:
            return True
        if not item.marked and (one := _ONE_ADDRESSEE.match(body)):
            self.addressee = self._one_addressee(one.group("rest"))
            return True
        if _ENCLOSURE_NOTE.match(body) or (_is_letter(self.meta) and item.marked and _MEETING_FIELD.match(body)):
            return True
        informed = self._informed_with_duty(body)
        if not item.marked and _CLOSING_RE.search(body) and not informed:
            # "… được biết và thực hiện./. NHI HẬU …": OCR glued the recipients' block to the end mark
            return not _END_MARK_GLUED.search(body)
        if _SIGNATURE_RE.match(body) or _FOOTNOTE_RE.match(item.text) or _BOILERPLATE_RE.search(body) or len(body) < 4:
            return True
        if _APPENDIX_POINTER.match(body):  # "(Nhiệm vụ cụ thể tại Phụ lục kèm theo)": the table is read there
            return True
        if _FORM_LINE.search(body):  # a field of a form, to be filled in or ticked
            return not _END_MARK.search(body)
        if self.card is not None and not _CARD_FIELD.match(body):
            self.card = None
        if self.card is not None and _CARD_TIME.match(body):
            self._attach_time(self.card, body)
            return True
        cell = fresh and not item.marked and not body.endswith(":")
        if self._attach(body) or (cell and self._attach_cell(body)):
            self.fresh = fresh
            return True
        if len(body) < 12 and not (
            item.marked and (_heading_units(body, self.catalogue, self.side) or _heading_zone(body) is not None)
        ):
            return True  # debris; a short numbered heading ("2. Kiến nghị") still opens its section
        while self.frames and self.frames[-1].level >= item.level:
            self.frames.pop()
        if item.marked:
            self.item_first_task = len(self.tasks)
        local = self._localised(body)
        # A legal instrument's implementation part directs like a decision does ("Bộ Công Thương tổ
        # chức thực hiện …", "Bộ trưởng … hướng dẫn áp dụng …"); elsewhere it only states rules.
        strict = self.strict and not self._in_implementation(item)
        analysis = _analyse(
            local, self.catalogue, is_report=self.is_report, strict=strict, side=self.side, home=self.home
        )
        if informed:
            analysis.subjects, analysis.triggered = informed, True
        if (
            self.addressee is not None
            and all(self._is_issuer(a) for a in analysis.subjects)  # nobody but the writer named
            and self._asks_addressee(body)
        ):
            analysis.subjects, analysis.triggered = [self.addressee], True
        if (
            _ASKS_LISTED.search(body)
            and _is_letter(self.meta)
            and self._named_addressees()
            and all(self._is_issuer(a) or _ADDRESSEES_BACKREF.fullmatch(a.name.strip()) for a in analysis.subjects)
            and not (_END_MARK.search(body) and self._generic_closing(body, analysis))
        ):
            analysis.subjects = [Assignee(a.name, a.unit_id, "assigned") for a in self.addressee_list]
            analysis.triggered = True
        if self.parties and all(self._is_issuer(a) for a in analysis.subjects) and _BACK_REFERENCE.search(body):
            # "Sở Công Thương yêu cầu đơn vị nêu trên thực hiện …" after the inspected companies
            analysis.subjects = [Assignee(a.name, a.unit_id, "assigned") for a in self.parties]
            analysis.triggered = True
        self._note_parties(body)
        directing = not self.strict and _zone(self.frames, self.doc_zone) == "directive"
        if directing:
            person = honored_subject(body) or (None if analysis.subjects else person_label(body))
            if person is not None:
                analysis.subjects = [self._person(person)]
        if self.legal and not _QUOTED.match(body):
            if _AMENDMENT.match(body):
                self.amending = True  # "1. Sửa đổi, bổ sung một số khoản của Điều 3 như sau:"
            elif self.amending and (
                (len(body) < 60 and _OWN_FINAL_ARTICLE.match(body)) or _OWN_ARTICLE.match(item.text.lstrip("#* "))
            ):
                # "Điều 3. Trách nhiệm thi hành", "Chương II": the amending instrument's own text again
                # ("Điều 110g." with a letter is an article it inserts elsewhere)
                self.amending = False
        if self.legal and (self.amending or _QUOTED.match(body)):
            return True  # the text an amending instrument puts in force elsewhere is that one's law
        if self.legal and (article := _RESPONSIBILITY_ARTICLE.match(body)):
            # the article's points are the named party's, whether or not the catalogue knows it
            owners = self._bound_parties(self._responsible_party(article.group("who")), item)
            self.frames.append(_Frame(item.level, "heading", owners, "directive" if owners else "retro", None, body))
            return True
        if self.legal and self._role_heading(item, analysis):
            # "1. Bộ trưởng, Thủ trưởng cơ quan ngang bộ:" heading its points in "Tổ chức thực hiện"
            who = collapse_ws(body.rstrip().rstrip(":"))
            if _RIGHTS_LEADIN.search(who):
                self.frames.append(_Frame(item.level, "heading", [], "retro", None, body))  # rights: no task
                return True
            parties = [Assignee(name, None, "responsible") for name in _party_list(_DUTIES_TAIL.sub("", who))]
            owners = self._bound_parties(parties, item)
            self.frames.append(_Frame(item.level, "heading", owners, "directive" if owners else "retro", None, body))
            return True
        if _is_heading(item, analysis) or self._request_heading(item, local):
            implementing = self._in_implementation(item)
            owners = [] if self.strict and not implementing else _heading_units(local, self.catalogue, self.side)
            if not owners and implementing and (party := _FOR_PARTY_HEADING.match(_clean_title(body))):
                # "Điều 31. Đối với người thuê vận tải" in a decree's implementation chapter
                owners = [Assignee(collapse_ws(party.group("who")), None, "responsible")]
            if not owners and directing and item.marked and (person := person_heading(body)):
                owners = [self._person(person)]
            zone = _heading_zone(body) if not owners else None
            zone = self._nested_zone(zone)
            self.frames.append(_Frame(item.level, "heading", owners, zone, _due(body, self.meta.known_date), body))
            return True
        if self._reply_deadline(item, analysis) or self._item_deadline(item, analysis):
            return not _END_MARK.search(body)
        if _END_MARK.search(body) and self._generic_closing(body, analysis):
            return False
        if _is_leadin(item):
            self._push_leadin(item, analysis)
            if not (
                analysis.subjects
                and _directive_sentence_before_last(body, self.catalogue, self.is_report, self.strict, self.side)
            ):
                return True
        elif not item.marked and analysis.triggered and self._new_subjects(analysis):
            self._end_paragraph_leadins()
        task = self._task(item, analysis)
        if task is None and not analysis.subjects and _CARD_CONTENT.match(body) and self._directing_zone():
            task = self._card(item)
        if task is not None:
            if not task.assignees and not self._addressed():
                self.unaddressed.add(id(task))
            self.tasks.append(task)
            self.fresh = True
        if item.marked and item.level < _BODY and analysis.subjects and not _is_leadin(item):
            self.frames.append(_Frame(item.level, "item", analysis.subjects, None, None, body))
        return not body.rstrip().endswith("./.")

    @property
    def legal(self) -> bool:
        return _is_legal_instrument(self.meta)

    def _nested_zone(self, zone: Zone | None) -> Zone | None:
        """A heading's zone where it sits: under a provision heading (conditions, a body's statute:
        "Nhiệm vụ và quyền hạn"), a nested "4. Các nhiệm vụ chuyên môn …" describes, it directs nobody."""
        if zone == "directive" and any(
            f.kind == "heading" and _PROVISION_HEADING.match(_clean_title(f.text)) for f in self.frames
        ):
            return None
        return zone

    def _headings(self, item: _Item) -> list[str]:
        """The headings ``item`` sits under: its passage's path, then the heading lines read inside it."""
        path = self.chunks[item.chunk_index].heading_path or []
        return [*path, *(f.text for f in self.frames if f.kind == "heading")]

    def _in_implementation(self, item: _Item) -> bool:
        """Inside a legal instrument's implementation part, whether its heading is the passage's or a
        line of the passage: there headings name who acts."""
        return self.legal and _implementation_part(self._headings(item))

    def _role_heading(self, item: _Item, analysis: _Analysis) -> bool:
        """A numbered line of a legal instrument's implementation part naming only office holders or
        parties: "1. Bộ trưởng, Thủ trưởng cơ quan ngang bộ:", "3. Người vận tải, người thuê vận tải,
        tổ chức tập huấn … có trách nhiệm:" (where "tổ chức" is a noun, not the verb)."""
        body = item.body.rstrip()
        path = " ".join(self.chunks[item.chunk_index].heading_path or [])
        name = _DUTIES_TAIL.sub("", body.rstrip(" :"))
        listed = name != body.rstrip(" :") and len(_party_list(name)) > 1
        return (
            item.marked
            and not analysis.subjects
            and body.endswith(":")
            and (listed or (len(body.split()) <= 12 and not _ANY_DIRECTIVE_VERB.search(body)))
            and body[:1].isupper()
            and not _INSTRUMENT_SUBJECT.match(body)
            and bool(_IMPLEMENTATION_PART.search(path))
        )

    def _bound_parties(self, owners: list[Assignee], item: _Item) -> list[Assignee]:
        """The parties of a legal instrument's responsibility article or heading whose duties are
        work: all of them in the part that puts the instrument into effect, elsewhere the state
        bodies only (a role's duties there are rules of conduct, like a procedure's)."""
        if _EXECUTION_PART.search(" ".join(self._headings(item))):
            return owners
        return [a for a in owners if self._state_body(a)]

    def _state_body(self, party: Assignee) -> bool:
        if _STATE_ORGAN.match(party.name):
            return True
        hit = self.catalogue.resolve(party.name)
        return hit is not None and not generic_partner(hit.unit)

    def _responsible_party(self, who: str) -> list[Assignee]:
        who = collapse_ws(who)
        units = _heading_units(who, self.catalogue, self.side)
        if units:
            return [Assignee(a.name, a.unit_id, "responsible") for a in units]
        hit = self.catalogue.resolve(who)
        return [Assignee(who[:1].upper() + who[1:], hit.unit.id if hit else None, "responsible")]

    def _informed_with_duty(self, body: str) -> list[Assignee]:
        """ "Sở Công Thương thông báo để Hợp tác xã Văn Thịnh biết, chủ động bố trí nhân sự …./.":
        the closing informs a unit and gives it a duty beyond carrying the letter out."""
        m = _INFORM_DUTY.search(body)
        if m is None or _GENERIC_CLOSING.match(" " + m.group("duty").strip()):
            return []
        mentions = self.catalogue.find_mentions(m.group("who"))
        if len(mentions) != 1:
            return []
        hit = mentions[0]
        return [Assignee(collapse_ws(hit.text), hit.unit.id if hit.unit else None, "responsible")]

    def _note_parties(self, body: str) -> None:
        """Remember the companies a paragraph names (the inspected units of a results notice), for a
        later "các đơn vị nêu trên" to refer back to."""
        if not _COMPANY_WORD.search(body):
            return  # most paragraphs name no company: no second reading of their names
        for m in self.catalogue.find_mentions(body):
            name = collapse_ws(m.text)
            if m.unit is None and _COMPANY_HEAD.match(name) and all(p.name != name for p in self.parties):
                self.parties.append(Assignee(name, None, "assigned"))

    def _note_addressee(self, line: str) -> None:
        """Keep a unit of the "Kính gửi:" list, named as the line writes it, without its note."""
        name = _ADDRESSEE_NOTE.sub("", _BULLET_STRIP.sub("", line).strip().rstrip(";,.").strip())
        if not name or _ADDRESSEES_BACKREF.fullmatch(name):
            return
        listed = [n for _, _, names in _enumerations(name, self.catalogue) for n in names]
        if listed:  # "Các Sở: Tư pháp, Nội vụ", "UBND các xã: Trấn Yên, Hưng Khánh": each unit
            for n in listed:
                hit = self.catalogue.resolve(n)
                self.addressee_list.append(Assignee(n, hit.unit.id if hit else None, "assigned"))
            return
        hit = self.catalogue.resolve(name)
        self.addressee_list.append(Assignee(name, hit.unit.id if hit else None, "assigned"))

    def _named_addressees(self) -> bool:
        """The letter's "Kính gửi" list names several units, each one itself: "các cơ quan, đơn vị" of
        its body are those. A list holding a group ("Các Sở, ban, ngành thuộc UBND tỉnh") is a
        broadcast, whose body's "các cơ quan, đơn vị" is left as written."""
        if len(self.addressee_list) < 2:
            return False
        for a in self.addressee_list:
            unit = self.catalogue.get(a.unit_id) if a.unit_id else None
            if (unit is not None and unit.is_group) or a.name.lower().startswith(("các ", "những ")):
                return False
        return True

    def _to_addressees(self, task: ExtractedTask) -> None:
        """A letter to several units: what its body asks of "các cơ quan, đơn vị", "các chủ đầu tư"
        (or of nobody), it asks of each unit its "Kính gửi" list names."""
        generic = [a for a in task.assignees if _ADDRESSEES_BACKREF.fullmatch(a.name.strip())]
        if task.assignees and not generic:
            return
        role = generic[0].role if generic else "assigned"
        rest = [a for a in task.assignees if a not in generic]
        named = {a.unit_id or a.name for a in rest}
        task.assignees = _merge(
            [Assignee(a.name, a.unit_id, role) for a in self.addressee_list if (a.unit_id or a.name) not in named]
            + rest
        )
        if task.role == "unassigned":
            task.role = role

    def _asks_addressee(self, body: str) -> bool:
        """ "Đề nghị Chi nhánh số 1 - Công ty cổ phần … khẩn trương …": the letter's one addressee,
        named as on its "Kính gửi" line, after a directing verb."""
        assert self.addressee is not None
        at = match_key(body).find(match_key(self.addressee.name))
        if at >= 0 and _TRIGGER_TAIL.search(match_key(body)[:at]):
            return True
        # or by the short name a letter gives it: "Đề nghị Doanh nghiệp tổ chức …", "đề nghị Quý Sở …"
        return bool(_ASKS_ADDRESSEE_SHORT.search(body))

    def _one_addressee(self, names: str) -> Assignee | None:
        """The unit of "Kính gửi: Công ty cổ phần Mông Sơn" when the line names exactly one."""
        names = re.sub(r"\s*\((?:địa\s+chỉ|đ/c|trụ\s+sở)[^)]*\)", "", names, flags=re.IGNORECASE).strip()
        mentions = self.catalogue.find_mentions(names)
        if len(mentions) != 1 or re.search(r"[,;]", names):
            return None
        m = mentions[0]
        if m.unit is not None and m.unit.is_group:
            return None
        # A line that opens with the one name is that party ("Công ty TNHH Thương mại và tiếp vận
        # Trung Ngọc Lan", read short by the name rules); otherwise little may surround the name.
        if m.start > 0 and len(names) - (m.end - m.start) > 20:
            return None
        # The line as written ("Chi nhánh số 1 - Công ty cổ phần …" is that branch, not the company).
        return Assignee(collapse_ws(names), m.unit.id if m.unit else None, "assigned")

    def _reply_deadline(self, item: _Item, analysis: _Analysis) -> bool:
        """ "Ý kiến tham gia của Quý sở đề nghị gửi về Sở Công Thương trước ngày 14/3/2026": the
        sentence after a request saying when the answer is due. Its deadline is the request's
        (set on the task just read when it has none); it is no task of its own."""
        body = item.body
        last = self.tasks[-1] if self.tasks else None
        sent = _REPLY_SENT.search(body)
        if last is None or last.due is not None or sent is None or analysis.triggered:
            return False
        if item.chunk_index - last.chunk_index > 1:
            return False  # the request is not just above
        # Nobody named before "gửi về" but the writer: the sender is the addressee asked above.
        before = body[: sent.start()]
        if any(
            not self._is_issuer(Assignee(m.text, m.unit.id if m.unit else None, "assigned"))
            for m in self.catalogue.find_mentions(before)
        ):
            return False
        due = _due(body, self.meta.known_date)
        if due is None:
            return False
        last.due = due
        last.dues = [*last.dues, due]
        return True

    def _item_deadline(self, item: _Item, analysis: _Analysis) -> bool:
        """ "Thời hạn xử lý thành lập cụm công nghiệp hoàn thành trước ngày 31 tháng 12 năm 2026.":
        a paragraph that only sets when the work of the item above is due. Its deadline is that of
        the tasks the item gave so far without one; it is no task of its own (nor the item's group's)."""
        if item.marked or analysis.subjects or not _DEADLINE_PARAGRAPH.match(item.body):
            return False
        pending = [t for t in self.tasks[self.item_first_task :] if t.due is None]
        due = _due(item.body, self.meta.known_date)
        if not pending or due is None:
            return False
        for task in pending:
            task.due = due
            task.dues = [*task.dues, due]
        return True

    def _generic_closing(self, body: str, analysis: _Analysis) -> bool:
        """The end-mark paragraph that only asks groups, or units the document has already given
        work, to carry it out ("Yêu cầu các cơ quan, đơn vị triển khai thực hiện./.", "Căn cứ ý kiến
        chỉ đạo trên, Sở X và các đơn vị liên quan triển khai thực hiện./."): the closing formula,
        not a task."""
        units = [a for a in analysis.subjects + analysis.cooperators if not self._is_issuer(a)]  # the writer asks
        described = [a for a in units if a.unit_id is None and _DESCRIBED_NAME.match(a.name)]
        assigned = {a.unit_id or match_key(a.name) for t in self.tasks for a in t.assignees}
        if any(
            not (a.unit_id and (u := self.catalogue.get(a.unit_id)) and u.is_group)
            and (a.unit_id or match_key(a.name)) not in assigned
            for a in units
            if a not in described
        ):
            return False
        # the closing request follows the last unit it addresses (a unit named later, in the
        # feedback clause "… phản ánh về Sở X để tổng hợp", is not addressed)
        keys = {a.unit_id or match_key(a.name) for a in units}
        ends = [
            m.end for m in self.catalogue.find_mentions(body) if (m.unit.id if m.unit else match_key(m.text)) in keys
        ]
        end = ends[-1] if ends else 0
        for a in described:
            at = body.rfind(a.name)
            end = max(end, at + len(a.name) if at >= 0 else 0)
        qualifiers = _qualifiers(self.catalogue.province_names[:1])
        rest = _after(body, end, qualifiers) if end else _OPENER.sub("", body)
        return _closing_sentence(rest)

    # ---- outline state ------------------------------------------------------------------------

    def _push_leadin(self, item: _Item, analysis: _Analysis) -> None:
        zone = _zone(self.frames, self.doc_zone)
        if item.marked:
            level = item.level
            lead_zone = self._nested_zone(_heading_zone(item.body))
            due = _due(item.body, self.meta.known_date)
        else:
            # a paragraph lead-in governs the rest of its section: just below the section, above
            # any marker its items may carry ("Điều 6. …", then "Sở X có trách nhiệm …:", then "1.")
            self._end_paragraph_leadins(all_=True)
            level = (self.frames[-1].level if self.frames else 0.0) + 0.1
            lead_zone = None
            due = None
            if zone != "retro":
                self.doc_zone = self.doc_zone or "directive"
                lead_zone = _heading_zone(item.body) if self.is_report else "directive"
        owners = analysis.subjects
        if _OPINION_LEADIN.search(item.body):
            owners = []  # "Ban Pháp chế có ý kiến như sau:": who speaks, not who is asked
        if not item.marked and owners and all(self._is_issuer(a) for a in owners):
            # The issuer presenting its own document ("Ban Thường trực … xây dựng kế hoạch … như
            # sau:"): what follows is the document, not the issuer's assignment.
            owners = []
            if analysis.triggered and _is_letter(self.meta):
                # A letter quoting what another body asked of its writer ("… Kết luận thanh tra …
                # đề nghị Giám đốc Sở Nông nghiệp và Môi trường:"): the writer's own background,
                # nobody's task here.
                lead_zone = "retro"
        self.frames.append(_Frame(level, "leadin", owners, lead_zone, due, item.body, paragraph=not item.marked))

    def _new_subjects(self, analysis: _Analysis) -> bool:
        """The paragraph assigns units other than those of the open lead-in."""
        current = {a.unit_id or a.name for a in _inherited(self.frames)}
        return bool(current) and not ({a.unit_id or a.name for a in analysis.subjects} & current)

    def _end_paragraph_leadins(self, all_: bool = False) -> None:
        """A new paragraph-level subject ends the list a previous paragraph lead-in opened."""
        while self.frames and self.frames[-1].kind == "leadin" and self.frames[-1].paragraph:
            if not all_ and not self.frames[-1].assignees:
                break
            self.frames.pop()

    def _directing_zone(self) -> bool:
        return not self.strict and not self.is_report and _zone(self.frames, self.doc_zone) == "directive"

    def _card(self, item: _Item) -> ExtractedTask:
        """An activity card's content line: a task with no unit yet, kept only if a field line below
        names who leads it ("Đơn vị chủ trì: …")."""
        task = ExtractedTask(
            assignees=[],
            role="unassigned",
            text=_BULLET_STRIP.sub("", item.text).strip(),
            due=None,
            recurrence=None,
            quota=None,
            section=self.chunks[item.chunk_index].section,
            heading_path=list(self.chunks[item.chunk_index].heading_path),
            passage=self.chunks[item.chunk_index].text,
            ordinal=len(self.tasks),
            chunk_index=item.chunk_index,
        )
        self.unaddressed.add(id(task))
        self.card = task
        return task

    def _attach_time(self, task: ExtractedTask, body: str) -> None:
        """A card's "Thời gian: Dự kiến ngày 05/12/2025 (Chậm nhất ngày 10/12/2025 …)": the deadline
        it states ("chậm nhất", "trước ngày") wins over the planned day."""
        task.text = f"{task.text} {body}"
        dues = _dues(body, self.meta.known_date)
        if not dues:
            return

        def stated(d: Due) -> bool:
            at = body.find(d.text)
            return at >= 0 and bool(_DEADLINE_WORDS.search(body[max(0, at - 20) : at + len(d.text)]))

        bounded = [d for d in dues if stated(d)]
        task.due = bounded[-1] if bounded else dues[0]
        task.dues.extend(dues)

    def _attach(self, body: str) -> bool:
        """Fold "Thời hạn hoàn thành: …" / "Cơ quan chủ trì: …" lines into the previous task."""
        m = _ATTACH_RE.match(body)
        if m is None or not self.tasks:
            return False
        task = self.tasks[-1]
        task.text = f"{task.text} {body}"
        what = _fold_key(m.group("what"))
        if what.startswith(("thoi han", "thoi gian")):
            due = _due(body, self.meta.known_date)
            if due is not None and (task.due is None or task.due_inherited):
                task.due, task.due_inherited = due, False
            task.dues.extend(_dues(body, self.meta.known_date))
        else:
            role: AssigneeRole = "cooperate" if "phoi hop" in what else "lead"
            value = body[m.end() :]
            found = [m2 for m2 in self.catalogue.find_mentions(value) if m2.unit is not None]
            for m2 in found:
                if m2.unit is not None and m2.unit.kind not in _ISSUER_KINDS:
                    task.assignees.append(Assignee(m2.text, m2.unit.id, role))
            if not found and task is self.card:  # a body the catalogue lacks ("Ban Công tác mặt trận thôn")
                for name in re.split(r"\s*;\s*|,\s+(?=[A-ZĐÀ-Ỹ])", value.strip(" .;")):
                    name = collapse_ws(name)
                    if name[:1].isupper() and len(name.split()) <= 12 and not _DESCRIBED_NAME.match(name):
                        task.assignees.append(self._issuer_named(Assignee(name, None, role)))
            task.assignees = _merge(task.assignees)
            primary = task.primary()
            task.role = primary[0].role if primary else "unassigned"
        return True

    def _attach_cell(self, body: str) -> bool:
        """Table rows come one cell a line: a bare unit list or a bare period right after a task is
        that task's lead unit (then cooperating units) or its deadline."""
        task = self.tasks[-1] if self.tasks else None
        if task is None:
            return False
        due = parse_due(body, ref=self.meta.known_date)
        if due is not None and len(body) - len(due.text) <= 8 and not _historical(due, self.meta.known_date):
            if task.due is None or task.due_inherited:
                task.due, task.due_inherited = due, False
            task.dues.append(due)
            return True
        mentions = [m for m in self.catalogue.find_mentions(body) if m.unit is not None]
        rest = body
        for m in sorted(mentions, key=lambda m: -m.start):
            rest = rest[: m.start] + rest[m.end :]
        if not mentions or len(_CELL_FILLER.sub("", rest)) > 3:
            return False
        role: AssigneeRole = "cooperate" if task.primary() else "lead"
        cells = [Assignee(m.text, m.unit.id, role) for m in mentions if m.unit and m.unit.kind not in _ISSUER_KINDS]
        if cells and all(self._is_issuer(a) for a in cells):
            # the writer's own name on a line of its own (a page's header block read again after
            # the body): no cell of the task above
            return False
        task.assignees = _merge(task.assignees + cells)
        primary = task.primary()
        task.role = primary[0].role if primary else "unassigned"
        return True

    # ---- one task ---------------------------------------------------------------------------

    def _assignees(self, body: str, analysis: _Analysis, zone: Zone | None) -> list[Assignee] | None:
        """Acting units of a paragraph (own or inherited); None when the paragraph is not a task."""
        own = analysis.subjects
        if own and _imperative(body) and all(a.unit_id is None and _DESCRIBED_NAME.match(a.name) for a in own):
            # "- Tổ chức kiểm tra …; yêu cầu các đơn vị lắp đặt …" under "2. Sở X:": Sở X does it
            # and asks them; the addressee it describes is not the bullet's subject.
            own = [] if _inherited(self.frames) else own
        inherited = [] if own else _inherited(self.frames)
        if inherited and _LEAD_VERB.match(_OPENER.sub("", body)):
            for a in inherited:  # "- Chủ trì, phối hợp với …" under "3. Giao Sở X:"
                a.role = "lead" if a.role in ("assigned", "responsible") else a.role
        assignees = own or inherited
        retro = zone == "retro" or (
            not _imperative(body) and bool(_RETRO_TEXT.search(body)) and not _FUTURE_TEXT.search(body)
        )
        if self.is_report:
            return self._report_assignees(body, assignees, zone)
        if own:
            return own if (zone != "retro" or analysis.triggered or _bound(body, own)) else None
        if inherited:
            return None if retro else inherited
        if retro or zone not in ("directive", "request") or not _imperative(body):
            return None
        return []

    def _addressed(self) -> bool:
        """An item naming no unit is a task only under a lead-in that directs someone ("Chủ tịch UBND
        tỉnh yêu cầu:", "giao các cơ quan …:"); under a plain heading ("II. NHIỆM VỤ, GIẢI PHÁP" of a
        plan, whose owners are named in its "Tổ chức thực hiện") it is an objective, not an assignment."""
        return any(f.kind == "leadin" and _DIRECTING.search(f.text) for f in self.frames)

    def _report_assignees(self, body: str, assignees: list[Assignee], zone: Zone | None) -> list[Assignee] | None:
        """Reports: optionally, the issuer's own plans; a proposal of the "Kiến nghị" part is none."""
        if zone == "request" or _REQUEST_START.match(body):
            return None
        if self.report_plans and zone == "directive":
            role: AssigneeRole = "self"
            if not assignees and self.meta.issuer:
                hit = self.catalogue.resolve(self.meta.issuer)
                if hit is not None:
                    assignees = [Assignee(self.meta.issuer, hit.unit.id, "self")]
        else:
            return None
        return [Assignee(a.name, a.unit_id, role) for a in assignees]

    def _task(self, item: _Item, analysis: _Analysis) -> ExtractedTask | None:
        body = item.body
        if self.legal and not self._in_implementation(item):
            return None  # a legal instrument's procedure and annexes are law, not assignments
        if not item.marked and _PREAMBLE.match(body) and not analysis.triggered:
            # "Căn cứ …", "Xét đề nghị của 19 đơn vị gồm: Công ty …": the grounds of the document,
            # not its orders ("Theo đề nghị của Bộ …, Chủ tịch UBND tỉnh giao Sở X …" still orders).
            return None
        zone = _zone(self.frames, self.doc_zone)
        assignees = self._assignees(body, analysis, zone)
        if assignees is None:
            return None
        # The issuer as a partner of its own plan ("Phối hợp chặt chẽ với Ban Thường trực …" in that
        # Ban Thường trực's plan) is who hands the work out, not a unit that takes part of it.
        partners = [a for a in map(self._issuer_named, analysis.cooperators) if not self._is_issuer(a)]
        if not analysis.cooperators:
            people = [self._issuer_named(Assignee(n, None, "cooperate")) for n in person_partners(body)]
            partners += [a for a in people if not self._is_issuer(a)]
        everyone = _merge([self._issuer_named(a) for a in assignees] + partners)
        named = any(a.role != "cooperate" for a in everyone)
        if self.strict or self.is_report:  # a guideline, form, law or report does not assign to its issuer
            everyone = [a for a in everyone if a.role in ("self", "cooperate") or not self._is_issuer(a)]
        elif not _lists_own_work(self.meta):
            # Nor does a letter or decision: but the issuer's organs ("Thường trực HĐND" in the
            # council's resolution) are bodies of their own with their own work.
            everyone = [
                a
                for a in everyone
                if a.role in ("self", "cooperate") or not self._is_issuer(a) or _ORGAN_OF.search(a.name)
            ]
        primary = [a for a in everyone if a.role != "cooperate"]
        if (self.strict or named) and not primary:
            return None  # nobody but the issuer was named: the writer speaking of itself
        ref = self.meta.known_date
        due = _due(body, ref)
        due_inherited = False
        if due is None:
            due = _inherited_due(self.frames)
            due_inherited = due is not None
        chunk = self.chunks[item.chunk_index]
        return ExtractedTask(
            assignees=everyone,
            role=primary[0].role if primary else "unassigned",
            text=_BULLET_STRIP.sub("", _MD_HEADING.sub("", item.text)).strip(),
            due=due,
            recurrence=parse_recurrence(body, ref=ref),
            quota=parse_quota(body),
            section=chunk.section,
            heading_path=list(chunk.heading_path) or [f.text for f in self.frames if f.kind == "heading"],
            passage=chunk.text,
            ordinal=len(self.tasks),
            dues=_dues(body, ref),
            due_inherited=due_inherited,
            chunk_index=item.chunk_index,
            unknown_units=analysis.unknown,
        )
