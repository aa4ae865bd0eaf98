"""Catalogue of the bodies that directives assign tasks to, and matching of their names.

Why: a directive writes "Sở KH&CN", "Sở Khoa học và Công nghệ" or "các sở, ban, ngành"; a user
types "so khcn" or "UBND xã Tây Sơn". troly must see that these name the same body, that a commune
is a member of "UBND các xã, phường", and that tasks given to Sở Thông tin và Truyền thông before
the 2025 mergers now concern Sở Khoa học và Công nghệ. The facts live in an admin-editable YAML
file (``troly/data/units.yaml``); this module only loads and matches.

Matching works on word tokens: NFC with one tone convention, lowercased, punctuation and "và"
ignored, "Ủy ban nhân dân" == "UBND". Documents are matched accent-sensitively (an accent-free
key would read "cá tính" as "CA tỉnh"); user queries and accent-free text also fall back to the
folded key. All-caps abbreviation tokens of an alias ("CA", "SYT") must be capitals in documents.

Any "xã X" / "phường X" is accepted as a commune/ward member of the commune-ward group even when
the file does not list it (``catalogued=False``), and unit-looking names that match nothing
("Sở …", "Trung tâm …", "Ban …") come back as ``unknown`` mentions for an admin to review.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeGuard

import yaml

from troly.text import canonical, collapse_ws, fold, nfc
from troly.types import AttachRelation
from troly.unit_keys import Tok
from troly.unit_keys import fold_key as _fkey
from troly.unit_keys import key as _key
from troly.unit_keys import slug as _slug
from troly.unit_keys import tokens as _tokens
from troly.unit_match import FuzzyIndex

__all__ = [
    "ATTACH_RELATIONS",
    "COMMUNE_GROUP",
    "DEFAULT_PATH",
    "DOCUMENT_ID_PREFIX",
    "DOCUMENT_KIND",
    "Mention",
    "Unit",
    "UnitAttachment",
    "UnitCatalogue",
    "UnitMatch",
    "document_unit_id",
    "is_attach_relation",
]

logger = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).parent / "data" / "units.yaml"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: Group that every commune and ward belongs to (also those recognised by pattern only).
COMMUNE_GROUP = "g-xa-phuong"
PROVINCE_COUNCIL = "hdnd-tinh"  # the province's People's Council (a bare "HĐND" beside "UBND tỉnh X")
#: Group of the former districts (dissolved 1-7-2025).
DISTRICT_GROUP = "g-huyen"

GROUP_KIND = "nhóm"
COMMUNE_KINDS = frozenset({"xã", "phường", "đặc khu", "thị trấn"})
#: Kind of a unit known only because indexed documents name it (not in the catalogue's files).
DOCUMENT_KIND = "tên trong văn bản"
#: Id prefix of units named by documents (``document_unit_id``).
DOCUMENT_ID_PREFIX = "vb-"

MatchHow = Literal["name", "alias", "folded", "pattern", "prefix", "mention", "fuzzy"]
MentionStatus = Literal["known", "uncatalogued", "unknown"]
ATTACH_RELATIONS: tuple[AttachRelation, ...] = ("alias", "member-of", "successor-of")


def is_attach_relation(value: str) -> TypeGuard[AttachRelation]:
    """Whether ``value`` names a relation ``troly units attach`` records."""
    return value in ATTACH_RELATIONS


# --------------------------------------------------------------------------------------------
# Data types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unit:
    """One body or group. Groups have ``kind == "nhóm"`` and list members by kind or sub-group."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()
    note: str | None = None
    valid_until: dt.date | None = None
    catalogued: bool = True
    member_kinds: tuple[str, ...] = ()
    includes: tuple[str, ...] = ()
    code: str | None = None  # official GSO code (communes, wards, former districts)

    @property
    def is_group(self) -> bool:
        return self.kind == GROUP_KIND

    @property
    def defunct(self) -> bool:
        """The body no longer exists (merged, dissolved)."""
        return bool(self.successors)

    @property
    def from_documents(self) -> bool:
        """Known because documents name it (or an admin attached such a name), not from the files."""
        return self.id.startswith(DOCUMENT_ID_PREFIX)


@dataclass(frozen=True, slots=True)
class UnitAttachment:
    """An admin's decision about a name documents use: an alias of, a member of (a group), or a
    former body succeeded by, the catalogue unit ``unit_id``. Stored in SQL, applied at load."""

    name: str
    unit_id: str
    relation: AttachRelation = "alias"


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """Result of :meth:`UnitCatalogue.resolve`.

    ``successors`` are the direct successors of a defunct unit, ``current`` the units that exist
    today at the end of the successor chain; both are empty for a live unit.
    """

    unit: Unit
    how: MatchHow
    query: str
    successors: tuple[Unit, ...] = ()
    current: tuple[Unit, ...] = ()

    @property
    def note(self) -> str | None:
        return self.unit.note


@dataclass(frozen=True, slots=True)
class Mention:
    """A unit name found in text. Spans index ``canonical(nfc(text))`` (same length as NFC input).

    ``unknown`` mentions have no unit, except names that other indexed documents already use: those
    carry their document-named unit (``Unit.from_documents``) and stay ``unknown`` for review.
    """

    start: int
    end: int
    text: str
    unit: Unit | None
    status: MentionStatus
    alias: str | None = None

    @property
    def unit_id(self) -> str | None:
        return self.unit.id if self.unit else None


@dataclass(frozen=True, slots=True)
class _Alias:
    unit_id: str
    source: str
    caps: tuple[int, ...]  # token positions that must be capitals in documents


