"""``casewatch demo``: run the main job on generated data and print a summary."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.panel import Panel
from rich.progress import TaskID
from rich.table import Table

from casewatch.cli.common import console, open_engine, progress
from casewatch.db.migrate import upgrade
from casewatch.errors import CasewatchError
from casewatch.settings import get_settings


def demo(
    size: Annotated[str, typer.Option(help="small (seconds), normal (10k watches, 20k records) "
                                      "or large")] = "normal",
) -> None:
    """Run the whole main job on synthetic data: case, watchlist, record stream, alerts."""
    from casewatch.monitor.demo import SIZES, run_demo

    if size not in SIZES:
        raise CasewatchError(f"--size {size!r}: expected one of {', '.join(SIZES)}")
    start = time.perf_counter()
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.inbox_dir.mkdir(parents=True, exist_ok=True)
    engine = open_engine(require_schema=False)
    upgrade(engine)
    with progress(transient=True) as bar:
        tasks: dict[str, TaskID] = {}

        def step(label: str, done: int, total: int | None) -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            bar.update(tasks[label], completed=done, total=total)

        report = run_demo(engine, settings.home, size, step)
    _print(report, time.perf_counter() - start, settings.home)


def _print(report: object, elapsed: float, home: object) -> None:
    from casewatch.monitor.demo import DemoReport

    assert isinstance(report, DemoReport)
    new = sum(r.new for r in report.results)
    unchanged = sum(r.unchanged for r in report.results)
    quarantined = sum(r.quarantined for r in report.results)
    alerts = sum(r.alerts for r in report.results)
    rate = report.records / report.timings["ingest"] if report.timings.get("ingest") else 0.0
    console.print(Panel.fit(
        f"case #{report.case_id} (run {report.run}) · {report.watches_active:,} active watches "
        f"({report.watches_imported:,} imported now)\n"
        f"{report.records:,} generated source rows → {new:,} records stored, {unchanged:,} unchanged, "
        f"{quarantined} quarantined rows\n"
        f"{alerts:,} alerts raised · ingest+screen {report.timings.get('ingest', 0):.1f} s "
        f"({rate:,.0f} records/s) · total {elapsed:.1f} s",
        title="casewatch demo", border_style="cyan"))
    per_source = Table(title="alerts per source")
    per_source.add_column("source")
    per_source.add_column("alerts", justify="right")
    for source, count in report.alerts_by_source.most_common():
        per_source.add_row(source, f"{count:,}")
    console.print(per_source)
    top = Table(title="top alerts (best of each kind of match) with feature contributions")
    for column in ("alert", "score", "source", "record", "watched subject", "features"):
        top.add_column(column, overflow="fold")
    for item in report.top:
        feats = ", ".join(f"{k} {v:+.2f}" for k, v in sorted(
            item["features"].items(), key=lambda kv: -abs(kv[1])))
        top.add_row(str(item["id"]), f"{item['score']:.2f}", item["source"], item["record"],
                    item["watch"], feats)
    console.print(top)
    console.print(
        f"recall against the generator's truth: {report.found:,} of {report.variants:,} "
        f"watched-subject variants alerted ({report.recall:.1%}); "
        f"{report.alerts_on_unwatched:,} alerts on records of unwatched entities",
        highlight=False)
    console.print(
        f"next: 'casewatch alerts list --case {report.case_id}', "
        f"'casewatch quarantine list', files in {home}/demo/run-{report.run}/", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
