"""Assignment extraction that knows the genre (issue 11), through the real ingest of real files.

Each pattern is a rule of the genre, built as a DOCX or PDF shaped like the documents where it
went wrong: a one-paragraph official letter closed by "./.", a guideline, a cover-memo form, an
enumeration of units, referenced-document dates, years given as context, and an assignee that
the unit catalogue does not know. Where the document type cannot yet be read from a file, the
rule is checked on ``extract_tasks`` with the type the metadata reader would pass.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from ingest.tasks import ExtractedTask, extract_tasks
from tests.docfactory import make_docx, make_text_pdf
from tests.ingested_tasks import ingest_tasks as _ingest
from tests.ingested_tasks import unit_roles as _units
from troly.models import TaskRow, UnknownUnitRow
from troly.store import list_documents
from troly.types import Chunk, DocumentMeta
from troly.units import UnitCatalogue

RIGHT = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Gia Lai, ngày 10 tháng 9 năm 2025")
UBND_LETTER = ("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 2496/UBND-KT", "V/v triển khai thực hiện")
SIGNATURE = ["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"]


@pytest.fixture(scope="module")
def cat() -> UnitCatalogue:
    return UnitCatalogue.load()


def _docx(tmp_path: Path, name: str, paragraphs: list[str], left=UBND_LETTER) -> Path:
    return make_docx(tmp_path / name, header_left=left, header_right=RIGHT, paragraphs=paragraphs, table=None)


def _lines_tasks(
    cat: UnitCatalogue, meta: DocumentMeta, lines: list[str], path: list[str] | None = None
) -> list[ExtractedTask]:
    """The tasks of one passage made of ``lines`` under ``path``."""
    return extract_tasks([Chunk(text="\n".join(lines), heading_path=path or [], section="")], meta, catalogue=cat)


# --------------------------------------------------------------------------- the end mark


def test_one_paragraph_letter_ending_with_the_end_mark_is_a_task(ctx, tmp_path: Path) -> None:
    path = _docx(
        tmp_path,
        "cv-cong-an.docx",
        [
            "Kính gửi: Công an tỉnh.",
            "Thực hiện Công văn số 123/BCA-C06 ngày 05/8/2025 của Bộ Công an, Chủ tịch UBND tỉnh giao Công an "
            "tỉnh chủ trì, phối hợp với các cơ quan liên quan nghiên cứu, tham mưu thực hiện theo quy định./.",
            *SIGNATURE,
        ],
    )
    doc, rows = _ingest(ctx, path)
    assert doc.doc_type == "Công văn"
    assert [_units(r) for r in rows] == [[("cong-an-tinh", "lead")]]
    assert rows[0].due is None  # the date of the cited letter is not a deadline


def test_letter_with_a_deadline_before_the_end_mark(ctx, tmp_path: Path) -> None:
    path = make_text_pdf(
        tmp_path / "cv-noi-vu.pdf",
        [
            *UBND_LETTER,
            *RIGHT,
            "Kính gửi: Sở Nội vụ.",
            "Chủ tịch UBND tỉnh có ý kiến như sau:",
            "Giao Sở Nội vụ tổng hợp danh sách cán bộ, báo cáo UBND tỉnh trước ngày 30/9/2025./.",
            *SIGNATURE,
        ],
    )
    _, rows = _ingest(ctx, path)
    assert [_units(r) for r in rows] == [[("so-noi-vu", "assigned")]]
    assert rows[0].due_end == dt.date(2025, 9, 30)


def test_closing_formula_for_everyone_is_still_not_a_task(cat: UnitCatalogue) -> None:
    meta = DocumentMeta(doc_type="Kế hoạch", date=dt.date(2025, 8, 12))
    chunks = [Chunk(text="UBND tỉnh yêu cầu các cơ quan, đơn vị triển khai thực hiện./.", heading_path=[], section="")]
    assert extract_tasks(chunks, meta, catalogue=cat) == []


# --------------------------------------------------------------------------- genre


def test_guideline_yields_no_task_for_its_own_issuer(ctx, tmp_path: Path) -> None:
    left = ("UBND TỈNH GIA LAI", "VĂN PHÒNG", "Số: 12/HD-VP")
    path = _docx(
        tmp_path,
        "huong-dan.docx",
        [
            "HƯỚNG DẪN",
            "Thể thức và kỹ thuật trình bày văn bản hành chính",
            "1. Phạm vi áp dụng",
            "Văn phòng UBND tỉnh hướng dẫn các cơ quan, đơn vị thực hiện thống nhất thể thức văn bản.",
            "2. Thể thức văn bản",
            "- Văn phòng UBND tỉnh chịu trách nhiệm kiểm tra thể thức văn bản trước khi trình ký.",
            "- Trình bày số, ký hiệu văn bản theo đúng mẫu tại Phụ lục I.",
            "- Các cơ quan, đơn vị thực hiện nghiêm túc hướng dẫn này.",
            "3. Tổ chức thực hiện",
            "Sở Nội vụ chủ trì, phối hợp với Văn phòng UBND tỉnh kiểm tra việc thực hiện hướng dẫn này.",
            "Nơi nhận:",
            "- Lưu: VT.",
            "CHÁNH VĂN PHÒNG",
            "Trần Văn Bình",
        ],
        left=left,
    )
    doc, rows = _ingest(ctx, path)
    assert doc.doc_type == "Hướng dẫn"
    # Only the sentence that assigns another unit; instructions and the issuer's own duties are not
    # tasks, and the issuer is not a partner in the work it hands out.
    assert [_units(r) for r in rows] == [[("so-noi-vu", "lead")]]


def test_cover_memo_form_lines_are_never_tasks(cat: UnitCatalogue) -> None:
    text = "\n".join(
        [
            "Kính gửi: Chủ tịch UBND tỉnh",
            "1. Nội dung trình: Dự thảo Kế hoạch chuyển đổi số năm 2026.",
            "2. Đề xuất của Văn phòng: Văn phòng UBND tỉnh đề xuất ban hành Kế hoạch.",
            "3. Ý kiến chỉ đạo của lãnh đạo UBND tỉnh:",
            "3.1. Thống nhất hoàn toàn",
            "3.2. Thống nhất, nhưng bổ sung thêm nội dung",
            "3.3. Ý kiến khác: ……………………………………",
        ]
    )
    meta = DocumentMeta(doc_type="Phiếu trình", date=dt.date(2025, 9, 10), issuer="Văn phòng UBND tỉnh Gia Lai")
    assert extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat) == []
    # Whatever the type, a field with dotted leaders to fill in is not a task.
    other = DocumentMeta(doc_type="Thông báo", date=dt.date(2025, 9, 10))
    tasks = extract_tasks([Chunk(text=text, heading_path=[], section="")], other, catalogue=cat)
    assert not any("……" in t.text for t in tasks)


def test_law_yields_no_task_for_everyone_it_binds(cat: UnitCatalogue) -> None:
    meta = DocumentMeta(doc_type="Luật", date=dt.date(2024, 6, 29), issuer="Quốc hội")
    text = "\n".join(
        [
            "Điều 21. Trách nhiệm của cơ quan nhà nước",
            "1. Cơ quan nhà nước có trách nhiệm công khai thông tin theo quy định của Luật này.",
            "2. Tổ chức, cá nhân thực hiện quyền tiếp cận thông tin theo quy định.",
            "Điều 22. Trách nhiệm của Ủy ban nhân dân cấp tỉnh",
            "Ủy ban nhân dân cấp tỉnh tổ chức thi hành Luật này tại địa phương.",
        ]
    )
    tasks = extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat)
    assert all(t.assignees for t in tasks)  # no "unassigned" instruction of a law


# --------------------------------------------------------------------------- enumerations


def test_enumerated_units_are_exactly_those(ctx, tmp_path: Path) -> None:
    left = ("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 305/TB-UBND")
    path = _docx(
        tmp_path,
        "tb-enum.docx",
        [
            "THÔNG BÁO",
            "Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp về chuyển đổi số",
            "Tham dự cuộc họp có lãnh đạo các sở: Tài chính, Nội vụ.",
            "Phó Chủ tịch UBND tỉnh kết luận như sau:",
            "1. Giao các sở: NN&PTNT, TT&TT, Xây dựng triển khai cập nhật dữ liệu lên nền tảng số của tỉnh.",
            "UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.",
            *SIGNATURE,
        ],
        left=left,
    )
    doc, rows = _ingest(ctx, path)
    assert doc.doc_type == "Thông báo"
    assert [_units(r) for r in rows] == [
        [("so-nnptnt", "assigned"), ("so-tttt", "assigned"), ("so-xay-dung", "assigned")]
    ]
    names = [a.name for a in sorted(rows[0].assignees, key=lambda a: a.position)]
    assert names == ["Sở Nông nghiệp và Phát triển nông thôn", "Sở Thông tin và Truyền thông", "Sở Xây dựng"]


def test_enumerated_communes_are_partners_each(cat: UnitCatalogue) -> None:
    """ "phối hợp với Ủy ban nhân dân các xã: Gia Phú, Bảo Thắng khẩn trương …": two communes (of
    another province, so not in the catalogue), each a partner; the list ends where the title-case
    place names do; "Ủy ban nhân dân xã, phường" is every commune."""
    meta = DocumentMeta(doc_type="Quyết định", issuer="UBND tỉnh Lào Cai")
    text = "\n".join(
        [
            "- Công ty Cổ phần Khánh An phối hợp với Ủy ban nhân dân các xã: Gia Phú, Bảo Thắng khẩn trương "
            "thực hiện công tác bồi thường, giải phóng mặt bằng.",
            "- Ủy ban nhân dân xã, phường tăng cường kiểm tra, giám sát hoạt động của các doanh nghiệp.",
        ]
    )
    tasks = extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat)
    assert [[(a.unit_id, a.role) for a in t.assignees if a.unit_id] for t in tasks] == [
        [("xa-gia-phu", "cooperate"), ("xa-bao-thang", "cooperate")],
        [("g-xa-phuong", "assigned")],
    ]


# --------------------------------------------------------------------------- a letter to several units

SO_LETTER = ("UBND TỈNH GIA LAI", "SỞ CÔNG THƯƠNG", "Số: 412/SCT-CN", "V/v tham gia ý kiến dự thảo Phương án")


def test_letter_to_a_named_list_asks_each_unit_of_it(ctx, tmp_path: Path) -> None:
    """ "Kính gửi: - Các Sở: Tư pháp, Nội vụ; - UBND các xã: Ia Grai, Chư Păh; - Công ty … (CCN …)":
    the body's "đề nghị các cơ quan, đơn vị …" asks each unit of the list, the company named
    without the note of its line; the reply deadline below is the request's, and "đề nghị các cơ quan,
    đơn vị quan tâm, phối hợp thực hiện./." only closes the letter. The lead-in stays with the long item it introduces (one passage),
    so the task's passage shows who is asked."""
    long_item = (
        "- Tham gia ý kiến đối với toàn bộ nội dung đề xuất tại Báo cáo số 4243/BC-SCT ngày 15/7/2025 của Sở "
        "Công Thương (phạm vi, nguyên tắc áp dụng, trình tự triển khai) và 02 dự thảo văn bản chỉ đạo của UBND "
        "tỉnh gửi kèm; trong đó nêu rõ ý kiến lựa chọn 01 trong 02 phương án tổ chức đánh giá, lựa chọn chủ đầu "
        "tư xây dựng hạ tầng kỹ thuật cụm công nghiệp nêu tại mục 2 Phần IV Báo cáo (Phương án 1: không thành "
        "lập Hội đồng; Phương án 2: thành lập 01 Hội đồng áp dụng chung, hoạt động theo hình thức rút gọn) hoặc "
        "đề xuất phương án khác, kèm theo lý do, căn cứ pháp lý và đánh giá tác động của phương án đề xuất đối "
        "với tiến độ đầu tư hạ tầng các cụm công nghiệp trên địa bàn tỉnh."
    )
    path = _docx(
        tmp_path,
        "cv-lay-y-kien.docx",
        [
            "Kính gửi:",
            "- Các Sở: Tư pháp, Nội vụ;",
            "- UBND các xã: Ia Grai, Chư Păh;",
            "- Công ty Cổ phần Đầu tư phát triển Công nghiệp Gia Lai (CCN Trà Đa).",
            "Thực hiện Văn bản số 7569/UBND-KT ngày 24/7/2025 của UBND tỉnh về việc tham mưu Phương án về trình "
            "tự thành lập các cụm công nghiệp hình thành trước đây bằng nguồn vốn ngân sách trên địa bàn tỉnh, "
            "trong đó giao Sở Công Thương chủ trì, phối hợp với Sở Tư pháp và các cơ quan, đơn vị liên quan tham "
            "mưu UBND tỉnh ban hành văn bản chỉ đạo thống nhất trên địa bàn tỉnh; bảo đảm đúng quy định của "
            "pháp luật về quản lý, phát triển cụm công nghiệp và phù hợp với tình hình thực tế của địa phương.",
            "Để có cơ sở tổng hợp, hoàn thiện, tham mưu UBND tỉnh bảo đảm tiến độ, Sở Công Thương đề nghị các cơ "
            "quan, đơn vị nghiên cứu hồ sơ, tài liệu gửi kèm và tham gia ý kiến bằng văn bản, cụ thể như sau:",
            long_item,
            "- Văn bản tham gia ý kiến đề nghị gửi về Sở Công Thương trước ngày 28/9/2025.",
            "Sở Công Thương đề nghị các cơ quan, đơn vị quan tâm, phối hợp thực hiện./.",
            *SIGNATURE,
        ],
        left=SO_LETTER,
    )
    _, rows = _ingest(ctx, path)
    assert len(rows) == 1  # the reply deadline is the request's; "quan tâm, phối hợp thực hiện./." closes
    first = rows[0]
    assert first.text.startswith("Tham gia ý kiến đối với toàn bộ nội dung")
    assert [(a.name, a.unit_id) for a in sorted(first.assignees, key=lambda a: a.position)] == [
        ("Sở Tư pháp", "so-tu-phap"),
        ("Sở Nội vụ", "so-noi-vu"),
        ("xã Ia Grai", "xa-ia-grai"),
        ("xã Chư Păh", "xa-chu-pah"),
        ("Công ty Cổ phần Đầu tư phát triển Công nghiệp Gia Lai", None),
    ]
    assert first.due_end == dt.date(2025, 9, 28)
    assert "đề nghị các cơ quan, đơn vị nghiên cứu hồ sơ" in first.passage


