"""Query understanding without an LLM: abbreviations, document codes, accent-free input.

Officials type "Sở KH&CN", "TTHC", "ĐA06" where documents spell words out (and vice versa), quote
codes exactly ("Kế hoạch 570/KH-VPUBND"), and often type without diacritics ("tinh doan giao gi").
The expansion table is data (``abbreviations.tsv``) so it can grow without code changes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from retrieval.tokenize import find_codes, has_diacritics
from troly.text import canonical, collapse_ws

__all__ = ["CHAT_SHORTHAND", "AnalyzedQuery", "analyze", "expand_inline", "load_abbreviations"]


@dataclass(slots=True, frozen=True)
class AnalyzedQuery:
    """A question prepared for the retrievers."""

    original: str
    text: str  # canonical form plus expansions: what BM25 and the dense model see
    codes: list[str] = field(default_factory=list)  # exact document codes, lowercased
    folded: bool = False  # typed without diacritics: use the accent-free lexical index
    expansions: list[str] = field(default_factory=list)


@lru_cache(maxsize=4)
def load_abbreviations(path: str | None = None) -> tuple[tuple[str, str], ...]:
    """(abbreviation, expansion) pairs from the packaged table or an admin's file."""
    if path is None:
        raw = resources.files("retrieval").joinpath("abbreviations.tsv").read_text(encoding="utf-8")
    else:
        with open(path, encoding="utf-8") as fh:
            raw = fh.read()
    pairs = []
    for line in raw.splitlines():
        if not line.strip() or line.lstrip().startswith("#") or "\t" not in line:
            continue
        abbr, expansion = line.split("\t", 1)
        pairs.append((canonical(abbr.strip()), canonical(expansion.strip()).lower()))
    return tuple(pairs)


_CODE_MASK = re.compile(r"\S*\d\S*/\S+")


def _word_re(phrase: str, *, ignore_case: bool) -> re.Pattern[str]:
    flags = re.IGNORECASE if ignore_case else 0
    return re.compile(r"(?<![\w&])" + re.escape(phrase) + r"(?![\w&])", flags)


def analyze(question: str, *, abbreviations: tuple[tuple[str, str], ...] | None = None) -> AnalyzedQuery:
    """Canonicalise a question, expand abbreviations both ways, and pick out exact codes."""
    text = collapse_ws(canonical(question))
    pairs = abbreviations if abbreviations is not None else load_abbreviations()
    codes = find_codes(text)
    # Abbreviations inside a code ("570/KH-VPUBND") are part of the code, not words to expand.
    masked = _CODE_MASK.sub(" ", text)
    lower = masked.lower()
    extra: list[str] = []
    for abbr, expansion in pairs:
        # Short abbreviations ("SOC", "CĐS") count only in capitals, as documents write them.
        found = _word_re(abbr, ignore_case=len(abbr) > 3).search(masked)
        if found and expansion not in lower:
            if expansion not in extra:
                extra.append(expansion)
        elif len(expansion.split()) >= 2 and expansion in lower and abbr not in masked and abbr not in extra:
            extra.append(abbr)
    expanded = f"{text} {' '.join(extra)}".strip() if extra else text
    return AnalyzedQuery(
        original=question,
        text=expanded,
        codes=codes,
        folded=not has_diacritics(text) and len(text.split()) >= 2,
        expansions=extra,
    )


@lru_cache(maxsize=8)
def _inline_patterns(
    pairs: tuple[tuple[str, str], ...],
) -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str], dict[str, str]]:
    """One alternation for the short, case-sensitive abbreviations and one for the others."""
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for abbr, expansion in pairs:
        if len(abbr) > 3:
            loose.setdefault(abbr.casefold(), expansion)
        else:
            exact.setdefault(abbr, expansion)

    def alternation(keys: list[str], flags: int) -> re.Pattern[str]:
        body = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)) or "(?!)"
        return re.compile(r"(?<![\w&])(?:" + body + r")(?![\w&])", flags)

    return alternation(list(exact), 0), exact, alternation(list(loose), re.IGNORECASE), loose


# Chat shorthand for document kinds and common words ("TB 912", "VB 5973", "đc giao"): written out
# when a question is matched against passages, but not added to search queries, where "kế hoạch"
# would gain a noisy "KH" (the table above expands both ways).
CHAT_SHORTHAND: tuple[tuple[str, str], ...] = (
    ("NV", "nhiệm vụ"),
    ("KH", "kế hoạch"),
    ("TB", "thông báo"),
    ("VB", "văn bản"),
    ("CV", "công văn"),
    ("QĐ", "quyết định"),
    ("đc", "được"),
)


# An instrument written with its serial glued on ("NQ57", "CT11", "QĐ 76" is already two words).
_INSTRUMENT_NAMES = {"NQ": "nghị quyết", "CT": "chỉ thị", "QĐ": "quyết định", "KH": "kế hoạch", "TB": "thông báo"}
_INSTRUMENT_SHORT = re.compile(r"(?<![\w/&-])(NQ|CT|QĐ|KH|TB)(\d{1,4})(?![\w/-])", re.IGNORECASE)


def expand_inline(question: str, abbreviations: tuple[tuple[str, str], ...] | None = None) -> str:
    """``question`` with each abbreviation (the table's, then ``CHAT_SHORTHAND``) replaced by its
    first expansion ("CCHC năm 2025" -> "cải cách hành chính năm 2025"); codes are kept as typed."""
    text = collapse_ws(canonical(question))
    pairs = (abbreviations if abbreviations is not None else load_abbreviations()) + CHAT_SHORTHAND
    exact_re, exact, loose_re, loose = _inline_patterns(pairs)
    text = _INSTRUMENT_SHORT.sub(lambda m: f"{_INSTRUMENT_NAMES[m.group(1).upper()]} {m.group(2)}", text)
    pieces = []
    last = 0
    for code in itertools.chain(_CODE_MASK.finditer(text), [None]):
        end = code.start() if code else len(text)
        chunk = loose_re.sub(lambda m: loose[m.group(0).casefold()], text[last:end])
        pieces.append(exact_re.sub(lambda m: exact[m.group(0)], chunk))
        if code:
            pieces.append(code.group(0))
            last = code.end()
    return "".join(pieces)
