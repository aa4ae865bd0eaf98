"""Extractive answers: the sentences of the top passages that answer, grouped by document, cited.

Without an LLM troly must still be useful and must never quote noise. A relevance gate compares the
question's content words with the best passages; below it, the honest reply is "không tìm thấy".
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core.messages import Citation
from retrieval.tokenize import has_diacritics, tokenize
from troly.outline import strip_list_marker
from troly.text import canonical, collapse_ws, fold
from troly.types import Hit, Passage

if TYPE_CHECKING:
    from troly.units import UnitCatalogue

__all__ = [
    "NOT_FOUND",
    "ExtractiveAnswer",
    "LeadAnswer",
    "asked_role",
    "citation_of",
    "content_terms",
    "expand_abbreviations",
    "extract_answer",
    "lead_answer",
    "naming_hits",
    "prefer_year",
    "proper_names",
]

NOT_FOUND = (
    "Không tìm thấy thông tin này trong các văn bản hiện có. Bạn có thể hỏi cụ thể hơn "
    "(tên đơn vị, số văn bản, lĩnh vực) hoặc gõ /help để xem hướng dẫn."
)

# Question and function words that carry no topic. Kept with their diacritics: folded, "bạn"
# would also drop "ban hành" and "quý" would drop "quy chế".
_STOP_WORDS = """
ai gì nào đâu sao thế bao nhiêu mấy khi làm được bị là có không chưa đã đang sẽ của cho với và
hay hoặc thì mà những các một nhiều ít này kia đó ấy ở tại trong ngoài trên dưới về theo từ đến
tôi bạn mình chúng ta em anh chị hỏi xin vui lòng giúp cảm ơn nhé à ạ ừ ơi rồi việc nhiệm vụ
hôm nay ngày tháng năm tuần quý giờ hiện mọi mỗi
"""
_STOP = frozenset(tokenize(_STOP_WORDS, folded=False, bigrams=False))
_STOP_FOLDED = frozenset(fold(w) for w in _STOP)
_SENTENCE_SPLIT = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ\"“(-])|\n+")


@dataclass(slots=True)
class ExtractiveAnswer:
    text: str
    citations: list[Citation]
    found: bool
    best_sentence: str = ""  # the single best-matching sentence of the top passage
    best_context: str = ""  # that sentence with its document title and headings


@dataclass(slots=True, frozen=True)
class _Terms:
    """Topic syllables and adjacent-syllable pairs of a question, accent-folded only when the
    question was typed without diacritics (folding "giá vàng" would match "Gia Lai", "vững vàng")."""

    words: frozenset[str]
    pairs: frozenset[str]
    folded: bool


def expand_abbreviations(question: str, pairs: tuple[tuple[str, str], ...] | None = None) -> str:
    """``question`` with abbreviations written out ("CCHC" -> "cải cách hành chính"), so the words
    a passage must contain are the words documents use. Codes ("570/KH-VPUBND") are left alone."""
    from retrieval.query import expand_inline

    return expand_inline(question, pairs)


def content_terms(question: str) -> _Terms:
    """Topic words of a question (question words, pronouns and time words removed)."""
    folded = not has_diacritics(question)
    tokens = tokenize(question, folded=folded, bigrams=False)
    stop = _STOP_FOLDED if folded else _STOP
    keep = [t for t in tokens if t not in stop and len(t) > 1]
    pairs = {f"{a}_{b}" for a, b in itertools.pairwise(keep)}
    return _Terms(frozenset(keep), frozenset(pairs), folded)


def _coverage(terms: _Terms, text: str) -> float:
    """Share of the question's topic words in ``text``; one word alone (without a matching pair
    of adjacent words) is weak evidence, so such matches count only when most words are there."""
    if not terms.words:
        return 0.0
    have = set(tokenize(f"{text}\n{expand_abbreviations(text)}", folded=terms.folded, bigrams=True))
    share = len(terms.words & have) / len(terms.words)
    if terms.pairs and not (terms.pairs & have) and share < 0.67:
        return share / 2
    return share


# ---- what the question asks for ----------------------------------------------------------------

_QUANTITY_Q = re.compile(r"\b(bao nhieu|may|ty le|bao nhieu phan tram|xep thu|thu may|muc nao)\b|%")
_MONEY_Q = re.compile(r"\b(bao nhieu tien|kinh phi|tong von|von dau tu|so tien|doanh thu|ngan sach)\b")
_DATE_Q = re.compile(r"\b(khi nao|ngay nao|bao gio|thoi gian nao|luc nao|thang nao|nam nao|thoi han)\b")
_PERSON_Q = re.compile(r"^(ai la)\s+(.+?)\W*$|^(.+?)\s+la ai\W*$")
_SUBJECT_Q = re.compile(r"^(?:theo [^,]+,\s*)?(.+?)\s+(?:hien nay\s+)?la (?:bao nhieu|gi|khi nao|ngay nao|bao gio)\b")
_TITLE_WORDS = re.compile(r"^(truong|pho|giam doc|chu tich|bi thu|chanh|tong|thu truong|cuc truong|chi cuc truong)\b")
# A quantity: a number that is not a date, a year, a document code or a list marker.
_DATE_RE = re.compile(
    r"\b(?:0?[1-9]|[12]\d|3[01])\s*/\s*(?:0?[1-9]|1[0-2])(?:\s*/\s*\d{2,4})?\b(?!\s*/)|\b(?:năm|nam)\s+\d{4}\b|\b\d{4}\b(?!\s*(?:tỷ|triệu|ha|người|%))"
)
_CODE_LIKE = re.compile(r"\S*\d\S*/[A-ZĐa-zđ]\S*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MONEY = re.compile(r"\d(?:[\d.,]*)\s*(?:đồng|tỷ|triệu|nghìn tỷ|USD|dong|ty|trieu)\b", re.IGNORECASE)
_DATE_ANSWER = re.compile(
    r"\b(?:0?[1-9]|[12]\d|3[01])\s*/\s*(?:0?[1-9]|1[0-2])(?:\s*/\s*\d{2,4})?\b|\b(?:tháng|thang)\s+\d{1,2}\b|\b(?:quý|quy)\s+[IV1-4]+\b"
    r"|\b(?:năm|nam)\s+\d{4}\b|\b(?:hằng|hàng|hang) (?:năm|tháng|quý|tuần|nam|thang|quy|tuan)\b",
    re.IGNORECASE,
)


# "… hiện nay / hiện đạt / đến nay bao nhiêu?" asks what a figure is now; a sentence that assigns
# work ("Giao Sở X … bảo đảm hoàn thành 100% … trước ngày …") states a target, not that figure.
_NOW_Q = re.compile(r"\b(hien nay|hien tai|hien dat|hien co|hien la|den nay|tinh den nay|thuc te)\b")
_TARGET_SENTENCE = re.compile(
    r"^(?:giao|de nghi|yeu cau|chi dao|phan dau|dat muc tieu)\b"
    r"|\b(?:chu tri|bao dam hoan thanh|dam bao hoan thanh|phan dau|muc tieu|chi tieu)\b"
)


def asks_quantity(question: str) -> bool:
    return bool(_QUANTITY_Q.search(fold(question)))


def asks_date(question: str) -> bool:
    return bool(_DATE_Q.search(fold(question)))


def _quantities(text: str, question: str) -> list[str]:
    """Numbers in ``text`` that could answer "bao nhiêu": not dates, years, codes, markers, nor a
    number the question itself gives."""
    given = set(_NUMBER.findall(question))
    rest = _CODE_LIKE.sub(" ", _DATE_RE.sub(" ", strip_list_marker(text)))
    return [n for n in _NUMBER.findall(rest) if n not in given]


def _has_answer_kind(question: str, sentence: str) -> bool:
    """Whether ``sentence`` holds the kind of fact asked: an amount of money, a quantity, a date."""
    folded_q = fold(question)
    if _MONEY_Q.search(folded_q) and "bao nhieu" in folded_q:
        return bool(_MONEY.search(sentence))
    if asks_quantity(question):
        if _NOW_Q.search(folded_q) and _TARGET_SENTENCE.search(fold(strip_list_marker(sentence)).strip()):
            return False
        return bool(_quantities(sentence, question))
    if asks_date(question):
        given = {fold(m.group(0)) for m in _DATE_ANSWER.finditer(question)}
        return any(fold(m.group(0)) not in given for m in _DATE_ANSWER.finditer(_uncited(sentence, question)))
    return True


# A document cited with its date ("Nghị định số 32/2024/NĐ-CP ngày 15/3/2024"): the date it was
# issued, not the date of what the sentence says.
_CITED_DATE = re.compile(
    r"(?P<code>\S*\d\S*/[A-ZĐa-zđ]\S*)\s*,?\s*(?:ngày\s+)?"
    r"(?:\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{2,4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})",
    re.IGNORECASE,
)


def _uncited(sentence: str, question: str) -> str:
    """``sentence`` without the dates of the documents it cites, unless the question names that
    document ("Nghị định 32 ban hành ngày nào?")."""
    asked = set(re.findall(r"\d+", question))

    def drop(m: re.Match[str]) -> str:
        serial = re.match(r"\D*(\d+)", m.group("code"))
        return m.group(0) if serial and serial.group(1) in asked else m.group("code")

    return _CITED_DATE.sub(drop, sentence)


def _must_phrases(question: str) -> list[str]:
    """Folded phrases an answering sentence must contain word for word: the position in "Ai là
    Trưởng Ban …?", the subject in "Doanh thu du lịch … là bao nhiêu?" (its first two words)."""
    folded = collapse_ws(re.sub(r"[^\w\s,%/]", " ", fold(question)))
    out = []
    person = _PERSON_Q.match(folded)
    if person:
        position = (person.group(2) or person.group(3) or "").strip()
        if _TITLE_WORDS.match(position):
            out.append(" ".join(position.split()[:5]))
    subject = _SUBJECT_Q.match(folded)
    if subject and not person:
        # "Hạn hoàn thành X là ngày nào?" is about X.
        head = re.sub(
            r"^(?:thoi )?han (?:cuoi )?(?:(?:hoan thanh|nop|gui|bao cao|trinh|ban hanh)\s+)?", "", subject.group(1)
        )
        words = [w for w in head.split() if not w.isdigit()]
        if len(words) >= 3:
            out.append(" ".join(words[:2]))
    return out