def test_letter_to_groups_keeps_the_body_s_own_words(ctx, tmp_path: Path) -> None:
    """A broadcast ("Kính gửi: - Các sở, ban, ngành tỉnh; - UBND các xã, phường"): "các cơ quan, đơn
    vị" of its body are not widened to the groups of the list; the units it names keep their items."""
    path = _docx(
        tmp_path,
        "cv-quang-ba.docx",
        [
            "Kính gửi:",
            "- Các sở, ban, ngành tỉnh;",
            "- Công an tỉnh;",
            "- UBND các xã, phường.",
            "Chủ tịch UBND tỉnh yêu cầu:",
            "1. Các cơ quan, đơn vị tăng cường kiểm tra hoạt động khoáng sản trên địa bàn quản lý.",
            "2. Công an tỉnh chủ trì xử lý nghiêm các hành vi khai thác khoáng sản trái phép./.",
            *SIGNATURE,
        ],
    )
    _, rows = _ingest(ctx, path)
    assert [[a.name for a in r.assignees] for r in rows] == [["Các cơ quan, đơn vị"], ["Công an tỉnh"]]


def test_invitation_fields_and_enclosure_notes_are_no_tasks(ctx, tmp_path: Path) -> None:
    """A letter inviting named units to a meeting: its fields ("1. Chủ trì: Lãnh đạo Sở …", "Thời
    gian: …") and the note on what is enclosed ask nothing; "đề nghị cơ quan, đơn vị chuẩn bị nội dung,
    bố trí thời gian và tham gia buổi làm việc" asks each invited unit, beside the request that names
    two of them."""
    path = _docx(
        tmp_path,
        "cv-moi-hop.docx",
        [
            "Kính gửi:",
            "- Sở Nông nghiệp và Môi trường;",
            "- Ủy ban nhân dân xã Ia Grai;",
            "- Công ty cổ phần Luyện kim Tây Nguyên.",
            "Nhằm nắm bắt tiến độ và kịp thời tháo gỡ khó khăn trong triển khai cụm công nghiệp Ia Grai, Sở "
            "Công Thương tổ chức buổi làm việc, cụ thể như sau:",
            "1. Chủ trì: Lãnh đạo Sở Công Thương.",
            "2. Thành phần: Lãnh đạo cơ quan, đơn vị như kính gửi.",
            "3. Thời gian: Từ 09h30 ngày 22/9/2025 (thứ hai).",
            "Đề nghị Ủy ban nhân dân xã Ia Grai, Công ty cổ phần Luyện kim Tây Nguyên chuẩn bị báo cáo chi tiết về "
            "tình hình giải phóng mặt bằng của cụm công nghiệp nêu trên.",
            "(Có nội dung chi tiết đề nghị các cơ quan, đơn vị chuẩn bị kèm theo)",
            "Sở Công Thương đề nghị cơ quan, đơn vị chuẩn bị nội dung, bố trí thời gian và tham gia buổi làm việc./.",
            *SIGNATURE,
        ],
        left=SO_LETTER,
    )
    _, rows = _ingest(ctx, path)
    assert [([a.name for a in r.assignees], r.text.split()[0]) for r in rows] == [
        (["Ủy ban nhân dân xã Ia Grai", "Công ty cổ phần Luyện kim Tây Nguyên"], "Đề"),
        (
            ["Sở Nông nghiệp và Môi trường", "Ủy ban nhân dân xã Ia Grai", "Công ty cổ phần Luyện kim Tây Nguyên"],
            "Sở",
        ),
    ]


