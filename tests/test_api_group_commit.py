"""The /match hot path: audit group commit and the token cache keep accountability intact.

- :class:`casewatch.audit.group.GroupWriter` commits concurrent events in
  batches without forking the chain (also against plain ``append`` callers),
  tells each waiter its own event, and fails every waiter of a failed batch
  with nothing stored;
- ``POST /match`` answers only after its own ``match`` event is committed;
- token revocation, deactivation, role changes and expiry apply on the next request.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import Future
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, update

from casewatch.api import create_app
from casewatch.audit import append
from casewatch.audit.group import GroupWriter
from casewatch.audit.verify import verify
from casewatch.auth.tokens import revoke_token, token_hash
from casewatch.auth.users import set_active
from casewatch.db.engine import transaction
from casewatch.db.models import ApiToken, AuditEvent, User, utcnow
from casewatch.settings import Settings
from tests.api_world import World, build_world

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

QUERY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ivan Petrov"]}}}}


def all_events(engine: Engine) -> list[AuditEvent]:
    with transaction(engine) as s:
        return list(s.scalars(select(AuditEvent).order_by(AuditEvent.seq)))


def test_group_writer_batches_chains_and_answers_each_waiter(engine: Engine) -> None:
    gate = threading.Lock()
    writer = GroupWriter(engine, lock=lambda: gate)
    futures: dict[int, Future[int]] = {}
    with gate:  # the writer waits here, so the events queue up and commit together
        for i in range(20):
            futures[i] = writer.submit(actor=f"user{i}", action="match", purpose=f"case:{i}",
                                       params={"q": f"name {i}"})
        # a plain append in another transaction meanwhile: the chain must not fork
        with transaction(engine) as s:
            append(s, actor="cli", action="case.view", object_type="case", object_id=1)
    seqs = {i: f.result(timeout=30) for i, f in futures.items()}
    writer.close()
    assert sorted(seqs.values()) == list(range(min(seqs.values()), min(seqs.values()) + 20))
    assert writer.events == 20 and writer.batches <= 2  # one or two commits, not twenty
    by_seq = {e.seq: e for e in all_events(engine)}
    for i, seq in seqs.items():  # each waiter got its own event, fields intact
        event = by_seq[seq]
        assert (event.actor, event.action, event.purpose, event.outcome) == (
            f"user{i}", "match", f"case:{i}", "success")
        assert json.loads(event.params_digest or "{}") == {"q": f"name {i}"}
    with transaction(engine) as s:
        result = verify(s)
    assert result.ok, result.problem


def test_a_failed_batch_fails_every_waiter_and_stores_nothing(engine: Engine) -> None:
    before = len(all_events(engine))
    gate = threading.Lock()
    writer = GroupWriter(engine, lock=lambda: gate)
    with gate:
        good = writer.submit(actor="ana", action="match")
        bad = writer.submit(actor=None, action="match")  # NOT NULL: the INSERT fails
    for future in (good, bad):
        with pytest.raises(Exception):  # noqa: B017 (the database's own integrity error)
            future.result(timeout=30)
    writer.close()
    assert len(all_events(engine)) == before
    with pytest.raises(ValueError, match="outcome"):
        writer.submit(actor="ana", action="match", outcome="maybe")


@pytest.fixture()
def api(engine: Engine, tmp_path: Path) -> tuple[TestClient, World]:
    world = build_world(engine)
    return TestClient(create_app(Settings(home=tmp_path), engine)), world


def test_match_answers_after_its_event_is_committed(api: tuple[TestClient, World],
                                                   engine: Engine) -> None:
    client, world = api
    writer: GroupWriter = client.app.state.audit_writer  # type: ignore[attr-defined]
    before = all_events(engine)[-1].seq
    resp = client.post(f"/match/case-{world.red_case}?justification=tip+7", json=QUERY,
                       headers=world.headers("ana"))
    assert resp.status_code == 200, resp.text
    # read in a fresh transaction as soon as the answer is here: the event is already stored
    [event] = [e for e in all_events(engine) if e.seq > before]
    assert (event.actor, event.action, event.purpose, event.outcome) == (
        "ana", "match", "tip 7", "success")
    digest = json.loads(event.params_digest or "{}")
    assert digest["queries"]["q"]["properties"]["name"] == ["Ivan Petrov"]
    assert digest["results"]["q"] == ["red-subject"]
    assert writer.events == 1  # it went through the group writer


def test_revocation_deactivation_and_role_changes_apply_on_the_next_request(
        api: tuple[TestClient, World], engine: Engine) -> None:
    """No token cache to go stale: every request re-reads the token and its user."""
    client, world = api
    ana, bob = world.headers("ana"), world.headers("bob")
    for _ in range(3):  # used again and again, as a client would
        assert client.get("/me", headers=ana).status_code == 200
    with transaction(engine) as s:  # revoked from outside the server (the CLI, another worker)
        revoke_token(s, world.tokens["ana"], actor="system")
    resp = client.get("/me", headers=ana)
    assert resp.status_code == 401 and "revoked" in resp.json()["detail"]
    resp = client.post(f"/match/case-{world.red_case}?justification=x", json=QUERY, headers=ana)
    assert resp.status_code == 401
    assert client.get("/me", headers=bob).json()["role"] == "analyst"
    with transaction(engine) as s:
        s.execute(update(User).where(User.name == "bob").values(role="auditor"))
    assert client.get("/me", headers=bob).json()["role"] == "auditor"
    with transaction(engine) as s:
        set_active(s, "bob", False, actor="system")
    assert client.get("/me", headers=bob).status_code == 401
    # an unknown token stays refused
    assert client.get("/me", headers={"Authorization": "Bearer cw_nope"}).status_code == 401


def test_token_expiry_is_exact(api: tuple[TestClient, World], engine: Engine) -> None:
    client, world = api
    with transaction(engine) as s:
        s.execute(update(ApiToken).where(ApiToken.token_hash == token_hash(world.tokens["bob"]))
                  .values(expires_at=utcnow() + timedelta(seconds=1.5)))
    headers = world.headers("bob")
    assert client.get("/me", headers=headers).status_code == 200
    time.sleep(1.6)
    assert client.get("/me", headers=headers).status_code == 401
