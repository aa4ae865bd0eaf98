"""Plain text and Markdown: decoded, otherwise returned exactly as written (cleaning comes later)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ingest.loaders._columns import text_columns
from ingest.loaders._common import decode_text
from ingest.loaders._markdown import markdown_plain
from ingest.loaders._vietnamese import repair_vietnamese
from troly.errors import CorruptFileError
from troly.types import ExtractedText

__all__ = ["read_plain"]


def read_plain(path: Path, data: bytes, *, flavour: Literal["txt", "md"]) -> ExtractedText:
    """Decode UTF-8/UTF-16 (BOM or not) with Windows-1258 and Latin-1 fallbacks; a file typed in a
    legacy Vietnamese font encoding (TCVN3, VNI) is converted when that makes it read.

    A .txt exported with its layout (the header's two columns side by side, spaced or in a pipe
    table) has those columns read one after the other (``_columns``); so does Markdown, once its
    markup is gone (``_markdown``: a converter's escapes and emphasis would hide the outline)."""
    decoded = decode_text(data)
    if decoded is None:
        raise CorruptFileError(f"{path}: binary content, not text")
    text, warnings = decoded.text, list(decoded.warnings)
    if decoded.encoding in ("cp1258", "latin-1"):
        legacy = _legacy(data)
        if legacy is not None:
            text, encoding = legacy
            warnings = [f"text is in the legacy {encoding} encoding; converted to Unicode"]
    if flavour == "md":
        text = markdown_plain(text)
    text = text_columns(text) or text
    return ExtractedText(text=text, source_format=flavour, warnings=warnings)


def _legacy(data: bytes) -> tuple[str, str] | None:
    """The text of ``data`` as TCVN3 or VNI bytes, when it reads as Vietnamese only that way."""
    if repair_vietnamese(data.decode("cp1258", errors="replace")).status == "ok":
        return None
    result = repair_vietnamese(data.decode("latin-1"))
    if result.status == "converted" and result.encoding is not None:
        return result.text, result.encoding
    return None
