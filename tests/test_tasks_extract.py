"""Assignment extraction (ingest.tasks) on real sentences of the sample corpus.

Unit tests build Chunk objects by hand from corpus lines (heading_path + text), so they do not
depend on the chunker. The corpus tests run clean_text → (a small local splitter, or the real
chunker when it exists) → extract_tasks on whole documents and check the sample gold semantics.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from ingest.tasks import ExtractedTask, extract_tasks
from troly.dates import active_in, month_range, occurs_in
from troly.text import match_key
from troly.types import Chunk, DocumentMeta
from troly.units import UnitCatalogue

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "examples" / "corpus"
EVAL = REPO / "examples" / "eval"

NOTICE_2024 = DocumentMeta(doc_type="Thông báo", date=dt.date(2024, 9, 19), issuer="UBND tỉnh Bình Định")
NOTICE_2025 = DocumentMeta(doc_type="Thông báo", date=dt.date(2025, 7, 5), issuer="UBND tỉnh Gia Lai")
NOTICE_2026 = DocumentMeta(doc_type="Thông báo", date=dt.date(2026, 3, 1), date_precision="month")
REPORT_2026 = DocumentMeta(doc_type="Báo cáo", date=dt.date(2026, 5, 1), issuer="Văn phòng UBND tỉnh Gia Lai")


@pytest.fixture(scope="module")
def cat() -> UnitCatalogue:
    return UnitCatalogue.load()


def run(cat: UnitCatalogue, meta: DocumentMeta, *chunks: tuple[list[str], str]) -> list[ExtractedTask]:
    return extract_tasks([Chunk(text=t, heading_path=h, section=" > ".join(h)) for h, t in chunks], meta, catalogue=cat)


def roles(task: ExtractedTask) -> list[tuple[str | None, str]]:
    return [(a.unit_id, a.role) for a in task.assignees]


# --------------------------------------------------------------------------------------------
# Phrase families, one real sentence each
# --------------------------------------------------------------------------------------------


def test_heading_lead_in_assigns_each_bullet_heading_in_path(cat: UnitCatalogue) -> None:
    # "2. Giao Sở Nội vụ:" only in heading_path; the bullets are the chunk text.
    tasks = run(
        cat,
        NOTICE_2024,
        (
            ["2. Giao Sở Nội vụ:"],
            "- Tiếp tục tăng cường công tác kiểm tra công vụ; trong đó, tập trung kiểm tra việc giao tiếp, ứng xử, "
            "thái độ phục vụ người dân, doanh nghiệp của Bộ phận Một cửa các cấp.\n"
            "- Tập trung rà soát, tham mưu, đề xuất việc phân cấp, ủy quyền trong thực hiện nhiệm vụ quản lý nhà "
            "nước có quy định giải quyết thủ tục hành chính cho người dân, doanh nghiệp.",
        ),
    )
    assert len(tasks) == 2
    assert all(roles(t) == [("so-noi-vu", "assigned")] for t in tasks)
    assert tasks[0].text.startswith("Tiếp tục tăng cường") and "Bộ phận Một cửa" in tasks[0].text
    assert "phân cấp, ủy quyền" in tasks[1].text
    assert tasks[1].heading_path == ["2. Giao Sở Nội vụ:"] and tasks[1].ordinal == 1


def test_heading_lead_in_inline_and_bullet_without_unit(cat: UnitCatalogue) -> None:
    text = (
        "3. Giao Sở Thông tin và Truyền thông:\n"
        "- Khẩn trương triển khai đưa vào sử dụng hiệu quả các nền tảng trí tuệ nhân tạo (AI) trong cơ quan nhà "
        "nước. Đẩy nhanh tiến độ xây dựng, hoàn thiện và đưa vào sử dụng nền tảng Trợ lý ảo hỗ trợ cho cán bộ, "
        "công chức cấp xã trong tháng 10 năm 2024.\n"
        "- Chủ trì, phối hợp với các cơ quan, đơn vị, địa phương liên quan xây dựng Đề án chuyển đổi số của tỉnh "
        "theo chỉ đạo của Thủ tướng Chính phủ tại Chỉ thị số 34/CT-TTg ngày 16 tháng 9 năm 2024. Thời gian hoàn "
        "thành trong tháng 11 năm 2024.\n"
        "4. Giao Công an tỉnh chủ trì, rà soát, theo dõi, đôn đốc, hướng dẫn, định hướng các cơ quan, đơn vị, "
        "địa phương triển khai thực hiện các nhiệm vụ lớn, mang tính cơ bản, nền tảng của Đề án 06."
    )
    tasks = run(cat, NOTICE_2024, ([], text))
    assert [roles(t) for t in tasks] == [
        [("so-tttt", "assigned")],
        [("so-tttt", "lead")],  # "- Chủ trì, …" under the lead-in; vague cooperators dropped
        [("cong-an-tinh", "lead")],  # the numbered item names its own unit and ends the lead-in
    ]
    assert (tasks[0].due.start, tasks[0].due.end) == (dt.date(2024, 10, 1), dt.date(2024, 10, 31))
    assert (tasks[1].due.start, tasks[1].due.end) == (dt.date(2024, 11, 1), dt.date(2024, 11, 30))
    assert tasks[2].due is None


def test_giao_lead_with_cooperating_unit(cat: UnitCatalogue) -> None:
    tasks = run(
        cat,
        NOTICE_2025,
        (
            [],
            "3. Giao Công an tỉnh chủ trì, phối hợp với Sở Khoa học và Công nghệ, tập trung triển khai Trung tâm "
            "giám sát an toàn thông tin (SOC) và có giải pháp đảm bảo an toàn thông tin trong quá trình vận hành "
            "chính quyền 02 cấp trên địa bàn tỉnh.",
        ),
    )
    assert len(tasks) == 1
    assert roles(tasks[0]) == [("cong-an-tinh", "lead"), ("so-khcn", "cooperate")]
    assert tasks[0].role == "lead"


def test_unit_chu_tri_at_sentence_start(cat: UnitCatalogue) -> None:
    tasks = run(
        cat,
        NOTICE_2026,
        (
            [],
            "- Sở Khoa học và Công nghệ chủ trì, rà soát và nâng cao chất lượng quản lý các đề tài, sáng kiến khoa "
            "học; yêu cầu nội dung nghiên cứu phải gắn chặt với thực tiễn.",
        ),
        (
            [],
            "- Văn phòng UBND tỉnh chủ trì, phối hợp với các cơ quan, đơn vị, địa phương rà soát, nhận diện các "
            "khó khăn, vướng mắc trong việc giải quyết thủ tục hành chính theo mô hình tập trung.",
        ),
    )
    assert roles(tasks[0]) == [("so-khcn", "lead")]
    # a generic partner ("phối hợp với các cơ quan, đơn vị, địa phương") names nobody: not a cooperating unit
    assert roles(tasks[1]) == [("vp-ubnd", "lead")]


def test_responsible_with_quota(cat: UnitCatalogue) -> None:
    tasks = run(
        cat,
        NOTICE_2026,
        (
            ["2. Một số nhiệm vụ, giải pháp trên các lĩnh vực trọng tâm"],
            "+ Tỉnh đoàn chịu trách nhiệm tìm kiếm, sàng lọc và giới thiệu ít nhất **02 ý tưởng đổi mới sáng tạo** "
            "mỗi tháng từ lực lượng đoàn viên, thanh niên; phối hợp với các sở, ngành liên quan để ươm tạo.",
        ),
    )
    (task,) = tasks
    assert roles(task) == [("tinh-doan", "responsible")]
    assert (task.quota.min, task.quota.max, task.quota.per) == (2, None, "month")
    assert task.recurrence.period == "month"
    assert "*" not in task.text


def test_commune_group_with_monthly_quota(cat: UnitCatalogue) -> None:
    (task,) = run(
        cat,
        NOTICE_2026,
        (
            [],
            "+ UBND các xã, phường tổ chức phát động phong trào đổi mới sáng tạo sâu rộng tại cơ sở; đảm bảo định "
            "kỳ hằng tháng, mỗi địa phương phải chủ trì triển khai được từ **01 – 02 ý tưởng mới** có tính khả "
            "thi xuất phát từ cộng đồng.",
        ),
    )
    assert roles(task) == [("g-xa-phuong", "assigned")]
    assert (task.quota.min, task.quota.max, task.quota.per) == (1, 2, "month")
    start, end = month_range("2026-11")
    assert occurs_in(task.due, task.recurrence, start=start, end=end, since=NOTICE_2026.date)


def test_yeu_cau_and_group_subjects(cat: UnitCatalogue) -> None:
    tasks = run(
        cat,
        NOTICE_2026,
        (
            [],
            "- Yêu cầu các sở, ban, ngành và địa phương chủ động rà soát, nhận diện và đề xuất các giải pháp tháo gỡ "
            "dứt điểm những vướng mắc, “điểm nghẽn” trong hệ thống cơ chế, chính sách.",
        ),
        (
            [],
            "- Các sở, ngành, địa phương thực hiện hiệu quả công tác đánh giá, đào tạo, bồi dưỡng cán bộ. Kể từ năm "
            "2026, việc đánh giá kết quả thực hiện nhiệm vụ phải gắn liền với hệ thống chỉ số KPI và được thực hiện "
            "**định kỳ hàng quý**.",
        ),
        (
            [],
            "- Thủ trưởng các cơ quan, đơn vị, địa phương tăng cường kiểm tra, giám sát chặt chẽ tiến độ xử lý hồ "
            "sơ, kiên quyết chấn chỉnh và hạn chế tối đa tình trạng trễ hẹn.",
        ),
        (
            [],
            "Tiếp tục siết chặt kỷ luật thực thi và kỷ luật trách nhiệm. Người đứng đầu các sở, ngành, địa phương "
            "chịu trách nhiệm về tiến độ và chất lượng công việc.",
        ),
    )
    assert [roles(t) for t in tasks] == [
        [("g-so-nganh-dia-phuong", "assigned")],
        [("g-so-nganh-dia-phuong", "assigned")],
        [("g-co-quan-don-vi-dia-phuong", "assigned")],
        [("g-so-nganh-dia-phuong", "responsible")],
    ]
    assert tasks[1].due is None  # "Kể từ năm 2026" starts the recurrence, it is no deadline
    assert tasks[1].recurrence.period == "quarter" and tasks[1].recurrence.start == dt.date(2026, 1, 1)


def test_several_units_in_one_clause(cat: UnitCatalogue) -> None:
    tasks = run(
        cat,
        NOTICE_2026,
        (
            [],
            "- Công an tỉnh, Văn phòng UBND tỉnh phối hợp tham mưu triển khai hiệu quả Kế hoạch phối hợp với Cục "
            "C12, Bộ Công an trong công tác triển khai chiến lược dữ liệu trên địa bàn tỉnh.",
        ),
        (
            [],
            "- Sở Khoa học và Công nghệ, Sở Giáo dục và Đào tạo theo chức năng nhiệm vụ được phân công tiếp tục "
            "triển khai hiệu quả 04 Đề án chiến lược về bán dẫn.",
        ),
        (
            [],
            "**1. Các thành viên Ban Chỉ đạo, Thủ trưởng các sở, ban, ngành và Người đứng đầu các địa phương phải "
            "phát huy vai trò dẫn dắt, trực tiếp lãnh đạo và chịu trách nhiệm toàn diện.**",
        ),
        (
            [],
            "- Các doanh nghiệp viễn thông trên địa bàn tỉnh cần xác định **vai trò đồng hành** cùng chính quyền các "
            "cấp trong việc tạo lập nền tảng cho công tác chuyển đổi số của tỉnh.",
        ),
    )
    assert [roles(t) for t in tasks] == [
        [("cong-an-tinh", "assigned"), ("vp-ubnd", "assigned")],
        [("so-khcn", "assigned"), ("so-gddt", "assigned")],
        [("g-thanh-vien-bcd", "assigned"), ("g-so-nganh", "assigned"), ("g-xa-phuong", "assigned")],
        [("g-dn-vien-thong", "assigned")],
    ]


def test_de_nghi_lead_in_paragraph_assigns_following_items(cat: UnitCatalogue) -> None:
    tasks = run(
        cat,
        NOTICE_2025,
        (
            [],
            "Trong thời gian tới, Sở Khoa học và Công nghệ cần tiếp tục tập trung tham mưu UBND tỉnh chỉ đạo triển "
            "khai có hiệu quả các nhiệm vụ theo Nghị quyết số 57-NQ/TW. Để thực hiện các mục tiêu, yêu cầu đó, đề "
            "nghị Sở Khoa học và Công nghệ tập trung triển khai thực hiện một số nhiệm vụ cụ thể như sau:",
        ),
        (
            ["II. Về một số nhiệm vụ trọng tâm 6 tháng cuối năm 2025", "2. Sở Khoa học và Công nghệ:"],
            "- Tập trung xây dựng Trung tâm điều hành thông minh (IOC) của tỉnh.\n"
            "- Phối hợp với Sở Nội vụ, rà soát, đánh giá công tác số hóa hồ sơ, tài liệu của các địa phương.",
        ),
        (
            ["II. Về một số nhiệm vụ trọng tâm 6 tháng cuối năm 2025"],
            "4. Giao Văn phòng UBND tỉnh chủ trì, phối hợp chặt chẽ với Sở Khoa học và Công nghệ theo dõi, đánh giá "
            "định kỳ (hằng ngày, hằng tuần, hằng tháng) việc thực hiện các nhiệm vụ thuộc mô hình điểm.",
        ),
    )
    assert [roles(t) for t in tasks] == [
        [("so-khcn", "assigned")],  # the lead-in paragraph is itself a task (its first sentence)
        [("so-khcn", "assigned")],
        [("so-khcn", "assigned"), ("so-noi-vu", "cooperate")],
        [("vp-ubnd", "lead"), ("so-khcn", "cooperate")],
    ]
    # Items under "… 6 tháng cuối năm 2025" inherit that period as their due, flagged.
    assert tasks[1].due_inherited and (tasks[1].due.start, tasks[1].due.end) == (
        dt.date(2025, 7, 1),
        dt.date(2025, 12, 31),
    )
    assert tasks[3].recurrence.periods == ("day", "week", "month")


def test_giao_inside_a_bullet_and_issuer_is_never_assignee(cat: UnitCatalogue) -> None:
    (task,) = run(
        cat,
        NOTICE_2026,
        (
            [],
            "+ UBND tỉnh cam kết tạo mọi điều kiện thuận lợi nhất về chính sách và môi trường để các tổ chức, cá "
            "nhân phát huy khả năng sáng tạo. Giao Sở Khoa học và Công nghệ đóng vai trò là cơ quan thường trực, "
            "đầu mối tiếp nhận, hỗ trợ ươm tạo và kết nối các nguồn lực cần thiết.",
        ),
    )
    assert roles(task) == [("so-khcn", "assigned")]


def test_unassigned_directive_and_citation_date(cat: UnitCatalogue) -> None:
    tasks = run(
        cat,
        NOTICE_2026,
        (
            [],
            "Xác định năm 2026 là năm bản lề nhằm tạo sự bứt phá mạnh mẽ cho cả giai đoạn 2026 - 2030, Chủ tịch UBND "
            "tỉnh – Trưởng ban Ban Chỉ đạo yêu cầu:",
        ),
        (
            ["2. Một số nhiệm vụ, giải pháp trên các lĩnh vực trọng tâm", "a) Về công tác xây dựng thể chế"],
            "- Tập trung tham mưu xử lý các văn bản quy phạm pháp luật của HĐND, UBND tỉnh Bình Định và Gia Lai "
            "(trước sắp xếp) ban hành, bảo đảm tiến độ, chất lượng theo chỉ đạo tại Công văn số 2210/UBND-NC ngày "
            "27/02/2026 của Chủ tịch Ủy ban nhân dân tỉnh.",
        ),
    )
    (task,) = tasks
    assert task.role == "unassigned" and task.assignees == []
    assert task.due is None


# --------------------------------------------------------------------------------------------
# Non-tasks
# --------------------------------------------------------------------------------------------


def test_results_shortcomings_preamble_closing_and_recipients_are_not_tasks(cat: UnitCatalogue) -> None:
    tasks = run(
        cat,
        NOTICE_2026,
        (
            [],
            "Tại Phiên họp lần thứ nhất năm 2026 của Ban Chỉ đạo, sau khi nghe 03 báo cáo chuyên đề; Chủ tịch UBND "
            "tỉnh Phạm Anh Tuấn, Trưởng ban Ban Chỉ đạo kết luận như sau:\n"
            "Trong năm 2025, với sự nỗ lực của các cấp, các ngành, nhìn chung công tác cải cách hành chính đã đạt "
            "được nhiều kết quả tích cực: tỉnh đã hoàn thành 32/32 nhiệm vụ CCHC theo Kế hoạch năm. Chủ tịch UBND "
            "tỉnh ghi nhận và biểu dương sự nỗ lực, quyết liệt của các sở, ban, ngành, địa phương.\n"
            "Tuy nhiên, bên cạnh kết quả đạt được, vẫn còn một số tồn tại, hạn chế: (iii) Một số Lãnh đạo địa "
            "phương cấp xã vẫn chưa đổi mới phương thức lãnh đạo, còn tư duy làm việc theo lối mòn.",
        ),
        (
            [],
            "UBND tỉnh thông báo để các cơ quan, đơn vị, địa phương triển khai thực hiện./.\n"
            "Nơi nhận:\n- CT, các PCT UBND tỉnh (b/c);\n- UBND các xã, phường;\n"
            "- Bưu điện tỉnh, VNPT Gia Lai, Viettel Gia Lai;\n- Lưu: VT, V3, V9, PVHCC.",
        ),
    )
    assert tasks == []


def test_what_a_task_reviews_is_not_assigned_and_the_closing_with_a_comma_assigns_nothing(cat: UnitCatalogue) -> None:
    """ "… rà soát thành viên, hoạt động của Ban Chỉ đạo cổ phần hóa, Ban Kiểm soát và bộ máy lãnh đạo,
    quản lý của Công ty …": the Ban Kiểm soát is reviewed, "quản lý của" is a noun, not its verb. "Nay,
    thông báo kết luận … để các cơ quan, đơn vị có liên quan triển khai thực hiện./." closes the notice
    as it does without the comma."""
    tasks = run(
        cat,
        NOTICE_2025,
        (
            [],
            "3. Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính khẩn trương rà soát thành viên, hoạt động của "
            "Ban Chỉ đạo cổ phần hóa, Ban Kiểm soát và bộ máy lãnh đạo, quản lý của Công ty TNHH MTV Cấp nước; "
            "tham mưu, đề xuất cấp thẩm quyền xem xét, quyết định việc kiện toàn. Hoàn thành và báo cáo UBND tỉnh "
            "trước ngày 20/02/2025.\n"
            "Nay, thông báo kết luận và chỉ đạo của Phó Chủ tịch UBND tỉnh để các cơ quan, đơn vị có liên quan "
            "triển khai thực hiện./.",
        ),
    )
    assert [sorted((a.name, a.role) for a in t.assignees) for t in tasks] == [
        [("Sở Nội vụ", "lead"), ("Sở Tài chính", "cooperate")]
    ]


def test_the_body_that_issued_a_cited_licence_is_not_assigned(cat: UnitCatalogue) -> None:
    """A table cell split off "Giấy chứng nhận … do" reads "Sở Kế hoạch và Đầu tư thành phố Hà Nội cấp
    ngày 17/01/2013.": who issued the licence, not work for that body."""
    tasks = run(
        cat,
        NOTICE_2025,
        (
            [],
            "Giấy chứng nhận đăng ký doanh nghiệp số 0105838123 do\n"
            "Sở Kế hoạch và Đầu tư cấp ngày 17/01/2013.\n"
            "Sở Công Thương cấp lần đầu ngày 02/3/2020.\n"
            "Giao Sở Xây dựng kiểm tra hồ sơ thiết kế cơ sở của dự án.",
        ),
    )
    assert [[a.name for a in t.assignees] for t in tasks] == [["Sở Xây dựng"]]


