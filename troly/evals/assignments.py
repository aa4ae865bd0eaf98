"""Assignments against a hand-written gold: precision, recall and due-date accuracy per split.

Gold line: ``{"id", "split", "assignments": [{"unit", "role", "duty", "due_text", "due_date",
"recurrence"}]}``. troly's side is every (task, assignee) pair it extracted from that document.

- A gold entry is matched by a predicted pair when both name the same unit (the same catalogue
  unit, or equal normalised names for units the catalogue lacks) and the gold ``duty`` (matching
  form: NFC, ``*`` removed, whitespace folded, casefolded) occurs in the task's text or in its
  source sentence (the passage lines the task text sits in).
- Precision = matched predicted pairs / predicted pairs; recall = matched gold entries / gold
  entries. A document whose gold list is empty makes every pair it yields a false positive; a
  task naming no unit counts as one pair that matches nothing.
- Due dates are judged once per matched gold entry, on the best of the pairs that match it: a gold
  ``due_date`` "2025-10-15" needs a predicted deadline ending that day, "2025-10" one ending in that
  month, "2025" in that year; a gold without a due date needs none (an invented one is wrong).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from troly.evals.corpus import (
    CorpusDocument,
    DocumentReading,
    PredictedAssignee,
    PredictedTask,
    read_document,
    read_jsonl,
)
from troly.text import canonical, collapse_ws, match_key, nfc

if TYPE_CHECKING:
    from troly.context import Context
    from troly.units import UnitCatalogue

__all__ = [
    "AssignmentReport",
    "SplitCounts",
    "due_agrees",
    "evaluate_assignments",
    "is_assignment_gold",
    "source_sentence",
]

_UBND = re.compile(r"ủy ban nhân dân")


def is_assignment_gold(path: Path) -> bool:
    """Whether a tasks gold file is the assignments format (its first line has ``assignments``)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            return '"assignments"' in line
    return False


def _name_key(name: str) -> str:
    key = collapse_ws(canonical(nfc(name)).replace("*", "")).casefold()
    return collapse_ws(_UBND.sub("ubnd", key))


class _Units:
    """Unit identity for matching: catalogue id when it resolves, the normalised name otherwise."""

    def __init__(self, catalogue: UnitCatalogue) -> None:
        self.catalogue = catalogue
        self._memo: dict[str, str | None] = {}

    def unit_id(self, name: str, known: str | None = None) -> str | None:
        if known:
            return known
        if name not in self._memo:
            match = self.catalogue.resolve(name)
            self._memo[name] = match.unit.id if match else None
        return self._memo[name]

    def same(self, gold_name: str, name: str, unit_id: str | None) -> bool:
        if _name_key(gold_name) == _name_key(name):
            return True
        gold_id = self.unit_id(gold_name)
        return gold_id is not None and gold_id == self.unit_id(name, unit_id)


def source_sentence(task: PredictedTask) -> str:
    """The lines of the task's source passage that hold its text (the lead-in sentence included
    when the task is a list item under it)."""
    head = match_key(task.text)[:60]
    lines = task.passage.splitlines()
    keep = []
    for i, line in enumerate(lines):
        key = match_key(line)
        if key and (head in key or key in match_key(task.text)):
            if i > 0 and lines[i - 1].rstrip().endswith(":"):
                keep.append(lines[i - 1])
            keep.append(line)
    return "\n".join(dict.fromkeys(keep))


def due_agrees(gold_due: str | None, predicted: dict[str, Any] | None) -> bool:
    """Whether a predicted deadline (``to_json(Due)``) agrees with a gold ``due_date``."""
    if not gold_due:
        return predicted is None
    if not predicted or not predicted.get("end"):
        return False
    return str(predicted["end"])[: len(gold_due)] == gold_due


@dataclass(slots=True)
class SplitCounts:
    documents: int = 0
    gold: int = 0
    predicted: int = 0
    matched_predicted: int = 0
    matched_gold: int = 0
    due_with_right: int = 0  # matched gold entries that have a due date
    due_with_n: int = 0
    due_without_right: int = 0  # matched gold entries that have none
    due_without_n: int = 0

    @staticmethod
    def _ratio(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    @property
    def precision(self) -> float | None:
        return self._ratio(self.matched_predicted, self.predicted)

    @property
    def recall(self) -> float | None:
        return self._ratio(self.matched_gold, self.gold)

    @property
    def due_accuracy(self) -> float | None:
        return self._ratio(self.due_with_right + self.due_without_right, self.due_with_n + self.due_without_n)

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "gold": self.gold,
            "predicted": self.predicted,
            "matched_predicted": self.matched_predicted,
            "matched_gold": self.matched_gold,
            "precision": self.precision,
            "recall": self.recall,
            "due_right": self.due_with_right + self.due_without_right,
            "due_n": self.due_with_n + self.due_without_n,
            "due_accuracy": self.due_accuracy,
            "due_with_date": {"right": self.due_with_right, "n": self.due_with_n},
            "due_without_date": {"right": self.due_without_right, "n": self.due_without_n},
        }


