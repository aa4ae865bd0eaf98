"""Follow-through on assignments: stable codes, statuses per unit with history, progress reports.

Why: the province's reports count assignments by state ("hoàn thành 132/239 nhiệm vụ (còn 72
nhiệm vụ thực hiện thường xuyên và 35 nhiệm vụ trong hạn)"); troly extracts every assignment, and
this package follows each one to done:

* :mod:`~troly.followup.identity` gives each assignment a code ("NV-2026-000123") that survives
  re-ingest (matched by document, heading path and text similarity); one that leaves its document
  is closed "đã thay thế/huỷ" with its history, never dropped;
* :mod:`~troly.followup.store` records statuses per unit ("chưa thực hiện" → "đang thực hiện" →
  "hoàn thành", "không thực hiện được" with a reason; periods for recurring duties), admin
  confirmation and reopening, each change an event (who, when, channel, note, evidence), guarded
  by a version column against concurrent edits;
* :mod:`~troly.followup.report` counts in the official categories and writes the XLSX appendix;
* :class:`~troly.followup.service.FollowupService` is what the CLI and the chat call.

This package sits below ingest (which calls :func:`reconcile_assignments` in its transaction) and
above storage; store functions take ``session`` keyword-only and never commit.
"""

from __future__ import annotations

from troly.followup.digest import DEFAULT_REMINDER_DAYS, STOP_HINT, admin_overdue, reminders, weekly_digest
from troly.followup.identity import REMOVED_REASON, ReconcileStats, reconcile_assignments
from troly.followup.report import HEADERS, ProgressReport, ReportLine, build_report, export_xlsx
from troly.followup.service import FollowupService, UnitRef
from troly.followup.store import FollowupConflict, FollowupInputError, period_key
from troly.followup.views import AssigneeView, EventView, category_of
from troly.followup.workflow import (
    CANCELLED,
    CATEGORIES,
    CODE_RE,
    DONE,
    FAILED,
    IN_PROGRESS,
    NOT_STARTED,
    REPORTABLE,
    STATUSES,
    find_evidence,
    format_code,
    normalise_status,
    parse_code,
)

__all__ = [
    "CANCELLED",
    "CATEGORIES",
    "CODE_RE",
    "DEFAULT_REMINDER_DAYS",
    "DONE",
    "FAILED",
    "HEADERS",
    "IN_PROGRESS",
    "NOT_STARTED",
    "REMOVED_REASON",
    "REPORTABLE",
    "STATUSES",
    "STOP_HINT",
    "AssigneeView",
    "EventView",
    "FollowupConflict",
    "FollowupInputError",
    "FollowupService",
    "ProgressReport",
    "ReconcileStats",
    "ReportLine",
    "UnitRef",
    "admin_overdue",
    "build_report",
    "category_of",
    "export_xlsx",
    "find_evidence",
    "format_code",
    "normalise_status",
    "parse_code",
    "period_key",
    "reconcile_assignments",
    "reminders",
    "weekly_digest",
]
