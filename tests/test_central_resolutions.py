"""Central documents read as their genres direct (issue 11, round 8: part wf of the dev corpus).

* A National Assembly Standing Committee resolution exported by pandoc as Markdown: escapes
  ("2\\."), emphasis and grid tables are markup, not text; its issuer is the two header lines
  "ỦY BAN THƯỜNG VỤ / QUỐC HỘI"; the "Nơi nhận" list in a narrow table cell runs over several lines
  and is never a task; the bodies of another province ("Hội đồng nhân dân, Ủy ban nhân dân tỉnh Cao
  Bằng") are named whole, never the catalogue's own; the National Assembly's organs supervise.
* A Party resolution ("Giao Bộ Chính trị chỉ đạo …") directs like a conclusion, not like a law.
* A Prime Minister's letter lists ministries by their fields ("Các Bộ: Công Thương, …, Văn hóa,
  Thể thao và Du lịch, …"): each ministry, the one whose name has commas of its own included.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docfactory import make_docx
from tests.ingested_tasks import ingest_tasks
from troly.units import UnitCatalogue


@pytest.fixture(scope="module")
def cat_units() -> UnitCatalogue:
    return UnitCatalogue.load()


RESOLUTION_MD = r"""  ----------------------- -----------------------------------------------
    **ỦY BAN THƯỜNG VỤ\        **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\
         QUỐC HỘI\                 Độc lập - Tự do - Hạnh phúc\
     \-\-\-\-\-\-\--**            \-\-\-\-\-\-\-\-\-\-\-\-\-\--**

   Số: 1657/NQ-UBTVQH15         *Hà Nội, ngày 16 tháng 6 năm 2025*
  ----------------------- -----------------------------------------------

**NGHỊ QUYẾT**

VỀ VIỆC SẮP XẾP CÁC ĐƠN VỊ HÀNH CHÍNH CẤP XÃ CỦA TỈNH CAO BẰNG NĂM 2025

**ỦY BAN THƯỜNG VỤ QUỐC HỘI**

*Căn cứ* *Luật Tổ chức chính quyền địa phương số 72/2025/QH15;*

**QUYẾT NGHỊ:**

**Điều 1. Sắp xếp các đơn vị hành chính cấp xã của tỉnh Cao Bằng**

1\. Sắp xếp toàn bộ diện tích tự nhiên, quy mô dân số của xã Thạch Lâm
và xã Quảng Lâm thành xã mới có tên gọi là xã Quảng Lâm.

**Điều 2. Tổ chức thực hiện**

1\. Chính phủ, Hội đồng nhân dân, Ủy ban nhân dân tỉnh Cao Bằng, chính quyền địa phương các
đơn vị hành chính liên quan đến việc thực hiện sắp xếp và các cơ quan, tổ
chức khác có liên quan có trách nhiệm tổ chức thi hành Nghị quyết này;
sắp xếp, ổn định bộ máy các cơ quan, tổ chức ở địa phương.

2\. Hội đồng Dân tộc, các Ủy ban của Quốc hội, Đoàn đại biểu Quốc hội và
đại biểu Quốc hội tỉnh Cao Bằng, trong phạm vi nhiệm vụ, quyền hạn của
mình, giám sát việc thực hiện Nghị quyết này.

*Nghị quyết này được Ủy ban Thường vụ Quốc hội thông qua ngày 16 tháng 6 năm 2025.*

