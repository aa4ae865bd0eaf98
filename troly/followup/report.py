"""Progress summaries in the province's categories and the XLSX appendix of a progress report.

Without a unit filter the report counts assignments (as the province's reports do: "hoàn thành
132/239 nhiệm vụ"): an assignment is done when every lead unit (every unit, when none leads) has
reported it done, on time when the last of them did so by the deadline. With a unit filter it
counts that unit's own lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from troly.followup.identity import group_of_key
from troly.followup.models import AssignmentRow, AssignmentUnitRow
from troly.followup.views import category_of, due_text
from troly.followup.workflow import CANCELLED, CATEGORIES, DONE, FAILED, IN_PROGRESS, NOT_STARTED

__all__ = ["HEADERS", "ProgressReport", "ReportLine", "assignment_status", "build_report", "export_xlsx"]

#: The appendix columns of a report to the steering committee.
HEADERS = (
    "STT",
    "Nội dung nhiệm vụ",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời hạn",
    "Tình trạng",
    "Kết quả / sản phẩm",
    "Ghi chú",
)


@dataclass(slots=True)
class ReportLine:
    code: str
    doc_number: str | None
    text: str
    leads: list[str]
    cooperating: list[str]
    due: str
    status: str
    category: str
    result: str
    note: str

    def cells(self, n: int) -> list[object]:
        return [
            n,
            self.text,
            ", ".join(self.leads),
            ", ".join(self.cooperating),
            self.due,
            self.category,
            self.result,
            "; ".join(x for x in (self.code, self.note) if x),
        ]


@dataclass(slots=True)
class ProgressReport:
    title: str
    as_of: dt.date
    lines: list[ReportLine] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(CATEGORIES, 0)
        for line in self.lines:
            out[line.category] += 1
        return out

    @property
    def total(self) -> int:
        return len(self.lines)

    def summary(self) -> str:
        """One sentence as the reports write it: "hoàn thành 12/30 nhiệm vụ (…)"."""
        c = self.counts
        done = c["hoàn thành đúng hạn"] + c["hoàn thành quá hạn"]
        parts = [f"{n} {cat}" for cat, n in c.items() if n]
        return f"Hoàn thành {done}/{self.total} nhiệm vụ" + (f" ({'; '.join(parts)})" if parts else "") + "."

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "as_of": self.as_of.isoformat(),
            "total": self.total,
            "counts": self.counts,
            "lines": [
                {
                    "stt": n,
                    "code": line.code,
                    "doc": line.doc_number,
                    **dict(zip(HEADERS[1:], line.cells(n)[1:], strict=True)),
                }
                for n, line in enumerate(self.lines, start=1)
            ],
        }


def _is_lead(u: AssignmentUnitRow) -> bool:
    return u.role != "cooperate"


def _aggregate(units: Sequence[AssignmentUnitRow]) -> tuple[str, dt.date | None]:
    """The status of an assignment from its lead units' statuses, and when it was completed."""
    live = [u for u in units if u.status != CANCELLED]
    leads = [u for u in live if _is_lead(u)] or live
    if not leads:
        return CANCELLED, None
    statuses = {u.status for u in leads}
    if statuses == {DONE}:
        dates = [u.completed_on for u in leads if u.completed_on]
        return DONE, max(dates) if dates else None
    if statuses <= {DONE, FAILED}:
        return FAILED, None
    return (IN_PROGRESS if statuses - {NOT_STARTED} else NOT_STARTED), None


def _status_of(units: Sequence[AssignmentUnitRow], members: Sequence[AssignmentUnitRow]) -> tuple[str, dt.date | None]:
    status, completed = _aggregate(units)
    if status == NOT_STARTED and any(m.status not in (NOT_STARTED, CANCELLED) for m in members):
        status = IN_PROGRESS
    return status, completed


def assignment_status(a: AssignmentRow) -> tuple[str, dt.date | None]:
    """The status of a whole assignment as the report counts it, and when it was completed: done when
    every lead unit reported it done; members' own lines of a group task only show it started."""
    members = [u for u in a.units if group_of_key(u.unit_key) is not None]
    return _status_of([u for u in a.units if u not in members], members)


