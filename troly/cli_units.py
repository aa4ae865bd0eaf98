"""``troly units …``: list the unit catalogue of a province, and attach names documents use to it."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from troly.context import Context
    from troly.units import UnitCatalogue

__all__ = ["units_app"]

units_app = typer.Typer(
    help="Danh mục đơn vị: xã, phường (mã chính thức), sở, ban, ngành, đoàn thể và tên đơn vị nêu trong văn bản.",
    invoke_without_command=True,
    no_args_is_help=False,
)
console = Console()
err_console = Console(stderr=True)

# Departments first, then the other provincial bodies, then central ones.
_KIND_ORDER = (
    "sở", "ban", "văn phòng", "thanh tra", "công an", "quân sự", "đoàn thể", "ban chỉ đạo", "ubnd", "hđnd", "đảng",
    "ngành", "đơn vị sự nghiệp", "báo chí", "doanh nghiệp", "trung ương",
)  # fmt: skip
_RELATION_LABEL = {"alias": "tên gọi khác của", "member-of": "thành viên của", "successor-of": "tiền thân của"}


def _context() -> Context:
    from troly import context as root  # looked up at call time: tests patch open_context

    return root.open_context()


def _catalogue(ctx: Context, province: str | None) -> UnitCatalogue:
    """The context's catalogue, or the same layers built for another province."""
    from troly.unit_sources import province_name
    from troly.unit_store import with_documents
    from troly.units import UnitCatalogue

    try:
        if province is None or province_name(province) == province_name(ctx.settings.province):
            return ctx.catalogue()
        base = UnitCatalogue.load(ctx.settings.units_file, province=province)
    except ValueError as e:
        err_console.print(f"[red]Lỗi:[/red] không có tỉnh/thành phố “{escape(province or ctx.settings.province)}”.")
        err_console.print(f"[dim]{escape(str(e))}[/dim]")
        raise typer.Exit(2) from e
    with ctx.db.session() as session:
        return with_documents(base, session=session)


def listing(cat: UnitCatalogue, *, former: bool = False) -> dict[str, Any]:
    """The catalogue in sections: communes/wards, bodies, groups, former units, document names."""
    from troly.units import COMMUNE_KINDS

    communes: list[dict[str, Any]] = []
    bodies: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    old: list[dict[str, Any] | None] = []  # None: a former commune counted, not listed
    named: list[dict[str, Any]] = []
    for u in cat:
        row: dict[str, Any] = {"id": u.id, "name": u.name, "kind": u.kind}
        if u.from_documents:
            row["documents"] = cat.document_count(u.id)
            link = [*(("member-of", g) for g in u.groups), *(("successor-of", s) for s in u.successors)]
            if link:
                row["attached"] = {"as": link[0][0], "to": link[0][1], "to_name": cat.units[link[0][1]].name}
            named.append(row)
        elif u.defunct:
            row["successors"] = [s.name for s in cat.current(u.id)]
            if u.code:
                row["code"] = u.code
            if former or u.kind not in (*COMMUNE_KINDS, "xã"):
                old.append(row)
            else:
                old.append(None)  # counted, not listed
        elif u.is_group:
            groups.append(row)
        elif u.kind in COMMUNE_KINDS:
            row["code"] = u.code
            communes.append(row)
        else:
            row["aliases"] = list(u.aliases)
            bodies.append(row)
    order = {k: i for i, k in enumerate(_KIND_ORDER)}
    bodies.sort(key=lambda r: order.get(r["kind"], len(order)))
    return {
        "province": cat.province,
        "communes": communes,
        "bodies": bodies,
        "groups": groups,
        "former": [r for r in old if r is not None],
        "former_communes_hidden": sum(r is None for r in old),
        "document_names": sorted(named, key=lambda r: (-r["documents"], r["name"])),
    }