def citation_of(hit: Hit, quote: str) -> Citation:
    p = hit.passage
    section = p.heading_path[-1] if p.heading_path else (p.section or "")
    return Citation(
        doc_id=p.doc_id,
        number=p.number,
        date=p.date,
        title=p.title,
        section=section[:160],
        quote=quote[:400],
        doc_type=p.doc_type,
        date_precision=p.date_precision,
        passage_id=p.id,
    )


_NO_END = frozenset(
    ["của", "và", "các", "với", "cho", "tại", "về", "theo", "số", "ngày", "Bộ", "Sở", "Ủy", "ban", "UBND"]
)


def _unwrap(text: str) -> str:
    """Lines a plain-text file wrapped inside a sentence joined again ("… ngày 29/4/2026 của Bộ" /
    "Nông nghiệp và Môi trường về việc …"): a long line without closing punctuation followed by a
    line that starts with a lower-case word, or after a word no sentence ends with ("của Bộ")."""
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        prev = out[-1].rstrip()
        if (
            len(prev) >= 40
            and not prev.endswith((".", ";", ":", "!", "?", ")", '"', "”", "…"))
            and not prev.isupper()
            and re.match(r"[^\W\d_]", line)
            and not re.match(r"[a-zđ]\)\s", line)
            and (line[:1].islower() or prev.rsplit(" ", 1)[-1] in _NO_END)
        ):
            out[-1] = f"{prev} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(_unwrap(text)) if len(s.strip()) > 15]


