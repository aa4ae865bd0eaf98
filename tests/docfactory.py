"""Build real test documents at test time (DOCX, PDF, scanned PDF, images, OLE files).

Tests never check binaries in: every fixture document is generated here from plain text, so a
reader can see exactly what a test feeds the loaders. The helpers are shared by the loader,
ingest-pipeline and chat-upload tests; they return the path they wrote so calls chain nicely.

Fonts: DejaVu Sans (Debian ``fonts-dejavu-core``) has every Vietnamese glyph; text PDFs embed it
and the "scanned" images are drawn with it in a large, clean size so Tesseract reads them reliably.
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "ABOVE",
    "DEFAULT_PARAGRAPHS",
    "DEFAULT_TABLE",
    "DEJAVU_SANS",
    "HEADER_LEFT",
    "HEADER_RIGHT",
    "encode_cp1258",
    "make_doc",
    "make_docx",
    "make_docx_from_text",
    "make_encrypted_docx",
    "make_encrypted_pdf",
    "make_garbled_pdf",
    "make_image",
    "make_latin1_text_pdf",
    "make_mixed_pdf",
    "make_multipage_tiff",
    "make_ole_file",
    "make_scanned_letter",
    "make_scanned_pages",
    "make_scanned_pdf",
    "make_stamped_pdf",
    "make_text_pdf",
    "render_ruled_table",
    "render_text_image",
]

DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

#: The two cells of the header table that opens a Vietnamese official document.
HEADER_LEFT: tuple[str, ...] = ("ỦY BAN NHÂN DÂN", "TỈNH GIA LAI", "Số: 174/TB-UBND")
HEADER_RIGHT: tuple[str, ...] = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "Gia Lai, ngày 05 tháng 7 năm 2025",
)
DEFAULT_PARAGRAPHS: tuple[str, ...] = (
    "THÔNG BÁO",
    "Kết luận của Phó Chủ tịch UBND tỉnh tại cuộc họp về công tác chuyển đổi số",
    "Tỉnh đoàn chịu trách nhiệm phối hợp với Sở Tư pháp triển khai thực hiện.",
)
DEFAULT_TABLE: tuple[tuple[str, ...], ...] = (
    ("STT", "Nội dung", "Thời hạn"),
    ("1", "Sở Tư pháp rà soát văn bản", "Trước ngày 30/7/2025"),
)


# --------------------------------------------------------------------------- DOCX


def make_docx(
    path: Path,
    *,
    header_table: bool = True,
    paragraphs: Sequence[str] = DEFAULT_PARAGRAPHS,
    table: Sequence[Sequence[str]] | None = DEFAULT_TABLE,
    numbered_items: Sequence[str] = (),
    nested_table_text: str | None = None,
    page_header_text: str | None = None,
    header_left: Sequence[str] | None = None,
    header_right: Sequence[str] | None = None,
    table_merges: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> Path:
    """Write a DOCX shaped like a provincial document and return ``path``.

    Order in the body: the 2-column header table (``header_left`` / ``header_right``, by default
    ``HEADER_LEFT`` / ``HEADER_RIGHT``, one paragraph per line), ``paragraphs``, ``numbered_items`` in Word's auto-numbered "List Number"
    style, then ``table`` (first row is the header row). ``nested_table_text`` puts a 1x1 table
    holding that text inside the last cell of ``table``; ``page_header_text`` goes in the page
    header (furniture the loader must skip). ``table_merges`` merges cells of ``table`` as Word
    does, each a ((row, column), (row, column)) pair of opposite corners, after the text is set:
    the first cell keeps its text, the others must be empty.
    """
    import docx  # python-docx; imported lazily so non-DOCX tests do not pay for it

    document = docx.Document()
    if page_header_text is not None:
        document.sections[0].header.paragraphs[0].text = page_header_text
    if header_table:
        head = document.add_table(rows=1, cols=2)
        # The module constants are read at call time (tests may monkeypatch them).
        cells = (
            HEADER_LEFT if header_left is None else header_left,
            HEADER_RIGHT if header_right is None else header_right,
        )
        for cell, lines in zip(head.rows[0].cells, cells, strict=True):
            _fill_cell(cell, lines)
    for text in paragraphs:
        document.add_paragraph(text)
    for text in numbered_items:
        document.add_paragraph(text, style="List Number")
    if table:
        n_cols = max(len(row) for row in table)
        body = document.add_table(rows=len(table), cols=n_cols)
        for row, values in zip(body.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=False):  # short rows leave cells empty
                cell.text = value
        for (r1, c1), (r2, c2) in table_merges:
            body.cell(r1, c1).merge(body.cell(r2, c2))
        if nested_table_text is not None:
            inner = body.rows[-1].cells[-1].add_table(rows=1, cols=1)
            inner.rows[0].cells[0].text = nested_table_text
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _fill_cell(cell: object, lines: Sequence[str]) -> None:
    """Put one paragraph per line into a python-docx table cell (which starts with one empty paragraph)."""
    first, *rest = lines
    cell.paragraphs[0].text = first  # type: ignore[attr-defined]
    for line in rest:
        cell.add_paragraph(line)  # type: ignore[attr-defined]


def _columns(line: str) -> tuple[str, str]:
    """A two-column text line ("Nơi nhận:          KT. CHỦ TỊCH") split at its widest gap."""
    parts = [p for p in re.split(r"\s{3,}", line.strip()) if p]
    if len(parts) >= 2 and len(line) - len(line.lstrip()) < 20:
        return parts[0], " ".join(parts[1:])
    return ("", parts[0]) if parts and len(line) - len(line.lstrip()) >= 20 else (line.strip(), "")


def make_docx_from_text(path: Path, text: str) -> Path:
    """A plain-text official document laid out in columns (as ``examples/eval/extra-corpus`` writes
    them) as the DOCX an office would send: the two-column header as the header table, one
    paragraph per blank-line-separated block (wrapped lines joined), and the closing "Nơi nhận"
    list beside the signature as a two-column table."""
    import docx

    lines = text.splitlines()
    body_at = next(i for i, line in enumerate(lines) if not line.strip() and i > 2 and "Số:" in lines[i - 1])
    left, right = zip(*(_columns(line) for line in lines[:body_at] if line.strip()), strict=True)
    closing_at = next(i for i, line in enumerate(lines) if line.strip().startswith("Nơi nhận"))
    blocks = [b for b in re.split(r"\n\s*\n", "\n".join(lines[body_at:closing_at])) if b.strip()]
    genre, *subject = blocks[0].strip().splitlines()  # "THÔNG BÁO", then the subject's lines
    paragraphs = [genre.strip(), " ".join(w.strip() for w in subject)] if subject else [genre.strip()]
    paragraphs += [" ".join(w.strip() for w in b.splitlines() if w.strip()) for b in blocks[1:]]
    recipients, signature = zip(*(_columns(line) for line in lines[closing_at:] if line.strip()), strict=True)
    document = docx.Document()
    head = document.add_table(rows=1, cols=2)
    for cell, cell_lines in zip(head.rows[0].cells, (left, right), strict=True):
        _fill_cell(cell, [x for x in cell_lines if x])
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    foot = document.add_table(rows=1, cols=2)
    for cell, cell_lines in zip(foot.rows[0].cells, (recipients, signature), strict=True):
        _fill_cell(cell, [x for x in cell_lines if x])
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


# --------------------------------------------------------------------------- PDF


def make_text_pdf(path: Path, lines: Sequence[str], *, pages: int = 1, font_size: int = 12) -> Path:
    """Write a PDF with a real text layer (fpdf2 + embedded DejaVu Sans).

    ``lines`` are written on every one of ``pages`` pages (page *n* also gets a "Trang n" footer
    line so pages differ).
    """
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(DEJAVU_SANS))
    pdf.set_font("DejaVu", size=font_size)
    for number in range(1, pages + 1):
        pdf.add_page()
        for line in lines:
            pdf.multi_cell(0, font_size * 0.6, line, new_x="LMARGIN", new_y="NEXT")
        if pages > 1:
            pdf.multi_cell(0, font_size * 0.6, f"Trang {number}", new_x="LMARGIN", new_y="NEXT")
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def render_text_image(lines: Sequence[str], *, font_size: int = 40, margin: int = 60) -> Image.Image:
    """Draw ``lines`` black on white in DejaVu Sans; the image is cropped to the text (fast OCR)."""
    font = ImageFont.truetype(str(DEJAVU_SANS), font_size)
    line_height = int(font_size * 1.6)
    widths = [int(font.getlength(line)) for line in lines] or [0]
    width = max(widths) + 2 * margin
    height = line_height * max(len(lines), 1) + 2 * margin
    image = Image.new("L", (width, height), color=255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((margin, margin + index * line_height), line, font=font, fill=0)
    return image


def make_scanned_pdf(path: Path, lines: Sequence[str], *, pages: int = 1, dpi: int = 200, font_size: int = 40) -> Path:
    """Write an image-only PDF (no text layer), as a scanner would; each page shows ``lines``."""
    image = render_text_image(lines, font_size=font_size)
    frames = [image.copy() for _ in range(pages)]
    path.parent.mkdir(parents=True, exist_ok=True)
    frames[0].save(path, "PDF", resolution=float(dpi), save_all=True, append_images=frames[1:])
    return path


#: One printed row of a scanned page: left-aligned text, ``(centred,)`` text, or a (left column,
#: right column) pair.
Row = str | tuple[str] | tuple[str, str]


def render_page_image(rows: Sequence[Row], *, font_size: int = 30, width: int = 1654) -> Image.Image:
    """Draw an A4-wide page (200 dpi) row by row in DejaVu Sans.

    A ``str`` row starts at the left margin, a ``(text,)`` row is centred on the page (a type
    line); a ``(left, right)`` row centres ``left`` on the left quarter and ``right`` on the right
    third, as the header and signature columns of an official document are printed (either may
    be empty).
    """
    font = ImageFont.truetype(str(DEJAVU_SANS), font_size)
    line_height = int(font_size * 1.7)
    margin = 100
    image = Image.new("L", (width, line_height * len(rows) + 2 * margin), color=255)
    draw = ImageDraw.Draw(image)
    for index, row in enumerate(rows):
        y = margin + index * line_height
        if isinstance(row, str):
            draw.text((margin, y), row, font=font, fill=0)
            continue
        if len(row) == 1:
            draw.text(((width - font.getlength(row[0])) / 2, y), row[0], font=font, fill=0)
            continue
        for text, centre in zip(row, (0.25 * width, 0.72 * width), strict=True):
            if text:
                draw.text((centre - font.getlength(text) / 2, y), text, font=font, fill=0)
    return image


#: A cell of ``render_ruled_table``: its text, ``None`` where the cell to the left spans this
#: column, or ``ABOVE`` where the cell above spans this row.
ABOVE = "\x00above"


def render_ruled_table(
    rows: Sequence[Sequence[str | None]],
    widths: Sequence[float],
    *,
    font_size: int = 26,
    width: int = 1654,
    margin: int = 100,
    rule: int = 3,
    gray: int = 0,
) -> Image.Image:
    """Draw a bordered table as a printed task table looks when scanned (200 dpi, A4 width).

    ``widths`` are the columns' shares of the text width; a cell's text wraps at its width, and
    a line break in it starts a new line. Cells merge to the right (``None``) and down (``ABOVE``);
    no rule is drawn between merged parts. ``gray`` is the rules' ink (0 black, ~190 faint).
    """
    font = ImageFont.truetype(str(DEJAVU_SANS), font_size)
    line_height = int(font_size * 1.45)
    pad = 12
    total = width - 2 * margin
    xs = [margin]
    for share in widths:
        xs.append(xs[-1] + int(total * share))
    n_cols = len(widths)

    def span(r: int, c: int) -> int:
        end = c + 1
        while end < n_cols and rows[r][end] is None:
            end += 1
        return end

    def wrap(text: str, room: float) -> list[str]:
        out: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split():
                trial = f"{line} {word}".strip()
                if line and font.getlength(trial) > room:
                    out.append(line)
                    line = word
                else:
                    line = trial
            out.append(line)
        return out

    wrapped: dict[tuple[int, int], list[str]] = {}
    heights: list[int] = []
    for r, row in enumerate(rows):
        tallest = 1
        for c, text in enumerate(row):
            if text is None or text == ABOVE:
                continue
            lines = wrap(text, xs[span(r, c)] - xs[c] - 2 * pad)
            wrapped[(r, c)] = lines
            tallest = max(tallest, len(lines))
        heights.append(tallest * line_height + 2 * pad)
    ys = [margin]
    for h in heights:
        ys.append(ys[-1] + h)
    image = Image.new("L", (width, ys[-1] + margin), color=255)
    draw = ImageDraw.Draw(image)
    for (r, c), lines in wrapped.items():
        for k, line in enumerate(lines):
            draw.text((xs[c] + pad, ys[r] + pad + k * line_height), line, font=font, fill=0)
    ink = gray
    draw.rectangle((xs[0], ys[0], xs[-1], ys[-1]), outline=ink, width=rule)
    for r in range(len(rows)):
        for c in range(n_cols):
            if c > 0 and rows[r][c] is not None:  # a rule on this cell's left
                draw.line((xs[c], ys[r], xs[c], ys[r + 1]), fill=ink, width=rule)
            if r > 0 and rows[r][c] != ABOVE:
                draw.line((xs[c], ys[r], xs[c + 1], ys[r]), fill=ink, width=rule)
    return image


def make_scanned_pages(path: Path, pages: Sequence[Image.Image], *, dpi: int = 200) -> Path:
    """Write an image-only PDF of the given page images (each padded to A4 proportions)."""
    frames = []
    for image in pages:
        height = max(image.height, int(image.width * 297 / 210))
        frame = Image.new("L", (image.width, height), color=255)
        frame.paste(image, (0, 0))
        frames.append(frame)
    path.parent.mkdir(parents=True, exist_ok=True)
    frames[0].save(path, "PDF", resolution=float(dpi), save_all=True, append_images=frames[1:])
    return path


def make_scanned_letter(path: Path, rows: Sequence[Row], *, dpi: int = 200, seal_over: str | None = None) -> Path:
    """Write an image-only PDF of one page laid out by ``rows`` (see ``render_page_image``).

    ``seal_over`` stamps a red seal (two rings, an emblem and a lettered band) over the start of
    the first row holding that text, as an office seals the signer's title and name.
    """
    image = render_page_image(rows)
    if seal_over is not None:
        image = _stamp_seal(image, rows, seal_over)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PDF", resolution=float(dpi))
    return path


def _stamp_seal(page: Image.Image, rows: Sequence[Row], text: str) -> Image.Image:
    """``page`` in colour with a red seal centred on the left end of ``text``'s row (the star
    over the row's first letters)."""
    font_size, width, margin = 30, page.width, 100
    line_height = int(font_size * 1.7)
    index = next(i for i, row in enumerate(rows) if text in (row if isinstance(row, str) else " ".join(row)))
    font = ImageFont.truetype(str(DEJAVU_SANS), font_size)
    cx = 0.72 * width - font.getlength(text) / 2  # the right column's row starts here
    cy = margin + index * line_height + font_size / 2
    from PIL import ImageChops

    seal = Image.new("RGB", page.size, (255, 255, 255))
    draw = ImageDraw.Draw(seal)
    red = (205, 35, 45)
    for radius, ring in ((150, 9), (105, 5)):
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=red, width=ring)
    draw.regular_polygon((cx, cy, 45), 5, fill=red)
    small = ImageFont.truetype(str(DEJAVU_SANS), 22)
    for k, letter in enumerate("ỦY BAN NHÂN DÂN TỈNH"):
        x = cx - 125 + k * 13
        draw.text((x, cy - 130 + abs(k - 10) * 4), letter, font=small, fill=red)
    return ImageChops.multiply(page.convert("RGB"), seal)  # ink over print: the letters stay black


