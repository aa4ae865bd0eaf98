"""A hundred ``troly ideas submit`` processes started at once on a fresh home (issue 13).

Every process opens a database nobody has created yet, so they race on the schema migration (one
migrates under the lock, the others wait and find the head) and then on the inserts. The result must
be exactly one idea per process, each with its own code, every process exiting 0 with no traceback.
SQLite in the home; PostgreSQL on a brand-new database of the throwaway server (``tests/pg_server.py``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from tests.pg_server import pg_database_url, pg_url
from troly.ideas.models import IdeaRow, IdeaStatusRow

pytestmark = [pytest.mark.slow, pytest.mark.load]

PROCESSES = 100
REPO = Path(__file__).resolve().parent.parent
CODE = re.compile(r"YT-\d{4}-\d{6}")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'home' / 'troly.db'}"
    pytest.importorskip("psycopg")
    return str(request.getfixturevalue("pg_database_url"))


def test_hundred_submits_at_once_on_a_fresh_home(tmp_path: Path, database_url: str) -> None:
    home = tmp_path / "home"
    env = {
        **os.environ,
        "TROLY_HOME": str(home),
        "TROLY_DATABASE_URL": database_url,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        # One OpenMP thread per process: a hundred embedders spinning their thread pools on two
        # cores would only slow the test down; the race under test is SQL's, not the model's.
        "OMP_NUM_THREADS": "1",
        # A failure prints a plain traceback, so the lines the assertion shows name the statement.
        "_TYPER_STANDARD_TRACEBACK": "1",
    }
    env.pop("TROLY_CHROMA_URL", None)
    command = [sys.executable, "-m", "troly.cli", "ideas", "submit", "--unit", "Tỉnh đoàn"]
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [
                *command,
                "--title",
                f"Sáng kiến số {i}: bản đồ số điểm du lịch cộng đồng",
                "--description",
                f"Xây dựng bản đồ số thứ {i} cho các điểm du lịch cộng đồng, cập nhật bởi đoàn viên.",
            ],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(PROCESSES)
    ]
    results = [(p.returncode, out, err) for p in procs for out, err in [p.communicate(timeout=1800)]]
    elapsed = time.monotonic() - started
    print(f"{PROCESSES} submits on {database_url.split(':')[0]}: {elapsed:.1f} s")

    failed = [(i, rc, err[-2000:]) for i, (rc, _out, err) in enumerate(results) if rc != 0 or "Traceback" in err]
    assert not failed, failed
    printed = [CODE.findall(out) for _rc, out, _err in results]
    assert all(len(codes) >= 1 for codes in printed), [out for _rc, out, _err in results if not CODE.search(out)]
    own_codes = {codes[0] for codes in printed}
    assert len(own_codes) == PROCESSES

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            codes = conn.execute(select(IdeaRow.code)).scalars().all()
            titles = conn.execute(select(IdeaRow.title)).scalars().all()
            history = conn.scalar(select(func.count()).select_from(IdeaStatusRow))
    finally:
        engine.dispose()
    assert len(codes) == PROCESSES and set(codes) == own_codes
    assert sorted(titles) == sorted(f"Sáng kiến số {i}: bản đồ số điểm du lịch cộng đồng" for i in range(PROCESSES))
    assert history == PROCESSES
