"""The chat form for community innovation ideas (``/ytuong``), status look-ups and ``/chitieu``.

Why a state machine over a plain dict: Telegram and Zalo workers are stateless and may restart
between two messages of one user, so the conversation core persists the form dict returned here
(JSON) and hands it back with the next message. One state per question (the shape of PTB's
ConversationHandler) keeps each step small; "/huy" or "hủy" cancels in every state; after
``ideas_form_timeout_minutes`` of silence the next message first asks whether to continue.
The confirm step carries a random token, so a confirm delivered twice stores one idea.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from collections.abc import Callable
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.core.commands import split_command
from bot.core.messages import Button, IncomingMessage, Reply
from bot.core.services import AdminCheck, CoreServices
from troly.chat_store import ChatStore
from troly.clock import Clock, local_now
from troly.errors import TrolyError
from troly.ideas import (
    CONTACT_MAX,
    FIELDS,
    NAME_MAX,
    IdeaDraft,
    IdeaInputError,
    IdeaService,
    IdeaView,
    parse_code,
    resolve_unit,
    validate_description,
    validate_field,
    validate_optional,
    validate_title,
)
from troly.ideas.queries import DENIED_TEXT, Viewer, may_read
from troly.text import canonical, collapse_ws, fold, nfc

__all__ = ["FORM_NAME", "FormState", "IdeasFlow"]

logger = logging.getLogger(__name__)

# The handler of one form step: (message, its text, the form) -> (reply, the form to keep).
_StepHandler = Callable[[IncomingMessage, str, dict[str, Any]], tuple[Reply, dict[str, Any] | None]]

FORM_NAME = "idea"


class FormState(StrEnum):
    TITLE = "title"
    DESCRIPTION = "description"
    FIELD = "field"
    UNIT = "unit"
    SUBMITTER = "submitter"
    CONTACT = "contact"
    CONFIRM = "confirm"
    EDIT = "edit"
    RESUME = "resume"


_CANCEL = {"/huy", "huy", "huy bo", "/cancel", "cancel", "/huybo", "dung", "/dung"}
_SKIP = {"bo qua", "/boqua", "skip", "khong", "-"}
_YES = {"xac nhan", "/xacnhan", "dong y", "ok", "gui", "co", "yes"}
_EDIT = {"sua", "/sua", "chinh sua", "sua lai"}
_CONTINUE = {"tiep tuc", "/tieptuc", "co", "continue", "ok"}
_START_PHRASES = tuple(
    canonical(p) for p in ("gửi ý tưởng", "nộp ý tưởng", "đề xuất ý tưởng", "góp ý tưởng", "ý tưởng mới")
)
# Folding collides with other words ("ý tưởng mỗi tháng" folds to "y tuong moi"): the folded
# phrases are used only for a message typed without any diacritics.
_START_FOLDED = tuple(fold(p) for p in _START_PHRASES)
# A question about ideas ("Mỗi xã phải giới thiệu bao nhiêu ý tưởng?") is answered, not a form start.
_IDEA_QUESTION = re.compile(r"\b(bao nhieu|may y tuong|da (gui|gioi thieu|nop) duoc|duoc tinh|chi tieu)\b")
_EDITABLE = {
    FormState.TITLE: "Tiêu đề",
    FormState.DESCRIPTION: "Mô tả",
    FormState.FIELD: "Lĩnh vực",
    FormState.UNIT: "Đơn vị",
    FormState.SUBMITTER: "Người gửi",
    FormState.CONTACT: "Liên hệ",
}
_NEXT = {
    FormState.TITLE: FormState.DESCRIPTION,
    FormState.DESCRIPTION: FormState.FIELD,
    FormState.FIELD: FormState.UNIT,
    FormState.UNIT: FormState.SUBMITTER,
    FormState.SUBMITTER: FormState.CONTACT,
    FormState.CONTACT: FormState.CONFIRM,
}
CANCEL_BUTTON = Button("Hủy", "/huy")
RESUME_QUESTION = "Bạn muốn tiếp tục gửi ý tưởng đang dở không?"


def _key(text: str) -> str:
    return collapse_ws(fold(nfc(text or "")).strip().lower())


class IdeasFlow:
    """Idea submission form, status check and quota progress, for every channel."""

    def __init__(self, services: CoreServices, *, clock: Clock, is_admin: AdminCheck) -> None:
        self.ctx = services
        self.tz = ZoneInfo(services.settings.timezone)
        self.clock = clock
        self.is_admin = is_admin
        self.service: IdeaService = services.idea_service(clock=clock)
        self.store = ChatStore(self.ctx.db)

    def now(self) -> dt.datetime:
        return local_now(self.clock, self.tz)

    def today(self) -> dt.date:
        return self.now().date()

    # ---- entry points -------------------------------------------------------------------------

    def wants(self, text: str) -> bool:
        cmd, _rest = split_command(text)
        if cmd in ("/ytuong", "/y_tuong", "/trangthai", "/trang_thai"):
            return True
        k = _key(text)
        plain = collapse_ws(canonical(nfc(text or "")).strip().lower())
        phrases, said = (_START_FOLDED, k) if plain == k else (_START_PHRASES, plain)
        if any(p in said for p in phrases) and len(k) < 80 and not _IDEA_QUESTION.search(k):
            return True
        return bool(parse_code(text)) and ("trang thai" in k or "tra cuu" in k or k.startswith("yt"))

    def handle(self, msg: IncomingMessage, form: dict[str, Any] | None) -> tuple[Reply, dict[str, Any] | None]:
        text = (msg.text or "").strip()
        cmd, rest = split_command(text)
        if self._is_status_request(cmd, rest, text) and (cmd or form is None):
            return self._status_reply(msg, rest if cmd else text), form
        if form is None:
            return self._start(msg)
        if _key(text) in _CANCEL:
            return Reply(text="Đã hủy gửi ý tưởng. Gõ /ytuong khi bạn muốn gửi lại.", intent="idea"), None
        now = self.now()
        try:
            state = FormState(form.get("state") or "")
        except ValueError:
            logger.warning("unknown idea form state %r; restarting", form.get("state"))
            return self._start(msg)
        if state is not FormState.RESUME and self._timed_out(form, now):
            new = {**form, "state": FormState.RESUME.value, "resume_state": state.value, "updated_at": now.isoformat()}
            return Reply(
                text=RESUME_QUESTION, buttons=[Button("Tiếp tục", "tiếp tục"), CANCEL_BUTTON], intent="idea"
            ), new
        if cmd in ("/ytuong", "/y_tuong") and state is not FormState.RESUME:
            return self._prompt(state, form, msg, prefix="Bạn đang gửi ý tưởng dở dang.\n"), self._touch(form, state)
        handler: _StepHandler = getattr(self, f"_on_{state.value}")
        return handler(msg, text, form)

    def quota(self, msg: IncomingMessage, arg: str) -> Reply:
        """ "/chitieu [tháng]": the user's unit progress, or every unit behind quota for admins."""
        from troly.ideas.report import admin_summary, monthly_report, parse_month

        today = self.today()
        try:
            year, month = parse_month(arg, today)
        except ValueError:
            return Reply(text="Tháng chưa đúng. Ví dụ: /chitieu 11/2026 hoặc /chitieu 2026-11.", intent="idea_quota")
        if self.is_admin(msg):
            day = dt.date(year, month, 1)
            text = admin_summary(self.ctx, day if (year, month) != (today.year, today.month) else today)
            report = monthly_report(self.ctx, year, month)
            return Reply(text=text, intent="idea_quota", data=report.to_dict())
        unit_id, unit_name = self._profile_unit(msg)
        if not unit_id:
            return Reply(
                text="Bạn chưa chọn đơn vị. Gõ /donvi <tên đơn vị> (ví dụ: /donvi xã Tây Sơn) rồi thử lại /chitieu.",
                intent="idea_quota",
            )
        try:
            unit = resolve_unit(self.ctx.catalogue(), self._unit_ref({"unit_id": unit_id, "unit_name": unit_name}))
        except IdeaInputError:
            unit = None
        report = monthly_report(self.ctx, year, month, unit_ids={unit_id}, include=[unit] if unit else None)
        line = report.line(unit_id)
        if line is None:
            return Reply(
                text=f"{unit_name} không có chỉ tiêu ý tưởng hằng tháng theo quy định hiện hành.", intent="idea_quota"
            )
        need = f"{line.required}–{line.maximum}" if line.maximum is not None else f"ít nhất {line.required}"
        parts = [f"Tháng {report.label}, {line.unit_name}: {line.counted} ý tưởng được tính / chỉ tiêu {need}."]
        parts.append(f"Còn thiếu {line.missing} ý tưởng." if line.missing else "Đơn vị đã đạt chỉ tiêu tháng.")
        parts.append(f"Số ý tưởng gửi trong tháng: {line.submitted}.")
        for i in line.ideas:
            parts.append(f"- {i.code}: {i.title} ({i.status})")
        return Reply(
            text="\n".join(parts),
            intent="idea_quota",
            data={
                "unit_id": unit_id,
                "month": f"{year}-{month:02d}",
                "required": line.required,
                "counted": line.counted,
                "missing": line.missing,
            },
        )

    # ---- helpers ------------------------------------------------------------------------------

    def _timed_out(self, form: dict[str, Any], now: dt.datetime) -> bool:
        try:
            last = dt.datetime.fromisoformat(str(form.get("updated_at")))
        except ValueError:
            return False
        if last.tzinfo is None:
            last = last.replace(tzinfo=self.tz)
        return now - last > dt.timedelta(minutes=self.ctx.settings.ideas_form_timeout_minutes)

    def _touch(self, form: dict[str, Any], state: FormState, **changes: Any) -> dict[str, Any]:
        data = {**form.get("data", {}), **changes}
        return {**form, "state": state.value, "data": data, "updated_at": self.now().isoformat()}

    def _unit_ref(self, data: dict[str, Any]) -> str:
        """The unit id when catalogued, else its name ("xã Ia Hrú" resolves by pattern, its slug does not)."""
        uid = data.get("unit_id")
        return uid if uid and uid in self.ctx.catalogue() else str(data.get("unit_name") or uid or "")

    def _profile_unit(self, msg: IncomingMessage) -> tuple[str | None, str | None]:
        profile = self.store.profile(user_key=msg.user_key)
        return (profile.unit_id, profile.unit_name) if profile else (None, None)

    def _remember_unit(self, msg: IncomingMessage, unit_id: str, unit_name: str) -> None:
        self.store.bind_unit(user_key=msg.user_key, unit_id=unit_id, unit_name=unit_name, display_name=msg.display_name)

    def _start(self, msg: IncomingMessage) -> tuple[Reply, dict[str, Any]]:
        form = {
            "form": FORM_NAME,
            "state": FormState.TITLE.value,
            "data": {},
            "token": uuid.uuid4().hex,
            "editing": False,
            "updated_at": self.now().isoformat(),
        }
        intro = "Gửi ý tưởng đổi mới sáng tạo (gõ /huy để hủy bất cứ lúc nào).\n"
        return self._prompt(FormState.TITLE, form, msg, prefix=intro), form

    def _prompt(self, state: FormState, form: dict[str, Any], msg: IncomingMessage, *, prefix: str = "") -> Reply:
        data = form.get("data", {})
        buttons: list[Button] = []
        if state is FormState.TITLE:
            text = "Bước 1/6 — Tiêu đề ý tưởng là gì? (ngắn gọn, dưới 200 ký tự)"
        elif state is FormState.DESCRIPTION:
            text = (
                f"Bước 2/6 — Mô tả ý tưởng: vấn đề cần giải quyết, cách làm, lợi ích "
                f"(tối đa {self.ctx.settings.ideas_max_description} ký tự)."
            )
        elif state is FormState.FIELD:
            text = "Bước 3/6 — Lĩnh vực của ý tưởng? Chọn một nút hoặc gõ số thứ tự:\n" + "\n".join(
                f"{i}. {f}" for i, f in enumerate(FIELDS, 1)
            )
            buttons = [Button(f, f) for f in FIELDS]
        elif state is FormState.UNIT:
            _uid, uname = self._profile_unit(msg)
            text = "Bước 4/6 — Đơn vị gửi ý tưởng? (xã/phường, ví dụ “xã Tây Sơn”, hoặc “Tỉnh đoàn”)"
            if uname:
                text += f"\nĐơn vị đã lưu của bạn: {uname}."
                buttons = [Button(uname, uname)]
            buttons.append(Button("Tỉnh đoàn", "Tỉnh đoàn"))
        elif state is FormState.SUBMITTER:
            text = "Bước 5/6 — Họ tên người đề xuất? (không bắt buộc, bấm “Bỏ qua”)"
            if msg.display_name:
                buttons.append(Button(msg.display_name[:40], msg.display_name[:NAME_MAX]))
            buttons.append(Button("Bỏ qua", "bỏ qua"))
        elif state is FormState.CONTACT:
            text = "Bước 6/6 — Số điện thoại hoặc email để liên hệ? (không bắt buộc; chỉ quản trị viên và bạn xem được)"
            buttons.append(Button("Bỏ qua", "bỏ qua"))
        elif state is FormState.CONFIRM:
            text = "Vui lòng kiểm tra lại ý tưởng:\n" + self._summary(data) + "\nGửi ý tưởng này?"
            return Reply(
                text=prefix + text,
                intent="idea",
                data={"form_state": state.value},
                buttons=[Button("Xác nhận", "xác nhận"), Button("Sửa", "sửa"), CANCEL_BUTTON],
            )
        elif state is FormState.EDIT:
            text = "Bạn muốn sửa mục nào?"
            buttons = [Button(label, f"sửa:{s.value}") for s, label in _EDITABLE.items()]
            buttons.append(Button("Quay lại", "quay lại"))
        else:  # RESUME
            return Reply(text=RESUME_QUESTION, buttons=[Button("Tiếp tục", "tiếp tục"), CANCEL_BUTTON], intent="idea")
        buttons.append(CANCEL_BUTTON)
        return Reply(text=prefix + text, buttons=buttons, intent="idea", data={"form_state": state.value})

    @staticmethod
    def _summary(data: dict[str, Any]) -> str:
        desc = data.get("description") or ""
        short = desc if len(desc) <= 500 else desc[:500] + "…"
        return "\n".join(
            [
                f"• Tiêu đề: {data.get('title', '')}",
                f"• Mô tả: {short}",
                f"• Lĩnh vực: {data.get('field', 'khác')}",
                f"• Đơn vị: {data.get('unit_name', '')}",
                f"• Người gửi: {data.get('submitter') or '(không ghi)'}",
                f"• Liên hệ: {data.get('contact') or '(không ghi)'}",
            ]
        )

    def _advance(
        self, msg: IncomingMessage, form: dict[str, Any], state: FormState, **changes: Any
    ) -> tuple[Reply, dict[str, Any]]:
        """Store the answer and ask the next question (or go back to the summary after an edit)."""
        nxt = FormState.CONFIRM if form.get("editing") else _NEXT[state]
        new = self._touch(form, nxt, **changes)
        new["editing"] = False
        return self._prompt(nxt, new, msg), new

    def _retry(
        self, msg: IncomingMessage, form: dict[str, Any], state: FormState, error: TrolyError
    ) -> tuple[Reply, dict[str, Any]]:
        new = self._touch(form, state)
        reply = self._prompt(state, new, msg)
        reply.text = f"{error.user_message}\n{reply.text}"
        return reply, new

    # ---- one method per state -------------------------------------------------------------------

    def _on_title(self, msg: IncomingMessage, text: str, form: dict[str, Any]) -> tuple[Reply, dict[str, Any]]:
        try:
            return self._advance(msg, form, FormState.TITLE, title=validate_title(text))
        except IdeaInputError as e:
            return self._retry(msg, form, FormState.TITLE, e)

    def _on_description(self, msg: IncomingMessage, text: str, form: dict[str, Any]) -> tuple[Reply, dict[str, Any]]:
        try:
            desc = validate_description(text, self.ctx.settings.ideas_max_description)
            return self._advance(msg, form, FormState.DESCRIPTION, description=desc)
        except IdeaInputError as e:
            return self._retry(msg, form, FormState.DESCRIPTION, e)

    def _on_field(self, msg: IncomingMessage, text: str, form: dict[str, Any]) -> tuple[Reply, dict[str, Any]]:
        try:
            if _key(text) in _SKIP:
                return self._advance(msg, form, FormState.FIELD, field="khác")
            return self._advance(msg, form, FormState.FIELD, field=validate_field(text))
        except IdeaInputError as e:
            return self._retry(msg, form, FormState.FIELD, e)

    def _on_unit(self, msg: IncomingMessage, text: str, form: dict[str, Any]) -> tuple[Reply, dict[str, Any]]:
        try:
            unit = resolve_unit(self.ctx.catalogue(), text)
        except IdeaInputError as e:
            return self._retry(msg, form, FormState.UNIT, e)
        self._remember_unit(msg, unit.id, unit.name)
        return self._advance(msg, form, FormState.UNIT, unit_id=unit.id, unit_name=unit.name)

    def _on_submitter(self, msg: IncomingMessage, text: str, form: dict[str, Any]) -> tuple[Reply, dict[str, Any]]:
        try:
            return self._advance(
                msg, form, FormState.SUBMITTER, submitter=validate_optional(text, NAME_MAX, "người gửi")
            )
        except IdeaInputError as e:
            return self._retry(msg, form, FormState.SUBMITTER, e)

    def _on_contact(self, msg: IncomingMessage, text: str, form: dict[str, Any]) -> tuple[Reply, dict[str, Any]]:
        try:
            return self._advance(msg, form, FormState.CONTACT, contact=validate_optional(text, CONTACT_MAX, "liên hệ"))
        except IdeaInputError as e:
            return self._retry(msg, form, FormState.CONTACT, e)

    def _on_confirm(self, msg: IncomingMessage, text: str, form: dict[str, Any]) -> tuple[Reply, dict[str, Any] | None]:
        k = _key(text)
        if k in _EDIT:
            new = self._touch(form, FormState.EDIT)
            return self._prompt(FormState.EDIT, new, msg), new
        if k not in _YES:
            new = self._touch(form, FormState.CONFIRM)
            reply = self._prompt(FormState.CONFIRM, new, msg)
            reply.text = "Vui lòng bấm “Xác nhận”, “Sửa” hoặc “Hủy”.\n" + reply.text
            return reply, new
        data = form.get("data", {})
        draft = IdeaDraft(
            title=data.get("title", ""),
            description=data.get("description", ""),
            unit=self._unit_ref(data),
            field=data.get("field"),
            submitter_name=data.get("submitter"),
            contact=data.get("contact"),
            channel=msg.channel,
            user_id=msg.user_id,
            source="chat",
            client_token=form.get("token"),
        )
        try:
            view = self.service.submit(draft)
        except IdeaInputError as e:
            return self._retry(msg, form, FormState.CONFIRM, e)
        lines = [
            f"Đã gửi ý tưởng thành công. Mã ý tưởng: {view.code}.",
            f"Tra cứu trạng thái: /trangthai {view.code}",
            "Sở Khoa học và Công nghệ sẽ tiếp nhận và sàng lọc ý tưởng.",
        ]
        if view.duplicate_of:
            lines.append(f"Lưu ý: ý tưởng gần giống ý tưởng đã gửi trước ({view.duplicate_of}); cán bộ sẽ xem xét.")
        return Reply(
            text="\n".join(lines),
            intent="idea",
            data={"code": view.code, "created": view.created, "duplicate_of": view.duplicate_of},
        ), None

    def _on_edit(self, msg: IncomingMessage, text: str, form: dict[str, Any]) -> tuple[Reply, dict[str, Any]]:
        k = _key(text)
        target: FormState | None = None
        if k.startswith("sua:"):
            try:
                target = FormState(k.split(":", 1)[1].strip())
            except ValueError:
                target = None
        else:
            for s, label in _EDITABLE.items():
                if k in (_key(label), s.value, f"sua {_key(label)}"):
                    target = s
        if k in ("quay lai", "back", "/quaylai"):
            new = self._touch(form, FormState.CONFIRM)
            return self._prompt(FormState.CONFIRM, new, msg), new
        if target is None or target not in _EDITABLE:
            new = self._touch(form, FormState.EDIT)
            reply = self._prompt(FormState.EDIT, new, msg)
            reply.text = "Chưa rõ mục cần sửa. " + reply.text
            return reply, new
        new = self._touch(form, target)
        new["editing"] = True
        return self._prompt(target, new, msg), new

    def _on_resume(self, msg: IncomingMessage, text: str, form: dict[str, Any]) -> tuple[Reply, dict[str, Any]]:
        if _key(text) in _CONTINUE:
            try:
                back = FormState(form.get("resume_state") or FormState.TITLE.value)
            except ValueError:
                back = FormState.TITLE
            new = self._touch(form, back)
            new.pop("resume_state", None)
            return self._prompt(back, new, msg, prefix="Tiếp tục gửi ý tưởng.\n"), new
        new = {**form, "updated_at": self.now().isoformat()}
        return Reply(
            text=RESUME_QUESTION + " (bấm “Tiếp tục” hoặc “Hủy”)",
            buttons=[Button("Tiếp tục", "tiếp tục"), CANCEL_BUTTON],
            intent="idea",
        ), new

    # ---- status -------------------------------------------------------------------------------

    @staticmethod
    def _is_status_request(cmd: str, rest: str, text: str) -> bool:
        if cmd in ("/trangthai", "/trang_thai"):
            return True
        if cmd in ("/ytuong", "/y_tuong"):
            first = _key(rest).split(" ")[0] if rest else ""
            return first in ("trangthai", "trang", "tracuu", "status") or bool(parse_code(rest))
        if not cmd:
            k = _key(text)
            return bool(parse_code(text)) and ("trang thai" in k or "tra cuu" in k or k.startswith("yt"))
        return False

    def _status_reply(self, msg: IncomingMessage, arg: str) -> Reply:
        code = parse_code(arg)
        admin = self.is_admin(msg)
        if code is None:
            mine = self.service.list(user_key=msg.user_key)[-10:]
            if not mine:
                return Reply(
                    text="Bạn chưa gửi ý tưởng nào. Gõ /trangthai YT-2026-000123 để tra cứu theo mã, "
                    "hoặc /ytuong để gửi ý tưởng mới.",
                    intent="idea_status",
                )
            lines = ["Ý tưởng bạn đã gửi:"] + [f"- {v.code}: {v.title} — {v.status}" for v in mine]
            return Reply(
                text="\n".join(lines),
                intent="idea_status",
                data={"ideas": [v.to_dict(show_contact=True, with_description=False) for v in mine]},
            )
        view = self.service.get(code)
        if view is None:
            return Reply(text=f"Không tìm thấy ý tưởng mã {code}. Vui lòng kiểm tra lại mã.", intent="idea_status")
        viewer = Viewer(msg.user_key, self._profile_unit(msg)[0], admin)
        if not may_read(viewer, view, self.ctx.catalogue()):
            return Reply(text=f"Ý tưởng {code}: {DENIED_TEXT}", intent="idea_status", data={"denied": True})
        return self._render_status(view, msg, admin)

    def _render_status(self, view: IdeaView, msg: IncomingMessage, admin: bool) -> Reply:
        private = view.visible_to(msg.user_key, is_admin=admin)
        lines = [
            f"Ý tưởng {view.code}: {view.title}",
            f"Đơn vị: {view.unit_name} — Lĩnh vực: {view.field}",
            f"Gửi ngày: {view.created_at:%d/%m/%Y}",
            f"Trạng thái: {view.status} (cập nhật {view.status_changed_at:%d/%m/%Y %H:%M})",
        ]
        if private:
            lines.append(f"Người gửi: {view.submitter_name or '(không ghi)'}; liên hệ: {view.contact or '(không ghi)'}")
        if len(view.history) > 1:
            lines.append("Quá trình xử lý:")
            for h in view.history[1:]:
                who = f" ({h.changed_by})" if admin else ""
                lines.append(f"- {h.changed_at:%d/%m/%Y}: {h.from_status} → {h.to_status}{who}")
        if private and view.duplicate_of:
            lines.append(f"Ghi chú: gần giống ý tưởng {view.duplicate_of} (độ tương đồng {view.duplicate_score:.2f}).")
        return Reply(text="\n".join(lines), intent="idea_status", data={"idea": view.to_dict(show_contact=private)})

    # ---- reminders (plain functions for the channel schedulers) --------------------------------

    def due_reminders(self, today: dt.date | None = None) -> list[tuple[str, str]]:
        from troly.ideas.report import due_reminders

        return due_reminders(self.ctx, today or self.today())

    def admin_summary(self, today: dt.date | None = None) -> str:
        from troly.ideas.report import admin_summary

        return admin_summary(self.ctx, today or self.today())
