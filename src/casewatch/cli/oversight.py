"""``casewatch oversight report``, ``casewatch retention run``, ``casewatch review``.

Renewals that apply a review are ``casewatch case renew`` / ``casewatch watch renew``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import orjson
import typer

from casewatch.auth.access import require_role
from casewatch.cli.audit import parse_when
from casewatch.cli.common import console, current_user, err_console, open_engine, progress
from casewatch.db.engine import transaction
from casewatch.errors import CasewatchError
from casewatch.lifecycle.retention import run_retention
from casewatch.lifecycle.reviews import record_review
from casewatch.oversight.render import render_html, render_json
from casewatch.oversight.report import generate_report
from casewatch.settings import get_settings

oversight_app = typer.Typer(help="Reports for oversight bodies and auditors.", no_args_is_help=True)
retention_app = typer.Typer(help="Purging records past their retention period.", no_args_is_help=True)


@oversight_app.command("report")
def oversight_report(
    start: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD)")],
    end: Annotated[str, typer.Option("--to", help="Last day, inclusive (YYYY-MM-DD)")],
    fmt: Annotated[str, typer.Option("--format", help="html or json")] = "html",
    out: Annotated[Path | None, typer.Option(help="Write here (default: stdout)")] = None,
) -> None:
    """Watches, reviews, alerts, searches, denied accesses and audit chain status (auditors)."""
    if fmt not in ("html", "json"):
        raise CasewatchError(f"--format must be 'html' or 'json', not {fmt!r}")
    since, until = parse_when(start, "--from"), parse_when(end, "--to", end=True)
    assert since is not None and until is not None
    with transaction(open_engine()) as session:
        report = generate_report(session, current_user(session), since, until, fmt=fmt)
    payload = render_json(report) if fmt == "json" else render_html(report).encode("utf-8")
    if out is None:
        sys.stdout.buffer.write(payload)
    else:
        out.write_bytes(payload)
        err_console.print(f"wrote the oversight report to {out}")


@retention_app.command("run")
def retention_run(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would go")] = False,
) -> None:
    """Purge records older than CASEWATCH_RETENTION_DAYS not linked to an open case or a
    confirmed alert; every erasure is logged by id (admins only)."""
    settings = get_settings()
    engine = open_engine()
    with transaction(engine) as session:
        user = current_user(session)
        require_role(user, "admin", action="retention.run")
    with progress(transient=True) as bar:
        task = bar.add_task("purging records", total=None)
        result = run_retention(
            engine, user, settings, dry_run=dry_run, on_progress=lambda n: bar.advance(task, n)
        )
    verb = "would erase" if dry_run else "erased"
    console.print(
        f"retention ({settings.retention_days} days, cutoff {result.cutoff.date()}): {verb} "
        f"{result.records} records and {result.alerts} alerts"
        + (f"; also {orjson.dumps(result.dependants).decode()}" if result.dependants else "")
    )


def review(
    object_type: Annotated[str, typer.Argument(help="case or watch")],
    object_id: Annotated[int, typer.Argument(help="Its id")],
    explanation: Annotated[str, typer.Option(help="Why it is still justified")],
    new_date: Annotated[
        str | None, typer.Option(help="New review date (case) or expiry (watch), YYYY-MM-DD")
    ] = None,
) -> None:
    """Record a supervisor's review of a case or watch (needed to renew it)."""
    try:
        day = date.fromisoformat(new_date) if new_date else None
    except ValueError:
        raise CasewatchError(f"--new-date {new_date!r} is not a date (YYYY-MM-DD)") from None
    with transaction(open_engine()) as session:
        row = record_review(session, current_user(session), object_type, object_id, explanation, day)
        console.print(f"review {row.id} of {object_type} {object_id} recorded")


def register(app: typer.Typer) -> None:
    app.add_typer(oversight_app, name="oversight")
    app.add_typer(retention_app, name="retention")
    app.command()(review)
