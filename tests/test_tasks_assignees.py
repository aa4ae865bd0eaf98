"""Who is an assignee (issue 11): each rule of the genre through the real ingest of a real file.

The documents are invented, shaped like the ones where the assignee went wrong: a heading fused
with its first sentence, a People's Council resolution and a central directive (the People's
Committee is their addressee), generic partners ("phối hợp với các sở, ngành, địa phương"), a
list of partners after one the catalogue lacks, closing formulas, a letter's "Kính gửi:" list, a
lead-in that assigns before its "…; trong đó:", "các sở, ban, ngành, đoàn thể tỉnh" in a heading,
and a bullet that asks a described addressee under its unit's heading.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.docfactory import make_docx
from tests.ingested_tasks import ingest_tasks as _ingest
from tests.ingested_tasks import unit_roles as _units
from troly.models import TaskRow
from troly.store import list_documents

RIGHT = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Gia Lai, ngày 12 tháng 3 năm 2026")
UBND_LETTER = ("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 731/UBND-NC", "V/v tăng cường quản lý hồ sơ")
UBND_NOTICE = ("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 88/TB-UBND")
SIGNATURE = ["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Thị Mai"]


def _docx(tmp_path: Path, name: str, paragraphs: list[str], left=UBND_LETTER, title: str | None = None) -> Path:
    head = [title] if title else []
    return make_docx(tmp_path / name, header_left=left, header_right=RIGHT, paragraphs=head + paragraphs, table=None)


def test_a_heading_fused_with_its_first_sentence_still_heads_directives(ctx, tmp_path: Path) -> None:
    """ "II. Nhiệm vụ … Để … đạt kết quả …, khó khăn, vướng mắc …" is a directive part, not results."""
    path = _docx(
        tmp_path,
        "tb-ket-luan.docx",
        [
            "I. Đánh giá chung",
            "Các cơ quan đã hoàn thành phần lớn chỉ tiêu, tuy nhiên tiến độ số hóa hồ sơ còn chậm.",
            "II. Nhiệm vụ trọng tâm thời gian tới Để hoàn thành kế hoạch năm 2026, tháo gỡ khó khăn, vướng mắc "
            "và đạt kết quả cao nhất, các cơ quan tập trung các nhiệm vụ sau:",
            "1. Sở Tư pháp theo chức năng, nhiệm vụ khẩn trương hoàn thành số hóa sổ hộ tịch trước ngày 30/6/2026.",
            "2. Sở Y tế rà soát, bổ sung danh mục thủ tục hành chính trên Cổng dịch vụ công.",
            *SIGNATURE,
        ],
        left=UBND_NOTICE,
        title="THÔNG BÁO",
    )
    _, rows = _ingest(ctx, path)
    assert [_units(r) for r in rows] == [[("so-tu-phap", "assigned")], [("so-y-te", "assigned")]]


def test_a_council_resolution_assigns_the_peoples_committee(ctx, tmp_path: Path) -> None:
    """The People's Council issues; "Giao Ủy ban nhân dân tỉnh …" is that resolution's assignment."""
    path = _docx(
        tmp_path,
        "nq-hdnd.docx",
        [
            "Điều 1. Ban hành kèm theo Nghị quyết này Quy định hỗ trợ đào tạo nghề cho lao động nông thôn.",
            "Điều 2. Tổ chức thực hiện",
            "1. Giao Ủy ban nhân dân tỉnh tổ chức triển khai thực hiện Nghị quyết này.",
            "2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh tham gia giám sát việc thực hiện Nghị quyết.",
            "Nơi nhận:",
            "- Như Điều 2;",
            "- Lưu: VT.",
            "CHỦ TỊCH",
            "Lê Văn Hòa",
        ],
        left=("HỘI ĐỒNG NHÂN DÂN", "TỈNH GIA LAI", "Số: 15/2026/NQ-HĐND"),
        title="NGHỊ QUYẾT",
    )
    doc, rows = _ingest(ctx, path)
    assert doc.issuer == "HĐND tỉnh Gia Lai"
    assert [_units(r) for r in rows] == [[("ubnd-tinh", "assigned")], [("mttq-tinh", "assigned")]]


def test_a_central_directive_assigns_ministries_by_their_verb(ctx, tmp_path: Path) -> None:
    """Issued by the Prime Minister: "Bộ Tài chính chủ trì, phối hợp với Bộ Nội vụ …" assigns a ministry
    (in a provincial document a central body is only requested, never assigned)."""
    path = _docx(
        tmp_path,
        "ct-ttg.docx",
        [
            "Để đẩy nhanh giải ngân vốn đầu tư công, Thủ tướng Chính phủ yêu cầu:",
            "1. Bộ Tài chính chủ trì, phối hợp với Bộ Nội vụ hướng dẫn việc điều chuyển vốn giữa các dự án trong "
            "quý II năm 2026.",
            "2. Bộ Nội vụ tăng cường kiểm tra kỷ luật, kỷ cương trong giải ngân vốn./.",
            "Nơi nhận:",
            "- Các Bộ, cơ quan ngang Bộ;",
            "- Lưu: VT.",
            "THỦ TƯỚNG",
            "Nguyễn Văn Nam",
        ],
        left=("THỦ TƯỚNG CHÍNH PHỦ", "Số: 12/CT-TTg"),
        title="CHỈ THỊ",
    )
    doc, rows = _ingest(ctx, path)
    assert doc.issuer == "Thủ tướng Chính phủ"
    assert [_units(r) for r in rows] == [
        [("bo-tai-chinh", "lead"), ("bo-noi-vu", "cooperate")],
        [("bo-noi-vu", "assigned")],
    ]


def test_a_provincial_letter_never_assigns_the_peoples_committee(ctx, tmp_path: Path) -> None:
    """Issued by the province's People's Committee: "UBND tỉnh" directs, it is not assigned."""
    path = _docx(
        tmp_path,
        "cv-ubnd.docx",
        [
            "Kính gửi: Sở Nội vụ.",
            "Ủy ban nhân dân tỉnh chỉ đạo rà soát biên chế năm 2026; giao Sở Nội vụ chủ trì tham mưu Ủy ban nhân "
            "dân tỉnh báo cáo Bộ Nội vụ./.",
            *SIGNATURE,
        ],
    )
    _, rows = _ingest(ctx, path)
    assert [_units(r) for r in rows] == [[("so-noi-vu", "lead")]]


def test_generic_partners_are_not_cooperating_units(ctx, tmp_path: Path) -> None:
    """ "phối hợp với các sở, ngành, địa phương" names nobody; a named partner still cooperates."""
    path = _docx(
        tmp_path,
        "cv-phoi-hop.docx",
        [
            "Kính gửi: Sở Tư pháp.",
            "1. Giao Sở Tư pháp chủ trì, phối hợp với các sở, ngành, địa phương tổ chức tập huấn nghiệp vụ hộ "
            "tịch cho công chức cấp xã.",
            "2. Giao Sở Y tế chủ trì, phối hợp với Sở Nội vụ và các cơ quan, đơn vị, địa phương rà soát vị trí "
            "việc làm của các trạm y tế./.",
            *SIGNATURE,
        ],
    )
    _, rows = _ingest(ctx, path)
    assert [_units(r) for r in rows] == [
        [("so-tu-phap", "lead")],
        [("so-y-te", "lead"), ("so-noi-vu", "cooperate")],
    ]


def test_partners_listed_after_one_the_catalogue_lacks_cooperate(ctx, tmp_path: Path) -> None:
    """ "Phối hợp chặt chẽ với các đơn vị chức năng thuộc Bộ Quốc phòng, Sở Y tế, Công an tỉnh quản lý …":
    the heading's unit acts, the units further down the list are its partners."""
    path = _docx(
        tmp_path,
        "cv-bien-gioi.docx",
        [
            "Để tăng cường quản lý khu vực biên giới, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:",
            "1. Bộ Chỉ huy Quân sự tỉnh",
            "a) Chủ trì tuyên truyền pháp luật cho người dân khu vực biên giới.",
            "b) Phối hợp chặt chẽ với các đơn vị chức năng thuộc Bộ Quốc phòng, Sở Y tế, Công an tỉnh quản lý chặt "
            "chẽ các cơ sở kinh doanh thuốc tại khu vực biên giới.",
            "c) Hỗ trợ Công an tỉnh tiêu hủy tang vật theo quy định./.",
            *SIGNATURE,
        ],
    )
    _, rows = _ingest(ctx, path)
    assert [_units(r) for r in rows] == [
        [("bch-quan-su", "lead")],
        [("bch-quan-su", "assigned"), ("so-y-te", "cooperate"), ("cong-an-tinh", "cooperate")],
        [("bch-quan-su", "assigned")],
    ]


