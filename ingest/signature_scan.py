"""A second reading of a scan's signature block, for the signer the page's reading missed.

On a scanned document the signer's name is the line most often lost: the seal and the signature
stroke cross it, and the page-wide reading (automatic segmentation) drops or garbles it, while
the rest of the page reads well. When the header facts of an OCR'd document name no signer, the
page that holds the signing title is read again: its right part with word boxes to find the
title ("KT. CHỦ TỊCH", "PHÓ GIÁM ĐỐC"), then the block under the title in a few ways (one
uniform block, sparse text, enlarged) until one gives a name-like line: the signer. Only documents
without a signer pay for it (minutes, signed by each party, never do), and a name is taken only
under a signing title and when it opens on a known surname: a wrong signer is worse than none.
"""

from __future__ import annotations

import logging
import unicodedata
from pathlib import Path

from PIL import Image

from ingest.loaders import OcrLine, ocr_lines, page_image
from ingest.metadata import is_signing_title, name_in_ocr_line
from troly.config import Settings
from troly.errors import IngestError
from troly.text import fold, tone

__all__ = ["doubtful_name", "is_block_title", "reconcile_signer", "reread_signer", "signature_pages"]

logger = logging.getLogger(__name__)

_RIGHT_PART = 0.38  # signature blocks sit right of this share of the page width
_BLOCK_HEIGHT = 0.22  # the title, the signature and the name fit in this share of the height
# Tesseract readings of the block tried in turn until one gives a name: --psm 6 (one uniform
# block), --psm 11 (sparse text: a name line among strokes and seal rings), the latter enlarged.
_READINGS: tuple[tuple[int, float], ...] = ((6, 1.0), (11, 1.0), (11, 1.5))
_MAX_PAGES = 2


def signature_pages(text: str) -> list[int]:
    """Pages (0-based, ``\\f``-separated) worth reading again, the last first: those whose reading
    shows a signing title (a page without one has no signature block to read, and reading it
    again would cost a scan's OCR time for nothing)."""
    pages = text.split("\f")
    titled = [
        i
        for i, page in enumerate(pages)
        if any(is_signing_title(line) for line in page.split("\n")[(8 if i == 0 else 0) :])
    ]
    return list(reversed(titled))[:_MAX_PAGES]


def _marks(word: str) -> int:
    return sum(unicodedata.combining(c) > 0 for c in unicodedata.normalize("NFD", word))


def doubtful_name(name: str) -> bool:
    """A signer read from the page whose name has a syllable without a tone mark ("Trần Phước
    Hiên"): the page-wide reading of a stamped, signed block drops marks, and a toneless syllable
    may be one that lost its mark. A name whose every syllable carries one is taken as read."""
    return any(tone(w) is None for w in name.split())


def reconcile_signer(page: str, block: str | None) -> str:
    """The signer from the page-wide reading checked against the block's own reading: the same
    letters, each syllable with the more marks of the two (OCR drops marks far more often than it
    adds them: "Hiên" / "Hiền"); the block's name when the page lost the first words ("Văn Lâu" /
    "Trần Văn Lâu"); otherwise the page's, since two different names leave the page's reading,
    anchored on the signing title, the better one."""
    if not block:
        return page
    p, b = page.split(), block.split()
    lost = len(b) - len(p)  # words the page's reading lost before the name it kept
    if lost < 0 or [fold(w) for w in b[lost:]] != [fold(w) for w in p]:
        return page
    return " ".join(b[:lost] + [x if _marks(x) >= _marks(y) else y for x, y in zip(p, b[lost:], strict=True)])


def is_block_title(text: str) -> bool:
    """A signing title as the right part's reading gives it, a misread prefix allowed in front
    ("1L. CHỦ TỊCH" for "TL. CHỦ TỊCH"): a short first word with a digit or a mark is dropped."""
    if is_signing_title(text):
        return True
    first, _, rest = text.partition(" ")
    misread = len(first) <= 3 and any(not c.isalpha() for c in first) and any(c.isalpha() for c in first)
    return misread and is_signing_title(rest)


def _name_under_title(lines: list[OcrLine]) -> str | None:
    names = [name for line in lines if (name := name_in_ocr_line(line.text))]
    return names[-1] if names else None


def _read_block(block: Image.Image, dpi: int | None, settings: Settings) -> str | None:
    for psm, scale in _READINGS:
        image = block if scale == 1 else block.resize((round(block.width * scale), round(block.height * scale)))
        lines = ocr_lines(image, languages=settings.ocr_languages, dpi=round(dpi * scale) if dpi else None, psm=psm)
        name = _name_under_title(lines)
        if name:
            return name
    return None


def reread_signer(path: Path, text: str, *, settings: Settings) -> str | None:
    """The signer's name read from the signature block of the scan at ``path`` (whose page-wide
    reading, pages separated by form feeds, is ``text``), or None when the block gives none."""
    for index in signature_pages(text):
        try:
            rendered = page_image(path, index, settings=settings)
        except (IngestError, OSError, ValueError) as e:  # a second reading never fails an ingest
            logger.warning("signature block of page %d of %s not rendered: %s", index + 1, path.name, e)
            return None
        if rendered is None:
            continue
        image, dpi = rendered
        width, height = image.size
        left = int(width * _RIGHT_PART)
        try:
            right_part = image.crop((left, 0, width, height))
            titles = [
                line
                for line in ocr_lines(right_part, languages=settings.ocr_languages, dpi=dpi)
                if is_block_title(line.text)
            ]
            if not titles:
                continue  # no signing title on this page: a name here could be anyone's (a list, minutes)
            # The block under the last title, then (the crop cutting the name line differently)
            # the right part of the lower half.
            top = titles[-1].top
            block_left = left + max(0, min(t.left for t in titles) - width // 20)
            regions = [
                (block_left, top, width, min(height, top + int(height * _BLOCK_HEIGHT))),
                (left, height // 2, width, height),
            ]
            name = next((n for box in regions if (n := _read_block(image.crop(box), dpi, settings))), None)
        except RuntimeError as e:  # Tesseract failed or timed out
            logger.warning("signature block of page %d of %s not read: %s", index + 1, path.name, e)
            return None
        if name:
            logger.info("signer of %s read again from page %d's signature block", path.name, index + 1)
            return name
    return None
