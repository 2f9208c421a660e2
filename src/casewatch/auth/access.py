"""Case-level access control.

Who may do what with a case:

=============  ===========================  ==============================
role           sees                         changes
=============  ===========================  ==============================
analyst        cases of their own team      cases of their own team
supervisor     cases of their own team      cases of their own team
auditor        every case (read-only)       nothing
admin          every case                   every case
=============  ===========================  ==============================

A case the caller may not see gets exactly the answer a missing case gets
("case N not found", HTTP 404), so that ids of other teams' cases leak
nothing. Every refusal is appended to the audit log with outcome "denied" in
its own committed transaction, so that it survives the caller's rollback.
"""

from __future__ import annotations

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session, object_session

from casewatch.audit.log import append_committed
from casewatch.db.models import Case, User
from casewatch.errors import Denied, NotFound

SEE_ALL = ("auditor", "admin")
WRITERS = ("analyst", "supervisor", "admin")


def can_see_case(user: User, case: Case) -> bool:
    """Team members, auditors (read-only) and admins see a case."""
    if not user.active:
        return False
    if user.role in SEE_ALL:
        return True
    return user.team_id is not None and case.team_id == user.team_id


def can_write_case(user: User, case: Case) -> bool:
    """Team members (analysts, supervisors) and admins change a case; auditors never do."""
    return user.role in WRITERS and can_see_case(user, case)


def deny(
    session: Session,
    user: User | str,
    action: str,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    case_id: int | None = None,
    purpose: str | None = None,
) -> None:
    """Log a refused access (outcome "denied") in its own committed transaction."""
    append_committed(
        session,
        actor=user if isinstance(user, str) else user.name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        case_id=case_id,
        purpose=purpose,
        outcome="denied",
    )


def require_case(
    session: Session,
    user: User,
    case_id: int,
    *,
    action: str,
    write: bool = False,
    purpose: str | None = None,
) -> Case:
    """The case ``case_id`` if ``user`` may see it (and change it when ``write``).

    Otherwise the refusal is logged (see :func:`deny`) and NotFound("case N not
    found") is raised: the same answer for a missing case and another team's.
    An auditor who may see the case but asks to change it gets Denied instead
    (they already know it exists).
    """
    case = session.get(Case, case_id)
    if case is None or not can_see_case(user, case):
        deny(
            session, user, action, object_type="case", object_id=case_id, case_id=case_id,
            purpose=purpose,
        )
        raise NotFound(f"case {case_id} not found")
    if write and not can_write_case(user, case):
        deny(
            session, user, action, object_type="case", object_id=case_id, case_id=case_id,
            purpose=purpose,
        )
        raise Denied(f"{action}: {user.role}s have read-only access to cases")
    return case


def visible_case_ids(session: Session, user: User) -> Select[int] | None:
    """A ``SELECT cases.id`` of the cases ``user`` may see, for filtering lists.

    None means "no filter" (auditors and admins see every case). Use it as
    ``stmt.where(Alert.case_id.in_(ids))``.
    """
    if user.role in SEE_ALL and user.active:
        return None
    if user.team_id is None or not user.active:
        return select(Case.id).where(false())
    return select(Case.id).where(Case.team_id == user.team_id)


def require_role(user: User, *roles: str, action: str, session: Session | None = None) -> None:
    """Raise Denied unless ``user`` is active and has one of ``roles``.

    The refusal is logged when a session is given or ``user`` is still attached
    to one.
    """
    if user.active and user.role in roles:
        return
    session = session or object_session(user)
    if session is not None:
        deny(session, user, action)
    if not user.active:
        raise Denied(f"{action}: user {user.name!r} is deactivated")
    needed = " or ".join(roles)
    raise Denied(f"{action} needs the {needed} role; {user.name!r} is {user.role}")
