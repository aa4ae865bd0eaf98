"""Follow-up of assignments: codes across re-ingest, statuses with history, races, the report and its XLSX, the CLI."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.pg_server import pg_database_url, pg_url
from tests.written_tasks import A, T, due
from troly.config import Settings
from troly.context import Context
from troly.dates import Due, Recurrence
from troly.followup import (
    CANCELLED,
    DONE,
    HEADERS,
    IN_PROGRESS,
    NOT_STARTED,
    FollowupConflict,
    FollowupInputError,
    FollowupService,
    UnitRef,
    export_xlsx,
    find_evidence,
    normalise_status,
    parse_code,
    reconcile_assignments,
)
from troly.followup import store as fstore
from troly.models import DocumentRow
from troly.store import replace_tasks

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DOC = "2024-09-19-tb-174"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def set(self, y: int, m: int, d: int) -> None:
        self.now = dt.datetime(y, m, d, 9, 0, tzinfo=TZ)


SOTP = A("Sở Tư pháp", "so-tu-phap")
SONV = A("Sở Nội vụ", "so-noi-vu")
TD = A("Tỉnh đoàn", "tinh-doan")


def notice(*, corrected: bool = False) -> list[T]:
    """The notice's tasks; the corrected version fixes a typo, moves one deadline, drops one task, adds one."""
    tasks = [
        T(
            "Sở Tư pháp chủ trì rà soát các văn bản quy phạm pháp luật về chuyển đổi số.",
            [SOTP, A("Sở Nội vụ", "so-noi-vu", "cooperate")],
            due=due(2024, 10, 15),
        ),
        T("Sở Nội vụ tham mưu kiện toàn Ban Chỉ đạo chuyển đổi số của tỉnh.", [SONV], due=due(2024, 10, 31)),
        T("Tỉnh đoàn triển khai Tổ công nghệ số cộng đồng tại các thôn, tổ dân phố.", [TD], due=due(2024, 11, 30)),
        T(
            "Sở Tư pháp báo cáo kết quả thực hiện hằng tháng.",
            [SOTP],
            recurrence=Recurrence(period="month", text="hằng tháng"),
        ),
        T("Sở Nội vụ tổ chức hội nghị sơ kết công tác cải cách hành chính.", [SONV], due=due(2024, 12, 20)),
    ]
    if corrected:
        tasks[1] = T(
            "Sở Nội vụ tham mưu kiện toàn Ban Chỉ đạo về chuyển đổi số của tỉnh.", [SONV], due=due(2024, 11, 15)
        )
        del tasks[4]
        tasks.append(
            T("Tỉnh đoàn phát động cuộc thi ý tưởng khởi nghiệp sáng tạo.", [TD], heading_path=["II. TỔ CHỨC"])
        )
    for i, t in enumerate(tasks):
        t.ordinal = i
    return tasks


def ingest(ctx: Context, tasks: list[T], now: dt.datetime) -> None:
    """What the ingest pipeline does with a (re-)extracted document, in one transaction."""
    with ctx.db.transaction() as session:
        if session.get(DocumentRow, DOC) is None:
            session.add(
                DocumentRow(
                    id=DOC, source_path=f"/x/{DOC}.docx", file_name=f"{DOC}.docx", file_sha256="0" * 64, file_size=1,
                    source_format="docx", index_key="k", number="174/TB-UBND", doc_type="Thông báo",
                    date=dt.date(2024, 9, 19),
                )
            )  # fmt: skip
            session.flush()
        replace_tasks(session=session, doc_id=DOC, tasks=tasks, passage_ids=[])
        reconcile_assignments(session=session, doc_id=DOC, now=now)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2024, 9, 20, 9, 0, tzinfo=TZ))


@pytest.fixture
def ctx(tmp_path: Path, clock: Clock) -> Context:
    return Context(Settings(home=tmp_path / "home", admins="telegram:admin1"), clock=clock)


@pytest.fixture
def svc(ctx: Context, clock: Clock) -> FollowupService:
    ingest(ctx, notice(), clock())
    return ctx.followup_service()


