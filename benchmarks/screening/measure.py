"""casewatch's own measurements: latency, throughput, recall per kind, false alerts, updates."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from benchmarks.common import percentile_ms, timed
from benchmarks.screening.data import Query

#: Every alert at or above the threshold counts (the candidate stage passes about 40 subjects,
#: up to 250 when that many carry exactly the query's name).
RESULT_LIMIT = 250


@dataclass
class Accuracy:
    """Recall per watched kind and false alerts per unwatched kind."""

    hits: dict[str, list[bool]] = field(default_factory=dict)
    false_alerts: dict[str, int] = field(default_factory=dict)
    alerted_records: dict[str, int] = field(default_factory=dict)
    unwatched: dict[str, int] = field(default_factory=dict)
    wrong_subject_alerts: int = 0  # alerts on watched records naming another subject

    def recall(self, kind: str | None = None) -> float:
        rows = self.hits.get(kind, []) if kind else [h for v in self.hits.values() for h in v]
        return sum(rows) / len(rows) if rows else float("nan")

    def false_per_1000(self, kind: str | None = None) -> float:
        n = self.unwatched.get(kind, 0) if kind else sum(self.unwatched.values())
        alerts = self.false_alerts.get(kind, 0) if kind else sum(self.false_alerts.values())
        return 1000.0 * alerts / n if n else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {
            "recall": {k: self.recall(k) for k in sorted(self.hits)},
            "recall_all": self.recall(),
            "watched": {k: len(v) for k, v in self.hits.items()},
            "false_alerts_per_1000": {k: self.false_per_1000(k) for k in sorted(self.unwatched)},
            "false_alerts_per_1000_all": self.false_per_1000(),
            "alerted_records": self.alerted_records,
            "unwatched": self.unwatched,
            "wrong_subject_alerts": self.wrong_subject_alerts,
        }


def accuracy(queries: Sequence[Query], results: Sequence[Sequence[str]]) -> Accuracy:
    """Score the matched subject keys of each query against the truth."""
    acc = Accuracy()
    for query, keys in zip(queries, results, strict=True):
        if query.watched:
            acc.hits.setdefault(query.kind, []).append(query.subject_id in keys)
            acc.wrong_subject_alerts += sum(k != query.subject_id for k in keys)
        else:
            acc.unwatched[query.kind] = acc.unwatched.get(query.kind, 0) + 1
            acc.false_alerts[query.kind] = acc.false_alerts.get(query.kind, 0) + len(keys)
            acc.alerted_records[query.kind] = acc.alerted_records.get(query.kind, 0) + bool(keys)
    return acc


@dataclass
class Timing:
    p50_ms: float
    p99_ms: float
    max_ms: float
    one_core_rps: float
    two_core_rps: float
    one_core_cpu_rps: float  # records per CPU-second: what one core does when it is not shared
    load_average: float  # 1-minute load average at the end: >2 means the cores were shared


def screen_all(screener: Any, queries: Sequence[Query], threshold: float | None
               ) -> tuple[list[list[str]], list[float]]:
    """Screen every query on one thread, timing each (compile + candidates + scoring)."""
    results: list[list[str]] = []
    times: list[float] = []
    clock = time.perf_counter
    for query in queries:
        started = clock()
        matches = screener.screen(query.entity, threshold=threshold, limit=RESULT_LIMIT)
        times.append(clock() - started)
        results.append([m.key for m in matches])
    return results, times


def timing(screener: Any, queries: Sequence[Query], threshold: float | None
           ) -> tuple[list[list[str]], Timing]:
    """Latency per record on one thread, then records/s on one core and on two."""
    gc.collect()
    gc.freeze()  # the loaded index is long-lived: keep the collector from re-walking it
    cpu = time.process_time()
    with timed() as one:
        results, times = screen_all(screener, queries, threshold)
    cpu = time.process_time() - cpu
    entities = [q.entity for q in queries]
    with timed() as two:
        for _ in screener.screen_many(entities, threshold=threshold, limit=RESULT_LIMIT, workers=2):
            pass
    return results, Timing(
        p50_ms=percentile_ms(times, 50), p99_ms=percentile_ms(times, 99),
        max_ms=max(times) * 1000 if times else float("nan"),
        one_core_rps=len(queries) / one.seconds, two_core_rps=len(queries) / two.seconds,
        one_core_cpu_rps=len(queries) / cpu, load_average=os.getloadavg()[0],
    )


def update_timing(screener: Any, queries: Sequence[Query], count: int = 500) -> dict[str, float]:
    """Add then remove ``count`` new subjects one at a time (unwatched records as new watches)."""
    new = [q.entity for q in queries if not q.watched][:count]
    adds: list[float] = []
    removes: list[float] = []
    for i, entity in enumerate(new):
        with timed() as t:
            screener.add(entity, key=f"bench-new-{i}")
        adds.append(t.seconds)
    for i in range(len(new)):
        with timed() as t:
            screener.remove(f"bench-new-{i}")
        removes.append(t.seconds)
    return {
        "count": len(new),
        "add_p50_ms": percentile_ms(adds, 50), "add_p99_ms": percentile_ms(adds, 99),
        "add_max_ms": max(adds) * 1000 if adds else float("nan"),
        "remove_p50_ms": percentile_ms(removes, 50), "remove_p99_ms": percentile_ms(removes, 99),
        "remove_max_ms": max(removes) * 1000 if removes else float("nan"),
    }
