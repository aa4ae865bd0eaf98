"""Zalo channel: the real ZaloClient against a fake Zalo Bot API on 127.0.0.1, a real Assistant."""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from bot.channels.render import render_plain, render_telegram, split_message
from bot.channels.zalo import (
    SECRET_HEADER,
    UNSUPPORTED_TEXT,
    ZaloAdapter,
    ZaloAPIError,
    ZaloClient,
    ZaloPoller,
    make_router,
    open_channel,
    parse_update,
    to_incoming,
)
from bot.core.assistant import Assistant
from bot.core.messages import Citation, Reply
from tests.fake_zalo import FakeZalo
from troly.config import Settings

QUESTION = "Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?"
SECRET = "webhook-secret-123"


@pytest.fixture(scope="module")
def fake():
    with FakeZalo(idle_wait=0.2) as server:
        yield server


@pytest.fixture(autouse=True)
def _reset(fake):
    fake.reset()
    yield


@pytest.fixture
def assistant(indexed_corpus) -> Assistant:
    return Assistant(indexed_corpus)


@pytest.fixture
async def client(fake):
    async with ZaloClient(fake.token, base_url=fake.base_url, backoff=0.01, max_backoff=0.05) as c:
        yield c


@pytest.fixture
def adapter(client, assistant) -> ZaloAdapter:
    return ZaloAdapter(client, assistant, assistant.store)


def _settings(tmp_path: Path, fake: FakeZalo, **kw) -> Settings:
    return Settings(home=tmp_path / "home", zalo_token=fake.token, zalo_base_url=fake.base_url, **kw)


def _uid() -> str:
    return uuid.uuid4().hex[:12]


async def wait_messages(fake: FakeZalo, n: int, chat_id: str | None = None, timeout: float = 20.0):
    return await asyncio.to_thread(fake.wait_for_messages, n, timeout, chat_id)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- rendering and splitting --------------------------------------------------------------------


def _long_text() -> str:
    paragraphs = []
    for i in range(30):
        sentences = [f"Đoạn {i} câu {j}: Sở Khoa học và Công nghệ chủ trì, báo cáo UBND tỉnh." for j in range(3)]
        paragraphs.append(" ".join(sentences))
    text = "\n\n".join(paragraphs)
    assert len(text) >= 6000
    return text[:6000] if len(text) > 6000 else text


def test_split_message_paragraphs_in_order_nothing_lost():
    text = _long_text()
    parts = split_message(text, 2000)
    assert len(parts) >= 3
    assert all(0 < len(p) <= 2000 for p in parts)
    assert _squash("".join(parts)) == _squash(text)
    # cuts fall on paragraph boundaries: every piece but the last ends a paragraph
    paragraphs = [p.strip() for p in text.split("\n\n")]
    for part in parts[:-1]:
        assert part.split("\n\n")[-1] in paragraphs


def test_split_message_falls_back_to_lines_sentences_words_and_hard_cuts():
    lines = "\n".join(f"Dòng {i}: nhiệm vụ chuyển đổi số." for i in range(200))
    parts = split_message(lines, 500)
    assert all(len(p) <= 500 for p in parts) and all(p.endswith("số.") for p in parts)
    assert _squash("".join(parts)) == _squash(lines)

    sentences = " ".join(f"Câu số {i} nói về Đề án 06." for i in range(300))
    parts = split_message(sentences, 700)
    assert all(len(p) <= 700 for p in parts) and all(p.endswith(".") for p in parts)
    assert " ".join(parts) == sentences

    words = " ".join(["chuyểnđổisố"] * 500)
    assert " ".join(split_message(words, 100)) == words

    blob = "x" * 4500
    parts = split_message(blob, 2000)
    assert [len(p) for p in parts] == [2000, 2000, 500] and "".join(parts) == blob
    assert split_message("", 2000) == [] and split_message("ngắn", 2000) == ["ngắn"]


def _citation(n: int = 1) -> Citation:
    import datetime as dt

    return Citation(
        doc_id=f"d{n}",
        number="174/TB-UBND",
        date=dt.date(2025, 7, 5),
        title="Thông báo kết luận",
        section="II. Nhiệm vụ <trọng tâm> & giải pháp:",
        quote="Giao Công an tỉnh chủ trì …",
        doc_type="Thông báo",
    )


def test_render_plain_and_html():
    reply = Reply(text="Công an tỉnh chủ trì [1].", citations=[_citation(1), _citation(2)])
    text = render_plain(reply)
    assert text.startswith("Công an tỉnh chủ trì [1].\n\nNguồn:\n[1] Thông báo số 174/TB-UBND ngày 05/07/2025")
    assert "\n[2] " in text and "<" in text  # plain text is not escaped
    [html] = render_telegram(Reply(text="a < b & c", citations=[_citation()]))
    assert html.startswith("a &lt; b &amp; c\n\n<b>Nguồn:</b>\n[1] ")
    assert "&lt;trọng tâm&gt; &amp; giải pháp" in html and "<trọng" not in html


# --- the client ---------------------------------------------------------------------------------


