"""Prompt templates shipped as package data.

Prompts live in ``prompts/*.txt`` rather than in Python strings so that reviewers who read Vietnamese
(and not Python) can audit and tune them, and so that diffs to wording stay separate from code.
They are read with :mod:`importlib.resources`, which works from a source checkout, a wheel or a zip.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

__all__ = ["load_prompt"]


@cache
def load_prompt(name: str) -> str:
    """Return the text of ``prompts/<name>.txt`` (``name`` may include the ``.txt`` suffix).

    Raises ``FileNotFoundError`` for an unknown name; names containing path separators are refused.
    """
    file_name = name if name.endswith(".txt") else f"{name}.txt"
    if "/" in file_name or "\\" in file_name or file_name.startswith("."):
        raise FileNotFoundError(f"invalid prompt name: {name!r}")
    resource = resources.files(__name__).joinpath(file_name)
    if not resource.is_file():
        raise FileNotFoundError(f"no prompt named {name!r} in package {__name__!r}")
    return resource.read_text(encoding="utf-8")
