"""Helpers shared by the format loaders: byte-to-text decoding and the final text clean-up.

Kept apart from the loaders so that every format decodes legacy Vietnamese text (UTF-16 from
Notepad, Windows-1258 from old office PCs) the same way and reports the fallback in warnings.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass, field

from troly.text import nfc

__all__ = ["DecodedText", "decode_text", "finish_text", "looks_like_text"]

logger = logging.getLogger(__name__)

# Characters that never carry meaning in a document: C0 controls except \t, \n, \f and \r (\r is
# folded into \n by ``finish_text``), DEL, stray byte-order marks and the non-characters U+FFFE/F.
# NUL in particular breaks PostgreSQL text columns.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufeff\ufffe\uffff]")
_MAX_CONTROL_RATIO = 0.02  # more control characters than this: binary, not text
_SAMPLE = 64 * 1024


@dataclass(slots=True)
class DecodedText:
    """Text decoded from bytes, the codec used and what went less than perfectly."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def _control_ratio(text: str) -> float:
    sample = text[:_SAMPLE]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if (ch < " " and ch not in "\t\n\r\f\v") or "\x7f" <= ch <= "\x9f")
    return bad / len(sample)


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL (UTF-16 text saved without a BOM)."""
    sample = data[: _SAMPLE & ~1]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def decode_text(data: bytes, *, declared: str | None = None) -> DecodedText | None:
    """Decode ``data`` as text, or return ``None`` when the bytes are not text at all.

    Order: a BOM (UTF-8, UTF-16, UTF-32), BOM-less UTF-16, the ``declared`` charset (HTML meta),
    strict UTF-8, then Windows-1258 (Vietnamese ANSI) and Latin-1 as last resorts with a warning.
    """
    warnings: list[str] = []
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            if "\ufffd" in text:
                warnings.append(f"invalid {codec} byte sequences were replaced with U+FFFD")
            return DecodedText(text, codec, warnings)

    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        text = data.decode(utf16, errors="replace")
        warnings.append(f"text has no byte-order mark; decoded as {utf16}")
        return DecodedText(text, utf16, warnings)
    if b"\x00" in data[:_SAMPLE]:
        return None

    candidates: list[str] = []
    if declared:
        try:
            candidates.append(codecs.lookup(declared).name)
        except LookupError:
            warnings.append(f"unknown declared charset {declared!r} ignored")
    candidates += ["utf-8", "cp1258", "latin-1"]
    for codec in dict.fromkeys(candidates):  # de-duplicated, order kept
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _control_ratio(text) > _MAX_CONTROL_RATIO:
            return None
        if codec not in {"utf-8", candidates[0]}:
            warnings.append(f"text is not valid UTF-8; decoded as {codec} (check the diacritics)")
        logger.debug("decoded %d bytes as %s", len(data), codec)
        return DecodedText(text, codec, warnings)
    return None  # unreachable: latin-1 decodes anything


def looks_like_text(data: bytes) -> bool:
    """Whether the first bytes of ``data`` decode as text (used by format sniffing)."""
    return decode_text(data[:_SAMPLE]) is not None


def finish_text(text: str) -> str:
    """The loaders' common output form: NFC, ``\\n`` line ends, no stray control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n")  # \v: Word's manual line break
    return nfc(_CONTROL_RE.sub("", text))
