"""Screening on forked workers, the per-stage clock, and renewed watches back in the index."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, update

from casewatch.auth.users import DEFAULT_TEAM, SYSTEM, create_user, ensure_admin
from casewatch.db.engine import session_factory, transaction
from casewatch.db.models import Watch
from casewatch.ftm.io import parse_entity
from casewatch.generate.records import generate_records
from casewatch.lifecycle import record_review, renew_watch
from casewatch.matching import compile_entity
from casewatch.monitor.ingest import ingest
from casewatch.monitor.pool import CHUNK, ScreenPool
from casewatch.monitor.screening import screen_pending
from casewatch.monitor.stages import Stages
from casewatch.monitor.watchindex import WatchIndex
from tests.monitor_support import alert_set, generated_case, open_case, person, watch, write_ftm


def _fresh(subjects, count: int, seed: int = 5):  # type: ignore[no-untyped-def]
    """Records to screen, as the ingest hands them over: id -> (stored record, compiled)."""
    from casewatch.monitor.store import StoredRecord

    out = {}
    now = datetime.now(UTC)
    for number, (entity, _) in enumerate(generate_records(subjects, count, seed=seed), start=1):
        stored = StoredRecord(number, "ftm", entity["id"], entity["id"], entity["schema"], "",
                              "h", now, None)
        out[number] = (stored, compile_entity(parse_entity(entity)))
    return out


def _hits(pool: ScreenPool, records) -> list[tuple[int, str, float]]:  # type: ignore[no-untyped-def]
    return [(h.record.id, h.match.key, h.match.score) for h in pool.screen(records)]


def test_pool_screens_exactly_like_one_process_and_follows_index_changes(engine: Engine) -> None:
    case, subjects = generated_case(engine, 150)
    records = _fresh(subjects, 4 * CHUNK + 7)
    with session_factory(engine)() as session:
        index = WatchIndex.build(session)
    alone = ScreenPool(index, workers=0)
    expected = _hits(alone, records)
    assert expected  # the generated stream has variants of watched subjects
    with ScreenPool(index, workers=2) as pool:
        assert len(pool.children) == 2
        stages = Stages()
        assert [(h.record.id, h.match.key, h.match.score)
                for h in pool.screen(records, stages)] == expected
        assert stages.cpu["screen (workers)"] > 0  # the children did part of the work
        # a watch added after the fork, and one removed: the children follow
        new_id = watch(engine, case, [person("late-1", "Zebediah Quarrington-Vole")])[0]
        hit_record, gone = expected[0][0], expected[0][1]
        with transaction(engine) as session:
            session.execute(update(Watch).where(Watch.id == int(gone))
                            .values(removed_at=datetime.now(UTC)))
            index.refresh(session)
        late = compile_entity(person("rec-late", "Zebediah Quarrington-Vole"))
        batch = {i: records[i] for i in list(records)[:3 * CHUNK]}
        batch[hit_record] = records[hit_record]
        # record 0 is in the first chunk, which a child screens
        batch[0] = (dataclasses.replace(records[1][0], id=0), late)
        found = _hits(pool, batch)
        assert (0, str(new_id)) in [(r, k) for r, k, _ in found]
        assert gone not in {k for _, k, _ in found}
        assert found == _hits(alone, batch)
    assert pool.children == [] and index.journal is None


def test_a_dead_worker_costs_nothing_but_time(engine: Engine) -> None:
    _, subjects = generated_case(engine, 60)
    records = _fresh(subjects, 3 * CHUNK)
    with session_factory(engine)() as session:
        index = WatchIndex.build(session)
    expected = _hits(ScreenPool(index, workers=0), records)
    with ScreenPool(index, workers=1) as pool:
        pool.children[0].proc.kill()
        pool.children[0].proc.join()
        assert _hits(pool, records) == expected
        assert pool.children == []


def test_renewed_watch_alerts_on_the_next_screening(engine: Engine, tmp_path: Path) -> None:
    """A watch that had expired when the index was built alerts again once renewed."""
    case = open_case(engine)
    wid, _ = watch(engine, case, [person("w-renew", "Octavia Brennan-Moss"),
                                  person("w-other", "Someone Else Entirely")])
    past = datetime.now(UTC) - timedelta(days=1)
    with transaction(engine) as session:
        session.execute(update(Watch).where(Watch.id == wid).values(expires_at=past))
    with session_factory(engine)() as session:
        index = WatchIndex.build(session)
    assert (index.size, index.max_id) == (1, wid + 1)  # expired: left out, and behind max_id
    feed = write_ftm(tmp_path / "a.json", [person("r1", "Octavia Brennan-Moss")])
    with ScreenPool(index, workers=1) as pool:
        def on_batch(fresh):  # type: ignore[no-untyped-def]
            return screen_pending(engine, index, fresh=fresh, pool=pool).alerts

        result = ingest(engine, "ftm", [feed], on_batch=on_batch)
        assert result is not None and result.alerts == 0
        with transaction(engine) as session:
            admin = ensure_admin(session)
            sup = create_user(session, "sup-renew", "supervisor", DEFAULT_TEAM, actor=SYSTEM)
            record_review(session, sup, "watch", wid, "still needed for the inquiry",
                          datetime.now(UTC).date() + timedelta(days=30))
            renew_watch(session, sup, wid)
            assert admin is not None
        feed = write_ftm(tmp_path / "b.json", [person("r2", "Octavia Brennan-Moss")])
        result = ingest(engine, "ftm", [feed], on_batch=on_batch)
    assert result is not None and result.alerts == 1
    assert {a[:2] for a in alert_set(engine)} == {("w-renew", "r2")}
    assert index.size == 2


_ORPHAN = """
import sys, time
from casewatch.matching import Screener
from casewatch.monitor.pool import ScreenPool
from casewatch.monitor.watchindex import WatchIndex
pool = ScreenPool(WatchIndex(Screener()), workers=2)
print(" ".join(str(c.proc.pid) for c in pool.children), flush=True)
time.sleep(60)
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0]
    except OSError:
        return False
    return state not in "ZX"  # a zombie has exited (the container's init may not reap it)


def test_workers_exit_when_the_monitor_is_killed() -> None:
    """SIGKILL of the monitor closes the pipes; its workers notice and exit (no orphans)."""
    proc = subprocess.Popen([sys.executable, "-c", _ORPHAN], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    pids = [int(p) for p in proc.stdout.readline().split()]
    assert len(pids) == 2 and all(_running(p) for p in pids)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_running(p) for p in pids):
        time.sleep(0.05)
    left = [p for p in pids if _running(p)]
    for pid in left:  # leave no orphan behind, even when failing
        os.kill(pid, signal.SIGKILL)
    assert not left


def test_screen_workers_option_is_validated() -> None:
    import pytest

    from casewatch.cli.ingest import monitor_command
    from casewatch.errors import CasewatchError

    with pytest.raises(CasewatchError, match="--screen-workers must be 0 or more"):
        monitor_command(screen_workers=-1)