def test_conclusion_items_headed_by_a_company_and_by_some_communes(cat: UnitCatalogue) -> None:
    """Conclusion items headed "6. Công ty Điện lực Gia Lai" (a company the catalogue lacks) and "7.
    Ủy ban nhân dân các xã, phường có cụm công nghiệp" (a group narrowed by a clause): their points
    are theirs. The partners after "phối hợp với" stay partners though the list holds "các chủ đầu tư"
    and ends on a verb ("… và các đơn vị liên quan đầu tư đồng bộ …")."""
    meta = DocumentMeta(doc_type="Thông báo", issuer="Văn phòng UBND tỉnh Gia Lai", date=dt.date(2025, 9, 1))
    texts = [
        "Ủy ban nhân dân tỉnh giao nhiệm vụ cụ thể như sau:",
        "5. Sở Nội vụ",
        "Chủ trì rà soát nhu cầu sử dụng lao động trong các cụm công nghiệp.",
        "6. Công ty Điện lực Gia Lai",
        "Khảo sát, xây dựng phương án cấp điện; chủ trì, phối hợp với các chủ đầu tư hạ tầng cụm công nghiệp, "
        "Ủy ban nhân dân các xã, phường và các đơn vị liên quan đầu tư đồng bộ hệ thống lưới điện.",
        "7. Ủy ban nhân dân các xã, phường có cụm công nghiệp",
        "Phối hợp chặt chẽ với các chủ đầu tư hạ tầng đẩy nhanh công tác giải phóng mặt bằng.",
    ]
    tasks = extract_tasks([Chunk(text=t, heading_path=[], section="") for t in texts], meta, catalogue=cat)
    got = [[(a.name, a.role) for a in t.assignees] for t in tasks]
    assert got[0] == [("Sở Nội vụ", "lead")]
    assert got[1][0] == ("Công ty Điện lực Gia Lai", "assigned")
    assert ("Ủy ban nhân dân các xã, phường", "cooperate") in got[1]
    assert got[2] == [("Ủy ban nhân dân các xã, phường có cụm công nghiệp", "assigned")]
    assert len(tasks) == 3  # the two headings are no tasks of their own


def test_commune_bodies_listed_with_the_place_word_only_last(cat: UnitCatalogue) -> None:
    """A commune's Front committee writes "Đề nghị Thường trực HĐND, UBND, Ủy ban Kiểm tra Đảng ủy xã
    …": "UBND" is the commune's People's Committee (the place word closing the list is each one's),
    and no body of the province is asked."""
    meta = DocumentMeta(
        doc_type="Kế hoạch", issuer="Ban Thường trực Ủy ban MTTQ Việt Nam xã Ia Grai", date=dt.date(2025, 9, 1)
    )
    text = (
        "3. Đề nghị Thường trực HĐND, UBND, Ủy ban Kiểm tra Đảng ủy xã thường xuyên phối hợp, trao đổi thông "
        "tin, thống nhất phương án xử lý đối với các đơn thư phức tạp liên quan đến công tác bầu cử."
    )
    (task,) = extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat)
    ids = [a.unit_id for a in task.assignees]
    assert "xa-ia-grai" in ids
    assert "hdnd-tinh" not in ids and "ubnd-tinh" not in ids


# --------------------------------------------------------------------------- due dates


def test_dates_of_referenced_documents_are_never_deadlines(cat: UnitCatalogue) -> None:
    # A draft with its date left blank: nothing filters past dates, only the grammar does.
    meta = DocumentMeta(doc_type="Công văn", date=None)
    text = "\n".join(
        [
            "1. Sở Tài chính chủ trì triển khai Chỉ thị số 36-CT/TW của Bộ Chính trị ngày 16/8/2019.",
            "2. Giao Sở Y tế triển khai Luật Dược ngày 06/4/2016, báo cáo UBND tỉnh trước ngày 15/10/2025.",
            "3. Sở Tư pháp thực hiện Quyết định số 1234/QĐ-UBND ngày 20 tháng 5 năm 2025 của UBND tỉnh.",
        ]
    )
    tasks = extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat)
    assert [t.due.end if t.due else None for t in tasks] == [None, dt.date(2025, 10, 15), None]
    assert [len(t.dues) for t in tasks] == [0, 1, 0]


def test_a_year_alone_is_not_a_due_date(ctx, tmp_path: Path) -> None:
    left = ("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 306/TB-UBND")
    path = _docx(
        tmp_path,
        "tb-nam.docx",
        [
            "THÔNG BÁO",
            "Kết luận của Chủ tịch UBND tỉnh về kế hoạch năm 2026",
            "1. Sở Tài chính tham mưu bố trí kinh phí năm 2026 cho các nhiệm vụ chuyển đổi số.",
            "2. Trong năm 2026, Sở Nội vụ tiếp tục tham mưu sắp xếp bộ máy các cơ quan.",
            "3. Sở Xây dựng hoàn thành quy hoạch chung đô thị trong năm 2026.",
            "UBND tỉnh thông báo để các cơ quan, đơn vị biết, thực hiện./.",
            *SIGNATURE,
        ],
        left=left,
    )
    _, rows = _ingest(ctx, path)
    assert [_units(r)[0][0] for r in rows] == ["so-tai-chinh", "so-noi-vu", "so-xay-dung"]
    assert [(r.due_start, r.due_end) for r in rows] == [
        (None, None),
        (None, None),
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),  # "hoàn thành trong năm 2026": a year-precision deadline
    ]


# --------------------------------------------------------------------------- units not in the catalogue


def test_unit_missing_from_the_catalogue_is_kept_as_written(ctx, tmp_path: Path) -> None:
    path = _docx(
        tmp_path,
        "cv-xuc-tien.docx",
        [
            "Kính gửi: Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch.",
            "Chủ tịch UBND tỉnh giao Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch chủ trì tổ chức hội nghị "
            "xúc tiến đầu tư, hoàn thành trước ngày 15/11/2025./.",
            *SIGNATURE,
        ],
    )
    doc, rows = _ingest(ctx, path)
    assert len(rows) == 1
    (assignee,) = rows[0].assignees
    assert (assignee.name, assignee.unit_id, assignee.role) == (
        "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch",
        None,
        "lead",
    )
    assert rows[0].due_end == dt.date(2025, 11, 15)
    with ctx.db.session() as session:
        unknown = session.scalars(select(UnknownUnitRow.name).where(UnknownUnitRow.doc_id == doc.id)).all()
    assert "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch" in unknown


def test_letter_to_addressees_described_not_named(ctx, tmp_path: Path) -> None:
    left = ("UBND TỈNH GIA LAI", "SỞ CÔNG THƯƠNG", "Số: 415/SCT-CN", "V/v báo cáo hoạt động hóa chất")
    path = _docx(
        tmp_path,
        "cv-hoa-chat.docx",
        [
            "Kính gửi: Các đơn vị hoạt động hóa chất trên địa bàn tỉnh.",
            "Ngày 19 tháng 8 năm 2025, Sở Công Thương có Văn bản số 3169/SCT-CN đề nghị báo cáo tình hình hoạt "
            "động hóa chất, với thời hạn trước ngày 05 tháng 9 năm 2025.",
            "Sở Công Thương yêu cầu các đơn vị kinh doanh, sử dụng hóa chất trên địa bàn tỉnh chưa thực hiện báo "
            "cáo khẩn trương thực hiện báo cáo trên hệ thống trước ngày 30 tháng 9 năm 2025.",
            "Sở Công Thương yêu cầu các đơn vị nghiêm túc thực hiện./.",
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu: VT.",
            "KT. GIÁM ĐỐC",
            "PHÓ GIÁM ĐỐC",
            "Hoàng Văn Thuận",
        ],
        left=left,
    )
    _, rows = _ingest(ctx, path)
    assert len(rows) == 1  # the closing "yêu cầu các đơn vị nghiêm túc thực hiện./." is not a task
    (assignee,) = rows[0].assignees
    assert assignee.unit_id is None and assignee.role == "assigned"
    assert assignee.name == "các đơn vị kinh doanh, sử dụng hóa chất trên địa bàn tỉnh chưa thực hiện báo cáo"
    assert rows[0].due_end == dt.date(2025, 9, 30)


def test_a_date_of_history_is_never_a_deadline() -> None:
    import datetime as dt

    from ingest.tasks import _due

    text = (
        "Các cơ quan, đơn vị triển khai việc nghiên cứu bài viết nhân kỷ niệm 79 năm Quốc khánh nước "
        "Cộng hòa xã hội chủ nghĩa Việt Nam (2/9/1945 - 2/9/2024)."
    )
    assert _due(text, dt.date(2024, 9, 19)) is None
    assert _due("Hoàn thành trước ngày 30/9/2024.", dt.date(2024, 9, 19)) is not None


# --------------------------------------------------------------------------- names the catalogue lacks


MTTQ_PLAN = ("ỦY BAN MTTQ VIỆT NAM", "XÃ LƯƠNG MINH", "BAN THƯỜNG TRỰC", "Số: 12/KH-MTTQ-BTT")


