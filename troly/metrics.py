"""Prometheus metrics: every metric troly exports, defined once here; the seams record into them.

Recorded at the seams only: ``Assistant.handle`` (requests by channel and intent, with latency),
``Searcher.batch_search`` (retrieval latency), ``Ingestor.ingest`` (files by outcome, failures by
reason), the generative answer (LLM calls by outcome: a fallback is an extractive answer after an
LLM failure) and the chat adapters (updates accepted and not yet answered). ``GET /metrics`` on the
web app serves them (:func:`exposition`).

Several worker processes (``uvicorn --workers N``) each hold their own counters. With the
environment variable ``PROMETHEUS_MULTIPROC_DIR`` pointing at an empty directory writable by every
worker — read by ``prometheus_client`` itself when it is imported, and wiped before each start —
the workers write their values to files there and any worker's ``/metrics`` sums them all.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

__all__ = [
    "INGEST_FAILURES",
    "INGEST_FILES",
    "LLM_CALLS",
    "LLM_SECONDS",
    "PENDING_UPDATES",
    "REQUESTS",
    "REQUEST_SECONDS",
    "RETRIEVAL_SECONDS",
    "exposition",
    "mark_process_dead",
    "multiprocess_dir",
]

# Answers take from milliseconds (commands, BM25 hits) to tens of seconds (an LLM on a CPU).
_ANSWER_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_RETRIEVAL_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

REQUESTS = Counter(
    "troly_requests", "Messages answered by the conversation core, by channel and intent.", ["channel", "intent"]
)
REQUEST_SECONDS = Histogram(
    "troly_request_seconds",
    "Time to answer one message, by channel and intent.",
    ["channel", "intent"],
    buckets=_ANSWER_BUCKETS,
)
RETRIEVAL_SECONDS = Histogram(
    "troly_retrieval_seconds",
    "Time of one retrieval call (a batch of queries), by mode (hybrid, dense, bm25).",
    ["mode"],
    buckets=_RETRIEVAL_BUCKETS,
)
INGEST_FILES = Counter(
    "troly_ingest_files",
    "Files through ingest, by outcome (added, updated, unchanged, merged, failed, removed).",
    ["status"],
)
INGEST_FAILURES = Counter(
    "troly_ingest_failures", "Files that failed to ingest, by reason (the error's class).", ["reason"]
)
LLM_CALLS = Counter(
    "troly_llm_calls",
    "Generative answers attempted, by outcome: ok, not_cited (the model cited nothing), fallback "
    "(the LLM failed or timed out; the extractive answer was given); tool calls over the typed queries: "
    "tool_ok, tool_none (no call, or rows that do not answer), tool_refused, tool_fallback (the rules answered).",
    ["outcome"],
)
LLM_SECONDS = Histogram(
    "troly_llm_seconds", "Time of one generative answer, successful or not.", buckets=_ANSWER_BUCKETS
)
PENDING_UPDATES = Gauge(
    "troly_pending_updates",
    "Chat updates accepted and not yet answered, by channel (the work queue of each adapter).",
    ["channel"],
    multiprocess_mode="livesum",
)


def multiprocess_dir() -> str | None:
    """The shared directory of multiprocess mode, if configured.

    ``prometheus_client`` reads ``PROMETHEUS_MULTIPROC_DIR`` itself at import time (it is not a
    ``TROLY_`` setting), so this reads the same variable to know which registry to expose.
    """
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format, and its content type.

    In multiprocess mode the values of every live and finished worker are aggregated from the
    shared directory (a fresh registry per scrape, as the library documents); otherwise this
    process's registry, with the process and platform collectors, is served.
    """
    if multiprocess_dir() is None:
        return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # library has no annotation
    return generate_latest(registry), CONTENT_TYPE_LATEST


def mark_process_dead(pid: int | None = None) -> None:
    """Drop a stopping worker's live gauges (``livesum``) from the shared directory."""
    if multiprocess_dir() is not None:
        multiprocess.mark_process_dead(pid or os.getpid())  # type: ignore[no-untyped-call]
