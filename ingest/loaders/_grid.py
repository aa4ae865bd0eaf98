"""Ruled tables on a page image: their grid, merged cells and the ruling to erase before OCR.

Plans, decisions and conclusion notices often carry their assignments in a bordered table
("STT | Nội dung nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành"), and
many reach troly as scans. Tesseract reads such a page line by line across the columns, so the
row "3 Rà soát … | Sở Xây dựng | Sở Tài chính | Quý II/2026" becomes words in an order that no
longer says who leads. A printed task table is ruled, though: its cells are boxes drawn in ink.
Here the long horizontal and vertical strokes of the image are found by morphological opening
(scipy.ndimage), those that cross each other form a table, their positions give the grid, and
a missing stretch of ruling between two neighbouring grid cells makes them one merged cell (a
group row across the table, a lead unit spanning several rows). The OCR reader then places each
recognised word in its cell by the word's centre.

Only ruled tables are found: a table printed without borders has no grid to read and keeps the
page reading. The ruling itself is returned as a mask so the reader can erase it before OCR
(Tesseract otherwise reads a cell border as "|", "l" or "—").
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from PIL import Image
from scipy import ndimage

__all__ = ["Cell", "Grid", "find_grids"]

_INK = 200  # a pixel darker than this is ink (scanned rules are often light gray)
_H_RUN = 1 / 20  # a horizontal rule is at least this share of the page width …
_V_RUN = 1 / 45  # … a vertical one this share of its height (a text stroke is far shorter)
_JOIN = 1 / 250  # rules this close (share of the width) are one rule drawn thick or broken
_MIN_COLS = 2  # a table has two columns or more …
_MIN_CELLS = 3  # … and three cells (a row carried over from the previous page is one)
_SPAN = 0.3  # a rule runs along at least this share of its table's height or width
_PRESENT = 0.6  # a stretch of rule is drawn when this share of it is ink
_MIN_WIDTH = 0.3  # a table spans at least this share of the page width
_MAX_INK = 0.3  # a table is mostly paper: its cells hold text, not ink
_MIN_ROW = 0.012  # and one of its rows is at least this share of the page height (a line of text)


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its first and last grid row and column, and its box in pixels."""

    row: int
    col: int
    last_row: int
    last_col: int
    box: tuple[int, int, int, int]  # left, top, right, bottom


@dataclass(slots=True)
class Grid:
    """A ruled table: rule positions, the cells they form (merged where ruling is missing)."""

    xs: list[int]  # vertical rules, left to right
    ys: list[int]  # horizontal rules, top to bottom
    cells: list[Cell] = field(default_factory=list)

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def cell_at(self, x: float, y: float) -> Cell | None:
        """The cell whose box holds the point, or None outside the table."""
        for cell in self.cells:
            left, top, right, bottom = cell.box
            if left <= x < right and top <= y < bottom:
                return cell
        return None

    def rows(self, texts: dict[Cell, str]) -> list[list[str | None]]:
        """The table on its grid as ``render_table`` takes it: a horizontally merged cell's text in
        its first column and None after it, a vertically merged cell's text in every row it spans."""
        grid: list[list[str | None]] = [[""] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.last_row + 1):
                grid[r][cell.col] = texts.get(cell, "")
                for c in range(cell.col + 1, cell.last_col + 1):
                    grid[r][c] = None
        return grid


