"""Extracted tasks written by hand, in the shape ``troly.store.replace_tasks`` reads, for tests that
need exact rows in the tables without running extraction (follow-up codes, the query snapshot)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from troly.dates import Due, Recurrence

__all__ = ["A", "T", "due"]


@dataclass
class A:
    """An assignee: the name as written, its catalogue id, its role."""

    name: str
    unit_id: str | None
    role: str = "lead"


@dataclass
class T:
    """What ``replace_tasks`` reads of an extracted task."""

    text: str
    assignees: list[A]
    due: Due | None = None
    recurrence: Recurrence | None = None
    heading_path: list[str] = field(default_factory=lambda: ["II. NHIỆM VỤ"])
    quota: Any = None
    role: str = "directive"
    section: str = ""
    passage: str = ""
    ordinal: int = 0
    due_inherited: bool = False
    chunk_index: int = -1
    unknown_units: tuple[str, ...] = ()


def due(y: int, m: int, d: int) -> Due:
    """A deadline on one day, written as notices write it."""
    day = dt.date(y, m, d)
    return Due(kind="date", start=day, end=day, precision="day", text=f"trước ngày {d}/{m}/{y}")