@dataclass(slots=True)
class AssignmentReport:
    splits: dict[str, SplitCounts] = field(default_factory=dict)
    unavailable: dict[str, list[str]] = field(default_factory=dict)
    read_errors: dict[str, int] = field(default_factory=dict)
    dev_failures: list[dict[str, Any]] = field(default_factory=list)  # missed gold, false pairs, wrong dues (dev only)

    def split(self, name: str) -> SplitCounts:
        return self.splits.setdefault(name, SplitCounts())

    def as_dict(self) -> dict[str, Any]:
        return {
            "splits": {name: counts.as_dict() for name, counts in self.splits.items()},
            "unavailable": {name: len(ids) for name, ids in self.unavailable.items()},
            "unavailable_dev_ids": self.unavailable.get("dev", []),
            "read_errors": self.read_errors,
            "dev_failures": self.dev_failures,
        }


def _score_document(
    units: _Units,
    gold_entries: list[dict[str, Any]],
    tasks: list[PredictedTask],
    counts: SplitCounts,
    failures: list[dict[str, Any]] | None,
) -> None:
    # A task that names no unit is still listed to users ("Chưa rõ đơn vị"): one pair no gold matches.
    nobody = PredictedAssignee("", None, "")
    pairs = [(t, a) for t in tasks for a in (t.assignees or [nobody])]
    texts = [f"{match_key(t.text)}\n{match_key(source_sentence(t))}" for t in tasks]
    text_of = {id(t): text for t, text in zip(tasks, texts, strict=True)}
    matched_pairs: set[int] = set()
    counts.gold += len(gold_entries)
    counts.predicted += len(pairs)
    for entry in gold_entries:
        duty = match_key(entry.get("duty") or "")
        hits = [
            i
            for i, (t, a) in enumerate(pairs)
            if a.name and duty in text_of[id(t)] and units.same(entry.get("unit") or "", a.name, a.unit_id)
        ]
        matched_pairs.update(hits)
        if not hits:
            if failures is not None:
                failures.append({"kind": "missed", "unit": entry.get("unit"), "duty": entry.get("duty")})
            continue
        counts.matched_gold += 1
        gold_due = entry.get("due_date")
        right = any(due_agrees(gold_due, pairs[i][0].due) for i in hits)
        if gold_due:
            counts.due_with_n += 1
            counts.due_with_right += right
        else:
            counts.due_without_n += 1
            counts.due_without_right += right
        if not right and failures is not None:
            got = pairs[hits[0]][0].due
            failures.append(
                {
                    "kind": "due",
                    "unit": entry.get("unit"),
                    "duty": entry.get("duty"),
                    "gold": gold_due,
                    "got": (got or {}).get("text") or (got or {}).get("end"),
                }
            )
    counts.matched_predicted += len(matched_pairs)
    if failures is not None:
        for i, (t, a) in enumerate(pairs):
            if i not in matched_pairs:
                failures.append({"kind": "false", "unit": a.name, "task": collapse_ws(t.text)[:160]})


def evaluate_assignments(
    ctx: Context,
    gold_files: Sequence[Path],
    documents: dict[str, CorpusDocument],
    *,
    stored: bool = True,
    on_document: Callable[[str], None] | None = None,
    reader: Callable[[CorpusDocument], DocumentReading] | None = None,
) -> AssignmentReport:
    """Score troly's (task, unit) pairs of each gold document against its gold assignments.

    Args:
        ctx: the composition root (catalogue; the home when ``stored``).
        gold_files: assignments gold JSONL files (see the module docstring).
        documents: gold id → file, from the manifests.
        stored: use the tasks ``troly ingest`` stored in the home (default), else extract afresh.
        on_document: called with each gold id before it is read (progress).
        reader: reads one document instead of ``read_document`` (lets several evals share one
            reading of a scan: OCR is the slow part).
    """
    units = _Units(ctx.catalogue())
    report = AssignmentReport()
    for gold_file in gold_files:
        for gold in read_jsonl(gold_file):
            split = gold.get("split") or "dev"
            doc = documents.get(gold["id"])
            reading = None
            if doc is not None:
                if on_document:
                    on_document(gold["id"])
                reading = reader(doc) if reader else read_document(ctx, doc, stored=stored)
            if reading is None or not reading.available:
                report.unavailable.setdefault(split, []).append(gold["id"])
                continue
            if reading.error:
                report.read_errors[split] = report.read_errors.get(split, 0) + 1
            counts = report.split(split)
            counts.documents += 1
            failures: list[dict[str, Any]] | None = [] if split == "dev" else None
            _score_document(units, list(gold.get("assignments") or []), reading.tasks, counts, failures)
            if failures:
                report.dev_failures.extend({"id": gold["id"], **f} for f in failures)
            if reading.error and split == "dev":
                report.dev_failures.append({"id": gold["id"], "kind": "read", "error": reading.error})
    return report
