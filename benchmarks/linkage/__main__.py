"""FEBRL linkage benchmark: casewatch side by side with Splink on the same rows.

    .venv/bin/python -m benchmarks.linkage [--threshold T] [--no-splink]

- FEBRL 4: link 4a (5,000 originals) with 4b (5,000 corrupted copies), 5,000
  true links. casewatch indexes 4a as a watchlist and screens each 4b record;
  every result at or above the threshold is a predicted link.
- FEBRL 3: deduplicate 5,000 records (6,538 true duplicate pairs). casewatch
  indexes all records and screens each against the rest; a pair is predicted
  when either direction scores at or above the threshold.

Splink (DuckDB backend) runs the model of its own FEBRL example (names with
term frequencies, birth date, street number, address, postcode, suburb;
u by random sampling, m by EM on two blocking rules), predicting pairs at
match probability ≥ 0.5. Both tools are run twice: with the social-security
number (an identifier that makes the task nearly trivial) and without it.
Precision, recall and F1 are pairwise against the true links.
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.common import (
    PRF,
    out_dir,
    pair_key,
    prf,
    print_table,
    run_peer,
    save_results,
    timed,
)
from benchmarks.linkage import febrl

SPLINK_THRESHOLD = 0.5


def casewatch_link(
    left: Sequence[dict[str, Any]], right: Sequence[dict[str, Any]], threshold: float | None
) -> tuple[set[tuple[str, str]], float]:
    """Index ``left``, screen every ``right`` record; pairs at or above the threshold."""
    from casewatch.matching import Screener

    with timed() as t:
        screener = Screener(left)
        pairs: set[tuple[str, str]] = set()
        for record in right:
            for match in screener.screen(record, threshold=threshold, limit=10):
                pairs.add(pair_key(match.key, record["id"]))
    return pairs, t.seconds


def casewatch_dedupe(
    records: Sequence[dict[str, Any]], threshold: float | None
) -> tuple[set[tuple[str, str]], float]:
    """Index all records, screen each one against the rest."""
    from casewatch.matching import Screener

    with timed() as t:
        screener = Screener(records)
        pairs: set[tuple[str, str]] = set()
        for record in records:
            for match in screener.screen(record, threshold=threshold, limit=11):
                if match.key != record["id"]:
                    pairs.add(pair_key(match.key, record["id"]))
    return pairs, t.seconds


def splink_pairs(task: str, with_ids: bool) -> tuple[set[tuple[str, str]], float, dict[str, Any]]:
    """Run Splink in the peers venv; its predicted pairs at probability ≥ 0.5."""
    out = out_dir("linkage") / f"splink-{task}-{'ids' if with_ids else 'noids'}.csv"
    args = ["splink", task, str(febrl.FEBRL_DIR), str(out)]
    if not with_ids:
        args.append("--no-ids")
    summary = run_peer(*args)
    pairs: set[tuple[str, str]] = set()
    with open(out, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if float(row["match_probability"]) >= SPLINK_THRESHOLD:
                pairs.add(pair_key(row["rec_id_l"], row["rec_id_r"]))
    seconds = float(summary["train_seconds"]) + float(summary["predict_seconds"])
    return pairs, seconds, summary


def run(threshold: float | None, with_splink: bool, folder: Path | None = None) -> list[dict[str, Any]]:
    """All linkage runs; returns one result row per (dataset, identifiers, tool)."""
    rows: list[dict[str, Any]] = []
    for with_ids in (False, True):
        data = febrl.load(with_ids, folder)
        label = "with SSN" if with_ids else "no SSN"
        runs: list[tuple[str, str, set[tuple[str, str]], float, set[tuple[str, str]]]] = []
        pairs, secs = casewatch_link(data.a4, data.b4, threshold)
        runs.append(("FEBRL 4a/4b", "casewatch", pairs, secs, data.links4))
        if with_splink:
            pairs, secs, _ = splink_pairs("link", with_ids)
            runs.append(("FEBRL 4a/4b", "splink", pairs, secs, data.links4))
        pairs, secs = casewatch_dedupe(data.d3, threshold)
        runs.append(("FEBRL 3 dedupe", "casewatch", pairs, secs, data.links3))
        if with_splink:
            pairs, secs, _ = splink_pairs("dedupe", with_ids)
            runs.append(("FEBRL 3 dedupe", "splink", pairs, secs, data.links3))
        for dataset, tool, predicted, secs, truth in runs:
            score: PRF = prf(predicted, truth)
            rows.append({
                "dataset": dataset, "identifiers": label, "tool": tool,
                "precision": score.precision, "recall": score.recall, "f1": score.f1,
                "tp": score.tp, "fp": score.fp, "fn": score.fn, "seconds": secs,
            })
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.linkage", description=__doc__.split("\n")[0])
    parser.add_argument("--threshold", type=float, default=None,
                        help="casewatch score threshold (default: the matcher's default)")
    parser.add_argument("--no-splink", action="store_true", help="skip the Splink side")
    args = parser.parse_args(argv)
    from casewatch.matching import DEFAULT_THRESHOLD

    rows = run(args.threshold, not args.no_splink)
    cut = DEFAULT_THRESHOLD if args.threshold is None else args.threshold
    print_table(
        f"FEBRL linkage (casewatch threshold {cut}, Splink match probability ≥ {SPLINK_THRESHOLD})",
        ["dataset", "SSN", "tool", "precision", "recall", "F1", "TP", "FP", "FN", "time s"],
        [[r["dataset"], r["identifiers"], r["tool"], r["precision"], r["recall"], r["f1"],
          r["tp"], r["fp"], r["fn"], r["seconds"]] for r in rows],
    )
    path = save_results("linkage", {"threshold": cut, "rows": rows})
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
