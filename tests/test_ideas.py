"""Idea store, quota rules, monthly report + XLSX/CSV, import, near-duplicates, privacy, concurrency, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from bot.core.ideas_flow import IdeasFlow
from bot.core.messages import IncomingMessage
from bot.core.services import admin_check
from troly.config import Settings
from troly.context import Context
from troly.ideas import IdeaDraft, IdeaInputError, IdeaService, normalise_status
from troly.ideas.models import IdeaRow, IdeaStatusRow
from troly.ideas.report import (
    admin_summary,
    due_reminders,
    export_csv,
    export_xlsx,
    monthly_report,
)
from troly.ideas.rules import load_rules

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 10, 9, 0, tzinfo=TZ)


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=TZ)


@pytest.fixture
def ctx(tmp_path: Path, embedder) -> Context:
    return Context(Settings(home=tmp_path / "home", admins="telegram:admin1"), embedder=embedder, clock=lambda: NOW)


@pytest.fixture
def svc(ctx: Context) -> IdeaService:
    return ctx.idea_service(clock=lambda: NOW)


def draft(
    title: str,
    unit: str,
    *,
    desc: str | None = None,
    contact: str | None = None,
    when=None,
    user: str | None = None,
    channel: str = "cli",
) -> IdeaDraft:
    return IdeaDraft(
        title=title,
        description=desc or f"Mô tả chi tiết cho ý tưởng: {title}.",
        unit=unit,
        contact=contact,
        submitter_name="Người gửi" if contact else None,
        created_at=when,
        user_id=user,
        channel=channel,
    )


# ----------------------------------------------------------------------------------------------
# Store basics, workflow, validation
# ----------------------------------------------------------------------------------------------


def test_submit_and_workflow_history(svc: IdeaService, ctx: Context) -> None:
    v = svc.submit(draft("Chợ phiên trực tuyến", "xã Tây Sơn", contact="0905 111 222"))
    assert v.code == "YT-2026-000001" and v.status == "mới" and v.unit_id == "xa-tay-son"
    assert v.created_at.tzinfo is not None and v.created_at.utcoffset() == dt.timedelta(hours=7)
    svc.set_status(v.code, "da sang loc", by="Phòng QLKH", now=at(11, 11))
    v2 = svc.set_status(v.code, "đang thí điểm", by="Lãnh đạo Sở", note="thí điểm 3 tháng", now=at(11, 12))
    assert [h.to_status for h in v2.history] == ["mới", "đã sàng lọc", "đang thí điểm"]
    assert v2.history[2].changed_by == "Lãnh đạo Sở" and v2.history[2].changed_at == at(11, 12)
    with pytest.raises(IdeaInputError, match="transition"):
        svc.set_status(v.code, "mới", by="x")  # not a workflow move
    with pytest.raises(IdeaInputError):
        svc.set_status(v.code, "vô nghĩa", by="x")
    # withdrawal is a status: nothing is deleted
    w = svc.submit(draft("Ý tưởng sẽ rút", "phường Pleiku"))
    w2 = svc.set_status(w.code, "đã rút", by="telegram:u1")
    assert w2.withdrawn and w2.status == "đã rút"
    with ctx.db.session() as s:
        assert s.scalar(select(func.count()).select_from(IdeaRow)) == 2
        assert s.scalar(select(func.count()).select_from(IdeaStatusRow)) == 5
    assert normalise_status("deployed") == "đã triển khai"


@pytest.mark.parametrize(
    ("title", "desc", "unit", "message"),
    [
        ("", "mô tả", "xã Tây Sơn", "Tiêu đề ý tưởng không được để trống"),
        ("   ", "mô tả", "xã Tây Sơn", "không được để trống"),
        ("Tiêu đề", "x" * 10_000, "xã Tây Sơn", "Mô tả quá dài (10.000 ký tự; tối đa 3.000 ký tự)"),
        ("😀🎉🔥", "mô tả", "xã Tây Sơn", "chữ hoặc số"),
        ("Tiêu đề", "👍👍👍", "xã Tây Sơn", "chữ hoặc số"),
        ("Tiêu đề", "mô tả", "Công ty TNHH ABC", "Không tìm thấy đơn vị"),
        ("Tiêu đề", "mô tả", "UBND các xã, phường", "nhóm đơn vị"),
        ("Tiêu đề", "mô tả", "", "đơn vị gửi"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(svc: IdeaService, ctx: Context, title, desc, unit, message) -> None:
    with pytest.raises(IdeaInputError) as err:
        svc.submit(IdeaDraft(title=title, description=desc, unit=unit))
    assert message in err.value.user_message
    with ctx.db.session() as s:
        assert s.scalar(select(func.count()).select_from(IdeaRow)) == 0


def test_sql_and_html_are_stored_verbatim(svc: IdeaService, ctx: Context) -> None:
    sql = "'; DROP TABLE ideas; --"
    html = "<script>alert(1)</script>"
    a = svc.submit(IdeaDraft(title=sql, description=html, unit="xã Tây Sơn"))
    b = svc.submit(IdeaDraft(title=html, description=sql, unit="Tỉnh đoàn", contact="<b>x</b>"))
    assert svc.get(a.code).title == sql and svc.get(a.code).description == html
    assert svc.get(b.code).title == html and svc.get(b.code).contact == "<b>x</b>"
    with ctx.db.session() as s:  # the table is still there and holds both rows
        assert s.execute(text("SELECT count(*) FROM ideas")).scalar() == 2


def test_unit_resolution_and_ids(svc: IdeaService) -> None:
    assert svc.submit(draft("A", "UBND xã Tây Sơn")).unit_id == "xa-tay-son"
    assert svc.submit(draft("B", "tinh doan")).unit_id == "tinh-doan"
    c = svc.submit(draft("C", "xã Ia Hrú"))  # missing from the old hand-made list; the official list has it
    assert c.unit_name == "xã Ia Hrú" and c.unit_id == "xa-ia-hru"
    assert svc.get("yt-2026-3").code == c.code  # lenient code look-up


# ----------------------------------------------------------------------------------------------
# Near-duplicates
# ----------------------------------------------------------------------------------------------


def test_near_duplicate_flagged_not_rejected(ctx: Context, svc: IdeaService) -> None:
    a = svc.submit(
        IdeaDraft(
            title="Ứng dụng tra cứu thủ tục hành chính trên điện thoại",
            description="Người dân tra cứu hồ sơ, lệ phí và thời hạn giải quyết qua điện thoại.",
            unit="xã Tây Sơn",
        )
    )
    other = svc.submit(
        IdeaDraft(
            title="Trồng cà phê hữu cơ xen cây ăn quả",
            description="Hướng dẫn nông dân trồng xen sầu riêng trong vườn cà phê để tăng thu nhập.",
            unit="xã Chư Sê",
        )
    )
    dup = svc.submit(
        IdeaDraft(
            title="Ứng dụng tra cứu các thủ tục hành chính trên điện thoại di động",
            description="Người dân xem hồ sơ, lệ phí, thời hạn giải quyết bằng điện thoại.",
            unit="phường Pleiku",
        )
    )  # another unit: compared against everyone's ideas
    assert other.duplicate_of is None
    assert dup.duplicate_of == a.code and dup.duplicate_score >= 0.9 and dup.status == "mới"
    report = monthly_report(ctx, 2026, 11)
    assert (dup.code, a.code) in [(c, d) for c, d, _ in report.flagged_duplicates]


# ----------------------------------------------------------------------------------------------
# Monthly report and exports against hand-counted numbers
# ----------------------------------------------------------------------------------------------


def seed_november(svc: IdeaService) -> dict[str, str]:
    """Mixed statuses around November 2026; the expected counts are written out in the tests."""
    codes: dict[str, str] = {}

    def add(key: str, title: str, unit: str, submitted: dt.datetime, *moves: tuple[str, dt.datetime]) -> None:
        v = svc.submit(draft(title, unit, contact=f"09{len(codes):02d} 000 111", when=submitted), now=submitted)
        for status, when in moves:
            svc.set_status(v.code, status, by="Sở KH&CN", now=when, force=True)
        codes[key] = v.code

    # xã Tây Sơn: 2 counted in November
    add(
        "A", "Số hóa hồ sơ đất đai", "xã Tây Sơn", at(10, 20), ("đã sàng lọc", at(10, 25)), ("đang thí điểm", at(11, 3))
    )
    add(
        "B",
        "Chợ nông sản trên Zalo",
        "xã Tây Sơn",
        at(11, 5),
        ("đã sàng lọc", at(11, 6)),
        ("đã triển khai", at(11, 20)),
    )
    # phường Pleiku: 0 in November (screened only; counted in October; piloted then infeasible)
    add("D", "Bản đồ số điểm du lịch", "phường Pleiku", at(11, 2), ("đã sàng lọc", at(11, 4)))
    add("E", "Camera giao thông", "phường Pleiku", at(10, 1), ("đã sàng lọc", at(10, 5)), ("đang thí điểm", at(10, 15)))
    add(
        "F",
        "Thu gom rác thông minh",
        "phường Pleiku",
        at(11, 3),
        ("đã sàng lọc", at(11, 4)),
        ("đang thí điểm", at(11, 10)),
        ("không khả thi", at(11, 28)),
    )
    # xã Ia Hrú: 1 counted; one withdrawn
    add(
        "G",
        "Tưới nhỏ giọt cho cà phê",
        "xã Ia Hrú",
        at(11, 1),
        ("đã sàng lọc", at(11, 2)),
        ("đang thí điểm", at(11, 12)),
    )
    add("H", "Ý tưởng đã rút", "xã Ia Hrú", at(11, 1), ("đã rút", at(11, 3)))
    # Tỉnh đoàn: 1 counted (I introduced in Nov); J screened only; K introduced in October
    add(
        "I",
        "Thanh niên số hóa di tích",
        "Tỉnh đoàn",
        at(11, 2),
        ("đã sàng lọc", at(11, 3)),
        ("được giới thiệu", at(11, 9)),
    )
    add("J", "Câu lạc bộ khởi nghiệp", "Tỉnh đoàn", at(11, 4), ("đã sàng lọc", at(11, 6)))
    add(
        "K",
        "Sổ tay tình nguyện viên",
        "Tỉnh đoàn",
        at(10, 20),
        ("đã sàng lọc", at(10, 22)),
        ("được giới thiệu", at(10, 28)),
        ("đang thí điểm", at(11, 5)),
    )
    return codes


def test_monthly_report_matches_hand_count(svc: IdeaService, ctx: Context, tmp_path: Path) -> None:
    codes = seed_november(svc)
    n_live = len([u for u in ctx.catalogue().members("g-xa-phuong") if not u.defunct])
    assert n_live == 135  # Gia Lai's communes and wards (NQ 1664/NQ-UBTVQH15), xã Ia Hrú among them
    r = monthly_report(ctx, 2026, 11)
    ts, pk, ih, td = (r.line(u) for u in ("xa-tay-son", "phuong-pleiku", "xa-ia-hru", "tinh-doan"))
    assert (ts.required, ts.maximum, ts.counted, ts.missing, ts.submitted) == (1, 2, 2, 0, 1)
    assert sorted(i.code for i in ts.ideas) == sorted([codes["A"], codes["B"]])
    assert (pk.counted, pk.missing, pk.submitted) == (0, 1, 2)
    assert (ih.counted, ih.missing) == (1, 0)
    assert (td.required, td.maximum, td.counted, td.missing) == (2, None, 1, 1)
    assert [i.code for i in td.ideas] == [codes["I"]]
    # 135 communes/wards (every one, also those that sent nothing) + Tỉnh đoàn
    assert r.totals == {
        "units": 136,
        "required": 135 * 1 + 2,
        "counted": 4,
        "missing": 133 + 1,
        "behind": 134,
        "submitted": 7,
    }
    oct_ = monthly_report(ctx, 2026, 10)
    assert oct_.line("phuong-pleiku").counted == 1 and oct_.line("tinh-doan").counted == 1  # E and K
    assert oct_.line("xa-tay-son").counted == 0  # A reached "đang thí điểm" in November

    # XLSX read back: the same numbers, titles, and no contact details anywhere
    xlsx = export_xlsx(r, tmp_path / "bc.xlsx")
    wb = load_workbook(xlsx)
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[1] == (
        "Đơn vị",
        "Mã đơn vị",
        "Chỉ tiêu tối thiểu",
        "Tối đa",
        "Đã tính",
        "Còn thiếu",
        "Ý tưởng được tính",
    )
    by_unit = {row[1]: row for row in rows[2:]}
    assert by_unit["xa-tay-son"][2:6] == (1, 2, 2, 0)
    assert "Số hóa hồ sơ đất đai" in by_unit["xa-tay-son"][6] and "Chợ nông sản trên Zalo" in by_unit["xa-tay-son"][6]
    assert by_unit["phuong-pleiku"][4:6] == (0, 1)
    assert by_unit["tinh-doan"][2:6] == (2, None, 1, 1)
    assert rows[-1][0] == "Tổng cộng" and rows[-1][2] == 137 and rows[-1][4] == 4 and rows[-1][5] == 134
    everything = " ".join(str(c) for sh in wb.worksheets for row in sh.iter_rows(values_only=True) for c in row)
    assert "000 111" not in everything and "Người gửi" not in everything

    out = export_csv(r, tmp_path / "bc.csv")
    with out.open(encoding="utf-8-sig") as f:
        csv_rows = list(csv.reader(f))
    assert csv_rows[0][0] == "Đơn vị" and len(csv_rows) == 1 + 136 + 1
    assert next(x for x in csv_rows if x[1] == "tinh-doan")[4:6] == ["1", "1"]
    assert "000 111" not in out.read_text(encoding="utf-8-sig")


def test_rules_override_month_by_submitted_and_disable(svc: IdeaService, ctx: Context, tmp_path: Path) -> None:
    seed_november(svc)
    override = tmp_path / "rules.yaml"
    override.write_text("month_by: submitted\nrules:\n  - id: tinh-doan-hang-thang\n    min: 3\n", encoding="utf-8")
    rules = load_rules(override, catalogue=ctx.catalogue())
    r = monthly_report(ctx, 2026, 11, rules=rules)
    assert r.line("xa-tay-son").counted == 1  # A was submitted in October
    assert r.line("phuong-pleiku").counted == 0
    assert (r.line("tinh-doan").required, r.line("tinh-doan").counted) == (3, 1)  # K submitted in October
    override.write_text("rules:\n  - id: tinh-doan-hang-thang\n    disabled: true\n", encoding="utf-8")
    r2 = monthly_report(ctx, 2026, 11, rules=load_rules(override))
    assert r2.line("tinh-doan") is None and r2.line("xa-tay-son").counted == 2
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rules:\n  - id: x\n    applies_to: tinh-doan\n    counted_statuses: [tuyệt vời]\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="unknown status"):
        load_rules(bad)


def test_reminders_from_day_25(svc: IdeaService, ctx: Context) -> None:
    seed_november(svc)
    assert due_reminders(ctx, dt.date(2026, 11, 24)) == []
    rem = dict(due_reminders(ctx, dt.date(2026, 11, 25)))
    assert "xa-tay-son" not in rem and "xa-ia-hru" not in rem
    assert "còn thiếu 1" in rem["phuong-pleiku"] and "1/2" in rem["tinh-doan"]
    assert len(rem) == 134
    assert len(due_reminders(ctx, dt.date(2026, 11, 20), day=20)) == 134
    summary = admin_summary(ctx, dt.date(2026, 11, 25))
    assert "4/137" in summary and "134/136 đơn vị chưa đạt" in summary and "Tỉnh đoàn: 1/2 (thiếu 1)" in summary
    assert "000 111" not in summary


# ----------------------------------------------------------------------------------------------
# Privacy
# ----------------------------------------------------------------------------------------------


def test_contacts_visible_only_to_admin_and_submitter(svc: IdeaService, ctx: Context) -> None:
    flow = IdeasFlow(ctx, clock=lambda: NOW, is_admin=admin_check(ctx.settings))
    v = svc.submit(
        IdeaDraft(
            title="Đèn đường năng lượng mặt trời",
            description="Lắp đèn ở thôn xa.",
            unit="xã Tây Sơn",
            submitter_name="Lê Văn C",
            contact="0977 888 999",
            channel="zalo",
            user_id="owner",
        )
    )
    public = v.to_dict()
    assert "contact" not in public and "submitter_name" not in public and "user_key" not in public
    cases = [
        ("zalo", "owner", True),
        ("telegram", "admin1", True),
        ("telegram", "owner", False),
        ("zalo", "stranger", False),
    ]
    # The idea's status goes only to its unit's users (issue 12): the two non-submitters are bound to it.
    for key in ("telegram:owner", "zalo:stranger"):
        flow.store.bind_unit(user_key=key, unit_id=v.unit_id, unit_name=v.unit_name)
    for channel, user, sees in cases:
        m = IncomingMessage(channel=channel, user_id=user, text=f"/trangthai {v.code}")  # type: ignore[arg-type]
        reply, _ = flow.handle(m, None)
        assert ("0977 888 999" in reply.text) is sees, (channel, user)
        assert ("Lê Văn C" in reply.text) is sees
        assert ("contact" in reply.data["idea"]) is sees
    report = monthly_report(ctx, 2026, 11)
    assert "0977" not in json.dumps(report.to_dict(), ensure_ascii=False)
    quota = flow.quota(IncomingMessage(channel="telegram", user_id="admin1", text="/chitieu"), "")
    assert "0977" not in quota.text and "0977" not in json.dumps(quota.data, ensure_ascii=False)


# ----------------------------------------------------------------------------------------------
# Import
# ----------------------------------------------------------------------------------------------

HEADER = ["Đơn vị", "Tiêu đề", "Mô tả", "Lĩnh vực", "Người gửi", "Liên hệ", "Ngày gửi"]
ROWS = [
    [
        "xã Tây Sơn",
        "Nhà kính thông minh",
        "Cảm biến độ ẩm và tưới tự động.",
        "nông nghiệp",
        "Phạm D",
        "0911",
        "15/11/2026",
    ],
    ["xã Tây Sơn", "", "Thiếu tiêu đề", "khác", "", "", "16/11/2026"],
    ["Công ty XYZ", "Ý tưởng", "Đơn vị không có trong danh mục", "khác", "", "", "16/11/2026"],
    ["Tỉnh đoàn", "Bản đồ tình nguyện", "Bản đồ số các điểm tình nguyện hè.", "giáo dục", "", "", "2026-11-03"],
    ["phường Pleiku", "Ngày sai", "Mô tả", "khác", "", "", "31/02/2026"],
    ["phường Pleiku", "Lĩnh vực sai", "Mô tả", "vũ trụ", "", "", ""],
]


def check_import(svc: IdeaService, path: Path) -> None:
    res = svc.import_file(path)
    assert len(res.imported) == 2
    assert [r for r, _ in res.errors] == [3, 4, 6, 7]
    msgs = dict(res.errors)
    assert "Tiêu đề" in msgs[3] and "Không tìm thấy đơn vị" in msgs[4] and "Ngày gửi" in msgs[6]
    assert "Lĩnh vực" in msgs[7]
    first = svc.get(res.imported[0])
    assert first.created_at.date() == dt.date(2026, 11, 15) and first.field == "nông nghiệp"
    assert first.channel == "import" and first.contact == "0911"
    again = svc.import_file(path)  # idempotent
    assert again.imported == [] and [c for _, c in again.skipped] == res.imported
    assert len(svc.list()) == 2


def test_import_csv_with_bad_rows(svc: IdeaService, tmp_path: Path) -> None:
    p = tmp_path / "ytuong.csv"
    with p.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(ROWS)
    check_import(svc, p)


def test_import_xlsx_with_bad_rows(svc: IdeaService, tmp_path: Path) -> None:
    p = tmp_path / "ytuong.xlsx"
    wb = Workbook()
    wb.active.append(HEADER)
    for r in ROWS:
        r = list(r)
        if r[6] == "15/11/2026":
            r[6] = dt.datetime(2026, 11, 15)  # a real date cell
        wb.active.append(r)
    wb.save(p)
    check_import(svc, p)


# ----------------------------------------------------------------------------------------------
# Concurrency: 500 submissions from 50 users on two channels, via the store and the chat flow
# ----------------------------------------------------------------------------------------------


def test_500_concurrent_submissions(ctx: Context) -> None:
    flow = IdeasFlow(ctx, clock=ctx.clock, is_admin=admin_check(ctx.settings))
    svc = flow.service
    units = ["xã Tây Sơn", "phường Pleiku", "Tỉnh đoàn", "xã Chư Sê", "phường An Khê"]
    acks: list[str] = []
    lock = threading.Lock()

    def job(i: int) -> str:
        user = f"user{i % 50}"
        channel = "telegram" if (i % 50) % 2 == 0 else "zalo"
        title = f"Ý tưởng số {i % 20} về chuyển đổi số"
        desc = f"Mô tả ý tưởng số {i % 20}: ứng dụng công nghệ số tại cơ sở."
        unit = units[i % len(units)]
        if i % 2 == 0:
            code = svc.submit(
                IdeaDraft(title=title, description=desc, unit=unit, channel=channel, user_id=user, source="chat")
            ).code
        else:
            form = None
            for t in ("/ytuong", title, desc, "chuyển đổi số", unit, "bỏ qua", f"{user}@example.vn"):
                reply, form = flow.handle(IncomingMessage(channel=channel, user_id=user, text=t), form)  # type: ignore[arg-type]
                assert form is not None, reply.text
            reply, form = flow.handle(IncomingMessage(channel=channel, user_id=user, text="xác nhận"), form)  # type: ignore[arg-type]
            assert form is None
            code = reply.data["code"]
        with lock:
            acks.append(code)
        return code

    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(job, range(500)))
    assert len(codes) == 500 and len(set(codes)) == 500 and sorted(acks) == sorted(codes)
    with ctx.db.session() as s:
        assert s.scalar(select(func.count()).select_from(IdeaRow)) == 500
        assert s.scalar(select(func.count(func.distinct(IdeaRow.code)))) == 500
        assert s.scalar(select(func.count()).select_from(IdeaStatusRow)) == 500
        channels = dict(s.execute(select(IdeaRow.channel, func.count()).group_by(IdeaRow.channel)).all())
    assert channels == {"telegram": 250, "zalo": 250}


def test_submission_retries_when_the_sqlite_write_lock_wait_runs_out(
    svc: IdeaService, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy timeout that ran out ("database is locked") wrote nothing: the submission tries again."""
    real = ctx.db.transaction
    calls = 0

    @contextmanager
    def locked_twice() -> Iterator[Session]:
        nonlocal calls
        calls += 1
        if calls <= 2:
            raise OperationalError("INSERT INTO ideas …", {}, sqlite3.OperationalError("database is locked"))
        with real() as session:
            yield session

    monkeypatch.setattr(ctx.db, "transaction", locked_twice)
    view = svc.submit(draft("Hộp thư góp ý điện tử", "Tỉnh đoàn"))
    assert calls == 3 and view.code
    with ctx.db.session() as s:
        assert s.scalar(select(func.count()).select_from(IdeaRow)) == 1

    calls = -10  # locked on every attempt: the error surfaces after the last one
    with pytest.raises(OperationalError, match="database is locked"):
        svc.submit(draft("Hộp thư góp ý thứ hai", "Tỉnh đoàn"))


