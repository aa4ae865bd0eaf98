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


def _decode(data: bytes, codec: str, *, partial: bool, errors: str = "strict") -> str:
    """``data.decode(codec)``; with ``partial`` a multi-byte character cut at the end of ``data``
    (a sample of a longer file) is left out instead of failing."""
    if not partial:
        return data.decode(codec, errors=errors)
    decoder = codecs.getincrementaldecoder(codec)(errors=errors)
    return decoder.decode(data, final=False)


_UTF8_SEQ = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_MAX_UTF8_DAMAGE = 0.001  # invalid sequences per character up to which a text is still UTF-8


def decode_text(data: bytes, *, declared: str | None = None, partial: bool = False) -> DecodedText | None:
    """Decode ``data`` as text, or return ``None`` when the bytes are not text at all.

    Order: a BOM (UTF-8, UTF-16, UTF-32), BOM-less UTF-16, the ``declared`` charset (HTML meta),
    strict UTF-8, UTF-8 with a few damaged bytes, then Windows-1258 (Vietnamese ANSI) and Latin-1
    as last resorts with a warning. ``partial``: ``data`` is the start of a longer file, read by
    whole characters (a character cut at the end of the sample is not an error).
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
            text = _decode(data, codec, partial=partial, errors="replace")
            if "\ufffd" in text:
                warnings.append(f"invalid {codec} byte sequences were replaced with U+FFFD")
            return DecodedText(text, codec, warnings)

    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        text = _decode(data, utf16, partial=partial, errors="replace")
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
    candidates += ["utf-8", "utf-8-damaged", "cp1258", "latin-1"]
    for codec in dict.fromkeys(candidates):  # de-duplicated, order kept
        if codec == "utf-8-damaged":  # a valid UTF-8 text with a stray bad byte is still UTF-8
            text = _decode(data, "utf-8", partial=partial, errors="replace")
            bad = text.count("\ufffd")
            if not bad or bad > _MAX_UTF8_DAMAGE * len(text) or not _looks_utf8(data):
                continue
            warnings.append(f"{bad} invalid UTF-8 byte sequence(s) were replaced with U+FFFD")
            return DecodedText(text, "utf-8", warnings)
        try:
            text = _decode(data, codec, partial=partial)
        except UnicodeDecodeError:
            continue
        if _control_ratio(text) > _MAX_CONTROL_RATIO:
            return None
        if codec not in {"utf-8", candidates[0]}:
            warnings.append(f"text is not valid UTF-8; decoded as {codec} (check the diacritics)")
        logger.debug("decoded %d bytes as %s", len(data), codec)
        return DecodedText(text, codec, warnings)
    return None  # unreachable: latin-1 decodes anything


def _looks_utf8(data: bytes) -> bool:
    """Most non-ASCII bytes of ``data`` form valid UTF-8 sequences (a text damaged here and there)."""
    covered = sum(len(m) for m in _UTF8_SEQ.findall(data))
    high = sum(1 for b in data if b >= 0x80)
    return covered >= 0.99 * high


def looks_like_text(data: bytes) -> bool:
    """Whether the first bytes of ``data`` decode as text (used by format sniffing).

    The sample is read by whole characters: a UTF-8 or UTF-16 character cut by the sample's end
    does not make a valid text look binary.
    """
    return decode_text(data[:_SAMPLE], partial=len(data) > _SAMPLE) is not None


def finish_text(text: str) -> str:
    """The loaders' common output form: NFC, ``\\n`` line ends, no stray control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n")  # \v: Word's manual line break
    return nfc(_CONTROL_RE.sub("", text))