_ASK_WORD = re.compile(
    r"(\w+\s+\w+)\s+(?:bao nhiêu|bao nhieu|mấy|may|khi nào|khi nao|ngày nào|ngay nao|bao giờ|bao gio)\b"
)


def _parts(question: str) -> list[str]:
    """A question that asks two things ("giao bao nhiêu nhiệm vụ và đã hoàn thành bao nhiêu?")
    split into its asks; each needs its own sentence in the quote. A single ask keeps, besides
    the whole question, the words right before its question word ("hoàn thành khi nào"): the
    sentence that states that fact is quoted even when another repeats more of the question."""
    pieces = [p for p in re.split(r",|\bvà\b|\bva\b", question) if p.strip()]
    asks = [p for p in pieces if asks_quantity(p) or asks_date(p)]
    if len(asks) >= 2:
        return asks
    focus = _ASK_WORD.search(question)
    return [question, focus.group(1)] if focus else [question]


@dataclass(slots=True)
class _Scored:
    hit: Hit
    sentences: list[str]
    cover: list[float]  # per sentence: topic words matched, halved when the asked kind is absent
    best: int  # index of the best sentence
    cells: dict[int, int] = field(default_factory=dict)  # sentence -> the table cell with its date

    @property
    def score(self) -> float:
        return self.cover[self.best] if self.cover else 0.0


