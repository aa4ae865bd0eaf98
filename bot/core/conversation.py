"""One message in, one reply out: validation, state, routing, and the handler for each intent."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bot.core.extractive import (
    NOT_FOUND,
    citation_of,
    expand_abbreviations,
    extract_answer,
    lead_answer,
    names_asked_unit,
    naming_hits,
    prefer_year,
    proper_names,
)
from bot.core.messages import Button, Citation, IncomingMessage, Reply
from bot.core.router import Intent, route
from bot.core.services import AdminCheck, CoreServices
from retrieval.search import SearchFilters
from troly.chat_store import ChatStore, ConversationState, UserProfile
from troly.clock import Clock, local_now
from troly.dates import due_label, period_label
from troly.errors import UserInputError
from troly.metrics import LLM_CALLS, LLM_SECONDS
from troly.outline import strip_list_marker
from troly.queries import AssignmentQuery, DocumentQuery, IdeaQuery, Query

if TYPE_CHECKING:
    from bot.core.followup_flow import FollowupFlow
    from bot.core.ideas_flow import IdeasFlow
    from bot.core.llm import LLMAnswerer
    from retrieval.directives import TaskFinder, TaskListing
    from retrieval.search import Searcher
    from troly.ideas.queries import Viewer
    from troly.types import Hit

__all__ = ["HELP_TEXT", "Conversation"]

logger = logging.getLogger(__name__)

HELP_TEXT = """Xin chào, tôi là Trợ lý văn bản chỉ đạo. Tôi trả lời dựa trên các văn bản đã được nạp, kèm trích dẫn số văn bản, ngày và mục.

Bạn có thể hỏi trực tiếp, ví dụ:
• Tháng này Tỉnh đoàn được giao nhiệm vụ gì?
• Hạn nào rơi vào tuần này?
• Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?

Các lệnh:
/hoi <câu hỏi> — hỏi về nội dung văn bản
/nhiemvu [đơn vị] — nhiệm vụ được giao (mặc định: đơn vị của bạn)
/hanchot [tuần này | tháng này | dd/mm] — các hạn sắp tới
/donvi <tên đơn vị> — đặt đơn vị của bạn để hỏi "nhiệm vụ của tôi"
/ytuong — gửi ý tưởng đổi mới sáng tạo; /chitieu [tháng] — tiến độ chỉ tiêu ý tưởng
/baocao — báo cáo tiến độ nhiệm vụ của đơn vị (hoặc gõ: “NV-2026-000123 đã hoàn thành, …”)
/tiendo [đơn vị] — tình hình thực hiện nhiệm vụ theo tình trạng; /theodoi, /huytheodoi — nhận hoặc ngừng tin nhắc hạn
/tailieu, /reindex — dành cho quản trị viên; quản trị viên có thể gửi tệp PDF/DOCX để thêm văn bản,
hoặc gửi bản đã sửa kèm chú thích /thaythe <số văn bản> để thay thế mà giữ nguyên tiến độ."""

_MAX_LISTED = 12
_SOURCE_TAIL = re.compile(
    r",?\s+theo\s+(?:thông báo|kế hoạch|công văn|văn bản|báo cáo|quyết định|bài báo|tin)\b[^,;]*$", re.IGNORECASE
)
# A reference to a document by its number, with its noun ("theo công văn số 193/UBND-KT").
_DOC_REF = re.compile(
    r"(?:\btheo\s+)?(?:\b(?:công văn|văn bản|thông báo|kế hoạch|quyết định|báo cáo|tờ trình|chỉ thị)\s+)?"
    r"(?:số\s+)?\d+[\w.\-]*/[\w./\-đĐ]+",
    re.IGNORECASE,
)


def _period_label(period: tuple[dt.date, dt.date] | None) -> str:
    return period_label(*period) if period is not None else ""


def _due_label(task: dict[str, Any]) -> str:
    """How a task's timing reads in a list: its recurrence and deadline wording, else its dates."""
    due, rec = task.get("due"), task.get("recurrence")
    parts = []
    if rec:
        parts.append(rec.get("text") or "định kỳ")
    if due:
        parts.append(due.get("text") or f"đến {due_label(due)}")
    return "; ".join(parts) or "không nêu thời hạn"