+------------------------------+:-------------------------------------:+
| ***Nơi nhận:\***             | **TM. ỦY BAN THƯỜNG VỤ QUỐC HỘI\      |
| - Chính phủ;\                | CHỦ TỊCH\                             |
| - Ủy ban TW Mặt trận Tổ quốc | \                                     |
| Việt Nam;\                   | Trần Thanh Mẫn**                      |
| - Các Bộ, cơ quan ngang Bộ,  |                                       |
| cơ quan thuộc CP;\           |                                       |
| - Tỉnh ủy, HĐND, UBND, Đoàn  |                                       |
| ĐBQH,\                       |                                       |
| Ủy ban MTTQVN tỉnh Cao       |                                       |
| Bằng;\                       |                                       |
| - Lưu: HC, PLTP.             |                                       |
+------------------------------+---------------------------------------+
"""


def test_standing_committee_resolution_in_markdown(ctx, tmp_path: Path) -> None:
    path = tmp_path / "nq-1657-ubtvqh15.md"
    path.write_text(RESOLUTION_MD, encoding="utf-8")
    doc, rows = ingest_tasks(ctx, path)
    assert (doc.doc_type, doc.number, doc.issuer, doc.signer) == (
        "Nghị quyết",
        "1657/NQ-UBTVQH15",
        "Ủy ban Thường vụ Quốc hội",
        "Trần Thanh Mẫn",
    )
    got = [([(a.name, a.unit_id) for a in r.assignees], r.text.split()[0]) for r in rows]
    assert got == [
        (
            [
                ("Chính phủ", "chinh-phu"),
                ("Hội đồng nhân dân tỉnh Cao Bằng", None),
                ("Ủy ban nhân dân tỉnh Cao Bằng", None),
            ],
            "1.",
        ),
        (
            [
                ("Hội đồng Dân tộc", "hoi-dong-dan-toc"),
                ("các Ủy ban của Quốc hội", "cac-uy-ban-quoc-hoi"),
                ("Đoàn đại biểu Quốc hội tỉnh Cao Bằng", None),
                ("đại biểu Quốc hội tỉnh Cao Bằng", None),
            ],
            "2.",
        ),
    ]


PARTY_LEFT = ("BAN CHẤP HÀNH TRUNG ƯƠNG", "*", "Số: 60-NQ/TW")
PARTY_RIGHT = ("ĐẢNG CỘNG SẢN VIỆT NAM", "Hà Nội, ngày 12 tháng 4 năm 2025")


def test_party_resolution_directs_like_a_conclusion(ctx, tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "nq-60-tw.docx",
        header_left=PARTY_LEFT,
        header_right=PARTY_RIGHT,
        paragraphs=[
            "NGHỊ QUYẾT",
            "HỘI NGHỊ LẦN THỨ MƯỜI MỘT BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG KHÓA XIII",
            "1. Cơ bản thống nhất Đề án phương hướng công tác nhân sự.",
            "Giao Bộ Chính trị căn cứ ý kiến thảo luận của Trung ương để chỉ đạo hoàn thiện Phương hướng công "
            "tác nhân sự, tiếp tục báo cáo Ban Chấp hành Trung ương Đảng.",
            "Ban Chấp hành Trung ương Đảng kêu gọi toàn Đảng, toàn dân, toàn quân tiếp tục đoàn kết, thống nhất.",
            "T/M BAN CHẤP HÀNH TRUNG ƯƠNG",
            "TỔNG BÍ THƯ",
            "Tô Lâm",
        ],
        table=None,
    )
    doc, rows = ingest_tasks(ctx, path)
    assert doc.doc_type == "Nghị quyết"
    assert [[(a.name, a.unit_id) for a in r.assignees] for r in rows] == [[("Bộ Chính trị", "bo-chinh-tri")]]


def test_prime_ministers_letter_lists_ministries_by_their_fields(ctx, tmp_path: Path) -> None:
    path = make_docx(
        tmp_path / "cv-464-ttg.docx",
        header_left=("THỦ TƯỚNG CHÍNH PHỦ", "Số: 464/TTg-CĐS", "V/v cắt giảm điều kiện kinh doanh"),
        header_right=(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Hà Nội, ngày 30 tháng 4 năm 2026",
        ),
        paragraphs=[
            "Kính gửi: Các Bộ, cơ quan ngang Bộ.",
            "Các Bộ: Công Thương, Khoa học và Công nghệ, Tài chính, Văn hóa, Thể thao và Du lịch, Y tế khẩn "
            "trương hoàn thành nội dung quy định cắt giảm điều kiện kinh doanh./.",
            "KT. THỦ TƯỚNG",
            "PHÓ THỦ TƯỚNG",
            "Phạm Thị Thanh Trà",
        ],
        table=None,
    )
    _doc, rows = ingest_tasks(ctx, path)
    assert [[a.unit_id for a in r.assignees] for r in rows] == [
        ["bo-cong-thuong", "bo-khcn", "bo-tai-chinh", "bo-vhttdl", "bo-y-te"]
    ]


def test_another_provinces_bodies_are_not_this_provinces(cat_units) -> None:
    """In a Gia Lai letter, "Công an tỉnh Gia Lai" is the catalogue's Công an tỉnh; "Sở Tài chính tỉnh
    Kon Tum" (a partner in another province) is named whole, with no catalogue unit."""
    from ingest.tasks import extract_tasks
    from troly.types import Chunk, DocumentMeta

    chunks = [
        Chunk(
            text="1. Công an tỉnh Gia Lai chủ trì, phối hợp với Sở Tài chính tỉnh Kon Tum rà soát hồ sơ trước ngày "
            "30/6/2026.",
            heading_path=[],
            section="",
        )
    ]
    meta = DocumentMeta(doc_type="Công văn", issuer="UBND tỉnh Gia Lai")
    (task,) = extract_tasks(chunks, meta, catalogue=cat_units)
    assert [(a.name, a.unit_id, a.role) for a in task.assignees] == [
        ("Công an tỉnh Gia Lai", "cong-an-tinh", "lead"),
        ("Sở Tài chính tỉnh Kon Tum", None, "cooperate"),
    ]
