"""``troly ideas …``: submit, list, change status, import and report community innovation ideas.

Why a sub-app of its own: the idea workflow (Sở KH&CN's monthly quota follow-up) is run by an
operator on the server, separately from document indexing. The operator is trusted, yet lists hide
submitter contacts unless ``--contacts`` is given, and reports/exports never contain them.
JSON output (``--json``) goes through pydantic models so its shape is a stable boundary.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from troly import context as root
from troly.errors import TrolyError

if TYPE_CHECKING:
    from troly.ideas import IdeaService
    from troly.ideas.views import IdeaView

__all__ = ["ideas_app"]

ideas_app = typer.Typer(
    help="Ý tưởng đổi mới sáng tạo: gửi, danh sách, trạng thái, nhập tệp, báo cáo chỉ tiêu.", no_args_is_help=True
)
console = Console()
err_console = Console(stderr=True)


class IdeaOut(BaseModel):
    code: str
    title: str
    description: str | None = None
    field: str
    unit_id: str
    unit_name: str
    status: str
    withdrawn: bool
    created_at: str
    duplicate_of: str | None = None
    duplicate_score: float | None = None
    submitter_name: str | None = None
    contact: str | None = None
    created: bool | None = None


class ImportOut(BaseModel):
    imported: list[str]
    skipped: list[dict[str, Any]]
    errors: list[dict[str, Any]]


def _service() -> IdeaService:
    return root.open_context().idea_service()


def _out(model: BaseModel | list[BaseModel]) -> None:
    data = (
        [m.model_dump(exclude_none=True) for m in model]
        if isinstance(model, list)
        else model.model_dump(exclude_none=True)
    )
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _fail(exc: TrolyError) -> None:
    err_console.print(f"[red]Lỗi:[/red] {escape(exc.user_message)}")
    raise typer.Exit(2)


def _idea_out(view: IdeaView, *, contacts: bool, description: bool = True) -> IdeaOut:
    d = view.to_dict(show_contact=contacts, with_description=description)
    d.pop("history", None)
    return IdeaOut(**{k: v for k, v in d.items() if k in IdeaOut.model_fields})


@ideas_app.command("submit")
def submit(
    unit: Annotated[str, typer.Option("--unit", help="Đơn vị: 'xã Tây Sơn', 'Tỉnh đoàn' hoặc mã đơn vị.")],
    title: Annotated[str, typer.Option("--title")],
    description: Annotated[str, typer.Option("--description")],
    field: Annotated[str | None, typer.Option("--field", help="Lĩnh vực (chuyển đổi số, nông nghiệp, …).")] = None,
    submitter: Annotated[str | None, typer.Option("--submitter")] = None,
    contact: Annotated[str | None, typer.Option("--contact")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Record one idea (status "mới") and print its id."""
    from troly.ideas import IdeaDraft

    try:
        view = _service().submit(
            IdeaDraft(
                title=title,
                description=description,
                unit=unit,
                field=field,
                submitter_name=submitter,
                contact=contact,
                channel="cli",
                source="cli",
            )
        )
    except TrolyError as e:
        _fail(e)
        return
    if as_json:
        out = _idea_out(view, contacts=True)
        out.created = view.created
        _out(out)
        return
    console.print(f"Đã ghi nhận ý tưởng [bold]{view.code}[/bold] của {escape(view.unit_name)}.")
    if view.duplicate_of:
        console.print(
            f"[yellow]Lưu ý:[/yellow] gần giống ý tưởng {view.duplicate_of} (độ tương đồng {view.duplicate_score:.2f})."
        )


