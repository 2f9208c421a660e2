"""``casewatch init``, ``casewatch db upgrade``, ``casewatch export``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from casewatch.cli.common import console, err_console, open_engine, progress
from casewatch.db.engine import session_factory
from casewatch.db.migrate import upgrade
from casewatch.db.models import Record, Watch
from casewatch.errors import CasewatchError
from casewatch.ftm.io import parse_entity, write_entities
from casewatch.settings import get_settings

db_app = typer.Typer(help="Database schema and migrations.", no_args_is_help=True)


def init() -> None:
    """Create CASEWATCH_HOME and the database schema (idempotent)."""
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    settings.inbox_dir.mkdir(parents=True, exist_ok=True)
    engine = open_engine(require_schema=False)
    upgrade(engine)
    from casewatch.auth.users import ensure_admin
    from casewatch.db.engine import transaction

    with transaction(engine) as session:
        ensure_admin(session)  # bootstrap: the first admin, who adds everyone else
    console.print(
        f"casewatch initialised: home {settings.home}, database "
        f"{engine.url.render_as_string(hide_password=True)}"
    )


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision")] = "heads",
) -> None:
    """Apply database migrations up to REVISION (default: the latest)."""
    engine = open_engine(require_schema=False)
    upgrade(engine, revision)
    console.print(f"database at revision {revision}")


def export(
    what: Annotated[str, typer.Option(help="records or watches")] = "records",
    out: Annotated[Path | None, typer.Option(help="Output file (default: stdout)")] = None,
    source: Annotated[str | None, typer.Option(help="Only records of this source")] = None,
) -> None:
    """Export stored records or watched subjects as FtM JSON lines."""
    if what not in ("records", "watches"):
        raise CasewatchError(f"--what must be 'records' or 'watches', not {what!r}")
    engine = open_engine()
    session = session_factory(engine)()
    if what == "records":
        stmt = select(Record.entity_id, Record.schema, Record.properties).where(Record.op != "DEL")
        if source:
            stmt = stmt.where(Record.source == source)
    else:
        stmt = select(Watch.subject_id, Watch.schema, Watch.entity).where(
            Watch.removed_at.is_(None)
        )
    rows = session.execute(stmt.execution_options(yield_per=5000))

    def entities():  # type: ignore[no-untyped-def]
        for entity_id, schema, props in rows:
            if what == "watches":
                props = props.get("properties", {})
            yield parse_entity({"id": entity_id, "schema": schema, "properties": props})

    with progress(transient=True) as bar:
        bar.add_task(f"exporting {what}", total=None)
        if out is None:
            count = write_entities(entities(), sys.stdout.buffer)
        else:
            with open(out, "wb") as fh:
                count = write_entities(entities(), fh)
    err_console.print(f"exported {count} {what}")


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.add_typer(db_app, name="db")
    app.command()(export)
