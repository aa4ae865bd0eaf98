"""The ASGI app factory: wires settings, the conversation core and the channels; holds no logic.

``uvicorn --factory bot.app:create_app_from_env`` or ``troly serve`` runs it. Everything heavy
(database, indexes, the embedding model) is built once in the lifespan, not at import time, so
importing this module is free and tests can inject a ready ``Assistant``.

Several workers (``troly serve --workers N``) share the database and the Chroma server; each runs
the daily jobs' :class:`~bot.core.scheduler.Scheduler`, and a lease in the database lets one of
them do each job per day. ``run_scheduler`` is the same scheduler without a web server
(``troly scheduler``). Every response names its worker's pid in ``X-Troly-Worker``.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from types import ModuleType
from typing import Any, Protocol

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from bot.channels.web import STATIC_DIR
from bot.channels.web import router as web_router
from bot.core.assistant import Assistant
from bot.core.scheduler import DailyJob, Scheduler
from troly.config import Settings
from troly.leases import make_holder
from troly.logs import configure_logging
from troly.metrics import exposition, mark_process_dead

__all__ = ["WORKER_HEADER", "create_app", "create_app_from_env", "load_channel", "run_scheduler"]

logger = logging.getLogger(__name__)

Hook = Callable[[], Awaitable[None]]
Readiness = Callable[[], dict[str, str]]
"""Probes each dependency; ``{name: "ok" or why not}``."""

READY_TIMEOUT_S = 10.0
"""A readiness probe slower than this reports not ready (a hung database or Chroma server)."""

#: Response header naming the worker process that answered (load balancing checks, the multi-worker test).
WORKER_HEADER = "X-Troly-Worker"


class ChatChannel(Protocol):
    """What a channel module's ``open_channel(settings, assistant)`` returns: one object holding the
    platform client or application, its webhook router and its lifespan."""

    @property
    def router(self) -> Any: ...

    async def startup(self) -> None: ...

    async def shutdown(self) -> None: ...


def _jobs(channel: object) -> list[DailyJob]:
    """The channel's scheduled jobs (a channel without ``jobs`` has none)."""
    jobs = getattr(channel, "jobs", None)
    return list(jobs()) if callable(jobs) else []


class _WorkerHeader:
    """Pure ASGI middleware (streaming responses pass untouched) adding ``X-Troly-Worker: <pid>``."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        pid = str(os.getpid()).encode()  # read per request: the app may be built before a fork

        async def send_with_pid(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (WORKER_HEADER.lower().encode(), pid)]
            await send(message)

        await self.app(scope, receive, send_with_pid)


def load_channel(name: str, *, package: str = "bot.channels") -> ModuleType | None:
    """Import ``<package>.<name>`` if it exists, else None.

    A module that exists but fails to import (or lacks ``open_channel``) raises: a configured bot
    silently not answering is worse than a server that refuses to start.
    """
    full = f"{package}.{name}"
    if importlib.util.find_spec(full) is None:
        return None
    module = importlib.import_module(full)
    if not callable(getattr(module, "open_channel", None)):
        raise RuntimeError(f"{full} exists but has no open_channel(settings, assistant)")
    return module


def _enabled_channels(settings: Settings) -> list[ModuleType]:
    """Chat channels whose token is configured; an enabled channel with no adapter fails loudly."""
    modules = []
    for name, token in (("telegram", settings.telegram_token), ("zalo", settings.zalo_token)):
        if not token:
            continue
        module = load_channel(name)
        if module is None:
            logger.warning("TROLY_%s_TOKEN is set but bot.channels.%s is not installed", name.upper(), name)
            continue
        modules.append(module)
    return modules


def create_app(settings: Settings, *, assistant: Assistant | None = None) -> FastAPI:
    """Build the FastAPI app. ``assistant`` is for tests; otherwise it is built in the lifespan.

    Channel modules are imported here (so a broken adapter fails at startup, before the port
    opens); the channels are opened in the lifespan because they need the built assistant.
    """
    channels = _enabled_channels(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        core = assistant
        if core is None:
            from troly.context import Context

            core = await asyncio.to_thread(lambda: Context(settings).assistant())
        app.state.settings = settings
        app.state.assistant = core
        app.state.readiness = await asyncio.to_thread(_readiness_probe, core)
        app.state.startup_error = None
        shutdowns: list[Hook] = []
        first_channel_route = len(app.router.routes)
        try:
            jobs: list[DailyJob] = []
            for module in channels:
                channel: ChatChannel | None = module.open_channel(settings, core)
                if channel is None:
                    continue
                app.include_router(channel.router)
                try:
                    await channel.startup()
                except Exception as e:  # the CLI reads it to print a clear message (a busy poller)
                    app.state.startup_error = e
                    raise
                shutdowns.append(channel.shutdown)
                jobs += _jobs(channel)
                logger.info("channel enabled: %s", module.__name__)
            if jobs and settings.run_scheduler:
                scheduler = Scheduler(
                    core.leases, jobs, now=core.now, holder=make_holder(), tick_s=settings.scheduler_tick_s
                )
                scheduler.start()
                shutdowns.append(scheduler.stop)
            yield
        finally:
            for shutdown in reversed(shutdowns):
                try:
                    await shutdown()
                except Exception:  # one channel failing to stop must not hide the others
                    logger.exception("channel shutdown failed")
            # A restarted lifespan (tests, reloads) builds fresh channel routers; drop the stale ones.
            del app.router.routes[first_channel_route:]
            mark_process_dead()

    app = FastAPI(title="troly", summary="Trợ lý văn bản chỉ đạo", lifespan=lifespan)
    app.add_middleware(_WorkerHeader)
    app.include_router(web_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    app.include_router(ops_router)
    return app


def _readiness_probe(core: Any) -> Readiness | None:
    """The composition root's probes when the core runs on one (tests may inject a stub core)."""
    from troly.context import Context

    services = getattr(core, "ctx", None)
    return services.readiness if isinstance(services, Context) else None


