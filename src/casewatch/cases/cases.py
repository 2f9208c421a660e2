"""Case services: open, list, show, close and renew cases.

Every function takes the session and the acting :class:`User`, checks access
(``casewatch.auth.access``), validates, writes, and appends its audit event in
the caller's transaction. The CLI and the HTTP API are thin wrappers.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from casewatch.audit.log import append
from casewatch.auth.access import deny, require_case, require_role, visible_case_ids
from casewatch.db.models import Alert, Case, Team, User, Watch, utcnow
from casewatch.errors import CasewatchError, Denied

WRITER_ROLES = ("analyst", "supervisor", "admin")
MAX_TITLE = 500


@dataclass(frozen=True)
class CaseSummary:
    """A case with what it holds: watches active / ended, alerts by status."""

    case: Case
    team: str | None
    watches_active: int
    watches_ended: int
    alerts: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {**case_dict(self.case, self.team), "watches_active": self.watches_active,
                "watches_ended": self.watches_ended, "alerts": self.alerts}


def case_dict(case: Case, team: str | None = None) -> dict[str, Any]:
    """The public fields of a case (never the webhook secret)."""
    return {
        "case_id": case.id,
        "title": case.title,
        "legal_basis": case.legal_basis,
        "team": team,
        "owner_id": case.owner_id,
        "status": case.status,
        "opened_at": case.opened_at.isoformat(),
        "review_date": case.review_date.isoformat(),
        "threshold": case.threshold,
        "webhook_url": case.webhook_url,
    }


def check_threshold(value: float | None, field: str = "--threshold") -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        raise CasewatchError(f"{field} {value} is out of range: expected a number from 0 to 1")


def check_webhook_url(url: str) -> str:
    """An http(s) URL with a host, stripped; CasewatchError otherwise."""
    url = url.strip()
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise CasewatchError(f"webhook URL {url!r} is not valid: expected http(s)://HOST/PATH")
    return url


def _resolve_team(session: Session, actor: User, team: str | None) -> Team:
    if team is None:
        if actor.team_id is None:
            raise CasewatchError(
                f"user {actor.name!r} has no team: give the case's team with --team NAME"
            )
        found = session.get(Team, actor.team_id)
    else:
        found = session.scalar(select(Team).where(Team.name == team.strip()))
        if found is None:
            raise CasewatchError(
                f"no team {team!r}: teams are created with 'casewatch user add NAME --team TEAM'"
            )
    assert found is not None
    if actor.role != "admin" and found.id != actor.team_id:
        deny(session, actor, "case.create", object_type="team", object_id=found.id)
        raise Denied(f"case.create: {actor.name!r} may open cases only for their own team")
    return found


def create_case(
    session: Session,
    actor: User,
    *,
    title: str,
    legal_basis: str,
    review_date: date,
    team: str | None = None,
    threshold: float | None = None,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
) -> Case:
    """Open a case. It needs a title, a legal basis and a review date in the future.

    The team defaults to the actor's; only admins open cases for another team.
    A webhook URL gets a random signing secret unless one is given.
    """
    require_role(actor, *WRITER_ROLES, action="case.create")
    title, legal_basis = title.strip(), legal_basis.strip()
    if not title:
        raise CasewatchError("--title is empty: give the case a title")
    if len(title) > MAX_TITLE:
        raise CasewatchError(f"--title is longer than {MAX_TITLE} characters")
    if not legal_basis:
        raise CasewatchError(
            "--legal-basis is empty: state the legal basis for this case "
            "(e.g. the statute, regulation or mandate it rests on)"
        )
    today = utcnow().date()
    if review_date <= today:
        raise CasewatchError(
            f"--review-date {review_date.isoformat()} is not in the future (today is "
            f"{today.isoformat()} UTC): give a later date"
        )
    check_threshold(threshold)
    url = check_webhook_url(webhook_url) if webhook_url else None
    team_row = _resolve_team(session, actor, team)
    case = Case(
        title=title, legal_basis=legal_basis, owner_id=actor.id, team_id=team_row.id,
        review_date=review_date, status="open", threshold=threshold, webhook_url=url,
        webhook_secret=(webhook_secret or secrets.token_urlsafe(32)) if url else None,
    )
    session.add(case)
    session.flush()
    append(session, actor=actor.name, action="case.create", object_type="case",
           object_id=case.id, case_id=case.id, purpose=legal_basis,
           params={"title": title, "team": team_row.name, "review_date": review_date.isoformat(),
                   "threshold": threshold, "webhook": bool(url)})
    return case


def _summary(session: Session, case: Case) -> CaseSummary:
    now = utcnow()
    active = session.scalar(
        select(func.count()).select_from(Watch).where(
            Watch.case_id == case.id, Watch.removed_at.is_(None), Watch.expires_at > now
        )
    ) or 0
    total = session.scalar(
        select(func.count()).select_from(Watch).where(Watch.case_id == case.id)
    ) or 0
    alerts = {
        status: count
        for status, count in session.execute(
            select(Alert.status, func.count()).where(Alert.case_id == case.id)
            .group_by(Alert.status)
        )
    }
    team = case.team.name if case.team is not None else None
    return CaseSummary(case, team, active, total - active, alerts)


def get_case(session: Session, actor: User, case_id: int, purpose: str | None = None) -> CaseSummary:
    """One case with its counts (``case show``); audited as ``case.view``."""
    case = require_case(session, actor, case_id, action="case.view", purpose=purpose)
    append(session, actor=actor.name, action="case.view", object_type="case",
           object_id=case.id, case_id=case.id, purpose=purpose)
    return _summary(session, case)


def list_cases(session: Session, actor: User, status: str | None = None) -> list[CaseSummary]:
    """The cases the actor may see (``case list``), newest first; audited as ``case.list``."""
    if status is not None and status not in ("open", "closed"):
        raise CasewatchError(f"--status {status!r}: expected 'open' or 'closed'")
    ids = visible_case_ids(session, actor)
    stmt = select(Case).order_by(Case.id.desc())
    if ids is not None:
        stmt = stmt.where(Case.id.in_(ids))
    if status:
        stmt = stmt.where(Case.status == status)
    cases = list(session.scalars(stmt))
    append(session, actor=actor.name, action="case.list", object_type="case",
           params={"status": status, "count": len(cases)})
    return [_summary(session, case) for case in cases]


def close_case(session: Session, actor: User, case_id: int, reason: str) -> tuple[Case, int]:
    """Close a case and end its active watches now; returns (case, watches ended).

    Only a supervisor, an admin or the case's owner may close it, with a reason.
    """
    case = require_case(session, actor, case_id, action="case.close", write=True)
    if actor.role not in ("supervisor", "admin") and actor.id != case.owner_id:
        deny(session, actor, "case.close", object_type="case", object_id=case.id,
             case_id=case.id)
        raise Denied("case.close: only a supervisor, an admin or the case owner may close it")
    if not reason.strip():
        raise CasewatchError("--reason is empty: say why the case is closed")
    if case.status == "closed":
        raise CasewatchError(f"case {case.id} is already closed")
    now: datetime = utcnow()
    result = session.execute(
        update(Watch)
        .where(Watch.case_id == case.id, Watch.removed_at.is_(None))
        .values(removed_at=now, removed_by=actor.id)
        .execution_options(synchronize_session=False)
    )
    ended = int(getattr(result, "rowcount", 0))
    case.status = "closed"
    append(session, actor=actor.name, action="case.close", object_type="case",
           object_id=case.id, case_id=case.id, purpose=reason.strip(),
           params={"watches_ended": ended})
    return case, ended
