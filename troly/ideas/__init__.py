"""Community innovation ideas: validation, the store, status workflow, near-duplicates, import.

Why: the 2026 conclusion notice gives every commune/ward a monthly quota of ideas "triển khai
được" and Tỉnh đoàn one of introduced ideas; Sở KH&CN receives them. Ideas arrive by chat
(Telegram, Zalo), by the CLI and as spreadsheets, so the rules live here once:

* store functions take ``session`` keyword-only and never commit (the caller's transaction does);
  :class:`IdeaService` wraps them with the database, embedder and catalogue it is given;
* ids are ``YT-<year>-<6-digit row id>``, derived from the autoincrement key, so concurrent
  submissions from many workers can never collide;
* text is stored verbatim (SQL or HTML in a title is data: bound parameters, escaped by channels);
* nothing is hard-deleted; withdrawal is a status; every change is a history row;
* a near-duplicate (cosine ≥ threshold against earlier ideas) is flagged, never refused;
* contact details are only shown to admins and the submitter (:meth:`IdeaView.to_dict`).

One concept per module: :mod:`~troly.ideas.workflow` (statuses, fields, codes),
:mod:`~troly.ideas.validation`, :mod:`~troly.ideas.views`, :mod:`~troly.ideas.store`,
:mod:`~troly.ideas.importing`, :mod:`~troly.ideas.service`, :mod:`~troly.ideas.models` (tables),
:mod:`~troly.ideas.rules` (quotas as data) and :mod:`~troly.ideas.report` (the monthly report).
"""

from __future__ import annotations

from troly.ideas.importing import ImportResult, import_hash, read_import_file
from troly.ideas.service import IdeaService
from troly.ideas.store import get_idea, list_ideas, set_status, submit_idea
from troly.ideas.validation import (
    CONTACT_MAX,
    NAME_MAX,
    TITLE_MAX,
    IdeaDraft,
    IdeaInputError,
    resolve_unit,
    validate_description,
    validate_draft,
    validate_field,
    validate_optional,
    validate_title,
)
from troly.ideas.views import HistoryView, IdeaView, to_local
from troly.ideas.workflow import (
    CODE_RE,
    FIELDS,
    NEW,
    STATUSES,
    TRANSITIONS,
    WITHDRAWN,
    normalise_field,
    normalise_status,
    parse_code,
)

__all__ = [
    "CODE_RE",
    "CONTACT_MAX",
    "FIELDS",
    "NAME_MAX",
    "NEW",
    "STATUSES",
    "TITLE_MAX",
    "TRANSITIONS",
    "WITHDRAWN",
    "HistoryView",
    "IdeaDraft",
    "IdeaInputError",
    "IdeaService",
    "IdeaView",
    "ImportResult",
    "get_idea",
    "import_hash",
    "list_ideas",
    "normalise_field",
    "normalise_status",
    "parse_code",
    "read_import_file",
    "resolve_unit",
    "set_status",
    "submit_idea",
    "to_local",
    "validate_description",
    "validate_draft",
    "validate_field",
    "validate_optional",
    "validate_title",
]
