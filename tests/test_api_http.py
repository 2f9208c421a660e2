"""Real HTTP: ``casewatch serve`` (uvicorn, two workers) on 127.0.0.1, and the audit trail.

One test starts the real server in a subprocess and talks to it with httpx;
the others use the in-process app to check that every request leaves exactly
the audit event it should, including refusals and malformed requests.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from casewatch.api import create_app
from casewatch.db.engine import transaction
from casewatch.db.models import AuditEvent
from casewatch.settings import Settings
from tests.api_world import World, build_world

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

QUERY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ivan Petrov"]}}}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def events(engine: Engine, after: int = 0) -> list[AuditEvent]:
    with transaction(engine) as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.seq > after)
                              .order_by(AuditEvent.seq)))


def head(engine: Engine) -> int:
    found = events(engine)
    return found[-1].seq if found else 0


def test_serve_answers_over_real_http(engine: Engine, env: dict[str, str]) -> None:
    world = build_world(engine)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from casewatch.cli import main; main()", "serve",
         "--port", str(port), "--workers", "2"],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
            assert client.get("/readyz").json()["status"] == "ok"
            assert client.get("/me").status_code == 401
            me = client.get("/me", headers=world.headers("ana"))
            assert me.json() == {"name": "ana", "role": "analyst", "team": "red"}
            for _ in range(6):  # reaches both workers
                resp = client.post(f"/match/case-{world.red_case}?justification=http", json=QUERY,
                                   headers=world.headers("ana"))
                assert resp.status_code == 200, resp.text
                assert resp.json()["responses"]["q"]["results"][0]["id"] == "red-subject"
            metrics = client.get("/metrics", headers=world.headers("aud")).text
            assert "casewatch_match_screening_seconds_count 6.0" in metrics
            assert "casewatch_audit_chain_length" in metrics
            assert 'casewatch_alerts{status="new"} 2.0' in metrics
            assert client.get("/openapi.json").json()["info"]["title"] == "casewatch"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    matches = [e for e in events(engine) if e.action == "match"]
    assert len(matches) == 6 and {e.actor for e in matches} == {"ana"}


def test_serve_refuses_an_uninitialised_database(tmp_path: Path) -> None:
    env = {**os.environ, "CASEWATCH_HOME": str(tmp_path),
           "CASEWATCH_DATABASE_URL": f"sqlite:///{tmp_path}/empty.db"}
    proc = subprocess.run([sys.executable, "-c", "from casewatch.cli import main; main()",
                           "serve", "--port", str(free_port())], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode != 0
    assert "casewatch init" in proc.stderr and "Traceback" not in proc.stderr


@pytest.fixture()
def api(engine: Engine, tmp_path: Path) -> tuple[TestClient, World]:
    world = build_world(engine)
    return TestClient(create_app(Settings(home=tmp_path), engine)), world


def test_each_request_leaves_one_event_with_its_outcome(api: tuple[TestClient, World],
                                                       engine: Engine) -> None:
    client, world = api
    cases = [
        (dict(method="GET", url="/sources"), "ana", "source.status", "success"),
        (dict(method="GET", url="/me"), None, "user.me", "denied"),
        (dict(method="GET", url="/me", headers={"Authorization": "Bearer cw_wrong"}), None,
         "user.me", "denied"),
        (dict(method="GET", url="/cases/abc"), "ana", "case.view", "error"),
        (dict(method="GET", url=f"/cases/{world.blue_case}"), "ana", "case.view", "denied"),
        (dict(method="POST", url="/match/default", json=QUERY), "ana", "match", "error"),
        (dict(method="GET", url="/quarantine"), "ana", "quarantine.list", "denied"),
    ]
    for request, who, action, outcome in cases:
        before = head(engine)
        kwargs = dict(request)
        kwargs.setdefault("headers", world.headers(who))
        resp = client.request(**kwargs)  # type: ignore[arg-type]
        new = events(engine, before)
        assert len(new) == 1, (request, [(e.action, e.outcome) for e in new])
        assert (new[0].action, new[0].outcome) == (action, outcome), (request, resp.text)
        assert new[0].actor == (who or "anonymous")


def test_generic_event_records_object_and_search_terms(api: tuple[TestClient, World],
                                                       engine: Engine) -> None:
    client, world = api
    before = head(engine)
    resp = client.get("/records?justification=fraud+tip+42&q=petrov",
                      headers=world.headers("sam"))
    assert resp.status_code == 200 and resp.json()["records"][0]["caption"] == "Ivan Petrov"
    [event] = events(engine, before)
    assert event.action == "search" and event.purpose == "fraud tip 42"
    assert json.loads(event.params_digest or "{}")["q"] == "petrov"


def test_reading_the_audit_log_is_logged_and_for_auditors_only(
    api: tuple[TestClient, World], engine: Engine
) -> None:
    client, world = api
    assert client.get("/audit", headers=world.headers("admin")).status_code == 403
    resp = client.get("/audit?actor=admin", headers=world.headers("aud"))
    assert resp.status_code == 200
    assert all(e["actor"] == "admin" for e in resp.json()["events"])
    last = events(engine)[-1]
    assert (last.actor, last.action, last.outcome) == ("aud", "audit.read", "success")
    verify = client.get("/audit/verify", headers=world.headers("aud")).json()
    assert verify["ok"] is True and verify["events"] >= last.seq


def test_triage_through_the_api_needs_two_people(api: tuple[TestClient, World]) -> None:
    client, world = api
    alert = world.red_alert
    ok = client.post(f"/alerts/{alert}/propose", json={"note": "same dob"},
                     headers=world.headers("sam"))
    assert ok.json()["status"] == "proposed"
    same = client.post(f"/alerts/{alert}/confirm", json={}, headers=world.headers("sam"))
    assert same.status_code == 403 and "two different people" in same.json()["detail"]
    other = client.post(f"/alerts/{alert}/confirm", json={}, headers=world.headers("sue"))
    assert other.status_code == 200 and other.json()["status"] == "confirmed"
    detail = client.get(f"/alerts/{alert}", headers=world.headers("ana")).json()
    assert [h["action"] for h in detail["history"]] == ["propose", "confirm"]


def test_bulk_import_of_json_lines(api: tuple[TestClient, World]) -> None:
    client, world = api
    lines = "\n".join(json.dumps({"id": f"co-{i}", "schema": "Company",
                                  "properties": {"name": [f"Import Company {i}"]}})
                      for i in range(5))
    resp = client.post(f"/cases/{world.red_case}/watches/import?retro=false",
                       files={"file": ("firms.jsonl", lines.encode(), "application/x-ndjson")},
                       headers=world.headers("ana"))
    assert resp.status_code == 201, resp.text
    assert resp.json()["imported"] == 5
    bad = client.post(f"/cases/{world.red_case}/watches/import",
                      files={"file": ("bad.jsonl", b'{"id": "x"}\nnot json\n', "text/plain")},
                      headers=world.headers("ana"))
    assert bad.status_code == 400 and "bad.jsonl" in bad.json()["detail"]
    listed = client.get(f"/cases/{world.red_case}/watches", headers=world.headers("ana"))
    assert len(listed.json()["watches"]) == 6
