"""Vietnamese dates, deadline periods, recurrences and quotas in administrative text.

Why this exists: conclusion notices (thông báo kết luận) and plans state deadlines in a dozen
shapes ("trước ngày 15/5/2026", "trong quý III/2025", "6 tháng cuối năm 2025", "trong 15 ngày kể
từ ngày ký") and mix them with citations of earlier documents ("Công văn số 2210/UBND-NC ngày
27/02/2026", "Luật Đất đai năm 2024") that are *not* deadlines. troly answers "what is due this
month?" from these, so this module

* finds every temporal expression of a sentence, drops citations, start bounds ("kể từ năm 2026")
  and dates already past when the document was signed, and picks the deadline phrase;
* turns it into a closed interval ``[start, end]`` (a month deadline covers the whole month);
* reads recurrences ("định kỳ hằng tháng", "trước ngày 20 hằng tháng", "6 tháng/lần") and
  quotas ("ít nhất 02 ý tưởng mỗi tháng", "từ 01 – 02 ý tưởng");
* answers period questions (``occurs_in``) with the evaluation rule, and maps chat words
  ("tháng này", "tuần sau", "quý này") to date ranges.

Everything is a pure function over strings; nothing here knows about documents or storage.
Unbounded wording ("thường xuyên", "trong thời gian tới") deliberately yields no deadline.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Literal

from troly.text import canonical, collapse_ws, fold

__all__ = [
    "DateParts",
    "Due",
    "DueKind",
    "Period",
    "Quota",
    "Recurrence",
    "active_in",
    "due_from_json",
    "find_dues",
    "half_range",
    "month_range",
    "occurs_in",
    "parse_date",
    "parse_date_parts",
    "parse_due",
    "parse_quota",
    "parse_quotas",
    "parse_recurrence",
    "quarter_range",
    "recurrence_from_json",
    "resolve_relative",
    "to_json",
    "year_range",
]

DueKind = Literal["date", "month", "quarter", "half", "year", "range", "relative"]
Period = Literal["day", "week", "month", "quarter", "half", "year"]
Precision = Literal["day", "month", "quarter", "half", "year"]

#: Finest first: used to pick the main period of a list such as "(hằng ngày, hằng tuần, hằng tháng)".
PERIOD_ORDER: tuple[Period, ...] = ("day", "week", "month", "quarter", "half", "year")

_ROMAN_QUARTER = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "chín": 9, "mười hai": 12}


# --------------------------------------------------------------------------------------------
# Data types
# --------------------------------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A repeating obligation. ``period`` is the finest of ``periods`` ("hằng ngày, hằng tuần" -> day).

    ``day`` is a day of the month when written ("trước ngày 20 hằng tháng" -> 20). ``start`` and
    ``until`` bound it when the sentence does ("kể từ năm 2026", "trong năm 2026").
    """

    period: Period
    text: str
    day: int | None = None
    periods: tuple[Period, ...] = ()
    start: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Quota:
    """A counted target: "ít nhất 02 ý tưởng mỗi tháng" -> min=2, unit_noun="ý tưởng ...", per="month".

    For percentages ``unit_noun`` is "%" and ``subject`` holds the counted noun ("cán bộ").
    """

    min: int | float | None
    max: int | float | None
    unit_noun: str
    per: Period | None
    text: str
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class DateParts:
    """A possibly incomplete date, as in blank headers ("ngày   tháng   năm 2026")."""

    year: int | None
    month: int | None
    day: int | None

    def to_date(self) -> dt.date | None:
        if self.year and self.month and self.day:
            return _safe_date(self.year, self.month, self.day)
        return None


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    y = int(raw)
    if y < 100:
        y += 2000
    return y if 1900 <= y <= 2100 else None


def _clean(text: str) -> str:
    """NFC + one tone convention, markdown emphasis removed, whitespace folded (same length rules)."""
    return collapse_ws(canonical(text).replace("*", " ").replace("\u00a0", " "))


