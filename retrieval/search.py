"""Hybrid search facade: dense (Chroma) + BM25 + exact codes, fused, filtered, optionally reranked.

Batch-first like txtai: ``search(q)`` is ``batch_search([q])[0]``, so evaluation and the
``--queries`` batch mode load the model once and embed all questions together. Every ``Hit``
says which retrievers found it and with what score (higher is better everywhere).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from sqlalchemy import func, or_, select

from retrieval.fusion import fuse
from retrieval.query import AnalyzedQuery, analyze, load_abbreviations
from retrieval.tokenize import find_codes
from troly.metrics import RETRIEVAL_SECONDS
from troly.models import DocumentRow, PassageRow
from troly.store import passage_after, passages_by_ids
from troly.text import canonical, fold
from troly.types import Hit, Passage

if TYPE_CHECKING:
    from sqlalchemy import Row
    from sqlalchemy.orm import Session

    from retrieval.dense import DenseIndex
    from retrieval.embeddings import Embedder
    from retrieval.rerank import CrossEncoderReranker
    from retrieval.sparse import LexicalIndex
    from retrieval.spelling import Speller
    from troly.config import Settings
    from troly.db import Database
    from troly.units import UnitCatalogue

__all__ = ["Mode", "Scope", "SearchFilters", "Searcher"]

logger = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "bm25"]


@dataclass(slots=True, frozen=True)
class SearchFilters:
    """Metadata restrictions; ``None`` fields do not restrict."""

    doc_types: tuple[str, ...] | None = None
    issuer_contains: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    doc_ids: tuple[str, ...] | None = None
    # Unit ids that concern the asked unit (itself, its groups, predecessors: the catalogue's
    # ``expand_for_query``); a passage passes when its heading path or text names one of them.
    unit_ids: frozenset[str] | None = None

    def active(self) -> bool:
        return any(
            v is not None
            for v in (self.doc_types, self.issuer_contains, self.date_from, self.date_to, self.doc_ids, self.unit_ids)
        )

    def allows(self, p: Passage, issuer: str | None, mentioned: set[str] | None = None) -> bool:
        if self.doc_types is not None and (p.doc_type or "") not in self.doc_types:
            return False
        if self.doc_ids is not None and p.doc_id not in self.doc_ids:
            return False
        if self.issuer_contains and self.issuer_contains.casefold() not in (issuer or "").casefold():
            return False
        if self.date_from and (p.date is None or p.date < self.date_from):
            return False
        if self.date_to and (p.date is None or p.date > self.date_to):
            return False
        return not (self.unit_ids is not None and not (mentioned or set()) & self.unit_ids)


# "văn bản 5973", "công văn số 193", "thông báo 912", "QĐ 1074": a document named by its number.
_NUMBERED = re.compile(
    r"\b(?:van ban|cong van|thong bao|ke hoach|quyet dinh|bao cao|to trinh|chi thi|vb|tb|cv|kh|qd|bc)"
    r"(?:\s+so)?\s+(\d{2,6})\b(?!\s*/)"
)


@dataclass(slots=True, frozen=True)
class Scope:
    """The documents a question restricts itself to (``None``: all) and codes nothing has."""

    doc_ids: tuple[str, ...] | None = None
    missing: tuple[str, ...] = ()


class Searcher:
    """Finds passages for questions over the indexes it is given (built once by the composition root)."""

    def __init__(
        self,
        settings: Settings,
        *,
        db: Database,
        embedder: Embedder,
        dense: DenseIndex,
        lexical: LexicalIndex,
        catalogue: UnitCatalogue,
    ) -> None:
        """Args:
        settings: fusion, candidate, abbreviation and reranker settings.
        db: the passages (SQL is the source of truth; orphans in an index are skipped).
        embedder: embeds questions (a lazy one loads its model on the first dense search).
        dense: the passage vectors; lexical: BM25 over the same passages.
        catalogue: resolves unit filters against passage text.
        """
        s = settings
        self.settings = settings
        self.db = db
        self.embedder = embedder
        self.dense = dense
        self.lexical = lexical
        self.catalogue = catalogue
        self.method = s.fusion
        self.weights = {"dense": s.fusion_dense_weight, "bm25": 1.0 - s.fusion_dense_weight, "exact": 0.5}
        self.candidates = s.retrieval_candidates
        self._abbreviations = load_abbreviations(str(s.abbreviations_file) if s.abbreviations_file else None)
        self._reranker: CrossEncoderReranker | None = None
        self._speller: Speller | None = None

    def _spelling(self) -> Speller:
        from retrieval.spelling import Speller

        self.lexical.refresh()
        if self._speller is None:
            self._speller = Speller(self.lexical)
        return self._speller

    def correct(self, question: str) -> str:
        """``question`` with small typos fixed against the indexed vocabulary (``retrieval.spelling``)."""
        return self._spelling().correct(question)

    def next_passage(self, passage: Passage) -> Passage | None:
        """The passage after ``passage`` in its document: where a list that a sentence announces
        ("… 3 đột phá chiến lược.") goes on when the chunker cut between them."""
        with self.db.session() as session:
            return passage_after(session=session, doc_id=passage.doc_id, ordinal=passage.ordinal)

    def scope(self, question: str) -> Scope:
        """The documents a question names by number ("Theo văn bản 5973, …", "912/TB-UBND"):
        documents whose number is that code or starts with that number; ``missing`` lists full
        codes that no document has and no passage quotes."""
        codes = find_codes(canonical(question))
        bare = [
            m.group(1)
            for m in _NUMBERED.finditer(fold(question))
            if not any(c.startswith(m.group(1) + "/") for c in codes)
        ]
        if not codes and not bare:
            return Scope()
        doc_ids: set[str] = set()
        missing = []
        asked_dates = {
            dt.date(int(y), int(m), int(d))
            for d, m, y in re.findall(r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\b", question)
            if 1 <= int(m) <= 12 and 1 <= int(d) <= 31
        }
        with self.db.session() as session:
            for code in codes:
                found = set(session.scalars(select(DocumentRow.id).where(func.lower(DocumentRow.number) == code)))
                head, suffix = code.split("/", 1)
                if not found:
                    found = set(
                        session.scalars(select(DocumentRow.id).where(func.lower(DocumentRow.number).like(f"{head}/%")))
                    )
                if not found:
                    self.lexical.refresh()
                    quoted = self.lexical.containing(code) or self.lexical.containing(fold(code), folded=True)
                    # The document quoting it in its first passages is the one (its header).
                    found = {p.doc_id for p in passages_by_ids(session=session, ids=quoted).values() if p.ordinal <= 1}
                if not found:
                    # Documents whose number lost its digits ("/UBND-KT", a stamped number) may be
                    # the one, unless the question's date rules them out.
                    unnumbered = session.execute(
                        select(DocumentRow.id, DocumentRow.date, DocumentRow.date_precision).where(
                            func.lower(DocumentRow.number) == f"/{suffix}"
                        )
                    ).all()
                    found = {
                        doc_id
                        for doc_id, date, precision in unnumbered
                        if not asked_dates or (date in asked_dates and (precision or "day") == "day")
                    }
                    if not found:
                        missing.append(code)
                doc_ids |= found
            for number in bare:
                doc_ids |= set(
                    session.scalars(
                        select(DocumentRow.id).where(
                            or_(DocumentRow.number.like(f"{number}/%"), DocumentRow.number.like(f"{number}-%"))
                        )
                    )
                )
        return Scope(doc_ids=tuple(sorted(doc_ids)) or None, missing=tuple(missing))

    def search(
        self, query: str, *, k: int = 5, mode: Mode = "hybrid", filters: SearchFilters | None = None
    ) -> list[Hit]:
        return self.batch_search([query], k=k, mode=mode, filters=filters)[0]

    def batch_search(
        self, queries: Sequence[str], *, k: int = 5, mode: Mode = "hybrid", filters: SearchFilters | None = None
    ) -> list[list[Hit]]:
        """Ranked hits for each query (best first)."""
        if not queries:
            return []
        with RETRIEVAL_SECONDS.labels(mode).time():
            return self._batch_search(queries, k=k, mode=mode, filters=filters)

    def _batch_search(
        self, queries: Sequence[str], *, k: int, mode: Mode, filters: SearchFilters | None
    ) -> list[list[Hit]]:
        analyzed = [analyze(q, abbreviations=self._abbreviations) for q in queries]
        if mode in ("hybrid", "bm25"):
            # The one point where a reader notices passages another process changed (SQL's generation).
            self.lexical.refresh()
        n = self.candidates * (4 if filters and filters.active() else 1)
        dense = self._dense(analyzed, n) if mode in ("hybrid", "dense") else [[] for _ in analyzed]
        lexical = self._bm25(analyzed, n) if mode in ("hybrid", "bm25") else [[] for _ in analyzed]
        exact = self._exact(analyzed) if mode == "hybrid" else [[] for _ in analyzed]
        out = []
        with self.db.session() as session:
            for aq, d, b, e in zip(analyzed, dense, lexical, exact, strict=False):
                lists = {name: ranked for name, ranked in (("dense", d), ("bm25", b), ("exact", e)) if ranked}
                if mode == "hybrid":
                    fused = fuse(lists, method=self.method, weights=self.weights, rrf_k=self.settings.rrf_k)
                else:
                    fused = list(lists.get(mode, []))
                found = passages_by_ids(session=session, ids=[pid for pid, _ in fused[: n * 2]])
                issuers = self._issuers(session, found.values()) if filters and filters.issuer_contains else {}
                hits = []
                # A query that is little more than a document code ("912/TB-UBND") lists that
                # document's passages first; in a longer question the code is one clue among others.
                code_first = bool(e) and len(aq.original.split()) <= 3
                limit = max(k, 20 if self.settings.reranker else k) + (len(e) if code_first else 0)
                for pid, score in fused:
                    p = found.get(pid)
                    if p is None or (
                        filters and not filters.allows(p, issuers.get(p.doc_id), self._units_in(p, filters))
                    ):
                        continue  # an orphan left by a crash, or filtered out
                    scores = {name: s for name, ranked in lists.items() for q, s in ranked if q == pid}
                    hits.append(Hit(passage=p, score=score, retrievers=sorted(scores), scores=scores))
                    if len(hits) >= limit:
                        break
                if code_first:  # its exact matches first, in fused order
                    exact_ids = {pid for pid, _ in e}
                    hits.sort(key=lambda h: h.passage.id not in exact_ids)
                out.append(self._rerank(aq, hits)[:k])
        return out

    # ---- retrievers ---------------------------------------------------------------------------

    def _dense(self, analyzed: list[AnalyzedQuery], n: int) -> list[list[tuple[str, float]]]:
        if not self.dense.exists():
            return [[] for _ in analyzed]
        # A question typed without accents is embedded with the accents the documents give it: the
        # model reads "ty le so hoa" as other words than "tỷ lệ số hóa". BM25 keeps its folded index.
        texts = [self._spelling().restore_accents(aq.text) if aq.folded else aq.text for aq in analyzed]
        vectors = self.embedder.embed_queries(texts)
        return self.dense.query(vectors, k=n)

    def _bm25(self, analyzed: list[AnalyzedQuery], n: int) -> list[list[tuple[str, float]]]:
        lexical = self.lexical
        return [lexical.search(aq.text, k=n, folded=aq.folded) for aq in analyzed]

    def _exact(self, analyzed: list[AnalyzedQuery]) -> list[list[tuple[str, float]]]:
        """Passages that contain a quoted document code ("570/KH-VPUBND", also typed without
        diacritics), or belong to the document with that number; earlier passages first.

        Codes are whole tokens of the BM25 index, so its postings answer this without scanning
        passage text (an ILIKE scan cost 100 ms at 100k passages)."""
        out: list[list[tuple[str, float]]] = []
        if not any(aq.codes for aq in analyzed):
            return [[] for _ in analyzed]
        lexical = self.lexical
        with self.db.session() as session:
            for aq in analyzed:
                if not aq.codes:
                    out.append([])
                    continue
                ids: set[str] = set()
                for code in aq.codes:
                    ids.update(lexical.containing(code))
                    ids.update(lexical.containing(fold(code), folded=True))
                numbered = select(DocumentRow.id).where(
                    or_(*[func.lower(DocumentRow.number) == code for code in aq.codes])
                )
                ids.update(session.scalars(select(PassageRow.id).where(PassageRow.doc_id.in_(numbered))))
                if not ids:
                    out.append([])
                    continue
                rows: list[Row[str, int]] = []
                id_list = sorted(ids)
                for start in range(0, len(id_list), 500):  # keep IN lists short for every database
                    rows += session.execute(
                        select(PassageRow.id, PassageRow.ordinal).where(PassageRow.id.in_(id_list[start : start + 500]))
                    ).all()
                rows.sort(key=lambda r: (r[1], r[0]))
                out.append([(pid, 1.0 / (1 + i)) for i, (pid, _) in enumerate(rows[: self.candidates])])
        return out

    def _units_in(self, p: Passage, filters: SearchFilters) -> set[str] | None:
        """Catalogued units named in a passage's headings or text (only when a unit filter is set)."""
        if filters.unit_ids is None:
            return None
        mentions = self.catalogue.find_mentions(f"{p.heading}\n{p.text}")
        return {m.unit_id for m in mentions if m.unit_id}

    @staticmethod
    def _issuers(session: Session, passages: Iterable[Passage]) -> dict[str, str | None]:
        ids = {p.doc_id for p in passages}
        rows = session.execute(select(DocumentRow.id, DocumentRow.issuer).where(DocumentRow.id.in_(ids)))
        return dict(rows.all())

    # ---- reranking ----------------------------------------------------------------------------

    def _rerank(self, aq: AnalyzedQuery, hits: list[Hit]) -> list[Hit]:
        """Reorder with a CrossEncoder when ``TROLY_RERANKER`` names one (off by default)."""
        name = self.settings.reranker
        if not name or len(hits) < 2:
            return hits
        if self._reranker is None:
            from retrieval.rerank import CrossEncoderReranker

            self._reranker = CrossEncoderReranker(name)
        scores = self._reranker.score(aq.original, [h.passage.text for h in hits])
        for hit, score in zip(hits, scores, strict=False):
            hit.scores["rerank"] = score
            hit.retrievers = sorted(set(hit.retrievers) | {"rerank"})
            hit.score = score
        return sorted(hits, key=lambda h: -h.score)
