"""Tasks and deadlines over the indexed sample corpus: the CLI contract of the directives issue."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from retrieval.evaluate import evaluate_deadlines, evaluate_tasks
from tests.conftest import EVAL
from troly.errors import UserInputError
from troly.text import match_key


def test_sample_gold_files_pass(indexed_corpus) -> None:
    finder = indexed_corpus.task_finder()
    for result in evaluate_tasks(finder, EVAL / "sample-tasks.jsonl") + evaluate_deadlines(
        finder, EVAL / "sample-deadlines.jsonl"
    ):
        assert result.passed, (result.id, result.reason)


@pytest.mark.parametrize("spelling", ["Tỉnh đoàn", "tinh doan", "Tỉnh Đoàn", "Đoàn Thanh niên tỉnh"])
def test_tinh_doan_november_2026_lists_exactly_its_two_duties(indexed_corpus, spelling: str) -> None:
    listing = indexed_corpus.task_finder().tasks(unit=spelling, month="2026-11")
    assert listing.resolved_unit == "Tỉnh đoàn"
    texts = [t.text for t in listing.tasks]
    assert len(texts) == 2, texts
    assert any("ít nhất 02 ý tưởng" in t for t in texts)
    assert any("Tổ công nghệ số cộng đồng" in t for t in texts)
    for t in listing.tasks:
        assert any(a["unit_id"] == "tinh-doan" for a in t.assignees)
        assert t.source["doc_id"].startswith("2026-03") and t.source["section"] and t.source["passage"]
    quota = next(t.quota for t in listing.tasks if "ý tưởng" in t.text)
    assert quota["min"] == 2 and quota["per"] == "month"


def test_commune_member_gets_group_tasks(indexed_corpus) -> None:
    listing = indexed_corpus.task_finder().tasks(unit="UBND xã Tây Sơn", month="2026-11")
    assert any("01 – 02 ý tưởng mới" in t.text for t in listing.tasks)
    assert all(t.match in ("self", "group", "predecessor-group") for t in listing.tasks)


def test_merged_unit_is_shown_with_its_successor(indexed_corpus) -> None:
    listing = indexed_corpus.task_finder().tasks(unit="Sở Thông tin và Truyền thông")
    assert listing.note and "Sở Khoa học và Công nghệ" in listing.note
    assert listing.tasks


def test_deadlines_in_a_month_and_bad_input(indexed_corpus) -> None:
    finder = indexed_corpus.task_finder()
    nov = finder.deadlines(start=dt.date(2024, 11, 1), end=dt.date(2024, 11, 30))
    assert any("đề án chuyển đổi số của tỉnh" in match_key(t.text) for t in nov.tasks)
    with pytest.raises(UserInputError):
        finder.deadlines(start=dt.date(2024, 12, 1), end=dt.date(2024, 11, 1))
    with pytest.raises(UserInputError) as err:
        finder.tasks(unit="Bộ Phép Thuật")
    assert "Chưa nhận ra đơn vị" in err.value.user_message
    with pytest.raises(UserInputError):
        finder.tasks(unit="Tỉnh đoàn", month="2026-13")


def test_cli_tasks_json_shape(indexed_corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    from troly.cli import app

    monkeypatch.setenv("TROLY_HOME", str(indexed_corpus.settings.home))
    res = CliRunner().invoke(app, ["tasks", "--unit", "Tỉnh đoàn", "--month", "2026-11", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["unit"] == "Tỉnh đoàn" and data["resolved_unit"] == "Tỉnh đoàn"
    task = data["tasks"][0]
    assert set(task) >= {"assignees", "role", "text", "due", "recurrence", "quota", "source"}
    assert set(task["source"]) >= {"doc_id", "number", "date", "title", "section", "passage"}
    res = CliRunner().invoke(app, ["deadlines", "--from", "2024-11-01", "--to", "2024-11-30", "--json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["tasks"]


OTHER_PROVINCE_HEADER = (
    ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NGÃI", "Số: 312/TB-UBND"],
    ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Quảng Ngãi, ngày 12 tháng 8 năm 2025"],
)
OTHER_PROVINCE_BODY = [
    "THÔNG BÁO",
    "Kết luận của Chủ tịch UBND tỉnh tại cuộc họp nghe báo cáo tiến độ giải ngân vốn đầu tư công năm 2025",
    "Ngày 08/8/2025, Chủ tịch UBND tỉnh chủ trì cuộc họp nghe báo cáo tiến độ giải ngân vốn đầu tư công "
    "năm 2025. Chủ tịch UBND tỉnh kết luận như sau:",
    "1. Đến nay, tỉnh đã giải ngân được 45% kế hoạch vốn, cao hơn cùng kỳ năm trước.",
    "2. Nhiệm vụ thời gian tới",
    "a) Sở Tài chính chủ trì, phối hợp với Sở Xây dựng và UBND các xã, phường rà soát, tham mưu điều "
    "chuyển vốn của các dự án chậm giải ngân, báo cáo UBND tỉnh trước ngày 25/8/2025.",
    "b) Giao Ban Quản lý Khu kinh tế Dung Quất và các Khu công nghiệp Quảng Ngãi:",
    "- Đẩy nhanh công tác bồi thường, giải phóng mặt bằng các dự án trọng điểm; hoàn thành trong tháng 9 năm 2025.",
    "- Định kỳ hằng tháng báo cáo kết quả giải ngân về Sở Tài chính.",
    "c) Yêu cầu Chủ tịch UBND các xã, phường chịu trách nhiệm về tiến độ giải ngân trên địa bàn; định "
    "kỳ hằng quý báo cáo kết quả.",
    "d) Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh phối hợp tuyên truyền, vận động người dân.",
    "đ) Công an tỉnh, Văn phòng UBND tỉnh phối hợp tham mưu xử lý các trường hợp chây ì, chống đối.",
    "Văn phòng UBND tỉnh thông báo để các cơ quan, đơn vị, địa phương biết, thực hiện./.",
    "Nơi nhận:",
    "- Như trên;",
    "- Lưu: VT, KTTH.",
    "TL. CHỦ TỊCH",
    "CHÁNH VĂN PHÒNG",
    "Trần Văn Mười",
]


def test_docx_notice_of_another_province(ctx, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A DOCX conclusion notice from another province: header table metadata, every phrase family,
    units resolved by their generic names, past-tense results left out."""
    from tests import docfactory

    monkeypatch.setattr(docfactory, "HEADER_LEFT", OTHER_PROVINCE_HEADER[0])
    monkeypatch.setattr(docfactory, "HEADER_RIGHT", OTHER_PROVINCE_HEADER[1])
    path = docfactory.make_docx(tmp_path / "in" / "tb-312.docx", paragraphs=OTHER_PROVINCE_BODY, table=None)
    run = ctx.ingestor().ingest([path])
    assert [r.status for r in run.results] == ["added"]
    finder = ctx.task_finder()
    tasks = finder.tasks().tasks
    texts = [t.text for t in tasks]
    assert not any("đã giải ngân được 45%" in t for t in texts)  # a result, not a task
    assert tasks[0].source["number"] == "312/TB-UBND" and tasks[0].source["date"] == "2025-08-12"

    def one(fragment: str):  # type: ignore[no-untyped-def]
        found = [t for t in tasks if fragment in t.text]
        assert len(found) == 1, (fragment, texts)
        return found[0]

    lead = one("điều chuyển vốn")
    roles = {a["unit_id"]: a["role"] for a in lead.assignees}
    assert roles["so-tai-chinh"] == "lead" and roles["so-xay-dung"] == "cooperate"
    assert lead.due["start"] == "2025-08-25"
    clearance = one("giải phóng mặt bằng")
    assert clearance.assignees and clearance.due["kind"] == "month" and clearance.due["start"] == "2025-09-01"
    assert one("Định kỳ hằng tháng").recurrence["period"] == "month"
    communes = one("tiến độ giải ngân trên địa bàn")
    assert communes.recurrence["period"] == "quarter"
    assert one("tuyên truyền, vận động").assignees
    assert {a["unit_id"] for a in one("chây ì").assignees} >= {"cong-an-tinh", "vp-ubnd"}
    # a commune asks by its own name and gets the group's tasks
    mine = finder.tasks(unit="UBND xã Bình Sơn").tasks
    assert any("tiến độ giải ngân trên địa bàn" in t.text for t in mine)
