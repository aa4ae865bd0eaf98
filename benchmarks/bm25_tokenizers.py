"""Benchmark (not a test): which Vietnamese tokenisation makes the best BM25, measured, not assumed.

Indexes the sample corpus once through the normal pipeline, then builds a BM25 (bm25s, the same
library and parameters as troly's lexical index) over the same passages (headings + text) with:

- ``syllables``: canonical lowercase syllables and whole document codes;
- ``syllables+bigrams``: the above plus adjacent-syllable pairs (troly's tokeniser);
- ``pyvi words``: pyvi's word segmentation ("Tỉnh_đoàn", "đổi_mới") over the canonical text;
- ``pyvi words+syllables``: both.

and prints recall@1/5 and MRR@10 on a QA file with the evaluation's matching rule. pyvi is not a
dependency of troly: ``pip install pyvi`` to include it (the script says when it is missing).

Usage: python benchmarks/bm25_tokenizers.py [--qa FILE.jsonl] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qa", type=Path, default=REPO / "examples" / "eval" / "sample-qa.jsonl")
    parser.add_argument("--corpus", type=Path, default=REPO / "examples" / "corpus")
    args = parser.parse_args()

    from retrieval.evaluate import load_qa
    from retrieval.sparse import _bm25s, passage_index_text
    from retrieval.tokenize import find_codes, tokenize
    from troly.config import Settings
    from troly.context import Context
    from troly.store import all_passage_rows
    from troly.text import canonical, match_key

    ctx = Context(Settings(home=Path(tempfile.mkdtemp(prefix="troly-tok-")), chroma_url=None, database_url=None))
    ctx.ingestor().ingest([args.corpus])
    with ctx.db.session() as session:
        rows = all_passage_rows(session=session)
    texts = [passage_index_text(text, headings) for _, text, headings in rows]
    keys = [match_key(text) for _, text, _ in rows]
    items = load_qa(args.qa)

    syllable_re = re.compile(r"\w+", re.UNICODE)

    def syllables(text: str) -> list[str]:
        norm = canonical(text).lower()
        return find_codes(norm) + syllable_re.findall(norm)

    tokenizers: dict[str, Callable[[str], list[str]]] = {
        "syllables": syllables,
        "syllables+bigrams": lambda text: tokenize(text, bigrams=True),
    }
    try:
        from pyvi import ViTokenizer

        def words(text: str) -> list[str]:
            norm = canonical(text).lower()
            return find_codes(norm) + [w for w in ViTokenizer.tokenize(norm).split() if syllable_re.search(w)]

        tokenizers["pyvi words"] = words
        tokenizers["pyvi words+syllables"] = lambda text: words(text) + syllables(text)
    except ImportError:
        print("(pyvi not installed: pip install pyvi to compare word segmentation)")

    bm25s = _bm25s()
    print(f"{len(rows)} passages, {len(items)} questions from {args.qa.name}")
    print(f"{'tokeniser':<22} {'R@1':>5} {'R@5':>5} {'MRR@10':>7}")
    for name, tok in tokenizers.items():
        model = bm25s.BM25()
        model.index([tok(t) for t in texts], show_progress=False)
        ranks = []
        for item in items:
            query = [t for t in tok(item.question) if t in model.vocab_dict]
            scores = np.asarray(model.get_scores(query), dtype=np.float32) if query else np.zeros(len(rows))
            order = np.argsort(-scores, kind="stable")[:10]
            gold = [match_key(g) for g in item.gold]
            rank = next(
                (r for r, i in enumerate(order, start=1) if scores[i] > 0 and any(g in keys[i] for g in gold)), None
            )
            ranks.append(rank)
        n = len(ranks)
        r1 = sum(1 for r in ranks if r == 1) / n
        r5 = sum(1 for r in ranks if r is not None and r <= 5) / n
        mrr = sum(1 / r for r in ranks if r is not None) / n
        print(f"{name:<22} {r1:>5.2f} {r5:>5.2f} {mrr:>7.3f}", flush=True)


if __name__ == "__main__":
    main()