def _score(question: str, terms: _Terms, hit: Hit) -> _Scored:
    p = hit.passage
    sentences = _sentences(p.text) or [p.text.strip()]
    # A parent heading such as "3. Giao Sở Thông tin và Truyền thông:" belongs to every bullet
    # under it, so it earns half credit; the sentence's own words still decide between bullets.
    parent = p.heading_path[-1] if p.heading_path else ""
    cells = _date_cells(question, sentences)
    cover = []
    for i, sentence in enumerate(sentences):
        c = (_coverage(terms, sentence) + _coverage(terms, f"{parent}\n{sentence}")) / 2
        cover.append(c if _has_answer_kind(question, sentence) or i in cells else c / 2)
    best = min(range(len(sentences)), key=lambda i: (-cover[i], i))
    return _Scored(hit, sentences, cover, best, cells)


def _date_cells(question: str, sentences: list[str]) -> dict[int, int]:
    """For a date question, a table row flattened into lines ("Rà soát … Quy hoạch tỉnh." / "Sở
    Nông nghiệp và Môi trường" / "…" / "Xong trong tháng 5/2026"): each sentence mapped to the
    short line within the next five that holds a date, its time column (a date inside the task's
    own words, "tầm nhìn đến năm 2050", is not when it is due)."""
    if not asks_date(question):
        return {}
    out = {}
    for i in range(len(sentences)):
        for j in range(i + 1, min(i + 6, len(sentences))):
            if len(sentences[j]) > 80:
                break
            if _has_answer_kind(question, sentences[j]):
                out[i] = j
                break
    return out


def _context(hit: Hit) -> str:
    p = hit.passage
    return f"{p.title or ''}\n{p.heading}\n{p.text}"


def _states_fact(question: str, scored: _Scored, names: Sequence[str] = ()) -> bool:
    """Whether some sentence of the passage holds the asked kind of fact and the words a question
    of the form "X là …?" / "Ai là <chức vụ>?" is about, and, for a date, the places and projects
    the question names ("Phú Thịnh 5": a date of another project does not answer)."""
    musts = _must_phrases(question)
    if asks_date(question):
        musts = [*musts, *names]
    for i, sentence in enumerate(scored.sentences):
        if scored.cover[i] < scored.score * 0.5 or not (_has_answer_kind(question, sentence) or i in scored.cells):
            continue
        folded = fold(f"{scored.hit.passage.heading}\n{sentence}")
        if all(m in folded for m in musts):
            return True
    return False


# ---- a list the quoted sentence announces --------------------------------------------------------

# "… tập trung thực hiện hiệu quả 3 đột phá chiến lược." / "… gồm 04 nhóm giải pháp:" — a count
# (2 to 10, in figures or words) before a noun: the items follow, often in the next passage.
_ANNOUNCED_COUNT = re.compile(
    r"\b(0?[2-9]|10|hai|ba|bon|nam|sau|bay|tam|chin|muoi)\s+(?!ngay|thang|nam|tuan|gio|phut|lan|trieu|ty|nghin)[a-z]+\b"
)
_NUMBER_WORDS = {"hai": 2, "ba": 3, "bon": 4, "nam": 5, "sau": 6, "bay": 7, "tam": 8, "chin": 9, "muoi": 10}
_ITEM_START = re.compile(
    r"^(?:thu (?:nhat|hai|ba|tu|nam|sau|bay|tam|chin|muoi)|(?:mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi) la)\b"
    r"|^(?:[-+•]|\d{1,2}[.)]|[a-z]\))\s"
)


def _announced(sentence: str) -> int:
    """How many items ``sentence`` announces at its end ("… 3 đột phá chiến lược."), 0 if none."""
    tail = fold(sentence).rstrip(" .:;")
    m = next(reversed(list(_ANNOUNCED_COUNT.finditer(tail))), None)
    if m is None or len(tail) - m.end() > 40:  # the count must sit in the sentence's last words
        return 0
    n = m.group(1)
    return int(n) if n.isdigit() else _NUMBER_WORDS[n]


def _item_lead(sentence: str) -> str:
    """An item's own words up to its first colon ("Thứ nhất là đột phá về thể chế: …")."""
    head = sentence.split(":", 1)[0].strip()
    if len(head) <= 120:
        return head
    return " ".join(head[:120].split()[:-1]) + " …"


def _items(sentences: list[str], start: int, count: int) -> list[str]:
    """The ``count`` items that open at ``sentences[start]`` (none unless all are there)."""
    items = []
    for sentence in sentences[start:]:
        if not _ITEM_START.search(fold(sentence).strip()):
            break
        items.append(_item_lead(sentence))
        if len(items) == count:
            return items
    return []


