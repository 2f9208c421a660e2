"""Shared helpers for the monitoring tests: a case with watches, FtM files, alert sets."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, select

from casewatch.auth.users import ensure_admin
from casewatch.cases import add_watch, create_case, subject_from_entity
from casewatch.db.engine import transaction
from casewatch.db.models import Alert, Record
from casewatch.ftm.model import make_entity


def person(eid: str, name: str, **props: Any) -> Any:
    return make_entity("Person", id=eid, name=name, **props)


def company(eid: str, name: str, **props: Any) -> Any:
    return make_entity("Company", id=eid, name=name, **props)


def open_case(engine: Engine, threshold: float | None = None) -> int:
    """A case (with legal basis and review date) owned by the bootstrap admin."""
    with transaction(engine) as session:
        admin = ensure_admin(session)
        case = create_case(session, admin, title="Monitoring test",
                           legal_basis="Test legal basis, art. 1",
                           review_date=date.today() + timedelta(days=200),
                           threshold=threshold)
        return case.id


def watch(engine: Engine, case_id: int, entities: Iterable[Any], *, retro: bool = False,
          expires: Any = None, threshold: float | None = None) -> list[int]:
    """Add one watch per entity (through the cases service, as the CLI does)."""
    ids = []
    with transaction(engine) as session:
        admin = ensure_admin(session)
        for entity in entities:
            w = add_watch(session, admin, case_id, subject_from_entity(entity), retro=retro,
                          expires=expires, threshold=threshold)
            ids.append(w.id)
    return ids


def write_ftm(path: Path, entities: Iterable[Any], deltas: Sequence[str] | None = None) -> Path:
    """Write entities as FtM JSON lines (or as delta lines with the given ops)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        for i, entity in enumerate(entities):
            data = entity.to_dict() if hasattr(entity, "to_dict") else entity
            if deltas is not None:
                data = {"op": deltas[i], "entity": data}
            fh.write(orjson.dumps(data) + b"\n")
    return path


def alert_set(engine: Engine) -> set[tuple[str, str, str]]:
    """Every alert as (watched subject id, record entity id, dedup key)."""
    with transaction(engine) as session:
        rows = session.execute(select(Alert.subject_id, Alert.record_entity_id, Alert.dedup_key))
        return {(a, b, c) for a, b, c in rows}


def record_count(engine: Engine) -> int:
    with transaction(engine) as session:
        return len(session.execute(select(Record.id)).all())


def other_database(template: str, tmp_path: Path, name: str) -> str:
    """A second fresh, migrated database for this test (same backend as the suite)."""
    import os

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    pg_url = os.environ.get("CASEWATCH_TEST_DATABASE_URL")
    if not pg_url:
        import shutil

        path = tmp_path / f"{name}.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    admin = create_engine(make_url(pg_url), isolation_level="AUTOCOMMIT")
    db = f"cw_{name}_{os.getpid()}_{abs(hash(str(tmp_path))) % 10**8}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{db}" TEMPLATE "{template}"'))
    admin.dispose()
    return make_url(pg_url).set(database=db).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    import os

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    pg_url = os.environ.get("CASEWATCH_TEST_DATABASE_URL")
    if not pg_url:
        return
    admin = create_engine(make_url(pg_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


def generated_case(engine: Engine, watches: int, seed: int = 7) -> tuple[int, list[dict[str, Any]]]:
    """A case watching a generated watchlist; returns (case id, watchlist entities)."""
    from casewatch.ftm.io import parse_entity
    from casewatch.generate.watchlist import generate_watchlist

    subjects = list(generate_watchlist(watches, seed=seed))
    case = open_case(engine)
    watch(engine, case, [parse_entity(s) for s in subjects])
    return case, subjects


def write_stream(inbox: Path, subjects: list[dict[str, Any]], records: int, files: int,
                 seed: int = 11, bad_every: int = 97) -> tuple[int, int]:
    """Write a generated record stream as FtM files into ``inbox/ftm/``, with some bad lines.

    Returns (good records, bad lines).
    """
    from casewatch.generate.records import generate_records

    folder = inbox / "ftm"
    folder.mkdir(parents=True, exist_ok=True)
    stream = [entity for entity, _ in generate_records(subjects, records, seed=seed)]
    per = max(1, len(stream) // files)
    bad = 0
    for number in range(files):
        chunk = stream[number * per:(number + 1) * per] if number < files - 1 else stream[number * per:]
        tmp = folder / f".stream-{number:03d}.json"
        with open(tmp, "wb") as fh:
            for i, entity in enumerate(chunk):
                fh.write(orjson.dumps(entity) + b"\n")
                if (number * per + i) % bad_every == 0:
                    fh.write(b'{"id": "broken", "schema": "Person", "properties": 5\n')
                    bad += 1
        tmp.rename(folder / f"stream-{number:03d}.json")
    return len(stream), bad
