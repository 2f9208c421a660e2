"""API tokens: random secrets shown once, stored only as SHA-256 hashes, with expiry and revocation.

A token looks like ``cw_<43 url-safe characters>`` (256 bits of randomness).
Because the secret is uniformly random, a plain SHA-256 is enough to make a
stolen database useless for logging in (no salt or slow hash needed).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import timedelta

from sqlalchemy import Connection, Engine, bindparam, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

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


#: The token check the API runs on every request: one indexed single-row read (the unique
#: token hash, then the user's primary key), a Core statement built once (no ORM loading).
_CHECK = (
    select(User.id, User.name, User.role, User.team_id, User.created_at)
    .join_from(ApiToken, User, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None),
           ApiToken.expires_at > bindparam("now"), User.active.is_(True))
)


def check_token(connection: Connection, session: Session, token: str) -> User | None:
    """The active user of a valid ``token``, read afresh on every call; None otherwise.

    The API calls this on every request, so revocation, expiry, user
    deactivation and a changed role or team take effect on the very next
    request, in every server worker (there is no cache to go stale). It costs
    one indexed single-row read on ``connection`` (tens of microseconds on
    SQLite). The user comes back attached to ``session`` without a second
    query: the row's columns are set, anything else (the password hash, the
    team) loads on first access.
    """
    if not token.startswith(PREFIX):
        return None
    row = connection.execute(_CHECK, {"digest": token_hash(token), "now": utcnow()}).first()
    if row is None:
        return None
    known = session.identity_map.get(identity_key(User, row.id))
    if isinstance(known, User):
        return known
    user = User(id=row.id, name=row.name, role=row.role, team_id=row.team_id, active=True,
                created_at=row.created_at)
    make_transient_to_detached(user)
    session.add(user)
    return user


class TokenChecker:
    """Runs :func:`check_token` on one connection of its own, one caller at a time.

    The API checks the bearer token of every request, on SQLite directly on the
    event loop. A connection from the engine's pool could make the loop wait
    for one held by a request that itself waits for the loop; this private
    connection (autocommit: no transaction is left open between checks) never
    does. A failed connection is dropped and opened again on the next check.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Connection | None = None
        self._lock = threading.Lock()

    def user(self, session: Session, token: str) -> User | None:
        """The active user of a valid ``token`` (attached to ``session``), or None."""
        with self._lock:
            if self._connection is None:
                self._connection = self.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT")
            try:
                return check_token(self._connection, session, token)
            except DBAPIError:
                self.close_locked()
                raise

    def close_locked(self) -> None:
        if self._connection is not None:
            self._connection.invalidate()
            self._connection.close()
            self._connection = None

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
