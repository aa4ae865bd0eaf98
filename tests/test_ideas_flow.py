"""The /ytuong chat form on IdeasFlow directly: every step, skip, edit, confirm, cancel, timeout."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.ideas_flow import RESUME_QUESTION, FormState, IdeasFlow
from bot.core.messages import IncomingMessage
from bot.core.services import admin_check
from troly.config import Settings
from troly.context import Context
from troly.ideas import IdeaService
from troly.models import UserProfileRow

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 10, 9, 0, tzinfo=TZ)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += dt.timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def flow(tmp_path: Path, embedder, clock: Clock) -> IdeasFlow:
    ctx = Context(Settings(home=tmp_path / "home", admins="telegram:admin1"), embedder=embedder)
    return IdeasFlow(ctx, clock=clock, is_admin=admin_check(ctx.settings))


def msg(text: str, user: str = "u1", channel: str = "telegram", name: str | None = "Nguyễn Văn A") -> IncomingMessage:
    return IncomingMessage(channel=channel, user_id=user, text=text, display_name=name)  # type: ignore[arg-type]


class Chat:
    """Drives the flow like the conversation core: persists the form as JSON between messages."""

    def __init__(self, flow: IdeasFlow, user: str = "u1", channel: str = "telegram") -> None:
        self.flow, self.user, self.channel = flow, user, channel
        self.form: dict | None = None

    def say(self, text: str):  # type: ignore[no-untyped-def]
        reply, form = self.flow.handle(msg(text, self.user, self.channel), self.form)
        if form is not None:
            assert "updated_at" in form
            form = json.loads(json.dumps(form))  # must survive the SQL JSON column
        self.form = form
        return reply

    @property
    def state(self) -> str | None:
        return self.form["state"] if self.form else None


def fill_to_confirm(chat: Chat, *, unit: str = "xã Tây Sơn") -> None:
    chat.say("/ytuong")
    chat.say("Số hóa hồ sơ đất đai")
    chat.say("Quét và lập chỉ mục hồ sơ đất đai của xã để tra cứu nhanh.")
    chat.say("chuyển đổi số")
    chat.say(unit)
    chat.say("Trần Thị B")
    chat.say("0905 123 456")
    assert chat.state == FormState.CONFIRM.value


def test_wants(flow: IdeasFlow) -> None:
    for t in (
        "/ytuong",
        "/ytuong@troly_bot",
        "/trangthai YT-2026-000001",
        "tôi muốn gửi ý tưởng",
        "Gửi ý tưởng",
        "/ytuong trangthai YT-2026-000123",
        "tra cứu YT-2026-000001",
    ):
        assert flow.wants(t), t
    for t in ("hạn chót tháng này", "nhiệm vụ của Sở Y tế", "ý kiến của tỉnh"):
        assert not flow.wants(t), t


def test_full_submission_every_step_and_status(flow: IdeasFlow) -> None:
    chat = Chat(flow)
    r = chat.say("tôi muốn gửi ý tưởng")
    assert chat.state == "title" and "Tiêu đề" in r.text and any(b.data == "/huy" for b in r.buttons)
    r = chat.say("Số hóa hồ sơ đất đai")
    assert chat.state == "description" and "Mô tả" in r.text
    r = chat.say("Quét và lập chỉ mục hồ sơ đất đai của xã để tra cứu nhanh.")
    assert chat.state == "field" and any(b.label == "nông nghiệp" for b in r.buttons)
    r = chat.say("1")  # number of "chuyển đổi số"
    assert chat.state == "unit" and chat.form["data"]["field"] == "chuyển đổi số"
    r = chat.say("UBND xã Tây Sơn")
    assert chat.state == "submitter" and chat.form["data"]["unit_id"] == "xa-tay-son"
    assert any(b.data == "bỏ qua" for b in r.buttons)
    chat.say("Trần Thị B")
    r = chat.say("tranthib@example.vn")
    assert chat.state == "confirm"
    assert [b.label for b in r.buttons] == ["Xác nhận", "Sửa", "Hủy"]
    assert "Số hóa hồ sơ đất đai" in r.text and "xã Tây Sơn" in r.text and "tranthib@example.vn" in r.text
    r = chat.say("xác nhận")
    assert chat.form is None
    code = r.data["code"]
    assert code.startswith("YT-2026-") and code in r.text and len(code) == len("YT-2026-000123")

    # remembered per user: the unit is bound in user_profiles and offered next time
    with flow.ctx.db.session() as s:
        prof = s.get(UserProfileRow, "telegram:u1")
        assert prof.unit_id == "xa-tay-son"
    chat.say("/ytuong")
    chat.say("Tiêu đề 2")
    chat.say("Mô tả 2 đủ dài")
    r = chat.say("y tế")
    assert chat.state == "unit" and any(b.data == "xã Tây Sơn" for b in r.buttons) and "xã Tây Sơn" in r.text
    chat.say("/huy")

    # status by id: the submitter sees the contact, another user of the unit does not, an admin does;
    # a user of another unit or of none does not see the idea at all (issue 12)
    flow.store.bind_unit(user_key="telegram:u2", unit_id="xa-tay-son", unit_name="xã Tây Sơn")
    flow.store.bind_unit(user_key="telegram:u3", unit_id="so-tu-phap", unit_name="Sở Tư pháp")
    for stranger in ("u3", "u4"):
        denied, _ = flow.handle(msg(f"/trangthai {code}", stranger), None)
        assert "Số hóa hồ sơ đất đai" not in denied.text and "xã Tây Sơn" not in denied.text
        assert denied.data.get("denied") and "/donvi" in denied.text
    own, _ = flow.handle(msg(f"/trangthai {code}", "u1"), None)
    assert "mới" in own.text and "tranthib@example.vn" in own.text
    other, _ = flow.handle(msg(f"/ytuong trangthai {code.lower()}", "u2"), None)
    assert "Số hóa hồ sơ đất đai" in other.text and "tranthib" not in other.text and "Trần Thị B" not in other.text
    assert "contact" not in other.data["idea"]
    adm, _ = flow.handle(msg(f"/trangthai {code}", "admin1"), None)
    assert "tranthib@example.vn" in adm.text
    flow.service.set_status(code, "đã sàng lọc", by="Phòng QLKH")
    upd, _ = flow.handle(msg(f"/trangthai {code}", "u2"), None)
    assert "đã sàng lọc" in upd.text and "Phòng QLKH" not in upd.text
    missing, _ = flow.handle(msg("/trangthai YT-2026-999999", "u2"), None)
    assert "Không tìm thấy" in missing.text
    mine, _ = flow.handle(msg("/trangthai", "u1"), None)
    assert code in mine.text


def test_skip_optional_and_display_name_button(flow: IdeasFlow) -> None:
    chat = Chat(flow, user="u9", channel="zalo")
    chat.say("/ytuong")
    chat.say("Chợ nông sản trực tuyến")
    chat.say("Kết nối nông dân với người mua qua Zalo OA của xã.")
    chat.say("nong nghiep")  # accent-free
    r = chat.say("Tỉnh đoàn")
    assert any(b.data == "Nguyễn Văn A" for b in r.buttons)
    chat.say("bỏ qua")
    r = chat.say("Bỏ qua")
    assert chat.state == "confirm" and "(không ghi)" in r.text
    r = chat.say("Xác nhận")
    view = flow.service.get(r.data["code"])
    assert view.submitter_name is None and view.contact is None and view.field == "nông nghiệp"
    assert view.channel == "zalo" and view.user_key == "zalo:u9" and view.unit_id == "tinh-doan"


def test_edit_from_confirmation(flow: IdeasFlow) -> None:
    chat = Chat(flow)
    fill_to_confirm(chat)
    r = chat.say("Sửa")
    assert chat.state == "edit" and any(b.data == "sửa:title" for b in r.buttons)
    chat.say("sửa:title")
    assert chat.state == "title"
    r = chat.say("Số hóa hồ sơ địa chính")
    assert chat.state == "confirm" and "Số hóa hồ sơ địa chính" in r.text  # straight back to the summary
    chat.say("sửa")
    chat.say("Đơn vị")
    r = chat.say("phường Pleiku")
    assert chat.state == "confirm" and "phường Pleiku" in r.text
    chat.say("sửa")
    chat.say("quay lại")
    assert chat.state == "confirm"
    r = chat.say("xác nhận")
    view = flow.service.get(r.data["code"])
    assert view.title == "Số hóa hồ sơ địa chính" and view.unit_id == "phuong-pleiku"


@pytest.mark.parametrize("steps", range(8))
def test_cancel_in_every_state(flow: IdeasFlow, steps: int) -> None:
    answers = ["Tiêu đề", "Mô tả ý tưởng", "khác", "xã Tây Sơn", "bỏ qua", "bỏ qua", "sửa"]
    chat = Chat(flow)
    chat.say("/ytuong")
    for a in answers[:steps]:
        chat.say(a)
    expected = ["title", "description", "field", "unit", "submitter", "contact", "confirm", "edit"][steps]
    assert chat.state == expected
    r = chat.say("hủy" if steps % 2 else "/huy")
    assert chat.form is None and "hủy" in r.text.lower()
    assert flow.service.list() == []


def test_cancel_from_resume_question(flow: IdeasFlow, clock: Clock) -> None:
    chat = Chat(flow)
    chat.say("/ytuong")
    chat.say("Tiêu đề")
    clock.advance(minutes=31)
    r = chat.say("Mô tả")
    assert r.text == RESUME_QUESTION and chat.state == "resume"
    assert [b.label for b in r.buttons] == ["Tiếp tục", "Hủy"]
    r = chat.say("Hủy")
    assert chat.form is None
    assert flow.service.list() == []


def test_timeout_then_resume(flow: IdeasFlow, clock: Clock) -> None:
    chat = Chat(flow)
    chat.say("/ytuong")
    chat.say("Ứng dụng đặt lịch khám bệnh")
    clock.advance(minutes=29)
    chat.say("Đặt lịch khám ở trạm y tế xã qua điện thoại.")  # within 30 min: no question
    assert chat.state == "field"
    clock.advance(hours=5)
    r = chat.say("y tế")
    assert r.text == RESUME_QUESTION and chat.state == "resume"
    r = chat.say("có lẽ")  # neither answer: asked again
    assert chat.state == "resume"
    r = chat.say("Tiếp tục")
    assert chat.state == "field" and "Lĩnh vực" in r.text
    chat.say("y tế")
    chat.say("xã Chư Sê")
    chat.say("bỏ qua")
    chat.say("bỏ qua")
    r = chat.say("xác nhận")
    assert flow.service.get(r.data["code"]).field == "y tế"


def test_bad_input_is_asked_again(flow: IdeasFlow) -> None:
    chat = Chat(flow)
    chat.say("/ytuong")
    r = chat.say("😀😀🎉")
    assert chat.state == "title" and "chữ" in r.text
    chat.say("<script>alert(1)</script>")
    assert chat.state == "description"
    r = chat.say("x" * 10_000)
    assert chat.state == "description" and "quá dài" in r.text and "3.000" in r.text
    chat.say("'; DROP TABLE ideas; --")
    r = chat.say("lĩnh vực lạ")
    assert chat.state == "field" and "Lĩnh vực chưa đúng" in r.text
    chat.say("khác")
    chat2 = Chat(flow, user="u2")
    fill = ["/ytuong", "T", "D", "khác"]
    for f in fill:
        chat2.say(f)
    r = chat2.say("Công ty ABC")
    assert chat2.state == "unit" and "Không tìm thấy đơn vị" in r.text
    r = chat2.say("UBND các xã, phường")
    assert chat2.state == "unit" and "nhóm" in r.text
    assert flow.service.list() == []


def test_confirm_twice_stores_once(flow: IdeasFlow) -> None:
    chat = Chat(flow)
    fill_to_confirm(chat)
    form = chat.form
    r1, f1 = flow.handle(msg("xác nhận"), form)
    r2, f2 = flow.handle(msg("xác nhận"), form)  # redelivered webhook with the old state
    assert f1 is None and f2 is None
    assert r1.data["code"] == r2.data["code"] and r2.data["created"] is False
    assert len(flow.service.list()) == 1


def test_quota_progress(flow: IdeasFlow, clock: Clock) -> None:
    svc: IdeaService = flow.service
    chat = Chat(flow)
    fill_to_confirm(chat)
    code = chat.say("xác nhận").data["code"]
    r = flow.quota(msg("/chitieu", "u1"), "")
    assert "xã Tây Sơn" in r.text and "0 ý tưởng được tính" in r.text and "Còn thiếu 1" in r.text
    svc.set_status(code, "đã sàng lọc", by="admin")
    svc.set_status(code, "đang thí điểm", by="admin")
    r = flow.quota(msg("/chitieu", "u1"), "11/2026")
    assert r.data["counted"] == 1 and r.data["missing"] == 0 and "đã đạt" in r.text
    r = flow.quota(msg("/chitieu", "nobody"), "")
    assert "/donvi" in r.text
    r = flow.quota(msg("/chitieu", "admin1"), "2026-11")
    assert "đơn vị chưa đạt" in r.text and "Tỉnh đoàn" in r.text
    assert "0905" not in r.text


def test_uncatalogued_commune_through_the_form_and_quota(flow: IdeasFlow) -> None:
    chat = Chat(flow, user="u5", channel="zalo")
    r = flow.quota(msg("/chitieu", "u5", "zalo"), "")
    assert "/donvi" in r.text
    fill_to_confirm(chat, unit="xã Ia Hrú")  # not in the catalogue: recognised by pattern
    r = flow.quota(msg("/chitieu", "u5", "zalo"), "")  # profile bound by the form, no idea sent yet
    assert "xã Ia Hrú" in r.text and r.data["required"] == 1 and r.data["counted"] == 0
    code = chat.say("xác nhận").data["code"]
    view = flow.service.get(code)
    assert view.unit_name == "xã Ia Hrú" and view.unit_id == "xa-ia-hru"
    st, _ = flow.handle(msg(f"/trangthai {code}", "u5", "zalo"), None)
    assert "Đơn vị: xã Ia Hrú" in st.text


@pytest.mark.parametrize(
    "text",
    [
        "Mỗi xã phải giới thiệu bao nhiêu ý tưởng mỗi tháng?",  # "ý tưởng mỗi" folds like "ý tưởng mới"
        "Tỉnh đoàn tháng này đã giới thiệu được bao nhiêu ý tưởng?",
        "moi xa gioi thieu bao nhieu y tuong moi thang",
    ],
)
def test_a_question_about_ideas_does_not_open_the_form(text: str) -> None:
    from bot.core.ideas_flow import IdeasFlow

    assert not IdeasFlow.wants(None, text)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text", ["gửi ý tưởng", "Tôi muốn gửi ý tưởng mới", "gui y tuong", "Ý tưởng mới về chuyển đổi số"]
)
def test_asking_to_send_an_idea_opens_the_form(text: str) -> None:
    from bot.core.ideas_flow import IdeasFlow

    assert IdeasFlow.wants(None, text)  # type: ignore[arg-type]