@ideas_app.command("list")
def list_cmd(
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM (tháng gửi).")] = None,
    unit: Annotated[str | None, typer.Option("--unit")] = None,
    status: Annotated[str | None, typer.Option("--status")] = None,
    contacts: Annotated[bool, typer.Option("--contacts", help="Hiện người gửi và liên hệ (chỉ quản trị).")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List ideas; contacts are hidden unless --contacts."""
    from troly.ideas import normalise_status, resolve_unit
    from troly.ideas.report import parse_month

    svc = _service()
    filters: dict[str, Any] = {}
    try:
        if month:
            filters["month"] = parse_month(month, svc.now().date())
        if unit:
            filters["unit_ids"] = [resolve_unit(svc.catalogue, unit).id]
        if status:
            st = normalise_status(status)
            if st is None:
                raise typer.BadParameter(f"unknown status {status!r}")
            filters["status"] = st
    except ValueError as e:
        raise typer.BadParameter(str(e)) from e
    except TrolyError as e:
        _fail(e)
        return
    views = svc.list(**filters)
    if as_json:
        _out([_idea_out(v, contacts=contacts) for v in views])
        return
    table = Table(title=f"Ý tưởng ({len(views)})")
    cols = ["Mã", "Ngày gửi", "Đơn vị", "Tiêu đề", "Lĩnh vực", "Trạng thái", "Nghi trùng"]
    if contacts:
        cols += ["Người gửi", "Liên hệ"]
    for c in cols:
        table.add_column(c)
    for v in views:
        dup = f"{v.duplicate_of} ({v.duplicate_score:.2f})" if v.duplicate_of else ""
        row = [v.code, v.created_at.strftime("%d/%m/%Y"), v.unit_name, v.title, v.field, v.status, dup]
        if contacts:
            row += [v.submitter_name or "", v.contact or ""]
        table.add_row(*(escape(str(x)) for x in row))
    console.print(table)


@ideas_app.command("status")
def status_cmd(
    code: Annotated[str, typer.Argument(help="Mã ý tưởng, ví dụ YT-2026-000123.")],
    new_status: Annotated[str | None, typer.Argument(help="Trạng thái mới; bỏ trống để xem.")] = None,
    by: Annotated[str, typer.Option("--by", help="Người thay đổi.")] = "admin",
    note: Annotated[str | None, typer.Option("--note")] = None,
    force: Annotated[bool, typer.Option("--force", help="Bỏ qua kiểm tra quy trình.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show an idea's status and history, or move it to NEW_STATUS (recorded with --by and time)."""
    svc = _service()
    view: IdeaView | None
    try:
        if new_status:
            view = svc.set_status(code, new_status, by=by, note=note, force=force)
        else:
            view = svc.get(code)
            if view is None:
                err_console.print(f"[red]Lỗi:[/red] Không tìm thấy ý tưởng mã {escape(code)}.")
                raise typer.Exit(1)
    except TrolyError as e:
        _fail(e)
        return
    if as_json:
        sys.stdout.write(json.dumps(view.to_dict(show_contact=True), ensure_ascii=False, indent=2) + "\n")
        return
    console.print(
        f"[bold]{view.code}[/bold] {escape(view.title)} — {escape(view.unit_name)}: [cyan]{view.status}[/cyan]"
    )
    for h in view.history:
        console.print(
            f"  {h.changed_at:%d/%m/%Y %H:%M} {h.from_status or '—'} → {h.to_status} "
            f"({escape(h.changed_by)}){': ' + escape(h.note) if h.note else ''}"
        )


@ideas_app.command("import")
def import_cmd(
    path: Annotated[
        Path,
        typer.Argument(
            help="Tệp .xlsx hoặc .csv (cột: đơn vị, tiêu đề, mô tả, lĩnh vực, người gửi, liên hệ, ngày gửi).",
            exists=True,
            dir_okay=False,
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Import ideas; bad rows are reported by row number, good rows stored, re-import is idempotent."""
    try:
        res = _service().import_file(path)
    except TrolyError as e:
        _fail(e)
        return
    if as_json:
        _out(
            ImportOut(
                imported=res.imported,
                skipped=[{"row": r, "code": c} for r, c in res.skipped],
                errors=[{"row": r, "message": m} for r, m in res.errors],
            )
        )
    else:
        console.print(
            f"Đã nhập {len(res.imported)} ý tưởng; {len(res.skipped)} dòng đã có từ trước; {len(res.errors)} dòng lỗi."
        )
        for r, m in res.errors:
            console.print(f"  [red]Dòng {r}:[/red] {escape(m)}")
    if res.errors:
        raise typer.Exit(1)


@ideas_app.command("report")
def report_cmd(
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM; mặc định tháng này.")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Xuất Excel (.xlsx).")] = None,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="Xuất CSV.")] = None,
    behind: Annotated[
        bool, typer.Option("--behind", help="Bảng chỉ hiện đơn vị chưa đạt (tổng vẫn tính mọi đơn vị).")
    ] = False,
    from_directives: Annotated[
        bool,
        typer.Option(
            "--from-directives", help='Thêm chỉ tiêu "… ý tưởng/tháng" trích từ văn bản (quy định YAML được ưu tiên).'
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Monthly quota table per unit: required, counted, missing, plus totals (never contacts)."""
    from troly.ideas.report import (
        export_csv,
        export_xlsx,
        monthly_report,
        parse_month,
        render_table,
    )
    from troly.ideas.rules import load_rules, rules_from_tasks, with_task_rules

    ctx = root.open_context()
    try:
        year, mon = parse_month(month, ctx.today())
    except ValueError as e:
        raise typer.BadParameter(str(e)) from e
    try:
        rules = load_rules(ctx.settings.ideas_rules_file, catalogue=ctx.catalogue())
        if from_directives:
            with ctx.db.session() as session:
                rules = with_task_rules(rules, rules_from_tasks(session, ctx.catalogue()), ctx.catalogue())
        report = monthly_report(ctx, year, mon, rules=rules)
    except TrolyError as e:
        _fail(e)
        return
    if xlsx:
        export_xlsx(report, xlsx)
    if csv_path:
        export_csv(report, csv_path)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    console.print(render_table(report, only_behind=behind))
    if report.flagged_duplicates:
        console.print(
            f"[yellow]{len(report.flagged_duplicates)} ý tưởng nghi trùng lặp:[/yellow] "
            + ", ".join(f"{c}≈{d} ({s:.2f})" for c, d, s in report.flagged_duplicates)
        )
    for p in (xlsx, csv_path):
        if p:
            console.print(f"Đã xuất: {p}")
