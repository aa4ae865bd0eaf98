"""How unit names are compared: tokens with the usual multi-word spellings folded to one
("Ủy ban nhân dân" == "UBND"), accent-folded keys, and the slug that unit ids are made of.

Its own module so that the catalogue (``troly.units``) and the official-list source
(``troly.unit_sources``) share one id scheme without importing each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from troly.text import canonical, fold, nfc

__all__ = ["Tok", "fold_key", "key", "slug", "tokens"]


@dataclass(slots=True)
class Tok:
    key: str
    fkey: str
    start: int
    end: int
    upper: bool


# --------------------------------------------------------------------------------------------
# Tokenising
# --------------------------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Multi-word spellings folded to one token so "Ủy ban nhân dân" == "UBND" etc.
_PHRASES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("ủy", "ban", "nhân", "dân"), "ubnd"),
    (("hội", "đồng", "nhân", "dân"), "hđnd"),
    (("mặt", "trận", "tổ", "quốc"), "mttq"),
    (("thị", "xã"), "tx"),
    (("thành", "phố"), "tp"),
    (("trung", "ương"), "tw"),
)
_PHRASE_STARTS = frozenset(words[0] for words, _ in _PHRASES)  # only these words can open one
_DROP = frozenset({"và", "va"})  # "và" (also typed without accents) joins name parts


def tokens(text: str) -> tuple[str, list[Tok]]:
    """(canonical text, normalised tokens with spans in it)."""
    base = canonical(nfc(text))
    raw = [(m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(base)]
    out: list[Tok] = []
    i = 0
    while i < len(raw):
        low = raw[i][0].lower()
        phrase = _phrase_at(raw, i) if low in _PHRASE_STARTS else None
        if phrase is not None:
            n, repl = phrase
            out.append(Tok(repl, fold(repl), raw[i][1], raw[i + n - 1][2], True))
            i += n
            continue
        if low not in _DROP:
            out.append(Tok(low, fold(low), raw[i][1], raw[i][2], raw[i][0].isupper() and len(raw[i][0]) > 1))
        i += 1
    return base, out


def _phrase_at(raw: list[tuple[str, int, int]], i: int) -> tuple[int, str] | None:
    """(its length in words, its token) for the multi-word spelling opening at ``raw[i]``."""
    for words, repl in _PHRASES:
        n = len(words)
        if tuple(w[0].lower() for w in raw[i : i + n]) == words:
            return n, repl
    return None


def key(text: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokens(text)[1])


def fold_key(text: str) -> tuple[str, ...]:
    return tuple(t.fkey for t in tokens(text)[1])


def slug(text: str) -> str:
    """The id part made of a name: "Tây Sơn" -> "tay-son"."""
    return "-".join(fold_key(text))