def month_range(value: str | tuple[int, int]) -> tuple[dt.date, dt.date]:
    """First and last day of a month: ``month_range("2026-11")`` -> (1/11/2026, 30/11/2026)."""
    if isinstance(value, str):
        y_s, m_s = value.strip().split("-")[:2]
        year, month = int(y_s), int(m_s)
    else:
        year, month = value
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1), dt.date(year, month, last)


def quarter_range(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of quarter 1..4."""
    first_month = 3 * (quarter - 1) + 1
    return dt.date(year, first_month, 1), month_range((year, first_month + 2))[1]


def half_range(year: int, half: int) -> tuple[dt.date, dt.date]:
    """First and last day of half-year 1 or 2."""
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))


def year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _add_days(ref: dt.date, n: int, working: bool) -> dt.date:
    if not working:
        return ref + dt.timedelta(days=n)
    day, left = ref, n
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def _add_months(ref: dt.date, n: int) -> dt.date:
    month0 = ref.month - 1 + n
    year, month = ref.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(ref.day, calendar.monthrange(year, month)[1]))


def _infer_year_for_day_month(day: int, month: int, ref: dt.date | None) -> dt.date | None:
    """A day-month without year is the next such day around ``ref`` (a month of slack backwards)."""
    if ref is None:
        return None
    cand = _safe_date(ref.year, month, day)
    if cand is None:
        return None
    if cand < ref - dt.timedelta(days=31):
        cand = _safe_date(ref.year + 1, month, day)
    return cand


def _infer_year_for_month(month: int, ref: dt.date | None) -> int | None:
    if ref is None:
        return None
    return ref.year + 1 if month < ref.month - 1 else ref.year


# --------------------------------------------------------------------------------------------
# Single dates
# --------------------------------------------------------------------------------------------

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
# Blank or partial header date "ngày   tháng   năm 2026", "ngày .... tháng 3 năm 2026".
_HEADER_PARTS = re.compile(
    r"ngày\s*(?P<d>\d{1,2})?[\s.…_]*tháng\s*(?P<m>\d{1,2})?[\s.…_]*năm\s*(?P<y>\d{4})", re.IGNORECASE
)


def parse_date(text: str, ref: dt.date | None = None) -> dt.date | None:
    """The first complete date in ``text``; a day-month without year is resolved against ``ref``.

    "ngày 05 tháng 7 năm 2025", "05/7/2025", "30-6-2025", "15.5.2026" -> date; "ngày tháng năm
    2026" (blank header) -> None (see :func:`parse_date_parts`).
    """
    s = _clean(text)
    found: list[tuple[int, dt.date]] = []
    for rx in (_DMY_WORDS, _DMY_NUM):
        for m in rx.finditer(s):
            y = _year(m.group("y"))
            d = _safe_date(y, int(m.group("m")), int(m.group("d"))) if y else None
            if d:
                found.append((m.start(), d))
                break
    if not found and ref is not None:
        for rx in (_DM_WORDS, _DM_NUM):
            for m in rx.finditer(s):
                d = _infer_year_for_day_month(int(m.group("d")), int(m.group("m")), ref)
                if d:
                    found.append((m.start(), d))
                    break
    return min(found)[1] if found else None


def parse_date_parts(text: str) -> DateParts | None:
    """Day, month and year of a header date even when some are left blank ("ngày  tháng  năm 2026")."""
    s = _clean(text)
    m = _HEADER_PARTS.search(s)
    if m:
        return DateParts(
            _year(m.group("y")),
            int(m.group("m")) if m.group("m") else None,
            int(m.group("d")) if m.group("d") else None,
        )
    d = parse_date(s)
    if d:
        return DateParts(d.year, d.month, d.day)
    return None


# --------------------------------------------------------------------------------------------
# Deadlines
# --------------------------------------------------------------------------------------------

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
_MEDIUM_CUE = re.compile(r"(?:trong|vào|đến|tới)\s*(?:ngày)?\s*$", re.IGNORECASE)
# Start-only bounds ("kể từ năm 2026", "từ ngày 01/7/2025") are not deadlines.
_START_CUE = re.compile(r"(?:kể\s+)?(?:từ|bắt\s+đầu(?:\s+từ)?)\s*(?:ngày|tháng|năm)?\s*$", re.IGNORECASE)
# "(văn bản) ban hành trong năm 2024", "được giao trong năm": when something was issued, not a deadline.
_ISSUED_CUE = re.compile(
    r"(?:ban\s+hành|được\s+giao|phê\s+duyệt|thông\s+qua|đã\s+\w+)\s+(?:trong|vào|từ)\s*$", re.IGNORECASE
)
# "giai đoạn 2026", "nhiệm kỳ" … are program periods.
_PERIOD_NAME_CUE = re.compile(r"(?:giai\s+đoạn|nhiệm\s+kỳ|niên\s+độ|năm\s+học)\s*$", re.IGNORECASE)
# A document number right before "ngày …" ("Công văn số 2210/UBND-NC ngày 27/02/2026") is a citation.
_DOCNUM_CUE = re.compile(
    r"(?:số\s*)?\d+[\w.]*/[\w./\-đĐ]+\s*(?:,\s*)?(?:ngày)?\s*$|"
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
    return bool(m) and not _DEADLINE_WORD.search(m.group(0))


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
        a = _safe_date(y1, int(m.group("m1")), int(m.group("d1")))
        b = _safe_date(y2, int(m.group("m2")), int(m.group("d2")))
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
            a, b = m.start(), m.end() + (end_due.span[1] if end_due.span else 0)
            add(a, b, _mk("range", ref, end_due.end, s[a:b], end_due.precision, (a, b), "by"), 3)

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
            d = _safe_date(y, int(m.group("m")), int(m.group("d"))) if y else None
            if d:
                a = m.start()
                if rx is _DMY_NUM and s[max(0, a - 5) : a].lower().endswith("ngày "):
                    a -= 5
                add(a, m.end(), _mk("date", d, d, s[a : m.end()], "day", (a, m.end()), "by"))
    # Day-month without a year, only after a cue ("trước 31/12", "trước ngày 15/5").
    for rx in (_DM_WORDS, _DM_NUM):
        for m in rx.finditer(s):
            a = m.start()
            pre = s[max(0, a - 20) : a].lower()
            if rx is _DM_NUM and not re.search(r"(?:ngày|trước|hạn|đến|tới|hết)\s*$", pre):
                continue
            d = _infer_year_for_day_month(int(m.group("d")), int(m.group("m")), ref)
            if d:
                if rx is _DM_NUM and pre.endswith("ngày "):
                    a -= 5
                add(a, m.end(), _mk("date", d, d, s[a : m.end()], "day", (a, m.end()), "by"))
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


# --------------------------------------------------------------------------------------------
# Recurrences
# --------------------------------------------------------------------------------------------

_EVERY = r"(?:hằng|hàng|mỗi|từng)"
_PERIOD_WORD = {"ngày": "day", "tuần": "week", "tháng": "month", "quý": "quarter", "năm": "year"}
# "hằng tháng", "hàng quý", "mỗi tuần", "định kỳ hằng năm", "(hằng ngày, hằng tuần, hằng tháng)".
_EVERY_PERIOD = re.compile(_EVERY + r"\s+(?P<p>ngày|tuần|tháng|quý|năm)(?!\s+(?:qua|trước|tới|sau))", re.IGNORECASE)
# "6 tháng/lần", "03 tháng một lần", "định kỳ 6 tháng", "1 tuần/lần", "sáu tháng một lần".
_N_PER_TIME = re.compile(
    r"(?P<n>\d{1,2}|một|hai|ba|sáu)?\s*(?P<p>ngày|tuần|tháng|quý|năm)\s*(?:/\s*|một\s+)lần"
    r"|định\s+kỳ\s+(?P<n2>\d{1,2}|sáu|ba)\s+(?P<p2>tháng|tuần|ngày|năm)",
    re.IGNORECASE,
)
# "định kỳ tháng, quý, năm", "báo cáo định kỳ quý".
_PERIODIC_LIST = re.compile(
    r"định\s+kỳ\s+(?:\(\s*)?(?P<list>(?:ngày|tuần|tháng|quý|năm)(?:\s*(?:,|và|hoặc)\s*(?:ngày|tuần|tháng|quý|năm))*)",
    re.IGNORECASE,
)
# Bounds of a recurrence: "kể từ năm 2026", "từ tháng 7/2026", "đến hết năm 2026", "trong năm 2026".
_REC_FROM = re.compile(
    r"(?:kể\s+)?từ\s+(?P<w>năm\s+\d{4}|tháng\s+\d{1,2}(?:\s*(?:/|năm)\s*\d{4})|ngày\s+[\d/.\-]+)", re.IGNORECASE
)
_REC_UNTIL = re.compile(
    r"(?:đến|tới)\s+(?:hết\s+)?(?P<w>năm\s+\d{4}|tháng\s+\d{1,2}(?:\s*(?:/|năm)\s*\d{4})|ngày\s+[\d/.\-]+)",
    re.IGNORECASE,
)
_REC_WITHIN_YEAR = re.compile(r"trong\s+năm\s+(?P<y>\d{4})", re.IGNORECASE)


def _n_months_period(n: int, unit: str) -> Period | None:
    unit = _PERIOD_WORD.get(unit.lower(), unit)
    if unit == "month":
        return {1: "month", 3: "quarter", 6: "half", 12: "year"}.get(n)
    if unit in ("day", "week", "quarter", "year") and n == 1:
        return unit  # type: ignore[return-value]
    if unit == "week" and n == 2:
        return None
    return None


def _word_int(raw: str | None) -> int:
    if not raw:
        return 1
    return int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw.lower(), 1)


def parse_recurrence(text: str, *, ref: dt.date | None = None) -> Recurrence | None:
    """A repeating obligation in ``text``, or None.

    "định kỳ hằng tháng" -> month; "(hằng ngày, hằng tuần, hằng tháng)" -> day with all three in
    ``periods``; "trước ngày 20 hằng tháng" -> month, day 20; "6 tháng/lần" -> half. Bounds in the
    same text ("kể từ năm 2026", "trong năm 2026") fill ``start``/``until``.
    """
    s = _clean(text)
    found: list[tuple[int, Period, str]] = []
    day: int | None = None
    for m in _RECURRING_DAY.finditer(s):
        p = (m.group("p") or m.group("p2") or "").lower()
        period: Period = "quarter" if p == "quý" else ("week" if p == "tuần" else ("year" if p == "năm" else "month"))
        found.append((m.start(), period, m.group(0)))
        day = int(m.group("d") or m.group("d2"))
    for m in _EVERY_PERIOD.finditer(s):
        found.append((m.start(), _PERIOD_WORD[m.group("p").lower()], m.group(0)))  # type: ignore[arg-type]
    for m in _N_PER_TIME.finditer(s):
        n = _word_int(m.group("n") or m.group("n2"))
        p = _n_months_period(n, m.group("p") or m.group("p2"))
        if p:
            found.append((m.start(), p, m.group(0).strip()))
    for m in _PERIODIC_LIST.finditer(s):
        for w in re.findall(r"ngày|tuần|tháng|quý|năm", m.group("list"), re.IGNORECASE):
            found.append((m.start(), _PERIOD_WORD[w.lower()], m.group(0)))  # type: ignore[arg-type]
    if not found:
        return None
    periods = tuple(p for p in PERIOD_ORDER if any(f[1] == p for f in found))
    main = periods[0]
    first = min(found)
    last_end = max(f[0] + len(f[2]) for f in found)
    text_out = s[first[0] : last_end] if last_end - first[0] <= 80 else first[2]
    start, until = _recurrence_bounds(s, ref)
    return Recurrence(period=main, text=text_out.strip(" ,;()"), day=day, periods=periods, start=start, until=until)


def _recurrence_bounds(s: str, ref: dt.date | None) -> tuple[dt.date | None, dt.date | None]:
    start = until = None
    m = _REC_FROM.search(s)
    if m:
        d = _point(m.group("w"), ref)
        start = d[0] if d else None
    m = _REC_UNTIL.search(s)
    if m:
        d = _point(m.group("w"), ref)
        until = d[1] if d else None
    m = _REC_WITHIN_YEAR.search(s)
    if m and not _is_instrument_year(s, m.start()):
        y = int(m.group("y"))
        start = start or dt.date(y, 1, 1)
        until = until or dt.date(y, 12, 31)
    return start, until


def _point(words: str, ref: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """Interval of one written point: "năm 2026", "tháng 7/2026", "ngày 01/7/2026"."""
    for c in _candidates(words, ref):
        return c.due.start, c.due.end
    return None


# --------------------------------------------------------------------------------------------
# Quotas
# --------------------------------------------------------------------------------------------

_NUM = r"(?P<a>\d+(?:[.,]\d+)?)"
# Words that end the counted noun phrase.
_NOUN_STOP = re.compile(
    r"\s*(?:[,;:.()“”\"]|\b(?:mỗi|hằng|hàng|trở\s+lên|trong|có|được|từ|để|trên|tại|của|hoặc|xuất\s+phát|"
    r"thuộc|theo|nhằm|phục\s+vụ|đạt|so\s+với)\b)",
    re.IGNORECASE,
)
# Range "từ 01 – 02 ý tưởng", "01 - 02 ý tưởng", "từ 01 đến 02 …" (4-digit year spans excluded).
_Q_RANGE = re.compile(
    r"(?:từ\s+)?(?<![\d/])(?P<a>\d{1,3})\s*(?:[–—-]|đến|tới)\s*(?P<b>\d{1,3})(?![\d/])\s*(?P<pct>%)?\s+(?P<rest>.{0,80})",
    re.IGNORECASE,
)
# Minimum "ít nhất 02 …", "tối thiểu 25% …", "không dưới 10 …", "trên 90% …", "từ 15 … trở lên".
_Q_MIN = re.compile(
    r"(?P<cue>ít\s+nhất|tối\s+thiểu|không\s+dưới|không\s+ít\s+hơn|trên|hơn|từ|đạt)\s+"
    + _NUM
    + r"\s*(?P<pct>%)?\s*(?P<rest>.{0,80})",
    re.IGNORECASE,
)
# Maximum "tối đa 3 …", "không quá 3 …", "không vượt quá 5%".
_Q_MAX = re.compile(
    r"(?P<cue>tối\s+đa|không\s+quá|không\s+vượt\s+quá|dưới)\s+" + _NUM + r"\s*(?P<pct>%)?\s*(?P<rest>.{0,80})",
    re.IGNORECASE,
)
# "có 500 cán bộ trở lên", "30 doanh nghiệp … trở lên".
_Q_OR_MORE = re.compile(
    r"(?<![\d/.,])" + _NUM + r"\s*(?P<pct>%)?\s+(?P<noun>[^,;.()]{1,60}?)\s+trở\s+lên", re.IGNORECASE
)
_PER = re.compile(r"(?:mỗi|hằng|hàng|một|/)\s*(?P<p>ngày|tuần|tháng|quý|năm)\b", re.IGNORECASE)


def _num(raw: str) -> int | float:
    """Vietnamese number: "." groups thousands ("50.000"), "," is the decimal mark ("44,34")."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", raw):
        raw = raw.replace(".", "")
    val = float(raw.replace(",", "."))
    return int(val) if val.is_integer() else val


