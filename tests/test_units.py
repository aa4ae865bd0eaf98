"""Unit catalogue: loading, name resolution, mentions, groups and successors (troly.units)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from troly.units import COMMUNE_GROUP, DEFAULT_PATH, UnitCatalogue


@pytest.fixture(scope="module")
def cat() -> UnitCatalogue:
    return UnitCatalogue.load()


def test_packaged_catalogue_loads_and_is_consistent(cat: UnitCatalogue) -> None:
    assert DEFAULT_PATH.exists()
    for unit_id in (
        "so-noi-vu",
        "so-tu-phap",
        "so-tai-chinh",
        "so-xay-dung",
        "so-cong-thuong",
        "so-nn-mt",
        "so-khcn",
        "so-gddt",
        "so-y-te",
        "so-vhttdl",
        "so-dttg",
        "thanh-tra-tinh",
        "vp-ubnd",
        "cong-an-tinh",
        "bch-quan-su",
        "tinh-doan",
        "bql-kkt",
        "bao-ptth",
        "bhxh-tinh",
        "thue-tinh",
        "buu-dien",
        "vnpt",
        "viettel",
        "mttq-tinh",
        "hlhpn",
        "trung-tam-pvhcc",
        "bcd-tinh",
    ):
        assert unit_id in cat, unit_id
    assert len(cat.members(COMMUNE_GROUP)) >= 25  # the 25 wards at least
    assert cat.ambiguous_aliases() == {}  # no spelling names two bodies


@pytest.mark.parametrize(
    ("name", "unit_id"),
    [
        ("Tỉnh đoàn", "tinh-doan"),
        ("Tỉnh Đoàn", "tinh-doan"),
        ("tinh doan", "tinh-doan"),
        ("Đoàn Thanh niên tỉnh", "tinh-doan"),
        ("BTV Tỉnh đoàn", "tinh-doan"),
        ("Sở Khoa học và Công nghệ", "so-khcn"),
        ("Sở KH&CN", "so-khcn"),
        ("Sở KHCN", "so-khcn"),
        ("sở kh&cn", "so-khcn"),
        ("Sở Khoa học - Công nghệ", "so-khcn"),
        ("so khoa hoc va cong nghe", "so-khcn"),
        ("Sở Khoa học", "so-khcn"),  # unique prefix
        ("Giám đốc Sở Y tế", "so-y-te"),
        ("Sở Nội vụ tỉnh Gia Lai", "so-noi-vu"),
        ("VP UBND tỉnh", "vp-ubnd"),
        ("VPUBND", "vp-ubnd"),
        ("Văn phòng Ủy ban nhân dân tỉnh", "vp-ubnd"),
        ("Văn phòng Uỷ ban nhân dân tỉnh", "vp-ubnd"),  # other tone placement
        ("Sở GD&ĐT", "so-gddt"),
        ("Sở VHTTDL", "so-vhttdl"),
        ("Ủy ban MTTQ Việt Nam tỉnh", "mttq-tinh"),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "mttq-tinh"),
        ("UBND các xã, phường", "g-xa-phuong"),
        ("Ủy ban nhân dân cấp xã", "g-xa-phuong"),
        ("các sở, ban, ngành", "g-so-nganh"),
        ("Các sở, ngành", "g-so-nganh"),
        ("UBND các huyện, TX, TP", "g-huyen"),
    ],
)
def test_resolve_spellings(cat: UnitCatalogue, name: str, unit_id: str) -> None:
    match = cat.resolve(name)
    assert match is not None, name
    assert match.unit.id == unit_id


def test_resolve_how(cat: UnitCatalogue) -> None:
    assert cat.resolve("Tỉnh đoàn").how == "name"
    assert cat.resolve("Sở KH&CN").how == "alias"
    assert cat.resolve("tinh doan").how == "folded"
    assert cat.resolve("Sở Khoa học").how == "prefix"


def test_resolve_rejects_accent_mismatch_and_nonsense(cat: UnitCatalogue) -> None:
    assert cat.resolve("Cá tính") is None  # accents typed are accents meant (not "CA tỉnh")
    assert cat.resolve("bánh mì") is None
    assert cat.resolve("") is None


def test_resolve_commune_catalogued_and_not(cat: UnitCatalogue) -> None:
    listed = cat.resolve("UBND xã Tây Sơn")
    assert listed.unit.id == "xa-tay-son" and listed.unit.catalogued
    folded = cat.resolve("ubnd xa tay son")
    assert folded.unit.id == "xa-tay-son"
    unlisted = cat.resolve("UBND xã Hòa Bình Tây")
    assert unlisted.how == "pattern" and not unlisted.unit.catalogued
    assert unlisted.unit.kind == "xã" and COMMUNE_GROUP in unlisted.unit.groups
    assert cat.resolve("phường Quy Nhơn Đông").unit.id == "phuong-quy-nhon-dong"


def test_successors_of_merged_departments(cat: UnitCatalogue) -> None:
    tttt = cat.resolve("Sở Thông tin và Truyền thông")
    assert tttt.unit.defunct and tttt.note
    assert [u.id for u in tttt.current] == ["so-khcn", "so-vhttdl"]
    assert [u.id for u in cat.resolve("Sở TN&MT").current] == ["so-nn-mt"]
    assert [u.id for u in cat.resolve("Sở Nông nghiệp và Phát triển nông thôn").current] == ["so-nn-mt"]
    assert [u.id for u in cat.resolve("Sở Kế hoạch và Đầu tư").current] == ["so-tai-chinh"]
    assert cat.resolve("Sở LĐ-TB&XH").current[0].id == "so-noi-vu"
    assert [u.id for u in cat.resolve("Sở Giao thông vận tải").current] == ["so-xay-dung"]
    districts = cat.resolve("UBND các huyện, thị xã, thành phố")
    assert [u.id for u in districts.current] == [COMMUNE_GROUP]
    assert cat.resolve("Sở Y tế").current == ()


def test_groups_of_and_members(cat: UnitCatalogue) -> None:
    groups = {g.id for g in cat.groups_of("so-y-te")}
    assert {"g-so-nganh", "g-so-nganh-dia-phuong", "g-co-quan-don-vi", "g-co-quan-don-vi-dia-phuong"} <= groups
    assert COMMUNE_GROUP not in groups
    commune_groups = {g.id for g in cat.groups_of("xa-tay-son")}
    assert {COMMUNE_GROUP, "g-so-nganh-dia-phuong", "g-co-quan-don-vi-dia-phuong"} <= commune_groups
    assert "g-so-nganh" not in commune_groups
    # Mass organisations are addressed separately, not as "các sở, ngành" or "các cơ quan, đơn vị".
    assert {g.id for g in cat.groups_of("tinh-doan")} == {"g-doan-the"}
    telecom = {u.id for u in cat.members("g-dn-vien-thong")}
    assert {"vnpt", "viettel"} <= telecom
    so_nganh = {u.id for u in cat.members("g-so-nganh")}
    assert {"so-y-te", "vp-ubnd", "cong-an-tinh", "thanh-tra-tinh"} <= so_nganh
    assert "tinh-doan" not in so_nganh


def test_expand_for_query(cat: UnitCatalogue) -> None:
    khcn = cat.expand_for_query_detailed("so-khcn")
    assert khcn["so-khcn"] == "self"
    assert khcn["so-tttt"] == "predecessor"  # tasks given to the old Sở TT&TT, flagged
    assert khcn["g-so-nganh"] == "group"
    commune = cat.expand_for_query(cat.resolve("UBND xã Tây Sơn"))
    assert {"xa-tay-son", COMMUNE_GROUP, "g-so-nganh-dia-phuong", "g-co-quan-don-vi-dia-phuong", "g-huyen"} <= commune
    unlisted = cat.expand_for_query(cat.resolve("xã Hòa Bình Tây").unit)
    assert COMMUNE_GROUP in unlisted
    assert cat.expand_for_query("tinh-doan") == {"tinh-doan", "g-doan-the"}
    old = cat.expand_for_query_detailed("so-tttt")
    assert old["so-khcn"] == "successor"
    assert cat.expand_for_query("Sở Y tế") >= {"so-y-te", "g-so-nganh"}  # a name works too


def test_find_mentions_in_real_sentences(cat: UnitCatalogue) -> None:
    text = (
        "Giao Công an tỉnh chủ trì, phối hợp với Sở Khoa học và Công nghệ, tập trung triển khai Trung tâm giám "
        "sát an toàn thông tin (SOC)"
    )
    found = [(m.text, m.unit_id) for m in cat.find_mentions(text)]
    assert found == [("Công an tỉnh", "cong-an-tinh"), ("Sở Khoa học và Công nghệ", "so-khcn")]
    text = "Thủ trưởng các cơ quan, đơn vị, địa phương trên địa bàn tỉnh:"
    assert [m.unit_id for m in cat.find_mentions(text)] == ["g-co-quan-don-vi-dia-phuong"]  # longest match
    text = "Yêu cầu các sở, ban, ngành và địa phương chủ động rà soát"
    assert [m.unit_id for m in cat.find_mentions(text)] == ["g-so-nganh-dia-phuong"]
    text = "- Bưu điện tỉnh, VNPT Gia Lai, Viettel Gia Lai;"
    assert [m.unit_id for m in cat.find_mentions(text)] == ["buu-dien", "vnpt", "viettel"]


def test_find_mentions_spans_and_statuses(cat: UnitCatalogue) -> None:
    text = "UBND xã Tây Sơn, xã Hòa Bình Tây và Sở Ngoại vụ tỉnh Kon Tum; Trung tâm Điều hành đô thị thông minh (IOC)"
    mentions = cat.find_mentions(text)
    assert [(m.text, m.status) for m in mentions] == [
        ("UBND xã Tây Sơn", "known"),
        ("xã Hòa Bình Tây", "uncatalogued"),
        ("Sở Ngoại vụ", "known"),
        ("Trung tâm Điều hành đô thị thông minh", "unknown"),
    ]
    for m in mentions:
        assert text[m.start : m.end] == m.text
    assert mentions[3].unit is None


def test_unknown_unit_looking_names_are_kept(cat: UnitCatalogue) -> None:
    mentions = cat.find_mentions("Ban Quản lý dự án Đầu tư xây dựng tỉnh tham mưu; Sở Du lịch chủ trì")
    unknown = [m.text for m in mentions if m.status == "unknown"]
    assert unknown == ["Ban Quản lý dự án Đầu tư xây dựng tỉnh", "Sở Du lịch"]  # "đầu tư xây dựng" is one noun
    # a name its abbreviation closes goes on to it, and a division of a catalogued body is that body's
    police = cat.find_mentions("phối hợp với Phòng Cảnh sát quản lý hành chính về trật tự xã hội (PC06) - Công an tỉnh")
    assert [(m.text, m.unit_id) for m in police] == [
        ("Phòng Cảnh sát quản lý hành chính về trật tự xã hội (PC06) - Công an tỉnh", "cong-an-tinh")
    ]
    assert [m.text for m in cat.find_mentions("giao Sở Y tế xây dựng kế hoạch; Sở Tư pháp báo cáo về kết quả")] == [
        "Sở Y tế",
        "Sở Tư pháp",
    ]
    # "Phát triển" inside a name, and "thực" that opens no verb ("thực phẩm"), go on the name.
    names = cat.find_mentions(
        "Công ty cổ phần Đầu tư và Phát triển Điện; Chi cục An toàn vệ sinh thực phẩm thực hiện kiểm tra"
    )
    assert [m.text for m in names] == ["Công ty cổ phần Đầu tư và Phát triển Điện", "Chi cục An toàn vệ sinh thực phẩm"]
    # the communes and wards in either order ("UBND các phường, xã", as cities write it)
    assert [m.unit_id for m in cat.find_mentions("Ủy ban nhân dân các phường, xã có trách nhiệm")] == ["g-xa-phuong"]
    # Ordinary words that start like a unit are not names.
    assert cat.find_mentions("Ban hành Kế hoạch; Bộ phận Một cửa; Báo cáo kết quả; mô hình “Xã hạt nhân số”") == []


def test_document_matching_is_accent_and_case_strict(cat: UnitCatalogue) -> None:
    assert cat.find_mentions("phát huy cá tính sáng tạo") == []
    assert cat.find_mentions("trong ca tỉnh táo") == []  # "CA tỉnh" needs capitals in a document
    # Accent-free text (a chat message) falls back to the folded key.
    assert [m.unit_id for m in cat.find_mentions("so y te va tinh doan")] == ["so-y-te", "tinh-doan"]


def test_admin_override_file(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text(
        textwrap.dedent(
            """
            groups:
              - {id: g-xa-phuong, name: UBND các xã, phường, member_kinds: [xã, phường]}
            units:
              - id: so-a
                name: Sở Du lịch
                kind: sở
                aliases: [Sở DL]
              - {id: xa-an-lao, name: xã An Lão, kind: xã}
            """
        ),
        encoding="utf-8",
    )
    cat = UnitCatalogue.load(path)
    assert cat.resolve("Sở DL").unit.id == "so-a"
    assert cat.resolve("UBND xã An Lão").unit.id == "xa-an-lao"
    assert [u.id for u in cat.members("g-xa-phuong")] == ["xa-an-lao"]


def test_bad_reference_in_catalogue_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "units.yaml"
    path.write_text("units:\n  - {id: a, name: Sở A, kind: sở, successor: nowhere}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="nowhere"):
        UnitCatalogue.load(path)


def test_unknown_names_follow_the_name_grammar(cat: UnitCatalogue) -> None:
    """A name the catalogue lacks runs from its head to its predicate: compound nouns ("Thường
    trực", "Ủy ban") and the level before a place ("… Việt Nam xã Lương Minh") stay in it, a body
    of a commune is not the commune, and a lower-case word after a proper name is the predicate."""

    def unknown(text: str) -> list[str]:
        return [m.text for m in cat.find_mentions(text) if m.status == "unknown"]

    assert unknown("Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh xây dựng kế hoạch") == [
        "Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương Minh"
    ]
    assert [m.status for m in cat.find_mentions("Ban Thường trực Ủy ban MTTQ xã Lương Minh")] == ["unknown"]
    assert unknown("yêu cầu Công ty Cổ phần Công nghiệp Khánh An nghiêm túc thực hiện") == [
        "Công ty Cổ phần Công nghiệp Khánh An"
    ]
    assert unknown("1. Công ty TNHH MTV Đầu tư, Xây dựng và Kinh doanh dịch vụ Quảng Ngãi") == [
        "Công ty TNHH MTV Đầu tư, Xây dựng và Kinh doanh dịch vụ Quảng Ngãi"
    ]
    assert unknown("Công ty cổ phần Xây dựng giao thông Yên Bái tiếp tục") == [
        "Công ty cổ phần Xây dựng giao thông Yên Bái"
    ]
    assert unknown("Văn phòng Cơ quan Ủy ban MTTQ xã tham mưu") == ["Văn phòng Cơ quan Ủy ban MTTQ xã"]
    assert unknown("Ủy ban Kiểm tra Đảng ủy xã thường xuyên phối hợp") == ["Ủy ban Kiểm tra Đảng ủy xã"]
    assert unknown("Ủy ban nhân dân xã Phong Hải chủ trì") == []  # the commune pattern's
    # A lower-case syllable of the name itself (no predicate after it) stays in.
    assert unknown("9. Công ty TNHH MTV Apatit Việt nam") == ["Công ty TNHH MTV Apatit Việt nam"]
    assert unknown("Công ty Cổ phần Lâm Nông Sản Thực phẩm Yên Bái 12/02/2026") == [
        "Công ty Cổ phần Lâm Nông Sản Thực phẩm Yên Bái"
    ]


def test_a_provincial_alias_before_a_lower_level_names_that_level_s_body(cat: UnitCatalogue) -> None:
    """ "Thường trực HĐND" alone means the province's; "Thường trực HĐND xã Ia Grai" is the commune's
    council, never the province's (a confident wrong unit on a commune's document)."""
    assert [m.unit.id for m in cat.find_mentions("Thường trực HĐND") if m.unit] == ["hdnd-tinh"]
    assert [m.unit.id for m in cat.find_mentions("Thường trực HĐND tỉnh") if m.unit] == ["hdnd-tinh"]
    assert [m.unit.id for m in cat.find_mentions("Thường trực HĐND xã Ia Grai") if m.unit] == ["xa-ia-grai"]
