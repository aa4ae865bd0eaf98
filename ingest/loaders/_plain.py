"""Plain text and Markdown: decoded, otherwise returned exactly as written (cleaning comes later)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from ingest.loaders._common import decode_text
from troly.errors import CorruptFileError
from troly.types import ExtractedText

__all__ = ["read_plain"]


def read_plain(path: Path, data: bytes, *, flavour: Literal["txt", "md"]) -> ExtractedText:
    """Decode UTF-8/UTF-16 (BOM or not) with Windows-1258 and Latin-1 fallbacks."""
    decoded = decode_text(data)
    if decoded is None:
        raise CorruptFileError(f"{path}: binary content, not text")
    return ExtractedText(text=decoded.text, source_format=flavour, warnings=list(decoded.warnings))
