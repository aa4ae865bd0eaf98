"""Small typos in typed questions, corrected against the words the indexed documents use.

Officials type on phones: "chủ trỉ" (a tone slip), "bao nhiu", "ban hàh" (a dropped letter),
"Tư phát" (a real word in the wrong place). A syllable is suspect when it is unknown to the index,
or when it forms no known pair with either neighbour; it is replaced only by a syllable one edit
away (accents aside) that does form a known pair with a neighbour, the pair seen most often
winning. Anything else is left as typed, so names the documents never use stay untouched (and the
answer can say plainly that nothing was found).
"""

from __future__ import annotations

import math
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
        spans = _syllables(text)
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
        return _rewrite(text, spans, out)

    def restore_accents(self, question: str) -> str:
        """An accent-free question ("ty le so hoa ho tich") written with the accents the indexed
        documents most likely give it ("tỷ lệ số hóa hộ tịch").

        The dense model reads accent-free Vietnamese poorly (a syllable without its tone is a
        different word to it), and officials type on phones without accents. Each syllable's
        candidates are the accented forms the index has for it; they are chosen together, so the
        pairs the documents use most win ("so hoa" → "số hóa", never "sổ hoa"), with a syllable's
        own frequency as the tie-break (Viterbi over the index's pair counts). Syllables the index
        does not know, and document codes, stay as typed. Unchanged when the question has
        diacritics or the index is empty.
        """
        text = canonical(question)
        if has_diacritics(text) or not self.lexical.vocabulary(folded=False):
            return question
        vocab = self._vocabulary(False)
        spans = _syllables(text)
        if not spans:
            return question
        df = self.lexical.document_frequency

        def own(c: str) -> float:
            # Documents state, questions ask: "bao nhiêu", "nào", "mỗi" are rare in the index.
            return _UNIGRAM_WEIGHT * math.log1p(df(c)) + (_QUESTION_BONUS if c in _QUESTION_FORMS else 0.0)

        options: list[list[str]] = []
        for m in spans:
            word = m.group(0).lower()
            plain = word.isalpha() and fold(word) == word
            known = vocab.by_skeleton.get(word, []) if plain else []
            # The most used forms are enough: a rare spelling does not win against common pairs.
            cands = sorted(known, key=lambda c: -df(c))[:_ACCENT_CANDIDATES]
            question_form = _QUESTION_BY_SKELETON.get(word) if plain else None
            if question_form is not None and question_form not in cands:
                cands.append(question_form)
            options.append(cands or [word])
        # best[c] = (score, path) of the best reading that ends with candidate c
        best = {c: (own(c), [c]) for c in options[0]}
        for cands in options[1:]:
            nxt = {}
            for c in cands:
                nxt[c] = max(
                    ((score + own(c) + math.log1p(df(f"{p}_{c}")), [*path, c]) for p, (score, path) in best.items()),
                    key=lambda sp: sp[0],
                )
            best = nxt
        words = max(best.values(), key=lambda sp: sp[0])[1]
        return _rewrite(text, spans, words)


_ACCENT_CANDIDATES = 8
_UNIGRAM_WEIGHT = 0.25  # a pair the documents use outweighs a syllable's own frequency
_QUESTION_BONUS = 2.0  # about a pair seen in a handful of passages
# Words of questions rather than of documents ("bao nhiêu", "nào"): rare in the index, so its
# counts would spell them as document words ("bảo nhiều", "nạo"). Other function words are common
# in documents and need no help.
_QUESTION_FORMS = frozenset(["ai", "gì", "nào", "đâu", "sao", "bao", "nhiêu", "mấy", "mỗi"])
_QUESTION_BY_SKELETON: dict[str, str] = {fold(w): w for w in _QUESTION_FORMS}


def _syllables(text: str) -> list[re.Match[str]]:
    """The syllables of ``text`` outside its document codes ("570/KH-VPUBND" is never respelled)."""
    codes = "|".join(map(re.escape, find_codes(text))) or "$^"
    in_codes = [(m.start(), m.end()) for m in re.finditer(codes, text, re.I)]
    return [m for m in _SYLLABLE.finditer(text) if not any(a <= m.start() < b for a, b in in_codes)]


def _rewrite(text: str, spans: list[re.Match[str]], words: list[str]) -> str:
    """``text`` with each syllable span written as its word where the word differs (letter case of
    the original kept: "UBND" stays as typed when its word is unchanged)."""
    pieces, last = [], 0
    for m, new in zip(spans, words, strict=True):
        if new != m.group(0).lower():
            pieces += [text[last : m.start()], _like(m.group(0), new)]
            last = m.end()
    pieces.append(text[last:])
    return "".join(pieces)


def _like(original: str, word: str) -> str:
    """``word`` in the letter case of ``original`` (capitalised or not)."""
    return word[:1].upper() + word[1:] if original[:1].isupper() else word
