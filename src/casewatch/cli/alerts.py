"""``casewatch alerts ...`` (feed and triage) and ``casewatch webhook ...`` (notifications)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer

from casewatch.cli.cases import Format, emit
from casewatch.cli.common import console, current_user, err_console, open_engine
from casewatch.db.engine import transaction
from casewatch.errors import CasewatchError

if TYPE_CHECKING:
    from casewatch.db.models import Alert

# Services are imported inside each command so that the CLI starts fast.

alerts_app = typer.Typer(help="The alert feed and triage.", no_args_is_help=True)
webhook_app = typer.Typer(help="Webhook notifications of new alerts.", no_args_is_help=True)

AlertId = Annotated[int, typer.Argument(help="Alert id")]
Note = Annotated[str | None, typer.Option(help="A note for the alert's history")]
Reason = Annotated[str, typer.Option(help="Why (recorded in the alert's history)")]
LIST_COLUMNS = ["alert_id", "case_id", "status", "score", "subject_caption", "record_caption",
                "record_source", "retro", "created_at"]


@alerts_app.command("list")
def alerts_list(
    case: Annotated[int | None, typer.Option(help="Only this case")] = None,
    status: Annotated[str | None, typer.Option(help="Only this status")] = None,
    since_id: Annotated[int | None, typer.Option(help="Only alerts after this id")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many")] = None,
    fmt: Format = "table",
) -> None:
    """The alerts of the cases you may see (JSON lines with --format jsonl)."""
    from casewatch.alerts import list_alerts

    with transaction(open_engine()) as session:
        items = list_alerts(session, current_user(session), case_id=case, status=status,
                            since_id=since_id, limit=limit)
        count = emit(items, fmt, LIST_COLUMNS, "alerts")
    if fmt == "table":
        err_console.print(f"{count} alerts")


@alerts_app.command("show")
def alerts_show(
    alert_id: AlertId,
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
) -> None:
    """One alert: the record with its provenance, the watch, the score and its history."""
    from casewatch.alerts import show_alert

    with transaction(open_engine()) as session:
        item = show_alert(session, current_user(session), alert_id)
    if fmt == "json":
        print(orjson.dumps(item, option=orjson.OPT_INDENT_2, default=str).decode())
        return
    if fmt != "text":
        raise CasewatchError(f"--format {fmt!r}: expected 'text' or 'json'")
    _print_alert(item)


def _print_alert(item: dict[str, Any]) -> None:
    record, watch = item["record"], item["watch"]
    console.print(f"[bold]alert {item['alert_id']}[/] ({item['status']}) score "
                  f"{item['score']:.3f}{' retro' if item['retro'] else ''} — case "
                  f"{item['case']['case_id']}: {item['case']['title']}")
    console.print(f"watched: {watch['caption']} ({watch['schema']}, {watch['subject_id']})",
                  highlight=False)
    console.print(f"record:  {record['caption']} ({record['schema']}, {record['entity_id']}) "
                  f"from {record['source']} id {record['source_id']}, fetched "
                  f"{record['fetched_at']}, sha256 {record['content_hash']}", highlight=False)
    explanation = item["explanation"] or {}
    features, texts = explanation.get("features"), explanation.get("explanation") or {}
    if isinstance(features, dict):
        console.print(f"features (threshold {explanation.get('threshold')}):")
        for name, value in features.items():
            console.print(f"  {name:<24} {value:+.3f}  {texts.get(name, '')}", highlight=False)
    else:
        console.print("explanation:")
        console.print_json(orjson.dumps(explanation, default=str).decode())
    console.print("history:")
    for step in item["history"]:
        console.print(f"  {step['at']} {step['actor'] or 'system'} {step['action']} "
                      f"{step['from'] or '-'} -> {step['to']} {step['note'] or ''}",
                      highlight=False)


def _done(alert: Alert) -> None:
    console.print(f"alert {alert.id} is {alert.status}")


@alerts_app.command("assign")
def alerts_assign(
    alert_id: AlertId,
    to: Annotated[str | None, typer.Option(help="User to assign (default: you)")] = None,
    note: Note = None,
) -> None:
    """Assign an alert to a member of the case's team."""
    from casewatch.alerts import assign
    from casewatch.auth.users import get_user

    with transaction(open_engine()) as session:
        actor = current_user(session)
        target = get_user(session, to) if to else None
        _done(assign(session, actor, alert_id, target, note))


@alerts_app.command("note")
def alerts_note(alert_id: AlertId, text: Annotated[str, typer.Argument(help="The note")]) -> None:
    """Add a note to an alert (notes are never edited or removed)."""
    from casewatch.alerts import add_note

    with transaction(open_engine()) as session:
        add_note(session, current_user(session), alert_id, text)
    console.print(f"note added to alert {alert_id}")


