"""The screening benchmark's data: a generated watchlist and query records, cached.

Generated with the real CLI (``casewatch generate watchlist`` and
``casewatch generate records``), deterministic by seed, and cached under
``bench-out/screening/<size>-<seed>/`` so that re-runs skip generation.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from benchmarks.common import err_console, out_dir, timed

#: Records whose truth kind is one of these are variants of a watched subject.
UNWATCHED_PREFIXES = ("random", "hard_negative", "common_name")


@dataclass(frozen=True)
class Dataset:
    """Paths of one cached benchmark dataset."""

    folder: Path
    watchlist: Path
    records: Path
    truth: Path


@dataclass(frozen=True)
class Query:
    """One query record and its truth (``subject_id`` None for an unwatched record)."""

    entity: dict[str, Any]
    subject_id: str | None
    kind: str

    @property
    def watched(self) -> bool:
        return self.subject_id is not None


def casewatch_cli() -> list[str]:
    """How to run the casewatch CLI with this interpreter."""
    script = Path(sys.executable).with_name("casewatch")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from casewatch.cli import main; main()"]


def ensure_dataset(size: int, queries: int, seed: int = 7) -> Dataset:
    """Generate (or reuse) a ``size``-subject watchlist and ``queries`` records (half watched)."""
    folder = out_dir("screening", f"{size}-{seed}")
    data = Dataset(folder, folder / "watchlist.jsonl", folder / f"records-{queries}.jsonl",
                   folder / f"truth-{queries}.jsonl")
    if not data.watchlist.exists():
        err_console.print(f"generating a {size:,}-subject watchlist → {data.watchlist}")
        with timed() as t:
            subprocess.run([*casewatch_cli(), "generate", "watchlist", "--size", str(size),
                            "--seed", str(seed), "--out", str(data.watchlist)], check=True)
        err_console.print(f"  done in {t.seconds:.1f} s")
    if not (data.records.exists() and data.truth.exists()):
        err_console.print(f"generating {queries:,} query records → {data.records}")
        subprocess.run([*casewatch_cli(), "generate", "records", "--watchlist", str(data.watchlist),
                        "--size", str(queries), "--seed", str(seed + 1), "--out", str(data.records),
                        "--truth", str(data.truth)], check=True)
    return data


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Entities or truth rows of a JSON lines file, one dict per non-empty line."""
    with open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                yield orjson.loads(line)


def read_queries(data: Dataset) -> list[Query]:
    """The query records joined with their truth rows (by record id)."""
    truth = {row["record_id"]: row for row in read_jsonl(data.truth)}
    out = []
    for entity in read_jsonl(data.records):
        row = truth[entity["id"]]
        out.append(Query(entity, row.get("subject_id"), str(row["kind"])))
    return out


def fetch_subjects(path: Path, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The watchlist entities with the given ids, streaming the file once."""
    wanted = set(ids)
    found: dict[str, dict[str, Any]] = {}
    with open(path, "rb") as fh:
        for line in fh:
            # cheap pre-check on the raw bytes before parsing the line
            start = line.find(b'"id":"')
            if start < 0:
                continue
            end = line.find(b'"', start + 6)
            key = line[start + 6:end].decode()
            if key in wanted:
                found[key] = orjson.loads(line)
                if len(found) == len(wanted):
                    break
    return found