def test_closing_formulas_assign_nothing(ctx, tmp_path: Path) -> None:
    """A closing request to groups with its feedback clause, and "Nay thông báo ý kiến kết luận … để …
    thực hiện./." are the closing formula, not tasks."""
    plan = _docx(
        tmp_path,
        "kh-ho-tich.docx",
        [
            "II. NHIỆM VỤ",
            "1. Sở Tư pháp chủ trì tập huấn nghiệp vụ hộ tịch trong quý II/2026.",
            "III. TỔ CHỨC THỰC HIỆN",
            "Ủy ban nhân dân tỉnh yêu cầu các sở, ban, ngành và Ủy ban nhân dân các xã, phường nghiêm túc triển "
            "khai thực hiện Kế hoạch này. Trong quá trình thực hiện, nếu có khó khăn, vướng mắc, kịp thời phản ánh "
            "về Sở Tư pháp để tổng hợp, báo cáo Ủy ban nhân dân tỉnh xem xét, quyết định./.",
            *SIGNATURE,
        ],
        left=("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 40/KH-UBND"),
        title="KẾ HOẠCH",
    )
    _, rows = _ingest(ctx, plan)
    assert [_units(r) for r in rows] == [[("so-tu-phap", "lead")]]
    notice = _docx(
        tmp_path,
        "tb-y-kien.docx",
        [
            "1. Giao Sở Y tế khẩn trương hoàn thiện đề án trạm y tế xã, trình Ủy ban nhân dân tỉnh trước ngày "
            "30/4/2026.",
            "Nay thông báo ý kiến kết luận của Phó Chủ tịch UBND tỉnh để các sở, ngành, đơn vị có liên quan triển "
            "khai thực hiện./.",
            *SIGNATURE,
        ],
        left=UBND_NOTICE,
        title="THÔNG BÁO",
    )
    _, rows = _ingest(ctx, notice)
    assert [_units(r) for r in rows] == [[("so-y-te", "assigned")]]


