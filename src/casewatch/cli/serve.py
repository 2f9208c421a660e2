"""``casewatch serve``: the HTTP API under uvicorn, with several worker processes."""

from __future__ import annotations

import os
import shutil
import tempfile
from typing import Annotated

import typer

from casewatch.cli.common import err_console, open_engine
from casewatch.errors import CasewatchError

HEALTHCHECK_TIMEOUT = 120


def default_workers() -> int:
    """One worker per core, at least two (so one slow request never blocks the others)."""
    return max(2, os.cpu_count() or 1)


def serve_cmd(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)] = 8000,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes (default: one per core, at least 2)", min=1, max=64)] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "warning",
) -> None:
    """Serve the HTTP API (OpenAPI schema at /docs and /openapi.json)."""
    import uvicorn

    if log_level not in ("critical", "error", "warning", "info", "debug", "trace"):
        raise CasewatchError(f"--log-level {log_level!r}: expected warning, info, debug ...")
    open_engine().dispose()  # fail now, with one clear line, if the database is not ready
    count = workers or default_workers()
    metrics_dir = None
    if count > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="casewatch-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    err_console.print(f"casewatch API on http://{host}:{port} ({count} workers); docs at /docs",
                      highlight=False)
    try:
        # a worker loading a million-watch screener snapshot holds the GIL for a while:
        # give it time to answer the supervisor's health check instead of being restarted
        uvicorn.run("casewatch.api.app:app_factory", factory=True, host=host, port=port,
                    workers=count, log_level=log_level, access_log=False,
                    timeout_worker_healthcheck=HEALTHCHECK_TIMEOUT)
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
