"""Answers composed from troly's own rows (issue 12): the typed query runs, the first line answers
(how many / which document / who signed / when / the list), the cited detail follows.

A unit's own duties come first (lead, then responsible, then cooperate), its groups' duties after
and labelled; a window with only recurring duties says so; overdue means due before today and not
recurring, with the as-of date; a deadline question gets the date the document writes. Every
answer cites its documents. ``None`` means the rows do not answer: the caller falls back to
passage QA.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.core.extractive import content_terms, extract_answer
from bot.core.messages import Citation, Reply
from bot.core.understand import Understood
from troly.dates import date_label, due_from_json, due_label, period_label, recurrence_from_json
from troly.followup.workflow import CATEGORIES as _CATEGORIES
from troly.outline import strip_list_marker
from troly.queries import AssignmentQuery, DocFilter, DocumentQuery, IdeaQuery
from troly.text import fold

if TYPE_CHECKING:
    from bot.core.services import CoreServices
    from retrieval.directives import TaskView
    from retrieval.facts import FactFinder, TaskProgress
    from troly.ideas.queries import Viewer
    from troly.schemas import DocumentPublic
    from troly.types import Hit

__all__ = ["FactAnswerer"]

_MAX_LISTED = 12
_MAX_DOC_LISTED = 24
_NOUN_LABEL = {
    "thong bao ket luan": "thông báo kết luận",
    "thong bao": "thông báo",
    "tb": "thông báo",
    "cong van": "công văn",
    "cv": "công văn",
    "ke hoach": "kế hoạch",
    "kh": "kế hoạch",
    "bao cao": "báo cáo",
    "bai bao": "bài báo",
    "tin bai": "tin bài",
    "quyet dinh": "quyết định",
    "qd": "quyết định",
    "to trinh": "tờ trình",
}
_SECTION_STOP = {"va", "cac", "cua", "cho", "ve", "tai", "la", "gi", "nhung", "nao", "nhu", "sau", "gom"}
_ROLE_LABEL = {"lead": "chủ trì", "cooperate": "phối hợp"}
_TOPIC_STOP = {"cua", "va", "cac", "voi", "cho", "trong", "tinh", "ubnd", "so", "duoc", "phai", "viec", "nhiem", "vu"}


def _doc_label(d: DocumentPublic) -> str:
    parts = [d.type or "Văn bản"]
    if d.number and not d.number.startswith("/"):
        parts.append(f"số {d.number}")
    if d.known_date:
        parts.append(date_label(d.known_date, d.date_precision, phrase=True))
    return " ".join(parts)


def _doc_citation(d: DocumentPublic, quote: str = "", section: str = "") -> Citation:
    return Citation(
        doc_id=d.id,
        number=d.number,
        date=d.known_date,  # shown at its precision: "tháng 08/2025" when the day is blank
        title=d.title,
        section=section,
        quote=(quote or d.title or "")[:300],
        doc_type=d.type,
        date_precision=d.date_precision or "day",
    )


def _task_citation(view: TaskView) -> Citation:
    src = view.source
    heading = (src.get("heading") or "").split(" > ")[-1] or src.get("section") or ""
    return Citation(
        doc_id=src["doc_id"],
        number=src.get("number"),
        date=dt.date.fromisoformat(src["date"]) if src.get("date") else None,
        title=src.get("title"),
        section=strip_list_marker(heading)[:160],
        quote=view.text[:300],
        doc_type=src.get("type"),
        date_precision=src.get("date_precision") or "day",
    )


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", fold(text)) if w not in _TOPIC_STOP}


@functools.lru_cache(maxsize=1024)
def _topic_words(topic: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The words a topic asks for, and its adjacent word pairs."""
    tw = re.findall(r"[a-z0-9]+", fold(topic))
    return frozenset(_words(topic)), tuple(f"{a} {b}" for a, b in itertools.pairwise(tw))


@functools.lru_cache(maxsize=16384)
def _task_words(text: str) -> tuple[frozenset[str], str]:
    """A task's folded words, as a set and joined by spaces; once per text (a deadline question
    scores every task, the same tasks question after question)."""
    words = re.findall(r"[a-z0-9]+", fold(text))
    return frozenset(words), " ".join(words)


def _topic_score(topic: str, view: TaskView) -> float:
    want, pairs = _topic_words(topic)
    if not want:
        return 0.0
    have, joined = _task_words(f"{view.text} {view.source.get('heading') or ''}")
    pair_hits = sum(1 for p in pairs if p in joined)
    return len(want & have) / len(want) + 0.1 * pair_hits


