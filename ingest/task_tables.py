"""Tasks from task table rows, and a document's tasks in reading order (prose and tables).

The loaders write each row of a task table as one line (:mod:`ingest.table_rows`); the chunker
keeps it as one passage. Each row is one task:

* duty: the duty cell, as written;
* lead units: the units the "chủ trì" / "đơn vị thực hiện" cell names, found with the unit
  catalogue as in prose; a cell is a list of names, so its ";"-separated parts are read one by
  one, and a part naming no catalogue unit is kept as the names it lists (units the catalogue
  lacks: "Trung tâm …", "Sở A, Sở B");
* cooperating units: the "phối hợp" cell, read the same way, without the generic ones ("các cơ
  quan, đơn vị liên quan", "các Sở, ban, ngành": see ``ingest.tasks.generic_partner``) and without parties that are only described ("các tổ chức, cá nhân …");
* due: the time cell read by the shared deadline parser with its precision ("Quý II/2026" ->
  the quarter, "tháng 5/2026" -> the month, "trước ngày 01/01/2030" -> that day; a year alone ->
  that year); "Hằng năm" is a recurrence; "Thường xuyên" sets neither and nothing is invented;
* role: "lead" under a "chủ trì" header, "assigned" under "đơn vị thực hiện" and the like.

A row that names no unit at all is still the table's task ("unassigned"). The issuer side (UBND
tỉnh, HĐND, the party committee) is never an assignee, as in prose. News and reports yield no
table tasks: a report's table records work, it does not assign it.
"""

from __future__ import annotations

import datetime as dt
import re

from ingest.metadata import PROVINCES
from ingest.table_rows import TableRow, column_kind, parse_row
from ingest.tasks import (
    _HOME_PROVINCE,
    _ISSUER_KINDS,
    _LAW_TYPES,
    Assignee,
    AssigneeRole,
    ExtractedTask,
    _assigns_nothing,
    _doc_type,
    _foreign_names,
    _historical,
    _is_news,
    _is_report,
    _law_part_assigns,
    _merge,
    _type_in,
    extract_tasks,
    generic_partner,
)
from troly.dates import Due, find_dues, parse_due, parse_quota, parse_recurrence
from troly.text import collapse_ws, fold
from troly.types import Chunk, DocumentMeta
from troly.units import UnitCatalogue

_VAGUE_TAIL = re.compile(r"^\s*(?:có\s+)?liên\s+quan", re.IGNORECASE)
"""A group only described ("các sở, ngành liên quan"): no cooperating unit."""

__all__ = ["extract_document_tasks", "table_tasks"]

_PART_SEP = re.compile(r"\s*;\s*|\n")
# "Sở Tư pháp, Sở Nội vụ": names the grammar read as one, split where a capitalised name restarts.
_NAME_SEP = re.compile(r",\s+(?=[A-ZĐÀ-Ỹ])")
_DESCRIBED = re.compile(r"^(?:các|những|mỗi|toàn\s+thể|tất\s+cả)\s", re.IGNORECASE)
_NAME_MAX_WORDS = 12
# One head over several places: "UBND các tỉnh Lào Cai, Yên Bái", "Ủy ban nhân dân thành phố Hà Nội,
# Thành phố Hồ Chí Minh" name one body per place.
_PLACES_HEAD = re.compile(
    r"^(?P<head>(?:Chủ\s+tịch\s+)?(?:Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|UBND|Hội\s+đồng\s+nhân\s+dân|HĐND))\s+"
    r"(?:các\s+)?(?P<kind>tỉnh|thành\s+phố|huyện|xã|phường)\s+(?P<places>[A-ZĐÀ-Ỹ].*)$",
    re.IGNORECASE,
)
_PLACE_KIND = re.compile(r"^(?:tỉnh|thành\s+phố|huyện|xã|phường|thị\s+xã|đặc\s+khu)\s+[A-ZĐÀ-Ỹ]", re.IGNORECASE)
_PLACE_SEP = re.compile(r"\s*,\s*|\s+và\s+")
_PLACE_MAX_WORDS = 5
_PROVINCE_KEYS = frozenset(fold(p) for p in PROVINCES)
_YEAR_ONLY = re.compile(r"^(?:năm\s+)?(?P<y>(?:19|20)\d{2})$", re.IGNORECASE)


def _lead_role(label: str) -> AssigneeRole:
    return "lead" if "chu tri" in fold(label) else "assigned"


