"""Monthly idea-quota report, its XLSX/CSV export and the reminders for units behind quota.

Why one module: the CLI table, the spreadsheets sent to Sở KH&CN, the ``/chitieu`` chat answer and
the end-of-month reminders must agree to the idea, so they all read :func:`monthly_report`.
Reports carry counts, codes and titles only — never submitter names or contact details.

Month attribution follows each rule's ``month_by`` (see :mod:`troly.ideas.rules`): by default an
idea counts in the month it FIRST reached a counted status, provided its current status still
counts (a later "không khả thi" or withdrawal removes it from every month).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from troly.ideas.models import IdeaRow
from troly.ideas.rules import QuotaRule, RuleSet, load_rules
from troly.ideas.views import to_local

if TYPE_CHECKING:
    from rich.table import Table

    from troly.config import Settings
    from troly.db import Database
    from troly.units import Unit, UnitCatalogue

__all__ = [
    "QuotaLine",
    "QuotaReport",
    "ReportSources",
    "admin_summary",
    "due_reminders",
    "export_csv",
    "export_xlsx",
    "monthly_report",
    "parse_month",
    "render_table",
]


class ReportSources(Protocol):
    """What the report reads: settings (time zone, rules file, reminder day), the database and the
    unit catalogue. The composition root (``troly.context.Context``) provides them."""

    @property
    def settings(self) -> Settings: ...

    @property
    def db(self) -> Database: ...

    def catalogue(self) -> UnitCatalogue: ...


HEADERS = ["Đơn vị", "Mã đơn vị", "Chỉ tiêu tối thiểu", "Tối đa", "Đã tính", "Còn thiếu", "Ý tưởng được tính"]


@dataclass(slots=True)
class CountedIdea:
    code: str
    title: str
    status: str
    counted_at: dt.datetime


@dataclass(slots=True)
class QuotaLine:
    unit_id: str
    unit_name: str
    rule_id: str
    required: int
    maximum: int | None
    counted: int
    submitted: int  # ideas submitted in the month (any status), for context
    ideas: list[CountedIdea] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return max(0, self.required - self.counted)

    @property
    def over(self) -> bool:
        return self.maximum is not None and self.counted > self.maximum


@dataclass(slots=True)
class QuotaReport:
    year: int
    month: int
    lines: list[QuotaLine]
    rules: list[QuotaRule]
    flagged_duplicates: list[tuple[str, str, float]] = field(default_factory=list)  # (code, duplicate_of, score)

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}"

    @property
    def totals(self) -> dict[str, int]:
        return {
            "units": len(self.lines),
            "required": sum(x.required for x in self.lines),
            "counted": sum(x.counted for x in self.lines),
            "missing": sum(x.missing for x in self.lines),
            "behind": sum(1 for x in self.lines if x.missing),
            "submitted": sum(x.submitted for x in self.lines),
        }

    def line(self, unit_id: str) -> QuotaLine | None:
        return next((x for x in self.lines if x.unit_id == unit_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "month": f"{self.year}-{self.month:02d}",
            "lines": [
                {
                    "unit_id": x.unit_id,
                    "unit_name": x.unit_name,
                    "rule": x.rule_id,
                    "required": x.required,
                    "max": x.maximum,
                    "counted": x.counted,
                    "missing": x.missing,
                    "submitted": x.submitted,
                    "ideas": [{"code": i.code, "title": i.title, "status": i.status} for i in x.ideas],
                }
                for x in self.lines
            ],
            "totals": self.totals,
            "duplicates": [{"code": c, "duplicate_of": d, "score": s} for c, d, s in self.flagged_duplicates],
        }


def parse_month(text: str | None, today: dt.date) -> tuple[int, int]:
    """ "2026-11", "11/2026", "11-2026", "tháng 11", "11" or empty (this month) -> (year, month)."""
    import re

    t = (text or "").strip().lower()
    if not t:
        return today.year, today.month
    m = re.search(r"(\d{4})\s*[-/.]\s*(\d{1,2})\b", t)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
    else:
        m = re.search(r"\b(\d{1,2})\s*(?:[-/.]\s*(\d{4}))?\b", t)
        if not m:
            raise ValueError(f"bad month {text!r}")
        mo = int(m.group(1))
        y = int(m.group(2)) if m.group(2) else today.year
    if not 1 <= mo <= 12:
        raise ValueError(f"bad month {text!r}")
    return y, mo


def _unit_of(cat: UnitCatalogue, unit_id: str, unit_name: str) -> Unit | None:
    u = cat.get(unit_id)
    if u is None:
        match = cat.resolve(unit_name)
        u = match.unit if match else None
    return u


def _counted_at(row: IdeaRow, rule: QuotaRule, tz: ZoneInfo) -> dt.datetime | None:
    """When the idea counts for ``rule`` (None: it does not count at all)."""
    if row.withdrawn or row.status not in rule.counted_statuses:
        return None
    if rule.month_by == "submitted":
        return to_local(row.created_at, tz)
    reached = [to_local(h.changed_at, tz) for h in row.history if h.to_status in rule.counted_statuses]
    return min(reached) if reached else to_local(row.status_changed_at, tz)


def monthly_report(
    ctx: ReportSources,
    year: int,
    month: int,
    *,
    rules: RuleSet | None = None,
    unit_ids: set[str] | None = None,
    include: list[Unit] | None = None,
) -> QuotaReport:
    """Every unit a rule covers (catalogued members, uncatalogued units that sent ideas, ``include``)."""
    tz = ZoneInfo(ctx.settings.timezone)
    cat = ctx.catalogue()
    rules = rules or load_rules(ctx.settings.ideas_rules_file)
    with ctx.db.session() as session:
        rows = list(session.execute(select(IdeaRow).options(selectinload(IdeaRow.history))).scalars())
    lines: dict[str, QuotaLine] = {}
    rule_of: dict[str, QuotaRule] = {}

    def ensure(unit: Unit) -> QuotaLine | None:
        if unit.id in lines:
            return lines[unit.id]
        rule = rules.rule_for(unit, cat)
        if rule is None:
            return None
        rule_of[unit.id] = rule
        lines[unit.id] = QuotaLine(unit.id, unit.name, rule.id, rule.min, rule.max, 0, 0)
        return lines[unit.id]

    for rule in rules.rules:
        target = cat.get(rule.applies_to)
        if target is None:
            continue
        for u in cat.members(target.id) if target.is_group else [target]:
            if not u.defunct:
                ensure(u)
    for u in include or []:
        ensure(u)
    dups: list[tuple[str, str, float]] = []
    for row in rows:
        unit = _unit_of(cat, row.unit_id, row.unit_name)
        line = ensure(unit) if unit is not None else None
        created = to_local(row.created_at, tz)
        if created.year == year and created.month == month and row.duplicate_of:
            dups.append((row.code or "", row.duplicate_of, float(row.duplicate_score or 0)))
        if line is None:
            continue
        if created.year == year and created.month == month:
            line.submitted += 1
        when = _counted_at(row, rule_of[line.unit_id], tz)
        if when is not None and when.year == year and when.month == month:
            line.counted += 1
            line.ideas.append(CountedIdea(row.code or "", row.title, row.status, when))
    out = [x for x in lines.values() if unit_ids is None or x.unit_id in unit_ids]
    order = {r.id: i for i, r in enumerate(rules.rules)}
    out.sort(key=lambda x: (order.get(x.rule_id, 99), x.unit_name))
    return QuotaReport(year, month, out, list(rules.rules), dups)


# ----------------------------------------------------------------------------------------------
# Rendering and export (counts, codes and titles only)
# ----------------------------------------------------------------------------------------------


def _titles(line: QuotaLine) -> str:
    return "; ".join(f"{i.code} {i.title}" for i in line.ideas)


def render_table(report: QuotaReport, *, only_behind: bool = False) -> Table:
    """The quota table; ``only_behind`` hides units on target (the totals still cover every unit)."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Chỉ tiêu ý tưởng đổi mới sáng tạo tháng {report.label}", show_footer=True)
    t = report.totals
    table.add_column("Đơn vị", footer=f"Tổng ({t['units']} đơn vị, {t['behind']} chưa đạt)")
    table.add_column("Chỉ tiêu", justify="right", footer=str(t["required"]))
    table.add_column("Đã tính", justify="right", footer=str(t["counted"]))
    table.add_column("Còn thiếu", justify="right", footer=str(t["missing"]))
    table.add_column("Ý tưởng được tính")
    for x in report.lines:
        if only_behind and not x.missing:
            continue
        req = f"{x.required}–{x.maximum}" if x.maximum is not None else f"≥{x.required}"
        style = "red" if x.missing else ("yellow" if x.over else "green")
        table.add_row(
            escape(x.unit_name),
            req,
            f"[{style}]{x.counted}[/{style}]",
            str(x.missing) if x.missing else "",
            escape(_titles(x)),
        )
    return table