def _noun(rest: str, max_words: int = 10) -> str:
    m = _NOUN_STOP.search(rest)
    phrase = rest[: m.start()] if m else rest
    words = phrase.split()[:max_words]
    return " ".join(words).strip()


def _per(rest: str, whole: str) -> Period | None:
    m = _PER.search(rest[:40])
    if m:
        return _PERIOD_WORD[m.group("p").lower()]  # type: ignore[return-value]
    rec = parse_recurrence(whole)
    return rec.period if rec else None


def parse_quotas(text: str) -> list[Quota]:
    """Every counted target in ``text``, in reading order."""
    s = _clean(text)
    out: list[tuple[int, Quota]] = []
    taken: list[tuple[int, int]] = []

    def add(pos: int, end: int, q: Quota) -> None:
        if any(not (end <= a or pos >= b) for a, b in taken):
            return
        taken.append((pos, end))
        out.append((pos, q))

    for m in _Q_RANGE.finditer(s):
        a, b = int(m.group("a")), int(m.group("b"))
        if a > b or re.match(r"\s*(?:\d|tháng|năm|ngày|đến|tới)", m.group("rest"), re.IGNORECASE):
            continue
        rest = m.group("rest")
        noun = _noun(rest)
        if not noun and not m.group("pct"):
            continue
        pct = bool(m.group("pct"))
        end = m.start("rest") + len(noun)
        add(
            m.start(),
            end,
            Quota(
                min=a,
                max=b,
                unit_noun="%" if pct else noun,
                per=_per(rest[len(noun) :], s),
                text=s[m.start() : end].strip(),
                subject=noun if pct else None,
            ),
        )
    for rx, is_min in ((_Q_MIN, True), (_Q_MAX, False)):
        for m in rx.finditer(s):
            cue = m.group("cue").lower()
            rest = m.group("rest")
            pct = bool(m.group("pct"))
            if cue in ("trên", "hơn", "đạt", "dưới") and not pct:
                continue  # "trên địa bàn", "hơn 50.000 cán bộ" (a result), "đạt 100" need a percent
            noun = _noun(rest)
            if re.match(r"(?:tháng|năm|ngày|giờ)\b", noun, re.IGNORECASE):
                continue
            val = _num(m.group("a"))
            end = m.start("rest") + len(noun)
            add(
                m.start(),
                end,
                Quota(
                    min=val if is_min else None,
                    max=None if is_min else val,
                    unit_noun="%" if pct else noun,
                    per=_per(rest[len(noun) :], s),
                    text=s[m.start() : end].strip(),
                    subject=noun if pct else None,
                ),
            )
    for m in _Q_OR_MORE.finditer(s):
        pct = bool(m.group("pct"))
        noun = m.group("noun").strip()
        add(
            m.start(),
            m.end(),
            Quota(
                min=_num(m.group("a")),
                max=None,
                unit_noun="%" if pct else _noun(noun),
                per=_per(s[m.end() :], s),
                text=m.group(0),
                subject=noun if pct else None,
            ),
        )
    out.sort(key=lambda t: t[0])
    return [q for _, q in out]


