"""OCR with Tesseract (pytesseract) for scanned PDF pages and image files.

Many provincial documents reach troly as scans or phone photos. Tesseract's configuration is
spelled out here (LSTM engine, automatic page segmentation, the resolution we rendered at) so
results do not depend on a machine's defaults. A missing binary or language model is an
installation problem: it raises MissingToolError naming the Debian packages to install.

The text of a page is rebuilt from Tesseract's word boxes (``image_to_data``) rather than taken
from its plain-text output, so that the two columns of a document's header and signature block
are read one after the other instead of line by line (see ``_columns``).
"""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ingest.loaders._columns import Segment, order_columns
from troly.errors import MissingToolError

__all__ = [
    "OcrLine",
    "ensure_tesseract",
    "layout_text",
    "ocr_lines",
    "prepare_for_ocr",
    "word_data",
]

logger = logging.getLogger(__name__)

PAGE_SEGMENTATION = 3  # --psm 3: fully automatic page segmentation, no OSD
ENGINE_LSTM = 1  # --oem 1: the neural (LSTM) engine, the one every shipped model supports
OCR_TIMEOUT_S = 180  # per page; a stuck Tesseract must not hang an upload


@functools.lru_cache(maxsize=8)
def _installed_languages(tesseract_cmd: str) -> frozenset[str]:
    """Models Tesseract lists; ``tesseract_cmd`` (pytesseract reads its own global) keys the cache."""
    import pytesseract

    try:
        return frozenset(pytesseract.get_languages(config=""))
    except pytesseract.TesseractNotFoundError as e:
        raise MissingToolError(
            "tesseract is not installed or not on PATH; install the Debian packages "
            "'tesseract-ocr' and 'tesseract-ocr-vie' to read scanned PDFs and images"
        ) from e


def ensure_tesseract(languages: str) -> None:
    """Raise MissingToolError unless Tesseract and every model in ``languages`` ("vie+eng") exist."""
    import pytesseract

    command = str(pytesseract.pytesseract.tesseract_cmd)
    wanted = [lang for lang in languages.split("+") if lang]
    installed = _installed_languages(command)
    if any(lang not in installed for lang in wanted):
        _installed_languages.cache_clear()  # a model may have been installed since: look again
        installed = _installed_languages(command)
    missing = [lang for lang in wanted if lang not in installed]
    if missing:
        packages = " ".join(f"'tesseract-ocr-{lang.lower().replace('_', '-')}'" for lang in missing)
        raise MissingToolError(
            f"Tesseract language model(s) {', '.join(missing)} not installed "
            f"(found: {', '.join(sorted(installed)) or 'none'}); install the Debian package(s) {packages}"
        )


def prepare_for_ocr(image: Image.Image) -> Image.Image:
    """A grayscale copy of ``image`` with any transparency flattened onto white."""
    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, "white")
        background.alpha_composite(rgba)
        return background.convert("L")
    if image.mode in {"I;16", "I;16B", "I;16L", "I"}:
        return image.point(lambda v: v / 256).convert("L")
    return image.convert("L")


def word_data(image: Image.Image, *, languages: str, dpi: int | None, psm: int) -> dict[str, list[Any]]:
    """Tesseract's word boxes for ``image`` (``image_to_data`` as a dict of columns)."""
    import pytesseract

    config = f"--oem {ENGINE_LSTM} --psm {psm}"
    if dpi:
        config += f" --dpi {dpi}"
    started = time.perf_counter()
    try:
        data: dict[str, list[Any]] = pytesseract.image_to_data(
            image, lang=languages, config=config, timeout=OCR_TIMEOUT_S, output_type=pytesseract.Output.DICT
        )
    except pytesseract.TesseractNotFoundError as e:  # removed since ensure_tesseract() looked
        raise MissingToolError(f"tesseract disappeared while OCRing ({e}); reinstall 'tesseract-ocr'") from e
    logger.debug("OCR of a %dx%d image took %.1f s", image.width, image.height, time.perf_counter() - started)
    return data


@dataclass(frozen=True, slots=True)
class OcrLine:
    """One line Tesseract read, with its box in the image's pixels."""

    text: str
    left: int
    top: int
    right: int
    bottom: int


def ocr_lines(
    image: Image.Image, *, languages: str, dpi: int | None = None, psm: int = PAGE_SEGMENTATION
) -> list[OcrLine]:
    """The lines of ``image`` top to bottom, each with its box (for reading one block of a page
    again, e.g. a signature, where the whole page's reading lost it)."""
    lines = _line_words(word_data(image, languages=languages, dpi=dpi, psm=psm))
    out = [
        OcrLine(
            " ".join(w[4] for w in sorted(words)),
            min(w[0] for w in words),
            min(w[1] for w in words),
            max(w[0] + w[2] for w in words),
            max(w[1] + w[3] for w in words),
        )
        for words in lines.values()
    ]
    return sorted(out, key=lambda line: (line.top, line.left))


# --- text from word boxes --------------------------------------------------------------------

_GAP_HEIGHTS = 1.5  # a gap wider than this many line heights separates two columns

_Word = tuple[int, int, int, int, str]  # left, top, width, height, text


def _line_words(data: dict[str, list[Any]]) -> dict[tuple[int, int, int], list[_Word]]:
    """The recognised words of each Tesseract line (block, paragraph, line), with their boxes."""
    lines: dict[tuple[int, int, int], list[_Word]] = {}
    for i, word in enumerate(data.get("text", [])):
        word = str(word).strip()
        if not word or float(data["conf"][i]) < 0:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        box = (int(data["left"][i]), int(data["top"][i]), int(data["width"][i]), int(data["height"][i]), word)
        lines.setdefault(key, []).append(box)
    return lines


def _segments(data: dict[str, list[Any]]) -> list[Segment]:
    """Tesseract's lines of words, each cut into parts at gaps wider than ``_GAP_HEIGHTS``."""
    out: list[Segment] = []
    for (block, par, _), words in _line_words(data).items():
        words.sort()
        height = sorted(w[3] for w in words)[len(words) // 2]
        top = min(w[1] for w in words)
        current: list[_Word] = []
        for box in words:
            if current and box[0] - (current[-1][0] + current[-1][2]) > _GAP_HEIGHTS * max(height, 1):
                out.append(_segment(current, top, (block, par)))
                current = []
            current.append(box)
        out.append(_segment(current, top, (block, par)))
    return out


def _segment(words: list[_Word], top: int, paragraph: tuple[int, int]) -> Segment:
    right = max(w[0] + w[2] for w in words)
    return Segment(" ".join(w[4] for w in words), words[0][0], right, top, paragraph=paragraph)


def layout_text(data: dict[str, list[Any]]) -> str:
    """Page text from Tesseract's ``image_to_data`` dict, two-column blocks column by column.

    A blank line separates Tesseract's paragraphs and the two columns of a block.
    """
    ordered = order_columns(_segments(data))
    out: list[str] = []
    for k, s in enumerate(ordered):
        if k and (s.paragraph != ordered[k - 1].paragraph or s.column != ordered[k - 1].column):
            out.append("")
        out.append(s.text)
    return "\n".join(out)


def image_dpi(image: Image.Image) -> int | None:
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        return None
    return value if value >= 70 else None  # 1 or 72 "dpi" is a placeholder, not a scan resolution
