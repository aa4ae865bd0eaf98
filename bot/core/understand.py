"""Rule-based understanding of questions about troly's own tables, into the typed queries of
:mod:`troly.queries` (issue 12).

"Có bao nhiêu thông báo kết luận năm 2026?" → ``DocumentQuery(count, type=Thông báo, 2026)``;
"Ai ký thông báo 912?" → ``DocumentQuery(signer, number=912)``; "Sở Tư pháp được giao gì trong
thông báo 912?" → ``AssignmentQuery(unit, documents)``; "việc gì quá hạn?" → ``AssignmentQuery(
overdue, as_of=today)``; "Sở Tư pháp còn việc gì chưa xong?" → ``AssignmentQuery(unit, status=open)``;
"Thông báo 174 đã hoàn thành bao nhiêu nhiệm vụ?" → ``AssignmentQuery(documents, ask=progress)``; "Tỉnh đoàn tháng 11/2026 giới thiệu được bao nhiêu ý tưởng?" →
``IdeaQuery(counted)``. Everything else returns None and goes to passage QA.

Words are matched accent-folded, so "tinh doan duoc giao gi" reads like "Tỉnh đoàn được giao gì";
units come from the catalogue (documents' own unit names included), dates from ``troly.dates``,
documents from their numbers ("912/TB-UBND", "thông báo 912", "văn bản 5973"), the documents they
implement ("Chỉ thị 11"), their date ("thông báo kết luận ngày 05/7/2025") or their title words.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.core.router import find_period
from retrieval.facts import number_digits
from retrieval.query import expand_inline
from troly.dates import month_range, resolve_relative, safe_date, year_range
from troly.queries import AssignmentQuery, DocFilter, DocumentQuery, IdeaQuery, Query
from troly.text import collapse_ws, fold

if TYPE_CHECKING:
    from retrieval.facts import DocProfile
    from troly.units import UnitCatalogue

__all__ = ["Understood", "understand"]

# Folded document nouns and the stored type each names.
_DOC_NOUNS: dict[str, str | None] = {
    "thong bao ket luan": "Thông báo",
    "thong bao": "Thông báo",
    "ket luan": "Thông báo",  # "trong kết luận phiên họp thứ hai": the conclusion notice
    "cong van": "Công văn",
    "ke hoach": "Kế hoạch",
    "bao cao": "Báo cáo",
    "bai bao": "Tin tức",
    "quyet dinh": "Quyết định",
    "to trinh": "Tờ trình",
    "van ban": None,
    "tai lieu": None,
    "tb": "Thông báo",
    "vb": None,
    "cv": "Công văn",
    "kh": "Kế hoạch",
    "qd": "Quyết định",
}
_NOUN_RE = "|".join(sorted(_DOC_NOUNS, key=len, reverse=True))
_DOC_NOUN = re.compile(rf"\b(?:{_NOUN_RE})\b")
_REF_NOUN = r"(?:thong bao(?: ket luan)?|cong van|van ban|ke hoach|bao cao|quyet dinh|chi thi|nghi quyet|to trinh|tb|cv|vb|kh|qd|ct)"
_FULL_NUMBER = re.compile(r"(?<![\w/])(\d{1,6}(?:\s*-\s*[a-z]+)?\s*/\s*[a-z][a-z0-9]*(?:\s*-\s*[a-z0-9]+)*)")
_SHORT_NUMBER = re.compile(rf"\b({_REF_NOUN})\s+(?:so\s+)?(\d{{1,6}})(?![\d/])")
_DOC_DATE = re.compile(r"\bngay\s+(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})")
_SECTION_ASK = re.compile(r"\b(la gi|nhung gi|gom nhung gi|nhung (noi dung|giai phap|kien nghi|de xuat) nao|nao)$")
_COUNT = re.compile(r"\b(bao nhieu|may|tong cong|tong so)\b")
# "có bao nhiêu nhiệm vụ", "gồm mấy việc": how many tasks a named document holds (not how many a
# programme it reports on completed: "hoàn thành bao nhiêu nhiệm vụ" is a figure in its text).
_TASK_COUNT = re.compile(
    r"\b(?:co|gom|giao)\s+(?:tat ca\s+|tong cong\s+|tong so\s+)?(?:bao nhieu|may)\s+(?:nhiem vu|viec|cong viec)\b"
)
_OTHER_COUNTED = re.compile(r"\b(nhiem vu|nv|viec|y tuong|du an|nguoi|ty|trieu|ho so|tin|luot|xa|phuong|%)\b")
_SIGNER = re.compile(r"\b(ai ky|do ai ky|nguoi ky|ky boi|ky ten|ai la nguoi ky|ai da ky|ai viet|tac gia)\b")
_DATE_ASK = re.compile(r"\b(ngay nao|ngay may|ngay bao nhieu|khi nao|bao gio|thoi gian nao|ky ngay|ban hanh ngay)\b")
_NUMBER_ASK = re.compile(r"\bso (may|bao nhieu|hieu)\b|\bso gi\b")
_RECIPIENT_ASK = re.compile(r"\b(gui|gui cho|gui toi|gui den|kinh gui)\s+(ai|co quan nao|don vi nao|nhung ai)\b")
_ASSIGN_ASK = re.compile(
    r"\b(giao (nhung )?(gi|viec gi|nhiem vu gi|nhung gi|viec cho|nhiem vu cho)|yeu cau (nhung )?gi|chi dao (nhung )?gi"
    r"|co (nhung )?nhiem vu gi|nhiem vu (gi|nao)|giao nhung)\b"
)
_TASK_ASK = re.compile(
    r"\b(duoc giao|giao .*\b(gi|viec gi)|phai lam gi|can lam gi|co viec gi|co nhiem vu gi|nhiem vu gi|lam nhung gi"
    r"|phai bao cao|viec gi|chu tri nhung|chiu trach nhiem (gi|nhung)|co phai lam gi|dc giao|lam gi)\b"
)
_OVERDUE = re.compile(r"\b(qua han|tre han|het han|cham tre|tre)\b")
_DUE_ASK = re.compile(
    r"\b(han|thoi han|khi nao|bao gio|truoc ngay nao|ngay nao|ngay may|thoi gian nao|xong luc nao|den han)\b"
)
_RANGE_WORDS = re.compile(
    r"\b(phai xong|phai hoan thanh|den han|co han|han nao|nhung han|cac han|phai lam gi|hoan thanh|han gi)\b"
)
_LEAD_ONLY = re.compile(r"\bchu tri (nhung|cac) (viec|nhiem vu)\b|\bchu tri (viec|nhiem vu) (gi|nao)\b")
_COOP_ASK = re.compile(r"^(ai phoi hop|phoi hop voi ai|ai cung phoi hop|don vi nao phoi hop|co quan nao phoi hop)\b")
_FOLLOW_UP = re.compile(
    r"^(?:con|the con|vay con|the|vay)\s+(?P<rest>.+?)(?:\s+thi sao|\s+the nao|\s+thi bao nhieu)?\s*$"
)
# Questions the follow-up answers (issue 14): progress counts, work not yet done, work done.
_PROGRESS_ASK = re.compile(
    r"\b(tien do|tinh hinh thuc hien|(da )?hoan thanh (duoc )?(bao nhieu|may)"
    r"|(bao nhieu|may) (nhiem vu|viec) (da )?(hoan thanh|xong))\b"
)
# Before the unit or document a progress question is about ("Tiến độ thực hiện Thông báo 912 …").
_PROGRESS_LEAD = re.compile(
    rf"\s*(?:(?:tien do|tinh hinh)(?: thuc hien)?(?: cua)?\s*)?(?:{_REF_NOUN}(?: ket luan)?(?: so)?\s*)?"
)
# A figure a document reports about a programme ("Đề án 06 năm 2025 hoàn thành bao nhiêu nhiệm vụ
# theo kế hoạch năm?") is a passage question, not the follow-up's count.
_PROGRAMME = re.compile(r"\b(theo|nghi quyet|de an|chi tieu|chuong trinh|cchc|cds|da06|nq57)\b")
_OPEN_ASK = re.compile(r"\b(chua xong|chua hoan thanh|chua thuc hien|chua lam|con dang do|dang do dang)\b")
_DONE_ASK = re.compile(
    r"\b(da (hoan thanh|xong|lam xong) (nhung )?(viec|nhiem vu) (gi|nao)|(viec|nhiem vu) (gi|nao) da (hoan thanh|xong))\b"
)
_GROUP_XP = re.compile(r"\b(?:ubnd\s+)?(?:cac\s+)?xa,?\s+phuong\b")
_IDEA = re.compile(r"\by tuong\b")
_STOP_WORDS = """
ai gi nao dau sao the bao nhieu may khi lam duoc bi la co khong chua da dang se cua cho voi va hay
hoac thi ma nhung cac mot it nay kia do ay o tai trong ngoai tren duoi ve theo tu den toi ban minh
chung ta em anh chi hoi xin vui long giup nhe a roi viec nhiem vu hom ngay thang nam tuan quy gio
hien moi phai can xong hoan thanh han thoi truoc sau giao dc ky nguoi gui so van thong ket luan cong
ke hoach cao bai tin tb vb cv kh qd quyet dinh to trinh lieu ubnd tinh uy nhan dan nua con vay
"""
_STOP = frozenset(_STOP_WORDS.split())
# "tỉnh Lào Cai" after a unit's name: where the unit is, not what the task is about.
_PLACE = re.compile(r"\b(?:tỉnh|thành phố)\s+((?:[A-ZĐ][^\s,.;:?!]*\s?){1,3})")
_ASK_WORDS = frozenset(
    [
        "ai",
        "gi",
        "nao",
        "dau",
        "sao",
        "bao",
        "nhieu",
        "may",
        "khi",
        "do",
        "ky",
        "la",
        "co",
        "khong",
        "chua",
        "da",
        "cua",
        "cho",
        "voi",
        "va",
        "thi",
        "ma",
        "nhung",
        "cac",
    ]
)


@dataclass(slots=True)
class Understood:
    """A typed query and what the rules saw on the way (for the answer's wording)."""

    query: Query
    question: str
    doc_ids: list[str] | None = None  # documents the question names
    period_label: str | None = None
    check: bool = False  # a yes/no question about one task ("đã quá hạn chưa?")
    extras: dict[str, Any] = field(default_factory=dict)


def _words(folded: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", folded)


def _topic(folded: str, remove: Sequence[str]) -> str:
    text = folded
    for r in sorted((r for r in remove if r), key=len, reverse=True):
        text = text.replace(r, " ")
    return " ".join(w for w in _words(text) if w not in _STOP and not w.isdigit())


# ---- documents named in the question --------------------------------------------------------------


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


# A profile's text folded two ways, once per text: the profiles are kept between questions
# (``FactFinder.profiles``) and every question reads all of them.
@functools.lru_cache(maxsize=16384)
def _squashed_text(text: str) -> str:
    return _squash(fold(text))


@functools.lru_cache(maxsize=16384)
def _word_text(text: str) -> str:
    return " ".join(_words(fold(text)))


def find_documents(
    folded: str, profiles: Sequence[DocProfile], *, titled: str | None = None
) -> tuple[list[str] | None, list[str]]:
    """The documents a question names, and the folded words that named them (None: none named).

    ``titled``: the question with its abbreviations written out ("tình hình KCN" -> "tình hình
    khu công nghiệp"), for matching titles."""
    texts = {p.doc.id: _squashed_text(p.text) for p in profiles}
    spans: list[str] = []
    hits: list[str] = []
    for m in _FULL_NUMBER.finditer(folded):
        num = _squash(m.group(1))
        own = [p.doc.id for p in profiles if p.doc.number and _squash(fold(p.doc.number)) == num]
        ref = own or [d for d, t in texts.items() if num in t]
        if ref:
            hits += ref
            spans.append(m.group(0))
    for m in _SHORT_NUMBER.finditer(folded):
        noun, n = m.group(1), m.group(2)
        own = [p.doc.id for p in profiles if re.match(rf"\s*{n}\s*/", p.doc.number or "")]
        if not own:
            base = {"ct": "chi thi", "qd": "quyet dinh", "kh": "ke hoach", "tb": "thong bao"}.get(noun, noun)
            own = [d for d, t in texts.items() if re.search(rf"{_squash(base)}(so)?{n}(?!\d)", t)]
        if own:
            hits += own
            spans.append(m.group(0))
    if hits:
        return list(dict.fromkeys(hits)), spans
    dm = _DOC_DATE.search(folded)
    if dm and (_DOC_NOUN.search(folded[: dm.start()]) or re.search(r"\b(phien hop|cuoc hop)\b", folded)):
        m = dm
        day = safe_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        dated = [p.doc.id for p in profiles if day and p.doc.date == day and p.doc.date_precision == "day"]
        if dated:
            return dated, [m.group(0)]
    return _by_title(titled or folded, profiles)


def _by_title(folded: str, profiles: Sequence[DocProfile]) -> tuple[list[str] | None, list[str]]:
    """Documents whose title and opening name the question's distinctive words ("phiên họp thứ hai
    năm 2024", "CCN Đầm Hồng"); only when the question names a kind of document."""
    noun = _DOC_NOUN.search(folded)
    if noun is None:
        return None, []
    tail = folded[noun.end() :]
    words = [w for w in _words(tail) if w not in _STOP or w.isdigit()]
    if not words:
        return None, []
    want_type = _DOC_NOUNS.get(noun.group(0))
    # Adjacent words of the tail, function words included ("báo cáo tình hình" names a report),
    # except pairs with a question word.
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words)} | {
        f"{a} {b}"
        for a, b in itertools.pairwise(_words(tail))
        if not ({a, b} & _ASK_WORDS) and not (a.isdigit() and b.isdigit())
    }
    scored = []
    for p in profiles:
        text = _word_text(p.text)
        have = set(text.split())
        score = sum(1 for w in set(words) if w in have) + sum(1.5 for pr in pairs if pr in text)
        if want_type and fold(p.doc.type or "") == fold(want_type):
            score += 1
        scored.append((score, p.doc.id))
    scored.sort(reverse=True)
    if not scored or scored[0][0] < 4:
        return None, []
    best = scored[0][0]
    top = [d for s, d in scored if s >= best - 0.01]
    if len(top) > 2:
        return None, []
    return top, [noun.group(0)]