_RUN_TOGETHER = re.compile(r"(?<=[A-ZĐ])[&\-](?=[A-ZĐ])")
_BAD_INSIDE = re.compile(r"[;:()\n\[\]]|\.\s")


def _caps_positions(base: str, toks: list[Tok]) -> tuple[int, ...]:
    """Positions of the tokens written in capitals; ``(base, toks)`` is ``tokens(alias)``."""
    out = []
    for i, t in enumerate(toks):
        word = base[t.start : t.end]
        if len(word) > 1 and word.isupper() and t.key not in ("ubnd", "hđnd", "mttq", "tx", "tp", "tw"):
            out.append(i)
    return tuple(out)


def _has_diacritics(text: str) -> bool:
    return fold(text) != nfc(text).lower()


def document_unit_id(name: str) -> str:
    """The stable id of a unit known by a name documents use ("vb-trung-tam-xuc-tien-…")."""
    return DOCUMENT_ID_PREFIX + _slug(name)


# Commune/ward and former district names written in documents ("xã Tây Sơn", "UBND phường An Nhơn Đông").
_UPPER = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_NAME_WORD_RE = rf"(?:[{_UPPER}][\w'’\-]*|\d{{1,2}})"
_COMMUNE_RE = re.compile(
    r"(?:(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Chủ tịch UBND)\s+)?"
    r"(?P<kind>[Tt]hị\s+xã|[Tt]hị\s+trấn|[Đđ]ặc\s+khu|[Xx]ã|[Pp]hường|[Hh]uyện|[Tt]hành\s+phố)"
    rf"\s+(?P<name>{_NAME_WORD_RE}(?:\s+{_NAME_WORD_RE}){{0,4}})"
)
# Heads of unit-looking names that should be reviewed when unknown ("Sở Ngoại vụ", "Trung tâm …"),
# a department's own divisions included, often written in lower case ("giao phòng Quản lý …").
# "Ủy ban" heads a name only when a capitalised word follows ("Ủy ban Kiểm tra Đảng ủy xã"): "Ủy
# ban nhân dân …" is the commune pattern's or the catalogue's.
_UNKNOWN_HEAD = re.compile(
    r"(?<![\w])(?P<head>Sở|Ban|Trung tâm|Cục|Chi cục|Bộ|Văn phòng|Hội|Đài|Công ty|Tổng công ty|Tập đoàn|"
    r"Bệnh viện|Trường|Viện|Ngân hàng|Kho bạc|Quỹ|Ủy ban|Uỷ ban|Chi nhánh|Phòng|phòng|Hợp tác xã|Doanh nghiệp)\s+"
)
# A bare "Hội đồng nhân dân" listed just before a province's People's Committee shares its place.
_COUNCIL_BESIDE = re.compile(
    r"(?<![\w])(?:Hội\s+đồng\s+nhân\s+dân|HĐND)(?=\s*,\s*(?:Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|UBND)\s+(?:tỉnh|thành\s+phố)\b)"
)
# A company's legal form may follow its head in lower case: "Công ty cổ phần Xây dựng …",
# "Doanh nghiệp tư nhân xăng dầu Phúc Lộc".
_LEGAL_FORM = re.compile(r"(?:cổ\s+phần|trách\s+nhiệm\s+hữu\s+hạn|tư\s+nhân)\s", re.IGNORECASE)
# A company's line of business, written in lower case between its legal form and its proper name
# ("Công ty cổ phần xây dựng giao thông Yên Bái", "Công ty TNHH đầu tư khai thác khoáng sản …"):
# these words are verbs elsewhere ("xây dựng kế hoạch"), but there they are the name.
_TRADE_WORDS = frozenset(
    word
    for trade in (
        "xây dựng",
        "đầu tư",
        "thương mại",
        "dịch vụ",
        "sản xuất",
        "vận tải",
        "khai thác",
        "chế biến",
        "tư vấn",
        "thiết kế",
        "giao thông",
        "khoáng sản",
        "hóa chất",
        "hoá",
        "xăng dầu",
        "thủy điện",
        "thuỷ",
        "vật liệu nổ",
        "công nghiệp",
        "phát triển",
        "kinh doanh",
        "môi trường",
        "công nghệ",
        "thiết bị",
        "xuất nhập khẩu",
        "một thành viên",
        "lâm",
        "nông",
    )
    for word in trade.split()
)
# Two-syllable nouns of unit names whose second syllable is also a verb or a function word on its
# own: "Ban Thường trực …", "Ủy ban MTTQ …", "Công ty … Đầu tư và Phát triển Điện …", "Trung tâm
# Phát triển quỹ đất" (the stop list would cut them after one syllable).
_NAME_COMPOUNDS = frozenset({("thường", "trực"), ("ủy", "ban"), ("uỷ", "ban"), ("phát", "triển")})
# Stop-list syllables that are only the first half of a verb after a name: anything else after them
# makes a noun of the name ("Chi cục An toàn vệ sinh thực phẩm", "Trung tâm tổ chức sự kiện").
_VERB_HALVES: dict[str, frozenset[str]] = {
    "thực": frozenset({"hiện", "thi"}),
    "triển": frozenset({"khai"}),
    "phối": frozenset({"hợp"}),
    "tham": frozenset({"mưu", "gia", "dự"}),
    "chịu": frozenset({"trách"}),
    "tập": frozenset({"trung", "huấn"}),
}
# Lower-case words that go on a name after a place or person name ("… Việt Nam xã Lương Minh"):
# the administrative level of the next place. Any other lower-case word there is the predicate.
_LEVEL_WORDS = frozenset({"tỉnh", "thành", "huyện", "quận", "thị", "xã", "phường", "thôn", "bản", "và"})
_PARENT_DASH = re.compile(r"\s*[-–]\s*")