def make_mixed_pdf(path: Path, *, text_lines: Sequence[str], scanned_lines: Sequence[str], dpi: int = 200) -> Path:
    """Write a 2-page PDF: page 1 has a text layer, page 2 is a scan of ``scanned_lines``."""
    from pypdf import PdfWriter

    text_pdf = make_text_pdf(path.with_suffix(".text-part.pdf"), text_lines)
    scan_pdf = make_scanned_pdf(path.with_suffix(".scan-part.pdf"), scanned_lines, dpi=dpi)
    writer = PdfWriter()
    writer.append(str(text_pdf))
    writer.append(str(scan_pdf))
    with path.open("wb") as handle:
        writer.write(handle)
    text_pdf.unlink()
    scan_pdf.unlink()
    return path


def make_stamped_pdf(
    path: Path,
    lines: Sequence[str],
    stamps: Sequence[tuple[str, str]],
    *,
    font_size: int = 12,
    drawn_last: Sequence[int] = (),
    over: Sequence[tuple[str, str]] = (),
) -> Path:
    """A text PDF of ``lines`` whose blank slots are filled by form widgets, as e-office systems
    stamp a signed document's number and day over its template.

    Each stamp ``(anchor, figure)`` draws ``figure`` in a widget's appearance stream just left of
    the first occurrence of ``anchor`` ("/UBND-KT", "tháng 7"); the page text itself keeps the slot blank.
    The rows numbered in ``drawn_last`` keep their place on the page but are written last in the
    content stream (templates whose header block is drawn after the body). Each ``over`` stamp
    ``(anchor, figure)`` draws ``figure`` over the start of ``anchor`` instead (a figure of the
    template overprinted: "4 năm" covered by "5").
    """
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        NumberObject,
        StreamObject,
        TextStringObject,
    )

    pdf = FPDF(format="A4", unit="pt")
    pdf.add_font("DejaVu", fname=str(DEJAVU_SANS))
    pdf.set_font("DejaVu", size=font_size)
    pdf.add_page()
    margin, step = 56.0, font_size * 1.5
    rects: list[tuple[float, float, float, float, str]] = []
    order = [r for r in range(len(lines)) if r not in drawn_last] + list(drawn_last)
    for row in order:
        line = lines[row]
        baseline = 80 + row * step
        pdf.text(margin, baseline, line)
        for anchor, figure in stamps:
            at = line.find(anchor)
            if at >= 0 and not any(r[4] == figure for r in rects):
                right = margin + pdf.get_string_width(line[:at]) - 1
                width = pdf.get_string_width(figure) + 2
                bottom = pdf.h - baseline - 3  # PDF user space grows upwards
                rects.append((right - width, bottom, right, bottom + font_size + 2, figure))
        for anchor, figure in over:
            at = line.find(anchor)
            if at >= 0:
                left = margin + pdf.get_string_width(line[:at]) - 1
                bottom = pdf.h - baseline - 3
                width = pdf.get_string_width(figure) + 2
                rects.append((left, bottom, left + width, bottom + font_size + 2, figure))
    plain = io.BytesIO(pdf.output())
    writer = PdfWriter(clone_from=PdfReader(plain))
    page = writer.pages[0]
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    annots = ArrayObject()
    for k, (x0, y0, x1, y1, figure) in enumerate(rects):
        appearance = StreamObject()
        appearance.set_data(f"BT /F1 {font_size} Tf 1 3 Td ({figure}) Tj ET".encode("latin-1"))
        appearance.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(
                    [FloatObject(0), FloatObject(0), FloatObject(x1 - x0), FloatObject(y1 - y0)]
                ),
                NameObject("/Resources"): DictionaryObject(
                    {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
                ),
            }
        )
        widget = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Sig"),
                NameObject("/T"): TextStringObject(f"Signature{k + 1}"),
                NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (x0, y0, x1, y1)]),
                NameObject("/F"): NumberObject(4),
                NameObject("/AP"): DictionaryObject({NameObject("/N"): writer._add_object(appearance)}),
            }
        )
        annots.append(writer._add_object(widget))
    page[NameObject("/Annots")] = annots
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_latin1_text_pdf(path: Path, lines: Sequence[str], *, font_size: int = 12) -> Path:
    """A one-page PDF whose text layer is ``lines`` in Latin-1 characters (core Helvetica font).

    This is what a document typed in a legacy 8-bit Vietnamese font looks like once extracted: the
    font's byte codes come out as Latin-1 letters ("Céng hoµ x· héi" for TCVN3, "Coäng hoøa" for VNI).
    """
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=font_size)
    pdf.add_page()
    for number, line in enumerate(lines):
        # text(), not multi_cell(): TCVN3 stores "ư" as byte 0xAD, which multi_cell takes for a soft hyphen
        pdf.text(10, 20 + number * font_size * 0.6, line)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def make_garbled_pdf(path: Path, *, visible_lines: Sequence[str], text_layer: Sequence[str]) -> Path:
    """A one-page PDF that shows ``visible_lines`` (an image, as the reader sees the page) over an
    invisible text layer ``text_layer`` (Latin-1): a broken font map whose extracted text is garbage."""
    from fpdf import FPDF
    from fpdf.enums import TextMode

    image = render_text_image(visible_lines)
    pdf = FPDF(format="A4")
    pdf.add_page()
    width = pdf.w - 20
    pdf.image(image, x=10, y=10, w=width)
    pdf.set_font("Helvetica", size=12)
    pdf.text_mode = TextMode.INVISIBLE
    for number, line in enumerate(text_layer):
        pdf.text(10, 20 + number * 7, line)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def make_encrypted_pdf(path: Path, lines: Sequence[str] = DEFAULT_PARAGRAPHS, *, password: str = "matkhau") -> Path:
    """Write a text PDF that needs ``password`` to open (pypdf, RC4-128: no crypto library needed)."""
    from pypdf import PdfReader, PdfWriter

    buffer = io.BytesIO()
    plain = make_text_pdf(path.with_suffix(".plain.pdf"), lines)
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    writer.write(buffer)
    plain.unlink()
    path.write_bytes(buffer.getvalue())
    return path


