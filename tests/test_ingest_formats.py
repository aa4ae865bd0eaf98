"""Real DOCX, text PDF and scanned PDF files through the whole pipeline: text, metadata and OCR."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.docfactory import HEADER_LEFT, HEADER_RIGHT, make_docx, make_scanned_pdf, make_text_pdf
from troly.store import list_documents

BODY = [
    "THÔNG BÁO",
    "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về chuyển đổi số",
    "1. Giao Sở Tư pháp chủ trì rà soát thủ tục hành chính, hoàn thành trước ngày 30/7/2025.",
    "2. Tỉnh đoàn chịu trách nhiệm giới thiệu ít nhất 02 ý tưởng đổi mới sáng tạo mỗi tháng.",
    "UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.",
    "Nơi nhận:",
    "- Các sở, ban, ngành;",
    "- Lưu: VT.",
    "TL. CHỦ TỊCH",
    "CHÁNH VĂN PHÒNG",
    "Nguyễn Xuân Vĩnh",
]
HAS_OCR = shutil.which("tesseract") is not None


def _ingest_one(ctx, path: Path):
    run = ctx.ingestor().ingest([path])
    result = run.results[0]
    assert result.status == "added", result.reason
    with ctx.db.session() as session:
        doc = next(d for d in list_documents(session=session) if d.id == result.doc_id)
        return doc, [p.text for p in doc.passages], result


def _check_meta(doc, *, strict: bool = True) -> None:
    assert doc.doc_type == "Thông báo"
    assert doc.number == "174/TB-UBND"
    assert doc.date == dt.date(2025, 7, 5) and doc.date_source == "header"
    if strict:
        assert doc.issuer == "UBND tỉnh Gia Lai"
        assert doc.signer == "Nguyễn Xuân Vĩnh"


def test_docx_with_header_table(ctx, tmp_path: Path) -> None:
    path = make_docx(tmp_path / "tb-174.docx", paragraphs=BODY)
    doc, texts, result = _ingest_one(ctx, path)
    _check_meta(doc)
    joined = "\n".join(texts)
    assert "Giao Sở Tư pháp chủ trì rà soát thủ tục hành chính" in joined
    assert "Nơi nhận" not in joined  # page furniture is not a passage
    assert result.tasks >= 2


def test_text_pdf(ctx, tmp_path: Path) -> None:
    path = make_text_pdf(tmp_path / "tb-174.pdf", [*HEADER_LEFT, *HEADER_RIGHT, *BODY])
    doc, texts, _ = _ingest_one(ctx, path)
    _check_meta(doc)
    assert doc.source_format == "pdf" and not doc.ocr
    assert any("Tỉnh đoàn chịu trách nhiệm giới thiệu ít nhất 02 ý tưởng" in t for t in texts)


@pytest.mark.ocr
@pytest.mark.skipif(not HAS_OCR, reason="tesseract is not installed (CI installs tesseract-ocr-vie)")
def test_scanned_pdf_goes_through_ocr(ctx, tmp_path: Path) -> None:
    path = make_scanned_pdf(tmp_path / "tb-174-scan.pdf", [*HEADER_LEFT, *HEADER_RIGHT, *BODY])
    doc, texts, _ = _ingest_one(ctx, path)
    assert doc.ocr is True
    _check_meta(doc, strict=False)
    joined = "\n".join(texts)
    assert "Sở Tư pháp" in joined and "ý tưởng" in joined