def _with_parents(base: str, mentions: list[Mention]) -> list[Mention]:
    """ "Phòng Cảnh sát … (PC06) - Công an tỉnh": a division the catalogue lacks, then the
    catalogued body it belongs to, is one party: that body's, under the name as written."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.status == "unknown"
            and prev.unit is None
            and m.status == "known"
            and m.unit is not None
            and not m.unit.is_group
            and _PARENT_DASH.fullmatch(base[prev.end : m.start])
        ):
            out[-1] = Mention(prev.start, m.end, base[prev.start : m.end], m.unit, "known", m.alias)
            continue
        out.append(m)
    return out


_CODE_AHEAD = re.compile(r"[^,;:.()\n]{1,60}?\s\((?:[A-ZĐ]{1,5}\d{1,3}|[A-ZĐ]{2,8})\)")
_NAME_MAX_WORDS = 14  # "Công ty TNHH MTV Đầu tư, Xây dựng và Kinh doanh dịch vụ Quảng Ngãi"
_NAME_WORD = re.compile(r"(?P<gap>[\s,\-–;:.()“”\"]*)(?P<w>[^\W_][\w'’]*)")
_NAME_STOP = frozenset(
    [
        "của",
        "cho",
        "với",
        "về",
        "tại",
        "theo",
        "trong",
        "để",
        "là",
        "được",
        "đã",
        "đang",
        "sẽ",
        "các",
        "những",
        "này",
        "đó",
        "khi",
        "thì",
        "mà",
        "nhằm",
        "trên",
        "dưới",
        "từ",
        "đến",
        "có",
        "chủ",
        "phối",
        "tổ",
        "triển",
        "thực",
        "tham",
        "chịu",
        "cần",
        "phải",
        "tiếp",
        "tập",
        "khẩn",
        "rà",
        "xây",
        "đẩy",
        "tăng",
        "theo",
        "hướng",
        "đôn",
        "nghiên",
        "kiểm",
        "báo",
        "đề",
        "sớm",
        "bảo",
        "đảm",
        "hoàn",
        "quán",
        "ban",
        "đóng",
        "thường",
        "yêu",  # "Ban Chấp hành Trung ương Đảng yêu cầu …": the body speaks
        "kêu",  # "… kêu gọi toàn Đảng …"
        "trực",
        "ngày",
        "năm",
        "tháng",
    ]
)


def _capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper()


def _lower_word_follows(base: str, pos: int) -> bool:
    """Another lower-case word follows ``pos`` in the same clause: a predicate ("nghiêm túc thực
    hiện"), not the lower-case second syllable of a name ("Thực phẩm Yên Bái", "Việt nam")."""
    m = _NAME_WORD.match(base, pos)
    return m is not None and not re.search(r"[,;:.()\n]", m.group("gap")) and not _capitalised(m.group("w"))


# --------------------------------------------------------------------------------------------
# Catalogue
# --------------------------------------------------------------------------------------------


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Iterable):
        raise TypeError(f"expected a string or a list of strings, not {value!r}")
    return tuple(str(v) for v in value)


def _as_date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


@functools.cache
def province_tail_re(provinces: tuple[str, ...]) -> re.Pattern[str]:
    """ "… tỉnh Gia Lai" / "… Bình Định" / "… tỉnh" at the end of a unit name, for the given provinces."""
    names = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in provinces)
    named = rf"\s+(?:tỉnh\s+)?(?:{names})$|" if names else ""
    return re.compile(named + r"\s+tỉnh$", re.IGNORECASE)


# A level below the province right after a name ("Thường trực HĐND xã …", "Công an phường …"): the
# name is that level's body; an alias without a level word of its own means the province's.
_LOWER_LEVEL_AFTER = re.compile(r"\s+(?:xã|phường|đặc\s+khu|huyện|thị\s+xã|thị\s+trấn)\b")
_LEVEL_WORD = re.compile(r"\b(?:tỉnh|thành\s+phố|trung\s+ương|xã|phường|huyện)\b", re.IGNORECASE)


