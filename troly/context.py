"""The composition root: the process's shared services, built once from settings and handed down.

Entry points (``troly`` commands, the ASGI app, benchmarks) build one :class:`Context`; everything
below it (the conversation core, ingest, retrieval, ideas) receives only the parts it uses, as
explicit arguments. Nothing below imports this module.

Heavy parts load lazily: the embedding model on its first embedding, the Chroma collection on its
first write, so commands that only read SQL (``troly docs``) or find every file unchanged never load
a model. Getters build an object at most once and have no other effect: the BM25 index is brought
up to date by its writer (the ingest pipeline calls ``refresh`` after it changed the passage set)
and by each search request, never by :meth:`Context.lexical`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import troly.followup.models  # (registers the follow-up tables before the database opens)
import troly.ideas.models  # noqa: F401  (registers the idea tables before the database opens)
from troly.clock import Clock, file_clock, local_now, system_clock
from troly.config import Settings
from troly.db import Database
from troly.logs import configure_logging

if TYPE_CHECKING:
    from bot.core.assistant import Assistant
    from ingest.pipeline import Ingestor
    from retrieval.dense import DenseIndex
    from retrieval.directives import TaskFinder
    from retrieval.embeddings import Embedder
    from retrieval.facts import FactFinder
    from retrieval.search import Searcher
    from retrieval.sparse import LexicalIndex
    from troly.followup.service import FollowupService
    from troly.ideas.service import IdeaService
    from troly.units import UnitCatalogue

__all__ = ["Context", "open_context", "quiet_logging"]

logger = logging.getLogger(__name__)


class Context:
    """Settings, clock, database, embedder, indexes and catalogue, and the services built on them."""

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, clock: Clock | None = None) -> None:
        """Args:
        settings: read once at the entry point.
        embedder: a ready model (tests share one); default: ``TROLY_EMBEDDING``, loaded on first use.
        clock: the current instant (tests pin it); default: ``TROLY_NOW`` if set, else the system clock.
        """
        from retrieval.embeddings import LazyEmbedder

        self.settings = settings
        self.tz = ZoneInfo(settings.timezone)
        self.clock: Clock = clock or _settings_clock(settings)
        settings.ensure_home()
        self.db = Database(settings)
        self._embedder: Embedder = embedder or LazyEmbedder(
            settings.embedding, batch_size=settings.embedding_batch_size
        )
        self._chroma: Any = None
        self._dense: DenseIndex | None = None
        self._lexical: LexicalIndex | None = None
        self._catalogue: tuple[UnitCatalogue, Any, UnitCatalogue | None] | None = None
        self._ingestor: Ingestor | None = None
        self._searcher: Searcher | None = None
        self._finder: TaskFinder | None = None
        self._facts: FactFinder | None = None

    # ---- time ---------------------------------------------------------------------------------

    def now(self) -> dt.datetime:
        """The current time in the configured zone, from the injected clock."""
        return local_now(self.clock, self.tz)

    def today(self) -> dt.date:
        return self.now().date()

    # ---- stores and indexes -------------------------------------------------------------------

    def embedder(self) -> Embedder:
        return self._embedder

    def chroma(self) -> Any:
        if self._chroma is None:
            from retrieval.dense import make_chroma_client

            self._chroma = make_chroma_client(self.settings)
        return self._chroma

    def collection_name(self) -> str:
        """This model's Chroma collection (known without loading the model when the spec allows)."""
        from retrieval.embeddings import collection_name

        return collection_name(self._embedder.name)

    def dense(self) -> DenseIndex:
        if self._dense is None:
            from retrieval.dense import DenseIndex

            self._dense = DenseIndex(self.chroma(), collection=self.collection_name())
        return self._dense

    def lexical(self) -> LexicalIndex:
        """The BM25 index over SQL's passages; :meth:`LexicalIndex.refresh` brings it up to date."""
        if self._lexical is None:
            from retrieval.sparse import LexicalIndex, SqlPassages

            self._lexical = LexicalIndex(self.settings.lexical_path, source=SqlPassages(self.db))
        return self._lexical

    def catalogue(self) -> UnitCatalogue:
        """The unit catalogue of TROLY_PROVINCE: the admin's file (TROLY_UNITS_FILE) or the packaged
        one, the province's official communes/wards and data files, and the unit names indexed
        documents use with an admin's attachments (SQL). The files are read once; the document layer
        is rebuilt (cheaply) only after an ingest, a removal or an attachment changed it (one SQL read
        of a counter per call: no write, nothing rebuilt when nothing changed)."""
        from troly.unit_store import catalogue_stamp, with_documents
        from troly.units import UnitCatalogue

        if self._catalogue is None:
            self._catalogue = (
                UnitCatalogue.load(self.settings.units_file, province=self.settings.province),
                None,
                None,
            )
        base, stamp, full = self._catalogue
        with self.db.engine.connect() as conn:
            now = catalogue_stamp(session=conn)
        if now != stamp:
            with self.db.session() as session:
                full = with_documents(base, session=session)
            self._catalogue = (base, now, full)
        return full if full is not None else base

    # ---- readiness ----------------------------------------------------------------------------

    def readiness(self) -> dict[str, str]:
        """Probe what answering needs: ``{"database"|"chroma"|"embedding": "ok" or why not}``.

        The database answers ``SELECT 1``; Chroma answers its heartbeat; the embedding model is
        loaded (this loads it on the first probe, so a worker reports ready once it can embed).
        A failure is logged with its detail; the returned reason names only the error's class,
        since a database error may quote its URL.
        """
        from retrieval.embeddings import LazyEmbedder

        def database() -> None:
            with self.db.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")

        def chroma() -> None:
            self.chroma().heartbeat()

        def embedding() -> None:
            if isinstance(self._embedder, LazyEmbedder):
                self._embedder.load()

        checks: dict[str, str] = {}
        for name, probe in (("database", database), ("chroma", chroma), ("embedding", embedding)):
            try:
                probe()
                checks[name] = "ok"
            except Exception as e:
                logger.warning("readiness: %s is not ready: %s", name, e)
                checks[name] = f"error: {type(e).__name__}"
        return checks

    # ---- services -----------------------------------------------------------------------------

    def ingestor(self) -> Ingestor:
        """The ingest pipeline; it tells the lexical index when it changed the passage set."""
        if self._ingestor is None:
            from ingest.pipeline import Ingestor

            self._ingestor = Ingestor(
                self.settings,
                db=self.db,
                embedder=self._embedder,
                dense=self.dense(),
                catalogue=self.catalogue(),
                on_passages_changed=self.lexical().refresh,
                clock=self.clock,
            )
        return self._ingestor

    def searcher(self) -> Searcher:
        if self._searcher is None:
            from retrieval.search import Searcher

            self._searcher = Searcher(
                self.settings,
                db=self.db,
                embedder=self._embedder,
                dense=self.dense(),
                lexical=self.lexical(),
                catalogue=self.catalogue(),
            )
        return self._searcher

    def task_finder(self) -> TaskFinder:
        if self._finder is None:
            from retrieval.directives import TaskFinder

            self._finder = TaskFinder(db=self.db, catalogue=self.catalogue)
        return self._finder

    def fact_finder(self) -> FactFinder:
        """Query functions over documents and assignments (typed queries of ``troly.queries``)."""
        if self._facts is None:
            from retrieval.facts import FactFinder

            self._facts = FactFinder(db=self.db, catalogue=self.catalogue, tasks=self.task_finder())
        return self._facts

    def idea_service(self, *, clock: Clock | None = None) -> IdeaService:
        """The idea workflow; ``clock`` overrides this context's (a pinned ``--today``)."""
        from troly.ideas.service import IdeaService

        return IdeaService(
            self.settings,
            db=self.db,
            catalogue=self.catalogue(),
            embedder=self._embedder,
            clock=clock or self.clock,
        )

    def followup_service(self, *, clock: Clock | None = None) -> FollowupService:
        """Assignment follow-up (codes, statuses, progress reports); ``clock`` overrides this context's."""
        from troly.followup.service import FollowupService

        return FollowupService(self.settings, db=self.db, catalogue=self.catalogue, clock=clock or self.clock)

    def assistant(self, *, clock: Clock | None = None) -> Assistant:
        """The conversation core over this context's services."""
        from bot.core.assistant import Assistant

        return Assistant(self, clock=clock)


def _settings_clock(settings: Settings) -> Clock:
    """The system clock, the instant ``TROLY_NOW`` pins (the same for every call), or the one
    ``TROLY_NOW_FILE`` holds (read at every call)."""
    if settings.now_file is not None:
        return file_clock(settings.now_file)
    pinned = settings.now
    if pinned is None:
        return system_clock
    return lambda: pinned


def quiet_logging(level: int = logging.WARNING, *, log_format: str = "text") -> None:
    """Log set-up of command-line processes (:func:`troly.logs.configure_logging`): plain or JSON
    lines on stderr, noisy libraries at WARNING (httpx: request URLs carry bot tokens)."""
    configure_logging(log_format, level=level)


def open_context() -> Context:
    """The root for one command-line process: settings from ``TROLY_*``, quiet logging."""
    settings = Settings()
    quiet_logging(log_format=settings.log_format)
    return Context(settings)
