"""PDF text with pypdfium2 (Apache-2.0/BSD; PyMuPDF is avoided because it is AGPL).

Pages are read one by one and joined with a form-feed line ("\\n\\f\\n") so that the cleaner can
spot running headers and page numbers. A page that has (almost) no text layer but does draw
something is a scan: it is rendered at ``settings.ocr_dpi`` and OCRed, so mixed PDFs (a typed
letter with a scanned annex) OCR only the pages that need it.

Every text layer is also checked for being Vietnamese (``_vietnamese``): a page typed in a legacy
font (TCVN3 ".VnTime", VNI) is converted; a page whose text does not read at all (a broken font
map: "CØNG HOÀ XÃ HØI") is OCRed instead, and so is a scan's text layer left by an OCR engine
without the Vietnamese model (no accent at all). The warnings say which page got which.

Documents signed in a provincial e-office system print their number and day ("Số: 193/UBND-KT",
"ngày 10 tháng 01") inside signature widgets placed over the blank slots of the header: that text
is not in the page's content, so a page with form widgets is also read flattened, and each short
stamped figure is put back where it is drawn (``_stamped_figures``).
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
from PIL import Image

from ingest.loaders._ocr import ensure_tesseract
from ingest.loaders._scan_pages import ScanReader
from ingest.loaders._vietnamese import repair_vietnamese, unaccented_vietnamese
from troly.config import Settings
from troly.errors import CorruptFileError, EmptyDocumentError, EncryptedFileError, MissingToolError
from troly.types import ExtractedText

__all__ = ["MIN_TEXT_CHARS", "PAGE_SEPARATOR", "read_pdf", "render_page"]

logger = logging.getLogger(__name__)

PAGE_SEPARATOR = "\n\f\n"
MIN_TEXT_CHARS = 20  # fewer non-space characters than this on a page: treat it as a scan
_MAX_RENDER_PIXELS = 60_000_000  # a 300 dpi A2 page; larger pages are rendered at a lower dpi

_DRAWING_OBJECTS = (pdfium_raw.FPDF_PAGEOBJ_IMAGE, pdfium_raw.FPDF_PAGEOBJ_PATH, pdfium_raw.FPDF_PAGEOBJ_SHADING)

# PDFium is not thread-safe: every call into it goes through this lock (OCR runs outside it).
_PDFIUM_LOCK = threading.Lock()


def _non_space(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _open(path: Path) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(path, password="")
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == pdfium_raw.FPDF_ERR_PASSWORD:
            raise EncryptedFileError(f"{path}: the PDF needs a password to open") from e
        raise CorruptFileError(f"{path}: PDFium could not open the PDF ({e})") from e


def _page_text(pdf: pdfium.PdfDocument, index: int) -> tuple[str, bool]:
    """The text layer of page ``index`` and whether the page needs OCR.

    A page needs OCR when its text layer is (almost) empty but it draws something: a scanned
    image, or text converted to outlines. Blank pages are left alone.
    """
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            text = textpage.get_text_range()
            boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())] if _has_widgets(page) else []
        finally:
            textpage.close()
        needs_ocr = _non_space(text) < MIN_TEXT_CHARS and any(
            obj.type in _DRAWING_OBJECTS for obj in page.get_objects()
        )
    finally:
        page.close()
    if boxes and len(text) == len(boxes):
        text = _stamped_figures(pdf, index, text, boxes)
    return text, needs_ocr


# A figure stamped into a header slot: "193", "118a", "10", "01".
_FIGURE_RE = re.compile(r"\d{1,6}[a-zA-Z]?")
_Box = tuple[float, float, float, float]  # left, bottom, right, top


def _has_widgets(page: pdfium.PdfPage) -> bool:
    count = pdfium_raw.FPDFPage_GetAnnotCount(page.raw)
    for k in range(count):
        annot = pdfium_raw.FPDFPage_GetAnnot(page.raw, k)
        try:
            if pdfium_raw.FPDFAnnot_GetSubtype(annot) == pdfium_raw.FPDF_ANNOT_WIDGET:
                return True
        finally:
            pdfium_raw.FPDFPage_CloseAnnot(annot)
    return False


def _stamped_figures(pdf: pdfium.PdfDocument, index: int, text: str, boxes: list[_Box]) -> str:
    """``text`` with the figures drawn by the page's form widgets inserted where they sit.

    The page is flattened (its widgets become page content) and reloaded; PDFium reads the
    widgets' text among the original text, appended or merged into the lines it sits on, so the
    flattened text is aligned with the original and what it adds are the widgets' runs. Each
    figure of those runs goes before the first character of the original text on its line that
    lies right of it ("Số: " + "193" + "/UBND-KT"). Other widget text (an e-signature's
    "Ký bởi: …" box) is left out, as before.
    """
    page = pdf[index]
    try:
        if pdfium_raw.FPDFPage_Flatten(page.raw, pdfium_raw.FLAT_NORMALDISPLAY) != pdfium_raw.FLATTEN_SUCCESS:
            return text
    finally:
        page.close()
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            n = textpage.count_chars()
            flat = textpage.get_text_range(0, n) if n else ""
            flat_boxes = [textpage.get_charbox(i) for i in range(n)]
        finally:
            textpage.close()
    finally:
        page.close()
    if len(flat) != len(flat_boxes):
        return text
    inserts: list[tuple[int, str]] = []
    replaces: list[tuple[int, int, str]] = []
    placed: list[tuple[str, _Box]] = []  # figures taken, where they are drawn
    for start, end in _added_runs(text, flat):
        extra = flat[start:end]
        for match in _FIGURE_RE.finditer(extra):
            if not (match.start() == 0 or extra[match.start() - 1].isspace()) or not (
                match.end() == len(extra) or extra[match.end()].isspace()
            ):
                continue  # part of a longer piece of widget text
            figure = match.group(0)
            word_boxes = flat_boxes[start + match.start() : start + match.end()]
            figure, word_boxes = _drawn_once(figure, word_boxes)
            box = _bounds(word_boxes)
            if any(figure == f and _overlap(box, b) for f, b in placed):
                continue  # the same stamp drawn again on the same spot (a field with several widgets)
            placed.append((figure, box))
            covered = _covered_figure(text, boxes, word_boxes)
            if covered is not None:
                replaces.append((*covered, figure))
                continue
            at = _insertion_point(text, boxes, word_boxes)
            if at is not None:
                inserts.append((at, figure))
    edits = [(at, at, figure) for at, figure in inserts] + replaces
    for at, end, figure in sorted(edits, reverse=True):
        if end > at:  # a figure stamped over the template's own ("tháng 4" overprinted "5")
            text = f"{text[:at]}{figure}{text[end:]}"
            continue
        before = "" if at == 0 or text[at - 1].isspace() else " "
        after = "" if at < len(text) and text[at] in "/-\r\n " else " "
        text = f"{text[:at]}{before}{figure}{after}{text[at:]}"
    return text


def _bounds(word: list[_Box]) -> _Box:
    return min(b[0] for b in word), min(b[1] for b in word), max(b[2] for b in word), max(b[3] for b in word)


def _overlap(a: _Box, b: _Box) -> bool:
    """Two boxes share at least half of the smaller one's area."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return False
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h >= 0.5 * max(smaller, 1e-6)