def extract_answer(
    question: str,
    hits: list[Hit],
    *,
    max_passages: int = 3,
    max_sentences: int = 2,  # three for "bao nhiêu" questions: figures come in lists
    min_coverage: float = 0.5,
    keep_ratio: float = 0.7,
    pinned: dict[str, str] | None = None,
    names_unit: Callable[[str], bool] | None = None,
    must_name: Sequence[str] = (),
    next_passage: Callable[[Passage], Passage | None] | None = None,
) -> ExtractiveAnswer:
    """Pick answering sentences from the best hits; say plainly when nothing relevant was found.

    Words like "chủ trì", "triển khai", "thông tin" occur in almost every passage, so a passage or
    sentence that matches only some of the question is noise next to one that matches all of it:
    further passages and sentences are kept only when they come within ``keep_ratio`` of the best.
    A sentence that carries the asked kind of fact (a number for "bao nhiêu", a date for "khi
    nào") outranks one that only repeats the question's words, and every part of a two-part
    question keeps its sentence. ``pinned`` maps passage ids to a sentence that must be quoted
    (the one a "who leads" answer was read from). With ``names_unit`` (a test of whether a text
    names the unit the question asks about), passages naming it outrank the others, and its
    sentences that carry the asked kind of fact are quoted. ``must_name``: folded proper names the
    question names, which a sentence stating a date must name too.
    """
    terms = content_terms(question)
    pinned = pinned or {}
    candidates = []
    for rank, hit in enumerate(hits[: max_passages + 2]):
        cov = _coverage(terms, _context(hit))
        if cov >= min_coverage or hit.passage.id in pinned:
            candidates.append((rank, _score(question, terms, hit)))
        elif rank == 0:
            return ExtractiveAnswer(NOT_FOUND, [], False)
    if not candidates:
        return ExtractiveAnswer(NOT_FOUND, [], False)
    # The passage that states the fact first; retrieval rank breaks ties.
    preferred = {sc.hit.passage.id for _, sc in candidates if names_unit and names_unit(_context(sc.hit))}
    candidates.sort(
        key=lambda rs: (
            rs[1].hit.passage.id not in pinned,
            rs[1].hit.passage.id not in preferred,
            -round(rs[1].score, 3),
            rs[0],
        )
    )
    if not any(_states_fact(question, sc, must_name) for _, sc in candidates) and not pinned:
        return ExtractiveAnswer(NOT_FOUND, [], False)
    parts = [content_terms(p) for p in _parts(question)]
    if asks_quantity(question):
        max_sentences += 1
    blocks: list[str] = []
    citations: list[Citation] = []
    best = context = ""
    top_cover = 0.0
    for _, sc in candidates:
        if len(citations) == max_passages:
            break
        hit, sentences, cover = sc.hit, sc.sentences, sc.cover
        pin = pinned.get(hit.passage.id)
        if citations and cover[sc.best] < keep_ratio * top_cover and pin is None and hit.passage.id not in preferred:
            continue
        top_cover = max(top_cover, cover[sc.best])
        ranked = sorted(range(len(sentences)), key=lambda i: (-cover[i], i))
        floor = max(keep_ratio * cover[ranked[0]], 1e-9)
        chosen = {i for i in ranked[:max_sentences] if cover[i] >= floor} or {ranked[0]}
        if len(parts) > 1:  # each ask keeps its best sentence
            for part in parts:
                if not part.words:
                    continue
                own = [_coverage(part, s) if _has_answer_kind(question, s) else 0.0 for s in sentences]
                i = max(range(len(sentences)), key=lambda i: (own[i], -i))
                if own[i] > 0:
                    chosen.add(i)
        chosen |= {sc.cells[i] for i in chosen if i in sc.cells}
        if pin is not None:
            chosen |= {i for i, s in enumerate(sentences) if s == pin}
        if names_unit is not None:  # the asked unit's own sentence that states the fact
            chosen |= {
                i for i, s in enumerate(sentences) if cover[i] > 0 and _has_answer_kind(question, s) and names_unit(s)
            }
        last = max(chosen)
        count = _announced(sentences[last])
        items = _items(sentences, last + 1, count) if count else []
        following: tuple[Hit, list[str]] | None = None
        if count and not items and last == len(sentences) - 1 and next_passage is not None:
            after = next_passage(hit.passage)
            if after is not None:
                more = _items(_sentences(after.text), 0, count)
                following = (Hit(passage=after, score=0.0, retrievers=["context"]), more) if more else None
        quote = " … ".join([*(strip_list_marker(sentences[i]) for i in sorted(chosen)), *items])
        if not best:
            best = strip_list_marker(sentences[ranked[0]])
            context = f"{hit.passage.title or ''}\n{hit.passage.heading}\n{best}"
        citations.append(citation_of(hit, quote))
        blocks.append(f"[{len(citations)}] {quote}")
        if following is not None and len(citations) < max_passages:
            listed = " … ".join(following[1])
            citations.append(citation_of(following[0], listed))
            blocks.append(f"[{len(citations)}] {listed}")
    return ExtractiveAnswer("\n\n".join(blocks), citations, True, best, context)


