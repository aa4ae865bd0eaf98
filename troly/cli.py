"""The ``troly`` command line: thin typer commands that build settings, call library code, and
turn ``TrolyError`` into a message and a non-zero exit code."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from troly import context as root
from troly.cli_db import db_app
from troly.cli_evals import register_eval_commands
from troly.cli_followup import tasks_app
from troly.cli_ideas import ideas_app
from troly.cli_units import units_app
from troly.config import Settings
from troly.context import Context, quiet_logging
from troly.errors import TrolyError

if TYPE_CHECKING:
    import datetime as dt

    from bot.core.assistant import Assistant
    from ingest.pipeline import Ingestor, RunStats
    from retrieval.directives import TaskListing
    from retrieval.search import Mode, SearchFilters

__all__ = ["app"]

app = typer.Typer(
    help="Trợ lý (troly): văn bản chỉ đạo, nhiệm vụ, hạn chót và ý tưởng đổi mới sáng tạo.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)

_STATUS_STYLE = {
    "added": "green",
    "updated": "cyan",
    "unchanged": "dim",
    "merged": "blue",
    "failed": "red",
    "removed": "yellow",
}


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _fail(exc: TrolyError) -> None:
    err_console.print(f"[red]Lỗi:[/red] {exc.user_message}\n[dim]{exc}[/dim]")
    raise typer.Exit(2)


def _ingest_with_progress(ingestor: Ingestor, paths: list[Path], *, sync: bool, quiet: bool) -> RunStats:
    """Run an ingest with a progress bar on stderr (none when printing JSON or not on a terminal)."""
    from ingest.pipeline import collect_files

    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=quiet or not err_console.is_terminal,
    ) as progress:
        task = progress.add_task("Đang lập chỉ mục", total=len(collect_files(paths)))
        return ingestor.ingest(
            paths,
            sync=sync,
            on_file=lambda p: progress.update(task, description=f"Đang xử lý {p.name}"),
            on_result=lambda r: progress.advance(task) if r.status != "removed" else None,
        )


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to index.")],
    sync: Annotated[bool, typer.Option("--sync", help="Remove documents whose files are gone.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
    replaces: Annotated[
        str | None,
        typer.Option(
            "--replaces",
            help="The one FILE is a corrected version of this indexed document (id, number or file name): "
            "its text and tasks replace the old ones, tracked assignments keep their codes and statuses, "
            "the old file stays listed as an earlier version.",
        ),
    ] = None,
) -> None:
    """Index documents (PDF, DOCX, DOC, TXT, MD, HTML, images). Unchanged files are skipped."""
    from ingest.pipeline import RunStats

    ctx = root.open_context()
    try:
        ingestor = ctx.ingestor()
        if replaces is not None:
            if len(paths) != 1 or paths[0].is_dir():
                err_console.print("[red]--replaces nhận đúng một tệp.[/red]")
                raise typer.Exit(2)
            stats = RunStats(results=[ingestor.replace(paths[0], replaces)])
        else:
            stats = _ingest_with_progress(ingestor, paths, sync=sync, quiet=as_json)
    except TrolyError as e:
        _fail(e)
        return
    results = stats.results
    counts = {s: sum(1 for r in results if r.status == s) for s in _STATUS_STYLE}
    if as_json:
        _print_json(
            {
                "counts": counts,
                "seconds": round(stats.total_seconds, 3),
                "embed_seconds": round(stats.embed_seconds, 3),
                "passages_embedded": stats.passages_embedded,
                "results": [
                    {"path": r.path, "status": r.status, "doc_id": r.doc_id, "passages": r.passages, "reason": r.reason}
                    for r in results
                ],
            }
        )
    else:
        table = Table(title="Kết quả lập chỉ mục")
        for col in ("Tệp", "Trạng thái", "Mã văn bản", "Đoạn", "Ghi chú"):
            table.add_column(col)
        for r in results:
            style = _STATUS_STYLE[r.status]
            table.add_row(
                Path(r.path).name, f"[{style}]{r.status}[/{style}]", r.doc_id or "", str(r.passages), r.reason or ""
            )
        console.print(table)
        console.print(
            " · ".join(f"{name}: {n}" for name, n in counts.items())
            + f" · {stats.passages_embedded} passages embedded in {stats.total_seconds:.1f}s"
        )
    if counts["failed"]:
        raise typer.Exit(1)


@app.command()
def docs(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List indexed documents with their metadata."""
    from troly.schemas import DocumentPublic
    from troly.store import list_documents, passage_counts

    ctx = root.open_context()
    with ctx.db.session() as session:
        counts = passage_counts(session=session)
        rows = [DocumentPublic.from_row(d, passages=counts.get(d.id, 0)) for d in list_documents(session=session)]
    if as_json:
        _print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table(title=f"{len(rows)} văn bản")
    for col in ("Mã", "Loại", "Số", "Ngày", "Cơ quan ban hành", "Người ký", "Đoạn", "Tệp"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r.id,
            r.type or "",
            r.number or "",
            r.date_label,
            r.issuer or "",
            r.signer or "",
            str(r.passages),
            "\n".join(r.files),
        )
    console.print(table)


