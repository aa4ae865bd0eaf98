"""Intent routing without an LLM: rules, the unit catalogue and date words.

"Tháng này Tỉnh đoàn được giao gì?" → tasks(unit=Tỉnh đoàn, period=this month);
"Hạn nào rơi vào tuần này?" → deadlines(period=this week); "còn Sở Nội vụ thì sao?" → the previous
intent with a new unit; greetings → help; everything else → retrieval QA. Words are matched on the
accent-folded text so users who type without diacritics are routed the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.core.commands import split_command
from troly.dates import resolve_relative
from troly.text import collapse_ws, fold

if TYPE_CHECKING:
    from troly.units import Mention, UnitCatalogue

__all__ = ["Intent", "find_period", "route"]


@dataclass(slots=True)
class Intent:
    """What the user wants, with the slots the rules found."""

    kind: str  # help, tasks, deadlines, qa, ideas, quota, bind_unit, my_unit, admin_reindex, admin_docs, feedback
    text: str  # the question without the command word
    unit: str | None = None  # unit name as the catalogue resolved it
    unit_id: str | None = None
    period: tuple[dt.date, dt.date] | None = None
    period_text: str | None = None
    mine: bool = False  # "nhiệm vụ của tôi": use the user's bound unit
    follow_up: bool = False
    extras: dict[str, Any] = field(default_factory=dict)


_COMMANDS = {
    "/start": "help",
    "/help": "help",
    "/trogiup": "help",
    "/hoi": "qa",
    "/nhiemvu": "tasks",
    "/hanchot": "deadlines",
    "/donvi": "bind_unit",
    "/reindex": "admin_reindex",
    "/tailieu": "admin_docs",
    "/thaythe": "admin_replace",
    "/ytuong": "ideas",
    "/trangthai": "ideas",
    "/chitieu": "quota",
}
# Folded phrases (no diacritics) that signal an intent.
_GREETING = re.compile(
    r"^(xin chao|chao( ban| em| anh| chi)?|hello|hi|alo|tro giup|huong dan|ban lam duoc gi|giup toi)\W*$"
)
_TASK_WORDS = re.compile(
    r"\b(duoc giao|giao (cho|gi)|nhiem vu (cua|gi|nao)|phai lam gi|can lam gi|chiu trach nhiem gi|cong viec cua|nhiem vu cua toi|viec gi)\b"
)
_DEADLINE_WORDS = re.compile(
    r"\b(han chot|han nao|thoi han|sap den han|den han|qua han|het han|deadline|han (trong|cua|vao)|nhung han|cac han)\b|^han\b"
)
_FOLLOW_UP = re.compile(r"^(con|the con|vay con|thế còn)\b.*\b(thi sao|the nao|sao)\W*$|^(con|vay con)\s")
# "Hạn gửi góp ý … là ngày nào?": one deadline a document states, answered from its sentence.
_ONE_DATE = re.compile(r"\b(la ngay nao|la khi nao|vao ngay nao|la bao gio|han cuoi la)\W*$")
_MINE = re.compile(r"\b(cua toi|don vi toi|chung toi|minh)\b")
_QUOTA_WORDS = re.compile(r"\b(chi tieu y tuong|tien do y tuong|da gui bao nhieu y tuong)\b")
_IDEA_WORDS = re.compile(r"\b(gui y tuong|nop y tuong|de xuat y tuong|dang ky y tuong)\b")
_PERIOD_PHRASES = (
    "hom nay",
    "ngay mai",
    "tuan nay",
    "tuan sau",
    "tuan toi",
    "tuan truoc",
    "thang nay",
    "thang sau",
    "thang toi",
    "thang truoc",
    "quy nay",
    "quy sau",
    "quy toi",
    "nam nay",
    "nam sau",
    "nam toi",
)
_EXPLICIT_PERIOD = re.compile(
    r"(thang\s+\d{1,2}(?:\s*(?:/|-|nam)\s*\d{4})?|quy\s+(?:iv|iii|ii|i|[1-4])(?:\s*(?:/|-|nam)\s*\d{4})?"
    r"|nam\s+\d{4}|\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{2,4})?|\d{4}-\d{2}|\d{1,3}\s+(?:ngay|tuan|thang)\s+(?:toi|sau|nua))"
)


_TASK_FILLER = {
    "ai",
    "gi",
    "nao",
    "duoc",
    "giao",
    "cho",
    "nhiem",
    "vu",
    "cong",
    "viec",
    "phai",
    "lam",
    "can",
    "chiu",
    "trach",
    "cua",
    "toi",
    "don",
    "vi",
    "chung",
    "minh",
    "trong",
    "thang",
    "tuan",
    "quy",
    "nam",
    "nay",
    "sau",
    "truoc",
    "hien",
    "la",
    "co",
    "khong",
    "nhung",
    "cac",
    "va",
    "voi",
    "ve",
    "o",
    "tai",
    "thi",
    "sao",
    "con",
    "the",
}


def _topic_words(folded: str, mentions: Iterable[Mention], period_text: str | None) -> int:
    """Words left once the unit, the time phrase and task wording are removed."""
    text = folded
    for m in mentions:
        text = text.replace(fold(m.text), " ")
    if period_text:
        text = text.replace(period_text, " ")
    return sum(1 for w in re.findall(r"[a-z0-9]+", text) if (w not in _TASK_FILLER and not w.isdigit()) or w == "06")


def find_period(text: str, today: dt.date) -> tuple[tuple[dt.date, dt.date] | None, str | None]:
    """The first time phrase in ``text`` resolved to a date range, Monday–Sunday weeks."""
    folded = fold(text)
    for phrase in _PERIOD_PHRASES:
        if re.search(rf"\b{phrase}\b", folded):
            rng = resolve_relative(phrase, today)
            if rng:
                return rng, phrase
    m = _EXPLICIT_PERIOD.search(folded)
    if m:
        rng = resolve_relative(m.group(0), today)
        if rng:
            return rng, m.group(0)
    return None, None


def route(text: str, *, today: dt.date, catalogue: UnitCatalogue, previous: str | None = None) -> Intent:
    """Classify one message. ``previous`` is the last intent kind, for follow-ups."""
    raw = collapse_ws(text)
    kind = None
    if raw.startswith("/"):
        head, rest = split_command(raw)
        kind = _COMMANDS.get(head)
        if kind is None:
            return Intent(kind="unknown_command", text=raw)
        raw = rest
    folded = fold(raw)
    mentions = [m for m in catalogue.find_mentions(raw) if m.unit is not None] if raw else []
    unit = mentions[0].unit if mentions else None
    period, period_text = find_period(raw, today) if raw else (None, None)
    intent = Intent(
        kind=kind or "qa",
        text=raw,
        unit=unit.name if unit else None,
        unit_id=unit.id if unit else None,
        period=period,
        period_text=period_text,
        mine=bool(_MINE.search(folded)),
    )
    if kind is not None:
        return intent
    if not folded or _GREETING.match(folded):
        intent.kind = "help"
    elif _IDEA_WORDS.search(folded):
        intent.kind = "ideas"
    elif _QUOTA_WORDS.search(folded):
        intent.kind = "quota"
    elif _DEADLINE_WORDS.search(folded):
        # "Hạn nộp hồ sơ khen thưởng năm 2026 là khi nào?": one deadline of a topic, even in a period
        one_date = _ONE_DATE.search(folded) and _topic_words(folded, mentions, period_text) >= 4
        intent.kind = "qa" if one_date else "deadlines"
    elif _TASK_WORDS.search(folded) and (unit is not None or intent.mine or "giao" in folded):
        # "Sở X được giao gì?" lists tasks; "Sở X được giao ban hành quy chế gì cho IOC?" asks about
        # a topic, which the passages answer better than a task list.
        intent.kind = "qa" if _topic_words(folded, mentions, period_text) >= 2 else "tasks"
    elif previous in ("tasks", "deadlines") and _FOLLOW_UP.search(folded) and (unit or period):
        intent.kind = previous
        intent.follow_up = True
    return intent