def _print(data: dict[str, Any]) -> None:
    communes = data["communes"]
    by_kind: dict[str, int] = {}
    for r in communes:
        by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + 1
    kinds = ", ".join(f"{n} {k}" for k, n in by_kind.items())
    t = Table(title=f"Xã, phường, đặc khu — {data['province']}: {len(communes)} đơn vị ({kinds})")
    for col in ("Mã", "Tên", "Loại", "Mã đơn vị"):
        t.add_column(col)
    for r in communes:
        t.add_row(r["code"] or "", r["name"], r["kind"], r["id"])
    console.print(t)
    t = Table(title=f"Sở, ban, ngành, đoàn thể và cơ quan khác ({len(data['bodies'])})")
    for col in ("Mã đơn vị", "Tên", "Loại", "Tên gọi khác"):
        t.add_column(col)
    for r in data["bodies"]:
        t.add_row(r["id"], r["name"], r["kind"], ", ".join(r["aliases"][:4]))
    console.print(t)
    t = Table(title=f"Nhóm đơn vị ({len(data['groups'])})")
    for col in ("Mã đơn vị", "Tên"):
        t.add_column(col)
    for r in data["groups"]:
        t.add_row(r["id"], r["name"])
    console.print(t)
    t = Table(title=f"Đơn vị cũ, đã sáp nhập hoặc giải thể ({len(data['former'])})")
    for col in ("Mã đơn vị", "Tên", "Nay là"):
        t.add_column(col)
    for r in data["former"]:
        t.add_row(r["id"], r["name"], ", ".join(r["successors"]))
    console.print(t)
    if data["former_communes_hidden"]:
        console.print(
            f"… và {data['former_communes_hidden']} xã, phường, thị trấn cũ (trước 1-7-2025): troly units --former"
        )
    named = data["document_names"]
    t = Table(title=f"Đơn vị nêu trong văn bản, chưa có trong danh mục ({len(named)})")
    for col in ("Mã đơn vị", "Tên (như trong văn bản)", "Số văn bản", "Đã gắn"):
        t.add_column(col)
    for r in named:
        att = r.get("attached")
        t.add_row(
            r["id"], r["name"], str(r["documents"]), f"{_RELATION_LABEL[att['as']]} {att['to_name']}" if att else ""
        )
    console.print(t)
    if named:
        console.print(
            'Gắn vào danh mục: troly units attach "<tên>" --to <mã đơn vị> [--as alias|member-of|successor-of]'
        )


@units_app.callback()
def units(
    typer_ctx: typer.Context,
    province: Annotated[
        str | None, typer.Option("--province", help="Tỉnh/thành phố (mặc định TROLY_PROVINCE).")
    ] = None,
    unknown: Annotated[
        bool, typer.Option("--unknown", help="Unit names documents use that the catalogue lacks.")
    ] = False,
    former: Annotated[bool, typer.Option("--former", help="Also list every commune of before 1-7-2025.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show the unit catalogue of a province (communes and wards with their official codes, departments,
    former units, names documents use), or the unknown unit names found in documents."""
    if typer_ctx.invoked_subcommand is not None:
        return
    from sqlalchemy import func, select

    from troly.models import UnknownUnitRow

    ctx = _context()
    if unknown:
        with ctx.db.session() as session:
            rows = session.execute(
                select(UnknownUnitRow.name, func.count()).group_by(UnknownUnitRow.name).order_by(func.count().desc())
            ).all()
        if as_json:
            sys.stdout.write(json.dumps([{"name": n, "documents": c} for n, c in rows], ensure_ascii=False) + "\n")
            return
        table = Table(title="Tên đơn vị chưa có trong danh mục")
        table.add_column("Tên")
        table.add_column("Số văn bản", justify="right")
        for name, n in rows:
            table.add_row(name, str(n))
        console.print(table)
        return
    data = listing(_catalogue(ctx, province), former=former)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    _print(data)


@units_app.command("attach")
def attach(
    name: Annotated[str, typer.Argument(help="The unit's name as the documents write it.")],
    to: Annotated[str, typer.Option("--to", help="Id of the catalogue unit (see troly units).")],
    relation: Annotated[
        str, typer.Option("--as", help="alias | member-of (a group) | successor-of (a former body).")
    ] = "alias",
) -> None:
    """Attach a unit name documents use to a catalogue unit (stored in the database, not the YAML)."""
    from troly.unit_store import attach_unit, document_unit_names

    ctx = _context()
    cat = ctx.catalogue()
    try:
        with ctx.db.transaction() as session:
            known = document_unit_names(session=session)
            a = attach_unit(session=session, catalogue=cat, name=name, unit_id=to, relation=relation)
    except ValueError as e:
        err_console.print(f"[red]Lỗi:[/red] {escape(str(e))}")
        raise typer.Exit(2) from e
    target = cat.get(a.unit_id)
    target_name = target.name if target is not None else a.unit_id
    console.print(f"Đã gắn “{escape(a.name)}” là {_RELATION_LABEL[a.relation]} {escape(target_name)} ({a.unit_id}).")
    if a.name not in known:
        console.print("[yellow]Lưu ý:[/yellow] chưa văn bản nào đã lập chỉ mục dùng đúng tên này.")


@units_app.command("detach")
def detach(name: Annotated[str, typer.Argument(help="The name given to troly units attach.")]) -> None:
    """Undo troly units attach for a name."""
    from troly.unit_store import detach_unit

    ctx = _context()
    with ctx.db.transaction() as session:
        done = detach_unit(session=session, name=name)
    if not done:
        err_console.print(f"Không có tên “{escape(name)}” đã gắn.")
        raise typer.Exit(1)
    console.print(f"Đã bỏ gắn “{escape(name)}”.")