def test_meeting_preamble_is_not_a_task(cat: UnitCatalogue) -> None:
    tasks = run(
        cat,
        NOTICE_2024,
        (
            [],
            "Sau khi nghe các Phó Trưởng Ban Chỉ đạo là Giám đốc Sở Nội vụ, Giám đốc Sở Thông tin và Truyền thông, "
            "Giám đốc Công an tỉnh trình bày báo cáo kết quả thực hiện nhiệm vụ 9 tháng đầu năm; Chủ tịch Ủy ban "
            "nhân dân tỉnh Phạm Anh Tuấn, Trưởng Ban Chỉ đạo kết luận như sau:\n"
            "Bên cạnh các ưu điểm, những tồn tại, hạn chế chủ yếu là: (i) Một số vấn đề liên quan đến công tác quản "
            "lý nhà nước theo các quy định mới của Trung ương (như Luật Đất đai năm 2024) chưa có sự nghiên cứu.",
        ),
    )
    assert tasks == []


def test_news_article_yields_nothing(cat: UnitCatalogue) -> None:
    news = DocumentMeta(doc_type="Tin tức", date=dt.date(2026, 3, 3))
    text = (
        "Chủ tịch UBND tỉnh Phạm Anh Tuấn nhấn mạnh, các sở, ngành, địa phương phải hành động quyết liệt, rõ "
        "người, rõ việc, rõ tiến độ, rõ trách nhiệm."
    )
    assert run(cat, news, ([], text)) == []