def title_pairs(folded: str, doc_id: str, profiles: Sequence[DocProfile]) -> list[str]:
    """The adjacent word pairs of a question that are in a document's title and opening: how the
    question named the document ("kết luận phiên họp thứ hai"), not what it asks about."""
    named = " ".join(_words(fold(next((p.text for p in profiles if p.doc.id == doc_id), ""))))
    return [f"{a} {b}" for a, b in itertools.pairwise(_words(folded)) if f"{a} {b}" in named]


# ---- units -------------------------------------------------------------------------------------------


def find_unit(text: str, catalogue: UnitCatalogue) -> tuple[str | None, str | None]:
    """The first unit the question names (catalogued, or a name documents use) and its words."""
    found: list[tuple[int, str, str]] = []
    for m in catalogue.find_mentions(text):
        unit = m.unit
        if unit is None:
            match = catalogue.resolve(m.text)
            unit = match.unit if match else None
        if unit is not None and not fold(m.text).startswith(("bo ", "ubnd tinh", "uy ban nhan dan tinh")):
            found.append((m.start, unit.name, fold(m.text)))
            break
    g = _GROUP_XP.search(fold(text))
    if g and not any(a <= g.start() < a + len(span) for a, _, span in found):
        match = catalogue.resolve("UBND các xã, phường")
        if match is not None:
            found.append((g.start(), match.unit.name, g.group(0)))
    if not found:
        return None, None
    _, name, span = min(found)
    return name, span