# ---- who leads --------------------------------------------------------------------------------

_WHO_Q = re.compile(r"\b(ai|don vi nao|co quan nao|so nao|ban nao|nganh nao|dia phuong nao|giao ai)\b")
# Roles a question can ask about, most specific first: (folded phrase in the question, in text).
_ROLES = (
    ("co quan thuong truc", "co quan thuong truc"),
    ("thuong truc", "thuong truc"),
    ("dau moi", "dau moi"),
    ("phoi hop", "phoi hop"),
    ("chu tri", "chu tri"),
    ("tong hop", "tong hop"),
    ("cap nhat", "cap nhat"),
)
# Between a unit and the role word it takes: nothing but "giao", "do", "là", commas.
_GAP = re.compile(r"^[\s,:]*(?:(?:se|la|lam|tiep tuc|truc tiep)\s+)*$")
_UNIT_HEAD = re.compile(
    r"^(?:giao\s+)?((?:sở|ban|trung tâm|công an|thanh tra|ủy ban|uỷ ban|ubnd|văn phòng|tỉnh đoàn|hội|liên đoàn|"
    r"đài|báo|kho bạc|cục|chi cục|bộ chỉ huy|bộ đội|ngân hàng|viện|trường|bệnh viện|phường|xã|"
    r"mặt trận|đảng ủy|đảng uỷ|cảng vụ|quỹ|tổng công ty|công ty)\b[^:;.]{0,100}?)\s*[:.]?\s*$",
    re.IGNORECASE,
)


def asked_role(question: str) -> str | None:
    """The role a "who" question asks about ("chu tri", "phoi hop", …), folded; None otherwise."""
    folded = fold(question)
    if not _WHO_Q.search(folded):
        return None
    for in_question, in_text in _ROLES:
        if in_question in folded:
            return in_text
    return "chu tri" if re.search(r"\b(giao ai|giao cho ai|do ai)\b", folded) else None


def _unit_names(text: str, catalogue: UnitCatalogue) -> list[tuple[int, int, str]]:
    """(start, end, name) of the units ``text`` names: catalogued ones by their catalogue name,
    others ("Trung tâm Xúc tiến …") as written."""
    out = []
    for m in catalogue.find_mentions(text):
        name = m.unit.name if m.unit is not None else m.text
        out.append((m.start, m.end, name))
    return out


def _heading_unit(heading_path: list[str], catalogue: UnitCatalogue) -> str | None:
    """The unit a heading assigns ("3. Giao Sở Thông tin và Truyền thông:", "8. Thanh tra tỉnh")."""
    for heading in reversed(heading_path):
        bare = strip_list_marker(heading).strip()
        units = _unit_names(bare, catalogue)
        if units and (units[0][0] <= len("Giao ") + 1) and len(bare.split()) <= 16:
            return units[0][2]
        m = _UNIT_HEAD.match(canonical(bare))
        if m:
            return m.group(1).strip()
    return None


def _unit_above(text: str, sentence: str, catalogue: UnitCatalogue) -> str | None:
    """The unit of the nearest heading line written above ``sentence`` inside a passage
    ("1. Giao Sở Khoa học và Công nghệ:" followed by "a) Chủ trì, …")."""
    at = text.find(sentence[:60])
    if at <= 0:
        return None
    for line in reversed(text[:at].splitlines()):
        bare = line.strip()
        if not bare:
            continue
        if bare.endswith(":") and len(bare.split()) <= 16:
            return _heading_unit([bare], catalogue)
    return None


@dataclass(slots=True, frozen=True)
class LeadAnswer:
    """Who a sentence names for the asked role, and the sentence it was read from."""

    line: str
    passage_id: str
    sentence: str