def parse_quota(text: str) -> Quota | None:
    """The main counted target of a sentence ("ít nhất 02 ý tưởng … mỗi tháng"), or None.

    Targets with a period win over plain ones; otherwise the first in reading order.
    """
    quotas = parse_quotas(text)
    if not quotas:
        return None
    with_period = [q for q in quotas if q.per is not None and q.unit_noun != "%"]
    return with_period[0] if with_period else quotas[0]


# --------------------------------------------------------------------------------------------
# Period queries
# --------------------------------------------------------------------------------------------


def _recurs_in(rec: Recurrence, lo: dt.date, hi: dt.date) -> bool:
    """Whether ``rec`` has an occurrence inside the non-empty window [lo, hi]."""
    if rec.day is None or rec.period not in ("month", "quarter", "year"):
        return True  # every period contains an occurrence ("falls in every period it recurs in")
    y, m = lo.year, lo.month
    while dt.date(y, m, 1) <= hi:
        if rec.period == "month" or (rec.period == "quarter" and m % 3 == 0) or (rec.period == "year" and m == 12):
            d = dt.date(y, m, min(rec.day, calendar.monthrange(y, m)[1]))
            if lo <= d <= hi:
                return True
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return False


def occurs_in(
    due: Due | None,
    recurrence: Recurrence | None,
    *,
    start: dt.date,
    end: dt.date,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> bool:
    """Whether a task falls in [start, end] under the evaluation rule.

    A due interval falls on each of its days ("trong tháng 11 năm 2024" -> every day of November;
    "trước ngày 15/5/2026" -> 15/5/2026). A recurrence falls in every period it recurs in after
    ``since`` (the document date), up to ``until`` / the recurrence's own bound / the due end when
    the task also has a deadline; with a day ("ngày 20 hằng tháng") only those days count.
    """
    if due is not None and due.start <= end and due.end >= start:
        return True
    if recurrence is None:
        return False
    lows = [d for d in (start, since, recurrence.start) if d is not None]
    highs = [d for d in (end, until, recurrence.until, due.end if due is not None else None) if d is not None]
    lo, hi = max(lows), min(highs)
    return lo <= hi and _recurs_in(recurrence, lo, hi)


def active_in(
    due: Due | None,
    recurrence: Recurrence | None,
    *,
    start: dt.date,
    end: dt.date,
    since: dt.date | None = None,
    horizon_days: int | None = None,
) -> bool:
    """Whether a task is *being worked on* in [start, end]: looser than :func:`occurs_in`.

    A deadline task is active from ``since`` (document date) to its due end; a recurring one as in
    :func:`occurs_in`; a task with neither is active from ``since`` onwards, for ``horizon_days``
    when given (open-ended otherwise).
    """
    if occurs_in(due, recurrence, start=start, end=end, since=since):
        return True
    if due is not None:
        lo = since or due.start
        return lo <= end and due.end >= start
    if recurrence is not None:
        return False
    if since is None:
        return True
    hi = since + dt.timedelta(days=horizon_days) if horizon_days is not None else None
    return since <= end and (hi is None or hi >= start)


# --------------------------------------------------------------------------------------------
# Chat words ("tháng này", "tuần sau", "15/5")
# --------------------------------------------------------------------------------------------

_REL_SHIFT = {"nay": 0, "này": 0, "sau": 1, "toi": 1, "tới": 1, "truoc": -1, "trước": -1, "ngoai": -1, "qua": -1}
_F_DAY_WORDS = {"hom nay": 0, "ngay mai": 1, "mai": 1, "hom qua": -1, "ngay kia": 2, "ngay mot": 2, "hom kia": -2}
_F_UNIT = re.compile(r"^(?:trong\s+)?(?P<u>tuan|thang|quy|nam)\s+(?P<w>nay|sau|toi|truoc|ngoai|qua)$")
_F_DM = re.compile(r"^(?:ngay\s+)?(?P<d>\d{1,2})\s*[/\-.]\s*(?P<m>\d{1,2})(?:\s*[/\-.]\s*(?P<y>\d{2,4}))?$")
_F_MONTH = re.compile(r"^thang\s+(?P<m>\d{1,2})(?:\s*(?:/|-|nam)\s*(?P<y>\d{4}))?$")
_F_QUARTER = re.compile(r"^quy\s+(?P<q>iv|iii|ii|i|[1-4])(?:\s*(?:/|-|nam)\s*(?P<y>\d{4}))?$")
_F_YEAR = re.compile(r"^nam\s+(?P<y>\d{4})$")
_F_NEXT_DAYS = re.compile(r"^(?P<n>\d{1,3})\s+(?P<u>ngay|tuan|thang)\s+(?:toi|sau|nua)$")
_F_ISO_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$")


def resolve_relative(phrase: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """Map a chat time phrase to a closed date range, accents optional; weeks run Monday–Sunday.

    "hôm nay", "ngày mai", "tuần này", "tuần sau", "tháng này", "tháng sau", "quý này", "năm nay",
    "15/5", "15/5/2026", "tháng 11", "tháng 11/2026", "quý III", "năm 2026", "7 ngày tới",
    "2026-11" -> (start, end); anything else -> None.
    """
    f = collapse_ws(re.sub(r"[?!.,]+$", "", fold(phrase)))
    if f in _F_DAY_WORDS:
        d = today + dt.timedelta(days=_F_DAY_WORDS[f])
        return d, d
    if f in ("trong tuan", "tuan nay"):
        f = "tuan nay"
    m = _F_UNIT.match(f)
    if m:
        shift = _REL_SHIFT[m.group("w")]
        unit = m.group("u")
        if unit == "tuan":
            monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=shift)
            return monday, monday + dt.timedelta(days=6)
        if unit == "thang":
            first = _add_months(today.replace(day=1), shift)
            return month_range((first.year, first.month))
        if unit == "quy":
            q0 = (today.month - 1) // 3 + shift
            y, q = today.year + q0 // 4, q0 % 4 + 1
            return quarter_range(y, q)
        return year_range(today.year + shift)
    m = _F_NEXT_DAYS.match(f)
    if m:
        n, u = int(m.group("n")), m.group("u")
        endd = (
            today + dt.timedelta(days=n)
            if u == "ngay"
            else (today + dt.timedelta(weeks=n) if u == "tuan" else _add_months(today, n))
        )
        return today, endd
    m = _F_DM.match(f)
    if m:
        y = _year(m.group("y")) if m.group("y") else today.year
        d = _safe_date(y, int(m.group("m")), int(m.group("d"))) if y else None
        return (d, d) if d else None
    m = _F_ISO_MONTH.match(f)
    if m and 1 <= int(m.group("m")) <= 12:
        return month_range((int(m.group("y")), int(m.group("m"))))
    m = _F_MONTH.match(f)
    if m and 1 <= int(m.group("m")) <= 12:
        return month_range((int(m.group("y")) if m.group("y") else today.year, int(m.group("m"))))
    m = _F_QUARTER.match(f)
    if m:
        return quarter_range(int(m.group("y")) if m.group("y") else today.year, _ROMAN_QUARTER[m.group("q")])
    m = _F_YEAR.match(f)
    if m:
        return year_range(int(m.group("y")))
    return None


# --------------------------------------------------------------------------------------------
# JSON codec (storage keeps deadlines, recurrences and quotas as JSON next to indexed dates)
# --------------------------------------------------------------------------------------------


def to_json(value: Due | Recurrence | Quota | None) -> dict | None:
    """A JSON-safe dict of a Due/Recurrence/Quota (dates as ISO strings, spans dropped)."""
    if value is None:
        return None
    out = {}
    for name in value.__dataclass_fields__:  # type: ignore[union-attr]
        if name == "span":
            continue
        v = getattr(value, name)
        if isinstance(v, dt.date):
            v = v.isoformat()
        elif isinstance(v, tuple):
            v = list(v)
        out[name] = v
    return out


def _dates_from(data: dict, *names: str) -> dict:
    return {k: (dt.date.fromisoformat(v) if k in names and isinstance(v, str) else v) for k, v in data.items()}


def due_from_json(data: dict | None) -> Due | None:
    if not data:
        return None
    return Due(**_dates_from(data, "start", "end"))


def recurrence_from_json(data: dict | None) -> Recurrence | None:
    if not data:
        return None
    fields = _dates_from(data, "start", "until")
    fields["periods"] = tuple(fields.get("periods") or ())
    return Recurrence(**fields)
