"""``casewatch audit verify|show|checkpoint|prove|consistency|export-checkpoints|public-key``,
``db grant-app-role``."""

from __future__ import annotations

import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.table import Table

from casewatch.audit.checkpoint import checkpoint_now, export_checkpoints
from casewatch.audit.keys import public_pem, signing_key
from casewatch.audit.log import append
from casewatch.audit.read import (
    AuditFilter,
    event_json,
    prove_consistency,
    prove_event,
    read_events,
)
from casewatch.audit.verify import count_events, verify
from casewatch.auth.access import require_role
from casewatch.cli.common import console, current_user, err_console, open_engine, progress
from casewatch.db.engine import session_factory, transaction
from casewatch.errors import CasewatchError

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
OPERATORS = ("auditor", "admin")


def parse_when(value: str | None, option: str, *, end: bool = False) -> datetime | None:
    """A ``--from``/``--to`` value: a date (start of day UTC; ``end`` = the next midnight) or ISO time."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day, dtime(0), tzinfo=UTC)
            return moment + timedelta(days=1) if end else moment
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CasewatchError(
            f"{option} {value!r} is not a date: expected YYYY-MM-DD or an ISO date-time"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@audit_app.command("verify")
def audit_verify(
    public_key: Annotated[
        list[Path] | None, typer.Option(help="Extra public key (PEM) to check signatures with")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Check the whole hash chain and every signed checkpoint; exit 1 naming the first failure."""
    engine = open_engine()
    with transaction(engine) as session:
        require_role(current_user(session), *OPERATORS, action="audit.verify")
    started = time.perf_counter()
    with session_factory(engine)() as session, progress(transient=True) as bar:
        task = bar.add_task("verifying the audit log", total=count_events(session))
        result = verify(session, key_files=public_key, on_progress=lambda n: bar.advance(task, n))
    elapsed = time.perf_counter() - started
    with transaction(engine) as session:
        append(
            session, actor=current_user(session).name, action="audit.verify",
            outcome="success" if result.ok else "error", params=result.as_dict(),
        )
    if json_out:
        print(orjson.dumps({**result.as_dict(), "seconds": round(elapsed, 3)}).decode())
    elif result.ok:
        console.print(
            f"audit log intact: {result.events} events, {result.checkpoints} signed checkpoints "
            f"verified in {elapsed:.1f}s (head seq {result.head_seq}, {result.head_hash[:16]}…)"
        )
        for note in result.notes:
            err_console.print(f"note: {note}")
    if not result.ok:
        err_console.print(f"[bold red]audit log FAILED verification:[/] {result.problem}")
        raise typer.Exit(1)


@audit_app.command("show")
def audit_show(
    start: Annotated[str | None, typer.Option("--from", help="From date (YYYY-MM-DD)")] = None,
    end: Annotated[str | None, typer.Option("--to", help="To date, inclusive")] = None,
    actor: Annotated[str | None, typer.Option(help="Only this user's events")] = None,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. search")] = None,
    case: Annotated[int | None, typer.Option(help="Only events about this case")] = None,
    outcome: Annotated[str | None, typer.Option(help="success, denied or error")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many events")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or jsonl")] = "table",
) -> None:
    """Show audit events (auditors only; the read is itself logged)."""
    if fmt not in ("table", "jsonl"):
        raise CasewatchError(f"--format must be 'table' or 'jsonl', not {fmt!r}")
    flt = AuditFilter(
        start=parse_when(start, "--from"), end=parse_when(end, "--to", end=True), actor=actor,
        action=action, case_id=case, outcome=outcome, limit=limit,
    )
    with transaction(open_engine()) as session:
        events = read_events(session, current_user(session), flt)
        if fmt == "jsonl":
            out = sys.stdout.buffer
            for event in events:
                out.write(orjson.dumps(event_json(event)) + b"\n")
            out.flush()
            return
        table = Table("seq", "at", "actor", "action", "object", "case", "purpose", "outcome")
        for e in events:
            table.add_row(
                str(e.seq), e.at.isoformat(timespec="seconds"), e.actor, e.action,
                f"{e.object_type or ''} {e.object_id or ''}".strip(), str(e.case_id or ""),
                (e.purpose or "")[:60], e.outcome,
            )
    console.print(table)


