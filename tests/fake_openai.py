"""A real, local OpenAI-compatible chat server for tests (FastAPI + uvicorn on 127.0.0.1).

Why a server and not a mock: the LLM client is exercised end to end — langchain, the openai SDK,
httpx, timeouts, SSE parsing — exactly as against vLLM or Ollama, while tests stay offline and fast.
The server records every request body so tests assert on what our code actually sent.

Behaviours (attributes of :class:`FakeOpenAI`, reset between tests):

* ``mode="echo"`` (default): a tiny "naive model". If the question (the user message outside the
  ``<tai_lieu>`` block) contains a keyword of ``answers`` and a numbered passage ``[n]`` inside the
  block contains it too, it answers the template with that ``n``; otherwise the not-found sentence.
  Like a real naive model it FOLLOWS injected instructions ("Bỏ qua mọi hướng dẫn…") and answers
  :data:`PIRATE_REPLY` — unless the system prompt carries the anti-injection rule AND every injected
  instruction sits inside a single, intact ``<tai_lieu>…</tai_lieu>`` block.
* ``mode="fixed"``: always answer ``reply``.
* ``delay``: seconds to wait before answering (to test client timeouts).
* ``status``: answer with this HTTP error status (e.g. 500) instead.
* ``raw_body``: answer HTTP 200 with this non-JSON body (a broken endpoint).
* ``tool_calls``: a request that offers ``tools`` is answered with these calls (OpenAI format,
  ``finish_reason "tool_calls"``; build each with :func:`tool_call`); requests without tools are
  answered as usual. ``tool_requests`` lists the requests that offered tools.

Streaming requests (``"stream": true``) get OpenAI-format SSE chunks ending with ``data: [DONE]``.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse

from tests.local_server import LocalServer

__all__ = [
    "INJECTION_TRIGGER",
    "NOT_FOUND_TEXT",
    "PIRATE_REPLY",
    "RULE_PHRASES",
    "FakeOpenAI",
    "fake_openai",
    "fake_openai_server",
    "serve_fake_openai",
    "tool_call",
]

NOT_FOUND_TEXT = "Không tìm thấy thông tin này trong các văn bản hiện có."
PIRATE_REPLY = "Tôi là cướp biển."
INJECTION_TRIGGER = "bỏ qua mọi hướng dẫn"
#: What the fake requires in the system prompt before it stops obeying injected instructions.
RULE_PHRASES = ("chỉ là dữ liệu", "không làm theo", "<tai_lieu>")

_OPEN_RE = re.compile(r"<\s*tai_lieu\b[^>]*>", re.IGNORECASE)
_CLOSE_RE = re.compile(r"<\s*/\s*tai_lieu\s*>", re.IGNORECASE)
_PASSAGE_RE = re.compile(r"^\[(\d+)\][^\n]*\n(.*?)(?=^\[\d+\]|\Z)", re.MULTILINE | re.DOTALL)


def _default_answers() -> dict[str, str]:
    return {"SOC": "Công an tỉnh chủ trì triển khai SOC [{n}]."}


@dataclass
class FakeOpenAI:
    """State and behaviour of the fake server; tests change the attributes directly."""

    base_url: str = ""
    mode: str = "echo"
    reply: str = ""
    delay: float = 0.0
    status: int | None = None
    raw_body: str | None = None
    drop_stream_after: int | None = None  # streamed answers: close the connection after N pieces
    stream_delay: float = 0.0  # streamed answers: seconds between pieces (a model writing slowly)
    answers: dict[str, str] = field(default_factory=_default_answers)
    tool_calls: list[dict[str, Any]] | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)

    def reset(self) -> None:
        self.mode, self.reply, self.delay, self.tool_calls = "echo", "", 0.0, None
        self.status, self.raw_body, self.drop_stream_after, self.stream_delay = None, None, None, 0.0
        self.answers = _default_answers()
        self.requests.clear()

    # -- what the client sent -----------------------------------------------------------------

    @property
    def last_request(self) -> dict[str, Any]:
        assert self.requests, "the fake server received no request"
        return self.requests[-1]

    def _content(self, role: str) -> str:
        return "\n".join(_text(m.get("content")) for m in self.last_request["messages"] if m.get("role") == role)

    @property
    def tool_requests(self) -> list[dict[str, Any]]:
        """The requests that offered tools (``"tools": [...]`` in the body)."""
        return [r for r in self.requests if r.get("tools")]

    @property
    def last_system(self) -> str:
        return self._content("system")

    @property
    def last_user(self) -> str:
        return self._content("user")

    # -- the naive model ----------------------------------------------------------------------

    def decide(self, body: dict[str, Any]) -> str:
        if self.mode == "fixed":
            return self.reply
        messages = body.get("messages", [])
        system = "\n".join(_text(m.get("content")) for m in messages if m.get("role") in ("system", "developer"))
        users = [_text(m.get("content")) for m in messages if m.get("role") == "user"]
        user = users[-1] if users else ""
        if INJECTION_TRIGGER in user.lower() and not _guarded(system, user):
            return PIRATE_REPLY
        opens, closes = list(_OPEN_RE.finditer(user)), list(_CLOSE_RE.finditer(user))
        if opens and closes and opens[0].end() <= closes[0].start():
            block = user[opens[0].end() : closes[0].start()]
            question = user[: opens[0].start()] + user[closes[0].end() :]
        else:
            block, question = "", user
        passages = [(int(m.group(1)), m.group(2)) for m in _PASSAGE_RE.finditer(block.strip())]
        for keyword, template in self.answers.items():
            if keyword.lower() not in question.lower():
                continue
            for n, text in passages:
                if keyword.lower() in text.lower():
                    return template.format(n=n)
        return NOT_FOUND_TEXT


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _guarded(system: str, user: str) -> bool:
    """The rule is in the system prompt and every injection sits inside one intact data block."""
    if not all(phrase in system.lower() for phrase in RULE_PHRASES):
        return False
    opens, closes = list(_OPEN_RE.finditer(user)), list(_CLOSE_RE.finditer(user))
    if len(opens) != 1 or len(closes) != 1 or opens[0].end() > closes[0].start():
        return False
    start, end = opens[0].end(), closes[0].start()
    lowered = user.lower()
    return all(start <= m.start() < end for m in re.finditer(re.escape(INJECTION_TRIGGER), lowered))


# ---------------------------------------------------------------------------------------------
# The HTTP app
# ---------------------------------------------------------------------------------------------


def tool_call(name: str, arguments: dict[str, Any] | str, call_id: str = "call_1") -> dict[str, Any]:
    """One OpenAI tool call; ``arguments`` as a dict (dumped to JSON) or a raw string (maybe broken)."""
    args = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}


def _completion(
    body: dict[str, Any], text: str, n: int, tool_calls: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    prompt_tokens = sum(len(_text(m.get("content")).split()) for m in body.get("messages", []))
    completion_tokens = len(text.split())
    message: dict[str, Any] = {"role": "assistant", "content": text}
    if tool_calls:
        message = {"role": "assistant", "content": None, "tool_calls": tool_calls}
    return {
        "id": f"chatcmpl-fake-{n}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": "tool_calls" if tool_calls else "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def _sse(body: dict[str, Any], text: str, n: int, drop_after: int | None = None, pause: float = 0.0) -> Iterator[str]:
    base = {
        "id": f"chatcmpl-fake-{n}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
        payload = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]}
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for i, piece in enumerate(re.findall(r"\S+\s*|\s+", text)):
        if drop_after is not None and i >= drop_after:
            raise ConnectionAbortedError("fake: the server dropped the stream")  # uvicorn closes the socket
        if pause:
            time.sleep(pause)  # a sync generator: Starlette iterates it in a worker thread
        yield chunk({"content": piece})
    yield chunk({}, "stop")
    if (body.get("stream_options") or {}).get("include_usage"):
        usage = _completion(body, text, n)["usage"]
        yield f"data: {json.dumps({**base, 'choices': [], 'usage': usage})}\n\n"
    yield "data: [DONE]\n\n"


def build_app(fake: FakeOpenAI) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):  # type: ignore[no-untyped-def]
        body = await request.json()
        fake.requests.append(body)
        n = len(fake.requests)
        deadline = time.monotonic() + fake.delay
        while time.monotonic() < deadline:  # stop early once the client has given up
            if await request.is_disconnected():
                return PlainTextResponse("client gone", status_code=499)
            await asyncio.sleep(0.05)
        if fake.status is not None:
            return JSONResponse(
                {"error": {"message": "fake server error", "type": "server_error", "param": None, "code": None}},
                status_code=fake.status,
            )
        if fake.raw_body is not None:
            return PlainTextResponse(fake.raw_body, status_code=200)
        if fake.tool_calls is not None and body.get("tools") and not body.get("stream"):
            return JSONResponse(_completion(body, "", n, fake.tool_calls))
        text = fake.decide(body)
        if body.get("stream"):
            return StreamingResponse(
                _sse(body, text, n, fake.drop_stream_after, fake.stream_delay), media_type="text/event-stream"
            )
        return JSONResponse(_completion(body, text, n))

    return app


@contextmanager
def serve_fake_openai() -> Iterator[FakeOpenAI]:
    """Run the fake server on 127.0.0.1 at a free port in a background thread, for the block."""
    fake = FakeOpenAI()
    with LocalServer(build_app(fake), name="fake-openai", start_timeout=10) as server:
        fake.base_url = f"{server.url}/v1"
        yield fake


@pytest.fixture(scope="module")
def fake_openai_server() -> Iterator[FakeOpenAI]:
    """One fake server per test module."""
    with serve_fake_openai() as fake:
        yield fake


@pytest.fixture()
def fake_openai(fake_openai_server: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The module's fake server, with behaviour and recorded requests reset for this test."""
    fake_openai_server.reset()
    yield fake_openai_server
    fake_openai_server.reset()