def _drawn_once(figure: str, word: list[_Box]) -> tuple[str, list[_Box]]:
    """ "3636" whose second "36" is drawn over the first (two widgets of one field) is "36"."""
    half = len(figure) // 2
    repeated = len(figure) % 2 == 0 and half and figure[:half] == figure[half:]
    if repeated and _overlap(_bounds(word[:half]), _bounds(word[half:])):
        return figure[:half], word[:half]
    return figure, word


def _covered_figure(text: str, boxes: list[_Box], word: list[_Box]) -> tuple[int, int] | None:
    """The (start, end) of the printed figures a stamped figure is drawn over, if any: digits on
    the word's line at least half covered by it."""
    left, right = min(b[0] for b in word), max(b[2] for b in word)
    bottom, top = min(b[1] for b in word), max(b[3] for b in word)
    hits = [
        i
        for i, (x0, y0, x1, y1) in enumerate(boxes)
        if text[i].isdigit()
        and min(y1, top) - max(y0, bottom) >= 0.5 * (top - bottom)
        and min(x1, right) - max(x0, left) >= 0.5 * max(x1 - x0, 0.1)
    ]
    if not hits:
        return None
    start, end = min(hits), max(hits) + 1
    while start > 0 and text[start - 1].isdigit():
        start -= 1
    while end < len(text) and text[end].isdigit():
        end += 1
    return start, end