@dataclass(slots=True)
class UnitCatalogue:
    """Units and groups with name matching and group logic. Build with :meth:`load`."""

    units: dict[str, Unit]
    province: str | None = None
    #: Provinces merged into ``province`` ("Bình Định" into Gia Lai, 1-7-2025): documents still name them.
    former_provinces: tuple[str, ...] = ()
    _index: dict[tuple[str, ...], list[_Alias]] = field(default_factory=dict, repr=False)
    _findex: dict[tuple[str, ...], list[_Alias]] = field(default_factory=dict, repr=False)
    _maxlen: int = field(default=1, repr=False)
    _fuzzy: FuzzyIndex = field(default_factory=FuzzyIndex, repr=False)
    # ids of document-named units that an admin attached as an alias -> the unit they name
    _redirects: dict[str, str] = field(default_factory=dict, repr=False)
    _documents: dict[str, int] = field(default_factory=dict, repr=False)  # unit id -> documents naming it
    # ids of uncatalogued communes ("phường Văn Phú") that documents assign tasks to: never a typo
    _named_communes: frozenset[str] = field(default_factory=frozenset, repr=False)
    _base: UnitCatalogue | None = field(default=None, repr=False)  # the catalogue without the document layer

    # ---- construction -------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path | None = None, *, province: str | None = None) -> UnitCatalogue:
        """Read the YAML catalogue (the packaged one unless an admin file is given).

        Args:
            path: an admin's catalogue file; default ``troly/data/units.yaml``.
            province: the province whose official communes/wards and data files
                (``troly/data/provinces/``) are added; default: the file's ``province`` key. A file
                without one and no ``province`` gives the file alone.

        Raises:
            ValueError: an unknown province, a duplicate id or a reference to a missing id.
        """
        p = Path(path) if path is not None else DEFAULT_PATH
        data = yaml.load(p.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        prov = province or data.get("province")
        if prov:
            from troly.unit_sources import with_province

            data = with_province(data, str(prov))
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UnitCatalogue:
        units: dict[str, Unit] = {}
        for entry in list(data.get("groups") or []) + list(data.get("units") or []):
            if "name" not in entry:
                raise ValueError(f"unit {entry.get('id')!r} has no name (nor an entry it could merge into)")
            unit = Unit(
                id=str(entry["id"]),
                name=nfc(str(entry["name"])),
                kind=str(entry.get("kind") or GROUP_KIND),
                aliases=tuple(nfc(a) for a in _as_tuple(entry.get("aliases"))),
                groups=_as_tuple(entry.get("groups")),
                successors=_as_tuple(entry.get("successor") or entry.get("successors")),
                note=entry.get("note"),
                valid_until=_as_date(entry.get("valid_until")),
                member_kinds=_as_tuple(entry.get("member_kinds")),
                includes=_as_tuple(entry.get("includes")),
                code=str(entry["code"]) if entry.get("code") is not None else None,
            )
            if unit.id in units:
                raise ValueError(f"duplicate unit id {unit.id!r} in the unit catalogue")
            units[unit.id] = unit
        cat = cls(
            units=units,
            province=data.get("province"),
            former_provinces=tuple(nfc(str(p)) for p in _as_tuple(data.get("former_provinces"))),
        )
        cat._check()
        cat._build_index()
        return cat

    def _check(self) -> None:
        for u in self.units.values():
            for ref in (*u.groups, *u.successors, *u.includes):
                if ref not in self.units:
                    raise ValueError(f"unit {u.id!r} refers to unknown id {ref!r}")

    def _spellings(self, unit: Unit) -> Iterable[str]:
        names = [unit.name, *unit.aliases]
        for n in list(names):
            joined = _RUN_TOGETHER.sub("", n)  # "Sở KH&CN" -> "Sở KHCN"
            if joined != n:
                names.append(joined)
        if unit.kind in COMMUNE_KINDS:
            for n in list(names):
                names.append(f"UBND {n}")
        return names

    def _build_index(self) -> None:
        self._index.clear()
        self._findex.clear()
        self._fuzzy = FuzzyIndex()
        for unit in self.units.values():
            self._index_unit(unit)

    def _index_unit(self, unit: Unit, spellings: Iterable[str] | None = None) -> None:
        for spelling in self._spellings(unit) if spellings is None else spellings:
            # One tokenisation gives both keys and the capitals: every process that builds the
            # catalogue (each ``troly`` command) indexes some 2,000 spellings.
            base, toks = _tokens(spelling)
            key, fkey = tuple(t.key for t in toks), tuple(t.fkey for t in toks)
            if not key:
                continue
            alias = _Alias(unit.id, spelling, _caps_positions(base, toks))
            for idx, k in ((self._index, key), (self._findex, fkey)):
                bucket = idx.setdefault(k, [])
                if all(a.unit_id != unit.id for a in bucket):
                    bucket.append(alias)
            self._fuzzy.add(key, unit.id)
            self._maxlen = max(self._maxlen, len(key))

    # ---- names that documents use ---------------------------------------------------------

    def with_document_names(
        self,
        names: dict[str, int] | Iterable[str],
        attachments: Iterable[UnitAttachment] = (),
        *,
        communes: Iterable[str] = (),
    ) -> UnitCatalogue:
        """A copy that also knows the unit names indexed documents use, and an admin's attachments.

        A name the catalogue does not resolve exactly becomes a unit of kind ``DOCUMENT_KIND`` with
        the id ``document_unit_id(name)``, so it can be asked about and listed. An attachment makes
        the name an alias of a catalogue unit, a member of a group, or a former body its unit
        succeeded; attachments to a missing id are skipped with a warning. This catalogue is not
        changed, and a document layer it has is replaced, not added to; the copy's indexes are the
        files layer's plus what the names add.

        Args:
            names: names as written in documents (or name -> number of documents naming it).
            attachments: the admin's decisions (``troly units attach``).
            communes: unit ids documents' tasks are stored with; the uncatalogued communes among
                them are asked about as written, not corrected to a listed commune of a close name.
        """
        if self._base is not None:
            return self._base.with_document_names(names, attachments, communes=communes)
        counts = dict(names) if isinstance(names, dict) else dict.fromkeys(names, 0)
        units = dict(self.units)
        redirects: dict[str, str] = {}
        documents: dict[str, int] = {}
        seen: set[tuple[str, ...]] = set()
        for a in attachments:
            name = collapse_ws(nfc(a.name))
            target = units.get(redirects.get(a.unit_id, a.unit_id))
            if not name or target is None:
                logger.warning("unit attachment %r -> %r skipped: no such unit", a.name, a.unit_id)
                continue
            uid = document_unit_id(name)
            seen.add(_fkey(name))
            if a.relation == "alias":
                units[target.id] = replace(target, aliases=(*target.aliases, name))
                redirects[uid] = target.id
                units.pop(uid, None)
                continue
            link = (target.id,)
            if a.relation == "member-of":
                units[uid] = Unit(id=uid, name=name, kind=DOCUMENT_KIND, groups=link)
            elif a.relation == "successor-of":
                units[uid] = Unit(id=uid, name=name, kind=DOCUMENT_KIND, successors=link)
            else:
                raise KeyError(a.relation)
        for raw, n in counts.items():
            name = collapse_ws(nfc(raw))
            fkey = _fkey(name)
            if not fkey:
                continue
            uid = document_unit_id(name)
            if fkey in seen or uid in redirects:
                documents[redirects.get(uid, uid)] = documents.get(redirects.get(uid, uid), 0) + n
                continue
            seen.add(fkey)
            if uid not in units and self._lookup_exact(name) is not None:
                continue  # the catalogue knows this spelling
            documents[uid] = documents.get(uid, 0) + n
            if uid not in units:
                units[uid] = Unit(id=uid, name=name, kind=DOCUMENT_KIND, catalogued=False)
        cat = UnitCatalogue(
            units=units,
            province=self.province,
            _index={k: list(v) for k, v in self._index.items()},
            _findex={k: list(v) for k, v in self._findex.items()},
            _maxlen=self._maxlen,
            _fuzzy=self._fuzzy.copy(),
            _redirects=redirects,
            _documents=documents,
            _named_communes=frozenset(c for c in communes if c not in units),
            _base=self,
        )
        cat._check()
        for uid, unit in units.items():  # index only what changed: new units, new aliases
            old = self.units.get(uid)
            if old is None:
                cat._index_unit(unit)
            elif old is not unit:
                before = set(self._spellings(old))
                cat._index_unit(unit, [sp for sp in self._spellings(unit) if sp not in before])
        return cat

    def document_count(self, unit_id: str) -> int:
        """How many indexed documents name the document-named unit ``unit_id`` (0 if unknown)."""
        return self._documents.get(unit_id, 0)

    def document_spellings(self, unit_ids: Iterable[str]) -> dict[str, str]:
        """Names as written in documents of the document-named units among ``unit_ids``, and of names
        attached to those units as aliases, each with its id in ``unit_ids`` (to find task rows
        stored without an id, before the name was known)."""
        ids = set(unit_ids)
        out = {self.units[i].name: i for i in ids if i in self.units and self.units[i].from_documents}
        for i in ids:
            for a in self.units[i].aliases if i in self.units else ():
                if document_unit_id(a) in self._redirects:
                    out.setdefault(a, i)
        return out

    def ambiguous_aliases(self) -> dict[str, list[str]]:
        """Spellings that name more than one unit (for an admin to fix; the first listed wins)."""
        out: dict[str, list[str]] = {}
        for index in (self._index, self._findex):
            for aliases in index.values():
                ids = list(dict.fromkeys(a.unit_id for a in aliases))
                if len(ids) > 1:
                    out.setdefault(aliases[0].source, ids)
        return out

    # ---- lookups --------------------------------------------------------------------------

    def get(self, unit_id: str) -> Unit | None:
        """The unit with ``unit_id`` (a document-named id attached as an alias gives its unit)."""
        return self.units.get(unit_id) or self.units.get(self._redirects.get(unit_id, ""))

    def __contains__(self, unit_id: str) -> bool:
        return unit_id in self.units or unit_id in self._redirects

    def __iter__(self) -> Iterator[Unit]:
        return iter(self.units.values())

    def commune(self, kind_word: str, name: str) -> Unit:
        """The unit for "xã/phường/huyện … <name>": the catalogued one or an uncatalogued stand-in."""
        kind = self._kind_of(kind_word)
        full = f"{kind} {collapse_ws(name)}"
        cid = f"{_slug(kind)}-{_slug(name)}"
        hit = self.units.get(cid) or self._lookup_exact(full)
        if hit is not None and hit.kind == kind:
            return hit
        groups = (
            (COMMUNE_GROUP,) if kind in COMMUNE_KINDS else ((DISTRICT_GROUP,) if DISTRICT_GROUP in self.units else ())
        )
        if kind == "huyện":
            return Unit(
                id=cid,
                name=full,
                kind="huyện",
                groups=groups,
                catalogued=False,
                successors=(COMMUNE_GROUP,),
                valid_until=dt.date(2025, 6, 30),
                note="District-level unit, dissolved on 1-7-2025 (two-tier local government).",
            )
        return Unit(id=cid, name=full, kind=kind, groups=groups, catalogued=False)

    @staticmethod
    def _kind_of(word: str) -> str:
        f = fold(collapse_ws(word))
        if f in ("thi xa", "thanh pho", "huyen", "tx", "tp"):
            return "huyện"
        if f == "thi tran":
            return "thị trấn"
        if f == "dac khu":
            return "đặc khu"
        return "phường" if f == "phuong" else "xã"

    def _lookup_exact(self, text: str) -> Unit | None:
        aliases = self._index.get(_key(text)) or self._findex.get(_fkey(text))
        return self.units[aliases[0].unit_id] if aliases else None

    def _with_successors(self, unit: Unit, how: MatchHow, query: str) -> UnitMatch:
        direct = tuple(self.units[s] for s in unit.successors if s in self.units)
        return UnitMatch(unit=unit, how=how, query=query, successors=direct, current=self.current(unit.id))

    def current(self, unit_id: str) -> tuple[Unit, ...]:
        """Live units at the end of the successor chain of ``unit_id`` (empty when it is live)."""
        unit = self.units.get(unit_id)
        if unit is None or not unit.successors:
            return ()
        out: list[Unit] = []
        seen = {unit_id}
        stack = list(unit.successors)
        while stack:
            sid = stack.pop(0)
            if sid in seen or sid not in self.units:
                continue
            seen.add(sid)
            s = self.units[sid]
            if s.successors:
                stack.extend(s.successors)
            else:
                out.append(s)
        return tuple(out)

    _ROLE_PREFIX = re.compile(
        r"^(?:(?:các|mỗi)\s+)?(?:thủ trưởng|người đứng đầu|lãnh đạo|giám đốc|chánh văn phòng|chánh thanh tra|"
        r"chủ tịch|bí thư|trưởng ban|tập thể lãnh đạo|đồng chí|cán bộ)\s+",
        re.IGNORECASE,
    )
    _COMMUNE_QUERY = re.compile(
        r"^(?:ubnd\s+|uy ban nhan dan\s+)?(?P<kind>thi xa|thi tran|dac khu|xa|phuong|huyen|thanh pho)\s+(?P<name>.+)$"
    )

    @property
    def province_names(self) -> tuple[str, ...]:
        """The province and the provinces merged into it, as documents name them."""
        return ((nfc(self.province),) if self.province else ()) + self.former_provinces

    def _province_tail(self) -> re.Pattern[str]:
        """A trailing "tỉnh <province>" (this or a merged province) or a bare "tỉnh"."""
        return province_tail_re(self.province_names)

    def resolve(self, name: str) -> UnitMatch | None:
        """The unit a user or document means by ``name``, or None.

        Tries the exact spelling, any alias, the accent-free form, then without a leading title
        ("Giám đốc Sở Y tế") or a trailing province ("… tỉnh Gia Lai"), a commune/ward pattern
        ("UBND xã Tây Sơn", catalogued or not), a unit named inside a longer phrase, a unique prefix
        ("Sở Khoa học"), and finally the one spelling within a typo or two, or whose abbreviation
        the name is (``troly.unit_match``). Defunct units come with their successors.
        """
        query = collapse_ws(canonical(nfc(name)).replace("*", ""))
        if not query:
            return None
        variants = [query]
        stripped = self._ROLE_PREFIX.sub("", query)
        if stripped != query:
            variants.append(stripped)
        for v in list(variants):
            tail = self._province_tail().sub("", v)
            if tail != v and tail:
                variants.append(tail)
        for v in variants:
            key = _key(v)
            aliases = self._index.get(key)
            if aliases:
                unit = self.units[aliases[0].unit_id]
                how: MatchHow = "name" if key == _key(unit.name) else "alias"
                return self._with_successors(unit, how, name)
        for v in variants if not _has_diacritics(query) else ():  # accents typed = accents meant
            aliases = self._findex.get(_fkey(v))
            if aliases:
                return self._with_successors(self.units[aliases[0].unit_id], "folded", name)
        for v in variants:
            f = " ".join(_fkey(v))
            m = self._COMMUNE_QUERY.match(f)
            if m:
                unit = self.commune(m.group("kind"), self._original_name(v, m.group("name")))
                if unit.catalogued:
                    return self._with_successors(unit, "alias", name)
                if unit.id in self._named_communes:  # documents name it: not a typo of another
                    return UnitMatch(unit=unit, how="pattern", query=name)
                # "xã Ia Hrúu": a typo of a listed commune. The typos allowed are counted on the
                # commune's own name, not on "Ủy ban nhân dân" before it ("UBND xã Gia Phú" is no
                # typo of "xã Ia Phí").
                near = self._fuzzy.find(_key(unit.name), kinds_ok=self._of_kind(unit.kind))
                if near is not None:
                    return self._with_successors(self.units[near], "fuzzy", name)
                succ = tuple(self.units[s] for s in unit.successors if s in self.units)
                return UnitMatch(unit=unit, how="pattern", query=name, successors=succ, current=succ)
        named = [(mm.end - mm.start, mm.unit) for mm in self.find_mentions(query) if mm.unit is not None]
        if named:
            _, best = max(named, key=lambda found: found[0])  # the longest mention, the first on a tie
            return self._with_successors(best, "mention", name)
        accented = _has_diacritics(query)
        for v in variants:
            fk = _key(v) if accented else _fkey(v)
            if len(fk) < 2:
                continue
            idx = self._index if accented else self._findex
            hits = {a.unit_id for k, al in idx.items() if k[: len(fk)] == fk for a in al}
            if len(hits) > 1:  # a name documents use does not hide a catalogue unit ("Sở Khoa học")
                hits = {h for h in hits if not self.units[h].from_documents} or hits
            if len(hits) == 1:
                return self._with_successors(self.units[hits.pop()], "prefix", name)
        for v in variants:
            near = self._fuzzy.find(_key(v))
            if near is not None:
                return self._with_successors(self.units[near], "fuzzy", name)
        return None

    @staticmethod
    def _original_name(text: str, folded_name: str) -> str:
        """The accented words of ``text`` that fold to ``folded_name`` (its last words)."""
        words = text.split()
        n = len(folded_name.split())
        tail = words[-n:] if n <= len(words) else words
        return " ".join(w[:1].upper() + w[1:] for w in tail)

    # ---- mentions ---------------------------------------------------------------------------

    def find_mentions(self, text: str, *, accents: bool | None = None) -> list[Mention]:
        """Every unit or group named in ``text``, longest match first, in reading order.

        Catalogued names come back ``known``; "xã/phường X" not in the file ``uncatalogued`` (with a
        stand-in unit in the commune-ward group); other unit-looking names ("Sở …", "Trung tâm …")
        ``unknown`` with no unit. ``accents``: match accent-sensitively (default: when the text
        has any diacritics, as documents do).
        """
        base, toks = _tokens(text)
        use_accents = _has_diacritics(base) if accents is None else accents
        index = self._index if use_accents else self._findex
        out: list[Mention] = []
        i = 0
        while i < len(toks):
            found = None
            for n in range(min(self._maxlen, len(toks) - i), 0, -1):
                window = toks[i : i + n]
                key = tuple(t.key if use_accents else t.fkey for t in window)
                for alias in index.get(key, ()):
                    if use_accents and any(not window[c].upper for c in alias.caps if c < n):
                        continue
                    a, b = window[0].start, window[-1].end
                    if n > 1 and _BAD_INSIDE.search(base[a:b]):
                        continue
                    unit = self.units[alias.unit_id]
                    if _LOWER_LEVEL_AFTER.match(base, b) and not _LEVEL_WORD.search(base[a:b]):
                        # "Thường trực HĐND xã Lương Minh": the commune's body, not the province's
                        continue
                    status: MentionStatus = "known" if unit.catalogued else "unknown"
                    found = Mention(a, b, base[a:b], unit, status, alias.source)
                    break
                if found:
                    i += n
                    break
            if found:
                out.append(found)
            else:
                i += 1
        out.extend(self._pattern_mentions(base, out))
        out.sort(key=lambda m: (m.start, -(m.end - m.start)))
        return _with_parents(base, out)

    def _pattern_mentions(self, base: str, known: list[Mention]) -> list[Mention]:
        taken = [(m.start, m.end) for m in known]

        def free(a: int, b: int) -> bool:
            return all(b <= x or a >= y for x, y in taken)

        communes: list[Mention] = []
        for m in _COMMUNE_RE.finditer(base):
            kept = m.group("name").split()
            a, b = m.start(), m.end()
            if re.search(r"hợp\s+tác\s+$", base[max(0, a - 12) : a], re.IGNORECASE):
                continue  # "Hợp tác xã Văn Thịnh" is a cooperative, not the commune Văn Thịnh
            if not free(a, b):
                continue
            unit = self.commune(m.group("kind"), " ".join(kept))
            taken.append((a, b))
            communes.append(Mention(a, b, base[a:b], unit, "known" if unit.catalogued else "uncatalogued"))
        out: list[Mention] = []
        council = self.units.get(PROVINCE_COUNCIL)
        for m in _COUNCIL_BESIDE.finditer(base):
            # "Hội đồng nhân dân, Ủy ban nhân dân tỉnh X": the council of the province the next
            # name gives (the task reader completes it from there)
            if council is not None and free(m.start(), m.end()):
                taken.append((m.start(), m.end()))
                out.append(Mention(m.start(), m.end(), m.group(), council, "known"))
        for m in _UNKNOWN_HEAD.finditer(base):
            a = m.start()
            if not free(a, m.end()):
                continue
            legal_form = m.group("head").casefold().endswith(("công ty", "doanh nghiệp"))
            end = self._unknown_name_end(base, m.end(), legal_form=legal_form)
            if end is None:
                continue
            # A body of a commune names it last ("Ban Thường trực Ủy ban MTTQ Việt Nam xã Lương
            # Minh"): the body is the unit, not the commune.
            inside = [c for c in communes if a < c.start and c.end <= end]
            spans = {(c.start, c.end) for c in inside}
            if not all(b <= a or x >= end or (x, b) in spans for x, b in taken):
                continue
            communes = [c for c in communes if c not in inside]
            taken = [span for span in taken if span not in spans] + [(a, end)]
            out.append(Mention(a, end, base[a:end], None, "unknown"))
        return communes + out

    def _of_kind(self, kind: str) -> Callable[[str], bool]:
        """A predicate: the unit with this id is of ``kind``."""
        return lambda uid: self.units[uid].kind == kind

    @staticmethod
    def _unknown_name_end(base: str, pos: int, *, legal_form: bool = False) -> int | None:
        """End of a name starting at ``pos`` (first word capitalised), or None when not a name.

        The name is the head's complement in Vietnamese administrative-name grammar: words up to
        the predicate, which is a lower-case word of the stop list (unless it completes a compound
        noun, "Thường trực"), or any lower-case word but a level ("xã", "tỉnh") right after a place
        or person name of capitalised syllables ("… Khánh An nghiêm túc thực hiện").
        ``legal_form``: a company name may start with its legal form in lower case ("cổ phần").
        """
        end = None
        count = 0
        p = pos
        words: list[str] = []
        trade = False  # inside the lower-case line of business after a legal form
        if legal_form and (form := _LEGAL_FORM.match(base, pos)):
            p, count, end = form.end() - 1, len(form.group().split()), form.end() - 1
            words = form.group().split()
            trade = True
        form_end = end
        while count < _NAME_MAX_WORDS:
            m = _NAME_WORD.match(base, p)
            if m is None:
                break
            word, gap = m.group("w"), m.group("gap")
            if count == 0 and not _capitalised(word):
                return None
            if count and (re.search(r"[;:.()\n“”\"]", gap) or ("," in gap and not _capitalised(word))):
                break
            lower = not _capitalised(word)
            if trade and lower and words[-1].lower() in _TRADE_WORDS and word.lower() in _NAME_STOP:
                return form_end  # no proper name after the line of business: those were verbs
            trade = trade and lower and word.lower() in _TRADE_WORDS
            compound = bool(words) and _capitalised(words[-1]) and (words[-1].lower(), word) in _NAME_COMPOUNDS
            compound = compound or trade
            # "Ban Quản lý dự án đầu tư xây dựng …": "đầu tư xây dựng" is one noun of unit names
            compound = compound or ([w.lower() for w in words[-2:]] == ["đầu", "tư"] and word.lower() == "xây")
            if lower and word.lower() in _VERB_HALVES and not compound:
                # "thực" stops a name only as the first half of a verb ("thực hiện"); "… vệ sinh thực
                # phẩm" goes on
                after = _NAME_WORD.match(base, m.end())
                compound = after is None or after.group("w").lower() not in _VERB_HALVES[word.lower()]
            if lower and word.lower() in _NAME_STOP and not compound:
                # "Phòng Cảnh sát quản lý hành chính về trật tự xã hội (PC06)": a name that its
                # abbreviation closes goes on to it
                coded = _CODE_AHEAD.match(base, m.end()) if word.lower() == "về" else None
                if coded is None:
                    break
                end = coded.end()
                break
            after_proper = len(words) >= 2 and all(_capitalised(w) and not w.isupper() for w in words[-2:])
            if (
                lower
                and after_proper
                and (word[0].isdigit() or (word not in _LEVEL_WORDS and _lower_word_follows(base, m.end())))
            ):
                break  # a figure or a predicate after the proper name
            p = m.end()
            count += 1
            words.append(word)
            if word.lower() != "và":
                end = m.end()
        return end

    # ---- groups ------------------------------------------------------------------------------

    def members(self, group_id: str) -> list[Unit]:
        """Catalogued members of a group (through kinds and sub-groups); communes not in the file are not listed."""
        group = self.units.get(group_id)
        if group is None:
            return []
        ids: dict[str, Unit] = {}
        seen: set[str] = set()
        stack = [group_id]
        while stack:
            gid = stack.pop()
            if gid in seen:
                continue
            seen.add(gid)
            g = self.units[gid]
            for u in self.units.values():
                if u.is_group:
                    continue
                if gid in u.groups or u.kind in g.member_kinds:
                    ids[u.id] = u
            stack.extend(g.includes)
        return sorted(ids.values(), key=lambda u: u.name)

    def groups_of(self, unit: str | Unit) -> list[Unit]:
        """Every group ``unit`` belongs to, directly, by kind, or through a group that includes another."""
        u = self.units.get(unit) if isinstance(unit, str) else unit
        if u is None:
            return []
        direct = set(u.groups)
        for g in self.units.values():
            if g.is_group and u.kind in g.member_kinds:
                direct.add(g.id)
        if u.is_group:
            direct.add(u.id)
        result: set[str] = set()
        stack = list(direct)
        while stack:
            gid = stack.pop()
            if gid in result:
                continue
            result.add(gid)
            for g in self.units.values():
                if g.is_group and gid in g.includes:
                    stack.append(g.id)
        result.discard(u.id)
        return sorted((self.units[g] for g in result if g in self.units), key=lambda g: g.id)

    def predecessors(self, unit_id: str) -> list[Unit]:
        """Units whose successor chain leads to ``unit_id`` (Sở KH&CN <- Sở TT&TT)."""
        out: list[Unit] = []
        seen = {unit_id}
        stack = [unit_id]
        while stack:
            target = stack.pop()
            for u in self.units.values():
                if target in u.successors and u.id not in seen:
                    seen.add(u.id)
                    out.append(u)
                    stack.append(u.id)
        return out

    def expand_for_query(self, unit: str | Unit | UnitMatch) -> set[str]:
        """Unit ids whose tasks concern ``unit``: itself, its groups, and predecessors/successors."""
        return set(self.expand_for_query_detailed(unit))

    def expand_for_query_detailed(self, unit: str | Unit | UnitMatch) -> dict[str, str]:
        """Like :meth:`expand_for_query`, with why each id is there.

        Reasons: "self", "group" (tasks given to a group the unit belongs to), "predecessor" (a
        body it replaced, e.g. Sở TT&TT for Sở KH&CN — tasks from before the merger, to be shown
        flagged), "predecessor-group" (a dissolved group its group replaced: UBND các huyện for a
        commune), "successor" (for a defunct unit: who does its work now).
        """
        if isinstance(unit, UnitMatch):
            u: Unit | None = unit.unit
        elif isinstance(unit, str):
            u = self.units.get(unit)
            if u is None:
                m = self.resolve(unit)
                u = m.unit if m else None
        else:
            u = unit
        if u is None:
            return {}
        out: dict[str, str] = {u.id: "self"}
        groups = self.groups_of(u)
        for g in groups:
            out.setdefault(g.id, "group")
        for p in self.predecessors(u.id):
            out.setdefault(p.id, "predecessor")
            for g in self.groups_of(p):  # a dissolved group (UBND các huyện) is flagged like the body
                out.setdefault(g.id, "predecessor-group" if g.defunct else "group")
        for g in list(groups):
            for p in self.predecessors(g.id):
                out.setdefault(p.id, "predecessor-group")
        for s in self.current(u.id):
            out.setdefault(s.id, "successor")
        for doc_id, target in self._redirects.items():  # rows stored under a name attached later
            if target in out:
                out.setdefault(doc_id, out[target])
        return out