def _rows(report: QuotaReport) -> list[list[object]]:
    rows: list[list[object]] = [
        [
            x.unit_name,
            x.unit_id,
            x.required,
            x.maximum if x.maximum is not None else "",
            x.counted,
            x.missing,
            _titles(x),
        ]
        for x in report.lines
    ]
    t = report.totals
    rows.append(
        [
            "Tổng cộng",
            f"{t['units']} đơn vị",
            t["required"],
            "",
            t["counted"],
            t["missing"],
            f"{t['behind']} đơn vị chưa đạt",
        ]
    )
    return rows


def _safe_cell(value: object) -> object:
    """Spreadsheet formula injection guard: text starting with = + - @ is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def export_csv(report: QuotaReport, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADERS)
        for r in _rows(report):
            w.writerow([_safe_cell(v) for v in r])
    return path


def export_xlsx(report: QuotaReport, path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = f"Chi tieu {report.year}-{report.month:02d}"
    ws.append([f"Chỉ tiêu ý tưởng đổi mới sáng tạo tháng {report.label}"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(HEADERS)
    for c in ws[2]:
        c.font = Font(bold=True)
    for r in _rows(report):
        ws.append([_safe_cell(v) for v in r])
    for c in ws[ws.max_row]:
        c.font = Font(bold=True)
    for col, width in zip("ABCDEFG", (32, 26, 10, 8, 9, 10, 80), strict=False):
        ws.column_dimensions[col].width = width
    ws2 = wb.create_sheet("Quy dinh")
    ws2.append(["Quy định", "Áp dụng cho", "Tối thiểu", "Tối đa", "Trạng thái được tính", "Tính theo tháng", "Nguồn"])
    for rule in report.rules:
        ws2.append(
            [
                rule.label,
                rule.applies_to,
                rule.min,
                rule.max if rule.max is not None else "",
                ", ".join(sorted(rule.counted_statuses)),
                "tháng đạt trạng thái" if rule.month_by == "status_reached" else "tháng gửi",
                rule.source or "",
            ]
        )
    if report.flagged_duplicates:
        ws3 = wb.create_sheet("Nghi trung lap")
        ws3.append(["Mã ý tưởng", "Giống ý tưởng", "Độ tương đồng"])
        for code, dup, score in report.flagged_duplicates:
            ws3.append([code, dup, round(score, 3)])
    wb.save(path)
    return path


# ----------------------------------------------------------------------------------------------
# Reminders (the Telegram/Zalo side schedules these; plain functions here)
# ----------------------------------------------------------------------------------------------


def due_reminders(
    ctx: ReportSources, today: dt.date, *, day: int | None = None, rules: RuleSet | None = None
) -> list[tuple[str, str]]:
    """(unit_id, Vietnamese text) for each unit behind quota, from ``day`` (default settings, 25) on."""
    start = day if day is not None else ctx.settings.ideas_reminder_day
    if today.day < start:
        return []
    report = monthly_report(ctx, today.year, today.month, rules=rules)
    out = []
    for x in report.lines:
        if not x.missing:
            continue
        text = (
            f"Nhắc việc: tháng {report.label}, {x.unit_name} mới có {x.counted}/{x.required} ý tưởng "
            f"được tính theo chỉ tiêu (còn thiếu {x.missing}). Đề nghị đơn vị hoàn thành trước cuối tháng "
            "và cập nhật kết quả cho Sở Khoa học và Công nghệ."
        )
        out.append((x.unit_id, text))
    return out


def admin_summary(ctx: ReportSources, today: dt.date, *, rules: RuleSet | None = None, limit: int = 30) -> str:
    """One message for admins: totals and the units behind quota this month."""
    report = monthly_report(ctx, today.year, today.month, rules=rules)
    t = report.totals
    lines = [
        (
            f"Tổng hợp ý tưởng tháng {report.label}: {t['counted']}/{t['required']} ý tưởng được tính, "
            f"{t['behind']}/{t['units']} đơn vị chưa đạt chỉ tiêu; {t['submitted']} ý tưởng gửi trong tháng."
        )
    ]
    cat = ctx.catalogue()
    for rule in report.rules:
        mine = [x for x in report.lines if x.rule_id == rule.id]
        behind = [x for x in mine if x.missing]
        target = cat.get(rule.applies_to)
        if target is not None and target.is_group:
            names = ", ".join(x.unit_name for x in behind[:limit])
            more = f" và {len(behind) - limit} đơn vị khác" if len(behind) > limit else ""
            lines.append(
                f"- {target.name}: {len(behind)}/{len(mine)} đơn vị chưa đạt"
                + (f" ({names}{more})." if behind else ".")
            )
        else:
            for x in mine:
                state = f"thiếu {x.missing}" if x.missing else "đạt"
                lines.append(f"- {x.unit_name}: {x.counted}/{x.required} ({state})")
    if report.flagged_duplicates:
        lines.append(f"{len(report.flagged_duplicates)} ý tưởng nghi trùng lặp cần xem xét.")
    return "\n".join(lines)
