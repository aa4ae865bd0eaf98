"""Monthly idea quotas as data: the packaged ``troly/data/ideas_rules.yaml`` plus an admin override.

Why data and not code: directives change every year (the 2026 notice asks each commune/ward for
1–2 ideas "triển khai được" a month and Tỉnh đoàn for at least 2 introduced ideas); an admin edits a
YAML file (``TROLY_IDEAS_RULES_FILE``) instead of waiting for a release. Which statuses count and
which month an idea counts in are explicit per rule:

* ``counted_statuses`` — an idea counts when its *current* status is one of them (an idea that later
  became "không khả thi" or was withdrawn stops counting);
* ``month_by`` — ``status_reached`` (default): the month the idea FIRST reached one of the counted
  statuses, so "triển khai được trong tháng" means deployed in that month, whatever month it was
  submitted; ``submitted``: the month of submission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml

from troly.errors import UserInputError
from troly.ideas.workflow import STATUSES, normalise_status
from troly.units import Unit, UnitCatalogue

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["DEFAULT_RULES_PATH", "QuotaRule", "RuleSet", "load_rules", "rules_from_tasks", "with_task_rules"]

DEFAULT_RULES_PATH = Path(__file__).parent.parent / "data" / "ideas_rules.yaml"
MonthBy = Literal["status_reached", "submitted"]


@dataclass(frozen=True, slots=True)
class QuotaRule:
    """One quota: each unit covered by ``applies_to`` must reach ``min`` counted ideas per period."""

    id: str
    applies_to: str
    min: int
    max: int | None = None
    per: str = "month"
    counted_statuses: frozenset[str] = frozenset({"đang thí điểm", "đã triển khai"})
    month_by: MonthBy = "status_reached"
    label: str = ""
    source: str | None = None

    def covers(self, unit: Unit, catalogue: UnitCatalogue) -> bool:
        """Whether the unit itself is ``applies_to`` or a member of that group."""
        if unit.id == self.applies_to:
            return True
        if self.applies_to in unit.groups:
            return True
        return any(g.id == self.applies_to for g in catalogue.groups_of(unit))


@dataclass(slots=True)
class RuleSet:
    rules: list[QuotaRule] = field(default_factory=list)

    def rule_for(self, unit: Unit, catalogue: UnitCatalogue) -> QuotaRule | None:
        """The first rule that covers ``unit`` (a direct rule wins over a group rule)."""
        direct = [r for r in self.rules if r.applies_to == unit.id]
        if direct:
            return direct[0]
        for r in self.rules:
            if r.covers(unit, catalogue):
                return r
        return None


def _parse_rule(entry: dict[str, Any], default_month_by: str) -> QuotaRule:
    rid = str(entry.get("id") or "").strip()
    if not rid or not entry.get("applies_to"):
        raise ValueError(f"idea quota rule needs 'id' and 'applies_to': {entry!r}")
    statuses: set[str] = set()
    for s in entry.get("counted_statuses") or ["đang thí điểm", "đã triển khai"]:
        norm = normalise_status(str(s))
        if norm is None:
            raise ValueError(f"rule {rid!r}: unknown status {s!r}; known: {', '.join(STATUSES)}")
        statuses.add(norm)
    raw_month_by = str(entry.get("month_by") or default_month_by)
    if raw_month_by not in ("status_reached", "submitted"):
        raise ValueError(f"rule {rid!r}: month_by must be status_reached or submitted, not {raw_month_by!r}")
    month_by: MonthBy = "submitted" if raw_month_by == "submitted" else "status_reached"
    per = str(entry.get("per") or "month")
    if per != "month":
        raise ValueError(f"rule {rid!r}: only per: month is supported, not {per!r}")
    mx = entry.get("max")
    return QuotaRule(
        id=rid,
        applies_to=str(entry["applies_to"]),
        min=int(entry.get("min") or 0),
        max=int(mx) if mx is not None else None,
        per=per,
        counted_statuses=frozenset(statuses),
        month_by=month_by,
        label=str(entry.get("label") or rid),
        source=entry.get("source"),
    )


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping with 'rules'")
    return data


def load_rules(override: Path | None = None, *, catalogue: UnitCatalogue | None = None) -> RuleSet:
    """The packaged rules with the admin's file merged on top (same id replaces, ``disabled`` removes)."""
    base = _read(DEFAULT_RULES_PATH)
    default_month_by = str(base.get("month_by") or "status_reached")
    entries: dict[str, dict[str, Any]] = {str(e["id"]): dict(e) for e in base.get("rules") or []}
    if override is not None:
        try:
            extra = _read(Path(override))
        except OSError as e:
            raise UserInputError(
                f"cannot read idea rules file {override}: {e}",
                user_message="Không đọc được tệp quy định chỉ tiêu ý tưởng.",
            ) from e
        default_month_by = str(extra.get("month_by") or default_month_by)
        for entry in extra.get("rules") or []:
            rid = str(entry.get("id") or "")
            if entry.get("disabled"):
                entries.pop(rid, None)
                continue
            entries[rid] = {**entries.get(rid, {}), **dict(entry)}
    rules = [_parse_rule(entry, default_month_by) for entry in entries.values()]
    if catalogue is not None:
        for r in rules:
            if r.applies_to not in catalogue:
                raise ValueError(f"rule {r.id!r} applies to {r.applies_to!r}, which the unit catalogue lacks")
    return RuleSet(rules=rules)