def codes(svc: FollowupService, unit: str) -> dict[str, str]:
    """Each of the unit's assignments → its code."""
    return {v.text: v.code for v in svc.of_unit(svc.resolve_unit(unit))}


def test_words_and_codes() -> None:
    assert normalise_status("Đã hoàn thành") == DONE and normalise_status("dang thuc hien") == IN_PROGRESS
    assert normalise_status("đã thay thế/huỷ") == CANCELLED and normalise_status("bay") is None
    assert parse_code("NV-2026-000123 đã xong") == (2026, 123) and parse_code("nv-7") == (None, 7)
    assert find_evidence("NV-1 đã hoàn thành, đã ban hành Kế hoạch 45/KH-UBND ngày 3/10") == "Kế hoạch 45/KH-UBND"
    assert find_evidence("đang làm") is None


def test_codes_and_statuses_survive_reingest(ctx: Context, svc: FollowupService, clock: Clock) -> None:
    """Unchanged re-ingest keeps everything; a corrected notice keeps matched codes and statuses,
    closes the dropped task with its history and gives the new one a new code."""
    before = {
        v.text: v.code for u in ("Sở Tư pháp", "Sở Nội vụ", "Tỉnh đoàn") for v in svc.of_unit(svc.resolve_unit(u))
    }
    assert len(set(before.values())) == 5 and all(c.startswith("NV-2024-") for c in before.values())
    kien_toan = next(c for t, c in before.items() if "kiện toàn" in t)
    hoi_nghi = next(c for t, c in before.items() if "hội nghị" in t)
    nv = svc.resolve_unit("Sở Nội vụ")
    clock.set(2024, 10, 1)
    svc.report_status(kien_toan, "đang thực hiện", unit=nv, by="telegram:9", channel="telegram", note="đang dự thảo")
    svc.report_status(
        hoi_nghi, "hoàn thành", unit=nv, by="zalo:5", channel="zalo", note="đã tổ chức, Báo cáo 12/BC-SNV"
    )

    ingest(ctx, notice(), clock())  # unchanged
    after = {v.text: v.code for u in ("Sở Tư pháp", "Sở Nội vụ", "Tỉnh đoàn") for v in svc.of_unit(svc.resolve_unit(u))}
    assert after == before

    clock.set(2024, 10, 5)
    ingest(ctx, notice(corrected=True), clock())
    (kt,) = svc.get(kien_toan)
    assert kt.status == IN_PROGRESS and "Ban Chỉ đạo về chuyển đổi số" in kt.text and kt.due_end == "2024-11-15"
    (hn,) = svc.get(hoi_nghi)
    assert hn.status == CANCELLED and not hn.open and hn.result == "Báo cáo 12/BC-SNV"
    assert [(e.from_status, e.to_status, e.channel) for e in hn.history] == [
        (None, NOT_STARTED, "ingest"),
        (NOT_STARTED, DONE, "zalo"),
        (DONE, CANCELLED, "ingest"),
    ]
    new = [v for v in svc.of_unit(svc.resolve_unit("Tỉnh đoàn")) if "khởi nghiệp" in v.text]
    assert len(new) == 1 and new[0].code not in before.values() and new[0].status == NOT_STARTED
    with pytest.raises(FollowupInputError) as err:
        svc.report_status(hoi_nghi, "hoàn thành", unit=nv, by="telegram:9", channel="telegram")
    assert "đã được thay thế/huỷ" in err.value.user_message

    ingest(ctx, notice(), clock())  # the task comes back: so do its code and status
    (hn,) = svc.get(hoi_nghi)
    assert hn.open and hn.status == DONE