@audit_app.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign a checkpoint over the log's current head now (auditors and admins)."""
    with transaction(open_engine()) as session:
        user = current_user(session)
        require_role(user, *OPERATORS, action="audit.checkpoint")
        row = checkpoint_now(session, actor=user.name)
        console.print(f"signed checkpoint at seq {row.seq}: {row.root_hash} (key {row.key_id[:16]}…)")


@audit_app.command("prove")
def audit_prove(
    event: Annotated[int, typer.Option("--event", help="The event's seq", min=1)],
    size: Annotated[int | None, typer.Option(
        "--size", help="Tree size of a signed checkpoint (default: the latest)", min=1)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the proof as JSON")] = False,
) -> None:
    """Inclusion proof of one event in a signed Merkle tree head (auditors; logged)."""
    with transaction(open_engine()) as session:
        proof = prove_event(session, current_user(session), event, size)
    if json_out:
        print(orjson.dumps(proof, option=orjson.OPT_INDENT_2).decode())
        return
    head = proof["checkpoint"]
    console.print(f"event {event} is leaf {proof['leaf_index']} of the tree head of size "
                  f"{proof['tree_size']} signed at {head['at']}", highlight=False)
    console.print(f"leaf hash {proof['leaf_hash']}\nroot      {head['root_hash']}", highlight=False)
    for i, step in enumerate(proof["audit_path"]):
        console.print(f"  path[{i}] {step}", highlight=False)
    err_console.print("(--json gives the proof in the format docs/accountability.md describes)")


@audit_app.command("consistency")
def audit_consistency(
    first: Annotated[int, typer.Option("--from", help="Size of the earlier signed tree head", min=1)],
    second: Annotated[int | None, typer.Option(
        "--to", help="Size of the later signed tree head (default: the latest)", min=1)] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the proof as JSON")] = False,
) -> None:
    """Proof that an earlier signed tree head is a prefix of a later one (auditors, admins)."""
    with transaction(open_engine()) as session:
        proof = prove_consistency(session, current_user(session), first, second, OPERATORS)
    if json_out:
        print(orjson.dumps(proof, option=orjson.OPT_INDENT_2).decode())
        return
    old, new = proof["first"], proof["second"]
    console.print(f"tree head {old['seq']} ({old['root_hash'][:16]}…) is a prefix of tree head "
                  f"{new['seq']} ({new['root_hash'][:16]}…): {len(proof['proof'])} hashes",
                  highlight=False)
    for i, step in enumerate(proof["proof"]):
        console.print(f"  proof[{i}] {step}", highlight=False)


@audit_app.command("export-checkpoints")
def audit_export_checkpoints(
    out: Annotated[Path | None, typer.Option(help="Write JSON here (default: stdout)")] = None,
) -> None:
    """Export every signed checkpoint and the public key as JSON for an outside witness."""
    with transaction(open_engine()) as session:
        user = current_user(session)
        require_role(user, *OPERATORS, action="audit.export_checkpoints")
        data = export_checkpoints(session)
        append(session, actor=user.name, action="audit.export_checkpoints",
               params={"checkpoints": len(data["checkpoints"])})
    payload = orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
    if out is None:
        sys.stdout.buffer.write(payload)
    else:
        out.write_bytes(payload)
        err_console.print(f"wrote {len(data['checkpoints'])} checkpoints to {out}")


@audit_app.command("public-key")
def audit_public_key() -> None:
    """Print the checkpoint signing public key (PEM)."""
    print(public_pem(signing_key().public_key()), end="")


def grant_app_role_cmd(
    role: Annotated[str, typer.Argument(help="PostgreSQL role the application connects as")],
) -> None:
    """PostgreSQL: let ROLE read and insert audit rows but never update or delete them."""
    from casewatch.audit.grants import grant_app_role

    engine = open_engine()
    with transaction(engine) as session:
        user = current_user(session)
        require_role(user, "admin", action="db.grant_app_role")
    statements = grant_app_role(engine, role)
    with transaction(engine) as session:
        append(session, actor=user.name, action="db.grant_app_role", params={"role": role})
    for statement in statements:
        console.print(f"{statement};", highlight=False)


def register(app: typer.Typer) -> None:
    from casewatch.cli.db import db_app

    app.add_typer(audit_app, name="audit")
    db_app.command("grant-app-role")(grant_app_role_cmd)
