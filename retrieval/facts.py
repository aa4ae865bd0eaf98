"""Query functions over troly's own tables: documents and their assignments (issue 12).

They execute the typed queries of :mod:`troly.queries` and return rows (``DocumentPublic``,
``TaskView``); composing the answer is the conversation core's job. Both the rule-based
understanding and an LLM's tool calls end here, so what can be asked is defined once.

What units reported on their assignments (the follow-up store, :mod:`troly.followup`) decides
whether a task is still open: a task past its deadline that its unit reported "hoàn thành" is not
overdue (issue 14); :meth:`FactFinder.progress` gives each task its code, status and category.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from retrieval.directives import StoredTask, TaskFinder, TaskSnapshot, TaskView
from troly.dates import Due, due_from_json, occurs_in, recurrence_from_json, restated_due, to_json
from troly.followup.models import AssignmentRow
from troly.followup.report import assignment_status
from troly.followup.views import category_of
from troly.followup.workflow import CANCELLED, DONE, FAILED, NOT_STARTED
from troly.models import DocumentRow, PassageRow
from troly.outline import strip_list_marker
from troly.queries import AssignmentQuery, DocFilter
from troly.schemas import DocumentPublic
from troly.store import documents_stamp, passage_counts
from troly.text import fold

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from troly.db import Database
    from troly.units import UnitCatalogue

__all__ = ["DocProfile", "FactFinder", "TaskProgress", "number_digits"]

_ROLE_ORDER = {"lead": 0, "responsible": 1, "assigned": 1, "requested": 1, "self": 1, "cooperate": 2}
_HEAD_PASSAGES = 2


def number_digits(number: str | None) -> str | None:
    """The leading serial of a document number ("912/TB-UBND" -> "912"); None for a blank one."""
    m = re.match(r"\s*(\d{1,6})", number or "")
    return m.group(1) if m else None


def _same_number(asked: str, stored: str | None) -> bool:
    if not stored:
        return False
    a, s = fold(asked).replace(" ", ""), fold(stored).replace(" ", "")
    if "/" in a or "-" in a:
        return a == s
    return number_digits(stored) == number_digits(asked)


@dataclass(slots=True)
class DocProfile:
    """A document and the words that name it: title, type, file name and its opening passages."""

    doc: DocumentPublic
    head: str  # the first passages' text (meeting sentence, "Kính gửi", …)

    @property
    def text(self) -> str:
        d = self.doc
        return " ".join(p for p in (d.type, d.number, d.title, d.issuer, d.file, self.head) if p)


@dataclass(slots=True)
class TaskProgress:
    """Where a task stands in the follow-up: its code ("NV-2026-000123", None when not tracked), the
    status (the asked unit's own line, else the assignment's as the report counts it) and the
    report category on the as-of date (None: the assignment was replaced or cancelled)."""

    code: str | None
    status: str
    category: str | None
    completed_on: dt.date | None = None
    result: str | None = None

    @property
    def done(self) -> bool:
        return self.status == DONE

    @property
    def closed(self) -> bool:
        """Nothing more is expected: reported done or "không thực hiện được", or cancelled."""
        return self.status in (DONE, FAILED) or self.category is None


def _read_profiles(session: Session) -> list[DocProfile]:
    counts = passage_counts(session=session)
    known_date = func.coalesce(DocumentRow.date, DocumentRow.date_partial)
    docs = list(
        session.scalars(
            select(DocumentRow)
            .options(selectinload(DocumentRow.files))  # one query, not one per document
            .order_by(known_date.desc().nulls_last())
        )
    )
    heads: dict[str, list[str]] = {}
    rows = session.execute(select(PassageRow.doc_id, PassageRow.text).where(PassageRow.ordinal < _HEAD_PASSAGES))
    for doc_id, text in rows:
        heads.setdefault(doc_id, []).append(text)
    return [
        DocProfile(DocumentPublic.from_row(d, passages=counts.get(d.id, 0)), " ".join(heads.get(d.id, [])))
        for d in docs
    ]


class FactFinder:
    """Documents by number, type, place, signer and date; assignments by unit, role, due and document."""

    def __init__(self, *, db: Database, catalogue: Callable[[], UnitCatalogue], tasks: TaskFinder) -> None:
        self.db = db
        self.catalogue = catalogue
        self.task_finder = tasks
        self._profiles: tuple[tuple[int, int], list[DocProfile]] | None = None

    # ---- documents ----------------------------------------------------------------------------

    def profiles(self) -> list[DocProfile]:
        """Every document with its opening passages, newest first.

        Read once per :func:`~troly.store.documents_stamp` (an ingest, a removal or a merged file
        moves it): every question reads them, some more than once. Callers get a new list of the
        same profiles and must not change them."""
        with self.db.session() as session:
            stamp = documents_stamp(session=session)  # first: the rows read are at least this new
            cached = self._profiles
            if cached is not None and cached[0] == stamp:
                return list(cached[1])
            profiles = _read_profiles(session)
        self._profiles = (stamp, profiles)
        return list(profiles)

    def documents(self, f: DocFilter | None = None) -> list[DocumentPublic]:
        """The documents ``f`` selects (all when None), newest first."""
        return [p.doc for p in self.profiles() if f is None or self.matches(p.doc, f)]

    @staticmethod
    def matches(d: DocumentPublic, f: DocFilter) -> bool:
        if f.doc_ids is not None and d.id not in f.doc_ids:
            return False
        if f.number and not _same_number(f.number, d.number):
            return False
        if f.doc_type and fold(d.type or "") != fold(f.doc_type):
            return False
        if f.place and fold(f.place) not in fold(f"{d.issuer or ''} {d.place or ''}"):
            return False
        if f.signer and fold(f.signer) not in fold(d.signer or ""):
            return False
        known = d.known_date  # a draft's "tháng 8/2025" falls in August 2025
        if f.date_from and (known is None or known < f.date_from):
            return False
        return not (f.date_to and (known is None or known > f.date_to))

    def passages(self, doc_id: str) -> list[str]:
        """A document's passages in reading order."""
        with self.db.session() as session:
            rows = session.scalars(
                select(PassageRow.text).where(PassageRow.doc_id == doc_id).order_by(PassageRow.ordinal)
            )
            return list(rows)

    def sections(self, doc_id: str) -> list[tuple[str, str]]:
        """(last heading, text) of a document's passages in reading order ("" for none)."""
        with self.db.session() as session:
            rows = session.execute(
                select(PassageRow.heading_path, PassageRow.text)
                .where(PassageRow.doc_id == doc_id)
                .order_by(PassageRow.ordinal)
            )
            return [((path or [""])[-1], text) for path, text in rows]

    # ---- assignments ----------------------------------------------------------------------------

    def _effective_dues(self, snap: TaskSnapshot) -> dict[int, tuple[dict[str, Any] | None, Due | None]]:
        """Per task of ``snap``: the deadline the answers give it when it has none stored (a past
        deadline its sentence restates, else its document's closing deadline for what it sends —
        ``_restore_due``, ``_share_due``; None: the stored one stands) and its deadline parsed.
        Computed once per snapshot, not per question."""
        memo = snap.memo.get("facts.dues")
        if memo is not None:
            return memo  # type: ignore[no-any-return]
        closing: dict[str, list[_Closing]] = {}
        # Closing deadline sentences: the tasks' text and stored deadline alone.
        for row in sorted((r for r in snap.rows if r.due_end is not None), key=lambda r: (r.doc_id, r.ordinal, r.id)):
            m = _CLOSING.match(fold(strip_list_marker(row.text)).strip())
            if m and row.due:
                closing.setdefault(row.doc_id, []).append(_Closing(row.id, m.group(1), dict(row.due)))
        out: dict[int, tuple[dict[str, Any] | None, Due | None]] = {}
        for row in snap.rows:
            view = TaskView(row.id, [], row.role, row.text, row.due, row.recurrence, row.quota, row.source)
            _restore_due(view)
            if not view.due and not view.recurrence:
                _share_due(view, closing.get(row.doc_id, []))
            if view.due is row.due:
                out[row.id] = (None, row.parsed_due)
            else:
                out[row.id] = (view.due, due_from_json(view.due))
        snap.memo["facts.dues"] = out
        return out

    def assignments(self, q: AssignmentQuery) -> list[TaskView]:
        """Tasks ``q`` selects, each with its deadline as written (a past deadline a document restates
        — "thời hạn hoàn thành trước ngày 15/10/2026, đến nay chưa hoàn thành" — included).

        Order: the unit's own tasks first (lead, then responsible, then cooperate), its groups'
        after; by deadline inside each.
        """
        snap = self.task_finder.snapshot()
        dues = self._effective_dues(snap)
        doc_ids: set[str] | None = None
        if q.documents is not None and not q.documents.is_empty():
            doc_ids = {d.id for d in self.documents(q.documents)}

        def wanted(row: StoredTask) -> bool:  # the document and deadline tests, on rows (cheap)
            if doc_ids is not None and row.doc_id not in doc_ids:
                return False
            return _in_window(q, dues[row.id][1], row.recurrence, row.source.get("date"))

        listing = self.task_finder.tasks(unit=q.unit, snapshot=snap, where=wanted)
        out = []
        for view in listing.tasks:
            given = dues[view.id][0]
            if given is not None:
                view.due = dict(given)
            if q.roles and (view.match != "self" or _role_key(view) not in q.roles):
                continue
            out.append(view)
        if q.status is not None or q.overdue:
            progress = self.progress(out, as_of=q.as_of or dt.date.max, unit=q.unit)
            out = [v for v in out if _has_status(progress[v.id], q)]
        sizes: dict[str, int] = {}
        if q.unit:
            out = self._own_province(q.unit, out)
            cat = self.catalogue()
            match = cat.resolve(q.unit)
            sizes = {g.id: len(cat.members(g.id)) for g in cat.groups_of(match.unit)} if match else {}

        def breadth(v: TaskView) -> int:  # a group duty: the size of the group named (smaller first)
            if v.match == "self":
                return 0
            return min((sizes[a["unit_id"]] for a in v.assignees if a.get("unit_id") in sizes), default=1 << 30)

        out.sort(
            key=lambda v: (v.match != "self", breadth(v), _ROLE_ORDER.get(v.unit_role or v.role, 1), _due_end(v), v.id)
        )
        return out

    def progress(self, views: list[TaskView], *, as_of: dt.date, unit: str | None = None) -> dict[int, TaskProgress]:
        """Each task's follow-up state on ``as_of``: ``unit``'s own line when a unit is asked (or the
        line of a former body it succeeds; a group's task it has not reported on is "chưa thực
        hiện" for it, as ``/baocao`` shows it), else the assignment's.

        A task not tracked yet (no code) is "chưa thực hiện"; its category comes from its deadline.
        """
        own_ids: list[str] = []  # the unit, then the former bodies it succeeds (their lines passed to it)
        if unit:
            cat = self.catalogue()
            match = cat.resolve(unit)
            if match is not None:
                own_ids = [match.unit.id, *(p.id for p in cat.predecessors(match.unit.id))]
        ids = [v.id for v in views]
        with self.db.session() as session:
            rows = session.scalars(
                select(AssignmentRow).where(AssignmentRow.task_id.in_(ids)).options(selectinload(AssignmentRow.units))
            )
            tracked = {a.task_id: a for a in rows}
            out: dict[int, TaskProgress] = {}
            for v in views:
                a = tracked.get(v.id)
                status, completed, result = NOT_STARTED, None, None
                if a is not None and not a.open:
                    status = CANCELLED
                elif a is not None and unit is not None:
                    lines = [u for u in a.units if u.unit_id in own_ids and u.status != CANCELLED]
                    own = min(lines, key=lambda u: own_ids.index(u.unit_id or ""), default=None)
                    if own is not None:
                        status, completed, result = own.status, own.completed_on, own.result
                elif a is not None:
                    status, completed = assignment_status(a)
                    result = "; ".join(u.result for u in a.units if u.result and u.status == DONE) or None
                due = due_from_json(v.due)
                category = category_of(
                    status=status,
                    completed_on=completed,
                    due_end=due.end if due else None,
                    recurring=recurrence_from_json(v.recurrence) is not None,
                    as_of=as_of,
                )
                out[v.id] = TaskProgress(a.code if a is not None else None, status, category, completed, result)
            return out

    def _own_province(self, unit: str, views: list[TaskView]) -> list[TaskView]:
        """A catalogued unit does not inherit its groups' duties from another province's documents
        ("UBND các xã, phường" of a Lào Cai plan are not Gia Lai's communes)."""
        cat = self.catalogue()
        match = cat.resolve(unit)
        if match is None or not match.unit.catalogued or not cat.province_names:
            return views
        home = {fold(p) for p in cat.province_names}
        foreign = {d.id for d in self.documents() if d.place and fold(d.place) not in home}
        return [v for v in views if v.match == "self" or v.source["doc_id"] not in foreign]


