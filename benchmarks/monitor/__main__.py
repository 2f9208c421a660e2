"""Monitoring benchmark: ingest -> screen -> alert on SQLite and PostgreSQL; prints a table.

    .venv/bin/python -m benchmarks.monitor                 # quick: 20k watches
    .venv/bin/python -m benchmarks.monitor --scale 200000  # more watches
    .venv/bin/python -m benchmarks.monitor --full          # 1M watches, 1M-row bad-rows file
    .venv/bin/python -m benchmarks.monitor --retro-only --retro-records 10000000 [--postgres]

Per database: bulk import of the watchlist (``import_watches``, with
retro-screening on), the watch index build, end-to-end ingest -> screen ->
alert throughput of a generated FtM record file (20 % variants of watched
subjects), a file with 1 % malformed rows (all good rows in, every bad row
quarantined), retro-screening of one new watch against every stored record,
and record arrival -> alert visible latency through a running ``casewatch
monitor`` (one-record files dropped in its inbox). PostgreSQL is a throwaway
server from ``scripts/pg.sh start``. Files go under ``bench-out/monitor``.

``--retro-only`` skips all that: it fills one database with N stored records
directly (``benchmarks/monitor/fill.py``: generated records and their blocking
keys, bulk-written into ``records`` / ``record_keys`` as ingest would store
them, with planted variants of 20 probe subjects) and retro-screens 20 new
watches on the probes, counting the planted variants each one found.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.common import start_pg
from benchmarks.monitor import steps
from casewatch.db.engine import make_engine, session_factory
from casewatch.db.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(os.environ.get("CASEWATCH_BENCH_OUT", ROOT / "bench-out")) / "monitor"
console = Console(width=None if sys.stdout.isatty() else 160)

ROWS = [
    ("bulk import of the watchlist", "import_s", "≤ 300 s for 1M", "{} s"),
    ("watch index build (after import)", "index_build_s", "-", "{} s"),
    ("ingest → screen → alert, end to end (screening pool)", "throughput_rps", "≥ 2,000 records/s",
     "{:,} rec/s"),
    ("  forked screening workers", "throughput_workers", "-", "{}"),
    ("  CPU-seconds per 1,000 records (all processes)", "throughput_cpu_per_1k", "-", "{} s"),
    ("  alerts raised in that run", "throughput_alerts", "-", "{:,}"),
    ("the same in one process (no workers)", "throughput_rps_1p", "-", "{:,} rec/s"),
    ("  CPU-seconds per 1,000 records", "throughput_cpu_per_1k_1p", "-", "{} s"),
    ("rows in the 1 %-malformed file", "malformed_rows", "1M", "{:,}"),
    ("  all good rows in, every bad row quarantined", "malformed_ok", "yes", "{}"),
    ("  detail", "malformed_detail", "", "{}"),
    ("records stored for retro-screening", "retro_records", "10M", "{:,}"),
    ("retro-screen one new watch, median", "retro_ms_p50", "≤ 1,000 ms", "{:,} ms"),
    ("retro-screen one new watch, max of 20", "retro_ms_max", "≤ 1,000 ms", "{:,} ms"),
    ("  alerts raised by the 20 new watches", "retro_hits", "-", "{:,}"),
    ("  every one marked retro", "retro_all_marked", "yes", "{}"),
    ("  planted variants alerted / scoring ≥ threshold / planted", "retro_planted",
     "all that score", "{}"),
    ("  the same per watch", "retro_planted_each", "-", "{}"),
    ("  fill: records + keys written directly", "fill_s", "-", "{:,} s"),
    ("  fill detail", "fill_detail", "-", "{}"),
    ("  database size on disk", "db_size_gb", "-", "{} GB"),
    ("  load average before fill / retro / after", "load_summary", "-", "{}"),
    ("record arrival → alert visible, p50", "latency_ms_p50", "-", "{:,} ms"),
    ("record arrival → alert visible, p99", "latency_ms_p99", "≤ 1,000 ms", "{:,} ms"),
]


def run_backend(name: str, url: str, args: argparse.Namespace) -> steps.Figures:
    console.print(f"[bold]{name}[/]: {args.watches:,} watches", highlight=False)
    work = OUT / name
    shutil.rmtree(work, ignore_errors=True)
    (work / "home").mkdir(parents=True)
    engine = make_engine(url)
    upgrade(engine)
    figures = steps.Figures()
    watchlist, subjects = steps.write_watchlist(OUT, args.watches)
    case_id = steps.import_step(engine, watchlist, figures)
    index = steps.index_step(engine, work / "home", figures)
    path, good, _ = steps.write_records(work, "stream-1p.json", subjects, args.records, seed=23)
    steps.throughput_step(engine, index, path, good, figures, workers=0, suffix="_1p")
    path, good, _ = steps.write_records(work, "stream.json", subjects, args.records, seed=21)
    steps.throughput_step(engine, index, path, good, figures)
    if args.throughput_only:
        engine.dispose()
        return figures
    path, good, bad = steps.write_records(work, "malformed.json", subjects, args.bad_file_rows,
                                          seed=22, bad_fraction=0.01)
    steps.malformed_step(engine, path, good, bad, figures)
    steps.retro_step(engine, case_id, subjects, figures)
    with session_factory(engine)() as session:
        index.refresh(session)
        index.save(session, work / "home")
    steps.latency_step(url, work / "home", work / "inbox", subjects, engine, figures,
                       args.latency_samples)
    engine.dispose()
    return figures


def run_retro_only(name: str, url: str, args: argparse.Namespace) -> steps.Figures:
    """Fill ``--retro-records`` stored records directly, then retro-screen 20 new watches."""
    console.print(f"[bold]{name}[/]: retro-screening against {args.retro_records:,} "
                  "stored records", highlight=False)
    engine = make_engine(url)
    upgrade(engine)
    figures = steps.Figures()
    case_id = steps.open_case(engine)
    watchlist = args.retro_watchlist or max(20_000, min(500_000, args.retro_records // 20))
    probes, planted, reachable = steps.retro_fill_step(engine, args.retro_records, watchlist,
                                                       figures, reuse=args.reuse)
    steps.retro_step(engine, case_id, probes, figures, planted=planted, reachable=reachable)
    values = figures.values
    figures.put("load_summary", " / ".join(
        values[k].split()[0] for k in ("load_before_fill", "load_before_retro", "load_after_retro")))
    engine.dispose()
    return figures


def retro_only(args: argparse.Namespace) -> dict[str, steps.Figures]:
    """The ``--retro-only`` run on SQLite (default) or PostgreSQL (``--postgres``).

    The database is deleted afterwards unless ``--keep`` (ten million records
    take several GB).
    """
    if args.postgres:
        url, pg_dir = start_pg("cw_bench_retro")
        try:
            return {"PostgreSQL": run_retro_only("postgresql", url, args)}
        finally:
            subprocess.run([str(ROOT / "scripts" / "pg.sh"), "stop", pg_dir], check=False)
    work = OUT / "sqlite-retro"
    if not args.reuse:
        shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    try:
        return {"SQLite": run_retro_only("sqlite", f"sqlite:///{work / 'bench.db'}", args)}
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=20_000, help="watches (default 20,000)")
    parser.add_argument("--full", action="store_true",
                        help="1M watches, 1M-row malformed file, 50k-record stream")
    parser.add_argument("--records", type=int, default=None, help="records in the stream")
    parser.add_argument("--bad-rows", type=int, default=None,
                        help="rows in the 1%%-malformed file (default: 1M with --full, else "
                             "max(20,000, watches / 10))")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--throughput-only", action="store_true",
                        help="only the import, index build and end-to-end throughput steps")
    parser.add_argument("--retro-only", action="store_true",
                        help="only retro-screening: fill --retro-records stored records "
                             "directly (benchmarks/monitor/fill.py), then 20 new watches")
    parser.add_argument("--retro-records", type=int, default=1_000_000,
                        help="stored records for --retro-only (default 1,000,000)")
    parser.add_argument("--retro-watchlist", type=int, default=None,
                        help="subjects the filled records vary (default: records / 20, "
                             "20,000 to 500,000)")
    parser.add_argument("--postgres", action="store_true",
                        help="--retro-only on a throwaway PostgreSQL instead of SQLite")
    parser.add_argument("--keep", action="store_true",
                        help="keep the --retro-only SQLite database under bench-out/")
    parser.add_argument("--reuse", action="store_true",
                        help="retro-screen a database kept by an earlier --retro-only --keep "
                             "run with the same --retro-records (no fill); implies --keep")
    args = parser.parse_args()
    args.keep = args.keep or args.reuse
    args.watches = 1_000_000 if args.full else args.scale
    args.records = args.records or (50_000 if args.full else 10_000)
    args.bad_file_rows = args.bad_rows or (
        1_000_000 if args.full else max(20_000, args.watches // 10))
    args.latency_samples = 100 if args.full else 40
    OUT.mkdir(parents=True, exist_ok=True)
    if args.retro_only:
        print_table(retro_only(args), "casewatch retro-screening benchmark: "
                    f"{args.retro_records:,} stored records, 20 new watches")
        return
    results = {"SQLite": run_backend("sqlite", f"sqlite:///{OUT / 'sqlite' / 'bench.db'}", args)}
    if not args.no_pg:
        url, pg_dir = start_pg("cw_bench_monitor")
        try:
            results["PostgreSQL"] = run_backend("postgresql", url, args)
        finally:
            subprocess.run([str(ROOT / "scripts" / "pg.sh"), "stop", pg_dir], check=False)
    print_table(results, f"casewatch monitoring benchmark: {args.watches:,} watches, "
                         f"{args.records:,}-record stream")
    console.print(stage_table(results))


def print_table(results: dict[str, steps.Figures], title: str) -> None:
    """The standard rows (a figure a run did not measure is left out)."""
    table = Table(title=title)
    table.add_column("figure")
    table.add_column("target")
    for name in results:
        table.add_column(name, justify="right")
    for label, key, target, fmt in ROWS:
        if not any(key in r.values for r in results.values()):
            continue
        cells = [fmt.format(results[n].values[key]) if key in results[n].values else "-"
                 for n in results]
        table.add_row(label, target, *cells)
    console.print(table)


def stage_table(results: dict[str, steps.Figures]) -> Table:
    """Per-stage milliseconds per record of the end-to-end runs: wall / CPU."""
    table = Table(title="where a record's time goes (ms per record, wall / CPU of the main "
                        "process; workers: their CPU)")
    table.add_column("stage")
    runs = [(name, key) for name in results for key in ("stages_1p", "stages")
            if key in results[name].values]
    for name, key in runs:
        table.add_column(f"{name}, {'one process' if key == 'stages_1p' else 'pool'}",
                         justify="right")
    names: list[str] = []
    for name, key in runs:
        names += [n for n in results[name].values[key] if n not in names]
    for stage in [*names, "total"]:
        cells = []
        for name, key in runs:
            data = results[name].values[key]
            if stage == "total":
                wall = sum(w for n, (w, _) in data.items() if n != "screen (workers)")
                cpu = sum(c for _, c in data.values())
            elif stage in data:
                wall, cpu = data[stage]
            else:
                cells.append("-")
                continue
            cells.append(f"{wall:.3f} / {cpu:.3f}")
        table.add_row(stage, *cells)
    return table


if __name__ == "__main__":
    main()