@app.command()
def remove(doc: Annotated[str, typer.Argument(help="Document id, number, file name or path.")]) -> None:
    """Remove a document and its passages from every index."""

    ctx = root.open_context()
    try:
        removed = ctx.ingestor().remove(doc)
    except TrolyError as e:
        _fail(e)
        return
    if not removed:
        err_console.print(f"Không tìm thấy văn bản '{doc}'.")
        raise typer.Exit(1)
    console.print(f"Đã xóa: {', '.join(removed)}")


def _filters(
    doc_type: list[str] | None,
    issuer: str | None,
    date_from: str | None,
    date_to: str | None,
    unit: str | None,
    ctx: Context,
) -> SearchFilters:
    import datetime as dt

    from retrieval.search import SearchFilters

    try:
        start = dt.date.fromisoformat(date_from) if date_from else None
        end = dt.date.fromisoformat(date_to) if date_to else None
    except ValueError as e:
        raise typer.BadParameter("dates are YYYY-MM-DD") from e
    unit_ids = None
    if unit:
        match = ctx.catalogue().resolve(unit)
        if match is None:
            err_console.print(f"Không nhận ra đơn vị '{unit}'. Xem danh mục: troly units.")
            raise typer.Exit(2)
        unit_ids = frozenset(ctx.catalogue().expand_for_query(match))
    return SearchFilters(
        doc_types=tuple(doc_type) if doc_type else None,
        issuer_contains=issuer,
        date_from=start,
        date_to=end,
        unit_ids=unit_ids,
    )