# A request's closing sentence that sets one deadline for what the items above send ("Báo cáo của
# các cơ quan, đơn vị gửi về UBND tỉnh trước ngày 12/6/2026"): its first noun names what is sent.
_CLOSING = re.compile(r"^(bao cao|van ban|y kien|ket qua|ho so|de xuat|danh sach)\b[^.;]{0,120}\b(gui|nop)\b")


@dataclass(frozen=True, slots=True)
class _Closing:
    """A closing deadline sentence (see ``_CLOSING``): its task, what it sends, its deadline."""

    task_id: int
    sent: str  # the folded first noun: "bao cao", "van ban", …
    due: dict[str, Any]


def _share_due(view: TaskView, closing: list[_Closing]) -> None:
    """A task without a deadline of its own takes its document's closing deadline for what it
    sends ("báo cáo tình hình …" under "Báo cáo … gửi về … trước ngày 12/6/2026")."""
    text = fold(view.text)
    for c in closing:
        if c.task_id != view.id and c.sent in text:
            view.due = dict(c.due)
            return


def _role_key(view: TaskView) -> str:
    role = view.unit_role or view.role
    return "responsible" if role in ("assigned", "requested", "self") else role


def _due_end(view: TaskView) -> str:
    return (view.due or {}).get("end") or "9999-12-31"


