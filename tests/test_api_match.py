"""POST /match/{dataset}: yente's request and response, casewatch's datasets, purpose and audit.

The compatibility test validates our request and response JSON with the
pydantic models of the real ``yente`` package, installed in its own virtual
environment (``.venv-yente``, made by scripts/test.sh) because its pins
conflict with casewatch's.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from casewatch.api import create_app
from casewatch.db.engine import transaction
from casewatch.db.models import AuditEvent
from casewatch.settings import Settings
from tests.api_world import World, build_world, record

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

YENTE_PY = Path(__file__).resolve().parents[1] / ".venv-yente" / "bin" / "python"
QUERY_IVAN = {"schema": "Person", "properties": {"name": ["Ivan Petrov"]}}
QUERY_ACME = {"schema": "Company",
              "properties": {"name": "ACME Trading LLC", "jurisdiction": ["cy"], "religion": ["x"]}}


@pytest.fixture()
def api(engine: Engine, tmp_path: Path) -> tuple[TestClient, World]:
    world = build_world(engine)
    with transaction(engine) as s:
        record(s, "ofac-acme", "Acme Trading LLC", source="ofac", schema="Company")
    app = create_app(Settings(home=tmp_path), engine)
    app.state.screeners.refresh_seconds = 0.0
    return TestClient(app), world


def post(client: TestClient, world: World, dataset: str, queries: dict[str, Any],
         query: str = "justification=screening+test", who: str = "ana", **params: Any) -> Any:
    extra = "".join(f"&{k}={v}" for k, v in params.items())
    return client.post(f"/match/{dataset}?{query}{extra}", json={"queries": queries},
                       headers=world.headers(who))


def test_case_dataset_answers_in_yentes_shape(api: tuple[TestClient, World]) -> None:
    client, world = api
    resp = post(client, world, f"case-{world.red_case}", {"ivan": QUERY_IVAN})
    assert resp.status_code == 200, resp.text
    data = resp.json()
    assert data["limit"] == 5 and "name_similarity" in data["matcher"]
    answer = data["responses"]["ivan"]
    assert answer["status"] == 200 and answer["query"]["schema"] == "Person"
    top = answer["results"][0]
    assert top["id"] == "red-subject" and top["caption"] == "Ivan Petrov"
    assert top["datasets"] == [f"case-{world.red_case}"] and top["match"] is True
    assert top["score"] >= 0.9 and top["features"]["name_similarity"] >= 0.9
    assert top["explanations"]["name_similarity"]["detail"]
    assert top["properties"]["name"] == ["Ivan Petrov"]
    assert answer["total"]["value"] >= 1
    assert resp.headers["x-batch-size"] == "1"


def test_source_and_default_datasets(api: tuple[TestClient, World]) -> None:
    client, world = api
    resp = post(client, world, "ofac", {"acme": QUERY_ACME})
    assert resp.status_code == 200, resp.text
    results = resp.json()["responses"]["acme"]["results"]
    assert [r["id"] for r in results] == ["ofac-acme"] and results[0]["datasets"] == ["ofac"]
    assert "religion" not in resp.json()["responses"]["acme"]["query"]["properties"]
    both = post(client, world, "default", {"ivan": QUERY_IVAN}).json()
    ids = {r["id"] for r in both["responses"]["ivan"]["results"]}
    assert {"red-subject", "rec-ivan"} <= ids


def test_threshold_limit_and_match_flag(api: tuple[TestClient, World]) -> None:
    client, world = api
    typo = {"schema": "Person", "properties": {"name": ["Ivan Petrof"]}}
    resp = post(client, world, "default", {"q": typo}, threshold=0.999, cutoff=0.5, limit=1)
    answer = resp.json()["responses"]["q"]
    [top] = answer["results"]
    assert 0.5 <= top["score"] < 0.999 and top["match"] is False  # below threshold, above cutoff
    assert answer["total"]["value"] >= 2 and resp.json()["limit"] == 1  # red watch and red record
    loose = post(client, world, "default", {"q": typo}, threshold=0.5).json()
    assert all(r["match"] for r in loose["responses"]["q"]["results"])


@pytest.mark.parametrize(("queries", "query", "status", "message"), [
    ({"q": QUERY_IVAN}, "", 400, "justification"),
    ({}, "justification=x", 400, "no queries"),
    ({f"q{i}": QUERY_IVAN for i in range(101)}, "justification=x", 400, "limit: 100"),
    ({"q": {"schema": "Nope", "properties": {"name": ["x"]}}}, "justification=x", 400,
     "unknown FtM schema"),
    ({"q": {"schema": "Email", "properties": {"subject": ["x"]}}}, "justification=x", 400,
     "refused"),
    ({"q": {"schema": "Person", "properties": {"favouriteColour": ["x"]}}}, "justification=x", 400,
     "no usable properties"),
    ({"q": {"properties": {"name": ["x"]}}}, "justification=x", 422, "queries.q.schema"),
    ({"q": QUERY_IVAN}, "justification=x&algorithm=magic", 400, "algorithm"),
    ({"q": QUERY_IVAN}, "justification=x&limit=0", 422, "'limit'"),
    ({"q": QUERY_IVAN}, "case=999", 404, "case 999 not found"),
])
def test_bad_requests_say_what_to_fix(api: tuple[TestClient, World], queries: dict[str, Any],
                                      query: str, status: int, message: str) -> None:
    client, world = api
    resp = post(client, world, "default", queries, query=query)
    assert resp.status_code == status, resp.text
    assert message in resp.json()["detail"]


def test_query_parameters_are_documented_one_by_one_and_unknown_ones_ignored(
        api: tuple[TestClient, World]) -> None:
    """/match reads its query string as one model (MatchParams), documented parameter by parameter."""
    client, world = api
    operation = client.get("/openapi.json").json()["paths"]["/match/{dataset}"]["post"]
    params = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    assert set(params) == {"limit", "threshold", "cutoff", "algorithm", "case", "justification"}
    assert params["cutoff"].get("deprecated") is True
    assert params["limit"]["schema"]["maximum"] == 500 and "Purpose" in params["case"]["description"]
    # yente clients send more parameters than casewatch uses: they are ignored, as yente does
    resp = post(client, world, "default", {"q": QUERY_IVAN}, include_dataset="x", topics="sanction")
    assert resp.status_code == 200, resp.text
    resp = post(client, world, "default", {"q": QUERY_IVAN}, query="justification=x&threshold=2")
    assert resp.status_code == 422 and "query parameter 'threshold'" in resp.json()["detail"]


def test_unknown_dataset_is_404(api: tuple[TestClient, World]) -> None:
    client, world = api
    for name in ("nowhere", "case-abc", "case-0", f"case-{world.blue_case}"):
        resp = post(client, world, name, {"q": QUERY_IVAN})
        assert resp.status_code == 404, (name, resp.text)


def test_removed_watch_is_never_answered_and_new_ones_are(api: tuple[TestClient, World]) -> None:
    client, world = api
    dataset = f"case-{world.red_case}"
    assert post(client, world, dataset, {"q": QUERY_IVAN}).json()["responses"]["q"]["results"]
    removed = client.post(f"/watches/{world.red_watch}/remove", json={"reason": "done"},
                          headers=world.headers("ana"))
    assert removed.status_code == 200, removed.text
    assert post(client, world, dataset, {"q": QUERY_IVAN}).json()["responses"]["q"]["results"] == []
    added = client.post(f"/cases/{world.red_case}/watches", headers=world.headers("ana"),
                        json={"schema": "Person", "name": "Ivan Petrov", "retro": False})
    assert added.status_code == 201, added.text
    results = post(client, world, dataset, {"q": QUERY_IVAN}).json()["responses"]["q"]["results"]
    assert [r["caption"] for r in results] == ["Ivan Petrov"]


def test_match_is_audited_with_its_search_terms(api: tuple[TestClient, World],
                                                engine: Engine) -> None:
    client, world = api
    resp = post(client, world, f"case-{world.red_case}", {"ivan": QUERY_IVAN},
                query=f"case={world.red_case}")
    assert resp.status_code == 200
    with transaction(engine) as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "match")).one()
    assert event.actor == "ana" and event.outcome == "success"
    assert event.purpose == f"case:{world.red_case}" and event.case_id == world.red_case
    digest = json.loads(event.params_digest or "{}")
    assert digest["queries"]["ivan"]["properties"]["name"] == ["Ivan Petrov"]
    assert digest["results"]["ivan"] == ["red-subject"]


@pytest.mark.skipif(not YENTE_PY.exists(), reason="no .venv-yente: scripts/test.sh makes it")
def test_request_and_response_validate_against_yente_models(
    api: tuple[TestClient, World], tmp_path: Path
) -> None:
    client, world = api
    request = {"queries": {"ivan": QUERY_IVAN, "acme": QUERY_ACME}}
    resp = client.post("/match/default?justification=compat", json=request,
                       headers=world.headers("ana"))
    assert resp.status_code == 200, resp.text
    assert resp.json()["responses"]["ivan"]["results"], "compat test needs real results"
    (tmp_path / "request.json").write_text(json.dumps(request))
    (tmp_path / "response.json").write_text(resp.text)
    script = (
        "import json, sys\n"
        "from yente.data.common import EntityMatchQuery, EntityMatchResponse\n"
        "folder = sys.argv[1]\n"
        "EntityMatchQuery.model_validate(json.load(open(folder + '/request.json')))\n"
        "r = EntityMatchResponse.model_validate(json.load(open(folder + '/response.json')))\n"
        "top = r.responses['ivan'].results[0]\n"
        "print(top.id, top.schema_, top.score, top.match, sorted(top.explanations))\n"
    )
    proc = subprocess.run([str(YENTE_PY), "-c", script, str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Person" in proc.stdout and "True" in proc.stdout


def test_large_case_screener_is_snapshotted_for_other_workers(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One worker builds a big case's screener and saves it; another loads it, then catches up."""
    from casewatch.api import screeners
    from casewatch.auth.users import get_user
    from casewatch.cases import add_watch, build_subject

    world = build_world(engine)
    monkeypatch.setattr(screeners, "SNAPSHOT_MIN", 1)
    first = screeners.ScreenerCache(tmp_path)
    with transaction(engine) as s, first.case(s, world.red_case) as screener:
        assert len(screener) == 1
    [snapshot] = (tmp_path / "index" / "api").glob(f"case-{world.red_case}-*.screener")
    with transaction(engine) as s:
        add_watch(s, get_user(s, "ana"), world.red_case, build_subject("Company", "Later Ltd"),
                  retro=False)
    loaded: list[Path] = []
    real_load = screeners.Screener.load
    monkeypatch.setattr(screeners.Screener, "load",
                        classmethod(lambda cls, path: loaded.append(path) or real_load(path)))
    second = screeners.ScreenerCache(tmp_path)
    with transaction(engine) as s, second.case(s, world.red_case) as screener:
        assert len(screener) == 2  # the snapshot's watch plus the one added since
    assert loaded == [snapshot]
