"""Header metadata against a hand-written gold: per-field accuracy by split and by text vs scan.

Gold line: ``{"id", "split", "type", "number", "date", "issuer", "signer", "handwritten": [fields],
"note"}``; ``null`` means the document prints no such field, so troly is right only when it also
gives none. Fields named in ``handwritten`` are filled in by hand on the paper (a number or a day
written over the printed form): they are kept out of the accuracy and counted on their own.

Comparison per field, after NFC and whitespace folding:
- type: case- and accent-insensitive equality;
- number: casefolded, every space removed ("Đ" and "D" stay distinct);
- date: ISO equality of the issuance day; a draft with a blank day has none (its month is
  ``date_partial``, not a date), so ``null`` in the gold;
- issuer: casefolded, "Ủy ban nhân dân" folded to "UBND"; a body named with its province
  ("Sở Nội vụ tỉnh Vĩnh Long") equals the same body named without it ("Sở Nội vụ") — the golds of
  different annotators write both, and the header names the province either way;
- signer: casefolded equality.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from troly.evals.corpus import CorpusDocument, DocumentReading, read_document, read_jsonl
from troly.text import canonical, collapse_ws, fold, nfc
from troly.types import DocumentMeta

if TYPE_CHECKING:
    from troly.context import Context

__all__ = [
    "FIELDS",
    "FieldScore",
    "MetadataReport",
    "Mismatch",
    "evaluate_metadata",
    "normalise",
    "predicted_value",
    "same_value",
]

FIELDS = ("type", "number", "date", "issuer", "signer")
SPLITS = ("dev", "heldout")
KINDS = ("text", "scan")

_UBND = re.compile(r"ủy ban nhân dân")


def _plain(value: str) -> str:
    return collapse_ws(canonical(nfc(value))).casefold()


def _norm_type(value: str) -> str:
    return fold(collapse_ws(value))


def _norm_number(value: str) -> str:
    return re.sub(r"\s+", "", nfc(value)).casefold()


def _norm_issuer(value: str) -> str:
    return collapse_ws(_UBND.sub("ubnd", _plain(value)))


_NORMALISERS: dict[str, Callable[[str], str]] = {
    "type": _norm_type,
    "number": _norm_number,
    "date": lambda v: v.strip(),
    "issuer": _norm_issuer,
    "signer": _plain,
}


_PROVINCE_TAIL = re.compile(r"\s+(?:tỉnh|thành phố|tp\.?)\s+[^,;]+$")


def same_value(field_name: str, gold: str | None, got: str | None) -> bool:
    """Whether troly's value counts as the gold's (see the module docstring for each field)."""
    a, b = normalise(field_name, gold), normalise(field_name, got)
    if a == b:
        return True
    if field_name != "issuer" or a is None or b is None:
        return False
    a_bare, b_bare = _PROVINCE_TAIL.sub("", a), _PROVINCE_TAIL.sub("", b)
    if min(len(a_bare.split()), len(b_bare.split())) < 2:
        return False  # "UBND" alone does not name one body; "UBND tỉnh X" does
    # only the qualifier may differ: one side has it, the other names the same body without it
    return (a_bare == b and a_bare != a) or (b_bare == a and b_bare != b)


def normalise(field_name: str, value: str | None) -> str | None:
    """The comparison form of one field's value; blank values are None."""
    if value is None or not str(value).strip():
        return None
    return _NORMALISERS[field_name](str(value))


def predicted_value(meta: DocumentMeta, field_name: str) -> str | None:
    """troly's value of a gold field, as text (the date in ISO; a blank day's month is no date)."""
    if field_name == "date":
        return meta.date.isoformat() if meta.date else None
    value = meta.doc_type if field_name == "type" else getattr(meta, field_name)
    return None if value is None else str(value)


@dataclass(slots=True)
class FieldScore:
    right: int = 0
    n: int = 0
    handwritten_right: int = 0
    handwritten_n: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "right": self.right,
            "n": self.n,
            "accuracy": round(self.right / self.n, 4) if self.n else None,
            "handwritten_right": self.handwritten_right,
            "handwritten_n": self.handwritten_n,
        }


@dataclass(slots=True, frozen=True)
class Mismatch:
    id: str
    field: str
    gold: str | None
    got: str | None
    handwritten: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "field": self.field, "gold": self.gold, "got": self.got, "handwritten": self.handwritten}