def _names(
    cell: str, catalogue: UnitCatalogue, *, cooperate: bool, home: tuple[str, ...] = ()
) -> list[tuple[str, str | None]]:
    """(name, unit id) of the units one cell names, in order.

    A cell holds names and nothing else: a part (between ";") in which the catalogue knows no unit
    is read whole as the names it lists ("Trung tâm Điều phối …", "Sở A, Sở B"), where the grammar
    of names written in running text might stop early. Another province's body ("UBND tỉnh Lào
    Cai" in a central body's table) is named as written, as in prose: not the catalogue's UBND
    tỉnh. ``home``: the catalogue's provinces and the document's own.
    """
    homes = {fold(h) for h in home}
    out: list[tuple[str, str | None]] = []
    for piece in _PART_SEP.split(cell):
        for part, place in _places_apart(piece.strip(" ,.")):
            if place is not None and fold(place) in _PROVINCE_KEYS and fold(place) not in homes:
                out.append((part, None))
            elif part:
                out.extend(_part_names(part, catalogue, cooperate=cooperate, home=home))
    return out


def _part_names(
    part: str, catalogue: UnitCatalogue, *, cooperate: bool, home: tuple[str, ...]
) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    mentions = catalogue.find_mentions(part)
    if any(m.unit is not None for m in mentions):
        foreign = _foreign_names(part, mentions, home)
        for k, m in enumerate(mentions):
            if k in foreign:
                out.append((foreign[k], None))
                continue
            if m.unit is None:
                out.extend((collapse_ws(n), None) for n in _NAME_SEP.split(m.text) if n.strip())
                continue
            if m.unit.kind in _ISSUER_KINDS:
                continue
            vague = m.unit.is_group and (_VAGUE_TAIL.match(part[m.end :]) or "liên quan" in m.text.lower())
            if not (cooperate and (vague or generic_partner(m.unit))):
                out.append((collapse_ws(m.text), m.unit.id))
        return out
    for name in (collapse_ws(n) for n in _NAME_SEP.split(part)):
        if not name[:1].isupper() or len(name.split()) > _NAME_MAX_WORDS:
            continue
        if _DESCRIBED.match(name) and (cooperate or "liên quan" in name.lower()):
            continue  # a party described, not named ("các tổ chức, cá nhân …"), or a generic one
        near = catalogue.resolve(name)
        if near is not None and near.how == "fuzzy" and near.unit.kind not in _ISSUER_KINDS:
            out.append((near.unit.name, near.unit.id))  # a slip of OCR or typing: "Bô Tài chính"
            continue
        out.append((name, None))
    return out


def _places_apart(part: str) -> list[tuple[str, str | None]]:
    """One name per place where a head is shared, each with its place: "UBND các tỉnh Lào Cai, Yên
    Bái" -> ("UBND tỉnh Lào Cai", "Lào Cai"), ("UBND tỉnh Yên Bái", "Yên Bái"); a place written with
    its own kind keeps it ("UBND thành phố Hà Nội, Thành phố Hồ Chí Minh" -> "… UBND Thành phố Hồ Chí
    Minh"). Words after the places ("và các địa phương") stay a part of their own (no place); a part
    naming one place or none is returned unchanged."""
    m = _PLACES_HEAD.match(part)
    if m is None:
        return [(part, None)]
    items = _PLACE_SEP.split(m.group("places"))
    head, kind = m.group("head"), collapse_ws(m.group("kind").lower())
    names: list[tuple[str, str | None]] = []
    for k, item in enumerate(items):
        words = item.split()
        if not words or not all(w[:1].isupper() for w in words if w.lower() != "phố") or len(words) > _PLACE_MAX_WORDS:
            if len(names) < 2:
                return [(part, None)]
            return [*names, (", ".join(items[k:]), None)]
        kind_of_its_own = _PLACE_KIND.match(item)
        place = item[kind_of_its_own.end() - 1 :] if kind_of_its_own else item
        names.append((f"{head} {item}" if kind_of_its_own else f"{head} {kind} {item}", place))
    return names if len(names) >= 2 else [(part, None)]


def _home(meta: DocumentMeta, catalogue: UnitCatalogue) -> tuple[str, ...]:
    """The catalogue's provinces and the issuer's ("UBND tỉnh Lào Cai" -> "Lào Cai")."""
    m = _HOME_PROVINCE.search(meta.issuer or "")
    return catalogue.province_names + ((m.group("name").strip(),) if m else ())


def _due(row: TableRow, day: dt.date | None) -> tuple[Due | None, list[Due]]:
    """The row's deadline (first of its time cells) and every deadline those cells write."""
    when = " ".join(value for _, value in row.values("due"))
    if not when:
        return None, []
    due = parse_due(when, ref=day)
    if due is None and (m := _YEAR_ONLY.match(when.strip(" .;"))):
        due = parse_due(f"năm {m.group('y')}", ref=day)  # a year alone in a time column sets that year
    dues = [d for d in find_dues(when, ref=day) if not _historical(d, day)]
    if due is not None and _historical(due, day):
        due = dues[0] if dues else None
    return due, dues or ([due] if due else [])