def test_a_closing_repeat_to_an_assigned_unit_is_not_a_new_task(ctx, tmp_path: Path) -> None:
    """ "Căn cứ ý kiến chỉ đạo trên, Sở Y tế và các đơn vị liên quan triển khai thực hiện./." after Sở Y tế's
    own task repeats it; a unit the letter has not yet given work is still assigned there."""
    path = _docx(
        tmp_path,
        "cv-y-te.docx",
        [
            "Kính gửi: Sở Y tế.",
            "Giao Sở Y tế chủ trì, nghiên cứu, tham mưu Ủy ban nhân dân tỉnh phương án sắp xếp các trạm y tế, "
            "báo cáo trước ngày 15/5/2026.",
            "Căn cứ ý kiến chỉ đạo trên, Sở Y tế và các đơn vị liên quan triển khai thực hiện./.",
            *SIGNATURE,
        ],
    )
    _, rows = _ingest(ctx, path)
    assert [_units(r) for r in rows] == [[("so-y-te", "lead")]]


def test_the_addressee_list_of_a_letter_is_not_tasks(ctx, tmp_path: Path) -> None:
    """ "Kính gửi:" followed by "- Các sở, ban, ngành thuộc UBND tỉnh;", "- Công an tỉnh;" names recipients."""
    path = _docx(
        tmp_path,
        "cv-kinh-gui.docx",
        [
            "Kính gửi:",
            "- Các sở, ban, ngành thuộc UBND tỉnh;",
            "- Công an tỉnh;",
            "- Ủy ban nhân dân các xã, phường.",
            "Để tăng cường quản lý hồ sơ, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:",
            "- Công an tỉnh chủ trì rà soát hồ sơ cư trú trên địa bàn tỉnh.",
            "- Ủy ban nhân dân các xã, phường cập nhật dữ liệu dân cư hằng tháng./.",
            *SIGNATURE,
        ],
    )
    _, rows = _ingest(ctx, path)
    assert [_units(r) for r in rows] == [[("cong-an-tinh", "lead")], [("g-xa-phuong", "assigned")]]