async def test_client_methods_and_envelopes(fake, client):
    me = await client.get_me()
    assert me["account_name"] == "troly_bot"
    assert await client.get_webhook_info() is None  # HTTP 404 when none is set
    await client.set_webhook("https://troly.example/webhooks/zalo", SECRET)
    assert (await client.get_webhook_info())["url"] == "https://troly.example/webhooks/zalo"
    await client.delete_webhook()
    assert await client.get_webhook_info() is None
    with pytest.raises(ValueError):
        await client.send_message("c", "x" * 2001)
    bad = ZaloClient("999:wrong", base_url=fake.base_url, backoff=0.01)
    with pytest.raises(ZaloAPIError) as err:
        await bad.get_me()
    assert err.value.error_code == 401 and "999:wrong" not in str(err.value)
    await bad.aclose()


async def test_idle_poll_is_not_an_error(fake, client):
    assert await client.get_updates(timeout=1) is None
    update = fake.text_update("xin chào")
    fake.push_update(update)
    assert await client.get_updates(timeout=1) == update


async def test_retries_429_and_5xx_then_gives_up(fake, client):
    fake.fail_next(1, 429, method="sendMessage")
    await client.send_message("chat-r", "lần 1")
    fake.fail_next(2, 500)
    await client.send_message("chat-r", "lần 2")
    assert [m.text for m in fake.messages] == ["lần 1", "lần 2"]
    assert fake.calls.count("sendMessage") == 5
    fake.fail_next(4, 429)
    with pytest.raises(ZaloAPIError) as err:
        await client.send_message("chat-r", "lần 3")
    assert err.value.error_code == 429
    fake.fail_next(1, 400)  # not retried
    with pytest.raises(ZaloAPIError):
        await client.send_message("chat-r", "lần 4")
    assert len(fake.messages) == 2


async def test_transport_errors_retried_and_token_never_logged(fake, caplog):
    caplog.set_level(logging.DEBUG)
    dead = ZaloClient(fake.token, base_url="http://127.0.0.1:9", backoff=0.01, max_attempts=3)
    with pytest.raises(ZaloAPIError) as err:
        await dead.get_me()
    assert err.value.error_code == -1
    await dead.aclose()
    async with ZaloClient(fake.token, base_url=fake.base_url, backoff=0.01) as c:
        fake.fail_next(1, 503)
        await c.send_message("chat-log", "xin chào")
    assert fake.token not in caplog.text and fake.token.split(":")[1] not in caplog.text
    assert "sendMessage" in caplog.text  # method names are logged


# --- adapter ------------------------------------------------------------------------------------


def test_parse_update_shapes_and_incoming():
    update = FakeZalo.text_update("hỏi", user_id="u9", chat_id="c9", message_id="m9", date_ms=1733800000000)
    assert parse_update({"ok": True, "result": update}) == update == parse_update(update)
    msg = to_incoming(update)
    assert (msg.channel, msg.user_id, msg.chat_id, msg.text, msg.message_id) == ("zalo", "u9", "c9", "hỏi", "m9")
    assert msg.display_name == "Cán bộ A" and msg.user_key == "zalo:u9"
    assert msg.received_at is not None and msg.received_at.year == 2024
    for bad in (
        None,
        [],
        {},
        {"event_name": "x"},
        {"ok": True, "result": {"message": {}}},
        {"event_name": "message.text.received", "message": {"text": "no sender"}},
    ):
        with pytest.raises(ValueError):
            parse_update(bad)


async def test_long_reply_split_and_sent_in_order(fake, adapter):
    text = _long_text()
    chat = _uid()
    sent = await adapter.send_reply(chat, Reply(text=text, citations=[_citation()]))
    got = fake.messages_to(chat)
    assert len(got) == sent >= 4
    assert all(len(m.text) <= 2000 for m in got)
    assert _squash("".join(m.text for m in got)) == _squash(render_plain(Reply(text=text, citations=[_citation()])))
    assert got[-1].text.endswith("giải pháp\n    Thông báo kết luận")  # the sources list comes last


async def test_question_through_polling(fake, client, assistant):
    poller = ZaloPoller(client, assistant, assistant.store, poll_timeout=1)
    user = _uid()
    poller.start()
    try:
        fake.push_update(fake.text_update(QUESTION, user_id=user))
        got = await wait_messages(fake, 1, chat_id=user, timeout=30)
    finally:
        await poller.stop()
    text = "\n".join(m.text for m in fake.messages_to(user))
    assert "Công an tỉnh" in text
    assert "Nguồn:\n[1] " in text
    assert fake.actions and fake.actions[0].chat_id == user
    assert fake.actions[0].at <= got[0].at  # "typing" before the answer
    assert "getWebhookInfo" in fake.calls and "getUpdates" in fake.calls


async def test_non_text_event_gets_polite_reply(fake, adapter):
    for event in ("message.image.received", "message.sticker.received", "message.unsupported.received"):
        chat = _uid()
        await adapter.deliver(parse_update(fake.text_update("", user_id=chat, event_name=event)))
        got = await wait_messages(fake, 1, chat_id=chat)
        assert [m.text for m in got] == [UNSUPPORTED_TEXT]


