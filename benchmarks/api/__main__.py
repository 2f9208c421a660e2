"""API benchmark: /match over real HTTP against a generated watchlist, beside in-process screening.

    .venv/bin/python -m benchmarks.api              # 20,000 watched subjects (default)
    .venv/bin/python -m benchmarks.api --full       # 1,000,000 watched subjects
    .venv/bin/python -m benchmarks.api --size 100000 --requests 4000
    .venv/bin/python -m benchmarks.api --postgres   # on a throwaway PostgreSQL (scripts/pg.sh)
    .venv/bin/python -m benchmarks.api --postgres-url postgresql+psycopg://...  # an existing one

The watchlist comes from ``casewatch generate watchlist --size N`` and is
imported as the watches of one case. ``casewatch serve`` (uvicorn, two
workers: one per core) serves it on 127.0.0.1; 8 concurrent keep-alive clients
post one-query ``/match/case-<id>`` requests, each with its purpose, each
audited. The load client is a minimal asyncio HTTP/1.1 client
(:mod:`benchmarks.api.client`, ~0.1 ms of CPU per request) because it shares
the two cores with the server; ``--client httpx`` uses httpx as before (~1–2 ms).
The same queries are screened in-process (one thread, the same screener) for
comparison. Data is cached under ``bench-out/api-<N>/`` (``pg/`` for PostgreSQL).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from benchmarks.api.client import load_raw
from benchmarks.api.setup import (
    CLI,
    ensure_database,
    ensure_watchlist,
    environment,
    queries,
)
from benchmarks.common import (
    ROOT,
    console,
    err_console,
    out_dir,
    percentile_ms,
    save_results,
    start_pg,
)
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
               clients: int, how: str = "raw") -> tuple[float, list[float], list[str]]:
    """Post every query with ``clients`` concurrent connections; (seconds, latencies, errors)."""
    url = f"{base}/match/case-{case_id}?case={case_id}"
    if how == "raw":
        host, port = base.removeprefix("http://").split(":")
        return await load_raw(host, int(port), token, f"/match/case-{case_id}?case={case_id}",
                              work, clients)
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


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` and its children (/proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        todo.extend(int(c) for c in children)
    return total


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


def prepare_screener(folder: Path, case_id: int, url: str | None) -> tuple[Screener, float]:
    """Build the case's screener here, as the server would (it saves the snapshot the
    server's workers then load, so none of them builds a million watches itself)."""
    from casewatch.api.screeners import ScreenerCache
    from casewatch.db.engine import make_engine, transaction

    engine = make_engine(environment(folder, url)["CASEWATCH_DATABASE_URL"])
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
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="load client: minimal asyncio HTTP/1.1 (default) or httpx")
    parser.add_argument("--postgres", action="store_true",
                        help="serve from a throwaway PostgreSQL (scripts/pg.sh) instead of SQLite")
    parser.add_argument("--postgres-url", default=None, help="serve from this PostgreSQL database")
    args = parser.parse_args()
    size = FULL_SIZE if args.full else args.size
    folder = out_dir(f"api-{size}")
    watchlist = ensure_watchlist(folder, size)
    url, pg_dir = args.postgres_url, None
    if args.postgres and url is None:
        url, pg_dir = start_pg("cw_bench_api")
    home = out_dir(f"api-{size}", "pg") if url else folder
    try:
        run(args, size, home, watchlist, url)
    finally:
        if pg_dir is not None:
            subprocess.run([str(ROOT / "scripts" / "pg.sh"), "stop", pg_dir], check=False)


def run(args: argparse.Namespace, size: int, home: Path, watchlist: Path,
        url: str | None) -> None:
    """Set up (cached), serve, warm up, load, compare with in-process screening, report."""
    meta = ensure_database(home, watchlist, url)
    work = queries(watchlist, args.requests)
    err_console.print("building the case screener (and its snapshot for the server) ...")
    screener, built = prepare_screener(home, meta["case_id"], url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([*CLI, "serve", "--port", str(port), "--workers", str(args.workers)],
                            env=environment(home, url))
    try:
        wait_ready(base, proc)
        err_console.print("warming up (each worker builds or loads the case screener) ...")
        warm = warm_up(base, meta["token"], meta["case_id"], work)
        err_console.print(f"warm after {warm:.1f} s; posting {len(work)} requests ...")
        cpu_before = tree_cpu_seconds(proc.pid)
        seconds, lat, errors = asyncio.run(load(base, meta["token"], meta["case_id"], work,
                                                CLIENTS, args.client))
        server_cpu = tree_cpu_seconds(proc.pid) - cpu_before
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    api = {"requests_per_s": len(lat) / seconds, "p50_ms": percentile_ms(lat, 50),
           "p99_ms": percentile_ms(lat, 99), "errors": len(errors), "warm_up_s": round(warm, 1),
           "client": args.client, "database": "postgresql" if url else "sqlite",
           "server_cpu_ms_per_request": round(server_cpu / len(lat) * 1000, 2),
           "load_average": os.getloadavg()[0]}
    if errors:
        err_console.print(f"first error: {errors[0]}")
    local = in_process(screener, built, work)
    report(size, meta, api, local, len(work), args.workers)


def report(size: int, meta: dict[str, Any], api: dict[str, Any], local: dict[str, Any],
           requests: int, workers: int) -> None:
    from rich.table import Table

    table = Table(title=f"/match, {meta['watches']:,} watches, {requests:,} one-query requests, "
                        f"{api['database']}, client {api['client']}")
    for col in ("path", "requests/s", "p50 ms", "p99 ms", "notes"):
        table.add_column(col)
    table.add_row(f"HTTP: uvicorn {workers} workers, {CLIENTS} clients",
                  f"{api['requests_per_s']:.0f}", f"{api['p50_ms']:.1f}", f"{api['p99_ms']:.1f}",
                  f"errors {api['errors']}, warm-up {api['warm_up_s']} s, audited; server CPU "
                  f"{api['server_cpu_ms_per_request']} ms/request; load {api['load_average']:.1f}")
    table.add_row("in-process Screener.screen, 1 thread", f"{local['requests_per_s']:.0f}",
                  f"{local['p50_ms']:.2f}", f"{local['p99_ms']:.2f}",
                  f"screener build {local['build_s']} s")
    console.print(table)
    path = save_results(f"api-{size}-{api['database']}-{workers}w-{api['client']}", {"size": size, "watches": meta["watches"],
                                        "requests": requests, "clients": CLIENTS,
                                        "workers": workers, "api": api, "in_process": local})
    err_console.print(f"results: {path}")


if __name__ == "__main__":
    main()
