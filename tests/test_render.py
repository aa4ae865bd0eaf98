"""One date label with its precision, and one citation format in every output kind.

A document dated only "tháng 3/2026" has no issuance date: it is stored with ``date`` null and
``date_partial`` 2026-03-01, precision "month"; every channel, the CLI and every ``--json`` output
must show "tháng 03/2026", never an invented day "01/03/2026".
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from bot.channels.render import (
    citation_lines,
    render_plain,
    render_telegram,
    render_terminal,
    render_web,
)
from bot.core.messages import Citation, Reply
from troly.dates import date_label, due_label, parse_due, period_label, to_json
from troly.outline import section_path, strip_list_marker

D = dt.date
INVENTED = "01/03/2026"


# --------------------------------------------------------------------------------------------
# The label
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        (D(2025, 7, 5), "day", "05/07/2025"),
        (D(2025, 7, 5), None, "05/07/2025"),
        (D(2026, 3, 1), "month", "tháng 03/2026"),
        ("2026-03-01", "month", "tháng 03/2026"),
        (D(2026, 2, 10), "quarter", "quý I/2026"),
        (D(2025, 9, 30), "quarter", "quý III/2025"),
        (D(2025, 7, 1), "half", "6 tháng cuối năm 2025"),
        (D(2026, 1, 1), "year", "năm 2026"),
        (None, "month", ""),
    ],
    ids=["day", "day-unknown", "month", "month-iso", "quarter-1", "quarter-3", "half", "year", "none"],
)
def test_date_label_never_finer_than_known(value, precision, expected: str) -> None:
    """Each precision has its one Vietnamese form."""
    assert date_label(value, precision) == expected


def test_date_label_phrase_prefixes_only_a_day() -> None:
    """After a document's name a day reads "ngày …"; the other precisions already read as phrases."""
    assert date_label(D(2025, 7, 5), "day", phrase=True) == "ngày 05/07/2025"
    assert date_label(D(2026, 3, 1), "month", phrase=True) == "tháng 03/2026"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2026, 3, 5), D(2026, 3, 5), "ngày 05/03/2026"),
        (D(2026, 3, 1), D(2026, 3, 31), "tháng 03/2026"),
        (D(2026, 7, 1), D(2026, 9, 30), "quý III/2026"),
        (D(2026, 1, 1), D(2026, 12, 31), "năm 2026"),
        (D(2026, 3, 2), D(2026, 3, 8), "từ 02/03/2026 đến 08/03/2026"),
    ],
    ids=["day", "month", "quarter", "year", "week"],
)
def test_period_label(start: dt.date, end: dt.date, expected: str) -> None:
    """A chat period ("tháng này", "quý này") is named at the precision it spans."""
    assert period_label(start, end) == expected


@pytest.mark.parametrize(
    ("text", "ref", "expected"),
    [
        ("trong tháng 3/2026", D(2026, 1, 5), "tháng 03/2026"),
        ("trước ngày 15/5/2026", D(2026, 1, 5), "15/05/2026"),
        ("trong quý III/2025", D(2025, 1, 5), "quý III/2025"),
        ("từ ngày 19-6 đến 30-6-2025", D(2025, 1, 5), "từ 19/06/2025 đến 30/06/2025"),
        ("trong năm 2026", D(2025, 1, 1), "năm 2026"),
    ],
    ids=["month", "by-day", "quarter", "range", "year"],
)
def test_due_label_keeps_the_deadline_precision(text: str, ref: dt.date, expected: str) -> None:
    """A stored deadline (JSON) is shown at the precision it was written with."""
    assert due_label(to_json(parse_due(text, ref=ref))) == expected


def test_outline_markers_stripped_from_section_paths() -> None:
    """One list-marker pattern for display: quotes, task texts and citation sections."""
    assert strip_list_marker("a) Về phát triển khoa học") == "Về phát triển khoa học"
    assert section_path("II. NHIỆM VỤ > 3. Giao Sở Y tế:") == "NHIỆM VỤ > Giao Sở Y tế"
    assert section_path("") == ""


# --------------------------------------------------------------------------------------------
# Every output kind
# --------------------------------------------------------------------------------------------


def _month_only(section: str = "2. Nhiệm vụ trọng tâm > d) Về đổi mới sáng tạo:") -> Citation:
    return Citation(
        doc_id="2026-03_thong-bao",
        number=None,
        date=D(2026, 3, 1),
        title="Kết luận của Ban Chỉ đạo tại phiên họp thứ nhất năm 2026",
        section=section,
        quote="Tỉnh đoàn giới thiệu ít nhất 02 ý tưởng mỗi tháng",
        doc_type="Thông báo",
        date_precision="month",
    )


def _reply() -> Reply:
    other = Citation(
        doc_id="2025-07-05_thong-bao",
        number="174/TB-UBND",
        date=D(2025, 7, 5),
        title="Kết luận",
        section="Mục 2",
        quote="…",
        doc_type="Thông báo",
    )
    return Reply(
        text="Tỉnh đoàn giới thiệu ít nhất 02 ý tưởng mỗi tháng [1][2].",
        citations=[_month_only(), _month_only("3. Tổ chức thực hiện"), other],
    )


