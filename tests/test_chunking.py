"""chunk_document: outline-aware passages, no loss, no duplication, sizes bounded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.chunking import chunk_document
from ingest.clean import clean_text
from troly.text import match_key
from troly.types import Chunk

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
NOTICE_2024 = CORPUS / "2024-09-19_thong-bao-ket-luan_ban-chi-dao-cchc-cds-phien-2.txt"
NOTICE_2025 = CORPUS / "2025-07-05_thong-bao-ket-luan_so-khcn-6-thang.md"
NEWS_2026 = CORPUS / "2026-03-03_tin-bao-gia-lai_phien-hop-ban-chi-dao.txt"
NOTICE_2026 = CORPUS / "2026-03_thong-bao-ket-luan_ban-chi-dao-phien-1-2026.md"
REPORT_2026 = CORPUS / "2026-05_bao-cao-so-ket-nq57-de-an-06_van-phong-ubnd.md"
ALL_SAMPLES = [NOTICE_2024, NOTICE_2025, NEWS_2026, NOTICE_2026, REPORT_2026]
# Header-block and byline lines of the samples: skipped by design.
HEADER_LINES = {"Số: /BC-VPUBND", "Gia Lai, ngày tháng năm 2026", "NGỌC LUẬN", "Ghi chú:"}
# Candidate cut points: whitespace after sentence punctuation.
_CUT_RE = re.compile(r"(?<=[.!?…;:])\s+(?=\S)")


def _clean(path: Path) -> str:
    return clean_text(path.read_text(encoding="utf-8"))


def _body_lines(text: str) -> list[str]:
    """The lines that must reach a chunk: everything before "Nơi nhận:" and the footnotes."""
    lines = text.split("\n")
    end = lines.index("Nơi nhận:") if "Nơi nhận:" in lines else len(lines)
    notes = lines[lines.index("Ghi chú:") + 1 :] if "Ghi chú:" in lines else []
    return [line for line in lines[:end] + notes if line not in HEADER_LINES]


def _sentences(line: str) -> list[str]:
    """Pieces cut at least wherever the chunker may cut: sentence ends and ";" clauses."""
    pieces, start = [], 0
    for match in _CUT_RE.finditer(line):
        following = line[match.end()]
        if line[match.start() - 1] == ";" or following.isupper() or following.isdigit() or following in '(“"+-':
            pieces.append(line[start : match.start()])
            start = match.end()
    pieces.append(line[start:])
    return [piece for piece in pieces if len(piece) >= 15]


def _assert_no_loss_no_duplication(text: str, chunks: list[Chunk]) -> None:
    bodies = [match_key(chunk.text) for chunk in chunks]
    headings = {match_key(h) for chunk in chunks for h in chunk.heading_path}
    raw_lines = _body_lines(text)
    lines = [match_key(line) for line in raw_lines]
    sentences: set[str] = set()
    for raw, line in zip(raw_lines, lines, strict=False):
        if line in headings and not any(line in body for body in bodies):
            continue  # a heading: it lives in heading_path
        sentences.update(match_key(s) for s in _sentences(raw))
    for sentence in sentences:
        expected = sum(line.count(sentence) for line in lines if line not in headings)
        found = sum(body.count(sentence) for body in bodies)
        assert found == expected, (sentence, found, expected)


def _splittable(text: str) -> bool:
    """Could this text be cut between sentences or ";" clauses (after its outline marker)?"""
    body = re.sub(r"^(?:[IVXLC]+\.|\d{1,2}(?:\.\d{1,2})*\.|[a-zđ]\)|[-+])\s+", "", text)
    ends = re.finditer(r"[.!?…]\s+(\S)", body)
    return "\n" in body or ";" in body.rstrip(";") or any(m.group(1).isupper() or m.group(1).isdigit() for m in ends)


def _chunk_with(chunks: list[Chunk], needle: str) -> Chunk:
    found = [chunk for chunk in chunks if match_key(needle) in match_key(chunk.text)]
    assert len(found) == 1, (needle, len(found))
    return found[0]


# --- invariants on every sample --------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.name[:20])
@pytest.mark.parametrize("max_chars", [1200, 400])
def test_every_sentence_lands_in_exactly_one_chunk(path: Path, max_chars: int) -> None:
    text = _clean(path)
    chunks = chunk_document(text, max_chars=max_chars, min_chars=min(200, max_chars // 4))
    _assert_no_loss_no_duplication(text, chunks)


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.name[:20])
@pytest.mark.parametrize("max_chars", [1200, 600, 300])
def test_chunks_respect_max_chars_unless_one_sentence(path: Path, max_chars: int) -> None:
    for chunk in chunk_document(_clean(path), max_chars=max_chars, min_chars=min(200, max_chars // 4)):
        assert chunk.text.strip()
        if len(chunk.text) > max_chars:
            assert not _splittable(chunk.text), chunk.text


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.name[:20])
def test_deterministic(path: Path) -> None:
    text = _clean(path)
    assert chunk_document(text) == chunk_document(text)


@pytest.mark.parametrize("path", ALL_SAMPLES, ids=lambda p: p.name[:20])
def test_page_furniture_is_not_chunked(path: Path) -> None:
    for chunk in chunk_document(_clean(path)):
        assert "Nơi nhận" not in chunk.text
        assert "CHÁNH VĂN PHÒNG" not in chunk.text and "TL. CHỦ TỊCH" not in chunk.text
        assert not {"Lê Ngọc An", "Nguyễn Xuân Vĩnh", "Võ Gia Nghĩa", "Số: /BC-VPUBND"} & set(chunk.text.split("\n"))
        assert "NGỌC LUẬN" not in chunk.text


# --- outline on the samples ------------------------------------------------------------------


def test_tinh_doan_assignment_sits_under_its_headings() -> None:
    chunks = chunk_document(_clean(NOTICE_2026))
    chunk = _chunk_with(chunks, "ít nhất 02 ý tưởng đổi mới sáng tạo")
    assert chunk.heading_path == [
        "2. Một số nhiệm vụ, giải pháp trên các lĩnh vực trọng tâm",
        "d) Về phát triển khoa học, công nghệ, đổi mới sáng tạo, chuyển đổi số và Đề án 06",
        "- Về phát động phong trào đổi mới sáng tạo tại cơ sở:",
    ]
    assert chunk.section == "2 > d)"
    assert chunk.text.split("\n")[1].startswith("+ Tỉnh đoàn chịu trách nhiệm")


def test_first_chunk_carries_type_line_and_title() -> None:
    first = chunk_document(_clean(REPORT_2026))[0]
    assert first.text.startswith(
        "BÁO CÁO\nsơ kết, đánh giá tình hình thực hiện Nghị quyết số 57-NQ/TW và Đề án 06\n"
        "Kính gửi: Sở Khoa học và Công nghệ\nThực hiện chỉ đạo"
    )
    assert first.section == "" and first.heading_path == []
    first = chunk_document(_clean(NOTICE_2025))[0]
    assert first.text.startswith("THÔNG BÁO\nÝ kiến kết luận của đồng chí Phạm Anh Tuấn")


def test_report_sections_never_span_two_roman_parts() -> None:
    chunks = chunk_document(_clean(REPORT_2026))
    romans = re.compile(r"^(I|II|III|IV|V)\. ")
    for chunk in chunks:
        tops = {romans.match(h).group(1) for h in chunk.heading_path[:1] if romans.match(h)}
        tops |= {romans.match(line).group(1) for line in chunk.text.split("\n") if romans.match(line)}
        assert len(tops) <= 1, chunk
    sections = [chunk.section for chunk in chunks]
    assert "I > 3" in sections and "II > 3" in sections and "III" in sections
    chunk = _chunk_with(chunks, "Xã hạt nhân số” tại xã Tây Sơn. Đây là mô hình")
    assert chunk.heading_path == [
        "I. CÔNG TÁC LÃNH ĐẠO, CHỈ ĐẠO, TỔ CHỨC THỰC HIỆN",
        "2. Công tác ban hành văn bản chỉ đạo, điều hành",
    ]
    assert chunk.section == "I > 2"


def test_content_items_are_grouped_under_their_heading() -> None:
    chunks = chunk_document(_clean(NOTICE_2025))
    chunk = _chunk_with(chunks, "Giao Công an tỉnh chủ trì, phối hợp với Sở Khoa học và Công nghệ")
    assert chunk.heading_path == ["II. Về một số nhiệm vụ trọng tâm 6 tháng cuối năm 2025"]
    assert "4. Giao Văn phòng UBND tỉnh chủ trì" in chunk.text
    assert chunk.section == "II > 3–4"
    # An unmarked paragraph continues the numbered item above it.
    chunk = _chunk_with(chunks, "Tập thể lãnh đạo Sở và lãnh đạo các phòng")
    assert chunk.section == "I > 1"


def test_pdf_notice_keeps_assignments_with_their_lead_in() -> None:
    chunks = chunk_document(_clean(NOTICE_2024))
    chunk = _chunk_with(chunks, "xây dựng Đề án chuyển đổi số của tỉnh trên cơ sở nền tảng")
    assert chunk.heading_path == ["3. Giao Sở Thông tin và Truyền thông:"]
    assert chunk.section == "3"
    chunk = _chunk_with(chunks, "Giao Sở Y tế tiếp tục rà soát")
    assert chunk.text.startswith("7. Giao Sở Y tế") and chunk.section.startswith("7")
    # The preamble is its own section, split between sentences/clauses, never mixed with item 1.
    preamble = [c for c in chunks if c.section == "" and c.heading_path == []]
    assert preamble[0].text.startswith("Ngày 19 tháng 9 năm 2024, tại trụ sở")
    assert all("Thủ trưởng các cơ quan, đơn vị, địa phương trên địa bàn tỉnh:" not in c.text for c in preamble)
    notes = chunks[-1]
    assert notes.heading_path == ["Ghi chú"] and notes.text.startswith("[1] Quyết định số 4935/QĐ-UBND")


def test_news_article_is_chunked_by_paragraphs() -> None:
    chunks = chunk_document(_clean(NEWS_2026))
    assert chunks[0].text.startswith("(GLO)- Chiều 3-3, Ban Chỉ đạo của UBND tỉnh Gia Lai")
    assert all(chunk.heading_path == [] and chunk.section == "" for chunk in chunks)
    assert all(200 <= len(chunk.text) <= 1200 for chunk in chunks)


# --- synthetic legal text --------------------------------------------------------------------

LAW = """QUỐC HỘI
Luật số: 58/2024/QH15
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
LUẬT
ĐẦU TƯ CÔNG
Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Đầu tư công.
Chương I
NHỮNG QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Luật này quy định việc quản lý nhà nước về đầu tư công; quản lý và sử dụng vốn đầu tư công; quyền, nghĩa vụ và trách nhiệm của cơ quan, đơn vị, tổ chức, cá nhân liên quan đến hoạt động đầu tư công.
Điều 2. Đối tượng áp dụng
Luật này áp dụng đối với cơ quan, tổ chức, cá nhân tham gia hoặc có liên quan đến hoạt động đầu tư công, quản lý và sử dụng vốn đầu tư công.
Điều 5. Các hành vi bị nghiêm cấm
1. Quyết định chủ trương đầu tư không phù hợp với mục tiêu, định hướng phát triển, chiến lược, kế hoạch phát triển kinh tế - xã hội, quy hoạch; không xác định được nguồn vốn và khả năng cân đối vốn; không đúng thẩm quyền, trình tự, thủ tục theo quy định của pháp luật về đầu tư công. Quyết định đầu tư chương trình, dự án khi chưa được cấp có thẩm quyền quyết định chủ trương đầu tư hoặc không đúng với các nội dung về mục tiêu, phạm vi, quy mô, tổng mức đầu tư của chủ trương đầu tư đã được cấp có thẩm quyền phê duyệt.
2. Các hành vi sau đây trong quản lý dự án:
a) Lợi dụng chức vụ, quyền hạn để chiếm đoạt, vụ lợi, tham nhũng trong quản lý và sử dụng vốn đầu tư công;
b) Cố ý báo cáo, cung cấp thông tin không đúng sự thật, thiếu chính xác, không kịp thời về tình hình thực hiện dự án;
c) Thất thoát, lãng phí vốn đầu tư công trong quá trình thực hiện dự án, bao gồm việc sử dụng vốn sai mục đích, sai đối tượng, vượt tiêu chuẩn, định mức theo quy định của pháp luật.
3. Thông đồng giữa các bên tham gia dự án gây thiệt hại về vốn, tài sản của Nhà nước, tài nguyên quốc gia; làm ảnh hưởng xấu đến môi trường, sức khỏe cộng đồng; xâm phạm quyền, lợi ích hợp pháp của tổ chức, cá nhân và cộng đồng dân cư.
Chương II
QUẢN LÝ ĐẦU TƯ CÔNG
Mục 1
THẨM QUYỀN
Điều 17. Thẩm quyền quyết định chủ trương đầu tư
1. Quốc hội quyết định chủ trương đầu tư chương trình mục tiêu quốc gia, dự án quan trọng quốc gia.
2. Thủ tướng Chính phủ quyết định chủ trương đầu tư các dự án nhóm A sử dụng vốn ngân sách trung ương.
Luật này đã được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XV, kỳ họp thứ 7 thông qua ngày 29 tháng 6 năm 2024.
CHỦ TỊCH QUỐC HỘI
(Đã ký)
Trần Thanh Mẫn
"""


def test_law_gets_article_clause_point_sections() -> None:
    chunks = chunk_document(clean_text(LAW))
    by_section = {chunk.section: chunk for chunk in chunks}
    # Two short articles share a chunk; the second one's heading becomes a text line.
    assert by_section["Điều 1–2"].text.split("\n")[2] == "Điều 2. Đối tượng áp dụng"
    assert by_section["Điều 5 > Khoản 1"].text.startswith("1. Quyết định chủ trương đầu tư không phù hợp")
    points = by_section["Điều 5 > Khoản 2 > Điểm a–c"]
    assert points.heading_path == [
        "Chương I NHỮNG QUY ĐỊNH CHUNG",
        "Điều 5. Các hành vi bị nghiêm cấm",
        "2. Các hành vi sau đây trong quản lý dự án:",
    ]
    assert points.text.startswith("a) Lợi dụng chức vụ") and "c) Thất thoát" in points.text
    assert by_section["Điều 17 > Khoản 1–2"].heading_path == [
        "Chương II QUẢN LÝ ĐẦU TƯ CÔNG",
        "Mục 1 THẨM QUYỀN",
        "Điều 17. Thẩm quyền quyết định chủ trương đầu tư",
    ]
    assert chunks[0].text.startswith("LUẬT\nĐẦU TƯ CÔNG\nCăn cứ Hiến pháp")
    assert all("Trần Thanh Mẫn" not in chunk.text for chunk in chunks)


def test_law_sections_at_small_sizes() -> None:
    chunks = chunk_document(clean_text(LAW), max_chars=300, min_chars=50)
    sections = [chunk.section for chunk in chunks]
    assert any(s.startswith("Điều 5 > Khoản 2 > Điểm a") for s in sections)
    assert any(s.startswith("Điều 5 > Khoản 2 > Điểm") and not s.endswith("a") for s in sections)
    assert any(s.startswith("Điều 5 > Khoản 1") for s in sections)
    for chunk in chunks:
        if len(chunk.text) > 300:
            assert not _splittable(chunk.text)


def test_decision_with_attached_regulation() -> None:
    text = clean_text(
        "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 1234/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Độc lập - Tự do - Hạnh phúc\nGia Lai, ngày 15 tháng 8 năm 2025\nQUYẾT ĐỊNH\n"
        "Về việc ban hành Quy chế tổ chức và hoạt động của Tổ công nghệ số cộng đồng\n"
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH GIA LAI\nCăn cứ Luật Tổ chức chính quyền địa phương;\nQUYẾT ĐỊNH:\n"
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế tổ chức và hoạt động của Tổ.\n"
        "Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký./.\n"
        "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n"
        "Nguyễn Thị Thanh Lịch\n"
        "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nQUY CHẾ\nTổ chức và hoạt động của Tổ công nghệ số cộng đồng\n"
        "(Ban hành kèm theo Quyết định số 1234/QĐ-UBND ngày 15/8/2025 của Chủ tịch UBND tỉnh)\n"
        "Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi điều chỉnh\n"
        "Quy chế này quy định về tổ chức và hoạt động của Tổ công nghệ số cộng đồng ở các thôn, tổ dân phố.\n"
    )
    chunks = chunk_document(text)
    assert chunks[0].text.startswith("QUYẾT ĐỊNH\nVề việc ban hành Quy chế")
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH GIA LAI" not in chunks[0].text
    articles = _chunk_with(chunks, "Quyết định này có hiệu lực thi hành")
    assert "Điều 1. Ban hành kèm theo" in articles.text and articles.section == "Điều 1–2"
    regulation = _chunk_with(chunks, "ở các thôn, tổ dân phố")
    assert regulation.heading_path[0].startswith("QUY CHẾ Tổ chức và hoạt động của Tổ công nghệ số cộng đồng")
    assert regulation.section == "Điều 1"
    assert all("Nguyễn Thị Thanh Lịch" not in chunk.text for chunk in chunks)


def test_official_letter_addressees_stay_in_the_preamble() -> None:
    text = clean_text(
        "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\nSố: 2210/UBND-NC\nV/v xử lý văn bản quy phạm pháp luật\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nGia Lai, ngày 27 tháng 02 năm 2026\n"
        "Kính gửi:\n- Các sở, ban, ngành tỉnh;\n- UBND các xã, phường.\n"
        "Thực hiện ý kiến chỉ đạo của Chủ tịch UBND tỉnh, đề nghị các cơ quan rà soát văn bản quy phạm pháp luật.\n"
    )
    chunks = chunk_document(text)
    assert len(chunks) == 1
    assert chunks[0].text.split("\n")[:3] == [
        "V/v xử lý văn bản quy phạm pháp luật",
        "Kính gửi:",
        "- Các sở, ban, ngành tỉnh;",
    ]


def test_upper_letter_parts_and_roman_sections() -> None:
    text = (
        "A. KẾT QUẢ THỰC HIỆN\nI. Công tác chỉ đạo\n1. Ban hành kế hoạch triển khai nhiệm vụ năm 2025 đúng thời hạn.\n"
        "II. Công tác kiểm tra\n1. Tổ chức 05 đoàn kiểm tra tại các xã, phường.\n"
        "B. NHIỆM VỤ THỜI GIAN TỚI\nI. Về thể chế\n1. Hoàn thiện các quy định về chuyển đổi số.\n"
        "C. KIẾN NGHỊ\n1. Đề nghị Bộ Khoa học và Công nghệ hướng dẫn triển khai.\n"
    )
    chunks = chunk_document(text, min_chars=0)
    sections = [chunk.section for chunk in chunks]
    assert sections == ["A > I > 1", "A > II > 1", "B > I > 1", "C > 1"]
    assert chunks[3].heading_path == ["C. KIẾN NGHỊ"]


# --- splitting -------------------------------------------------------------------------------


def test_long_paragraph_splits_between_sentences_only() -> None:
    sentences = [
        f"Câu thứ {n} nói về nhiệm vụ chuyển đổi số của tỉnh trong năm 2026 và giao các sở, ngành tổ chức thực hiện."
        for n in range(1, 9)
    ]
    paragraph = " ".join(sentences)
    chunks = chunk_document(paragraph, max_chars=250, min_chars=0)
    assert len(chunks) > 1
    assert all(len(chunk.text) <= 250 for chunk in chunks)
    assert " ".join(chunk.text for chunk in chunks) == paragraph
    for chunk in chunks:
        assert chunk.text.endswith("thực hiện.")


def test_single_overlong_sentence_is_kept_whole_or_cut_at_semicolons() -> None:
    clauses = [
        f"nhiệm vụ số {n} giao cho các sở, ngành, địa phương tổ chức thực hiện đúng tiến độ" for n in range(1, 7)
    ]
    one_sentence = "Yêu cầu: " + "; ".join(clauses) + "."
    chunks = chunk_document(one_sentence, max_chars=200, min_chars=0)
    assert " ".join(chunk.text for chunk in chunks) == one_sentence
    assert all(chunk.text.endswith((";", ".")) for chunk in chunks)
    no_break = "Giao " + ", ".join(["Sở Khoa học và Công nghệ chủ trì phối hợp với các đơn vị"] * 6) + "."
    chunks = chunk_document(no_break, max_chars=120, min_chars=0)
    assert [chunk.text for chunk in chunks] == [no_break]


def test_abbreviations_and_markers_are_not_sentence_ends() -> None:
    paragraph = (
        "1. Giao UBND TP. Pleiku chủ trì, phối hợp với Sở Y tế triển khai thí điểm bệnh án điện tử trong quý III. "
        "Đồng thời báo cáo kết quả về UBND tỉnh trước ngày 30/11/2025."
    )
    chunks = chunk_document(paragraph, max_chars=110, min_chars=0)
    assert chunks[0].text.startswith("1. Giao UBND TP. Pleiku chủ trì")
    assert chunks[-1].text == "Đồng thời báo cáo kết quả về UBND tỉnh trước ngày 30/11/2025."


def test_small_neighbours_merge_within_a_section_only() -> None:
    text = (
        "I. Nhiệm vụ\n1. Giao Sở Y tế chủ trì.\n2. Giao Sở Tài chính phối hợp.\n"
        "II. Kiến nghị\n1. Đề nghị Bộ Y tế hướng dẫn.\n"
    )
    chunks = chunk_document(text, max_chars=1200, min_chars=200)
    assert [chunk.section for chunk in chunks] == ["I > 1–2", "II > 1"]
    assert chunks[0].text == "1. Giao Sở Y tế chủ trì.\n2. Giao Sở Tài chính phối hợp."


def test_heading_without_content_is_kept_as_text() -> None:
    text = "Thành phần tham dự gồm:\n- Sở Y tế\n- Sở Tài chính\nCác đơn vị có trách nhiệm cử người tham dự đúng thành phần."
    chunks = chunk_document(text, min_chars=0)
    joined = "\n".join(chunk.text for chunk in chunks)
    assert "- Sở Y tế" in joined and "- Sở Tài chính" in joined


def test_empty_text() -> None:
    assert chunk_document("") == []
    assert chunk_document("\n \n") == []


def test_header_debris_and_signature_stay_out_of_chunks() -> None:
    text = clean_text(
        "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT\nTỈNH GIA LAI NAM\ncizñ RWA2mwnhDHnah phúso26\n"
        "THÔNG BÁO\nÝ kiến kết luận của Chủ tịch UBND tỉnh tại Phiên họp thứ nhất năm 2026\n"
        "Tại Phiên họp lần thứ nhất năm 2026 của Ban Chỉ đạo, Chủ tịch UBND tỉnh kết luận như sau:\n"
        "1. Các sở, ngành tập trung triển khai nhiệm vụ chuyển đổi số.\n"
        "UBND tỉnh thông báo để các cơ quan, đơn vị triển khai thực hiện./.\n"
        "Nơi nhận:\n- Như trên;\nKT. CHÁNH VĂN PHÒNG\nVõ Gia Nghĩa\n"
    )
    chunks = chunk_document(text)
    assert chunks[0].text.startswith("THÔNG BÁO\nÝ kiến kết luận")
    joined = "\n".join(chunk.text for chunk in chunks)
    assert "cizñ" not in joined and "Võ Gia Nghĩa" not in joined and "Như trên" not in joined
    assert [chunk.section for chunk in chunks] == ["", "1", ""]


# --- article headings without a period -------------------------------------------------------

DECREE_NO_PERIODS = """CHÍNH PHỦ
Số: 42/2022/NĐ-CP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hà Nội, ngày 24 tháng 6 năm 2022
NGHỊ ĐỊNH
Quy định về việc cung cấp thông tin và dịch vụ công trực tuyến
Chương III
TRANG THÔNG TIN ĐIỆN TỬ
Điều 22 Yêu cầu chung
Cơ quan nhà nước bảo đảm thông tin trên trang thông tin điện tử chính xác, kịp thời.
Điều 23 Thiết lập trang thông tin điện tử
1. Cơ quan nhà nước thiết lập trang thông tin điện tử theo quy định tại Điều 23 Luật Công nghệ thông tin.
2. Việc thiết lập trang thông tin điện tử thực hiện theo hướng dẫn của Bộ Thông tin và Truyền thông.
Điều 24
Quản lý trang thông tin điện tử
Thủ trưởng cơ quan chịu trách nhiệm quản lý nội dung trang thông tin điện tử của cơ quan mình, trong đó có việc tuân thủ
Điều 22 Luật Công nghệ thông tin về nội dung thông tin.
ĐIỀU 25 TRÁCH NHIỆM THI HÀNH
Các Bộ trưởng chịu trách nhiệm thi hành Nghị định này.
"""


def test_article_headings_without_a_period_are_articles() -> None:
    chunks = chunk_document(clean_text(DECREE_NO_PERIODS), max_chars=300, min_chars=20)
    establish = _chunk_with(chunks, "Cơ quan nhà nước thiết lập trang thông tin điện tử theo quy định")
    assert establish.section.startswith("Điều 23")
    assert "Điều 23 Thiết lập trang thông tin điện tử" in establish.heading_path
    assert _chunk_with(chunks, "chính xác, kịp thời").section == "Điều 22"
    manage = _chunk_with(chunks, "Thủ trưởng cơ quan chịu trách nhiệm quản lý nội dung")
    assert manage.section == "Điều 24"  # "Điều 24" alone, its name on the next line
    assert "Điều 24 Quản lý trang thông tin điện tử" in manage.heading_path
    # "Điều 22 Luật Công nghệ thông tin …" opening a wrapped line is a reference, not Điều 22
    assert "Điều 22 Luật Công nghệ thông tin về nội dung thông tin." in manage.text
    assert _chunk_with(chunks, "Các Bộ trưởng chịu trách nhiệm thi hành").section == "Điều 25"


@pytest.mark.parametrize(
    "line",
    [
        "Điều 23 Luật Đất đai quy định về quyền của người sử dụng đất",
        "Điều 23 của Luật này được sửa đổi",
        "Điều 23, Điều 24 Nghị định số 42/2022/NĐ-CP",
        "Điều 9 Thiết lập trang thông tin điện tử",  # not the next article after Điều 22
    ],
    ids=["instrument", "lowercase", "comma", "out-of-sequence"],
)
def test_line_opening_with_an_article_reference_is_not_a_heading(line: str) -> None:
    text = clean_text(
        "Điều 22. Yêu cầu chung\nCơ quan nhà nước bảo đảm thông tin chính xác.\n"
        f"{line}\nNội dung tiếp theo của đoạn này được giữ nguyên.\n"
    )
    chunks = chunk_document(text, max_chars=2000, min_chars=20)
    assert all(c.section == "Điều 22" for c in chunks)