def test_report_assigns_nothing_but_lists_its_own_plans_on_request(cat: UnitCatalogue) -> None:
    """A report tells what was done; its "Kiến nghị, đề xuất" part proposes to the body it reports to
    ("Đề nghị Bộ Công an sớm …"), and a body's quoted opinion ("Ban Pháp chế có ý kiến như sau:")
    is that body's words: no assignment. On request, the issuer's own plans are listed."""
    tasks = run(
        cat,
        REPORT_2026,
        (
            [],
            "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN\n"
            "Ban Pháp chế có ý kiến như sau:\n"
            "a) Đề nghị cơ quan soạn thảo bỏ khoản 4 Điều 2 dự thảo Nghị quyết.\n"
            "- Văn phòng Ủy ban nhân dân tỉnh đã quán triệt đầy đủ nội dung Nghị quyết số 57-NQ/TW.\n"
            "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM\n"
            "Văn phòng Ủy ban nhân dân tỉnh tập trung triển khai các nhiệm vụ trọng tâm gồm:\n"
            "5. Tham mưu Ủy ban nhân dân tỉnh ban hành Kế hoạch triển khai mô hình “Xã hạt nhân số” tại xã Tây Sơn.\n"
            "V. KIẾN NGHỊ, ĐỀ XUẤT\n"
            "1. Đề nghị Bộ Công an sớm triển khai Hệ thống điều phối giải quyết thủ tục hành chính tập trung.\n"
            "2. Đề nghị các bộ, ngành sớm hoàn thành việc rà soát, công khai đầy đủ danh mục thủ tục hành chính.\n"
            "Trên đây là báo cáo sơ kết, Văn phòng Ủy ban nhân dân tỉnh báo cáo Sở Khoa học và Công nghệ để tổng "
            "hợp./.",
        ),
    )
    assert tasks == []
    # Optionally, the issuer's own plans.
    chunks = [
        Chunk(
            text="IV. PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM\nVăn phòng Ủy ban nhân dân tỉnh tập trung triển khai "
            "các nhiệm vụ trọng tâm gồm:\n5. Tham mưu Ủy ban nhân dân tỉnh ban hành Kế hoạch triển khai "
            "mô hình “Xã hạt nhân số” tại xã Tây Sơn.",
            heading_path=[],
            section="",
        )
    ]
    plans = extract_tasks(chunks, REPORT_2026, catalogue=cat, report_plans=True)
    assert [roles(t) for t in plans] == [[("vp-ubnd", "self")]]


