"""The follow-up service: the store with the composition root's database, catalogue and clock."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from troly.clock import Clock, local_now
from troly.errors import UserInputError
from troly.followup import store
from troly.followup.digest import DEFAULT_REMINDER_DAYS, admin_overdue, reminders, weekly_digest
from troly.followup.identity import ReconcileStats, group_of_key, reconcile_assignments
from troly.followup.models import AssignmentRow, AssignmentUnitRow, SubscriptionRow
from troly.followup.report import ProgressReport, build_report
from troly.followup.views import AssigneeView, category_of, view_of
from troly.followup.workflow import CANCELLED, NOT_STARTED
from troly.models import ProcessedUpdateRow, TaskRow
from troly.store import find_document

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from troly.config import Settings
    from troly.db import Database
    from troly.units import UnitCatalogue

__all__ = ["FollowupService", "UnitRef"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UnitRef:
    id: str
    name: str


class FollowupService:
    """What the CLI and the chat flows call; each method is one transaction."""

    def __init__(
        self, settings: Settings, *, db: Database, catalogue: Callable[[], UnitCatalogue], clock: Clock
    ) -> None:
        """Args:
        settings: the time zone.
        db: where assignments and statuses are stored.
        catalogue: the current unit catalogue (resolves "Sở KH&CN" to a unit id).
        clock: the current instant.
        """
        self.settings = settings
        self.db = db
        self._catalogue = catalogue
        self.tz = ZoneInfo(settings.timezone)
        self._clock = clock

    def now(self) -> dt.datetime:
        return local_now(self._clock, self.tz)

    def today(self) -> dt.date:
        return self.now().date()

    # ---- identities ---------------------------------------------------------------------------

    def sync(self) -> ReconcileStats:
        """Track documents whose tasks predate the follow-up (a database built before it): ingest
        tracks every document it writes, so this finds work only once, after the upgrade.

        Each document is tracked in a transaction that also claims ``followup-sync:<doc id>`` (a
        unique key): when several workers start at once, one tracks it and the others skip it.
        """
        total = ReconcileStats()
        with self.db.session() as session:
            with_tasks = set(session.scalars(select(TaskRow.doc_id).distinct()))
            tracked = set(session.scalars(select(AssignmentRow.doc_id).distinct()))
        for doc_id in sorted(with_tasks - tracked):
            try:
                with self.db.transaction() as session:
                    session.add(ProcessedUpdateRow(key=f"followup-sync:{doc_id}"[:300]))
                    session.flush()
                    s = reconcile_assignments(session=session, doc_id=doc_id, now=self.now())
            except IntegrityError:
                continue  # another worker tracked it
            total.created += s.created
        if total.created:
            logger.info("follow-up: %d assignments of untracked documents got codes", total.created)
        return total

    def resolve_unit(self, name: str) -> UnitRef:
        match = self._catalogue().resolve(name)
        if match is None:
            raise UserInputError(
                f"unknown unit {name!r}",
                user_message=f"Chưa nhận ra đơn vị “{name[:80]}”. Vui lòng ghi rõ tên, ví dụ: Sở Tư pháp, UBND xã Tây Sơn.",
            )
        return UnitRef(match.unit.id, match.unit.name)

    def _doc_ids(self, session: Session, ref: str) -> list[str]:
        docs = find_document(session=session, ref=ref)
        if not docs:
            raise UserInputError(
                f"unknown document {ref!r}",
                user_message=f"Không tìm thấy văn bản “{ref[:80]}” (ghi số hiệu như 174/TB-UBND).",
            )
        return [d.id for d in docs]

    # ---- statuses -----------------------------------------------------------------------------

    def report_status(
        self,
        code: str,
        status: str,
        *,
        unit: UnitRef | None,
        by: str,
        channel: str,
        note: str | None = None,
        evidence: str | None = None,
        admin: bool = False,
        expected_version: int | None = None,
        period: str | None = None,
    ) -> AssigneeView:
        """Record progress (see :func:`troly.followup.store.report_status`)."""
        self.sync()
        relations = self._relations(unit.id) if unit else ([], [])
        with self.db.transaction() as session:
            return store.report_status(
                session=session,
                code=code,
                status=status,
                unit_id=unit.id if unit else None,
                unit_name=unit.name if unit else None,
                by=by,
                channel=channel,
                now=self.now(),
                tz=self.tz,
                note=note,
                evidence=evidence,
                admin=admin,
                expected_version=expected_version,
                period=period,
                groups=relations[0],
                predecessors=relations[1],
            )

    def confirm(
        self, code: str, *, unit: UnitRef | None, by: str, channel: str, expected_version: int | None = None
    ) -> AssigneeView:
        with self.db.transaction() as session:
            return store.confirm(
                session=session,
                code=code,
                unit_id=unit.id if unit else None,
                by=by,
                channel=channel,
                now=self.now(),
                tz=self.tz,
                expected_version=expected_version,
            )

    def reopen(
        self,
        code: str,
        *,
        unit: UnitRef | None,
        by: str,
        channel: str,
        note: str | None = None,
        expected_version: int | None = None,
    ) -> AssigneeView:
        with self.db.transaction() as session:
            return store.reopen(
                session=session,
                code=code,
                unit_id=unit.id if unit else None,
                by=by,
                channel=channel,
                now=self.now(),
                tz=self.tz,
                note=note,
                expected_version=expected_version,
            )

    # ---- reading ------------------------------------------------------------------------------

    def get(self, code: str) -> list[AssigneeView]:
        """Every assignee line of one assignment, with its history (empty for an unknown code)."""
        self.sync()
        with self.db.session() as session:
            a = store.find_assignment(session=session, code=code)
            if a is None:
                return []
            return [view_of(u, as_of=self.today(), tz=self.tz, history=True) for u in a.units]

    def _relations(self, unit_id: str, cat: UnitCatalogue | None = None) -> tuple[list[str], list[str]]:
        """The ids of the groups ``unit_id`` belongs to ("UBND các xã, phường" for a commune) and of
        the former bodies it succeeds (Sở KH&CN ← Sở TT&TT since 2025: their assignments passed to
        it with the statuses reported so far). ``cat``: a catalogue already at hand (a digest run
        asks for many units)."""
        cat = cat or self._catalogue()
        if cat.get(unit_id) is None:
            return [], []
        return [g.id for g in cat.groups_of(unit_id)], [p.id for p in cat.predecessors(unit_id)]

    @staticmethod
    def _lines_of(
        unit_id: str, rows: Sequence[AssignmentUnitRow], groups: Collection[str], preds: Collection[str]
    ) -> list[AssignmentUnitRow]:
        """A unit's lines among ``rows`` in their order: its own and its predecessors', then (once
        per assignment) the lines of tasks given to its groups that it has not reported on."""
        mine = {unit_id, *preds}
        own = {u.assignment_id for u in rows if u.unit_id in mine}
        out: list[AssignmentUnitRow] = []
        for u in rows:
            if u.unit_id in mine:
                out.append(u)
            elif u.unit_id in groups and u.assignment_id not in own and group_of_key(u.unit_key) is None:
                own.add(u.assignment_id)
                out.append(u)
        return out

    def _as_member(self, view: AssigneeView, unit: UnitRef) -> AssigneeView:
        """A group's line seen by one member that has not reported on it yet (version 0: no line)."""
        view.unit_id, view.unit_name = unit.id, unit.name
        view.status, view.confirmed, view.version = NOT_STARTED, False, 0
        view.completed_on, view.result, view.note, view.history = None, None, None, []
        view.category = category_of(
            status=NOT_STARTED,
            completed_on=None,
            due_end=dt.date.fromisoformat(view.due_end) if view.due_end else None,
            recurring=view.recurring,
            as_of=self.today(),
        )
        return view

    def of_unit(self, unit: UnitRef, *, include_closed: bool = False) -> list[AssigneeView]:
        """A unit's own assignment lines in document order, with its predecessors' lines (a former
        body it succeeds) and the tasks given to its groups ("UBND các xã, phường") as its own
        lines, "chưa thực hiện" until it reports on them."""
        self.sync()
        groups, preds = self._relations(unit.id)
        with self.db.session() as session:
            rows = store.assignee_rows(
                session=session, unit_ids=[unit.id, *groups, *preds], include_closed=include_closed
            )
            return [
                view_of(u, as_of=self.today(), tz=self.tz)
                if u.unit_id == unit.id or u.unit_id in preds
                else self._as_member(view_of(u, as_of=self.today(), tz=self.tz), unit)
                for u in self._lines_of(unit.id, rows, groups, preds)
            ]

    def line_for(self, code: str, unit: UnitRef) -> AssigneeView | None:
        """``unit``'s line of one assignment (its own, a predecessor's, or its group's as a
        member's), else None."""
        views = self.get(code)
        mine = next((v for v in views if v.unit_id == unit.id), None)
        if mine is not None:
            return mine
        groups, preds = self._relations(unit.id)
        inherited = next((v for v in views if v.unit_id in preds and v.status != CANCELLED), None)
        if inherited is not None:
            return inherited
        group = next((v for v in views if v.unit_id in groups and v.status != CANCELLED), None)
        return self._as_member(group, unit) if group is not None else None

    def report(
        self,
        *,
        doc: str | None = None,
        unit: str | None = None,
        start: dt.date | None = None,
        end: dt.date | None = None,
        as_of: dt.date | None = None,
    ) -> ProgressReport:
        """The progress report for a document, a unit, a period, or the province (all filters optional)."""
        if start and end and start > end:
            raise UserInputError("start after end", user_message="Ngày bắt đầu phải trước ngày kết thúc.")
        self.sync()
        ref = self.resolve_unit(unit) if unit else None
        groups, preds = self._relations(ref.id) if ref else ([], [])
        with self.db.session() as session:
            doc_ids = self._doc_ids(session, doc) if doc else None
            rows = store.assignee_rows(
                session=session,
                doc_ids=doc_ids,
                unit_ids=[ref.id, *groups, *preds] if ref else None,
                start=start,
                end=end,
            )
            if ref is not None:  # the unit's lines as /baocao shows them: its own, inherited, its groups'
                rows = self._lines_of(ref.id, rows, groups, preds)
            scope = [f"văn bản {doc}" if doc else "", ref.name if ref else ""]
            if start or end:
                scope.append(f"từ {start:%d/%m/%Y}" if start else "")
                scope.append(f"đến {end:%d/%m/%Y}" if end else "")
            title = "Tình hình thực hiện nhiệm vụ " + (" ".join(s for s in scope if s) or "toàn tỉnh")
            return build_report(rows, as_of=as_of or self.today(), title=title, per_unit=ref is not None, start=start)

    # ---- opt-in messages ----------------------------------------------------------------------

    def subscribe(self, user_key: str, unit: UnitRef | None) -> None:
        """Opt in to the weekly digest and reminders of ``unit`` (None: the overdue list, admins)."""
        now = self.now()
        with self.db.transaction() as session:
            row = session.get(SubscriptionRow, user_key)
            if row is None:
                row = SubscriptionRow(user_key=user_key, created_at=now)
                session.add(row)
            row.unit_id, row.unit_name = (unit.id, unit.name) if unit else (None, None)
            row.active, row.updated_at = True, now

    def unsubscribe(self, user_key: str) -> bool:
        """Opt out; False when the user was not subscribed."""
        with self.db.transaction() as session:
            row = session.get(SubscriptionRow, user_key)
            if row is None or not row.active:
                return False
            row.active, row.updated_at = False, self.now()
            return True

    def digests(
        self, today: dt.date, *, admins: frozenset[str] = frozenset(), days: tuple[int, ...] = DEFAULT_REMINDER_DAYS
    ) -> list[tuple[str, str]]:
        """(user_key, text) for every active subscriber on ``today``: the unit's digest on Mondays,
        deadline reminders ``days`` before, and for subscribed ``admins`` without a unit the
        province's overdue list on Mondays. A few queries for any number of subscribers."""
        self.sync()
        with self.db.session() as session:
            subs = list(session.scalars(select(SubscriptionRow).where(SubscriptionRow.active.is_(True))))
            unit_ids = sorted({s.unit_id for s in subs if s.unit_id})
            cat = self._catalogue()
            relations = {uid: self._relations(uid, cat) for uid in unit_ids}
            wanted = sorted({r for uid, (g, p) in relations.items() for r in (uid, *g, *p)})
            rows = store.assignee_rows(session=session, unit_ids=wanted) if wanted else []
            by_id: dict[str, list[tuple[int, AssignmentUnitRow]]] = {}
            for i, u in enumerate(rows):
                by_id.setdefault(u.unit_id or "", []).append((i, u))
            by_unit = {
                uid: self._lines_of(
                    uid, [u for _, u in sorted((x for r in (uid, *g, *p) for x in by_id.get(r, [])), key=_first)], g, p
                )
                for uid, (g, p) in relations.items()
            }
            monday = today.weekday() == 0
            settled = store.current_period_settled(session=session, rows=rows, today=today) if monday else set()
            province = (
                store.assignee_rows(session=session)
                if monday and any(s.unit_id is None and s.user_key in admins for s in subs)
                else []
            )
            out: list[tuple[str, str]] = []
            texts_of: dict[str, list[str]] = {}  # unit id → its texts today (many subscribers, one unit)
            for s in subs:
                if s.unit_id is None:
                    text = admin_overdue(province, today) if s.user_key in admins and monday else None
                    if text:
                        out.append((s.user_key, text))
                    continue
                if s.unit_id not in texts_of:
                    lines = by_unit.get(s.unit_id, [])
                    name = s.unit_name or s.unit_id
                    parts = [
                        weekly_digest(name, lines, today, settled=settled) if monday else None,
                        reminders(name, lines, today, days),
                    ]
                    texts_of[s.unit_id] = [p for p in parts if p]
                texts = texts_of[s.unit_id]
                if texts:
                    out.append((s.user_key, "\n\n".join(texts)))
            return out


def _first(item: tuple[int, AssignmentUnitRow]) -> int:
    return item[0]
