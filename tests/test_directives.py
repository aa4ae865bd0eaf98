"""Tasks and deadlines over the indexed sample corpus: the CLI contract of the directives issue."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from retrieval.directives import TaskFinder
from retrieval.evaluate import evaluate_deadlines, evaluate_tasks
from troly.errors import UserInputError
from troly.text import match_key
from tests.conftest import EVAL


def test_sample_gold_files_pass(indexed_corpus) -> None:
    finder = TaskFinder(indexed_corpus)
    for result in evaluate_tasks(finder, EVAL / "sample-tasks.jsonl") + evaluate_deadlines(
            finder, EVAL / "sample-deadlines.jsonl"):
        assert result.passed, (result.id, result.reason)


@pytest.mark.parametrize("spelling", ["Tỉnh đoàn", "tinh doan", "Tỉnh Đoàn", "Đoàn Thanh niên tỉnh"])
def test_tinh_doan_november_2026_lists_exactly_its_two_duties(indexed_corpus, spelling: str) -> None:
    listing = TaskFinder(indexed_corpus).tasks(unit=spelling, month="2026-11")
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
    listing = TaskFinder(indexed_corpus).tasks(unit="UBND xã Tây Sơn", month="2026-11")
    assert any("01 – 02 ý tưởng mới" in t.text for t in listing.tasks)
    assert all(t.match in ("self", "group", "predecessor-group") for t in listing.tasks)


def test_merged_unit_is_shown_with_its_successor(indexed_corpus) -> None:
    listing = TaskFinder(indexed_corpus).tasks(unit="Sở Thông tin và Truyền thông")
    assert listing.note and "Sở Khoa học và Công nghệ" in listing.note
    assert listing.tasks


def test_deadlines_in_a_month_and_bad_input(indexed_corpus) -> None:
    finder = TaskFinder(indexed_corpus)
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