def lead_answer(question: str, hits: list[Hit], catalogue: UnitCatalogue) -> LeadAnswer | None:
    """For "Ai chủ trì …?" (or "phối hợp", "đầu mối", "cơ quan thường trực"), the unit the answering
    sentence gives that role: the unit written right before the role word, else, for a bullet that
    starts with the role ("Chủ trì, phối hợp …"), the unit of the heading it sits under. Never the
    first unit a passage happens to name, nor a cooperating unit for a lead question."""
    role = asked_role(question)
    if role is None:
        return None
    terms = content_terms(expand_abbreviations(question))
    best: tuple[float, int, Hit, str] | None = None
    for rank, hit in enumerate(hits):
        parent = hit.passage.heading_path[-1] if hit.passage.heading_path else ""
        for sentence in _sentences(hit.passage.text) or [hit.passage.text]:
            if role not in fold(sentence):
                continue
            cov = (_coverage(terms, sentence) + _coverage(terms, f"{parent}\n{sentence}")) / 2
            if best is None or cov > best[0] + 1e-9:
                best = (cov, rank, hit, sentence)
    if best is None or best[0] < 0.35:
        # The duty may be written without the role word under its unit's heading ("8. Thanh tra
        # tỉnh: - Hàng năm, chủ động xây dựng kế hoạch thanh tra …"): the best sentence of all.
        best = None
        for rank, hit in enumerate(hits[:3]):
            for sentence in _sentences(hit.passage.text) or [hit.passage.text]:
                if fold(strip_list_marker(sentence)).startswith("phoi hop"):
                    continue
                cov = _coverage(terms, sentence)
                if cov >= 0.5 and (best is None or cov > best[0] + 1e-9):
                    best = (cov, rank, hit, sentence)
        if best is None:
            return None
        unit = _unit_above(best[2].passage.text, best[3], catalogue) or _heading_unit(
            best[2].passage.heading_path, catalogue
        )
    else:
        unit = (
            _sentence_unit(best[3], role, catalogue)
            or _unit_above(best[2].passage.text, best[3], catalogue)
            or _heading_unit(best[2].passage.heading_path, catalogue)
        )
    _, _, hit, sentence = best
    if unit is None:
        return None
    line = f"{unit}."
    if role == "chu tri":
        cooperating = [n for n in _cooperating(sentence, catalogue) if n != unit]
        extra = f", phối hợp với {', '.join(dict.fromkeys(cooperating))}" if cooperating else ""
        line = f"{unit} chủ trì{extra}."
    elif role in ("thuong truc", "co quan thuong truc"):
        line = f"{unit} là cơ quan thường trực."
    elif role == "dau moi":
        line = f"{unit} là đầu mối."
    return LeadAnswer(line, hit.passage.id, sentence)


def _sentence_unit(sentence: str, role: str, catalogue: UnitCatalogue) -> str | None:
    """The unit written right before the role word ("Giao Sở Tư pháp chủ trì", "do Công an tỉnh
    chủ trì"), or None when the sentence has no such subject."""
    text = canonical(sentence)
    folded = fold(text)
    units = _unit_names(text, catalogue)
    for match in re.finditer(re.escape(role), folded):
        before = [u for u in units if u[1] <= match.start() and _GAP.match(folded[u[1] : match.start()])]
        if before:
            return before[-1][2]
    return None


def _cooperating(sentence: str, catalogue: UnitCatalogue) -> list[str]:
    """Units named after "phối hợp với" up to the end of that clause."""
    text = canonical(sentence)
    folded = fold(text)
    at = folded.find("phoi hop voi")
    if at < 0:
        return []
    end = min(
        [i for i in (folded.find(";", at), folded.find(" de ", at), folded.find(" tang ", at)) if i > 0] or [len(text)]
    )
    return [name for start, _, name in _unit_names(text, catalogue) if at < start < end]


# ---- names the question is about ---------------------------------------------------------------

_NOT_NAME = frozenset(
    fold(w)
    for w in re.findall(
        r"\w+",
        """tỉnh thành phố xã phường huyện sở ban ngành trung tâm văn bản công văn thông báo kế hoạch quyết
        định báo cáo chỉ thị nghị quyết ai theo năm tháng ngày quý đề án chương trình hội nghị ủy uỷ ubnd
        phiên họp kết luận đơn vị cơ quan nào gì việc khi hạn tổng tỷ""",
    )
)


