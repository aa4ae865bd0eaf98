"""Chroma wrapper: our own vectors in, typed ``(id, similarity)`` pairs out.

The collection is created with ``embedding_function=None``: troly embeds itself, so Chroma never
downloads its default model. One collection per embedding model (named after it), cosine space.
``TROLY_CHROMA_URL`` switches from the embedded PersistentClient to an ``HttpClient`` against a
``chroma run`` server; the rest of the code is the same.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlparse

import numpy as np

from troly.config import Settings
from troly.errors import IndexError_

__all__ = ["DenseIndex", "make_chroma_client"]

logger = logging.getLogger(__name__)

_PAGE = 5000  # ids per page when listing a collection (Chroma caps a single get on large sets)


def make_chroma_client(settings: Settings) -> Any:
    """Build exactly one Chroma client kind from settings (server URL or embedded path)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_url:
            url = urlparse(settings.chroma_url)
            if not url.hostname:
                raise IndexError_(f"TROLY_CHROMA_URL is not a URL: {settings.chroma_url!r}")
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except IndexError_:
        raise
    except Exception as e:
        raise IndexError_(f"cannot open Chroma ({settings.chroma_url or settings.chroma_path}): {e}") from e


class DenseIndex:
    """One Chroma collection of passage vectors. Similarities are cosine: higher is closer.

    The collection is opened (created if missing) on the first write; reads of a collection that
    does not exist yet answer empty without creating it, so inspecting an empty home changes nothing.
    """

    def __init__(self, client: Any, *, collection: str, dim: int | None = None) -> None:
        self._client = client
        self.name = collection
        self._metadata: dict[str, Any] = {"hnsw:space": "cosine"}
        if dim is not None:
            self._metadata["dim"] = dim
        self._opened: Any = None

    def exists(self) -> bool:
        """Whether the collection exists (asks Chroma until it does; then it always will)."""
        if self._opened is not None:
            return True
        names = {getattr(c, "name", c) for c in self._client.list_collections()}
        return self.name in names

    @property
    def _collection(self) -> Any:
        if self._opened is None:
            try:
                self._opened = self._client.get_or_create_collection(
                    name=self.name, metadata=self._metadata, embedding_function=None
                )
            except Exception as e:
                raise IndexError_(f"cannot open Chroma collection {self.name!r}: {e}") from e
        return self._opened

    def count(self) -> int:
        if not self.exists():
            return 0
        return int(self._collection.count())

    def upsert(
        self,
        ids: Sequence[str],
        embeddings: np.ndarray,
        metadatas: Sequence[dict[str, Any]],
        *,
        batch: int = 1000,
    ) -> None:
        """Insert or replace vectors (idempotent: re-running after a crash is safe)."""
        for start in range(0, len(ids), batch):
            end = start + batch
            self._collection.upsert(
                ids=list(ids[start:end]),
                embeddings=np.asarray(embeddings[start:end], dtype=np.float32),
                metadatas=list(metadatas[start:end]),
            )

    def delete(self, ids: Iterable[str], *, batch: int = 1000) -> int:
        ids = list(ids)
        if not ids or not self.exists():
            return 0
        for start in range(0, len(ids), batch):
            self._collection.delete(ids=ids[start : start + batch])
        return len(ids)

    def reset(self) -> None:
        """Drop the collection with every vector; the next write creates it again, empty."""
        if self.exists():
            try:
                self._client.delete_collection(self.name)
            except Exception as e:
                raise IndexError_(f"cannot drop Chroma collection {self.name!r}: {e}") from e
        self._opened = None

    def ids(self) -> set[str]:
        """Every id in the collection (paged, so large indexes do not hit Chroma's limits)."""
        out: set[str] = set()
        if not self.exists():
            return out
        offset = 0
        while True:
            page = self._collection.get(include=[], limit=_PAGE, offset=offset)
            got = page["ids"]
            out.update(got)
            if len(got) < _PAGE:
                return out
            offset += _PAGE

    def query(
        self, vectors: np.ndarray, *, k: int, where: dict[str, Any] | None = None
    ) -> list[list[tuple[str, float]]]:
        """Nearest passages for each query vector, as ``(id, cosine similarity)``, best first."""
        n = self.count()
        if n == 0:
            return [[] for _ in range(len(vectors))]
        res = self._collection.query(
            query_embeddings=np.asarray(vectors, dtype=np.float32),
            n_results=min(k, n),
            where=where,
            include=["distances"],
        )
        return [
            [(pid, 1.0 - float(dist)) for pid, dist in zip(ids, dists, strict=False)]
            for ids, dists in zip(res["ids"], res["distances"], strict=False)
        ]
