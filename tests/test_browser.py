"""The chat page in a real browser: uvicorn serves the real app over the sample corpus and
Debian's Chromium (driven by playwright, never a downloaded browser) asks a question.

This is the only test that proves the JS, the CSS and the API agree with each other.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.local_server import LocalServer

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SOC_QUESTION = "Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium (scripts/system-deps.sh installs it)"
    ),
]


@pytest.fixture(scope="module")
def base_url(indexed_corpus) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The real app on 127.0.0.1, on a socket bound before the server starts (no port race)."""
    from bot.app import create_app
    from bot.core.assistant import Assistant

    clock = dt.datetime(2026, 3, 16, 12, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    app = create_app(indexed_corpus.settings, assistant=Assistant(indexed_corpus, clock=lambda: clock))
    with LocalServer(app, name="troly-web", lifespan="on") as server:
        yield f"{server.url}/"


def _screenshot(page, path: Path, *, width: int) -> None:  # type: ignore[no-untyped-def]
    """Whole conversation in one image: grow the viewport to the page instead of ``full_page``,
    which would paint the sticky composer in the middle of the picture."""
    page.set_viewport_size({"width": width, "height": 800})
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": width, "height": min(int(height), 6000)})
    page.screenshot(path=str(path))


def test_ask_in_the_browser(base_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    console_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 420, "height": 860}, locale="vi-VN")
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: console_errors.append(str(e)))
            external: list[str] = []
            page.on("request", lambda r: external.append(r.url) if not r.url.startswith(base_url) else None)

            page.goto(base_url)
            expect(page.get_by_role("heading", level=1)).to_have_text("Trợ lý văn bản chỉ đạo")
            box = page.get_by_placeholder("Đặt câu hỏi, ví dụ: Tháng này Tỉnh đoàn được giao gì?")
            box.fill(SOC_QUESTION)
            page.get_by_role("button", name="Gửi").click()

            expect(page.locator(".msg.user .bubble")).to_have_text(SOC_QUESTION)
            answer = page.locator(".msg.bot:not(.loading) .answer").first
            expect(answer).to_contain_text("Công an tỉnh", timeout=30_000)
            citation = page.locator(".msg.bot .citations li").first
            expect(citation).to_be_visible()
            expect(citation.locator(".citation-label")).not_to_be_empty()
            expect(page.locator(".msg.bot.loading")).to_have_count(0)
            expect(page.locator("#send")).to_be_enabled()
            _screenshot(page, ARTIFACTS / "web-chat-mobile.png", width=420)
            _screenshot(page, ARTIFACTS / "web-chat.png", width=1024)
            assert not console_errors, console_errors

            # A failed request shows a Vietnamese error instead of hanging on the loader.
            page.route("**/api/chat/stream", lambda route: route.fulfill(status=500, body="boom"))
            box.fill("câu hỏi thứ hai")
            box.press("Enter")
            expect(page.locator(".msg.error")).to_contain_text("Máy chủ đang gặp sự cố")

            # A streamed answer (LLM configured): the draft is replaced by the checked, cited reply.
            streamed = (
                "\n".join(
                    json.dumps(item, ensure_ascii=False)
                    for item in (
                        {"delta": "Công an "},
                        {"delta": "tỉnh chủ trì [1]."},
                        {
                            "reply": {
                                "text": "Công an tỉnh chủ trì triển khai SOC [1].",
                                "intent": "qa",
                                "buttons": [],
                                "citations": [
                                    {
                                        "doc_id": "d",
                                        "number": None,
                                        "date": "2025-07-05",
                                        "title": "t",
                                        "section": "II",
                                        "quote": "q",
                                        "label": "Thông báo ngày 05/07/2025",
                                    }
                                ],
                            }
                        },
                    )
                )
                + "\n"
            )
            console_errors.clear()  # the 500 above is logged by the browser, as it should be
            page.unroute("**/api/chat/stream")
            page.route(
                "**/api/chat/stream",
                lambda route: route.fulfill(
                    status=200, body=streamed, headers={"Content-Type": "application/x-ndjson"}
                ),
            )
            box.fill("câu hỏi thứ ba")
            box.press("Enter")
            last = page.locator(".msg.bot:not(.loading)").last
            expect(last.locator(".answer")).to_have_text("Công an tỉnh chủ trì triển khai SOC [1].")
            expect(last.locator(".citation-label")).to_have_text("Thông báo ngày 05/07/2025")
            expect(page.locator(".msg.bot.live")).to_have_count(0)
            assert not console_errors, console_errors
        finally:
            browser.close()
    assert not external, external
