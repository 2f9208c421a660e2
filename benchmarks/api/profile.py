"""Profile ``POST /match`` in-process: the real app driven through ASGI, one request at a time.

    .venv/bin/python -m benchmarks.api.profile [--size 20000] [--requests 500] [--top 40]
    .venv/bin/python -m benchmarks.api.profile --no-profile     # CPU per request only

Uses the benchmark's cached data (``bench-out/api-<N>/``, made by ``python -m
benchmarks.api --size N`` first). Prints the server CPU per request measured
without the profiler (process time, the audit writer thread included), then a
cProfile of the same requests sorted by cumulative time. Requests run one at
a time, so the figures are per request with no contention.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import time
from typing import Any

import orjson

from benchmarks.api.setup import environment, queries
from benchmarks.common import out_dir


async def _post(app: Any, path: str, query: str, token: str, body: bytes) -> int:
    """One POST through the ASGI interface; returns the status."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": query.encode(), "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 5000),
        "headers": [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {token}".encode()),
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode())],
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


async def _run(app: Any, meta: dict[str, Any], bodies: list[bytes]) -> None:
    case = meta["case_id"]
    for body in bodies:
        status = await _post(app, f"/match/case-{case}", f"case={case}", meta["token"], body)
        if status != 200:
            raise SystemExit(f"status {status}")


def _memoise_screening() -> None:
    """Replace ``Screener.screen`` by a memo of its answers (keyed by the query's properties)."""
    from casewatch.matching import Screener

    real = Screener.screen
    memo: dict[bytes, Any] = {}

    def screen(self: Screener, entity: Any, threshold: float | None = None,
               limit: int = 10) -> Any:
        key = orjson.dumps(entity.to_dict()["properties"], option=orjson.OPT_SORT_KEYS)
        if key not in memo:
            memo[key] = real(self, entity, threshold, limit)
        return memo[key]

    Screener.screen = screen  # type: ignore[method-assign]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--stub-screening", action="store_true",
                        help="answer each query's screening from memory after its first run, so "
                             "the figures are everything but screening")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.stub_screening:
        _memoise_screening()
    folder = out_dir(f"api-{args.size}")
    os.environ.update(environment(folder))
    from casewatch.api import create_app
    from casewatch.db.engine import make_engine
    from casewatch.db.migrate import upgrade

    upgrade(make_engine(os.environ["CASEWATCH_DATABASE_URL"]))  # migrations added since
    meta = orjson.loads((folder / "setup.json").read_bytes())
    work = queries(folder / "watchlist.jsonl", args.requests)
    bodies = [orjson.dumps({"queries": {"q": q}}) for q in work]
    app = create_app()
    asyncio.run(_run(app, meta, bodies[:20]))  # warm: the screener is built or loaded
    if args.stub_screening:
        asyncio.run(_run(app, meta, bodies))  # every query screened once
    for attempt in range(args.runs):
        cpu, wall = time.process_time(), time.perf_counter()
        asyncio.run(_run(app, meta, bodies))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"run {attempt + 1}: {cpu / len(bodies) * 1000:.3f} ms CPU, "
              f"{wall / len(bodies) * 1000:.3f} ms wall per request ({len(bodies)} requests)")
    if args.no_profile:
        return
    profile = cProfile.Profile()
    profile.enable()
    asyncio.run(_run(app, meta, bodies))
    profile.disable()
    pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