@dataclass(slots=True)
class MetadataReport:
    """Scores keyed by (field, split, kind); mismatches of the dev split only."""

    scores: dict[tuple[str, str, str], FieldScore] = field(default_factory=dict)
    documents: dict[tuple[str, str], int] = field(default_factory=dict)  # (split, kind) -> measured docs
    unavailable: dict[str, list[str]] = field(default_factory=dict)  # split -> gold ids without a file
    read_errors: dict[str, int] = field(default_factory=dict)  # split -> documents troly read nothing from
    dev_errors: list[tuple[str, str]] = field(default_factory=list)  # (id, why), dev only
    dev_mismatches: list[Mismatch] = field(default_factory=list)

    def score(self, field_name: str, split: str, kind: str) -> FieldScore:
        return self.scores.setdefault((field_name, split, kind), FieldScore())

    def total(self, field_name: str, split: str) -> FieldScore:
        out = FieldScore()
        for kind in KINDS:
            s = self.scores.get((field_name, split, kind))
            if s:
                out.right += s.right
                out.n += s.n
                out.handwritten_right += s.handwritten_right
                out.handwritten_n += s.handwritten_n
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "fields": {
                f: {
                    split: {
                        **{kind: self.score(f, split, kind).as_dict() for kind in KINDS},
                        "all": self.total(f, split).as_dict(),
                    }
                    for split in SPLITS
                }
                for f in FIELDS
            },
            "documents": {split: {kind: self.documents.get((split, kind), 0) for kind in KINDS} for split in SPLITS},
            "unavailable": {split: len(self.unavailable.get(split, [])) for split in SPLITS},
            "unavailable_dev_ids": self.unavailable.get("dev", []),
            "read_errors": {split: self.read_errors.get(split, 0) for split in SPLITS},
            "dev_read_errors": [{"id": i, "error": e} for i, e in self.dev_errors],
            "dev_mismatches": [m.as_dict() for m in self.dev_mismatches],
        }


def evaluate_metadata(
    ctx: Context,
    gold_files: Sequence[Path],
    documents: dict[str, CorpusDocument],
    *,
    stored: bool = False,
    on_document: Callable[[str], None] | None = None,
    reader: Callable[[CorpusDocument], DocumentReading] | None = None,
    only: Collection[str] | None = None,
    split: str = "all",
) -> MetadataReport:
    """Read every gold document with troly and score its header fields.

    Args:
        ctx: the composition root (settings, catalogue; the home when ``stored``).
        gold_files: JSONL gold files (see the module docstring).
        documents: gold id → file, from the manifests.
        stored: score what ``troly ingest`` stored in the home instead of reading the file afresh.
        on_document: called with each gold id before it is read (progress).
        reader: reads one document instead of ``read_document`` (lets several evals share one
            reading of a scan: OCR is the slow part).
        only: measure only these gold ids (a subset: one format, a few documents); the others
            are left out of every count.
        split: measure only this split's documents ("dev", "heldout"; "all" for both): tuning
            runs read no held-out document at all.

    Returns:
        The report; heldout mismatches are counted but never listed.
    """
    split_wanted = split
    report = MetadataReport()
    for gold_file in gold_files:
        for gold in read_jsonl(gold_file):
            if only is not None and gold["id"] not in only:
                continue
            split = gold.get("split") or "dev"
            if split_wanted not in ("all", split):
                continue
            doc = documents.get(gold["id"])
            if doc is None:
                report.unavailable.setdefault(split, []).append(gold["id"])
                continue
            if on_document:
                on_document(gold["id"])
            reading = reader(doc) if reader else read_document(ctx, doc, stored=stored)
            if not reading.available:
                report.unavailable.setdefault(split, []).append(gold["id"])
                continue
            if reading.error:
                report.read_errors[split] = report.read_errors.get(split, 0) + 1
                if split == "dev":
                    report.dev_errors.append((gold["id"], reading.error))
            kind = "scan" if doc.is_scan else "text"
            report.documents[(split, kind)] = report.documents.get((split, kind), 0) + 1
            handwritten = set(gold.get("handwritten") or ())
            for f in FIELDS:
                got = predicted_value(reading.meta, f)
                right = same_value(f, gold.get(f), got)
                score = report.score(f, split, kind)
                if f in handwritten:
                    score.handwritten_n += 1
                    score.handwritten_right += right
                else:
                    score.n += 1
                    score.right += right
                if not right and split == "dev":
                    report.dev_mismatches.append(Mismatch(gold["id"], f, gold.get(f), got, f in handwritten))
    return report
