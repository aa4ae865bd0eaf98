"""A throwaway PostgreSQL server for the tests (fixtures ``pg_url`` and ``pg_database_url``).

Why a real server: troly promises that ``TROLY_DATABASE_URL=postgresql+psycopg://…`` runs the same
code as the default SQLite; only a real PostgreSQL proves it (types, locking, concurrent inserts).

The server is started once per session from the Debian ``postgresql`` package's binaries
(``/usr/lib/postgresql/<version>/bin``; CI installs them through ``scripts/system-deps.sh``), in a
temporary directory, listening on 127.0.0.1 at a free port and on a unix socket in that directory,
with trust authentication. PostgreSQL refuses to run as root, so as root it runs as the ``postgres``
system user (``runuser``). Without the binaries the tests that need it are skipped.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["PostgresUnavailable", "pg_database_url", "pg_url", "throwaway_postgres"]

DB_NAME = "troly_test"


def _find_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb, pg_ctl and postgres."""
    candidates = []
    for bindir in glob.glob("/usr/lib/postgresql/*/bin"):
        p = Path(bindir)
        if all((p / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            try:
                version = float(p.parent.name)
            except ValueError:
                version = 0.0
            candidates.append((version, p))
    if not candidates:
        for tool_dir in {Path(shutil.which(t)).parent for t in ("initdb", "pg_ctl", "postgres") if shutil.which(t)}:
            if all((tool_dir / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
                return tool_dir
        return None
    return max(candidates)[1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    """Root cannot run PostgreSQL: switch to the ``postgres`` system user; others run as themselves."""
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--", *cmd]
    setpriv = shutil.which("setpriv")
    if setpriv:
        pw = pwd.getpwnam("postgres")
        return [setpriv, f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--init-groups", *cmd]
    pytest.skip("running as root without runuser/setpriv: cannot start PostgreSQL as the postgres user")


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    return subprocess.run(_as_server_user(cmd), capture_output=True, text=True, timeout=120, **kw)


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be started here (no binaries, no server user, no driver)."""


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """``postgresql+psycopg://postgres@127.0.0.1:<port>/troly_test`` on a fresh, private server,
    stopped and deleted afterwards (the fixtures and ``benchmarks/multiworker.py`` use it).

    Raises:
        PostgresUnavailable: the server cannot be started on this machine.
    """
    bindir = _find_bindir()
    if bindir is None:
        raise PostgresUnavailable(
            "PostgreSQL server binaries not found (install the Debian package 'postgresql', "
            "e.g. via scripts/system-deps.sh)"
        )
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable(
                "running as root but there is no 'postgres' system user to run the server as"
            ) from None
    try:
        import psycopg
    except ImportError:
        raise PostgresUnavailable("psycopg is not installed (pip install 'troly[postgres]')") from None

    root = Path(tempfile.mkdtemp(prefix="troly-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        for p in (root, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)
    port = _free_port()
    log = root / "server.log"
    started = False
    try:
        initdb = [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8"]
        init = _run([*initdb, "--locale=C.UTF-8", "--no-sync"])
        if init.returncode != 0:  # an image without the C.UTF-8 locale: let initdb pick
            shutil.rmtree(data, ignore_errors=True)
            init = _run([*initdb, "--no-sync"])
        assert init.returncode == 0, f"initdb failed:\n{init.stdout}\n{init.stderr}"
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sock} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        start = _run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start"]
        )
        started = True
        if start.returncode != 0:
            text = log.read_text(errors="replace") if log.exists() else ""
            raise AssertionError(f"pg_ctl start failed:\n{start.stdout}\n{start.stderr}\n{text}")
        admin = f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(admin, autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{DB_NAME}"')
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DB_NAME}"
    finally:
        if started:
            _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"])
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """``postgresql+psycopg://postgres@127.0.0.1:<port>/troly_test`` on a fresh, private server."""
    try:
        server = throwaway_postgres()
        url = server.__enter__()
    except PostgresUnavailable as e:
        pytest.skip(str(e))
    try:
        yield url
    finally:
        server.__exit__(None, None, None)


@pytest.fixture
def pg_database_url(pg_url: str) -> Iterator[str]:
    """A brand-new, empty database on the session's server for one test, dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(pg_url)
    admin = f"host={url.host} port={url.port} user={url.username} dbname=postgres"
    name = f"troly_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
