"""HTML pages (portal articles, documents saved "as Web Page") with selectolax.

Page furniture is dropped (scripts, styles, navigation, side bars, site headers and footers);
every block element becomes its own line and tables come out row by row, one cell per line,
matching the DOCX loader so the cleaner and chunker see one layout for all formats; a task table
(``ingest.table_rows``) comes out one row per line, as in the DOCX loader.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser, LexborNode

from ingest.loaders._common import decode_text
from ingest.table_rows import render_table
from troly.errors import CorruptFileError
from troly.types import ExtractedText

__all__ = ["html_to_text", "read_html"]

logger = logging.getLogger(__name__)

_ALWAYS_DROP = "script, style, noscript, template, nav, aside, iframe, svg, canvas, object, select, [role=navigation]"
# A site's <header>/<footer> is furniture, but an <article>'s own header holds its title.
_FURNITURE = "header, footer"
_CONTENT = {"article", "main"}
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "legend",
        "li",
        "main",
        "menu",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_WS_RE = re.compile(r"\s+")
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)


class _Lines:
    """Collects inline text into lines; a block boundary or <br> ends the current line."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._buffer: list[str] = []

    def add(self, text: str) -> None:
        self._buffer.append(text)

    def add_preformatted(self, text: str) -> None:
        first, *rest = text.split("\n")
        self._buffer.append(first)
        for line in rest:
            self.flush()
            self._buffer.append(line)

    def flush(self) -> None:
        line = _WS_RE.sub(" ", "".join(self._buffer)).strip()
        if line:
            self.lines.append(line)
        self._buffer.clear()


def _walk(node: LexborNode, out: _Lines, *, pre: bool) -> None:
    for child in node.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            text = child.text(deep=False) or ""
            if pre:
                out.add_preformatted(text)
            else:
                out.add(text)
        elif tag in {"-comment", "_comment"} or tag is None:
            continue
        elif tag == "br":
            out.flush()
        elif tag == "table" and not pre and (rows := _task_table(child)) is not None:
            out.flush()
            out.lines.extend(rows)
        elif tag in _BLOCKS:
            out.flush()
            _walk(child, out, pre=pre or tag == "pre")
            out.flush()
        else:
            _walk(child, out, pre=pre)


def _rows(table: LexborNode) -> list[LexborNode]:
    """The table's own rows (under thead/tbody/tfoot or directly), not those of nested tables."""
    rows: list[LexborNode] = []
    for child in table.iter():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in {"thead", "tbody", "tfoot"}:
            rows.extend(c for c in child.iter() if c.tag == "tr")
    return rows


def _span(node: LexborNode, name: str) -> int:
    try:
        return min(max(int((node.attributes.get(name) or "1").strip()), 1), 50)
    except ValueError:
        return 1


def _task_table(table: LexborNode) -> list[str] | None:
    """A task table's row lines (``ingest.table_rows``) on its column grid, or None for any other table."""
    grid: list[list[str | None]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, column) covered by a rowspan: its text
    for r, row in enumerate(_rows(table)):
        cells: list[str | None] = []
        for cell in (c for c in row.iter() if c.tag in {"td", "th"}):
            while (r, len(cells)) in pending:
                cells.append(pending.pop((r, len(cells))))
            lines = _Lines()
            _walk(cell, lines, pre=False)
            lines.flush()
            text = " ".join(lines.lines)
            col = len(cells)
            for below in range(1, _span(cell, "rowspan")):
                pending[(r + below, col)] = text
            cells.append(text)
            cells.extend([None] * (_span(cell, "colspan") - 1))
        while (r, len(cells)) in pending:
            cells.append(pending.pop((r, len(cells))))
        grid.append(cells)
    return render_table(grid)


def _inside_content(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.tag in _CONTENT:
            return True
        parent = parent.parent
    return False


def html_to_text(markup: str) -> str:
    """Readable text of an HTML document: one line per block, furniture removed."""
    tree = LexborHTMLParser(markup)
    for node in tree.css(_ALWAYS_DROP):
        node.decompose()
    for node in [n for n in tree.css(_FURNITURE) if not _inside_content(n)]:
        node.decompose()
    out = _Lines()
    root = tree.body
    if root is not None:
        _walk(root, out, pre=False)
        out.flush()
    return "\n".join(out.lines)


def read_html(path: Path, data: bytes) -> ExtractedText:
    """Decode (BOM, then ``<meta charset>``, then UTF-8 / Windows-1258) and extract an HTML file."""
    match = _CHARSET_RE.search(data[:4096])
    declared = match.group(1).decode("ascii", "replace") if match else None
    decoded = decode_text(data, declared=declared)
    if decoded is None:
        raise CorruptFileError(f"{path}: binary content in an HTML file")
    try:
        text = html_to_text(decoded.text)
    except Exception as e:  # selectolax raises plain exceptions on pathological input
        raise CorruptFileError(f"{path}: the HTML could not be parsed ({e})") from e
    return ExtractedText(text=text, source_format="html", warnings=list(decoded.warnings))
