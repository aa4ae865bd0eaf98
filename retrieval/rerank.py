"""Optional cross-encoder reranking through sentence-transformers' ``CrossEncoder``.

Off by default: no reranker weights ship offline. ``TROLY_RERANKER`` names any CrossEncoder model
(hub name or local path) and the searcher reorders its top candidates with it.
"""

from __future__ import annotations

from troly.errors import EmbeddingBackendError

__all__ = ["CrossEncoderReranker"]


class CrossEncoderReranker:
    """Scores (query, passage) pairs; higher is more relevant."""

    def __init__(self, model: str) -> None:
        try:
            from sentence_transformers import CrossEncoder
        except ImportError as e:
            raise EmbeddingBackendError("reranking needs sentence-transformers: pip install 'troly[st]'") from e
        try:
            self._model = CrossEncoder(model)
        except Exception as e:
            raise EmbeddingBackendError(f"cannot load CrossEncoder model {model!r}: {e}") from e

    def score(self, query: str, passages: list[str]) -> list[float]:
        if not passages:
            return []
        return [float(s) for s in self._model.predict([(query, p) for p in passages], show_progress_bar=False)]
