"""Outline markers of administrative text ("II.", "3.", "2.1.", "a)", "-", "+", "•") for display.

Quotes, task texts and citation sections are shown without the list marker they carry in the
document: "3. Giao Sở Y tế chủ trì" reads "Giao Sở Y tế chủ trì". One pattern, used by the
conversation core and every renderer.
"""

from __future__ import annotations

import re

__all__ = ["LIST_MARKER_RE", "section_path", "strip_list_marker"]

#: A leading list marker and the spaces after it.
LIST_MARKER_RE = re.compile(r"^\s*(?:[-+•]|[IVXLC]+\.|\d+(?:\.\d+)*[.)]|[a-zđ]\))\s*")


def strip_list_marker(text: str) -> str:
    """``text`` without its leading list marker ("a) Về phát triển …" -> "Về phát triển …")."""
    return LIST_MARKER_RE.sub("", text)


def section_path(section: str) -> str:
    """A section path for display: each " > " level without its marker, trailing ":" dropped.

    "II. NHIỆM VỤ > 3. Giao Sở Y tế:" -> "NHIỆM VỤ > Giao Sở Y tế".
    """
    levels = [" ".join(strip_list_marker(level).split()).rstrip(" :;,") for level in (section or "").split(" > ")]
    return " > ".join(level for level in levels if level)
