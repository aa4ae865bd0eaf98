"""Scanned pages and image files read with their ruled tables: a task table comes out as one
line per row.

A DOCX task table reaches the extractor as "3. Rà soát … | Cơ quan chủ trì: Sở Xây dựng | …"
(:mod:`ingest.table_rows`); the same table printed and scanned used to reach it as Tesseract's
page reading, words of the duty, lead and deadline columns mixed line by line, and gave no task.
:class:`ScanReader` OCRs a document's pages in order. On a page with ruled tables
(:mod:`ingest.loaders._grid`) it erases the ruling, runs Tesseract once on the page, puts every
word in its cell by the word's centre, and hands each table's grid to ``render_table``; a task
table becomes row lines, any other table keeps the page reading of its words. The text around
the tables is read as any page is, in order above and below them.

A task table running over several pages prints its header once. The reader keeps the header of
the last task table it read and gives it to a table that opens the next page with the same
columns, so the rows of page 2 … 17 are rows of the same table, not orphaned cells.

Inside a cell Tesseract's lines are rejoined into the cell's paragraphs: a line whose first word
would have fitted at the end of the line above starts a new paragraph (the writer broke the line:
"Sở Tư pháp" above "Sở Nội vụ" in a lead cell), otherwise it continues it (the cell wrapped:
"Sở Nông nghiệp và" above "Môi trường").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError
from rapidfuzz import fuzz

from ingest.loaders._grid import Cell, Grid, find_grids
from ingest.loaders._ocr import PAGE_SEGMENTATION, ensure_tesseract, image_dpi, layout_text, prepare_for_ocr, word_data
from ingest.table_rows import carries_over, header_end, render_table
from troly.config import Settings
from troly.errors import CorruptFileError, FileTooLargeError
from troly.text import fold
from troly.types import ExtractedText

__all__ = ["ScanReader", "read_image"]

logger = logging.getLogger(__name__)

_NUMBER_COLUMN = 0.12  # a first column this narrow (share of the table) holds row numbers
_BLOCK = 6  # --psm 6: one uniform block of text (the number column read on its own)
_SAME_COLUMNS = 0.02  # column rules this close (share of the page width) are the same columns
_HEADER_LIKE = 70  # a row this similar (rapidfuzz ratio) to the header repeats it
_FOOT = 0.7  # a table reaching below this share of the page height may go on over the page
_TOP_LINES = 3  # a continued table opens its page: at most this many lines (page number, a
# running title) stand above it


@dataclass(frozen=True, slots=True)
class _Word:
    index: int  # position in Tesseract's data
    left: int
    top: int
    right: int
    bottom: int
    text: str
    line: tuple[int, int, int]  # Tesseract's block, paragraph, line

    @property
    def centre(self) -> tuple[float, float]:
        return (self.left + self.right) / 2, (self.top + self.bottom) / 2


@dataclass(slots=True)
class _Header:
    rows: list[list[str | None]]
    xs: list[float]  # column rules as shares of the page width


@dataclass(frozen=True, slots=True)
class _Held:
    header: list[list[str | None]]
    row: list[str | None]


class ScanReader:
    """OCR of one document's pages in reading order, task tables as row lines."""

    def __init__(self, *, languages: str) -> None:
        self.languages = languages
        self._header: _Header | None = None
        self._held: _Held | None = None  # a table's last row, until the next page is read

    def close_table(self) -> str:
        """End the current table (the next page read does not follow the last one) and return the
        lines of the row held back for it ("" when none): the caller adds them to the last page."""
        self._header = None
        held, self._held = self._held, None
        return "\n".join(_held_lines(held))

    def read(self, image: Image.Image, *, dpi: int | None = None) -> str:
        """The text of one page (grayscale image); pages must be read in order.

        The last row of a task table that reaches the foot of the page is held back until the next
        page shows whether it goes on there (a row broken across the page), and then written whole.

        Raises RuntimeError on Tesseract's timeout, TesseractError (a RuntimeError) when it fails,
        and MissingToolError when the binary is gone.
        """
        held, self._held = self._held, None
        grids, ruling = find_grids(image)
        if not grids:
            self._header = None
            text = layout_text(word_data(image, languages=self.languages, dpi=dpi, psm=PAGE_SEGMENTATION))
            return _joined([*_held_lines(held), text])
        erased = image.copy()
        erased.paste(255, mask=Image.fromarray(ruling.astype(np.uint8) * 255))
        data = word_data(erased, languages=self.languages, dpi=dpi, psm=PAGE_SEGMENTATION)
        words = _words(data)
        placed: dict[int, tuple[int, Cell]] = {}
        for word in words:
            x, y = word.centre
            for g, grid in enumerate(grids):
                cell = grid.cell_at(x, y)
                if cell is not None:
                    placed[word.index] = (g, cell)
                    break
        for g, grid in enumerate(grids):
            for word, cell in self._numbers(erased, grid, placed, dpi=dpi, start=len(data.get("text", [])) + 1000 * g):
                words.append(word)
                placed[word.index] = (g, cell)
        page_words = len(data.get("text", []))
        tables: dict[int, list[str]] = {}
        for g, grid in enumerate(grids):
            inside = [w for w in words if placed.get(w.index, (-1,))[0] == g]
            above = {w.line for w in words if w.index not in placed and w.centre[1] < grid.ys[0]}
            opens = g == 0 and len(above) <= _TOP_LINES
            at_foot = g == len(grids) - 1 and grid.ys[-1] >= _FOOT * image.height
            rows = self._rows(grid, inside, placed)
            lines, continued = self._render(
                rows, grid, image.width, opens=opens, held=held if opens else None, hold=at_foot
            )
            if continued:
                held = None  # taken into this page's rows
            if lines is not None:
                tables[g] = lines
        if not tables:  # no task table: the page is read as any page (its ruling erased)
            return _joined([*_held_lines(held), layout_text(data)])

        def free(word: _Word) -> bool:
            return word.index < page_words and placed.get(word.index, (-1,))[0] not in tables

        parts: list[str] = list(_held_lines(held))
        done: set[int] = set()
        for g, lines in sorted(tables.items()):
            top = grids[g].ys[0]
            before = {w.index for w in words if free(w) and w.index not in done and w.centre[1] < top}
            parts.append(layout_text(_subset(data, before)))
            done |= before
            parts.append("\n".join(lines))
        rest = {w.index for w in words if free(w) and w.index not in done}
        parts.append(layout_text(_subset(data, rest)))
        if self._header is not None and _line_count(words, rest) > _TOP_LINES:
            # text after the table: the next page's table is another one
            parts.extend(_held_lines(self._held))
            self._header, self._held = None, None
        return _joined(parts)

    def _numbers(
        self, image: Image.Image, grid: Grid, placed: dict[int, tuple[int, Cell]], *, dpi: int | None, start: int
    ) -> list[tuple[_Word, Cell]]:
        """Row numbers Tesseract's page reading skipped, read again from the number column alone.

        A lone "1" or "II" in a narrow cell is often not found as text on the whole page; read as one
        block the column gives them, and with them the rows' markers ("I." heads "1.", "2.").
        """
        left, top, right, bottom = grid.xs[0], grid.ys[0], grid.xs[1], grid.ys[-1]
        if right - left > _NUMBER_COLUMN * (grid.xs[-1] - grid.xs[0]):
            return []
        column = [cell for cell in grid.cells if cell.col == 0 and cell.last_col == 0]
        filled = {cell for _g, cell in placed.values() if cell.col == 0}
        empty = [cell for cell in column if cell not in filled]
        if len(empty) < 2:
            return []
        strip = image.crop((left, top, right, bottom))
        data = word_data(strip, languages=self.languages, dpi=dpi, psm=_BLOCK)
        found: list[tuple[_Word, Cell]] = []
        for word in _words(data):
            moved = _Word(
                start + word.index,
                word.left + left,
                word.top + top,
                word.right + left,
                word.bottom + top,
                word.text,
                (-1, *word.line[1:]),
            )
            cell = grid.cell_at(*moved.centre)
            if cell is not None and cell in empty:
                found.append((moved, cell))
        return found

    def _rows(self, grid: Grid, words: list[_Word], placed: dict[int, tuple[int, Cell]]) -> list[list[str | None]]:
        by_cell: dict[Cell, list[_Word]] = {}
        for word in words:
            by_cell.setdefault(placed[word.index][1], []).append(word)
        return grid.rows({cell: _cell_text(ws) for cell, ws in by_cell.items()})

    def _render(
        self, rows: list[list[str | None]], grid: Grid, width: int, *, opens: bool, held: _Held | None, hold: bool
    ) -> tuple[list[str] | None, bool]:
        """The grid's row lines when it is a task table, or goes on the last one; else None.

        A table that ``opens`` the page (``held`` is then the row held back from the page before,
        if any) with the columns of the last task table goes on it: its own header (printed again on
        each page, and read differently each time) is dropped for the first page's, and a first
        row without a number completes the held row. With ``hold`` the last row is held back.
        Also returns whether the rows went on the last table.
        """
        xs = [x / width for x in grid.xs]
        header = self._header
        if (
            opens
            and header is not None
            and len(header.xs) == len(xs)
            and all(abs(a - b) <= _SAME_COLUMNS for a, b in zip(header.xs, xs, strict=True))
        ):
            end = header_end(rows) or 0
            while end < len(rows) and end < len(header.rows) + 1 and _repeats(rows[end], header.rows):
                end += 1
            body = rows[end:]
            if held is not None:
                if body and carries_over(header.rows, held.row, body[0]):
                    body = [_merged(held.row, body[0]), *body[1:]]
                else:
                    body = [held.row, *body]
            if hold and body:
                self._held = _Held(header.rows, body[-1])
                body = body[:-1]
            return render_table([*header.rows, *body], continued=held is None), True
        own = header_end(rows)
        if own is None:
            self._header = None
            return None, False
        if hold and len(rows) > own:
            self._held = _Held(rows[:own], rows[-1])
            rows = rows[:-1]
        lines = render_table(rows)
        self._header = _Header(rows[:own], xs)
        return lines, False


