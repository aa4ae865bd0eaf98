"""Optional generative answers from any OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp, hosted).

Why this module exists: troly answers extractively by default; when ``TROLY_LLM_BASE_URL`` and
``TROLY_LLM_MODEL`` are set, the conversation core asks an LLM to phrase the answer from the
retrieved passages instead. The LLM is never trusted blindly:

* it only sees numbered passages wrapped in ``<tai_lieu>…</tai_lieu>``; passage text is
  neutralised so it cannot close (or reopen) that delimiter, and the system prompt says the
  passages are data, never instructions (prompt injection from an uploaded document);
* every ``[n]`` marker in the reply is checked against the passages actually sent; markers that
  point nowhere are removed, and the cited numbers are returned so citations stay real;
* the honest refusal sentence is recognised, so the caller can show its own not-found reply;
* any failure (timeout, connection refused, HTTP 5xx, malformed reply, missing package) becomes
  :class:`LLMUnavailable`, and the caller falls back to the extractive answer.

langchain is imported lazily so ``import bot.core.llm`` works without the ``llm`` extra.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from pydantic import SecretStr, ValidationError

from prompts import load_prompt
from troly.dates import date_label
from troly.errors import TrolyError
from troly.queries import AssignmentQuery, DocumentQuery, IdeaQuery, Query

if TYPE_CHECKING:  # pragma: no cover
    from troly.config import Settings
    from troly.types import Hit, Passage

__all__ = [
    "NOT_FOUND_TEXT",
    "TOOL_QUERIES",
    "LLMAnswer",
    "LLMAnswerer",
    "LLMUnavailable",
    "ToolCall",
    "ToolRefused",
    "build_answer_messages",
    "neutralise",
    "parse_answer",
    "render_passages",
]

logger = logging.getLogger(__name__)

#: The exact sentence the system prompt asks for when the passages do not hold the answer.
NOT_FOUND_TEXT = "Không tìm thấy thông tin này trong các văn bản hiện có."

_INSTALL_HINT = "pip install 'troly[llm]'"

# Any opening or closing form of our delimiters (<tai_lieu>, </ tai_lieu >, <TAI_LIEU x=1>, …),
# plus the question's delimiter, so untrusted text cannot forge a boundary.
_DELIMITER_RE = re.compile(r"<\s*/?\s*(?:tai_lieu|cau_hoi)\b[^>]*>", re.IGNORECASE)
# [1], [2, 3], [1;4], [ 2 ] — citation markers in the model's reply.
_MARKER_RE = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")
_THINK_RE = re.compile(r"<think>.*?</think>\s*", re.DOTALL | re.IGNORECASE)


class LLMUnavailable(TrolyError):
    """The LLM could not produce an answer (not configured, timeout, connection or bad response)."""

    user_message = "Mô hình ngôn ngữ tạm thời không phản hồi, hệ thống sẽ trả lời theo trích dẫn văn bản."


class ToolRefused(TrolyError):
    """A tool call the model made does not validate (unknown tool or field, markup, policy)."""


#: The tools the model may call: the same typed queries the rule path builds (troly.queries).
TOOL_QUERIES: dict[str, type[DocumentQuery] | type[AssignmentQuery] | type[IdeaQuery]] = {
    "DocumentQuery": DocumentQuery,
    "AssignmentQuery": AssignmentQuery,
    "IdeaQuery": IdeaQuery,
}


@dataclass(slots=True)
class ToolCall:
    """One tool call as the model sent it: the tool's name and its (untrusted) arguments."""

    name: str
    args: dict[str, Any]

    def query(self) -> Query:
        """The arguments validated by the tool's pydantic class; :class:`ToolRefused` otherwise."""
        cls = TOOL_QUERIES.get(self.name)
        if cls is None:
            raise ToolRefused(f"unknown tool {self.name!r}")
        try:
            return cls.model_validate(self.args)
        except ValidationError as e:
            raise ToolRefused(f"{self.name} arguments refused: {e.error_count()} error(s)") from e


