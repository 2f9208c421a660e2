"""Build a screener from a watchlist file and save its snapshot, in a process of its own.

    python -m benchmarks.screening.build WATCHLIST.jsonl SNAPSHOT

Run as a separate process so that its peak resident memory (``ru_maxrss``) is
the memory the index build needs, not the benchmark's. The watchlist is
streamed line by line (one entity dict at a time, never all of them), which is
how ``casewatch watch import`` and the monitor build theirs. Prints one JSON
line: subjects, build seconds, peak RSS, snapshot save seconds and size.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import orjson

from benchmarks.common import current_rss_mb, peak_rss_mb


def build(watchlist: Path, snapshot: Path) -> dict[str, float]:
    from casewatch.matching import Screener

    base_rss = current_rss_mb()
    cpu = time.process_time()
    started = time.perf_counter()
    screener = Screener()
    with open(watchlist, "rb") as fh:
        for line in fh:
            if line.strip():
                screener.add(orjson.loads(line))
    built = time.perf_counter()
    build_cpu = time.process_time() - cpu
    built_rss = current_rss_mb()
    screener.save(snapshot)
    saved = time.perf_counter()
    return {
        "subjects": len(screener),
        "build_seconds": built - started,
        "build_cpu_seconds": build_cpu,
        "rss_after_build_mb": built_rss,
        "rss_before_build_mb": base_rss,
        "peak_rss_mb": peak_rss_mb(),
        "save_seconds": saved - built,
        "snapshot_mb": snapshot.stat().st_size / 2**20,
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(build(Path(argv[0]), Path(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