@app.command()
def search(
    query: Annotated[str | None, typer.Argument(help="Question or keywords, in Vietnamese.")] = None,
    k: Annotated[int, typer.Option("-k", "--top", min=1, max=100)] = 5,
    queries: Annotated[Path | None, typer.Option("--queries", help="JSONL batch: {id, question|query}.")] = None,
    mode: Annotated[str, typer.Option(help="hybrid | dense | bm25")] = "hybrid",
    doc_type: Annotated[list[str] | None, typer.Option("--type", help="Only this document type (repeatable).")] = None,
    issuer: Annotated[str | None, typer.Option(help="Issuer contains this text.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Documents dated on/after YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Documents dated on/before YYYY-MM-DD.")] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Passages naming this unit (or a group it belongs to).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Find the passages that best answer a question (hybrid dense + BM25 by default)."""
    from troly.dates import date_label
    from troly.schemas import HitPublic

    if mode not in ("hybrid", "dense", "bm25"):
        raise typer.BadParameter("mode is hybrid, dense or bm25")
    if (query is None) == (queries is None):
        raise typer.BadParameter("give either QUERY or --queries FILE")
    ctx = root.open_context()
    filters = _filters(doc_type, issuer, date_from, date_to, unit, ctx)
    # Typer hands over a plain str; an unknown mode matches no result list and finds nothing.
    search_mode = cast("Mode", mode)
    try:
        searcher = ctx.searcher()
    except TrolyError as e:
        _fail(e)
        return
    if queries is not None:
        lines = [json.loads(line) for line in queries.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts = [str(item.get("question") or item.get("query") or "") for item in lines]
        try:
            results = searcher.batch_search(texts, k=k, mode=search_mode, filters=filters)
        except TrolyError as e:
            _fail(e)
            return
        for item, text, hits in zip(lines, texts, results, strict=False):
            sys.stdout.write(
                json.dumps(
                    {
                        "id": item.get("id"),
                        "query": text,
                        "hits": [HitPublic.from_hit(h, rank=i + 1).model_dump(mode="json") for i, h in enumerate(hits)],
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
        return
    assert query is not None
    if not query.strip():
        err_console.print("Vui lòng nhập câu hỏi.")
        raise typer.Exit(2)
    try:
        hits = searcher.search(query, k=k, mode=search_mode, filters=filters)
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
        cite = " ".join(x for x in (h.type, h.number, date_label(h.date, h.date_precision, phrase=True)) if x)
        console.print(
            f"[bold]{h.rank}.[/bold] [cyan]{cite}[/cyan] [dim]{h.heading}[/dim] "
            f"({h.score:.3f}; {', '.join(h.retrievers)})"
        )
        console.print(f"   {h.text[:400]}")


eval_app = typer.Typer(help="Measure retrieval and extraction against gold files.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


@eval_app.command("retrieval")
def eval_retrieval(
    qa: Annotated[Path, typer.Option("--qa", help="JSONL: {id, question, gold: [...]}.", exists=True)],
    k: Annotated[int, typer.Option("--k", min=1, max=100)] = 10,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recall@1/5/10 and MRR@10 for BM25 only, dense only and hybrid."""
    from retrieval.evaluate import evaluate_retrieval, load_qa, reports_json

    ctx = root.open_context()
    try:
        items = load_qa(qa)
        reports = evaluate_retrieval(ctx.searcher(), items, k=k)
    except TrolyError as e:
        _fail(e)
        return
    if as_json:
        sys.stdout.write(reports_json(reports) + "\n")
        return
    table = Table(title=f"Retrieval on {qa.name} ({len(items)} questions)")
    keys = [key for key in reports[0].as_dict() if key.startswith("recall@")] + ["mrr@10"]
    table.add_column("retriever")
    for key in keys:
        table.add_column(key, justify="right")
    for r in reports:
        d = r.as_dict()
        table.add_row(r.mode, *[f"{d[key]:.3f}" for key in keys])
    console.print(table)
    misses = [qid for qid, rank in reports[-1].ranks.items() if rank is None or rank > 1]
    if misses:
        console.print(f"[dim]hybrid not at rank 1: {', '.join(misses)}[/dim]")


@eval_app.command("deadlines")
def eval_deadlines(
    gold: Annotated[
        Path, typer.Option("--gold", exists=True, help="JSONL: {id, from, to, must_include, must_exclude}.")
    ],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check a gold file of deadline-range expectations (pass/fail per line with the reason)."""
    from retrieval.evaluate import evaluate_deadlines

    try:
        results = evaluate_deadlines(root.open_context().task_finder(), gold)
    except TrolyError as e:
        _fail(e)
        return
    from troly.cli_evals import print_gold

    print_gold(results, f"Deadlines: {gold.name}", as_json)


def _fmt_due(task: dict[str, Any]) -> str:
    """The deadline as written, with its dates at their precision ("trong tháng 3/2026 (tháng 03/2026)")."""
    due, rec = task.get("due"), task.get("recurrence")
    parts = []
    if due:
        label = task.get("due_label") or ""
        text = due.get("text") or label
        parts.append(f"{text} ({label})" if label and label != text else text)
    if rec:
        parts.append(rec.get("text") or rec.get("period", ""))
    return "; ".join(parts) or "—"


def _print_listing(listing: TaskListing, as_json: bool, title: str) -> None:
    from troly.dates import date_label

    if as_json:
        _print_json(listing.as_dict())
        return
    if listing.note:
        console.print(f"[yellow]{listing.note}[/yellow]")
    table = Table(title=title, show_lines=True)
    for col in ("Đơn vị", "Nhiệm vụ", "Thời hạn", "Nguồn"):
        table.add_column(col, overflow="fold")
    for t in listing.tasks:
        src = t.source
        when = date_label(src.get("date"), src.get("date_precision"), phrase=True)
        cite = " ".join(x for x in (src.get("type"), src.get("number"), when) if x)
        who = ", ".join(f"{a['name']}" + (" (phối hợp)" if a["role"] == "cooperate" else "") for a in t.assignees)
        table.add_row(who, t.text[:500], _fmt_due(t.as_dict()), f"{cite}\n{src.get('section') or ''}")
    console.print(table)
    console.print(f"{len(listing.tasks)} nhiệm vụ")


@tasks_app.callback()
def tasks(
    ctx: typer.Context,
    unit: Annotated[str | None, typer.Option("--unit", help="Unit, any spelling: 'Tỉnh đoàn', 'Sở KH&CN'.")] = None,
    month: Annotated[str | None, typer.Option("--month", help="YYYY-MM: tasks active that month.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List assignments extracted from directives, by unit and month (sub-commands: their follow-up)."""
    from troly.dates import date_label, month_range

    if ctx.invoked_subcommand is not None:
        return
    try:
        listing = root.open_context().task_finder().tasks(unit=unit, month=month)
    except TrolyError as e:
        _fail(e)
        return
    title = f"Nhiệm vụ của {listing.resolved_unit or 'mọi đơn vị'}" + (
        f" — {date_label(month_range(month)[0], 'month')}" if month else ""
    )
    _print_listing(listing, as_json, title)


app.add_typer(tasks_app, name="tasks")


@app.command()
def deadlines(
    date_from: Annotated[str, typer.Option("--from", help="YYYY-MM-DD")],
    date_to: Annotated[str, typer.Option("--to", help="YYYY-MM-DD")],
    unit: Annotated[str | None, typer.Option("--unit")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List deadlines (and recurring duties) that fall in a date range."""
    import datetime as dt

    from troly.dates import period_label

    try:
        start, end = dt.date.fromisoformat(date_from), dt.date.fromisoformat(date_to)
    except ValueError as e:
        raise typer.BadParameter("dates are YYYY-MM-DD") from e
    try:
        listing = root.open_context().task_finder().deadlines(start=start, end=end, unit=unit)
    except TrolyError as e:
        _fail(e)
        return
    _print_listing(listing, as_json, f"Hạn {period_label(start, end)}")


app.add_typer(units_app, name="units")
app.add_typer(db_app, name="db")


def _assistant(ctx: Context, today: str | None = None) -> Assistant:
    """The conversation core; ``today`` (YYYY-MM-DD) pins its clock to midday local time so
    "this month" / "this week" questions are reproducible."""
    import datetime as dt

    if today is None:
        return ctx.assistant()
    fixed = dt.datetime.combine(_parse_today(today), dt.time(12), tzinfo=ctx.tz)
    return ctx.assistant(clock=lambda: fixed)


def _parse_today(today: str) -> dt.date:
    import datetime as dt

    try:
        return dt.date.fromisoformat(today)
    except ValueError as e:
        raise typer.BadParameter("--today is YYYY-MM-DD", param_hint="--today") from e


#: Exit code of ``troly serve`` refused because another process already long-polls the same bot.
EXIT_POLLER_BUSY = 4
#: Seconds a ``--workers`` child may take to answer uvicorn's health ping before it is restarted.
WORKER_HEALTHCHECK_S = 30


def _polling_channels(settings: Settings) -> list[str]:
    """Chat channels configured without a webhook, i.e. that would long-poll."""
    polling = []
    if settings.telegram_token and not (settings.telegram_webhook_url and settings.telegram_webhook_secret):
        polling.append("Telegram")
    if settings.zalo_token and not (settings.zalo_webhook_url and settings.zalo_webhook_secret):
        polling.append("Zalo")
    return polling


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default TROLY_HOST).")] = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535, help="Port (default TROLY_PORT).")] = None,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes sharing the port (needs PostgreSQL and a Chroma server).")
    ] = 1,
) -> None:
    """Run the web chat (/) and the chat webhooks configured by TROLY_TELEGRAM_*/TROLY_ZALO_*."""
    import uvicorn

    from bot.app import create_app
    from troly.errors import PollerBusyError

    settings = Settings()
    quiet_logging(logging.INFO, log_format=settings.log_format)
    host, port = host or settings.host, port or settings.port
    if workers > 1:
        polling = _polling_channels(settings)
        if polling:
            err_console.print(
                f"[red]Lỗi:[/red] {', '.join(polling)} đang ở chế độ long polling: chỉ một tiến trình được nhận tin. "
                "Hãy cấu hình webhook (TROLY_*_WEBHOOK_URL và TROLY_*_WEBHOOK_SECRET) để chạy nhiều worker, "
                "hoặc chạy với --workers 1."
            )
            raise typer.Exit(2)
        # Each worker builds its own app (and engine, model, channels) from TROLY_* after the fork.
        # uvicorn restarts a worker that misses its 5 s health ping; one busy starting up (imports, the
        # database, a first model load) on a loaded machine is not dead, so give it longer.
        uvicorn.run(
            "bot.app:create_app_from_env",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
            log_config=None,  # each worker configures its logging in create_app_from_env (TROLY_LOG_FORMAT)
        )
        return
    web = create_app(settings)
    try:
        # log_config=None: uvicorn's own loggers go through the handler configured above (text or JSON).
        uvicorn.run(web, host=host, port=port, log_config=None)
    except SystemExit:
        error = getattr(web.state, "startup_error", None)
        if isinstance(error, PollerBusyError):
            err_console.print(f"[red]Lỗi:[/red] {error.user_message}\n[dim]{error}[/dim]")
            raise typer.Exit(EXIT_POLLER_BUSY) from None
        raise


@app.command()
def scheduler(
    once: Annotated[bool, typer.Option("--once", help="Run the jobs due now, then exit.")] = False,
) -> None:
    """Run the daily jobs (idea-quota reminders) without a web server; once per day across every
    process sharing the database, web workers included (set TROLY_RUN_SCHEDULER=false on those)."""
    import asyncio

    from bot.app import run_scheduler

    settings = Settings()
    quiet_logging(logging.INFO, log_format=settings.log_format)
    try:
        ran = asyncio.run(run_scheduler(settings, once=once))
    except KeyboardInterrupt:
        return
    if once:
        sys.stdout.write((", ".join(ran) if ran else "no job due") + "\n")


@app.command()
def chat() -> None:
    """Chat with the assistant in the terminal ("thoát" or /quit to leave)."""
    from bot.channels.cli_chat import run_repl

    run_repl(_assistant(root.open_context()))


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="Question, in Vietnamese.")],
    today: Annotated[str | None, typer.Option("--today", help="Pretend today is YYYY-MM-DD.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Ask one question and print the answer with its citations (exit 1 if it failed)."""
    from bot.channels.render import render_terminal, render_web
    from bot.core.messages import IncomingMessage

    if today is not None:
        _parse_today(today)  # reject a bad date before loading anything
    if not question.strip():
        raise typer.BadParameter("Vui lòng nhập câu hỏi.", param_hint="QUESTION")
    reply = _assistant(root.open_context(), today).handle(IncomingMessage(channel="cli", user_id="ask", text=question))
    if as_json:
        web = render_web(reply)
        _print_json({"intent": reply.intent, "answer": reply.text, "citations": web["citations"]})
    else:
        sys.stdout.write(render_terminal(reply) + "\n")
    if reply.intent == "error":
        raise typer.Exit(1)


@app.command()
def backup(
    path: Annotated[Path, typer.Argument(help="New folder, or a file ending in .tar.gz, to write the backup to.")],
) -> None:
    """Back up SQL data, the stored original files and the non-secret settings."""
    from troly.backup import backup as write_backup

    ctx = root.open_context()
    try:
        summary = write_backup(ctx.settings, ctx.db, path)
    except TrolyError as e:
        _fail(e)
        return
    rows = sum(summary.tables.values())
    console.print(f"Đã sao lưu {rows} dòng dữ liệu ({len(summary.tables)} bảng) và {summary.files} tệp vào {path}.")


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="A backup folder or .tar.gz written by `troly backup`.", exists=True)],
    force: Annotated[bool, typer.Option("--force", help="Delete the data already here, then restore.")] = False,
) -> None:
    """Restore a backup into this TROLY_HOME and database (refused if they hold data, unless --force)."""
    from troly.backup import restore as read_backup

    ctx = root.open_context()
    try:
        summary = read_backup(ctx.settings, ctx.db, path, force=force)
    except TrolyError as e:
        _fail(e)
        return
    rows = sum(summary.tables.values())
    console.print(f"Đã khôi phục {rows} dòng dữ liệu và {summary.files} tệp (bản sao lưu lúc {summary.created_at}).")
    for name, (saved, now) in summary.settings_changed.items():
        console.print(f"[yellow]Cấu hình khác bản sao lưu:[/yellow] {name}: {saved!r} → {now!r}")
    for item in summary.skipped:
        console.print(f"[yellow]Bỏ qua (không có trong phiên bản này):[/yellow] {item}")
    console.print("Bước tiếp theo: chạy [bold]troly reindex --rebuild[/bold] để dựng lại chỉ mục tìm kiếm.")


@app.command()
def reindex(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Drop every vector and embed all passages again.")] = False,
) -> None:
    """Bring the vector and BM25 indexes in line with the passages in SQL (no document is read again)."""
    ctx = root.open_context()
    try:
        stats = ctx.ingestor().reindex(rebuild=rebuild)
    except TrolyError as e:
        _fail(e)
        return
    console.print(
        f"Đã lập lại chỉ mục: {stats.documents} văn bản, {stats.passages} đoạn; "
        f"{stats.embedded} đoạn được nhúng lại, {stats.orphans_removed} vectơ thừa được xóa ({stats.seconds:.1f}s)."
    )


app.add_typer(ideas_app, name="ideas")
register_eval_commands(eval_app)


if __name__ == "__main__":  # pragma: no cover
    app()