def test_completion_lines_attach_to_previous_task(cat: UnitCatalogue) -> None:
    meta = DocumentMeta(doc_type="Thông báo", date=dt.date(2025, 8, 12))
    (task,) = run(
        cat,
        meta,
        (
            [],
            "Chủ tịch UBND tỉnh yêu cầu:\n- Xây dựng cơ sở dữ liệu về đất đai.\n"
            "Thời hạn hoàn thành: trước ngày 31/12/2025.\nCơ quan chủ trì: Sở Nông nghiệp và Môi trường.",
        ),
    )
    assert roles(task) == [("so-nn-mt", "lead")]
    assert task.due.end == dt.date(2025, 12, 31) and not task.due_inherited


def test_uncatalogued_communes_and_unknown_units(cat: UnitCatalogue) -> None:
    meta = DocumentMeta(doc_type="Thông báo", date=dt.date(2025, 8, 12))
    (task,) = run(
        cat,
        meta,
        (
            [],
            "UBND xã Ba Tơ và UBND phường Trương Quang Trọng thí điểm mô hình xã số trong 15 ngày kể từ ngày ký, "
            "phối hợp với Trung tâm Chuyển đổi số tỉnh.",
        ),
    )
    assert roles(task) == [("xa-ba-to", "assigned"), ("phuong-truong-quang-trong", "assigned"), (None, "cooperate")]
    assert task.unknown_units == ["Trung tâm Chuyển đổi số tỉnh"]
    assert (task.due.kind, task.due.end) == ("relative", dt.date(2025, 8, 27))


