"""The ingest pipeline: file → text → clean → metadata → passages → vectors + SQL, incrementally.

Crash safety rests on one ordering rule. For each file:
1. new passages get ids containing the file's content hash, so old and new versions never collide;
2. their vectors are upserted into Chroma (idempotent);
3. one SQL transaction swaps the document row and its passages (SQL is the source of truth);
4. the old version's vectors are deleted from Chroma.
A crash before 3 leaves the old version answering (its rows and vectors are untouched, the new
vectors are orphans that queries ignore); a crash after 3 leaves stale vectors that queries also
ignore. Every run starts by deleting orphans, and the file's hash no longer matching SQL makes the
next run redo the file. A run takes an exclusive lock so two ingests never interleave.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import logging
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol
from zoneinfo import ZoneInfo

from ingest.chunking import chunk_document
from ingest.clean import clean_text
from ingest.loaders import SUPPORTED_SUFFIXES, load
from ingest.metadata import extract_metadata, repair_ocr_meta
from ingest.signature_scan import doubtful_name, reconcile_signer, reread_signer
from ingest.task_tables import extract_document_tasks
from ingest.tasks import ExtractedTask
from troly.clock import Clock, local_now, system_clock
from troly.errors import FileTooLargeError, IngestError, TrolyError
from troly.followup.identity import reconcile_assignments
from troly.metrics import INGEST_FAILURES, INGEST_FILES
from troly.models import DocumentFileRow, DocumentRow, PassageRow
from troly.store import (
    bump_documents_generation,
    delete_document,
    document_text,
    find_document,
    find_files,
    forget_file,
    get_document_by_path,
    get_file_by_path,
    list_documents,
    promote_file,
    replace_passages,
    replace_tasks,
    twin_candidates,
)
from troly.text import fold, match_key
from troly.types import Chunk, DocumentMeta, PassageEmbedder

if TYPE_CHECKING:
    import numpy as np
    from sqlalchemy.orm import Session

    from troly.config import Settings
    from troly.db import Database
    from troly.units import UnitCatalogue

__all__ = ["PIPELINE_VERSION", "FileResult", "Ingestor", "ReindexStats", "VectorStore", "collect_files"]

logger = logging.getLogger(__name__)

# Bump when cleaning/chunking changes in a way that should re-process unchanged files.
PIPELINE_VERSION = "7"  # 2: task tables one row a line and one passage a row;
# 3: a scan's text layer with digits for the accented vowels ("C6ng tic") is OCR'd again; an
# e-office stamp drawn by several widgets on one spot is read once; 4: Markdown read without its
# markup, a "Nơi nhận" list whose items run over several lines skipped whole; 5: a lead-in that
# would close a full passage opens the next one, with the items it introduces; 6: an endnote marked
# "i", "ii" … under the signature is a line of its own; 7: a scan's ruled task tables read one
# row a line, across its pages
# Bump when task extraction changes: unchanged files get their tasks re-extracted from the stored
# passages, without re-reading or re-embedding anything.
TASKS_VERSION = "10"  # 2: names the catalogue lacks read whole (issue 11); 3: task table rows;
# 4: people and teams named in a plan, generic partners in tables, appendix rows restating the body;
# 5: letters to one unit, the writer never an assignee, legal instruments' implementation part only;
# 6: submissions and comparison tables assign nothing, "<unit> phải …" binds under a provision heading,
# "Yêu cầu đối với <unit / chủ đầu tư>" headings, a company's lower-case line of business in its name;
# 7: a legal instrument's implementation part directs with any verb, ministries and "UBND các cấp" as
# list subjects, a numbered clause about annexes no longer ends the body, another province's bodies
# named whole, the ministries in the catalogue ("Các Bộ: Công Thương, …"), a Party resolution directs;
# 8: a letter to several named units asks each of them what its body asks of "các cơ quan, đơn vị",
# an instrument repealing others ("Thông tư này bãi bỏ:") heads no points, a report assigns nothing
# (its proposals included), a body's quoted opinion is no work given to it, a commune's bodies
# listed with the place word only last ("Thường trực HĐND, UBND … xã") are the commune's, a law's
# list of a party's rights is no task, "thi hành công vụ" is no implementation part; 9: a plan's aims
# are nobody's work, headings naming a Sở's own units or staff by description assign, a leader's charge
# lists units overseen, a deadline paragraph dates its item's tasks, "Quyền hạn, trách nhiệm của X"
# articles, a letter retelling what was asked of its writer gives no task, "UBND các phường, xã";
# 10: a legal instrument's "Trách nhiệm của <role>" outside its implementation part binds nobody,
# a lead-in paragraph under an article keeps its numbered items, "Cục trưởng Cục …" names the Cục,
# "<body> cấp ngày …" and "<verb> của" are no predicate, "A, B, C có trách nhiệm:" in an implementation
# part heads points for each party, the same point under two bodies' articles is each body's

# Minutes are signed by each party (the team, the company, the commune): no one signer to read.
_SEVERAL_SIGNERS = frozenset({"biên bản"})


def _several_signers(meta: DocumentMeta) -> bool:
    return meta.several_signers or (meta.doc_type or "").strip().lower() in _SEVERAL_SIGNERS


Status = Literal["added", "updated", "unchanged", "merged", "failed", "removed"]
# Near-duplicate files: word 5-gram shingles of the accent-free text. The same text in another
# format (.doc/.docx, the PDF of a DOCX) shares most of them; a document that only shares a
# number and date with another (an appendix filed apart) shares few.
_SHINGLE = 5
_SAME_TEXT = 0.7  # Jaccard of the shingle sets: the same text in another format
_SAME_NUMBER_DATE_TEXT = 0.5  # containment, for files that also agree on number and date
# DocumentFileRow.reason of a file an admin replaced with a corrected version: history, not a
# current file (never promoted, never dropped by --sync).
EARLIER_VERSION = "earlier-version"


class VectorStore(Protocol):
    """What the pipeline needs from the vector index (``retrieval.dense.DenseIndex`` is one)."""

    @property
    def name(self) -> str:
        """The collection's name; it names the embedding model, so a model change re-embeds."""
        ...

    def exists(self) -> bool: ...

    def ids(self) -> set[str]: ...

    def upsert(self, ids: Sequence[str], embeddings: np.ndarray, metadatas: Sequence[dict[str, Any]]) -> None: ...

    def delete(self, ids: Iterable[str]) -> int: ...

    def reset(self) -> None:
        """Drop every vector (the collection is created again on the next write)."""
        ...


