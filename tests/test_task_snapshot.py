"""Tasks and document profiles kept between questions (a large index): the rows the structured
queries filter in memory are the tables' rows, and they are read again when the tables change.

A small store is written the way the ingest pipeline writes it (``replace_tasks``), on SQLite and,
when the PostgreSQL binaries are installed, on PostgreSQL (dates and JSON read back by the column
queries). Expected rows are written out by hand from the tasks' deadlines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.pg_server import pg_database_url, pg_url
from tests.written_tasks import A, T, due
from troly.config import Settings
from troly.context import Context
from troly.dates import Due, Recurrence
from troly.models import DocumentFileRow, DocumentRow
from troly.queries import AssignmentQuery, DocFilter
from troly.store import promote_file, replace_tasks

__all__ = ["pg_database_url", "pg_url"]  # fixtures, imported so pytest finds them

NOTICE = "2026-03-05-tb-305"
PLAN = "2026-01-10-kh-88"


SOTP = A("Sở Tư pháp", "so-tu-phap")
TD = A("Tỉnh đoàn", "tinh-doan")
SO_NGANH = A("Các sở, ban, ngành", "g-so-nganh")
MONTHLY = Recurrence(period="month", text="hằng tháng")


def notice_tasks() -> list[T]:
    tasks = [
        T("Sở Tư pháp rà soát văn bản quy phạm pháp luật, hoàn thành trước ngày 15/3/2026.", [SOTP], due(2026, 3, 15)),
        T("Tỉnh đoàn phát động cuộc thi ý tưởng, hoàn thành trước ngày 30/4/2026.", [TD], due(2026, 4, 30)),
        T("Các sở, ban, ngành báo cáo kết quả chuyển đổi số hằng tháng.", [SO_NGANH], recurrence=MONTHLY),
        # No deadline of its own: the closing sentence below sends the reports by 20/5/2026.
        T("Sở Tư pháp báo cáo tình hình số hóa hộ tịch.", [SOTP]),
        T("Tỉnh đoàn phối hợp tuyên truyền.", [A("Tỉnh đoàn", "tinh-doan", "cooperate"), SOTP]),
        T("Báo cáo của các cơ quan, đơn vị gửi về UBND tỉnh trước ngày 20/5/2026.", [SO_NGANH], due(2026, 5, 20)),
    ]
    for i, t in enumerate(tasks):
        t.ordinal = i
    return tasks


def plan_tasks() -> list[T]:
    # The sentence restates a deadline already past at issue: the task is late, not undated.
    tasks = [
        T("Sở Tư pháp số hóa sổ hộ tịch, thời hạn hoàn thành trước ngày 15/10/2025, đến nay chưa hoàn thành.", [SOTP]),
        T("Tỉnh đoàn triển khai nền tảng số, hoàn thành trong tháng 6/2026.", [TD], due(2026, 6, 30)),
    ]
    for i, t in enumerate(tasks):
        t.ordinal = i
    return tasks


def write(ctx: Context, doc_id: str, number: str, date: dt.date, tasks: list[T]) -> None:
    """What the ingest pipeline does with a (re-)extracted document, in one transaction."""
    with ctx.db.transaction() as session:
        if session.get(DocumentRow, doc_id) is None:
            session.add(
                DocumentRow(
                    id=doc_id, source_path=f"/x/{doc_id}.docx", file_name=f"{doc_id}.docx", file_sha256="0" * 64,
                    file_size=1, source_format="docx", index_key="k", number=number, doc_type="Thông báo", date=date,
                    place="Gia Lai",
                )
            )  # fmt: skip
            session.flush()
        replace_tasks(session=session, doc_id=doc_id, tasks=tasks, passage_ids=[])


def _store(ctx: Context) -> Context:
    write(ctx, NOTICE, "305/TB-UBND", dt.date(2026, 3, 5), notice_tasks())
    write(ctx, PLAN, "88/KH-UBND", dt.date(2026, 1, 10), plan_tasks())
    return ctx


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    return _store(Context(Settings(home=tmp_path / "home", database_url=None, chroma_url=None)))


def texts(ctx: Context, q: AssignmentQuery) -> list[str]:
    return [v.text.split(",")[0].split(" hoàn thành")[0] for v in ctx.fact_finder().assignments(q)]


def check_filters(ctx: Context) -> None:
    """The overdue, window, unit and document filters, and the deadlines the answers give."""
    overdue = AssignmentQuery(overdue=True, as_of=dt.date(2026, 5, 1))
    assert texts(ctx, overdue) == [
        "Sở Tư pháp số hóa sổ hộ tịch",  # restated 15/10/2025
        "Sở Tư pháp rà soát văn bản quy phạm pháp luật",  # 15/3/2026
        "Tỉnh đoàn phát động cuộc thi ý tưởng",  # 30/4/2026; the monthly report is never overdue
    ]
    may = AssignmentQuery(due_from=dt.date(2026, 5, 1), due_to=dt.date(2026, 5, 31))
    assert sorted(texts(ctx, may)) == [
        "Báo cáo của các cơ quan",
        "Các sở",  # hằng tháng: every month
        "Sở Tư pháp báo cáo tình hình số hóa hộ tịch.",  # the closing sentence's 20/5/2026
    ]
    shared = next(v for v in ctx.fact_finder().assignments(may) if v.text.startswith("Sở Tư pháp báo cáo"))
    assert shared.due is not None and shared.due["end"] == "2026-05-20"
    until_june = AssignmentQuery(unit="Tỉnh đoàn", due_to=dt.date(2026, 6, 30))
    assert texts(ctx, until_june) == ["Tỉnh đoàn phát động cuộc thi ý tưởng", "Tỉnh đoàn triển khai nền tảng số"]
    views = ctx.fact_finder().assignments(AssignmentQuery(unit="Sở Tư pháp"))
    own = [(v.text[:22], v.unit_role) for v in views if v.match == "self"]
    assert own == [
        ("Sở Tư pháp số hóa sổ h", "lead"),
        ("Sở Tư pháp rà soát văn", "lead"),
        ("Sở Tư pháp báo cáo tìn", "lead"),
        ("Tỉnh đoàn phối hợp tuy", "lead"),
    ]
    assert {v.match for v in views if v.match != "self"} and all(
        a["unit_id"] == "g-so-nganh" for v in views if v.match != "self" for a in v.assignees
    )
    lead = AssignmentQuery(unit="Tỉnh đoàn", roles=["cooperate"])
    assert texts(ctx, lead) == ["Tỉnh đoàn phối hợp tuyên truyền."]
    in_plan = AssignmentQuery(documents=DocFilter(number="88/KH-UBND"))
    assert [v.source["number"] for v in ctx.fact_finder().assignments(in_plan)] == ["88/KH-UBND"] * 2
    (plan_task,) = [v for v in ctx.fact_finder().assignments(in_plan) if v.due and v.due["end"] == "2026-06-30"]
    assert plan_task.source["date"] == "2026-01-10" and plan_task.recurrence is None


def test_filters_give_the_rows_their_deadlines_select(ctx: Context) -> None:
    """Overdue (before today, not recurring), a window of deadlines, a unit with its groups, a document."""
    check_filters(ctx)


@pytest.mark.slow
def test_filters_on_postgresql(tmp_path: Path, pg_database_url: str) -> None:
    """The same rows on PostgreSQL: dates and JSON read by column queries, compared in Python."""
    check_filters(_store(Context(Settings(home=tmp_path / "home", database_url=pg_database_url, chroma_url=None))))


def test_views_are_the_callers_own(ctx: Context) -> None:
    """A caller changing a listed task does not change what the next question lists."""
    finder = ctx.fact_finder()
    first = finder.assignments(AssignmentQuery(unit="Tỉnh đoàn"))
    for v in first:
        v.due = None
        v.assignees.clear()
        v.source["number"] = "x"
    again = finder.assignments(AssignmentQuery(unit="Tỉnh đoàn"))
    assert all(v.assignees and v.source["number"] != "x" for v in again)
    assert [v.due is not None for v in again] == [True, True, False]


def test_tasks_refreshed_alone_are_listed_at_once(ctx: Context) -> None:
    """A tasks refresh (a newer extractor) changes no passage: the kept rows are still read again."""
    finder = ctx.fact_finder()
    assert len(finder.assignments(AssignmentQuery(unit="Tỉnh đoàn"))) == 3
    write(ctx, PLAN, "88/KH-UBND", dt.date(2026, 1, 10), plan_tasks()[:1])
    assert len(finder.assignments(AssignmentQuery(unit="Tỉnh đoàn"))) == 2
    assert ctx.task_finder().tasks(unit="Tỉnh đoàn").tasks[-1].text.startswith("Tỉnh đoàn phối hợp")


def test_document_profiles_follow_their_files(ctx: Context) -> None:
    """Another file merged into a document, then made its main file: the profiles show each state."""
    finder = ctx.fact_finder()
    assert [d.files for d in finder.documents(DocFilter(doc_ids=[NOTICE]))] == [[f"{NOTICE}.docx"]]
    with ctx.db.transaction() as session:
        session.add(
            DocumentFileRow(
                doc_id=NOTICE, source_path="/x/tb-305.pdf", file_name="tb-305.pdf", file_sha256="1" * 64,
                file_size=1, source_format="pdf", ocr=False, reason="same-text",
            )
        )  # fmt: skip
        from troly.store import bump_documents_generation

        bump_documents_generation(session=session)  # what the pipeline does when it merges a file
    assert finder.documents(DocFilter(doc_ids=[NOTICE]))[0].files == [f"{NOTICE}.docx", "tb-305.pdf"]
    with ctx.db.transaction() as session:
        doc = session.get(DocumentRow, NOTICE)
        assert doc is not None
        promote_file(session=session, doc=doc, other=doc.files[0])
    (d,) = finder.documents(DocFilter(doc_ids=[NOTICE]))
    assert (d.file, d.files) == ("tb-305.pdf", ["tb-305.pdf"])