def _restore_due(view: TaskView) -> None:
    """A task stored without a deadline whose sentence restates one already past at issue."""
    if view.due or recurrence_from_json(view.recurrence):
        return
    issued = view.source.get("date")
    if not issued:
        return
    due = restated_due(view.text, issued=dt.date.fromisoformat(issued))
    if due is not None:
        view.due = to_json(due)


def _has_status(p: TaskProgress, q: AssignmentQuery) -> bool:
    """Whether a task's follow-up state is what ``q`` asks: overdue work is work not reported done."""
    if q.overdue or q.status == "overdue":
        return not p.closed
    if q.status == "done":
        return p.done
    if q.status == "open":
        return p.category is not None and not p.done
    return True


def _in_window(q: AssignmentQuery, due: Due | None, recurrence: dict[str, Any] | None, issued: str | None) -> bool:
    """Whether a task (its deadline ``due`` parsed, its recurrence, its document's ISO date) falls
    in what ``q`` asks: overdue, or a window of deadlines."""
    if not (q.overdue or q.status == "overdue") and q.due_from is None and q.due_to is None:
        return True
    rec = recurrence_from_json(recurrence)
    if q.overdue or q.status == "overdue":
        if q.as_of is None:
            raise ValueError("an overdue query needs as_of (today)")
        return due is not None and due.end < q.as_of and rec is None
    lo, hi = q.due_from or dt.date.min, q.due_to or dt.date.max
    since = dt.date.fromisoformat(issued) if issued else None
    return (due is not None or rec is not None) and occurs_in(due, rec, start=lo, end=hi, since=since)
