"""Turn an uploaded or watched file into text: the first step of ingestion.

One entry point, :func:`load`, for every format troly accepts. The format is decided by the file's
bytes (see ``_sniff``), not its name, because chat uploads are often mislabelled. Each format has
its own private module; this one adds what they share: the size cap, the empty-document check
and the final normalisation (NFC, ``\\n`` line ends). Problems that do not stop reading go into
``ExtractedText.warnings`` (English) so nothing is lost silently; the rest raise ``IngestError``
subclasses whose messages name the file.

Formats: PDF (pypdfium2, OCR for scanned pages), DOCX (python-docx), DOC (antiword), TXT/MD,
HTML (selectolax) and images (Tesseract OCR). System tools: ``tesseract-ocr`` +
``tesseract-ocr-vie`` for OCR, ``antiword`` for ``.doc``.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

from PIL import Image

from ingest.loaders._common import finish_text
from ingest.loaders._ocr import OcrLine, ocr_lines
from ingest.loaders._sniff import HTML_SUFFIXES, IMAGE_SUFFIXES, TEXT_SUFFIXES, Sniffed, sniff
from ingest.loaders._vietnamese import is_syllable
from troly.config import Settings
from troly.errors import EmptyDocumentError, FileTooLargeError
from troly.types import ExtractedText

__all__ = ["SUPPORTED_SUFFIXES", "OcrLine", "is_syllable", "load", "ocr_lines", "page_image"]

logger = logging.getLogger(__name__)

#: File name extensions troly accepts (lower case, with the dot). Content is still sniffed.
SUPPORTED_SUFFIXES: frozenset[str] = (
    frozenset({".pdf", ".docx", ".doc"}) | TEXT_SUFFIXES | HTML_SUFFIXES | IMAGE_SUFFIXES
)

_MB = 1024 * 1024

# Minimum content of a document: a few words, a few letters. Below that a file is junk (a stray
# keystroke file, punctuation, binary noise), not a document to index.
MIN_WORDS = 3
MIN_LETTERS = 10
_WORD = re.compile(r"[^\W\d_]{2,}")
_JUNK_SAMPLE = 50_000  # characters of a text file read for the junk test
_JUNK_SHARE = 0.5  # decoded text (TXT/MD/HTML) with fewer readable words than this is binary noise
_JUNK_MESSAGE = (
    "Tệp gần như không có nội dung văn bản (chỉ có khoảng trắng, dấu câu hoặc ký tự không đọc được), "
    "nên không được đưa vào kho tài liệu."
)


def _check_content(path: Path, extracted: ExtractedText) -> None:
    """Refuse a file whose text is too little or unreadable to be a document (EmptyDocumentError)."""
    from ingest.loaders._vietnamese import syllable_share

    text = extracted.text
    words = _WORD.findall(text)
    letters = sum(len(w) for w in words)
    if len(words) < MIN_WORDS or letters < MIN_LETTERS:
        raise EmptyDocumentError(
            f"{path}: too little text to be a document ({len(words)} words, {letters} letters)",
            user_message=_JUNK_MESSAGE,
        )
    if extracted.source_format in ("txt", "md", "html"):
        share, n = syllable_share(text[:_JUNK_SAMPLE])
        if n >= MIN_WORDS and share < _JUNK_SHARE:
            raise EmptyDocumentError(
                f"{path}: the text does not read as words ({share:.0%} readable words): binary or junk content",
                user_message=_JUNK_MESSAGE,
            )


def _read(path: Path, data: bytes, sniffed: Sniffed, settings: Settings) -> ExtractedText:
    # Format modules are imported on first use: a text upload need not load PDFium or python-docx.
    if sniffed.format == "pdf":
        from ingest.loaders._pdf import read_pdf

        return read_pdf(path, settings=settings)
    if sniffed.format == "docx":
        from ingest.loaders._docx import read_docx

        return read_docx(path)
    if sniffed.format == "doc":
        from ingest.loaders._doc import read_doc

        return read_doc(path)
    if sniffed.format == "image":
        from ingest.loaders._scan_pages import read_image

        return read_image(path, settings=settings)
    if sniffed.format == "html":
        from ingest.loaders._html import read_html

        return read_html(path, data)
    from ingest.loaders._plain import read_plain

    return read_plain(path, data, flavour="md" if sniffed.format == "md" else "txt")


def load(path: Path, *, settings: Settings) -> ExtractedText:
    """Extract the text of ``path``.

    Returns NFC text with ``\\n`` line ends; PDF pages and TIFF frames are separated by a
    ``"\\n\\f\\n"`` line. Raises FileTooLargeError, EmptyDocumentError, UnsupportedFormatError,
    CorruptFileError, EncryptedFileError or MissingToolError (all ``IngestError``), and
    FileNotFoundError when ``path`` does not exist.
    """
    path = Path(path)
    size = path.stat().st_size
    if size > settings.max_file_mb * _MB:
        raise FileTooLargeError(f"{path} is {size / _MB:.1f} MB, over the {settings.max_file_mb:g} MB limit")
    if size == 0:
        raise EmptyDocumentError(f"{path} is empty (0 bytes)")

    started = time.perf_counter()
    data = path.read_bytes()
    sniffed = sniff(data, name=path.name, suffix=path.suffix.lower())
    extracted = _read(path, data, sniffed, settings)
    if sniffed.note:
        extracted.warnings.insert(0, sniffed.note)
    extracted.text = finish_text(extracted.text)
    if not extracted.text.strip():
        detail = " even after OCR" if extracted.ocr or sniffed.format == "image" else ""
        raise EmptyDocumentError(f"{path}: no text could be extracted{detail}")
    _check_content(path, extracted)
    logger.info(
        "loaded %s as %s: %d chars%s in %.2f s",
        path.name,
        extracted.source_format,
        len(extracted.text),
        " (OCR)" if extracted.ocr else "",
        time.perf_counter() - started,
    )
    return extracted


def page_image(path: Path, index: int, *, settings: Settings) -> tuple[Image.Image, int | None] | None:
    """Page ``index`` of a scanned PDF or image file as troly OCRs it (grayscale, seal red removed
    for PDFs) and its dpi, for reading one block of it again; None for other formats or a page the
    file lacks."""
    sniffed = sniff(path.read_bytes(), name=path.name, suffix=path.suffix.lower())
    if sniffed.format == "pdf":
        from ingest.loaders._pdf import render_page

        return render_page(path, index, settings.ocr_dpi)
    if sniffed.format == "image":
        from PIL import ImageOps, ImageSequence

        from ingest.loaders._ocr import image_dpi, prepare_for_ocr

        with Image.open(path) as image:
            for k, frame in enumerate(ImageSequence.Iterator(image)):
                if k == index:
                    frame = ImageOps.exif_transpose(frame) if k == 0 else frame
                    return prepare_for_ocr(frame), image_dpi(image)
    return None