def test_commune_bodies_and_companies_are_named_whole(ctx, tmp_path: Path) -> None:
    """A commune front's plan: its own opening ("Ban Thường trực … xây dựng kế hoạch … như sau:") is
    no assignment; the bodies it names are whole names ("Ban Thường trực Ủy ban MTTQ Việt Nam xã
    Lương Minh", not "Ban Thường"), a heading naming only the level ("… xã") is the issuer, and a
    company's name ends where its predicate starts."""
    path = make_docx(
        tmp_path / "kh-mttq.docx",
        header_left=MTTQ_PLAN,
        header_right=(*RIGHT[:2], "Lương Minh, ngày 05 tháng 01 năm 2026"),
        paragraphs=[
            "KẾ HOẠCH",
            "Tổ chức hội nghị cử tri nơi cư trú",
            "Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh xây dựng kế hoạch tổ chức hội nghị như sau:",
            "I. MỤC ĐÍCH, YÊU CẦU",
            "1. Bảo đảm hội nghị được tổ chức dân chủ, đúng luật.",
            "II. TỔ CHỨC THỰC HIỆN",
            "1. Ban Thường trực Ủy ban MTTQ Việt Nam xã",
            "- Bố trí kinh phí tổ chức các hội nghị lấy ý kiến cử tri.",
            "2. Đề nghị Ủy ban Kiểm tra Đảng ủy xã phối hợp, trao đổi thông tin về người ứng cử.",
            "3. Đề nghị Công ty cổ phần Xây dựng giao thông Yên Bái tiếp tục tăng cường công tác giám sát.",
            "Nơi nhận:",
            "- Lưu: VT.",
            "TM. BAN THƯỜNG TRỰC",
            "CHỦ TỊCH",
            "Nguyễn Văn Bình",
        ],
        table=None,
    )
    _doc, rows = _ingest(ctx, path)
    named = [[a.name for a in sorted(r.assignees, key=lambda a: a.position)] for r in rows]
    assert named == [
        ["Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh"],
        ["Ủy ban Kiểm tra Đảng ủy xã"],
        ["Công ty cổ phần Xây dựng giao thông Yên Bái"],
    ]
    assert "Bố trí kinh phí" in rows[0].text


def test_a_regulations_provisions_name_beneficiaries_not_assignees(cat: UnitCatalogue) -> None:
    """Under "1. Đối tượng hỗ trợ" of a regulation a resolution issues, "Cán bộ, công chức đang công
    tác tại các cơ quan Đảng, Nhà nước, Ủy ban MTTQ …" says who benefits; the resolution's own
    "Giao Thường trực Hội đồng nhân dân, các Ban của Hội đồng nhân dân … giám sát" assigns the council."""
    meta = DocumentMeta(doc_type="Nghị quyết", issuer="HĐND tỉnh Gia Lai")
    chunks = [
        Chunk(
            text="Điều 2. Tổ chức thực hiện\n1. Giao Ủy ban nhân dân tỉnh triển khai thực hiện Nghị quyết.\n"
            "2. Giao Thường trực Hội đồng nhân dân, các Ban của Hội đồng nhân dân, Tổ đại biểu Hội đồng nhân "
            "dân và đại biểu Hội đồng nhân dân tỉnh giám sát việc thực hiện Nghị quyết.",
            heading_path=[],
            section="",
        ),
        Chunk(
            text="Điều 3. Chính sách hỗ trợ đào tạo sau đại học\n1. Đối tượng hỗ trợ\n"
            "a) Cán bộ, công chức đang công tác tại các cơ quan Đảng, Nhà nước, Ủy ban Mặt trận Tổ quốc Việt Nam, "
            "các tổ chức chính trị - xã hội cấp tỉnh.\n"
            "b) Cán bộ, công chức được cơ quan có thẩm quyền cử đi đào tạo trình độ tiến sĩ.",
            heading_path=[],
            section="",
        ),
    ]
    tasks = extract_tasks(chunks, meta, catalogue=cat)
    assert [[(a.unit_id, a.role) for a in t.assignees] for t in tasks] == [
        [("ubnd-tinh", "assigned")],
        [("hdnd-tinh", "assigned")],
    ]


def test_a_plans_activity_card_is_a_task_led_by_its_unit_by_its_stated_deadline(cat: UnitCatalogue) -> None:
    """ "1.1. Nội dung: …" then "- Thời gian: Dự kiến ngày 05/12/2025 (Chậm nhất ngày 10/12/2025 …)",
    "- Thành phần: …", "- Đơn vị chủ trì: <a body the catalogue lacks>": one task, led by that body,
    due on the stated deadline, not on the planned day; a card no field line assigns is no task."""
    meta = DocumentMeta(doc_type="Kế hoạch", issuer="Ban Thường trực Ủy ban MTTQ Việt Nam xã Ia Hrung", date=None)
    text = "\n".join(
        [
            "II. NỘI DUNG, TIẾN ĐỘ, PHÂN CÔNG TRÁCH NHIỆM THỰC HIỆN",
            "1. Hội nghị hiệp thương lần thứ nhất",
            "1.1. Nội dung: Hiệp thương về cơ cấu, thành phần, số lượng người được giới thiệu ứng cử.",
            "- Thời gian: Dự kiến ngày 05/12/2025 (Chậm nhất ngày 10/12/2025 - 95 ngày trước bầu cử).",
            "- Thành phần: Ban Thường trực Ủy ban MTTQ xã; Thường trực HĐND, UBND xã.",
            "- Đơn vị chủ trì: Ban Công tác mặt trận thôn.",
            "2. Hội nghị hiệp thương lần thứ hai",
            "2.1. Nội dung: Lập danh sách sơ bộ những người ứng cử.",
            "- Thời gian: Dự kiến ngày 30/01/2026.",
        ]
    )
    tasks = extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat)
    assert [[(a.name, a.role) for a in t.assignees] for t in tasks] == [[("Ban Công tác mặt trận thôn", "lead")]]
    assert tasks[0].due is not None and tasks[0].due.end == dt.date(2025, 12, 10)
    assert tasks[0].text.startswith("1.1. Nội dung: Hiệp thương")


def test_heads_listed_with_semicolons_partners_between_and_the_unit_reported_to(cat: UnitCatalogue) -> None:
    """ "Thủ trưởng các sở, ban, ngành; Chủ tịch UBND các xã, phường … chịu trách nhiệm …; kịp thời báo
    cáo Sở Xây dựng để tổng hợp, tham mưu": both groups must act and Sở Xây dựng gathers; "Tăng cường
    phối hợp giữa các cơ quan: Sở Tư pháp, Công an tỉnh …" makes each of them a partner."""
    meta = DocumentMeta(doc_type="Công văn", issuer="UBND tỉnh Gia Lai")
    text = "\n".join(
        [
            "1. Thủ trưởng các sở, ban, ngành, đoàn thể tỉnh; Chủ tịch Ủy ban nhân dân các xã, phường chịu trách "
            "nhiệm triển khai thực hiện nghiêm túc các nội dung nêu trên; nếu phát sinh khó khăn, vướng mắc, "
            "kịp thời báo cáo Sở Xây dựng để tổng hợp, tham mưu Ủy ban nhân dân tỉnh.",
            "2. Sở Nội vụ chủ trì kiểm tra công tác cải cách hành chính; tăng cường phối hợp giữa các cơ quan: "
            "Sở Tư pháp, Công an tỉnh trong công tác kiểm tra.",
        ]
    )
    tasks = extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat)
    assert [[(a.unit_id, a.role) for a in t.assignees] for t in tasks] == [
        [("g-so-nganh", "responsible"), ("g-xa-phuong", "responsible"), ("so-xay-dung", "lead")],
        [("so-noi-vu", "lead"), ("so-tu-phap", "cooperate"), ("cong-an-tinh", "cooperate")],
    ]


def test_a_notice_of_results_to_a_department_assigns_nothing(cat: UnitCatalogue) -> None:
    """A portal board reports what it published: its lead-in ("Ban Biên tập … đã đăng tải …, như
    sau:") is the issuer presenting its letter, even when the unit grammar cuts its name short, and
    "… thông báo kết quả đăng tải đến Sở Nội vụ được biết./." is the closing formula."""
    meta = DocumentMeta(doc_type="Công văn", issuer="Ban Biên tập Cổng thông tin điện tử tỉnh Gia Lai")
    text = "\n".join(
        [
            "Ban Biên tập Cổng thông tin điện tử tỉnh Gia Lai đã đăng tải toàn văn dự thảo với các nội dung như sau:",
            "- Thời gian đăng tải lấy ý kiến: 10 ngày kể từ ngày 30/01/2026.",
            "- Tổng số ý kiến đóng góp: 0 (không).",
            "Ban Biên tập Cổng thông tin điện tử tỉnh Gia Lai thông báo kết quả đăng tải đến Sở Nội vụ được biết./.",
        ]
    )
    assert extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat) == []


# --------------------------------------------------------------------------- genres that order nothing


@pytest.mark.parametrize(
    ("doc_type", "lines"),
    [
        (
            "Tờ trình",
            [
                "IV. KIẾN NGHỊ, ĐỀ XUẤT",
                "Sở Công Thương kính trình Ủy ban nhân dân tỉnh xem xét, phê duyệt phương án nổ mìn:",
                "1. Yêu cầu Công ty TNHH MTV Duy Hiếu có trách nhiệm thông báo cho Ủy ban nhân dân xã trước khi nổ mìn.",
                "2. Giao Sở Công Thương kiểm tra việc thực hiện phương án.",
            ],
        ),
        (
            "Bảng so sánh",
            [
                "Điều 7. Trách nhiệm thực hiện",
                "1. Sở Nội vụ có trách nhiệm thẩm định nhu cầu thu hút của các cơ quan, đơn vị.",
                "2. Sở Tài chính có trách nhiệm tham mưu bố trí dự toán hằng năm.",
            ],
        ),
    ],
    ids=["submission-proposes", "comparison-table-quotes"],
)
def test_submissions_and_comparison_tables_assign_nothing(cat: UnitCatalogue, doc_type: str, lines: list[str]) -> None:
    """A tờ trình proposes to the body that decides; a comparison table quotes a draft: the duties in
    them are nobody's task yet."""
    meta = DocumentMeta(doc_type=doc_type, issuer="Sở Công Thương tỉnh Lào Cai", date=dt.date(2026, 3, 2))
    assert extract_tasks([Chunk(text="\n".join(lines), heading_path=[], section="")], meta, catalogue=cat) == []