def _names(question: str, catalogue: UnitCatalogue) -> list[str]:
    """Proper names the question is about ("Kon Tum", "Phú Thịnh 5"), folded, and the catalogued
    units it names (by id, prefixed "unit:"); abbreviations, unit-type words and a leading source
    ("Theo báo Gia Lai, …") do not count."""
    text = canonical(question)
    lead_in = re.match(r"^\s*theo\b[^,]*,", text, re.IGNORECASE)
    if lead_in:
        text = " " * lead_in.end() + text[lead_in.end() :]
    mentions = catalogue.find_mentions(text)
    # A unit limits the answer when the question asks what it was given ("Sở X được giao gì
    # trong …?"); elsewhere it may be the author or the subject, not named in the passage.
    assigned = re.search(r"\b(giao|giam doc|truong|pho)\b", fold(text))
    out = [f"unit:{m.unit.id}" for m in mentions if assigned and m.unit is not None and not m.unit.is_group]
    spans = [(m.start, m.end) for m in mentions]
    run: list[str] = []
    for m in itertools.chain(re.finditer(r"[^\W_]+", text), [None]):
        word = m.group(0) if m else ""
        inside = m is not None and any(a <= m.start() < b for a, b in spans)
        capital = bool(word) and not inside and (word[0].isupper() or (word.isdigit() and bool(run)))
        capital = capital and not re.fullmatch(r"[IVX]+", word)  # "quý I/2026", "phần II"
        if capital and not (word.isupper() and len(word) > 1):
            if fold(word) not in _NOT_NAME:
                run.append(word)
            continue
        if len(run) >= 2 and not all(w.isdigit() for w in run):
            out.append(fold(" ".join(run)))
        run = []
    return list(dict.fromkeys(out))


def proper_names(question: str, catalogue: UnitCatalogue) -> list[str]:
    """The folded proper names a question names that are not units ("phu thinh 5")."""
    return [n for n in _names(question, catalogue) if not n.startswith("unit:")]


def naming_hits(question: str, hits: list[Hit], catalogue: UnitCatalogue) -> list[Hit]:
    """The hits whose document names every place and unit the question names (all of them when
    the question names none): "Tỉnh Kon Tum được giao gì?" has no answer in passages about Gia Lai."""
    names = _names(question, catalogue)
    if not names:
        return hits
    kept = []
    for hit in hits:
        context = _context(hit)
        folded = fold(context)
        ids: set[str] | None = None
        ok = True
        for name in names:
            if name.startswith("unit:"):
                if ids is None:
                    ids = {m.unit_id for m in catalogue.find_mentions(context) if m.unit_id}
                if name[5:] not in ids:
                    ok = False
                    break
            elif name not in folded:
                ok = False
                break
        if ok:
            kept.append(hit)
    return kept


_YEAR = re.compile(r"(?<![\d/.,-])((?:19|20)\d{2})(?![\d/])")


def prefer_year(question: str, hits: list[Hit]) -> list[Hit]:
    """Hits of the year the question names ("Năm 2024 ai chủ trì …?") first: dated that year or
    speaking of it; the others keep their order after them."""
    years = set(_YEAR.findall(_CODE_LIKE.sub(" ", question)))
    if not years:
        return hits

    def of_year(hit: Hit) -> bool:
        p = hit.passage
        return (p.date is not None and str(p.date.year) in years) or any(y in _context(hit) for y in years)

    return sorted(hits, key=lambda h: not of_year(h))


_COMMUNE_WORD = re.compile(r"\b(?:xã|phường)\b")
_COMMUNE_FOLDED = re.compile(r"\b(?:moi|cac|tung|cap) (?:xa|phuong)\b")


def names_asked_unit(question: str, catalogue: UnitCatalogue) -> Callable[[str], bool] | None:
    """A test of whether a text names a unit the question names; None when it names none.

    "Mỗi xã phải giới thiệu bao nhiêu ý tưởng?" is about the communes' duty, not about Tỉnh
    đoàn's in the next sentence that shares every other word. A commune-level word ("xã",
    "phường"; "moi xa" typed without accents) stands for the group "UBND các xã, phường".
    """
    text = canonical(question)
    wanted = {m.unit_id for m in catalogue.find_mentions(text) if m.unit_id}
    if _COMMUNE_WORD.search(text.lower()) or _COMMUNE_FOLDED.search(fold(text)):
        group = catalogue.resolve("UBND các xã, phường")
        if group is not None:
            wanted.add(group.unit.id)
    if not wanted:
        return None

    def names(candidate: str) -> bool:
        return any(m.unit_id in wanted for m in catalogue.find_mentions(candidate))

    return names