def test_generic_forms_of_other_provinces(cat: UnitCatalogue) -> None:
    """Wordings of the genre not in the samples: "Đối với X:", qualifiers, "bàn giao" is no assignment."""
    meta = DocumentMeta(doc_type="Thông báo", date=dt.date(2025, 8, 12))
    tasks = run(
        cat,
        meta,
        (
            [],
            "Chủ tịch UBND tỉnh yêu cầu:\n"
            "Giao Sở Nội vụ chủ trì, phối hợp với các cơ quan liên quan rà soát, bàn giao hồ sơ cho UBND các xã, "
            "phường; thời hạn hoàn thành trong quý IV/2025.\n"
            "Đối với UBND các xã, phường:\n"
            "Chủ tịch UBND các xã, phường chịu trách nhiệm chỉ đạo số hóa dữ liệu hộ tịch; định kỳ hằng quý báo "
            "cáo kết quả về Sở Tư pháp.\n"
            "Bố trí tối thiểu 01 công chức phụ trách chuyển đổi số.\n"
            "Yêu cầu Thủ trưởng các sở, ban, ngành căn cứ chức năng, nhiệm vụ được giao, khẩn trương rà soát thủ "
            "tục hành chính.",
        ),
    )
    assert [roles(t) for t in tasks] == [
        [("so-noi-vu", "lead")],
        [("g-xa-phuong", "responsible")],
        [("g-xa-phuong", "assigned")],  # bullet under "Đối với UBND các xã, phường:"
        [("g-so-nganh", "assigned")],
    ]
    assert tasks[0].due.kind == "quarter" and tasks[1].recurrence.period == "quarter"
    assert (tasks[2].quota.min, tasks[2].quota.unit_noun) == (1, "công chức phụ trách chuyển đổi số")


