"""The measured steps of the monitoring benchmark, each on one database."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, delete, func, select

from casewatch.auth.users import ensure_admin
from casewatch.cases import create_case, import_watches
from casewatch.db.engine import session_factory, transaction
from casewatch.db.models import Alert, Quarantine, Record, ScreenQueue, Watch
from casewatch.generate.records import generate_records
from casewatch.generate.watchlist import generate_watchlist
from casewatch.monitor.ingest import ingest
from casewatch.monitor.pool import ScreenPool
from casewatch.monitor.retro import retro_screen_watches
from casewatch.monitor.screening import screen_pending
from casewatch.monitor.stages import Stages
from casewatch.monitor.watchindex import WatchIndex


@dataclass
class Figures:
    """Measured numbers for one database (None = not measured)."""

    values: dict[str, Any] = field(default_factory=dict)

    def put(self, key: str, value: Any) -> None:
        self.values[key] = value
        print(f"  {key}: {value}", file=sys.stderr, flush=True)


def write_watchlist(folder: Path, size: int) -> tuple[Path, list[dict[str, Any]]]:
    path = folder / f"watchlist-{size}.jsonl"
    subjects = list(generate_watchlist(size, seed=3))
    # always rewritten: the subjects used for the record stream must be the imported ones
    path.write_bytes(b"".join(orjson.dumps(s) + b"\n" for s in subjects))
    return path, subjects


def write_records(folder: Path, name: str, subjects: list[dict[str, Any]], size: int,
                  seed: int, bad_fraction: float = 0.0) -> tuple[Path, int, int]:
    """An FtM file of generated records; returns (path, good rows, bad rows)."""
    path = folder / name
    rng = random.Random(seed)
    good = bad = 0
    with open(path, "wb") as fh:
        for entity, _ in generate_records(subjects, size, seed=seed, variant_fraction=0.2):
            fh.write(orjson.dumps(entity) + b"\n")
            good += 1
            if bad_fraction and rng.random() < bad_fraction / (1 - bad_fraction):
                fh.write(b'{"id": "bad", "schema": "Person", "properties": [}\n')
                bad += 1
    return path, good, bad


def open_case(engine: Engine) -> int:
    """The benchmark's case (owned by the bootstrap admin); returns its id."""
    with transaction(engine) as session:
        admin = ensure_admin(session)
        case = create_case(session, admin, title="benchmark", legal_basis="benchmark",
                           review_date=(time_date()))
        return int(case.id)


def import_step(engine: Engine, path: Path, figures: Figures) -> int:
    case_id = open_case(engine)
    start = time.perf_counter()
    with transaction(engine) as session:
        result = import_watches(session, ensure_admin(session), case_id, path, retro=True)
    elapsed = time.perf_counter() - start
    figures.put("import_s", round(elapsed, 1))
    figures.put("imported", result.imported)
    return case_id


def time_date() -> Any:
    from datetime import date, timedelta

    return date.today() + timedelta(days=300)


def index_step(engine: Engine, home: Path, figures: Figures) -> WatchIndex:
    start = time.perf_counter()
    with session_factory(engine)() as session:
        index = WatchIndex.build(session)
        index.save(session, home)
    figures.put("index_build_s", round(time.perf_counter() - start, 1))
    return index


def throughput_step(engine: Engine, index: WatchIndex, path: Path, good: int,
                    figures: Figures, workers: int | None = None, suffix: str = "") -> None:
    """End-to-end ingest -> screen -> alert of one file, timed stage by stage.

    ``workers``: forked screening workers (None: one per extra core, 0: none).
    Figures get ``suffix`` appended to their names (to compare worker counts).
    """
    stages = Stages()
    with ScreenPool(index, workers) as pool:
        start, cpu = time.perf_counter(), time.process_time()
        result = ingest(engine, "ftm", [path], stages=stages,
                        on_batch=lambda fresh: screen_pending(
                            engine, index, fresh=fresh, pool=pool, stages=stages).alerts)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        used = len(pool.children)
    assert result is not None and result.new == good, result
    cpu += stages.cpu.get("screen (workers)", 0.0)
    figures.put(f"throughput_rps{suffix}", round(good / elapsed))
    # CPU-seconds per 1,000 records, this process and its screening workers (the
    # PostgreSQL server's own CPU is not in it)
    figures.put(f"throughput_cpu_per_1k{suffix}", round(cpu * 1000 / good, 2))
    figures.put(f"throughput_workers{suffix}", used)
    figures.put(f"throughput_alerts{suffix}", result.alerts)
    figures.put(f"stages{suffix}", {
        name: (round(stages.wall[name] * 1000 / good, 3), round(stages.cpu[name] * 1000 / good, 3))
        for name in stages.names()
    })


