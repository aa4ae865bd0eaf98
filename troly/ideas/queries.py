"""Query function for ideas questions (issue 12): ideas, a unit's monthly quota line and its rule.

Executes a :class:`troly.queries.IdeaQuery` over the idea tables and the quota rules; the
conversation core composes the answer. Submitter names and contacts are never returned (the
views are stripped here), whoever asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from troly.ideas.report import QuotaLine, ReportSources, monthly_report
from troly.ideas.rules import QuotaRule, load_rules
from troly.ideas.store import list_ideas
from troly.ideas.views import IdeaView
from troly.ideas.workflow import normalise_field
from troly.queries import IdeaQuery
from troly.text import fold
from troly.units import Unit

__all__ = ["IdeaFacts", "idea_facts"]


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


def idea_facts(ctx: ReportSources, q: IdeaQuery) -> IdeaFacts:
    """Run ``q``: unknown unit names leave ``unit`` None (the caller says so)."""
    cat = ctx.catalogue()
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
    ideas = [replace(i, submitter_name=None, contact=None, user_key=None) for i in ideas]
    rules = load_rules(ctx.settings.ideas_rules_file)
    rule = rules.rule_for(unit, cat) if unit is not None else None
    line = None
    if unit is not None and not unit.is_group and rule is not None and month is not None:
        year, mon = month
        report = monthly_report(ctx, year, mon, rules=rules, unit_ids={unit.id}, include=[unit])
        line = report.line(unit.id)
    return IdeaFacts(q, unit, month, ideas, line, rule, field_name)


def _groups(cat: object, idea: IdeaView) -> list[Unit]:
    from troly.units import UnitCatalogue

    assert isinstance(cat, UnitCatalogue)
    u = cat.get(idea.unit_id)
    if u is None:
        m = cat.resolve(idea.unit_name)
        u = m.unit if m else None
    return cat.groups_of(u) if u is not None else []
