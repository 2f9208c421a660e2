"""Screening benchmark: a generated watchlist, 10,000 query records, and the peers beside.

    .venv/bin/python -m benchmarks.screening                 # 100,000 subjects (default)
    .venv/bin/python -m benchmarks.screening --full          # 1,000,000 subjects
    .venv/bin/python -m benchmarks.screening --size 20000 --queries 2000 --sample 200

Half the queries are variants of watched subjects (every variant kind of the
generator), half are not watched (random entities and hard negatives). The
run measures: the index build (in its own process: time, peak RSS), snapshot
size and load time, per-record latency on one thread, records/s on one core
and on two, recall per variant kind at the default threshold, false alerts per
1,000 unwatched records, add/remove of one watch, and candidate recall against
an exhaustive scan with the same scorer. Side by side on a sample: an
exhaustive rapidfuzz scan over all names and nomenklatura's ``logic-v2`` on
casewatch's candidates. Data is cached under ``bench-out/screening/``.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from benchmarks.common import ROOT, err_console, save_results, timed
from benchmarks.screening import exhaustive, peer, report
from benchmarks.screening.data import Query, ensure_dataset, read_queries
from benchmarks.screening.measure import accuracy, timing, update_timing

FULL_SIZE = 1_000_000


def stratified_sample(queries: Sequence[Query], n: int, seed: int) -> list[Query]:
    """``n`` queries, half watched and half not (as far as the data allows)."""
    rng = random.Random(seed)
    watched = [q for q in queries if q.watched]
    unwatched = [q for q in queries if not q.watched]
    half = n // 2
    take_w = min(len(watched), half)
    take_u = min(len(unwatched), n - take_w)
    return rng.sample(watched, take_w) + rng.sample(unwatched, take_u)


def build_snapshot(watchlist: Any, snapshot: Any) -> dict[str, Any]:
    """Build the index in a child process (its peak RSS is the build's) and save a snapshot."""
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.screening.build", str(watchlist), str(snapshot)],
        check=True, capture_output=True, text=True, cwd=str(ROOT),
    )
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    from casewatch.matching import DEFAULT_THRESHOLD, Screener

    threshold = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    data = ensure_dataset(args.size, args.queries, args.seed)
    snapshot = data.folder / "screener.snapshot"
    err_console.print(f"building the index over {args.size:,} subjects (child process)")
    build = build_snapshot(data.watchlist, snapshot)
    with timed() as load:
        screener = Screener.load(snapshot)
    build["load_seconds"] = load.seconds
    queries = read_queries(data)
    err_console.print(f"screening {len(queries):,} records (one thread, then two processes)")
    results, tm = timing(screener, queries, args.threshold)
    acc = accuracy(queries, results)
    updates = update_timing(screener, queries)
    err_console.print("candidate recall vs the same scorer, exhaustive (all watched queries)")
    found, kept, per_kind = exhaustive.true_subject_candidate_recall(screener, queries, threshold)
    sample = stratified_sample(queries, args.sample, args.seed)
    err_console.print(f"exhaustive rapidfuzz scan over all names for {len(sample):,} queries")
    scan = exhaustive.run_sample(screener, sample, threshold)
    index_of = {id(q): i for i, q in enumerate(queries)}
    sample_acc = accuracy(sample, [results[index_of[id(q)]] for q in sample])
    peer_result = None
    if not args.no_peers:
        err_console.print("nomenklatura logic-v2 on casewatch's candidates (peers venv)")
        peer_result = peer.run(screener, data.watchlist, sample)
    return {
        "size": args.size, "queries": len(queries), "sample": len(sample),
        "threshold": threshold, "build": build, "timing": tm.__dict__, "updates": updates,
        "accuracy": acc.to_dict(), "sample_accuracy": sample_acc.to_dict(),
        "candidate_recall": {"found_by_scorer": found, "in_candidates": kept,
                             "recall": kept / found if found else float("nan"),
                             "per_kind": per_kind},
        "exhaustive": report.exhaustive_dict(scan),
        "logic_v2": report.peer_dict(peer_result) if peer_result else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.screening", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="watched subjects (default 100,000)")
    parser.add_argument("--full", action="store_true", help=f"use {FULL_SIZE:,} subjects")
    parser.add_argument("--queries", type=int, default=10_000, help="query records (default 10,000)")
    parser.add_argument("--sample", type=int, default=1_000,
                        help="queries for the exhaustive scan and logic-v2 (default 1,000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--threshold", type=float, default=None,
                        help="score threshold (default: the matcher's default)")
    parser.add_argument("--no-peers", action="store_true", help="skip nomenklatura logic-v2")
    args = parser.parse_args(argv)
    if args.full:
        args.size = FULL_SIZE
    results = run(args)
    report.print_all(results)
    path = save_results(f"screening-{args.size}", results)
    md = path.with_suffix(".md")
    md.write_text(report.markdown(results), encoding="utf-8")
    print(f"results: {path} (Markdown tables: {md})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
