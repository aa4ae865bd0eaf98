"""Vietnamese dates, deadlines, recurrences, quotas and period helpers (troly.dates).

Sentences are real ones from the sample corpus where the corpus has the form; the rest are the
standard wordings of the genre.
"""

from __future__ import annotations

import datetime as dt

import pytest

from troly.dates import (
    Due,
    Recurrence,
    active_in,
    find_dues,
    month_range,
    occurs_in,
    parse_due,
    parse_header_date,
    parse_quota,
    parse_quotas,
    parse_recurrence,
    quarter_range,
    resolve_relative,
)

D = dt.date
REF_2024 = D(2024, 9, 19)  # the 2024 conclusion notice
REF_2026 = D(2026, 3, 1)  # the March 2026 notice (month precision)


# --------------------------------------------------------------------------------------------
# parse_header_date: the one parser of a document's own date, every form of the sample corpus
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/5/2026", D(2026, 5, 15)),
        ("15-5-2026", D(2026, 5, 15)),
        ("15.5.2026", D(2026, 5, 15)),
        ("05/7/2025", D(2025, 7, 5)),
        ("30-6-2025", D(2025, 6, 30)),
        ("ngày 05 tháng 7 năm 2025", D(2025, 7, 5)),
        ("Ngày 19 tháng 9 năm 2024, tại trụ sở Ủy ban nhân dân tỉnh", D(2024, 9, 19)),
        ("Chiều ngày 05/7/2025, tại Trụ sở UBND tỉnh", D(2025, 7, 5)),
        ("Nghị định số 63/2024/NĐ-CP ngày 10 tháng 6 năm 2024 của Chính phủ", D(2024, 6, 10)),
        ("Quyết định số 4935/QĐ-UBND ngày 29/12/2023 của UBND tỉnh", D(2023, 12, 29)),
        ("Kế hoạch số 678/KH-VPUBND ngày 10/04/2026", D(2026, 4, 10)),
        ("Quyết định 35/QĐ-VPUBND ngày 13 tháng 02 năm 2026", D(2026, 2, 13)),
        ("(Quyết định số 1890/QĐ-UBND ngày 23/09/2025)", D(2025, 9, 23)),
        ("Điểm của tỉnh đến 29/4/2026 là 95,446 điểm", D(2026, 4, 29)),
        ("vận hành thông suốt từ ngày 1-7-2025", D(2025, 7, 1)),
        ("(2/9/1945 - 2/9/2024)", D(1945, 9, 2)),
        ("ngày 5, tháng 7, năm 2025", D(2025, 7, 5)),
        ("Cần Thơ, ngày 15_ tháng 9 năm 2025", D(2025, 9, 15)),  # a number typed into the form's blank
    ],
)
def test_parse_header_date_forms(text: str, expected: dt.date) -> None:
    assert parse_header_date(text) == (expected, "day")


def test_parse_header_date_day_month_needs_a_year() -> None:
    assert parse_header_date("Chiều 3-3, Ban Chỉ đạo …") == (None, None)
    assert parse_header_date("Chiều 3-3, Ban Chỉ đạo …", 2026) == (D(2026, 3, 3), "day")
    assert parse_header_date("trước 31/12", 2024) == (D(2024, 12, 31), "day")


@pytest.mark.parametrize(
    "text",
    [
        "đã hoàn thành 32/32 nhiệm vụ CCHC",  # ratios are not dates
        "hoàn thành 20/30 nhiệm vụ, 24/59 nhiệm vụ và 28/40 nhiệm vụ",
        "vị trí thứ 2/63 tỉnh",
        "Nghị quyết số 66.7/2025/NQ-CP",
        "ngày 31/02/2026",  # impossible day
    ],
)
def test_parse_header_date_rejects(text: str) -> None:
    assert parse_header_date(text) == (None, None)