def _last_heading(source: dict[str, Any]) -> str:
    heading = (source.get("heading") or "").split(" > ")[-1]
    return (heading or source.get("section") or "")[:160]


class Conversation:
    """The dispatcher behind ``Assistant.handle``."""

    def __init__(self, services: CoreServices, *, clock: Clock, is_admin: AdminCheck) -> None:
        self.ctx = services
        self.tz = ZoneInfo(services.settings.timezone)
        self.clock = clock
        self.is_admin = is_admin
        self.store = ChatStore(self.ctx.db)
        self._llm: LLMAnswerer | None = None
        self._ideas: IdeasFlow | None = None
        self._followup: FollowupFlow | None = None

    def today(self) -> dt.date:
        return local_now(self.clock, self.tz).date()

    # ---- services -----------------------------------------------------------------------------

    def searcher(self) -> Searcher:
        return self.ctx.searcher()

    def finder(self) -> TaskFinder:
        return self.ctx.task_finder()

    def ideas(self) -> IdeasFlow | None:
        if self._ideas is None:
            try:
                from bot.core.ideas_flow import IdeasFlow
            except ImportError:
                return None
            self._ideas = IdeasFlow(self.ctx, clock=self.clock, is_admin=self.is_admin)
        return self._ideas

    def followup(self) -> FollowupFlow:
        if self._followup is None:
            from bot.core.followup_flow import FollowupFlow

            self._followup = FollowupFlow(self.ctx, clock=self.clock, is_admin=self.is_admin)
        return self._followup

    # ---- entry point --------------------------------------------------------------------------

    def handle(self, msg: IncomingMessage, on_delta: Callable[[str], None] | None = None) -> Reply:
        text = (msg.text or "").strip()
        if msg.attachments:
            return self._upload(msg)
        if not text:
            return Reply(
                "Bạn chưa nhập nội dung. Hãy gõ câu hỏi, ví dụ: “Tháng này Tỉnh đoàn được giao gì?”", intent="help"
            )
        if len(text) > self.ctx.settings.max_message_chars:
            return Reply(
                f"Tin nhắn quá dài (tối đa {self.ctx.settings.max_message_chars} ký tự). Vui lòng rút gọn câu hỏi.",
                intent="error",
            )
        state = self.store.load_state(user_key=msg.user_key)
        followup = self.followup()
        if not text.startswith("/") and state.form not in ("idea", "baocao") and not followup.wants(text):
            facts = self._facts(text, state.params, viewer=self._viewer(msg))
            if facts is not None:
                self._save_state(msg, last_intent="facts", params={"question": text, "facts": facts.data.get("facts")})
                return facts
        ideas = self.ideas()
        if ideas is not None and (state.form == "idea" or ideas.wants(text)):
            reply, form = ideas.handle(msg, state.form_state if state.form == "idea" else None)
            self._save_state(
                msg, last_intent="ideas", params=state.params, form="idea" if form else None, form_state=form or {}
            )
            return reply
        if state.form == "baocao" or followup.wants(text):
            reply, form = followup.handle(msg, state.form_state if state.form == "baocao" else None)
            self._save_state(
                msg, last_intent="followup", params=state.params, form="baocao" if form else None, form_state=form or {}
            )
            return reply
        if not text.startswith("/"):
            text = self.searcher().correct(text)  # small typos, before the question is routed
        intent = route(text, today=self.today(), catalogue=self.ctx.catalogue(), previous=state.last_intent)
        if intent.follow_up:
            intent = self._merge_follow_up(intent, state.params)
        reply = self._dispatch(msg, intent, on_delta)
        if reply.intent in ("tasks", "deadlines", "qa"):
            params = {
                "unit": intent.unit,
                "period": [d.isoformat() for d in intent.period] if intent.period else None,
                "period_text": intent.period_text,
                "question": text,
            }
            self._save_state(msg, last_intent=reply.intent, params=params)
        return reply

    def _dispatch(self, msg: IncomingMessage, intent: Intent, on_delta: Callable[[str], None] | None = None) -> Reply:
        handlers = {
            "help": lambda: Reply(HELP_TEXT, intent="help"),
            "tasks": lambda: self._tasks(msg, intent),
            "deadlines": lambda: self._deadlines(msg, intent),
            "qa": lambda: self._qa(intent.text or msg.text, on_delta),
            "bind_unit": lambda: self._bind_unit(msg, intent.text),
            "admin_reindex": lambda: self._reindex(msg),
            "admin_docs": lambda: self._docs(msg),
            "admin_replace": lambda: self._replace_help(msg),
            "ideas": lambda: self._ideas_unavailable(),
            "quota": lambda: self._quota(msg, intent.text),
            "unknown_command": lambda: Reply("Lệnh không hợp lệ. Gõ /help để xem các lệnh.", intent="help"),
        }
        return handlers.get(intent.kind, handlers["qa"])()

    # ---- state --------------------------------------------------------------------------------

    def _save_state(
        self,
        msg: IncomingMessage,
        *,
        last_intent: str,
        params: dict[str, Any],
        form: str | None = None,
        form_state: dict[str, Any] | None = None,
    ) -> None:
        state = ConversationState(last_intent=last_intent, params=params, form=form, form_state=form_state or {})
        self.store.save_state(user_key=msg.user_key, state=state)

    def _merge_follow_up(self, intent: Intent, params: dict[str, Any]) -> Intent:
        """ "Còn Sở Nội vụ thì sao?": the previous question with the new unit (or period)."""
        if intent.period is None and params.get("period"):
            start, end = (dt.date.fromisoformat(d) for d in params["period"])
            intent.period, intent.period_text = (start, end), params.get("period_text")
        if intent.unit is None and params.get("unit"):
            intent.unit = params["unit"]
        return intent

    def _profile(self, msg: IncomingMessage) -> UserProfile | None:
        return self.store.profile(user_key=msg.user_key)

    # ---- intents ------------------------------------------------------------------------------

    def _viewer(self, msg: IncomingMessage) -> Viewer | None:
        """Who asks, for the ideas' read policy (``troly.ideas.queries``); None without the ideas package."""
        try:
            from troly.ideas.queries import Viewer
        except ImportError:
            return None
        profile = self._profile(msg)
        return Viewer(msg.user_key, profile.unit_id if profile else None, self.is_admin(msg))

    def _facts(self, text: str, previous: dict[str, Any], *, viewer: Viewer | None = None) -> Reply | None:
        """A question about troly's own tables (documents, assignments, ideas), answered from rows.

        With an LLM configured, the model's tool call over the typed queries is tried first; a
        refused or failed call (or none) leaves the question to the rules, exactly as without an LLM.
        """
        from bot.core.facts import FactAnswerer
        from bot.core.understand import understand

        if self.ctx.settings.llm_enabled:
            by_tools = self._tool_facts(text, previous, viewer=viewer)
            if by_tools is not None:
                return by_tools
        understood = understand(
            text,
            today=self.today(),
            catalogue=self.ctx.catalogue(),
            profiles=self.ctx.fact_finder().profiles(),
            previous=previous,
        )
        if understood is None:
            return None
        return FactAnswerer(self.ctx).answer(understood, today=self.today(), viewer=viewer)

    def _tool_facts(self, text: str, previous: dict[str, Any], *, viewer: Viewer | None) -> Reply | None:
        """The LLM's tool call, validated (pydantic, then policy), run and composed like the rule path's.

        None (the rule path answers) when the model calls no tool, a call is refused, the LLM fails,
        or the rows do not answer; each outcome is counted in ``troly_llm_calls{outcome="tool_…"}``.
        """
        from bot.core.facts import FactAnswerer
        from bot.core.llm import LLMAnswerer, LLMUnavailable, ToolRefused
        from bot.core.understand import Understood

        today = self.today()
        prev_query = (previous.get("facts") or {}).get("query") if isinstance(previous.get("facts"), dict) else None
        try:
            if self._llm is None:
                self._llm = LLMAnswerer(self.ctx.settings)
            calls = self._llm.tool_calls(text, today=today, previous=prev_query)
            if not calls:
                LLM_CALLS.labels("tool_none").inc()
                return None
            if len(calls) > 1:
                logger.info("LLM made %d tool calls; only the first is run", len(calls))
            query = self._tool_policy(calls[0].query(), viewer=viewer)
        except LLMUnavailable as e:
            logger.warning("LLM tool call unavailable, the rules answer: %s", e)
            LLM_CALLS.labels("tool_fallback").inc()
            return None
        except ToolRefused as e:
            logger.warning("LLM tool call refused, the rules answer: %s", e)
            LLM_CALLS.labels("tool_refused").inc()
            return None
        doc_filter = query.filter if isinstance(query, DocumentQuery) else getattr(query, "documents", None)
        doc_ids = None
        if doc_filter is not None and (doc_filter.doc_ids or doc_filter.number):
            doc_ids = [d.id for d in self.ctx.fact_finder().documents(doc_filter)] or None
        reply = FactAnswerer(self.ctx).answer(Understood(query, text, doc_ids), today=today, viewer=viewer)
        if reply is None:
            LLM_CALLS.labels("tool_none").inc()
            return None
        LLM_CALLS.labels("tool_ok").inc()
        reply.data.setdefault("facts", {})["via"] = "tools"
        return reply

    def _tool_policy(self, query: Query, *, viewer: Viewer | None) -> Query:
        """What a model's query may not ask whatever its fields: overdue and progress are as of today
        (the clock, never the model), and an idea's status is read under the ideas' read policy
        (``troly.ideas.queries.authorize``, the same check the rule path's query runs)."""
        from bot.core.llm import ToolRefused

        if isinstance(query, AssignmentQuery) and (
            query.overdue or query.ask in ("overdue", "progress") or query.status is not None
        ):
            query.as_of = self.today()
        if isinstance(query, IdeaQuery) and query.ask == "status":
            from troly.ideas.queries import IdeaAccessDenied, Viewer, authorize

            try:
                return authorize(query, viewer or Viewer(), self.ctx.catalogue())
            except IdeaAccessDenied as e:
                raise ToolRefused(str(e)) from e
        return query

    def _qa(self, question: str, on_delta: Callable[[str], None] | None = None) -> Reply:
        question = question.strip()
        if not question:
            return Reply("Bạn muốn hỏi gì? Ví dụ: /hoi Ai chủ trì triển khai SOC?", intent="help")
        searcher = self.searcher()
        question = searcher.correct(question)
        scope = searcher.scope(question)
        if scope.missing:
            return Reply(
                f"Không tìm thấy văn bản số {', '.join(c.upper() for c in scope.missing)} trong các văn bản hiện có.",
                intent="qa",
                data={"found": False},
            )
        filters = SearchFilters(doc_ids=scope.doc_ids) if scope.doc_ids else None
        catalogue = self.ctx.catalogue()
        hits = naming_hits(question, prefer_year(question, searcher.search(question, k=8, filters=filters)), catalogue)
        asked = expand_abbreviations(question)
        if scope.doc_ids:  # "Theo công văn 193/UBND-KT, …": the document's own number is no topic
            asked = self._without_own_numbers(asked, scope.doc_ids)
        # "… hoàn thành bao nhiêu nhiệm vụ theo thông báo phiên họp thứ nhất 2026?": the source named
        # at the end is where to look, not words the answering sentence repeats.
        source = _SOURCE_TAIL.search(asked)
        if source and len(asked[: source.start()].split()) >= 5:
            asked = asked[: source.start()].rstrip(" ,") + "?"
        lead = lead_answer(asked, hits[:5], catalogue)
        pinned = {lead.passage_id: lead.sentence} if lead else None
        names_unit = names_asked_unit(question, catalogue)
        extractive = extract_answer(
            asked,
            hits[:5],
            pinned=pinned,
            names_unit=names_unit,
            must_name=proper_names(question, catalogue),
            next_passage=searcher.next_passage,
        )
        if not extractive.found:
            return Reply(NOT_FOUND, intent="qa", data={"found": False})
        if self.ctx.settings.llm_enabled:
            generated = self._generate(question, hits[:5], on_delta)
            if generated is not None:
                return generated
        text = f"{lead.line}\n\n{extractive.text}" if lead else extractive.text
        return Reply(text, citations=extractive.citations, intent="qa", data={"found": True, "mode": "extractive"})

    def _without_own_numbers(self, question: str, doc_ids: Sequence[str]) -> str:
        """``question`` without the references to the scoped documents by their own number (a
        document they only cite, "Quyết định 1074/QĐ-BXD" in a letter about it, stays a topic)."""
        from troly.queries import DocFilter
        from troly.text import fold

        own = {
            fold(d.number or "").replace(" ", "")
            for d in self.ctx.fact_finder().documents(DocFilter(doc_ids=list(doc_ids)))
        }
        own.discard("")

        def drop(m: re.Match[str]) -> str:
            code = re.search(r"\d+[\w.\-]*/[\w./\-đĐ]+", m.group(0))
            return " " if code and fold(code.group(0)).replace(" ", "") in own else m.group(0)

        return _DOC_REF.sub(drop, question).strip(" ,")

    def _generate(
        self, question: str, hits: Sequence[Hit], on_delta: Callable[[str], None] | None = None
    ) -> Reply | None:
        """Generative answer through the configured LLM; None (→ extractive) on timeout or error.

        With ``on_delta`` the answer is streamed: pieces go to the channel as they arrive, and the
        joined text is checked exactly like a whole answer (markers, refusal) for the final reply.
        """
        from bot.core.llm import LLMAnswerer, LLMUnavailable, parse_answer

        started = time.perf_counter()
        try:
            if self._llm is None:
                self._llm = LLMAnswerer(self.ctx.settings)
            if on_delta is None:
                answer = self._llm.answer(question, hits)
            else:
                pieces: list[str] = []
                for delta in self._llm.stream(question, hits):
                    pieces.append(delta)
                    on_delta(delta)
                if not "".join(pieces).strip():
                    raise LLMUnavailable("the LLM streamed an empty answer")
                answer = parse_answer("".join(pieces), len(hits))
        except LLMUnavailable as e:
            logger.warning("LLM unavailable, falling back to the extractive answer: %s", e)
            LLM_CALLS.labels("fallback").inc()
            return None
        finally:
            LLM_SECONDS.observe(time.perf_counter() - started)
        LLM_CALLS.labels("ok" if answer.cited else "not_cited").inc()
        if not answer.cited:
            return Reply(NOT_FOUND, intent="qa", data={"found": False, "mode": "llm"})
        citations = [
            citation_of(hits[n - 1], hits[n - 1].passage.text[:300]) for n in answer.cited if 0 < n <= len(hits)
        ]
        # Renumber [n] so markers follow the citation list order.
        text = answer.text
        for new, old in enumerate(answer.cited, start=1):
            text = text.replace(f"[{old}]", f"[#{new}]")
        return Reply(text.replace("[#", "["), citations=citations, intent="qa", data={"found": True, "mode": "llm"})

    def _resolve_unit_for(self, msg: IncomingMessage, intent: Intent) -> str | None:
        if intent.unit:
            return intent.unit
        profile = self._profile(msg)
        if profile and profile.unit_name and (intent.mine or intent.kind == "tasks"):
            return profile.unit_name
        return None

    def _tasks(self, msg: IncomingMessage, intent: Intent) -> Reply:
        unit = self._resolve_unit_for(msg, intent)
        if unit is None:
            return Reply(
                "Bạn muốn xem nhiệm vụ của đơn vị nào? Ví dụ: “/nhiemvu Tỉnh đoàn”. "
                "Bạn cũng có thể đặt đơn vị của mình bằng /donvi <tên đơn vị>.",
                intent="help",
            )
        today = self.today()
        period = intent.period or (
            today.replace(day=1),
            (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1),
        )
        listing = self.finder().tasks(unit=unit, start=period[0], end=period[1])
        label = _period_label(period)
        header = f"Nhiệm vụ của {listing.resolved_unit} ({label}): {len(listing.tasks)} nhiệm vụ."
        if not listing.tasks:
            header = f"Không có nhiệm vụ nào của {listing.resolved_unit} còn hiệu lực trong {label}."
        return self._task_reply(listing, header, intent="tasks")

    def _deadlines(self, msg: IncomingMessage, intent: Intent) -> Reply:
        today = self.today()
        period = intent.period or (today, today + dt.timedelta(days=14))
        unit = intent.unit or (self._resolve_unit_for(msg, intent) if intent.mine else None)
        listing = self.finder().deadlines(start=period[0], end=period[1], unit=unit)
        scope = f" của {listing.resolved_unit}" if listing.resolved_unit else ""
        label = _period_label(period)
        header = f"Các hạn{scope} {label}: {len(listing.tasks)} nhiệm vụ."
        if not listing.tasks:
            header = f"Không có hạn nào{scope} {label}."
        return self._task_reply(listing, header, intent="deadlines")

    def _task_reply(self, listing: TaskListing, header: str, *, intent: str) -> Reply:
        lines = [header]
        if listing.note:
            lines.append(listing.note)
        citations: list[Citation] = []
        for n, task in enumerate(listing.tasks[:_MAX_LISTED], start=1):
            t = task.as_dict()
            role = " (phối hợp)" if task.unit_role == "cooperate" else ""
            who = (
                "" if listing.resolved_unit else f"{', '.join(a['name'] for a in t['assignees']) or 'Chưa rõ đơn vị'}: "
            )
            text = strip_list_marker(task.text)
            text = text if len(text) <= 400 else text[:400].rsplit(" ", 1)[0] + " …"
            lines.append(f"{n}. {who}{text}{role}\n   ⏰ {_due_label(t)} [{n}]")
            src = task.source
            citations.append(
                Citation(
                    doc_id=src["doc_id"],
                    number=src.get("number"),
                    date=dt.date.fromisoformat(src["date"]) if src.get("date") else None,
                    title=src.get("title"),
                    section=_last_heading(src),
                    quote=task.text[:300],
                    doc_type=src.get("type"),
                    date_precision=src.get("date_precision") or "day",
                    passage_id=src.get("passage_id"),
                )
            )
        if len(listing.tasks) > _MAX_LISTED:
            lines.append(f"… và {len(listing.tasks) - _MAX_LISTED} nhiệm vụ khác (xem đầy đủ: troly tasks).")
        return Reply("\n\n".join(lines), citations=citations, intent=intent, data=listing.as_dict())

    def _bind_unit(self, msg: IncomingMessage, name: str) -> Reply:
        if not name:
            profile = self._profile(msg)
            if profile and profile.unit_name:
                return Reply(f"Đơn vị của bạn: {profile.unit_name}. Đổi bằng /donvi <tên đơn vị>.", intent="bind_unit")
            return Reply(
                "Hãy gõ /donvi kèm tên đơn vị, ví dụ: /donvi Tỉnh đoàn hoặc /donvi UBND xã Tây Sơn.", intent="bind_unit"
            )
        match = self.ctx.catalogue().resolve(name)
        if match is None:
            raise UserInputError(
                f"unknown unit {name!r}",
                user_message=f"Chưa nhận ra đơn vị “{name}”. Vui lòng ghi rõ tên, ví dụ: Sở Tư pháp, Tỉnh đoàn, UBND xã Tây Sơn.",
            )
        self.store.bind_unit(
            user_key=msg.user_key, unit_id=match.unit.id, unit_name=match.unit.name, display_name=msg.display_name
        )
        return Reply(
            f"Đã đặt đơn vị của bạn là {match.unit.name}. Giờ bạn có thể hỏi “nhiệm vụ của tôi tháng này”.",
            intent="bind_unit",
        )

    def _refuse_non_admin(self, msg: IncomingMessage, action: str) -> Reply:
        logger.warning("non-admin %s tried %s", msg.user_key, action)
        return Reply("Xin lỗi, chức năng này chỉ dành cho quản trị viên.", intent="denied")

    def _reindex(self, msg: IncomingMessage) -> Reply:
        if not self.is_admin(msg):
            return self._refuse_non_admin(msg, "/reindex")
        from troly.store import document_listing

        sources = [__import__("pathlib").Path(d.source_path) for d in document_listing(db=self.ctx.db)]
        stats = self.ctx.ingestor().ingest([p for p in sources if p.exists()], sync=True)
        counts = {
            s: sum(1 for r in stats.results if r.status == s)
            for s in ("added", "updated", "unchanged", "merged", "failed", "removed")
        }
        return Reply("Đã lập lại chỉ mục: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ".", intent="admin")

    def _docs(self, msg: IncomingMessage) -> Reply:
        if not self.is_admin(msg):
            return self._refuse_non_admin(msg, "/tailieu")
        from troly.store import document_listing

        docs = document_listing(db=self.ctx.db)
        lines = [
            f"{i}. {d.type or 'Văn bản'} {d.number or ''} {d.date_label} — {(d.title or d.file)[:100]}"
            for i, d in enumerate(docs, start=1)
        ]
        return Reply(f"Có {len(docs)} văn bản:\n" + "\n".join(lines), intent="admin")

    def _replace_help(self, msg: IncomingMessage) -> Reply:
        if not self.is_admin(msg):
            return self._refuse_non_admin(msg, "/thaythe")
        return Reply(
            "Để thay thế một văn bản bằng bản đã sửa: gửi tệp mới kèm chú thích “/thaythe <số hoặc mã văn bản>”, "
            "ví dụ /thaythe 174/TB-UBND. Mã nhiệm vụ và tiến độ đã báo cáo được giữ nguyên; bản cũ được lưu lại.",
            intent="admin",
        )

    def _upload(self, msg: IncomingMessage) -> Reply:
        if not self.is_admin(msg):
            return self._refuse_non_admin(msg, "upload")
        target = _replaced_document(msg.text or "")
        if target is not None:
            if len(msg.attachments) != 1:
                return Reply(
                    "Để thay thế một văn bản, hãy gửi đúng một tệp kèm chú thích /thaythe <số hoặc mã văn bản>.",
                    intent="admin",
                )
            results = [self.ctx.ingestor().replace(msg.attachments[0].path, target)]
        else:
            results = self.ctx.ingestor().ingest([a.path for a in msg.attachments]).results
        lines = []
        for att, r in zip(msg.attachments, results, strict=False):
            if r.status == "failed":
                lines.append(f"❌ {att.file_name}: {r.user_reason or 'không xử lý được.'}")
            elif r.status == "unchanged":
                lines.append(f"ℹ️ {att.file_name}: đã có trong hệ thống, không thay đổi.")
            elif r.status == "merged":
                lines.append(
                    f"ℹ️ {att.file_name}: {r.user_reason} Nếu đây là bản đã sửa (đính chính) của văn bản đó, "
                    f"gửi lại tệp kèm chú thích: /thaythe {r.doc_id}"
                )
            elif target is not None:
                lines.append(
                    f"✅ {att.file_name}: {r.user_reason} ({r.passages} đoạn, {r.tasks} nhiệm vụ; tiến độ giữ nguyên)."
                )
            else:
                lines.append(f"✅ {att.file_name}: đã thêm {r.passages} đoạn, {r.tasks} nhiệm vụ.")
        return Reply("\n".join(lines), intent="admin", data={"results": [r.status for r in results]})

    def _ideas_unavailable(self) -> Reply:
        return Reply("Chức năng gửi ý tưởng chưa sẵn sàng.", intent="ideas")

    def _quota(self, msg: IncomingMessage, arg: str) -> Reply:
        ideas = self.ideas()
        if ideas is None:
            return self._ideas_unavailable()
        return ideas.quota(msg, arg)

    # Silence "unused" for Button (kept in the public reply vocabulary of this module).
    _ = Button


_REPLACE_CAPTION = re.compile(r"^\s*(?:/thaythe(?:@\w+)?|thay\s+th[eế])\s*:?\s+(\S.*?)\s*$", re.IGNORECASE)


def _replaced_document(caption: str) -> str | None:
    """The document an upload's caption says the file replaces ("/thaythe 174/TB-UBND",
    "thay thế 2024-09-19-tb-174"), or None for a plain upload."""
    m = _REPLACE_CAPTION.match(unicodedata.normalize("NFC", caption))
    return m.group(1) if m else None