def test_licence_condition_that_binds_the_company_is_its_task(ctx, tmp_path: Path) -> None:
    """A licence in decision form: the conditions of use are terms, but "<Công ty …> phải thực hiện
    đúng …" under them binds the company (its lower-case line of business is part of its name), and
    "Giao Sở Công Thương, Công an tỉnh …" assigns; the validity date is no deadline."""
    path = _docx(
        tmp_path,
        "giay-phep.docx",
        [
            "GIẤY PHÉP",
            "Sử dụng vật liệu nổ công nghiệp",
            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
            "QUYẾT ĐỊNH:",
            "Điều 1. Cho phép Công ty Cổ phần xây dựng giao thông Yên Bái được sử dụng vật liệu nổ công nghiệp.",
            "Điều 2. Điều kiện sử dụng",
            "1. Địa điểm sử dụng: Gói thầu số 13, phường Trung Tâm.",
            "2. Khối lượng thuốc nổ lớn nhất trong một lần nổ không quá 100 kg.",
            "3. Công ty Cổ phần xây dựng giao thông Yên Bái phải thực hiện đúng các quy định tại Luật Quản lý, "
            "sử dụng vũ khí, vật liệu nổ và công cụ hỗ trợ ngày 29/6/2024.",
            "4. Giao Sở Công Thương, Công an tỉnh căn cứ chức năng, nhiệm vụ, tham mưu quản lý, giám sát việc "
            "sử dụng vật liệu nổ công nghiệp của Công ty.",
            "Điều 3. Giấy phép này có giá trị kể từ ngày ký đến hết ngày 30 tháng 6 năm 2026./.",
            *SIGNATURE,
        ],
    )
    doc, rows = _ingest(ctx, path)
    assert doc.doc_type == "Giấy phép"
    names = [[a.name for a in sorted(r.assignees, key=lambda a: a.position)] for r in rows]
    assert names == [["Công ty Cổ phần xây dựng giao thông Yên Bái"], ["Sở Công Thương", "Công an tỉnh"]]
    assert all(r.due is None for r in rows)


def test_results_notice_asks_the_inspected_companies_under_a_short_heading(ctx, tmp_path: Path) -> None:
    """A notice of inspection results: "2. Kiến nghị" (a short heading) ends the results section,
    "yêu cầu đơn vị nêu trên" means the companies the results named, and the recipients' block that
    OCR glued after the end mark ("… thực hiện./. NHI HẬU …") is not read as tasks."""
    path = _docx(
        tmp_path,
        "tb-ket-qua-kiem-tra.docx",
        [
            "THÔNG BÁO",
            "Kết quả kiểm tra việc chấp hành quy định pháp luật trong sử dụng vật liệu nổ công nghiệp",
            "1. Kết quả kiểm tra",
            "- Qua kiểm tra việc chấp hành quy định của pháp luật của các đơn vị: Công ty cổ phần Xây dựng giao "
            "thông Yên Bái (Gói thầu số 13), Công ty TNHH Hiệp Phú (Gói thầu số 14) cho thấy các đơn vị đã chấp hành.",
            "2. Kiến nghị",
            "Để việc chấp hành được tốt hơn, Sở Công Thương yêu cầu đơn vị nêu trên thực hiện một số nội dung sau:",
            "- Tiếp tục tăng cường công tác quản lý, kiểm tra, giám sát đảm bảo nổ mìn đúng thiết kế.",
            "- Nghiêm chỉnh chấp hành các quy định tại Luật Quản lý, sử dụng vũ khí, vật liệu nổ.",
            "Sở Công Thương thông báo cho các đơn vị được biết và thực hiện./. NHI HẬU Go thông Yên Bái",
            "- Công ty TNHH Hiệp Phú;",
            "- Lưu: VT.",
            "KT. GIÁM ĐỐC",
            "PHÓ GIÁM ĐỐC",
            "Hoàng Văn Thuân",
        ],
        left=("UBND TỈNH GIA LAI", "SỞ CÔNG THƯƠNG", "Số: 1894/TB-SCT"),
    )
    doc, rows = _ingest(ctx, path)
    assert doc.doc_type == "Thông báo"
    names = [sorted(a.name for a in r.assignees) for r in rows]
    both = ["Công ty TNHH Hiệp Phú", "Công ty cổ phần Xây dựng giao thông Yên Bái"]
    assert names == [both, both]
    assert [r.text.split()[0] for r in rows] == ["Tiếp", "Nghiêm"]


# --------------------------------------------------------------------------- legal instruments, statutes

DECREE_LEFT = ("CHÍNH PHỦ", "Số: 21/2026/NĐ-CP")
DECREE_RIGHT = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 15 tháng 1 năm 2026")


def test_decree_assigns_in_its_implementation_chapter_and_responsibility_articles(ctx, tmp_path: Path) -> None:
    """A decree: an article titled by a ministry in "Chương V. TỔ CHỨC THỰC HIỆN" gives it its points,
    "Đối với người vận tải" names a party by its role, "Trách nhiệm của Ủy ban nhân dân cấp xã trong
    lĩnh vực …" (a title line that ends unpunctuated) gives the commune committees the paragraph
    below; what an amending clause quotes ("Sửa đổi, bổ sung … như sau: “5. Bộ Công Thương chủ trì …”")
    is the amended decree's law, and an annex's cost table assigns nothing."""
    path = make_docx(
        tmp_path / "nghi-dinh.docx",
        header_left=DECREE_LEFT,
        header_right=DECREE_RIGHT,
        paragraphs=[
            "NGHỊ ĐỊNH",
            "Quy định về vận chuyển hàng hóa nguy hiểm",
            "Chương I",
            "QUY ĐỊNH CHUNG",
            "Điều 1. Sửa đổi, bổ sung một số điều của Nghị định số 193/2025/NĐ-CP",
            "1. Sửa đổi, bổ sung khoản 5 Điều 4 như sau:",
            "“5. Bộ Công Thương chủ trì, phối hợp với các bộ có liên quan trình Thủ tướng Chính phủ quyết định "
            "danh mục khoáng sản.”",
            "Điều 2. Trách nhiệm của Ủy ban nhân dân cấp xã trong lĩnh vực kinh doanh rượu",
            "Ủy ban nhân dân cấp xã thực hiện nhiệm vụ quản lý nhà nước về kinh doanh rượu trên địa bàn.",
            "Chương II",
            "TỔ CHỨC THỰC HIỆN",
            "Điều 3. Bộ Giao thông vận tải",
            "1. Chủ trì tổng hợp ý kiến của các bộ, ngành có liên quan trong việc sửa đổi danh mục hàng hóa nguy hiểm.",
            "Điều 4. Đối với người vận tải",
            "1. Bố trí phương tiện vận chuyển phù hợp với loại hàng hóa nguy hiểm.",
            "Điều 5. Hiệu lực thi hành",
            "Nghị định này có hiệu lực thi hành từ ngày 01 tháng 3 năm 2026./.",
            "TM. CHÍNH PHỦ",
            "KT. THỦ TƯỚNG",
            "PHÓ THỦ TƯỚNG",
            "Trần Hồng Hà",
            "PHỤ LỤC",
            "A. Chi phí xây dựng Chương trình phát triển nhà ở (C1)",
        ],
        table=[
            ["STT", "Nội dung chi", "Đơn vị thực hiện"],
            ["1", "Chi phí quản lý của đơn vị tư vấn", "Ccg x Tỷ lệ"],
            ["2", "TỔNG CỘNG C1", "Ccg+Cql+Ck+TL+GTGT"],
        ],
    )
    doc, rows = _ingest(ctx, path)
    assert doc.doc_type == "Nghị định"
    got = [(sorted(a.name for a in r.assignees), r.text.split()[0]) for r in rows]
    assert got == [
        (["Ủy ban nhân dân cấp xã"], "Ủy"),
        (["Bộ Giao thông vận tải"], "1."),
        (["người vận tải"], "1."),
    ]


