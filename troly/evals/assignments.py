"""Assignments against a hand-written gold: precision, recall and due-date accuracy per split.

Gold line: ``{"id", "split", "assignments": [{"unit", "role", "duty", "due_text", "due_date",
"recurrence"}]}``.

The gold has one entry per unit and assigning sentence or block, its ``duty`` a distinctive phrase
of one item ("2. Sở Công Thương" followed by five bullets is one entry). troly's side is counted
the same way: a *predicted assignment* is a unit with the run of consecutive tasks that name it
(the five bullets above are one predicted assignment, not five); a task naming no unit is one
predicted assignment of its own.

- A gold entry is matched by a predicted assignment when both name the same unit (the same
  catalogue unit; for names the catalogue lacks — people, teams, roles — the same words once
  honorifics and punctuation are set aside, or one name a run of two or more of the other's words,
  see ``_same_person``) and the gold ``duty``
  (matching form: NFC, ``*`` removed, whitespace folded, casefolded) occurs in the text of one of
  its tasks or in that task's source sentence (the passage lines the task text sits in); in
  OCR'd text a few misread characters are forgiven (accent-free forms 90 % alike, see ``duty_in``).
- Precision = matched predicted assignments / predicted assignments; recall = matched gold
  entries / gold entries. A document whose gold list is empty makes everything it yields a false
  positive.
- Due dates are judged once per matched gold entry: a gold due date on any task of the matched
  block (its deadline may close another paragraph of the item), no due date on the tasks whose
  text holds the duty (none may invent one). A gold
  ``due_date`` "2025-10-15" needs a predicted deadline ending that day, "2025-10" one ending in that
  month, "2025" in that year; a gold without a due date needs none (an invented one is wrong), unless
  it writes one without a day ("trước ngày 30 tháng 6 hằng năm"): then a deadline read from those
  words is right too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from troly.evals.corpus import (
    CorpusDocument,
    DocumentReading,
    PredictedTask,
    read_document,
    read_jsonl,
)
from troly.text import canonical, collapse_ws, fold, match_key, nfc

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
_DASHES = re.compile(r"\s*[-–—]\s*")
_HONORIFIC = re.compile(r"^(?:đồng\s+chí|đ/c|ông|bà)\b\.?\s*")
# A duty found in OCR'd text: the accent-free forms agree on this share of characters (a few OCR
# slips: "đê xuât" for "đề xuất"), never a different phrase.
_OCR_AGREEMENT = 0.9


def is_assignment_gold(path: Path) -> bool:
    """Whether a tasks gold file is the assignments format (its first line has ``assignments``)."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            return '"assignments"' in line
    return False


def _name_key(name: str) -> str:
    key = collapse_ws(canonical(nfc(name)).replace("*", "")).casefold()
    return collapse_ws(_DASHES.sub(" - ", _UBND.sub("ubnd", key)))


def duty_in(duty: str, text: str) -> bool:
    """Whether a gold duty (matching form) occurs in a task text (matching form): verbatim, or in
    the accent-free form with at most ``1 - _OCR_AGREEMENT`` of its characters differing (OCR)."""
    if duty in text:
        return True
    d, t = fold(duty), fold(text)
    if d in t:
        return True
    n = len(d)
    if n < 12:
        return False
    starts = [0] + [m.end() for m in re.finditer(r"\s+", t)]
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(d)
    for start in starts:
        for length in (n - 2, n, n + 2):
            window = t[start : start + length]
            if len(window) < n - 2:
                break
            matcher.set_seq1(window)
            if matcher.real_quick_ratio() >= _OCR_AGREEMENT and matcher.ratio() >= _OCR_AGREEMENT:
                return True
    return False


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
        if gold_id is not None:
            return gold_id == self.unit_id(name, unit_id)
        return _same_person(gold_name, name)


def _person_words(name: str) -> list[str]:
    words = re.findall(r"\w+", _HONORIFIC.sub("", _name_key(name)))
    return [w for w in words if w != "các"]


def _same_person(gold_name: str, name: str) -> bool:
    """Names the catalogue lacks (people, teams, roles) written two ways: "Hoàng Văn Thuân (Trưởng
    đoàn)" in the gold, "Ông. Hoàng Văn Thuân - Trưởng đoàn" in the text; "Ban công tác Mặt trận
    các thôn" for "Ban công tác Mặt trận các thôn trên địa bàn xã". The same words in the same order
    once honorifics and punctuation are set aside, or one name a run of the other's words (two at
    least)."""
    a, b = _person_words(gold_name), _person_words(name)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 2:
        return False
    n = len(short)
    return any(long_[i : i + n] == short for i in range(len(long_) - n + 1))


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


def due_agrees(gold_due: str | None, predicted: dict[str, Any] | None, gold_text: str | None = None) -> bool:
    """Whether a predicted deadline (``to_json(Due)``) agrees with a gold ``due_date``.

    A gold entry with a deadline as written but no date (``due_text`` "trước ngày 30 tháng 6 hằng
    năm", "Trong thời hạn 03 tháng kể từ ngày Nghị định này có hiệu lực": recurring or relative, no
    single day) is met by no deadline or by one read from those words; any other is wrong."""
    if not gold_due:
        if predicted is None:
            return True
        if not gold_text:
            return False
        said, read = match_key(gold_text), match_key(str(predicted.get("text") or ""))
        return bool(read) and (read in said or said in read)
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


