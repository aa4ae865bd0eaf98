"""Lexical tokens for Vietnamese BM25: syllables, syllable bigrams and whole document codes.

Vietnamese words are one to four syllables written with spaces, so syllables plus adjacent-syllable
bigrams approximate words without a segmenter (pyvi/underthesea segmentation did not beat this in
our measurement; see retrieval-notes). Document codes ("570/KH-VPUBND", "57-NQ/TW",
"66.7/2025/NQ-CP") are kept whole as well as split, so an exact code is a rare, decisive token.
Text is canonicalised first (NFC, one tone-mark convention, lowercase); ``folded=True`` gives the
accent-free variant used for queries typed without diacritics.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from troly.text import canonical, fold

__all__ = ["TOKENIZER_VERSION", "find_codes", "has_diacritics", "tokenize", "tokenize_both"]

TOKENIZER_VERSION = "1"

# A document code: digits, optional dotted/year parts, a slash, then letter groups joined by - or /.
_CODE_RE = re.compile(
    r"(?<![\w/])\d+(?:[.,]\d+)*(?:/\d{4})?(?:[-/][A-ZĐa-zđ][\wĐđ&]*)+(?![\w])",
    re.UNICODE,
)
_SYLLABLE_RE = re.compile(r"[^\W_]+", re.UNICODE)
_VN_MARKS = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]")


def find_codes(text: str) -> list[str]:
    """Document codes in ``text``, lowercased ("570/kh-vpubnd")."""
    return [m.group(0).lower() for m in _CODE_RE.finditer(text)]


def has_diacritics(text: str) -> bool:
    """Whether ``text`` carries Vietnamese diacritics (queries without them use the folded index)."""
    return bool(_VN_MARKS.search(text.lower()))


@lru_cache(maxsize=65536)
def _fold_token(token: str) -> str:
    return fold(token)


def _with_bigrams(codes: list[str], syllables: list[str], bigrams: bool) -> list[str]:
    tokens = codes + syllables
    if bigrams:
        tokens.extend(f"{a}_{b}" for a, b in itertools.pairwise(syllables))
    return tokens


def tokenize_both(text: str, *, bigrams: bool = True) -> tuple[list[str], list[str]]:
    """(exact tokens, accent-folded tokens) of ``text``, canonicalising only once."""
    norm = canonical(text).lower()
    codes = find_codes(norm)
    syllables = _SYLLABLE_RE.findall(norm)
    exact = _with_bigrams(codes, syllables, bigrams)
    folded = _with_bigrams([_fold_token(c) for c in codes], [_fold_token(s) for s in syllables], bigrams)
    return exact, folded


def tokenize(text: str, *, folded: bool = False, bigrams: bool = True) -> list[str]:
    """Tokens of ``text`` for BM25: syllables, ``a_b`` bigrams, and whole codes."""
    norm = canonical(text).lower()
    if folded:
        norm = fold(norm)
    tokens = find_codes(norm)
    syllables = _SYLLABLE_RE.findall(norm)
    tokens.extend(syllables)
    if bigrams:
        tokens.extend(f"{a}_{b}" for a, b in itertools.pairwise(syllables))
    return tokens