def test_circular_closing_articles_name_ministries_heads_and_provinces_departments(ctx, tmp_path: Path) -> None:
    """A circular's implementation article: the list subject "Các bộ, cơ quan ngang bộ, cơ quan thuộc
    Chính phủ, Chủ tịch Ủy ban nhân dân các cấp có trách nhiệm …", "Sở … các tỉnh, thành phố trực thuộc
    trung ương có trách nhiệm …", "Bộ trưởng, Thủ trưởng cơ quan ngang bộ … tổ chức …" (a plain verb:
    the implementation part directs like a decision), "UBND cấp tỉnh trong phạm vi nhiệm vụ, quyền hạn
    của mình có trách nhiệm …"; "chịu trách nhiệm thi hành" stays boilerplate. A numbered clause about
    annexes ("3. Phụ lục và bản đồ … phải phù hợp …") is a provision, not the start of an annex: the
    articles after it are still read. The effect article's "2. Thông tư này bãi bỏ:" repeals the
    circulars it lists: it names no office holder, and its points are nobody's tasks."""
    path = make_docx(
        tmp_path / "thong-tu.docx",
        header_left=("BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", "Số: 36/2025/TT-BNNMT"),
        header_right=(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Hà Nội, ngày 02 tháng 7 năm 2025",
        ),
        paragraphs=[
            "THÔNG TƯ",
            "Quy định về khảo sát, đánh giá khoáng sản nhóm IV",
            "Chương I",
            "QUY ĐỊNH CHUNG",
            "Điều 18. Nội dung phương án khai thác khoáng sản",
            "1. Phần thuyết minh gồm các thông tin cơ bản về khu vực khai thác.",
            "2. Phần bản vẽ gồm bản đồ vị trí khu vực khai thác.",
            "3. Phụ lục và bản đồ, bản vẽ kỹ thuật kèm theo phải phù hợp với nội dung phần thuyết minh.",
            "Chương II",
            "ĐIỀU KHOẢN THI HÀNH",
            "Điều 24. Hiệu lực thi hành",
            "1. Thông tư này có hiệu lực thi hành kể từ ngày 15 tháng 8 năm 2025.",
            "2. Thông tư này bãi bỏ:",
            "a) Thông tư số 30/2012/TT-BTNMT ngày 29 tháng 5 năm 2012 của Bộ trưởng Bộ Tài nguyên và Môi trường;",
            "b) Thông tư số 31/2012/TT-BTNMT ngày 29 tháng 5 năm 2012 của Bộ trưởng Bộ Tài nguyên và Môi trường.",
            "Điều 25. Trách nhiệm thực hiện",
            "1. Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ, Chủ tịch Ủy ban nhân dân các cấp có trách "
            "nhiệm chỉ đạo triển khai thực hiện Thông tư này.",
            "2. Sở Nông nghiệp và Môi trường các tỉnh, thành phố trực thuộc trung ương có trách nhiệm giúp Ủy ban "
            "nhân dân cấp tỉnh triển khai thực hiện Thông tư này tại địa phương.",
            "3. Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính phủ tổ chức việc phân cấp, "
            "ủy quyền trong phạm vi thẩm quyền.",
            "4. Ủy ban nhân dân cấp tỉnh trong phạm vi nhiệm vụ, quyền hạn của mình có trách nhiệm chỉ đạo Ủy ban "
            "nhân dân cấp xã thực hiện quản lý nhà nước về khoáng sản.",
            "5. Các tổ chức, cá nhân có liên quan chịu trách nhiệm thi hành Thông tư này./.",
            "KT. BỘ TRƯỞNG",
            "THỨ TRƯỞNG",
            "Trần Quý Kiên",
        ],
        table=None,
    )
    doc, rows = _ingest(ctx, path)
    assert doc.doc_type == "Thông tư"
    got = [(sorted(a.name for a in r.assignees), r.text.split()[0]) for r in rows]
    assert got == [
        (["Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", "Ủy ban nhân dân các cấp"], "1."),
        (["Sở Nông nghiệp và Môi trường"], "2."),
        (["Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính phủ"], "3."),
        (["Ủy ban nhân dân cấp tỉnh"], "4."),
    ]


def test_a_law_gives_a_party_its_duties_not_its_rights(cat: UnitCatalogue) -> None:
    """ "Quyền và trách nhiệm của nhà thầu thiết kế" in a law's implementation part: "1. Nhà thầu thiết
    kế có các quyền sau đây:" lists what it may do (no task); "2. … có các nghĩa vụ, trách nhiệm sau
    đây:" what it must, for "Nhà thầu thiết kế" (named without the words that introduce the list).
    The same article among the law's provisions is a rule for any project's designer: no task. An
    article on who may fine "công chức đang thi hành công vụ" is no implementation part ("thi hành
    công vụ" is not "thi hành" of the instrument)."""
    law = DocumentMeta(doc_type="Luật", issuer="Quốc hội")
    text = (
        "1. Nhà thầu thiết kế có các quyền sau đây:\n"
        "a) Yêu cầu chủ đầu tư cung cấp thông tin, tài liệu phục vụ thiết kế;\n"
        "b) Từ chối những yêu cầu thay đổi thiết kế không phù hợp.\n"
        "2. Nhà thầu thiết kế có các nghĩa vụ, trách nhiệm sau đây:\n"
        "a) Cử người có đủ năng lực để giám sát tác giả thiết kế;\n"
        "b) Tham gia nghiệm thu công trình xây dựng."
    )
    path = ["Chương IX TỔ CHỨC THỰC HIỆN", "Điều 86. Quyền và trách nhiệm của nhà thầu thiết kế"]
    tasks = extract_tasks([Chunk(text=text, heading_path=path, section="")], law, catalogue=cat)
    assert [([a.name for a in t.assignees], t.text[:2]) for t in tasks] == [
        (["Nhà thầu thiết kế"], "a)"),
        (["Nhà thầu thiết kế"], "b)"),
    ]
    assert "Cử người" in tasks[0].text
    path = ["Chương IV", "Điều 86. Quyền và trách nhiệm của nhà thầu thiết kế"]
    assert extract_tasks([Chunk(text=text, heading_path=path, section="")], law, catalogue=cat) == []
    decree = DocumentMeta(doc_type="Nghị định", issuer="Chính phủ")
    fines = "1. Công chức Hải quan đang thi hành công vụ có quyền:\na) Phạt cảnh cáo;\nb) Phạt tiền đến 2.500.000 đồng."
    path = ["Chương III", "Điều 40. Thẩm quyền xử phạt của công chức đang thi hành công vụ"]
    assert extract_tasks([Chunk(text=fines, heading_path=path, section="")], decree, catalogue=cat) == []


def test_statute_of_a_department_assigns_only_its_yearly_plan(ctx, tmp_path: Path) -> None:
    """A decision setting a department's functions, duties and organisation: what it is and may do
    ("Điều 2. Nhiệm vụ và quyền hạn", nested "4. Các nhiệm vụ chuyên môn …:" included) is no task;
    "…, hàng năm Sở X xây dựng kế hoạch biên chế …" is one (how often before the subject)."""
    path = _docx(
        tmp_path,
        "qd-chuc-nang.docx",
        [
            "QUYẾT ĐỊNH",
            "Quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Tư pháp",
            "QUYẾT ĐỊNH:",
            "Điều 1. Vị trí và chức năng",
            "1. Sở Tư pháp là cơ quan chuyên môn thuộc Ủy ban nhân dân tỉnh, thực hiện chức năng tham mưu.",
            "Điều 2. Nhiệm vụ và quyền hạn",
            "1. Trình Ủy ban nhân dân tỉnh dự thảo quyết định thuộc phạm vi quản lý của Sở.",
            "2. Các nhiệm vụ chuyên môn về phổ biến, giáo dục pháp luật:",
            "a) Phối hợp với Sở Nội vụ thực hiện quy hoạch, đào tạo, bồi dưỡng đội ngũ công chức.",
            "Điều 3. Cơ cấu tổ chức",
            "a) Sở Tư pháp có Giám đốc và các Phó Giám đốc;",
            "Điều 4. Biên chế công chức",
            "Căn cứ chức năng, nhiệm vụ và vị trí việc làm được phê duyệt, hàng năm Sở Tư pháp xây dựng kế hoạch "
            "biên chế công chức, trình cấp có thẩm quyền theo quy định.",
            "Điều 5. Quyết định này có hiệu lực kể từ ngày ký./.",
            *SIGNATURE,
        ],
    )
    doc, rows = _ingest(ctx, path)
    assert doc.doc_type == "Quyết định"
    assert [_units(r) for r in rows] == [[("so-tu-phap", "assigned")]]
    assert "kế hoạch biên chế" in rows[0].text


def test_requirements_headed_by_the_party_they_bind(cat: UnitCatalogue) -> None:
    """A notice of appraisal results: "2. Yêu cầu đối với Công ty …" and "Yêu cầu đối với chủ đầu tư"
    give their points to that party (the investor by its role when the notice names no company)."""
    meta = DocumentMeta(doc_type="Thông báo", issuer="Sở Công Thương tỉnh Lào Cai", date=dt.date(2025, 9, 1))
    text = "\n".join(
        [
            "VI. KẾT LUẬN VÀ KIẾN NGHỊ",
            "1. Đủ điều kiện triển khai các bước tiếp theo.",
            "2. Yêu cầu đối với Công ty TNHH MTV Triều Dương",
            "- Tổ chức thực hiện đúng thiết kế xây dựng đã được thẩm định tại văn bản này.",
            "3. Yêu cầu đối với chủ đầu tư",
            "- Lưu trữ hồ sơ công trình theo quy định.",
        ]
    )
    tasks = extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat)
    assert [([a.name for a in t.assignees], t.text.split()[0]) for t in tasks] == [
        (["Công ty TNHH MTV Triều Dương"], "Tổ"),
        (["Chủ đầu tư"], "Lưu"),
    ]