@dataclass(slots=True)
class ReindexStats:
    """Outcome of :meth:`Ingestor.reindex`: vectors written from SQL's passages and orphans dropped."""

    documents: int = 0
    passages: int = 0
    embedded: int = 0
    orphans_removed: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class FileResult:
    """Outcome of one file (or one removed document) in an ingest run."""

    path: str
    status: Status
    doc_id: str | None = None
    passages: int = 0
    tasks: int = 0
    reason: str | None = None  # English, for logs and the admin's summary table
    user_reason: str | None = None  # Vietnamese, for chat replies
    seconds: float = 0.0
    embed_seconds: float = 0.0


@dataclass(slots=True)
class RunStats:
    """Timing of a run, for the throughput benchmark."""

    total_seconds: float = 0.0
    embed_seconds: float = 0.0
    passages_embedded: int = 0
    orphans_removed: int = 0
    results: list[FileResult] = field(default_factory=list)


def collect_files(paths: Sequence[Path]) -> list[Path]:
    """Expand folders (recursively, supported suffixes only, hidden files skipped); keep files as given."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                hidden = any(part.startswith(".") for part in rel.parts)
                if child.is_file() and not hidden and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    out.append(child)
        else:
            out.append(path)
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve() if p.exists() else p
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")
    return slug[:120] or "tai-lieu"


def _shingles(text: str) -> set[int]:
    """Hashes of the word 5-grams of ``text`` (accent-free, lowercase)."""
    words = re.findall(r"\w+", fold(text))
    return {hash(tuple(words[i : i + _SHINGLE])) for i in range(max(0, len(words) - _SHINGLE + 1))}


def _agree(a: str | None, b: str | None) -> bool:
    """Two metadata values do not contradict each other (either unknown, or equal)."""
    return not a or not b or match_key(a) == match_key(b)


def context_header(meta: DocumentMeta, heading_path: list[str]) -> str:
    """Short header prepended to a passage before embedding (never shown): type, number, date, path."""
    parts = [p for p in (meta.doc_type, meta.number and f"số {meta.number}") if p]
    if meta.date:
        parts.append(f"ngày {meta.date.day}/{meta.date.month}/{meta.date.year}")
    head = " ".join(parts)
    if meta.title:
        head = f"{head}: {meta.title[:200]}" if head else meta.title[:200]
    if heading_path:
        head = f"{head}\n{' > '.join(h[:120] for h in heading_path)}"
    return head.strip()


def _meta_of(row: DocumentRow) -> DocumentMeta:
    """The stored metadata of a document, as the extractor takes it."""
    return DocumentMeta(
        doc_type=row.doc_type,
        number=row.number,
        issuer=row.issuer,
        place=row.place,
        date=row.date,
        date_partial=row.date_partial,
        date_source=row.date_source,
        date_precision=row.date_precision,
        title=row.title,
        signer=row.signer,
        signer_title=row.signer_title,
        recipients=list(row.recipients or []),
    )


@dataclass(slots=True)
class Prepared:
    """A file read, cleaned and cut into passages, ready to embed."""

    meta: DocumentMeta
    chunks: list[Chunk]
    source_format: str
    ocr: bool
    warnings: list[str]
    tasks: list[ExtractedTask]


class Ingestor:
    """Adds, updates and removes documents in SQL and the indexes, one file at a time."""

    def __init__(
        self,
        settings: Settings,
        *,
        db: Database,
        embedder: PassageEmbedder,
        dense: VectorStore,
        catalogue: UnitCatalogue,
        on_passages_changed: Callable[[], None] | None = None,
        clock: Clock = system_clock,
    ) -> None:
        """Args:
        settings: file cap, chunk sizes, batch size, province, TROLY_HOME.
        db: documents, passages and tasks (the source of truth).
        embedder: embeds passages (a lazy one loads its model only when a file changed).
        dense: the passage vectors.
        catalogue: resolves the units tasks are assigned to.
        on_passages_changed: called after a run or a removal changed the passage set; the
            composition root points it at the lexical index's ``refresh`` (the writer tells it).
        clock: the time recorded when a re-ingest creates, keeps or closes tracked assignments.
        """
        self.settings = settings
        self.db = db
        self.embedder = embedder
        self.dense = dense
        self.catalogue = catalogue
        self._on_passages_changed = on_passages_changed or (lambda: None)
        self._clock = clock

    def _now(self) -> dt.datetime:
        return local_now(self._clock, ZoneInfo(self.settings.timezone))

    def index_key(self) -> str:
        """What a stored document's passages were built with; a change re-processes the file."""
        s = self.settings
        return f"{self.dense.name}|chunk{s.chunk_max_chars}-{s.chunk_min_chars}|v{PIPELINE_VERSION}"

    # ---- public API -------------------------------------------------------------------------

    def ingest(
        self,
        paths: Sequence[Path],
        *,
        sync: bool = False,
        on_file: Callable[[Path], None] | None = None,
        on_result: Callable[[FileResult], None] | None = None,
    ) -> RunStats:
        """Ingest files and folders; with ``sync``, remove documents whose source files are gone.

        Every file gets a result; a failing file never stops the batch nor touches what was indexed.
        """
        stats = RunStats()
        started = time.perf_counter()
        with self._lock():
            stats.orphans_removed = self.collect_garbage()
            for path in collect_files(paths):
                if on_file:
                    on_file(path)
                result = self._ingest_one(path, stats)
                stats.results.append(result)
                if on_result:
                    on_result(result)
            if sync:
                for result in self._sync_removed():
                    stats.results.append(result)
                    if on_result:
                        on_result(result)
            self._on_passages_changed()
        for result in stats.results:
            INGEST_FILES.labels(result.status).inc()
        stats.total_seconds = time.perf_counter() - started
        return stats

    def replace(self, path: Path, ref: str) -> FileResult:
        """Make ``path`` the new version of the indexed document ``ref`` (id, number or file name).

        A corrected notice often arrives under another file name; ingesting it would then file it
        as another file of the same document (same number and date) and keep the old text. The
        admin says which document it corrects: its passages and tasks are rebuilt from the new
        file under the same document id, tracked assignments keep their codes and statuses
        (matched as on any re-ingest), and the old file stays listed as an earlier version (its
        bytes are kept in TROLY_HOME/files). A file whose number contradicts the document's is
        refused, so a slip of the finger cannot overwrite another notice.
        """
        t0 = time.perf_counter()
        stats = RunStats()
        with self._lock():
            try:
                result = self._replace_one(path, ref, stats, t0)
            except TrolyError as e:
                logger.warning("replacing %s with %s failed: %s", ref, path, e)
                INGEST_FAILURES.labels(type(e).__name__).inc()
                result = FileResult(
                    str(path), "failed", reason=str(e), user_reason=e.user_message, seconds=time.perf_counter() - t0
                )
            self._on_passages_changed()
        INGEST_FILES.labels(result.status).inc()
        return result

    def _replace_one(self, path: Path, ref: str, stats: RunStats, t0: float) -> FileResult:
        if not path.exists() or not path.is_file():
            raise IngestError(f"{path}: no such file", user_message="Không tìm thấy tệp.")
        source_path = str(path.resolve())
        sha = file_sha256(path)
        size = path.stat().st_size
        with self.db.session() as session:
            found = find_document(session=session, ref=ref) or [
                d for d in list_documents(session=session) if d.number and match_key(d.number) == match_key(ref)
            ]
            if len(found) != 1:
                raise IngestError(
                    f"replace: {len(found)} documents match {ref!r}",
                    user_message=(
                        f"Không tìm thấy văn bản “{ref}” để thay thế."
                        if not found
                        else f"Có {len(found)} văn bản khớp “{ref}”; hãy dùng mã văn bản (xem /tailieu)."
                    ),
                )
            doc = found[0]
            doc_id, old_number = doc.id, doc.number
            if doc.source_path == source_path and doc.file_sha256 == sha:
                return FileResult(str(path), "unchanged", doc_id, len(doc.passages), seconds=time.perf_counter() - t0)
            owner = get_document_by_path(session=session, source_path=source_path)
            if owner is not None and owner.id != doc_id:
                raise IngestError(
                    f"replace: {path} is the file of another document ({owner.id})",
                    user_message=f"Tệp này đang là tệp của văn bản khác ({owner.id}).",
                )
            old_ids = [p.id for p in doc.passages]
        prepared = self._prepare(path)
        new_number = prepared.meta.number
        if new_number and old_number and match_key(new_number) != match_key(old_number):
            raise IngestError(
                f"replace: {path} is numbered {new_number}, not {old_number}",
                user_message=(
                    f"Tệp có số hiệu {new_number}, khác số hiệu {old_number} của văn bản cần thay thế: không thay thế."
                ),
            )
        stored = self._keep_copy(path, sha)
        new_ids = [f"{doc_id}#{sha[:10]}#{i:04d}" for i in range(len(prepared.chunks))]
        e0 = time.perf_counter()
        self._embed_and_upsert(doc_id, sha, prepared.meta, prepared.chunks, new_ids)
        stats.embed_seconds += time.perf_counter() - e0
        with self.db.transaction() as session:
            forget_file(session=session, source_path=source_path)  # it may have been filed as a twin
            row = session.get(DocumentRow, doc_id)
            if row is None:  # removed meanwhile: nothing to replace (the lock makes this rare)
                raise IngestError(f"replace: {doc_id} vanished", user_message="Văn bản cần thay thế không còn.")
            if row.source_path != source_path:
                forget_file(session=session, source_path=row.source_path)
                session.add(
                    DocumentFileRow(
                        doc_id=doc_id,
                        source_path=row.source_path,
                        file_name=row.file_name,
                        file_sha256=row.file_sha256,
                        file_size=row.file_size,
                        stored_path=row.stored_path,
                        source_format=row.source_format,
                        ocr=row.ocr,
                        reason=EARLIER_VERSION,
                    )
                )
                session.flush()
            row.source_path = source_path
            self._fill_row(row, path, sha, size, stored, prepared, self.index_key())
            self._swap_content(session, row, prepared, new_ids)
        stale = sorted(set(old_ids) - set(new_ids))
        if stale:
            self.dense.delete(stale)
        return FileResult(
            str(path),
            "updated",
            doc_id,
            len(new_ids),
            tasks=len(prepared.tasks),
            reason=f"new version of {doc_id}",
            user_reason=f"đã thay thế nội dung văn bản {doc_id}; bản cũ được lưu lại.",
            seconds=time.perf_counter() - t0,
        )

    def remove(self, ref: str) -> list[str]:
        """Remove documents by id, number, file name or path; returns what was removed.

        A file name or path that is one of several files of a document removes that file only
        (returned by name): the document stays while another of its files remains."""
        with self._lock():
            removed: list[str] = []
            passage_ids: list[str] = []
            with self.db.transaction() as session:
                for other in find_files(session=session, ref=ref):
                    removed.append(other.file_name)
                    session.delete(other)
                    bump_documents_generation(session=session)
                for doc in find_document(session=session, ref=ref):
                    by_file = ref in (doc.file_name, doc.source_path) and ref not in (doc.id, doc.number)
                    current = [f for f in doc.files if f.reason != EARLIER_VERSION]
                    if by_file and current:
                        removed.append(doc.file_name)
                        promote_file(session=session, doc=doc, other=current[0])
                        continue
                    removed.append(doc.id)
                    passage_ids += [p.id for p in doc.passages]
                    delete_document(session=session, doc_id=doc.id)
                    reconcile_assignments(session=session, doc_id=doc.id, now=self._now())
            if passage_ids:
                self.dense.delete(passage_ids)
                self._on_passages_changed()
        return removed

    def reindex(self, *, rebuild: bool = False, on_document: Callable[[str], None] | None = None) -> ReindexStats:
        """Bring the indexes in line with SQL's passages, without reading any file again.

        Passages without a vector are embedded (the same text and metadata as at ingest), vectors
        without a passage are deleted, and the passage-set generation is bumped so every process
        rebuilds its BM25 index from SQL. With ``rebuild`` the vector collection is dropped first,
        so every passage is embedded again: after a restore, a lost Chroma, or a new model.
        """
        from troly.store import bump_passages_generation

        stats = ReindexStats()
        started = time.perf_counter()
        with self._lock():
            if rebuild:
                self.dense.reset()
            else:
                stats.orphans_removed = self.collect_garbage()
            have = self.dense.ids()
            with self.db.session() as session:
                docs = [(d.id, d.file_sha256, _meta_of(d), list(d.passages)) for d in list_documents(session=session)]
            for doc_id, sha, meta, passages in docs:
                if on_document:
                    on_document(doc_id)
                stats.documents += 1
                stats.passages += len(passages)
                missing = [p for p in passages if p.id not in have]
                if missing:
                    chunks = [
                        Chunk(text=p.text, heading_path=list(p.heading_path or []), section=p.section) for p in missing
                    ]
                    self._embed_and_upsert(
                        doc_id, sha, meta, chunks, [p.id for p in missing], ordinals=[p.ordinal for p in missing]
                    )
                    stats.embedded += len(missing)
            with self.db.transaction() as session:
                for row in list_documents(session=session):
                    # The passages now have vectors of this model: say so, or the next ingest redoes the file.
                    _model, sep, rest = row.index_key.partition("|")
                    if sep:
                        row.index_key = f"{self.dense.name}|{rest}"
                bump_passages_generation(session=session)
            self._on_passages_changed()
        stats.seconds = time.perf_counter() - started
        return stats

    def collect_garbage(self) -> int:
        """Delete vectors whose passages are not in SQL (left by a crash or a replaced version)."""
        if not self.dense.exists():
            return 0
        dense = self.dense
        with self.db.session() as session:
            from troly.store import passage_ids

            live = passage_ids(session=session)
        orphans = dense.ids() - live
        if orphans:
            logger.info("removing %d orphan vectors from %s", len(orphans), dense.name)
            dense.delete(sorted(orphans))
        return len(orphans)

    # ---- one file ---------------------------------------------------------------------------

    def _ingest_one(self, path: Path, stats: RunStats) -> FileResult:
        t0 = time.perf_counter()
        shown = str(path)
        try:
            if not path.exists() or not path.is_file():
                raise IngestError(f"{path}: no such file", user_message="Không tìm thấy tệp.")
            size = path.stat().st_size
            if size > self.settings.max_file_mb * 1024 * 1024:
                raise FileTooLargeError(f"{path}: {size / 1e6:.1f} MB exceeds the {self.settings.max_file_mb:g} MB cap")
            source_path = str(path.resolve())
            sha = file_sha256(path)
            index_key = self.index_key()
            with self.db.session() as session:
                existing = get_document_by_path(session=session, source_path=source_path)
                other = get_file_by_path(session=session, source_path=source_path) if existing is None else None
                if other is not None and other.file_sha256 == sha:
                    return FileResult(shown, "unchanged", other.doc_id, seconds=time.perf_counter() - t0)
                if existing is not None and existing.file_sha256 == sha and existing.index_key == index_key:
                    n_tasks = self._refresh_tasks(existing.id) if existing.tasks_key != TASKS_VERSION else None
                    return FileResult(
                        shown,
                        "unchanged",
                        existing.id,
                        len(existing.passages),
                        tasks=n_tasks or 0,
                        seconds=time.perf_counter() - t0,
                    )
                doc_id = existing.id if existing else self._new_doc_id(session, path)
                old_ids = [p.id for p in existing.passages] if existing else []

            prepared = self._prepare(path)
            if (
                existing is None
                and self.settings.merge_duplicates
                and (twin := self._find_twin(path, prepared)) is not None
            ):
                return self._add_other_file(path, sha, size, prepared, twin, t0)
            stored = self._keep_copy(path, sha)
            new_ids = [f"{doc_id}#{sha[:10]}#{i:04d}" for i in range(len(prepared.chunks))]

            e0 = time.perf_counter()
            self._embed_and_upsert(doc_id, sha, prepared.meta, prepared.chunks, new_ids)
            embed_seconds = time.perf_counter() - e0
            stats.embed_seconds += embed_seconds
            stats.passages_embedded += len(new_ids)

            with self.db.transaction() as session:
                if other is not None:  # it was another file of a document, and its text changed
                    forget_file(session=session, source_path=source_path)
                row = session.get(DocumentRow, doc_id) or DocumentRow(id=doc_id, source_path=source_path)
                self._fill_row(row, path, sha, size, stored, prepared, index_key)
                session.add(row)
                session.flush()
                self._swap_content(session, row, prepared, new_ids)
            stale = sorted(set(old_ids) - set(new_ids))
            if stale:
                self.dense.delete(stale)
            status: Status = "updated" if existing else "added"
            reason = "; ".join(prepared.warnings) or None
            return FileResult(
                shown,
                status,
                doc_id,
                len(new_ids),
                tasks=len(prepared.tasks),
                reason=reason,
                seconds=time.perf_counter() - t0,
                embed_seconds=embed_seconds,
            )
        except TrolyError as e:
            logger.warning("ingest failed for %s: %s", path, e)
            INGEST_FAILURES.labels(type(e).__name__).inc()
            return FileResult(
                shown, "failed", reason=str(e), user_reason=e.user_message, seconds=time.perf_counter() - t0
            )
        except Exception as e:  # a bug or an unexpected library error: still never stop the batch
            logger.exception("unexpected error while ingesting %s", path)
            INGEST_FAILURES.labels("unexpected").inc()
            return FileResult(
                shown,
                "failed",
                reason=f"{type(e).__name__}: {e}",
                user_reason="Không xử lý được tệp này do lỗi hệ thống.",
                seconds=time.perf_counter() - t0,
            )

    def _swap_content(self, session: Session, row: DocumentRow, prepared: Prepared, new_ids: list[str]) -> None:
        """Step 3 of the ordering rule: the document's passages and tasks become the new version's,
        and its tracked assignments are matched to the new tasks (codes and statuses kept)."""
        doc_id = row.id
        replace_passages(
            session=session,
            doc_id=doc_id,
            passages=[
                PassageRow(
                    id=pid, doc_id=doc_id, ordinal=i, text=c.text, heading_path=c.heading_path, section=c.section
                )
                for i, (pid, c) in enumerate(zip(new_ids, prepared.chunks, strict=False))
            ],
        )
        replace_tasks(session=session, doc_id=doc_id, tasks=prepared.tasks, passage_ids=new_ids)
        reconcile_assignments(session=session, doc_id=doc_id, now=self._now())
        row.tasks_key = TASKS_VERSION

    def _prepare(self, path: Path) -> Prepared:
        extracted = load(path, settings=self.settings)
        text = clean_text(extracted.text)
        if not text.strip():
            from troly.errors import EmptyDocumentError

            raise EmptyDocumentError(f"{path}: no text after cleaning")
        meta = extract_metadata(text, file_name=path.name, default_province=self.settings.province)
        if extracted.ocr and not meta.signer and not _several_signers(meta):
            meta.signer = reread_signer(path, extracted.text, settings=self.settings)
            if meta.signer:
                meta.notes.append("signer read from a second OCR of the signature block")
        elif extracted.ocr and meta.signer and doubtful_name(meta.signer):
            # a toneless syllable may be a lost mark: the block read on its own settles it
            checked = reconcile_signer(meta.signer, reread_signer(path, extracted.text, settings=self.settings))
            if checked != meta.signer:
                meta.notes.append(f"signer '{meta.signer}' corrected to '{checked}' by a second OCR of the block")
                meta.signer = checked
        if extracted.ocr:
            repair_ocr_meta(meta)
        chunks = chunk_document(text, max_chars=self.settings.chunk_max_chars, min_chars=self.settings.chunk_min_chars)
        if not chunks:
            from troly.errors import EmptyDocumentError

            raise EmptyDocumentError(f"{path}: no passages after chunking")
        tasks = extract_document_tasks(chunks, meta, catalogue=self.catalogue)
        return Prepared(meta, chunks, extracted.source_format, extracted.ocr, list(extracted.warnings), tasks)

    def _find_twin(self, path: Path, prepared: Prepared) -> tuple[str, str] | None:
        """The indexed document this new file is another file of, with why: the same text in
        another format, or the same number and date (and no other type or issuer) with much of the
        same text. None when it is a document of its own."""
        meta = prepared.meta
        mine = _shingles("\n".join(c.text for c in prepared.chunks))
        if not mine:
            return None
        with self.db.session() as session:
            for row in twin_candidates(
                session=session, number=meta.number, date=meta.date, title=meta.title, stem=path.stem
            ):
                theirs = _shingles(document_text(session=session, doc_id=row.id))
                if not theirs:
                    continue
                shared = len(mine & theirs)
                if shared / len(mine | theirs) >= _SAME_TEXT:
                    return row.id, "same-text"
                same_number_date = bool(meta.number and meta.date) and (row.number, row.date) == (
                    meta.number,
                    meta.date,
                )
                if (
                    same_number_date
                    and _agree(meta.doc_type, row.doc_type)
                    and _agree(meta.issuer, row.issuer)
                    and shared / min(len(mine), len(theirs)) >= _SAME_NUMBER_DATE_TEXT
                ):
                    return row.id, "same-number-date"
        return None

    def _add_other_file(
        self, path: Path, sha: str, size: int, prepared: Prepared, twin: tuple[str, str], t0: float
    ) -> FileResult:
        """File ``path`` under the document it duplicates: listed with it, indexed no second time."""
        doc_id, why = twin
        stored = self._keep_copy(path, sha)
        source_path = str(path.resolve())
        with self.db.transaction() as session:
            forget_file(session=session, source_path=source_path)
            session.add(
                DocumentFileRow(
                    doc_id=doc_id,
                    source_path=source_path,
                    file_name=path.name,
                    file_sha256=sha,
                    file_size=size,
                    stored_path=str(stored) if stored else None,
                    source_format=prepared.source_format,
                    ocr=prepared.ocr,
                    reason=why,
                )
            )
            bump_documents_generation(session=session)
        return FileResult(
            str(path),
            "merged",
            doc_id,
            reason=f"another file of {doc_id} ({why})",
            user_reason=f"cùng văn bản với {doc_id} đã có: đã gộp thành một văn bản.",
            seconds=time.perf_counter() - t0,
        )

    def _refresh_tasks(self, doc_id: str) -> int:
        """Re-extract a document's tasks from its stored passages (the extractor changed)."""
        with self.db.transaction() as session:
            row = session.get(DocumentRow, doc_id)
            if row is None:
                return 0
            chunks = [
                Chunk(text=p.text, heading_path=list(p.heading_path or []), section=p.section or "")
                for p in row.passages
            ]
            tasks = extract_document_tasks(chunks, _meta_of(row), catalogue=self.catalogue)
            replace_tasks(session=session, doc_id=doc_id, tasks=tasks, passage_ids=[p.id for p in row.passages])
            reconcile_assignments(session=session, doc_id=doc_id, now=self._now())
            row.tasks_key = TASKS_VERSION
            return len(tasks)

    def _embed_and_upsert(
        self,
        doc_id: str,
        sha: str,
        meta: DocumentMeta,
        chunks: Sequence[Chunk],
        ids: list[str],
        *,
        ordinals: Sequence[int] | None = None,
    ) -> None:
        texts = [f"{context_header(meta, c.heading_path)}\n{c.text}" for c in chunks]
        embedder = self.embedder
        batch = self.settings.embedding_batch_size
        vectors = [embedder.embed_passages(texts[i : i + batch]) for i in range(0, len(texts), batch)]
        import numpy as np

        matrix = np.vstack(vectors)
        date_int = int(meta.known_date.strftime("%Y%m%d")) if meta.known_date else 0
        metadatas = [
            {"doc_id": doc_id, "ordinal": i, "sha": sha[:10], "doc_type": meta.doc_type or "", "date": date_int}
            for i in (ordinals if ordinals is not None else range(len(ids)))
        ]
        self.dense.upsert(ids, matrix, metadatas)

    def _fill_row(
        self, row: DocumentRow, path: Path, sha: str, size: int, stored: Path | None, prepared: Prepared, index_key: str
    ) -> None:
        meta = prepared.meta
        row.file_name = path.name
        row.file_sha256 = sha
        row.file_size = size
        row.stored_path = str(stored) if stored else None
        row.source_format = prepared.source_format
        row.ocr = prepared.ocr
        row.index_key = index_key
        row.doc_type = meta.doc_type
        row.number = meta.number
        row.issuer = meta.issuer
        row.place = meta.place
        row.date = meta.date
        row.date_partial = meta.date_partial
        row.date_source = meta.date_source
        row.date_precision = meta.date_precision
        row.title = meta.title
        row.signer = meta.signer
        row.signer_title = meta.signer_title
        row.recipients = list(meta.recipients)
        row.notes = list(meta.notes) + list(prepared.warnings)
        row.updated_at = dt.datetime.now(dt.UTC)

    def _keep_copy(self, path: Path, sha: str) -> Path | None:
        """Content-addressed copy in TROLY_HOME/files, so a moved or edited original loses nothing."""
        target = self.settings.files_dir / sha[:2] / f"{sha}{path.suffix.lower()}"
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(path, tmp)
        tmp.replace(target)
        return target

    def _new_doc_id(self, session: Session, path: Path) -> str:
        base = _slug(path.stem)
        candidate, n = base, 1
        while session.get(DocumentRow, candidate) is not None:
            n += 1
            candidate = f"{base}-{n}"
        return candidate

    def _sync_removed(self) -> list[FileResult]:
        """Forget files that are gone: another file of a document goes alone; a document whose
        main file is gone keeps going on another of its files, or is removed with its passages."""
        results = []
        with self.db.transaction() as session:
            for doc in list_documents(session=session):
                for other in list(doc.files):
                    if other.reason == EARLIER_VERSION:
                        continue  # history: its bytes are in TROLY_HOME/files
                    if not Path(other.source_path).exists():
                        results.append(FileResult(other.source_path, "removed", doc.id, reason="source file is gone"))
                        doc.files.remove(other)
                        session.delete(other)
                current = [f for f in doc.files if f.reason != EARLIER_VERSION]
                if not Path(doc.source_path).exists() and current:
                    results.append(FileResult(doc.source_path, "removed", doc.id, reason="source file is gone"))
                    promote_file(session=session, doc=doc, other=current[0])
        with self.db.session() as session:
            gone = [d for d in list_documents(session=session) if not Path(d.source_path).exists()]
            targets = [(d.id, d.source_path, [p.id for p in d.passages]) for d in gone]
        for doc_id, source, pids in targets:
            with self.db.transaction() as session:
                delete_document(session=session, doc_id=doc_id)
                reconcile_assignments(session=session, doc_id=doc_id, now=self._now())
            if pids:
                self.dense.delete(pids)
            results.append(FileResult(source, "removed", doc_id, len(pids), reason="source file is gone"))
        return results

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Exclusive per-home lock: one ingest at a time; a second one waits."""
        self.settings.ensure_home()
        with (self.settings.home / "ingest.lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
