"""Two monitor workers on one PostgreSQL database share the work without double-processing.

Both workers start together on the same inbox and on a screen queue that
already holds records (stored with ``ingest --no-screen``). Each prints how
many files it took and how many records it screened: the files add up to the
number of files, the screened records to exactly the number of records, and
every file was claimed once (``ingest_files``), so no work was done twice.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from casewatch.db.engine import transaction
from casewatch.db.models import Alert, IngestFile, Record, ScreenQueue
from casewatch.monitor.ingest import ingest
from tests.conftest import backend
from tests.monitor_support import generated_case, write_stream

pytestmark = pytest.mark.skipif(backend() != "postgresql",
                                reason="several workers share one database only on PostgreSQL")

STOP_LINE = re.compile(r"monitor stopped: (\d+) files, (\d+) new records, .* (\d+) records "
                       r"screened", re.S)


def test_two_workers_share_the_queue_and_the_inbox(engine, env, tmp_path: Path) -> None:
    _, subjects = generated_case(engine, 200)
    queued_dir = tmp_path / "queued"
    good_q, _ = write_stream(queued_dir, subjects, 1500, 1, seed=5)
    assert ingest(engine, "ftm", [queued_dir / "ftm" / "stream-000.json"]) is not None
    inbox = tmp_path / "inbox"
    files = 12
    good_i, _ = write_stream(inbox, subjects, 2400, files, seed=6)
    full_env = {**os.environ, **env, "NO_COLOR": "1", "COLUMNS": "400"}
    cmd = [sys.executable, "-c", "from casewatch.cli import main; main()", "monitor",
           "--inbox", str(inbox), "--once", "--batch-size", "100"]
    workers = [subprocess.Popen(cmd, env=full_env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [w.communicate(timeout=300) for w in workers]
    units, screened = 0, 0
    shares = []
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err[-2000:]
        found = STOP_LINE.search(" ".join(out.split()))
        assert found is not None, out
        units += int(found.group(1))
        screened += int(found.group(3))
        shares.append(int(found.group(3)))
    assert units == files
    assert screened == good_q + good_i
    assert all(share > 0 for share in shares), shares
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(Record)) == good_q + good_i
        assert session.scalar(select(func.count()).select_from(ScreenQueue)) == 0
        assert session.scalar(select(func.count()).select_from(IngestFile)) == files + 1
        dup = session.execute(select(Alert.watch_id, Alert.record_id).group_by(
            Alert.watch_id, Alert.record_id).having(func.count() > 1)).all()
        assert dup == []