def test_a_departments_plan_gives_its_aims_to_nobody_and_its_groups_their_items(ctx, tmp_path: Path) -> None:
    """A Sở's plan (the fresh part ``wi``): "I. MỤC ĐÍCH, YÊU CẦU" states aims, not work; headings
    naming the Sở's own units or staff by description ("1. Đối với Người đứng đầu … các phòng, cơ
    quan, đơn vị thuộc Sở …", "2. Đối với công chức, viên chức … (gloss)", "1. Các phòng, cơ quan, đơn
    vị trực thuộc Sở") give their items to that group as written."""
    path = make_text_pdf(
        tmp_path / "ke-hoach.pdf",
        [
            "UBND TỈNH GIA LAI",
            "SỞ Y TẾ",
            "Số: 115/KH-SYT",
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Gia Lai, ngày 4 tháng 8 năm 2026",
            "KẾ HOẠCH",
            "Chấn chỉnh lề lối làm việc, nâng cao kỷ luật, kỷ cương hành chính",
            "I. MỤC ĐÍCH, YÊU CẦU",
            "1. Mục đích",
            "a) Tổ chức quán triệt sâu sắc và triển khai thực hiện nghiêm túc các kết luận của Ban Bí thư.",
            "2. Yêu cầu",
            "a) Bám sát định hướng chỉ đạo của Ban Bí thư; phấn đấu đạt các chỉ tiêu ngay trong năm 2026.",
            "II. NHIỆM VỤ, GIẢI PHÁP",
            "1. Đối với Người đứng đầu, tập thể lãnh đạo các phòng, cơ quan, đơn vị thuộc Sở Y tế",
            "a) Tăng cường lãnh đạo, chỉ đạo, thường xuyên tổ chức quán triệt các quy định về kỷ luật.",
            "2. Đối với công chức, viên chức và người lao động ngành Y tế (công chức, viên chức thuộc UBND "
            "cấp xã phụ trách lĩnh vực y tế)",
            "a) Chấp hành nghiêm các chủ trương, quy định của Đảng và pháp luật của Nhà nước.",
            "III. TỔ CHỨC THỰC HIỆN",
            "1. Các phòng, cơ quan, đơn vị trực thuộc Sở",
            "a) Quán triệt, triển khai thực hiện nghiêm túc Kế hoạch này.",
            "2. Giao Văn phòng Sở",
            "a) Chủ trì theo dõi, đôn đốc việc thực hiện Kế hoạch này./.",
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu: VT.",
            "GIÁM ĐỐC",
            "Lê Quang Hùng",
        ],
    )
    _doc, rows = _ingest(ctx, path)
    got = [([a.name for a in r.assignees], r.text.split()[0]) for r in rows]
    assert got == [
        (["Người đứng đầu, tập thể lãnh đạo các phòng, cơ quan, đơn vị thuộc Sở Y tế"], "a)"),
        (["công chức, viên chức và người lao động ngành Y tế"], "a)"),
        (["Các phòng, cơ quan, đơn vị trực thuộc Sở"], "a)"),
        (["Văn phòng Sở"], "a)"),
    ]


def test_a_leaders_charge_lists_units_overseen_not_units_given_work(cat: UnitCatalogue) -> None:
    """A decision dividing the work among a Sở's leaders: "Phụ trách các đơn vị: …" and the bullets
    under "Trực tiếp theo dõi các đơn vị:" name units the leader oversees; none of them is given
    work, and the leader's items stay one run."""
    meta = DocumentMeta(doc_type="Quyết định", issuer="Sở Y tế tỉnh Gia Lai", date=dt.date(2026, 3, 5))
    text = "\n".join(
        [
            "Điều 2. Phân công nhiệm vụ của Giám đốc và các Phó Giám đốc Sở",
            "1. Ông Lê Quang Hùng, Giám đốc",
            "- Phụ trách chung, lãnh đạo, chỉ đạo và điều hành toàn bộ hoạt động của Sở Y tế.",
            "- Phụ trách các đơn vị: Chi cục Phát triển nông thôn; Văn phòng Điều phối xây dựng nông thôn mới.",
            "- Trực tiếp theo dõi các đơn vị:",
            "+ Trung tâm Kiểm nghiệm thuốc, mỹ phẩm, thực phẩm.",
            "+ Chi cục An toàn vệ sinh thực phẩm.",
            "- Chủ tài khoản của cơ quan.",
        ]
    )
    tasks = extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat)
    assert tasks
    assert {a.name for t in tasks for a in t.assignees} == {"Lê Quang Hùng, Giám đốc"}


def test_a_closing_that_adds_addressees_by_role_is_the_closing_formula(cat: UnitCatalogue) -> None:
    """ "… đề nghị các cơ quan, đơn vị, chủ hồ, đập triển khai thực hiện./." after each addressee was
    given its item asks only to carry the letter out."""
    meta = DocumentMeta(doc_type="Công văn", issuer="Sở Nông nghiệp và Môi trường tỉnh Gia Lai")
    text = "\n".join(
        [
            "Sở Nông nghiệp và Môi trường đề nghị các cơ quan, đơn vị triển khai một số nội dung sau:",
            "1. Ủy ban nhân dân các xã, phường",
            "Phối hợp tuyên truyền và giám sát việc duy trì dòng chảy tối thiểu trên địa bàn.",
            "Sở Nông nghiệp và Môi trường đề nghị các cơ quan, đơn vị, chủ hồ, đập triển khai thực hiện./.",
        ]
    )
    tasks = extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat)
    assert [t.text.split()[0] for t in tasks] == ["Phối"]


def test_a_deadline_paragraph_dates_the_items_tasks_and_assigns_nothing(cat: UnitCatalogue) -> None:
    """A provincial Quy chế (the fresh part ``wj``): under "2. Trách nhiệm của các cơ quan, đơn vị:" two
    units are given work, then "Thời hạn … hoàn thành trước ngày 31 tháng 12 năm 2026." dates both;
    it is no task of the heading's group."""
    meta = DocumentMeta(doc_type="Quyết định", issuer="UBND tỉnh Gia Lai", date=dt.date(2026, 3, 5))
    text = "\n".join(
        [
            "Điều 6. Thành lập cụm công nghiệp",
            "1. Trình tự thành lập theo quy định của pháp luật.",
            "2. Trách nhiệm của các cơ quan, đơn vị:",
            "Ủy ban nhân dân cấp xã chủ trì, phối hợp với các cơ quan liên quan rà soát hiện trạng đầu tư "
            "hạ tầng kỹ thuật của cụm công nghiệp.",
            "Sở Công Thương chủ trì, phối hợp các sở, ngành liên quan tổ chức thẩm định, trình Ủy ban nhân "
            "dân tỉnh quyết định thành lập cụm công nghiệp.",
            "Thời hạn xử lý thành lập cụm công nghiệp hoàn thành trước ngày 31 tháng 12 năm 2026.",
            "Điều 7. Công tác phối hợp",
            "1. Sở Công Thương tham mưu Ủy ban nhân dân tỉnh thành lập Hội đồng đánh giá.",
        ]
    )
    tasks = extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat)
    got = [([a.unit_id for a in t.assignees], t.due.end if t.due else None) for t in tasks]
    assert got == [
        (["g-xa-phuong"], dt.date(2026, 12, 31)),
        (["so-cong-thuong"], dt.date(2026, 12, 31)),
        (["so-cong-thuong"], None),
    ]


def test_a_decrees_powers_and_responsibilities_article_assigns_its_body(cat: UnitCatalogue) -> None:
    """ "Điều 33. Quyền hạn, trách nhiệm của Sở Công Thương": the article's points are that body's."""
    meta = DocumentMeta(doc_type="Nghị định", issuer="Chính phủ", date=dt.date(2024, 3, 15))
    text = "\n".join(
        [
            "Chương VI",
            "TRÁCH NHIỆM QUẢN LÝ CỤM CÔNG NGHIỆP",
            "Điều 33. Quyền hạn, trách nhiệm của Sở Công Thương",
            "1. Xây dựng, trình và tổ chức thực hiện phương án phát triển cụm công nghiệp.",
            "2. Báo cáo định kỳ hoặc đột xuất với Bộ Công Thương về tình hình cụm công nghiệp.",
        ]
    )
    tasks = extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat)
    assert [[(a.unit_id, a.role) for a in t.assignees] for t in tasks] == [[("so-cong-thuong", "responsible")]] * 2