# ---- periods -------------------------------------------------------------------------------------------

_BEFORE = re.compile(r"\b(?:truoc|den|toi)\s+(?:ngay\s+)?(\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?)")
_FROM_TO = re.compile(
    r"\btu\s+(?:ngay\s+)?(?P<a>\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?)\s+(?:den|toi)\s+(?:ngay\s+)?"
    r"(?P<b>\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?)"
)
_UNTIL_END = re.compile(
    r"\b(?:tu nay|tu gio|tu bay gio|hien nay)\s+(?:den|toi)\s+(?:het|cuoi)\s+(?P<what>thang\s+\d{1,2}(?:\s*/\s*\d{4})?|nam|thang|quy)"
)
_HALF_MONTH = re.compile(r"\bnua\s+(?P<h>dau|cuoi)\s+thang\s+(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}))?")


def find_window(folded: str, today: dt.date) -> tuple[tuple[dt.date, dt.date] | None, str | None]:
    """A deadline window: "trước 31/12/2026", "từ 1/12 đến 15/12/2026", "từ nay đến cuối năm",
    "nửa cuối tháng 12/2026", else any period phrase (``router.find_period``)."""
    m = _FROM_TO.search(folded)
    if m:
        b = resolve_relative(m.group("b"), today)
        year = b[0].year if b else today.year
        a = resolve_relative(m.group("a") if m.group("a").count("/") == 2 else f"{m.group('a')}/{year}", today)
        if a and b:
            return (a[0], b[1]), m.group(0)
    m = _UNTIL_END.search(folded)
    if m:
        what = m.group("what")
        if what == "nam":
            return (today, year_range(today.year)[1]), m.group(0)
        rng = resolve_relative("thang nay" if what == "thang" else ("quy nay" if what == "quy" else what), today)
        if rng:
            return (today, rng[1]), m.group(0)
    m = _HALF_MONTH.search(folded)
    if m:
        y = int(m.group("y")) if m.group("y") else today.year
        start, end = month_range((y, int(m.group("m"))))
        mid = start + dt.timedelta(days=14)
        return ((start, mid) if m.group("h") == "dau" else (mid + dt.timedelta(days=1), end)), m.group(0)
    m = _BEFORE.search(folded)
    if m:
        day = resolve_relative(m.group(1), today)
        if day:
            return (dt.date.min, day[1]), m.group(0)
    return find_period(folded, today)


