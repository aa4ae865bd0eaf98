"""BM25 beside Chroma (embedded Chroma has no lexical search), kept consistent with SQL.

Two ``bm25s`` indexes over the same passages: exact tokens (canonical syllables + bigrams + codes)
and accent-folded tokens for questions typed without diacritics. Layout in ``TROLY_HOME/bm25``:

    tokens.sqlite           per-passage token cache: only new passages are tokenised on refresh
    gen-<N>/exact, folded   bm25s matrices for passage-set generation N, plus ids.json

SQL's passage-set generation (bumped in the same transaction as any passage change) decides
freshness, checked only in :meth:`LexicalIndex.refresh`, at two well-defined points: the writer of
passages (the ingest pipeline, a removal) calls it after it changed the passage set, and a search
request calls it first, so a reader in another process notices a newer generation; it then reloads,
or rebuilds if no one has yet. Nothing else (no getter, no query) touches SQL. A build
is written to a temporary folder and renamed, so a crash never leaves a half-written index, and a
missing or stale index is simply rebuilt from SQL.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import json
import logging
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from retrieval.tokenize import TOKENIZER_VERSION, tokenize, tokenize_both
from troly.store import all_passage_rows, passages_generation

if TYPE_CHECKING:
    from troly.db import Database

__all__ = ["LexicalIndex", "PassageSource", "SqlPassages", "passage_index_text"]

PassageRows = list[tuple[str, str, list[str]]]

logger = logging.getLogger(__name__)


def _bm25s() -> ModuleType:
    """Import bm25s, whose package forces its logger to DEBUG at import time."""
    module = importlib.import_module("bm25s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return module


def passage_index_text(text: str, heading_path: Sequence[str]) -> str:
    """What BM25 indexes for a passage: its headings (they name the topic) and its text."""
    return "\n".join([*heading_path, text])


class PassageSource(Protocol):
    """The passage set the index mirrors, with its generation (bumped on every change)."""

    def generation(self) -> int: ...

    def rows(self) -> PassageRows:
        """``(id, text, heading path)`` of every passage, in a stable order."""
        ...


class SqlPassages:
    """The passage set in SQL, the source of truth."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def generation(self) -> int:
        with self.db.session() as session:
            return passages_generation(session=session)

    def rows(self) -> PassageRows:
        with self.db.session() as session:
            return all_passage_rows(session=session)


class _BM25(Protocol):
    """The part of ``bm25s.BM25`` used here (bm25s ships no type information)."""

    vocab_dict: dict[str, int]
    scores: dict[str, Any]  # CSC matrix parts: "data", "indices", "indptr"

    def get_scores(self, query_tokens_single: list[str]) -> np.ndarray[Any, Any]: ...


@dataclass(slots=True)
class _Loaded:
    generation: int
    ids: list[str]
    exact: _BM25  # bm25s.BM25
    folded: _BM25


