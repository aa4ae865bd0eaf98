"""The conversation core without an LLM, over the indexed sample corpus and a fixed clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.assistant import Assistant
from bot.core.messages import Attachment, IncomingMessage
from bot.core.router import route
from troly.units import UnitCatalogue

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _clock(day: dt.date):
    return lambda: dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=TZ)


@pytest.fixture
def assistant(indexed_corpus) -> Assistant:
    return Assistant(indexed_corpus, clock=_clock(dt.date(2026, 11, 20)))


def ask(a: Assistant, text: str, user: str = "u1", channel: str = "cli", **kw):
    return a.handle(IncomingMessage(channel=channel, user_id=user, text=text, **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Tháng này Tỉnh đoàn được giao nhiệm vụ gì?", "tasks"),
        ("Hạn nào rơi vào tuần này?", "deadlines"),
        ("sắp đến hạn", "deadlines"),
        ("Ai chủ trì SOC?", "qa"),
        ("xin chào", "help"),
        ("/nhiemvu Sở Y tế", "tasks"),
        ("/hanchot tháng này", "deadlines"),
        ("tinh doan duoc giao gi", "tasks"),
        ("/lenhla", "unknown_command"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 12 else None,
)
def test_router(text: str, kind: str) -> None:
    assert route(text, today=dt.date(2026, 11, 20), catalogue=UnitCatalogue.load()).kind == kind


def test_relative_periods_resolve_in_vietnam_time() -> None:
    intent = route("Hạn nào rơi vào tuần này?", today=dt.date(2026, 11, 20), catalogue=UnitCatalogue.load())
    assert intent.period == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))  # Monday–Sunday
    intent = route("quý này có hạn gì", today=dt.date(2026, 11, 20), catalogue=UnitCatalogue.load())
    assert intent.period == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))


def test_clock_is_asia_ho_chi_minh(indexed_corpus) -> None:
    def late_utc():
        return dt.datetime(2026, 11, 30, 18, 30, tzinfo=dt.UTC)  # 01:30 on 1/12 in Vietnam

    assert Assistant(indexed_corpus, clock=late_utc).today() == dt.date(2026, 12, 1)


def test_tinh_doan_this_month_lists_two_duties_with_citations(assistant) -> None:
    reply = ask(assistant, "Tháng này Tỉnh đoàn được giao nhiệm vụ gì?")
    assert reply.intent == "tasks"
    assert "ít nhất 02 ý tưởng" in reply.text and "Tổ công nghệ số cộng đồng" in reply.text
    assert len(reply.citations) == 2
    assert all(c.doc_id.startswith("2026-03") for c in reply.citations)
    # The notice gives only "tháng 3/2026": the label must not invent a day.
    assert reply.citations[0].label() == "Thông báo tháng 03/2026"


def test_soc_lead_is_cong_an_tinh_citing_the_2025_notice(assistant) -> None:
    reply = ask(assistant, "Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?")
    assert reply.text.startswith("Công an tỉnh chủ trì")
    assert reply.citations[0].date == dt.date(2025, 7, 5)
    assert "SOC" in reply.citations[0].quote
    # Passages that share only common words ("chủ trì", "thông tin") with the question are noise.
    assert all("SOC" in c.quote for c in reply.citations), [c.quote[:80] for c in reply.citations]
    assert "Văn phòng UBND tỉnh" not in reply.citations[0].quote


@pytest.mark.parametrize("question", ["Giá vàng hôm nay?", "gia vang hom nay", "Thời tiết Pleiku ngày mai thế nào?"])
def test_unanswerable_question_is_honest(assistant, question: str) -> None:
    reply = ask(assistant, question)
    assert "Không tìm thấy" in reply.text and not reply.citations


def test_follow_up_reuses_previous_intent(assistant) -> None:
    first = ask(assistant, "Tháng này Tỉnh đoàn được giao nhiệm vụ gì?", user="f1")
    follow = ask(assistant, "còn Sở Nội vụ thì sao?", user="f1")
    assert first.intent == follow.intent == "tasks"
    assert "Sở Nội vụ" in follow.text and "tháng 11/2026" in follow.text


def test_bound_unit_answers_my_tasks(assistant) -> None:
    assert "Tỉnh đoàn" in ask(assistant, "/donvi tinh doan", user="b1").text
    reply = ask(assistant, "nhiệm vụ của tôi tháng này", user="b1")
    assert reply.intent == "tasks" and "Tỉnh đoàn" in reply.text
    assert "Chưa nhận ra đơn vị" in ask(assistant, "/donvi Bộ Phép Thuật", user="b1").text


def test_bad_input_gets_clear_vietnamese_messages(assistant) -> None:
    assert "chưa nhập nội dung" in ask(assistant, "   ").text
    assert "quá dài" in ask(assistant, "x" * 5000).text
    assert "không hợp lệ" in ask(assistant, "/lenhla").text.lower()


def test_admin_only_commands(assistant, indexed_corpus) -> None:
    refused = ask(assistant, "/reindex", user="stranger", channel="telegram")
    assert refused.intent == "denied" and "quản trị viên" in refused.text
    admin = Assistant(
        indexed_corpus.__class__(
            indexed_corpus.settings.model_copy(update={"admins": "telegram:42"}), embedder=indexed_corpus.embedder()
        ),
        clock=_clock(dt.date(2026, 11, 20)),
    )
    listed = ask(admin, "/tailieu", user="42", channel="telegram")
    assert listed.intent == "admin" and "Có 5 văn bản" in listed.text


def test_admin_upload_is_ingested_and_answerable(tmp_path: Path, ctx) -> None:
    from tests.docfactory import make_docx

    admin = Assistant(
        ctx.__class__(ctx.settings.model_copy(update={"admins": "zalo:boss"}), embedder=ctx.embedder()),
        clock=_clock(dt.date(2026, 11, 20)),
    )
    path = tmp_path / "thong-bao-moi.docx"
    make_docx(
        path,
        paragraphs=[
            "THÔNG BÁO",
            "Kết luận về chuyển đổi số",
            "1. Giao Sở Y tế hoàn thành kho dữ liệu tiêm chủng điện tử trước ngày 15/12/2026.",
        ],
    )
    msg = IncomingMessage(channel="zalo", user_id="boss", attachments=(Attachment("thong-bao-moi.docx", path),))
    assert "đã thêm" in admin.handle(msg).text
    reply = ask(admin, "Kho dữ liệu tiêm chủng điện tử do ai hoàn thành?", user="boss", channel="zalo")
    assert reply.citations and "tiêm chủng" in reply.citations[0].quote
    stranger = IncomingMessage(channel="zalo", user_id="x", attachments=(Attachment("thong-bao-moi.docx", path),))
    assert admin.handle(stranger).intent == "denied"


def test_admin_replaces_a_notice_with_its_corrected_file_from_chat(tmp_path: Path, ctx) -> None:
    """A corrected notice sent under another file name is filed beside the old one and the reply
    says how to make it the document's text; sent again with the caption "/thaythe <số>", it
    replaces the text (the corrected deadline answers) and the old file is kept."""
    from tests.docfactory import make_docx

    admin = Assistant(
        ctx.__class__(ctx.settings.model_copy(update={"admins": "zalo:boss"}), embedder=ctx.embedder()),
        clock=_clock(dt.date(2026, 11, 20)),
    )
    left = ["ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 88/TB-UBND"]
    head = ["THÔNG BÁO", "Kết luận về kho dữ liệu y tế"]
    task = "1. Giao Sở Y tế hoàn thành kho dữ liệu tiêm chủng điện tử trước ngày {}."
    first, fixed = tmp_path / "tb-88.docx", tmp_path / "tb-88-dinh-chinh.docx"
    make_docx(first, header_left=left, paragraphs=[*head, task.format("15/12/2026")], table=None)
    make_docx(fixed, header_left=left, paragraphs=[*head, task.format("25/12/2026")], table=None)
    send = lambda path, caption="": admin.handle(  # noqa: E731
        IncomingMessage(channel="zalo", user_id="boss", text=caption, attachments=(Attachment(path.name, path),))
    )
    assert "đã thêm" in send(first).text
    merged = send(fixed).text
    assert (
        "/thaythe" in merged and "25/12/2026" not in ask(admin, "/hanchot tháng 12", user="boss", channel="zalo").text
    )
    replaced = send(fixed, "/thaythe 88/tb-ubnd")
    assert "đã thay thế" in replaced.text and "tiến độ giữ nguyên" in replaced.text
    deadlines = ask(admin, "/hanchot tháng 12", user="boss", channel="zalo").text
    assert "25/12/2026" in deadlines and "15/12/2026" not in deadlines
    assert "Không tìm thấy văn bản" in send(fixed, "thay thế 999/TB-UBND").text
    help_text = ask(admin, "/thaythe", user="boss", channel="zalo").text
    assert "chú thích" in help_text
    assert ask(admin, "/thaythe", user="x", channel="zalo").intent == "denied"