def malformed_step(engine: Engine, path: Path, good: int, bad: int, figures: Figures) -> None:
    before = _count(engine, Record)
    start = time.perf_counter()
    result = ingest(engine, "ftm", [path])  # stored and queued; screening measured elsewhere
    elapsed = time.perf_counter() - start
    assert result is not None
    stored = _count(engine, Record) - before
    quarantined = _count(engine, Quarantine)
    figures.put("malformed_rows", good + bad)
    figures.put("malformed_ok", stored == good and quarantined == bad)
    figures.put("malformed_detail", f"{stored:,}/{good:,} good in, {quarantined:,}/{bad:,} "
                                    f"quarantined, {round((good + bad) / elapsed):,} rows/s")
    with transaction(engine) as session:  # leave the queue empty for the latency step
        session.execute(delete(ScreenQueue))


def retro_probes(watchlist_size: int, samples: int = 20) -> tuple[list[dict[str, Any]], Any,
                                                                      list[dict[str, Any]]]:
    """(probes, background pool, planted records) of a retro-screening fill, deterministic.

    The first ``samples`` subjects of a generated watchlist are the probes (the
    new watches of :func:`retro_step`); one variant of each kind of each probe
    is planted among the records. The other subjects are the background the
    generated records vary.
    """
    from benchmarks.monitor import fill
    from casewatch.generate import SubjectPool
    from casewatch.generate.pool import SUBJECT_SCHEMATA

    subjects = [s for s in generate_watchlist(watchlist_size, seed=3)
                if s["schema"] in SUBJECT_SCHEMATA]
    probes = subjects[:samples]
    background = SubjectPool.from_entities(subjects[samples:])
    return probes, background, fill.plant_variants(probes, seed=43)


def retro_fill_step(engine: Engine, size: int, watchlist_size: int, figures: Figures,
                    reuse: bool = False,
                    ) -> tuple[list[dict[str, Any]], dict[str, set[str]], set[str]]:
    """Fill the database with ``size`` stored records (:mod:`benchmarks.monitor.fill`).

    Returns (probes, planted entity ids by probe id, the planted ids that
    score above the threshold against their probe). ``reuse``: the database
    was filled by an earlier run with the same sizes; only the probes are made.
    """
    from benchmarks.monitor import fill

    probes, background, planted = retro_probes(watchlist_size)
    figures.put("load_before_fill", _load())
    if not reuse:
        result = fill.fill_records(engine, size, background, planted)
        figures.put("fill_s", round(result.seconds))
        figures.put("fill_detail", f"records+generation {result.generate_seconds:,.0f} s, "
                                   f"{result.keys:,} keys sorted and written in "
                                   f"{result.key_seconds:,.0f} s, {len(planted)} planted")
    figures.put("db_size_gb", round(database_bytes(engine) / 1e9, 2))
    return probes, fill.planted_by_subject(probes, planted), scorable(probes, planted)


def scorable(probes: list[dict[str, Any]], planted: list[dict[str, Any]]) -> set[str]:
    """Planted records whose score against their probe reaches the alert threshold.

    What an exhaustive scan with the same scorer would alert on: the ceiling
    for retro-screening's candidate lookup (a planted variant below it is the
    scorer's call, not a lookup miss).
    """
    from casewatch.ftm.io import parse_entity
    from casewatch.matching import Screener, compile_entity, score_pair
    from casewatch.settings import get_settings

    weights, cut = Screener().weights, get_settings().threshold
    subjects = {p["id"]: compile_entity(parse_entity(p)) for p in probes}
    out: set[str] = set()
    for entity in planted:
        subject = subjects[probes[int(entity["id"].split("-")[1])]["id"]]
        record = compile_entity(parse_entity(entity))
        if score_pair(record, subject, weights, floor=cut).score >= cut:
            out.add(entity["id"])
    return out


