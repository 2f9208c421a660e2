"""API benchmark: /match over real HTTP against a generated watchlist, beside in-process screening.

    .venv/bin/python -m benchmarks.api              # 20,000 watched subjects (default)
    .venv/bin/python -m benchmarks.api --full       # 1,000,000 watched subjects
    .venv/bin/python -m benchmarks.api --size 100000 --requests 4000

The watchlist comes from ``casewatch generate watchlist --size N`` and is
imported as the watches of one case. ``casewatch serve`` (uvicorn, two
workers: one per core) serves it on 127.0.0.1; 8 concurrent clients (asyncio
httpx) post one-query ``/match/case-<id>`` requests, each with its purpose,
each audited. The same queries are screened in-process (one thread, the same
screener) for comparison. Data is cached under ``bench-out/api-<N>/``.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.api.setup import (
    CLI,
    ensure_database,
    ensure_watchlist,
    environment,
    queries,
)
from benchmarks.common import console, err_console, out_dir, percentile_ms, save_results
from casewatch.matching import Screener

FULL_SIZE = 1_000_000
CLIENTS = 8


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _client(client: httpx.AsyncClient, url: str, work: list[dict[str, Any]],
                  latencies: list[float], errors: list[str]) -> None:
    while work:
        query = work.pop()
        started = time.perf_counter()
        resp = await client.post(url, json={"queries": {"q": query}})
        latencies.append(time.perf_counter() - started)
        if resp.status_code != 200:
            errors.append(f"{resp.status_code} {resp.text[:200]}")


async def load(base: str, token: str, case_id: int, work: list[dict[str, Any]],
               clients: int) -> tuple[float, list[float], list[str]]:
    """Post every query with ``clients`` concurrent connections; (seconds, latencies, errors)."""
    url = f"{base}/match/case-{case_id}?case={case_id}"
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=3600,
                                 limits=limits) as client:
        pending = list(work)
        started = time.perf_counter()
        await asyncio.gather(*(_client(client, url, pending, latencies, errors)
                               for _ in range(clients)))
        return time.perf_counter() - started, latencies, errors


def wait_ready(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited: see its output above")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit("server did not become ready in 120 s")


def warm_up(base: str, token: str, case_id: int, sample: list[dict[str, Any]]) -> float:
    """Until every worker has its screener: rounds of concurrent requests until all are fast."""
    started = time.perf_counter()
    while True:
        _, lat, errors = asyncio.run(load(base, token, case_id, list(sample[:16]), CLIENTS))
        if errors:
            raise SystemExit(f"warm-up failed: {errors[0]}")
        if max(lat) < 0.5:
            return time.perf_counter() - started


def prepare_screener(folder: Path, case_id: int) -> tuple[Screener, float]:
    """Build the case's screener here, as the server would (it saves the snapshot the
    server's workers then load, so none of them builds a million watches itself)."""
    from casewatch.api.screeners import ScreenerCache
    from casewatch.db.engine import make_engine, transaction

    engine = make_engine(environment(folder)["CASEWATCH_DATABASE_URL"])
    started = time.perf_counter()
    with transaction(engine) as session, ScreenerCache(folder).case(session, case_id) as screener:
        pass
    engine.dispose()
    return screener, time.perf_counter() - started


def in_process(screener: Screener, ready: float, work: list[dict[str, Any]]) -> dict[str, Any]:
    """The same queries screened by the same screener, in this process, one thread."""
    how = "build"
    lat = []
    for query in work:
        entity = {"id": "q", **query}
        t = time.perf_counter()
        screener.screen(entity, limit=5)
        lat.append(time.perf_counter() - t)
    total = sum(lat)
    return {"requests_per_s": len(lat) / total, "p50_ms": percentile_ms(lat, 50),
            "p99_ms": percentile_ms(lat, 99), f"{how}_s": round(ready, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000, help="watched subjects")
    parser.add_argument("--full", action="store_true", help=f"{FULL_SIZE:,} watched subjects")
    parser.add_argument("--requests", type=int, default=3000, help="one-query requests to post")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    args = parser.parse_args()
    size = FULL_SIZE if args.full else args.size
    folder = out_dir(f"api-{size}")
    watchlist = ensure_watchlist(folder, size)
    meta = ensure_database(folder, watchlist)
    work = queries(watchlist, args.requests)
    err_console.print("building the case screener (and its snapshot for the server) ...")
    screener, built = prepare_screener(folder, meta["case_id"])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([*CLI, "serve", "--port", str(port), "--workers", str(args.workers)],
                            env=environment(folder))
    try:
        wait_ready(base, proc)
        err_console.print("warming up (each worker builds or loads the case screener) ...")
        warm = warm_up(base, meta["token"], meta["case_id"], work)
        err_console.print(f"warm after {warm:.1f} s; posting {len(work)} requests ...")
        seconds, lat, errors = asyncio.run(load(base, meta["token"], meta["case_id"], work,
                                                CLIENTS))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    api = {"requests_per_s": len(lat) / seconds, "p50_ms": percentile_ms(lat, 50),
           "p99_ms": percentile_ms(lat, 99), "errors": len(errors), "warm_up_s": round(warm, 1)}
    local = in_process(screener, built, work)
    report(size, meta, api, local, len(work), args.workers)


def report(size: int, meta: dict[str, Any], api: dict[str, Any], local: dict[str, Any],
           requests: int, workers: int) -> None:
    from rich.table import Table

    table = Table(title=f"/match, {meta['watches']:,} watches, {requests:,} one-query requests")
    for col in ("path", "requests/s", "p50 ms", "p99 ms", "notes"):
        table.add_column(col)
    table.add_row(f"HTTP: uvicorn {workers} workers, {CLIENTS} clients",
                  f"{api['requests_per_s']:.0f}", f"{api['p50_ms']:.1f}", f"{api['p99_ms']:.1f}",
                  f"errors {api['errors']}, warm-up {api['warm_up_s']} s, audited")
    table.add_row("in-process Screener.screen, 1 thread", f"{local['requests_per_s']:.0f}",
                  f"{local['p50_ms']:.2f}", f"{local['p99_ms']:.2f}",
                  f"screener build {local['build_s']} s")
    console.print(table)
    path = save_results(f"api-{size}", {"size": size, "watches": meta["watches"],
                                        "requests": requests, "clients": CLIENTS,
                                        "workers": workers, "api": api, "in_process": local})
    err_console.print(f"results: {path}")


if __name__ == "__main__":
    main()
