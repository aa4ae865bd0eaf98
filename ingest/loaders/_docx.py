"""DOCX with python-docx, walking the body XML so paragraphs and tables keep document order.

python-docx's ``document.paragraphs`` and ``document.tables`` are two separate lists, which would
move the header table ("Số: 174/TB-UBND", "Gia Lai, ngày …") away from its place before the title.
Here the ``w:body`` children are walked in order instead:

* a table is rendered row by row, one line per paragraph of each cell (no pipes), nested tables
  included, so header cells such as "Số: …" and "…, ngày … tháng … năm …" get lines of their own;
  a task table (a duty and a "chủ trì" column, see ``ingest.table_rows``) one row a line instead,
  its cells labelled with their headers, merged cells placed on the column grid;
* paragraph text covers runs inside hyperlinks, fields, content controls and tracked insertions
  (not deletions); text boxes follow their anchor paragraph as separate lines;
* Word's automatic list numbers ("1.", "a)", "-") are not in the text: they are rebuilt from the
  numbering definitions, because the outline markers matter to the chunker;
* page headers and footers are furniture and are not read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from ingest.table_rows import render_table
from troly.errors import CorruptFileError, UnsupportedFormatError
from troly.types import ExtractedText

__all__ = ["read_docx"]

logger = logging.getLogger(__name__)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC = f"{_W}p", f"{_W}tbl", f"{_W}tr", f"{_W}tc"
_SDT, _SDT_CONTENT, _CUSTOM_XML = f"{_W}sdt", f"{_W}sdtContent", f"{_W}customXml"
_ALT, _CHOICE = f"{_MC}AlternateContent", f"{_MC}Choice"
_TXBX = f"{_W}txbxContent"
_INLINE_TEXT = {
    f"{_W}t": None,
    f"{_W}tab": "\t",
    f"{_W}ptab": "\t",
    f"{_W}br": "\n",
    f"{_W}cr": "\n",
    f"{_W}noBreakHyphen": "-",
}
# Elements whose subtree holds no visible text (deleted/moved-away text, field codes, properties).
_SKIP = {
    f"{_W}{name}"
    for name in (
        "pPr",
        "rPr",
        "delText",
        "instrText",
        "delInstrText",
        "moveFrom",
        "footnoteReference",
        "endnoteReference",
        "commentReference",
        "sectPr",
    )
}
_MAX_LEVELS = 9


def _val(element: etree._Element | None, child: str) -> str | None:
    """The ``w:val`` of ``element``'s ``w:<child>`` (None when either is missing)."""
    if element is None:
        return None
    found = element.find(f"{_W}{child}")
    return None if found is None else found.get(f"{_W}val")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --------------------------------------------------------------------------- numbering


@dataclass(frozen=True, slots=True)
class _Level:
    start: int
    fmt: str
    text: str
    legal: bool


def _roman(number: int) -> str:
    out = []
    for value, numeral in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, number = divmod(number, value)
        out.append(numeral * count)
    return "".join(out)


def _format_number(number: int, fmt: str) -> str:
    if fmt == "none":
        return ""
    if number <= 0:
        return str(number)
    if fmt in {"upperRoman", "lowerRoman"}:
        roman = _roman(number)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in {"upperLetter", "lowerLetter"}:
        letter = chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)  # Word: y, z, aa, bb
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt == "decimalZero":
        return f"{number:02d}"
    return str(number)  # decimal and the exotic formats (ordinal, enclosed digits, …)