# ---- the rules -----------------------------------------------------------------------------------------


def understand(
    text: str,
    *,
    today: dt.date,
    catalogue: UnitCatalogue,
    profiles: Sequence[DocProfile],
    previous: dict[str, Any] | None = None,
) -> Understood | None:
    """The typed query a question asks, or None for passage QA."""
    raw = collapse_ws(text)
    folded = fold(raw).strip(" ?.!")
    if not folded:
        return None
    follow = _follow_up(raw, folded, today=today, catalogue=catalogue, profiles=profiles, previous=previous)
    if follow is not None:
        return follow
    if _IDEA.search(folded):
        return _ideas(raw, folded, today=today, catalogue=catalogue)
    doc_ids, doc_spans = find_documents(folded, profiles, titled=fold(expand_inline(raw)).strip(" ?.!"))
    docs = DocFilter(doc_ids=doc_ids) if doc_ids else None
    unit, unit_span = find_unit(raw, catalogue)
    noun = _DOC_NOUN.search(folded)
    count = re.search(rf"\b(?:bao nhieu|may)\s+(?P<n>{_NOUN_RE})\b", folded) or re.search(
        rf"\b(?P<n>{_NOUN_RE})\b.*\b(?:tong cong|tong so|tat ca)\b", folded
    )
    if count and not _OTHER_COUNTED.search(folded.replace(count.group("n"), " ")):
        return _doc_count(raw, folded, count.group("n"), today=today, profiles=profiles)
    remove = [*doc_spans, unit_span or "", *(fold(m.group(1)) for m in _PLACE.finditer(raw))]
    if (unit or doc_ids) and _asks_progress(folded, remove):
        q = AssignmentQuery(unit=unit, documents=docs, as_of=today, ask="progress")
        return Understood(q, raw, doc_ids)
    if _OVERDUE.search(folded) and not re.search(r"\bhan che\b", folded):
        topic = _topic(folded, [*remove, "qua han", "tre han", "het han", "cham tre", "chua", "khong", "bi"])
        q = AssignmentQuery(unit=unit, documents=docs, overdue=True, as_of=today, topic=topic or None, ask="overdue")
        return Understood(q, raw, doc_ids, check=bool(re.search(r"\b(chua|khong)\s*$", folded)) and bool(topic))
    state = "open" if _OPEN_ASK.search(folded) else ("done" if _DONE_ASK.search(folded) else None)
    if (unit or doc_ids) and state is not None:
        q = AssignmentQuery(unit=unit, documents=docs, status=state, as_of=today)  # type: ignore[arg-type]
        return Understood(q, raw, doc_ids)
    task_count = _TASK_COUNT.search(folded)
    if doc_ids and len(doc_ids) == 1 and not unit and task_count:
        # "Phụ lục kế hoạch … có bao nhiêu nhiệm vụ trọng tâm?": the document's tasks counted, within
        # the part of it the other words name (``scope``: the question less the document's name).
        scope = _topic(folded, [*remove, task_count.group(0)])
        count_q = DocumentQuery(filter=DocFilter(doc_ids=doc_ids), ask="assignments")
        return Understood(count_q, raw, doc_ids, extras={"count": True, "scope": scope})
    if doc_ids and noun:
        meta = _doc_meta(folded)
        if meta == "list" and any(
            number_digits(p.doc.number) and re.search(rf"\b{number_digits(p.doc.number)}\b", folded)
            for p in profiles
            if p.doc.id in doc_ids
        ):
            meta = "details"  # "Văn bản 5973 thực hiện văn bản nào …": a fact inside the named document
        if meta:
            return Understood(DocumentQuery(filter=DocFilter(doc_ids=doc_ids), ask=meta), raw, doc_ids)  # type: ignore[arg-type]
        issuer = next((fold(p.doc.issuer or "") for p in profiles if p.doc.id == doc_ids[0]), "")
        section = (
            _SECTION_ASK.search(folded)
            and not _ASSIGN_ASK.search(folded)
            and not _DUE_ASK.search(folded)
            and not re.search(r"\b(don vi|co quan) nao$", folded)
        )
        if len(doc_ids) == 1 and section and (not unit or (unit_span or "-") in issuer):
            # "Báo cáo sơ kết … nêu nhiệm vụ trọng tâm thời gian tới là gì?": a section of the document
            section_q = DocumentQuery(filter=DocFilter(doc_ids=doc_ids), ask="details")
            return Understood(section_q, raw, doc_ids, extras={"section": True})
    about_doc = doc_ids and (not unit or re.search(rf"\bve\s+{re.escape(unit_span or '')}", folded))
    if about_doc and _ASSIGN_ASK.search(folded) and not re.search(r"\b(phai xong|den han|han)\b", folded):
        return Understood(DocumentQuery(filter=DocFilter(doc_ids=doc_ids), ask="assignments"), raw, doc_ids)
    window, window_text = find_window(folded, today)
    counting = re.search(r"\b(bao nhieu|may)\b", folded)
    if window and _RANGE_WORDS.search(folded) and not _DOC_DATE.search(folded) and not counting:
        lo, hi = window
        q = AssignmentQuery(unit=unit, documents=docs, due_from=None if lo == dt.date.min else lo, due_to=hi)
        return Understood(
            q, raw, doc_ids, period_label=window_text, extras={"window": [lo.isoformat(), hi.isoformat()]}
        )
    if unit and _TASK_ASK.search(folded) and not counting:
        if doc_ids and len(doc_ids) == 1:
            remove = [*remove, *title_pairs(folded, doc_ids[0], profiles)]
        return _unit_tasks(raw, folded, unit, docs, doc_ids, remove, today=today)
    if doc_ids and _ASSIGN_ASK.search(folded):
        return Understood(DocumentQuery(filter=DocFilter(doc_ids=doc_ids), ask="assignments"), raw, doc_ids)
    if _DUE_ASK.search(folded) and not re.search(r"\b(ai|bao nhieu)\b", folded):
        topic = _topic(folded, [*remove, "khi nao", "bao gio", "ngay nao", "ngay may", "thoi gian nao"])
        if len(topic.split()) >= 2:
            q = AssignmentQuery(unit=unit, documents=docs, topic=topic, ask="due")
            return Understood(q, raw, doc_ids)
    return None