class LexicalIndex:
    """BM25 search over the passage set of one TROLY_HOME. Scores: higher is better."""

    def __init__(self, directory: Path, *, source: PassageSource | None = None) -> None:
        self.dir = directory
        self.source = source
        self._loaded: _Loaded | None = None
        self._lock = threading.Lock()

    @property
    def generation(self) -> int | None:
        return self._loaded.generation if self._loaded else None

    # ---- freshness ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Match the source's current generation (one cheap SQL read when already fresh).

        Call it after changing the passage set (the writer) and at the start of a search request.
        """
        if self.source is None:
            raise ValueError("LexicalIndex.refresh() needs the index built with a passage source")
        self.ensure(self.source.generation(), self.source.rows)

    def ensure(self, generation: int, fetch: Callable[[], PassageRows]) -> None:
        """Make the loaded index match ``generation``; ``fetch()`` returns [(id, text, headings)].

        Loads a build of that generation from disk when one exists, else builds it (once, under a
        file lock, so concurrent workers do not race).
        """
        if self._loaded and self._loaded.generation == generation:
            return
        with self._lock:
            if self._loaded and self._loaded.generation == generation:
                return
            target = self.dir / f"gen-{generation}-t{TOKENIZER_VERSION}"
            if not self._try_load(target, generation):
                with self._file_lock():
                    if not self._try_load(target, generation):
                        self._build(target, generation, fetch())
                        self._try_load(target, generation)
            self._prune(keep=target)

    def _try_load(self, target: Path, generation: int) -> bool:
        if not (target / "ids.json").exists():
            return False
        bm25s = _bm25s()
        try:
            ids = json.loads((target / "ids.json").read_text(encoding="utf-8"))
            exact = bm25s.BM25.load(str(target / "exact"), mmap=False, load_vocab=True, show_progress=False)
            folded = bm25s.BM25.load(str(target / "folded"), mmap=False, load_vocab=True, show_progress=False)
        except Exception:  # a damaged build: rebuild it
            logger.warning("lexical index at %s is unreadable; rebuilding", target, exc_info=True)
            shutil.rmtree(target, ignore_errors=True)
            return False
        self._loaded = _Loaded(generation, ids, exact, folded)
        return True

    def _build(self, target: Path, generation: int, rows: Sequence[tuple[str, str, Sequence[str]]]) -> None:
        bm25s = _bm25s()
        ids = [r[0] for r in rows]
        exact_tokens, folded_tokens = self._tokens_for(rows)
        tmp = target.with_name(target.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        for name, tokens in (("exact", exact_tokens), ("folded", folded_tokens)):
            model = bm25s.BM25()
            # bm25s cannot index an empty corpus; one empty document keeps the code path uniform.
            model.index(tokens or [[""]], show_progress=False)
            model.save(str(tmp / name), show_progress=False)
        (tmp / "ids.json").write_text(json.dumps(ids), encoding="utf-8")
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
        logger.info("built lexical index generation %d over %d passages", generation, len(ids))

    def _prune(self, *, keep: Path) -> None:
        for old in self.dir.glob("gen-*"):
            if old != keep and not old.name.endswith(".tmp"):
                shutil.rmtree(old, ignore_errors=True)

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        self.dir.mkdir(parents=True, exist_ok=True)
        with (self.dir / "build.lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # ---- token cache --------------------------------------------------------------------------

    def _tokens_for(self, rows: Sequence[tuple[str, str, Sequence[str]]]) -> tuple[list[list[str]], list[list[str]]]:
        """Tokens for every row, tokenising only passages the cache has not seen (ids are immutable:
        a passage id embeds its file's content hash, so a cached id never changes text)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.dir / "tokens.sqlite")
        try:
            con.execute(
                "CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, version TEXT, exact TEXT, folded TEXT)"
            )
            cached = {
                pid: (exact, folded)
                for pid, version, exact, folded in con.execute("SELECT id, version, exact, folded FROM tokens")
                if version == TOKENIZER_VERSION
            }
            fresh = []
            for pid, text, headings in rows:
                if pid not in cached:
                    exact, folded = tokenize_both(passage_index_text(text, headings))
                    cached[pid] = (" ".join(exact), " ".join(folded))
                    fresh.append((pid, TOKENIZER_VERSION, *cached[pid]))
            live = {r[0] for r in rows}
            stale = [(pid,) for pid in cached if pid not in live]
            with con:
                con.executemany("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?)", fresh)
                con.executemany("DELETE FROM tokens WHERE id = ?", stale)
            logger.info("lexical tokens: %d new, %d cached, %d dropped", len(fresh), len(rows) - len(fresh), len(stale))
        finally:
            con.close()
        exact_tokens = [cached[r[0]][0].split(" ") for r in rows]
        folded_tokens = [cached[r[0]][1].split(" ") for r in rows]
        return exact_tokens, folded_tokens

    # ---- search -------------------------------------------------------------------------------

    def ids(self) -> set[str]:
        """Passage ids of the loaded index (what consistency checks compare with SQL and Chroma)."""
        return set(self._loaded.ids) if self._loaded else set()

    def containing(self, token: str, *, folded: bool = False) -> list[str]:
        """Ids of the passages whose tokens include ``token`` (a whole document code such as
        "570/kh-vpubnd"), read from the index's token→passage postings: no scan of the text."""
        loaded = self._loaded
        if loaded is None or not loaded.ids:
            return []
        model = loaded.folded if folded else loaded.exact
        column = model.vocab_dict.get(token)
        if column is None:
            return []
        postings = model.scores  # CSC: token column -> passage rows
        rows = postings["indices"][postings["indptr"][column] : postings["indptr"][column + 1]]
        return [loaded.ids[int(i)] for i in rows if int(i) < len(loaded.ids)]

    def document_frequency(self, token: str, *, folded: bool = False) -> int:
        """How many passages contain ``token`` (0 when unknown or nothing is loaded)."""
        loaded = self._loaded
        if loaded is None or not loaded.ids:
            return 0
        model = loaded.folded if folded else loaded.exact
        column = model.vocab_dict.get(token)
        if column is None:
            return 0
        indptr = model.scores["indptr"]
        return int(indptr[column + 1] - indptr[column])

    def passage_count(self) -> int:
        return len(self._loaded.ids) if self._loaded else 0

    def vocabulary(self, *, folded: bool = False) -> Mapping[str, int]:
        """Token → column of the loaded index (syllables, ``a_b`` bigrams and codes); read-only."""
        loaded = self._loaded
        if loaded is None:
            return {}
        model = loaded.folded if folded else loaded.exact
        return model.vocab_dict

    def search(self, query: str, *, k: int, folded: bool = False) -> list[tuple[str, float]]:
        """Top-``k`` passages for ``query`` as ``(id, bm25 score)``, best first, scores > 0 only."""
        loaded = self._loaded
        if loaded is None or not loaded.ids:
            return []
        model = loaded.folded if folded else loaded.exact
        tokens = tokenize(query, folded=folded)
        vocab = model.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return []
        scores = np.asarray(model.get_scores(known), dtype=np.float32)
        n = min(k, len(loaded.ids))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(loaded.ids[i], float(scores[i])) for i in top if scores[i] > 0]