# --- webhook ------------------------------------------------------------------------------------


def _webhook_app(settings: Settings, assistant: Assistant, adapter: ZaloAdapter) -> FastAPI:
    app = FastAPI()
    app.include_router(make_router(settings, adapter))
    return app


@pytest.fixture
async def webhook(tmp_path, fake, assistant, adapter):
    app = _webhook_app(_settings(tmp_path, fake, zalo_webhook_secret=SECRET), assistant, adapter)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://troly") as http:
        yield http
    await adapter.drain(10)


async def test_webhook_rejects_wrong_or_missing_secret(fake, webhook, adapter):
    update = fake.text_update(QUESTION, user_id=_uid())
    assert (await webhook.post("/webhooks/zalo", json=update, headers={SECRET_HEADER: "wrong"})).status_code == 403
    assert (await webhook.post("/webhooks/zalo", json=update)).status_code == 403
    await asyncio.sleep(0.3)
    assert fake.sent == []
    # not even recorded: the right secret later still gets an answer
    r = await webhook.post("/webhooks/zalo", json=update, headers={SECRET_HEADER: SECRET})
    assert r.status_code == 200
    await wait_messages(fake, 1)


async def test_webhook_accepts_both_shapes_and_rejects_malformed(fake, webhook):
    a, b = _uid(), _uid()
    headers = {SECRET_HEADER: SECRET}
    r1 = await webhook.post(
        "/webhooks/zalo", json={"ok": True, "result": fake.text_update("xin chào", user_id=a)}, headers=headers
    )
    r2 = await webhook.post("/webhooks/zalo", json=fake.text_update(QUESTION, user_id=b), headers=headers)
    assert r1.status_code == r2.status_code == 200
    await wait_messages(fake, 1, chat_id=a)
    got = await wait_messages(fake, 1, chat_id=b)
    assert "Công an tỉnh" in got[0].text
    assert (await webhook.post("/webhooks/zalo", content=b"{not json", headers=headers)).status_code == 400
    assert (await webhook.post("/webhooks/zalo", json={"ok": True}, headers=headers)).status_code == 400


async def test_redelivery_answered_once(fake, webhook, assistant, client):
    headers = {SECRET_HEADER: SECRET}
    chat = _uid()
    update = fake.text_update(QUESTION, user_id=chat)
    first = await webhook.post("/webhooks/zalo", json=update, headers=headers)
    rest = await asyncio.gather(*[webhook.post("/webhooks/zalo", json=update, headers=headers) for _ in range(6)])
    assert first.status_code == 200 and all(r.status_code == 200 for r in rest)  # re-deliveries are acknowledged
    # a second "worker" (another adapter over the same database) receiving it concurrently, too
    other = ZaloAdapter(client, assistant, assistant.store)
    results = await asyncio.gather(*[other.deliver(parse_update(update)) for _ in range(4)])
    assert results == [False] * 4
    await wait_messages(fake, 1, chat_id=chat)
    await asyncio.sleep(0.5)
    texts = [m.text for m in fake.messages_to(chat)]
    assert len(texts) == len(set(texts)) and "Công an tỉnh" in texts[0]  # one answer (in parts), no repeats
    assert sum(1 for a in fake.actions if a.chat_id == chat) == 1


async def test_concurrent_first_delivery_answered_once(fake, webhook):
    chat = _uid()
    update = fake.text_update("xin chào", user_id=chat)
    rs = await asyncio.gather(
        *[webhook.post("/webhooks/zalo", json=update, headers={SECRET_HEADER: SECRET}) for _ in range(8)]
    )
    assert all(r.status_code == 200 for r in rs)
    await wait_messages(fake, 1, chat_id=chat)
    await asyncio.sleep(0.5)
    assert sum(1 for a in fake.actions if a.chat_id == chat) == 1


# --- app hooks ----------------------------------------------------------------------------------


async def test_channel_webhook_mode_registers(tmp_path, fake, assistant):
    settings = _settings(tmp_path, fake, zalo_webhook_secret=SECRET, zalo_webhook_url="https://troly.example/w")
    channel = open_channel(settings, assistant)
    await channel.startup()
    await channel.shutdown()
    assert fake.webhook is not None and fake.webhook["secret_token"] == SECRET
    fake.webhook = None


async def test_channel_polling_mode_answers(tmp_path, fake, assistant):
    settings = _settings(tmp_path, fake)
    fake.webhook = {"url": "https://old.example", "secret_token": "x" * 8, "updated_at": 0}  # left over
    channel = open_channel(settings, assistant)
    assert any(getattr(r, "path", "") == "/webhooks/zalo" for r in channel.router.routes)
    await channel.startup()
    try:
        user = _uid()
        fake.push_update({"ok": True, "result": fake.text_update("xin chào", user_id=user)})
        await wait_messages(fake, 1, chat_id=user)
    finally:
        await channel.shutdown()
    assert fake.webhook is None  # the stale webhook was deleted so polling works
