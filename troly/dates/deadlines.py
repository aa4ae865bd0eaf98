"""Deadlines in administrative text: every temporal expression of a sentence, and the deadline phrase.

Conclusion notices and plans state deadlines in a dozen shapes ("trước ngày 15/5/2026", "trong quý
III/2025", "6 tháng cuối năm 2025", "trong 15 ngày kể từ ngày ký") and mix them with citations of
earlier documents ("Công văn số 2210/UBND-NC ngày 27/02/2026", "Luật Đất đai năm 2024") that are
*not* deadlines. This module drops citations, start bounds ("kể từ năm 2026") and dates already
past when the document was signed, picks the deadline phrase and turns it into a closed interval
``[start, end]`` (a month deadline covers the whole month). Unbounded wording ("thường xuyên",
"trong thời gian tới") deliberately yields no deadline.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from troly.dates.calendar import (
    _NUMBER_WORDS,
    _ROMAN_QUARTER,
    Precision,
    _add_days,
    _add_months,
    _clean,
    _infer_year_for_day_month,
    _infer_year_for_month,
    _year,
    half_range,
    month_range,
    quarter_range,
    safe_date,
    year_range,
)

__all__ = ["Due", "DueKind", "find_dues", "parse_due"]

DueKind = Literal["date", "month", "quarter", "half", "year", "range", "relative"]


@dataclass(frozen=True, slots=True)
class Due:
    """A deadline as a closed date interval.

    ``kind`` says what was written; ``start``/``end`` is the interval the task *falls on* under the
    evaluation rule: "trước ngày 15/5/2026" -> 15/5..15/5 (``bound="by"``), "trong tháng 11 năm
    2024" -> 1/11..30/11, "từ ngày 19-6 đến 30-6-2025" -> 19/6..30/6, "trong 15 ngày kể từ ngày
    ký" -> ref..ref+15 (``kind="relative"``). ``text`` is the matched words.
    """

    kind: DueKind
    start: dt.date
    end: dt.date
    text: str
    precision: Precision
    bound: Literal["by", "in", "within"] = "in"
    span: tuple[int, int] | None = field(default=None, compare=False)


# Full numeric date "15/5/2026", "15-5-2026", "15.5.2026", "05/7/25"; the look-arounds keep
# document numbers ("2210/UBND-NC") and ratios inside longer numbers out.
_DMY_NUM = re.compile(
    r"(?<![\d/.\-])(?P<d>\d{1,2})\s?(?P<sep>[/\-.])\s?(?P<m>\d{1,2})\s?(?P=sep)\s?(?P<y>\d{4}|\d{2})(?![\d/])"
)
# Written date "ngày 05 tháng 7 năm 2025" (also "ngày 5, tháng 7, năm 2025").
_DMY_WORDS = re.compile(r"ngày\s+(?P<d>\d{1,2})\s*,?\s*tháng\s+(?P<m>\d{1,2})\s*,?\s*năm\s+(?P<y>\d{4})", re.IGNORECASE)
# Day-month without year: "19-6", "31/12", "ngày 20 tháng 5" (the year comes from a reference).
_DM_NUM = re.compile(r"(?<![\d/.\-])(?P<d>\d{1,2})\s?[/\-]\s?(?P<m>\d{1,2})(?![\d/\-]|\s?[/\-]\s?\d)")
_DM_WORDS = re.compile(r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})(?!\d|\s*,?\s*năm\s+\d)", re.IGNORECASE)


_Q = r"(?P<q>IV|III|II|I|[1-4])"
_YEAR_TAIL = r"(?:\s*(?:năm\s+|[/\-]\s*)(?P<y>\d{4}))"

# Range "từ ngày 19-6 đến 30-6-2025", "từ 1-7 đến 31-12-2025", "từ ngày 01/7/2025 đến ngày 31/12/2025".
_RANGE_DAYS = re.compile(
    r"từ\s+(?:ngày\s+)?(?P<d1>\d{1,2})\s?[/\-.]\s?(?P<m1>\d{1,2})(?:\s?[/\-.]\s?(?P<y1>\d{4}))?"
    r"\s*(?:đến|tới|[-–—])\s*(?:hết\s+)?(?:ngày\s+)?"
    r"(?P<d2>\d{1,2})\s?[/\-.]\s?(?P<m2>\d{1,2})(?:\s?[/\-.]\s?(?P<y2>\d{4}))?(?![\d/])",
    re.IGNORECASE,
)
# Month range "từ tháng 7 đến tháng 12 năm 2025".
_RANGE_MONTHS = re.compile(
    r"từ\s+tháng\s+(?P<m1>\d{1,2})(?:\s*(?:năm\s+|/)(?P<y1>\d{4}))?\s*(?:đến|tới|[-–—])\s*(?:hết\s+)?tháng\s+"
    r"(?P<m2>\d{1,2})(?:\s*(?:năm\s+|/)(?P<y2>\d{4}))?",
    re.IGNORECASE,
)
# "từ nay đến (hết) ngày 31/12/2025 | cuối năm | hết năm 2025": a range that starts at the document date.
_FROM_NOW = re.compile(r"từ\s+(?:nay|bây giờ)\s+(?:đến|tới)\s+(?:hết\s+)?", re.IGNORECASE)
# Month "tháng 10 năm 2024", "tháng 5/2026", "tháng 10-2024", bare "tháng 10" (year from the reference).
_MONTH = re.compile(
    r"(?<!\d\s)tháng\s+(?P<m>\d{1,2})(?!\s*(?:/|-)\s*\d{1,2}\b(?!\d))" + _YEAR_TAIL + r"?(?!\s*tháng)", re.IGNORECASE
)
# Quarter "quý III/2025", "quý IV năm 2024", "Quý 3 năm 2025", "quý I".
_QUARTER = re.compile(r"quý\s+" + _Q + r"\b" + _YEAR_TAIL + r"?", re.IGNORECASE)
# "6 tháng đầu năm 2025", "06 tháng cuối năm", "3 tháng còn lại của năm 2024", "9 tháng đầu năm".
_N_MONTHS_OF_YEAR = re.compile(
    r"(?P<n>\d{1,2}|sáu|ba|chín)\s+tháng\s+(?P<pos>đầu|cuối|còn lại(?:\s+của)?)\s+năm(?:\s+(?P<y>\d{4}))?",
    re.IGNORECASE,
)
# "cuối năm 2025" -> December ("cuối tháng 10" and "cuối quý III" are read as the month / quarter).
_END_OF = re.compile(r"cuối\s+năm(?:\s+(?P<y>\d{4}))?(?!\s*(?:học|tài chính))", re.IGNORECASE)
# Year "năm 2026"; "giai đoạn 2026 - 2030" and "2026-2030" spans are program periods, not deadlines.
_YEAR = re.compile(r"năm\s+(?P<y>(?:19|20)\d{2})(?!\s*[-–—]\s*(?:19|20)\d{2})(?![\d/])", re.IGNORECASE)
# Relative "trong 15 ngày kể từ ngày ký", "trong vòng 30 ngày làm việc", "chậm nhất 10 ngày sau khi …",
# "trong 03 tháng kể từ ngày …".
_RELATIVE = re.compile(
    r"(?:trong(?:\s+vòng|\s+thời\s+hạn|\s+thời\s+gian)?|chậm\s+nhất(?:\s+là)?|(?:thời\s+hạn|hạn)\s*:?)\s+(?P<n>\d{1,3})\s+"
    r"(?P<unit>ngày|tuần|tháng)(?P<work>\s+làm\s+việc)?"
    r"(?P<anchor>\s*,?\s*(?:kể\s+từ|từ|sau\s+khi|sau)\s+(?:ngày|khi)?[^,.;]{0,40})?",
    re.IGNORECASE,
)
# A recurrence day ("trước ngày 20 hằng tháng", "ngày 25 hàng tháng") is not a one-off deadline.
_RECURRING_DAY = re.compile(
    r"(?:trước\s+|vào\s+|chậm nhất\s+)?ngày\s+(?P<d>\d{1,2})\s+(?:của\s+)?(?:hằng|hàng|mỗi|các)\s+(?P<p>tháng|quý|tuần)"
    r"|(?:trước\s+)?ngày\s+(?P<d2>\d{1,2})\s+(?:của\s+)?tháng\s+cuối\s+(?P<p2>quý|năm)",
    re.IGNORECASE,
)

# Deadline cues just before a candidate ("trước ngày", "chậm nhất", "thời gian hoàn thành trong").
_STRONG_CUE = re.compile(
    r"(?:trước|chậm\s+nhất(?:\s+là)?|hạn\s+chót|thời\s+hạn(?:\s+hoàn\s+thành)?|thời\s+gian\s+(?:hoàn\s+thành|thực\s+hiện)"
    r"|hoàn\s+thành(?:\s+xong)?|hoàn\s+tất|xong|dứt\s+điểm|đến\s+hết|kết\s+thúc)"
    r"\s*[:,]?\s*(?:trong|vào|trước|là|ngay\s+trong)?\s*(?:ngày|thời\s+gian)?\s*$",
    re.IGNORECASE,
)
_COMPLETION = re.compile(r"hoàn\s+thành|hoàn\s+tất|xong|chậm\s+nhất|trước", re.IGNORECASE)
_MEDIUM_CUE = re.compile(r"(?:trong|vào|đến|tới)\s*(?:ngày)?\s*$", re.IGNORECASE)
# Start-only bounds ("kể từ năm 2026", "từ ngày 01/7/2025") are not deadlines.
_START_CUE = re.compile(r"(?:kể\s+)?(?:từ|bắt\s+đầu(?:\s+từ)?)\s*(?:ngày|tháng|năm)?\s*$", re.IGNORECASE)
# "(văn bản) ban hành trong năm 2024", "được giao trong năm": when something was issued, not a deadline.
_ISSUED_CUE = re.compile(
    r"(?:ban\s+hành|được\s+giao|phê\s+duyệt|thông\s+qua|đã\s+\w+)\s+(?:trong|vào|từ)\s*$", re.IGNORECASE
)
# The end of a span of continuing work, not a deadline: "tiếp tục thực hiện … đến ngày 31/12/2025",
# "lập tiến độ chi tiết theo tuần, tháng đến hết năm 2026" (the schedule's horizon).
_CONTINUING_CUE = re.compile(
    r"(?:(?:tiếp\s+tục|duy\s+trì)\b[^.;:]{0,100}?|theo\s+(?:tuần|tháng|quý)(?:\s*(?:,|và)\s*(?:tuần|tháng|quý))*\s+)"
    r"(?:đến|tới)\s+(?:hết\s+)?(?:ngày|tháng|năm)?\s*$",
    re.IGNORECASE,
)
# "giai đoạn 2026", "nhiệm kỳ" … are program periods.
_PERIOD_NAME_CUE = re.compile(r"(?:giai\s+đoạn|nhiệm\s+kỳ|niên\s+độ|năm\s+học)\s*$", re.IGNORECASE)
# A document number right before "ngày …" ("Công văn số 2210/UBND-NC ngày 27/02/2026") is a citation.
_DOCNUM_CUE = re.compile(
    r"(?:số\s*)?\d+[\w.\-]*/[\w./\-đĐ]+\s*(?:,\s*)?(?:ngày)?\s*$|"  # "2210/UBND-NC", "34-NQ/TU"
    r"(?:Quyết\s+định|Công\s+văn|Nghị\s+quyết|Kế\s+hoạch|Thông\s+báo|Chỉ\s+thị|Nghị\s+định|Thông\s+tư|Tờ\s+trình|"
    r"Báo\s+cáo|Văn\s+bản|Hướng\s+dẫn)(?:\s+số)?\s*(?:ngày)?\s*$"
)
# Capitalised instrument names followed by their year ("Luật Đất đai năm 2024", "Kế hoạch … năm 2024").
_INSTRUMENT_CUE = re.compile(
    r"\b(?:Luật|Bộ\s+luật|Nghị\s+định|Nghị\s+quyết|Quyết\s+định|Kế\s+hoạch|Chương\s+trình|Đề\s+án|Chỉ\s+thị|"
    r"Thông\s+tư|Công\s+văn|Báo\s+cáo|Hiến\s+pháp|Chiến\s+lược|Quy\s+hoạch)\b[^,;.()“”\"]{0,70}$"
)
# Words that make a sentence retrospective around a date ("đã hoàn thành 16/16 nhiệm vụ").
_UNBOUNDED = re.compile(r"thường\s+xuyên|trong\s+thời\s+gian\s+tới|lâu\s+dài|liên\s+tục", re.IGNORECASE)


def _is_instrument_year(s: str, start: int) -> bool:
    """ "Luật Đất đai năm 2024", "Kế hoạch … năm 2024": the year names an instrument, not a deadline."""
    m = _INSTRUMENT_CUE.search(s[max(0, start - 80) : start])
    return m is not None and not _DEADLINE_WORD.search(m.group(0))


_DEADLINE_WORD = re.compile(r"\b(?:trong|trước|hoàn\s+thành|chậm\s+nhất|đến|xong)\b", re.IGNORECASE)


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    due: Due
    score: int = 1


def _score(s: str, start: int) -> int | None:
    """Cue strength of the words before a candidate: 3 strong, 2 medium, 1 none, None = not a deadline."""
    return _cue(s, start)[0]


def _cue(s: str, start: int) -> tuple[int | None, int]:
    """(cue strength, start of the cue words) for the candidate beginning at ``start``."""
    tail = s[max(0, start - 90) : start]
    if _DOCNUM_CUE.search(tail[-60:]):
        return None, start
    if _START_CUE.search(tail[-25:]) or _PERIOD_NAME_CUE.search(tail[-20:]) or _ISSUED_CUE.search(tail[-40:]):
        return None, start
    if _CONTINUING_CUE.search(tail) and not _COMPLETION.search(tail[-60:]):
        return None, start
    m = _STRONG_CUE.search(tail[-70:])
    if m:
        return 3, start - (len(tail[-70:]) - m.start())
    m = _MEDIUM_CUE.search(tail[-20:])
    if m:
        return 2, start - (len(tail[-20:]) - m.start())
    return 1, start


def _mk(
    kind: DueKind,
    start: dt.date,
    end: dt.date,
    text: str,
    precision: Precision,
    span: tuple[int, int],
    bound: Literal["by", "in", "within"] = "in",
) -> Due:
    return Due(kind=kind, start=start, end=end, text=text, precision=precision, bound=bound, span=span)


def _candidates(s: str, ref: dt.date | None) -> list[_Cand]:
    """Every temporal expression of ``s`` with its interval; overlapping ones keep the widest match."""
    out: list[_Cand] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    def add(a: int, b: int, due: Due, score: int | None = None) -> None:
        if not free(a, b):
            return
        taken.append((a, b))
        sc, cue_start = _cue(s, a)
        if score is not None and sc is not None:
            sc = score
        if sc is None:
            return
        if cue_start < a:  # show the cue with the date: "trước ngày 15/5/2026", "trong tháng 11 năm 2024"
            due = Due(
                kind=due.kind,
                start=due.start,
                end=due.end,
                text=s[cue_start:b].strip(),
                precision=due.precision,
                bound=due.bound,
                span=(cue_start, b),
            )
        out.append(_Cand(a, b, due, sc))

    for m in _RECURRING_DAY.finditer(s):  # consumed: recurrences are not deadlines
        taken.append(m.span())

    for m in _RANGE_DAYS.finditer(s):
        y2 = _year(m.group("y2")) or (ref.year if ref else None)
        y1 = _year(m.group("y1")) or y2
        if y1 is None or y2 is None:
            continue
        a = safe_date(y1, int(m.group("m1")), int(m.group("d1")))
        b = safe_date(y2, int(m.group("m2")), int(m.group("d2")))
        if a and b and a <= b:
            sc = _score(s, m.start())
            add(*m.span(), _mk("range", a, b, m.group(0), "day", m.span()), max(sc or 0, 2))
    for m in _RANGE_MONTHS.finditer(s):
        y2 = _year(m.group("y2")) or _year(m.group("y1")) or (ref.year if ref else None)
        y1 = _year(m.group("y1")) or y2
        if y1 is None or y2 is None or not (1 <= int(m.group("m1")) <= 12 and 1 <= int(m.group("m2")) <= 12):
            continue
        a, b = month_range((y1, int(m.group("m1"))))[0], month_range((y2, int(m.group("m2"))))[1]
        if a <= b:
            add(*m.span(), _mk("range", a, b, m.group(0), "month", m.span()), 2)
    for m in _FROM_NOW.finditer(s):
        if ref is None:
            continue
        rest = s[m.end() : m.end() + 40]
        end_due = _first_point(rest, ref)
        if end_due is not None:
            lo, hi = m.start(), m.end() + (end_due.span[1] if end_due.span else 0)
            add(lo, hi, _mk("range", ref, end_due.end, s[lo:hi], end_due.precision, (lo, hi), "by"), 3)

    for m in _RELATIVE.finditer(s):
        if ref is None:
            continue
        n, unit = int(m.group("n")), m.group("unit").lower()
        if unit == "tháng" and not m.group("anchor"):
            continue  # "trong 6 tháng" alone is a duration, not a deadline
        if unit == "ngày":
            end = _add_days(ref, n, bool(m.group("work")))
        elif unit == "tuần":
            end = ref + dt.timedelta(weeks=n)
        else:
            end = _add_months(ref, n)
        add(*m.span(), _mk("relative", ref, end, m.group(0).strip(), "day", m.span(), "within"), 3)

    for rx in (_DMY_WORDS, _DMY_NUM):
        for m in rx.finditer(s):
            y = _year(m.group("y"))
            d = safe_date(y, int(m.group("m")), int(m.group("d"))) if y else None
            if d:
                lo = m.start()
                if rx is _DMY_NUM and s[max(0, lo - 5) : lo].lower().endswith("ngày "):
                    lo -= 5
                add(lo, m.end(), _mk("date", d, d, s[lo : m.end()], "day", (lo, m.end()), "by"))
    # Day-month without a year, only after a cue ("trước 31/12", "trước ngày 15/5").
    for rx in (_DM_WORDS, _DM_NUM):
        for m in rx.finditer(s):
            lo = m.start()
            pre = s[max(0, lo - 20) : lo].lower()
            if rx is _DM_NUM and not re.search(r"(?:ngày|trước|hạn|đến|tới|hết)\s*$", pre):
                continue
            d = _infer_year_for_day_month(int(m.group("d")), int(m.group("m")), ref)
            if d:
                if rx is _DM_NUM and pre.endswith("ngày "):
                    lo -= 5
                add(lo, m.end(), _mk("date", d, d, s[lo : m.end()], "day", (lo, m.end()), "by"))
    for m in _N_MONTHS_OF_YEAR.finditer(s):
        n_raw = m.group("n").lower()
        n = int(n_raw) if n_raw.isdigit() else _NUMBER_WORDS.get(n_raw, 0)
        y = _year(m.group("y")) or (ref.year if ref else None)
        if y is None or not 1 <= n <= 12:
            continue
        first = m.group("pos").lower().startswith("đầu")
        if n == 6:
            a, b = half_range(y, 1 if first else 2)
            due = _mk("half", a, b, m.group(0), "half", m.span())
        elif n == 3:
            a, b = quarter_range(y, 1 if first else 4)
            due = _mk("quarter", a, b, m.group(0), "quarter", m.span())
        elif n == 12:
            a, b = year_range(y)
            due = _mk("year", a, b, m.group(0), "year", m.span())
        else:
            a = dt.date(y, 1, 1) if first else month_range((y, 12 - n + 1))[0]
            b = month_range((y, n))[1] if first else dt.date(y, 12, 31)
            due = _mk("range", a, b, m.group(0), "month", m.span())
        add(*m.span(), due)
    for m in _QUARTER.finditer(s):
        q = _ROMAN_QUARTER[m.group("q").lower()]
        y = _year(m.group("y")) or (ref.year if ref else None)
        if y is None:
            continue
        a, b = quarter_range(y, q)
        add(*m.span(), _mk("quarter", a, b, m.group(0), "quarter", m.span()))
    for m in _MONTH.finditer(s):
        mo = int(m.group("m"))
        if not 1 <= mo <= 12:
            continue
        y = _year(m.group("y")) or _infer_year_for_month(mo, ref)
        if y is None:
            continue
        a, b = month_range((y, mo))
        add(*m.span(), _mk("month", a, b, m.group(0), "month", m.span()))
    for m in _END_OF.finditer(s):
        y = _year(m.group("y")) or (ref.year if ref else None)
        if y is None:
            continue
        a, b = month_range((y, 12))
        add(*m.span(), _mk("month", a, b, m.group(0), "month", m.span()))
    for m in _YEAR.finditer(s):
        y = _year(m.group("y"))
        if y is None:
            continue
        a, b = year_range(y)
        if _is_instrument_year(s, m.start()):
            taken.append(m.span())
            continue
        add(*m.span(), _mk("year", a, b, m.group(0), "year", m.span()))
    out.sort(key=lambda c: c.start)
    return out


def _first_point(rest: str, ref: dt.date) -> Due | None:
    """The end point of "từ nay đến …": a date, "cuối năm", a month or a year at the start of ``rest``."""
    for c in _candidates(rest, ref):
        if c.start <= 8:
            return c.due
    return None


def find_dues(text: str, *, ref: dt.date | None) -> list[Due]:
    """All deadline-like expressions of ``text`` in reading order, citations and past dates removed.

    ``ref`` is the document date: it fills missing years, anchors relative deadlines and lets dates
    earlier than the document (history, anniversaries) be dropped.
    """
    s = _clean(text)
    cands = _candidates(s, ref)
    if ref is not None:
        cands = [c for c in cands if c.due.end >= ref or c.due.kind == "relative"]
    return [c.due for c in cands]


def parse_due(text: str, *, ref: dt.date | None) -> Due | None:
    """The deadline of a task sentence, or None when it states none ("thường xuyên", "trong thời gian tới").

    Candidates are ranked by the cue before them (strong: "trước", "chậm nhất", "thời gian hoàn
    thành"; medium: "trong", "đến"; none); the strongest wins, the earliest on ties. Citations
    ("Công văn số … ngày …"), instrument names ("Luật Đất đai năm 2024"), start bounds ("kể từ năm
    2026"), program periods ("giai đoạn 2026 - 2030"), recurrence days ("ngày 20 hằng tháng") and
    dates before ``ref`` are never deadlines.
    """
    s = _clean(text)
    cands = _candidates(s, ref)
    if ref is not None:
        cands = [c for c in cands if c.due.end >= ref or c.due.kind == "relative"]
    if not cands:
        return None
    best = max(c.score for c in cands)
    return next(c.due for c in cands if c.score == best)


#: How far before its document a restated deadline may lie; an older date is history the text
#: recalls ("Quốc khánh 2/9/1945").
RESTATED_SPAN = dt.timedelta(days=366)


def restated_due(text: str, *, issued: dt.date) -> Due | None:
    """A deadline already past when the document was issued that its sentence restates ("thời hạn
    hoàn thành trước ngày 15/10/2026, đến nay chưa hoàn thành"): the task is late, not undated.

    :func:`parse_due` with ``ref=issued`` rightly drops it (a date before the document sets no
    new deadline); the answers and the follow-up both call this so they agree on which tasks are
    overdue. Only a date of the year before ``issued``; None otherwise.
    """
    due = parse_due(text, ref=None)
    if due is not None and issued - RESTATED_SPAN <= due.end <= issued:
        return due
    return None
