#!/usr/bin/env python3
"""Materialise the development corpus from public git mirrors.

The repository commits no document bytes. Each ``examples/devcorpus/manifest-*.tsv``
names a public repository, a commit, a path and the expected sha256; this script
reads the bytes with ``git show <commit>:<path>`` from a local mirror, checks the
hash and writes them to ``<out>/<file>``.

Usage::

    python scripts/devcorpus.py materialize --mirror-root /work/.mirror --out /work/devcorpus/files
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MANIFEST_DIR = REPO_ROOT / "examples" / "devcorpus"


@dataclass(frozen=True)
class Entry:
    """One manifest row that matters for materialising a file."""

    manifest: str
    id: str
    file: str
    repo: str
    commit: str
    path: str
    sha256: str


def read_manifests(directory: Path) -> list[Entry]:
    """Return the rows of every ``manifest-*.tsv`` in ``directory``."""
    entries: list[Entry] = []
    for manifest in sorted(directory.glob("manifest-*.tsv")):
        with manifest.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                entries.append(
                    Entry(
                        manifest=manifest.name,
                        id=row["id"],
                        file=row["file"],
                        repo=row["repo"],
                        commit=row["commit"],
                        path=row["path"],
                        sha256=row["sha256"].lower(),
                    )
                )
    return entries


def is_git_dir(path: Path) -> bool:
    """True if ``path`` looks like a (bare) git directory."""
    return (path / "HEAD").is_file() and (path / "objects").is_dir()


def find_git_dir(mirror_root: Path, repo: str) -> Path | None:
    """Locate the mirror of ``owner/name`` under ``mirror_root``."""
    owner, _, name = repo.partition("/")
    for base in (mirror_root / f"{owner}+{name}", mirror_root / owner / name, mirror_root / name):
        for candidate in (base / "repo", base, base / ".git"):
            if is_git_dir(candidate):
                return candidate
    return None


def git_show(git_dir: Path, commit: str, path: str) -> bytes:
    """Return the bytes of ``commit:path`` from ``git_dir``."""
    result = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
        check=True,
        capture_output=True,
    )
    return result.stdout


def materialize(mirror_root: Path, out: Path, manifest_dir: Path, force: bool) -> int:
    """Write every manifest file under ``out``; return the number of failures."""
    failures = 0
    written = skipped = 0
    git_dirs: dict[str, Path | None] = {}
    for entry in read_manifests(manifest_dir):
        target = out / entry.file
        if not force and target.is_file() and sha256_of(target.read_bytes()) == entry.sha256:
            skipped += 1
            continue
        if entry.repo not in git_dirs:
            git_dirs[entry.repo] = find_git_dir(mirror_root, entry.repo)
        git_dir = git_dirs[entry.repo]
        if git_dir is None:
            print(f"{entry.manifest} {entry.id}: no mirror for {entry.repo}", file=sys.stderr)
            failures += 1
            continue
        try:
            data = git_show(git_dir, entry.commit, entry.path)
        except subprocess.CalledProcessError as exc:
            message = exc.stderr.decode("utf-8", "replace").strip()
            print(f"{entry.manifest} {entry.id}: git show failed: {message}", file=sys.stderr)
            failures += 1
            continue
        digest = sha256_of(data)
        if digest != entry.sha256:
            print(f"{entry.manifest} {entry.id}: sha256 mismatch ({digest})", file=sys.stderr)
            failures += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    print(f"written {written}, already present {skipped}, failed {failures}")
    return failures


def sha256_of(data: bytes) -> str:
    """Hex sha256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    mat = sub.add_parser("materialize", help="fetch manifest files from git mirrors")
    mat.add_argument("--mirror-root", type=Path, required=True)
    mat.add_argument("--out", type=Path, required=True)
    mat.add_argument("--manifest-dir", type=Path, default=MANIFEST_DIR)
    mat.add_argument("--force", action="store_true", help="rewrite files that are already correct")
    args = parser.parse_args(argv)
    if args.command == "materialize":
        return 1 if materialize(args.mirror_root, args.out, args.manifest_dir, args.force) else 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