def test_a_decrees_articles_for_roles_bind_nobody_outside_its_implementation_part(cat: UnitCatalogue) -> None:
    """ "Trách nhiệm của chủ đầu tư", "… của cơ quan, tổ chức, hội đồng thẩm định", "3. Trách nhiệm
    của các bên về bảo hành": rules of conduct for whoever holds the role in any project, not work
    given to a body, even in a chapter titled "Nhiệm vụ, trách nhiệm của cơ quan, tổ chức, cá nhân".
    The same chapter's article for a ministry assigns, and so does a role's article in "Tổ chức thực
    hiện", where the decree puts itself into effect."""
    meta = DocumentMeta(doc_type="Nghị định", issuer="Chính phủ", date=dt.date(2026, 1, 26))
    chapters = {
        "Chương III QUẢN LÝ DỰ ÁN": [
            "Điều 26. Bảo hành sản phẩm của dự án",
            "3. Trách nhiệm của các bên về bảo hành:",
            "a) Kiểm tra, phát hiện sai hỏng, lỗi phát sinh trong quá trình sử dụng.",
            "Điều 29. Trách nhiệm của chủ đầu tư trong việc quản lý dự án",
            "1. Báo cáo giám sát, đánh giá dự án và cập nhật thông tin dự án.",
        ],
        "Chương IV NHIỆM VỤ, TRÁCH NHIỆM CỦA CƠ QUAN, TỔ CHỨC, CÁ NHÂN": [
            "Điều 37. Trách nhiệm của Bộ Công Thương",
            "1. Ban hành và hướng dẫn các văn bản quy phạm pháp luật về quản lý đầu tư.",
            "Điều 39. Trách nhiệm của cơ quan, tổ chức, hội đồng thẩm định",
            "1. Bảo mật thông tin, tài liệu liên quan trong quá trình thẩm định.",
        ],
        "Chương V TỔ CHỨC THỰC HIỆN": [
            "Điều 41. Trách nhiệm của người vận tải",
            "1. Bố trí phương tiện vận chuyển phù hợp với loại hàng hóa nguy hiểm.",
        ],
    }
    chunks = [Chunk(text="\n".join(lines), heading_path=[title], section="") for title, lines in chapters.items()]
    tasks = extract_tasks(chunks, meta, catalogue=cat)
    assert [([a.name for a in t.assignees], t.text.split()[1]) for t in tasks] == [
        (["Bộ Công Thương"], "Ban"),
        (["Người vận tải"], "Bố"),
    ]


def test_a_lead_in_paragraph_under_an_article_governs_its_numbered_items(cat: UnitCatalogue) -> None:
    """ "Điều 6. Điều khoản chuyển tiếp", then "Sở Giáo dục và Đào tạo có trách nhiệm chủ trì, phối hợp
    với Sở Nội vụ … thực hiện:", then "1. …", "2. …": the items are the Sở's, though "1." sits at the
    outline depth right below an article; the next article ends them."""
    meta = DocumentMeta(doc_type="Quyết định", issuer="UBND tỉnh Gia Lai", date=dt.date(2025, 3, 1))
    tasks = _lines_tasks(
        cat,
        meta,
        [
            "Điều 6. Điều khoản chuyển tiếp",
            "Sở Giáo dục và Đào tạo có trách nhiệm chủ trì, phối hợp với Sở Nội vụ thực hiện:",
            "1. Chuyển đổi cơ quan chủ quản đối với các đơn vị thuộc Sở trong trường hợp cần thiết.",
            "1.1. Tiếp nhận thẩm quyền, trách nhiệm đối với các trường phổ thông dân lập.",
            "2. Thực hiện chuyển giao, tiếp nhận, sắp xếp, bố trí cán bộ, công chức, viên chức.",
            "Điều 7. Hiệu lực thi hành",
            "1. Quyết định này có hiệu lực kể từ ngày ký.",
        ],
    )
    assert [([a.name for a in t.primary()], t.text[:4]) for t in tasks] == [
        (["Sở Giáo dục và Đào tạo"], "1. C"),
        (["Sở Giáo dục và Đào tạo"], "1.1."),
        (["Sở Giáo dục và Đào tạo"], "2. T"),
    ]


def test_a_list_of_parties_heading_points_in_the_implementation_part_gives_each_its_points(
    cat: UnitCatalogue,
) -> None:
    """ "3. Người vận tải, người thuê vận tải, tổ chức tập huấn … có trách nhiệm:" in a circular's
    "Tổ chức thực hiện": three parties ("tổ chức" is a noun there, not the verb); "1. Bộ trưởng,
    Thủ trưởng cơ quan ngang bộ:" stays one party, its commas joining titles."""
    meta = DocumentMeta(doc_type="Thông tư", issuer="Bộ Công Thương", date=dt.date(2025, 3, 1))
    tasks = _lines_tasks(
        cat,
        meta,
        [
            "1. Bộ trưởng, Thủ trưởng cơ quan ngang bộ:",
            "a) Chỉ đạo việc kiểm tra vận chuyển hàng hóa nguy hiểm thuộc phạm vi quản lý.",
            "3. Người vận tải, người thuê vận tải, tổ chức tập huấn vận chuyển hàng hóa nguy hiểm có trách nhiệm:",
            "a) Tổ chức tập huấn hoặc thuê tổ chức tập huấn vận chuyển hàng hóa nguy hiểm.",
        ],
        ["Chương IV TỔ CHỨC THỰC HIỆN", "Điều 13. Tổ chức thực hiện"],
    )
    assert [[a.name for a in t.assignees] for t in tasks] == [
        ["Bộ trưởng, Thủ trưởng cơ quan ngang bộ"],
        ["Người vận tải", "người thuê vận tải", "tổ chức tập huấn vận chuyển hàng hóa nguy hiểm"],
    ]


def test_the_same_point_under_two_bodies_articles_is_each_bodys(cat: UnitCatalogue) -> None:
    """A circular gives "1. Tổ chức tiếp nhận, kiểm tra …" word for word to the Cục (Điều 10) and to
    the provincial committees (Điều 11), each article its own passage: the second is no overlap of
    the first passage, it is the committees' point."""
    meta = DocumentMeta(doc_type="Thông tư", issuer="Bộ Công Thương", date=dt.date(2025, 3, 1))
    point = "1. Tổ chức tiếp nhận, kiểm tra, đánh giá và phê duyệt hồ sơ thuộc thẩm quyền."
    chapter = "Chương III TRÁCH NHIỆM THI HÀNH"
    chunks = [
        Chunk(text=point, heading_path=[chapter, "Điều 10. Trách nhiệm của Cục Hóa chất"], section=""),
        Chunk(text=point, heading_path=[chapter, "Điều 11. Trách nhiệm của Ủy ban nhân dân cấp tỉnh"], section=""),
    ]
    tasks = extract_tasks(chunks, meta, catalogue=cat)
    assert [[a.name for a in t.assignees] for t in tasks] == [["Cục Hóa chất"], ["Ủy ban nhân dân cấp tỉnh"]]


def test_a_central_bodys_head_names_the_body(cat: UnitCatalogue) -> None:
    """ "Cục trưởng Cục Hóa chất có trách nhiệm …" in a circular's "Tổ chức thực hiện": the department
    acts, as "Giám đốc Sở …" names the Sở."""
    meta = DocumentMeta(doc_type="Thông tư", issuer="Bộ Công Thương", date=dt.date(2025, 3, 1))
    text = "1. Cục trưởng Cục Hóa chất có trách nhiệm tổ chức hướng dẫn và triển khai thực hiện Thông tư này."
    tasks = _lines_tasks(cat, meta, [text], ["Điều 3. Tổ chức thực hiện"])
    assert [[(a.name, a.role) for a in t.assignees] for t in tasks] == [[("Cục Hóa chất", "responsible")]]


def test_a_letter_quoting_what_was_asked_of_its_writer_gives_that_no_task(cat: UnitCatalogue) -> None:
    """A Sở's letter retelling an inspection conclusion that "đề nghị Giám đốc Sở …:" (the writer):
    background, not work it gives; its own requests below are the tasks. Units named with the basis
    they act on ("… căn cứ chức năng, nhiệm vụ được giao phối hợp …") are still subjects."""
    meta = DocumentMeta(doc_type="Công văn", issuer="Sở Nông nghiệp và Môi trường tỉnh Gia Lai")
    text = "\n".join(
        [
            "Tại Kết luận thanh tra số 18/KL-TTT ngày 24/6/2026, Chánh Thanh tra tỉnh đề nghị Giám đốc Sở "
            "Nông nghiệp và Môi trường:",
            "- Chủ trì, phối hợp với các đơn vị rà soát, đo đạc, xác định lại ranh giới và diện tích.",
            "- Chỉ đạo các Chi nhánh trực thuộc hướng dẫn các đơn vị đăng ký biến động đất đai.",
            "Sở Nông nghiệp và Môi trường có ý kiến như sau:",
            "1. Đề nghị UBND các phường, xã khẩn trương thực hiện và báo cáo UBND tỉnh kết quả thực hiện.",
            "2. Các sở, ban, ngành và các đơn vị có liên quan căn cứ chức năng, nhiệm vụ được giao phối hợp "
            "tham gia ý kiến vào báo cáo.",
        ]
    )
    tasks = extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat)
    assert [[a.unit_id for a in t.assignees] for t in tasks] == [["g-xa-phuong"], ["g-so-nganh"]]


def test_the_writers_name_on_a_line_after_a_task_is_no_cell_of_it(cat: UnitCatalogue) -> None:
    """A page's header block read again after the body ("UBND TỈNH GIA LAI", "SỞ NÔNG NGHIỆP VÀ MÔI
    TRƯỜNG") is not a table cell naming the last task's cooperating unit."""
    meta = DocumentMeta(doc_type="Công văn", issuer="Sở Nông nghiệp và Môi trường tỉnh Gia Lai")
    text = "\n".join(
        [
            "Đề nghị UBND các xã, phường rà soát nhu cầu sử dụng đất để cập nhật vào quy hoạch.",
            "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
        ]
    )
    tasks = extract_tasks([Chunk(text=text, heading_path=[], section="")], meta, catalogue=cat)
    assert [[a.unit_id for a in t.assignees] for t in tasks] == [["g-xa-phuong"]]
