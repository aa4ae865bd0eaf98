"""Assignments in a department's letter to one addressee (issue 11, the fresh dev part ``wa``).

Short letters of a Sở to a company or another Sở are the most common directive form, and the
ones whose tasks went missing or wrong on documents nobody tuned to. Each test is a real DOCX
through the real ingest, shaped like such a letter: the writer speaking of itself, the preamble
("Thực hiện … về việc giao …", "Xét đề nghị …"), the sentence that sets the reply's deadline,
numbered requests without a subject, the addressee named with its branch, a condition "khi đã
…", and a team's task table naming people.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.docfactory import make_docx
from tests.ingested_tasks import ingest_tasks as _ingest
from tests.ingested_tasks import unit_roles as _units

RIGHT = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Gia Lai, ngày 10 tháng 3 năm 2026")
SCT = ("UBND TỈNH GIA LAI", "SỞ CÔNG THƯƠNG", "Số: 956/SCT-CN", "V/v tham gia ý kiến phương án nổ mìn")
SIGNATURE = ["Nơi nhận:", "- Như trên;", "- Lưu: VT, CN.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Hoàng Văn Thuận"]


def _letter(tmp_path: Path, name: str, paragraphs: list[str], *, table: list[list[str]] | None = None) -> Path:
    return make_docx(tmp_path / name, header_left=SCT, header_right=RIGHT, paragraphs=paragraphs, table=table)


def test_the_reply_deadline_sentence_dates_the_request_and_the_writer_is_no_assignee(ctx, tmp_path: Path) -> None:
    path = _letter(
        tmp_path,
        "cv-sxd.docx",
        [
            "Kính gửi: Sở Xây dựng",
            "Thực hiện ý kiến chỉ đạo của UBND tỉnh tại Phiếu chuyển số 610/PC-VPUBND ngày 04/3/2026 về việc "
            "giao Sở Công Thương xem xét, giải quyết hồ sơ đề nghị phê duyệt Phương án nổ mìn của Công ty TNHH "
            "MTV Duy Hiếu.",
            "Để có cơ sở trình UBND tỉnh phê duyệt Phương án nổ mìn, Sở Công Thương đề nghị Sở Xây dựng xem "
            "xét, có ý kiến tham gia vào Phương án nổ mìn của Công ty.",
            "(Gửi kèm theo Phương án nổ mìn).",
            "Ý kiến tham gia của Quý sở đề nghị gửi về Sở Công Thương trước ngày 14/3/2026 để có cơ sở thẩm "
            "định trình UBND tỉnh phê duyệt./.",
            *SIGNATURE,
        ],
    )
    _, rows = _ingest(ctx, path)
    assert [_units(r) for r in rows] == [[("so-xay-dung", "assigned")]]
    assert rows[0].due_end == dt.date(2026, 3, 14)


def test_numbered_requests_without_a_subject_are_the_one_addressees(ctx, tmp_path: Path) -> None:
    company = "Chi nhánh số 1 - Công ty cổ phần Xuất nhập khẩu Sợi Phương Nam"
    path = _letter(
        tmp_path,
        "cv-chi-nhanh.docx",
        [
            f"Kính gửi: {company}",
            "Sở Công Thương nhận được hồ sơ đề nghị cấp Giấy phép vận chuyển hàng hóa nguy hiểm của Chi nhánh. "
            "Sau khi nghiên cứu, Sở Công Thương có ý kiến như sau:",
            "1. Đối với Phương án tổ chức vận chuyển",
            "- Rà soát, sửa mã số doanh nghiệp và số điện thoại ghi chưa chính xác trong Phương án.",
            "2. Về thời hạn của Giấy phép",
            "- Thời hạn của Giấy phép tối đa không quá 24 tháng.",
            f"Đề nghị {company} khẩn trương rà soát, hoàn thiện các nội dung nêu trên và gửi hồ sơ về Sở Công "
            "Thương để được xem xét, giải quyết theo quy định.",
            "Sở Công Thương phúc đáp để Chi nhánh biết và thực hiện./.",
            *SIGNATURE,
        ],
    )
    _, rows = _ingest(ctx, path)
    assert [[a.name for a in r.assignees] for r in rows] == [[company], [company]]
    assert rows[1].text.startswith(f"Đề nghị {company} khẩn trương")


def test_the_addressee_by_its_short_name_and_the_closing_that_gives_it_a_duty(ctx, tmp_path: Path) -> None:
    company = "Doanh nghiệp tư nhân xăng dầu Phúc Lộc"
    path = _letter(
        tmp_path,
        "cv-dntn.docx",
        [
            f"Kính gửi: {company} (địa chỉ: thôn 3, xã Bảo Ái, tỉnh Lào Cai)",
            f"Sở Công Thương tiếp nhận Tờ trình số 09/TTr-CT của {company} đề nghị thẩm định thiết kế.",
            "Do đó, Sở Công Thương từ chối thẩm định và hoàn trả hồ sơ. Đề nghị Doanh nghiệp tổ chức thực "
            "hiện việc thẩm định theo quy định.",
            "Sở Công Thương thông báo để Hợp tác xã Văn Thịnh biết, chủ động bố trí nhân sự đáp ứng đủ điều "
            "kiện theo quy định./.",
            *SIGNATURE,
        ],
    )
    _, rows = _ingest(ctx, path)
    assert [[(a.name, a.role) for a in r.assignees] for r in rows] == [
        [(company, "assigned")],
        [("Hợp tác xã Văn Thịnh", "responsible")],  # a cooperative, not the commune Văn Thịnh
    ]


def test_a_condition_with_da_keeps_a_request_forward_looking(ctx, tmp_path: Path) -> None:
    path = _letter(
        tmp_path,
        "cv-kho.docx",
        [
            "Kính gửi: Công ty cổ phần Mông Sơn",
            "Xét đề nghị của Công ty cổ phần Mông Sơn tại Văn bản số 12/2026/CV-MS, Sở Công Thương đã kiểm tra "
            "thực tế kho bảo quản vật liệu nổ công nghiệp.",
            "Để việc bảo quản vật liệu nổ theo quy định hiện hành, Sở Công Thương đề nghị Công ty cổ phần Mông Sơn:",
            "1. Chỉ đưa kho vào bảo quản, sử dụng khi đã hoàn thành đầy đủ các thủ tục pháp lý theo quy định.",
            "2. Duy trì thường xuyên các điều kiện an toàn của kho.",
            "Sở Công Thương phúc đáp để Công ty cổ phần Mông Sơn biết và thực hiện./.",
            *SIGNATURE,
        ],
    )
    _, rows = _ingest(ctx, path)
    assert [r.text[:9] for r in rows] == ["1. Chỉ đư", "2. Duy tr"]
    assert all([a.name for a in r.assignees] == ["Công ty cổ phần Mông Sơn"] for r in rows)


def test_a_teams_task_table_gives_each_person_named_in_a_cell_the_row(ctx, tmp_path: Path) -> None:
    path = _letter(
        tmp_path,
        "kh-to-cong-tac.docx",
        [
            "Giao phòng Quản lý Công nghiệp triển khai, thực hiện các công việc:",
            "1. Tổ chức kiểm tra kỹ thuật an toàn cho các đối tượng liên quan.",
            "PHÂN CÔNG NHIỆM VỤ CỦA TỔ CÔNG TÁC",
        ],
        table=[
            ["TT", "Nhiệm vụ thực hiện", "Người thực hiện", "Ghi chú"],
            ["1", "Xây dựng bài kiểm tra, đáp án", "Đỗ Mạnh Cường\nVũ Việt Linh", ""],
            ["2", "In ấn chứng chỉ", "Vũ Việt Linh", ""],
        ],
    )
    _, rows = _ingest(ctx, path)
    named = [[a.name for a in r.assignees] for r in rows]
    assert named[0] == ["phòng Quản lý Công nghiệp"]
    assert ["Đỗ Mạnh Cường", "Vũ Việt Linh"] in named
    assert ["Vũ Việt Linh"] in named


# --------------------------------------------------------------------------- legal instruments

BCT = ("BỘ CÔNG THƯƠNG", "Số: 24/2025/TT-BCT")
RIGHT_HN = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 20 tháng 5 năm 2025")


def test_a_circular_assigns_only_in_its_implementation_chapter_each_article_to_its_party(ctx, tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "thong-tu.docx",
        header_left=BCT,
        header_right=RIGHT_HN,
        table=None,
        paragraphs=[
            "THÔNG TƯ",
            "Quy định về kế hoạch quản lý rủi ro trong khai thác khoáng sản",
            "Chương I",
            "QUY ĐỊNH CHUNG",
            "Điều 1. Phạm vi điều chỉnh",
            "Thông tư này quy định việc lập, phê duyệt kế hoạch quản lý rủi ro trong khai thác khoáng sản.",
            "Điều 2. Hồ sơ, trình tự phê duyệt",
            "1. Doanh nghiệp khai thác khoáng sản nộp hồ sơ đề nghị phê duyệt cho cơ quan có thẩm quyền.",
            "2. Cơ quan có thẩm quyền có trách nhiệm kiểm tra hồ sơ trong thời hạn 02 ngày làm việc.",
            "Chương II",
            "TRÁCH NHIỆM THI HÀNH",
            "Điều 9. Trách nhiệm của doanh nghiệp khai thác khoáng sản",
            "1. Tổ chức triển khai, thực hiện các nội dung của kế hoạch quản lý rủi ro được phê duyệt.",
            "2. Định kỳ hàng năm cập nhật kế hoạch quản lý rủi ro.",
            "Điều 10. Trách nhiệm của Ủy ban nhân dân cấp tỉnh",
            "1. Tổ chức tiếp nhận, kiểm tra, đánh giá hồ sơ đề nghị phê duyệt kế hoạch.",
            "Nơi nhận:",
            "- Lưu: VT.",
            "KT. BỘ TRƯỞNG",
            "THỨ TRƯỞNG",
            "Nguyễn Sinh Nhật Tân",
        ],
    )
    doc, rows = _ingest(ctx, path)
    assert doc.doc_type == "Thông tư"
    owners = [[(a.name, a.unit_id, a.role) for a in r.assignees] for r in rows]
    assert owners == [
        [("Doanh nghiệp khai thác khoáng sản", None, "responsible")],
        [("Doanh nghiệp khai thác khoáng sản", None, "responsible")],
        [("Ủy ban nhân dân cấp tỉnh", "g-ubnd-cac-tinh", "responsible")],
    ]  # the procedure article (Điều 2) binds, it does not assign
