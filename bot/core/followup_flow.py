"""Progress reports from chat: ``/baocao`` (a guided form or one free-text line), ``/tiendo``,
and the office's ``/xacnhan`` / ``/molai``.

Why here, in the core: Telegram, Zalo and the web page all reach it through ``Conversation``, so
the rules are written once. A user reports only for the unit bound with ``/donvi`` and only that
unit's own lines; the guided form remembers the version of the line it showed, so a change made
meanwhile by someone else is refused instead of overwritten. The form state is a JSON dict the
conversation core persists between messages (workers are stateless); "/huy" cancels it anywhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from bot.core.commands import split_command
from bot.core.messages import Button, IncomingMessage, Reply
from bot.core.services import AdminCheck, CoreServices
from troly.chat_store import ChatStore
from troly.clock import Clock
from troly.errors import TrolyError
from troly.followup import (
    CODE_RE,
    DONE,
    FAILED,
    IN_PROGRESS,
    AssigneeView,
    FollowupService,
    UnitRef,
)
from troly.text import collapse_ws, fold

__all__ = ["FORM_NAME", "FollowupFlow", "ReportStep"]

logger = logging.getLogger(__name__)

FORM_NAME = "baocao"
_MAX_LISTED = 10
_COMMANDS = ("/baocao", "/tiendo", "/xacnhan", "/molai", "/theodoi", "/huytheodoi")
_CANCEL = {"/huy", "huy", "huy bo", "/cancel", "cancel", "dung", "/dung"}
_SKIP = {"bo qua", "/boqua", "skip", "khong", "-"}
# Status words in a free-text report, most specific first ("không thực hiện được" before "thực hiện").
_STATUS_WORDS: tuple[tuple[str, str], ...] = (
    ("khong thuc hien duoc", FAILED),
    ("khong the thuc hien", FAILED),
    ("chua hoan thanh", IN_PROGRESS),
    ("dang thuc hien", IN_PROGRESS),
    ("dang trien khai", IN_PROGRESS),
    ("hoan thanh", DONE),
    ("da xong", DONE),
)
_STATUS_BUTTONS = [Button("Đang thực hiện", "đang thực hiện"), Button("Hoàn thành", "hoàn thành"),
                   Button("Không thực hiện được", "không thực hiện được"), Button("Hủy", "/huy")]  # fmt: skip

_Step = Callable[[IncomingMessage, str, dict[str, Any]], tuple[Reply, dict[str, Any] | None]]


class ReportStep(StrEnum):
    PICK = "pick"
    STATUS = "status"
    NOTE = "note"


def _key(text: str) -> str:
    return collapse_ws(fold(text or "")).strip(" .!?")


def status_in(text: str) -> str | None:
    """The status a free-text report states ("NV-12 đã hoàn thành, …" → "hoàn thành"), else None."""
    k = _key(text)
    return next((status for words, status in _STATUS_WORDS if words in k), None)


def _is_lookup(text: str, code: str) -> bool:
    """A question about a task ("NV-12 đã hoàn thành chưa?") or the bare code, not a report."""
    t = collapse_ws(text)
    return t.endswith("?") or len(t) <= len(code) + 2


def _reminder_days_text(days: tuple[int, ...]) -> str:
    """ " và nhắc trước hạn 7 ngày, 1 ngày" for the configured reminder days (0: on the due day)."""
    before = ", ".join(f"{n} ngày" for n in days if n)
    parts = [f"trước hạn {before}" if before else "", "đúng ngày đến hạn" if 0 in days else ""]
    said = " và ".join(p for p in parts if p)
    return f" và nhắc {said}" if said else ""


def _line(n: int | None, v: AssigneeView) -> str:
    head = f"{n}. " if n is not None else ""
    text = v.text if len(v.text) <= 160 else v.text[:160].rsplit(" ", 1)[0] + " …"
    due = f" — hạn: {v.due}" if v.due else ""
    return f"{head}{v.code}: {text}{due}\n   Tình trạng: {v.status}" + (f" ({v.category})" if v.category else "")


class FollowupFlow:
    """``/baocao``, ``/tiendo``, ``/xacnhan``, ``/molai`` and free-text progress reports."""

    def __init__(self, services: CoreServices, *, clock: Clock, is_admin: AdminCheck) -> None:
        self.ctx = services
        self.is_admin = is_admin
        self.service: FollowupService = services.followup_service(clock=clock)
        self.store = ChatStore(services.db)

    # ---- entry points -------------------------------------------------------------------------

    def wants(self, text: str) -> bool:
        """A follow-up command, or a free-text line with a task code and a status."""
        cmd, _rest = split_command(text)
        if cmd:
            return cmd in _COMMANDS
        m = CODE_RE.search(text)
        return m is not None and (status_in(text) is not None or _is_lookup(text, m.group(0)))

    def handle(self, msg: IncomingMessage, form: dict[str, Any] | None) -> tuple[Reply, dict[str, Any] | None]:
        """One message; returns the reply and the form to keep (None: no open form)."""
        text = (msg.text or "").strip()
        cmd, rest = split_command(text)
        if form is not None and _key(text) in _CANCEL:
            return Reply("Đã hủy báo cáo. Gõ /baocao khi bạn muốn báo cáo lại.", intent="followup"), None
        try:
            if cmd == "/tiendo":
                return self._progress(msg, rest), form
            if cmd in ("/theodoi", "/huytheodoi"):
                return self._subscription(msg, cmd), form
            if cmd in ("/xacnhan", "/molai"):
                return self._admin(msg, cmd, rest), form
            if cmd == "/baocao":
                return self._start(msg, rest)
            if form is not None:
                step: _Step = getattr(self, f"_on_{ReportStep(form.get('step') or 'pick').value}")
                return step(msg, text, form)
            return self._free_text(msg, text), None
        except TrolyError as e:
            logger.info("follow-up refused for %s: %s", msg.user_key, e)
            return Reply(e.user_message, intent="followup"), None

    # ---- helpers ------------------------------------------------------------------------------

    def _unit(self, msg: IncomingMessage) -> UnitRef | None:
        profile = self.store.profile(user_key=msg.user_key)
        if profile and profile.unit_id:
            return UnitRef(profile.unit_id, profile.unit_name or profile.unit_id)
        return None

    def _need_unit(self) -> Reply:
        return Reply(
            "Bạn chưa chọn đơn vị. Gõ /donvi <tên đơn vị> (ví dụ: /donvi Sở Tư pháp) rồi báo cáo lại.",
            intent="followup",
        )

    def _save(
        self, msg: IncomingMessage, code: str, status: str, note: str | None, *, version: int | None = None
    ) -> Reply:
        unit = self._unit(msg)
        admin = self.is_admin(msg)
        if unit is None and not admin:
            return self._need_unit()
        v = self.service.report_status(
            code,
            status,
            unit=unit,
            by=msg.user_key,
            channel=msg.channel,
            note=note,
            admin=admin,
            expected_version=version,
        )
        if v.period:
            lines = [f"Đã ghi nhận kỳ {v.period}: {v.code} — {v.unit_name}: {v.period_status} (nhiệm vụ thường xuyên)."]
        else:
            lines = [f"Đã ghi nhận: {v.code} — {v.unit_name}: {v.status}."]
        if v.category:
            lines.append(f"Phân loại: {v.category}.")
        if v.result:
            lines.append(f"Kết quả / sản phẩm: {v.result}.")
        if status == DONE:
            lines.append("Văn phòng sẽ xác nhận kết quả.")
        return Reply("\n".join(lines), intent="followup", data=v.to_dict())

    # ---- free text and the guided form --------------------------------------------------------

    def _free_text(self, msg: IncomingMessage, text: str) -> Reply:
        m = CODE_RE.search(text)
        if m is not None and _is_lookup(text, m.group(0)):
            return self._show(m.group(0))
        status = status_in(text)
        if m is None or status is None:
            return Reply(
                "Hãy ghi mã nhiệm vụ và tình trạng, ví dụ: “NV-2026-000123 đã hoàn thành, đã ban hành "
                "Kế hoạch 45/KH-UBND”, hoặc gõ /baocao để được hướng dẫn.",
                intent="followup",
            )
        note = collapse_ws((text[: m.start()] + " " + text[m.end() :]).strip(" ,.:;-"))
        return self._save(msg, m.group(0), status, note or None)

    def _show(self, code: str) -> Reply:
        """ "NV-2026-000123?" or the bare code: every unit's status of that assignment."""
        views = self.service.get(code)
        if not views:
            return Reply(f"Không tìm thấy nhiệm vụ mã {code}.", intent="followup")
        lines = [_line(None, views[0]).split("\n")[0]]
        for v in views:
            role = " (phối hợp)" if v.role == "cooperate" else ""
            extra = f"; kết quả: {v.result}" if v.result else ""
            flag = ", đã xác nhận" if v.confirmed else ""
            lines.append(f"- {v.unit_name}{role}: {v.status}{flag}{extra}")
        return Reply("\n".join(lines), intent="followup", data={"lines": [v.to_dict() for v in views]})

    def _start(self, msg: IncomingMessage, rest: str) -> tuple[Reply, dict[str, Any] | None]:
        if rest:  # "/baocao NV-12 hoàn thành …": the one-line form
            return self._free_text(msg, rest), None
        unit = self._unit(msg)
        if unit is None:
            return self._need_unit(), None
        views = [v for v in self.service.of_unit(unit) if not v.confirmed]
        if not views:
            return Reply(f"{unit.name} không có nhiệm vụ nào đang chờ báo cáo.", intent="followup"), None
        shown = views[:_MAX_LISTED]
        lines = [f"Nhiệm vụ của {unit.name} ({len(views)}). Chọn số thứ tự hoặc gõ mã nhiệm vụ:"]
        lines += [_line(n, v) for n, v in enumerate(shown, start=1)]
        if len(views) > _MAX_LISTED:
            lines.append(f"… và {len(views) - _MAX_LISTED} nhiệm vụ khác: gõ mã NV-… để chọn.")
        form = {"step": ReportStep.PICK.value, "codes": [v.code for v in shown]}
        buttons = [Button(str(n), str(n)) for n in range(1, len(shown) + 1)] + [Button("Hủy", "/huy")]
        return Reply("\n".join(lines), buttons=buttons, intent="followup"), form

    def _on_pick(self, msg: IncomingMessage, text: str, form: dict[str, Any]) -> tuple[Reply, dict[str, Any] | None]:
        codes: list[str] = form.get("codes") or []
        t = text.strip()
        code = codes[int(t) - 1] if t.isdigit() and 1 <= int(t) <= len(codes) else None
        if code is None and (m := CODE_RE.search(t)) is not None:
            code = m.group(0)
        if code is None:
            return Reply(
                f"Hãy chọn số từ 1 đến {len(codes)} hoặc gõ mã NV-…; gõ /huy để thôi.", intent="followup"
            ), form
        unit = self._unit(msg)
        line = self.service.line_for(code, unit) if unit is not None else next(iter(self.service.get(code)), None)
        mine = [line] if line is not None else []
        if not mine:
            others = self.service.get(code)
            reply = (
                f"Nhiệm vụ {code} không giao cho {unit.name if unit else 'đơn vị của bạn'}; "
                "mỗi đơn vị chỉ báo cáo nhiệm vụ của mình."
                if others
                else f"Không tìm thấy nhiệm vụ mã {code}."
            )
            return Reply(reply + " Chọn lại hoặc gõ /huy.", intent="followup"), form
        v = mine[0]
        new = {"step": ReportStep.STATUS.value, "code": v.code, "version": v.version}
        return Reply(_line(None, v) + "\n\nTình trạng mới?", buttons=_STATUS_BUTTONS, intent="followup"), new

    def _on_status(self, msg: IncomingMessage, text: str, form: dict[str, Any]) -> tuple[Reply, dict[str, Any] | None]:
        status = status_in(text)
        if status is None:
            return Reply(
                "Chọn một tình trạng: đang thực hiện, hoàn thành hoặc không thực hiện được.",
                buttons=_STATUS_BUTTONS,
                intent="followup",
            ), form
        ask = (
            "Lý do không thực hiện được?"
            if status == FAILED
            else "Kết quả / sản phẩm hoặc ghi chú (ví dụ: đã ban hành Kế hoạch 45/KH-UBND), hoặc gõ “bỏ qua”."
        )
        buttons = [] if status == FAILED else [Button("Bỏ qua", "bỏ qua")]
        return Reply(ask, buttons=[*buttons, Button("Hủy", "/huy")], intent="followup"), {
            **form,
            "step": ReportStep.NOTE.value,
            "status": status,
        }

    def _on_note(self, msg: IncomingMessage, text: str, form: dict[str, Any]) -> tuple[Reply, dict[str, Any] | None]:
        note = None if _key(text) in _SKIP else text
        if note is None and form["status"] == FAILED:
            return Reply("Vui lòng nêu lý do không thực hiện được.", intent="followup"), form
        return self._save(msg, form["code"], form["status"], note, version=form.get("version")), None

    # ---- progress and the office ------------------------------------------------------------

    def _progress(self, msg: IncomingMessage, arg: str) -> Reply:
        """ "/tiendo [đơn vị]": counts by category and what is still open, for one unit or the province."""
        unit_name = arg.strip() or None
        if unit_name is None and (own := self._unit(msg)) is not None:
            unit_name = own.name
        report = self.service.report(unit=unit_name)
        lines = [f"{report.title} (đến {report.as_of:%d/%m/%Y}):", report.summary()]
        lines += [f"• {cat}: {n}" for cat, n in report.counts.items() if n]
        pending = [ln for ln in report.lines if ln.category in ("quá hạn chưa hoàn thành", "đang thực hiện trong hạn")]
        pending.sort(key=lambda ln: ln.category != "quá hạn chưa hoàn thành")
        if pending:
            lines.append("Cần theo dõi:")
            for ln in pending[:_MAX_LISTED]:
                text = ln.text if len(ln.text) <= 120 else ln.text[:120].rsplit(" ", 1)[0] + " …"
                lines.append(f"- {ln.code} ({ln.category}): {text}")
        if unit_name and self._unit(msg) is not None:
            lines.append("Báo cáo tiến độ: /baocao")
        return Reply("\n".join(lines), intent="followup", data=report.to_dict())

    def _subscription(self, msg: IncomingMessage, cmd: str) -> Reply:
        """ "/theodoi": opt in to the unit's weekly digest and deadline reminders; "/huytheodoi": stop."""
        if cmd == "/huytheodoi":
            stopped = self.service.unsubscribe(msg.user_key)
            text = "Đã ngừng gửi tin nhắc nhiệm vụ." if stopped else "Bạn chưa đăng ký nhận tin nhắc nhiệm vụ."
            return Reply(text + " Đăng ký lại: /theodoi", intent="followup")
        unit = self._unit(msg)
        if unit is None and not self.is_admin(msg):
            return self._need_unit()
        self.service.subscribe(msg.user_key, unit)
        what = (
            f"tổng hợp nhiệm vụ của {unit.name} mỗi sáng thứ Hai{_reminder_days_text(self.ctx.settings.reminder_days)}"
            if unit
            else "danh sách nhiệm vụ quá hạn của toàn tỉnh mỗi sáng thứ Hai"
        )
        return Reply(f"Đã đăng ký nhận {what}. Ngừng nhận: /huytheodoi", intent="followup")

    def _admin(self, msg: IncomingMessage, cmd: str, rest: str) -> Reply:
        """ "/xacnhan NV-… [đơn vị]" and "/molai NV-… [đơn vị] [lý do]" (administrators)."""
        if not self.is_admin(msg):
            logger.warning("non-admin %s tried %s", msg.user_key, cmd)
            return Reply("Xin lỗi, chức năng này chỉ dành cho quản trị viên.", intent="denied")
        m = CODE_RE.search(rest)
        if m is None:
            return Reply(f"Hãy ghi mã nhiệm vụ, ví dụ: {cmd} NV-2026-000123 Sở Tư pháp.", intent="followup")
        after = collapse_ws(rest[m.end() :])
        mentions = [x for x in self.ctx.catalogue().find_mentions(after) if x.unit is not None] if after else []
        unit = UnitRef(mentions[0].unit.id, mentions[0].unit.name) if mentions and mentions[0].unit else None
        if cmd == "/xacnhan":
            v = self.service.confirm(m.group(0), unit=unit, by=msg.user_key, channel=msg.channel)
            return Reply(f"Đã xác nhận hoàn thành: {v.code} — {v.unit_name}.", intent="followup", data=v.to_dict())
        v = self.service.reopen(m.group(0), unit=unit, by=msg.user_key, channel=msg.channel, note=after or None)
        return Reply(f"Đã mở lại: {v.code} — {v.unit_name} ({v.status}).", intent="followup", data=v.to_dict())
