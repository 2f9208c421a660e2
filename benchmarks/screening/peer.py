"""nomenklatura's ``logic-v2`` (the scorer behind yente) on casewatch's candidates.

For every query of the sample, the subjects casewatch's candidate stage
returns are written with the query as FtM entity pairs; the peer worker
scores them with ``logic-v2`` in the peers venv. A pair "matches" at yente's
default threshold 0.70. This compares the two scorers on exactly the same
pairs (the peer's accuracy is bounded by casewatch's candidates, which is the
point: same candidates, different scorer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from benchmarks.common import out_dir, run_peer
from benchmarks.screening.data import Query, fetch_subjects
from benchmarks.screening.exhaustive import candidate_slots

YENTE_THRESHOLD = 0.70


@dataclass
class PeerResult:
    pairs: int = 0
    ms_per_pair: float = 0.0
    hits: dict[str, list[bool]] = field(default_factory=dict)  # watched kind -> true found
    false_alerts: dict[str, int] = field(default_factory=dict)  # unwatched kind -> alerts
    unwatched: dict[str, int] = field(default_factory=dict)  # unwatched kind -> records
    candidates_per_query: float = 0.0


def write_pairs(screener: Any, watchlist: Path, sample: Sequence[Query], path: Path) -> int:
    """Write (query, candidate) FtM pairs for the sample; returns the number of pairs."""
    from casewatch.matching import compile_entity

    per_query: list[list[str]] = []
    for query in sample:
        slots = candidate_slots(screener, compile_entity(query.entity))
        per_query.append([screener.keys[s] for s in sorted(slots)])
    subjects = fetch_subjects(watchlist, {k for keys in per_query for k in keys})
    count = 0
    with open(path, "wb") as fh:
        for i, (query, keys) in enumerate(zip(sample, per_query, strict=True)):
            for key in keys:
                if key not in subjects:
                    continue
                row = {"id": f"{i}\t{key}", "query": query.entity, "candidate": subjects[key]}
                fh.write(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE))
                count += 1
    return count


def run(screener: Any, watchlist: Path, sample: Sequence[Query]) -> PeerResult:
    """Score the sample's candidate pairs with logic-v2; recall and false alerts at 0.70."""
    folder = out_dir("screening", "peer")
    pairs_path, scores_path = folder / "pairs.jsonl", folder / "logic-v2.jsonl"
    n = write_pairs(screener, watchlist, sample, pairs_path)
    summary = run_peer("logic-v2", str(pairs_path), str(scores_path))
    matched: dict[int, set[str]] = {}
    with open(scores_path, "rb") as fh:
        for line in fh:
            row = orjson.loads(line)
            qi, key = row["id"].split("\t", 1)
            if float(row["score"]) >= YENTE_THRESHOLD:
                matched.setdefault(int(qi), set()).add(key)
    result = PeerResult(pairs=n, ms_per_pair=float(summary.get("ms_per_pair", 0.0)),
                        candidates_per_query=n / max(len(sample), 1))
    for i, query in enumerate(sample):
        keys = matched.get(i, set())
        if query.watched:
            result.hits.setdefault(query.kind, []).append(query.subject_id in keys)
        else:
            result.unwatched[query.kind] = result.unwatched.get(query.kind, 0) + 1
            result.false_alerts[query.kind] = result.false_alerts.get(query.kind, 0) + len(keys)
    return result
