"""The authorisation matrix: every endpoint x every role x own case / other team's case / no case.

Each cell asserts the exact status, that the request left at least one audit
event, and, for red-team callers and anonymous ones, that nothing of the blue
team's case (title, legal basis, subject, ids of its case, watches and alerts)
appears anywhere in the response. Write endpoints get fresh objects per cell,
so that one cell's change never decides another's answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from casewatch.alerts import propose
from casewatch.api import create_app
from casewatch.audit.checkpoint import checkpoint_now
from casewatch.auth.users import get_user
from casewatch.cases import add_watch, build_subject, create_case
from casewatch.db.engine import transaction
from casewatch.db.models import AuditCheckpoint, AuditEvent, utcnow
from casewatch.settings import Settings
from tests.api_world import (
    BLUE_BASIS,
    BLUE_SECRETS,
    BLUE_SUBJECT,
    BLUE_TITLE,
    World,
    alert,
    build_world,
    record,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

ROLES = {"analyst": "ana", "supervisor": "sam", "auditor": "aud", "admin": "admin", "none": None}
RED_TEAM = ("analyst", "supervisor", "none")


@dataclass
class Objects:
    case: int
    watch: int
    alert: int
    record: int
    entity: str


def fresh(engine: Engine, world: World, scope: str, proposed: bool = False) -> Objects:
    """A new case (red for "own", blue for "other") with one watch, record and alert."""
    if scope == "none":
        return Objects(world.red_case, world.red_watch, world.red_alert, world.red_record, "rec-ivan")
    if scope == "other-existing":
        return Objects(world.blue_case, world.blue_watch, world.blue_alert, world.blue_record,
                       "rec-zeb")
    owner, title, basis, name = (
        ("ana", "Red side case", "AML Act s.12", "Olga Ivanova") if scope == "own"
        else ("bob", BLUE_TITLE, BLUE_BASIS, BLUE_SUBJECT))
    with transaction(engine) as s:
        who = get_user(s, owner)
        case = create_case(s, who, title=title, legal_basis=basis,
                           review_date=utcnow().date() + timedelta(days=60))
        watch = add_watch(s, who, case.id, build_subject("Person", name), retro=False)
        rec = record(s, f"rec-{case.id}", "Public Record Person")
        row = alert(s, watch, rec)
        if proposed:
            propose(s, who, row.id)
        ids = Objects(case.id, watch.id, row.id, rec.id, rec.entity_id)
    if scope == "other":
        world.extra_blue.append((ids.case, ids.watch, ids.alert))
    return ids


#: close to the blue subject (so a leak would show it) but not one of the secrets itself
MATCH = {"queries": {"q1": {"schema": "Person",
                            "properties": {"name": [BLUE_SUBJECT.replace("-", " ")]}}}}
JSONL = json.dumps({"id": "imp-1", "schema": "Company", "properties": {"name": ["Import Co"]}})


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    #: expected status by (role, scope); scope "none" for endpoints without a case
    expect: Callable[[str, str], int]
    json: Any = None
    files: Any = None
    scoped: bool = True
    proposed: bool = False


def everyone(ok: int = 200) -> Callable[[str, str], int]:
    return lambda role, scope: ok


def only(roles: tuple[str, ...], ok: int = 200) -> Callable[[str, str], int]:
    return lambda role, scope: ok if role in roles else 403


def case_read(ok: int = 200) -> Callable[[str, str], int]:
    """Team members see their own case; auditors and admins every case; others get 404."""
    return lambda role, scope: 404 if scope == "other" and role in RED_TEAM else ok


def case_write(ok: int = 200, auditor: int = 403) -> Callable[[str, str], int]:
    """Writers change their own team's cases (admins any); auditors never (403)."""
    def rule(role: str, scope: str) -> int:
        if role == "auditor":
            return auditor
        return 404 if scope == "other" and role in RED_TEAM else ok
    return rule


def supervisor_step(role: str, scope: str) -> int:
    if role != "supervisor":
        return 403
    return 404 if scope == "other" else 200


def admin_assign(role: str, scope: str) -> int:
    if role == "admin":
        return 400  # admins are not on a team: cannot be assignees
    return case_write()(role, scope)


def match_case(role: str, scope: str) -> int:
    if scope == "other" and role in RED_TEAM:
        return 404
    return 403 if role == "auditor" else 200


