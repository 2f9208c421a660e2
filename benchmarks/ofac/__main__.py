"""OFAC alias benchmark: does each alias of a real SDN entry find its own entry first?

    .venv/bin/python -m benchmarks.ofac [--data DIR] [--limit N]

Reads the real OFAC SDN list in its published CSV format (default
``/work/shared/data/ofac``, or ``$CASEWATCH_OFAC_DIR``; never copied into the
repository). Only the PRIMARY names of ``sdn.csv`` are indexed, each as a
Person (``individual``), Vessel (``vessel``), Airplane (``aircraft``) or
Organization (everything else). Then every alias in ``alt.csv`` is screened as
a query of its entry's schema, with a threshold of 0 so that a ranking always
comes back, and we check where its own entry ranks. Reports recall@1
(target ≥ 97%; also with ties for first place counted as found, since several
OFAC entries share one primary name), recall@5, how many aliases do not find
their entry in the top 5, and the timing. An alias identical to some OTHER
entry's primary name cannot be ranked first by any name matcher; those are
counted separately.

A second row, "leave one out", is the everyday case of a watchlist: every entry
is indexed with its primary name AND all its aliases except the one being
screened (removed from the index and re-added without it, then restored), so an
alias can find its entry through a sibling alias ("NATIONAL BANK OF CUBA" through
"BANCO NACIONAL DE CUBA" or "BNC"). Entries with a single alias are then indexed
by their primary name only, as in the first row.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.common import (
    current_rss_mb,
    percentile_ms,
    print_table,
    save_results,
    timed,
)

DEFAULT_DIR = Path(os.environ.get("CASEWATCH_OFAC_DIR", "/work/shared/data/ofac"))
NULL = "-0-"
SCHEMA_OF = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}


@dataclass(frozen=True)
class Alias:
    ent_num: str
    alt_num: str
    alt_type: str
    name: str


def _rows(path: Path) -> Iterator[list[str]]:
    """CSV rows of an OFAC file: cp1252-tolerant, the trailing ^Z end-of-file byte ignored."""
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        for row in csv.reader(fh):
            if not row or row[0].strip() in ("", "\x1a"):
                continue
            yield [c.strip() for c in row]


def _value(cell: str) -> str:
    return "" if cell == NULL else cell


def read_primary(path: Path) -> dict[str, dict[str, Any]]:
    """``sdn.csv`` → {ent_num: FtM entity dict with the primary name only}."""
    out: dict[str, dict[str, Any]] = {}
    for row in _rows(path):
        if len(row) < 3 or not _value(row[1]):
            continue
        ent_num, name, sdn_type = row[0], _value(row[1]), _value(row[2]).lower()
        schema = SCHEMA_OF.get(sdn_type, "Organization")
        out[ent_num] = {"id": f"ofac-{ent_num}", "schema": schema, "properties": {"name": [name]}}
    return out


def read_aliases(path: Path) -> list[Alias]:
    """``alt.csv`` → aliases (ent_num, alt_num, alt_type, alt_name)."""
    return [
        Alias(row[0], row[1], _value(row[2]), _value(row[3]))
        for row in _rows(path)
        if len(row) >= 4 and _value(row[3])
    ]


def _tokens(entity: dict[str, Any]) -> set[str]:
    """The normalised name tokens of an entity (casewatch's normaliser), for relatedness."""
    from casewatch.matching import compile_entity

    return {t for a in compile_entity(entity).aliases for t in a.tokens if len(t) > 1}


def exhaustive_baseline(primary: dict[str, dict[str, Any]], aliases: Sequence[Alias]) -> dict[str, Any]:
    """The speed floor and a name-only reference: rapidfuzz over ALL primary names.

    Names are normalised with casewatch's normaliser and their tokens sorted, so
    ``fuzz.ratio`` on them is a token-sort ratio; the best-scoring entry is the
    prediction. Uses ``process.cdist`` on both cores.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    from casewatch.matching import compile_entity

    def key(entity: dict[str, Any]) -> str:
        names = compile_entity(entity).aliases
        return " ".join(sorted(names[0].tokens)) if names else ""

    ids = list(primary)
    choices = [key(primary[i]) for i in ids]
    queries = [(a.ent_num, key({"schema": primary[a.ent_num]["schema"],
                                "properties": {"name": [a.name]}}))
               for a in aliases if a.ent_num in primary]
    hits = 0
    with timed() as t:
        for start in range(0, len(queries), 1000):
            chunk = queries[start:start + 1000]
            matrix = process.cdist([q for _, q in chunk], choices, scorer=fuzz.ratio,
                                   dtype=np.uint8, workers=2)
            best = matrix.argmax(axis=1)
            hits += sum(ids[b] == own for (own, _), b in zip(chunk, best, strict=True))
    n = len(queries)
    return {"recall_at_1": hits / n if n else 0.0,
            "ms_per_query": 1000 * t.seconds / max(n, 1)}


def evaluate(primary: dict[str, dict[str, Any]], aliases: Sequence[Alias]) -> dict[str, Any]:
    """Index primary names, screen every alias; ranks, timings and the misses."""
    from casewatch.matching import Screener, compile_entity

    with timed() as build:
        screener = Screener(primary.values())
    primary_norm = {" ".join(sorted(a.tokens)) for e in primary.values()
                    for a in compile_entity(e).aliases}
    times: list[float] = []
    ranks: list[int | None] = []
    ambiguous = 0
    tied_first = 0
    related_ranks: list[int | None] = []
    misses: list[dict[str, Any]] = []
    for alias in aliases:
        entry = primary.get(alias.ent_num)
        if entry is None:
            continue
        query = {"id": f"alt-{alias.alt_num}", "schema": entry["schema"],
                 "properties": {"name": [alias.name]}}
        with timed() as t:
            matches = screener.screen(query, threshold=0.0, limit=5)
        times.append(t.seconds)
        keys = [m.key for m in matches]
        rank = keys.index(entry["id"]) + 1 if entry["id"] in keys else None
        ranks.append(rank)
        if rank is not None and matches[rank - 1].score == matches[0].score:
            tied_first += 1  # several OFAC entries share one primary name
        own = {" ".join(sorted(a.tokens)) for a in compile_entity(query).aliases}
        if rank != 1 and own & primary_norm and entry["properties"]["name"][0] != alias.name:
            ambiguous += 1
        if _tokens(query) & _tokens(entry):
            related_ranks.append(rank)
        if rank != 1 and len(misses) < 25:
            misses.append({"alias": alias.name, "entry": entry["properties"]["name"][0],
                           "got": matches[0].candidate_caption if matches else None,
                           "rank": rank})
    n = len(ranks)
    return {
        "entries": len(primary), "aliases": n, "build_seconds": build.seconds,
        "recall_at_1": sum(r == 1 for r in ranks) / n if n else 0.0,
        "recall_at_5": sum(r is not None for r in ranks) / n if n else 0.0,
        "recall_at_1_ties": tied_first / n if n else 0.0,
        "not_found": sum(r is None for r in ranks),
        "related_aliases": len(related_ranks),
        "related_recall_at_1": (sum(r == 1 for r in related_ranks) / len(related_ranks)
                                if related_ranks else 0.0),
        "ambiguous_misses": ambiguous,
        "p50_ms": percentile_ms(times, 50), "p99_ms": percentile_ms(times, 99),
        "mean_ms": statistics.fmean(times) * 1000 if times else 0.0,
        "rss_mb": current_rss_mb(), "misses": misses,
    }


def evaluate_leave_one_out(primary: dict[str, dict[str, Any]], aliases: Sequence[Alias]) -> dict[str, Any]:
    """Index every entry with all its names; screen each alias with itself left out."""
    from casewatch.matching import Screener

    names: dict[str, list[str]] = {}
    for alias in aliases:
        if alias.ent_num in primary:
            names.setdefault(alias.ent_num, []).append(alias.name)

    def entity(ent_num: str, leave_out: int | None = None) -> dict[str, Any]:
        entry = primary[ent_num]
        others = [n for i, n in enumerate(names.get(ent_num, [])) if i != leave_out]
        return {"id": entry["id"], "schema": entry["schema"],
                "properties": {"name": entry["properties"]["name"], "alias": others}}

    with timed() as build:
        screener = Screener(entity(e) for e in primary)
    ranks: list[int | None] = []
    times: list[float] = []
    seen: dict[str, int] = {}
    for alias in aliases:
        entry = primary.get(alias.ent_num)
        if entry is None:
            continue
        position = seen[alias.ent_num] = seen.get(alias.ent_num, -1) + 1
        screener.remove(entry["id"])
        screener.add(entity(alias.ent_num, leave_out=position))
        query = {"id": f"alt-{alias.alt_num}", "schema": entry["schema"],
                 "properties": {"name": [alias.name]}}
        with timed() as t:
            matches = screener.screen(query, threshold=0.0, limit=5)
        times.append(t.seconds)
        screener.remove(entry["id"])
        screener.add(entity(alias.ent_num))
        keys = [m.key for m in matches]
        ranks.append(keys.index(entry["id"]) + 1 if entry["id"] in keys else None)
    n = len(ranks)
    return {
        "aliases": n, "build_seconds": build.seconds,
        "recall_at_1": sum(r == 1 for r in ranks) / n if n else 0.0,
        "recall_at_5": sum(r is not None for r in ranks) / n if n else 0.0,
        "not_found": sum(r is None for r in ranks),
        "p50_ms": percentile_ms(times, 50), "p99_ms": percentile_ms(times, 99),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks.ofac", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DIR, help="folder with sdn.csv, alt.csv")
    parser.add_argument("--limit", type=int, default=0, help="screen only the first N aliases")
    parser.add_argument("--show-misses", action="store_true", help="print up to 25 misses")
    args = parser.parse_args(argv)
    sdn, alt = args.data / "sdn.csv", args.data / "alt.csv"
    if not (sdn.exists() and alt.exists()):
        print(f"skipped: the OFAC SDN data is not in {args.data} (need sdn.csv and alt.csv; "
              "set --data or CASEWATCH_OFAC_DIR)")
        return 0
    primary = read_primary(sdn)
    aliases = read_aliases(alt)
    if args.limit:
        aliases = aliases[: args.limit]
    result = evaluate(primary, aliases)
    result["exhaustive"] = exhaustive_baseline(primary, aliases)
    result["leave_one_out"] = loo = evaluate_leave_one_out(primary, aliases)
    print_table(
        f"OFAC SDN: {result['aliases']:,} aliases screened against {result['entries']:,} "
        "primary names (target recall@1 ≥ 97%)",
        ["tool", "recall@1", "recall@1 (ties count)", "recall@5",
         "recall@1, aliases sharing a token", "not in top 5", "alias = other primary", "build s",
         "p50 ms", "p99 ms"],
        [["casewatch", result["recall_at_1"], result["recall_at_1_ties"], result["recall_at_5"],
          f"{result['related_recall_at_1']:.3f} of {result['related_aliases']:,}",
          result["not_found"], result["ambiguous_misses"], result["build_seconds"],
          result["p50_ms"], result["p99_ms"]],
         ["casewatch, leave one out (entries indexed with their other aliases)", loo["recall_at_1"],
          None, loo["recall_at_5"], None, loo["not_found"], None, loo["build_seconds"],
          loo["p50_ms"], loo["p99_ms"]],
         ["rapidfuzz exhaustive (token sort)", result["exhaustive"]["recall_at_1"], None, None,
          None, None, None, None, result["exhaustive"]["ms_per_query"], None]],
    )
    if args.show_misses:
        print_table("first misses", ["alias", "own entry", "ranked first", "own rank"],
                    [[m["alias"], m["entry"], m["got"], m["rank"]] for m in result["misses"]])
    path = save_results("ofac", result)
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
