"""Cut a cleaned document into passages that follow its outline.

Questions about directives are answered by one assignment ("Tỉnh đoàn chịu trách nhiệm …"), which
only makes sense with the headings above it ("2. Một số nhiệm vụ … > d) Về phát triển khoa học …
> - Về phát động phong trào …:"). Fixed-size windows cut those items in half and lose the
headings, so the chunker reads the outline instead:

* legal levels Phần > Chương > Mục > Điều > Khoản ("1.") > Điểm ("a)"), administrative levels
  A. > I. > 1. / 1.1. > a) > 1) > "-" > "+"; a marker's level is fixed by its kind, so an item
  closes every open item of the same or a deeper level;
* a short marked line without final punctuation, or a lead-in ending in ":", is a heading and
  goes into ``heading_path``; a marked line that is a full sentence is content and only its
  label goes into ``section``;
* consecutive items under the same headings are packed into one chunk up to ``max_chars``;
  smaller chunks are merged with a neighbour of the same top-level section; a paragraph longer
  than ``max_chars`` is split between sentences (then between ";" clauses), never inside one;
* the header block, the "Nơi nhận:" list and the signature are skipped (metadata keeps them);
  the type line and trích yếu open the first chunk so a question naming the document finds it;
  footnotes moved to "Ghi chú:" by the cleaner become their own chunk;
* a task table row ("3. <duty> | Cơ quan chủ trì: … | Thời hạn: …", see ``ingest.table_rows``) is
  one passage of its own, under its number ("Phụ lục > 3"): never packed or merged with its
  neighbours, and split only when far longer than ``max_chars``.

Every content line lands in exactly one chunk, in document order; the output is deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeVar

from ingest.layout import locate_front_matter, locate_furniture
from ingest.table_rows import is_row
from troly.text import collapse_ws
from troly.types import Chunk

_T = TypeVar("_T")

__all__ = ["chunk_document"]

# --- outline markers -------------------------------------------------------------------------

# Vietnamese capitals, for "Chương I NHỮNG QUY ĐỊNH CHUNG" (a name follows) vs "Chương II của Luật".
_UPPER_CLASS = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
# Names of instruments: "Điều 23 Luật …" at a line start is a reference, not an article heading.
_INSTRUMENTS = (
    r"(?:Luật|LUẬT|Bộ\s+luật|BỘ\s+LUẬT|Nghị\s+định|Nghị\s+quyết|Thông\s+tư|Quyết\s+định|Pháp\s+lệnh|Hiến\s+pháp|"
    r"Chỉ\s+thị|Quy\s+chế|Quy\s+định|Điều\s+lệ|Văn\s+bản|Công\s+ước|Hiệp\s+định)\b"
)
_APPENDIX_RE = re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:số\s+)?([IVXLC]+|\d+[a-zA-Z]?)\b)?")
_PART_RE = re.compile(r"^(?:Phần|PHẦN)\s+((?:thứ|THỨ)\s+\S+|[IVXLC]+\b|\d+\b)")
_CHAPTER_RE = re.compile(rf"^(?:Chương|CHƯƠNG)\s+([IVXLC]+|\d+)\b(?=\s*[.:\-–]|\s*$|\s+[{_UPPER_CLASS}])")
_SECTION_RE = re.compile(rf"^(?:Mục|MỤC)\s+(\d+|[IVXLC]+)\b(?=\s*[.:\-–]|\s*$|\s+[{_UPPER_CLASS}])")
_ARTICLE_RE = re.compile(r"^(?:Điều|ĐIỀU)\s+(\d+[a-zđ]?)\s*[.:]")
# "Điều 23 Thiết lập trang thông tin điện tử": the article's name follows its number without a
# period (DOCX and exported text often drop it). A line that starts with a reference to an article
# ("Điều 23 Luật Đất đai quy định …", "Điều 5 của Nghị định …", "Điều 23, Điều 24 …") is not one.
_ARTICLE_BARE_RE = re.compile(rf"^(?:Điều|ĐIỀU)\s+(\d+[a-zđ]?)(?:\s+(?=[{_UPPER_CLASS}])(?!{_INSTRUMENTS})|\s*$)")
_ROMAN_OR_UPPER_RE = re.compile(r"^([IVXLC]{1,6}|[A-ZĐ])[.)]\s+\S")
_ARABIC_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.\s+\S|^(\d{1,2}(?:\.\d{1,2})+)\s+\S")
_ARABIC_PAREN_RE = re.compile(r"^(\d{1,2})\)\s+\S")
_LETTER_PAREN_RE = re.compile(r"^([a-zđ])\)\s+\S")
_LETTER_DOT_RE = re.compile(r"^([a-zđ])\.\s+\S")
_DASH_RE = re.compile(r"^-\s+\S")
_PLUS_RE = re.compile(r"^\+\s+\S")

# Fixed levels: a new item closes every open item whose rank is >= its own.
_RANK = {
    "appendix": -1.0,
    "part": 0.0,
    "chapter": 1.0,
    "section": 2.0,
    "article": 3.0,
    "upper": 3.5,
    "roman": 4.0,
    "arabic": 5.0,
    "letter": 6.0,
    "arabic_paren": 6.5,
    "dash": 7.0,
    "plus": 8.0,
}
_BULLET_RANK = 7.0
# Vietnamese list letters (no f, j, w, z; đ after d).
_LETTERS = "abcdđeghiklmnopqrstuvxy"
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

# Sentence-final punctuation (closing quotes/brackets allowed after it).
_TERMINAL_RE = re.compile(r"[.!?;…][\"”’»)\]]*$")
# The last paragraph of the body: "… triển khai thực hiện./.", "Trên đây là báo cáo …".
_CLOSING_RE = re.compile(r"\./\.\s*$|^Trên đây là\b|^Luật này (?:đã )?được Quốc hội\b")
# Sentence boundaries for splitting long paragraphs; abbreviations that end in "." are skipped.
_SENTENCE_END_RE = re.compile(r"(?:[.!?…]+|\./\.)[\"”’»)\]]*\s+")
_ABBREVIATIONS = frozenset(
    [
        "tp",
        "ts",
        "ths",
        "pgs",
        "gs",
        "bs",
        "ks",
        "ls",
        "th",
        "st",
        "v.v",
        "tr",
        "kt",
        "tl",
        "tm",
        "tuq",
        "q",
        "p",
        "mr",
        "ms",
        "dr",
        "no",
        "tt",
        "vd",
    ]
)
# A leading outline marker, whose "." is not a sentence end.
_LEADING_MARKER_RE = re.compile(
    r"^(?:Điều\s+\d+[a-zđ]?\s*[.:]|[IVXLC]{1,6}[.)]|[A-ZĐ][.)]|\d{1,2}(?:\.\d{1,2})*[.)]?|[a-zđ][.)]|[-+])\s*"
)
# Clause boundary inside an over-long sentence: after a ";".
_CLAUSE_END_RE = re.compile(r"(?<=;)\s+")
_ADDRESS_RE = re.compile(r"^Kính gửi\s*:?")
# Top-level keys: text before the first item, text outside any heading, the footnote block.
_PREAMBLE, _ROOT, _NOTES = -2, -1, -3
_HEADING_MAX = 160  # a heading without final punctuation is short
_ROW_MAX_FACTOR = 3  # a table row stays whole up to this many times max_chars
_LEAD_IN_MAX = 250  # a lead-in ending in ":" may be longer


@dataclass(slots=True)
class _Marker:
    kind: str
    label: str | None
    ordinal: int | None = None


@dataclass(slots=True)
class _Entry:
    """An open outline item."""

    uid: int
    rank: float
    kind: str
    label: str | None
    text: str
    heading: bool


@dataclass(slots=True)
class _Unit:
    """A paragraph (or a piece of one) with its place in the outline."""

    text: str
    heads: tuple[tuple[int, str], ...]  # (uid, heading text) from the top
    labels: tuple[str, ...]
    top: int  # uid of the top-level entry; -1 for text outside any section
    cont: bool = False  # continues the previous unit's paragraph (a split piece)
    placeholder: int | None = None  # uid of a heading, kept only if nothing is filed under it
    row: bool = False  # a task table row: a passage of its own


@dataclass(slots=True)
class _Draft:
    """A chunk being built: text segments below its (common) heading path."""

    top: int
    heads: tuple[tuple[int, str], ...]
    segments: list[tuple[str, str]] = field(default_factory=list)  # (separator, text)
    labels: list[tuple[str, ...]] = field(default_factory=list)
    row: bool = False  # one task table row: never packed or merged with another

    @property
    def text(self) -> str:
        if not self.segments:
            return ""
        return self.segments[0][1] + "".join(sep + text for sep, text in self.segments[1:])

    @property
    def size(self) -> int:
        return len(self.text)


@dataclass(slots=True)
class _State:
    """Outline context while walking the body."""

    stack: list[_Entry] = field(default_factory=list)
    next_uid: int = 0
    last_roman: int = 0
    last_upper: str | None = None
    last_letter: int = -1
    last_article: int | None = None
    filled: set[int] = field(default_factory=set)  # heading uids with content under them
    started: bool = False  # an outline item has been seen (the preamble is over)
    address: bool = False  # inside the "Kính gửi:" list, whose bullets are not outline items

    def reset(self) -> None:
        self.stack.clear()
        self.started = True
        self.last_roman, self.last_upper, self.last_letter = 0, None, -1
        self.last_article = None


# --- marker recognition ----------------------------------------------------------------------


def _roman_value(token: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(token):
        value = _ROMAN_VALUES.get(ch)
        if value is None:
            return None
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total if total > 0 else None


def _in_article(state: _State) -> bool:
    return any(entry.kind == "article" for entry in state.stack)


def _marker(line: str, state: _State) -> _Marker | None:
    """Recognise the outline marker opening ``line`` (context resolves I/V/X and "a.")."""
    if m := _APPENDIX_RE.match(line):
        return _Marker("appendix", f"Phụ lục {m.group(1)}" if m.group(1) else "Phụ lục")
    if m := _PART_RE.match(line):
        return _Marker("part", f"Phần {m.group(1)}")
    if m := _CHAPTER_RE.match(line):
        return _Marker("chapter", f"Chương {m.group(1)}")
    if m := _SECTION_RE.match(line):
        return _Marker("section", f"Mục {m.group(1)}")
    if m := _ARTICLE_RE.match(line):
        return _Marker("article", f"Điều {m.group(1)}", _article_number(m.group(1)))
    if (m := _ARTICLE_BARE_RE.match(line)) and _next_article(m.group(1), line, state):
        return _Marker("article", f"Điều {m.group(1)}", _article_number(m.group(1)))
    if m := _ROMAN_OR_UPPER_RE.match(line):
        return _roman_or_upper(m.group(1), state)
    if m := _ARABIC_RE.match(line):
        number = m.group(1) or m.group(2)
        depth = number.count(".") + 1
        label = f"Khoản {number}" if depth == 1 and _in_article(state) else number
        return _Marker("arabic", label, depth)
    if m := _ARABIC_PAREN_RE.match(line):
        return _Marker("arabic_paren", f"{m.group(1)})")
    if m := _LETTER_PAREN_RE.match(line):
        return _letter(m.group(1), state)
    if m := _LETTER_DOT_RE.match(line):
        index = _LETTERS.find(m.group(1))
        if index == 0 or (index > 0 and index == state.last_letter + 1):
            return _letter(m.group(1), state)
    if _DASH_RE.match(line):
        return _Marker("dash", None)
    if _PLUS_RE.match(line):
        return _Marker("plus", None)
    return None


def _article_number(token: str) -> int:
    return int(re.match(r"\d+", token).group(0))  # type: ignore[union-attr]


def _next_article(token: str, line: str, state: _State) -> bool:
    """An article heading without a period: a short name without final punctuation, numbered as
    the next article (or the first one seen), so a wrapped line opening with a reference is not one."""
    if len(line) > _HEADING_MAX or _TERMINAL_RE.search(line.rstrip()):
        return False
    number = _article_number(token)
    last = state.last_article
    return last is None or number in (last, last + 1)


def _letter(letter: str, state: _State) -> _Marker:
    label = f"Điểm {letter}" if _in_article(state) else f"{letter})"
    return _Marker("letter", label, _LETTERS.find(letter))


def _roman_or_upper(token: str, state: _State) -> _Marker:
    """ "I." is a roman section or the ninth upper-case part; "C." a part, "II." roman."""
    value = _roman_value(token)
    if value is None:
        return _Marker("upper", token, ord(token))
    if len(token) > 1:
        return _Marker("roman", token, value)
    expected_roman = value == state.last_roman + 1
    expected_upper = state.last_upper is not None and ord(token) == ord(state.last_upper) + 1
    if expected_upper and not (expected_roman and state.last_roman):
        return _Marker("upper", token, ord(token))
    if expected_roman or token in "IVX":
        return _Marker("roman", token, value)
    return _Marker("upper", token, ord(token))


def _note_ordinal(marker: _Marker, state: _State) -> None:
    """Remember the last roman/upper/letter ordinal for the next ambiguity."""
    if marker.kind == "roman":
        state.last_roman = marker.ordinal or 0
        state.last_letter = -1
    elif marker.kind == "upper":
        state.last_upper = marker.label
        state.last_roman = 0
        state.last_letter = -1
    elif marker.kind == "letter":
        state.last_letter = marker.ordinal if marker.ordinal is not None else -1
    elif marker.kind in {"arabic", "article", "chapter", "section", "part", "appendix"}:
        state.last_letter = -1
        if marker.kind == "article":
            state.last_article = marker.ordinal


def _is_heading(line: str, marker: _Marker) -> bool:
    """A short marked line without final punctuation, or a lead-in ending in ":"."""
    if marker.kind in {"appendix", "part", "chapter", "section"}:
        return True
    text = line.rstrip()
    if text.endswith(":"):
        return len(text) <= _LEAD_IN_MAX
    return len(text) <= _HEADING_MAX and not _TERMINAL_RE.search(text)


def _label_only(line: str, marker: _Marker) -> bool:
    """ "Chương I" / "Mục 2" / "PHỤ LỤC" alone on its line: its name is on the next line."""
    if marker.kind == "article":
        return len(line.split()) == 2  # "Điều 23" alone
    return marker.kind in {"appendix", "part", "chapter", "section"} and len(line.split()) <= 3


# --- sentence splitting ----------------------------------------------------------------------


def _marker_length(text: str) -> int:
    """Length of the leading outline marker, so "1. " or "Điều 5. " is never a sentence end."""
    match = _LEADING_MARKER_RE.match(text)
    return match.end() if match else 0


def _sentences(text: str) -> list[str]:
    """Split a paragraph at sentence ends followed by a capital, a digit or an opening mark."""
    out: list[str] = []
    start = 0
    skip = _marker_length(text)
    for match in _SENTENCE_END_RE.finditer(text):
        if match.start() < skip:
            continue
        following = text[match.end() : match.end() + 1]
        if not following or not (following.isupper() or following.isdigit() or following in '“"‘(-+'):
            continue
        word = re.search(r"(\S+)$", text[start : match.start()])
        token = word.group(1).lower().lstrip("(") if word else ""
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue
        out.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def _pack(pieces: list[str], budget: int, first_budget: int | None = None) -> list[str]:
    """Greedily join pieces (with single spaces) into runs of at most ``budget`` characters."""
    runs: list[str] = []
    current = ""
    for piece in pieces:
        limit = first_budget if first_budget is not None and not runs else budget
        if current and len(current) + 1 + len(piece) > limit:
            runs.append(current)
            current = piece
        else:
            current = f"{current} {piece}" if current else piece
    if current:
        runs.append(current)
    return runs


def _split_paragraph(text: str, max_chars: int, first_budget: int | None = None) -> list[str]:
    """Pieces of at most ``max_chars`` cut between sentences, then between ";" clauses."""
    first_budget = first_budget if first_budget is not None else max_chars
    if len(text) <= first_budget:
        return [text]
    pieces: list[str] = []
    for sentence in _sentences(text):
        if len(sentence) <= max_chars:
            pieces.append(sentence)
            continue
        clauses = [c for c in _CLAUSE_END_RE.split(sentence) if c]
        pieces.extend(_pack(clauses, max_chars))  # a clause longer than max_chars stays whole
    return _pack(pieces, max_chars, first_budget)


# --- walking the outline ---------------------------------------------------------------------


def _heads(state: _State) -> tuple[tuple[int, str], ...]:
    return tuple((e.uid, e.text) for e in state.stack if e.heading)


def _labels(state: _State) -> tuple[str, ...]:
    return tuple(e.label for e in state.stack if e.label)


def _top(state: _State) -> int:
    """The top-level section: the outermost open heading (-2 before the first item, else -1)."""
    heading = next((e.uid for e in state.stack if e.heading), None)
    if heading is not None:
        return heading
    return _PREAMBLE if not state.started else _ROOT


def _emit(units: list[_Unit], state: _State, text: str, *, row: bool = False) -> None:
    """File a content line under the open outline items; their headings now have content."""
    units.append(_Unit(text, _heads(state), _labels(state), _top(state), row=row))
    state.filled.update(uid for uid, _ in _heads(state))


def _push(state: _State, marker: _Marker, text: str, heading: bool) -> _Entry:
    rank = _RANK[marker.kind] + (0.1 * ((marker.ordinal or 1) - 1) if marker.kind == "arabic" else 0.0)
    while state.stack and state.stack[-1].rank >= rank:
        state.stack.pop()
    entry = _Entry(state.next_uid, rank, marker.kind, marker.label, text, heading)
    state.next_uid += 1
    state.stack.append(entry)
    return entry


def _walk(lines: list[str], state: _State, units: list[_Unit]) -> None:
    """File every body line under the outline items open above it."""
    i = 0
    while i < len(lines):
        line = lines[i]
        if state.address and _DASH_RE.match(line):
            _emit(units, state, line)  # an addressee of "Kính gửi:", not an outline item
            i += 1
            continue
        state.address = bool(_ADDRESS_RE.match(line)) and line.rstrip().endswith(":")
        marker = _marker(line, state)
        if is_row(line):  # a task table row: content under its own number, a passage of its own
            if marker is not None:
                state.started = True
                _note_ordinal(marker, state)
                _push(state, marker, line, heading=False)
            else:
                while state.stack and state.stack[-1].rank >= _BULLET_RANK:
                    state.stack.pop()
            _emit(units, state, line, row=True)
            i += 1
            continue
        if marker is None:
            if _CLOSING_RE.search(line):
                # The closing formula is a section of its own, outside the outline.
                state.reset()
                units.append(_Unit(line, (), (), state.next_uid))
                state.next_uid += 1
                i += 1
                continue
            while state.stack and state.stack[-1].rank >= _BULLET_RANK:
                state.stack.pop()
            _emit(units, state, line)
            i += 1
            continue
        state.started = True
        _note_ordinal(marker, state)
        text = line
        if _label_only(line, marker) and i + 1 < len(lines):
            nxt = lines[i + 1]
            if _marker(nxt, state) is None and len(nxt) <= _HEADING_MAX and not _TERMINAL_RE.search(nxt):
                text = f"{line} {nxt}"
                i += 1
        if _is_heading(text, marker):
            entry = _push(state, marker, text, heading=True)
            # The heading line itself, kept as content only if nothing is filed under it.
            heads = tuple(h for h in _heads(state) if h[0] != entry.uid)
            units.append(_Unit(text, heads, _labels(state), _top(state), placeholder=entry.uid))
        else:
            _push(state, marker, text, heading=False)
            _emit(units, state, text)
        i += 1


def _new_part(lines: list[str], start: int, state: _State) -> int:
    """After a signature, a second document may follow (an attached Quy chế, a Phụ lục)."""
    front = locate_front_matter(lines, start)
    if front.type_index is None:
        return start
    state.reset()
    pieces = [lines[front.type_index]] + [lines[i] for i in front.title]
    pieces += [lines[i] for i in front.header if i > front.type_index and lines[i].startswith("(")]
    entry = _Entry(state.next_uid, _RANK["appendix"], "appendix", None, collapse_ws(" ".join(pieces)), True)
    state.next_uid += 1
    state.stack.append(entry)
    return front.body_start


# --- packing ---------------------------------------------------------------------------------


def _key(unit: _Unit) -> tuple[int, tuple[int, ...]]:
    return unit.top, tuple(uid for uid, _ in unit.heads)


def _pack_units(units: list[_Unit], max_chars: int) -> list[_Draft]:
    """Consecutive units with the same headings share a draft while it fits in ``max_chars``."""
    drafts: list[_Draft] = []
    last_key: tuple[int, tuple[int, ...]] | None = None
    for unit in units:
        sep = " " if unit.cont else "\n"
        current = drafts[-1] if drafts else None
        fits = current is not None and current.size + len(sep) + len(unit.text) <= max_chars
        if current is not None and fits and _key(unit) == last_key and not (unit.row or current.row):
            current.segments.append((sep, unit.text))
            current.labels.append(unit.labels)
            continue
        draft = _Draft(unit.top, unit.heads, [(sep, unit.text)], [unit.labels], row=unit.row)
        if current is not None and current.heads == unit.heads and not (unit.row or current.row):
            # the same headings: the same list, or the preamble's lead-in and the first items
            _carry_lead_in(current, draft, max_chars)
        drafts.append(draft)
        last_key = _key(unit)
    return drafts


def _carry_lead_in(full: _Draft, new: _Draft, max_chars: int) -> None:
    """A lead-in sentence that closes a full draft ("… Sở Công Thương đề nghị các cơ quan, đơn vị
    tham gia ý kiến bằng văn bản, cụ thể như sau:") opens the next one instead: it belongs with the
    items it introduces, which a passage (and a citation) would otherwise show without who is asked."""
    if len(full.segments) < 2:
        return
    sep, text = full.segments[-1]
    if sep != "\n" or not text.rstrip().endswith(":") or len(text) + 1 + new.size > max_chars:
        return
    full.segments.pop()
    labels = full.labels.pop()
    new.segments.insert(0, ("\n", text))
    if labels:  # a preamble's lead-in has no place in the outline: the items' labels name the passage
        new.labels.insert(0, labels)


def _common(a: tuple[_T, ...], b: tuple[_T, ...]) -> tuple[_T, ...]:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def _merge(a: _Draft, b: _Draft) -> _Draft:
    """One draft from two neighbours; headings they do not share become text lines."""
    common = _common(a.heads, b.heads)
    segments: list[tuple[str, str]] = []
    for draft in (a, b):
        extra = [("\n", text) for _, text in draft.heads[len(common) :]]
        body = list(draft.segments)
        if extra:
            body[0] = ("\n", body[0][1])  # a paragraph piece never continues a heading line
        segments += extra + body
    return _Draft(a.top, common, segments, a.labels + b.labels)


def _merge_small(drafts: list[_Draft], min_chars: int, max_chars: int) -> list[_Draft]:
    """Merge drafts under ``min_chars`` into a neighbour of the same top-level section."""
    drafts = list(drafts)
    changed = True
    while changed:
        changed = False
        for i, draft in enumerate(drafts):
            if draft.size >= min_chars or draft.row:
                continue
            best: tuple[tuple[int, int, int], int, _Draft] | None = None
            for j in (i - 1, i + 1):
                if not 0 <= j < len(drafts) or drafts[j].top != draft.top or drafts[j].row:
                    continue
                first, second = (drafts[j], draft) if j < i else (draft, drafts[j])
                merged = _merge(first, second)
                if merged.size > max_chars:
                    continue
                score = (len(_common(draft.heads, drafts[j].heads)), -merged.size, int(j < i))
                if best is None or score > best[0]:
                    best = (score, j, merged)
            if best is not None:
                _, j, merged = best
                lo = min(i, j)
                drafts[lo : lo + 2] = [merged]
                changed = True
                break
    return drafts


def _section(label_paths: list[tuple[str, ...]]) -> str:
    """Compact outline label of a chunk: "2 > d)", "Điều 5 > Khoản 2", "II > 3–4"."""
    paths = []
    for path in label_paths:
        article = next((k for k, label in enumerate(path) if label.startswith("Điều ")), None)
        paths.append(path[article:] if article is not None else path)
    if not paths:
        return ""
    common = paths[0]
    for path in paths[1:]:
        common = _common(common, path)
    labels = list(common)
    nexts = [path[len(common)] for path in paths if len(path) > len(common)]
    if nexts and len(nexts) == len(paths):
        first, last = nexts[0], nexts[-1]
        prefix = re.match(r"^(Khoản|Điểm|Điều|Chương|Mục|Phần)\s+", last)
        if prefix and first.startswith(prefix.group(0)):
            last = last[prefix.end() :]
        labels.append(first if first == nexts[-1] else f"{first}–{last}")
    return " > ".join(labels)


# --- entry point -----------------------------------------------------------------------------


def chunk_document(text: str, *, max_chars: int = 1200, min_chars: int = 200) -> list[Chunk]:
    """Cut cleaned ``text`` (one paragraph per line) into outline-aware chunks."""
    lines = [collapse_ws(line) for line in text.split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return []
    front = locate_front_matter(lines)
    title_idx = ([front.type_index] if front.type_index is not None else []) + front.title
    title = "\n".join(lines[i] for i in sorted(title_idx))
    ranges = locate_furniture(lines, front.body_start)
    notes_range = next((r for r in ranges if lines[r[0]].startswith("Ghi chú")), None)
    body_end = notes_range[0] if notes_range else len(lines)

    units = _body_units(lines, front.body_start, body_end, [r for r in ranges if r is not notes_range])
    if notes_range:
        uid = _NOTES
        for line in lines[notes_range[0] + 1 : notes_range[1]]:
            units.append(_Unit(line, ((uid, "Ghi chú"),), ("Ghi chú",), uid))
    units = _split_units(units, max_chars, len(title) + 1 if title else 0)
    if title:
        head = units[0] if units else _Unit("", (), (), _PREAMBLE)
        units.insert(0, _Unit(title, head.heads, head.labels, head.top))

    drafts = _merge_small(_pack_units(units, max_chars), min_chars, max_chars)
    return [
        Chunk(text=d.text, heading_path=[h for _, h in d.heads], section=_section(d.labels)) for d in drafts if d.text
    ]


def _body_units(lines: list[str], start: int, end: int, skip: list[tuple[int, int]]) -> list[_Unit]:
    """Walk the body, jumping over "Nơi nhận"/signature blocks (a new part may follow one)."""
    state = _State()
    units: list[_Unit] = []
    i = start
    while i < end:
        block = next((r for r in skip if r[0] == i), None)
        if block is not None:
            i = _new_part(lines, block[1], state) if block[1] < end else block[1]
            continue
        stop = min([r[0] for r in skip if r[0] > i] + [end])
        _walk(lines[i:stop], state, units)
        i = stop
    return [u for u in units if u.placeholder is None or u.placeholder not in state.filled]


def _split_units(units: list[_Unit], max_chars: int, title_len: int) -> list[_Unit]:
    """Replace paragraphs longer than ``max_chars`` by sentence-bounded pieces."""
    out: list[_Unit] = []
    for k, unit in enumerate(units):
        first_budget = max_chars - title_len if k == 0 and title_len else None
        if unit.row and len(unit.text) <= _ROW_MAX_FACTOR * max_chars:
            out.append(unit)
            continue
        pieces = _split_paragraph(unit.text, max_chars, first_budget)
        for n, piece in enumerate(pieces):
            out.append(_Unit(piece, unit.heads, unit.labels, unit.top, cont=n > 0, row=unit.row and n == 0))
    return out