def find_grids(image: Image.Image) -> tuple[list[Grid], NDArray[np.bool_]]:
    """The ruled tables of a grayscale page, top to bottom, and the mask of their ruling.

    A table is a connected set of horizontal and vertical rules with two columns or more and
    three cells or more, spanning a good part of the page width; an underline or a frame around the signature
    is not one. The mask covers only the tables' rules.
    """
    ink = np.asarray(image.convert("L")) < _INK
    height, width = ink.shape
    h_len = max(int(width * _H_RUN), 20)
    v_len = max(int(height * _V_RUN), 20)
    # A rule in a scan is a few pixels thick and slightly skewed: close small breaks first.
    horizontal = ndimage.binary_opening(ndimage.binary_closing(ink, np.ones((1, 5), bool)), np.ones((1, h_len), bool))
    vertical = ndimage.binary_opening(ndimage.binary_closing(ink, np.ones((5, 1), bool)), np.ones((v_len, 1), bool))
    ruling = horizontal | vertical
    labels, _count = ndimage.label(ndimage.binary_dilation(ruling, np.ones((5, 5), bool)))
    grids: list[Grid] = []
    mask = np.zeros_like(ink)
    join = max(int(width * _JOIN), 4)
    for index, region in enumerate(ndimage.find_objects(labels), start=1):
        if region is None:
            continue
        ys_slice, xs_slice = region
        if (xs_slice.stop - xs_slice.start) < _MIN_WIDTH * width:
            continue
        own = labels[region] == index
        h = horizontal[region] & own
        v = vertical[region] & own
        # A rule separates whole cells: it runs along a good part of the table (text strokes,
        # an underline or a seal's arc in one cell do not).
        # Coverage is counted on rules thickened by ``join``, so a skewed rule still counts whole.
        v_cover = ndimage.binary_dilation(v, np.ones((1, 2 * join + 1), bool)).sum(axis=0)
        h_cover = ndimage.binary_dilation(h, np.ones((2 * join + 1, 1), bool)).sum(axis=1)
        xs = _positions(v_cover, max(v_len, _SPAN * (ys_slice.stop - ys_slice.start)), join)
        ys = _positions(h_cover, max(h_len, _SPAN * (xs_slice.stop - xs_slice.start)), join)
        xs = _closed(xs, 0, xs_slice.stop - xs_slice.start)
        ys = _closed(ys, 0, ys_slice.stop - ys_slice.start)
        if len(xs) - 1 < _MIN_COLS or len(ys) < 2 or (len(xs) - 1) * (len(ys) - 1) < _MIN_CELLS:
            continue
        if max(b - a for a, b in itertools.pairwise(ys)) < _MIN_ROW * height:
            continue  # rows too thin for a line of text: a double rule, a band of shadow
        if ink[region].mean() > _MAX_INK:
            continue  # mostly black: a scanner's dark edge, not boxes on paper
        grid = Grid([x + xs_slice.start for x in xs], [y + ys_slice.start for y in ys])
        grid.cells = _cells(grid, horizontal, vertical, max(join // 2, 3))
        grids.append(grid)
        mask[region] |= own & ruling[region]
    grids.sort(key=lambda g: g.ys[0])
    return grids, ndimage.binary_dilation(mask, np.ones((3, 3), bool))


def _positions(profile: NDArray[np.int_], min_ink: float, join: int) -> list[int]:
    """Centres of the runs of positions whose ink count reaches ``min_ink`` (runs ``join`` apart
    are one rule)."""
    hits = np.flatnonzero(profile >= max(min_ink, 1))
    out: list[int] = []
    start = prev = None
    for p in hits.tolist():
        if start is None or prev is None:
            start = prev = p
        elif p - prev <= join:
            prev = p
        else:
            out.append((start + prev) // 2)
            start = prev = p
    if start is not None and prev is not None:
        out.append((start + prev) // 2)
    return out


def _closed(positions: list[int], low: int, high: int) -> list[int]:
    """The rule positions with the table's outer edges added where a style leaves them undrawn."""
    if not positions:
        return positions
    out = list(positions)
    if out[0] - low > 0.02 * (high - low):
        out.insert(0, low)
    if high - out[-1] > 0.02 * (high - low):
        out.append(high - 1)
    return out


def _cells(grid: Grid, horizontal: NDArray[np.bool_], vertical: NDArray[np.bool_], slack: int) -> list[Cell]:
    """The grid's cells, neighbours merged where the rule between them is not drawn."""
    n_rows, n_cols = grid.n_rows, grid.n_cols
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    for r in range(n_rows):
        top, bottom = grid.ys[r], grid.ys[r + 1]
        for c in range(1, n_cols):
            x = grid.xs[c]
            band = vertical[top + slack : bottom - slack, max(x - slack, 0) : x + slack + 1]
            if band.size == 0 or band.any(axis=1).mean() < _PRESENT:
                union(r * n_cols + c - 1, r * n_cols + c)
    for r in range(1, n_rows):
        y = grid.ys[r]
        for c in range(n_cols):
            left, right = grid.xs[c], grid.xs[c + 1]
            band = horizontal[max(y - slack, 0) : y + slack + 1, left + slack : right - slack]
            if band.size == 0 or band.any(axis=0).mean() < _PRESENT:
                union((r - 1) * n_cols + c, r * n_cols + c)
    members: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            members.setdefault(find(r * n_cols + c), []).append((r, c))
    cells: list[Cell] = []
    for spots in members.values():
        r0 = min(r for r, _ in spots)
        r1 = max(r for r, _ in spots)
        c0 = min(c for _, c in spots)
        c1 = max(c for _, c in spots)
        box = (grid.xs[c0], grid.ys[r0], grid.xs[c1 + 1], grid.ys[r1 + 1])
        cells.append(Cell(r0, c0, r1, c1, box))
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return cells
