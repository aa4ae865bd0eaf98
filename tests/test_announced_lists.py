"""A quoted sentence that announces a list ("… tập trung thực hiện 3 đột phá chiến lược.") brings
the items' own words, from its passage or from the next one when the chunker cut between them.

The passages are built by hand (no retrieval is measured here): what is checked is which words of a
document the answer quotes once the passages are found.
"""

from __future__ import annotations

from bot.core.extractive import extract_answer
from troly.types import Hit, Passage


def _passage(ordinal: int, text: str) -> Passage:
    return Passage(
        id=f"bai-viet:{ordinal}",
        doc_id="bai-viet",
        ordinal=ordinal,
        text=text,
        heading_path=[],
        section="",
        doc_type="Tin tức",
    )


ANNOUNCING = _passage(
    4,
    "Tuy nhiên, một số địa phương còn chậm triển khai nền tảng số dùng chung. Về nhiệm vụ năm tới, "
    "Chủ tịch UBND tỉnh yêu cầu tập trung thực hiện hiệu quả 4 nhóm giải pháp then chốt.",
)
ITEMS = _passage(
    5,
    "Một là hoàn thiện thể chế số: ban hành quy chế chia sẻ dữ liệu giữa các sở, ngành.\n"
    "Hai là phát triển hạ tầng số: phủ sóng băng rộng đến mọi thôn, làng.\n"
    "Ba là phát triển nhân lực số: bồi dưỡng kỹ năng số cho cán bộ cấp xã.\n"
    "Bốn là bảo đảm an toàn thông tin: diễn tập ứng cứu sự cố hằng năm.\n"
    "Hội nghị kết thúc lúc 17 giờ cùng ngày.",
)
DOCUMENT = {p.ordinal: p for p in (ANNOUNCING, ITEMS)}


def _next(p: Passage) -> Passage | None:
    return DOCUMENT.get(p.ordinal + 1)


def test_the_items_in_the_next_passage_are_quoted_and_cited() -> None:
    ext = extract_answer(
        "Chủ tịch yêu cầu thực hiện 4 nhóm giải pháp then chốt nào?",
        [Hit(passage=ANNOUNCING, score=1.0)],
        next_passage=_next,
    )
    assert ext.found
    for lead in ("hoàn thiện thể chế số", "phát triển hạ tầng số", "phát triển nhân lực số", "an toàn thông tin"):
        assert lead in ext.text, ext.text
    assert "phủ sóng băng rộng" not in ext.text  # each item by its own words, up to its colon
    assert "17 giờ" not in ext.text  # only the four announced
    assert [c.passage_id for c in ext.citations] == ["bai-viet:4", "bai-viet:5"]


def test_items_in_the_same_passage_join_the_quote() -> None:
    joined = _passage(4, f"{ANNOUNCING.text}\n{ITEMS.text}")
    ext = extract_answer("Chủ tịch yêu cầu thực hiện 4 nhóm giải pháp then chốt nào?", [Hit(passage=joined, score=1.0)])
    assert "Một là hoàn thiện thể chế số" in ext.text and "Bốn là bảo đảm an toàn thông tin" in ext.text
    assert len(ext.citations) == 1


def test_no_list_follows_a_count_that_announces_none() -> None:
    """A count in the middle of a sentence announces nothing: the next passage is not quoted."""
    lone = _passage(7, "Toàn tỉnh đã khai trương 4 nhóm giải pháp then chốt vào tháng trước tại hội nghị.")
    ext = extract_answer(
        "Tỉnh đã khai trương bao nhiêu nhóm giải pháp then chốt?",
        [Hit(passage=lone, score=1.0)],
        next_passage=lambda p: ITEMS if p is lone else None,
    )
    assert ext.found and len(ext.citations) == 1 and "Một là" not in ext.text