@alerts_app.command("escalate")
def alerts_escalate(alert_id: AlertId, note: Note = None) -> None:
    """Escalate an alert for a supervisor's attention."""
    from casewatch.alerts import escalate

    with transaction(open_engine()) as session:
        _done(escalate(session, current_user(session), alert_id, note))


@alerts_app.command("dismiss")
def alerts_dismiss(
    alert_id: AlertId,
    reason: Reason,
    suppress_until: Annotated[str | None, typer.Option(
        help="Also keep this (watch, record entity) pair quiet until DATE")] = None,
) -> None:
    """Dismiss an alert as not a match (a reason is required)."""
    from casewatch.alerts import dismiss, suppress_alert
    from casewatch.cases.dates import parse_when

    until = parse_when(suppress_until, "--suppress-until") if suppress_until else None
    with transaction(open_engine()) as session:
        actor = current_user(session)
        alert = dismiss(session, actor, alert_id, reason)
        if until is not None:
            suppress_alert(session, actor, alert_id, until=until, reason=reason)
    _done(alert)


@alerts_app.command("propose")
def alerts_propose(alert_id: AlertId, note: Note = None) -> None:
    """Propose to confirm an alert as a true match (a different supervisor decides)."""
    from casewatch.alerts import propose

    with transaction(open_engine()) as session:
        _done(propose(session, current_user(session), alert_id, note))


@alerts_app.command("confirm")
def alerts_confirm(alert_id: AlertId, note: Note = None) -> None:
    """Confirm a proposed alert (supervisors; not the person who proposed it)."""
    from casewatch.alerts import confirm

    with transaction(open_engine()) as session:
        _done(confirm(session, current_user(session), alert_id, note))


@alerts_app.command("return")
def alerts_return(alert_id: AlertId, reason: Reason) -> None:
    """Return a proposed alert to the analyst, saying what to look at (supervisors)."""
    from casewatch.alerts import return_alert

    with transaction(open_engine()) as session:
        _done(return_alert(session, current_user(session), alert_id, reason))


@alerts_app.command("suppress")
def alerts_suppress(
    alert_id: AlertId,
    until: Annotated[str, typer.Option(help="Date the suppression ends (required, bounded)")],
    reason: Reason,
) -> None:
    """Keep the alert's (watch, record entity) pair from alerting again until a date."""
    from casewatch.alerts import suppress_alert
    from casewatch.cases.dates import parse_when

    when = parse_when(until, "--until")
    with transaction(open_engine()) as session:
        row = suppress_alert(session, current_user(session), alert_id, until=when, reason=reason)
    console.print(f"suppression {row.id}: watch {row.watch_id} × {row.record_entity_id} "
                  f"quiet until {row.expires_at.isoformat()}", highlight=False)


@webhook_app.command("set")
def webhook_set(
    case: Annotated[int, typer.Option(help="Case id")],
    url: Annotated[str | None, typer.Option(help="http(s) URL to POST new alerts to")] = None,
    secret: Annotated[str | None, typer.Option(help="Signing secret (default: random)")] = None,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the case's webhook")] = False,
) -> None:
    """Set or remove a case's webhook; prints the signing secret once."""
    from casewatch.alerts import set_webhook

    if remove == (url is not None):
        raise CasewatchError("give either --url URL or --remove")
    with transaction(open_engine()) as session:
        value = set_webhook(session, current_user(session), case, None if remove else url, secret)
    if value is None:
        console.print(f"webhook of case {case} removed")
    else:
        print(value)
        err_console.print(f"webhook of case {case} set; the line above is its signing secret "
                          "(shown once)")


@webhook_app.command("deliver")
def webhook_deliver(
    limit: Annotated[int, typer.Option(help="At most this many deliveries")] = 1000,
) -> None:
    """Send the webhook deliveries that are due (one attempt each)."""
    from casewatch.alerts import deliver_pending

    report = deliver_pending(open_engine(), limit=limit)
    console.print(f"delivered {report.delivered}, retrying {report.retrying}, "
                  f"failed {report.failed}")


@webhook_app.command("status")
def webhook_status_cmd(
    case: Annotated[int | None, typer.Option(help="Only this case")] = None,
    fmt: Format = "table",
) -> None:
    """Deliveries by status, and the failing or retrying ones with their last error."""
    from casewatch.alerts import webhook_status

    with transaction(open_engine()) as session:
        status = webhook_status(session, current_user(session), case)
    counts = ", ".join(f"{k} {v}" for k, v in sorted(status.counts.items())) or "none"
    err_console.print(f"deliveries: {counts}")
    emit(status.problems, fmt, ["delivery_id", "alert_id", "case_id", "status", "attempts",
                                "next_attempt_at", "last_error"], "problem deliveries")


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
    app.add_typer(webhook_app, name="webhook")
