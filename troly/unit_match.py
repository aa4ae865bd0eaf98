"""Forgiving matching of a typed unit name against the catalogue's spellings: small typos, missing
accents, and abbreviations made of initials ("TT XTĐT, TM và DL" for "Trung tâm Xúc tiến Đầu tư,
Thương mại và Du lịch").

Why: users type names as they remember them; documents name bodies the catalogue has never seen.
``UnitCatalogue.resolve`` tries exact and accent-free keys first and comes here only when those fail,
so the cost (a small dynamic programme per candidate) is paid on misses only. Candidates are
narrowed once per catalogue by the first letter of the name (an index built with it).

Accents typed are accents meant: a query token with accents must carry the same accents as the
name's token, or it counts as a typo; accents on a word the name writes without any, and typos in
words of under 3 letters, do not match ("Cá tính" is not "CA tỉnh").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from troly.text import fold

__all__ = ["FuzzyIndex"]

_MIN_TYPO_LEN = 3
_NO_MATCH = 99


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` when it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def _abbreviation(token: str) -> bool:
    """Could stand for initials: no tone or vowel marks (Đ is a letter of its own)."""
    return len(token) >= 2 and token.replace("đ", "d") == fold(token)


def _token_cost(q: str, n: str) -> int:
    """0 for the same word (accents may be left out), 1 for a typo, ``_NO_MATCH`` otherwise."""
    fq, fn = fold(q), fold(n)
    if q == n or (q == fq and fq == fn):
        return 0
    if fq == fn:  # other accents: a typo if the name's word has accents at all ("tê" for "tế", not "cá" for "CA")
        return 1 if n != fn else _NO_MATCH
    if max(len(fq), len(fn)) < _MIN_TYPO_LEN:
        return _NO_MATCH
    return 1 if _edit_distance(fq, fn, 1) <= 1 else _NO_MATCH


def _cost(query: tuple[str, ...], name: tuple[str, ...]) -> int:
    """Typos needed to read ``query`` as ``name``; a query token may stand for the initials of two
    or more consecutive name tokens (free). ``_NO_MATCH`` when it cannot."""
    folded = [fold(t) for t in name]
    abbrevs = [_abbreviation(t) for t in query]
    nq, nn = len(query), len(name)
    best = [[_NO_MATCH] * (nn + 1) for _ in range(nq + 1)]
    best[0][0] = 0
    for i in range(nq):
        fq = fold(query[i])
        for j in range(nn):
            here = best[i][j]
            if here >= _NO_MATCH:
                continue
            c = _token_cost(query[i], name[j])
            if here + c < best[i + 1][j + 1]:
                best[i + 1][j + 1] = here + c
            if abbrevs[i] and fq[0] == folded[j][:1]:
                initials = ""
                for k in range(j, nn):
                    initials += folded[k][:1]
                    if len(initials) > len(fq) or not fq.startswith(initials):
                        break
                    if k > j and initials == fq and here < best[i + 1][k + 1]:
                        best[i + 1][k + 1] = here
    return best[nq][nn]


@dataclass(slots=True)
class FuzzyIndex:
    """Spellings (token keys) by the first letter of their accent-free first token."""

    _by_first: dict[str, list[tuple[tuple[str, ...], str]]] = field(default_factory=dict)

    def add(self, key: tuple[str, ...], unit_id: str) -> None:
        if key:
            self._by_first.setdefault(fold(key[0])[:1], []).append((key, unit_id))

    def extend(self, items: Iterable[tuple[tuple[str, ...], str]]) -> None:
        for key, unit_id in items:
            self.add(key, unit_id)

    def copy(self) -> FuzzyIndex:
        return FuzzyIndex({k: list(v) for k, v in self._by_first.items()})

    def find(self, query: tuple[str, ...], *, kinds_ok: Callable[[str], bool] | None = None) -> str | None:
        """The one unit id ``query`` names with the fewest typos (allowed: 1, plus 1 per 4 tokens).

        ``kinds_ok``: optional predicate on a unit id (e.g. "a commune"). None when no spelling is
        close enough or two units tie.
        """
        if not query or sum(len(t) for t in query) < 4:
            return None
        allowed = 1 + len(query) // 4
        shortened = any(_abbreviation(t) for t in query)  # else a spelling has as many words
        scores: dict[str, int] = {}
        for key, unit_id in self._by_first.get(fold(query[0])[:1], ()):
            if len(key) < len(query) or (not shortened and len(key) != len(query)):
                continue
            if kinds_ok is not None and not kinds_ok(unit_id):
                continue
            cost = _cost(query, key)
            if cost <= allowed and cost < scores.get(unit_id, _NO_MATCH):
                scores[unit_id] = cost
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda kv: kv[1])
        if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
            return None
        return ranked[0][0]