ENDPOINTS = [
    Endpoint("GET", "/me", everyone(), scoped=False),
    Endpoint("GET", "/metrics", everyone(), scoped=False),
    Endpoint("GET", "/cases", everyone(), scoped=False),
    Endpoint("POST", "/cases", only(("analyst", "supervisor", "admin"), 201), scoped=False,
             json={"title": "New case", "legal_basis": "AML Act s.1",
                   "review_date": (utcnow().date() + timedelta(days=30)).isoformat()}),
    Endpoint("GET", "/cases/{case}", case_read()),
    Endpoint("POST", "/cases/{case}/close", case_write(), json={"reason": "done"}),
    Endpoint("GET", "/cases/{case}/watches", case_read()),
    Endpoint("POST", "/cases/{case}/watches", case_write(201),
             json={"schema": "Company", "name": "Watched Co", "retro": False}),
    Endpoint("POST", "/cases/{case}/watches/import?retro=false", case_write(201),
             files={"file": ("subjects.jsonl", JSONL.encode(), "application/x-ndjson")}),
    Endpoint("POST", "/watches/{watch}/remove", case_write(), json={"reason": "gone"}),
    Endpoint("GET", "/alerts", everyone(), scoped=False),
    Endpoint("GET", "/alerts?case={case}", case_read()),
    Endpoint("GET", "/alerts/{alert}", case_read()),
    Endpoint("POST", "/alerts/{alert}/assign", admin_assign, json={}),
    Endpoint("POST", "/alerts/{alert}/note", case_write(), json={"note": "looked"}),
    Endpoint("POST", "/alerts/{alert}/escalate", case_write(), json={}),
    Endpoint("POST", "/alerts/{alert}/dismiss", case_write(), json={"note": "other person"}),
    Endpoint("POST", "/alerts/{alert}/propose", case_write(), json={}),
    Endpoint("POST", "/alerts/{alert}/confirm", supervisor_step, json={}, proposed=True),
    Endpoint("POST", "/alerts/{alert}/return", supervisor_step, json={"note": "check dob"},
             proposed=True),
    Endpoint("POST", "/alerts/{alert}/suppress", case_write(),
             json={"until": (utcnow().date() + timedelta(days=10)).isoformat(), "reason": "ok"}),
    Endpoint("POST", "/match/case-{case}?justification=check", match_case, json=MATCH),
    Endpoint("POST", "/match/default?case={case}", match_case, json=MATCH),
    Endpoint("POST", "/match/default?justification=check",
             only(("analyst", "supervisor", "admin")), json=MATCH, scoped=False),
    Endpoint("POST", "/match/default", only(("analyst", "supervisor", "admin"), 400), json=MATCH,
             scoped=False),
    Endpoint("GET", "/records?justification=check", everyone(), scoped=False),
    Endpoint("GET", "/records?case={case}", case_read()),
    Endpoint("GET", "/records", everyone(400), scoped=False),
    Endpoint("GET", "/records/{record}", everyone(), scoped=False),
    Endpoint("GET", "/entities/{entity}", everyone()),
    Endpoint("GET", "/sources", everyone(), scoped=False),
    Endpoint("GET", "/quarantine", only(("admin",)), scoped=False),
    Endpoint("GET", "/audit", only(("auditor",)), scoped=False),
    Endpoint("GET", "/audit/verify", only(("auditor",)), scoped=False),
    Endpoint("GET", "/audit/proof?event=2", only(("auditor",)), scoped=False),
    Endpoint("GET", "/audit/consistency?from={head1}&to={head2}", only(("auditor",)),
             scoped=False),
    Endpoint("GET", "/oversight/report", only(("auditor",)), scoped=False),
]
OPEN = ("/healthz", "/readyz")


def expected(endpoint: Endpoint, role: str, scope: str) -> int:
    if role == "none":
        return 401
    if endpoint.path == "/match/default" and role == "auditor":
        return 400  # the purpose is checked before the role
    return endpoint.expect(role, scope)


def leaks(body: str, world: World) -> list[str]:
    """Blue secrets or blue ids found in a response body."""
    found = [s for s in BLUE_SECRETS if s in body]
    blue = world.blue_ids
    try:
        data = json.loads(body)
    except ValueError:
        return found

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in blue and value in blue[key]:
                    found.append(f"{key}={value}")
                if key == "datasets" and isinstance(value, list):
                    found.extend(d for d in value if d in {f"case-{c}" for c in blue["case_id"]})
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return found


