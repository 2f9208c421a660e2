"""Users, teams and roles.

Roles (one per user):

- ``analyst``: works the cases of their team (screen, triage, propose).
- ``supervisor``: an analyst who also reviews cases and watches and confirms alerts.
- ``auditor``: reads every case (read-only), the audit log and the oversight report.
- ``admin``: manages users, tokens, sources and retention; sees and changes every case.

Only admins add users (``actor`` must name an admin). The reserved actor
``"system"`` is for bootstrap and maintenance code (``casewatch init``, tests);
no user can be called "system", so the CLI and the API can never act as it.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from casewatch.audit.log import append, append_committed
from casewatch.auth.passwords import hash_password
from casewatch.db.models import Team, User
from casewatch.errors import CasewatchError, Denied, NotFound

ROLES = ("analyst", "supervisor", "auditor", "admin")
SYSTEM = "system"
ADMIN_NAME = "admin"
DEFAULT_TEAM = "default"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,199}$")


def get_user(session: Session, name: str) -> User:
    """The user called ``name``; NotFound with the command that creates one otherwise."""
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(
            f"no user {name!r}: add one with 'casewatch user add {name} --role ROLE --team TEAM'"
        )
    return user


def get_or_create_team(session: Session, name: str) -> Team:
    """The team called ``name``, created if missing."""
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
    return team


def check_admin_actor(session: Session, actor: str, action: str) -> None:
    """Raise Denied unless ``actor`` is the system or an active admin."""
    if actor == SYSTEM:
        return
    user = get_user(session, actor)
    if user.role != "admin" or not user.active:
        append_committed(session, actor=actor, action=action, outcome="denied")
        raise Denied(f"{action}: only an admin may do this; {actor!r} is {user.role}")


def create_user(
    session: Session,
    name: str,
    role: str,
    team: str | None,
    password: str | None = None,
    *,
    actor: str,
) -> User:
    """Add a user (the team is created if missing); audited as ``user.create``.

    ``actor`` must be an admin's name (or ``"system"`` for bootstrap). The
    password, if any, is stored only as an argon2id hash.
    """
    if role not in ROLES:
        raise CasewatchError(f"role {role!r} is not one of: {', '.join(ROLES)}")
    if not _NAME.match(name) or name == SYSTEM:
        raise CasewatchError(
            f"user name {name!r} is not allowed: use letters, digits, '.', '_', '@' or '-' "
            f"(and not {SYSTEM!r})"
        )
    if team is not None and not team.strip():
        raise CasewatchError("team name is empty: give --team NAME or leave it out")
    if role in ("analyst", "supervisor") and team is None:
        raise CasewatchError(f"a{'n' if role == 'analyst' else ''} {role} needs a team: --team NAME")
    if password is not None and len(password) < 8:
        raise CasewatchError("password is too short: use at least 8 characters")
    check_admin_actor(session, actor, "user.create")
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise CasewatchError(f"user {name!r} already exists")
    team_row = get_or_create_team(session, team.strip()) if team is not None else None
    user = User(
        name=name,
        role=role,
        team=team_row,
        team_id=team_row.id if team_row else None,
        password_hash=hash_password(password) if password else None,
        active=True,
    )
    session.add(user)
    session.flush()
    append(
        session,
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.id,
        params={"name": name, "role": role, "team": team},
    )
    return user


def set_active(session: Session, name: str, active: bool, *, actor: str) -> User:
    """Deactivate (or reactivate) a user; a deactivated user's tokens stop working."""
    check_admin_actor(session, actor, "user.update")
    user = get_user(session, name)
    user.active = active
    append(
        session,
        actor=actor,
        action="user.activate" if active else "user.deactivate",
        object_type="user",
        object_id=user.id,
    )
    return user


def ensure_admin(session: Session) -> User:
    """The bootstrap admin ("admin", role admin, team "default"); created once, idempotent."""
    user = session.scalar(select(User).where(User.name == ADMIN_NAME))
    if user is not None:
        return user
    return create_user(session, ADMIN_NAME, "admin", DEFAULT_TEAM, actor=SYSTEM)


def list_users(session: Session) -> list[User]:
    """Every user, by name."""
    return list(session.scalars(select(User).order_by(User.name)))