def _asks_progress(folded: str, spans: Sequence[str]) -> bool:
    """How far the named unit's or document's assignments have come (the follow-up's counts): the
    unit or document is the question's subject, and no programme it reports on is named."""
    if not _PROGRESS_ASK.search(folded):
        return False
    rest = folded
    for span in spans:
        rest = rest.replace(span, " ") if span else rest
    if _PROGRAMME.search(rest):
        return False
    starts = [folded.find(span) for span in spans if span and span in folded]
    return bool(starts) and _PROGRESS_LEAD.fullmatch(folded[: min(starts)]) is not None


def _doc_meta(folded: str) -> str | None:
    if _SIGNER.search(folded):
        return "signer"
    if _RECIPIENT_ASK.search(folded):
        return "recipients"
    if _NUMBER_ASK.search(folded):
        return "number"
    if _DATE_ASK.search(folded) and not re.search(r"\b(hop|chu tri|truoc|han|phai)\b", folded):
        return "date"
    if re.search(r"\b(van ban|cong van|thong bao|ke hoach|bao cao) nao\b", folded):
        return "list"
    return None


def _doc_count(raw: str, folded: str, noun: str, *, today: dt.date, profiles: Sequence[DocProfile]) -> Understood:
    f = DocFilter(doc_type=_DOC_NOUNS.get(noun))
    period, period_text = find_period(folded, today)
    if period:
        f.date_from, f.date_to = period
    signers = {fold(p.doc.signer): p.doc.signer for p in profiles if p.doc.signer}
    for key, name in signers.items():
        if key in folded:
            f.signer = name
    places = {fold(x): x for p in profiles for x in (p.doc.place,) if x}
    named = [name for key, name in places.items() if key in folded]
    for p in profiles:  # a province documents name only in the issuer ("UBND tỉnh Bình Định")
        pm = re.search(r"tỉnh (\w[\w ]*)$", p.doc.issuer or "")
        if pm and fold(pm.group(1)) in folded:
            named.append(pm.group(1))
    q = DocumentQuery(filter=f, ask="count", noun=noun)
    chosen = sorted({fold(n): n for n in named}.values())
    return Understood(q, raw, period_label=period_text, extras={"places": chosen})