@dataclass(slots=True)
class _Group:
    """One predicted assignment: a unit and the run of consecutive tasks that give it work (the
    bullets of "2. Sở Công Thương" / "Giao Sở X:" are one assignment to it)."""

    name: str
    unit_id: str | None
    tasks: list[int]


def _groups(units: _Units, tasks: list[PredictedTask]) -> list[_Group]:
    """The (unit, run of tasks) pairs of a document, in reading order; a task naming no unit is a
    group of its own (users see it as "Chưa rõ đơn vị")."""
    groups: list[_Group] = []
    open_: dict[str, _Group] = {}
    for i, t in enumerate(tasks):
        if not t.assignees:
            groups.append(_Group("", None, [i]))
            continue
        for a in t.assignees:
            key = units.unit_id(a.name, a.unit_id) or _name_key(a.name)
            group = open_.get(key)
            if group is not None and group.tasks[-1] == i - 1:
                group.tasks.append(i)
                continue
            open_[key] = group = _Group(a.name, a.unit_id, [i])
            groups.append(group)
    return groups


def _score_document(
    units: _Units,
    gold_entries: list[dict[str, Any]],
    tasks: list[PredictedTask],
    counts: SplitCounts,
    failures: list[dict[str, Any]] | None,
) -> None:
    groups = _groups(units, tasks)
    texts = [f"{match_key(t.text)}\n{match_key(source_sentence(t))}" for t in tasks]
    matched_groups: set[int] = set()
    counts.gold += len(gold_entries)
    counts.predicted += len(groups)
    for entry in gold_entries:
        duty = match_key(entry.get("duty") or "")
        hits: list[tuple[int, int]] = [
            (g, i)
            for g, group in enumerate(groups)
            if group.name and units.same(entry.get("unit") or "", group.name, group.unit_id)
            for i in group.tasks
            if duty_in(duty, texts[i])
        ]
        matched_groups.update(g for g, _ in hits)
        if not hits:
            if failures is not None:
                failures.append({"kind": "missed", "unit": entry.get("unit"), "duty": entry.get("duty")})
            continue
        counts.matched_gold += 1
        gold_due = entry.get("due_date")
        # A deadline set anywhere in the unit's block is its deadline ("… hoàn thành chậm nhất ngày
        # 01/7/2028" closing the item's second paragraph); no deadline is judged on the duty's tasks.
        judged = (
            [i for g in dict.fromkeys(g for g, _ in hits) for i in groups[g].tasks]
            if gold_due
            else [i for _, i in hits]
        )
        right = any(due_agrees(gold_due, tasks[i].due, entry.get("due_text")) for i in judged)
        if gold_due:
            counts.due_with_n += 1
            counts.due_with_right += right
        else:
            counts.due_without_n += 1
            counts.due_without_right += right
        if not right and failures is not None:
            got = tasks[hits[0][1]].due
            failures.append(
                {
                    "kind": "due",
                    "unit": entry.get("unit"),
                    "duty": entry.get("duty"),
                    "gold": gold_due,
                    "got": (got or {}).get("text") or (got or {}).get("end"),
                }
            )
    counts.matched_predicted += len(matched_groups)
    if failures is not None:
        for g, group in enumerate(groups):
            if g not in matched_groups:
                text = collapse_ws(tasks[group.tasks[0]].text)[:160]
                failures.append({"kind": "false", "unit": group.name, "tasks": len(group.tasks), "task": text})


def evaluate_assignments(
    ctx: Context,
    gold_files: Sequence[Path],
    documents: dict[str, CorpusDocument],
    *,
    stored: bool = True,
    on_document: Callable[[str], None] | None = None,
    reader: Callable[[CorpusDocument], DocumentReading] | None = None,
    split: str = "all",
    scans: bool = True,
    only: Collection[str] | None = None,
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
        split: "dev", "heldout" or "all": the gold lines measured.
        scans: False leaves out the scanned documents (``pdf-scan`` in the manifest): a quick
            measurement of the text documents, without OCR.
        only: measure only these gold ids (a few documents while working on them).
    """
    units = _Units(ctx.catalogue())
    report = AssignmentReport()
    for gold_file in gold_files:
        for gold in read_jsonl(gold_file):
            gold_split = gold.get("split") or "dev"
            if (split != "all" and gold_split != split) or (only is not None and gold["id"] not in only):
                continue
            doc = documents.get(gold["id"])
            if doc is not None and doc.is_scan and not scans:
                continue
            reading = None
            if doc is not None:
                if on_document:
                    on_document(gold["id"])
                reading = reader(doc) if reader else read_document(ctx, doc, stored=stored)
            if reading is None or not reading.available:
                report.unavailable.setdefault(gold_split, []).append(gold["id"])
                continue
            if reading.error:
                report.read_errors[gold_split] = report.read_errors.get(gold_split, 0) + 1
            counts = report.split(gold_split)
            counts.documents += 1
            failures: list[dict[str, Any]] | None = [] if gold_split == "dev" else None
            _score_document(units, list(gold.get("assignments") or []), reading.tasks, counts, failures)
            if failures:
                report.dev_failures.extend({"id": gold["id"], **f} for f in failures)
            if reading.error and gold_split == "dev":
                report.dev_failures.append({"id": gold["id"], "kind": "read", "error": reading.error})
    return report