def _added_runs(text: str, flat: str) -> list[tuple[int, int]]:
    """The (start, end) runs of ``flat`` that are not ``text``'s characters, when ``flat`` is
    ``text`` with characters added (in order, greedily); none when it is not."""
    runs: list[tuple[int, int]] = []
    k = 0
    start: int | None = None
    for i, ch in enumerate(flat):
        if k < len(text) and ch == text[k]:
            k += 1
            if start is not None:
                runs.append((start, i))
                start = None
        elif start is None:
            start = i
    if start is not None:
        runs.append((start, len(flat)))
    if k < len(text):
        return []  # the flattened page lost or reordered some of the original text
    return runs


def _insertion_point(text: str, boxes: list[_Box], word: list[_Box]) -> int | None:
    """Index of the first character on the word's line that starts right of the word's middle
    (after the line's last character when the word ends the line)."""
    left = min(b[0] for b in word)
    right = max(b[2] for b in word)
    bottom = min(b[1] for b in word)
    top = max(b[3] for b in word)
    middle = (left + right) / 2
    best: tuple[float, int] | None = None
    last: tuple[float, int] | None = None  # the line's last character left of the word
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        if text[i].isspace() or min(y1, top) - max(y0, bottom) < 0.5 * (top - bottom):
            continue  # not on the word's line
        if x0 >= middle and (best is None or x0 < best[0]):
            best = (x0, i)
        elif x0 < middle and (last is None or x1 > last[0]):
            last = (x1, i)
    if best is None:
        return None if last is None else last[1] + 1  # "… năm" + "2025" at the end of the line
    at = best[1]
    while at > 0 and text[at].isalpha() and text[at - 1].isalpha():
        at -= 1  # before the word, never inside it
    return at


def _check_layers(texts: list[str], needs_ocr: list[bool], warnings: list[str]) -> list[int]:
    """Convert legacy-encoded pages in place; return the pages whose text layer does not read."""
    garbled: list[int] = []
    for i, text in enumerate(texts):
        if needs_ocr[i] or not text.strip():
            continue
        result = repair_vietnamese(text)
        if result.status == "converted":
            texts[i] = result.text
            warnings.append(f"page {i + 1}: legacy {result.encoding} text converted")
        elif result.status == "unreadable":
            logger.info("page %d: text layer unreadable (%.0f%% Vietnamese words)", i + 1, 100 * result.share)
            garbled.append(i)
        elif unaccented_vietnamese(text):
            logger.info("page %d: text layer is Vietnamese without accents (OCR made without the model)", i + 1)
            garbled.append(i)
    return garbled


def _render_gray(pdf: pdfium.PdfDocument, index: int, dpi: int) -> tuple[Image.Image, int]:
    """Page ``index`` as a grayscale PIL image without red seal ink (detached from PDFium
    memory) and the dpi used."""
    page = pdf[index]
    try:
        width_pt, height_pt = page.get_size()
        scale = dpi / 72
        pixels = width_pt * scale * height_pt * scale
        if pixels > _MAX_RENDER_PIXELS:
            scale *= (_MAX_RENDER_PIXELS / pixels) ** 0.5
        bitmap = page.render(scale=scale)
        try:
            image = _without_red(bitmap.to_pil())  # a new image, detached from PDFium's buffer
        finally:
            bitmap.close()
    finally:
        page.close()
    return image, round(scale * 72)


def render_page(path: Path, index: int, dpi: int) -> tuple[Image.Image, int] | None:
    """Page ``index`` of the PDF at ``path`` as it is OCRed (grayscale, seal red removed) and the
    dpi used; None when the file has no such page."""
    with _PDFIUM_LOCK:
        pdf = _open(path)
        try:
            if not 0 <= index < len(pdf):
                return None
            return _render_gray(pdf, index, dpi)
        finally:
            pdf.close()


_RED_MARGIN = 30  # a pixel this much redder than its green and blue is seal ink …
_INK_DARK = 70  # … unless it is darker than this (black ink over the seal)