def _held_lines(held: _Held | None) -> list[str]:
    return [] if held is None else (render_table([*held.header, held.row]) or [])


def _merged(first: list[str | None], rest: list[str | None]) -> list[str | None]:
    """A row broken across a page, whole again: each cell's words, the first page's first."""
    out: list[str | None] = []
    for a, b in zip(first, rest, strict=False):
        if a is None or b is None:
            out.append(a if b is None else b)
        else:
            out.append(" ".join(part for part in (a, b) if part))
    return out


def _joined(parts: list[str]) -> str:
    return "\n\n".join(part for part in parts if part.strip())


def _repeats(row: list[str | None], header: list[list[str | None]]) -> bool:
    """Whether ``row`` reads like one of the header's rows (OCR reads a repeated header differently)."""
    text = fold(" ".join(c for c in row if c))
    return bool(text) and any(fuzz.ratio(text, fold(" ".join(c for c in h if c))) >= _HEADER_LIKE for h in header)


def _words(data: dict[str, list[Any]]) -> list[_Word]:
    out: list[_Word] = []
    for i, raw in enumerate(data.get("text", [])):
        text = str(raw).strip()
        if not text or float(data["conf"][i]) < 0:
            continue
        left, top = int(data["left"][i]), int(data["top"][i])
        line = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        out.append(_Word(i, left, top, left + int(data["width"][i]), top + int(data["height"][i]), text, line))
    return out


