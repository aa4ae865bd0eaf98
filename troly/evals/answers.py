"""Answers as the user reads them: each gold question through the conversation core, judged on the
answer text and its citations.

Gold line (``examples/eval/README.md``, sample-answers)::

    {"id", "split"?, "type", "q", "today"?, "history"?: ["earlier question", …],
     "answer_must": [["alt a", "alt b"], …], "answer_must_not": ["…"], "cite_must": [["…"], …],
     "not_found"?: true}

Each case is a fresh chat (its own user, no state left from another case) with the clock pinned to
``today`` at 12:00 local time, or to a fixed default day; ``history`` questions are sent first in
the same chat. A case is right when every ``answer_must`` group has an alternative in the answer
text itself, no ``answer_must_not`` string is in it, every ``cite_must`` group has an alternative
in the citations rendered as text (label, number, dates, title, section, document id), and, for a
``not_found`` case, the answer says "không tìm thấy". Matching: NFC, ``*`` removed, whitespace
folded, casefolded, substring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from troly.errors import UserInputError
from troly.evals.corpus import read_jsonl
from troly.text import match_key

if TYPE_CHECKING:
    from bot.core.messages import Citation, Reply
    from troly.context import Context

__all__ = [
    "DEFAULT_TODAY",
    "NOT_FOUND_KEY",
    "AnswerCase",
    "AnswerResult",
    "AnswersReport",
    "citation_text",
    "evaluate_answers",
    "judge",
    "load_answer_cases",
]

#: The day the clock is pinned to for cases without ``today`` (none of them uses relative time).
DEFAULT_TODAY = dt.date(2026, 11, 20)
NOT_FOUND_KEY = match_key("không tìm thấy")


@dataclass(slots=True, frozen=True)
class AnswerCase:
    id: str
    split: str
    type: str
    q: str
    today: dt.date | None
    history: tuple[str, ...]
    answer_must: tuple[tuple[str, ...], ...]
    answer_must_not: tuple[str, ...]
    cite_must: tuple[tuple[str, ...], ...]
    not_found: bool


def _groups(value: object, where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list) or not all(isinstance(g, list) for g in value):
        raise UserInputError(
            f"{where}: expected a list of lists of strings", user_message="Tệp đánh giá sai định dạng."
        )
    return tuple(tuple(str(a) for a in g) for g in value)


def load_answer_cases(path: Path) -> list[AnswerCase]:
    """Parse a gold file (format in the module docstring); a bad line raises ``UserInputError``."""
    cases = []
    for item in read_jsonl(path):
        where = f"{path}: {item['id']}"
        if not str(item.get("q") or "").strip():
            raise UserInputError(f"{where}: no question", user_message="Tệp đánh giá có câu hỏi trống.")
        try:
            today = dt.date.fromisoformat(item["today"]) if item.get("today") else None
        except ValueError as e:
            raise UserInputError(f"{where}: today is YYYY-MM-DD", user_message="Ngày 'today' sai định dạng.") from e
        cases.append(
            AnswerCase(
                id=str(item["id"]),
                split=str(item.get("split") or "dev"),
                type=str(item.get("type") or "other"),
                q=str(item["q"]),
                today=today,
                history=tuple(str(h) for h in item.get("history") or ()),
                answer_must=_groups(item.get("answer_must") or [], f"{where}: answer_must"),
                answer_must_not=tuple(str(s) for s in item.get("answer_must_not") or ()),
                cite_must=_groups(item.get("cite_must") or [], f"{where}: cite_must"),
                not_found=bool(item.get("not_found")),
            )
        )
    return cases


def citation_text(c: Citation) -> str:
    """A citation rendered to the text the ``cite_must`` strings are looked for in."""
    parts = [c.label(), c.doc_type or "", c.number or "", c.title or "", c.section or "", c.doc_id]
    if c.date:
        d = c.date
        parts += [d.isoformat(), f"{d.month:02d}/{d.year}", f"tháng {d.month}/{d.year}"]
        if c.date_precision not in ("month", "year"):
            parts += [f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day}/{d.month}/{d.year}"]
            parts.append(f"ngày {d.day} tháng {d.month} năm {d.year}")
    return " | ".join(dict.fromkeys(p for p in parts if p))


@dataclass(slots=True)
class AnswerResult:
    case: AnswerCase
    right: bool
    why: list[str]
    answer: str
    citations: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.case.id,
            "split": self.case.split,
            "type": self.case.type,
            "q": self.case.q,
            "right": self.right,
            "why": self.why,
            "answer": self.answer,
            "citations": self.citations,
        }


def judge(case: AnswerCase, reply: Reply) -> AnswerResult:
    """Whether ``reply`` answers ``case`` (rules in the module docstring), with the reasons if not."""
    answer = match_key(reply.text)
    cites = [citation_text(c) for c in reply.citations]
    cite_key = match_key("\n".join(cites))
    why = []
    for alts in case.answer_must:
        if not any(match_key(a) in answer for a in alts):
            why.append(f"answer lacks {list(alts)}")
    for bad in case.answer_must_not:
        if match_key(bad) in answer:
            why.append(f"answer has {bad!r}")
    for alts in case.cite_must:
        if not any(match_key(a) in cite_key for a in alts):
            why.append(f"citations lack {list(alts)}")
    if case.not_found and NOT_FOUND_KEY not in answer:
        why.append("answer does not say 'không tìm thấy'")
    return AnswerResult(case, not why, why, reply.text, cites)


@dataclass(slots=True)
class AnswersReport:
    default_today: dt.date
    results: list[AnswerResult] = field(default_factory=list)

    def table(self) -> dict[str, dict[str, tuple[int, int]]]:
        """split → type → (right, n), with an ``all`` type and an ``all`` split."""
        out: dict[str, dict[str, tuple[int, int]]] = {}
        for r in self.results:
            for split in (r.case.split, "all"):
                for kind in (r.case.type, "all"):
                    right, n = out.setdefault(split, {}).get(kind, (0, 0))
                    out[split][kind] = (right + r.right, n + 1)
        return out

    def as_dict(self, *, failures: bool = True) -> dict[str, Any]:
        table = self.table()
        return {
            "default_today": self.default_today.isoformat(),
            "splits": {
                split: {
                    kind: {"right": right, "n": n, "share": round(right / n, 4) if n else None}
                    for kind, (right, n) in sorted(types.items())
                }
                for split, types in table.items()
            },
            # Heldout failures are never listed: only their counts above.
            "dev_failures": [r.as_dict() for r in self.results if failures and not r.right and r.case.split == "dev"],
        }


def evaluate_answers(
    ctx: Context,
    cases: Sequence[AnswerCase],
    *,
    default_today: dt.date = DEFAULT_TODAY,
    on_case: Callable[[AnswerCase], None] | None = None,
) -> AnswersReport:
    """Send every case through ``Assistant.handle`` in a fresh chat and judge the last reply."""
    from bot.core.messages import IncomingMessage
    from troly.models import ConversationRow, UserProfileRow

    tz = ZoneInfo(ctx.settings.timezone)
    pinned = [dt.datetime.combine(default_today, dt.time(12), tzinfo=tz)]
    assistant = ctx.assistant(clock=lambda: pinned[0])

    def forget(user_key: str) -> None:
        with ctx.db.transaction() as session:
            for model in (ConversationRow, UserProfileRow):
                row = session.get(model, user_key)
                if row is not None:
                    session.delete(row)

    report = AnswersReport(default_today)
    for case in cases:
        if on_case:
            on_case(case)
        pinned[0] = dt.datetime.combine(case.today or default_today, dt.time(12), tzinfo=tz)
        user_id = f"eval-{case.id}"
        forget(f"cli:{user_id}")
        reply = None
        for text in (*case.history, case.q):
            reply = assistant.handle(IncomingMessage(channel="cli", user_id=user_id, text=text))
        forget(f"cli:{user_id}")
        assert reply is not None
        report.results.append(judge(case, reply))
    return report
