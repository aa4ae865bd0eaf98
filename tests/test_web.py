"""The web and terminal channels: the HTTP contract of /api/chat, the page, the app factory's
channel wiring, the REPL and ``troly ask``. The core itself is tested elsewhere; here the real
core answers over the sample corpus only where the end-to-end path matters."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import textwrap
import types
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.app import create_app, load_channel
from bot.channels.web import STATIC_DIR
from bot.core.messages import Button, Citation, IncomingMessage, Reply
from troly.config import Settings

SOC_QUESTION = "Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?"
TODAY = dt.datetime(2026, 3, 16, 12, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


#: The keys of one citation in the web JSON (web page and `troly ask --json`).
CITATION_KEYS = {
    "doc_id",
    "number",
    "date",
    "date_precision",
    "date_label",
    "title",
    "section",
    "quote",
    "label",
    "url",  # issue 12: the page link to the quoted passage
}


class StubAssistant:
    """Records messages and returns a canned reply: tests the adapter, not the core."""

    def __init__(self, reply: Reply | None = None) -> None:
        self.reply = reply or Reply(text="Xin chào")
        self.messages: list[IncomingMessage] = []

    def handle(self, msg: IncomingMessage, on_delta=None) -> Reply:  # type: ignore[no-untyped-def]
        self.messages.append(msg)
        if on_delta is not None:
            for piece in ("Dòng ", "1"):
                on_delta(piece)
        return self.reply


def _stub_reply() -> Reply:
    return Reply(
        text="Dòng 1\nDòng 2 <b>không phải HTML</b>",
        intent="qa",
        citations=[
            Citation(
                doc_id="d1",
                number="174/TB-UBND",
                date=dt.date(2025, 7, 5),
                title="Kết luận",
                section="Mục 2",
                quote="Giao Công an tỉnh chủ trì",
                doc_type="Thông báo",
            )
        ],
        buttons=[Button(label="Xem thêm", data="/more")],
    )


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", telegram_token=None, zalo_token=None)


@pytest.fixture(scope="module")
def real_client(indexed_corpus):  # type: ignore[no-untyped-def]
    from bot.core.assistant import Assistant

    app = create_app(indexed_corpus.settings, assistant=Assistant(indexed_corpus, clock=lambda: TODAY))
    with TestClient(app) as client:
        yield client


@pytest.mark.slow
def test_chat_answers_with_citations(real_client: TestClient) -> None:
    r = real_client.post("/api/chat", json={"user_id": "test-web-1", "text": SOC_QUESTION})
    assert r.status_code == 200, r.text
    body = r.json()
    assert "Công an tỉnh" in body["text"]
    assert body["citations"], body
    first = body["citations"][0]
    assert set(first) == CITATION_KEYS
    assert first["doc_id"] and first["label"]
    assert isinstance(body["buttons"], list) and body["intent"]


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_422_in_vietnamese(web_settings: Settings, text: str) -> None:
    stub = StubAssistant()
    with TestClient(create_app(web_settings, assistant=stub)) as client:  # type: ignore[arg-type]
        r = client.post("/api/chat", json={"user_id": "u1", "text": text})
    assert r.status_code == 422
    assert r.json()["detail"] == "Vui lòng nhập câu hỏi."
    assert stub.messages == []


@pytest.mark.parametrize(
    "payload",
    [
        {"user_id": "u1", "text": "x" * 4001},
        {"user_id": "", "text": "xin chào"},
        {"user_id": "<script>", "text": "xin chào"},
        {"text": "xin chào"},
    ],
)
def test_invalid_payloads_are_422(web_settings: Settings, payload: dict) -> None:
    with TestClient(create_app(web_settings, assistant=StubAssistant())) as client:  # type: ignore[arg-type]
        assert client.post("/api/chat", json=payload).status_code == 422


def test_reply_is_translated_not_interpreted(web_settings: Settings) -> None:
    stub = StubAssistant(_stub_reply())
    with TestClient(create_app(web_settings, assistant=stub)) as client:  # type: ignore[arg-type]
        r = client.post("/api/chat", json={"user_id": "abc-123", "text": "  câu hỏi  "})
    assert r.status_code == 200
    assert r.json() == {
        "text": "Dòng 1\nDòng 2 <b>không phải HTML</b>",
        "intent": "qa",
        "citations": [
            {
                "doc_id": "d1",
                "number": "174/TB-UBND",
                "date": "2025-07-05",
                "date_precision": "day",
                "date_label": "05/07/2025",
                "title": "Kết luận",
                "section": "Mục 2",
                "quote": "Giao Công an tỉnh chủ trì",
                "label": "Thông báo số 174/TB-UBND ngày 05/07/2025",
                "url": "/van-ban/d1",  # issue 12: the document's page (no passage id in this stub)
            }
        ],
        "buttons": [{"label": "Xem thêm", "data": "/more"}],
    }
    (msg,) = stub.messages
    assert (msg.channel, msg.user_id, msg.text) == ("web", "abc-123", "  câu hỏi  ")


def test_healthz_and_page(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings, assistant=StubAssistant())) as client:  # type: ignore[arg-type]
        assert client.get("/healthz").json() == {"status": "ok"}
        page = client.get("/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert "Trợ lý văn bản chỉ đạo" in page.text
        assert 'placeholder="Đặt câu hỏi, ví dụ: Tháng này Tỉnh đoàn được giao gì?"' in page.text
        for asset in ("static/chat.js", "static/chat.css"):
            assert asset in page.text
            assert client.get("/" + asset).status_code == 200


def test_page_is_offline_and_escapes_text() -> None:
    """No CDN or remote font, and answers are rendered with textContent, never parsed as HTML."""
    for path in STATIC_DIR.iterdir():
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", source), path.name
        assert "@import" not in source and "url(http" not in source, path.name
    js = (STATIC_DIR / "chat.js").read_text(encoding="utf-8")
    for sink in (".innerHTML", ".outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in js, sink


def test_default_lifespan_builds_the_core(web_settings: Settings) -> None:
    """Without an injected assistant the lifespan builds Context + Assistant once from settings."""
    app = create_app(web_settings)
    with TestClient(app):
        from bot.core.assistant import Assistant

        assert isinstance(app.state.assistant, Assistant)
        assert app.state.settings is web_settings


def test_chat_channels_are_wired_when_configured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    events: list[str] = []

    def open_channel(settings: Settings, assistant):  # type: ignore[no-untyped-def]
        router = APIRouter()

        @router.post("/webhooks/fake")
        async def hook() -> dict[str, bool]:
            return {"ok": assistant is stub}

        async def startup() -> None:
            events.append("start")

        async def shutdown() -> None:
            events.append("stop")

        return types.SimpleNamespace(router=router, startup=startup, shutdown=shutdown)

    fake = types.SimpleNamespace(__name__="fake", open_channel=open_channel)
    monkeypatch.setattr("bot.app.load_channel", lambda name: fake if name == "telegram" else None)
    stub = StubAssistant()
    app = create_app(Settings(home=tmp_path / "h", telegram_token="123:abc", zalo_token=None), assistant=stub)  # type: ignore[arg-type]
    base_routes = len(app.router.routes)
    for run in range(2):  # a restarted lifespan must not stack stale channel routes
        with TestClient(app) as client:
            assert events == ["start", "stop"] * run + ["start"]
            assert client.post("/webhooks/fake").json() == {"ok": True}
            assert len(app.router.routes) == base_routes + 1
        assert len(app.router.routes) == base_routes
    assert events == ["start", "stop"] * 2

    # No token, no channel: the adapter is not even imported.
    monkeypatch.setattr("bot.app.load_channel", lambda name: pytest.fail("imported"))
    with TestClient(
        create_app(Settings(home=tmp_path / "h", telegram_token=None, zalo_token=None), assistant=stub)
    ) as client:  # type: ignore[arg-type]
        assert client.post("/webhooks/fake").status_code in (404, 405)


def test_load_channel_skips_absent_and_fails_on_broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "fakechannels"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "broken.py").write_text("import does_not_exist_anywhere\n")
    (pkg / "norouter.py").write_text("X = 1\n")
    (pkg / "good.py").write_text(
        textwrap.dedent("""
        def open_channel(settings, assistant):
            return None
    """)
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        assert load_channel("absent", package="fakechannels") is None
        assert load_channel("good", package="fakechannels") is not None
        with pytest.raises(ModuleNotFoundError):
            load_channel("broken", package="fakechannels")
        with pytest.raises(RuntimeError, match="open_channel"):
            load_channel("norouter", package="fakechannels")
    finally:
        for name in [m for m in sys.modules if m.startswith("fakechannels")]:
            del sys.modules[name]


def test_repl_prints_answer_and_citations(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from bot.channels.cli_chat import run_repl

    lines = iter(["", "câu hỏi", "Xem thêm", "thoát", "never read"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    stub = StubAssistant(_stub_reply())
    run_repl(stub, user_id="me")  # type: ignore[arg-type]
    out = capsys.readouterr().out
    assert "Dòng 1\nDòng 2" in out
    assert "[1] Thông báo số 174/TB-UBND ngày 05/07/2025 — Mục 2" in out
    assert [m.text for m in stub.messages] == ["câu hỏi", "/more"]  # a button label sends its data
    assert {(m.channel, m.user_id) for m in stub.messages} == {("cli", "me")}

    def eof(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", eof)
    run_repl(stub)  # returns on EOF instead of raising


@pytest.mark.slow
def test_ask_json(indexed_corpus, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from troly.cli import app

    monkeypatch.setenv("TROLY_HOME", str(indexed_corpus.settings.home))
    result = CliRunner().invoke(app, ["ask", SOC_QUESTION, "--today", "2026-03-16", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"intent", "answer", "citations"}
    assert "Công an tỉnh" in data["answer"]
    assert data["citations"]
    for c in data["citations"]:
        assert set(c) == CITATION_KEYS


def test_ask_rejects_bad_today(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from troly.cli import app

    monkeypatch.setenv("TROLY_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(app, ["ask", "xin chào", "--today", "16/03/2026"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def _ndjson(response) -> list[dict]:  # type: ignore[no-untyped-def]
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines() if line.strip()]


def test_stream_sends_deltas_then_the_reply(web_settings: Settings) -> None:
    stub = StubAssistant(_stub_reply())
    with TestClient(create_app(web_settings, assistant=stub)) as client:
        response = client.post("/api/chat/stream", json={"user_id": "u-1", "text": "Hỏi"})
        assert response.status_code == 200
        items = _ndjson(response)
        assert [i["delta"] for i in items[:-1]] == ["Dòng ", "1"]
        final = items[-1]["reply"]
        assert (
            final["text"].startswith("Dòng 1")
            and final["citations"][0]["label"] == "Thông báo số 174/TB-UBND ngày 05/07/2025"
        )
        assert client.post("/api/chat/stream", json={"user_id": "u-1", "text": "  "}).status_code == 422


@pytest.mark.slow
def test_stream_without_llm_is_one_reply_line(real_client: TestClient) -> None:
    response = real_client.post("/api/chat/stream", json={"user_id": "s-1", "text": "Ai chủ trì triển khai SOC?"})
    items = _ndjson(response)
    assert len(items) == 1 and items[0]["reply"]["text"].startswith("Công an tỉnh chủ trì")
