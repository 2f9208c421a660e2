"""Benchmark: append N audit events in bulk, then time ``audit verify`` over them.

Usage: python benchmarks/audit_verify.py [--events 1000000] [--url URL]
(default: a fresh SQLite file in a temporary directory). Prints a table.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from casewatch.audit.log import append_many
from casewatch.audit.verify import verify
from casewatch.db.engine import make_engine, session_factory, transaction
from casewatch.db.migrate import upgrade
from casewatch.settings import get_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="cw-audit-bench-")
    os.environ.setdefault("CASEWATCH_HOME", tmp)
    get_settings.cache_clear()
    engine = make_engine(args.url or f"sqlite:///{tmp}/bench.db")
    upgrade(engine)
    started = time.perf_counter()
    chunk = 50_000
    for offset in range(0, args.events, chunk):
        with transaction(engine) as session:
            append_many(
                session,
                (
                    dict(actor=f"user{i % 17}", action="search", case_id=i % 100,
                         purpose=f"case:{i % 100}", params={"q": f"name {i}"})
                    for i in range(offset, min(args.events, offset + chunk))
                ),
            )
    appended = time.perf_counter() - started
    started = time.perf_counter()
    with session_factory(engine)() as session:
        result = verify(session)
    verified = time.perf_counter() - started
    assert result.ok, result.problem
    print("| backend | events | bulk append | verify | verify rate |")
    print("|---|---|---|---|---|")
    print(
        f"| {engine.dialect.name} | {result.events:,} | {appended:.1f} s | {verified:.1f} s "
        f"| {result.events / verified:,.0f} events/s |"
    )
    print(f"checkpoints verified: {result.checkpoints}")


if __name__ == "__main__":
    main()
