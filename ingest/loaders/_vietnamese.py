"""Is this readable Vietnamese? Legacy 8-bit encodings (TCVN3, VNI) and the syllable test.

Why: many PDFs of provincial offices were typed in the 1990s-2000s fonts (".VnTime" = TCVN3,
"VNI-Times" = VNI) and exported without a Unicode map, so their text layer reads "Céng hoµ x· héi"
or "Coäng hoøa xaõ hoäi"; a broken font map gives "CØNG HOÀ XÃ HØI". Such text looks like text to
the loaders but answers nothing. We measure the share of words that are valid Vietnamese syllables
(onset + vowel nucleus + coda, one tone mark); below a threshold the text is tried as TCVN3 and as
VNI, and the decoding that yields Vietnamese wins. When none does, the caller OCRs the page.

Tables are data, transcribed from the standards, not derived from samples:

* TCVN3 (TCVN 5712:1993, the "VN3" 8-bit set of the .Vn fonts): bytes 0xA1-0xFF, and the VN1
  capitals at 0x80-0x9F, exactly as the standard's table (identical to glibc's ``TCVN5712-1``).
* VNI Windows: a base letter followed by a modifier byte (cp1252 glyphs), six tones per vowel,
  from the VNI code table (the same as xvnkb's ``vni.h``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Legacy",
    "LegacyResult",
    "decode_tcvn3",
    "decode_vni",
    "is_syllable",
    "repair_vietnamese",
    "syllable_share",
    "unaccented_vietnamese",
]

Legacy = Literal["TCVN3", "VNI", "Cyrillic-shifted"]

# ---- TCVN 5712:1993 --------------------------------------------------------------------------

# Unicode of bytes 0x80..0x9F (VN1 capitals with tone marks) and 0xA1..0xFF (VN3), in byte order.
_TCVN_80 = (
    "\u00c0\u1ea2\u00c3\u00c1\u1ea0\u1eb6\u1eac\u00c8\u1eba\u1ebc\u00c9\u1eb8\u1ec6\u00cc\u1ec8\u0128"
    "\u00cd\u1eca\u00d2\u1ece\u00d5\u00d3\u1ecc\u1ed8\u1edc\u1ede\u1ee0\u1eda\u1ee2\u00d9\u1ee6\u0168"
)
_TCVN_A1 = (
    "\u0102\u00c2\u00ca\u00d4\u01a0\u01af\u0110\u0103\u00e2\u00ea\u00f4\u01a1\u01b0\u0111\u1eb0"  # A1-AF
    "\u0300\u0309\u0303\u0301\u0323\u00e0\u1ea3\u00e3\u00e1\u1ea1\u1eb2\u1eb1\u1eb3\u1eb5\u1eaf\u1eb4"  # B0-BF
    "\u1eae\u1ea6\u1ea8\u1eaa\u1ea4\u1ec0\u1eb7\u1ea7\u1ea9\u1eab\u1ea5\u1ead\u00e8\u1ec2\u1ebb\u1ebd"  # C0-CF
    "\u00e9\u1eb9\u1ec1\u1ec3\u1ec5\u1ebf\u1ec7\u00ec\u1ec9\u1ec4\u1ebe\u1ed2\u0129\u00ed\u1ecb\u00f2"  # D0-DF
    "\u1ed4\u1ecf\u00f5\u00f3\u1ecd\u1ed3\u1ed5\u1ed7\u1ed1\u1ed9\u1edd\u1edf\u1ee1\u1edb\u1ee3\u00f9"  # E0-EF
    "\u1ed6\u1ee7\u0169\u00fa\u1ee5\u1eeb\u1eed\u1eef\u1ee9\u1ef1\u1ef3\u1ef7\u1ef9\u00fd\u1ef5\u1ed0"  # F0-FF
)
assert len(_TCVN_80) == 32 and len(_TCVN_A1) == 95
# Text extracted from a PDF without a Unicode map comes out as the font's byte codes read as
# Latin-1 (U+0080-U+00FF); cp1252 viewers show 0x80-0x9F as typographic signs, so map those too.
_TCVN_TABLE: dict[int, str] = {0x80 + i: ch for i, ch in enumerate(_TCVN_80)}
_TCVN_TABLE.update({0xA1 + i: ch for i, ch in enumerate(_TCVN_A1)})
for _byte, _ch in list(_TCVN_TABLE.items()):
    if _byte < 0xA0:
        try:
            _TCVN_TABLE[ord(bytes([_byte]).decode("cp1252"))] = _ch
        except UnicodeDecodeError:
            pass


# "ư" is byte 0xAD, the soft hyphen of Latin-1, which PDF text extraction often turns into "-"
# ("tr-êng", "m-u"): a hyphen inside a lower-case word, or opening one ("-u tiªn"), is "ư".
_TCVN_U_HORN = re.compile(r"(?:(?<=[^\W\d_])|(?<!\S))[-\u00ad](?=[a-z\u00a0-\u00ff])")


def decode_tcvn3(text: str) -> str:
    """``text`` whose characters are TCVN3 byte codes read as Latin-1/cp1252, as Unicode (NFC)."""
    text = _TCVN_U_HORN.sub("\u00ad", text)
    return unicodedata.normalize("NFC", text.translate(_TCVN_TABLE))


# ---- VNI Windows -----------------------------------------------------------------------------

# Per vowel: the VNI spelling of (no tone, sắc, huyền, hỏi, ngã, nặng), capitals; lower case is the
# same with every character lowered. Then the Unicode letters they stand for.
_VNI_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AÁÀẢÃẠ", ("A", "AÙ", "AØ", "AÛ", "AÕ", "AÏ")),
    ("ÂẤẦẨẪẬ", ("AÂ", "AÁ", "AÀ", "AÅ", "AÃ", "AÄ")),
    ("ĂẮẰẲẴẶ", ("AÊ", "AÉ", "AÈ", "AÚ", "AÜ", "AË")),
    ("EÉÈẺẼẸ", ("E", "EÙ", "EØ", "EÛ", "EÕ", "EÏ")),
    ("ÊẾỀỂỄỆ", ("EÂ", "EÁ", "EÀ", "EÅ", "EÃ", "EÄ")),
    ("OÓÒỎÕỌ", ("O", "OÙ", "OØ", "OÛ", "OÕ", "OÏ")),
    ("ÔỐỒỔỖỘ", ("OÂ", "OÁ", "OÀ", "OÅ", "OÃ", "OÄ")),
    ("ƠỚỜỞỠỢ", ("Ô", "ÔÙ", "ÔØ", "ÔÛ", "ÔÕ", "ÔÏ")),
    ("UÚÙỦŨỤ", ("U", "UÙ", "UØ", "UÛ", "UÕ", "UÏ")),
    ("ƯỨỪỬỮỰ", ("Ö", "ÖÙ", "ÖØ", "ÖÛ", "ÖÕ", "ÖÏ")),
    ("IÍÌỈĨỊ", ("I", "Í", "Ì", "Æ", "Ó", "Ò")),
    ("YÝỲỶỸỴ", ("Y", "YÙ", "YØ", "YÛ", "YÕ", "Î")),
)
_VNI_MAP: dict[str, str] = {"Ñ": "Đ", "ñ": "đ"}
for _letters, _codes in _VNI_ROWS:
    for _uni, _code in zip(_letters, _codes, strict=True):
        if _code != _uni:  # plain "A", "E", … stay as they are
            _VNI_MAP[_code] = _uni
            _VNI_MAP[_code.lower()] = _uni.lower()
# Longest spellings first, so "ôù" (ớ) wins over "ô" (ơ).
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(_VNI_MAP, key=len, reverse=True)))


def decode_vni(text: str) -> str:
    """``text`` typed in a VNI font and read as cp1252 characters, as Unicode (NFC)."""
    return unicodedata.normalize("NFC", _VNI_RE.sub(lambda m: _VNI_MAP[m.group(0)], text))


# ---- Vietnamese syllables --------------------------------------------------------------------

_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
# Vowel nuclei (tone marks removed): those ending in a glide take no final consonant, those with
# a short or diphthong vowel need one ("iê" in "tiến", "uô" in "cuộc", "ă" in "ăn"), the rest may.
_OPEN = "uôi|ươi|ươu|iêu|yêu|oai|oay|uây|oeo|uya|uyu|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ui|ưa|ưi|ưu|ua|uơ"
_CLOSED = "uyê|iê|yê|uô|ươ|oă|uâ|ă|â"
_FREE = "oa|oe|oo|uê|uy|a|e|ê|i|o|ô|ơ|u|ư|y"
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_CODA = "ch|nh|ng|[cmnpt]"
_SYLLABLE = re.compile(rf"(?:{_ONSET})?(?:(?:{_OPEN})|(?:{_CLOSED})(?P<c1>{_CODA})|(?:{_FREE})(?P<c2>{_CODA})?)")
_STOP_CODAS = frozenset({"c", "ch", "p", "t"})  # they take only the sắc or nặng tone
_STOP_TONES = frozenset("\u0301\u0323")
_ASCII_WORD = re.compile(r"[A-Za-z]+(?:[-'][A-Za-z]+)*")
_EDGE_PUNCT = "\"'“”‘’«»()[]{}<>,.;:!?…-–—/\\|*•·"


def is_syllable(word: str) -> bool:
    """One Vietnamese syllable, spelled by the rules (one tone mark, a valid rhyme)."""
    if not (word.islower() or word.isupper() or (word[:1].isupper() and word[1:].islower())):
        return False  # "CỉNG", "ViÖt" read as a legacy font went wrong: real words are not mixed case
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    m = _SYLLABLE.fullmatch(base)
    if m is None:
        return False
    coda = m.group("c1") or m.group("c2")
    return coda not in _STOP_CODAS or (bool(tones) and tones[0] in _STOP_TONES)


_DIGIT = re.compile(r"\d")


def _words(text: str) -> list[str]:
    stripped = (raw.strip(_EDGE_PUNCT) for raw in text.split())
    return [w for w in stripped if w and not _DIGIT.search(w)]


def syllable_share(text: str) -> tuple[float, int]:
    """(share of words that are Vietnamese syllables or plain ASCII words, number of words).

    ASCII words count as readable (abbreviations "UBND", English terms): legacy encodings and
    broken font maps show up in the *non-ASCII* words, which must be real syllables. Words with
    digits are left out.
    """
    words = _words(text)
    if not words:
        return 1.0, 0
    good = sum(1 for w in words if _readable(w))
    return good / len(words), len(words)


@functools.lru_cache(maxsize=65536)
def _readable(word: str) -> bool:
    """One word is readable: plain ASCII, or Vietnamese syllables (joined by hyphens)."""
    return bool(_ASCII_WORD.fullmatch(word)) or all(is_syllable(p) for p in word.split("-") if p)


# ---- repair ----------------------------------------------------------------------------------

READABLE = 0.85  # share of valid words from which a text is taken as readable Vietnamese
MIN_WORDS = 8  # fewer words than this: too little to judge, left as is


@dataclass(frozen=True, slots=True)
class LegacyResult:
    """What :func:`repair_vietnamese` made of a text: the text to use and what was done."""

    text: str
    status: Literal["ok", "converted", "unreadable"]
    encoding: Legacy | None = None
    share: float = 1.0


# A broken font map seen in e-office PDFs: the precomposed Vietnamese letters (U+1EA0–U+1EF9) come
# out 0x19FC lower, in the Cyrillic Supplement block ("Đҧng" for "Đảng", "Trҫn" for "Trần"); past
# "ỵ" the font skipped two code points. Only letters inside a Latin word are mapped back, so Cyrillic
# text stays as it is.
_CYRILLIC_SHIFT = 0x19FC
_CYRILLIC_SKIPPED = {"Ӹ": "Ỷ", "ӹ": "ỷ", "Ӻ": "Ỹ", "ӻ": "ỹ"}
_SHIFTED_LETTER = re.compile(r"(?<=[A-Za-zÀ-ỹĐđ])[\u04a0-\u04fb]|[\u04a0-\u04fb](?=[A-Za-zÀ-ỹĐđ])")


def _unshift(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _CYRILLIC_SKIPPED:
        return _CYRILLIC_SKIPPED[ch]
    mapped = chr(ord(ch) + _CYRILLIC_SHIFT)
    return mapped if "\u1ea0" <= mapped <= "\u1ef5" else ch


def decode_cyrillic_shift(text: str) -> str:
    """Vietnamese letters a broken font map put in the Cyrillic Supplement block, mapped back."""
    return _SHIFTED_LETTER.sub(_unshift, text)


def repair_vietnamese(text: str) -> LegacyResult:
    """``text`` as is when it reads as Vietnamese; converted from TCVN3 or VNI when one of them makes
    it read, or when its Vietnamese letters sit in the Cyrillic block (a known broken font map);
    otherwise flagged "unreadable" (a broken font map, or an unknown encoding)."""
    if _SHIFTED_LETTER.search(text):
        converted = decode_cyrillic_shift(text)
        before, _ = syllable_share(text)
        after, _ = syllable_share(converted)
        if after >= max(before, READABLE) and not _SHIFTED_LETTER.search(converted):
            return LegacyResult(converted, "converted", "Cyrillic-shifted", after)
    share, n = syllable_share(text)
    if n < MIN_WORDS or share >= READABLE:
        return LegacyResult(text, "ok", share=share)
    best: LegacyResult | None = None
    decoders: tuple[tuple[Legacy, Callable[[str], str]], ...] = (("TCVN3", decode_tcvn3), ("VNI", decode_vni))
    for name, decode in decoders:
        converted = decode(text)
        s, _ = syllable_share(converted)
        if s >= READABLE and s > share and (best is None or s > best.share):
            best = LegacyResult(converted, "converted", name, s)
    return best or LegacyResult(text, "unreadable", share=share)


# Frequent words of administrative Vietnamese, written without their accents.
_BARE_WORDS = frozenset(
    [
        "cua",
        "va",
        "cac",
        "duoc",
        "nguoi",
        "trong",
        "theo",
        "viec",
        "nhung",
        "tinh",
        "ngay",
        "thang",
        "nam",
        "cong",
        "nhan",
        "dan",
        "thuc",
        "hien",
        "quy",
        "dinh",
        "de",
        "nghi",
        "so",
        "ve",
        "co",
        "khong",
        "tai",
        "cho",
        "voi",
        "ban",
        "phong",
        "giao",
        "chu",
        "tich",
        "uy",
        "xa",
        "huyen",
    ]
)
_LETTERS_RE = re.compile(r"[^\W\d_]+")
# A word an English OCR model made of a Vietnamese one: the accented vowel read as a digit or a
# sign inside the letters ("C6ng", "ch6y", "nghi$m", "Thu'ong"). Codes ("PC06", "A1", "H2O") are
# capitals with the digits at the end, or too rare to matter.
_DIGIT_FOR_VOWEL = re.compile(r"[A-Za-z]*[a-z][0-9$@]+[a-z]+|[A-Za-z]{1,3}[0-9][a-z]+|[A-Z]?[a-z]+[0-9]")


def unaccented_vietnamese(text: str) -> bool:
    """Vietnamese written without a single accent: the text layer an OCR engine without the
    Vietnamese model leaves on a scan ("CONG HOA XA HOI", "tinh Ldo Cai", "C6ng tic nghi$m thu").
    Such a layer passes the syllable check (plain ASCII words are allowed, for English, and words
    with digits are left out) but reads badly. Real Vietnamese has accents on a third of its words
    or more; this has almost none, and its words are common unaccented Vietnamese ones or letters
    with digits where the accented vowels were."""
    words = _LETTERS_RE.findall(text)
    if len(words) < 40:
        return False
    accented = sum(1 for w in words if not w.isascii())
    if accented > 0.02 * len(words):
        return False
    bare = sum(1 for w in words if w.lower() in _BARE_WORDS)
    tokens = [t.strip(_EDGE_PUNCT) for t in text.split()]
    mangled = sum(1 for t in tokens if _DIGIT_FOR_VOWEL.fullmatch(t))
    return bare >= 0.05 * len(words) or mangled >= 0.08 * len(words)