ops_router = APIRouter(include_in_schema=False)


@ops_router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness for load balancers and systemd: the process answers; touches no dependency."""
    return {"status": "ok"}


@ops_router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Readiness: 200 when the database, Chroma and the embedding model answer, else 503 with a
    JSON body naming what is not ready (``{"status": "unavailable", "checks": {...}}``)."""
    probe: Readiness | None = request.app.state.readiness
    if probe is None:
        return JSONResponse({"status": "ok", "checks": {}})
    try:
        checks = await asyncio.wait_for(asyncio.to_thread(probe), timeout=READY_TIMEOUT_S)
    except TimeoutError:
        return JSONResponse({"status": "unavailable", "checks": {"timeout": f"> {READY_TIMEOUT_S:g} s"}}, 503)
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ok" if ready else "unavailable", "checks": checks}, 200 if ready else 503)


@ops_router.get("/metrics")
async def metrics() -> Response:
    """Prometheus metrics (all workers' when ``PROMETHEUS_MULTIPROC_DIR`` is set)."""
    body, content_type = await asyncio.to_thread(exposition)
    return Response(body, media_type=content_type)


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory bot.app:create_app_from_env`` (settings from TROLY_*); each
    worker process configures its logging here (``TROLY_LOG_FORMAT``)."""
    settings = Settings()
    configure_logging(settings.log_format, level=logging.INFO)
    return create_app(settings)


async def run_scheduler(settings: Settings, *, once: bool = False, assistant: Assistant | None = None) -> list[str]:
    """The daily jobs of the configured channels without a web server (``troly scheduler``).

    Opens each channel for sending only (no webhook, no polling) and runs the same lease-guarded
    :class:`Scheduler` as the web workers, forever, or one look at the schedule with ``once``.

    Returns:
        With ``once``, the names of the jobs this process ran.
    """
    core = assistant
    if core is None:
        from troly.context import Context

        core = await asyncio.to_thread(lambda: Context(settings).assistant())
    opened: list[Any] = []
    jobs: list[DailyJob] = []
    try:
        for module in _enabled_channels(settings):
            channel = module.open_channel(settings, core)
            if channel is None:
                continue
            opener = getattr(channel, "open_for_jobs", None)
            if opener is not None:
                await opener()
            opened.append(channel)
            jobs += _jobs(channel)
        scheduler = Scheduler(core.leases, jobs, now=core.now, holder=make_holder(), tick_s=settings.scheduler_tick_s)
        if once:
            return await scheduler.run_due()
        logger.info("scheduler running %d job(s): %s", len(jobs), ", ".join(j.name for j in jobs) or "none")
        await scheduler.run_forever()
        return []
    finally:
        for channel in reversed(opened):
            closer = getattr(channel, "close_for_jobs", None) or channel.shutdown
            try:
                await closer()
            except Exception:
                logger.exception("channel close failed")