def test_parse_header_date_keeps_blank_header_information() -> None:
    """A blank day (or day and month) gives the month (or year) and says so: no day is invented."""
    assert parse_header_date("Gia Lai, ngày tháng năm 2026") == (D(2026, 1, 1), "year")
    assert parse_header_date("ngày ... tháng 3 năm 2026") == (D(2026, 3, 1), "month")
    assert parse_header_date("Quảng Ngãi, ngày 12 tháng 8 năm 2025") == (D(2025, 8, 12), "day")


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("ngày 05 tháng 7 năm 2025", None, (dt.date(2025, 7, 5), "day")),
        ("Gia Lai, ngày 5 tháng 07 năm 2025", None, (dt.date(2025, 7, 5), "day")),
        ("05/7/2025", None, (dt.date(2025, 7, 5), "day")),
        ("5-7-2025", None, (dt.date(2025, 7, 5), "day")),
        ("ngày      tháng 7 năm 2025", None, (dt.date(2025, 7, 1), "month")),
        ("ngày … tháng … năm 2026", None, (dt.date(2026, 1, 1), "year")),
        ("ngày tháng năm 2026", None, (dt.date(2026, 1, 1), "year")),
        ("3-3", 2026, (dt.date(2026, 3, 3), "day")),
        ("3-3", None, (None, None)),
        ("ngày 31/2/2025", None, (None, None)),
    ],
)
def test_parse_header_date_precision(text: str, hint: int | None, expected: tuple) -> None:
    assert parse_header_date(text, hint) == expected


# --------------------------------------------------------------------------------------------
# parse_due
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("trước ngày 15/5/2026", "date", D(2026, 5, 15), D(2026, 5, 15)),
        ("chậm nhất ngày 30-6-2025", "date", D(2025, 6, 30), D(2025, 6, 30)),
        ("hoàn thành trong tháng 10 năm 2024", "month", D(2024, 10, 1), D(2024, 10, 31)),
        ("trong tháng 5/2026", "month", D(2026, 5, 1), D(2026, 5, 31)),
        ("tháng 10/2024", "month", D(2024, 10, 1), D(2024, 10, 31)),
        ("trong quý III/2025", "quarter", D(2025, 7, 1), D(2025, 9, 30)),
        ("quý IV năm 2024", "quarter", D(2024, 10, 1), D(2024, 12, 31)),
        ("Quý 1 năm 2025", "quarter", D(2025, 1, 1), D(2025, 3, 31)),
        ("6 tháng đầu năm 2025", "half", D(2025, 1, 1), D(2025, 6, 30)),
        ("6 tháng cuối năm 2025", "half", D(2025, 7, 1), D(2025, 12, 31)),
        ("trong 06 tháng cuối năm 2025", "half", D(2025, 7, 1), D(2025, 12, 31)),
        ("trong 3 tháng còn lại của năm 2024", "quarter", D(2024, 10, 1), D(2024, 12, 31)),
        ("9 tháng đầu năm 2025", "range", D(2025, 1, 1), D(2025, 9, 30)),
        ("trước 31/12", "date", D(2024, 12, 31), D(2024, 12, 31)),
        ("trước ngày 15 tháng 10", "date", D(2024, 10, 15), D(2024, 10, 15)),
        ("trong năm 2026", "year", D(2026, 1, 1), D(2026, 12, 31)),
        ("năm 2025", "year", D(2025, 1, 1), D(2025, 12, 31)),
        ("đến năm 2030", "year", D(2030, 1, 1), D(2030, 12, 31)),
        ("trước cuối năm 2025", "month", D(2025, 12, 1), D(2025, 12, 31)),
        ("từ ngày 19-6 đến 30-6-2025", "range", D(2025, 6, 19), D(2025, 6, 30)),
        ("từ 1-7 đến 31-12-2025", "range", D(2025, 7, 1), D(2025, 12, 31)),
        ("từ tháng 7 đến tháng 12 năm 2025", "range", D(2025, 7, 1), D(2025, 12, 31)),
        ("từ nay đến hết năm 2025", "range", REF_2024, D(2025, 12, 31)),
        ("trong 15 ngày kể từ ngày ký", "relative", REF_2024, D(2024, 10, 4)),
        ("trong vòng 30 ngày làm việc kể từ ngày nhận được văn bản", "relative", REF_2024, D(2024, 10, 31)),
    ],
)
def test_parse_due_forms(text: str, kind: str, start: dt.date, end: dt.date) -> None:
    due = parse_due(text, ref=REF_2024)
    assert due is not None, text
    assert (due.kind, due.start, due.end) == (kind, start, end)


