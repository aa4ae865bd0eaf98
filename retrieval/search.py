"""Search facade: batch-first, returns typed ``Hit`` objects joined with their SQL passages."""

from __future__ import annotations

from dataclasses import dataclass

from troly.context import Context
from troly.store import passages_by_ids
from troly.types import Hit

__all__ = ["Searcher", "SearchOptions"]


@dataclass(slots=True, frozen=True)
class SearchOptions:
    k: int = 5


class Searcher:
    """Finds passages for questions. Scores: higher is better."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def search(self, query: str, *, k: int = 5) -> list[Hit]:
        return self.batch_search([query], k=k)[0]

    def batch_search(self, queries: list[str], *, k: int = 5) -> list[list[Hit]]:
        if not queries:
            return []
        if not self.ctx.dense_exists():
            return [[] for _ in queries]
        vectors = self.ctx.embedder().embed_queries(queries)
        # Over-fetch: ids left by a crashed run are dropped when joined with SQL.
        ranked = self.ctx.dense().query(vectors, k=k * 2 + 5)
        out: list[list[Hit]] = []
        with self.ctx.db.session() as session:
            for pairs in ranked:
                found = passages_by_ids(session=session, ids=[pid for pid, _ in pairs])
                hits = [
                    Hit(passage=found[pid], score=score, retrievers=["dense"], scores={"dense": score})
                    for pid, score in pairs
                    if pid in found
                ]
                out.append(hits[:k])
        return out