def test_chunk_overlap_cut_paragraphs_and_repeated_bullets(cat: UnitCatalogue) -> None:
    meta = DocumentMeta(doc_type="Thông báo", date=dt.date(2025, 8, 12))
    tasks = run(
        cat,
        meta,
        (
            [],
            "1. Giao Sở Tư pháp:\n- Chủ trì, phối hợp với các cơ quan liên quan tổ chức thực hiện.\n"
            "- Tập trung rà soát, chuẩn hóa hệ thống văn bản quy phạm pháp luật của tỉnh, hoàn thiện Kho dữ liệu",
        ),
        # The next passage repeats the last line (overlap) and goes on mid-sentence.
        (
            [],
            "- Tập trung rà soát, chuẩn hóa hệ thống văn bản quy phạm pháp luật của tỉnh, hoàn thiện Kho dữ liệu\n"
            "văn bản quy phạm pháp luật của tỉnh.\n"
            "2. Giao Sở Y tế:\n- Chủ trì, phối hợp với các cơ quan liên quan tổ chức thực hiện.",
        ),
    )
    assert [roles(t) for t in tasks] == [[("so-tu-phap", "lead")], [("so-tu-phap", "assigned")], [("so-y-te", "lead")]]
    assert tasks[1].text.endswith("Kho dữ liệu văn bản quy phạm pháp luật của tỉnh.")