# --------------------------------------------------------------------------- images


def make_image(path: Path, lines: Sequence[str], *, font_size: int = 40, dpi: int = 200) -> Path:
    """Write ``lines`` as an image; the format follows the suffix (.png, .jpg, .tiff, .bmp, .webp)."""
    image = render_text_image(lines, font_size=font_size)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in {".jpg", ".jpeg"}:
        image.save(path, quality=95, dpi=(dpi, dpi))
    else:
        image.save(path, dpi=(dpi, dpi))
    return path


def make_multipage_tiff(path: Path, pages: Sequence[Sequence[str]], *, font_size: int = 40) -> Path:
    """Write a multi-frame TIFF, one frame per entry of ``pages``."""
    frames = [render_text_image(lines, font_size=font_size) for lines in pages]
    path.parent.mkdir(parents=True, exist_ok=True)
    frames[0].save(path, format="TIFF", save_all=True, append_images=frames[1:], compression="tiff_lzw")
    return path


# --------------------------------------------------------------------------- OLE (CFB) files

_SECTOR = 512
_FREESECT = 0xFFFFFFFF
_ENDOFCHAIN = 0xFFFFFFFE
_FATSECT = 0xFFFFFFFD
_NOSTREAM = 0xFFFFFFFF
_MINI_CUTOFF = 4096