def test_a_leadin_that_assigns_before_trong_do_is_a_task(ctx, tmp_path: Path) -> None:
    """ "1. Yêu cầu Thủ trưởng các sở, ban, ngành … thực hiện nghiêm …; trong đó lưu ý:" assigns by itself."""
    path = _docx(
        tmp_path,
        "tb-giai-ngan.docx",
        [
            "1. Yêu cầu Thủ trưởng các sở, ban, ngành, Chủ tịch Ủy ban nhân dân các xã, phường khẩn trương rà "
            "soát, thực hiện nghiêm túc chỉ đạo của Ủy ban nhân dân tỉnh về giải ngân vốn đầu tư công; trong đó "
            "lưu ý:",
            "a) Tập trung tháo gỡ vướng mắc về mặt bằng các dự án trọng điểm.",
            "b) Báo cáo tiến độ giải ngân về Sở Tài chính trước ngày 25 hằng tháng./.",
            *SIGNATURE,
        ],
        left=UBND_NOTICE,
        title="THÔNG BÁO",
    )
    _, rows = _ingest(ctx, path)
    assert "thực hiện nghiêm túc chỉ đạo" in rows[0].text
    assert [_units(r) for r in rows] == [[("g-so-nganh", "assigned"), ("g-xa-phuong", "assigned")]] * 3


def test_doan_the_belongs_to_the_group_in_a_heading(ctx, tmp_path: Path) -> None:
    """ "1. Công an tỉnh, các sở, ban, ngành, đoàn thể tỉnh và Ủy ban nhân dân các xã, phường" names three
    owners of the bullets below it."""
    path = _docx(
        tmp_path,
        "cv-pccc.docx",
        [
            "Để triển khai Quyết định của Bộ Công an, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:",
            "1. Công an tỉnh, các sở, ban, ngành, đoàn thể tỉnh và Ủy ban nhân dân các xã, phường",
            "- Tổ chức tuyên truyền, phổ biến các quy định về phòng cháy, chữa cháy đến cơ sở./.",
            *SIGNATURE,
        ],
    )
    _, rows = _ingest(ctx, path)
    assert [_units(r) for r in rows] == [
        [("cong-an-tinh", "assigned"), ("g-so-nganh", "assigned"), ("g-xa-phuong", "assigned")]
    ]


def test_a_bullet_asking_a_described_addressee_belongs_to_its_heading_unit(ctx, tmp_path: Path) -> None:
    """ "- Tổ chức kiểm tra …; yêu cầu các đơn vị khai thác lắp đặt …" under "2. Sở Xây dựng": Sở Xây dựng
    does it; the units it asks are not the bullet's subject."""
    path = _docx(
        tmp_path,
        "kh-khoang-san.docx",
        [
            "II. NHIỆM VỤ",
            "1. Sở Xây dựng",
            "- Chủ trì rà soát các mỏ khoáng sản làm vật liệu xây dựng.",
            "- Tổ chức kiểm tra thường xuyên hoạt động khai thác; yêu cầu các đơn vị khai thác thực hiện lắp đặt "
            "camera giám sát tại mỏ.",
            "- Công bố giá vật liệu xây dựng hằng quý.",
            *SIGNATURE,
        ],
        left=("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 41/KH-UBND"),
        title="KẾ HOẠCH",
    )
    _, rows = _ingest(ctx, path)
    assert [[u for u, _ in _units(r)] for r in rows] == [["so-xay-dung"]] * 3


def test_a_routing_slip_assigns_the_unit_it_routes_to(ctx, tmp_path: Path) -> None:
    """A Phiếu chuyển is not a cover-memo form: "Văn phòng UBND tỉnh chuyển Văn bản nêu trên đến Sở Xây
    dựng để chủ trì, … xem xét, giải quyết" assigns Sở Xây dựng, not the office that routes it."""
    path = _docx(
        tmp_path,
        "phieu-chuyen.docx",
        [
            "Công văn số 12/CV-HTX ngày 02/3/2026 của Hợp tác xã Đồng Xanh",
            "Kính gửi: Sở Xây dựng.",
            "Ngày 05/3/2026, Ủy ban nhân dân tỉnh nhận được Công văn số 12/CV-HTX của Hợp tác xã Đồng Xanh về việc "
            "đề nghị sửa chữa cầu tràn thôn Plei Kép (gửi kèm).",
            "Thực hiện Quy chế làm việc của Ủy ban nhân dân tỉnh, Văn phòng UBND tỉnh chuyển Văn bản nêu trên đến "
            "Sở Xây dựng để chủ trì, phối hợp với cơ quan liên quan xem xét, giải quyết theo thẩm quyền./.",
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu: VT.",
            "CHÁNH VĂN PHÒNG",
            "Phạm Văn Hùng",
        ],
        left=("ỦY BAN NHÂN DÂN TỈNH GIA LAI", "VĂN PHÒNG", "Số: 466/PC-VPUBND"),
        title="PHIẾU CHUYỂN",
    )
    doc, rows = _ingest(ctx, path)
    assert doc.doc_type == "Phiếu chuyển"
    assert [_units(r) for r in rows] == [[("so-xay-dung", "lead")]]


