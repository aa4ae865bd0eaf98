"""``troly eval metadata | tasks | answers``: measurements against hand-written gold files.

Kept apart from ``troly/cli.py`` like the ideas commands: the library code is ``troly.evals``; these
commands only parse options, print tables (or ``--json``) and never list heldout failures.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from troly.errors import TrolyError

if TYPE_CHECKING:
    from retrieval.evaluate import GoldResult
    from troly.context import Context

__all__ = ["print_gold", "register_eval_commands"]

console = Console()
err_console = Console(stderr=True)

_SPLITS = ("dev", "heldout")

ANSWERS_HELP = """Send each gold question through the conversation core and score the answers.

Gold file, one JSON object a line: {"id": "ans-001", "split": "dev|heldout", "type": "who_leads", "q": "Ai chủ trì …?", "today": "YYYY-MM-DD" (optional), "history": ["earlier question", …] (optional), "answer_must": [["alt a", "alt b"], …], "answer_must_not": ["…"], "cite_must": [["…"], …], "not_found": true (optional)}.

Each case runs in a fresh chat: the history questions are sent first, in the same chat; the clock is pinned to 12:00 local time on "today", or on a fixed default day (printed) when the case has none.

A case is right when every answer_must group has an alternative in the answer text itself (not in its citations), no answer_must_not string is in it, every cite_must group has an alternative in the citations (label, number, date, title, section, document id) and a not_found case says "không tìm thấy". Matching: NFC, '*' removed, whitespace folded, casefolded, substring.

Prints the share right overall and by type, per split; --show-failures lists dev failures only."""


def _context() -> Context:
    from troly import context as root  # looked up at call time: tests patch open_context

    return root.open_context()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _fail(exc: TrolyError) -> None:
    err_console.print(f"[red]Lỗi:[/red] {exc.user_message}\n[dim]{escape(str(exc))}[/dim]")
    raise typer.Exit(2)


def _emit(data: dict[str, Any], save: Path | None, as_json: bool) -> bool:
    """Write ``data`` to ``save`` if given; print it and return True with ``--json``."""
    if save is not None:
        save.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    if as_json:
        _print_json(data)
    return as_json


def _cell(right: int, n: int) -> str:
    return f"{right}/{n} ({100 * right / n:.0f}%)" if n else "—"


def _comma_list(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def _progress(label: str) -> Callable[[object], None]:
    """A callback printing one dim line per item on stderr (long runs: OCR takes minutes)."""

    def tick(item: object) -> None:
        if err_console.is_terminal:
            err_console.print(f"[dim]{label} {item}[/dim]", highlight=False)

    return tick


# ---- metadata ---------------------------------------------------------------------------------


def eval_metadata(
    gold: Annotated[
        list[Path], typer.Option("--gold", exists=True, help="JSONL: {id, split, type, number, date, …} (repeatable).")
    ],
    root: Annotated[
        Path | None, typer.Option("--root", help="Folder the manifests' relative file paths start from.")
    ] = None,
    manifest: Annotated[
        list[Path] | None,
        typer.Option("--manifest", exists=True, help="TSV id→file→format (default: manifest-*.tsv next to the gold)."),
    ] = None,
    stored: Annotated[
        bool, typer.Option("--stored", help="Score what `troly ingest` stored in TROLY_HOME instead of re-reading.")
    ] = False,
    formats: Annotated[
        str | None,
        typer.Option("--formats", help="Only these manifest formats, comma-separated (docx,pdf-text,txt…)."),
    ] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="Only this gold id (repeatable).")] = None,
    split: Annotated[str, typer.Option("--split", help="dev | heldout | all")] = "all",
    save: Annotated[Path | None, typer.Option("--save", help="Also write the JSON result to this file.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Per-field accuracy of document metadata (type, number, date, issuer, signer) against a gold.

    Table per field × split (dev, heldout) × text formats / scans; handwritten fields are counted
    apart; then the dev mismatches (heldout ones only counted)."""
    from troly.evals.corpus import resolve_documents, select_documents
    from troly.evals.metadata import FIELDS, evaluate_metadata

    if split not in ("dev", "heldout", "all"):
        raise typer.BadParameter("split is dev, heldout or all", param_hint="--split")
    ctx = _context()
    try:
        documents = resolve_documents(gold, manifest, root)
        chosen = select_documents(documents, formats=_comma_list(formats), ids=only)
        report = evaluate_metadata(
            ctx,
            gold,
            documents,
            stored=stored,
            on_document=_progress("reading"),
            only=None if chosen is documents else set(chosen),
            split=split,
        )
    except TrolyError as e:
        _fail(e)
        return
    if _emit(report.as_dict(), save, as_json):
        return
    table = Table(title=f"Metadata: {', '.join(g.name for g in gold)}" + (" (stored)" if stored else ""))
    table.add_column("field")
    for split in _SPLITS:
        for kind in ("text", "scan", "all"):
            table.add_column(f"{split} {kind}", justify="right")
        table.add_column(f"{split} handwritten", justify="right")
    for f in FIELDS:
        cells = []
        for split in _SPLITS:
            for kind in ("text", "scan"):
                s = report.score(f, split, kind)
                cells.append(_cell(s.right, s.n))
            total = report.total(f, split)
            cells += [_cell(total.right, total.n), _cell(total.handwritten_right, total.handwritten_n)]
        table.add_row(f, *cells)
    console.print(table)
    docs = ", ".join(
        f"{split}: {report.documents.get((split, 'text'), 0)} text + {report.documents.get((split, 'scan'), 0)} scans"
        f" ({report.read_errors.get(split, 0)} unread, {len(report.unavailable.get(split, []))} without a file)"
        for split in _SPLITS
    )
    console.print(f"documents — {docs}")
    if report.unavailable.get("dev"):
        console.print(f"[dim]dev gold without a file: {', '.join(report.unavailable['dev'])}[/dim]")
    for doc_id, error in report.dev_errors:
        console.print(f"[yellow]{doc_id}: troly read nothing: {escape(error)}[/yellow]")
    if report.dev_mismatches:
        confusion = Table(title="dev mismatches")
        for col in ("id", "field", "gold", "troly"):
            confusion.add_column(col, overflow="fold")
        for m in report.dev_mismatches:
            if not m.handwritten:
                confusion.add_row(m.id, m.field, escape(str(m.gold)), escape(str(m.got)))
        console.print(confusion)


