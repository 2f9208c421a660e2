"""``casewatch case ...`` and ``casewatch watch ...``: thin wrappers over ``casewatch.cases``."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from casewatch.cli.common import console, current_user, err_console, open_engine, progress
from casewatch.db.engine import transaction
from casewatch.errors import CasewatchError

# Services are imported inside each command: ``casewatch --help`` and every other
# command stay fast (followthemoney and the matcher load only when needed).

case_app = typer.Typer(help="Cases: the unit of work and access.", no_args_is_help=True)
watch_app = typer.Typer(help="Watched subjects of a case.", no_args_is_help=True)

Format = Annotated[str, typer.Option("--format", help="table or jsonl")]


def emit(items: Iterable[dict[str, Any]], fmt: str, columns: list[str], title: str) -> int:
    """Print dicts as a rich table or as JSON lines on stdout; returns how many."""
    if fmt not in ("table", "jsonl"):
        raise CasewatchError(f"--format {fmt!r}: expected 'table' or 'jsonl'")
    count = 0
    if fmt == "jsonl":
        out = sys.stdout.buffer
        for item in items:
            out.write(orjson.dumps(item, default=str) + b"\n")
            count += 1
        out.flush()
        return count
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for item in items:
        table.add_row(*("" if item.get(c) is None else str(item.get(c)) for c in columns))
        count += 1
    console.print(table)
    return count


@case_app.command("create")
def case_create(
    title: Annotated[str, typer.Option(help="Short title of the case")],
    legal_basis: Annotated[str, typer.Option(help="The legal basis the case rests on")],
    review_date: Annotated[str, typer.Option(help="Review date YYYY-MM-DD (in the future)")],
    team: Annotated[str | None, typer.Option(help="Team (default: yours)")] = None,
    threshold: Annotated[float | None, typer.Option(help="Alert threshold for its watches")] = None,
    webhook: Annotated[str | None, typer.Option(help="Webhook URL for new alerts")] = None,
) -> None:
    """Open a case; prints only the new case id on stdout."""
    from casewatch.cases import create_case
    from casewatch.cases.dates import parse_date

    day = parse_date(review_date, "--review-date")
    with transaction(open_engine()) as session:
        case = create_case(
            session, current_user(session), title=title, legal_basis=legal_basis,
            review_date=day, team=team, threshold=threshold, webhook_url=webhook,
        )
    print(case.id)
    if case.webhook_secret:
        err_console.print(f"webhook signing secret (shown once): {case.webhook_secret}",
                          highlight=False)


@case_app.command("list")
def case_list(
    status: Annotated[str | None, typer.Option(help="open or closed")] = None,
    fmt: Format = "table",
) -> None:
    """The cases you may see."""
    from casewatch.cases import list_cases

    with transaction(open_engine()) as session:
        items = [s.as_dict() for s in list_cases(session, current_user(session), status)]
    emit(items, fmt, ["case_id", "title", "team", "status", "review_date", "watches_active",
                      "alerts"], "cases")


@case_app.command("show")
def case_show(
    case_id: Annotated[int, typer.Argument(help="Case id")],
    fmt: Format = "table",
) -> None:
    """One case, with counts of its watches and alerts."""
    from casewatch.cases import get_case

    with transaction(open_engine()) as session:
        item = get_case(session, current_user(session), case_id).as_dict()
    if fmt == "jsonl":
        emit([item], fmt, [], "")
        return
    emit([{"field": k, "value": v} for k, v in item.items()], "table", ["field", "value"],
         f"case {case_id}")


@case_app.command("close")
def case_close(
    case_id: Annotated[int, typer.Argument(help="Case id")],
    reason: Annotated[str, typer.Option(help="Why the case is closed")],
) -> None:
    """Close a case: its watches end now."""
    from casewatch.cases import close_case

    with transaction(open_engine()) as session:
        case, ended = close_case(session, current_user(session), case_id, reason)
    console.print(f"case {case.id} closed; {ended} watches ended")


@case_app.command("renew")
def case_renew(
    case_id: Annotated[int, typer.Argument(help="Case id")],
    review: Annotated[int | None, typer.Option(help="Review id (default: the latest)")] = None,
) -> None:
    """Move the case's review date to the new date of a supervisor's review."""
    from casewatch.lifecycle.reviews import renew_case

    with transaction(open_engine()) as session:
        case = renew_case(session, current_user(session), case_id, review_id=review)
    console.print(f"case {case.id} renewed: review date {case.review_date.isoformat()}")


@watch_app.command("add")
def watch_add(
    case: Annotated[int, typer.Option(help="Case id")],
    schema: Annotated[str, typer.Option(help="Person, Company, Organization, Vessel, ...")],
    name: Annotated[str, typer.Option(help="Name of the subject")],
    id: Annotated[str | None, typer.Option("--id", help="Subject id (default: derived)")] = None,
    birth_date: Annotated[str | None, typer.Option(help="Birth date (people)")] = None,
    country: Annotated[str | None, typer.Option(help="Country code or name")] = None,
    identifier: Annotated[str | None, typer.Option(help="Registration/IMO/id number, wallet")] = None,
    threshold: Annotated[float | None, typer.Option(help="Alert threshold")] = None,
    expires: Annotated[str | None, typer.Option(help="Expiry date (default: the maximum)")] = None,
) -> None:
    """Watch one subject in a case; prints the new watch id."""
    from casewatch.cases import add_watch, build_subject
    from casewatch.cases.dates import parse_when

    try:
        subject = build_subject(schema, name, subject_id=id, birth_date=birth_date,
                                country=country, identifier=identifier)
    except ValueError as exc:
        raise CasewatchError(str(exc)) from None
    when = parse_when(expires, "--expires") if expires else None
    with transaction(open_engine()) as session:
        watch = add_watch(session, current_user(session), case, subject, threshold=threshold,
                          expires=when)
    print(watch.id)
    err_console.print(f"watching {subject.caption!r} in case {case} until "
                      f"{watch.expires_at.isoformat()} (threshold {watch.threshold})",
                      highlight=False)


class _Bar:
    """Adapts the importer's progress callback to a rich progress bar with two tasks."""

    def __init__(self, bar: Any, path: Path) -> None:
        self.bar = bar
        self.tasks: dict[str, Any] = {}
        self.labels = {"validate": f"validating {path.name} (bytes)", "insert": "inserting watches"}

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        if phase not in self.tasks:
            self.tasks[phase] = self.bar.add_task(self.labels.get(phase, phase), total=total)
        self.bar.update(self.tasks[phase], completed=done, total=total)