def test_due_text_keeps_the_cue() -> None:
    due = parse_due("Sở Tài chính báo cáo UBND tỉnh trước ngày 15/5/2026.", ref=REF_2026)
    assert due.text == "trước ngày 15/5/2026" and due.bound == "by" and due.precision == "day"
    # continuing work that must be done by a date keeps its deadline
    kept = parse_due("Tiếp tục rà soát, hoàn thành đến hết năm 2026.", ref=REF_2026)
    assert kept is not None and kept.end == D(2026, 12, 31)


@pytest.mark.parametrize(
    "text",
    [
        "trong thời gian tới",
        "thường xuyên",
        "Tiếp tục theo dõi, đôn đốc thường xuyên, liên tục",
        "trước ngày 20 hằng tháng",  # a recurrence, not a one-off deadline
        "giai đoạn 2026 - 2030",
        "Kể từ năm 2026, việc đánh giá kết quả thực hiện nhiệm vụ … được thực hiện định kỳ hàng quý",
        # the end of continuing work or a schedule's horizon, not a deadline
        "Cục Đường bộ Việt Nam tiếp tục giải quyết thủ tục hành chính đến ngày 31 tháng 12 năm 2026.",
        "lập tiến độ chi tiết theo tuần, tháng đến hết năm 2026, bám sát tiến độ đã xác định",
    ],
)
def test_parse_due_none(text: str) -> None:
    assert parse_due(text, ref=REF_2026) is None


def test_citation_is_not_a_deadline() -> None:
    # Real bullet (2026 notice): the only date is the cited Công văn.
    bullet = (
        "Tập trung tham mưu xử lý các văn bản quy phạm pháp luật của HĐND, UBND tỉnh Bình Định và Gia Lai "
        "(trước sắp xếp) ban hành, bảo đảm tiến độ, chất lượng theo chỉ đạo tại Công văn số 2210/UBND-NC "
        "ngày 27/02/2026 của Chủ tịch Ủy ban nhân dân tỉnh."
    )
    assert parse_due(bullet, ref=REF_2026) is None
    assert parse_due(bullet, ref=None) is None  # dropped as a citation, not only as a past date
    assert parse_due("theo Kế hoạch số 02-KH/BCĐTW, Nghị quyết số 71/NQ-CP", ref=D(2025, 7, 5)) is None
    assert parse_due("Nghị quyết số 66.7/2025/NQ-CP của Chính phủ", ref=REF_2026) is None


def test_deadline_phrase_wins_over_citation_in_same_bullet() -> None:
    # Real bullet (2024 notice): cites Chỉ thị 34/CT-TTg of 16/9/2024, deadline is November 2024.
    bullet = (
        "Chủ trì, phối hợp với các cơ quan, đơn vị, địa phương liên quan xây dựng Đề án chuyển đổi số của tỉnh "
        "trên cơ sở nền tảng, thành tựu của việc triển khai Đề án 06 theo chỉ đạo của Thủ tướng Chính phủ tại "
        "Chỉ thị số 34/CT-TTg ngày 16 tháng 9 năm 2024; trong đó, nội dung chủ yếu tập trung vào việc xây dựng, "
        "khai thác hiệu quả Kho dữ liệu số của tỉnh. Thời gian hoàn thành trong tháng 11 năm 2024."
    )
    due = parse_due(bullet, ref=REF_2024)
    assert (due.kind, due.start, due.end) == ("month", D(2024, 11, 1), D(2024, 11, 30))
    assert [d.kind for d in find_dues(bullet, ref=REF_2024)] == ["month"]


