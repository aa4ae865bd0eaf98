"""Assignment extraction under headings that name only who (issue 11): "2. Sở Công Thương" over
its bullets, a plan's unit-less objectives, section titles and a minutes' attendance list, through
the real ingest of a DOCX."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.docfactory import make_docx
from troly.models import TaskRow

RIGHT = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Gia Lai, ngày 10 tháng 9 năm 2025")
LETTER = ("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 2496/UBND-KT", "V/v tăng cường quản lý vật liệu nổ")
PLAN = ("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 120/KH-UBND")
SIGNATURE = ["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"]


def _tasks(ctx, path: Path) -> list[tuple[str, list[str | None]]]:  # type: ignore[no-untyped-def]
    result = ctx.ingestor().ingest([path]).results[0]
    assert result.status == "added", result.reason
    with ctx.db.session() as session:
        rows = session.scalars(select(TaskRow).where(TaskRow.doc_id == result.doc_id).order_by(TaskRow.ordinal))
        return [(r.text, [a.unit_id for a in sorted(r.assignees, key=lambda a: a.position)]) for r in rows]


def test_unit_headings_assign_the_bullets_below_them(ctx, tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "cv-vlncn.docx",
        header_left=LETTER,
        header_right=RIGHT,
        table=None,
        paragraphs=[
            "Kính gửi: Các sở, ngành thuộc tỉnh.",
            "Để tăng cường quản lý vật liệu nổ công nghiệp, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu các cơ quan, "
            "đơn vị, địa phương thực hiện tốt các nhiệm vụ sau:",
            "1. Sở Công Thương",
            "a) Rà soát các quy định hiện hành về quản lý vật liệu nổ công nghiệp.",
            "b) Tăng cường kiểm tra các doanh nghiệp hoạt động vật liệu nổ công nghiệp.",
            "2. Sở Nội vụ",
            "a) Nâng cao chất lượng tổ chức huấn luyện an toàn, vệ sinh lao động.",
            "3. Bộ Chỉ huy Quân sự tỉnh/Ban Chỉ huy Bộ đội Biên phòng tỉnh",
            "a) Kiểm tra, kiểm soát công tác nhập khẩu tiền chất thuốc nổ qua biên giới.",
            "4. Tổ chức thực hiện",
            "Các cơ quan, đơn vị báo cáo kết quả về Sở Công Thương trước ngày 15/12/2025./.",
            *SIGNATURE,
        ],
    )
    tasks = _tasks(ctx, path)

    def units(start: str) -> list[str | None]:
        return next(u for text, u in tasks if text.startswith(start))

    assert units("a) Rà soát các quy định") == units("b) Tăng cường kiểm tra") == ["so-cong-thuong"]
    assert units("a) Nâng cao chất lượng") == ["so-noi-vu"]
    assert units("a) Kiểm tra, kiểm soát") == ["bch-quan-su", "bdbp"]
    assert not any(text.startswith("4. Tổ chức thực hiện") for text, _ in tasks)  # a section title


def test_plan_objectives_without_a_unit_are_not_assignments(ctx, tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "kh-khoang-san.docx",
        header_left=PLAN,
        header_right=RIGHT,
        table=None,
        paragraphs=[
            "KẾ HOẠCH",
            "Thực hiện Chỉ thị về tăng cường quản lý khoáng sản",
            "I. NHIỆM VỤ, GIẢI PHÁP",
            "1. Công tác tuyên truyền",
            "- Tổ chức quán triệt sâu rộng các chủ trương, chính sách về khoáng sản đến cán bộ và Nhân dân.",
            "- Đẩy mạnh cải cách thủ tục hành chính về lĩnh vực khoáng sản.",
            "II. TỔ CHỨC THỰC HIỆN",
            "1. Sở Nông nghiệp và Môi trường",
            "- Rà soát, điều chỉnh Phương án quản lý khoáng sản, xong trong tháng 5/2026.",
            "2. Thanh tra tỉnh",
            "- Tăng cường công tác thanh tra, kiểm tra trong lĩnh vực khoáng sản hằng năm.",
            *SIGNATURE,
        ],
    )
    tasks = _tasks(ctx, path)
    assert [units for _, units in tasks] == [["so-nn-mt"], ["thanh-tra-tinh"]]


def test_attendance_list_of_minutes_assigns_nothing(ctx, tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "bb-kiem-tra.docx",
        header_left=("SỞ CÔNG THƯƠNG", "TỈNH GIA LAI"),
        header_right=RIGHT,
        table=None,
        paragraphs=[
            "BIÊN BẢN",
            "Làm việc về kiểm tra an toàn vật liệu nổ công nghiệp",
            "A. THÀNH PHẦN ĐOÀN LÀM VIỆC",
            "1. Đại diện Sở Công Thương",
            "- Ông Nguyễn Văn Bình, chuyên viên phòng Quản lý công nghiệp.",
            "2. Đại diện Công an tỉnh",
            "- Ông Trần Văn Cường, cán bộ phòng Cảnh sát phòng cháy.",
        ],
    )
    assert _tasks(ctx, path) == []
