"""Word 97-2003 ``.doc`` files through the ``antiword`` command-line tool (Debian package ``antiword``).

No maintained pure-Python reader exists for the binary Word format; antiword is small, fast and
has a UTF-8 output mapping. It draws tables with ``|`` borders; those rows are split back into one
cell per line to match the DOCX loader.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

from troly.errors import CorruptFileError, EncryptedFileError, MissingToolError
from troly.types import ExtractedText

__all__ = ["ANTIWORD_TIMEOUT_S", "read_doc"]

logger = logging.getLogger(__name__)

ANTIWORD_TIMEOUT_S = 60


def _split_table_rows(text: str) -> str:
    """Turn antiword's ``|cell|cell|`` table rows into one line per non-empty cell."""
    lines: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if len(stripped) >= 2 and stripped.startswith("|") and stripped.endswith("|"):
            lines.extend(cell.strip() for cell in stripped[1:-1].split("|") if cell.strip())
        else:
            lines.append(line)
    return "\n".join(lines)


def read_doc(path: Path) -> ExtractedText:
    """Run ``antiword -m UTF-8.txt -w 0`` (UTF-8 output, one line per paragraph) on ``path``."""
    executable = shutil.which("antiword")
    if executable is None:
        raise MissingToolError(
            f"cannot read {path}: 'antiword' is not installed; install the Debian package 'antiword' to read .doc files"
        )
    # An absolute path can never be mistaken for an option.
    command = [executable, "-m", "UTF-8.txt", "-w", "0", str(path.resolve())]
    try:
        completed = subprocess.run(
            command,
            capture_output=True,
            timeout=ANTIWORD_TIMEOUT_S,
            check=False,
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
    except subprocess.TimeoutExpired as e:
        raise CorruptFileError(f"{path}: antiword did not finish within {ANTIWORD_TIMEOUT_S} s") from e
    except OSError as e:
        raise MissingToolError(f"cannot run antiword for {path} ({e}); reinstall the Debian package 'antiword'") from e

    stderr = completed.stderr.decode("utf-8", errors="replace").strip()
    if completed.returncode != 0:
        if "encrypt" in stderr.lower():
            raise EncryptedFileError(f"{path}: the Word document is password-protected ({stderr})")
        if completed.returncode < 0:  # killed by a signal: antiword crashes on some damaged files
            stderr = f"antiword crashed with signal {-completed.returncode}. {stderr}".strip()
        raise CorruptFileError(f"{path}: antiword could not read the Word document ({stderr or 'no message'})")
    warnings = []
    if stderr:
        logger.info("antiword on %s: %s", path, stderr)
        warnings.append(f"antiword reported: {stderr}")
    text = completed.stdout.decode("utf-8", errors="replace")
    if "\ufffd" in text:
        warnings.append("antiword produced invalid UTF-8; some characters were replaced with U+FFFD")
    # antiword starts with an empty line and ends with one; they carry nothing.
    return ExtractedText(text=_split_table_rows(text).strip("\n"), source_format="doc", warnings=warnings)
