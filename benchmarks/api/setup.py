"""Benchmark data: a generated watchlist imported as one case's watches, a token, queries."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson

from benchmarks.common import err_console
from casewatch.auth import create_user, issue_token
from casewatch.cases import create_case, import_watches
from casewatch.db.engine import make_engine, transaction
from casewatch.db.migrate import upgrade
from casewatch.db.models import utcnow
from casewatch.generate import generate_records
from casewatch.generate.io import load_pool

CLI = [sys.executable, "-c", "from casewatch.cli import main; main()"]


def environment(folder: Path, url: str | None = None) -> dict[str, str]:
    """The server's environment: home ``folder``, database ``url`` (default: SQLite in it)."""
    return {**os.environ, "CASEWATCH_HOME": str(folder),
            "CASEWATCH_DATABASE_URL": url or f"sqlite:///{folder / 'casewatch.db'}"}


def ensure_watchlist(folder: Path, size: int) -> Path:
    """``casewatch generate watchlist --size N`` (cached)."""
    path = folder / "watchlist.jsonl"
    if not path.exists():
        subprocess.run([*CLI, "generate", "watchlist", "--size", str(size), "--seed", "7",
                        "--out", str(path)], env=environment(folder), check=True)
    return path


def ensure_database(folder: Path, watchlist: Path, url: str | None = None) -> dict[str, Any]:
    """A database with user ``bench`` (analyst), one case holding every subject as a watch.

    Cached in ``setup.json`` for the database it was made in (a throwaway PostgreSQL
    server gets a new one each run).
    """
    meta_path = folder / "setup.json"
    db_url = environment(folder, url)["CASEWATCH_DATABASE_URL"]
    engine = make_engine(db_url)
    upgrade(engine)  # also brings a cached database up to migrations added since
    if meta_path.exists():
        meta = dict(orjson.loads(meta_path.read_bytes()))
        if meta.get("url", db_url) == db_url:
            engine.dispose()
            return meta
    with transaction(engine) as s:
        user = create_user(s, "bench", "analyst", "bench", actor="system")
        token = issue_token(s, user, actor="system", days=30)
        case = create_case(s, user, title="API benchmark", legal_basis="benchmark",
                           review_date=utcnow().date() + timedelta(days=300))
        case_id = case.id
    err_console.print(f"importing {watchlist.name} as watches of case {case_id} ...")
    with transaction(engine) as s:
        from casewatch.auth.users import get_user

        result = import_watches(s, get_user(s, "bench"), case_id, watchlist, retro=False)
    engine.dispose()
    meta = {"token": token, "case_id": case_id, "watches": result.imported, "url": db_url}
    meta_path.write_bytes(orjson.dumps(meta))
    return meta


def queries(watchlist: Path, count: int) -> list[dict[str, Any]]:
    """``count`` query entities: half variants of watched subjects, half unwatched (generator)."""
    pool = load_pool(watchlist)
    out = []
    for entity, _truth in generate_records(pool, count, seed=11, variant_fraction=0.5):
        data = entity if isinstance(entity, dict) else entity.to_dict()
        out.append({"schema": data["schema"], "properties": data["properties"]})
    return out