def _timing(view: TaskView) -> str:
    rec = recurrence_from_json(view.recurrence)
    parts = []
    if rec is not None:
        parts.append(rec.text or "định kỳ")
    if view.due:
        label = due_label(view.due)
        text = view.due.get("text") or ""
        parts.append(f"hạn {label}" + (f" (“{text}”)" if text and fold(label) not in fold(text) else ""))
    return "; ".join(parts) or "không nêu thời hạn"


def _clip(text: str, n: int = 400) -> str:
    text = strip_list_marker(text)
    return text if len(text) <= n else text[:n].rsplit(" ", 1)[0] + " …"


class FactAnswerer:
    """Runs an :class:`Understood` query through the services and composes the reply."""

    def __init__(self, services: CoreServices) -> None:
        self.ctx = services

    def finder(self) -> FactFinder:
        return self.ctx.fact_finder()

    def answer(self, u: Understood, *, today: dt.date, viewer: Viewer | None = None) -> Reply | None:
        """The reply to ``u``; ``viewer`` (who asks) decides which ideas' details may be shown."""
        q = u.query
        if isinstance(q, DocumentQuery):
            reply = self._documents(u, q)
        elif isinstance(q, AssignmentQuery):
            reply = self._assignments(u, q, today=today)
        else:
            reply = self._ideas(u, q, viewer)
        if reply is not None:
            reply.data.setdefault("facts", {})
            reply.data["facts"].update({"query": q.model_dump(mode="json"), "doc_ids": u.doc_ids})
        return reply

    # ---- documents ------------------------------------------------------------------------------

    def _documents(self, u: Understood, q: DocumentQuery) -> Reply | None:
        docs = self.finder().documents(q.filter)
        if q.ask == "count":
            return self._count(u, q, docs)
        if not docs:
            return None
        d = docs[0]
        label = _doc_label(d)
        if q.ask == "signer":
            signer = d.signer or _signer_after_recipients(d)
            if not signer:
                return self._scoped_qa(u)
            title = f" ({d.signer_title})" if d.signer_title else ""
            text = f"{label} do {signer}{title} " + ("viết." if d.type == "Tin tức" else "ký.")
            return Reply(
                text, citations=[_doc_citation(d)], intent="facts", data={"document": d.model_dump(mode="json")}
            )
        if q.ask == "date":
            if d.date:
                text = f"{label} ban hành ngày {date_label(d.date)}."
            elif d.date_partial:
                text = f"{label} chỉ ghi {date_label(d.date_partial, d.date_precision)}, ngày để trống (chưa ghi ngày)."
            else:
                text = f"{label} không ghi ngày ban hành."
            return Reply(text, citations=[_doc_citation(d)], intent="facts")
        if q.ask == "number":
            if d.number and not d.number.startswith("/"):
                text = f"{d.type or 'Văn bản'} số {d.number}"
            else:
                text = f"{label} chưa có số: số văn bản để trống (“Số: {d.number or '…'}”)"
            if d.date_partial and not d.date:
                text += f"; ngày để trống, chỉ ghi {date_label(d.date_partial, d.date_precision)}"
            elif d.date:
                text += f", ngày {date_label(d.date)}"
            return Reply(text + ".", citations=[_doc_citation(d)], intent="facts")
        if q.ask == "recipients":
            head = " ".join(self.finder().passages(d.id)[:2])
            m = re.search(r"Kính gửi\s*:?\s*(.+?)(?:\.\s|\n|$)", head)
            if not m:
                return self._scoped_qa(u)
            to = m.group(1).strip(" -;")
            date = f" Ngày ban hành: {date_label(d.known_date, d.date_precision)}." if d.known_date else ""
            return Reply(f"{label} gửi {to}.{date}", citations=[_doc_citation(d, m.group(0))], intent="facts")
        if q.ask == "list":
            lines = [f"{len(docs)} văn bản:" if len(docs) > 1 else f"{label}: {d.title or ''}".strip()]
            if len(docs) > 1:
                lines += [f"{n}. {_doc_label(x)} — {x.title or x.file}" for n, x in enumerate(docs, 1)]
            return Reply("\n".join(lines), citations=[_doc_citation(x) for x in docs], intent="facts")
        if q.ask == "assignments":
            if u.extras.get("count"):
                return self._doc_task_count(u, d)
            return self._doc_assignments(u, docs)
        if u.extras.get("section"):
            reply = self._section(u, d)
            if reply is not None:
                return reply
        return self._scoped_qa(u)

    def _section(self, u: Understood, d: DocumentPublic) -> Reply | None:
        """The section of a document whose heading the question names ("nhiệm vụ trọng tâm", "kiến
        nghị"), item by item; None when no heading shares at least half its words (two or more)."""
        asked = set(re.findall(r"[a-z0-9]+", fold(u.question))) - _SECTION_STOP
        best: tuple[float, str] | None = None
        sections: dict[str, list[str]] = {}
        for heading, text in self.finder().sections(d.id):
            sections.setdefault(heading, []).append(text)
            words = set(re.findall(r"[a-z0-9]+", fold(strip_list_marker(heading)))) - _SECTION_STOP
            shared = len(words & asked)
            if words and shared >= 2 and shared / len(words) >= 0.5:
                score = shared / len(words) + 0.01 * shared
                if best is None or score > best[0]:
                    best = (score, heading)
        if best is None:
            return None
        heading = best[1]
        lines = [ln.strip() for t in sections[heading] for ln in t.splitlines() if len(ln.strip()) > 15]
        items = [f"- {_clip(ln, 240)}" for ln in lines[:_MAX_DOC_LISTED]]
        head = f"{_doc_label(d)}, mục “{strip_list_marker(heading)}”:"
        return Reply(
            "\n".join([head, *items]),
            citations=[_doc_citation(d, " ".join(lines)[:300], strip_list_marker(heading))],
            intent="facts",
        )

    def _count(self, u: Understood, q: DocumentQuery, docs: list[DocumentPublic]) -> Reply:
        places = u.extras.get("places") or []
        if places:
            docs = [d for d in docs if any(fold(p) in fold(f"{d.issuer or ''} {d.place or ''}") for p in places)]
        noun = _NOUN_LABEL.get(q.noun or "", "văn bản")
        scope = []
        if q.filter.signer:
            scope.append(f"do {q.filter.signer} ký")
        if q.filter.date_from and q.filter.date_to:
            scope.append(f"ban hành {period_label(q.filter.date_from, q.filter.date_to)}")
        if places:
            scope.append("của " + " và ".join(places))
        where = " " + ", ".join(scope) if scope else " trong hệ thống"
        head = f"Có {len(docs)} {noun}{where}." if docs else f"Không có {noun} nào{where}."
        lines = [head] + [f"{n}. {_doc_label(d)} — {(d.title or d.file)[:120]}" for n, d in enumerate(docs, 1)]
        return Reply(
            "\n".join(lines),
            citations=[_doc_citation(d) for d in docs],
            intent="facts",
            data={"count": len(docs), "documents": [d.id for d in docs]},
        )

    def _doc_assignments(self, u: Understood, docs: list[DocumentPublic]) -> Reply | None:
        views = self.finder().assignments(AssignmentQuery(documents=DocFilter(doc_ids=[d.id for d in docs])))
        if not views:
            return self._scoped_qa(u)
        units: dict[str, None] = {}
        for v in views:
            for a in v.assignees:
                if a["role"] != "cooperate":
                    units.setdefault(a["name"], None)
        label = _doc_label(docs[0])
        lines = [f"{label} giao việc cho {len(units)} đơn vị: {', '.join(units)}."]
        views.sort(key=lambda v: (v.source["doc_id"], v.id))
        citations = []
        # What one document assigns is read whole: up to _MAX_DOC_LISTED items, shorter when many.
        clip = 400 if len(views) <= _MAX_LISTED else 220
        for n, v in enumerate(views[:_MAX_DOC_LISTED], start=1):
            who = ", ".join(f"{a['name']}" + (" (phối hợp)" if a["role"] == "cooperate" else "") for a in v.assignees)
            lines.append(f"{n}. {who}: {_clip(v.text, clip)}\n   ⏰ {_timing(v)} [{n}]")
            citations.append(_task_citation(v))
        if len(views) > _MAX_DOC_LISTED:
            lines.append(f"… và {len(views) - _MAX_DOC_LISTED} nhiệm vụ khác.")
        return Reply("\n\n".join(lines), citations=citations, intent="facts", data=_task_data(views))

    def _doc_task_count(self, u: Understood, d: DocumentPublic) -> Reply | None:
        """How many tasks one document holds ("có bao nhiêu nhiệm vụ"), counted within the part of
        it the question names when one top heading shares at least two of its words ("Phụ lục …
        nhiệm vụ trọng tâm": the appendix table's rows), each task listed and cited."""
        views = self.finder().assignments(AssignmentQuery(documents=DocFilter(doc_ids=[d.id])))
        if not views:
            return self._scoped_qa(u)
        views.sort(key=lambda v: v.id)
        asked = set(re.findall(r"[a-z0-9]+", u.extras.get("scope") or "")) - _SECTION_STOP
        tops: dict[str, list[TaskView]] = {}
        for v in views:
            tops.setdefault((v.source.get("heading") or "").split(" > ")[0], []).append(v)
        scores = sorted(
            ((len(asked & set(re.findall(r"[a-z0-9]+", fold(strip_list_marker(h))))), h) for h in tops if h),
            reverse=True,
        )
        part = ""
        if scores and scores[0][0] >= 2 and (len(scores) == 1 or scores[1][0] < scores[0][0]):
            part = scores[0][1]
            views = tops[part]
        where = f"{_doc_label(d)}, phần “{_clip(strip_list_marker(part), 120)}”" if part else _doc_label(d)
        lines = [f"{where} có {len(views)} nhiệm vụ:"]
        citations = []
        for n, v in enumerate(views[:_MAX_DOC_LISTED], start=1):
            who = ", ".join(a["name"] for a in v.assignees if a["role"] != "cooperate")
            lines.append(f"{n}. {who + ': ' if who else ''}{_clip(v.text, 220)} — ⏰ {_timing(v)} [{n}]")
            citations.append(_task_citation(v))
        if len(views) > _MAX_DOC_LISTED:
            lines.append(f"… và {len(views) - _MAX_DOC_LISTED} nhiệm vụ khác.")
        data = {**_task_data(views), "count": len(views)}
        return Reply("\n".join(lines), citations=citations, intent="facts", data=data)

    def _scoped_qa(self, u: Understood) -> Reply | None:
        """The question over the named documents' passages only (a fact the table does not hold)."""
        if not u.doc_ids:
            return None
        from retrieval.search import SearchFilters

        searcher = self.ctx.searcher()
        hits = searcher.search(u.question, k=_SCOPED_K, filters=SearchFilters(doc_ids=tuple(u.doc_ids)))
        asked = _within(u.question, hits)
        ext = extract_answer(asked, hits[:5], next_passage=searcher.next_passage)
        if not ext.found:
            return None
        return Reply(ext.text, citations=ext.citations, intent="facts", data={"found": True, "mode": "scoped"})

    # ---- assignments ------------------------------------------------------------------------------

    def _assignments(self, u: Understood, q: AssignmentQuery, *, today: dt.date) -> Reply | None:
        finder = self.finder()
        if q.ask == "cooperators":
            return self._cooperators(u, q)
        if q.ask == "progress":
            return self._progress(u, q, today=today)
        if q.status in ("open", "done") and not q.overdue:
            return self._by_status(q, today=today)
        if q.ask == "due" or (q.overdue and u.check):
            pool = finder.assignments(q.model_copy(update={"topic": None, "overdue": False}))
            earlier = set(u.extras.get("task_ids") or [])
            if earlier:  # "hạn báo cáo khi nào" after a list: the listed tasks first
                listed = [v for v in finder.assignments(AssignmentQuery()) if v.id in earlier and v.due]
                words = u.extras.get("own_words") or ""
                best = self._best(words, listed) if words else None
                if best is None and listed:
                    best = listed[0]
                if best is not None:
                    return self._one_task(best, today=today, check=False)
            best = self._best(q.topic or "", pool)
            if best is None:
                return None
            if not q.overdue and not best.due and not recurrence_from_json(best.recurrence):
                return None  # the task rows miss this deadline: the passages may state it
            state = finder.progress([best], as_of=today, unit=q.unit)[best.id] if q.overdue else None
            return self._one_task(best, today=today, check=q.overdue, progress=state)
        views = finder.assignments(q)
        if q.topic and q.ask == "list":
            scored = [(_topic_score(q.topic, v), v) for v in views]
            top = max((s for s, _ in scored), default=0.0)
            if top >= 0.5:
                views = [v for s, v in scored if s >= top * 0.6]
        if q.overdue:
            head = f"Tính đến ngày {date_label(today)}, {len(views)} việc đã quá hạn chưa hoàn thành"
            head += f" của {self._unit_name(q, views)}" if q.unit and views else ""
            if not views:
                head = f"Tính đến ngày {date_label(today)}, không có việc nào đã quá hạn" + (
                    f" của {q.unit}" if q.unit else ""
                )
            states = finder.progress(views, as_of=today, unit=q.unit)
            return self._task_list(head + ":", views, q, overdue=True, progress=states)
        if q.due_from is not None or q.due_to is not None:
            return self._window(u, q, views)
        own = [v for v in views if v.match == "self" and v.unit_role != "cooperate"]
        if q.unit and u.doc_ids and not own:
            if not self._named_in(q.unit, u.doc_ids):
                docs = self.finder().documents(DocFilter(doc_ids=u.doc_ids))
                where = _doc_label(docs[0]) if docs else "văn bản này"
                head = f"Không tìm thấy nhiệm vụ nào giao riêng cho {self._unit_name(q, views)} trong {where}."
                if not views:
                    return Reply(head, citations=[_doc_citation(d) for d in docs], intent="facts")
                return self._task_list(head, views, q)
            scoped = self._scoped_qa(u)  # the document names the unit in a passage the tasks missed
            if scoped is not None:
                return scoped
        if q.unit and q.topic and not own and not u.doc_ids:
            return None  # no duty of its own on this topic in the task rows: the passages may say more
        if q.unit and not views:
            return Reply(f"Không tìm thấy nhiệm vụ nào giao cho {q.unit} trong các văn bản đã nạp.", intent="facts")
        if not views:
            return None
        name = self._unit_name(q, views)
        head = f"{name} được giao {len(views)} nhiệm vụ:"
        return self._task_list(head, views, q)

    def _named_in(self, unit: str, doc_ids: Sequence[str]) -> bool:
        """Whether the documents' text names the unit (any catalogue spelling)."""
        match = self.ctx.catalogue().resolve(unit)
        names = {unit} | ({match.unit.name, *match.unit.aliases} if match else set())
        keys = [fold(n) for n in names if len(n) > 3]
        text = fold(" ".join(p for d in doc_ids for p in self.finder().passages(d)))
        return any(k in text for k in keys)

    def _unit_name(self, q: AssignmentQuery, views: Sequence[TaskView]) -> str:
        if not q.unit:
            return ""
        match = self.ctx.catalogue().resolve(q.unit)
        return match.unit.name if match else q.unit

    def _best(self, topic: str, pool: Sequence[TaskView]) -> TaskView | None:
        # The best score, the lowest id among equals (one pass, not a sort of every task).
        best = max(((_topic_score(topic, v), -v.id, v) for v in pool), key=lambda x: (x[0], x[1]), default=None)
        if best is None or best[0] < 0.5:
            return None
        return best[2]

    def _one_task(self, v: TaskView, *, today: dt.date, check: bool, progress: TaskProgress | None = None) -> Reply:
        due = due_from_json(v.due)
        rec = recurrence_from_json(v.recurrence)
        label = due_label(v.due) if v.due else ""
        if check and progress is not None and progress.closed and progress.category is not None:
            first = f"Không quá hạn: {_progress_label(progress, today=today, code=False)}" + (
                f"; hạn {label}." if label else "."
            )
        elif check:
            if due is None:
                first = "Văn bản không nêu thời hạn cụ thể cho việc này."
            elif due.end < today and rec is None:
                first = f"Đã quá hạn: hạn là {label}; tính đến ngày {date_label(today)} đã qua hạn."
            else:
                first = f"Chưa quá hạn: hạn là {label} (tính đến ngày {date_label(today)})."
        elif due is not None:
            first = f"Hạn: {label}."
        elif rec is not None:
            first = f"Việc này thực hiện định kỳ ({rec.text}), không có hạn cụ thể."
        else:
            first = "Văn bản không nêu thời hạn cụ thể cho việc này."
        who = ", ".join(f"{a['name']}" + (" (phối hợp)" if a["role"] == "cooperate" else "") for a in v.assignees)
        text = f"{first}\n\n[1] {who}: {_clip(v.text, 500)}"
        if progress is not None:
            text += f"\n   📋 {_progress_label(progress, today=today)}"
        return Reply(text, citations=[_task_citation(v)], intent="facts", data=_task_data([v]))

    def _cooperators(self, u: Understood, q: AssignmentQuery) -> Reply | None:
        ids = set(u.extras.get("task_ids") or [])
        pool = self.finder().assignments(AssignmentQuery())
        views = [v for v in pool if v.id in ids]
        if not views and q.topic:
            docs = u.extras.get("previous_docs")
            if docs:
                pool = [v for v in pool if v.source["doc_id"] in docs] or pool
            best = self._best(q.topic, pool)
            views = [best] if best else []
        if not views:
            return None
        cat = self.ctx.catalogue()
        names: dict[str, None] = {}
        for v in views:
            for a in v.assignees:
                if a["role"] == "cooperate":
                    names.setdefault(a["name"], None)
            f = fold(v.text)
            at = f.find("phoi hop")
            if at >= 0:
                for m in cat.find_mentions(v.text[at : at + 200]):
                    names.setdefault(m.unit.name if m.unit else m.text, None)
        if not names:
            return None
        leads = [a["name"] for v in views for a in v.assignees if a["role"] != "cooperate"]
        first = f"Phối hợp: {', '.join(names)}."
        if leads:
            first += f" (Chủ trì: {', '.join(dict.fromkeys(leads))}.)"
        body = "\n\n".join(f"[{n}] {_clip(v.text)}" for n, v in enumerate(views, 1))
        return Reply(
            f"{first}\n\n{body}", citations=[_task_citation(v) for v in views], intent="facts", data=_task_data(views)
        )

    def _window(self, u: Understood, q: AssignmentQuery, views: list[TaskView]) -> Reply:
        lo, hi = q.due_from, q.due_to
        label = (
            f"đến {date_label(hi)}"
            if lo is None and hi is not None
            else (period_label(lo, hi) if lo and hi else (u.period_label or ""))
        )
        scope = f" của {self._unit_name(q, views)}" if q.unit else ""
        dated = [v for v in views if v.due and _due_in(v, lo, hi)]
        recurring = [v for v in views if v not in dated]
        if not views:
            return Reply(f"Không có hạn nào{scope} {label}.", intent="facts", data=_task_data([]))
        if not dated:
            head = f"Không có hạn cụ thể trong khoảng này{scope} ({label}); chỉ có {len(recurring)} việc định kỳ:"
        else:
            head = f"Các hạn{scope} {label}: {len(dated)} việc."
            if recurring:
                head += f" Ngoài ra {len(recurring)} việc định kỳ."
        dated.sort(key=lambda v: ((v.due or {}).get("end") or "", v.id))
        return self._task_list(head, dated + recurring, q, plain=True)

    def _task_list(
        self,
        head: str,
        views: Sequence[TaskView],
        q: AssignmentQuery,
        *,
        overdue: bool = False,
        plain: bool = False,
        progress: dict[int, TaskProgress] | None = None,
        today: dt.date | None = None,
    ) -> Reply:
        lines = [head]
        citations = []
        own = [v for v in views if v.match == "self" or not q.unit]
        group = [v for v in views if v not in own]
        n = 0
        for title, part in ((None, own), ("Nhiệm vụ giao chung cho nhóm đơn vị có tên đơn vị này:", group)):
            if not part:
                continue
            if title and own:
                lines.append(title)
            elif title:
                lines.append("Các nhiệm vụ dưới đây giao chung cho nhóm đơn vị (không nêu riêng tên đơn vị):")
            for v in part:
                if n >= _MAX_LISTED:
                    break
                n += 1
                role = _ROLE_LABEL.get(v.unit_role or "", "") if q.unit else ""
                who = "" if q.unit else f"{', '.join(a['name'] for a in v.assignees) or 'Chưa rõ đơn vị'}: "
                tag = f"[{role}] " if role and not plain else ""
                state = ""
                if progress is not None and v.id in progress:
                    state = f"\n   📋 {_progress_label(progress[v.id], today=today, category=not overdue)}"
                lines.append(f"{n}. {tag}{who}{_clip(v.text)}\n   ⏰ {_timing(v)}{state} [{n}]")
                citations.append(_task_citation(v))
        if len(views) > n:
            lines.append(f"… và {len(views) - n} nhiệm vụ khác.")
        data = _task_data(list(views))
        if progress is not None:
            data["progress"] = {
                str(v.id): {"code": p.code, "status": p.status, "category": p.category}
                for v in views
                if (p := progress.get(v.id)) is not None
            }
        return Reply("\n\n".join(lines), citations=citations, intent="facts", data=data)

    # ---- follow-up states (issue 14) ----------------------------------------------------------------

    def _scope(self, q: AssignmentQuery) -> tuple[str, list[DocumentPublic]]:
        """How the answer names what was asked about: the unit, the document, or both."""
        docs = self.finder().documents(q.documents) if q.documents is not None and not q.documents.is_empty() else []
        parts = [self._unit_name(q, [])] if q.unit else []
        if docs:
            parts.append(_doc_label(docs[0]) if len(docs) == 1 else f"{len(docs)} văn bản")
        return (" — ".join(parts) or "Toàn tỉnh"), docs

    def _by_status(self, q: AssignmentQuery, *, today: dt.date) -> Reply | None:
        """ "Sở Tư pháp còn việc gì chưa xong?": the tasks not reported done (or those done), each
        with its code and state from the follow-up."""
        finder = self.finder()
        views = finder.assignments(q.model_copy(update={"as_of": today, "topic": None}))
        scope, docs = self._scope(q)
        if q.unit and not views and not finder.assignments(AssignmentQuery(unit=q.unit, documents=q.documents)):
            return Reply(f"Không tìm thấy nhiệm vụ nào giao cho {q.unit} trong các văn bản đã nạp.", intent="facts")
        when = f"tính đến ngày {date_label(today)}"
        if q.status == "done":
            head = f"{scope}: {len(views)} nhiệm vụ đã báo cáo hoàn thành ({when})"
        elif views:
            head = f"{scope}: còn {len(views)} nhiệm vụ chưa hoàn thành ({when})"
        else:
            head = f"{scope}: không còn nhiệm vụ nào chưa hoàn thành ({when})"
        progress = finder.progress(views, as_of=today, unit=q.unit)
        reply = self._task_list(head + ":" if views else head + ".", views, q, progress=progress, today=today)
        if not views:
            reply.citations = [_doc_citation(d) for d in docs]
        return reply

    def _progress(self, u: Understood, q: AssignmentQuery, *, today: dt.date) -> Reply | None:
        """ "Thông báo 174 đã hoàn thành bao nhiêu nhiệm vụ?", "Tiến độ thực hiện Thông báo 912 thế
        nào?": counts in the report's categories from the follow-up, then each task with its state."""
        finder = self.finder()
        views = finder.assignments(q.model_copy(update={"ask": "list", "topic": None, "status": None}))
        scope, docs = self._scope(q)
        if not views:
            return None
        progress = finder.progress(views, as_of=today, unit=q.unit)
        live = [v for v in views if progress[v.id].category is not None]
        counts = dict.fromkeys(_CATEGORIES, 0)
        for v in live:
            counts[progress[v.id].category or ""] = counts.get(progress[v.id].category or "", 0) + 1
        done = counts[_CATEGORIES[0]] + counts[_CATEGORIES[1]]
        parts = "; ".join(f"{n} {cat}" for cat, n in counts.items() if n)
        head = f"{scope}: hoàn thành {done}/{len(live)} nhiệm vụ ({parts}), tính đến ngày {date_label(today)}."
        rank = {cat: i for i, cat in enumerate(_CATEGORIES)}
        live.sort(key=lambda v: (rank.get(progress[v.id].category or "", 9), v.source["doc_id"], v.id))
        reply = self._task_list(head, live, q, progress=progress, today=today)
        reply.data["counts"] = counts
        if not reply.citations:
            reply.citations = [_doc_citation(d) for d in docs]
        return reply

    # ---- ideas --------------------------------------------------------------------------------------

    def _ideas(self, u: Understood, q: IdeaQuery, viewer: Viewer | None) -> Reply | None:
        from troly.ideas.queries import IdeaAccessDenied, idea_facts

        try:
            facts = idea_facts(self.ctx, q, viewer)
        except IdeaAccessDenied as e:
            return Reply(e.user_message, intent="facts", data={"denied": True})
        if q.unit and facts.unit is None:
            return None
        unit = facts.unit.name if facts.unit else None
        month = f"tháng {q.month[5:]}/{q.month[:4]}" if q.month else ""
        cites = self._quota_citations(facts.unit.id if facts.unit else None)
        rule = facts.rule
        statuses = ", ".join(sorted(rule.counted_statuses)) if rule else ""
        need = ""
        if rule:
            need = f"{rule.min:02d} – {rule.max:02d}" if rule.max is not None else f"ít nhất {rule.min:02d}"
        if q.ask == "rule":
            if rule is None:
                return None
            text = f"Ý tưởng được tính vào chỉ tiêu của {unit} khi ở trạng thái: {statuses}. Chỉ tiêu: {need} ý tưởng mỗi tháng."
            return Reply(text, citations=cites, intent="facts")
        if q.ask == "quota":
            if rule is None:
                return None
            text = f"Chỉ tiêu của {unit}: {need} ý tưởng mỗi tháng ({rule.label})."
            if cites:
                text += f"\n\n[1] {cites[0].quote}"
            return Reply(text, citations=cites, intent="facts")
        if q.ask in ("counted", "progress"):
            line = facts.line
            if line is None:
                return None
            status = "đã đạt chỉ tiêu" if not line.missing else f"chưa đạt chỉ tiêu, còn thiếu {line.missing}"
            text = (
                f"{month.capitalize()}, {line.unit_name}: {line.counted}/{line.required} ý tưởng được tính "
                f"(chỉ tiêu {need} ý tưởng mỗi tháng) — {status}. "
                f"Đã gửi {line.submitted} ý tưởng trong tháng; chỉ ý tưởng ở trạng thái {statuses} được tính."
            )
            return Reply(text, citations=cites, intent="facts")
        ideas = facts.ideas
        if q.ask == "status":
            if not ideas:
                return None
            lines = [f"Ý tưởng “{i.title}” ({i.unit_name}, {i.code}) đang ở trạng thái: {i.status}." for i in ideas[:5]]
            return Reply("\n".join(lines), intent="facts")
        scope = " ".join(
            x
            for x in (f"của {unit}" if unit else "", month, f"lĩnh vực {facts.field_name}" if facts.field_name else "")
            if x
        )
        if q.ask == "submitted":
            text = f"Có {len(ideas)} ý tưởng {scope}".rstrip() + " đã gửi."
        else:
            text = f"{len(ideas)} ý tưởng {scope}".rstrip() + ":"
        lines = [text] + [
            f"- {i.code}: {i.title} ({i.unit_name}, gửi ngày {date_label(i.created_at.date())}, {i.field}, trạng thái {i.status})"
            for i in ideas[:_MAX_LISTED]
        ]
        return Reply("\n".join(lines), citations=cites if unit else [], intent="facts")

    def _quota_citations(self, unit_id: str | None) -> list[Citation]:
        """The directive sentences that set idea quotas (for the unit, or all)."""
        if unit_id is None:
            return []
        cat = self.ctx.catalogue()
        unit = cat.get(unit_id)
        if unit is None:
            return []
        views = self.finder().assignments(AssignmentQuery(unit=unit.name))
        out = [
            _task_citation(v)
            for v in views
            if v.quota and fold(str(v.quota.get("unit_noun") or "")).startswith("y tuong")
        ]
        return out[:2]


