"""Benchmark (not a test): N simulated chat users over W ``troly serve`` workers on PostgreSQL and a
``chroma run`` server, the deployment of several workers, against the fake Telegram and Zalo APIs.

Starts a throwaway PostgreSQL (tests/pg_server.py) and ``chroma run``, indexes the sample corpus
once, then for each worker count given (default: 4, then 1 to compare) starts that many ``troly
serve`` processes (tests/multiworker.py; the script plays the reverse proxy, round robin) with both
platforms in webhook mode. Every user sends one question as a webhook POST (half Telegram, half
Zalo), all users at once; a share of the POSTs is re-delivered at once to another worker, as a
platform does. Prints, per worker count: throughput (answers/s), reply latency p50/p95 (POST sent →
first ``sendMessage`` of the answer received by the fake platform), lost (no answer by the timeout)
and duplicated (a chat that received the same message twice).

    python benchmarks/multiworker.py [--users 1000] [--workers 4 1] [--redeliver 0.2] [--timeout 900]

Needs the PostgreSQL server binaries and the ``chroma`` CLI (as the multi-worker test does).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.channels.telegram import SECRET_HEADER as TG_SECRET_HEADER  # noqa: E402
from bot.channels.telegram import WEBHOOK_PATH as TG_PATH  # noqa: E402
from bot.channels.zalo import SECRET_HEADER as ZL_SECRET_HEADER  # noqa: E402
from bot.channels.zalo import WEBHOOK_PATH as ZL_PATH  # noqa: E402
from tests.fake_telegram import FakeTelegram  # noqa: E402
from tests.fake_zalo import FakeZalo  # noqa: E402
from tests.multiworker import Workers, chroma_server, percentile, troly_env  # noqa: E402
from tests.pg_server import throwaway_postgres  # noqa: E402

TG_SECRET, ZL_SECRET = "bench-tg-secret", "bench-zl-secret"
QUESTIONS = [
    "Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?",
    "Sở Khoa học và Công nghệ có những nhiệm vụ gì?",
    "Nhiệm vụ của Văn phòng UBND tỉnh về Đề án 06?",
    "Kết luận phiên họp Ban chỉ đạo chuyển đổi số năm 2026",
    "Hạn báo cáo sơ kết Nghị quyết 57 là khi nào?",
    "Công an tỉnh được giao nhiệm vụ gì?",
]


def index_corpus(home: Path, database_url: str, chroma_url: str) -> float:
    """Index examples/corpus once into the shared database and Chroma; returns the seconds it took."""
    from troly.config import Settings
    from troly.context import Context

    start = time.monotonic()
    ctx = Context(Settings(home=home, database_url=database_url, chroma_url=chroma_url))
    ctx.ingestor().ingest([REPO / "examples" / "corpus"])
    ctx.db.engine.dispose()
    return time.monotonic() - start


async def run_users(  # type: ignore[no-untyped-def]
    workers: Workers, tg: FakeTelegram, zl: FakeZalo, *, users: int, redeliver: float, timeout: float, tag: str
):
    """All users ask at once; returns (latencies, lost, duplicated, wall seconds, worker pids seen)."""
    rng = random.Random(7)
    sent_at: dict[str, float] = {}
    posts = []
    for i in range(users):
        question = QUESTIONS[i % len(QUESTIONS)]
        copies = 2 if rng.random() < redeliver else 1
        if i % 2:
            user = 100000 + i
            update = tg.make_text_update(user, question)
            key = f"tg:{user}"
            posts += [(key, i + k, TG_PATH, update, {TG_SECRET_HEADER: TG_SECRET}) for k in range(copies)]
        else:
            user_id = f"bench-{i}"
            update = zl.text_update(question, user_id=user_id, message_id=f"m-{tag}-{i}")  # new per run
            key = f"zl:{user_id}"
            posts += [(key, i + k, ZL_PATH, update, {ZL_SECRET_HEADER: ZL_SECRET}) for k in range(copies)]

    pids: Counter[str] = Counter()

    async def post(key: str, worker: int, path: str, body: dict, headers: dict) -> None:  # type: ignore[type-arg]
        sent_at.setdefault(key, time.monotonic())
        for _ in range(5):  # a refused connection (a full backlog) is retried, as platforms do
            try:
                resp = await workers.post(worker, path, json=body, headers=headers)
            except Exception:
                await asyncio.sleep(1)
                continue
            pids[resp.headers.get("x-troly-worker", "?")] += 1
            if resp.status_code == 200:
                return
            await asyncio.sleep(1)

    start = time.monotonic()
    await asyncio.gather(*(post(*p) for p in posts))

    def replies() -> dict[str, list[tuple[float, str]]]:
        got: dict[str, list[tuple[float, str]]] = {}
        for call in tg.calls_to("sendMessage"):
            got.setdefault(f"tg:{int(call.params['chat_id'])}", []).append((call.at, call.params.get("text", "")))
        for m in zl.messages:
            got.setdefault(f"zl:{m.chat_id}", []).append((m.at, m.text or ""))
        return got

    deadline = start + timeout
    while time.monotonic() < deadline and len(replies()) < users:
        await asyncio.sleep(0.5)
    wall = time.monotonic() - start
    await asyncio.sleep(2)  # late duplicates
    got = replies()
    latencies = [min(at for at, _ in got[key]) - sent_at[key] for key in sent_at if key in got]
    lost = sum(1 for key in sent_at if key not in got)
    duplicated = sum(1 for msgs in got.values() if len({t for _, t in msgs}) < len(msgs))
    return latencies, lost, duplicated, wall, pids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--workers", type=int, nargs="+", default=[4, 1], help="Worker counts to run, in order.")
    parser.add_argument("--redeliver", type=float, default=0.2, help="Share of updates delivered twice.")
    parser.add_argument("--timeout", type=float, default=900, help="Seconds to wait for every answer.")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="troly-mw-bench-"))
    rows = []
    try:
        with (
            throwaway_postgres() as pg,
            chroma_server(root / "chroma") as chroma,
            FakeTelegram() as tg,
            FakeZalo() as zl,
        ):
            home = root / "home"
            print(f"indexing examples/corpus: {index_corpus(home, pg, chroma):.1f} s", flush=True)
            env = troly_env(
                home,
                database_url=pg,
                chroma_url=chroma,
                telegram_token=tg.token,
                telegram_base_url=tg.base_url,
                telegram_webhook_url="https://troly.example.vn/webhooks/telegram",
                telegram_webhook_secret=TG_SECRET,
                zalo_token=zl.token,
                zalo_base_url=zl.base_url,
                zalo_webhook_url="https://troly.example.vn/webhooks/zalo",
                zalo_webhook_secret=ZL_SECRET,
            )
            for count in args.workers:
                tg.reset()
                zl.reset()
                # one metrics folder per run: /metrics then sums every worker (prometheus_client multiprocess)
                prom = root / f"prometheus-{count}"
                prom.mkdir()
                run_env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(prom)}
                with Workers(run_env, count=count, logs=root / f"logs-{count}") as workers:
                    print(f"{count} worker(s) up in {workers.started_in:.1f} s; warming up", flush=True)

                    async def go(workers: Workers = workers, count: int = count) -> tuple:  # type: ignore[type-arg]
                        async with workers:
                            # one question per worker first: each loads its embedding model once
                            await asyncio.gather(
                                *(
                                    workers.post(i, "/api/chat", json={"user_id": f"warm-{i}", "text": QUESTIONS[0]})
                                    for i in range(count)
                                )
                            )
                            tg.reset()
                            zl.reset()
                            result = await run_users(
                                workers,
                                tg,
                                zl,
                                users=args.users,
                                redeliver=args.redeliver,
                                timeout=args.timeout,
                                tag=str(count),
                            )
                            async with httpx.AsyncClient() as http:
                                scrape = (await http.get(workers.urls[0] + "/metrics")).text
                            print(f"/metrics after the run ({count} worker(s), summed):")
                            for line in scrape.splitlines():
                                if line.startswith(("troly_requests_total", "troly_request_seconds_count")):
                                    print("  " + line)
                            return result

                    latencies, lost, duplicated, wall, pids = asyncio.run(go())
                rows.append((count, len(latencies), wall, latencies, lost, duplicated, len(pids)))
                print(
                    f"{count} worker(s): {len(latencies)}/{args.users} answered in {wall:.1f} s "
                    f"({len(latencies) / wall:.1f}/s), p50 {percentile(latencies, 0.5):.2f} s, "
                    f"p95 {percentile(latencies, 0.95):.2f} s, lost {lost}, duplicated {duplicated}, "
                    f"pids seen {len(pids)}",
                    flush=True,
                )
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("\nworkers  answered  wall_s  answers/s  p50_s  p95_s  lost  duplicated")
    for count, answered, wall, latencies, lost, duplicated, _ in rows:
        print(
            f"{count:7d}  {answered:8d}  {wall:6.1f}  {answered / wall:9.1f}  {percentile(latencies, 0.5):5.2f}  "
            f"{percentile(latencies, 0.95):5.2f}  {lost:4d}  {duplicated:10d}"
        )


if __name__ == "__main__":
    main()