def audit_count(engine: Engine) -> int:
    with transaction(engine) as s:
        return s.scalar(select(func.count()).select_from(AuditEvent)) or 0


@pytest.fixture()
def setup(engine: Engine, env: Any, tmp_path: Any) -> tuple[TestClient, World]:
    world = build_world(engine)
    with transaction(engine) as s:  # two signed Merkle tree heads for the proof endpoints
        checkpoint_now(s, actor="aud")
        checkpoint_now(s, actor="aud")
    app = create_app(Settings(home=tmp_path, database_url="sqlite://"), engine)
    return TestClient(app), world


def test_authorisation_matrix(setup: tuple[TestClient, World], engine: Engine) -> None:
    client, world = setup
    with transaction(engine) as s:
        head1, head2 = s.scalars(select(AuditCheckpoint.seq).order_by(AuditCheckpoint.seq)).all()
    failures: list[str] = []
    cells = 0
    for endpoint in ENDPOINTS:
        for role, who in ROLES.items():
            for scope in (("own", "other") if endpoint.scoped else ("none",)):
                if endpoint.method == "POST" and endpoint.scoped:
                    objs = fresh(engine, world, scope, endpoint.proposed)
                else:  # reads change nothing: the world's own objects will do
                    objs = fresh(engine, world, "none" if scope == "own" else
                                 "other-existing" if scope == "other" else "none")
                path = endpoint.path.format(case=objs.case, watch=objs.watch, alert=objs.alert,
                                            record=objs.record, entity=objs.entity,
                                            head1=head1, head2=head2)
                before = audit_count(engine)
                resp = client.request(endpoint.method, path, json=endpoint.json,
                                      files=endpoint.files, headers=world.headers(who))
                cells += 1
                want = expected(endpoint, role, scope)
                where = f"{endpoint.method} {path} as {role} ({scope})"
                if resp.status_code != want:
                    failures.append(f"{where}: {resp.status_code} (want {want}) {resp.text[:200]}")
                if resp.status_code >= 400 and not resp.json().get("detail"):
                    failures.append(f"{where}: error without a detail message")
                if "Traceback" in resp.text:
                    failures.append(f"{where}: traceback in the response")
                if audit_count(engine) <= before:
                    failures.append(f"{where}: no audit event")
                if role in RED_TEAM and (found := leaks(resp.text, world)):
                    failures.append(f"{where}: LEAK {found}")
    assert cells >= 250
    assert not failures, "\n".join(failures)


def test_probes_need_no_token_and_are_not_audited(setup: tuple[TestClient, World],
                                                  engine: Engine) -> None:
    client, _ = setup
    before = audit_count(engine)
    for path in OPEN:
        resp = client.get(path)
        assert resp.status_code == 200, resp.text
    assert audit_count(engine) == before


def test_every_route_is_in_the_matrix(setup: tuple[TestClient, World]) -> None:
    """A new endpoint must be added to the matrix (so its access rules are tested)."""
    client, _ = setup
    schema = client.get("/openapi.json").json()
    covered = {(e.method, e.path.split("?")[0].replace("{case}", "{case_id}")
                .replace("{watch}", "{watch_id}").replace("{alert}", "{alert_id}")
                .replace("{record}", "{record_id}").replace("{entity}", "{entity_id}")
                .replace("case-{case_id}", "{dataset}").replace("/default", "/{dataset}"))
               for e in ENDPOINTS}
    routes = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops
              if p not in OPEN}
    assert routes - covered == set()


def test_leak_detector_sees_what_an_auditor_may_see(setup: tuple[TestClient, World]) -> None:
    """The leak check is real: the same answers given to an auditor do contain blue's case."""
    client, world = setup
    body = client.get(f"/cases/{world.blue_case}", headers=world.headers("aud")).text
    assert BLUE_TITLE in leaks(body, world) and f"case_id={world.blue_case}" in leaks(body, world)
    alerts = client.get("/alerts", headers=world.headers("admin")).text
    assert f"alert_id={world.blue_alert}" in leaks(alerts, world)
