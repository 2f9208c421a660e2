"""schemathesis against the served OpenAPI schema: no input, however odd, gives a 5xx.

Every operation of ``/openapi.json`` is called with requests that schemathesis
generates from the schema (bounded: ``EXAMPLES`` each, so the run stays well
under a minute), in-process through the real ASGI app and a real database.
Responses must be < 500, JSON errors must carry a ``detail`` message, and no
response may contain a traceback.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from casewatch.api import create_app
from casewatch.settings import Settings
from tests.api_world import build_world

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

EXAMPLES = 12
#: the caller for each operation: the auditor for the log and the report, else an admin or analyst
AUDITOR_PATHS = ("/audit", "/oversight")


def test_no_5xx_for_any_generated_request(engine: Engine, tmp_path: Path) -> None:
    world = build_world(engine)
    app = create_app(Settings(home=tmp_path), engine)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    failures: list[str] = []
    calls = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(AUDITOR_PATHS):
            callers = ["aud"]
        else:
            callers = ["admin", "ana"]

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(), who=st.sampled_from(callers))
        def check(case: schemathesis.Case, who: str) -> None:
            nonlocal calls
            calls += 1
            response = case.call(headers=world.headers(who))
            text = response.text
            where = f"{case.method} {case.formatted_path} as {who}"
            if response.status_code >= 500:
                failures.append(f"{where}: {response.status_code} {text[:300]}")
            if "Traceback" in text:
                failures.append(f"{where}: traceback in response")
            if response.status_code >= 400 and "json" in response.headers.get("content-type", ""):
                if not response.json().get("detail"):
                    failures.append(f"{where}: error without detail: {text[:200]}")

        check()
    assert calls >= 200
    assert not failures, "\n".join(failures[:30])
