"""The ``troly`` command line: thin typer commands that build settings, call library code, and
turn ``TrolyError`` into a message and a non-zero exit code."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from troly.config import Settings
from troly.context import Context
from troly.errors import TrolyError

__all__ = ["app"]

app = typer.Typer(help="Trợ lý (troly): văn bản chỉ đạo, nhiệm vụ, hạn chót và ý tưởng đổi mới sáng tạo.",
                  no_args_is_help=True, add_completion=False)
console = Console()
err_console = Console(stderr=True)

_STATUS_STYLE = {"added": "green", "updated": "cyan", "unchanged": "dim", "failed": "red", "removed": "yellow"}


def _context() -> Context:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # request URLs carry bot tokens
    return Context(Settings())


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _fail(exc: TrolyError) -> None:
    err_console.print(f"[red]Lỗi:[/red] {exc.user_message}\n[dim]{exc}[/dim]")
    raise typer.Exit(2)


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to index.")],
    sync: Annotated[bool, typer.Option("--sync", help="Remove documents whose files are gone.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Index documents (PDF, DOCX, DOC, TXT, MD, HTML, images). Unchanged files are skipped."""
    from ingest.pipeline import Ingestor, collect_files

    ctx = _context()
    ingestor = Ingestor(ctx)
    try:
        total = len(collect_files(paths))
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err_console, transient=True,
                      disable=as_json or not err_console.is_terminal) as progress:
            task = progress.add_task("Đang lập chỉ mục", total=total)
            stats = ingestor.ingest(
                paths, sync=sync,
                on_file=lambda p: progress.update(task, description=f"Đang xử lý {p.name}"),
                on_result=lambda r: progress.advance(task) if r.status != "removed" else None,
            )
    except TrolyError as e:
        _fail(e)
        return
    results = stats.results
    counts = {s: sum(1 for r in results if r.status == s) for s in _STATUS_STYLE}
    if as_json:
        _print_json({"counts": counts, "seconds": round(stats.total_seconds, 3),
                     "embed_seconds": round(stats.embed_seconds, 3),
                     "passages_embedded": stats.passages_embedded,
                     "results": [{"path": r.path, "status": r.status, "doc_id": r.doc_id,
                                  "passages": r.passages, "reason": r.reason} for r in results]})
    else:
        table = Table(title="Kết quả lập chỉ mục")
        for col in ("Tệp", "Trạng thái", "Mã văn bản", "Đoạn", "Ghi chú"):
            table.add_column(col)
        for r in results:
            style = _STATUS_STYLE[r.status]
            table.add_row(Path(r.path).name, f"[{style}]{r.status}[/{style}]", r.doc_id or "",
                          str(r.passages), r.reason or "")
        console.print(table)
        console.print(" · ".join(f"{name}: {n}" for name, n in counts.items())
                      + f" · {stats.passages_embedded} passages embedded in {stats.total_seconds:.1f}s")
    if counts["failed"]:
        raise typer.Exit(1)


@app.command()
def docs(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List indexed documents with their metadata."""
    from troly.schemas import DocumentPublic
    from troly.store import list_documents, passage_counts

    ctx = _context()
    with ctx.db.session() as session:
        counts = passage_counts(session=session)
        rows = [DocumentPublic.from_row(d, passages=counts.get(d.id, 0)) for d in list_documents(session=session)]
    if as_json:
        _print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table(title=f"{len(rows)} văn bản")
    for col in ("Mã", "Loại", "Số", "Ngày", "Cơ quan ban hành", "Người ký", "Đoạn"):
        table.add_column(col)
    for r in rows:
        date = r.date.strftime("%d/%m/%Y") if r.date else ""
        if r.date and r.date_precision == "month":
            date = r.date.strftime("%m/%Y")
        table.add_row(r.id, r.type or "", r.number or "", date, r.issuer or "", r.signer or "", str(r.passages))
    console.print(table)


@app.command()
def remove(doc: Annotated[str, typer.Argument(help="Document id, number, file name or path.")]) -> None:
    """Remove a document and its passages from every index."""
    from ingest.pipeline import Ingestor

    ctx = _context()
    try:
        removed = Ingestor(ctx).remove(doc)
    except TrolyError as e:
        _fail(e)
        return
    if not removed:
        err_console.print(f"Không tìm thấy văn bản '{doc}'.")
        raise typer.Exit(1)
    console.print(f"Đã xóa: {', '.join(removed)}")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Question or keywords, in Vietnamese.")],
    k: Annotated[int, typer.Option("-k", "--top", min=1, max=100)] = 5,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Find the passages that best answer a question."""
    from retrieval.search import Searcher
    from troly.schemas import HitPublic

    ctx = _context()
    try:
        hits = Searcher(ctx).search(query, k=k)
    except TrolyError as e:
        _fail(e)
        return
    public = [HitPublic.from_hit(h, rank=i + 1) for i, h in enumerate(hits)]
    if as_json:
        _print_json({"query": query, "hits": [h.model_dump(mode="json") for h in public]})
        return
    if not public:
        console.print("Không tìm thấy đoạn văn bản phù hợp.")
    for h in public:
        cite = " ".join(x for x in (h.type, h.number, h.date.strftime("%d/%m/%Y") if h.date else None) if x)
        console.print(f"[bold]{h.rank}.[/bold] [cyan]{cite}[/cyan] [dim]{h.heading}[/dim] ({h.score:.3f})")
        console.print(f"   {h.text[:400]}")


if __name__ == "__main__":  # pragma: no cover
    app()