# ----------------------------------------------------------------------------------------------
# CLI
# ----------------------------------------------------------------------------------------------


def test_cli_report_submit_list_status_import(svc: IdeaService, ctx: Context, tmp_path: Path, monkeypatch) -> None:
    from troly import context as root
    from troly.cli import app

    seed_november(svc)
    monkeypatch.setattr(root, "open_context", lambda: ctx)
    runner = CliRunner()
    res = runner.invoke(
        app,
        ["ideas", "report", "--month", "2026-11", "--xlsx", str(tmp_path / "r.xlsx"), "--csv", str(tmp_path / "r.csv")],
        env={"COLUMNS": "160"},
    )
    assert res.exit_code == 0, res.output
    assert "Chỉ tiêu ý tưởng đổi mới sáng tạo tháng 11/2026" in res.output
    assert "xã Tây Sơn" in res.output and "Tỉnh đoàn" in res.output and "Tổng (136 đơn vị, 134 chưa đạt)" in res.output
    assert "000 111" not in res.output
    assert (tmp_path / "r.xlsx").exists() and (tmp_path / "r.csv").exists()

    res = runner.invoke(app, ["ideas", "report", "--month", "2026-11", "--json"])
    assert json.loads(res.output)["totals"]["counted"] == 4

    res = runner.invoke(
        app,
        [
            "ideas",
            "submit",
            "--unit",
            "xã Chư Sê",
            "--title",
            "Loa thông minh",
            "--description",
            "Loa phát thanh điều khiển từ xa.",
            "--field",
            "chuyển đổi số",
            "--contact",
            "0988 777 666",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    code = json.loads(res.output)["code"]
    res = runner.invoke(app, ["ideas", "submit", "--unit", "Công ty XYZ", "--title", "T", "--description", "D"])
    assert res.exit_code == 2 and "Không tìm thấy đơn vị" in res.output

    res = runner.invoke(app, ["ideas", "list", "--month", "2026-11", "--json"])
    listed = json.loads(res.output)
    assert code in [x["code"] for x in listed] and all("contact" not in x for x in listed)
    res = runner.invoke(app, ["ideas", "list", "--unit", "xã Chư Sê", "--contacts", "--json"])
    assert json.loads(res.output)[0]["contact"] == "0988 777 666"
    res = runner.invoke(app, ["ideas", "list"], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "Loa thông minh" in res.output and "0988" not in res.output

    res = runner.invoke(app, ["ideas", "status", code, "đã sàng lọc", "--by", "Nguyễn Q", "--note", "ok"])
    assert res.exit_code == 0 and "đã sàng lọc" in res.output and "Nguyễn Q" in res.output
    res = runner.invoke(app, ["ideas", "status", code, "mới"])
    assert res.exit_code == 2 and "Không thể chuyển" in res.output

    p = tmp_path / "in.csv"
    with p.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([HEADER, *ROWS])
    res = runner.invoke(app, ["ideas", "import", str(p)])
    assert res.exit_code == 1 and "Đã nhập 2" in res.output and "Dòng 3" in res.output


def test_rules_derived_from_extracted_tasks(svc: IdeaService, ctx: Context, tmp_path: Path, monkeypatch) -> None:
    """Bonus: a stored task quota "ít nhất 03 ý tưởng mỗi tháng" for Sở KH&CN becomes a rule; YAML wins."""
    from troly import context as root
    from troly.cli import app
    from troly.ideas.rules import rules_from_tasks, with_task_rules
    from troly.models import DocumentRow, TaskAssigneeRow, TaskRow

    with ctx.db.transaction() as s:
        s.add(
            DocumentRow(
                id="tb-2026",
                source_path="/x/tb.pdf",
                file_name="tb.pdf",
                file_sha256="0" * 64,
                file_size=1,
                source_format="pdf",
                index_key="k",
            )
        )
        s.flush()
        for i, (unit, mn) in enumerate((("so-khcn", 3), ("tinh-doan", 5))):
            t = TaskRow(
                doc_id="tb-2026",
                ordinal=i,
                text="…",
                role="lead",
                quota={
                    "min": mn,
                    "max": None,
                    "unit_noun": "ý tưởng mới",
                    "per": "month",
                    "text": f"ít nhất {mn:02d} ý tưởng mỗi tháng",
                    "subject": None,
                },
            )
            t.assignees = [TaskAssigneeRow(position=0, name=unit, unit_id=unit, role="lead")]
            s.add(t)
    base = load_rules(None)
    with ctx.db.session() as s:
        derived = rules_from_tasks(s, ctx.catalogue())
    assert {r.applies_to: r.min for r in derived} == {"so-khcn": 3, "tinh-doan": 5}
    merged = with_task_rules(base, derived, ctx.catalogue())
    r = monthly_report(ctx, 2026, 11, rules=merged)
    assert r.line("so-khcn").required == 3 and r.line("tinh-doan").required == 2  # the YAML keeps Tỉnh đoàn
    monkeypatch.setattr(root, "open_context", lambda: ctx)
    res = CliRunner().invoke(app, ["ideas", "report", "--month", "2026-11", "--from-directives", "--json"])
    assert res.exit_code == 0, res.output
    assert any(x["unit_id"] == "so-khcn" for x in json.loads(res.output)["lines"])
