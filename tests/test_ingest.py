"""Ingest: idempotent, quarantining, resumable; deltas; dedup; expiry; suppression; retro."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from casewatch.db.engine import session_factory, transaction
from casewatch.db.models import (
    Alert,
    AlertEvent,
    IngestBatch,
    Quarantine,
    Record,
    RecordKey,
    ScreenQueue,
    Suppression,
    Watch,
)
from casewatch.monitor.ingest import ingest
from casewatch.monitor.retro import retro_screen_session, retro_screen_watches
from casewatch.monitor.screening import drain, screen_pending
from casewatch.monitor.watchindex import WatchIndex
from tests.monitor_support import alert_set, company, open_case, person, watch, write_ftm

BAD_LINES = [
    b"{not json at all\n",
    b'{"id": "x1", "schema": "NoSuchSchema", "properties": {}}\n',
    b'{"id": "x2", "schema": "Message", "properties": {"subject": ["hi"]}}\n',
]


def _index(engine):  # type: ignore[no-untyped-def]
    with session_factory(engine)() as session:
        return WatchIndex.build(session)


def _run(engine, index, source, paths, **kw):  # type: ignore[no-untyped-def]
    return ingest(engine, source, paths,
                  on_batch=lambda fresh: screen_pending(engine, index, fresh=fresh).alerts, **kw)


def _count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_bad_rows_are_quarantined_and_reingest_is_a_noop(engine, tmp_path: Path) -> None:
    case = open_case(engine)
    watch(engine, case, [person("w-putin", "Vladimir Putin")])
    good = [person(f"r{i}", f"Someone Number{i} Else") for i in range(25)]
    good.append(person("r-hit", "Vladimir Putin"))
    path = write_ftm(tmp_path / "records.json", good)
    with open(path, "ab") as fh:
        for line in BAD_LINES:
            fh.write(line)
    index = _index(engine)
    first = _run(engine, index, "ftm", [path], batch_size=7)
    assert first is not None
    assert (first.new, first.unchanged, first.quarantined, first.alerts) == (26, 0, 3, 1)
    with transaction(engine) as session:
        rows = session.execute(select(Quarantine.path, Quarantine.row, Quarantine.reason)
                               .order_by(Quarantine.row)).all()
    assert [r.row for r in rows] == [27, 28, 29]
    assert all(r.path == str(path) for r in rows)
    assert "schema 'Message' is refused" in rows[2].reason
    assert _count(engine, RecordKey) > 26
    assert _count(engine, ScreenQueue) == 0
    again = _run(engine, index, "ftm", [path])
    assert again is not None and again.already
    assert (again.new, again.unchanged, again.alerts) == (0, 26, 0)
    assert _count(engine, Record) == 26 and _count(engine, Quarantine) == 3
    assert _count(engine, IngestBatch) == 1 and _count(engine, Alert) == 1
    # the same records in another file (new bytes): all unchanged, nothing new
    copy = write_ftm(tmp_path / "copy.json", reversed(good))
    third = _run(engine, index, "ftm", [copy])
    assert third is not None and (third.new, third.unchanged, third.alerts) == (0, 26, 0)


def test_interrupted_ingest_resumes_without_duplicates(engine, tmp_path: Path) -> None:
    case = open_case(engine)
    watch(engine, case, [company("w-acme", "Acme Trading Ltd")])
    records = [company(f"c{i}", f"Firm{i} Holdings") for i in range(20)]
    records.insert(13, company("c-hit", "ACME Trading Limited"))
    path = write_ftm(tmp_path / "c.json", records)
    with open(path, "ab") as fh:
        fh.write(BAD_LINES[0])
    index = _index(engine)
    part = _run(engine, index, "ftm", [path], batch_size=5, stop=lambda: True)
    assert part is not None and part.interrupted and part.new == 5
    rest = _run(engine, index, "ftm", [path], batch_size=5)
    assert rest is not None and not rest.interrupted
    assert (rest.new, rest.quarantined) == (21, 1)  # totals over both runs
    assert _count(engine, Record) == 21 and _count(engine, Quarantine) == 1
    assert {a[:2] for a in alert_set(engine)} == {("w-acme", "c-hit")}


def test_delta_changes_rescreen_only_what_changed_and_del_marks_alerts(engine, tmp_path: Path) -> None:
    case = open_case(engine)
    watch(engine, case, [person("w-1", "Ivan Petrov", birthDate="1970-01-02")])
    index = _index(engine)
    base = person("p-1", "Ivan Petrov")
    other = person("p-2", "Maria Gonzalez")
    _run(engine, index, "ftm", [write_ftm(tmp_path / "d1.json", [base, other], ["ADD", "ADD"])])
    assert len(alert_set(engine)) == 1
    # an irrelevant change: a new record version, screened, but the match is the same
    moved = person("p-1", "Ivan Petrov", notes="moved office")
    r2 = _run(engine, index, "ftm", [write_ftm(tmp_path / "d2.json", [moved, other], ["MOD", "ADD"])])
    assert r2 is not None and (r2.new, r2.unchanged, r2.alerts) == (1, 1, 0)
    # the match changes (the birth date now agrees): one new alert
    born = person("p-1", "Ivan Petrov", birthDate="1970-01-02")
    r3 = _run(engine, index, "ftm", [write_ftm(tmp_path / "d3.json", [born], ["MOD"])])
    assert r3 is not None and r3.alerts == 1
    # the list removes the entry: alerts are marked, none is closed
    gone = {"id": "p-1"}
    r4 = _run(engine, index, "ftm", [write_ftm(tmp_path / "d4.json", [gone], ["DEL"])])
    assert r4 is not None and r4.removed == 1
    with transaction(engine) as session:
        alerts = session.execute(select(Alert.status, Alert.source_removed_at)).all()
    assert len(alerts) == 2
    assert all(a.status == "new" and a.source_removed_at is not None for a in alerts)


def test_expired_watch_and_suppressed_pair_never_alert(engine, tmp_path: Path) -> None:
    case = open_case(engine)
    w_exp, w_sup, w_ok = watch(engine, case, [
        person("w-a", "Olga Ivanova"), person("w-b", "Pedro Alvarez"), person("w-c", "Chen Wei Long"),
    ])
    index = _index(engine)  # all three in memory
    now = datetime.now(UTC)
    with transaction(engine) as session:
        session.execute(update(Watch).where(Watch.id == w_exp)
                        .values(expires_at=now - timedelta(seconds=1)))
        session.add(Suppression(watch_id=w_sup, record_entity_id="r-b", reason="cleared",
                                expires_at=now + timedelta(days=30)))
    path = write_ftm(tmp_path / "x.json", [person("r-a", "Olga Ivanova"),
                                           person("r-b", "Pedro Alvarez"),
                                           person("r-c", "Chen Wei Long")])
    result = _run(engine, index, "ftm", [path])
    assert result is not None and result.alerts == 1
    assert {a[:2] for a in alert_set(engine)} == {("w-c", "r-c")}
    assert w_ok


def test_queue_left_by_no_screen_ingest_is_drained(engine, tmp_path: Path) -> None:
    case = open_case(engine)
    watch(engine, case, [company("w-x", "Zenith Shipping Corporation")])
    path = write_ftm(tmp_path / "q.json", [company("q1", "Zenith Shipping Corporation"),
                                           company("q2", "Unrelated Bakery GmbH")])
    assert ingest(engine, "ftm", [path]) is not None  # stored, not screened
    assert _count(engine, ScreenQueue) == 2
    stats = drain(engine, _index(engine), limit=1)
    assert (stats.records, stats.alerts) == (2, 1)
    assert _count(engine, ScreenQueue) == 0


def test_retro_screening_finds_stored_records_both_strategies(engine, tmp_path: Path) -> None:
    case = open_case(engine)
    names = ["Abdul Rahman Khalil", "Northwind Maritime Ltd", "Svetlana Kuznetsova"]
    stored = [person("s1", names[0]), company("s2", names[1]), person("s3", names[2])]
    stored += [person(f"n{i}", f"Unrelated Person{i} Name") for i in range(30)]
    assert ingest(engine, "ftm", [write_ftm(tmp_path / "s.json", stored)]) is not None
    # a changed version supersedes s3; a deleted entry is not screened
    ingest(engine, "ftm", [write_ftm(tmp_path / "s2.json", [{"id": "s3"}], ["DEL"])])
    subjects = [person("w1", names[0]), company("w2", "Northwind Maritime Limited"),
                person("w3", names[2])]
    ids = watch(engine, case, subjects)
    assert retro_screen_watches(engine, ids) == 2
    keyed = alert_set(engine)
    assert {a[:2] for a in keyed} == {("w1", "s1"), ("w2", "s2")}
    with transaction(engine) as session:
        assert all(session.scalars(select(Alert.retro)))
        session.execute(AlertEvent.__table__.delete())
        session.execute(Alert.__table__.delete())
    # the scan strategy (many watches, few records) finds exactly the same alerts
    import casewatch.monitor.retro as retro

    old = retro.COST_PER_WATCH
    retro.COST_PER_WATCH = 1e9
    try:
        with transaction(engine) as session:
            assert len(retro_screen_session(session, ids)) == 2
    finally:
        retro.COST_PER_WATCH = old
    assert alert_set(engine) == keyed
    # retro-screening again raises nothing new (dedup)
    assert retro_screen_watches(engine, ids) == 0
