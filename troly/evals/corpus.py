"""The gold side of the document evals: JSONL gold lines, the manifests that place each document
on disk, and what troly reads from one document (fresh from the pipeline or stored by ingest).

A manifest is a TSV with at least ``id``, ``file`` (relative to the corpus root) and ``format``
(``pdf-scan`` marks a scan); ``examples/devcorpus/manifest-*.tsv`` are the ones the project keeps.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from troly.errors import UserInputError
from troly.types import DocumentMeta

if TYPE_CHECKING:
    from troly.context import Context

__all__ = [
    "SCAN_FORMAT",
    "CorpusDocument",
    "DocumentReading",
    "PredictedAssignee",
    "PredictedTask",
    "load_manifests",
    "read_document",
    "read_jsonl",
    "resolve_documents",
    "select_documents",
]

SCAN_FORMAT = "pdf-scan"


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every non-blank line of ``path`` as a dict; a bad line raises ``UserInputError`` naming it."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            raise UserInputError(
                f"{path}:{n}: invalid JSON: {e}", user_message="Tệp đánh giá không đúng định dạng JSONL."
            ) from e
        if not isinstance(item, dict) or "id" not in item:
            raise UserInputError(
                f"{path}:{n}: a gold line is a JSON object with an id",
                user_message="Mỗi dòng của tệp đánh giá phải là một đối tượng JSON có trường id.",
            )
        out.append(item)
    return out


@dataclass(slots=True, frozen=True)
class CorpusDocument:
    """One document of a manifest: its gold id, where it lies, and its format label."""

    id: str
    path: Path
    format: str

    @property
    def is_scan(self) -> bool:
        return self.format == SCAN_FORMAT


def load_manifests(paths: Iterable[Path], *, root: Path | None) -> dict[str, CorpusDocument]:
    """Map gold id → document from manifest TSVs; relative ``file`` entries are under ``root``."""
    docs: dict[str, CorpusDocument] = {}
    for manifest in paths:
        with manifest.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                doc_id, file = (row.get("id") or "").strip(), (row.get("file") or "").strip()
                if not doc_id or not file:
                    continue
                path = Path(file)
                if not path.is_absolute():
                    if root is None:
                        raise UserInputError(
                            f"{manifest}: relative file {file!r} needs --root",
                            user_message="Tệp danh mục dùng đường dẫn tương đối: hãy chỉ thư mục gốc bằng --root.",
                        )
                    path = root / path
                docs[doc_id] = CorpusDocument(doc_id, path, (row.get("format") or "").strip())
    return docs


def resolve_documents(
    gold_files: Sequence[Path], manifests: Sequence[Path] | None, root: Path | None
) -> dict[str, CorpusDocument]:
    """The manifests given, or every ``manifest-*.tsv`` next to the gold files."""
    if not manifests:
        found: dict[Path, None] = {}
        for gold in gold_files:
            for m in sorted(gold.resolve().parent.glob("manifest-*.tsv")):
                found[m] = None
        manifests = list(found)
    return load_manifests(manifests, root=root)


def select_documents(
    documents: dict[str, CorpusDocument], *, formats: Sequence[str] | None = None, ids: Sequence[str] | None = None
) -> dict[str, CorpusDocument]:
    """The documents of the given manifest formats and/or gold ids (``documents`` itself when neither)."""
    if not formats and not ids:
        return documents
    return {
        doc_id: doc
        for doc_id, doc in documents.items()
        if (not formats or doc.format in formats) and (not ids or doc_id in ids)
    }


@dataclass(slots=True, frozen=True)
class PredictedAssignee:
    name: str
    unit_id: str | None
    role: str


@dataclass(slots=True)
class PredictedTask:
    """A task as troly extracted it, reduced to what the assignment eval compares."""

    text: str
    passage: str
    assignees: list[PredictedAssignee]
    due: dict[str, Any] | None  # ``troly.dates.to_json(Due)``: kind, start, end, text, precision, bound


@dataclass(slots=True)
class DocumentReading:
    """What troly read from one document: its header metadata and its tasks.

    ``error`` says why troly read nothing (it refused the file, or it is not in the home): the
    document then counts as predicting nothing. ``available`` is False only when the gold file
    itself is absent, so the document cannot be measured at all.
    """

    meta: DocumentMeta
    tasks: list[PredictedTask] = field(default_factory=list)
    error: str | None = None
    available: bool = True


def _fresh(ctx: Context, path: Path) -> DocumentReading:
    """Run the ingest pipeline's own reading step (load → clean → metadata → passages → tasks),
    everything ``troly ingest`` stores except the vectors."""
    from troly.dates import to_json

    prepared = ctx.ingestor()._prepare(path)
    tasks = [
        PredictedTask(
            text=t.text,
            passage=t.passage,
            assignees=[PredictedAssignee(a.name, a.unit_id, a.role) for a in t.assignees],
            due=to_json(t.due),
        )
        for t in prepared.tasks
    ]
    return DocumentReading(prepared.meta, tasks)


def _stored(ctx: Context, path: Path) -> DocumentReading:
    """The metadata and tasks ``troly ingest`` stored for ``path`` in the current home."""
    from sqlalchemy import select

    from troly.models import TaskRow
    from troly.store import get_document_by_file

    with ctx.db.session() as session:
        row = get_document_by_file(session=session, source_path=str(path.resolve()))
        if row is None:
            return DocumentReading(DocumentMeta(), error="not ingested in this home")
        rows = session.scalars(select(TaskRow).where(TaskRow.doc_id == row.id).order_by(TaskRow.ordinal, TaskRow.id))
        tasks = [
            PredictedTask(
                text=t.text,
                passage=t.passage or "",
                assignees=[PredictedAssignee(a.name, a.unit_id, a.role) for a in t.assignees],
                due=t.due,
            )
            for t in rows
        ]
        meta = DocumentMeta(
            doc_type=row.doc_type,
            number=row.number,
            issuer=row.issuer,
            date=row.date,
            date_partial=row.date_partial,
            date_precision=row.date_precision,
            signer=row.signer,
        )
        return DocumentReading(meta, tasks)


def read_document(ctx: Context, doc: CorpusDocument, *, stored: bool) -> DocumentReading:
    """Read one gold document; a missing file or a failed read becomes ``error`` (never raises)."""
    from troly.errors import TrolyError

    if not doc.path.is_file():
        return DocumentReading(DocumentMeta(), error=f"file not found: {doc.path}", available=False)
    try:
        return _stored(ctx, doc.path) if stored else _fresh(ctx, doc.path)
    except TrolyError as e:
        return DocumentReading(DocumentMeta(), error=str(e))
    except Exception as e:  # an extractor bug on one document must not stop the measurement
        return DocumentReading(DocumentMeta(), error=f"{type(e).__name__}: {e}")