def test_month_deadline_of_real_bullet() -> None:
    bullet = (
        "Khẩn trương triển khai đưa vào sử dụng hiệu quả các nền tảng trí tuệ nhân tạo (AI) trong cơ quan nhà "
        "nước, Hệ thống thông tin nguồn, Hệ thống quản lý thông tin trên internet và mạng xã hội, Kho dữ liệu số "
        "tỉnh. Đẩy nhanh tiến độ xây dựng, hoàn thiện và đưa vào sử dụng nền tảng Trợ lý ảo hỗ trợ cho cán bộ, "
        "công chức cấp xã trong tháng 10 năm 2024."
    )
    due = parse_due(bullet, ref=REF_2024)
    assert (due.start, due.end) == (D(2024, 10, 1), D(2024, 10, 31))


def test_past_dates_and_instrument_years_are_dropped() -> None:
    assert parse_due("nhân kỷ niệm 79 năm Quốc khánh (2/9/1945 - 2/9/2024)", ref=REF_2024) is None
    assert parse_due("theo các quy định mới của Trung ương (như Luật Đất đai năm 2024)", ref=REF_2024) is None
    # A plan named with its year is a citation; a deadline cue in between makes it a deadline again.
    assert parse_due("triển khai Kế hoạch thực hiện Đề án 06 năm 2026 của Văn phòng", ref=REF_2026) is None
    due = parse_due("Xây dựng Kế hoạch chuyển đổi số, hoàn thành trong năm 2026", ref=REF_2026)
    assert due is not None and due.kind == "year"


def test_news_range_without_reference_and_with_past_reference() -> None:
    text = "trong giai đoạn cấp bách từ ngày 19-6 đến 30-6-2025, tỉnh đã hoàn thành 16/16 nhiệm vụ"
    due = parse_due(text, ref=None)
    assert (due.kind, due.start, due.end) == ("range", D(2025, 6, 19), D(2025, 6, 30))
    assert parse_due(text, ref=D(2026, 3, 3)) is None  # already over when the article was written


# --------------------------------------------------------------------------------------------
# parse_recurrence
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Tổng hợp, báo cáo Ủy ban nhân dân tỉnh định kỳ hằng tháng để xem xét", "month"),
        ("báo cáo hàng tháng", "month"),
        ("giới thiệu ít nhất 02 ý tưởng đổi mới sáng tạo mỗi tháng", "month"),
        ("hằng quý", "quarter"),
        ("được thực hiện định kỳ hàng quý để làm cơ sở", "quarter"),
        ("hằng tuần", "week"),
        ("hằng năm", "year"),
        ("mỗi năm một lần", "year"),
        ("6 tháng/lần", "half"),
        ("định kỳ 6 tháng", "half"),
        ("03 tháng một lần", "quarter"),
        ("báo cáo định kỳ tháng, quý, năm", "month"),
    ],
)
def test_parse_recurrence_periods(text: str, period: str) -> None:
    rec = parse_recurrence(text)
    assert rec is not None and rec.period == period


def test_recurrence_list_keeps_all_periods_finest_first() -> None:
    rec = parse_recurrence("theo dõi, đánh giá định kỳ (hằng ngày, hằng tuần, hằng tháng) việc thực hiện")
    assert rec.period == "day" and rec.periods == ("day", "week", "month")


def test_recurrence_with_day_and_bounds() -> None:
    rec = parse_recurrence("báo cáo kết quả về UBND tỉnh trước ngày 20 hằng tháng")
    assert (rec.period, rec.day) == ("month", 20)
    rec = parse_recurrence("Kể từ năm 2026, việc đánh giá … được thực hiện định kỳ hàng quý")
    assert (rec.period, rec.start, rec.until) == ("quarter", D(2026, 1, 1), None)
    rec = parse_recurrence("báo cáo hằng tháng trong năm 2026")
    assert (rec.start, rec.until) == (D(2026, 1, 1), D(2026, 12, 31))


def test_no_recurrence() -> None:
    assert parse_recurrence("Tuân thủ nghiêm túc chế độ thông tin, báo cáo định kỳ về tình hình") is None
    assert parse_recurrence("hoàn thành trong tháng 11 năm 2024") is None


# --------------------------------------------------------------------------------------------
# parse_quota
# --------------------------------------------------------------------------------------------


