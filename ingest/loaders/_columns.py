"""Two-column blocks of a page, read column by column.

An official document prints two columns side by side where its metadata lives: the agency and
"Số: …" left of the national motto and "<place>, ngày …" at the top, and the "Nơi nhận:" list
left of the signature block at the end. Extractors that read a page line by line (Tesseract, a
PDF exported as laid-out text, a table exported with pipes) put both columns on one line
("ỦY BAN NHÂN DÂN      CỘNG HÒA XÃ HỘI …", "- Như trên;     Nguyễn Văn A"), so one stray mark
in a column spoils the fields of the other. Here each printed line is cut where a wide gap (or a
table pipe) separates its parts, each part is placed in the left column, the right column or
across the page by where it sits, and a run of consecutive half-width parts that has both a left
and a right column is written column by column, left first, as a DOCX header table reads. Only
runs that hold a header or signature anchor (the motto, "Số:", "<place>, ngày …", "Nơi nhận:",
a signing title) are reordered: a run with one column only, a side-by-side table in the body and
full-width text keep their order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from troly.text import fold

__all__ = ["PIPE_RULE_RE", "Segment", "order_columns", "split_gaps", "text_columns"]

_LEFT_CENTRE = 0.42  # part centres left of this share of the text width are the left column
_RIGHT_CENTRE = 0.58  # … and right of this share the right column
_SPAN = (0.40, 0.60)  # a part reaching across both marks is full width (body text)
_TEXT_GAP = 5  # spaces: a wider gap in a laid-out text line separates two columns
# Header and signature anchors, on accent-folded lowercase text.
_ANCHOR_RE = re.compile(
    r"cong hoa xa hoi|doc lap\s*[-–,]|^so\s*:|noi nhan|ngay\b.{0,20}\bthang\b|^(?:tm|kt|tl|tuq|q)\s*\."
    r"|^(?:pho )?(?:chu tich|giam doc|chanh van phong|bo truong|cuc truong|truong ban|truong phong)$"
)
# The salutation opens the body: a run of header columns ends before it.
_SALUTATION_RE = re.compile(r"^kinh gui\b")
# A Markdown pipe table's rule row ("|---|:---:|"), shared with the Markdown reader.
PIPE_RULE_RE = re.compile(r"^\s*\|?(?:\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*$")


@dataclass(slots=True)
class Segment:
    """One part of a printed line: its text, horizontal extent, row (the line's top) and paragraph key."""

    text: str
    left: float
    right: float
    row: float
    paragraph: object = None  # parts of one paragraph (or of one printed line) share it
    column: str = "full"  # "left", "right" or "full"; set by ``order_columns`` unless fixed
    fixed: bool = False  # the column is known (a table cell), not guessed from the position


def _classify(segments: list[Segment]) -> None:
    free = [s for s in segments if not s.fixed]
    if not free:
        return
    # The text block's edges, robust to a stray mark in the margin or one overlong line.
    lefts = sorted(s.left for s in free)
    rights = sorted(s.right for s in free)
    x0 = lefts[len(lefts) // 20]
    width = max(rights[-1 - len(rights) // 20] - x0, 1)
    for s in free:
        a, b = (s.left - x0) / width, (s.right - x0) / width
        centre = (a + b) / 2
        if a < _SPAN[0] and b > _SPAN[1]:
            s.column = "full"
        elif centre < _LEFT_CENTRE:
            s.column = "left"
        elif centre > _RIGHT_CENTRE:
            s.column = "right"
        else:
            s.column = "full"  # a centred line (the type line "QUYẾT ĐỊNH") ends a run


def _merge_same_column(segments: list[Segment]) -> list[Segment]:
    """Rejoin neighbouring parts of one row that fell in the same column ("ngày 23 tháng    7")."""
    out: list[Segment] = []
    for s in segments:
        prev = out[-1] if out else None
        same_line = prev is not None and prev.row == s.row and prev.paragraph == s.paragraph
        if prev is not None and same_line and prev.column == s.column:
            prev.text = f"{prev.text} {s.text}"
            prev.right = max(prev.right, s.right)
        else:
            out.append(s)
    return out


def order_columns(segments: list[Segment]) -> list[Segment]:
    """``segments`` in reading order (see the module docstring); each one's ``column`` is set."""
    _classify(segments)
    segments = sorted(segments, key=lambda s: (s.row, s.left))
    segments = _merge_same_column(segments)
    ordered: list[Segment] = []
    run: list[Segment] = []

    def flush() -> None:
        anchored = any(_ANCHOR_RE.search(fold(s.text.lower()).strip()) for s in run)
        if anchored and {"left", "right"} <= {s.column for s in run}:
            ordered.extend(s for s in run if s.column == "left")
            ordered.extend(s for s in run if s.column == "right")
        else:
            ordered.extend(run)
        run.clear()

    for s in segments:
        if s.column == "full":
            flush()
            ordered.append(s)
            continue
        if _SALUTATION_RE.match(fold(s.text.lower())):
            flush()
        run.append(s)
    flush()
    return ordered


def split_gaps(line: str, row: int, *, gap: int = _TEXT_GAP) -> list[Segment]:
    """The parts of one laid-out text line, cut at runs of ``gap`` or more spaces."""
    out: list[Segment] = []
    for match in re.finditer(rf"\S(?:.*?\S)?(?=\s{{{gap},}}|\s*$)", line):
        out.append(Segment(match.group(0), match.start(), match.end(), row, paragraph=row))
    return out


def _pipe_cells(line: str, row: int) -> list[Segment] | None:
    """A two-cell table row ("| ỦY BAN NHÂN DÂN | CỘNG HÒA … |") as a left and a right part."""
    if line.count("|") < 2:
        return None
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    filled = [(k, c) for k, c in enumerate(cells) if c]
    if len(cells) != 2:
        return None
    return [
        Segment(c, k, k + 1, row, paragraph=row, column="left" if k == 0 else "right", fixed=True) for k, c in filled
    ]


def text_columns(text: str) -> str | None:
    """A laid-out or pipe-table text with its two-column blocks read column by column.

    Returns None when no line has two columns (nothing to reorder). Two-cell pipe rows are split
    at the pipe; other pipe rows and Markdown rule rows ("|---|---|") keep their text, without
    the rule rows.
    """
    lines = text.split("\n")
    segments: list[Segment] = []
    two_columns = False
    for row, line in enumerate(lines):
        if not line.strip():
            segments.append(Segment("", 0, 0, row, paragraph=row))
            continue
        if PIPE_RULE_RE.match(line):
            continue
        cells = _pipe_cells(line, row)
        parts = cells if cells is not None else split_gaps(line, row)
        columns = {s.column for s in parts if s.fixed}
        if len(parts) >= 2 or len(columns) == 2:
            two_columns = True
        segments.extend(parts)
    if not two_columns:
        return None
    blanks = {s.row for s in segments if not s.text}
    ordered = order_columns([s for s in segments if s.text])
    out: list[str] = []
    for k, s in enumerate(ordered):
        prev = ordered[k - 1] if k else None
        if prev is not None and (s.column != prev.column or (s.row - prev.row > 1 and s.row - 1 in blanks)):
            out.append("")
        out.append(s.text)
    return "\n".join(out)
