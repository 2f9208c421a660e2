"""The audit log: chain, concurrency, checkpoints, tamper detection, reading it."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
import time

import orjson
import pytest
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import event, func, select, text

from casewatch.audit import append, append_committed, append_many
from casewatch.audit.checkpoint import DOMAIN_V2, checkpoint_now, export_checkpoints
from casewatch.audit.keys import PRIVATE_NAME, keys_dir
from casewatch.audit.log import event_hash
from casewatch.audit.read import AuditFilter, read_events
from casewatch.audit.verify import verify
from casewatch.auth import get_user
from casewatch.db.engine import make_engine, session_factory, transaction
from casewatch.db.models import AuditCheckpoint, AuditEvent
from casewatch.errors import Denied
from casewatch.settings import get_settings
from tests.helpers_accountability import seed_users, tamper, unguard_audit
from tests.test_audit_merkle import reference_root


def fill(engine, n, start=0):
    with transaction(engine) as session:
        append_many(session, (dict(actor="ana", action="search", purpose=f"case:{i}",
                                   params={"q": f"name {i}"}) for i in range(start, start + n)))


def check(engine, **kw):
    with session_factory(engine)() as session:
        return verify(session, **kw)


@pytest.fixture()
def every5(env, monkeypatch):
    monkeypatch.setenv("CASEWATCH_CHECKPOINT_EVERY", "5")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_append_chains_events_and_verify_accepts_them(engine, env):
    with transaction(engine) as session:
        first = append(session, actor="ana", action="search", purpose="case:1", params={"q": "x"})
        second = append(session, actor="ana", action="record.view", object_type="record",
                        object_id=9, case_id=1)
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash != event_hash(first.hash, {})
    fill(engine, 30)
    result = check(engine)
    assert result.ok and result.events == 32 and result.problem is None


def test_checkpoints_are_signed_every_n_events_with_a_private_key_file(engine, every5):
    fill(engine, 12)
    with transaction(engine) as session:
        append(session, actor="ana", action="search")  # seq 13
        append(session, actor="ana", action="search")
        append(session, actor="ana", action="search")  # seq 15: a checkpoint in append()
        heads = session.execute(select(AuditCheckpoint.seq, AuditCheckpoint.root_hash)).all()
        hashes = dict(session.execute(select(AuditEvent.seq, AuditEvent.hash)).all())
    assert [seq for seq, _ in heads] == [5, 10, 15]
    # version 2 heads: the RFC 9162 Merkle root over events 1..seq (tests/test_audit_merkle.py)
    assert all(root == reference_root([hashes[i] for i in range(1, seq + 1)]).hex()
               for seq, root in heads)
    key = keys_dir() / PRIVATE_NAME
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    result = check(engine)
    assert result.ok and result.checkpoints == 3 and result.last_checkpoint_seq == 15


def test_exported_checkpoints_verify_with_nothing_but_the_json(engine, env):
    fill(engine, 3)
    with transaction(engine) as session:
        checkpoint_now(session, actor="aud")
        data = orjson.loads(orjson.dumps(export_checkpoints(session)))
    public = load_pem_public_key(data["public_key_pem"].encode())
    [cp] = data["checkpoints"]
    assert cp["seq"] == 4 and data["log_size"] == 4 and cp["version"] == 2
    message = DOMAIN_V2 + orjson.dumps(
        {"at": cp["at"], "root_hash": cp["root_hash"], "seq": cp["seq"]},
        option=orjson.OPT_SORT_KEYS,
    )
    public.verify(base64.b64decode(cp["signature"]), message)  # raises if forged


def test_changed_event_is_named(engine, env):
    fill(engine, 10)
    tamper(engine, "UPDATE audit_events SET purpose = 'nothing to see' WHERE seq = 4")
    result = check(engine)
    assert not result.ok
    assert str(result.problem) == (
        "audit event seq 4: hash mismatch: its content was changed after it was written")


def test_deleted_event_is_named(engine, env):
    fill(engine, 10)
    tamper(engine, "DELETE FROM audit_events WHERE seq = 6")
    result = check(engine)
    assert (result.problem.seq, result.problem.kind) == (6, "missing seq (deleted)")


def test_reordered_events_are_named(engine, env):
    fill(engine, 10)
    tamper(engine, "UPDATE audit_events SET seq = -1 WHERE seq = 7")
    tamper(engine, "UPDATE audit_events SET seq = 7 WHERE seq = 8")
    tamper(engine, "UPDATE audit_events SET seq = 8 WHERE seq = -1")
    result = check(engine)
    assert (result.problem.seq, result.problem.kind) == (7, "prev_hash mismatch")


def test_rewritten_history_contradicts_a_signed_checkpoint(engine, every5):
    """Recomputing every hash after a change fools the chain but not the checkpoint."""
    fill(engine, 10)
    unguard_audit(engine)
    with transaction(engine) as session:
        rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        prev = rows[2].hash
        for row in rows[3:]:
            if row.seq == 4:
                row.actor = "someone else"
            values = {k: getattr(row, k) for k in (
                "seq", "at", "actor", "action", "object_type", "object_id", "case_id",
                "purpose", "params_digest", "outcome")}
            row.prev_hash, row.hash = prev, event_hash(prev, values)
            prev = row.hash
    result = check(engine)
    assert (result.problem.seq, result.problem.kind) == (5, "checkpoint mismatch")


def test_truncated_log_contradicts_a_signed_checkpoint(engine, every5):
    fill(engine, 10)
    tamper(engine, "DELETE FROM audit_events WHERE seq > 8")
    result = check(engine)
    assert (result.problem.seq, result.problem.kind) == (9, "checkpoint mismatch")
    assert "ends at seq 8" in result.problem.detail


def test_forged_checkpoint_signature_is_named(engine, every5):
    fill(engine, 5)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_checkpoints_no_update"))
        else:
            conn.execute(text("ALTER TABLE audit_checkpoints DISABLE TRIGGER audit_checkpoints_append_only"))
        conn.execute(text("UPDATE audit_checkpoints SET root_hash = :h"), {"h": "f" * 64})
    result = check(engine)
    assert (result.problem.seq, result.problem.kind) == (5, "bad signature")


def test_the_database_refuses_update_and_delete_of_audit_rows(engine, env):
    fill(engine, 2)
    for sql in ("UPDATE audit_events SET actor = 'x'", "DELETE FROM audit_events"):
        with pytest.raises(Exception, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(sql))


def test_cli_audit_verify_names_the_tampered_event(engine, cli):
    assert cli("init").code == 0
    fill(engine, 5)
    ok = cli("audit", "verify")
    assert ok.code == 0 and "audit log intact: 6 events" in ok.stdout  # + init's user.create
    tamper(engine, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 3")
    bad = cli("audit", "verify")
    assert bad.code == 1
    assert "audit event seq 3: hash mismatch" in bad.stderr and "Traceback" not in bad.stderr


APPENDER = """
import os, sys, time
from casewatch.audit import append
from casewatch.db.engine import make_engine, transaction
engine = make_engine(sys.argv[1])
open(sys.argv[4] + "." + sys.argv[2], "w").close()
while not os.path.exists(sys.argv[4]):  # start together
    time.sleep(0.01)
