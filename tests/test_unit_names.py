"""Units are whatever the documents name: a name indexed documents use is found (accents, case, typos,
abbreviations), listed, and can be attached to the catalogue by an admin (troly.units, troly.unit_store)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from troly.models import DocumentRow, TaskAssigneeRow, TaskRow, UnknownUnitRow
from troly.store import bump_passages_generation
from troly.units import DOCUMENT_KIND, UnitAttachment, UnitCatalogue, document_unit_id

# The main assignee of a real conclusion notice (issue 12), unknown to the packaged catalogue.
XTDT = "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch"
XTDT_ID = document_unit_id(XTDT)


@pytest.fixture(scope="module")
def base() -> UnitCatalogue:
    return UnitCatalogue.load()


@pytest.fixture(scope="module")
def named(base: UnitCatalogue) -> UnitCatalogue:
    return base.with_document_names({XTDT: 2, "Sở Du lịch": 1, "Sở Y tế": 4})


@pytest.mark.parametrize(
    "query",
    [
        XTDT,
        "trung tâm xúc tiến đầu tư, thương mại và du lịch",
        "Trung tam Xuc tien Dau tu Thuong mai va Du lich",  # no accents
        "Trung tâm Xúc tiến Đầu tư Thương mai và Du lich",  # some accents left out
        "Trung tâm Xúc tiến Đầu tư, Thương mạu và Du lịch",  # a typo
        "Trung tam Xuc tien Dau tư Thuong mai Du lic",  # accents and a typo
        "TT Xúc tiến Đầu tư, Thương mại và Du lịch",  # abbreviation of "Trung tâm"
        "TT XTĐT, TM và DL",  # initials
        "Giám đốc Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch",
    ],
)
def test_a_document_named_unit_is_found(named: UnitCatalogue, query: str) -> None:
    match = named.resolve(query)
    assert match is not None, query
    assert match.unit.id == XTDT_ID and match.unit.kind == DOCUMENT_KIND and match.unit.from_documents


def test_document_names_are_units_of_their_own(base: UnitCatalogue, named: UnitCatalogue) -> None:
    assert base.resolve(XTDT) is None and XTDT_ID not in base  # the base catalogue is unchanged
    unit = named.get(XTDT_ID)
    assert unit.name == XTDT and not unit.catalogued and named.document_count(XTDT_ID) == 2
    assert "vb-so-y-te" not in named  # a name the catalogue knows stays the catalogue's unit
    assert named.resolve("Sở Du lịch").unit.id == "vb-so-du-lich"
    assert named.expand_for_query(XTDT_ID) == {XTDT_ID}
    other = base.with_document_names(["Sở Khoa học và Công nghệ tỉnh Kon Tum"])
    assert other.resolve("Sở Khoa học").unit.id == "so-khcn"  # the catalogue's unit keeps its prefix
    # Found in text too: still "unknown" for review, but with its unit (questions can name it).
    [m] = [m for m in named.find_mentions(f"Giao {XTDT} chủ trì, phối hợp Sở Y tế") if m.unit_id == XTDT_ID]
    assert m.status == "unknown" and m.text == XTDT


def test_names_that_occur_nowhere_stay_unknown(named: UnitCatalogue) -> None:
    assert named.resolve("Trung tâm Xúc tiến Du lịch") is None  # a different (shorter) body
    assert named.resolve("Trung tâm Điều hành đô thị thông minh") is None
    assert named.resolve("Cá tính") is None and named.resolve("bánh mì") is None


def test_typos_in_catalogued_names(base: UnitCatalogue) -> None:
    assert base.resolve("Sở Tư Phap").unit.id == "so-tu-phap"
    assert base.resolve("Sở Y tê").unit.id == "so-y-te"
    assert base.resolve("xã Ia Hrúu").unit.id == "xa-ia-hru"  # a typo of a listed commune, not a new one
    assert base.resolve("UBND xã Ia Hrúu").unit.id == "xa-ia-hru"
    # two typos in a two-word name is another commune (of another province), not "xã Ia Phí"
    assert base.resolve("Ủy ban nhân dân xã Gia Phú").unit.id == "xa-gia-phu"
    assert base.resolve("Sở Khoa hoc va Cong nghe").how == "fuzzy"


def test_attachments(named: UnitCatalogue) -> None:
    cat = named.with_document_names(
        {XTDT: 2, "Ban Quản lý dự án Đầu tư xây dựng tỉnh": 1, "Tổ công tác 06 tỉnh": 1},
        [
            UnitAttachment(XTDT, "so-vhttdl", "alias"),
            UnitAttachment("Ban Quản lý dự án Đầu tư xây dựng tỉnh", "so-xay-dung", "successor-of"),
            UnitAttachment("Tổ công tác 06 tỉnh", "g-thanh-vien-bcd", "member-of"),
            UnitAttachment("Ban Không Có", "nowhere", "alias"),  # skipped with a warning
        ],
    )
    match = cat.resolve("TT XTĐT, TM và DL")
    assert match.unit.id == "so-vhttdl"
    assert cat.resolve(XTDT).how == "alias"
    assert cat.get(XTDT_ID).id == "so-vhttdl" and XTDT_ID in cat  # rows stored under the old id still resolve
    assert cat.expand_for_query_detailed("so-vhttdl")[XTDT_ID] == "self"
    assert cat.document_spellings({"so-vhttdl"}) == {XTDT: "so-vhttdl"}
    old = cat.resolve("Ban Quản lý dự án Đầu tư xây dựng tỉnh")
    assert [u.id for u in old.current] == ["so-xay-dung"]
    assert cat.expand_for_query_detailed("so-xay-dung")[old.unit.id] == "predecessor"
    member = cat.resolve("Tổ công tác 06 tỉnh").unit
    assert "g-thanh-vien-bcd" in {g.id for g in cat.groups_of(member)}
    assert [m.status for m in cat.find_mentions(f"Giao {XTDT} chủ trì")] == ["known"]


def _seed(ctx, doc_id: str = "tb-912") -> None:  # type: ignore[no-untyped-def]
    """One indexed notice whose task names XTDT without a catalogue id (as ingest stores unknowns)."""
    with ctx.db.transaction() as session:
        session.add(
            DocumentRow(
                id=doc_id,
                source_path=f"/docs/{doc_id}.docx",
                file_name=f"{doc_id}.docx",
                file_sha256="0" * 64,
                file_size=1,
                source_format="docx",
                index_key="test",
                number="912/TB-UBND",
                date=dt.date(2025, 7, 5),
            )
        )
        session.flush()
        task = TaskRow(doc_id=doc_id, ordinal=1, text="Xây dựng kế hoạch xúc tiến đầu tư năm 2026.", role="lead")
        task.assignees = [TaskAssigneeRow(position=0, name=XTDT, unit_id=None, role="lead")]
        session.add(task)
        session.add(UnknownUnitRow(name=XTDT, doc_id=doc_id))
        bump_passages_generation(session=session)


def test_context_catalogue_knows_document_names_and_attachments(ctx, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from retrieval.directives import TaskFinder
    from troly import context as root
    from troly.cli import app

    assert ctx.catalogue().resolve(XTDT) is None
    _seed(ctx)
    cat = ctx.catalogue()  # rebuilt: the passage generation moved
    assert cat.resolve("trung tam xuc tien dau tu thuong mai du lich").unit.id == XTDT_ID
    assert ctx.catalogue() is cat  # and not again while nothing changes
    tasks = ctx.task_finder().tasks(unit="TT XTĐT, TM và DL").tasks
    assert [t.text for t in tasks] == ["Xây dựng kế hoạch xúc tiến đầu tư năm 2026."]

    monkeypatch.setattr(root, "open_context", lambda: ctx)
    runner = CliRunner()
    res = runner.invoke(app, ["units", "--json"])
    assert res.exit_code == 0, res.output
    [row] = json.loads(res.output)["document_names"]
    assert (row["id"], row["name"], row["documents"]) == (XTDT_ID, XTDT, 1)
    res = runner.invoke(app, ["units"], env={"COLUMNS": "200"})
    assert "Đơn vị nêu trong văn bản, chưa có trong danh mục (1)" in res.output and XTDT in res.output
    res = runner.invoke(app, ["units", "--unknown", "--json"])
    assert json.loads(res.output) == [{"name": XTDT, "documents": 1}]

    res = runner.invoke(app, ["units", "attach", XTDT, "--to", "so-tu-phap", "--as", "member-of"])
    assert res.exit_code == 2 and "not a group" in res.output
    res = runner.invoke(app, ["units", "attach", XTDT, "--to", "nowhere"])
    assert res.exit_code == 2
    res = runner.invoke(app, ["units", "attach", XTDT, "--to", "so-vhttdl"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "Đã gắn" in res.output and "Sở Văn hóa, Thể thao và Du lịch" in res.output

    cat = ctx.catalogue()
    assert cat.resolve(XTDT).unit.id == "so-vhttdl"
    assert cat.resolve("Trung tam Xuc tien Dau tu Thuong mai Du lich").unit.id == "so-vhttdl"
    mine = ctx.task_finder().tasks(unit="Sở VHTTDL").tasks  # the row stored without an id, found by name
    assert [t.text for t in mine] == ["Xây dựng kế hoạch xúc tiến đầu tư năm 2026."]
    assert json.loads(runner.invoke(app, ["units", "--json"]).output)["document_names"] == []

    res = runner.invoke(app, ["units", "detach", XTDT])
    assert res.exit_code == 0
    assert ctx.catalogue().resolve(XTDT).unit.id == XTDT_ID
    assert runner.invoke(app, ["units", "detach", XTDT]).exit_code == 1
