"""Structured questions through the LLM's tool calls over the typed queries (issue 12).

The fake OpenAI server scripts the model's tool call; the call is validated by the same pydantic
classes the rule path builds (``troly.queries``), then by policy, executed over real ingested
documents (the notices of ``tests/test_facts.py``) and composed by the rule path's composer. Anything
refused or failing leaves the question to the rules, which still answer it right and cited. The
clock is pinned.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from prometheus_client import REGISTRY

from bot.core.assistant import Assistant
from bot.core.llm import ToolCall, ToolRefused
from bot.core.messages import IncomingMessage, Reply
from tests.fake_openai import FakeOpenAI, fake_openai, fake_openai_server, tool_call
from tests.test_facts import TZ, facts_ctx
from troly.context import Context
from troly.queries import AssignmentQuery, DocumentQuery

__all__ = ["facts_ctx", "fake_openai", "fake_openai_server"]  # fixtures used by name

TODAY = dt.date(2026, 3, 20)
SQL = "x'; DROP TABLE documents;--"


@pytest.fixture()
def llm_ctx(facts_ctx: Context, fake_openai: FakeOpenAI) -> Context:
    settings = facts_ctx.settings.model_copy(
        update={"llm_base_url": fake_openai.base_url, "llm_model": "fake-model", "llm_timeout": 10.0}
    )
    return Context(settings, embedder=facts_ctx.embedder())


def ask(ctx: Context, text: str, *, user: str, history: tuple[str, ...] = ()) -> Reply:
    assistant = Assistant(ctx, clock=lambda: dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=TZ))
    reply = None
    for t in (*history, text):
        reply = assistant.handle(IncomingMessage(channel="cli", user_id=user, text=t))
    assert reply is not None
    return reply


def via(reply: Reply) -> str | None:
    return (reply.data.get("facts") or {}).get("via")


def counted(outcome: str) -> float:
    return REGISTRY.get_sample_value("troly_llm_calls_total", {"outcome": outcome}) or 0.0


def doc_count(ctx: Context) -> int:
    return len(ctx.fact_finder().documents())


# ---- (a) the model's tool call is run and the answer is cited ---------------------------------------


def test_tool_call_is_executed_and_the_answer_cites_the_document(llm_ctx: Context, fake_openai: FakeOpenAI) -> None:
    """A wording the rules leave to passage QA ("người đã ký") is answered from the row the tool finds."""
    fake_openai.tool_calls = [tool_call("DocumentQuery", {"ask": "signer", "filter": {"number": "305"}})]
    before = counted("tool_ok")
    reply = ask(llm_ctx, "Cho tôi biết người đã ký văn bản 305", user="t1")
    assert via(reply) == "tools"
    assert "Trần Văn Minh" in reply.text.splitlines()[0]
    assert reply.citations and reply.citations[0].number == "305/TB-UBND"
    assert counted("tool_ok") - before == 1
    # troly offered the three typed queries as tools, with their strict schemas.
    (request,) = fake_openai.tool_requests
    tools = {t["function"]["name"]: t["function"] for t in request["tools"]}
    assert set(tools) == {"DocumentQuery", "AssignmentQuery", "IdeaQuery"}
    assert tools["DocumentQuery"]["parameters"]["properties"]["ask"]["enum"][0] == "count"
    assert "305" in request["messages"][-1]["content"]


def test_tool_count_and_unit_tasks(llm_ctx: Context, fake_openai: FakeOpenAI) -> None:
    fake_openai.tool_calls = [tool_call("DocumentQuery", {"ask": "count", "filter": {"doc_type": "Kế hoạch"}})]
    reply = ask(llm_ctx, "Số kế hoạch đang lưu là mấy?", user="t2")
    assert via(reply) == "tools" and reply.text.startswith("Có 1 văn bản")
    assert [c.number for c in reply.citations] == ["88/KH-UBND"]

    fake_openai.tool_calls = [tool_call("AssignmentQuery", {"unit": "Sở Y tế"})]
    reply = ask(llm_ctx, "Sở Y tế phải làm những việc gì", user="t3")
    assert via(reply) == "tools"
    assert "bệnh án điện tử" in reply.text
    assert reply.citations and all(c.number == "88/KH-UBND" for c in reply.citations)


def test_tool_progress_and_open_work_come_from_the_follow_up(llm_ctx: Context, fake_openai: FakeOpenAI) -> None:
    """The follow-up fields of AssignmentQuery (issue 14) reach the tools: counts by category as of
    the clock's today (never the model's), a unit's work not reported done; a bad state is refused."""
    progress = {"ask": "progress", "documents": {"number": "305"}, "as_of": "2030-01-01"}
    fake_openai.tool_calls = [tool_call("AssignmentQuery", progress)]
    reply = ask(llm_ctx, "Thông báo kết luận 305 làm được tới đâu rồi?", user="t4")
    assert via(reply) == "tools"
    first = reply.text.splitlines()[0]
    assert first.startswith("Thông báo số 305/TB-UBND ngày 05/03/2026: hoàn thành 0/4 nhiệm vụ"), first
    assert "tính đến ngày 20/03/2026" in first and "1 thường xuyên" in first
    assert reply.citations and {c.number for c in reply.citations} == {"305/TB-UBND"}
    assert re.search(
        r"NV-\d{4}-\d{6}", reply.text
    )  # the year tracking began: this fixture's ingest ran on the wall clock

    fake_openai.tool_calls = [tool_call("AssignmentQuery", {"unit": "Sở Tài chính", "status": "open"})]
    reply = ask(llm_ctx, "Sở Tài chính còn gì chưa làm xong không", user="t5")
    assert via(reply) == "tools" and reply.text.startswith("Sở Tài chính: còn 3 nhiệm vụ chưa hoàn thành")
    assert {c.number for c in reply.citations} == {"305/TB-UBND", "88/KH-UBND"}

    fake_openai.tool_calls = [tool_call("AssignmentQuery", {"unit": "Sở Tài chính", "status": "all' OR 1=1"})]
    before = counted("tool_refused")
    ask(llm_ctx, "Sở Tài chính còn gì chưa làm xong không", user="t6")
    assert counted("tool_refused") - before == 1


