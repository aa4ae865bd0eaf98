"""What can be asked of troly's own tables, as typed queries (issue 12).

One definition shared by the rule-based understanding (``bot.core.understand``) and the LLM's tool
calls: a question becomes one of :class:`DocumentQuery`, :class:`AssignmentQuery` or
:class:`IdeaQuery`, the query functions (``retrieval.facts``, ``troly.ideas.queries``) run it over
the store, and the answer is composed from the rows they return. Fields are plain values (names,
ISO dates, numbers) so a model's tool arguments validate against the same classes; anything that
does not validate is refused and the rule path answers instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "DOC_TYPES",
    "AssignmentQuery",
    "DocFilter",
    "DocumentQuery",
    "IdeaQuery",
    "Progress",
    "Query",
    "Role",
]

#: Document types as the documents table stores them (``DocumentRow.doc_type``).
DOC_TYPES = ("Thông báo", "Kế hoạch", "Báo cáo", "Công văn", "Quyết định", "Chỉ thị", "Tờ trình", "Tin tức")

Role = Literal["lead", "responsible", "cooperate"]
#: Follow-up states an assignment question may ask about (issue 14): "open" — not reported done
#: ("còn việc gì chưa xong"), "done" — reported done, "overdue" — past its deadline and not done.
Progress = Literal["open", "done", "overdue"]
_MAX_TEXT = 300


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)


class DocFilter(_Strict):
    """Which documents: every set field restricts; an empty filter means all documents."""

    doc_ids: list[str] | None = Field(default=None, description="Document ids (from an earlier answer).")
    number: str | None = Field(default=None, max_length=60, description='"912/TB-UBND" or just "912".')
    doc_type: str | None = Field(default=None, description=f"One of {', '.join(DOC_TYPES)}.")
    place: str | None = Field(default=None, max_length=100, description="Province or issuer words, e.g. Gia Lai.")
    signer: str | None = Field(default=None, max_length=100, description="The signer's name.")
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @field_validator("number", "place", "signer")
    @classmethod
    def _no_markup(cls, v: str | None) -> str | None:
        if v is not None and any(c in v for c in ";'\"`<>{}\\"):
            raise ValueError("plain words only")
        return v

    def is_empty(self) -> bool:
        return all(getattr(self, f) is None for f in type(self).model_fields)


class DocumentQuery(_Strict):
    """Documents themselves: how many, which, who signed, when, to whom, what they assign."""

    kind: Literal["documents"] = "documents"
    filter: DocFilter = Field(default_factory=DocFilter)
    ask: Literal["count", "list", "signer", "date", "number", "recipients", "details", "assignments"] = "list"
    noun: str | None = Field(default=None, max_length=40, description="How the user named them (thông báo …).")


class AssignmentQuery(_Strict):
    """Assignments (tasks) extracted from directives."""

    kind: Literal["assignments"] = "assignments"
    unit: str | None = Field(default=None, max_length=_MAX_TEXT, description="A unit name, any spelling.")
    documents: DocFilter | None = None
    roles: list[Role] | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    overdue: bool = False
    as_of: dt.date | None = Field(default=None, description="Today, for overdue questions.")
    topic: str | None = Field(default=None, max_length=_MAX_TEXT, description="Words of the task asked about.")
    status: Progress | None = Field(
        default=None,
        description='From the units\' progress reports: "open" (chưa xong), "done" (đã hoàn thành), '
        '"overdue" (quá hạn chưa hoàn thành).',
    )
    ask: Literal["list", "due", "overdue", "cooperators", "lead", "progress"] = Field(
        default="list", description='"progress": counts by state (tiến độ, đã hoàn thành bao nhiêu nhiệm vụ).'
    )

    @field_validator("topic", "unit")
    @classmethod
    def _plain(cls, v: str | None) -> str | None:
        if v is not None and any(c in v for c in ";`<>{}\\"):
            raise ValueError("plain words only")
        return v


class IdeaQuery(_Strict):
    """Community innovation ideas and their monthly quota."""

    kind: Literal["ideas"] = "ideas"
    unit: str | None = Field(default=None, max_length=_MAX_TEXT)
    month: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")
    field: str | None = Field(default=None, max_length=60, description="chuyển đổi số, du lịch, …")
    topic: str | None = Field(default=None, max_length=_MAX_TEXT, description="Words of an idea's title.")
    ask: Literal["submitted", "counted", "quota", "rule", "list", "status", "progress"] = "submitted"


Query = DocumentQuery | AssignmentQuery | IdeaQuery
