"""The catalogue's layers: official communes/wards from vietnam-provinces (shipped data, no network),
the province's data files, and the units of before 1-7-2025 with their successors (troly.unit_sources)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from typer.testing import CliRunner

from troly.unit_sources import PROVINCES_DIR, official_units, province_name, province_slug
from troly.units import COMMUNE_GROUP, UnitCatalogue


@pytest.fixture(scope="module")
def cat() -> UnitCatalogue:
    return UnitCatalogue.load()


def live_communes(cat: UnitCatalogue) -> list:
    return [u for u in cat.members(COMMUNE_GROUP) if not u.defunct]


def test_gia_lai_has_the_135_units_of_nq_1664(cat: UnitCatalogue) -> None:
    """Nghị quyết 1664/NQ-UBTVQH15: 110 xã and 25 phường, each with its official code."""
    units = live_communes(cat)
    assert len(units) == 135
    assert Counter(u.kind for u in units) == {"xã": 110, "phường": 25}
    codes = [u.code for u in units]
    assert all(c and c.isdigit() for c in codes) and len(set(codes)) == 135
    assert cat.province == "Gia Lai"
    official = official_units("Gia Lai")
    assert {u.code for u in official} == set(codes)


def test_existing_ids_stay_stable(cat: UnitCatalogue) -> None:
    """Ids of the hand-made catalogue are the ids the official list gets (tasks and ideas store them)."""
    for uid, code in (("xa-tay-son", None), ("phuong-quy-nhon-dong", "21601"), ("xa-dak-doa", None)):
        unit = cat.get(uid)
        assert unit is not None and unit.code and not unit.defunct, uid
        assert code is None or unit.code == code
    assert cat.resolve("xã Đắk Đoa").unit.id == "xa-dak-doa"  # an alias kept from units.yaml
    assert cat.resolve("UBND xã Ia Hrú").unit.catalogued  # once pattern-only, now official
    # Listed by hand before the official list; no commune has the name: kept, pointing to the seat.
    assert [u.id for u in cat.resolve("xã Krông Pa").current] == ["xa-phu-tuc"]


def test_departments_come_from_the_province_file(cat: UnitCatalogue) -> None:
    assert (PROVINCES_DIR / "gia-lai.yaml").exists()
    for name, uid in (
        ("Sở Tài chính", "so-tai-chinh"),
        ("Sở Nông nghiệp và Môi trường", "so-nn-mt"),
        ("Sở Dân tộc và Tôn giáo", "so-dttg"),
        ("Văn phòng UBND tỉnh", "vp-ubnd"),
        ("Ban Quản lý Khu kinh tế", "bql-kkt"),
        ("Hội LHPN tỉnh", "hlhpn"),
        ("LĐLĐ tỉnh", "ldld"),
        ("UBND tỉnh Gia Lai", "ubnd-tinh"),  # merged into the generic entry of units.yaml
    ):
        assert cat.resolve(name).unit.id == uid, name


@pytest.mark.parametrize(
    ("name", "unit_id", "successor"),
    [
        ("UBND huyện Chư Păh", "huyen-chu-pah", "xa-chu-pah"),
        ("thị xã An Khê", "huyen-an-khe", "phuong-an-khe"),
        ("thành phố Quy Nhơn", "huyen-quy-nhon", "phuong-quy-nhon"),
        ("huyen chu pah", "huyen-chu-pah", "xa-ia-ly"),
        ("thị trấn Phú Hòa", "thi-tran-phu-hoa", "xa-chu-pah"),
        ("xã Hà Tây", "xa-ha-tay", "xa-ia-khuol"),
    ],
)
def test_former_units_map_to_their_successors(cat: UnitCatalogue, name: str, unit_id: str, successor: str) -> None:
    match = cat.resolve(name)
    assert match.unit.id == unit_id and match.unit.defunct and match.unit.catalogued
    assert str(match.unit.valid_until) == "2025-06-30"
    assert successor in {u.id for u in match.current}
    assert all(u.kind in ("xã", "phường") and not u.defunct for u in match.current)


def test_a_commune_sees_the_tasks_of_the_district_it_replaced(cat: UnitCatalogue) -> None:
    reasons = cat.expand_for_query_detailed("xa-chu-pah")
    assert reasons["huyen-chu-pah"] == "predecessor" and reasons["thi-tran-phu-hoa"] == "predecessor"
    assert reasons["g-huyen"] == "predecessor-group" and reasons[COMMUNE_GROUP] == "group"
    # Two former wards named Tây Sơn (Pleiku, An Khê): both successors kept.
    assert {u.id for u in cat.resolve("phường Tây Sơn").current} == {"phuong-pleiku", "phuong-an-khe"}


def test_a_live_commune_wins_over_a_former_one_of_the_same_name(cat: UnitCatalogue) -> None:
    assert not cat.resolve("xã Tây Sơn").unit.defunct
    assert not cat.resolve("phường Hội Phú").unit.defunct


def test_lam_dong_from_the_official_list_alone() -> None:
    """A province without data files: communes, wards and its special zone, plus the generic groups."""
    assert not (PROVINCES_DIR / f"{province_slug('Lâm Đồng')}.yaml").exists()
    cat = UnitCatalogue.load(province="Lâm Đồng")
    units = live_communes(cat)
    assert len(units) == 124 and Counter(u.kind for u in units) == {"xã": 103, "phường": 20, "đặc khu": 1}
    assert len({u.code for u in units}) == 124 and len({u.id for u in units}) == 124
    assert cat.province == "Lâm Đồng" and "so-noi-vu" not in cat and "g-so-nganh" in cat
    dashed = next(u for u in units if " - " in u.name)  # "phường X - Y": also found as "phường X"
    assert cat.resolve(dashed.name.split(" - ")[0]).unit.id == dashed.id
    special = next(u for u in units if u.kind == "đặc khu")
    assert cat.resolve(f"UBND {special.name}").unit.id == special.id


def test_province_names() -> None:
    assert province_name("gia lai") == "Gia Lai"
    assert province_name("Tỉnh Lâm Đồng") == "Lâm Đồng"
    assert province_name("TP Hồ Chí Minh") == "Hồ Chí Minh"
    assert province_slug("Lâm Đồng") == "lam-dong"
    with pytest.raises(ValueError, match="Gia Lai"):
        province_name("Bình Định")  # merged into Gia Lai: not a province since 1-7-2025


def test_cli_units_lists_a_province(ctx, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from troly import context as root
    from troly.cli import app

    monkeypatch.setattr(root, "open_context", lambda: ctx)
    runner = CliRunner()
    res = runner.invoke(app, ["units", "--province", "Gia Lai", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert len(data["communes"]) == 135 and all(r["code"] for r in data["communes"])
    assert {"so-tai-chinh", "tinh-doan", "mttq-tinh", "cong-an-tinh"} <= {r["id"] for r in data["bodies"]}
    assert data["bodies"][0]["kind"] == "sở"  # departments first
    assert "huyen-chu-pah" in {r["id"] for r in data["former"]}
    res = runner.invoke(app, ["units", "--province", "Gia Lai"], env={"COLUMNS": "200"})
    assert "Xã, phường, đặc khu — Gia Lai: 135 đơn vị (25 phường, 110 xã)" in res.output
    assert "21601" in res.output and "Sở Tư pháp" in res.output
    res = runner.invoke(app, ["units", "--province", "Lâm Đồng", "--json"])
    assert res.exit_code == 0 and len(json.loads(res.output)["communes"]) == 124
    res = runner.invoke(app, ["units", "--province", "Bình Định"])
    assert res.exit_code == 2 and "không có tỉnh" in res.output
