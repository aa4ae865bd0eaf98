"""Checking what a submitter typed: every rule an idea passes before anything is stored."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from troly.errors import UserInputError
from troly.ideas.workflow import FIELDS, normalise_field, option_key
from troly.text import collapse_ws, nfc

if TYPE_CHECKING:
    from troly.units import Unit, UnitCatalogue

__all__ = [
    "CONTACT_MAX",
    "NAME_MAX",
    "TITLE_MAX",
    "CleanIdea",
    "IdeaDraft",
    "IdeaInputError",
    "clean_text",
    "resolve_unit",
    "validate_description",
    "validate_draft",
    "validate_field",
    "validate_optional",
    "validate_title",
]

TITLE_MAX = 200
NAME_MAX = 200
CONTACT_MAX = 200


class IdeaInputError(UserInputError):
    """Bad idea input: ``user_message`` says what to fix, in Vietnamese."""


def clean_text(text: str | None) -> str:
    """NFC, control characters removed (newlines and tabs kept), ends stripped. Nothing else changes."""
    if text is None:
        return ""
    t = nfc(str(text)).replace("\r\n", "\n").replace("\r", "\n")
    t = "".join(ch for ch in t if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return t.strip()


def _has_words(text: str) -> bool:
    """At least one letter or digit (emoji and punctuation alone are not an idea)."""
    return any(ch.isalnum() for ch in text)


@dataclass(slots=True)
class IdeaDraft:
    """What a submitter provides; :func:`validate_draft` cleans it and checks every field."""

    title: str
    description: str
    unit: str  # a unit id or a name the catalogue resolves ("xã Tây Sơn", "Tỉnh đoàn")
    field: str | None = None
    submitter_name: str | None = None
    contact: str | None = None
    channel: str = "cli"
    user_id: str | None = None
    source: str = "cli"
    client_token: str | None = None
    created_at: dt.datetime | None = None

    @property
    def user_key(self) -> str | None:
        return f"{self.channel}:{self.user_id}" if self.user_id else None


def validate_title(text: str | None) -> str:
    t = collapse_ws(clean_text(text))
    if not t:
        raise IdeaInputError("empty idea title", user_message="Tiêu đề ý tưởng không được để trống.")
    if not _has_words(t):
        raise IdeaInputError(
            "title has no letters",
            user_message="Tiêu đề cần có chữ hoặc số (không chỉ biểu tượng cảm xúc hay dấu câu).",
        )
    if len(t) > TITLE_MAX:
        raise IdeaInputError(
            f"title too long ({len(t)} chars)",
            user_message=f"Tiêu đề quá dài ({len(t)} ký tự); vui lòng rút gọn dưới {TITLE_MAX} ký tự.",
        )
    return t


def validate_description(text: str | None, max_chars: int) -> str:
    t = clean_text(text)
    if not t:
        raise IdeaInputError("empty description", user_message="Mô tả ý tưởng không được để trống.")
    if not _has_words(t):
        raise IdeaInputError(
            "description has no letters",
            user_message="Mô tả cần có chữ hoặc số (không chỉ biểu tượng cảm xúc hay dấu câu).",
        )
    if len(t) > max_chars:
        raise IdeaInputError(
            f"description too long ({len(t)} > {max_chars} chars)",
            user_message=f"Mô tả quá dài ({len(t):,} ký tự; tối đa {max_chars:,} ký tự). "
            "Vui lòng tóm tắt ý tưởng; tài liệu chi tiết có thể gửi sau khi được liên hệ.".replace(",", "."),
        )
    return t


def validate_optional(text: str | None, max_chars: int, what: str) -> str | None:
    t = collapse_ws(clean_text(text))
    if not t or option_key(t) in ("bo qua", "skip", "-"):
        return None
    if len(t) > max_chars:
        raise IdeaInputError(f"{what} too long", user_message=f"Thông tin {what} quá dài (tối đa {max_chars} ký tự).")
    return t


def validate_field(text: str | None) -> str:
    if text is None or not clean_text(text):
        return "khác"
    f = normalise_field(text)
    if f is None:
        raise IdeaInputError(
            f"unknown field {text!r}", user_message="Lĩnh vực chưa đúng. Chọn một trong: " + ", ".join(FIELDS) + "."
        )
    return f


def resolve_unit(catalogue: UnitCatalogue, name: str) -> Unit:
    """The submitting unit: a commune/ward, Tỉnh đoàn or another specific body (never a group)."""
    text = collapse_ws(clean_text(name))
    if not text:
        raise IdeaInputError(
            "empty unit", user_message="Vui lòng cho biết đơn vị gửi ý tưởng (ví dụ: xã Tây Sơn, Tỉnh đoàn)."
        )
    unit = catalogue.get(text)
    if unit is None:
        match = catalogue.resolve(text)
        unit = match.unit if match else None
    if unit is None:
        raise IdeaInputError(
            f"unknown unit {text!r}",
            user_message=f"Không tìm thấy đơn vị “{text[:80]}” trong danh mục. Vui lòng ghi rõ, ví dụ: "
            "“xã Tây Sơn”, “phường Pleiku” hoặc “Tỉnh đoàn”.",
        )
    if unit.is_group:
        raise IdeaInputError(
            f"group {unit.id} given as a unit",
            user_message=f"“{unit.name}” là một nhóm đơn vị; vui lòng chọn một đơn vị cụ thể.",
        )
    if unit.defunct:
        names = ", ".join(catalogue.units[s].name for s in unit.successors if s in catalogue.units)
        raise IdeaInputError(
            f"defunct unit {unit.id}",
            user_message=f"“{unit.name}” không còn tồn tại (nay là: {names or 'đơn vị khác'}). "
            "Vui lòng chọn đơn vị hiện nay.",
        )
    return unit


@dataclass(slots=True)
class CleanIdea:
    title: str
    description: str
    field: str
    unit_id: str
    unit_name: str
    submitter_name: str | None
    contact: str | None


def validate_draft(draft: IdeaDraft, *, catalogue: UnitCatalogue, max_description: int = 3000) -> CleanIdea:
    """Every check a submission passes before anything is stored (raises :class:`IdeaInputError`)."""
    unit = resolve_unit(catalogue, draft.unit)
    return CleanIdea(
        title=validate_title(draft.title),
        description=validate_description(draft.description, max_description),
        field=validate_field(draft.field),
        unit_id=unit.id,
        unit_name=unit.name,
        submitter_name=validate_optional(draft.submitter_name, NAME_MAX, "người gửi"),
        contact=validate_optional(draft.contact, CONTACT_MAX, "liên hệ"),
    )