def test_citation_lines_one_format() -> None:
    """Number, label with the date at its precision, section path without markers, title once per document."""
    lines = citation_lines(_reply().citations)
    assert [line.head for line in lines] == [
        "[1] Thông báo tháng 03/2026 — Nhiệm vụ trọng tâm > Về đổi mới sáng tạo",
        "[2] Thông báo tháng 03/2026 — Tổ chức thực hiện",
        "[3] Thông báo số 174/TB-UBND ngày 05/07/2025 — Mục 2",
    ]
    assert [line.title for line in lines] == [
        "Kết luận của Ban Chỉ đạo tại phiên họp thứ nhất năm 2026",
        None,  # same document as [1]
        "Kết luận",
    ]


def test_month_only_in_telegram_html() -> None:
    [message] = render_telegram(_reply())
    assert "\n[1] Thông báo tháng 03/2026 — Nhiệm vụ trọng tâm &gt; Về đổi mới sáng tạo\n<i>Kết luận của" in message
    assert INVENTED not in message and message.count("Kết luận của Ban Chỉ đạo") == 1


def test_month_only_in_zalo_text() -> None:
    text = render_plain(_reply())
    assert "Nguồn:\n[1] Thông báo tháng 03/2026 — Nhiệm vụ trọng tâm > Về đổi mới sáng tạo\n    Kết luận của" in text
    assert "\n[2] Thông báo tháng 03/2026 — Tổ chức thực hiện\n[3] " in text
    assert INVENTED not in text


def test_month_only_in_web_json() -> None:
    first = render_web(_reply())["citations"][0]
    assert (first["date"], first["date_precision"], first["date_label"]) == ("2026-03-01", "month", "tháng 03/2026")
    assert first["label"] == "Thông báo tháng 03/2026"
    assert INVENTED not in json.dumps(render_web(_reply()), ensure_ascii=False)


def test_month_only_in_terminal() -> None:
    text = render_terminal(_reply())
    assert "\n[1] Thông báo tháng 03/2026 — Nhiệm vụ trọng tâm > Về đổi mới sáng tạo\n" in text
    assert INVENTED not in text


# --------------------------------------------------------------------------------------------
# The CLI over the sample corpus (its March 2026 notice is dated "tháng 3/2026")
# --------------------------------------------------------------------------------------------


@pytest.fixture
def cli(indexed_corpus, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from troly.cli import app

    monkeypatch.setenv("TROLY_HOME", str(indexed_corpus.settings.home))
    runner = CliRunner()

    def invoke(*args: str) -> str:
        res = runner.invoke(app, list(args))
        assert res.exit_code == 0, res.output
        return res.stdout

    return invoke


def test_search_json_month_only(cli) -> None:  # type: ignore[no-untyped-def]
    hits = json.loads(cli("search", "Tỉnh đoàn giới thiệu ý tưởng mỗi tháng", "--json", "-k", "3"))["hits"]
    march = [h for h in hits if h["doc_id"].startswith("2026-03-thong-bao")]
    assert march
    for h in march:
        assert (h["date"], h["date_precision"], h["date_label"]) == ("2026-03-01", "month", "tháng 03/2026")
    text = cli("search", "Tỉnh đoàn giới thiệu ý tưởng mỗi tháng", "-k", "3")
    assert "Thông báo tháng 03/2026" in text and INVENTED not in text


def test_deadlines_json_month_only(cli) -> None:  # type: ignore[no-untyped-def]
    tasks = json.loads(cli("deadlines", "--from", "2024-11-01", "--to", "2024-11-30", "--json"))["tasks"]
    month_due = [t for t in tasks if t["due_precision"] == "month"]
    assert month_due and all(t["due_label"] == "tháng 11/2024" for t in month_due)
    march = json.loads(cli("deadlines", "--from", "2026-03-01", "--to", "2026-03-31", "--json"))["tasks"]
    assert march and all(
        (t["source"]["date"], t["source"]["date_precision"], t["source"]["date_label"])
        == ("2026-03-01", "month", "tháng 03/2026")
        for t in march
    )
    table = cli("deadlines", "--from", "2026-03-01", "--to", "2026-03-31")
    assert "Hạn tháng 03/2026" in table and INVENTED not in table  # the title; cells wrap at 80 columns


def test_tasks_and_docs_month_only(cli) -> None:  # type: ignore[no-untyped-def]
    listing = json.loads(cli("tasks", "--unit", "Tỉnh đoàn", "--month", "2026-03", "--json"))
    assert {t["source"]["date_label"] for t in listing["tasks"]} == {"tháng 03/2026"}
    docs = {d["file"]: d for d in json.loads(cli("docs", "--json"))}
    march = docs["2026-03_thong-bao-ket-luan_ban-chi-dao-phien-1-2026.md"]
    # The issuance date is unknown (null); the month printed is date_partial, shown as the label.
    assert (march["date"], march["date_partial"]) == (None, "2026-03-01")
    assert (march["date_precision"], march["date_label"]) == ("month", "tháng 03/2026")
    assert INVENTED not in cli("docs") + cli("tasks", "--unit", "Tỉnh đoàn", "--month", "2026-03")