def _member_note(members: Sequence[AssignmentUnitRow]) -> str:
    """What the members of an assigned group reported on their own lines ("3 đơn vị đã báo cáo: …")."""
    live = [m for m in members if m.status != CANCELLED]
    if not live:
        return ""
    by_status: dict[str, int] = {}
    for m in live:
        by_status[m.status] = by_status.get(m.status, 0) + 1
    return f"{len(live)} đơn vị thành viên đã báo cáo: " + ", ".join(f"{n} {st}" for st, n in by_status.items())


def _line(
    a: AssignmentRow, units: Sequence[AssignmentUnitRow], *, as_of: dt.date, split_members: bool = True
) -> ReportLine | None:
    """One report line; with ``split_members``, members' own lines of a group task are summarised in
    the note instead of counted as assignees (the group's line stands for the assignment)."""
    members = [u for u in units if group_of_key(u.unit_key) is not None] if split_members else []
    units = [u for u in units if u not in members]
    status, completed = _status_of(units, members)
    cat = category_of(
        status=status, completed_on=completed, due_end=a.due_end, recurring=bool(a.recurrence), as_of=as_of
    )
    if cat is None:
        return None
    live = [u for u in units if u.status != CANCELLED]
    with_result = [u for u in live if u.result]
    failed = [u for u in live if u.note and u.status == FAILED]
    results = [f"{u.unit_name}: {u.result}" if len(with_result) > 1 else u.result for u in with_result]
    notes = [f"{u.unit_name}: {u.note}" if len(failed) > 1 else u.note for u in failed]
    return ReportLine(
        code=a.code or "",
        doc_number=a.doc_number,
        text=a.text,
        leads=[u.unit_name for u in live if _is_lead(u)],
        cooperating=[u.unit_name for u in live if not _is_lead(u)],
        due=due_text(a),
        status=status,
        category=cat,
        result="; ".join(r for r in results if r),
        note="; ".join(n for n in [*notes, _member_note(members)] if n),
    )


def build_report(
    rows: Sequence[AssignmentUnitRow],
    *,
    as_of: dt.date,
    title: str,
    per_unit: bool = False,
    start: dt.date | None = None,
) -> ProgressReport:
    """Lines in document order: one per assignment, or one per assignee line with ``per_unit``.

    With ``start``, an assignment due before it is kept only while it is not finished (a report
    for a period carries earlier overdue work, not earlier completions).
    """
    report = ProgressReport(title=title, as_of=as_of)
    groups: dict[tuple[int, int], list[AssignmentUnitRow]] = {}
    for u in rows:
        groups.setdefault((u.assignment_id, u.id if per_unit else 0), []).append(u)
    for units in groups.values():
        a = units[0].assignment
        line = _line(a, units if per_unit else list(a.units), as_of=as_of, split_members=not per_unit)
        if line is None:
            continue
        if start is not None and a.due_end is not None and a.due_end < start and line.status in (DONE, FAILED):
            continue
        report.lines.append(line)
    return report


def _safe_cell(value: object) -> object:
    """Spreadsheet formula injection guard: text starting with = + - @ is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def export_xlsx(report: ProgressReport, path: Path) -> Path:
    """The appendix ("Phụ lục") of a progress report: a title, the summary, one row per line."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Phu luc"
    ws.append([f"PHỤ LỤC: {report.title}".upper()])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([f"Tính đến ngày {report.as_of:%d/%m/%Y}. {report.summary()}"])
    ws.append(list(HEADERS))
    for c in ws[3]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for n, line in enumerate(report.lines, start=1):
        ws.append([_safe_cell(v) for v in line.cells(n)])
        for c in ws[ws.max_row]:
            c.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEFGH", (6, 70, 28, 28, 22, 24, 36, 30), strict=True):
        ws.column_dimensions[col].width = width
    ws2 = wb.create_sheet("Tong hop")
    ws2.append(["Tình trạng", "Số nhiệm vụ"])
    for cat, n in report.counts.items():
        ws2.append([cat, n])
    ws2.append(["Tổng số", report.total])
    wb.save(path)
    return path
