"""The monitor worker: inbox layout, clean SIGTERM stop, the watch index snapshot, the CLI."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, update

from casewatch.db.engine import session_factory, transaction
from casewatch.db.models import IngestFile, Quarantine, Record, Watch
from casewatch.monitor.watchindex import WatchIndex
from casewatch.monitor.worker import Feed, Monitor
from tests.monitor_support import (
    alert_set,
    company,
    generated_case,
    open_case,
    person,
    watch,
    write_ftm,
    write_stream,
)


def _records(engine) -> int:  # type: ignore[no-untyped-def]
    with transaction(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Record)) or 0)


def test_inbox_units_by_folder_and_prefix_done_and_failed(engine, tmp_path: Path) -> None:
    case = open_case(engine)
    watch(engine, case, [person("w1", "Karim Haddad"), company("w2", "Blue Lagoon Shipping LLC")])
    inbox = tmp_path / "inbox"
    write_ftm(inbox / "ftm" / "a.json", [person("a1", "Karim Haddad")])
    write_ftm(inbox / "ftm__b.json", [company("b1", "Blue Lagoon Shipping")])
    write_ftm(inbox / "ftm" / "batch-2" / "c.json", [person("c1", "Nobody Special")])
    (inbox / "ftm" / "half-written.json.part").write_text("{")
    (inbox / "nosuchsource").mkdir()
    (inbox / "nosuchsource" / "x.csv").write_text("a,b\n")
    monitor = Monitor(engine, inbox, tmp_path / "home", poll=0.05)
    stats = monitor.run(once=True, install_signals=False)
    assert (stats.units, stats.new, stats.failed) == (3, 3, 1)
    assert {a[:2] for a in alert_set(engine)} == {("w1", "a1"), ("w2", "b1")}
    done = sorted(p.name for p in (inbox / ".done").rglob("*") if p.is_file())
    assert done == ["a.json", "b.json", "ftm__b.json"] or done == ["a.json", "c.json", "ftm__b.json"]
    reason = (inbox / ".failed" / "nosuchsource" / "x.csv.reason").read_text()
    assert "unknown source 'nosuchsource'" in reason
    assert (inbox / "ftm" / "half-written.json.part").exists()
    # the same file dropped again: recognised by content hash, nothing new
    write_ftm(inbox / "ftm" / "again.json", [person("a1", "Karim Haddad")])
    again = Monitor(engine, inbox, tmp_path / "home").run(once=True, install_signals=False)
    assert (again.new, again.unchanged, again.screened.alerts) == (0, 1, 0)


def test_watch_index_snapshot_follows_new_and_removed_watches(engine, tmp_path: Path) -> None:
    case = open_case(engine)
    first, second = watch(engine, case, [person("s1", "Amira Nasser"), person("s2", "Tomas Novak")])
    home = tmp_path / "home"
    with session_factory(engine)() as session:
        index = WatchIndex.build(session)
        index.save(session, home)
    (third,) = watch(engine, case, [person("s3", "Ingrid Johansson")])
    with transaction(engine) as session:
        session.execute(update(Watch).where(Watch.id == first)
                        .values(removed_at=datetime.now(UTC)))
    with session_factory(engine)() as session:
        loaded = WatchIndex.load(session, home)
        assert loaded is not None and loaded.size == 2
        assert loaded.refresh(session) == (1, 1)
    keys = set(loaded.screener.slot_of)
    assert keys == {str(second), str(third)}


def test_feed_option_is_validated() -> None:
    assert Feed.parse("ofac:90").every.total_seconds() == 5400
    for bad in ("ofac:soon", "ofac:-1", "mapping:x.yml"):
        try:
            Feed.parse(bad)
        except Exception as exc:  # CasewatchError
            assert bad.split(":")[0] in str(exc)
        else:
            raise AssertionError(bad)


def test_sigterm_finishes_the_batch_and_exits_zero(engine, env, tmp_path: Path) -> None:
    _, subjects = generated_case(engine, 50)
    inbox = tmp_path / "inbox"
    good, bad = write_stream(inbox, subjects, 3000, 1)
    full_env = {**os.environ, **env, "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from casewatch.cli import main; main()", "monitor",
         "--inbox", str(inbox), "--batch-size", "100", "--poll", "0.1"],
        env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while _records(engine) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err.decode()[-2000:]
    assert b"monitor stopped" in out
    stored = _records(engine)
    assert 0 < stored  # whatever was committed is whole batches, resumed below
    finish = subprocess.run(
        [sys.executable, "-c", "from casewatch.cli import main; main()", "monitor",
         "--inbox", str(inbox), "--once"], env=full_env, capture_output=True, timeout=120)
    assert finish.returncode == 0, finish.stderr.decode()[-2000:]
    assert _records(engine) == good
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(Quarantine)) == bad
        assert set(session.scalars(select(IngestFile.status))) == {"done"}


def test_cli_ingest_quarantine_and_errors(cli, engine, tmp_path: Path) -> None:
    case = open_case(engine)
    watch(engine, case, [person("w-cli", "Hassan Rouhani Kazemi")])
    path = write_ftm(tmp_path / "in.json", [person("r-cli", "Hassan Rouhani Kazemi"),
                                             person("r-2", "Other Person")])
    with open(path, "ab") as fh:
        fh.write(b"[1, 2]\n")
    result = cli("ingest", "ftm", str(path))
    assert result.code == 0, result.stderr
    assert "2 new, 0 unchanged, 1 quarantined, 0 removed, 1 alerts raised" in result.stdout
    again = cli("ingest", "ftm", str(path))
    assert "0 new, 2 unchanged" in again.stdout and "nothing to do" in again.stdout
    listed = cli("quarantine", "list", "--source", "ftm", "--format", "jsonl")
    assert listed.code == 0 and '"row":3' in listed.stdout and str(path) in listed.stdout
    unknown = cli("ingest", "nosuch", str(path))
    assert unknown.code != 0 and "unknown source 'nosuch'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    missing = cli("ingest", "ftm", str(tmp_path / "missing.json"))
    assert missing.code != 0 and "missing.json: file not found" in missing.stderr