# ---- tasks ------------------------------------------------------------------------------------


def eval_tasks(
    gold: Annotated[
        list[Path],
        typer.Option(
            "--gold",
            exists=True,
            help="JSONL: {id, unit, month, must_include} or {id, split, assignments: [...]} (repeatable).",
        ),
    ],
    root: Annotated[
        Path | None, typer.Option("--root", help="Assignments gold: where the manifests' files are.")
    ] = None,
    manifest: Annotated[list[Path] | None, typer.Option("--manifest", exists=True, help="TSV id→file→format.")] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Assignments gold: extract from the files instead of the home.")
    ] = False,
    show_failures: Annotated[bool, typer.Option("--show-failures", help="List dev misses and false pairs.")] = False,
    split: Annotated[str, typer.Option("--split", help="Assignments gold: dev | heldout | all")] = "all",
    no_scans: Annotated[
        bool, typer.Option("--no-scans", help="Assignments gold: leave out scanned documents (no OCR: quick).")
    ] = False,
    only: Annotated[list[str] | None, typer.Option("--only", help="Only this gold id (repeatable).")] = None,
    save: Annotated[Path | None, typer.Option("--save", help="Also write the JSON result to this file.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Check task extraction against a gold.

    Two gold formats: unit/month expectations {id, unit, month, must_include} (pass/fail per line),
    or per-document assignments {id, split, assignments: [{unit, role, duty, due_text, due_date,
    recurrence}]} over the ingested documents: precision, recall and due-date accuracy per split."""
    from troly.evals.assignments import is_assignment_gold

    kinds = {is_assignment_gold(g) for g in gold}
    if len(kinds) > 1:
        raise typer.BadParameter("give gold files of one format", param_hint="--gold")
    if kinds == {False}:
        _sample_tasks(gold, as_json)
        return
    from troly.evals.assignments import evaluate_assignments
    from troly.evals.corpus import resolve_documents

    if split not in ("dev", "heldout", "all"):
        raise typer.BadParameter("split is dev, heldout or all", param_hint="--split")
    ctx = _context()
    try:
        documents = resolve_documents(gold, manifest, root)
        report = evaluate_assignments(
            ctx,
            gold,
            documents,
            stored=not fresh,
            on_document=_progress("reading"),
            split=split,
            scans=not no_scans,
            only=set(only) if only else None,
        )
    except TrolyError as e:
        _fail(e)
        return
    data = report.as_dict()
    if not show_failures:
        data.pop("dev_failures")
    if _emit(data, save, as_json):
        return
    title = f"Assignments: {', '.join(g.name for g in gold)}" + (" (fresh)" if fresh else "")
    table = Table(title=title + (" (text documents only)" if no_scans else ""))
    for col in (
        "split",
        "docs",
        "gold",
        "predicted",
        "precision",
        "recall",
        "due right",
        "due (gold has)",
        "due (none)",
    ):
        table.add_column(col, justify="right")
    for split in sorted(report.splits):
        c = report.splits[split]
        table.add_row(
            split,
            str(c.documents),
            str(c.gold),
            str(c.predicted),
            _cell(c.matched_predicted, c.predicted),
            _cell(c.matched_gold, c.gold),
            _cell(c.due_with_right + c.due_without_right, c.due_with_n + c.due_without_n),
            _cell(c.due_with_right, c.due_with_n),
            _cell(c.due_without_right, c.due_without_n),
        )
    console.print(table)
    for split, ids in sorted(report.unavailable.items()):
        console.print(f"[dim]{split}: {len(ids)} gold documents without a file or manifest entry[/dim]")
    for split, n in sorted(report.read_errors.items()):
        console.print(f"[yellow]{split}: {n} gold documents troly has nothing for (not ingested or refused)[/yellow]")
    if show_failures:
        for f in report.dev_failures:
            detail = {k: v for k, v in f.items() if k not in ("id", "kind")}
            console.print(f"{f['id']} {f['kind']}: {escape(json.dumps(detail, ensure_ascii=False))}", highlight=False)


def _sample_tasks(gold: list[Path], as_json: bool) -> None:
    from retrieval.evaluate import evaluate_tasks

    finder = _context().task_finder()
    try:
        results = [r for g in gold for r in evaluate_tasks(finder, g)]
    except TrolyError as e:
        _fail(e)
        return
    print_gold(results, f"Tasks: {', '.join(g.name for g in gold)}", as_json)


# ---- answers ----------------------------------------------------------------------------------


def eval_answers(
    gold: Annotated[Path, typer.Option("--gold", exists=True, help="JSONL of answer cases (format above).")],
    split: Annotated[str, typer.Option("--split", help="dev | heldout | all")] = "all",
    show_failures: Annotated[bool, typer.Option("--show-failures", help="Print dev failures: q, answer, why.")] = False,
    save: Annotated[Path | None, typer.Option("--save", help="Also write the JSON result to this file.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    from troly.evals.answers import DEFAULT_TODAY, evaluate_answers, load_answer_cases

    if split not in ("dev", "heldout", "all"):
        raise typer.BadParameter("split is dev, heldout or all", param_hint="--split")
    ctx = _context()
    try:
        cases = [c for c in load_answer_cases(gold) if split == "all" or c.split == split]
        report = evaluate_answers(ctx, cases, on_case=_progress("asking"))
    except TrolyError as e:
        _fail(e)
        return
    if _emit(report.as_dict(failures=show_failures), save, as_json):
        return
    console.print(f"default today (cases without 'today'): {DEFAULT_TODAY.isoformat()}, 12:00 {ctx.settings.timezone}")
    table_data = report.table()
    shown = [s for s in (*_SPLITS, "all") if s in table_data]
    types = sorted({k for s in table_data.values() for k in s if k != "all"})
    table = Table(title=f"Answers: {gold.name}")
    table.add_column("type")
    for s in shown:
        table.add_column(s, justify="right")
    for kind in [*types, "all"]:
        table.add_row(kind, *[_cell(*table_data[s].get(kind, (0, 0))) for s in shown])
    console.print(table)
    if show_failures:
        for r in report.results:
            if r.right or r.case.split != "dev":
                continue
            console.print(f"\n[bold]{r.case.id}[/bold] ({r.case.type}) {escape(r.case.q)}", highlight=False)
            console.print(f"  why: {escape('; '.join(r.why))}", highlight=False)
            console.print(f"  answer: {escape(r.answer[:600])}", highlight=False)
            if r.citations:
                console.print(f"  citations: {escape(' || '.join(r.citations)[:400])}", highlight=False)


eval_answers.__doc__ = ANSWERS_HELP


def register_eval_commands(eval_app: typer.Typer) -> None:
    """Add ``metadata``, ``tasks`` and ``answers`` to the ``troly eval`` sub-app."""
    eval_app.command("metadata")(eval_metadata)
    eval_app.command("tasks")(eval_tasks)
    eval_app.command("answers", help=ANSWERS_HELP)(eval_answers)


def print_gold(results: Sequence[GoldResult], title: str, as_json: bool) -> None:
    """Pass/fail table of a gold file's lines (exit 1 when any failed)."""
    passed = sum(r.passed for r in results)
    if as_json:
        _print_json({"passed": passed, "failed": len(results) - passed, "results": [r.as_dict() for r in results]})
    else:
        table = Table(title=title)
        for col in ("id", "kết quả", "số mục", "lý do"):
            table.add_column(col)
        for r in results:
            table.add_row(r.id, "[green]PASS[/green]" if r.passed else "[red]FAIL[/red]", str(r.listed), r.reason)
        console.print(table)
        console.print(f"{passed} passed, {len(results) - passed} failed")
    if passed != len(results):
        raise typer.Exit(1)