def _subset(data: dict[str, list[Any]], keep: set[int]) -> dict[str, list[Any]]:
    """Tesseract's data with every word outside ``keep`` blanked (``layout_text`` skips blanks)."""
    out = dict(data)
    out["text"] = [t if i in keep else "" for i, t in enumerate(data.get("text", []))]
    return out


def _line_count(words: list[_Word], indexes: set[int]) -> int:
    return len({w.line for w in words if w.index in indexes})


def _cell_text(words: list[_Word]) -> str:
    """A cell's words as its paragraphs ("\\n" between them), lines rejoined where the cell wrapped.

    The cell's widest line stands for its width: a line whose first word would have fitted after
    the line above within it was broken by the writer.
    """
    lines: list[list[_Word]] = []
    for word in sorted(words, key=lambda w: (w.centre[1], w.left)):
        if lines:
            last = lines[-1]
            height = max(1, sorted(w.bottom - w.top for w in last)[len(last) // 2])
            middle = sum(w.centre[1] for w in last) / len(last)
            if abs(word.centre[1] - middle) < 0.6 * height:
                last.append(word)
                continue
        lines.append([word])
    widest = max((max(w.right for w in line) - min(w.left for w in line) for line in lines), default=0)
    out: list[str] = []
    previous: list[_Word] | None = None
    for line in lines:
        line.sort(key=lambda w: w.left)
        text = " ".join(w.text for w in line)
        if previous is not None and out:
            used = previous[-1].right - previous[0].left
            gap = max(1, (line[0].bottom - line[0].top) // 3)
            first = line[0].right - line[0].left
            if used + gap + first <= widest or line[0].text[:1] in "-+•–":
                out.append(text)  # the word would have fitted above: the writer broke the line
            else:
                out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
        previous = line
    return "\n".join(out)


def read_image(path: Path, *, settings: Settings) -> ExtractedText:
    """OCR an image file; every frame of a multi-page TIFF becomes a page (joined with form feeds)."""
    warnings: list[str] = []
    pages: list[str] = []
    try:
        with Image.open(path) as image:
            ensure_tesseract(settings.ocr_languages)  # after the decode check: corrupt files fail first
            reader = ScanReader(languages=settings.ocr_languages)
            for index, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if index == 1:
                    frame = ImageOps.exif_transpose(frame)  # phone photos are stored sideways
                gray = prepare_for_ocr(frame)
                try:
                    text = reader.read(gray, dpi=image_dpi(image))
                except RuntimeError as e:  # pytesseract's timeout
                    warnings.append(f"OCR of frame {index} of {path.name} failed ({e}); its text is missing")
                    text = ""
                if not text.strip():
                    warnings.append(f"OCR found no text in frame {index} of {path.name}")
                pages.append(text.strip("\n"))
            if pages and (tail := reader.close_table()):
                pages[-1] = f"{pages[-1]}\n{tail}"
    except Image.DecompressionBombError as e:
        raise FileTooLargeError(f"{path}: image has too many pixels to OCR safely ({e})") from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise CorruptFileError(f"{path}: the image could not be decoded ({e})") from e
    warnings.append("text was recognised by OCR from an image; recognition errors are possible")
    return ExtractedText(
        text="\n\f\n".join(pages), source_format="image", pages=len(pages), ocr=True, warnings=warnings
    )