def test_appendix_task_table_one_cell_a_line(cat: UnitCatalogue) -> None:
    meta = DocumentMeta(doc_type="Kế hoạch", date=dt.date(2025, 8, 12))
    text = "\n".join(
        [
            "UBND tỉnh yêu cầu các cơ quan, đơn vị triển khai thực hiện./.",
            "Nơi nhận:",
            "- Như trên;",
            "- Lưu: VT.",
            "PHỤ LỤC",
            "DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ",
            "STT",
            "Nội dung nhiệm vụ",
            "Cơ quan chủ trì",
            "Cơ quan phối hợp",
            "Thời gian hoàn thành",
            "1",
            "Xây dựng Kế hoạch chuyển đổi số năm 2026",
            "Sở Khoa học và Công nghệ",
            "Các sở, ngành; UBND các xã, phường",
            "Quý IV/2025",
            "2",
            "Rà soát, chuẩn hóa dữ liệu hộ tịch",
            "Sở Tư pháp",
            "UBND các xã, phường",
            "Trước ngày 31/12/2025",
        ]
    )
    tasks = run(cat, meta, ([], text))
    assert [roles(t) for t in tasks] == [
        [("so-khcn", "lead"), ("g-so-nganh", "cooperate"), ("g-xa-phuong", "cooperate")],
        [("so-tu-phap", "lead"), ("g-xa-phuong", "cooperate")],
    ]
    assert tasks[0].due.kind == "quarter" and tasks[1].due.end == dt.date(2025, 12, 31)


# --------------------------------------------------------------------------------------------
# Whole sample documents and the sample gold
# --------------------------------------------------------------------------------------------

_OUTLINE_HEAD = re.compile(r"^(?:[IVX]+\.|\d{1,2}\.|[a-zđ]\))\s")


def local_chunks(text: str, *, headings_in_path: bool, max_chars: int = 900) -> list[Chunk]:
    """A stand-in chunker: paragraphs packed into passages; outline headings optionally moved to heading_path."""
    chunks: list[Chunk] = []
    stack: list[tuple[int, str]] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            path = [h for _, h in stack]
            chunks.append(Chunk(text="\n".join(buf), heading_path=path, section=" > ".join(p[:12] for p in path)))
            buf.clear()

    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        if headings_in_path and _OUTLINE_HEAD.match(line) and (line.endswith(":") or not line.endswith(".")):
            flush()
            level = 1 if re.match(r"[IVX]+\.", line) else (2 if line[0].isdigit() else 3)
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, line))
            continue
        if buf and sum(len(b) for b in buf) + len(line) > max_chars:
            flush()
        buf.append(line)
    flush()
    return chunks


def _load_corpus(cat: UnitCatalogue, *, headings_in_path: bool) -> dict[str, tuple[DocumentMeta, list[ExtractedTask]]]:
    from ingest.clean import clean_text
    from ingest.metadata import extract_metadata

    out = {}
    for path in sorted(CORPUS.iterdir()):
        text = clean_text(path.read_text(encoding="utf-8"))
        meta = extract_metadata(text, file_name=path.name)
        chunks = local_chunks(text, headings_in_path=headings_in_path)
        out[path.name] = (meta, extract_tasks(chunks, meta, catalogue=cat))
    return out


@pytest.fixture(scope="module", params=[False, True], ids=["inline-headings", "headings-in-path"])
def corpus(request, cat: UnitCatalogue) -> dict[str, tuple[DocumentMeta, list[ExtractedTask]]]:
    return _load_corpus(cat, headings_in_path=request.param)


EXPECTED_COUNTS = {
    "2024-09-19_thong-bao-ket-luan_ban-chi-dao-cchc-cds-phien-2.txt": 20,
    "2025-07-05_thong-bao-ket-luan_so-khcn-6-thang.md": 18,
    "2026-03-03_tin-bao-gia-lai_phien-hop-ban-chi-dao.txt": 0,
    "2026-03_thong-bao-ket-luan_ban-chi-dao-phien-1-2026.md": 19,
    "2026-05_bao-cao-so-ket-nq57-de-an-06_van-phong-ubnd.md": 0,  # a report proposes, it assigns nothing
}


def test_per_document_counts(corpus) -> None:
    counts = {name: len(tasks) for name, (_, tasks) in corpus.items()}
    print(counts)
    assert counts == EXPECTED_COUNTS


def _contains(task: ExtractedTask, needles: list[str]) -> bool:
    hay = match_key(task.text) + "\n" + match_key(task.passage)
    return any(match_key(n) in hay for n in needles)


def tasks_for_unit(corpus, cat: UnitCatalogue, unit: str, month: str | None) -> list[ExtractedTask]:
    """What troly lists for a unit (and, optionally, a month): the evaluation's task query."""
    match = cat.resolve(unit)
    assert match is not None, unit
    ids = cat.expand_for_query(match)
    out = []
    for meta, tasks in corpus.values():
        for t in tasks:
            if not ids & set(t.unit_ids):
                continue
            if month is not None:
                start, end = month_range(month)
                if not active_in(t.due, t.recurrence, start=start, end=end, since=meta.date):
                    continue
            out.append(t)
    return out