def _without_red(image: Image.Image) -> Image.Image:
    """Grayscale ``image`` with the red of seals ("ỦY BAN NHÂN DÂN" rings over the signer's title
    and name) turned to paper white: Tesseract reads the black letters under a seal, not the ring.
    Black ink over the seal stays dark, so it is kept; a grayscale scan is unchanged."""
    from PIL import ImageChops

    rgb = image.convert("RGB")
    red, green, blue = rgb.split()
    redness = ImageChops.subtract(red, ImageChops.lighter(green, blue))
    gray = rgb.convert("L")
    # Red, and not as dark as black ink printed over the seal (the letters it covers stay).
    seal = ImageChops.multiply(
        redness.point(lambda v: 255 if v > _RED_MARGIN else 0),
        gray.point(lambda v: 255 if v > _INK_DARK else 0),
    )
    gray.paste(255, mask=seal)
    return gray


def read_pdf(path: Path, *, settings: Settings) -> ExtractedText:
    """Extract a PDF page by page, OCRing pages without a usable text layer."""
    warnings: list[str] = []
    with _PDFIUM_LOCK:
        pdf = _open(path)
    try:
        with _PDFIUM_LOCK:
            try:
                n_pages = len(pdf)
                layers = [_page_text(pdf, i) for i in range(n_pages)]
            except pdfium.PdfiumError as e:
                raise CorruptFileError(f"{path}: PDFium failed while reading pages ({e})") from e
        if n_pages == 0:
            raise EmptyDocumentError(f"{path}: the PDF has no pages")

        texts = [text for text, _ in layers]
        garbled = _check_layers(texts, [needs_ocr for _, needs_ocr in layers], warnings)
        to_ocr = sorted({i for i, (_, needs_ocr) in enumerate(layers) if needs_ocr} | set(garbled))
        ocred: list[int] = []
        if to_ocr:
            try:
                ensure_tesseract(settings.ocr_languages)
            except MissingToolError:
                if any(i not in garbled for i in to_ocr):
                    raise
                shown = ", ".join(str(i + 1) for i in garbled)
                warnings.append(f"page(s) {shown}: text layer unreadable and OCR is not available; text kept as is")
                to_ocr = []
        reader = ScanReader(languages=settings.ocr_languages)
        last_read: int | None = None
        for i in to_ocr:
            if i - 1 not in to_ocr and last_read is not None:
                # a table goes on only from the page read just before: its held row ends it
                texts[last_read] = "\n".join(t for t in (texts[last_read], reader.close_table()) if t)
            with _PDFIUM_LOCK:
                try:
                    image, dpi = _render_gray(pdf, i, settings.ocr_dpi)
                except pdfium.PdfiumError as e:
                    warnings.append(f"page {i + 1} could not be rendered for OCR ({e}); its text may be missing")
                    continue
            if dpi < settings.ocr_dpi:
                warnings.append(f"page {i + 1} is very large; it was OCRed at {dpi} dpi instead of {settings.ocr_dpi}")
            try:
                recognised = reader.read(image, dpi=dpi)
            except RuntimeError as e:  # TesseractError or pytesseract's timeout
                warnings.append(f"OCR of page {i + 1} failed ({e}); its text may be missing")
                continue
            logger.info("%s: OCRed page %d/%d", path.name, i + 1, n_pages)
            if i in garbled:
                if _non_space(recognised) >= MIN_TEXT_CHARS:
                    texts[i] = recognised
                    ocred.append(i)
                    warnings.append(f"page {i + 1}: text layer unreadable, OCR used")
                else:
                    warnings.append(f"page {i + 1}: text layer unreadable and OCR found no text; text kept as is")
            elif _non_space(recognised) > _non_space(texts[i]):
                texts[i] = recognised
                ocred.append(i)
            elif not texts[i].strip():
                warnings.append(f"page {i + 1} has no text layer and OCR found no text on it")
            if ocred and ocred[-1] == i:
                last_read = i
        if last_read is not None:
            texts[last_read] = "\n".join(t for t in (texts[last_read], reader.close_table()) if t)
    finally:
        with _PDFIUM_LOCK:
            pdf.close()

    scanned = [i for i in ocred if i not in garbled]
    if scanned:
        shown = ", ".join(str(i + 1) for i in scanned)
        warnings.append(
            f"page(s) {shown} of {n_pages} had no text layer and were read by OCR; recognition errors are possible"
        )
    pages = [text.replace("\r\n", "\n").strip("\n") for text in texts]
    return ExtractedText(
        text=PAGE_SEPARATOR.join(pages), source_format="pdf", pages=n_pages, ocr=bool(ocred), warnings=warnings
    )