def test_quota_at_least_per_month() -> None:
    q = parse_quota(
        "Tỉnh đoàn chịu trách nhiệm tìm kiếm, sàng lọc và giới thiệu ít nhất **02 ý tưởng đổi mới sáng tạo** "
        "mỗi tháng từ lực lượng đoàn viên, thanh niên"
    )
    assert (q.min, q.max, q.per) == (2, None, "month")
    assert q.unit_noun.startswith("ý tưởng")


@pytest.mark.parametrize("dash", ["–", "-"])
def test_quota_range_with_recurrence_in_sentence(dash: str) -> None:
    q = parse_quota(
        "UBND các xã, phường tổ chức phát động phong trào đổi mới sáng tạo sâu rộng tại cơ sở; đảm bảo định kỳ "
        f"hằng tháng, mỗi địa phương phải chủ trì triển khai được từ **01 {dash} 02 ý tưởng mới** có tính khả thi"
    )
    assert (q.min, q.max, q.per) == (1, 2, "month")
    assert q.unit_noun == "ý tưởng mới"


def test_quota_percent_and_maximum() -> None:
    q = parse_quota("Phấn đấu bố trí **tối thiểu 25%** cán bộ có trình độ chuyên môn khoa học kỹ thuật")
    assert (q.min, q.unit_noun, q.subject) == (25, "%", "cán bộ")
    q = parse_quota("số lần họp không quá 3 lần")
    assert (q.min, q.max) == (None, 3)
    q = parse_quota("01 - 02 ý tưởng")
    assert (q.min, q.max, q.unit_noun) == (1, 2, "ý tưởng")


def test_quota_targets_of_indicator_bullet() -> None:
    quotas = parse_quotas(
        "Về phát triển khoa học, công nghệ: phần đầu có 30 doanh nghiệp khoa học và công nghệ trở lên trên địa "
        "bàn tỉnh; có 500 cán bộ trở lên hoạt động nghiên cứu khoa học và công nghệ; có từ 25 nhiệm vụ khoa học "
        "và công nghệ cấp tỉnh trở lên được nghiệm thu"
    )
    assert [q.min for q in quotas] == [30, 500, 25]
    assert quotas[1].unit_noun == "cán bộ"


def test_no_quota_in_dates_or_ratios() -> None:
    assert parse_quota("từ ngày 19-6 đến 30-6-2025") is None
    assert parse_quota("giai đoạn 2026 - 2030") is None


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------


def test_month_and_quarter_ranges() -> None:
    assert month_range("2026-11") == (D(2026, 11, 1), D(2026, 11, 30))
    assert month_range("2024-02") == (D(2024, 2, 1), D(2024, 2, 29))
    assert quarter_range(2025, 3) == (D(2025, 7, 1), D(2025, 9, 30))


def _due(kind: str, start: dt.date, end: dt.date) -> Due:
    return Due(kind=kind, start=start, end=end, text="", precision="day" if start == end else "month")  # type: ignore[arg-type]


def test_occurs_in_evaluation_rule() -> None:
    nov = month_range("2024-11")
    november_due = parse_due("Thời gian hoàn thành trong tháng 11 năm 2024", ref=REF_2024)
    assert occurs_in(november_due, None, start=D(2024, 11, 15), end=D(2024, 11, 15))  # every day of the month
    assert occurs_in(november_due, None, start=nov[0], end=nov[1])
    october_due = parse_due("trong tháng 10 năm 2024", ref=REF_2024)
    assert not occurs_in(october_due, None, start=nov[0], end=nov[1])
    by_day = parse_due("trước ngày 15/5/2026", ref=REF_2026)
    assert occurs_in(by_day, None, start=D(2026, 5, 15), end=D(2026, 5, 15))
    assert not occurs_in(by_day, None, start=D(2026, 5, 1), end=D(2026, 5, 14))
    assert not occurs_in(None, None, start=nov[0], end=nov[1])


