"""Retention: old unlinked records go, with their dependants; each erasure is logged by id only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from casewatch.auth import get_user
from casewatch.db.engine import transaction
from casewatch.db.models import (
    Alert,
    AlertEvent,
    AuditEvent,
    Record,
    ScreenQueue,
    WebhookDelivery,
    utcnow,
)
from casewatch.lifecycle import run_retention
from casewatch.settings import Settings
from tests.helpers_accountability import make_alert, make_case, make_record, make_watch, seed_users

OLD = utcnow() - timedelta(days=400)
SETTINGS = Settings(retention_days=365)


@pytest.fixture()
def world(engine, env):
    """Records old and new; alerts of open and closed cases, confirmed or not."""
    with transaction(engine) as session:
        users = seed_users(session)
        open_case = make_case(session, users["ana"], title="open")
        closed = make_case(session, users["bob"], title="closed", status="closed")
        w_open, w_closed = make_watch(session, open_case), make_watch(session, closed)
        ids = {}
        for key in ("old_free", "old_open", "old_confirmed", "old_closed", "new_free"):
            name = f"Secret Name {key}"
            ids[key] = make_record(session, key, name=name,
                                   ingested=None if key.startswith("new") else OLD).id
        make_alert(session, w_open, session.get(Record, ids["old_open"]), status="dismissed")
        make_alert(session, w_closed, session.get(Record, ids["old_confirmed"]), status="confirmed")
        doomed = make_alert(session, w_closed, session.get(Record, ids["old_closed"]),
                            status="dismissed", events=[("dismiss", "dismissed")])
        session.add(WebhookDelivery(alert_id=doomed.id, case_id=closed.id, url="https://x.test/"))
        for key in ("old_free", "new_free"):
            session.add(ScreenQueue(record_id=ids[key]))
        ids["doomed_alert"] = doomed.id
        ids["closed_case"] = closed.id
        return ids


def test_retention_purges_only_old_unlinked_records_and_their_dependants(engine, world):
    with transaction(engine) as session:
        audit_before = session.scalar(select(func.count()).select_from(AuditEvent))
        admin = get_user(session, "admin")
    result = run_retention(engine, admin, SETTINGS)
    assert (result.records, result.alerts) == (2, 1)
    with transaction(engine) as session:
        left = set(session.scalars(select(Record.source_id)))
        assert left == {"old_open", "old_confirmed", "new_free"}
        assert session.get(Alert, world["doomed_alert"]) is None
        assert session.scalar(select(func.count()).select_from(AlertEvent)) == 0
        assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
        assert set(session.scalars(select(ScreenQueue.record_id))) == {world["new_free"]}
        assert session.scalar(select(func.count()).select_from(Alert)) == 2
        erasures = session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_(("record.erase", "alert.erase")))
            .order_by(AuditEvent.seq)
        ).all()
        total = session.scalar(select(func.count()).select_from(AuditEvent))
    assert total == audit_before + 4  # 2 records + 1 alert + the run itself; none deleted
    assert sorted((e.action, e.object_id) for e in erasures) == sorted([
        ("alert.erase", str(world["doomed_alert"])),
        ("record.erase", str(world["old_free"])),
        ("record.erase", str(world["old_closed"])),
    ])
    for event in erasures:  # ids only, never content
        text = " ".join(str(v) for v in (event.purpose, event.params_digest, event.object_id))
        assert "Secret Name" not in text and "old_free" not in text
    assert next(e for e in erasures if e.action == "alert.erase").case_id == world["closed_case"]


def test_dry_run_counts_and_deletes_nothing(engine, world):
    with transaction(engine) as session:
        admin = get_user(session, "admin")
    result = run_retention(engine, admin, SETTINGS, dry_run=True)
    assert (result.records, result.alerts, result.dry_run) == (2, 1, True)
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(Record)) == 5
        run = session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.dry_run")).one()
        assert '"records":2' in run.params_digest


def test_a_second_run_finds_nothing_and_the_chain_stays_intact(engine, world):
    from casewatch.audit.verify import verify

    with transaction(engine) as session:
        admin = get_user(session, "admin")
    run_retention(engine, admin, SETTINGS)
    again = run_retention(engine, admin, SETTINGS)
    assert (again.records, again.alerts) == (0, 0)
    with transaction(engine) as session:
        assert verify(session).ok


def test_cli_retention_run_is_for_admins(cli, world):
    refused = cli("--as", "ana", "retention", "run")
    assert refused.code == 4 and "retention.run needs the admin role" in refused.stderr
    done = cli("retention", "run", "--dry-run")
    assert done.code == 0 and "would erase 0 records" in done.stdout  # default: 3 years