def deadlines_in(corpus, start: dt.date, end: dt.date) -> list[ExtractedTask]:
    return [
        t
        for meta, tasks in corpus.values()
        for t in tasks
        if occurs_in(t.due, t.recurrence, start=start, end=end, since=meta.date)
    ]


def test_sample_task_gold(corpus, cat: UnitCatalogue) -> None:
    for line in (EVAL / "sample-tasks.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        gold = json.loads(line)
        listed = tasks_for_unit(corpus, cat, gold["unit"], gold["month"])
        for alternatives in gold["must_include"]:
            assert any(_contains(t, alternatives) for t in listed), (gold["id"], alternatives)


def test_sample_deadline_gold(corpus) -> None:
    for line in (EVAL / "sample-deadlines.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        gold = json.loads(line)
        listed = deadlines_in(corpus, dt.date.fromisoformat(gold["from"]), dt.date.fromisoformat(gold["to"]))
        for alternatives in gold["must_include"]:
            assert any(_contains(t, alternatives) for t in listed), (gold["id"], alternatives)
        for alternatives in gold.get("must_exclude", []):
            assert not any(match_key(a) in match_key(t.text) for t in listed for a in alternatives), gold["id"]


def test_member_of_commune_group_gets_monthly_quota_task(corpus, cat: UnitCatalogue) -> None:
    listed = tasks_for_unit(corpus, cat, "UBND xã Tây Sơn", "2026-11")
    assert any("01 – 02 ý tưởng mới" in t.text for t in listed)
    assert tasks_for_unit(corpus, cat, "UBND xã Ia Hrú", "2026-11")  # not in the catalogue: still a commune


def test_tinh_doan_2026_gets_exactly_its_two_tasks(corpus, cat: UnitCatalogue) -> None:
    _, tasks = corpus["2026-03_thong-bao-ket-luan_ban-chi-dao-phien-1-2026.md"]
    ids = cat.expand_for_query("tinh-doan")
    mine = [t for t in tasks if ids & set(t.unit_ids)]
    assert len(mine) == 2
    quota_task = next(t for t in mine if "ít nhất 02 ý tưởng" in t.text)
    assert (quota_task.quota.min, quota_task.quota.per) == (2, "month")
    assert any("Tổ công nghệ số cộng đồng" in t.text for t in mine)


def test_gold_semantics_of_the_2024_notice(corpus) -> None:
    _, tasks = corpus["2024-09-19_thong-bao-ket-luan_ban-chi-dao-cchc-cds-phien-2.txt"]

    def by_unit(uid: str) -> list[ExtractedTask]:
        return [t for t in tasks if uid in t.unit_ids]

    assert any("Bệnh án điện tử" in t.text for t in by_unit("so-y-te"))
    assert any("Bộ phận Một cửa" in t.text for t in by_unit("so-noi-vu"))
    assert any("phân cấp, ủy quyền" in t.text for t in by_unit("so-noi-vu"))
    de_an = next(t for t in tasks if "Đề án chuyển đổi số của tỉnh" in t.text)
    assert (de_an.due.start, de_an.due.end) == (dt.date(2024, 11, 1), dt.date(2024, 11, 30))
    tro_ly = next(t for t in tasks if "Trợ lý ảo hỗ trợ cho cán bộ" in t.text)
    assert tro_ly.due.end == dt.date(2024, 10, 31)
    reports = next(t for t in tasks if "định kỳ hằng tháng" in t.text)
    assert "so-tu-phap" in reports.unit_ids and reports.recurrence.period == "month"


def test_soc_task_of_2025_notice(corpus) -> None:
    _, tasks = corpus["2025-07-05_thong-bao-ket-luan_so-khcn-6-thang.md"]
    soc = next(t for t in tasks if "(SOC)" in t.text)
    assert roles(soc) == [("cong-an-tinh", "lead"), ("so-khcn", "cooperate")]


def test_integration_with_real_chunker(cat: UnitCatalogue) -> None:
    """clean_text → chunk_document → extract_tasks."""
    from ingest import chunking
    from ingest.clean import clean_text
    from ingest.metadata import extract_metadata

    counts = {}
    for path in sorted(CORPUS.iterdir()):
        text = clean_text(path.read_text(encoding="utf-8"))
        meta = extract_metadata(text, file_name=path.name)
        chunks = chunking.chunk_document(text, max_chars=1200, min_chars=200)
        counts[path.name] = len(extract_tasks(chunks, meta, catalogue=cat))
    print(counts)
    assert counts["2026-03-03_tin-bao-gia-lai_phien-hop-ban-chi-dao.txt"] == 0
    for name, expected in EXPECTED_COUNTS.items():
        assert abs(counts[name] - expected) <= max(2, expected // 5), (name, counts[name])