def _unit_tasks(
    raw: str,
    folded: str,
    unit: str,
    docs: DocFilter | None,
    doc_ids: list[str] | None,
    remove: list[str],
    *,
    today: dt.date,
) -> Understood | None:
    period, period_text = (None, None) if docs is not None else find_period(folded, today)
    if docs is None and period is not None and period_text and period_text.startswith("nam"):
        docs = DocFilter(
            date_from=period[0], date_to=period[1]
        )  # "Năm 2024 Sở Tư pháp được giao gì": documents of 2024
        remove.append(period_text)
    elif period is not None:
        return None  # "Tháng này Tỉnh đoàn được giao gì?": the tasks active in the period (router's handler)
    roles = ["lead"] if _LEAD_ONLY.search(folded) else None
    generic = ["duoc giao", "phai lam", "nhiem vu", "bao cao", "han", "lam gi", "trong", "ve", "theo", "khi nao"]
    topic = _topic(folded, [*remove, *generic])
    q = AssignmentQuery(unit=unit, documents=docs, roles=roles, topic=topic or None, ask="list")  # type: ignore[arg-type]
    return Understood(q, raw, doc_ids)


def _ideas(raw: str, folded: str, *, today: dt.date, catalogue: UnitCatalogue) -> Understood | None:
    unit, unit_span = find_unit(raw, catalogue)
    if re.search(r"\btoan tinh\b", folded):
        unit = None
    period, _ = find_period(folded, today)
    month = None
    if period and period[0].day == 1 and period[1] == month_range((period[0].year, period[0].month))[1]:
        month = f"{period[0].year:04d}-{period[0].month:02d}"
    from troly.ideas.workflow import FIELDS

    field_name = next((f for f in FIELDS if fold(f) in folded), None)
    if re.search(r"\btrang thai (nao|gi)\b", folded) and re.search(r"\b(tinh|duoc tinh)\b", folded):
        return Understood(IdeaQuery(unit=unit, ask="rule"), raw)
    if re.search(r"\b(trang thai|tinh trang)\b", folded):
        topic = _topic(folded, [unit_span or "", "y tuong", "trang thai", "dang o"])
        return Understood(IdeaQuery(unit=unit, topic=topic or None, ask="status"), raw)
    if re.search(r"\bdat chi tieu|du chi tieu|hoan thanh chi tieu\b", folded):
        month = month or f"{today.year:04d}-{today.month:02d}"
        return Understood(IdeaQuery(unit=unit, month=month, ask="progress"), raw)
    counted = re.search(r"\b(gioi thieu duoc|da gioi thieu|trien khai duoc|da trien khai|duoc tinh)\b", folded)
    if counted and month:
        return Understood(IdeaQuery(unit=unit, month=month, ask="counted"), raw)
    if re.search(r"\b(moi thang|hang thang|hàng thang|chi tieu|it nhat|toi thieu)\b", folded) and _COUNT.search(folded):
        return Understood(IdeaQuery(unit=unit, ask="quota"), raw)
    if _COUNT.search(folded):
        return Understood(IdeaQuery(unit=unit, month=month, field=field_name, ask="submitted"), raw)
    if re.search(r"\b(y tuong (nao|gi)|gui y tuong gi|nhung y tuong|ai gui)\b", folded):
        words = _topic(folded, ["y tuong", "ai gui", "gui"]) if not field_name and not unit else ""
        q = IdeaQuery(unit=unit, month=month, field=field_name, topic=words or None, ask="list")
        return Understood(q, raw)
    return None