# ---- (b) hostile arguments are refused; the rules answer; the table is intact -------------------------


@pytest.mark.parametrize(
    "call",
    [
        tool_call("DocumentQuery", {"ask": "signer", "filter": {"number": SQL}}),
        tool_call("DocumentQuery", {"ask": "signer", "filter": {"signer": SQL}}),
        tool_call("AssignmentQuery", {"topic": SQL}),
        tool_call("DocumentQuery", {"ask": "signer", "filter": {"number": "305"}, "sql": "SELECT * FROM documents"}),
        tool_call("DocumentQuery", {"ask": "drop"}),
        tool_call("RawSQL", {"query": "DELETE FROM documents"}),
        tool_call("DocumentQuery", "{not json"),
    ],
    ids=["sql-number", "sql-signer", "sql-topic", "unknown-field", "bad-enum", "unknown-tool", "broken-json"],
)
def test_hostile_tool_arguments_are_refused_and_the_rules_answer(
    llm_ctx: Context, fake_openai: FakeOpenAI, call: dict
) -> None:
    fake_openai.tool_calls = [call]
    n_docs = doc_count(llm_ctx)
    before = counted("tool_refused")
    reply = ask(
        llm_ctx, "Ai ký thông báo 305?", user=f"h-{call['function']['name']}-{len(call['function']['arguments'])}"
    )
    assert fake_openai.tool_requests, "the model was asked"
    assert counted("tool_refused") - before == 1
    assert via(reply) is None  # the rule path answered …
    assert "Trần Văn Minh" in reply.text.splitlines()[0]  # … still right
    assert reply.citations and reply.citations[0].number == "305/TB-UBND"  # … still cited
    assert doc_count(llm_ctx) == n_docs == 2


def test_tool_arguments_validate_by_the_query_classes() -> None:
    q = ToolCall("AssignmentQuery", {"unit": "Sở Tài chính", "ask": "overdue", "overdue": True}).query()
    assert isinstance(q, AssignmentQuery) and q.unit == "Sở Tài chính"
    assert isinstance(ToolCall("DocumentQuery", {"filter": {"number": "305"}}).query(), DocumentQuery)
    for name, args in [
        ("DocumentQuery", {"filter": {"place": "Gia Lai' OR 1=1 --"}}),
        ("IdeaQuery", {"month": "2026-03; DROP"}),
        ("IdeaQuery", {"unit": "xã Tây Sơn", "submitter_name": "Nguyễn Văn A"}),
        ("AssignmentQuery", {"unit": "<script>"}),
    ]:
        with pytest.raises(ToolRefused):
            ToolCall(name, args).query()


def test_idea_status_of_another_unit_is_refused_and_names_never_shown(
    llm_ctx: Context, fake_openai: FakeOpenAI
) -> None:
    """An idea's status goes only to a user bound to its unit; submitter names never appear."""
    status = tool_call("IdeaQuery", {"ask": "status", "unit": "xã Tây Sơn", "topic": "Trợ lý ảo thủ tục hành chính"})
    question = "Ý tưởng Trợ lý ảo thủ tục hành chính được duyệt tới đâu rồi?"

    fake_openai.tool_calls = [status]
    before = counted("tool_refused")
    other = ask(llm_ctx, question, user="i-other", history=("/donvi Sở Tài chính",))
    assert counted("tool_refused") - before == 1
    assert via(other) is None
    assert "Nguyễn Văn A" not in other.text

    fake_openai.tool_calls = [tool_call("IdeaQuery", {"ask": "status", "topic": "Trợ lý ảo thủ tục hành chính"})]
    unbound = ask(llm_ctx, question, user="i-unbound")
    assert counted("tool_refused") - before == 2 and via(unbound) is None

    fake_openai.tool_calls = [status]
    own = ask(llm_ctx, question, user="i-own", history=("/donvi xã Tây Sơn",))
    assert via(own) == "tools"
    assert "Trợ lý ảo thủ tục hành chính" in own.text and "trạng thái" in own.text
    assert "Nguyễn Văn A" not in own.text


# ---- (c) no tool call, a server error → the rule path ---------------------------------------------


@pytest.mark.parametrize("failure", ["no-tool-call", "empty-tool-list", "http-500"])
def test_no_tool_call_or_llm_failure_falls_back_to_the_rules(
    llm_ctx: Context, fake_openai: FakeOpenAI, failure: str
) -> None:
    if failure == "empty-tool-list":
        fake_openai.tool_calls = []
    elif failure == "http-500":
        fake_openai.status = 500
    outcome = "tool_fallback" if failure == "http-500" else "tool_none"
    before = counted(outcome)
    reply = ask(llm_ctx, "Có bao nhiêu văn bản trong hệ thống?", user=f"f-{failure}")
    assert counted(outcome) - before == 1
    assert via(reply) is None
    assert reply.text.startswith("Có 2 văn bản")
    assert len(reply.citations) == 2
