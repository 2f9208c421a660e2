"""API tokens: random secrets shown once, stored only as SHA-256 hashes, with expiry and revocation.

A token looks like ``cw_<43 url-safe characters>`` (256 bits of randomness).
Because the secret is uniformly random, a plain SHA-256 is enough to make a
stolen database useless for logging in (no salt or slow hash needed).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casewatch.audit.log import append, append_committed
from casewatch.auth.users import SYSTEM, get_user
from casewatch.db.models import ApiToken, User, utcnow
from casewatch.errors import CasewatchError, Denied, NotFound

PREFIX = "cw_"
MAX_DAYS = 366


def token_hash(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _check_may_manage(session: Session, actor: str, owner: User, action: str) -> None:
    """Users manage their own tokens; only admins (or the system) manage other users'."""
    if actor in (SYSTEM, owner.name):
        return
    actor_user = get_user(session, actor)
    if actor_user.role != "admin" or not actor_user.active:
        append_committed(
            session, actor=actor, action=action, object_type="user", object_id=owner.id,
            outcome="denied",
        )
        raise Denied(f"{action}: only an admin may manage tokens of another user ({owner.name!r})")


def issue_token(
    session: Session, user: User, *, days: int = 90, label: str | None = None, actor: str
) -> str:
    """Create a token for ``user`` valid for ``days``; returns the plaintext (shown once)."""
    if not 1 <= days <= MAX_DAYS:
        raise CasewatchError(f"--days must be between 1 and {MAX_DAYS}, not {days}")
    if not user.active:
        raise CasewatchError(f"user {user.name!r} is deactivated: reactivate them first")
    _check_may_manage(session, actor, user, "token.issue")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id,
        token_hash=token_hash(token),
        label=label,
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(row)
    session.flush()
    append(
        session, actor=actor, action="token.issue", object_type="token", object_id=row.id,
        params={"user": user.name, "days": days, "label": label},
    )
    return token


def find_token(session: Session, token_or_id: str) -> ApiToken:
    """A token by its plaintext (``cw_...``) or its numeric id."""
    row: ApiToken | None
    if token_or_id.startswith(PREFIX):
        row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token_or_id)))
        shown = "that token"
    elif token_or_id.isdigit():
        row = session.get(ApiToken, int(token_or_id))
        shown = f"token {token_or_id}"
    else:
        raise CasewatchError(
            f"{token_or_id!r} is neither a token (cw_...) nor a token id (a number)"
        )
    if row is None:
        raise NotFound(f"{shown} does not exist: see 'casewatch user list' for users")
    return row


def revoke_token(session: Session, token_or_id: str, *, actor: str) -> ApiToken:
    """Revoke a token (by plaintext or id) now; revoking twice is harmless. Audited."""
    row = find_token(session, token_or_id)
    _check_may_manage(session, actor, row.user, "token.revoke")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    append(session, actor=actor, action="token.revoke", object_type="token", object_id=row.id)
    return row


def authenticate(session: Session, token: str) -> User | None:
    """The active user a valid token belongs to; None if unknown, expired, revoked or inactive."""
    if not token or not token.startswith(PREFIX):
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    user = row.user
    return user if user.active else None


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """A user's tokens (hashes are never shown), newest first."""
    stmt = select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    return list(session.scalars(stmt))