def make_ole_file(path: Path, streams: dict[str, bytes]) -> Path:
    """Write a minimal but well-formed OLE compound file (CFB v3) holding ``streams``.

    Enough for sniffing and for tools such as antiword to open it: one FAT sector, one directory
    sector (at most three streams), every stream in regular sectors (streams are padded up to the
    4096-byte mini-stream cutoff so no mini FAT is needed).
    """
    if not 1 <= len(streams) <= 3:
        raise ValueError("make_ole_file writes between one and three streams")
    # Directory siblings must be ordered by (name length, upper-case name); a right-leaning chain is fine.
    names = sorted(streams, key=lambda name: (len(name), name.upper()))
    payloads = [streams[name].ljust(_MINI_CUTOFF, b"\0") for name in names]

    fat: list[int] = [_FATSECT, _ENDOFCHAIN]  # sector 0: FAT, sector 1: directory
    starts: list[int] = []
    data = bytearray()
    for payload in payloads:
        n_sectors = -(-len(payload) // _SECTOR)
        start = len(fat)
        starts.append(start)
        fat.extend(range(start + 1, start + n_sectors))
        fat.append(_ENDOFCHAIN)
        data += payload.ljust(n_sectors * _SECTOR, b"\0")
    if len(fat) > _SECTOR // 4:
        raise ValueError("streams too large for a single FAT sector")
    fat_sector = struct.pack(f"<{_SECTOR // 4}I", *(fat + [_FREESECT] * (_SECTOR // 4 - len(fat))))

    entries = [_dir_entry("Root Entry", 5, child=1, start=_ENDOFCHAIN, size=0)]
    for index, (name, start, payload) in enumerate(zip(names, starts, payloads, strict=True), start=1):
        right = index + 1 if index < len(names) else _NOSTREAM
        entries.append(_dir_entry(name, 2, right=right, start=start, size=len(payload)))
    while len(entries) < 4:
        entries.append(_dir_entry("", 0, start=0, size=0))
    directory = b"".join(entries)

    header = bytearray(_SECTOR)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, _MINI_CUTOFF, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
    struct.pack_into("<109I", header, 76, 0, *([_FREESECT] * 108))

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(header) + fat_sector + directory + bytes(data))
    return path


def _dir_entry(
    name: str,
    kind: int,
    *,
    left: int = _NOSTREAM,
    right: int = _NOSTREAM,
    child: int = _NOSTREAM,
    start: int,
    size: int,
) -> bytes:
    """One 128-byte CFB directory entry (kind: 0 unused, 2 stream, 5 root storage)."""
    encoded = (name.encode("utf-16-le") + b"\0\0") if name else b""
    entry = bytearray(128)
    entry[0 : len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1)
    struct.pack_into("<III", entry, 68, left, right, child)
    struct.pack_into("<IQ", entry, 116, start, size)
    return bytes(entry)


def make_encrypted_docx(path: Path) -> Path:
    """Write what Word saves for a password-protected DOCX: an OLE file with an ``EncryptedPackage``.

    The streams hold placeholder bytes, not real ECMA-376 encryption; the loader only needs to
    recognise the container, which is the same.
    """
    return make_ole_file(
        path,
        {
            "EncryptionInfo": struct.pack("<HHI", 4, 4, 0x40),  # "agile encryption" version header
            "EncryptedPackage": struct.pack("<Q", 1024) + bytes(range(256)) * 4,
        },
    )


_FIB_SIZE = 1024  # room for the Word 97 FIB; the text follows it in the WordDocument stream


def make_doc(path: Path, paragraphs: Sequence[str] = DEFAULT_PARAGRAPHS, *, encrypted: bool = False) -> Path:
    """Write a minimal real Word 97-2003 ``.doc``: a FIB, UTF-16 text and a one-piece piece table.

    No formatting, styles or tables; just what antiword needs to find the text (FIB magic and
    version, ccpText, the 1Table stream's CLX). ``encrypted`` sets the FIB's fEncrypted flag,
    as Word does for a password-protected file.
    """
    text = "".join(paragraph + "\r" for paragraph in paragraphs)  # \r is Word's paragraph mark
    encoded = text.encode("utf-16-le")
    fib = bytearray(_FIB_SIZE)
    flags = 0x0200 | (0x0100 if encrypted else 0)  # fWhichTblStm (text tables in 1Table), fEncrypted
    struct.pack_into("<HHH", fib, 0x00, 0xA5EC, 0x00C1, 0)  # wIdent, nFib (Word 97), unused
    struct.pack_into("<H", fib, 0x0A, flags)
    struct.pack_into("<II", fib, 0x18, _FIB_SIZE, _FIB_SIZE + len(encoded))  # fcMin, fcMac
    struct.pack_into("<I", fib, 0x4C, len(text))  # ccpText
    # CLX = Pcdt: clxt 2, lcb, PlcPcd with CPs [0, ccpText] and one PCD pointing at the UTF-16 text.
    plc_pcd = struct.pack("<II", 0, len(text)) + struct.pack("<HIH", 0, _FIB_SIZE, 0)
    clx = bytes([2]) + struct.pack("<I", len(plc_pcd)) + plc_pcd
    # An empty style sheet: cbStshi = 18, then an STSHI with cstd = 0 and cbSTDBaseInFile = 10.
    stsh = struct.pack("<HHH", 18, 0, 10) + bytes(14)
    table = clx + stsh
    struct.pack_into("<II", fib, 0x1A2, 0, len(clx))  # fcClx, lcbClx (offsets in 1Table)
    struct.pack_into("<II", fib, 0xA2, len(clx), len(stsh))  # fcStshf, lcbStshf
    return make_ole_file(path, {"WordDocument": bytes(fib) + encoded, "1Table": table})


# --------------------------------------------------------------------------- legacy encodings

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng


def encode_cp1258(text: str) -> bytes:
    """Encode Vietnamese ``text`` the way Windows-1258 stores it: base letters precomposed
    (ă, ê, ơ, ư, đ …) and tone marks as separate combining characters."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        tones = [c for c in decomposed if c in _TONE_MARKS]
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
        out.append(base + "".join(tones))
    return "".join(out).encode("cp1258")
