"""``casewatch user add|list|deactivate|activate``, ``casewatch token issue|revoke|list``."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from casewatch.audit.log import append
from casewatch.auth.tokens import issue_token, list_tokens, revoke_token
from casewatch.auth.users import ROLES, create_user, get_user, list_users, set_active
from casewatch.cli.common import console, current_user, err_console, open_engine
from casewatch.db.engine import transaction
from casewatch.errors import CasewatchError

user_app = typer.Typer(help="Users, teams and roles (admins only).", no_args_is_help=True)
token_app = typer.Typer(help="API tokens (shown once, stored as hashes).", no_args_is_help=True)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Login name")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}")],
    team: Annotated[str | None, typer.Option(help="Team (created if missing)")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read a password from standard input")
    ] = False,
) -> None:
    """Add a user (admins only). The password, if any, is stored as an argon2 hash."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CasewatchError("--password-stdin: no password on standard input")
    with transaction(open_engine()) as session:
        actor = current_user(session)
        user = create_user(session, name, role, team, password, actor=actor.name)
        console.print(f"added user {user.name} ({user.role}, team {team or '-'}), id {user.id}")


@user_app.command("list")
def user_list() -> None:
    """List users with their role, team and whether they are active (admins only)."""
    from casewatch.auth.access import require_role

    with transaction(open_engine()) as session:
        actor = current_user(session)
        require_role(actor, "admin", action="user.list")
        append(session, actor=actor.name, action="user.list")
        table = Table("id", "name", "role", "team", "active", "created")
        for user in list_users(session):
            table.add_row(
                str(user.id), user.name, user.role, user.team.name if user.team else "",
                "yes" if user.active else "no", user.created_at.date().isoformat(),
            )
    console.print(table)


def _set_active(name: str, active: bool) -> None:
    with transaction(open_engine()) as session:
        actor = current_user(session)
        user = set_active(session, name, active, actor=actor.name)
        console.print(f"user {user.name} is now {'active' if active else 'deactivated'}")


@user_app.command("deactivate")
def user_deactivate(name: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Deactivate a user: their tokens stop working at once (admins only)."""
    _set_active(name, False)


@user_app.command("activate")
def user_activate(name: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Reactivate a deactivated user (admins only)."""
    _set_active(name, True)


@token_app.command("issue")
def token_issue(
    name: Annotated[str, typer.Argument(help="User the token is for")],
    days: Annotated[int, typer.Option(help="Days until it expires")] = 90,
    label: Annotated[str | None, typer.Option(help="A note to recognise it by")] = None,
) -> None:
    """Issue an API token and print it once (admins for anyone; users for themselves)."""
    with transaction(open_engine()) as session:
        actor = current_user(session)
        user = get_user(session, name)
        token = issue_token(session, user, days=days, label=label, actor=actor.name)
    err_console.print(f"token for {name}, valid {days} days (shown only now; store it safely):")
    print(token)


@token_app.command("revoke")
def token_revoke(
    token_or_id: Annotated[str, typer.Argument(help="The token (cw_...) or its id")],
) -> None:
    """Revoke a token now (admins for anyone; users their own)."""
    with transaction(open_engine()) as session:
        actor = current_user(session)
        row = revoke_token(session, token_or_id, actor=actor.name)
        console.print(f"token {row.id} of {row.user.name} revoked")


@token_app.command("list")
def token_list(name: Annotated[str, typer.Argument(help="User")]) -> None:
    """List a user's tokens: id, label, expiry, revoked (never the token itself)."""
    from casewatch.auth.access import require_role

    with transaction(open_engine()) as session:
        actor = current_user(session)
        user = get_user(session, name)
        if actor.name != user.name:
            require_role(actor, "admin", action="token.list")
        append(session, actor=actor.name, action="token.list", object_type="user",
               object_id=user.id)
        table = Table("id", "label", "created", "expires", "revoked")
        for row in list_tokens(session, user):
            table.add_row(
                str(row.id), row.label or "", row.created_at.isoformat(timespec="seconds"),
                row.expires_at.isoformat(timespec="seconds"),
                row.revoked_at.isoformat(timespec="seconds") if row.revoked_at else "",
            )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