def database_bytes(engine: Engine) -> int:
    """The database's size on disk (SQLite: the file and its WAL; PostgreSQL: the database)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return int(conn.exec_driver_sql(
                "SELECT pg_database_size(current_database())").scalar_one())
    path = Path(str(engine.url.database))
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def retro_step(engine: Engine, case_id: int, subjects: list[dict[str, Any]],
               figures: Figures, samples: int = 20,
               planted: dict[str, set[str]] | None = None,
               reachable: set[str] | None = None) -> None:
    """Time retro-screening of ``samples`` new watches, one by one, and check their alerts.

    With ``planted`` (probe id -> entity ids of its planted variants) also
    count how many of each probe's planted records its watch alerted on, of
    those that score above the threshold (``reachable``) and of all.
    """
    from casewatch.cases import add_watch, subject_from_entity
    from casewatch.ftm.io import parse_entity

    stored = _count(engine, Record)
    times = []
    hits = 0
    all_retro = True
    found: list[str] = []
    figures.put("load_before_retro", _load())
    for subject in subjects[:samples]:
        data = dict(subject, id=f"retro-{subject['id']}")
        with transaction(engine) as session:
            watch = add_watch(session, ensure_admin(session), case_id,
                              subject_from_entity(parse_entity(data)), retro=False)
            watch_id = watch.id
        start = time.perf_counter()
        retro_screen_watches(engine, [watch_id])
        times.append(time.perf_counter() - start)
        with session_factory(engine)() as session:
            alerts = session.execute(select(Alert.record_entity_id, Alert.retro)
                                     .where(Alert.watch_id == watch_id)).all()
        hits += len(alerts)
        all_retro = all_retro and all(a.retro for a in alerts)
        if planted is not None:
            want = planted.get(subject["id"], set())
            can = want & (reachable if reachable is not None else want)
            got = {a.record_entity_id for a in alerts}
            found.append(f"{len(want & got)}/{len(can)}/{len(want)}")
    figures.put("retro_records", stored)
    figures.put("retro_ms_p50", round(statistics.median(times) * 1000))
    figures.put("retro_ms_max", round(max(times) * 1000))
    figures.put("retro_hits", hits)
    figures.put("retro_all_marked", all_retro)
    if planted is not None:
        total = [sum(int(f.split("/")[i]) for f in found) for i in range(3)]
        figures.put("retro_planted", "/".join(f"{t:,}" for t in total))
        figures.put("retro_planted_each", " ".join(found))
    figures.put("load_after_retro", _load())


def latency_step(db_url: str, home: Path, inbox: Path, subjects: list[dict[str, Any]],
                 engine: Engine, figures: Figures, samples: int) -> None:
    env = {**os.environ, "CASEWATCH_HOME": str(home), "CASEWATCH_DATABASE_URL": db_url}
    proc = subprocess.Popen([sys.executable, "-c", "from casewatch.cli import main; main()",
                             "monitor", "--inbox", str(inbox), "--poll", "0.02"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        run = os.urandom(3).hex()
        lat = [_one_latency(inbox, subjects[i % len(subjects)], f"lat-{run}-{i}", engine)
               for i in range(samples + 1)][1:]  # the first one waits for start-up
    finally:
        proc.terminate()
        proc.wait(timeout=120)
    lat.sort()
    figures.put("latency_ms_p50", round(statistics.median(lat) * 1000))
    figures.put("latency_ms_p99", round(lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000))


def _one_latency(inbox: Path, subject: dict[str, Any], rid: str, engine: Engine) -> float:
    """Seconds from a one-record file landing in the inbox to its screening commit.

    Alerts are written in the transaction that removes the record from the
    screen queue, so "stored and no longer queued" is the moment its alerts (if
    any: at a million watches the candidate search may not reach every exact
    copy) became visible.
    """
    folder = inbox / "ftm"
    folder.mkdir(parents=True, exist_ok=True)
    record = {"id": rid, "schema": subject["schema"], "properties": subject["properties"]}
    tmp = folder / f".{rid}.json"
    tmp.write_bytes(orjson.dumps(record) + b"\n")
    start = time.perf_counter()
    tmp.rename(folder / f"{rid}.json")
    deadline = start + 600
    while time.perf_counter() < deadline:
        with session_factory(engine)() as session:
            stored = session.scalar(select(Record.id).where(Record.entity_id == rid).limit(1))
            if stored is not None and session.get(ScreenQueue, stored) is None:
                return time.perf_counter() - start
        time.sleep(0.01)
    raise RuntimeError(f"{rid} not screened within 600 s")


def _count(engine: Engine, model: Any) -> int:
    with session_factory(engine)() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def active_watches(engine: Engine) -> int:
    return _count(engine, Watch)