for i in range(int(sys.argv[3])):
    with transaction(engine) as session:
        session.execute(__import__("sqlalchemy").text("SELECT 1"))  # a read before the append
        append(session, actor=sys.argv[2], action="search", params={"i": i})
    time.sleep(0.003)  # give the other writer its turn, so the two really interleave
"""


def test_two_processes_appending_never_fork_the_chain(engine, db_url, env, tmp_path):
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", APPENDER, db_url, who, "150", str(go)],
                         env={**os.environ, **env}, stderr=subprocess.PIPE, text=True)
        for who in ("p1", "p2")
    ]
    deadline = time.monotonic() + 120
    while not all((tmp_path / f"go.{who}").exists() for who in ("p1", "p2")):
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.02)
    go.touch()
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 300
        per_actor = dict(session.execute(
            select(AuditEvent.actor, func.count()).group_by(AuditEvent.actor)).all())
        actors = session.scalars(select(AuditEvent.actor).order_by(AuditEvent.seq)).all()
    assert per_actor == {"p1": 150, "p2": 150}
    switches = sum(a != b for a, b in zip(actors, actors[1:], strict=False))
    assert switches >= 10, "the two writers did not actually overlap"
    result = check(engine)
    assert result.ok and result.head_seq == 300


def test_committed_append_survives_the_callers_rollback(engine, env):
    with pytest.raises(RuntimeError):
        with transaction(engine) as session:
            session.execute(select(1))
            append_committed(session, actor="bob", action="case.view", case_id=3,
                             outcome="denied")
            raise RuntimeError("the request failed")
    with transaction(engine) as session:
        assert session.scalars(select(AuditEvent.actor)).all() == ["bob"]


def test_only_auditors_read_the_log_and_reading_is_logged(engine, env):
    with transaction(engine) as session:
        seed_users(session)
        append(session, actor="ana", action="search", case_id=1, purpose="case:1")
        append(session, actor="bob", action="search", case_id=2, purpose="tip")
    for name in ("admin", "ana", "sam"):
        with pytest.raises(Denied):
            with transaction(engine) as session:
                read_events(session, get_user(session, name), AuditFilter())
    with transaction(engine) as session:
        rows = list(read_events(session, get_user(session, "aud"),
                                AuditFilter(action="search", actor="bob")))
        assert [(r.actor, r.purpose) for r in rows] == [("bob", "tip")]
    with transaction(engine) as session:
        reads = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "audit.read").order_by(AuditEvent.seq)
        ).all()
    assert [(e.actor, e.outcome) for e in reads] == [
        ("admin", "denied"), ("ana", "denied"), ("sam", "denied"), ("aud", "success")]
    assert orjson.loads(reads[-1].params_digest) == {"action": "search", "actor": "bob"}


@pytest.mark.skipif(not os.environ.get("CASEWATCH_TEST_DATABASE_URL"), reason="PostgreSQL only")
def test_app_role_cannot_update_or_delete_audit_rows_on_postgresql(engine, env):
    from casewatch.audit.grants import grant_app_role

    fill(engine, 600)  # enough for stored Merkle subtrees (256 leaves and up)
    role = f"cw_app_{os.getpid()}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        conn.execute(text(f"CREATE ROLE {role} NOLOGIN"))
    try:
        grant_app_role(engine, role)
        app = make_engine(engine.url.render_as_string(hide_password=False))

        @event.listens_for(app, "connect")
        def _as_app_role(dbapi_conn, _record):
            with dbapi_conn.cursor() as cur:
                cur.execute(f"SET ROLE {role}")
            dbapi_conn.commit()

        for sql in ("UPDATE audit_events SET actor = 'x' WHERE seq = 1",
                    "DELETE FROM audit_events WHERE seq = 1",
                    "TRUNCATE audit_events",
                    "DELETE FROM audit_merkle_nodes"):
            with pytest.raises(Exception, match="permission denied"):
                with app.begin() as conn:
                    conn.execute(text(sql))
        with transaction(app) as session:  # the app role may still append and read
            assert session.scalar(text("SELECT current_user")) == role
            append(session, actor="app", action="search")
            checkpoint_now(session, actor="app")  # stores Merkle subtrees and a frontier too
        app.dispose()
        assert check(engine).ok
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
