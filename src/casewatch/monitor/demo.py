"""``casewatch demo``: the whole main job on the embedded default, in a minute or two.

Steps: initialise the database; make sure the bootstrap admin exists; open
(or reuse) the demo case, with its legal basis and review date; generate a
realistic watchlist and import it as the case's watches (a re-run skips the
subjects already watched); generate a fresh record stream (new each run) and
write it as files in real formats (:mod:`casewatch.monitor.demofiles`);
ingest those files through the connectors, screening each batch against the
watch index and raising alerts; then summarise: counts, alerts per source,
the top alerts with each feature's contribution, and recall against the
generator's ground truth.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, func, select

from casewatch.auth.users import ensure_admin
from casewatch.cases import create_case, import_watches
from casewatch.db.engine import session_factory, transaction
from casewatch.db.models import Alert, Case, Record, Watch
from casewatch.generate.records import generate_records
from casewatch.generate.watchlist import generate_watchlist
from casewatch.monitor.demofiles import TruthMap, write_stream
from casewatch.monitor.ingest import IngestResult, ingest
from casewatch.monitor.screening import screen_pending
from casewatch.monitor.watchindex import WatchIndex

DEMO_TITLE = "casewatch demo: sanctions exposure of a trade network"
LEGAL_BASIS = ("Demonstration with synthetic data only: screening counterparties against "
               "a generated watchlist (no real person is concerned).")
SIZES = {"small": (300, 600), "normal": (10_000, 20_000), "large": (50_000, 100_000)}
WATCHLIST_SEED = 42
VARIANT_FRACTION = 0.2

Step = Callable[[str, int, int | None], None]


@dataclass
class DemoReport:
    case_id: int = 0
    run: int = 0
    watches_imported: int = 0
    watches_active: int = 0
    records: int = 0
    results: list[IngestResult] = field(default_factory=list)
    alerts_by_source: Counter[str] = field(default_factory=Counter)
    top: list[dict[str, Any]] = field(default_factory=list)
    variants: int = 0
    found: int = 0
    alerts_on_unwatched: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def recall(self) -> float:
        return self.found / self.variants if self.variants else 0.0


def _demo_case(engine: Engine) -> int:
    with transaction(engine) as session:
        admin = ensure_admin(session)
        existing = session.scalar(select(Case.id).where(Case.title == DEMO_TITLE,
                                                        Case.status == "open"))
        if existing is not None:
            return int(existing)
        case = create_case(session, admin, title=DEMO_TITLE, legal_basis=LEGAL_BASIS,
                           review_date=date.today() + timedelta(days=180))
        return case.id


def _watchlist(home: Path, size: int) -> tuple[Path, list[dict[str, Any]]]:
    path = home / "demo" / f"watchlist-{size}.jsonl"
    subjects = list(generate_watchlist(size, seed=WATCHLIST_SEED))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(b"".join(orjson.dumps(s) + b"\n" for s in subjects))
        tmp.replace(path)
    return path, subjects


def _next_run(home: Path) -> int:
    runs = [int(p.name[4:]) for p in (home / "demo").glob("run-*") if p.name[4:].isdigit()]
    return max(runs, default=0) + 1


def run_demo(engine: Engine, home: Path, size: str = "normal",
             step: Step | None = None) -> DemoReport:
    """Run the demo end to end; returns what to print."""
    n_watch, n_records = SIZES[size]
    step = step or (lambda *_: None)
    report = DemoReport()
    clock = time.perf_counter()
    report.case_id = _demo_case(engine)
    path, subjects = _watchlist(home, n_watch)
    with transaction(engine) as session:
        admin = ensure_admin(session)
        imported = import_watches(session, admin, report.case_id, path, retro=True,
                                  progress=lambda phase, done, total: step("import watches",
                                                                           done, total))
        report.watches_imported = imported.imported
    report.timings["watchlist"] = time.perf_counter() - clock

    clock = time.perf_counter()
    report.run = _next_run(home)
    folder = home / "demo" / f"run-{report.run}"
    stream = list(generate_records(subjects, n_records, seed=1000 + report.run,
                                   variant_fraction=VARIANT_FRACTION))
    truth = TruthMap()
    units = write_stream(folder, stream, truth, first_ofac=report.run * 1_000_000)
    report.records = len(stream)
    report.timings["generate"] = time.perf_counter() - clock

    clock = time.perf_counter()
    with session_factory(engine)() as session:
        index = WatchIndex.load(session, home) or WatchIndex.build(session)
        index.refresh(session)
        index.save(session, home)
    report.watches_active = index.size
    report.timings["index"] = time.perf_counter() - clock

    clock = time.perf_counter()
    done = 0
    for source, paths in units:
        def advance(n: int) -> None:
            nonlocal done
            done += n
            step("ingest and screen", done, None)

        result = ingest(engine, source, paths, progress=advance,
                        on_batch=lambda fresh: screen_pending(engine, index, fresh=fresh).alerts)
        if result is not None:
            report.results.append(result)
    report.timings["ingest"] = time.perf_counter() - clock
    _summarise(engine, report, stream, truth)
    return report


def _summarise(engine: Engine, report: DemoReport, stream: list[tuple[dict[str, Any], Any]],
               truth: TruthMap) -> None:
    batches = [r.batch_id for r in report.results if r.batch_id is not None]
    with session_factory(engine)() as session:
        rows = session.execute(
            select(Alert.id, Alert.score, Alert.subject_id, Alert.explanation, Record.source,
                   Record.entity_id, Record.properties, Record.caption, Watch.caption)
            .join(Record, Record.id == Alert.record_id).join(Watch, Watch.id == Alert.watch_id)
            .where(Alert.case_id == report.case_id, Record.batch_id.in_(batches))
        ).all()
        report.watches_active = int(session.scalar(
            select(func.count()).select_from(Watch)
            .where(Watch.case_id == report.case_id, Watch.removed_at.is_(None))) or 0)
    wanted = {(row.record_id, row.subject_id) for _, row in stream if row.subject_id}
    unwatched = {row.record_id for _, row in stream if not row.subject_id}
    found: set[tuple[str, str]] = set()
    for alert in rows:
        report.alerts_by_source[alert.source] += 1
        generated = truth.generated_id(alert.source, alert.entity_id, alert.properties)
        if generated is None:
            continue
        if (generated, alert.subject_id) in wanted:
            found.add((generated, alert.subject_id))
        elif generated in unwatched:
            report.alerts_on_unwatched += 1
    report.variants, report.found = len(wanted), len(found)
    # the best alert of each "shape" (set of agreeing features), best first: varied examples
    shapes: dict[tuple[str, ...], Any] = {}
    for alert in sorted(rows, key=lambda r: (-r.score, r.id)):
        shapes.setdefault(tuple(sorted(alert.explanation.get("features", {}))), alert)
    for alert in sorted(shapes.values(), key=lambda r: (-r.score, r.id))[:8]:
        report.top.append({"id": alert.id, "score": alert.score, "source": alert.source,
                           "record": alert.caption, "watch": alert[8],
                           "features": alert.explanation.get("features", {})})
