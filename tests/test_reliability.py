"""Reliability: SIGKILL the real worker at random points, many times; nothing lost or doubled.

The worker (``casewatch monitor``) ingests a generated stream of a few thousand
records (with malformed lines) from its inbox against a few hundred watches,
in small batches. It is killed with SIGKILL a dozen times: a few times at a
random moment after start (index build, claims), the rest at a random moment
shortly after it has made progress (mid-batch, between ingest and
screening, while moving files). Then it runs to the end. The result must
equal an uninterrupted run on a second database: every record exactly once,
every bad line quarantined exactly once, no duplicate alert, the same alerts.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, func, select

from casewatch.db.engine import make_engine, transaction
from casewatch.db.models import Alert, Quarantine, Record, ScreenQueue
from tests.monitor_support import (
    alert_set,
    drop_database,
    generated_case,
    other_database,
    write_stream,
)

WATCHES = 300
RECORDS = 2000
FILES = 8
KILLS = 10


def _worker(db_url: str, home: Path, inbox: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CASEWATCH_HOME": str(home), "CASEWATCH_DATABASE_URL": db_url,
           "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.Popen(
        [sys.executable, "-c", "from casewatch.cli import main; main()", "monitor",
         "--inbox", str(inbox), "--poll", "0.2", "--batch-size", "50", *extra],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _progress(engine: Engine) -> tuple[int, int]:
    with transaction(engine) as session:
        records = session.scalar(select(func.count()).select_from(Record)) or 0
        alerts = session.scalar(select(func.count()).select_from(Alert)) or 0
    return int(records), int(alerts)


def _kill_after_progress(engine: Engine, proc: subprocess.Popen[bytes], rng: random.Random) -> None:
    before = _progress(engine)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and proc.poll() is None:
        if _progress(engine) != before:
            break
        time.sleep(0.03)
    time.sleep(rng.uniform(0.0, 0.35))


def _state(engine: Engine) -> tuple[int, int, int, int]:
    with transaction(engine) as session:
        records = session.scalar(select(func.count()).select_from(Record)) or 0
        distinct = session.scalar(select(func.count(func.distinct(Record.entity_id)))) or 0
        quarantined = session.scalar(select(func.count()).select_from(Quarantine)) or 0
        queued = session.scalar(select(func.count()).select_from(ScreenQueue)) or 0
    return int(records), int(distinct), int(quarantined), int(queued)


def test_sigkill_many_times_loses_nothing_and_doubles_nothing(
    engine: Engine, db_url: str, _template: str, tmp_path: Path
) -> None:
    rng = random.Random(int(os.environ.get("CASEWATCH_RELIABILITY_SEED", "20240611")))
    _, subjects = generated_case(engine, WATCHES)
    inbox = tmp_path / "inbox"
    good, bad = write_stream(inbox, subjects, RECORDS, FILES)
    reference_inbox = tmp_path / "reference-inbox"
    shutil.copytree(inbox, reference_inbox)

    kills = 0
    home = tmp_path / "home"
    while kills < KILLS:
        proc = _worker(db_url, home, inbox)
        if kills < 3:
            time.sleep(rng.uniform(0.2, 3.0))  # anywhere in start-up
        else:
            _kill_after_progress(engine, proc, rng)
        if proc.poll() is not None:
            break  # finished everything before the kill
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
    final = _worker(db_url, home, inbox, "--once")
    _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err.decode()[-2000:]
    assert kills >= 8

    records, distinct, quarantined, queued = _state(engine)
    assert (records, distinct, quarantined, queued) == (good, good, bad, 0)
    assert not [p for p in (inbox / "ftm").iterdir()], "every inbox file was processed"
    with transaction(engine) as session:
        dup = session.execute(
            select(Alert.watch_id, Alert.record_entity_id)
            .group_by(Alert.watch_id, Alert.record_entity_id).having(func.count() > 1)
        ).all()
    assert dup == []

    # the uninterrupted run, on a second database with the same watches
    ref_url = other_database(_template, tmp_path, "reference")
    ref = make_engine(ref_url)
    try:
        generated_case(ref, WATCHES)
        proc = _worker(ref_url, tmp_path / "ref-home", reference_inbox, "--once")
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()[-2000:]
        assert _state(ref) == (good, good, bad, 0)
        expected = alert_set(ref)
        assert len(expected) > 50
        got = alert_set(engine)
        assert {a[:2] for a in got} == {a[:2] for a in expected}
        assert got == expected
    finally:
        ref.dispose()
        drop_database(ref_url)