# ---- follow-ups ----------------------------------------------------------------------------------------


def _follow_up(
    raw: str,
    folded: str,
    *,
    today: dt.date,
    catalogue: UnitCatalogue,
    profiles: Sequence[DocProfile],
    previous: dict[str, Any] | None,
) -> Understood | None:
    """ "còn Sở Nội vụ thì sao?", "thế còn thông báo …?", "ai phối hợp?", "hạn báo cáo khi nào":
    the previous typed query with the new slot, or a question about the previous answer's tasks."""
    if not previous or len(folded.split()) > 12:
        return None
    prev = previous.get("facts")
    prev_q = _load_query(prev.get("query")) if prev else None
    tasks = list(prev.get("task_ids") or []) if prev else []
    if _COOP_ASK.search(folded) or re.fullmatch(r"(ai|don vi nao|co quan nao) phoi hop( voi ai)?", folded):
        topic = prev_q.topic if isinstance(prev_q, AssignmentQuery) else None
        q = AssignmentQuery(topic=topic or _topic(fold(previous.get("question") or ""), []) or None, ask="cooperators")
        return Understood(q, raw, extras={"task_ids": tasks, "previous_docs": (prev or {}).get("doc_ids")})
    m = _FOLLOW_UP.match(folded)
    if m and prev_q is not None:
        rest = m.group("rest")
        unit, _ = find_unit(raw, catalogue)
        doc_ids, _ = find_documents(rest, profiles)
        if doc_ids is None and _DOC_NOUN.search(rest):
            doc_ids, _ = _by_title(rest, profiles)
        if isinstance(prev_q, IdeaQuery) and unit:
            return Understood(prev_q.model_copy(update={"unit": unit}), raw)
        if isinstance(prev_q, AssignmentQuery) and unit:
            asked = f"{unit} được giao những việc gì"
            return Understood(prev_q.model_copy(update={"unit": unit}), asked, (prev or {}).get("doc_ids"))
        if isinstance(prev_q, DocumentQuery) and doc_ids:
            return Understood(prev_q.model_copy(update={"filter": DocFilter(doc_ids=doc_ids)}), raw, doc_ids)
        if isinstance(prev_q, AssignmentQuery) and doc_ids:
            return Understood(prev_q.model_copy(update={"documents": DocFilter(doc_ids=doc_ids)}), raw, doc_ids)
    if _DUE_ASK.search(folded) and re.search(r"\b(khi nao|bao gio|ngay nao|la ngay)\b", folded):
        own = _topic(folded, ["han", "khi nao", "bao gio", "hoan thanh", "bao cao", "ngay nao"])
        if not own:
            prev_text = fold(previous.get("question") or "")
            doc_ids, spans = find_documents(prev_text, profiles)
            unit, unit_span = find_unit(previous.get("question") or "", catalogue)
            topic = _topic(prev_text, [*spans, unit_span or "", "ai chu tri", "chu tri", "giao", "lam gi"])
            q = AssignmentQuery(
                unit=unit,
                documents=DocFilter(doc_ids=doc_ids) if doc_ids else None,
                topic=topic or None,
                ask="due",
            )
            own_words = _topic(folded, ["khi nao", "bao gio", "ngay nao", "la ngay"])
            return Understood(q, raw, doc_ids, extras={"task_ids": tasks, "own_words": own_words})
    return None


def _load_query(data: dict[str, Any] | None) -> Query | None:
    if not data:
        return None
    kind = data.get("kind")
    try:
        if kind == "documents":
            return DocumentQuery.model_validate(data)
        if kind == "assignments":
            return AssignmentQuery.model_validate(data)
        if kind == "ideas":
            return IdeaQuery.model_validate(data)
        return None
    except ValueError:
        return None
