"""Write the measured matching tables into ``docs/performance.md`` (between its markers).

    .venv/bin/python -m benchmarks.write_docs [--screening-size 1000000]

Reads the JSON results the benchmarks saved under ``bench-out/results/``
(screening, linkage, ofac, calibrate) and replaces the text between
``<!-- MATCHING-RESULTS -->`` and ``<!-- /MATCHING-RESULTS -->``; the
hand-written analysis around the markers is left alone.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import BENCH_OUT, ROOT, markdown_table

DOC = ROOT / "docs" / "performance.md"
START, END = "<!-- MATCHING-RESULTS -->", "<!-- /MATCHING-RESULTS -->"


def _load(name: str) -> dict[str, Any] | None:
    path = BENCH_OUT / "results" / f"{name}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def linkage_md(r: dict[str, Any]) -> str:
    rows = [[x["dataset"], x["identifiers"], x["tool"], x["precision"], x["recall"], x["f1"],
             x["tp"], x["fp"], x["fn"], x["seconds"]] for x in r["rows"]]
    cols = ["dataset", "SSN", "tool", "precision", "recall", "F1", "TP", "FP", "FN", "time s"]
    return (f"**FEBRL linkage** (`scripts/bench.sh linkage`, casewatch threshold {r['threshold']}, "
            f"Splink match probability ≥ 0.5; run {r['finished_at']})\n\n"
            + markdown_table(cols, rows) + "\n")


def ofac_md(r: dict[str, Any]) -> str:
    ex = r["exhaustive"]
    rows = [
        ["casewatch", r["recall_at_1"], r.get("recall_at_1_ties"), r["recall_at_5"],
         f"{r['related_recall_at_1']:.3f} of {r['related_aliases']:,}", r["not_found"],
         r["ambiguous_misses"], r["p50_ms"], r["p99_ms"]],
        ["rapidfuzz exhaustive (token sort)", ex["recall_at_1"], None, None, None, None, None,
         ex["ms_per_query"], None],
    ]
    loo = r.get("leave_one_out")
    if loo:
        rows.insert(1, ["casewatch, leave one out (entries indexed with their other aliases)",
                        loo["recall_at_1"], None, loo["recall_at_5"], None, loo["not_found"], None,
                        loo["p50_ms"], loo["p99_ms"]])
    cols = ["tool", "recall@1", "recall@1 (ties count)", "recall@5",
            "recall@1, aliases sharing a token with their entry", "not in top 5",
            "alias = another entry's primary name", "p50 ms", "p99 ms"]
    return (f"**OFAC SDN aliases** (`scripts/bench.sh ofac`: {r['aliases']:,} aliases screened "
            f"against {r['entries']:,} primary names; run {r['finished_at']})\n\n"
            + markdown_table(cols, rows) + "\n")


def calibrate_md(r: dict[str, Any]) -> str:
    meta = r["meta"]
    rows = list(r["rows"])
    cols = ["source", "weights", "threshold", "pairs", "true", "precision", "recall", "F1"]
    kinds = markdown_table(["kind", "true pairs", "recall before", "recall after"], r["kinds"])
    return (f"**Calibration** (`scripts/bench.sh calibrate`: {meta['pairs']:,} labelled pairs, "
            f"{meta['held_out']:,} held out; 'before' = the hand-set weights the matcher "
            f"started with, 'after' = the fitted ones now in `weights.json`; "
            f"run {r['finished_at']})\n\n"
            + markdown_table(cols, rows) + "\n\n" + kinds + "\n")


def render(screening_size: int) -> str:
    parts = []
    screening = BENCH_OUT / "results" / f"screening-{screening_size}.md"
    data = _load(f"screening-{screening_size}")
    if screening.exists() and data:
        parts.append(f"### Screening, {screening_size:,} subjects (run {data['finished_at']})\n\n"
                     + screening.read_text(encoding="utf-8"))
    for name, make in (("linkage", linkage_md), ("ofac", ofac_md), ("calibrate", calibrate_md)):
        result = _load(name)
        if result:
            parts.append(make(result))
    return "\n".join(parts) if parts else "_Not measured yet._\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.write_docs", description=__doc__.split("\n")[0])
    parser.add_argument("--screening-size", type=int, default=1_000_000)
    parser.add_argument("--doc", type=Path, default=DOC)
    args = parser.parse_args(argv)
    text = args.doc.read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"{args.doc}: markers {START} ... {END} not found; nothing written")
        return 1
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    args.doc.write_text(f"{head}{START}\n{render(args.screening_size)}{END}{tail}", encoding="utf-8")
    print(f"wrote the matching tables into {args.doc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
