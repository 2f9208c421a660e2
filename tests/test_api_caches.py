"""The API's per-process caches stay exact: tokens and the hits' watches, trusted per change counter.

- ``change_generations`` is bumped by database triggers whenever users, tokens
  or watches are updated or deleted, by whatever code (a service, raw SQL, the CLI);
- a token revoked or a user deactivated by the CLI, in another process, is
  refused on the very next request, although the server had the token cached;
- a watch removed or renewed is re-read on the next /match, and a cached watch
  that expires meanwhile is never answered;
- a case screener's refresh adds only its case's new watches, by one index range
  (SQLite's plan is checked);
- /match's lean request handler answers bad input as FastAPI did (401 first,
  then every 422 problem located).
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text, update

from casewatch.api import create_app
from casewatch.api.screeners import ScreenerCache
from casewatch.auth.tokens import TokenChecker, token_hash
from casewatch.auth.users import get_user
from casewatch.cases import add_watch, build_subject, remove_watch
from casewatch.db.engine import transaction
from casewatch.db.models import ApiToken, ChangeGeneration, User, Watch, utcnow
from casewatch.settings import Settings
from tests.api_world import World, build_world

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

QUERY = {"queries": {"q": {"schema": "Person", "properties": {"name": ["Ivan Petrov"]}}}}


@pytest.fixture()
def api(engine: Engine, tmp_path: Path) -> tuple[TestClient, World]:
    world = build_world(engine)
    return TestClient(create_app(Settings(home=tmp_path), engine)), world


def counters(engine: Engine) -> dict[str, int]:
    with transaction(engine) as s:
        return {row.name: row.n for row in s.scalars(select(ChangeGeneration))}


def match_ids(client: TestClient, world: World) -> list[str]:
    resp = client.post(f"/match/case-{world.red_case}?case={world.red_case}", json=QUERY,
                       headers=world.headers("ana"))
    assert resp.status_code == 200, resp.text
    return [r["id"] for r in resp.json()["responses"]["q"]["results"]]


def test_triggers_bump_the_counters_whoever_changes_the_rows(api: tuple[TestClient, World],
                                                              engine: Engine) -> None:
    _, world = api
    before = counters(engine)
    with transaction(engine) as s:  # raw SQL: no service remembers anything
        s.execute(update(User).where(User.name == "bob").values(role="auditor"))
    after_role = counters(engine)
    assert after_role["auth"] > before["auth"] and after_role["watches"] == before["watches"]
    with transaction(engine) as s:
        remove_watch(s, get_user(s, "ana"), world.red_watch)
    after_removal = counters(engine)
    assert after_removal["watches"] > after_role["watches"]
    assert after_removal["auth"] == after_role["auth"]


def test_cli_revocation_in_another_process_applies_to_the_next_request(
        api: tuple[TestClient, World], engine: Engine, cli: Any) -> None:
    client, world = api
    checker: TokenChecker = client.app.state.tokens  # type: ignore[attr-defined]
    ana, bob = world.headers("ana"), world.headers("bob")
    for _ in range(3):
        assert client.get("/me", headers=ana).status_code == 200
        assert client.get("/me", headers=bob).status_code == 200
    reads = checker.reads
    assert client.get("/me", headers=ana).status_code == 200
    assert checker.reads == reads and checker.hits >= 4  # answered from memory
    result = cli("token", "revoke", world.tokens["ana"])
    assert result.code == 0, result.stderr
    resp = client.post(f"/match/case-{world.red_case}?case={world.red_case}", json=QUERY,
                       headers=ana)
    assert resp.status_code == 401 and "revoked" in resp.json()["detail"]
    assert client.get("/me", headers=bob).status_code == 200
    result = cli("user", "deactivate", "bob")
    assert result.code == 0, result.stderr
    assert client.get("/me", headers=bob).status_code == 401


def test_a_cached_token_expires_exactly(api: tuple[TestClient, World], engine: Engine) -> None:
    client, world = api
    checker: TokenChecker = client.app.state.tokens  # type: ignore[attr-defined]
    with transaction(engine) as s:
        s.execute(update(ApiToken).where(ApiToken.token_hash == token_hash(world.tokens["sam"]))
                  .values(expires_at=utcnow() + timedelta(seconds=1.2)))
    headers = world.headers("sam")
    assert client.get("/me", headers=headers).status_code == 200
    reads = checker.reads
    assert client.get("/me", headers=headers).status_code == 200
    assert checker.reads == reads  # cached, with its expiry
    time.sleep(1.3)
    assert client.get("/me", headers=headers).status_code == 401


def test_removed_watch_is_not_answered_from_memory(api: tuple[TestClient, World],
                                                   engine: Engine) -> None:
    client, world = api
    rows = client.app.state.screeners.watch_rows  # type: ignore[attr-defined]
    assert match_ids(client, world) == ["red-subject"]
    reads = rows.reads
    assert match_ids(client, world) == ["red-subject"]
    assert rows.reads == reads  # the hit was completed from memory
    with transaction(engine) as s:  # as another process would
        remove_watch(s, get_user(s, "ana"), world.red_watch)
    assert match_ids(client, world) == []


def test_cached_watch_that_expires_is_never_answered(api: tuple[TestClient, World],
                                                     engine: Engine) -> None:
    client, world = api
    rows = client.app.state.screeners.watch_rows  # type: ignore[attr-defined]
    with transaction(engine) as s:
        s.execute(update(Watch).where(Watch.id == world.red_watch)
                  .values(expires_at=utcnow() + timedelta(seconds=1.2)))
    assert match_ids(client, world) == ["red-subject"]
    reads = rows.reads
    time.sleep(1.3)
    assert match_ids(client, world) == []
    assert rows.reads == reads  # decided from the expiry kept in memory


def test_refresh_reads_only_new_watches_of_its_case(api: tuple[TestClient, World],
                                                    engine: Engine) -> None:
    _, world = api
    cache = ScreenerCache(refresh_seconds=0)
    with transaction(engine) as s, cache.case(s, world.red_case) as screener:
        assert len(screener) == 1
    with transaction(engine) as s:
        blue = add_watch(s, get_user(s, "bob"), world.blue_case,
                         build_subject("Person", "Ivan Petrovsky", subject_id="b2"), retro=False)
        red = add_watch(s, get_user(s, "ana"), world.red_case,
                        build_subject("Person", "Olga Petrova", subject_id="r2"), retro=False)
        blue_id, red_id = blue.id, red.id
    with transaction(engine) as s, cache.case(s, world.red_case) as screener:
        assert str(red_id) in screener and str(blue_id) not in screener and len(screener) == 2
    if engine.dialect.name == "sqlite":  # the refresh is one index range, not a case scan
        with engine.connect() as conn:
            plan = " ".join(str(row) for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM watches WHERE case_id = 1 AND id > 5 "
                "AND removed_at IS NULL ORDER BY id LIMIT 10"))
        assert "ix_watches_case_id_id" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize(("path", "body", "headers", "status", "message"), [
    ("/match/" + "x" * 101 + "?justification=x", QUERY, {}, 422, "path parameter 'dataset'"),
    ("/match/default?justification=x&limit=abc", {"queries": {"q": {"properties": {}}}}, {}, 422,
     "query parameter 'limit'"),
    ("/match/default?justification=x", b"{not json", {}, 422, "body"),
    ("/match/default?justification=x", b"", {}, 422, "body: Field required"),
    ("/match/default?justification=x", b'{"queries": {}}', {"content-type": "text/plain"}, 422,
     "body"),
])
def test_lean_match_handler_reports_bad_input(api: tuple[TestClient, World], path: str,
                                              body: Any, headers: dict[str, str], status: int,
                                              message: str) -> None:
    client, world = api
    sent = {**world.headers("ana"), **headers}
    if isinstance(body, bytes):
        resp = client.post(path, content=body, headers=sent)
    else:
        resp = client.post(path, json=body, headers=sent)
    assert resp.status_code == status, resp.text
    assert message in resp.json()["detail"]
    if "limit" in message:  # every problem in one answer
        assert "queries.q.schema" in resp.json()["detail"]
    # no token: 401 before any validation, as with FastAPI's dependency
    resp = client.post(path, content=b"{not json", headers=headers)
    assert resp.status_code == 401


def test_without_the_counters_nothing_is_cached(api: tuple[TestClient, World],
                                                engine: Engine) -> None:
    """A database not upgraded to migration 0006: every token and hit is read again."""
    client, world = api
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE change_generations"))
    checker: TokenChecker = client.app.state.tokens  # type: ignore[attr-defined]
    rows = client.app.state.screeners.watch_rows  # type: ignore[attr-defined]
    for _ in range(3):
        assert client.get("/me", headers=world.headers("ana")).status_code == 200
        assert match_ids(client, world) == ["red-subject"]
    assert checker.hits == 0 and checker.reads == 6 and rows.reads == 3
