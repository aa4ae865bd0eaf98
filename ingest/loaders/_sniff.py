"""Decide a file's real format from its bytes, with the file name only as a tie-breaker.

Uploads from chat apps are often mislabelled (a PDF saved as ``.docx``, an HTML page saved as
``.pdf``, a DOCX renamed ``.doc``), so the loaders trust magic bytes first. The suffix only
decides between text flavours (``.md`` vs ``.txt`` vs ``.html``) and whether unrecognised bytes
are a corrupt document (a known suffix) or an unsupported file.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Literal

from ingest.loaders._common import looks_like_text
from troly.errors import CorruptFileError, EncryptedFileError, UnsupportedFormatError

__all__ = ["HTML_SUFFIXES", "IMAGE_SUFFIXES", "TEXT_SUFFIXES", "Format", "Sniffed", "sniff"]

Format = Literal["pdf", "docx", "doc", "image", "html", "txt", "md"]

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"})
_BINARY_SUFFIXES = frozenset({".pdf", ".docx", ".doc"}) | IMAGE_SUFFIXES
_KNOWN_SUFFIXES = _BINARY_SUFFIXES | TEXT_SUFFIXES | HTML_SUFFIXES

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_HTML_RE = re.compile(
    rb"^(\xef\xbb\xbf)?\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)\b",
    re.I | re.S,
)


@dataclass(frozen=True, slots=True)
class Sniffed:
    """The format to read a file as; ``note`` explains a name/content mismatch (for warnings)."""

    format: Format
    note: str | None = None


def _ole_name(name: str) -> bytes:
    """How a stream name is stored in an OLE directory entry (UTF-16LE)."""
    return name.encode("utf-16-le")


def _image_kind(head: bytes, size: int) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "TIFF"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    # "BM" alone is too weak (a text file may start with it): the header also stores the file size.
    if head.startswith(b"BM") and len(head) >= 6 and int.from_bytes(head[2:6], "little") == size:
        return "BMP"
    return None


def _sniff_zip(data: bytes, name: str, suffix: str) -> Sniffed:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise CorruptFileError(f"{name}: damaged ZIP container ({e}); a DOCX may be truncated") from e
    if any(n.startswith("word/") for n in names):
        return Sniffed("docx", _mismatch(name, suffix, "docx"))
    for prefix, kind in (("xl/", "an Excel workbook"), ("ppt/", "a PowerPoint deck")):
        if any(n.startswith(prefix) for n in names):
            raise UnsupportedFormatError(f"{name} is {kind} (OOXML), not a Word document")
    if "content.xml" in names and "mimetype" in names:
        raise UnsupportedFormatError(f"{name} is an OpenDocument file; save it as DOCX or PDF")
    if suffix == ".docx":
        raise CorruptFileError(f"{name} is a ZIP archive without a word/ part, not a valid DOCX")
    raise UnsupportedFormatError(f"{name} is a ZIP archive, not a document")


def _sniff_ole(data: bytes, name: str, suffix: str) -> Sniffed:
    if _ole_name("EncryptedPackage") in data:
        raise EncryptedFileError(f"{name} is a password-protected Office document (EncryptedPackage)")
    if _ole_name("WordDocument") in data:
        return Sniffed("doc", _mismatch(name, suffix, "doc"))
    if _ole_name("Workbook") in data or _ole_name("Book") in data:
        raise UnsupportedFormatError(f"{name} is an Excel 97-2003 workbook, not a Word document")
    if _ole_name("PowerPoint Document") in data:
        raise UnsupportedFormatError(f"{name} is a PowerPoint 97-2003 file, not a Word document")
    if suffix in {".doc", ".docx"}:
        raise CorruptFileError(f"{name} is an OLE compound file without a WordDocument stream")
    raise UnsupportedFormatError(f"{name} is an OLE compound file of an unsupported kind")


def _mismatch(name: str, suffix: str, found: str) -> str | None:
    """A warning when the suffix promised another format than the content has."""
    expected = {
        ".jpg": "image",
        ".jpeg": "image",
        ".png": "image",
        ".tif": "image",
        ".tiff": "image",
        ".bmp": "image",
        ".webp": "image",
        ".htm": "html",
        ".html": "html",
    }.get(suffix, suffix[1:])
    if expected == found or (found in {"txt", "md"} and suffix in TEXT_SUFFIXES):
        return None
    shown = suffix or "no extension"
    return f"{name} is named {shown} but its content is {found.upper()}; read it as {found.upper()}"


def sniff(data: bytes, *, name: str, suffix: str) -> Sniffed:
    """Find the format of ``data`` (the whole file); ``suffix`` is lower-case with its dot.

    Raises UnsupportedFormatError, CorruptFileError or EncryptedFileError where the bytes alone
    settle the matter (an Excel file, a broken ZIP, a password-protected Office file).
    """
    head = data[:2048]
    # PDF readers accept junk before the header; we do too, but only for a file named .pdf (a note
    # that merely mentions "%PDF-1.7" stays text).
    if data.startswith(b"%PDF-") or (suffix == ".pdf" and b"%PDF-" in data[:1024]):
        return Sniffed("pdf", _mismatch(name, suffix, "pdf"))
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(data, name, suffix)
    if head.startswith(_OLE_MAGIC):
        return _sniff_ole(data, name, suffix)
    if head.startswith(b"{\\rtf"):
        raise UnsupportedFormatError(f"{name} is an RTF file; save it as DOCX or PDF")
    image = _image_kind(head, len(data))
    if image is not None:
        return Sniffed("image", _mismatch(name, suffix, "image"))

    if looks_like_text(data):
        if suffix in TEXT_SUFFIXES:
            return Sniffed("md" if suffix == ".md" else "txt")
        if suffix in HTML_SUFFIXES or _HTML_RE.match(head):
            return Sniffed("html", _mismatch(name, suffix, "html"))
        if suffix in _BINARY_SUFFIXES or not suffix:
            return Sniffed("txt", _mismatch(name, suffix, "txt"))
        raise UnsupportedFormatError(f"{name}: {suffix} files are not read (text content, unknown type)")

    if suffix in _KNOWN_SUFFIXES:
        raise CorruptFileError(f"{name} is named {suffix} but its bytes match no supported format")
    raise UnsupportedFormatError(f"{name}: unrecognised binary content with extension {suffix or '(none)'}")
