"""Markdown as the plain text a reader sees: escapes resolved, emphasis marks and table rules gone.

Why: documents converted by pandoc or portals arrive as Markdown ("2\\. Giao Chính phủ …", a
trailing "\\" for each line break of a header cell, "**Điều 3. Tổ chức thực hiện**", grid tables
"+----+----+"). Left in, the escapes hide outline markers and the emphasis hides headings, so a
document reads as one unnumbered run. Markdown's own syntax (CommonMark's backslash escapes and
emphasis; pandoc's grid and simple table rules) is removed line by line; the lines themselves are
kept, so a two-column header still lines up for :func:`ingest.loaders._columns.text_columns`.
"""

from __future__ import annotations

import re

from ingest.loaders._columns import PIPE_RULE_RE

__all__ = ["markdown_plain"]

# CommonMark: a backslash before ASCII punctuation escapes it; a backslash at the end of a line (or
# of a table cell, or of a column in pandoc's side-by-side header) is a hard line break.
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_HARD_BREAK = re.compile(r"\\(?=\s*\||\s*$|\s{2,})")
# Emphasis marks, which pandoc lets run over several lines ("*Căn cứ … theo Nghị quyết số*"): a run
# of two or three stars anywhere, and a single star that opens (space before, text after) or
# closes (text before, space or punctuation after) a run. A star between brackets, "(*)", stays.
_STRONG_MARK = re.compile(r"\*{2,3}")
_OPEN_MARK = re.compile(r"(?:^|(?<=\s))\*(?=[^\s*])")
_CLOSE_MARK = re.compile(r"(?<=[^\s*(])\*(?=\s|$|[,.;:])")
# Table rules: grid "+----+:---:+", "+====+", simple "  -------   ------" (pipe "|---|---|": ``PIPE_RULE_RE``).
_RULE_LINE = re.compile(r"^\s*(?:\+[-=:+]+\+|[-=]{3,}(?:\s+[-=]{3,})*)\s*$")


def markdown_plain(text: str) -> str:
    """The text of a Markdown document without its markup, line for line (rules become blank)."""
    out: list[str] = []
    for line in text.split("\n"):
        line = _STRONG_MARK.sub("", line.rstrip())
        line = _CLOSE_MARK.sub("", _OPEN_MARK.sub("", line))
        line = _ESCAPE.sub(r"\1", _HARD_BREAK.sub("", line))
        out.append("" if _RULE_LINE.match(line) or PIPE_RULE_RE.match(line) else line)
    return "\n".join(out)
