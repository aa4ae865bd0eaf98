"""Progress reports through the one conversation core: /donvi, /baocao (guided and free text), /tiendo, /xacnhan."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.messages import IncomingMessage
from tests.chat_servers import tg, zl
from tests.test_followup import TZ, Clock, codes, ingest, notice
from troly.config import Settings
from troly.context import Context


@pytest.fixture
def clock() -> Clock:
    import datetime as dt

    return Clock(dt.datetime(2024, 10, 10, 9, 0, tzinfo=TZ))


@pytest.fixture
def ctx(tmp_path: Path, clock: Clock) -> Context:
    context = Context(Settings(home=tmp_path / "home", admins="telegram:admin1,zalo:admin2"), clock=clock)
    ingest(context, notice(), clock())
    return context


def say(ctx: Context, channel: str, user: str, text: str):  # type: ignore[no-untyped-def]
    return ctx.assistant().handle(IncomingMessage(channel=channel, user_id=user, text=text))  # type: ignore[arg-type]


def test_free_text_report_on_telegram_and_guided_form_on_zalo(ctx: Context) -> None:
    svc = ctx.followup_service()
    tp = codes(svc, "Sở Tư pháp")
    ra_soat = next(c for t, c in tp.items() if "rà soát" in t)
    nv = codes(svc, "Sở Nội vụ")
    kien_toan = next(c for t, c in nv.items() if "kiện toàn" in t)

    reply = say(ctx, "telegram", "11", f"{ra_soat} đã hoàn thành, đã ban hành Kế hoạch 45/KH-UBND")
    assert "/donvi" in reply.text  # no unit bound yet: nothing recorded
    assert say(ctx, "telegram", "11", "/donvi Sở Tư pháp").intent == "bind_unit"
    reply = say(ctx, "telegram", "11", f"{ra_soat} đã hoàn thành, đã ban hành Kế hoạch 45/KH-UBND")
    assert reply.intent == "followup" and f"Đã ghi nhận: {ra_soat} — Sở Tư pháp: hoàn thành." in reply.text
    assert "Kết quả / sản phẩm: Kế hoạch 45/KH-UBND" in reply.text and "hoàn thành đúng hạn" in reply.text
    # another unit's task, an unknown code
    reply = say(ctx, "telegram", "11", f"{kien_toan} đã hoàn thành")
    assert "không giao cho Sở Tư pháp" in reply.text
    assert (
        "Không tìm thấy nhiệm vụ mã NV-2024-999999" in say(ctx, "telegram", "11", "NV-2024-999999 đang thực hiện").text
    )

    # a question about a task is a look-up, not a report
    reply = say(ctx, "web", "q", f"{ra_soat} đã hoàn thành chưa?")
    assert "- Sở Tư pháp: hoàn thành; kết quả: Kế hoạch 45/KH-UBND" in reply.text
    assert "- Sở Nội vụ (phối hợp): chưa thực hiện" in reply.text

    # Zalo, guided: list → pick → status → note
    say(ctx, "zalo", "22", "/donvi Sở Nội vụ")
    reply = say(ctx, "zalo", "22", "/baocao")
    assert "Nhiệm vụ của Sở Nội vụ" in reply.text and kien_toan in reply.text and ra_soat in reply.text  # cooperates
    pick = next(i for i, line in enumerate(reply.text.splitlines()[1:]) if kien_toan in line)
    n = reply.text.splitlines()[1 + pick].split(".", 1)[0]
    reply = say(ctx, "zalo", "22", n)
    assert "Tình trạng mới?" in reply.text and any(b.data == "không thực hiện được" for b in reply.buttons)
    reply = say(ctx, "zalo", "22", "không thực hiện được")
    assert "Lý do" in reply.text
    assert "lý do" in say(ctx, "zalo", "22", "bỏ qua").text.lower()  # a reason is required
    reply = say(ctx, "zalo", "22", "chưa được bố trí biên chế")
    assert f"Đã ghi nhận: {kien_toan} — Sở Nội vụ: không thực hiện được." in reply.text
    (v,) = svc.get(kien_toan)
    assert v.note == "chưa được bố trí biên chế" and v.history[-1].channel == "zalo" and v.history[-1].by == "zalo:22"

    # the form is closed: an ordinary question is routed as usual
    assert say(ctx, "zalo", "22", "xin chào").intent == "help"


def test_admins_confirm_once_and_progress_summary(ctx: Context, clock: Clock) -> None:
    svc = ctx.followup_service()
    ra_soat = next(c for t, c in codes(svc, "Sở Tư pháp").items() if "rà soát" in t)
    say(ctx, "telegram", "11", "/donvi Sở Tư pháp")
    say(ctx, "telegram", "11", f"/baocao {ra_soat} hoàn thành Công văn 88/STP-VP")

    assert say(ctx, "telegram", "11", f"/xacnhan {ra_soat} Sở Tư pháp").intent == "denied"
    reply = say(ctx, "telegram", "admin1", f"/xacnhan {ra_soat} Sở Tư pháp")
    assert reply.text == f"Đã xác nhận hoàn thành: {ra_soat} — Sở Tư pháp."
    # two admins reopen the same completion: the second is told it is no longer done
    reply = say(ctx, "zalo", "admin2", f"/molai {ra_soat} Sở Tư pháp thiếu phụ lục")
    assert f"Đã mở lại: {ra_soat} — Sở Tư pháp (đang thực hiện)." == reply.text
    reply = say(ctx, "telegram", "admin1", f"/molai {ra_soat} Sở Tư pháp")
    assert "không có gì để mở lại" in reply.text
    (v,) = [x for x in svc.get(ra_soat) if x.unit_name == "Sở Tư pháp"]
    assert [e.action for e in v.history] == ["ingest", "report", "confirm", "reopen"]

    import datetime as dt

    clock.now = dt.datetime(2024, 12, 1, 9, 0, tzinfo=TZ)
    reply = say(ctx, "telegram", "11", "/tiendo")
    assert reply.intent == "followup" and "Sở Tư pháp" in reply.text and "Hoàn thành 0/2 nhiệm vụ" in reply.text
    assert "quá hạn chưa hoàn thành: 1" in reply.text and "thường xuyên: 1" in reply.text
    reply = say(ctx, "web", "x", "/tiendo")
    assert "toàn tỉnh" in reply.text and "Hoàn thành 0/5 nhiệm vụ" in reply.text


def test_guided_report_refuses_a_change_made_meanwhile(ctx: Context) -> None:
    svc = ctx.followup_service()
    code = next(c for t, c in codes(svc, "Tỉnh đoàn").items() if "Tổ công" in t)
    say(ctx, "telegram", "33", "/donvi Tỉnh đoàn")
    reply = say(ctx, "telegram", "33", "/baocao")
    say(ctx, "telegram", "33", "1")
    say(ctx, "telegram", "33", "hoàn thành")
    # meanwhile a colleague on Zalo reports the same line
    say(ctx, "zalo", "44", "/donvi Tỉnh đoàn")
    assert "Đã ghi nhận" in say(ctx, "zalo", "44", f"{code} đang thực hiện, đã thành lập 12 tổ").text
    reply = say(ctx, "telegram", "33", "bỏ qua")
    assert "vừa được người khác cập nhật" in reply.text and "đang thực hiện" in reply.text
    (v,) = svc.get(code)
    assert v.status == "đang thực hiện" and [e.by for e in v.history] == ["hệ thống", "zalo:44"]
    assert say(ctx, "telegram", "33", "xin chào").intent == "help"  # the form was closed


async def test_opt_in_digest_and_reminders_arrive_once(ctx: Context, clock: Clock) -> None:
    """/theodoi: Monday's digest and the 7-day and 1-day reminders, each once per user and day even
    with several workers delivering; /huytheodoi stops them."""
    import datetime as dt

    from bot.core.reminders import collect_reminders, deliver_reminders

    svc = ctx.followup_service()
    code = next(c for t, c in codes(svc, "Tỉnh đoàn").items() if "Tổ công" in t)  # due 30/11/2024
    assert "/donvi" in say(ctx, "telegram", "55", "/theodoi").text  # no unit yet
    say(ctx, "telegram", "55", "/donvi Tỉnh đoàn")
    assert "Đã đăng ký nhận tổng hợp nhiệm vụ của Tỉnh đoàn" in say(ctx, "telegram", "55", "/theodoi").text
    assert "quá hạn của toàn tỉnh" in say(ctx, "telegram", "admin1", "/theodoi").text
    say(ctx, "telegram", "66", "/donvi Tỉnh đoàn")  # bound but not subscribed: gets nothing

    def messages(day: dt.date) -> dict[str, str]:
        clock.now = dt.datetime.combine(day, dt.time(8), tzinfo=TZ)
        return dict(collect_reminders(ctx.assistant(), day))

    week = messages(dt.date(2024, 11, 18))  # a Monday: nothing due this week, nothing overdue yet
    assert "telegram:66" not in week
    assert "Nhiệm vụ quá hạn chưa hoàn thành" in week["telegram:admin1"]  # Sở Tư pháp's 15/10 line
    seven = messages(dt.date(2024, 11, 23))
    assert "Còn 7 ngày đến hạn (30/11/2024)" in seven["telegram:55"] and code in seven["telegram:55"]
    assert "/huytheodoi" in seven["telegram:55"]
    assert "Còn 1 ngày đến hạn" in messages(dt.date(2024, 11, 29))["telegram:55"]
    assert "Nhắc hạn" not in messages(dt.date(2024, 11, 27)).get("telegram:55", "")  # (idea quota texts may come)

    # three workers deliver the same day: one message
    sent: list[tuple[str, str]] = []

    async def send(user_id: str, body: str) -> None:
        sent.append((user_id, body))

    day = dt.date(2024, 11, 25)  # Monday of the deadline's week: the digest
    clock.now = dt.datetime.combine(day, dt.time(8), tzinfo=TZ)
    for _ in range(3):
        await deliver_reminders(ctx.assistant(), "telegram", day, send, (RuntimeError,))
    mine = [body for user, body in sent if user == "55"]
    assert len(mine) == 1 and "Đến hạn trong tuần này" in mine[0] and code in mine[0]

    assert "Đã ngừng" in say(ctx, "telegram", "55", "/huytheodoi").text
    assert "Nhắc hạn" not in messages(dt.date(2024, 11, 29)).get("telegram:55", "")


async def test_reports_over_telegram_and_zalo_fake_servers(tmp_path: Path, clock: Clock, tg, zl) -> None:  # type: ignore[no-untyped-def]
    """The real Telegram application (fake Bot API) and the real Zalo webhook (fake Zalo API) reach
    the same follow-up: a guided /baocao with buttons on Telegram, a free-text line on Zalo."""
    from bot.core.assistant import Assistant
    from tests.test_ideas_channels import SECRET, TelegramInbox, TelegramUser, ZaloUser, telegram_bot, zalo_webhook

    settings = Settings(
        home=tmp_path / "home",
        telegram_token=tg.token,
        telegram_base_url=tg.base_url,
        zalo_token=zl.token,
        zalo_base_url=zl.base_url,
        zalo_webhook_secret=SECRET,
    )
    ctx = Context(settings, clock=clock)
    ingest(ctx, notice(), clock())
    svc = ctx.followup_service()
    to_cns = next(c for t, c in codes(svc, "Tỉnh đoàn").items() if "Tổ công" in t)
    kien_toan = next(c for t, c in codes(svc, "Sở Nội vụ").items() if "kiện toàn" in t)

    user = TelegramUser(tg, TelegramInbox(tg), 7001)
    async with telegram_bot(ctx, Assistant(ctx), tg):
        await user.say("/donvi Tỉnh đoàn")
        listing = await user.say("/baocao")
        assert to_cns in listing["text"]
        assert "Tình trạng mới?" in (await user.press("1"))["text"]
        assert "Kết quả / sản phẩm" in (await user.press("Hoàn thành"))["text"]
        done = await user.press("Bỏ qua")
    assert f"Đã ghi nhận: {to_cns} — Tỉnh đoàn: hoàn thành." in done["text"]

    async with zalo_webhook(ctx, Assistant(ctx), zl) as http:
        z = ZaloUser(zl, http, "zalo-nv")
        await z.say("/donvi Sở Nội vụ")
        reply = await z.say(f"{kien_toan} đã hoàn thành, đã ban hành Quyết định 1234/QĐ-UBND")
    assert f"Đã ghi nhận: {kien_toan} — Sở Nội vụ: hoàn thành." in reply and "Quyết định 1234/QĐ-UBND" in reply
    channels = {v.code: v.history[-1].channel for c in (to_cns, kien_toan) for v in svc.get(c)}
    assert channels == {to_cns: "telegram", kien_toan: "zalo"}


def test_reminder_days_come_from_the_settings(tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """TROLY_REMINDER_DAYS="14,3": subscribers are reminded 14 and 3 days before a deadline, not 7 and 1;
    a value that is not a list of whole days is refused at start-up, naming the setting."""
    import datetime as dt

    from pydantic import ValidationError

    from bot.core.reminders import collect_reminders

    monkeypatch.setenv("TROLY_REMINDER_DAYS", "3, 14,3")
    settings = Settings(home=tmp_path / "home")
    assert settings.reminder_days == (14, 3)
    ctx = Context(settings, clock=clock)
    ingest(ctx, notice(), clock())
    code = next(c for t, c in codes(ctx.followup_service(), "Tỉnh đoàn").items() if "Tổ công" in t)  # due 30/11/2024
    say(ctx, "zalo", "77", "/donvi Tỉnh đoàn")
    assert "nhắc trước hạn 14 ngày, 3 ngày" in say(ctx, "zalo", "77", "/theodoi").text

    def reminder(day: dt.date) -> str:
        clock.now = dt.datetime.combine(day, dt.time(8), tzinfo=TZ)
        text = dict(collect_reminders(ctx.assistant(), day)).get("zalo:77", "")
        return text if "Nhắc hạn" in text else ""

    assert "Còn 14 ngày đến hạn (30/11/2024)" in reminder(dt.date(2024, 11, 16)) and code in reminder(
        dt.date(2024, 11, 16)
    )
    assert "Còn 3 ngày đến hạn (30/11/2024)" in reminder(dt.date(2024, 11, 27))
    assert reminder(dt.date(2024, 11, 23)) == "" and reminder(dt.date(2024, 11, 29)) == ""  # not 7 nor 1
    on_the_day = dict(ctx.followup_service().digests(dt.date(2024, 11, 30), days=(0,)))["zalo:77"]
    assert "Đến hạn hôm nay (30/11/2024)" in on_the_day and code in on_the_day

    monkeypatch.setenv("TROLY_REMINDER_DAYS", "")
    assert Settings(home=tmp_path / "home").reminder_days == ()  # no deadline reminders
    for bad, why in (("7,x", "valid integer"), ("400", "from 0 to 366"), ("-1", "from 0 to 366")):
        monkeypatch.setenv("TROLY_REMINDER_DAYS", bad)
        with pytest.raises(ValidationError, match=why) as err:
            Settings(home=tmp_path / "home")
        assert "reminder_days" in str(err.value)


def test_weekly_digest_leaves_out_a_recurring_duty_already_reported_this_period(ctx: Context, clock: Clock) -> None:
    """The scripted month found it: Sở Tư pháp's monthly report, reported done for November on 07/11,
    was still listed as due in every November Monday's digest; it is left out until December."""
    import datetime as dt

    svc = ctx.followup_service()
    monthly = next(c for t, c in codes(svc, "Sở Tư pháp").items() if "hằng tháng" in t)
    say(ctx, "telegram", "12", "/donvi Sở Tư pháp")
    say(ctx, "telegram", "12", "/theodoi")

    def digest(day: dt.date) -> str:
        clock.now = dt.datetime.combine(day, dt.time(8), tzinfo=TZ)
        return dict(svc.digests(day)).get("telegram:12", "")

    assert "Nhiệm vụ thường xuyên trong kỳ (1)" in digest(dt.date(2024, 11, 4)) and monthly in digest(
        dt.date(2024, 11, 4)
    )
    clock.now = dt.datetime(2024, 11, 7, 10, 0, tzinfo=TZ)
    assert "Đã ghi nhận kỳ 2024-11" in say(ctx, "telegram", "12", f"{monthly} đã hoàn thành, Báo cáo 301/BC-STP").text
    november = digest(dt.date(2024, 11, 11))
    assert "Quá hạn chưa hoàn thành (1)" in november  # the 15/10 line still is
    assert monthly not in november and "thường xuyên" not in november
    assert monthly in digest(dt.date(2024, 12, 2))  # December's report is due again
