"""Small typos in typed questions, corrected against the words the indexed documents use.

Officials type on phones: "chủ trỉ" (a tone slip), "bao nhiu", "ban hàh" (a dropped letter),
"Tư phát" (a real word in the wrong place). A syllable is suspect when it is unknown to the index,
or when it forms no known pair with either neighbour; it is replaced only by a syllable one edit
away (accents aside) that does form a known pair with a neighbour, the pair seen most often
winning. Anything else is left as typed, so names the documents never use stay untouched (and the
answer can say plainly that nothing was found).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from retrieval.tokenize import find_codes, has_diacritics
from troly.text import canonical, fold

if TYPE_CHECKING:
    from retrieval.sparse import LexicalIndex

__all__ = ["Speller"]

_SYLLABLE = re.compile(r"[^\W_]+", re.UNICODE)
# Function and question words: real words that a document's pairs rarely follow, never typos.
_FUNCTION_WORDS = frozenset(
    w
    for w in re.findall(
        r"\w+",
        """ai gì nào đâu sao thế bao nhiêu mấy khi làm được bị là có không chưa đã đang sẽ của cho với
        và hay hoặc thì mà những các một này kia đó ấy ở tại trong ngoài trên dưới về theo từ đến
        tôi bạn mình chúng ta em anh chị hỏi xin nhé à ạ rồi còn vậy nay ngày tháng năm tuần quý""",
    )
)
_FUNCTION_FOLDED = frozenset(fold(w) for w in _FUNCTION_WORDS)


@dataclass(slots=True)
class _Vocabulary:
    generation: int | None
    by_skeleton: dict[str, list[str]]  # accent-free syllable -> syllables of the index
    by_length: dict[int, list[str]]  # accent-free syllable length -> accent-free syllables


class Speller:
    """Corrects a question's syllables with the lexical index's vocabulary and pair counts."""

    def __init__(self, lexical: LexicalIndex) -> None:
        self.lexical = lexical
        self._vocab: dict[bool, _Vocabulary] = {}

    def _vocabulary(self, folded: bool) -> _Vocabulary:
        generation = self.lexical.generation
        cached = self._vocab.get(folded)
        if cached is not None and cached.generation == generation:
            return cached
        by_skeleton: dict[str, list[str]] = defaultdict(list)
        for token in self.lexical.vocabulary(folded=folded):
            if "_" not in token and "/" not in token and token.isalpha():
                by_skeleton[fold(token)].append(token)
        by_length: dict[int, list[str]] = defaultdict(list)
        for skeleton in by_skeleton:
            by_length[len(skeleton)].append(skeleton)
        vocab = _Vocabulary(generation, dict(by_skeleton), dict(by_length))
        self._vocab[folded] = vocab
        return vocab

    def _candidates(self, word: str, vocab: _Vocabulary) -> list[str]:
        skeleton = fold(word)
        near = [skeleton]
        if len(skeleton) >= 3:  # one-letter edits of very short syllables match almost anything
            for n in (len(skeleton) - 1, len(skeleton), len(skeleton) + 1):
                near += [
                    s for s in vocab.by_length.get(n, ()) if s != skeleton and Levenshtein.distance(s, skeleton) <= 1
                ]
        return [c for s in near for c in vocab.by_skeleton.get(s, ()) if c != word]

    def correct(self, question: str) -> str:
        """``question`` with suspect syllables replaced (unchanged when the index is empty)."""
        text = canonical(question)
        folded = not has_diacritics(text)
        vocabulary: Mapping[str, int] = self.lexical.vocabulary(folded=folded)
        if not vocabulary:
            return question
        vocab = self._vocabulary(folded)
        in_codes = [
            (m.start(), m.end()) for m in re.finditer("|".join(map(re.escape, find_codes(text))) or "$^", text, re.I)
        ]
        spans = [m for m in _SYLLABLE.finditer(text) if not any(a <= m.start() < b for a, b in in_codes)]
        words = [m.group(0).lower() for m in spans]
        if folded:
            words = [fold(w) for w in words]

        function = _FUNCTION_FOLDED if folded else _FUNCTION_WORDS

        def pair_df(a: str | None, b: str | None, *, strict: bool = True) -> int:
            """Passages with the pair "a b"; a function word as neighbour is no evidence that a
            real word is misplaced (``strict``), but it is for an unknown one ("bao nhiu")."""
            if a is None or b is None or (strict and (a in function or b in function)):
                return 0
            return self.lexical.document_frequency(f"{a}_{b}", folded=folded)

        out = list(words)
        for i, word in enumerate(words):
            if len(word) < 2 or not word.isalpha() or word in function:
                continue
            left = out[i - 1] if i > 0 else None
            right = words[i + 1] if i + 1 < len(words) else None
            known = word in vocabulary
            if known and (pair_df(left, word) or pair_df(word, right)):
                continue
            # A real word in the wrong place is suspected only inside a name ("Sở Tư phát"); a
            # capitalised unknown word may be a name the documents never use ("Kon Tum").
            if known and not (i > 0 and spans[i - 1].group(0)[:1].isupper()):
                continue
            capital = spans[i].group(0)[:1].isupper()
            # A known word is replaced only by one that several passages pair with its neighbour.
            best, best_df = None, 2 if known else 0
            for cand in self._candidates(word, vocab):
                if capital and not known and fold(cand) != fold(word):
                    continue
                df = pair_df(left, cand, strict=known) + pair_df(cand, right, strict=known)
                if df > best_df:
                    best, best_df = cand, df
            if best is not None:
                out[i] = best
        if out == words:
            return question
        pieces, last = [], 0
        for m, old, new in zip(spans, words, out, strict=True):
            if old != new:
                pieces += [text[last : m.start()], _like(m.group(0), new)]
                last = m.end()
        pieces.append(text[last:])
        return "".join(pieces)


def _like(original: str, word: str) -> str:
    """``word`` in the letter case of ``original`` (capitalised or not)."""
    return word[:1].upper() + word[1:] if original[:1].isupper() else word