def test_an_instruction_to_forward_a_letter_assigns_no_one(ctx, tmp_path: Path) -> None:
    """ "Hướng dẫn công dân hoặc chuyển đơn đến Ủy ban nhân dân các xã, phường để giải quyết" under "1. Sở
    Tư pháp" is Sở Tư pháp's work; the communes are where the letters go, not assignees."""
    path = _docx(
        tmp_path,
        "kh-tiep-cong-dan.docx",
        [
            "II. NHIỆM VỤ",
            "1. Sở Tư pháp",
            "- Lắng nghe, ghi chép đầy đủ ý kiến, kiến nghị của cử tri.",
            "- Hướng dẫn công dân hoặc chuyển đơn đến Ủy ban nhân dân các xã, phường để giải quyết theo thẩm quyền.",
            *SIGNATURE,
        ],
        left=("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 42/KH-UBND"),
        title="KẾ HOẠCH",
    )
    _, rows = _ingest(ctx, path)
    assert [_units(r) for r in rows] == [[("so-tu-phap", "assigned")]] * 2


def test_people_and_teams_a_plan_gives_work_by_name_are_assignees(ctx, tmp_path: Path) -> None:
    """ "4.1. Ông. Hoàng Văn An - Trưởng đoàn: Phụ trách chung …" under "Phân công nhiệm vụ": the
    person (honorific dropped) is the assignee, named as written; field labels ("Thời gian: …") and
    cases ("Đối với nơi có dưới 100 cử tri: …") are not; outside a directing section nothing is."""
    path = _docx(
        tmp_path,
        "kh-kiem-tra.docx",
        [
            "I. KẾT QUẢ KIỂM TRA NĂM 2025",
            "Ông Lê Văn Bình: Phó Giám đốc Sở, trưởng đoàn kiểm tra năm 2025.",
            "II. PHÂN CÔNG NHIỆM VỤ",
            "1. Ông. Hoàng Văn An - Trưởng đoàn: Phụ trách chung; ký các văn bản thuộc thẩm quyền của Đoàn.",
            "2. Đồng chí Phó Trưởng phòng Văn hóa - Xã hội - Phó Trưởng tiểu ban Thường trực: Trực tiếp chỉ đạo "
            "chuẩn bị các nội dung trang trí, khánh tiết.",
            "3. Thời gian: Từ ngày 20/3/2026 đến ngày 25/3/2026.",
            "4. Đối với đơn vị được kiểm tra: Chuẩn bị báo cáo bằng văn bản theo đề cương.",
            "5. Đối với nơi có dưới 100 cử tri: Tổ chức hội nghị toàn thể cử tri.",
            *SIGNATURE,
        ],
        left=("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 45/KH-UBND"),
        title="KẾ HOẠCH",
    )
    _, rows = _ingest(ctx, path)
    names = [[a.name for a in sorted(r.assignees, key=lambda a: a.position)] for r in rows]
    assert names[:3] == [
        ["Hoàng Văn An - Trưởng đoàn"],
        ["Phó Trưởng phòng Văn hóa - Xã hội - Phó Trưởng tiểu ban Thường trực"],
        ["đơn vị được kiểm tra"],
    ]
    assert all(a.unit_id is None for r in rows[:3] for a in r.assignees)
    assert not any("Lê Văn Bình" in n or "Thời gian" in n or "cử tri" in n for ns in names for n in ns)


def test_a_tier_of_local_government_is_a_named_partner_and_all_departments_are_not(ctx, tmp_path: Path) -> None:
    """ "phối hợp với UBND các xã, phường": every commune has its own part in the work; "phối hợp với
    các sở, ban, ngành" names no one in particular."""
    path = _docx(
        tmp_path,
        "cv-phoi-hop.docx",
        [
            "Kính gửi: Sở Tư pháp.",
            "1. Giao Sở Tư pháp chủ trì, phối hợp với UBND các xã, phường rà soát, số hóa hồ sơ hộ tịch, "
            "hoàn thành trước ngày 30/6/2026.",
            "2. Giao Sở Nội vụ chủ trì, phối hợp với các sở, ban, ngành rà soát vị trí việc làm.",
            *SIGNATURE,
        ],
    )
    _, rows = _ingest(ctx, path)
    assert [_units(r) for r in rows] == [
        [("so-tu-phap", "lead"), ("g-xa-phuong", "cooperate")],
        [("so-noi-vu", "lead")],
    ]