@dataclass(slots=True)
class LLMAnswer:
    """The model's answer. ``cited``: 1-based numbers of the passages the text cites, in order.

    ``cited == []`` means the model refused (not-found sentence) or cited nothing it was given:
    either way the caller should not present the text as a grounded answer.
    """

    text: str
    cited: list[int] = field(default_factory=list)

    @property
    def not_found(self) -> bool:
        """True when the model gave the honest refusal sentence."""
        return _is_refusal(self.text)


# ---------------------------------------------------------------------------------------------
# Prompt building (pure functions, testable without any server)
# ---------------------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """Remove anything that looks like one of our delimiters from untrusted text."""
    return _DELIMITER_RE.sub(" ", text)


def _passage_header(n: int, passage: Passage) -> str:
    """``[n] <doc type> <number> ngày <date> — <section/heading>``; blank parts are left out (a
    month-only date reads "tháng 03/2026")."""
    parts = [passage.doc_type or "Văn bản"]
    if passage.number:
        parts.append(passage.number)
    if passage.date:
        parts.append(date_label(passage.date, passage.date_precision, phrase=True))
    header = f"[{n}] " + " ".join(parts)
    where = passage.heading or passage.section
    if where:
        header += f" — {where}"
    return neutralise(" ".join(header.split()))


def render_passages(hits: Sequence[Hit]) -> str:
    """Render hits as numbered passages, each ``[n] header`` then its text; delimiters neutralised."""
    blocks = []
    for n, hit in enumerate(hits, start=1):
        body = neutralise(hit.passage.text).strip()
        blocks.append(f"{_passage_header(n, hit.passage)}\n{body}")
    return "\n\n".join(blocks)


def build_answer_messages(question: str, hits: Sequence[Hit]) -> tuple[str, str]:
    """(system prompt, user prompt) for one question and its retrieved passages."""
    system = load_prompt("answer_system")
    user = load_prompt("answer_user").format(question=neutralise(question).strip(), passages=render_passages(hits))
    return system, user


# ---------------------------------------------------------------------------------------------
# Reply parsing
# ---------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("*", "").split()).strip(" .\"'“”")


def _is_refusal(text: str) -> bool:
    return _norm(text).startswith(_norm(NOT_FOUND_TEXT))


def parse_answer(text: str, n_passages: int) -> LLMAnswer:
    """Check ``[n]`` markers against the ``n_passages`` sent; drop invalid ones; detect refusals.

    Public so a streaming caller can post-process the joined deltas the same way ``answer`` does.
    """
    text = _THINK_RE.sub("", text).strip()
    if _is_refusal(text):
        return LLMAnswer(text=NOT_FOUND_TEXT, cited=[])

    cited: list[int] = []

    def fix(match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.split(r"[,;]", match.group(1))]
        valid = [x for x in numbers if 1 <= x <= n_passages]
        for x in valid:
            if x not in cited:
                cited.append(x)
        # One marker per number ("[1, 2]" -> "[1][2]") so callers can renumber markers one by one.
        return "".join(f"[{x}]" for x in dict.fromkeys(valid))

    fixed = _MARKER_RE.sub(fix, text)
    # Tidy the gaps removed markers leave behind ("SOC [9]." -> "SOC.").
    fixed = re.sub(r"[ \t]+([.,;:!?])", r"\1", fixed)
    fixed = re.sub(r"[ \t]{2,}", " ", fixed)
    fixed = "\n".join(line.rstrip() for line in fixed.splitlines()).strip()
    return LLMAnswer(text=fixed, cited=cited)