class _Numbering:
    """Rebuilds the list labels Word would display, counting paragraphs in document order."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None) -> None:
        self._levels: dict[str, dict[int, _Level]] = {}
        self._nums: dict[str, tuple[str, dict[int, int]]] = {}
        self._style_num: dict[str, tuple[str | None, str | None]] = {}
        self._style_parent: dict[str, str] = {}
        self._counters: dict[str, list[int | None]] = {}
        self._started: set[str] = set()
        self.rebuilt = 0
        self.unresolved = 0
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _read_numbering(self, root: etree._Element) -> None:
        for abstract in root.iter(f"{_W}abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in abstract.iter(f"{_W}lvl"):
                levels[_int(lvl.get(f"{_W}ilvl"), 0)] = _Level(
                    start=_int(_val(lvl, "start"), 0),
                    fmt=_val(lvl, "numFmt") or "decimal",
                    text=_val(lvl, "lvlText") or "",
                    legal=lvl.find(f"{_W}isLgl") is not None,
                )
            self._levels[abstract.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iter(f"{_W}num"):
            overrides = {
                _int(o.get(f"{_W}ilvl"), 0): _int(_val(o, "startOverride"), 1)
                for o in num.iter(f"{_W}lvlOverride")
                if o.find(f"{_W}startOverride") is not None
            }
            abstract_id = _val(num, "abstractNumId")
            if abstract_id is not None:
                self._nums[num.get(f"{_W}numId", "")] = (abstract_id, overrides)

    def _read_styles(self, root: etree._Element) -> None:
        for style in root.iter(f"{_W}style"):
            style_id = style.get(f"{_W}styleId")
            if not style_id:
                continue
            parent = _val(style, "basedOn")
            if parent:
                self._style_parent[style_id] = parent
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            if num_pr is not None:
                self._style_num[style_id] = (_val(num_pr, "numId"), _val(num_pr, "ilvl"))

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, str | None]:
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if style_id in self._style_num:
                return self._style_num[style_id]
            style_id = self._style_parent.get(style_id)
        return None, None

    def label(self, paragraph: etree._Element) -> str | None:
        """The list label of ``paragraph`` ("2.", "a)", "-"), or None when it is not numbered."""
        p_pr = paragraph.find(f"{_W}pPr")
        num_pr = None if p_pr is None else p_pr.find(f"{_W}numPr")
        num_id, ilvl_value = (_val(num_pr, "numId"), _val(num_pr, "ilvl")) if num_pr is not None else (None, None)
        if num_id is None or ilvl_value is None:
            style_num, style_ilvl = self._style_numbering(_val(p_pr, "pStyle"))
            num_id = num_id or style_num
            ilvl_value = ilvl_value or style_ilvl
        if num_id is None or num_id == "0":
            return None
        ilvl = min(max(_int(ilvl_value, 0), 0), _MAX_LEVELS - 1)
        abstract_id, overrides = self._nums.get(num_id, (None, {}))
        levels = self._levels.get(abstract_id or "", {})
        level = levels.get(ilvl)
        if level is None:
            self.unresolved += 1
            return None

        counters = self._counters.setdefault(abstract_id or "", [None] * _MAX_LEVELS)
        if num_id not in self._started:  # a w:num with startOverride restarts the shared list
            self._started.add(num_id)
            for override_level, start in overrides.items():
                if 0 <= override_level < _MAX_LEVELS:
                    counters[override_level] = start - 1
        current = counters[ilvl]
        counters[ilvl] = level.start if current is None else current + 1
        for deeper in range(ilvl + 1, _MAX_LEVELS):
            counters[deeper] = None
        self.rebuilt += 1

        if level.fmt == "bullet":
            # Bullet glyphs often sit in the Symbol/Wingdings private-use area: show those as "•".
            glyph = level.text.strip()
            return glyph if glyph and all(ch.isprintable() and not "\ue000" <= ch <= "\uf8ff" for ch in glyph) else "•"

        def number(match: re.Match[str]) -> str:
            ref = int(match.group(1)) - 1
            ref_level = levels.get(ref)
            if ref_level is None:
                return ""
            value = counters[ref] if counters[ref] is not None else ref_level.start
            fmt = "decimal" if level.legal and ref_level.fmt != "none" else ref_level.fmt
            return _format_number(value or 0, fmt)

        return re.sub(r"%([1-9])", number, level.text).strip() or None


# --------------------------------------------------------------------------- body walker


def _children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children of ``parent`` with ``tag``, looking through content controls and custom XML wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            yield from _children(child, tag)


class _Renderer:
    def __init__(self, numbering: _Numbering) -> None:
        self.numbering = numbering
        self.warnings: list[str] = []

    def blocks(self, container: etree._Element, *, in_table: bool = False) -> list[str]:
        lines: list[str] = []
        for child in container:
            tag = child.tag
            if tag == _P:
                lines.extend(self.paragraph(child))
            elif tag == _TBL:
                lines.extend(self.table(child))
            elif tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
                lines.extend(self.blocks(child, in_table=in_table))
            elif tag == _ALT:
                choice = child.find(_CHOICE)
                if choice is not None:
                    lines.extend(self.blocks(choice, in_table=in_table))
            elif tag == f"{_W}altChunk":
                self.warnings.append("the DOCX embeds another document (altChunk) whose text was not read")
        if in_table:
            lines = [line for line in lines if line.strip()]
        return lines

    def table(self, table: etree._Element) -> list[str]:
        """A task table one row a line (``ingest.table_rows``); any other table one cell paragraph a line."""
        lines: list[str] = []
        grid: list[list[str | None]] = []
        above: dict[int, str] = {}  # text of the cell a vertical merge continues, by grid column
        for row in _children(table, _TR):
            cells: list[str | None] = [""] * _int(_val(row.find(f"{_W}trPr"), "gridBefore"), 0)
            for cell in _children(row, _TC):
                tc_pr = cell.find(f"{_W}tcPr")
                span = max(_int(_val(tc_pr, "gridSpan"), 1), 1)
                merge = None if tc_pr is None else tc_pr.find(f"{_W}vMerge")
                cell_lines = self.blocks(cell, in_table=True)
                # Merged cells appear once in the XML; continuation cells of a vertical merge are empty.
                lines.extend(cell_lines)
                text = "\n".join(line.strip() for line in cell_lines)  # table_rows reads the breaks
                col = len(cells)
                if merge is not None and merge.get(f"{_W}val") != "restart":
                    text = above.get(col, text)
                above[col] = text
                cells.append(text)
                cells.extend([None] * (span - 1))
            grid.append(cells)
        rows = render_table(grid)
        return lines if rows is None else rows

    def paragraph(self, paragraph: etree._Element) -> list[str]:
        parts: list[str] = []
        boxes: list[etree._Element] = []
        self._inline(paragraph, parts, boxes)
        text = "".join(parts)
        label = self.numbering.label(paragraph)
        lines = [f"{label} {text}" if label and text.strip() else text]
        for box in boxes:
            lines.extend(line for line in self.blocks(box) if line.strip())
        return lines

    def _inline(self, element: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue  # comments, processing instructions, text-free properties
            if tag in _INLINE_TEXT:
                fixed = _INLINE_TEXT[tag]
                parts.append(fixed if fixed is not None else (child.text or ""))
            elif tag == _TXBX:
                boxes.append(child)
            elif tag == _ALT:
                choice = child.find(_CHOICE)  # Choice and Fallback hold the same content twice
                if choice is not None:
                    self._inline(choice, parts, boxes)
            else:
                self._inline(child, parts, boxes)


def read_docx(path: Path) -> ExtractedText:
    """Body text of a DOCX in document order; tables one cell paragraph per line, task tables one row per line."""
    import docx  # python-docx

    try:
        document = docx.Document(str(path))
        body = document.element.body
        numbering_el = _numbering_element(document)
        styles_el = document.styles.element
    except ValueError as e:
        if "content type" in str(e):  # python-docx refuses .docm / .dotx / .dotm packages
            raise UnsupportedFormatError(
                f"{path}: a macro-enabled or template Word package, not a plain DOCX ({e})",
                user_message="Tệp Word có macro hoặc tệp mẫu chưa được hỗ trợ, vui lòng lưu lại dạng .docx.",
            ) from e
        raise CorruptFileError(f"{path}: not a readable DOCX ({e})") from e
    except Exception as e:  # python-docx surfaces zipfile, OPC and XML errors of many kinds
        raise CorruptFileError(f"{path}: not a readable DOCX ({type(e).__name__}: {e})") from e

    numbering = _Numbering(numbering_el, styles_el)
    renderer = _Renderer(numbering)
    lines = renderer.blocks(body)
    warnings = list(dict.fromkeys(renderer.warnings))
    if numbering.rebuilt:
        warnings.append(
            f"list labels of {numbering.rebuilt} auto-numbered paragraph(s) were rebuilt from the numbering "
            "definitions and may differ slightly from Word's display"
        )
    if numbering.unresolved:
        warnings.append(f"{numbering.unresolved} auto-numbered paragraph(s) lost their list label (broken numbering)")
    return ExtractedText(text="\n".join(lines), source_format="docx", warnings=warnings)


def _numbering_element(document: Any) -> etree._Element | None:  # docx.Document: python-docx ships no types
    """The ``w:numbering`` root when the document has a numbering part (python-docx would create one)."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = document.part
    for rel in part.rels.values():
        if rel.reltype == RT.NUMBERING and not rel.is_external:
            return getattr(rel.target_part, "element", None)
    return None
