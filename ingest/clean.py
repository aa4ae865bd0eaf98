"""Repair raw extracted text into one logical paragraph per line.

Loaders hand over text with the artifacts of its source: PDF text wraps every printed line (and
some extractors put a blank line after each), pages are joined with form feeds and carry page
numbers, running headers and footnotes cut into the middle of a sentence; Markdown exports keep
``**bold**``, ``#`` headings and image lines; DOCX paragraphs are already whole. Everything after
this step (metadata, outline-aware chunking, deadline extraction) reads lines as paragraphs and the
outline markers ("I.", "1.", "a)", "-", "+", "Điều 5.") at line starts, so the repairs here are
about restoring exactly that shape without losing a sentence:

* NFC, odd spaces and zero-width characters, bullets ("–", "•", "●") made "- ";
* page numbers, form feeds and running headers/footers removed;
* footnotes moved out of the flow to a "Ghi chú:" block at the end, their marks removed;
* Markdown emphasis, headings, images and links reduced to their text;
* wrapped lines joined back into paragraphs (headings, header-block lines and list items kept on
  their own lines).

The joining rules are general rules of Vietnamese administrative writing, not rules for a sample.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from troly.text import collapse_ws, fold, nfc

__all__ = ["clean_text"]


def _vietnamese_capitals() -> str:
    """Vietnamese capital letters, toned vowels included, for regex classes."""
    vowels = "aăâeêioôơuưy"
    tones = ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    lower = set("abcdđefghijklmnopqrstuvwxyz")
    lower |= {nfc(v + t) for v in vowels for t in tones}
    return "".join(sorted(lower)).upper()


_UP = _vietnamese_capitals()

# --- character level -------------------------------------------------------------------------

# Spaces that PDF and Word producers emit instead of U+0020.
_ODD_SPACE_RE = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\v]")
# Invisible characters: zero-width space/joiners, BOM, soft hyphen, word joiner.
_INVISIBLE_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
_SUPERSCRIPT_VALUE = str.maketrans(_SUPERSCRIPTS, "1234567890")
# Superscript digits used as footnote marks; "m²", "km³" keep theirs.
_SUPERSCRIPT_MARK_RE = re.compile(rf"(?<![\s\d]m)(?<![\s\d]km)(?<![\s\d]cm)(?<![\s\d]mm)[{_SUPERSCRIPTS}]+")

# --- Markdown / HTML residue -----------------------------------------------------------------

_MD_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_BULLET_RE = re.compile(r"^\s*[*]\s+(?=\S)")  # "* item" (a list item, not emphasis)
_MD_STRONG_RE = re.compile(r"\*\*|__")
# *italic* / _italic_ around non-space text; "(*)" and "5 * 3" are left alone.
_MD_EM_STAR_RE = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])")
_MD_EM_UNDERSCORE_RE = re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]*?[^\s_])_(?![\w_])")
_MD_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK_RE = re.compile(r"\[([^\]\^][^\]]*)\]\((?:[^)(]|\([^)]*\))*\)")
_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|])")
# A line that is only a picture file name (web articles saved as text keep them).
_IMAGE_FILE_LINE_RE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|bmp|svg|tiff?)(?:\?\S*)?$", re.I)
# Horizontal rules and the underlines drawn below header lines ("-------", "____", "***").
_RULE_LINE_RE = re.compile(r"^(?:[\s\-_=*.~•·–—]{3,}|[*_=~•·]+)$")
_HTML_BREAK_RE = re.compile(r"<br\s*/?>", re.I)
_HTML_SUP_RE = re.compile(r"<sup>\s*([^<]{1,12})\s*</sup>", re.I)
_HTML_TAG_RE = re.compile(r"</?(?:b|i|u|em|strong|span|p|div|sub|font|small|mark)\b[^>]*>", re.I)

# Text layers of digitally signed PDFs: "Ký bởi: Ủy ban Nhân dân tỉnh", "Thời gian ký: …".
_STAMP_RE = re.compile(r"^(?:ký bởi|người ký|thời gian ký|ngày ký|ký ngày|signed by|signature valid)\b\s*:?", re.I)
_STAMP_DETAIL_RE = re.compile(r"^(?:email|cơ quan|chức vụ|tổ chức)\s*:", re.I)

# --- footnotes -------------------------------------------------------------------------------

# Reference marks that are never text: "^(CĐS)", "^(1)", "^1^", "[^1]".
_CARET_MARK_RE = re.compile(r"\^\([^()\n]{1,15}\)|\^\d{1,3}\^?|\[\^\w{1,6}\]")
# A footnote body with an unambiguous mark: "^(1) …", "[^1]: …", "¹ …", "<sup>1</sup> …".
_FOOTNOTE_STRONG_RE = re.compile(
    rf"^(?:\^\((\d{{1,3}})\)|\[\^(\d{{1,3}})\]:?|([{_SUPERSCRIPTS}]{{1,3}})|<sup>(\d{{1,3}})</sup>)\s*(?=\S)"
)
# "1 Quyết định số …": a small number (no leading zero, no "." or ")") then a capitalised word.
# Only taken as a footnote with more evidence (separator line, a glued mark, the page bottom).
_FOOTNOTE_WEAK_RE = re.compile(rf"^([1-9]\d?)\s+(?=[{_UP}“\"])")
# A separator line PDF extractors leave above footnotes: a long run of spaces or underscores.
_FOOTNOTE_RULE_RE = re.compile(r"^(?:\s{20,}|\s*[_\-]{5,}\s*)$")
_FOOTNOTE_MAX_LINES = 10

# --- page furniture --------------------------------------------------------------------------

_PAGE_NUMBER_STRICT_RE = re.compile(
    r"^(?:[-–—]\s*\d{1,3}\s*[-–—]|(?:trang|page)\s*\d{1,3}(?:\s*(?:/|trên|of)\s*\d{1,3})?)$", re.I
)
_PAGE_NUMBER_LOOSE_RE = re.compile(r"^\d{1,3}(?:\s*/\s*\d{1,3})?$")

# --- line classes used by the joiner ---------------------------------------------------------

# A new outline item or a block opener: never glued to the line before it.
_ITEM_START_RE = re.compile(
    rf"""^(?:
        [IVXLC]{{1,6}}[.)]\s                                  # I. II) roman sections
      | [A-ZĐ]\.\s+(?=[{_UP}])                              # A. B. upper-letter parts
      | \d{{1,2}}(?:\.\d{{1,2}})*[.)]\s                       # 1.  1.2.  3)
      | \d{{1,2}}(?:\.\d{{1,2}})+\s                           # 1.2 without the final dot
      | [a-zđ][.)]\s                                        # a) b. letter items
      | [-+–—•●○◦▪■➢➤►·](?:\s|(?=[{_UP}“"]))                # bullets
      | (?:Phần|PHẦN)\s+(?:thứ|THỨ|[IVXLC\d]+\b)
      | (?:Chương|CHƯƠNG|Mục|MỤC)\s+[IVXLC\d]+\b(?:\s*[.:\-–]|\s*$|\s+[{_UP}])
      | (?:Điều|ĐIỀU)\s+\d+[a-zđ]?\s*[.:]
      | (?:Phụ\s+lục|PHỤ\s+LỤC)\b
      | (?:Nơi\s+nhận|Kính\s+gửi|Căn\s+cứ|Xét\s+đề\s+nghị|Theo\s+đề\s+nghị|Ghi\s+chú)\b
      | V/v\b | Về\s+việc\b | Số\s*:
      | (?:TM|KT|TL|TUQ|Q)\.\s
      | \((?:Đã|đã)\s+ký
    )""",
    re.X,
)
# Inline enumerations "(i)", "(2)", "(a)": items inside a paragraph more often than outline items.
_INLINE_ENUM_RE = re.compile(r"^\((?:[ivx]{1,4}|\d{1,2}|[a-zđ])\)\s")
# The national motto lines of the header block, alone or together on one line.
_MOTTO_RE = re.compile(
    r"^(?:cong hoa xa hoi chu nghia viet nam)?\s*"
    r"(?:doc lap\s*[-–—,]\s*tu do\s*[-–—,]\s*hanh phuc)?[\s\-–—_.]*$"
)
# "Gia Lai, ngày 05 tháng 7 năm 2025" / "Hà Nội, ngày    tháng    năm 2026".
_PLACE_DATE_RE = re.compile(r"^[^\d,.;:]{2,40},\s*ngày\b.{0,60}năm\s*\d{4}\s*$", re.I)
# Sentence-final punctuation, optionally followed by closing quotes/brackets.
_TERMINAL_RE = re.compile(r"(?:[.!?;:…]|\./\.)[\"”’»)\]]*$")
_ELLIPSIS_END_RE = re.compile(r"(?:\.\.\.|…)[\"”’»)\]]*$")
_FULL_STOP_END_RE = re.compile(r"[.!?][\"”’»)\]]*$")
# Function words that cannot end a sentence or a heading: the line after them continues it.
_CONNECTORS = frozenset(
    [
        "và",
        "của",
        "các",
        "những",
        "với",
        "cho",
        "tại",
        "theo",
        "trong",
        "để",
        "là",
        "về",
        "từ",
        "đến",
        "được",
        "bị",
        "do",
        "khi",
        "nếu",
        "thì",
        "mà",
        "như",
        "hoặc",
        "hay",
        "cùng",
        "vào",
        "khoản",
        "điểm",
        "điều",
        "mục",
        "chương",
        "phần",
        "nhằm",
        "bằng",
        "giữa",
        "đối",
        "gồm",
        "một",
        "mỗi",
        "thuộc",
    ]
)
_WORD_RE = re.compile(r"[^\W\d_]+$")
# The closing formula of a document: never glued to the paragraph above it.
_CLOSING_RE = re.compile(r"\./\.\s*$|^Trên đây là\b")


@dataclass(slots=True)
class _Line:
    """One physical line on its way to becoming (part of) a paragraph."""

    text: str
    standalone: bool = False  # a heading or header-block line: never joined to a neighbour
    page_start: bool = False  # first line of a PDF page (a footnote cannot continue past it)
    after_rule: bool = False  # preceded by a footnote separator line


def clean_text(text: str) -> str:
    """Return ``text`` as NFC paragraphs, one per line, with extraction artifacts repaired."""
    text = _normalise_characters(text)
    pages = _drop_page_furniture([page.split("\n") for page in text.split("\f")])
    lines = _to_lines(pages)
    lines = [line for line in (_clean_markup(line) for line in lines) if line is not None]
    lines = _drop_signature_stamps(lines)
    lines, footnotes = _extract_footnotes(lines)
    for line in lines:
        line.text = _strip_inline_marks(line.text)
    paragraphs = _join_lines([line for line in lines if line.text.strip()])
    out = [collapse_ws(p) for p in paragraphs]
    out = [p for p in out if p]
    if footnotes:
        out.append("Ghi chú:")
        out.extend(f"[{num}] {collapse_ws(body)}" for num, body in footnotes)
    return "\n".join(out)


# --- character normalisation -----------------------------------------------------------------


def _normalise_characters(text: str) -> str:
    """NFC, one newline convention, plain spaces, no invisible characters."""
    text = nfc(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE_RE.sub("", text)
    text = _ODD_SPACE_RE.sub(" ", text)
    return _HTML_BREAK_RE.sub("\n", text)


# --- page furniture --------------------------------------------------------------------------


def _furniture_key(line: str) -> str:
    """Compare running headers/footers ignoring page numbers, spacing and case."""
    return re.sub(r"\d+", "#", collapse_ws(line)).casefold()


def _edge_indexes(page: list[str], depth: int = 3) -> list[int]:
    """Indexes of the first and last ``depth`` non-empty lines of a page."""
    filled = [i for i, line in enumerate(page) if line.strip()]
    return sorted(set(filled[:depth] + filled[-depth:]))


def _drop_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Remove page numbers and running headers/footers; pages come from form-feed splits."""
    if len(pages) >= 2:
        counts: Counter[str] = Counter()
        # Counted from page 2 on: the first page's header block (agency, motto) is not running
        # furniture even when an attached document repeats it further on.
        for page in pages[1:]:
            keys = {_furniture_key(page[i]) for i in _edge_indexes(page) if len(page[i].strip()) <= 100}
            counts.update(keys)
        # A short line at a page edge recurring on at least half of the later pages (and twice).
        need = max(2, len(pages) // 2)
        running = {key for key, n in counts.items() if n >= need and key.strip("#").strip()}
        cleaned = []
        for page in pages:
            edges = set(_edge_indexes(page))
            kept = []
            for i, line in enumerate(page):
                stripped = line.strip()
                if i in edges and (
                    _furniture_key(stripped) in running
                    or _PAGE_NUMBER_STRICT_RE.match(stripped)
                    or _PAGE_NUMBER_LOOSE_RE.match(stripped)
                ):
                    continue
                kept.append(line)
            cleaned.append(kept)
        pages = cleaned
    # Unambiguous page numbers anywhere; bare numbers only amid prose (not table cells).
    result = []
    for page in pages:
        kept = []
        for i, line in enumerate(page):
            stripped = line.strip()
            if _PAGE_NUMBER_STRICT_RE.match(stripped):
                continue
            if _PAGE_NUMBER_LOOSE_RE.match(stripped) and _amid_prose(page, i):
                continue
            kept.append(line)
        result.append(kept)
    return result


def _amid_prose(page: list[str], index: int) -> bool:
    """True when the nearest non-empty lines on both sides are long prose lines."""
    before = next((page[j].strip() for j in range(index - 1, -1, -1) if page[j].strip()), "")
    after = next((page[j].strip() for j in range(index + 1, len(page)) if page[j].strip()), "")
    return len(before) >= 40 and len(after) >= 40


def _to_lines(pages: list[list[str]]) -> list[_Line]:
    """Flatten pages into line records, remembering page starts and footnote separators."""
    out: list[_Line] = []
    for page in pages:
        first = True
        rule = False
        for raw in page:
            if _FOOTNOTE_RULE_RE.match(raw) and raw:
                rule = True
                continue
            if not raw.strip():
                continue
            out.append(_Line(raw.strip(), page_start=first, after_rule=rule))
            first = False
            rule = False
    return out


# --- markup ----------------------------------------------------------------------------------


def _clean_markup(line: _Line) -> _Line | None:
    """Reduce Markdown/HTML residue to text; return None for lines that carry no text."""
    text = line.text
    heading = bool(_MD_HEADING_RE.match(text))
    text = _MD_HEADING_RE.sub("", text)
    text = _MD_IMAGE_RE.sub("", text)
    text = _MD_LINK_RE.sub(r"\1", text)
    text = _MD_BULLET_RE.sub("- ", text)
    text = _MD_STRONG_RE.sub("", text)
    text = _MD_EM_STAR_RE.sub(r"\1", text)
    text = _MD_EM_UNDERSCORE_RE.sub(r"\1", text)
    text = _MD_ESCAPE_RE.sub(r"\1", text)
    text = _HTML_SUP_RE.sub(lambda m: f"^({m.group(1)})", text)
    text = _HTML_TAG_RE.sub("", text)
    text = text.strip()
    if not text or _RULE_LINE_RE.match(text) or _IMAGE_FILE_LINE_RE.match(text):
        return None
    line.text = text
    line.standalone = heading or _is_standalone(text)
    return line


def _drop_signature_stamps(lines: list[_Line]) -> list[_Line]:
    """Remove digital-signature stamp lines (and the detail lines printed next to them)."""
    kept: list[_Line] = []
    in_stamp = False
    for line in lines:
        if _STAMP_RE.match(line.text) or (in_stamp and _STAMP_DETAIL_RE.match(line.text)):
            in_stamp = True
            continue
        in_stamp = False
        kept.append(line)
    return kept


def _strip_inline_marks(text: str) -> str:
    """Remove footnote reference marks that sit inside or after words."""
    text = _CARET_MARK_RE.sub("", text)
    return _SUPERSCRIPT_MARK_RE.sub("", text)


def _normalise_bullet(text: str) -> str:
    """Make "–", "—", "•", "●", "▪" … bullets (and "-x", "+x") the canonical "- " / "+ "."""
    match = re.match(r"^(?:[–—•●○◦▪■□➢➤►✓·]|-(?!-))(?:\s+(?=\S)|(?=[^\s\d\-]))", text)
    if match:
        return "- " + text[match.end() :]
    match = re.match(r"^\+(?:\s+(?=\S)|(?=[^\s\d+]))", text)
    if match:
        return "+ " + text[match.end() :]
    return text


# --- footnotes -------------------------------------------------------------------------------


def _footnote_start(line: _Line, expected: int, before: str) -> tuple[int, str] | None:
    """If ``line`` opens footnote number ``expected`` (or any marked one), return (number, body)."""
    text = line.text
    strong = _FOOTNOTE_STRONG_RE.match(text)
    if strong:
        raw = next(g for g in strong.groups() if g)
        return int(raw.translate(_SUPERSCRIPT_VALUE)), text[strong.end() :]
    weak = _FOOTNOTE_WEAK_RE.match(text)
    if not weak:
        return None
    number = int(weak.group(1))
    # Footnotes are numbered in sequence; allow a skipped one (a mark the extractor lost).
    if not expected <= number <= expected + 2:
        return None
    if line.after_rule or _find_glued_mark(before, number) is not None:
        return number, text[weak.end() :]
    return None


def _glued_mark_re(number: int) -> re.Pattern[str]:
    """A footnote number glued to the word before it: "hiện1;", "20241;" (year 2024 + mark 1)."""
    n = str(number)
    return re.compile(rf"(?:(?<=[a-zà-ỹđ”\"’)])(?<!\bm)(?<!\bkm){n}|(?<=\b(?:19|20)\d\d){n})(?=[\s.,;:)]|$)")


def _find_glued_mark(text: str, number: int) -> int | None:
    """Position of the last glued mark for ``number`` in ``text`` (the reference), if any."""
    matches = list(_glued_mark_re(number).finditer(text))
    return matches[-1].start() if matches else None


def _extract_footnotes(lines: list[_Line]) -> tuple[list[_Line], list[tuple[int, str]]]:
    """Move footnote bodies out of the flow; remove the glued marks that point at them."""
    kept: list[_Line] = []
    notes: list[tuple[int, str]] = []
    expected = 1
    i = 0
    while i < len(lines):
        before = " ".join(line.text for line in kept[-40:])
        start = _footnote_start(lines[i], expected, before)
        if start is None:
            kept.append(lines[i])
            i += 1
            continue
        number, body = start
        parts = [body]
        j = i + 1
        while j < len(lines) and j - i < _FOOTNOTE_MAX_LINES and not _FULL_STOP_END_RE.search(parts[-1]):
            nxt = lines[j]
            if nxt.page_start or _footnote_start(nxt, number + 1, "") or _ITEM_START_RE.match(nxt.text):
                break
            parts.append(nxt.text)
            j += 1
        notes.append((number, " ".join(parts)))
        _remove_glued_mark(kept, number)
        expected = number + 1
        i = j
    return kept, notes


def _remove_glued_mark(kept: list[_Line], number: int) -> None:
    """Delete the nearest preceding glued reference mark of footnote ``number``."""
    for line in reversed(kept[-40:]):
        pos = _find_glued_mark(line.text, number)
        if pos is not None:
            line.text = line.text[:pos] + line.text[pos + len(str(number)) :]
            return


# --- joining ---------------------------------------------------------------------------------


def _is_caps(text: str) -> bool:
    """An ALL-CAPS line ("THÔNG BÁO", "TL. CHỦ TỊCH", "I. CÔNG TÁC …") of heading length."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2 or len(text) > 200:
        return False
    return sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _is_standalone(text: str) -> bool:
    """Header-block and heading lines that keep their own line whatever follows."""
    folded = fold(text)
    return (
        _is_caps(text)
        or bool(folded.strip() and _MOTTO_RE.match(folded))
        or bool(_PLACE_DATE_RE.match(text))
        or folded.startswith(("so:", "so :"))
    )


def _wrap_width(lines: list[_Line]) -> int | None:
    """The printed line width of PDF-wrapped text, or None when lines are whole paragraphs."""
    lengths = sorted(len(line.text) for line in lines if not line.standalone)
    if len(lengths) < 8:
        return None
    width = lengths[int(len(lengths) * 0.8)]
    if width > 160 or width < 30:
        return None
    near = sum(1 for n in lengths if 0.8 * width <= n <= 1.15 * width)
    return width if near >= 0.45 * len(lengths) else None


def _last_word(text: str) -> str:
    match = _WORD_RE.search(text)
    return match.group(0).lower() if match else ""


# A note numbered in lower-case roman numerals, a word processor's endnote style: no Vietnamese word
# is a lone "i" or "ii" before a capital ("vi" is one: "phạm vi Quốc gia").
_ROMAN_NOTE_RE = re.compile(r"^(?:i{1,3}|iv)\s+[A-ZĐÀ-Ỹ]")


def _continues(prev: _Line, nxt: _Line, width: int | None) -> bool:
    """Does ``nxt`` continue the paragraph of ``prev`` (a wrapped line), or start a new one?"""
    a, b = prev.text.rstrip(), nxt.text.lstrip()
    item = bool(_ITEM_START_RE.match(b))
    full = width is not None and len(a) >= 0.8 * width  # the PDF line ran to the margin
    if prev.standalone or nxt.standalone:
        # A heading wrapped inside a word group: "SỞ KHOA HỌC VÀ" + "CÔNG NGHỆ".
        both_caps = _is_caps(a) and _is_caps(b) and not item
        return both_caps and (a.endswith(",") or _last_word(a) in _CONNECTORS)
    if item:
        # A wrapped line may start with a dash ("– Chi nhánh tỉnh") after a full-width line.
        return full and not _TERMINAL_RE.search(a) and b[:1] in "-–—" and not re.match(r"^[-–—]\s*\d", b)
    if _INLINE_ENUM_RE.match(b):
        return a.endswith((";", ",")) or (width is not None and not _FULL_STOP_END_RE.search(a))
    if _ROMAN_NOTE_RE.match(b):
        return False  # an endnote marked "i", "ii" …: "i Nghị định số 335/2025/NĐ-CP …" under the signer
    first = b[:1]
    lower_start = first.islower() or first.isdigit() or (first in '“"‘(' and b[1:2].islower())
    if lower_start:
        # Lowercase after anything but a full stop continues the sentence ("…như:\nnền tảng").
        return not _FULL_STOP_END_RE.search(a) or bool(_ELLIPSIS_END_RE.search(a))
    if a.endswith(":"):
        return full  # "…tỉnh có:" at the margin, the list of names on the next printed line
    if _FULL_STOP_END_RE.search(a) and width is not None and len(a) >= 0.9 * width:
        # Justified print: a sentence that ends at the margin rarely ends its paragraph.
        return not (_is_caps(b) or _CLOSING_RE.search(b))
    if _TERMINAL_RE.search(a):
        return False
    if a.endswith((",", "-", "–", "(", "“", "/")) or _last_word(a) in _CONNECTORS:
        return True
    # An unterminated line as wide as the print width was wrapped by the PDF producer.
    return full


def _glue(a: str, b: str) -> str:
    """Join two pieces of one paragraph, undoing end-of-line hyphenation."""
    a, b = a.rstrip(), b.lstrip()
    if re.search(r"[A-Za-z]-$", a) and re.match(r"[a-z]", b):
        return a[:-1] + b  # "Inter-\nnet": a word broken by hyphenation
    if re.search(r"[^\W\d_]-$", a) and b[:1].islower():
        return a + b  # "kinh tế-\nxã hội": keep the hyphen, no space
    return f"{a} {b}"


def _join_lines(lines: list[_Line]) -> list[str]:
    """Merge wrapped lines into paragraphs; a line opening a paragraph gets its bullet normalised."""
    width = _wrap_width(lines)
    out: list[str] = []
    prev: _Line | None = None
    for line in lines:
        if prev is not None and _continues(prev, line, width):
            out[-1] = _glue(out[-1], line.text)
        else:
            out.append(_normalise_bullet(line.text))
        # The next decision looks at this physical line (its end and its printed width).
        prev = line
    return out