def test_status_rules_and_bad_input(svc: FollowupService, clock: Clock) -> None:
    tp, nv = svc.resolve_unit("Sở Tư pháp"), svc.resolve_unit("Sở Nội vụ")
    c = codes(svc, "Sở Tư pháp")
    ra_soat = next(v for k, v in c.items() if "rà soát" in k)
    with pytest.raises(FollowupInputError, match="no assignment") as err:
        svc.report_status("NV-2024-999999", "hoàn thành", unit=tp, by="u", channel="web")
    assert "Không tìm thấy nhiệm vụ mã NV-2024-999999" in err.value.user_message
    with pytest.raises(FollowupInputError) as err:
        svc.report_status(ra_soat, "hoàn thành", unit=svc.resolve_unit("Tỉnh đoàn"), by="u", channel="web")
    assert "không giao cho Tỉnh đoàn" in err.value.user_message
    with pytest.raises(FollowupInputError) as err:
        svc.report_status(ra_soat, "không thực hiện được", unit=tp, by="u", channel="web")
    assert "lý do" in err.value.user_message
    with pytest.raises(FollowupInputError) as err:
        svc.report_status(ra_soat, "đã xong rồi nhé", unit=tp, by="u", channel="web")
    assert "Tình trạng không hợp lệ" in err.value.user_message
    with pytest.raises(FollowupInputError) as err:
        svc.report_status(ra_soat, "hoàn thành", unit=None, by="admin", channel="cli", admin=True)
    assert "nhiều đơn vị" in err.value.user_message

    clock.set(2024, 10, 10)
    done = svc.report_status(
        ra_soat, "hoàn thành", unit=tp, by="telegram:1", channel="telegram", note="Công văn 88/STP-VP"
    )
    assert (
        done.result == "Công văn 88/STP-VP"
        and done.category == "hoàn thành đúng hạn"
        and done.completed_on == "2024-10-10"
    )
    # the cooperating unit's line is its own
    assert svc.report_status(ra_soat, "đang thực hiện", unit=nv, by="zalo:2", channel="zalo").status == IN_PROGRESS

    confirmed = svc.confirm(ra_soat, unit=tp, by="telegram:admin1", channel="telegram", expected_version=done.version)
    assert confirmed.confirmed
    with pytest.raises(FollowupInputError) as err:
        svc.report_status(ra_soat, "đang thực hiện", unit=tp, by="telegram:1", channel="telegram")
    assert "đã xác nhận" in err.value.user_message
    # two admins act on what they saw: the second one's version is stale
    with pytest.raises(FollowupConflict) as err:
        svc.reopen(ra_soat, unit=tp, by="telegram:admin2", channel="telegram", expected_version=done.version)
    assert "vừa được người khác cập nhật" in err.value.user_message
    reopened = svc.reopen(ra_soat, unit=tp, by="telegram:admin1", channel="telegram", note="thiếu phụ lục")
    assert reopened.status == IN_PROGRESS and not reopened.confirmed and reopened.completed_on is None
    assert [e.action for e in reopened.history] == ["ingest", "report", "confirm", "reopen"]


def test_concurrent_writers_are_refused_not_lost(ctx: Context, svc: FollowupService) -> None:
    """Two sessions read the same line; the later commit fails on the version column, history intact."""
    code = next(iter(codes(svc, "Tỉnh đoàn").values()))
    now = ctx.now()
    s1, s2 = ctx.db.session(), ctx.db.session()
    try:
        fstore.report_status(
            session=s1,
            code=code,
            status="đang thực hiện",
            unit_id="tinh-doan",
            by="a1",
            channel="web",
            now=now,
            tz=TZ,
            admin=True,
        )
        seen = fstore.find_assignment(session=s2, code=code)  # the second admin's read, before the first commits
        assert seen is not None and [u.version for u in seen.units] == [1]
        s1.commit()
        with pytest.raises(FollowupConflict):
            fstore.report_status(
                session=s2,
                code=code,
                status="hoàn thành",
                unit_id="tinh-doan",
                by="a2",
                channel="web",
                now=now,
                tz=TZ,
                admin=True,
            )
        s2.rollback()
    finally:
        s1.close()
        s2.close()
    (v,) = svc.get(code)
    assert v.status == IN_PROGRESS and [e.by for e in v.history][-1] == "a1"


