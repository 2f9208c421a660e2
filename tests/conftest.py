"""Shared fixtures. Every test that needs a database gets a fresh, migrated one.

The suite runs twice: on SQLite (default) and on PostgreSQL when
``CASEWATCH_TEST_DATABASE_URL`` points at a server (scripts/test.sh starts one).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from casewatch.db.engine import make_engine
from casewatch.db.migrate import upgrade
from casewatch.settings import get_settings

PG_URL = os.environ.get("CASEWATCH_TEST_DATABASE_URL")
_counter = itertools.count()


def backend() -> str:
    return "postgresql" if PG_URL else "sqlite"


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated template database, copied for each test."""
    if PG_URL:
        admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
        name = f"cw_template_{os.getpid()}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield name
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        engine.dispose()
        yield str(path)


@pytest.fixture()
def db_url(_template: str, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, migrated, empty database for this test."""
    if PG_URL:
        admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
        name = f"cw_test_{os.getpid()}_{next(_counter)}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{_template}"'))
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path / "casewatch.db"
        shutil.copyfile(_template, path)
        yield f"sqlite:///{path}"


@pytest.fixture()
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture()
def env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Environment for a casewatch process using this test's database and a private home."""
    home = tmp_path / "home"
    home.mkdir()
    values = {"CASEWATCH_HOME": str(home), "CASEWATCH_DATABASE_URL": db_url}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield values
    get_settings.cache_clear()


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(env: dict[str, str], *args: str, input: str | None = None, timeout: float = 300) -> CliResult:
    """Run the real ``casewatch`` command in a subprocess."""
    full_env = {**os.environ, **env, "COLUMNS": "200", "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", "from casewatch.cli import main; main()", *args],
        env=full_env,
        capture_output=True,
        text=True,
        input=input,
        timeout=timeout,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture()
def cli(env: dict[str, str]):  # type: ignore[no-untyped-def]
    """``cli("generate", "watchlist", ...)`` runs casewatch against this test's database."""

    def _run(*args: str, input: str | None = None, timeout: float = 300) -> CliResult:
        return run_cli(env, *args, input=input, timeout=timeout)

    return _run
