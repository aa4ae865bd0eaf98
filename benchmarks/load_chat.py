"""Benchmark (not a test): chat load through the real webhook app against a fake Zalo Bot API.

Indexes the sample corpus into a fresh TROLY_HOME, starts the fake Zalo server (tests/fake_zalo.py)
and the troly app (``bot.app.create_app``, uvicorn on 127.0.0.1), then lets N concurrent users
each send M questions as webhook POSTs (one after the other, like a person waiting for the answer;
a share of POSTs is re-delivered concurrently, as the platform does). Prints p50/p95 reply latency
(webhook POST sent → first sendMessage of the answer received by the fake) and the counts of lost
and duplicated replies.

    python benchmarks/load_chat.py [--users 200] [--messages 2] [--timeout 120] [--redeliver 0.2]
    python benchmarks/load_chat.py --telegram ...   # the Telegram webhook against tests/fake_telegram.py
    python benchmarks/load_chat.py --both ...       # Zalo, then Telegram, in one app
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from bot.channels.render import render_plain, split_message  # noqa: E402
from bot.channels.zalo import SECRET_HEADER, WEBHOOK_PATH  # noqa: E402
from bot.channels.zalo_client import MAX_TEXT_CHARS  # noqa: E402
from bot.core.assistant import Assistant  # noqa: E402
from bot.core.messages import IncomingMessage  # noqa: E402
from tests.fake_zalo import FakeZalo  # noqa: E402
from tests.local_server import LocalServer  # noqa: E402
from troly.config import Settings  # noqa: E402
from troly.context import Context  # noqa: E402

SECRET = "bench-webhook-secret"
QUESTIONS = [
    "Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?",
    "Sở Khoa học và Công nghệ có những nhiệm vụ gì?",
    "Nhiệm vụ của Văn phòng UBND tỉnh về Đề án 06?",
    "Kết luận phiên họp Ban chỉ đạo chuyển đổi số năm 2026",
    "Hạn báo cáo sơ kết Nghị quyết 57 là khi nào?",
    "Công an tỉnh được giao nhiệm vụ gì?",
]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def client_limits(users: int) -> httpx.Limits:
    """Connection limits of the simulated platform.

    Idle keep-alive connections expire well before uvicorn's 5 s ``timeout_keep_alive``: with
    httpx's default (also 5 s) a user who waited ~5 s for an answer may reuse a connection at the
    moment the server closes it, and the POST fails with ReadError (a client/server keep-alive
    race, seen as status -1 and a "lost" reply that was in fact never delivered).
    """
    return httpx.Limits(max_connections=users * 2, max_keepalive_connections=users * 2, keepalive_expiry=1.0)


def app_server(app) -> LocalServer:  # type: ignore[no-untyped-def]
    """The troly ASGI app under uvicorn in a background thread, with a backlog for 200 users."""
    return LocalServer(app, name="troly-app", lifespan="on", start_timeout=60, backlog=2048)


def build_app(settings: Settings, assistant: Assistant):  # type: ignore[no-untyped-def]
    """The real app factory when present; else a minimal app with the Zalo router and hooks."""
    try:
        from bot.app import create_app

        return create_app(settings, assistant=assistant)
    except ImportError:
        from contextlib import asynccontextmanager

        from fastapi import FastAPI

        from bot.channels import zalo

        @asynccontextmanager
        async def lifespan(app):  # type: ignore[no-untyped-def]
            channel = zalo.open_channel(settings, assistant)
            app.include_router(channel.router)
            await channel.startup()
            yield
            await channel.shutdown()

        return FastAPI(lifespan=lifespan)


async def post_webhook(
    http: httpx.AsyncClient, path: str, headers: dict[str, str], update: dict, statuses: Counter[int]
) -> None:
    """Deliver one update as the platform would; count the status (-1: the POST itself failed)."""
    try:
        r = await http.post(path, json=update, headers=headers)
        statuses[r.status_code] += 1
    except httpx.HTTPError as e:
        statuses[-1] += 1
        print(f"  webhook POST failed: {type(e).__name__}", file=sys.stderr)


async def simulate_zalo(
    fake: FakeZalo,
    base_url: str,
    users: int,
    messages: int,
    timeout: float,
    redeliver: float,
    expected_parts: dict[str, int],
) -> dict:
    latencies: list[float] = []
    lost: list[tuple[str, str]] = []
    statuses: Counter[int] = Counter()
    rng = random.Random(7)
    limits = client_limits(users)

    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as http:

        async def post(update: dict) -> None:
            await post_webhook(http, WEBHOOK_PATH, {SECRET_HEADER: SECRET}, update, statuses)

        async def user(i: int) -> None:
            uid = f"bench-user-{i}"
            seen = 0  # messages this chat has received before the current question
            for j in range(messages):
                question = QUESTIONS[(i + j) % len(QUESTIONS)]
                update = fake.text_update(question, user_id=uid, message_id=f"bench-{i}-{j}")
                t0 = time.monotonic()
                if rng.random() < redeliver:  # the platform re-delivers, concurrently
                    await asyncio.gather(post(update), post(update))
                else:
                    await post(update)
                while len(fake.by_chat.get(uid, ())) <= seen:
                    if time.monotonic() - t0 > timeout:
                        lost.append((uid, question))
                        return
                    await asyncio.sleep(0.05)
                latencies.append(fake.by_chat[uid][seen].at - t0)
                # wait for the rest of this answer's parts before asking the next question
                want = seen + expected_parts[question]
                while len(fake.by_chat.get(uid, ())) < want and time.monotonic() - t0 < timeout:
                    await asyncio.sleep(0.05)
                seen = len(fake.by_chat.get(uid, ()))

        t_start = time.monotonic()
        await asyncio.gather(*(user(i) for i in range(users)))
        wall = time.monotonic() - t_start
    await asyncio.sleep(1.0)  # let late duplicates show up
    # duplicates: the same text delivered twice to one chat (each user's questions differ)
    dup_messages = 0
    for _uid, sent in list(fake.by_chat.items()):
        counts = Counter(s.text for s in sent)
        dup_messages += sum(c - 1 for c in counts.values())
    expected_total = sum(
        expected_parts[QUESTIONS[(i + j) % len(QUESTIONS)]] for i in range(users) for j in range(messages)
    )
    got_total = sum(len(v) for v in fake.by_chat.values())
    return {
        "latencies": latencies,
        "lost": lost,
        "dup_messages": dup_messages,
        "wall": wall,
        "statuses": dict(statuses),
        "expected_messages": expected_total,
        "got_messages": got_total,
    }


# --- Telegram ------------------------------------------------------------------------------------
TG_USER_BASE = 710_000_000  # Telegram user ids of the simulated users (private chats: chat id == user id)


class SentIndex:
    """sendMessage calls recorded by FakeTelegram, grouped by chat id, built incrementally.

    Chat actions ("typing…") and other methods are skipped. One scan of the new calls per tick
    instead of every user filtering the whole call log on each poll.
    """

    def __init__(self, fake) -> None:  # type: ignore[no-untyped-def]
        self.fake = fake
        self.cursor = 0
        self.by_chat: dict[int, list] = {}

    def refresh(self) -> None:
        calls = self.fake.calls
        end = len(calls)
        for call in calls[self.cursor : end]:
            if call.method.lower() == "sendmessage":
                self.by_chat.setdefault(int(call.params["chat_id"]), []).append(call)
        self.cursor = end


async def simulate_telegram(
    fake,
    base_url: str,
    users: int,
    messages: int,
    timeout: float,  # type: ignore[no-untyped-def]
    redeliver: float,
    expected_parts: dict[str, int],
) -> dict:
    """Like ``simulate_zalo``, against POST /webhooks/telegram and a FakeTelegram.

    Replies are matched to questions by chat id and order (the adapter does not set
    reply_to_message_id; one chat's updates are handled strictly in order): the first sendMessage
    after question j's POST is its latency; the messages a question got before the next
    question's first message (or the end) are its parts. Duplicated = parts beyond what the split
    of the warm-up answer produced; a short answer (fewer parts) is reported separately.
    """
    from bot.channels.telegram import SECRET_HEADER as TG_SECRET_HEADER
    from bot.channels.telegram import WEBHOOK_PATH as TG_WEBHOOK_PATH

    latencies: list[float] = []
    lost: list[tuple[str, str]] = []
    statuses: Counter[int] = Counter()
    rng = random.Random(7)
    index = SentIndex(fake)
    limits = client_limits(users)
    # per user: [(question, index of its first message in the chat's sendMessage list or None)]
    asked: dict[int, list[tuple[str, int | None]]] = {}

    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as http:

        async def post(update: dict) -> None:
            await post_webhook(http, TG_WEBHOOK_PATH, {TG_SECRET_HEADER: SECRET}, update, statuses)

        def received(chat: int) -> int:
            return len(index.by_chat.get(chat, ()))

        async def user(i: int) -> None:
            uid = TG_USER_BASE + i
            mine = asked.setdefault(uid, [])
            seen = 0  # sendMessage calls this chat has received before the current question
            for j in range(messages):
                question = QUESTIONS[(i + j) % len(QUESTIONS)]
                update = fake.make_text_update(uid, question)
                t0 = time.monotonic()
                if rng.random() < redeliver:  # the platform re-delivers the same update_id, concurrently
                    await asyncio.gather(post(update), post(update))
                else:
                    await post(update)
                while received(uid) <= seen:
                    if time.monotonic() - t0 > timeout:
                        lost.append((str(uid), question))
                        mine.append((question, None))
                        return
                    await asyncio.sleep(0.05)
                mine.append((question, seen))
                latencies.append(index.by_chat[uid][seen].at - t0)
                # wait for the rest of this answer's parts before asking the next question
                want = seen + expected_parts[question]
                while received(uid) < want and time.monotonic() - t0 < timeout:
                    await asyncio.sleep(0.05)
                seen = received(uid)

        async def indexer(stop: asyncio.Event) -> None:
            while not stop.is_set():
                index.refresh()
                await asyncio.sleep(0.02)

        stop = asyncio.Event()
        scan = asyncio.create_task(indexer(stop))
        t_start = time.monotonic()
        try:
            await asyncio.gather(*(user(i) for i in range(users)))
        finally:
            wall = time.monotonic() - t_start
            await asyncio.sleep(1.0)  # let late duplicates show up
            stop.set()
            await scan
    index.refresh()

    dup_messages = short_answers = 0
    for uid, questions in asked.items():
        sent = index.by_chat.get(uid, [])
        starts = [s for _, s in questions if s is not None]
        for question, start in questions:
            if start is None:
                continue
            nxt = starts[starts.index(start) + 1] if starts.index(start) + 1 < len(starts) else len(sent)
            parts = nxt - start
            dup_messages += max(0, parts - expected_parts[question])
            short_answers += parts < expected_parts[question]
    # messages to chats that asked nothing, or before a chat's first question (should be none)
    stray = sum(len(v) for c, v in index.by_chat.items() if c not in asked)
    stray += sum(next((s for _, s in q if s is not None), len(index.by_chat.get(c, []))) for c, q in asked.items())
    expected_total = sum(
        expected_parts[QUESTIONS[(i + j) % len(QUESTIONS)]] for i in range(users) for j in range(messages)
    )
    got_total = sum(len(v) for v in index.by_chat.values())
    return {
        "latencies": latencies,
        "lost": lost,
        "dup_messages": dup_messages + stray,
        "wall": wall,
        "statuses": dict(statuses),
        "expected_messages": expected_total,
        "got_messages": got_total,
        "short_answers": short_answers,
        "chat_actions": len([c for c in list(fake.calls) if c.method.lower() == "sendchataction"]),
    }


def report(name: str, res: dict, users: int, messages: int) -> None:
    lat = res["latencies"]
    asked = users * messages
    print(
        f"\n== {name}: {users} users × {messages} messages = {asked} questions in {res['wall']:.1f}s "
        f"({asked / res['wall']:.1f} q/s)"
    )
    print(f"webhook statuses: {res['statuses']}")
    print(
        f"reply latency: p50 {percentile(lat, 0.5):.2f}s  p95 {percentile(lat, 0.95):.2f}s  "
        f"max {max(lat) if lat else float('nan'):.2f}s  (n={len(lat)})"
    )
    print(
        f"lost replies: {len(res['lost'])}   duplicated messages: {res['dup_messages']}   "
        f"messages sent {res['got_messages']} / expected {res['expected_messages']}"
    )
    if "short_answers" in res:
        print(
            f"answers with fewer parts than expected: {res['short_answers']}   "
            f"typing actions sent: {res['chat_actions']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--messages", type=int, default=2, help="questions per user, asked one after another")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds a user waits for an answer")
    parser.add_argument("--redeliver", type=float, default=0.2, help="share of webhooks delivered twice")
    parser.add_argument("--latency", type=float, default=0.0, help="fake sendMessage latency, seconds (Zalo)")
    parser.add_argument("--corpus", type=Path, default=REPO / "examples" / "corpus")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--telegram", action="store_true", help="load the Telegram webhook instead of Zalo")
    which.add_argument("--both", action="store_true", help="load Zalo, then Telegram (one app, both channels)")
    args = parser.parse_args()
    run_zalo = not args.telegram
    run_telegram = args.telegram or args.both

    from bot.channels.render import render_telegram as render_reply
    from tests.fake_telegram import FakeTelegram

    home = Path(tempfile.mkdtemp(prefix="troly-load-"))
    try:
        with contextlib.ExitStack() as stack:
            channel_settings: dict = {}
            zfake = tfake = None
            if run_zalo:
                zfake = stack.enter_context(FakeZalo(latency=args.latency))
                channel_settings.update(
                    zalo_token=zfake.token,
                    zalo_base_url=zfake.base_url,
                    zalo_webhook_secret=SECRET,
                    zalo_webhook_url="https://bench.invalid/webhooks/zalo",
                )
            if run_telegram:
                tfake = stack.enter_context(FakeTelegram())
                channel_settings.update(
                    telegram_token=tfake.token,
                    telegram_base_url=tfake.base_url,
                    telegram_webhook_secret=SECRET,
                    telegram_webhook_url="https://bench.invalid/webhooks/telegram",
                )
            settings = Settings(home=home, **channel_settings)

            t0 = time.perf_counter()
            ctx = Context(settings)
            ctx.ingestor().ingest([args.corpus])
            print(f"indexed {args.corpus} in {time.perf_counter() - t0:.1f}s")
            assistant = Assistant(ctx)
            expected: dict[str, int] = {}
            expected_tg: dict[str, int] = {}
            for q in QUESTIONS:  # warm-up (model, caches) and the number of parts of each answer
                if run_zalo:
                    t1 = time.perf_counter()
                    reply = assistant.handle(IncomingMessage(channel="zalo", user_id="warmup", text=q))
                    expected[q] = len(split_message(render_plain(reply), MAX_TEXT_CHARS))
                    print(f"  warm-up {time.perf_counter() - t1:.2f}s, {expected[q]} part(s): {q}")
                if run_telegram:
                    t1 = time.perf_counter()
                    reply = assistant.handle(IncomingMessage(channel="telegram", user_id="1", chat_id="1", text=q))
                    expected_tg[q] = len(render_reply(reply))
                    print(f"  warm-up (telegram) {time.perf_counter() - t1:.2f}s, {expected_tg[q]} part(s): {q}")
            with app_server(build_app(settings, assistant)) as server:
                base = f"http://127.0.0.1:{server.port}"
                if run_zalo:
                    assert zfake is not None and zfake.webhook is not None, "startup did not register the Zalo webhook"
                    res = asyncio.run(
                        simulate_zalo(zfake, base, args.users, args.messages, args.timeout, args.redeliver, expected)
                    )
                    report("zalo", res, args.users, args.messages)
                if run_telegram:
                    assert tfake is not None and tfake.webhook is not None, (
                        "startup did not register the Telegram webhook (webhook mode not active)"
                    )
                    assert tfake.webhook.get("secret_token") == SECRET, tfake.webhook
                    res = asyncio.run(
                        simulate_telegram(
                            tfake, base, args.users, args.messages, args.timeout, args.redeliver, expected_tg
                        )
                    )
                    report("telegram", res, args.users, args.messages)
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