def _content_text(content: Any) -> str:
    """Message content as text (langchain may hand back a string or a list of content blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part if isinstance(part, str) else str(part.get("text", "")) if isinstance(part, dict) else ""
            for part in content
        )
    return ""


# ---------------------------------------------------------------------------------------------
# The client
# ---------------------------------------------------------------------------------------------


class LLMAnswerer:
    """Answers a question from retrieved passages through an OpenAI-compatible chat endpoint.

    Construction is cheap and raises :class:`LLMUnavailable` when the LLM is not configured or the
    ``llm`` extra is missing; ``answer`` and ``stream`` raise it on any failure.
    """

    def __init__(self, settings: Settings) -> None:
        if not settings.llm_base_url or not settings.llm_model:
            raise LLMUnavailable("LLM is not configured (set TROLY_LLM_BASE_URL and TROLY_LLM_MODEL)")
        try:
            from langchain_core.messages import HumanMessage, SystemMessage
            from langchain_openai import ChatOpenAI
        except ImportError as e:
            raise LLMUnavailable(f"the LLM packages are not installed ({e}); run: {_INSTALL_HINT}") from e
        self._system_cls = SystemMessage
        self._human_cls = HumanMessage
        self.settings = settings
        self.model = settings.llm_model
        try:
            self._chat = ChatOpenAI(
                base_url=settings.llm_base_url,
                model=settings.llm_model,
                api_key=SecretStr(settings.llm_api_key or "not-needed"),
                timeout=settings.llm_timeout,
                max_retries=0,
                temperature=settings.llm_temperature,
            )
        except Exception as e:  # pydantic validation of odd settings, client construction
            raise LLMUnavailable(f"could not set up the LLM client: {e}") from e

    # -- public API -------------------------------------------------------------------------

    def answer(self, question: str, hits: Sequence[Hit]) -> LLMAnswer:
        """Answer ``question`` from ``hits`` (numbered 1..len(hits) in the prompt)."""
        if not hits:
            return LLMAnswer(text=NOT_FOUND_TEXT, cited=[])
        messages = self._answer_messages(question, hits)
        try:
            result = self._chat.invoke(messages)
        except Exception as e:
            self._fail("answer", e)
        text = _content_text(getattr(result, "content", None))
        if not text.strip():
            logger.warning("LLM %s returned an empty answer", self.model)
            raise LLMUnavailable(f"LLM {self.model} returned an empty answer")
        return parse_answer(text, len(hits))

    def stream(self, question: str, hits: Sequence[Hit]) -> Iterator[str]:
        """Yield the answer's text deltas as they arrive.

        Markers are not checked on the fly: join the deltas and pass them to :func:`parse_answer`
        (with ``len(hits)``) to get the checked text and citations. A failure raises
        :class:`LLMUnavailable`, possibly after some deltas were already yielded.
        """
        if not hits:
            yield NOT_FOUND_TEXT
            return
        messages = self._answer_messages(question, hits)
        try:
            for chunk in self._chat.stream(messages):
                delta = _content_text(getattr(chunk, "content", None))
                if delta:
                    yield delta
        except Exception as e:
            self._fail("stream", e)

    def tool_calls(self, question: str, *, today: dt.date, previous: dict[str, Any] | None = None) -> list[ToolCall]:
        """One model call with the query tools bound: the tool calls the model made (maybe none).

        ``previous``: the last answered query (JSON), so a follow-up can reuse its fields. A call
        whose arguments are not JSON raises :class:`ToolRefused`; any failure of the call itself
        :class:`LLMUnavailable`. The arguments are NOT validated here: see :meth:`ToolCall.query`.
        """
        system = load_prompt("tools_system").replace("{today}", today.isoformat())
        user = neutralise(question).strip()
        if previous:
            user += "\n\n(Câu hỏi trước đã tra: " + json.dumps(previous, ensure_ascii=False) + ")"
        messages = [self._system_cls(content=system), self._human_cls(content=user)]
        try:
            chat = self._chat.bind_tools(list(TOOL_QUERIES.values()))
            result = chat.invoke(messages)
        except Exception as e:
            self._fail("tool call", e)
        if getattr(result, "invalid_tool_calls", None):
            raise ToolRefused("the model's tool arguments are not valid JSON")
        calls = []
        for call in getattr(result, "tool_calls", None) or []:
            args = call.get("args")
            if not isinstance(args, dict):
                raise ToolRefused("tool arguments must be an object")
            calls.append(ToolCall(name=str(call.get("name") or ""), args=args))
        return calls

    # -- internals --------------------------------------------------------------------------

    def _answer_messages(self, question: str, hits: Sequence[Hit]) -> list[Any]:
        system, user = build_answer_messages(question, hits)
        return [self._system_cls(content=system), self._human_cls(content=user)]

    def _fail(self, what: str, e: Exception) -> NoReturn:
        kind = type(e).__name__
        logger.warning("LLM %s via %s failed (%s): %s", what, self.settings.llm_base_url, kind, e)
        raise LLMUnavailable(f"LLM {what} failed ({kind}): {e}") from e