def test_occurs_in_recurrences() -> None:
    monthly = parse_recurrence("đảm bảo định kỳ hằng tháng")
    start, end = month_range("2026-11")
    assert occurs_in(None, monthly, start=start, end=end, since=REF_2026)
    assert not occurs_in(None, monthly, start=D(2026, 1, 1), end=D(2026, 1, 31), since=REF_2026)  # before the doc
    day20 = parse_recurrence("trước ngày 20 hằng tháng")
    assert occurs_in(None, day20, start=D(2026, 6, 15), end=D(2026, 6, 25), since=REF_2026)
    assert not occurs_in(None, day20, start=D(2026, 6, 21), end=D(2026, 6, 30), since=REF_2026)
    bounded = parse_recurrence("báo cáo hằng tháng trong năm 2026")
    assert not occurs_in(None, bounded, start=D(2027, 2, 1), end=D(2027, 2, 28), since=REF_2026)
    # A deadline ends the recurrence.
    due = parse_due("hoàn thành trước ngày 30/6/2026", ref=REF_2026)
    assert not occurs_in(due, monthly, start=D(2026, 9, 1), end=D(2026, 9, 30), since=REF_2026)


def test_active_in_is_looser() -> None:
    nov_due = parse_due("trong tháng 11 năm 2024", ref=REF_2024)
    assert active_in(nov_due, None, start=D(2024, 10, 1), end=D(2024, 10, 31), since=REF_2024)
    assert not occurs_in(nov_due, None, start=D(2024, 10, 1), end=D(2024, 10, 31), since=REF_2024)
    assert active_in(None, None, start=D(2025, 1, 1), end=D(2025, 1, 31), since=REF_2024)
    assert not active_in(None, None, start=D(2026, 1, 1), end=D(2026, 1, 31), since=REF_2024, horizon_days=365)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("hôm nay", (D(2026, 5, 13), D(2026, 5, 13))),
        ("ngày mai", (D(2026, 5, 14), D(2026, 5, 14))),
        ("tuần này", (D(2026, 5, 11), D(2026, 5, 17))),
        ("tuần sau", (D(2026, 5, 18), D(2026, 5, 24))),
        ("tuan toi", (D(2026, 5, 18), D(2026, 5, 24))),
        ("tháng này", (D(2026, 5, 1), D(2026, 5, 31))),
        ("tháng sau", (D(2026, 6, 1), D(2026, 6, 30))),
        ("quý này", (D(2026, 4, 1), D(2026, 6, 30))),
        ("năm nay", (D(2026, 1, 1), D(2026, 12, 31))),
        ("15/5", (D(2026, 5, 15), D(2026, 5, 15))),
        ("15/5/2027", (D(2027, 5, 15), D(2027, 5, 15))),
        ("tháng 11", (D(2026, 11, 1), D(2026, 11, 30))),
        ("tháng 11/2025", (D(2025, 11, 1), D(2025, 11, 30))),
        ("quý III", (D(2026, 7, 1), D(2026, 9, 30))),
        ("2026-11", (D(2026, 11, 1), D(2026, 11, 30))),
        ("7 ngày tới", (D(2026, 5, 13), D(2026, 5, 20))),
    ],
)
def test_resolve_relative(phrase: str, expected: tuple[dt.date, dt.date]) -> None:
    assert resolve_relative(phrase, D(2026, 5, 13)) == expected  # a Wednesday


def test_resolve_relative_unknown() -> None:
    assert resolve_relative("bao giờ cũng được", D(2026, 5, 13)) is None
    assert resolve_relative("tháng 13", D(2026, 5, 13)) is None
    # December → next month wraps the year; a quarter in Q4 → next quarter is Q1 of next year.
    assert resolve_relative("tháng sau", D(2026, 12, 5)) == (D(2027, 1, 1), D(2027, 1, 31))
    assert resolve_relative("quý sau", D(2026, 11, 5)) == (D(2027, 1, 1), D(2027, 3, 31))


def test_recurrence_dataclass_is_hashable() -> None:
    """Recurrences are frozen values: equal ones collapse in a set (the task store dedups on them)."""
    a, b = Recurrence(period="month", text="hằng tháng"), Recurrence(period="month", text="hằng tháng")
    assert hash(a) == hash(b) and len({a, b, Recurrence(period="quarter", text="hằng quý")}) == 2
    assert _due("month", D(2024, 11, 1), D(2024, 11, 30)).end == D(2024, 11, 30)