def test_recurring_duty_has_a_status_per_period(svc: FollowupService, clock: Clock) -> None:
    tp = svc.resolve_unit("Sở Tư pháp")
    code = next(v for k, v in codes(svc, "Sở Tư pháp").items() if "báo cáo" in k)
    clock.set(2024, 10, 20)
    v = svc.report_status(code, "hoàn thành", unit=tp, by="u", channel="web", note="Báo cáo 101/BC-STP")
    clock.set(2024, 11, 18)
    v = svc.report_status(code, "hoàn thành", unit=tp, by="u", channel="web", note="Báo cáo 115/BC-STP")
    assert v.category == "thường xuyên" and [e.period for e in v.history[1:]] == ["2024-10", "2024-11"]
    # the duty goes on: still listed for the unit, the period's own status kept
    assert (v.status, v.period, v.period_status) == (IN_PROGRESS, "2024-11", DONE)
    assert code in {x.code for x in svc.of_unit(tp)}


def month_of_reports(svc: FollowupService, clock: Clock) -> None:
    """Hand count on 2024-12-01: rà soát done on time (10/10 ≤ 15/10); kiện toàn done late (5/11 >
    31/10); Tổ CNS in progress, due 30/11 → overdue; hằng tháng → thường xuyên; hội nghị due 20/12 →
    in progress within its deadline."""
    tp, nv, td = (svc.resolve_unit(u) for u in ("Sở Tư pháp", "Sở Nội vụ", "Tỉnh đoàn"))
    c = {**codes(svc, "Sở Tư pháp"), **codes(svc, "Sở Nội vụ"), **codes(svc, "Tỉnh đoàn")}
    pick = lambda word: next(v for k, v in c.items() if word in k)  # noqa: E731
    clock.set(2024, 10, 10)
    svc.report_status(
        pick("rà soát"), "hoàn thành", unit=tp, by="telegram:1", channel="telegram", note="Công văn 88/STP-VP"
    )
    clock.set(2024, 11, 5)
    svc.report_status(
        pick("kiện toàn"), "hoàn thành", unit=nv, by="zalo:2", channel="zalo", note="Quyết định 1234/QĐ-UBND"
    )
    svc.report_status(pick("Tổ công"), "đang thực hiện", unit=td, by="telegram:3", channel="telegram")
    clock.set(2024, 12, 1)


