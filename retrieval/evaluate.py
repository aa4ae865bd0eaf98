"""Retrieval evaluation: recall@k and MRR@10 per retriever over a QA file.

File format and matching rule (``examples/eval/README.md``): one JSON object a line with ``id``,
``question`` and ``gold`` (alternative substrings of the answering passage). Both sides are NFC,
``*`` removed, whitespace folded, casefolded; a passage answers when it contains a gold string.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from retrieval.search import Mode, Searcher
from troly.errors import UserInputError
from troly.text import match_key
from troly.types import Hit

if TYPE_CHECKING:
    from retrieval.directives import TaskFinder

__all__ = ["QAItem", "RetrievalReport", "answer_rank", "evaluate_retrieval", "load_qa"]


class QAItem(BaseModel):
    id: str
    question: str = Field(min_length=1)
    gold: list[str] = Field(min_length=1)


def load_qa(path: Path) -> list[QAItem]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(QAItem.model_validate_json(line))
        except ValueError as e:
            raise UserInputError(
                f"{path}:{n}: not a QA line: {e}", user_message="Tệp câu hỏi không đúng định dạng."
            ) from e
    return items


def _passage_key(hit: Hit) -> str:
    return match_key(f"{hit.passage.heading}\n{hit.passage.text}")


def answer_rank(hits: Sequence[Hit], gold: Sequence[str]) -> int | None:
    """1-based rank of the first hit containing a gold string, or None."""
    keys = [match_key(g) for g in gold]
    for rank, hit in enumerate(hits, start=1):
        text = _passage_key(hit)
        if any(k in text for k in keys):
            return rank
    return None


@dataclass(slots=True)
class RetrievalReport:
    """Metrics of one retriever over a question set."""

    mode: str
    n: int
    recall: dict[int, float]
    mrr10: float
    ranks: dict[str, int | None] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "n": self.n,
            **{f"recall@{k}": round(v, 4) for k, v in self.recall.items()},
            "mrr@10": round(self.mrr10, 4),
            "ranks": self.ranks,
        }


def evaluate_retrieval(
    searcher: Searcher, items: Sequence[QAItem], *, k: int = 10, modes: Sequence[Mode] = ("bm25", "dense", "hybrid")
) -> list[RetrievalReport]:
    """Run every question through each retriever once (batched) and score the rankings."""
    reports = []
    cutoffs = sorted({1, 5, 10, k})
    questions = [it.question for it in items]
    for mode in modes:
        results = searcher.batch_search(questions, k=max(k, 10), mode=mode)
        ranks = {it.id: answer_rank(hits, it.gold) for it, hits in zip(items, results, strict=False)}
        n = len(items) or 1
        recall = {c: sum(1 for r in ranks.values() if r is not None and r <= c) / n for c in cutoffs}
        mrr = sum(1.0 / r for r in ranks.values() if r is not None and r <= 10) / n
        reports.append(RetrievalReport(mode, len(items), recall, mrr, ranks))
    return reports


def reports_json(reports: Sequence[RetrievalReport]) -> str:
    return json.dumps([r.as_dict() for r in reports], ensure_ascii=False, indent=2)


# ---- tasks and deadlines ----------------------------------------------------------------------


@dataclass(slots=True)
class GoldResult:
    id: str
    passed: bool
    reason: str
    listed: int

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "passed": self.passed, "reason": self.reason, "listed": self.listed}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise UserInputError(
                    f"{path}:{n}: invalid JSON: {e}", user_message="Tệp đánh giá không đúng định dạng JSONL."
                ) from e
    return out


def _missing(groups: list[list[str]], texts: list[str]) -> list[list[str]]:
    """Inner lists of ``groups`` none of whose alternatives appears in any of ``texts``."""
    keys = [match_key(t) for t in texts]
    return [alts for alts in groups if not any(match_key(a) in k for a in alts for k in keys)]


def evaluate_tasks(finder: TaskFinder, path: Path) -> list[GoldResult]:
    """Score ``{id, unit, month, must_include}`` lines against ``TaskFinder.tasks``."""
    results = []
    for item in _read_jsonl(path):
        listing = finder.tasks(unit=item["unit"], month=item.get("month"))
        texts = [f"{t.text}\n{t.source['passage']}" for t in listing.tasks]
        missing = _missing(item.get("must_include", []), texts)
        reason = "ok" if not missing else f"no listed task contains any of {missing}"
        results.append(GoldResult(item["id"], not missing, reason, len(listing.tasks)))
    return results


def evaluate_deadlines(finder: TaskFinder, path: Path) -> list[GoldResult]:
    """Score ``{id, from, to, must_include, must_exclude}`` lines against ``TaskFinder.deadlines``."""
    import datetime as dt

    results = []
    for item in _read_jsonl(path):
        listing = finder.deadlines(
            start=dt.date.fromisoformat(item["from"]), end=dt.date.fromisoformat(item["to"]), unit=item.get("unit")
        )
        texts = [f"{t.text}\n{t.source['passage']}" for t in listing.tasks]
        missing = _missing(item.get("must_include", []), texts)
        own = [match_key(t.text) for t in listing.tasks]
        leaked = [a for alts in item.get("must_exclude", []) for a in alts if any(match_key(a) in o for o in own)]
        problems = []
        if missing:
            problems.append(f"missing {missing}")
        if leaked:
            problems.append(f"listed excluded {leaked}")
        results.append(GoldResult(item["id"], not problems, "; ".join(problems) or "ok", len(listing.tasks)))
    return results