def test_a_commune_plan_gives_work_to_office_holders_and_teams_under_its_own_headings(ctx, tmp_path: Path) -> None:
    """ "- Đồng chí Chủ tịch Ủy ban MTTQ xã chịu trách nhiệm …" names the person; a heading that only
    names a role or a team ("3. Cán bộ phụ trách …", "2. Các tổ chức thành viên …") owns the bullets
    below it; the issuer named as a partner in its own plan is not a partner; "Nhóm ngành …" and
    "Cán bộ, công chức đang công tác …" are not teams."""
    path = _docx(
        tmp_path,
        "kh-mttq.docx",
        [
            "I. ĐỐI TƯỢNG",
            "1. Nhóm ngành kinh tế",
            "- Kinh tế biển, kinh tế số.",
            "II. TỔ CHỨC THỰC HIỆN",
            "1. Ban Thường trực Ủy ban MTTQ Việt Nam xã",
            "- Đồng chí Chủ tịch Ủy ban MTTQ xã chịu trách nhiệm chỉ đạo chung, chủ trì các hội nghị hiệp thương.",
            "2. Các tổ chức thành viên của MTTQ xã",
            "- Phối hợp chặt chẽ với Ban Thường trực Ủy ban MTTQ Việt Nam xã Ia Hrung tham gia công tác bầu cử.",
            "3. Cán bộ phụ trách lĩnh vực giám sát và phản biện xã hội",
            "- Chuẩn bị các điều kiện về cơ sở vật chất, tài liệu.",
            "4. Nhóm ngành văn hóa, xã hội",
            "- Du lịch, quản trị du lịch.",
            *SIGNATURE,
        ],
        left=("ỦY BAN MTTQ VIỆT NAM XÃ IA HRUNG", "BAN THƯỜNG TRỰC", "Số: 12/KH-MTTQ-BTT"),
        title="KẾ HOẠCH",
    )
    _, rows = _ingest(ctx, path)
    got = [
        (r.text.split(",")[0], [(a.name, a.role) for a in sorted(r.assignees, key=lambda a: a.position)])
        for r in rows
        if r.assignees
    ]
    assert got == [
        ("Đồng chí Chủ tịch Ủy ban MTTQ xã chịu trách nhiệm chỉ đạo chung", [("Chủ tịch Ủy ban MTTQ xã", "assigned")]),
        (
            "Phối hợp chặt chẽ với Ban Thường trực Ủy ban MTTQ Việt Nam xã Ia Hrung tham gia công tác bầu cử.",
            [("Các tổ chức thành viên của MTTQ xã", "assigned")],
        ),
        (
            "Chuẩn bị các điều kiện về cơ sở vật chất",
            [("Cán bộ phụ trách lĩnh vực giám sát và phản biện xã hội", "assigned")],
        ),
    ]


def test_a_communes_own_plan_names_its_peoples_committee_without_its_name(ctx, tmp_path: Path) -> None:
    """In a commune's own plan "2. Đề nghị Ủy ban nhân dân xã phối hợp" heads that commune's People's
    Committee's duties; "phối hợp với Trưởng thôn" makes the village head a partner; the issuer named
    short ("Ban Thường trực Ủy ban MTTQ xã") is not a partner in its own plan."""
    path = _docx(
        tmp_path,
        "kh-xa.docx",
        [
            "V. TỔ CHỨC THỰC HIỆN",
            "1. Ban Công tác Mặt trận thôn",
            "- Phối hợp với Trưởng thôn rà soát danh sách cử tri của thôn.",
            "2. Đề nghị Ủy ban nhân dân xã phối hợp",
            "- Phối hợp với Ban Thường trực Ủy ban MTTQ xã trong việc xác minh, trả lời kiến nghị của cử tri.",
            *SIGNATURE,
        ],
        left=("ỦY BAN MTTQ VIỆT NAM XÃ IA HRUNG", "BAN THƯỜNG TRỰC", "Số: 15/KH-MTTQ-BTT"),
        title="KẾ HOẠCH",
    )
    _, rows = _ingest(ctx, path)
    got = [[(a.name, a.unit_id, a.role) for a in sorted(r.assignees, key=lambda a: a.position)] for r in rows]
    assert got == [
        [("Ban Công tác Mặt trận thôn", None, "assigned"), ("Trưởng thôn", None, "cooperate")],
        [("Ủy ban nhân dân xã Ia Hrung", "xa-ia-hrung", "assigned")],
    ]