def test_report_counts_and_xlsx_agree_with_a_hand_count(svc: FollowupService, clock: Clock, tmp_path: Path) -> None:
    month_of_reports(svc, clock)
    report = svc.report(doc="174/TB-UBND")
    assert report.total == 5
    assert report.counts == {
        "hoàn thành đúng hạn": 1,
        "hoàn thành quá hạn": 1,
        "đang thực hiện trong hạn": 1,
        "quá hạn chưa hoàn thành": 1,
        "thường xuyên": 1,
        "không thực hiện được": 0,
    }
    assert report.summary().startswith("Hoàn thành 2/5 nhiệm vụ")
    path = export_xlsx(report, tmp_path / "phuluc.xlsx")
    ws = load_workbook(path)["Phu luc"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[2] == HEADERS
    body = rows[3:]
    assert [r[0] for r in body] == [1, 2, 3, 4, 5]
    first = body[0]
    assert first[2] == "Sở Tư pháp" and first[3] == "Sở Nội vụ" and first[5] == "hoàn thành đúng hạn"
    assert first[6] == "Công văn 88/STP-VP" and "15/10/2024" in first[4]
    assert sorted(r[5] for r in body) == sorted(k for k, n in report.counts.items() for _ in range(n))
    summary = dict(load_workbook(path)["Tong hop"].iter_rows(values_only=True))
    assert summary["Tổng số"] == 5 and summary["hoàn thành quá hạn"] == 1
    # one unit, and a period: December keeps what is due then, no deadline, and what is still overdue
    assert svc.report(unit="Sở Nội vụ").counts["hoàn thành quá hạn"] == 1
    dec = svc.report(start=dt.date(2024, 12, 1), end=dt.date(2024, 12, 31))
    assert sorted(line.category for line in dec.lines) == [
        "quá hạn chưa hoàn thành",
        "thường xuyên",
        "đang thực hiện trong hạn",
    ]


def test_cli_status_and_report(
    ctx: Context, svc: FollowupService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from troly.cli import app

    monkeypatch.setenv("TROLY_HOME", str(ctx.settings.home))
    code = next(v for k, v in codes(svc, "Sở Nội vụ").items() if "kiện toàn" in k)
    runner = CliRunner()
    res = runner.invoke(app, ["tasks", "status", code, "hoàn thành", "--unit", "Sở Nội vụ", "--note", "đã ban hành Quyết định 1234/QĐ-UBND", "--today", "2024-10-20", "--json"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert (
        data["status"] == "hoàn thành"
        and data["result"] == "Quyết định 1234/QĐ-UBND"
        and data["category"] == "hoàn thành đúng hạn"
    )
    res = runner.invoke(app, ["tasks", "status", "NV-2024-999999", "hoàn thành", "--unit", "Sở Nội vụ"])
    assert res.exit_code == 2 and "Không tìm thấy nhiệm vụ" in res.output
    xlsx = tmp_path / "bc.xlsx"
    res = runner.invoke(
        app, ["tasks", "report", "--doc", "174/TB-UBND", "--today", "2024-12-01", "--xlsx", str(xlsx), "--json"]
    )
    assert res.exit_code == 0, res.output
    counts = json.loads(res.output)["counts"]
    assert counts["hoàn thành đúng hạn"] == 1 and counts["quá hạn chưa hoàn thành"] == 2 and counts["thường xuyên"] == 1
    assert load_workbook(xlsx)["Phu luc"].max_row == 3 + 5
    res = runner.invoke(app, ["tasks", "report", "--doc", "999/XX"])
    assert res.exit_code == 2 and "Không tìm thấy văn bản" in res.output


def _every_line_in_progress(
    ctx: Context, svc: FollowupService, clock: Clock
) -> tuple[list[tuple[str, str | None, str]], dict[tuple[str, str | None], str]]:
    """Every unit's line of every assignment reported "đang thực hiện" on 1/10/2024: the lines
    (code, unit, text) and their statuses, to compare after a re-ingest."""
    from troly.followup.models import AssignmentUnitRow

    with ctx.db.session() as session:
        lines = [(u.assignment.code, u.unit_id, u.assignment.text) for u in session.query(AssignmentUnitRow).all()]
    clock.set(2024, 10, 1)
    for code, unit_id, _ in lines:
        if unit_id:
            svc.report_status(code, "đang thực hiện", unit=UnitRef(unit_id, unit_id), by="t", channel="web", admin=True)
    return lines, {(c, u): v.status for c, u, _ in lines for v in svc.get(c) if v.unit_id == u}


def test_real_reingest_of_a_corrected_notice_keeps_every_status(tmp_path: Path, embedder, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    """The 2024-09-19 notice through the ingest pipeline: every assignment reported, one word of one
    assignment corrected in the file, re-ingested: the same codes and statuses, nothing closed."""
    from tests.conftest import CORPUS

    folder = tmp_path / "docs"
    folder.mkdir()
    src = next(CORPUS.glob("2024-09-19_*"))
    target = folder / src.name
    target.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    ctx = Context(Settings(home=tmp_path / "home"), embedder=embedder, clock=clock)
    ctx.ingestor().ingest([folder])
    svc = ctx.followup_service()
    report = svc.report()
    assert report.total >= 5
    lines, before = _every_line_in_progress(ctx, svc, clock)

    # correct one word of one assignment (a word that occurs once in the file, in that assignment)
    content = target.read_text(encoding="utf-8")
    word = next(
        w
        for _, _, text in lines
        for w in text.split()
        if len(w) > 6 and content.count(w) == 1 and sum(w in t for _, _, t in lines) == 1
    )
    target.write_text(content.replace(word, word + " (sửa)"), encoding="utf-8")
    run = ctx.ingestor().ingest([folder])
    assert [r.status for r in run.results] == ["updated"]
    after = {(c, u): v.status for c, u, _ in lines for v in svc.get(c) if v.unit_id == u}
    assert after == before
    assert svc.report().total == report.total
    assert any("(sửa)" in v.text for c, _, _ in lines for v in svc.get(c))


def test_removed_document_closes_its_assignments_with_their_history(ctx: Context, svc: FollowupService) -> None:
    from troly.store import delete_document

    code = next(c for t, c in codes(svc, "Tỉnh đoàn").items() if "Tổ công" in t)
    svc.report_status(code, "đang thực hiện", unit=svc.resolve_unit("Tỉnh đoàn"), by="u", channel="web")
    with ctx.db.transaction() as session:
        delete_document(session=session, doc_id=DOC)
        stats = reconcile_assignments(session=session, doc_id=DOC, now=ctx.now())
    assert (stats.kept, stats.created, stats.closed) == (0, 0, 5)
    (v,) = svc.get(code)
    assert not v.open and v.status == CANCELLED and [e.to_status for e in v.history][-2:] == [IN_PROGRESS, CANCELLED]
    assert svc.report().total == 0 and svc.of_unit(svc.resolve_unit("Tỉnh đoàn")) == []


def test_documents_indexed_before_the_follow_up_get_codes_once(ctx: Context, clock: Clock) -> None:
    """Tasks written without tracking (a database from before the upgrade) are tracked on first use, once."""
    with ctx.db.transaction() as session:
        session.add(
            DocumentRow(
                id=DOC, source_path="/x/a.docx", file_name="a.docx", file_sha256="0" * 64, file_size=1,
                source_format="docx", index_key="k", number="174/TB-UBND",
            )
        )  # fmt: skip
        session.flush()
        replace_tasks(session=session, doc_id=DOC, tasks=notice(), passage_ids=[])
    svc, other = ctx.followup_service(), ctx.followup_service()
    assert svc.sync().created == 5 and other.sync().created == 0
    assert svc.report().total == 5


@pytest.mark.slow
def test_followup_on_postgresql(tmp_path: Path, pg_database_url: str, clock: Clock) -> None:
    """The same rules on PostgreSQL: codes across a corrected re-ingest, a stale write refused, the report."""
    ctx = Context(Settings(home=tmp_path / "home", database_url=pg_database_url), clock=clock)
    try:
        assert ctx.db.engine.dialect.name == "postgresql"
        ingest(ctx, notice(), clock())
        svc = ctx.followup_service()
        month_of_reports(svc, clock)
        ingest(ctx, notice(corrected=True), clock())
        report = svc.report(doc="174/TB-UBND")
        # kiện toàn kept its completion (5/11); its deadline corrected to 15/11 makes it on time
        assert report.total == 5 and (report.counts["hoàn thành đúng hạn"], report.counts["hoàn thành quá hạn"]) == (
            2,
            0,
        )
        code = next(c for t, c in codes(svc, "Tỉnh đoàn").items() if "Tổ công" in t)
        s1, s2 = ctx.db.session(), ctx.db.session()
        try:
            seen = fstore.find_assignment(session=s2, code=code)
            assert seen is not None and [u.status for u in seen.units] == [IN_PROGRESS]
            fstore.report_status(session=s1, code=code, status="hoàn thành", unit_id="tinh-doan", by="a1", channel="web", now=ctx.now(), tz=TZ, admin=True)  # fmt: skip
            s1.commit()
            with pytest.raises(FollowupConflict):
                fstore.report_status(session=s2, code=code, status="không thực hiện được", note="x", unit_id="tinh-doan", by="a2", channel="web", now=ctx.now(), tz=TZ, admin=True)  # fmt: skip
            s2.rollback()
        finally:
            s1.close()
            s2.close()
        (v,) = svc.get(code)
        assert v.status == DONE and v.history[-1].by == "a1"
    finally:
        ctx.db.engine.dispose()


def test_members_of_an_assigned_group_report_on_their_own_lines(ctx: Context, clock: Clock) -> None:
    """A task given to "UBND các xã, phường": each commune sees it as its own, reports on its own line
    (made on its first report), the report keeps one line for the task with the members' progress, and
    a re-ingest keeps the members' lines while the group is still assigned."""
    group = A("UBND các xã, phường", "g-xa-phuong")
    tasks = [*notice(), T("UBND các xã, phường rà soát, cập nhật dữ liệu dân cư.", [group], due=due(2024, 11, 30))]
    tasks[-1].ordinal = 9
    ingest(ctx, tasks, clock())
    svc = ctx.followup_service()
    ts, pk = svc.resolve_unit("UBND xã Tây Sơn"), svc.resolve_unit("UBND phường Pleiku")
    (line,) = [v for v in svc.of_unit(ts) if "dữ liệu dân cư" in v.text]
    assert (line.unit_name, line.status, line.version) == (ts.name, NOT_STARTED, 0)
    clock.set(2024, 11, 20)
    done = svc.report_status(line.code, "hoàn thành", unit=ts, by="zalo:7", channel="zalo", expected_version=0)
    assert (done.unit_id, done.status, done.category) == ("xa-tay-son", DONE, "hoàn thành đúng hạn")
    # a stale guided form of a colleague (it saw no line yet) is refused, the first report kept
    with pytest.raises(FollowupConflict):
        svc.report_status(line.code, "đang thực hiện", unit=ts, by="zalo:8", channel="zalo", expected_version=0)
    assert svc.line_for(line.code, pk).status == NOT_STARTED  # type: ignore[union-attr]
    with pytest.raises(FollowupInputError, match="not assigned"):
        svc.report_status(line.code, "hoàn thành", unit=svc.resolve_unit("Sở Tư pháp"), by="u", channel="web")

    ingest(ctx, tasks, clock())  # unchanged re-ingest: the member's line stays
    assert svc.line_for(line.code, ts).status == DONE  # type: ignore[union-attr]
    (row,) = [ln for ln in svc.report().lines if ln.code == line.code]
    assert row.leads == ["UBND các xã, phường"] and row.category == "đang thực hiện trong hạn"
    assert row.note == "1 đơn vị thành viên đã báo cáo: 1 hoàn thành"
    assert svc.report(unit="UBND xã Tây Sơn").counts["hoàn thành đúng hạn"] == 1
    # a member that has not reported sees the group's task in its own report, not started
    (pk_line,) = [ln for ln in svc.report(unit="UBND phường Pleiku").lines if ln.code == line.code]
    assert pk_line.status == NOT_STARTED


def test_corrected_notice_under_another_file_name_replaces_and_keeps_statuses(
    tmp_path: Path, embedder, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    """A corrected notice usually arrives as a new file ("…-dinh-chinh.txt"). Ingested plainly it is
    filed as another file of the same document and its text is not read; ``--replaces`` makes it
    the document's text: same id and codes, statuses kept, the correction in the tasks, the old
    file listed as an earlier version and kept by ``--sync`` even after its source is deleted. A
    file numbered otherwise is refused with a Vietnamese reason, and nothing changes."""
    from tests.conftest import CORPUS
    from troly.cli import app
    from troly.models import DocumentFileRow

    src = next(CORPUS.glob("2024-09-19_*"))
    old = tmp_path / "docs" / src.name
    old.parent.mkdir()
    header = "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 174/TB-UBND\nTHÔNG BÁO\n"
    content = header + src.read_text(encoding="utf-8")
    old.write_text(content, encoding="utf-8")
    home = tmp_path / "home"
    ctx = Context(Settings(home=home), embedder=embedder, clock=clock)
    (first,) = ctx.ingestor().ingest([old]).results
    doc_id = first.doc_id
    svc = ctx.followup_service()
    lines, before = _every_line_in_progress(ctx, svc, clock)
    assert before and set(before.values()) == {IN_PROGRESS}

    word = next(
        w
        for _, _, text in lines
        for w in text.split()
        if len(w) > 6 and content.count(w) == 1 and sum(w in t for _, _, t in lines) == 1
    )
    fixed = tmp_path / "upload" / "thong-bao-174-dinh-chinh.txt"
    fixed.parent.mkdir()
    fixed.write_text(content.replace(word, word + " (sửa)"), encoding="utf-8")

    plain = ctx.ingestor().ingest([fixed]).results[0]
    assert plain.status == "merged" and plain.doc_id == doc_id  # filed beside it, text not read
    assert not any("(sửa)" in v.text for c, _, _ in lines for v in svc.get(c))

    run = CliRunner().invoke(
        app, ["ingest", str(fixed), "--replaces", "174/TB-UBND", "--json"], env={"TROLY_HOME": str(home)}
    )
    assert run.exit_code == 0, run.output
    (result,) = json.loads(run.output)["results"]
    assert result["status"] == "updated" and result["doc_id"] == doc_id
    after = {(c, u): v.status for c, u, _ in lines for v in svc.get(c) if v.unit_id == u}
    assert after == before
    assert any("(sửa)" in v.text for c, _, _ in lines for v in svc.get(c))
    with ctx.db.session() as session:
        doc = session.get(DocumentRow, doc_id)
        assert doc is not None and doc.file_name == fixed.name
        files = {(f.file_name, f.reason) for f in session.query(DocumentFileRow).all()}
    assert files == {(old.name, "earlier-version")}
    assert ctx.ingestor().replace(fixed, doc_id).status == "unchanged"

    # the old source deleted: --sync keeps the earlier version (its bytes are in TROLY_HOME/files)
    old.unlink()
    ctx.ingestor().ingest([fixed], sync=True)
    with ctx.db.session() as session:
        assert {(f.file_name, f.reason) for f in session.query(DocumentFileRow).all()} == files
        assert session.get(DocumentRow, doc_id) is not None

    # another notice's file is refused and changes nothing
    other = tmp_path / "upload" / "khac.txt"
    other.write_text(content.replace("174/TB-UBND", "999/TB-UBND"), encoding="utf-8")
    refused = ctx.ingestor().replace(other, doc_id)
    assert refused.status == "failed" and "999/TB-UBND" in (refused.user_reason or "")
    assert {(c, u): v.status for c, u, _ in lines for v in svc.get(c) if v.unit_id == u} == before
    missing = ctx.ingestor().replace(fixed, "khong-co-van-ban-nay")
    assert missing.status == "failed" and "Không tìm thấy văn bản" in (missing.user_reason or "")


def test_a_successor_carries_its_predecessors_assignments(ctx: Context, clock: Clock) -> None:
    """Sở TN&MT merged into Sở NN&MT (2025): a 2024 task given to Sở TN&MT is Sở NN&MT's — listed
    as its own with the status reported so far, reported on by it (the line keeps its history),
    counted in its report and sent in its digest; a unit that succeeds nobody still cannot."""
    tnmt = A("Sở Tài nguyên và Môi trường", "so-tnmt")
    task = T("Sở Tài nguyên và Môi trường hoàn thành cơ sở dữ liệu đất đai.", [tnmt], due=due(2024, 12, 10))
    tasks = [*notice(), task]
    tasks[-1].ordinal = 9
    ingest(ctx, tasks, clock())
    svc = ctx.followup_service()
    nnmt = svc.resolve_unit("Sở Nông nghiệp và Môi trường")
    (line,) = [v for v in svc.of_unit(nnmt) if "đất đai" in v.text]
    assert (line.unit_id, line.status) == ("so-tnmt", NOT_STARTED)
    clock.set(2024, 11, 5)
    svc.report_status(
        line.code, "đang thực hiện", unit=UnitRef("so-tnmt", "Sở Tài nguyên và Môi trường"), by="a", channel="web"
    )
    clock.set(2025, 8, 1)
    done = svc.report_status(line.code, "hoàn thành", unit=nnmt, by="zalo:9", channel="zalo", note="đã nghiệm thu")
    assert (done.unit_id, done.status) == ("so-tnmt", DONE)
    (after,) = [v for v in svc.get(line.code) if v.unit_id == "so-tnmt"]
    assert [e.to_status for e in after.history][-2:] == [IN_PROGRESS, DONE]
    assert svc.report(unit="Sở Nông nghiệp và Môi trường").counts["hoàn thành quá hạn"] == 1
    with pytest.raises(FollowupInputError):
        svc.report_status(line.code, "đang thực hiện", unit=svc.resolve_unit("Sở Tư pháp"), by="u", channel="web")

    # the digest of a subscriber of the successor names the inherited task due soon
    svc.reopen(line.code, unit=UnitRef("so-tnmt", "x"), by="admin", channel="web", note="làm lại")
    svc.subscribe("zalo:9", nnmt)
    texts = dict(svc.digests(dt.date(2024, 12, 9)))
    assert "đất đai" in texts["zalo:9"]
