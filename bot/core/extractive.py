"""Extractive answers: the sentences of the top passages that answer, grouped by document, cited.

Without an LLM troly must still be useful and must never quote noise. A relevance gate compares the
question's content words with the best passages; below it, the honest reply is "không tìm thấy".
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.messages import Citation
from retrieval.tokenize import has_diacritics, tokenize
from troly.outline import strip_list_marker
from troly.text import fold
from troly.types import Hit

if TYPE_CHECKING:
    from troly.units import UnitCatalogue

__all__ = ["NOT_FOUND", "ExtractiveAnswer", "citation_of", "content_terms", "extract_answer"]

NOT_FOUND = (
    "Không tìm thấy thông tin này trong các văn bản hiện có. Bạn có thể hỏi cụ thể hơn "
    "(tên đơn vị, số văn bản, lĩnh vực) hoặc gõ /help để xem hướng dẫn."
)

# Question and function words that carry no topic. Kept with their diacritics: folded, "bạn"
# would also drop "ban hành" and "quý" would drop "quy chế".
_STOP_WORDS = """
ai gì nào đâu sao thế bao nhiêu mấy khi làm được bị là có không chưa đã đang sẽ của cho với và
hay hoặc thì mà những các một nhiều ít này kia đó ấy ở tại trong ngoài trên dưới về theo từ đến
tôi bạn mình chúng ta em anh chị hỏi xin vui lòng giúp cảm ơn nhé à ạ ừ ơi rồi việc nhiệm vụ
hôm nay ngày tháng năm tuần quý giờ hiện mọi mỗi
"""
_STOP = frozenset(tokenize(_STOP_WORDS, folded=False, bigrams=False))
_STOP_FOLDED = frozenset(fold(w) for w in _STOP)
_SENTENCE_SPLIT = re.compile(r"(?<=[.;!?])\s+(?=[A-ZĐÀ-Ỹ\"“(-])|\n+")


@dataclass(slots=True)
class ExtractiveAnswer:
    text: str
    citations: list[Citation]
    found: bool
    best_sentence: str = ""  # the single best-matching sentence of the top passage


@dataclass(slots=True, frozen=True)
class _Terms:
    """Topic syllables and adjacent-syllable pairs of a question, accent-folded only when the
    question was typed without diacritics (folding "giá vàng" would match "Gia Lai", "vững vàng")."""

    words: frozenset[str]
    pairs: frozenset[str]
    folded: bool


def content_terms(question: str) -> _Terms:
    """Topic words of a question (question words, pronouns and time words removed)."""
    folded = not has_diacritics(question)
    tokens = tokenize(question, folded=folded, bigrams=False)
    stop = _STOP_FOLDED if folded else _STOP
    keep = [t for t in tokens if t not in stop and len(t) > 1]
    pairs = {f"{a}_{b}" for a, b in itertools.pairwise(keep)}
    return _Terms(frozenset(keep), frozenset(pairs), folded)


def _coverage(terms: _Terms, text: str) -> float:
    """Share of the question's topic words in ``text``; one word alone (without a matching pair
    of adjacent words) is weak evidence, so such matches count only when most words are there."""
    if not terms.words:
        return 0.0
    have = set(tokenize(text, folded=terms.folded, bigrams=True))
    share = len(terms.words & have) / len(terms.words)
    if terms.pairs and not (terms.pairs & have) and share < 0.67:
        return share / 2
    return share


def citation_of(hit: Hit, quote: str) -> Citation:
    p = hit.passage
    section = p.heading_path[-1] if p.heading_path else (p.section or "")
    return Citation(
        doc_id=p.doc_id,
        number=p.number,
        date=p.date,
        title=p.title,
        section=section[:160],
        quote=quote[:400],
        doc_type=p.doc_type,
        date_precision=p.date_precision,
    )


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(text) if len(s.strip()) > 15]


def extract_answer(
    question: str,
    hits: list[Hit],
    *,
    max_passages: int = 3,
    max_sentences: int = 2,
    min_coverage: float = 0.5,
    keep_ratio: float = 0.7,
) -> ExtractiveAnswer:
    """Pick answering sentences from the best hits; say plainly when nothing relevant was found.

    Words like "chủ trì", "triển khai", "thông tin" occur in almost every passage, so a passage or
    sentence that matches only some of the question is noise next to one that matches all of it:
    further passages and sentences are kept only when they come within ``keep_ratio`` of the best.
    """
    terms = content_terms(question)
    scored = []
    for rank, hit in enumerate(hits[: max_passages + 2]):
        context = f"{hit.passage.heading}\n{hit.passage.text}"
        cov = _coverage(terms, context)
        if rank == 0 and cov < min_coverage:
            return ExtractiveAnswer(NOT_FOUND, [], False)
        if cov >= min_coverage:
            scored.append(hit)
    if not scored:
        return ExtractiveAnswer(NOT_FOUND, [], False)
    blocks: list[str] = []
    citations: list[Citation] = []
    best = ""
    top_cover = 0.0
    for hit in scored:
        if len(citations) == max_passages:
            break
        sentences = _sentences(hit.passage.text) or [hit.passage.text.strip()]
        # A parent heading such as "3. Giao Sở Thông tin và Truyền thông:" belongs to every bullet
        # under it, so it earns half credit; the sentence's own words still decide between bullets.
        parent = hit.passage.heading_path[-1] if hit.passage.heading_path else ""
        cover = [(_coverage(terms, sentence) + _coverage(terms, f"{parent}\n{sentence}")) / 2 for sentence in sentences]
        ranked = sorted(range(len(sentences)), key=lambda i: (-cover[i], i))
        if citations and cover[ranked[0]] < keep_ratio * top_cover:
            continue
        top_cover = max(top_cover, cover[ranked[0]])
        floor = max(keep_ratio * cover[ranked[0]], 1e-9)
        chosen = sorted(i for i in ranked[:max_sentences] if cover[i] >= floor) or [ranked[0]]
        quote = " … ".join(strip_list_marker(sentences[i]) for i in chosen)
        best = best or strip_list_marker(sentences[ranked[0]])
        citations.append(citation_of(hit, quote))
        blocks.append(f"[{len(citations)}] {quote}")
    return ExtractiveAnswer("\n\n".join(blocks), citations, True, best)


def lead_unit_answer(question: str, quote: str, catalogue: UnitCatalogue) -> str | None:
    """For "Ai chủ trì …?" questions, the unit the quoted sentence assigns as lead, if any."""
    folded_q = fold(question)
    if not re.search(r"\b(ai|don vi nao|co quan nao)\b", folded_q):
        return None
    folded = fold(quote)
    pos = folded.find("chu tri")
    mentions = [(m.start, m.unit) for m in catalogue.find_mentions(quote) if m.unit is not None]
    if not mentions:
        return None
    if pos >= 0:
        before = [unit for start, unit in mentions if start < pos]
        if before:
            lead = before[-1]
            coop_at = folded.find("phoi hop", pos)
            window_end = folded.find(",", folded.find("voi", coop_at) + 40) if coop_at >= 0 else -1
            cooperating = [
                unit.name
                for start, unit in mentions
                if coop_at >= 0
                and coop_at < start
                and (window_end < 0 or start < window_end)
                and unit.name != lead.name
            ]
            extra = f", phối hợp với {', '.join(dict.fromkeys(cooperating))}" if cooperating else ""
            return f"{lead.name} chủ trì{extra}."
    return f"{mentions[0][1].name}."
