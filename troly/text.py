"""Vietnamese text normalisation: NFC, one tone-mark convention, and an accent-free search key.

Documents mix Unicode forms (NFC, NFD from some PDF producers) and two tone-mark conventions
("hoà"/"hòa", "uỷ"/"ủy", "khoẻ"/"khỏe"). troly indexes and matches on one canonical form:
NFC with the traditional placement used by state documents ("hòa", "Ủy", "thủy"), while the
original text is kept for display. Accent folding ("tinh doan") is lossy, so it is only ever
an *extra* search key, never a replacement for the text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["canonical", "canonical_syllable", "collapse_ws", "fold", "match_key", "nfc", "tone"]

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_VOWELS = set("aăâeêioôơuưy")
_MARKED_VOWELS = set("ăâêôơư")
_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)
_WS_RE = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC (composed) form."""
    return unicodedata.normalize("NFC", text)


def collapse_ws(text: str) -> str:
    """Fold every whitespace run to one space and strip the ends."""
    return _WS_RE.sub(" ", text).strip()


def _split_tone(syllable: str) -> tuple[str, str | None]:
    """Remove the tone mark of one lowercase syllable; return (toneless NFC, tone or None)."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = None
    kept = []
    for ch in decomposed:
        if ch in _TONES:
            tone = ch
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def tone(syllable: str) -> str | None:
    """The tone mark of one syllable (a combining character), None for the level tone ("Hiên")."""
    return _split_tone(syllable.lower())[1]


def _tone_position(base: str) -> int | None:
    """Index in toneless lowercase ``base`` that carries the tone, by the traditional rule."""
    start = 0
    # "qu" and "gi" onsets: their u/i belong to the consonant when another vowel follows.
    if (base.startswith("qu") and len(base) > 2 and base[2] in _VOWELS) or (
        base.startswith("gi") and len(base) > 2 and base[2] in _VOWELS
    ):
        start = 2
    first = next((i for i in range(start, len(base)) if base[i] in _VOWELS), None)
    if first is None:
        return None
    end = first
    while end < len(base) and base[end] in _VOWELS:
        end += 1
    cluster = range(first, end)
    if len(cluster) > 3:
        return None  # not a Vietnamese syllable; leave it alone
    marked = [i for i in cluster if base[i] in _MARKED_VOWELS]
    if marked:
        return marked[-1]  # ươ -> ơ, iê -> ê, uô -> ô
    if end < len(base):  # closed syllable: toán, hoạch, thuật
        return end - 1
    if len(cluster) == 3:  # ngoài, khuỷu
        return first + 1
    return first  # open syllable: hòa, khỏe, thủy, mía, múa


@lru_cache(maxsize=65536)
def canonical_syllable(word: str) -> str:
    """Place the tone mark of one word by the traditional convention, keeping its letter case."""
    lower = word.lower()
    base, tone = _split_tone(lower)
    if tone is None or len(base) != len(word):
        return nfc(word)
    pos = _tone_position(base)
    if pos is None:
        return nfc(word)
    toned = unicodedata.normalize("NFC", base[pos] + tone)
    out = base[:pos] + toned + base[pos + 1 :]
    # Restore the original letter case position by position.
    return "".join(o.upper() if w.isupper() else o for o, w in zip(out, nfc(word), strict=False))


def canonical(text: str) -> str:
    """NFC plus one tone-mark convention, for indexing and matching (case and spacing kept)."""
    text = nfc(text)
    return _WORD_RE.sub(lambda m: canonical_syllable(m.group(0)), text)


class _NonSpacingMarks(dict[int, int | None]):
    """A ``str.translate`` table that drops non-spacing marks (category Mn) and keeps every other
    character, filled on first sight of each code point: folding runs over every task and title
    on a question, and a per-character Python loop made it the slowest step on a large index."""

    def __missing__(self, code: int) -> int | None:
        value = None if unicodedata.category(chr(code)) == "Mn" else code
        self[code] = value
        return value


_DROP_MARKS = _NonSpacingMarks()


def fold(text: str) -> str:
    """Accent-free lowercase key ("Tỉnh đoàn" -> "tinh doan"): an extra search key only."""
    decomposed = unicodedata.normalize("NFD", nfc(text).lower())
    return decomposed.translate(_DROP_MARKS).replace("đ", "d")


def match_key(text: str) -> str:
    """The evaluation matching form: canonical NFC, ``*`` removed, whitespace folded, casefolded."""
    return collapse_ws(canonical(text).replace("*", "")).casefold()
