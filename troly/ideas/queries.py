"""Query function for ideas questions (issue 12): ideas, a unit's monthly quota line and its rule.

Executes a :class:`troly.queries.IdeaQuery` over the idea tables and the quota rules; the
conversation core composes the answer. Submitter names and contacts are never returned (the
views are stripped here), whoever asks.

Who may read an idea's details (its status, its history) is decided here, once, for every path —
the rule-based questions, the LLM's tool calls and ``/trangthai``: an administrator reads any idea,
the submitter their own, a user bound to a unit (``/donvi``) the ideas of that unit (of its member
units, for a group); nobody else (:func:`may_read`, :func:`authorize`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from troly.errors import UserInputError
from troly.ideas.report import QuotaLine, ReportSources, monthly_report
from troly.ideas.rules import QuotaRule, load_rules
from troly.ideas.store import list_ideas
from troly.ideas.views import IdeaView
from troly.ideas.workflow import normalise_field
from troly.queries import IdeaQuery
from troly.text import fold
from troly.units import Unit, UnitCatalogue

__all__ = ["DENIED_TEXT", "IdeaAccessDenied", "IdeaFacts", "Viewer", "authorize", "idea_facts", "may_read"]

#: What a user who may not read an idea is told (both paths, ``/trangthai`` too).
DENIED_TEXT = (
    "Bạn chỉ xem được trạng thái ý tưởng của đơn vị mình (hoặc ý tưởng bạn đã gửi). "
    "Gõ /donvi <tên đơn vị> để gắn tài khoản với đơn vị của bạn."
)


class IdeaAccessDenied(UserInputError):
    """The asker may not read this idea's details (another unit's, or the asker is bound to none)."""

    user_message = DENIED_TEXT


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who asks: the channel user key, the unit the user is bound to (``/donvi``), admin or not."""

    user_key: str | None = None
    unit_id: str | None = None
    is_admin: bool = False


def _readable_units(viewer: Viewer, cat: UnitCatalogue) -> set[str]:
    if viewer.unit_id is None:
        return set()
    own = cat.get(viewer.unit_id)
    members = {m.id for m in cat.members(own.id)} if own is not None and own.is_group else set()
    return {viewer.unit_id} | members


def may_read(viewer: Viewer, idea: IdeaView, cat: UnitCatalogue) -> bool:
    """Whether ``viewer`` may read ``idea``'s status and history."""
    if viewer.is_admin or (viewer.user_key is not None and viewer.user_key == idea.user_key):
        return True
    return idea.unit_id in _readable_units(viewer, cat)


def authorize(q: IdeaQuery, viewer: Viewer, cat: UnitCatalogue) -> IdeaQuery:
    """Check a status query before it runs: an administrator may ask anything; a user bound to a
    unit about the own unit (or no unit: :func:`idea_facts` then keeps the ideas the user
    :func:`may_read`); :class:`IdeaAccessDenied` for another unit or a user bound to none. Other
    asks (counts, quotas, lists of titles) are public and pass unchanged."""
    if q.ask != "status" or viewer.is_admin:
        return q
    if viewer.unit_id is None or cat.get(viewer.unit_id) is None:
        raise IdeaAccessDenied("an idea's status is shown only to a user bound to its unit")
    if q.unit:
        match = cat.resolve(q.unit)
        if match is None or match.unit.id not in _readable_units(viewer, cat):
            raise IdeaAccessDenied("an idea status query about another unit")
    return q


@dataclass(slots=True)
class IdeaFacts:
    """What an ideas question is answered from."""

    query: IdeaQuery
    unit: Unit | None
    month: tuple[int, int] | None
    ideas: list[IdeaView] = field(default_factory=list)  # submitted in the month (or all), filtered
    line: QuotaLine | None = None  # the unit's quota line for the month
    rule: QuotaRule | None = None  # the rule that covers the unit (or group)
    field_name: str | None = None


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(text)) if len(w) > 1}


def idea_facts(ctx: ReportSources, q: IdeaQuery, viewer: Viewer | None = None) -> IdeaFacts:
    """Run ``q`` for ``viewer`` (None: an anonymous asker): unknown unit names leave ``unit`` None
    (the caller says so); a status query passes :func:`authorize` first, and only ideas the viewer
    :func:`may_read` are returned for it."""
    cat = ctx.catalogue()
    viewer = viewer or Viewer()
    q = authorize(q, viewer, cat)
    unit = None
    if q.unit:
        match = cat.resolve(q.unit)
        unit = match.unit if match else None
    month = (int(q.month[:4]), int(q.month[5:7])) if q.month else None
    tz = ZoneInfo(ctx.settings.timezone)
    field_name = normalise_field(q.field) if q.field else None
    with ctx.db.session() as session:
        ideas = list_ideas(session=session, tz=tz, month=month)
    if unit is not None:
        ids = {unit.id} | ({m.id for m in cat.members(unit.id)} if unit.is_group else set())
        ideas = [
            i for i in ideas if i.unit_id in ids or (unit.is_group and any(g.id == unit.id for g in _groups(cat, i)))
        ]
    if field_name:
        ideas = [i for i in ideas if i.field == field_name]
    if q.topic:
        want = _words(q.topic)
        scored = [(len(want & _words(f"{i.title} {i.description}")), i) for i in ideas]
        best = max((s for s, _ in scored), default=0)
        ideas = [i for s, i in scored if best and s == best]
    if q.ask == "status":
        readable = [i for i in ideas if may_read(viewer, i, cat)]
        if ideas and not readable:
            raise IdeaAccessDenied("the ideas asked about belong to another unit")
        ideas = readable
    ideas = [replace(i, submitter_name=None, contact=None, user_key=None) for i in ideas]
    rules = load_rules(ctx.settings.ideas_rules_file)
    rule = rules.rule_for(unit, cat) if unit is not None else None
    line = None
    if unit is not None and not unit.is_group and rule is not None and month is not None:
        year, mon = month
        report = monthly_report(ctx, year, mon, rules=rules, unit_ids={unit.id}, include=[unit])
        line = report.line(unit.id)
    return IdeaFacts(q, unit, month, ideas, line, rule, field_name)


def _groups(cat: UnitCatalogue, idea: IdeaView) -> list[Unit]:
    u = cat.get(idea.unit_id)
    if u is None:
        m = cat.resolve(idea.unit_name)
        u = m.unit if m else None
    return cat.groups_of(u) if u is not None else []
