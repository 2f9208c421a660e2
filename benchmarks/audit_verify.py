"""Benchmark: append N audit events in bulk, time ``audit verify``, then Merkle proofs over them.

Usage: python benchmarks/audit_verify.py [--events 1000000] [--url URL] [--proofs 200]
(default: a fresh SQLite file in a temporary directory). Prints a table:

- bulk append (``append_many`` in transactions of 50,000, a signed Merkle
  checkpoint every 1,000 events in the same transaction);
- ``audit verify`` (chain + Merkle tree + every checkpoint);
- one checkpoint after 1,000 new events (what the append path pays);
- the tree from scratch (what the first checkpoint after upgrading an old database pays);
- inclusion proofs for ``--proofs`` random events in the latest signed head and
  consistency proofs between random pairs of signed heads (median and max).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casewatch.audit.checkpoint import checkpoint_now
from casewatch.audit.log import append_many
from casewatch.audit.merkle import Frontier, extend
from casewatch.audit.read import consistency, inclusion_proof
from casewatch.audit.verify import verify
from casewatch.db.engine import make_engine, session_factory, transaction
from casewatch.db.migrate import upgrade
from casewatch.db.models import AuditCheckpoint, AuditMerkleNode
from casewatch.settings import get_settings


def events(start: int, stop: int) -> list[dict[str, object]]:
    return [dict(actor=f"user{i % 17}", action="search", case_id=i % 100,
                 purpose=f"case:{i % 100}", params={"q": f"name {i}"}) for i in range(start, stop)]


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def ms(samples: list[float]) -> str:
    return f"median {statistics.median(samples) * 1000:.1f} ms, max {max(samples) * 1000:.1f} ms"


def proof_times(session: Session, n_proofs: int) -> tuple[list[float], list[float], int]:
    """Inclusion proofs in the latest head, consistency proofs between random heads."""
    heads = list(session.scalars(select(AuditCheckpoint.seq).where(AuditCheckpoint.version == 2)))
    size = max(heads)
    rng = random.Random(7)
    inclusion = [timed(lambda: inclusion_proof(session, rng.randint(1, size), size))
                 for _ in range(n_proofs)]
    pairs = [sorted(rng.sample(heads, 2)) for _ in range(max(1, n_proofs // 4))]
    consistent = [timed(lambda a=a, b=b: consistency(session, a, b)) for a, b in pairs]
    return inclusion, consistent, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--url", default=None)
    parser.add_argument("--proofs", type=int, default=200)
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
            append_many(session, events(offset, min(args.events, offset + chunk)))
    appended = time.perf_counter() - started
    started = time.perf_counter()
    with session_factory(engine)() as session:
        result = verify(session)
    verified = time.perf_counter() - started
    assert result.ok, result.problem
    with transaction(engine) as session:  # 999 events + the checkpoint's own = 1,000 new leaves
        append_many(session, events(0, 999))
    with transaction(engine) as session:
        one_checkpoint = timed(lambda: checkpoint_now(session, actor="bench"))
    with session_factory(engine)() as session:  # read-only: every node already exists
        total = result.events + 1000
        scratch = timed(lambda: extend(session, Frontier(), total))
        session.rollback()
        nodes = session.scalar(select(func.count()).select_from(AuditMerkleNode))
        inclusion, consistent, size = proof_times(session, args.proofs)
    print("| backend | events | bulk append | verify | verify rate |")
    print("|---|---|---|---|---|")
    print(
        f"| {engine.dialect.name} | {result.events:,} | {appended:.1f} s | {verified:.1f} s "
        f"| {result.events / verified:,.0f} events/s |"
    )
    print(f"checkpoints verified: {result.checkpoints}; stored subtree nodes: {nodes:,}")
    print(f"one checkpoint over 1,000 new events: {one_checkpoint * 1000:.1f} ms")
    print(f"Merkle tree from scratch over {total:,} events: {scratch:.1f} s")
    print(f"inclusion proof, head of {size:,} ({len(inclusion)} random events): {ms(inclusion)}")
    print(f"consistency proof ({len(consistent)} random pairs of heads): {ms(consistent)}")
    engine.dispose()
    if args.url is None:
        shutil.rmtree(tmp, ignore_errors=True)  # the SQLite file is 300 MB at 1M events


if __name__ == "__main__":
    main()