def _signer_after_recipients(d: DocumentPublic) -> str | None:
    """A signer's name a two-column text layout left at the end of the "Nơi nhận" list
    ("- Lưu: VT, KTTH, NC.      Đỗ Minh Khang")."""
    if not d.recipients:
        return None
    m = re.search(r"\.\s+((?:[A-ZĐ][a-zà-ỹđ]+\s+){1,3}[A-ZĐ][a-zà-ỹđ]+)\s*$", d.recipients[-1])
    return m.group(1) if m else None


def _due_in(v: TaskView, lo: dt.date | None, hi: dt.date | None) -> bool:
    due = due_from_json(v.due)
    if due is None:
        return False
    return due.start <= (hi or dt.date.max) and due.end >= (lo or dt.date.min)


def _progress_label(p: TaskProgress, *, today: dt.date | None, category: bool = True, code: bool = True) -> str:
    """ "NV-2026-000012: hoàn thành ngày 02/12/2026 (hoàn thành đúng hạn); kết quả: Kế hoạch 45/KH-UBND"."""
    state = p.status
    if p.done and p.completed_on:
        state += f" ngày {date_label(p.completed_on)}"
    if category and p.category and fold(p.category) != fold(p.status):
        state += f" ({p.category})"
    if p.result:
        state += f"; kết quả: {p.result}"
    return f"{p.code}: {state}" if p.code and code else state


def _task_data(views: Sequence[TaskView]) -> dict[str, Any]:
    return {"tasks": [v.as_dict() for v in views], "facts": {"task_ids": [v.id for v in views]}}


_SCOPED_K = 20
"""Passages of the named documents read for a scoped question: enough to know their words."""


def _within(question: str, hits: Sequence[Hit]) -> str:
    """``question`` without the words that name its document rather than ask about it.

    "Bài báo Gia Lai ngày 3/3/2026 nêu 3 đột phá chiến lược nào?": once the document is known, words
    that occur nowhere in its passages ("bài", "báo") describe the document and would only make every
    passage look unrelated; question words stay (they say what kind of fact is asked).
    """
    seen = {fold(w) for h in hits for w in re.findall(r"\w+", f"{h.passage.heading} {h.passage.text}")}
    content = {fold(w) for w in content_terms(question).words}

    def names_the_document(word: str) -> bool:
        w = fold(word.strip("?.,!:;"))
        return w in content and w not in seen

    kept = [w for w in question.split() if not names_the_document(w)]
    return " ".join(kept) if len(kept) >= 3 else question
