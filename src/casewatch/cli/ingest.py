"""``casewatch ingest``, ``casewatch quarantine list`` and ``casewatch monitor``.

Thin wrappers over :mod:`casewatch.monitor`: parse options, open the database
and the watch index, run, print what happened, and leave one audit event.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.logging import RichHandler
from rich.table import Table
from sqlalchemy import select

from casewatch.audit.log import append
from casewatch.auth.access import require_role
from casewatch.cli.common import console, current_user, err_console, open_engine, progress
from casewatch.db.engine import session_factory, transaction
from casewatch.db.models import Quarantine
from casewatch.errors import CasewatchError
from casewatch.settings import get_settings

quarantine_app = typer.Typer(help="Rows that could not be taken in.", no_args_is_help=True)

INGEST_ROLES = ("analyst", "supervisor", "admin")
MONITOR_ACTOR = "system:monitor"


def ingest_command(
    source: Annotated[str, typer.Argument(help="ftm, ofac, un, eu, uk, companies-house, psc, "
                                          "courtlistener, ams, crypto, patentsview, "
                                          "or mapping:FILE.yml")],
    paths: Annotated[list[Path], typer.Argument(help="The source's file(s), read together")],
    screen: Annotated[bool, typer.Option("--screen/--no-screen",
                                         help="Screen new records against the watches now")] = True,
) -> None:
    """Take in a source's files; prints how many records were new, unchanged, quarantined,
    and how many alerts were raised. Re-ingesting the same file changes nothing."""
    from casewatch.monitor.ingest import ingest
    from casewatch.monitor.screening import screen_pending
    from casewatch.monitor.watchindex import WatchIndex
    from casewatch.sources import get_connector

    get_connector(source)  # an unknown source is an error before anything is read
    for path in paths:
        if not path.is_file():
            raise CasewatchError(f"{path}: file not found")
    engine = open_engine()
    with transaction(engine) as session:
        user = current_user(session)
        require_role(user, *INGEST_ROLES, action="ingest", session=session)
        actor = user.name
    index = None
    if screen:
        with session_factory(engine)() as session, progress(transient=True) as bar:
            task = bar.add_task("loading the watch index", total=None)
            home = get_settings().home
            index = WatchIndex.load(session, home)
            if index is None:
                index = WatchIndex.build(session, progress=lambda n: bar.advance(task, n))
                index.save(session, home)
    with progress() as bar:
        task = bar.add_task(f"ingesting {source}", total=None)

        def on_batch(fresh: Any) -> int:
            assert index is not None
            return screen_pending(engine, index, fresh=fresh).alerts

        try:
            result = ingest(engine, source, paths, on_batch=on_batch if index else None,
                            progress=lambda n: bar.advance(task, n))
        except CasewatchError as exc:
            with transaction(engine) as session:
                append(session, actor=actor, action="ingest", object_type="source",
                       object_id=source, outcome="error",
                       params={"files": [p.name for p in paths], "error": str(exc)[:500]})
            raise
    if result is None:
        raise CasewatchError(
            f"{', '.join(map(str, paths))}: another worker is ingesting this content right now"
        )
    with transaction(engine) as session:
        append(session, actor=actor, action="ingest", object_type="ingest_batch",
               object_id=result.batch_id,
               params={"source": source, "files": [p.name for p in paths],
                       "new": result.new, "unchanged": result.unchanged,
                       "quarantined": result.quarantined, "alerts": result.alerts,
                       "already": result.already})
    console.print(result.summary(), highlight=False)


@quarantine_app.command("list")
def quarantine_list(
    source: Annotated[str | None, typer.Option(help="Only rows of this source")] = None,
    limit: Annotated[int, typer.Option(help="At most this many rows (newest first)")] = 100,
    fmt: Annotated[str, typer.Option("--format", help="table or jsonl")] = "table",
) -> None:
    """Show quarantined rows: source, file, row number and reason."""
    import orjson

    if fmt not in ("table", "jsonl"):
        raise CasewatchError(f"--format {fmt!r}: expected 'table' or 'jsonl'")
    with transaction(open_engine()) as session:
        user = current_user(session)
        require_role(user, *INGEST_ROLES, action="quarantine.list", session=session)
        stmt = select(Quarantine).order_by(Quarantine.id.desc()).limit(max(limit, 0))
        if source:
            stmt = stmt.where(Quarantine.source == source)
        rows = list(session.scalars(stmt))
        append(session, actor=user.name, action="quarantine.list", object_type="quarantine",
               params={"source": source, "limit": limit, "shown": len(rows)})
    items = [{"id": q.id, "source": q.source, "path": q.path, "row": q.row, "reason": q.reason,
              "batch_id": q.batch_id, "at": q.at.isoformat(), "raw": q.raw} for q in rows]
    if fmt == "jsonl":
        for item in items:
            typer.echo(orjson.dumps(item).decode())
        return
    table = Table(title=f"quarantined rows ({len(items)} shown)")
    for column in ("id", "source", "path", "row", "reason"):
        table.add_column(column, overflow="fold")
    for item in items:
        table.add_row(*(str(item[c]) if item[c] is not None else "" for c in
                        ("id", "source", "path", "row", "reason")))
    console.print(table)


def monitor_command(
    inbox: Annotated[Path | None, typer.Option(help="Inbox directory (default: "
                                               "$CASEWATCH_INBOX or $CASEWATCH_HOME/inbox)")] = None,
    once: Annotated[bool, typer.Option(help="Process what is waiting, then exit")] = False,
    feed: Annotated[list[str] | None, typer.Option(help="Fetch SOURCE[:MINUTES] on a schedule "
                                                   "(repeatable), e.g. --feed ofac:1440")] = None,
    poll: Annotated[float, typer.Option(help="Seconds between inbox scans")] = 2.0,
    batch_size: Annotated[int | None, typer.Option(help="Rows per transaction")] = None,
    screen_workers: Annotated[int | None, typer.Option(
        help="Forked screening processes besides the main one (default: one per extra core; "
             "0: screen in the main process only)")] = None,
) -> None:
    """Run the monitor: ingest new inbox files and feeds, screen, alert. SIGTERM stops cleanly."""
    from casewatch.monitor.worker import Feed, Monitor

    feeds = [Feed.parse(f) for f in feed or []]
    if poll <= 0:
        raise CasewatchError("--poll must be a positive number of seconds")
    if screen_workers is not None and screen_workers < 0:
        raise CasewatchError("--screen-workers must be 0 or more")
    settings = get_settings()
    folder = inbox or settings.inbox_dir
    if folder.exists() and not folder.is_dir():
        raise CasewatchError(f"--inbox {folder}: is not a directory")
    engine = open_engine()
    logging.basicConfig(level=logging.INFO, format="%(message)s",
                        handlers=[RichHandler(console=err_console, show_path=False)])
    with transaction(engine) as session:
        append(session, actor=MONITOR_ACTOR, action="monitor.start", object_type="inbox",
               object_id=str(folder), params={"feeds": [f.source for f in feeds], "once": once})
    monitor = Monitor(engine, folder, settings.home, feeds=feeds, poll=poll,
                      batch_size=batch_size, screen_workers=screen_workers)
    stats = monitor.run(once=once)
    with transaction(engine) as session:
        append(session, actor=MONITOR_ACTOR, action="monitor.stop", object_type="inbox",
               object_id=str(folder),
               params={"units": stats.units, "new": stats.new, "alerts": stats.screened.alerts})
    console.print(
        f"monitor stopped: {stats.units} files, {stats.new} new records, "
        f"{stats.unchanged} unchanged, {stats.quarantined} quarantined, "
        f"{stats.screened.records} records screened, {stats.screened.alerts} alerts raised, "
        f"{stats.failed} failed",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
    app.add_typer(quarantine_app, name="quarantine")
    app.command("monitor")(monitor_command)