# ----------------------------------------------------------------------------------------------
# Bonus: rules proposed by the directive extractor (TaskRow.quota with unit_noun "ý tưởng …")
# ----------------------------------------------------------------------------------------------

_IDEA_NOUN = "ý tưởng"
_COUNTING_ROLES = ("lead", "responsible", "assigned", "requested", "self")


def rules_from_tasks(session: Session, catalogue: UnitCatalogue) -> list[QuotaRule]:
    """Monthly "… ý tưởng" quotas the task extractor stored, as rules (one per assigned unit/group).

    Tỉnh đoàn's target is about ideas introduced, a commune's about ideas deployed, so the counted
    statuses follow the same split as the packaged YAML. Only ``per: month`` quotas with a minimum
    are used; the source document id is kept for the admin.
    """
    from sqlalchemy import select

    from troly.models import TaskRow

    out: dict[str, QuotaRule] = {}
    for task in session.execute(select(TaskRow).where(TaskRow.quota.is_not(None))).scalars():
        q = task.quota or {}
        noun = str(q.get("unit_noun") or "").lower()
        if not noun.startswith(_IDEA_NOUN) or q.get("per") != "month" or q.get("min") is None:
            continue
        for a in task.assignees:
            if not a.unit_id or a.role not in _COUNTING_ROLES or a.unit_id not in catalogue:
                continue
            unit = catalogue.get(a.unit_id)
            introduced = a.unit_id == "tinh-doan"
            statuses = (
                {"được giới thiệu", "đang thí điểm", "đã triển khai"}
                if introduced
                else {"đang thí điểm", "đã triển khai"}
            )
            rid = f"task-{task.id}-{a.unit_id}"
            out.setdefault(
                a.unit_id,
                QuotaRule(
                    id=rid,
                    applies_to=a.unit_id,
                    min=int(q["min"]),
                    max=int(q["max"]) if q.get("max") is not None else None,
                    counted_statuses=frozenset(statuses),
                    label=f"{unit.name if unit else a.unit_id} — {q.get('text') or ''}".strip(" —"),
                    source=f"văn bản {task.doc_id}",
                ),
            )
    return list(out.values())


def with_task_rules(rules: RuleSet, derived: list[QuotaRule], catalogue: UnitCatalogue) -> RuleSet:
    """The YAML rules plus derived ones for units/groups no YAML rule covers (the YAML always wins)."""
    out = list(rules.rules)
    for r in derived:
        target = catalogue.get(r.applies_to)
        if target is None or any(x.applies_to == r.applies_to for x in rules.rules):
            continue
        if not target.is_group and rules.rule_for(target, catalogue) is not None:
            continue
        out.append(r)
    return RuleSet(rules=out)
