"""Counted targets: "ít nhất 02 ý tưởng mỗi tháng", "từ 01 – 02 ý tưởng", "tối thiểu 25% cán bộ"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from troly.dates.calendar import Period, _clean
from troly.dates.recurrence import _PERIOD_WORD, parse_recurrence

__all__ = ["Quota", "parse_quota", "parse_quotas"]


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
        return _PERIOD_WORD[m.group("p").lower()]
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
