"""Near-duplicate files: the same document as DOCX and PDF (or with the same number and date) is one
document with several files; its passages and tasks are indexed once."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.docfactory import HEADER_LEFT, HEADER_RIGHT, make_docx, make_text_pdf
from troly.models import DocumentFileRow, TaskRow
from troly.store import list_documents, passage_ids

BODY = (
    "THÔNG BÁO",
    "Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp về công tác chuyển đổi số",
    "Ngày 03 tháng 7 năm 2025, Phó Chủ tịch UBND tỉnh chủ trì cuộc họp nghe báo cáo tình hình triển khai "
    "các nhiệm vụ chuyển đổi số của tỉnh trong sáu tháng đầu năm và phương hướng sáu tháng cuối năm.",
    "1. Giao Sở Khoa học và Công nghệ chủ trì, phối hợp với các cơ quan liên quan rà soát hạ tầng số "
    "của các xã, phường, báo cáo Ủy ban nhân dân tỉnh trước ngày 30/9/2025.",
    "2. Giao Sở Tư pháp hoàn thiện cơ sở dữ liệu hộ tịch điện tử, kết nối với cơ sở dữ liệu quốc gia về "
    "dân cư trong tháng 12/2025.",
    "3. Tỉnh đoàn chịu trách nhiệm phối hợp với Sở Tư pháp tuyên truyền về dịch vụ công trực tuyến đến "
    "đoàn viên, thanh niên trên địa bàn tỉnh.",
)
SIGNED_TAIL = (
    "Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.",
    "Nơi nhận:",
    "- Như trên;",
    "- Lưu: VT.",
    "KT. CHỦ TỊCH",
    "PHÓ CHỦ TỊCH",
    "Nguyễn Văn Ký",
)
EXTRA = (
    "4. Sở Nội vụ phối hợp với Sở Khoa học và Công nghệ tổ chức bồi dưỡng kỹ năng số cho cán bộ, công chức "
    "cấp xã, bảo đảm mỗi xã có ít nhất hai người được tập huấn về vận hành hệ thống thông tin một cửa.",
    "5. Ủy ban nhân dân các xã, phường bố trí địa điểm, thiết bị để Tổ công nghệ số cộng đồng hướng dẫn "
    "người dân sử dụng dịch vụ công trực tuyến, thanh toán không dùng tiền mặt và ứng dụng định danh điện tử.",
)


def _docs(ctx):  # type: ignore[no-untyped-def]
    from troly.schemas import DocumentPublic

    with ctx.db.session() as session:
        return [DocumentPublic.from_row(d, passages=len(d.passages)) for d in list_documents(session=session)]


def _task_count(ctx) -> int:  # type: ignore[no-untyped-def]
    with ctx.db.session() as session:
        return session.query(TaskRow).count()


def test_docx_and_pdf_of_one_notice_are_one_document(ctx, tmp_path: Path) -> None:
    """The PDF of an indexed DOCX joins it: one document, two files, passages and tasks once."""
    docx = make_docx(tmp_path / "tb-174.docx", paragraphs=BODY, table=None)
    pdf = make_text_pdf(tmp_path / "thong-bao-174-ban-ky.pdf", [*HEADER_LEFT, *HEADER_RIGHT, *BODY])
    ingestor = ctx.ingestor()
    first = ingestor.ingest([docx])
    tasks_alone = _task_count(ctx)
    second = ingestor.ingest([pdf])
    (result,) = second.results
    assert result.status == "merged" and result.doc_id == first.results[0].doc_id
    assert "same-text" in (result.reason or "") and second.passages_embedded == 0
    (doc,) = _docs(ctx)
    assert doc.files == ["tb-174.docx", "thong-bao-174-ban-ky.pdf"]
    assert tasks_alone > 0 and _task_count(ctx) == tasks_alone
    # Unchanged on the next run, both files.
    assert [r.status for r in ingestor.ingest([docx, pdf]).results] == ["unchanged", "unchanged"]

    # Removing the DOCX keeps the document on the PDF; its passages are re-read from it next time.
    assert ingestor.remove("tb-174.docx") == ["tb-174.docx"]
    (doc,) = _docs(ctx)
    assert doc.files == ["thong-bao-174-ban-ky.pdf"] and doc.passages > 0
    again = ingestor.ingest([pdf]).results[0]
    assert again.status == "updated" and again.doc_id == doc.id
    with ctx.db.session() as session:
        assert passage_ids(session=session) == ctx.dense().ids()
    assert _task_count(ctx) == tasks_alone
    # Removing the last file removes the document.
    assert ingestor.remove(str(pdf.resolve())) == [doc.id]
    assert _docs(ctx) == []


def test_same_number_and_date_joins_only_the_same_text(ctx, tmp_path: Path) -> None:
    """A draft and its signed version (same number and date, a longer text) are one document; an
    appendix filed under the same number and date is a document of its own."""
    draft = make_docx(tmp_path / "du-thao.docx", paragraphs=BODY, table=None)
    signed = make_docx(tmp_path / "ban-ky.docx", paragraphs=[*BODY, *EXTRA, *SIGNED_TAIL], table=None)
    appendix = make_docx(
        tmp_path / "phu-luc.docx",
        paragraphs=[
            "THÔNG BÁO",
            "Danh mục hạ tầng số cần rà soát kèm theo thông báo",
            "Trạm phát sóng di động tại các thôn vùng sâu, vùng xa chưa có sóng 4G; điểm truy cập Internet công cộng "
            "tại nhà văn hóa thôn; hệ thống truyền thanh cơ sở ứng dụng công nghệ thông tin - viễn thông.",
        ],
        table=None,
    )
    ingestor = ctx.ingestor()
    run = ingestor.ingest([draft, signed, appendix])
    statuses = {Path(r.path).name: (r.status, r.reason or "") for r in run.results}
    assert statuses["du-thao.docx"][0] == "added" and statuses["phu-luc.docx"][0] == "added"
    assert statuses["ban-ky.docx"][0] == "merged" and "same-number-date" in statuses["ban-ky.docx"][1]
    docs = {d.file: d for d in _docs(ctx)}
    assert len(docs) == 2 and docs["du-thao.docx"].files == ["du-thao.docx", "ban-ky.docx"]
    assert docs["du-thao.docx"].number == docs["phu-luc.docx"].number == "174/TB-UBND"


def test_sync_forgets_a_gone_file_and_keeps_the_document(ctx, tmp_path: Path) -> None:
    folder = tmp_path / "vb"
    make_docx(folder / "tb-174.docx", paragraphs=BODY, table=None)
    make_text_pdf(folder / "tb-174.pdf", [*HEADER_LEFT, *HEADER_RIGHT, *BODY])
    ingestor = ctx.ingestor()
    assert sorted(r.status for r in ingestor.ingest([folder]).results) == ["added", "merged"]
    (folder / "tb-174.pdf").unlink()
    run = ingestor.ingest([folder], sync=True)
    assert [r.status for r in run.results] == ["unchanged", "removed"]
    (doc,) = _docs(ctx)
    assert doc.files == ["tb-174.docx"]
    with ctx.db.session() as session:
        assert session.query(DocumentFileRow).count() == 0


def test_cli_docs_lists_every_file(ctx, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from troly.cli import app

    monkeypatch.setenv("TROLY_HOME", str(ctx.settings.home))
    docx = make_docx(tmp_path / "tb-174.docx", paragraphs=BODY, table=None)
    pdf = make_text_pdf(tmp_path / "tb-174-ky.pdf", [*HEADER_LEFT, *HEADER_RIGHT, *BODY])
    ctx.ingestor().ingest([docx, pdf])
    res = CliRunner().invoke(app, ["docs", "--json"])
    assert res.exit_code == 0, res.output
    (doc,) = json.loads(res.stdout)
    assert doc["files"] == ["tb-174.docx", "tb-174-ky.pdf"]