def _row_task(row: TableRow, index: int, chunk: Chunk, meta: DocumentMeta, catalogue: UnitCatalogue) -> ExtractedTask:
    assignees: list[Assignee] = []
    home = _home(meta, catalogue)
    for label, value in row.fields:
        kind = column_kind(label)
        if kind == "lead":
            role = _lead_role(label)
            assignees += [Assignee(n, uid, role) for n, uid in _names(value, catalogue, cooperate=False, home=home)]
    for label, value in row.fields:
        if column_kind(label) == "cooperate":
            assignees += [
                Assignee(n, uid, "cooperate") for n, uid in _names(value, catalogue, cooperate=True, home=home)
            ]
    everyone = _merge(assignees)
    primary = [a for a in everyone if a.role != "cooperate"]
    ref = meta.known_date
    due, dues = _due(row, ref)
    when = " ".join(value for _, value in row.values("due"))
    return ExtractedTask(
        assignees=everyone,
        role=primary[0].role if primary else "unassigned",
        text=row.duty,
        due=due,
        recurrence=parse_recurrence(when, ref=ref) or parse_recurrence(row.duty, ref=ref),
        quota=parse_quota(row.duty),
        section=chunk.section,
        heading_path=list(chunk.heading_path),
        passage=chunk.text,
        ordinal=0,
        dues=dues,
        chunk_index=index,
        unknown_units=[a.name for a in everyone if a.unit_id is None and not _DESCRIBED.match(a.name)],
    )


def table_tasks(chunks: list[Chunk], meta: DocumentMeta, *, catalogue: UnitCatalogue) -> list[ExtractedTask]:
    """One task per task table row of ``chunks``, in order (see the module docstring)."""
    if _is_news(meta) or _is_report(meta) or _assigns_nothing(meta):
        return []
    tasks: list[ExtractedTask] = []
    for index, chunk in enumerate(chunks):
        if not _law_part_assigns(meta, chunk.heading_path) and _type_in(_doc_type(meta), _LAW_TYPES):
            # A decree's annex forms and cost tables are law, not assignments; a Government
            # resolution's annex task table ("Nghị quyết … ban hành Kế hoạch …") assigns its rows.
            continue
        for line in chunk.text.splitlines():
            row = parse_row(line.strip())
            if row is not None:
                tasks.append(_row_task(row, index, chunk, meta, catalogue))
    return tasks


_WORD = re.compile(r"\w+")
# Share of the shorter duty's words the other must hold for an appendix row to restate a body task.
_RESTATED = 0.6
_RESTATED_WORDS = 30


def _words(text: str) -> set[str]:
    return set(_WORD.findall(fold(text)[:400]))


def _restates(row: ExtractedTask, task: ExtractedTask, task_words: set[str]) -> bool:
    """The appendix row gives the same unit the same duty as a task of the body (a plan's summary
    table repeating its section IV): same lead units, and most words of the shorter duty shared
    (``task_words``: the body task's words, read once per document)."""
    units = {a.unit_id or a.name for a in row.primary()}
    if not units or units != {a.unit_id or a.name for a in task.primary()}:
        return False
    known = {a.unit_id or a.name for a in task.assignees}
    if any((a.unit_id or a.name) not in known for a in row.assignees):
        return False  # the row brings partners the body does not name: its own task, where they are read
    a = set(_WORD.findall(fold(row.text))[:_RESTATED_WORDS])
    b = task_words
    if not a or not b:
        return False
    return len(a & b) / min(len(a), len(b)) >= _RESTATED


def _fold_restated(prose: list[ExtractedTask], rows: list[ExtractedTask]) -> list[ExtractedTask]:
    """Rows that restate a body task are that task: the row's deadline goes to it (the table is often
    where the plan gives the date) and the row is not a second task."""
    kept: list[ExtractedTask] = []
    words = [_words(t.text) for t in prose]
    for row in rows:
        earlier = [
            t for t, w in zip(prose, words, strict=True) if t.chunk_index < row.chunk_index and _restates(row, t, w)
        ]
        if not earlier:
            kept.append(row)
            continue
        task = earlier[0]
        if row.due is not None and (task.due is None or task.due_inherited):
            task.due, task.due_inherited = row.due, False
        task.dues.extend(d for d in row.dues if d not in task.dues)
        task.recurrence = task.recurrence or row.recurrence
    return kept


def extract_document_tasks(chunks: list[Chunk], meta: DocumentMeta, *, catalogue: UnitCatalogue) -> list[ExtractedTask]:
    """Every task of a document in reading order: the prose assignments (:func:`ingest.tasks.extract_tasks`,
    which leaves table rows alone) and one task per task table row, but for rows that restate a body
    task (folded into it, see ``_fold_restated``)."""
    prose = extract_tasks(chunks, meta, catalogue=catalogue)
    rows = _fold_restated(prose, table_tasks(chunks, meta, catalogue=catalogue))
    if not rows:
        return prose
    merged = sorted(prose + rows, key=lambda t: t.chunk_index)  # stable: prose order kept within a chunk
    for n, task in enumerate(merged):
        task.ordinal = n
    return merged
