"""``troly tasks status|confirm|reopen|show|report``: the follow-up of assignments from the command line.

``troly tasks`` itself (no sub-command) still lists extracted assignments (``troly.cli``); these
sub-commands record a unit's progress on an assignment code ("NV-2026-000123"), let the office
confirm or reopen it, and write the progress report in the official categories, with the XLSX
appendix a report to the steering committee carries.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from troly import context as root
from troly.errors import TrolyError

if TYPE_CHECKING:
    from troly.followup import AssigneeView, FollowupService

__all__ = ["tasks_app"]

tasks_app = typer.Typer(
    help="Nhiệm vụ: danh sách (troly tasks --unit …), báo cáo tiến độ, xác nhận, tổng hợp theo tình trạng.",
    invoke_without_command=True,
)
console = Console()
err_console = Console(stderr=True)

_Today = Annotated[str | None, typer.Option("--today", help="Coi hôm nay là YYYY-MM-DD (thử nghiệm, tái lập).")]
_Unit = Annotated[str | None, typer.Option("--unit", help="Đơn vị báo cáo, ví dụ 'Sở Tư pháp'.")]


def _date(value: str | None, name: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as e:
        raise typer.BadParameter(f"{name} is YYYY-MM-DD", param_hint=name) from e


def _service(today: str | None) -> FollowupService:
    ctx = root.open_context()
    day = _date(today, "--today")
    if day is None:
        return ctx.followup_service()
    fixed = dt.datetime.combine(day, dt.time(12), tzinfo=ctx.tz)
    return ctx.followup_service(clock=lambda: fixed)


def _fail(exc: TrolyError) -> None:
    err_console.print(f"[red]Lỗi:[/red] {escape(exc.user_message)}")
    raise typer.Exit(2)


def _print_view(view: AssigneeView, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(view.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    flag = " (đã xác nhận)" if view.confirmed else ""
    console.print(
        f"[bold]{view.code}[/bold] — {escape(view.unit_name)}: [cyan]{view.status}{flag}[/cyan]"
        + (f" — {view.category}" if view.category else "")
    )
    if view.period:
        console.print(f"  Kỳ {view.period}: {view.period_status}")
    console.print(f"  {escape(view.text[:300])}")
    if view.due:
        console.print(f"  Thời hạn: {escape(view.due)}")
    if view.result:
        console.print(f"  Kết quả: {escape(view.result)}")
    for h in view.history:
        console.print(
            f"  {h.at} {h.from_status or '—'} → {h.to_status} {escape(f'[{h.action}, {h.channel}]')} ({escape(h.by)})"
            + (f": {escape(h.note)}" if h.note else "")
            + (f" — {h.period}" if h.period else "")
        )


@tasks_app.command("status")
def status_cmd(
    code: Annotated[str, typer.Argument(help="Mã nhiệm vụ, ví dụ NV-2026-000123.")],
    new_status: Annotated[str, typer.Argument(help="đang thực hiện | hoàn thành | không thực hiện được")],
    unit: _Unit = None,
    note: Annotated[str | None, typer.Option("--note", help="Ghi chú; với 'không thực hiện được': lý do.")] = None,
    evidence: Annotated[
        str | None, typer.Option("--evidence", help="Kết quả / sản phẩm (mặc định: số văn bản trong ghi chú).")
    ] = None,
    period: Annotated[
        str | None, typer.Option("--period", help="Kỳ của nhiệm vụ thường xuyên: 2026-11, 2026-Q4.")
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Người báo cáo.")] = "admin",
    expected_version: Annotated[
        int | None, typer.Option("--version", help="Chỉ đổi nếu phiên bản còn là số này.")
    ] = None,
    today: _Today = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Record a unit's progress on an assignment (the operator acts as an admin)."""
    svc = _service(today)
    try:
        ref = svc.resolve_unit(unit) if unit else None
        view = svc.report_status(
            code,
            new_status,
            unit=ref,
            by=by,
            channel="cli",
            note=note,
            evidence=evidence,
            admin=True,
            expected_version=expected_version,
            period=period,
        )
    except TrolyError as e:
        _fail(e)
        return
    _print_view(view, as_json)


@tasks_app.command("confirm")
def confirm_cmd(
    code: Annotated[str, typer.Argument(help="Mã nhiệm vụ.")],
    unit: _Unit = None,
    by: Annotated[str, typer.Option("--by")] = "admin",
    today: _Today = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Confirm a unit's reported completion."""
    svc = _service(today)
    try:
        view = svc.confirm(code, unit=svc.resolve_unit(unit) if unit else None, by=by, channel="cli")
    except TrolyError as e:
        _fail(e)
        return
    _print_view(view, as_json)


@tasks_app.command("reopen")
def reopen_cmd(
    code: Annotated[str, typer.Argument(help="Mã nhiệm vụ.")],
    unit: _Unit = None,
    note: Annotated[str | None, typer.Option("--note", help="Lý do mở lại.")] = None,
    by: Annotated[str, typer.Option("--by")] = "admin",
    today: _Today = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Reopen a reported completion (back to "đang thực hiện")."""
    svc = _service(today)
    try:
        view = svc.reopen(code, unit=svc.resolve_unit(unit) if unit else None, by=by, channel="cli", note=note)
    except TrolyError as e:
        _fail(e)
        return
    _print_view(view, as_json)


@tasks_app.command("show")
def show_cmd(
    code: Annotated[str, typer.Argument(help="Mã nhiệm vụ.")],
    today: _Today = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show every unit's status of one assignment, with its history."""
    views = _service(today).get(code)
    if not views:
        err_console.print(f"[red]Lỗi:[/red] Không tìm thấy nhiệm vụ mã {escape(code)}.")
        raise typer.Exit(1)
    if as_json:
        sys.stdout.write(json.dumps([v.to_dict() for v in views], ensure_ascii=False, indent=2) + "\n")
        return
    for v in views:
        _print_view(v, False)


@tasks_app.command("report")
def report_cmd(
    doc: Annotated[str | None, typer.Option("--doc", help="Số hiệu văn bản, ví dụ 174/TB-UBND.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Chỉ nhiệm vụ của đơn vị này.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Xuất phụ lục Excel (.xlsx).")] = None,
    today: _Today = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Counts in the official categories and one line per assignment (the report's appendix)."""
    from troly.followup import export_xlsx

    start, end = _date(date_from, "--from"), _date(date_to, "--to")
    try:
        report = _service(today).report(doc=doc, unit=unit, start=start, end=end)
    except TrolyError as e:
        _fail(e)
        return
    if xlsx:
        export_xlsx(report, xlsx)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=report.title, show_lines=True)
    for col in ("STT", "Mã", "Nội dung nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn", "Tình trạng", "Kết quả"):
        table.add_column(col, overflow="fold")
    for n, line in enumerate(report.lines, start=1):
        table.add_row(
            str(n),
            line.code,
            escape(line.text[:300]),
            escape(", ".join(line.leads)),
            escape(", ".join(line.cooperating)),
            escape(line.due),
            line.category,
            escape(line.result),
        )
    console.print(table)
    for cat, n in report.counts.items():
        console.print(f"  {cat}: {n}")
    console.print(report.summary())
    if xlsx:
        console.print(f"Đã ghi {xlsx}")