@watch_app.command("import")
def watch_import(
    file: Annotated[Path, typer.Argument(help="FtM JSON lines file of subjects")],
    case: Annotated[int, typer.Option(help="Case id")],
    threshold: Annotated[float | None, typer.Option(help="Alert threshold")] = None,
    expires: Annotated[str | None, typer.Option(help="Expiry date (default: the maximum)")] = None,
    workers: Annotated[int, typer.Option(
        help="Validate on this many worker processes (0: in this process)", min=0, max=16)] = 0,
) -> None:
    """Import every subject of a file as a watch of the case: all of them, or none."""
    from casewatch.cases import import_watches
    from casewatch.cases.dates import parse_when

    when = parse_when(expires, "--expires") if expires else None
    engine = open_engine()
    with progress() as bar, transaction(engine) as session:
        result = import_watches(session, current_user(session), case, file, threshold=threshold,
                                expires=when, progress=_Bar(bar, file), workers=workers)
    console.print(
        f"imported {result.imported} watches into case {result.case_id} "
        f"(threshold {result.threshold}, until {result.expires_at.isoformat()}); "
        f"skipped {result.skipped_existing} already watched, {result.skipped_repeated} repeated; "
        f"{result.properties_dropped} subjects had out-of-scope properties dropped"
        + (f"; retro-screening raised {result.retro_alerts} alerts"
           if result.retro_alerts is not None else ""),
        highlight=False,
    )


@watch_app.command("remove")
def watch_remove(
    watch_id: Annotated[int, typer.Argument(help="Watch id")],
    reason: Annotated[str | None, typer.Option(help="Why the watch ends")] = None,
) -> None:
    """End a watch now: it stops alerting at once."""
    from casewatch.cases import remove_watch

    with transaction(open_engine()) as session:
        watch = remove_watch(session, current_user(session), watch_id, reason)
    console.print(f"watch {watch.id} removed")


@watch_app.command("list")
def watch_list(
    case: Annotated[int, typer.Option(help="Case id")],
    all_: Annotated[bool, typer.Option("--all", help="Include expired and removed")] = False,
    limit: Annotated[int, typer.Option(help="At most this many (0: all)", min=0)] = 1000,
    fmt: Format = "table",
) -> None:
    """The watches of a case (active ones unless --all), the first 1000 unless --limit."""
    from casewatch.cases import list_watches
    from casewatch.cases.watches import watch_dict

    with transaction(open_engine()) as session:
        watches = list_watches(session, current_user(session), case, include_ended=all_,
                               limit=limit or None)
        items = [watch_dict(w) for w in watches]
    emit(items, fmt, ["watch_id", "subject_id", "schema", "caption", "threshold",
                      "expires_at", "state"], f"watches of case {case}")
    if limit and len(items) == limit:
        err_console.print(f"showing the first {limit} watches: --limit N or --limit 0 for all")


@watch_app.command("renew")
def watch_renew(
    watch_id: Annotated[int, typer.Argument(help="Watch id")],
    review: Annotated[int | None, typer.Option(help="Review id (default: the latest)")] = None,
) -> None:
    """Extend a watch to the new date of a supervisor's review."""
    from casewatch.lifecycle.reviews import renew_watch

    with transaction(open_engine()) as session:
        watch = renew_watch(session, current_user(session), watch_id, review_id=review)
    console.print(f"watch {watch.id} renewed until {watch.expires_at.isoformat()}")


def register(app: typer.Typer) -> None:
    app.add_typer(case_app, name="case")
    app.add_typer(watch_app, name="watch")
