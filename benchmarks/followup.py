"""Benchmark of the assignment follow-up (issue 14): progress summaries over 20,000 assignments ×
135 units, and one digest run for 1,000 subscribers; prints the time and SQL statements of each.

    python benchmarks/followup.py [--assignments 20000] [--units 135] [--subscribers 1000]

Synthetic rows (seeded) in a throwaway SQLite home; no model is loaded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import event

from troly.config import Settings
from troly.context import Context
from troly.followup import DONE, FAILED, IN_PROGRESS, NOT_STARTED, build_report
from troly.followup import store as fstore
from troly.followup.models import AssignmentRow, AssignmentUnitRow, SubscriptionRow

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def populate(ctx: Context, *, assignments: int, units: int, subscribers: int, seed: int = 14) -> list[str]:
    rng = random.Random(seed)
    unit_ids = [f"unit-{i:03d}" for i in range(units)]
    now = dt.datetime(2026, 11, 2, 8, 0, tzinfo=TZ)
    with ctx.db.transaction() as session:
        for i in range(1, assignments + 1):
            due_end = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 365)) if rng.random() < 0.85 else None
            recurring = due_end is None and rng.random() < 0.7
            a = AssignmentRow(
                id=i, code=f"NV-2026-{i:06d}", doc_id=f"doc-{i // 40:04d}", doc_number=f"{i // 40}/TB-UBND",
                ordinal=i % 40, text=f"Nhiệm vụ số {i}: triển khai nội dung {rng.randrange(10**6)}.",
                heading_path=["I"], due={"end": due_end.isoformat(), "text": "trước ngày"} if due_end else None,
                due_end=due_end, recurrence={"period": "month", "text": "hằng tháng"} if recurring else None,
                created_at=now, updated_at=now,
            )  # fmt: skip
            for pos, uid in enumerate(rng.sample(unit_ids, rng.choice((1, 1, 2, 3)))):
                status = rng.choice((NOT_STARTED, IN_PROGRESS, DONE, DONE, FAILED))
                a.units.append(
                    AssignmentUnitRow(
                        unit_key=uid, unit_id=uid, unit_name=f"Đơn vị {uid[-3:]}", role="lead" if pos == 0 else "cooperate",
                        position=pos, status=status, updated_at=now, confirmed=False,
                        completed_on=(due_end or dt.date(2026, 6, 1)) + dt.timedelta(days=rng.randrange(-20, 20)) if status == DONE else None,
                    )
                )  # fmt: skip
            session.add(a)
        for n in range(subscribers):
            session.add(
                SubscriptionRow(user_key=f"telegram:{n}", unit_id=rng.choice(unit_ids), unit_name="Đơn vị", active=True,
                                created_at=now, updated_at=now)
            )  # fmt: skip
    return unit_ids


class Counter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, *args: object) -> None:
        self.n += 1


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--assignments", type=int, default=20_000)
    p.add_argument("--units", type=int, default=135)
    p.add_argument("--subscribers", type=int, default=1_000)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as home:
        monday = dt.datetime(2026, 11, 2, 8, 0, tzinfo=TZ)
        ctx = Context(Settings(home=Path(home)), clock=lambda: monday)
        t0 = time.perf_counter()
        unit_ids = populate(ctx, assignments=args.assignments, units=args.units, subscribers=args.subscribers)
        print(f"populated {args.assignments} assignments × {args.units} units in {time.perf_counter() - t0:.1f} s")
        svc = ctx.followup_service()
        counter = Counter()
        event.listen(ctx.db.engine, "before_cursor_execute", counter)

        def measure(label: str, fn):  # type: ignore[no-untyped-def]
            counter.n = 0
            t = time.perf_counter()
            out = fn()
            print(f"{label}: {time.perf_counter() - t:.2f} s, {counter.n} SQL statements")
            return out

        report = measure("province report", lambda: svc.report())
        print("  " + report.summary())
        measure("period report (Q4 2026)", lambda: svc.report(start=dt.date(2026, 10, 1), end=dt.date(2026, 12, 31)))

        def one_unit() -> object:
            with ctx.db.session() as session:
                rows = fstore.assignee_rows(session=session, unit_ids=[unit_ids[0]])
                return build_report(rows, as_of=monday.date(), title="u", per_unit=True)

        measure("one unit's report", one_unit)
        items = measure(
            f"digest run for {args.subscribers} subscribers (Monday)",
            lambda: svc.digests(monday.date(), admins=frozenset()),
        )
        print(f"  {len(items)} messages; {counter.n / max(1, args.subscribers):.3f} SQL statements per subscriber")


if __name__ == "__main__":
    main()
