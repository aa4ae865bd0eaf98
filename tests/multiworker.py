"""Harness for several real ``troly serve`` workers on PostgreSQL and a ``chroma run`` server.

Used by ``tests/test_multiworker.py`` and ``benchmarks/multiworker.py``; starts real processes, as
a deployment would: ``chroma run`` (:func:`chroma_server`), then N
``troly serve`` processes on their own ports (:class:`Workers`), as replicas behind a reverse proxy,
the harness playing the proxy: it picks the worker of each request. Each response names its worker's
pid in ``X-Troly-Worker``. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx

__all__ = ["Workers", "chroma_server", "free_port", "percentile", "troly_env"]

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, linearly interpolated; NaN when empty."""
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


@contextlib.contextmanager
def chroma_server(path: Path, *, start_timeout: float = 60.0) -> Iterator[str]:
    """A ``chroma run`` server storing in ``path``; yields its URL. RuntimeError without the CLI."""
    exe = shutil.which("chroma") or shutil.which("chroma", path=str(Path(sys.executable).parent))
    if exe is None:
        raise RuntimeError("the chroma CLI (from the chromadb package) is not on PATH")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("chroma server did not start")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def troly_env(home: Path, **settings: str | None) -> dict[str, str]:
    """The environment of a troly process: this checkout first on the path, ``TROLY_*`` from
    ``settings`` (``database_url="..."`` -> ``TROLY_DATABASE_URL``; None removes it), nothing
    inherited from the caller's ``TROLY_*``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TROLY_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])])
    env["TROLY_HOME"] = str(home)
    for name, value in settings.items():
        if value is not None:
            env[f"TROLY_{name.upper()}"] = value
    return env


class Workers:
    """N ``troly serve`` processes on their own ports, as replicas behind a reverse proxy are deployed;
    ``with Workers(env, count=3, logs=dir) as w: await w.post(i, path, json=...)`` sends to worker
    ``i % count`` (the test's stand-in for the proxy: round robin, or any worker it picks)."""

    def __init__(self, env: Mapping[str, str], *, count: int, logs: Path, start_timeout: float = 180.0) -> None:
        self.env = dict(env)
        self.count = count
        self.ports = [free_port() for _ in range(count)]
        self.urls = [f"http://127.0.0.1:{port}" for port in self.ports]
        self.logs = logs
        self.start_timeout = start_timeout
        self.procs: list[subprocess.Popen[bytes]] = []
        self.started_in = 0.0
        self._http: httpx.AsyncClient | None = None

    def start(self) -> Workers:
        """Start every process, then wait until each answers ``/healthz``."""
        begin = time.monotonic()
        self.logs.mkdir(parents=True, exist_ok=True)
        for i, port in enumerate(self.ports):
            cmd = [sys.executable, "-m", "troly.cli", "serve", "--port", str(port)]
            with (self.logs / f"worker-{i}.log").open("wb") as out:
                # its own process group, so a stuck worker is stopped with its children (and only those)
                self.procs.append(
                    subprocess.Popen(cmd, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
                )
        deadline = begin + self.start_timeout
        for i, url in enumerate(self.urls):
            while True:
                if self.procs[i].poll() is not None:
                    raise RuntimeError(f"worker {i} exited with {self.procs[i].returncode}:\n{self.tail(i)}")
                try:
                    if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"worker {i} did not answer /healthz in {self.start_timeout:.0f} s:\n{self.tail(i)}"
                    )
                time.sleep(0.2)
        self.started_in = time.monotonic() - begin
        return self

    def tail(self, i: int, chars: int = 4000) -> str:
        log = self.logs / f"worker-{i}.log"
        return log.read_text(errors="replace")[-chars:] if log.exists() else ""

    def tails(self) -> str:
        return "\n".join(f"--- worker {i}\n{self.tail(i)}" for i in range(self.count))

    def stop(self) -> None:
        """SIGTERM to every worker (graceful shutdown); SIGKILL to a group still there after 30 s."""
        procs, self.procs = self.procs, []
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def __enter__(self) -> Workers:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> Workers:
        self._http = httpx.AsyncClient(
            timeout=120.0,
            limits=httpx.Limits(max_connections=1000, max_keepalive_connections=200, keepalive_expiry=1.0),
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def post(self, worker: int, path: str, **kw: Any) -> httpx.Response:
        """POST to worker ``worker % count`` (inside ``async with workers``)."""
        assert self._http is not None, "use 'async with workers' first"
        return await self._http.post(self.urls[worker % self.count] + path, **kw)
