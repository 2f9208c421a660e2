"""API tokens: random secrets shown once, stored only as SHA-256 hashes, with expiry and revocation.

A token looks like ``cw_<43 url-safe characters>`` (256 bits of randomness).
Because the secret is uniformly random, a plain SHA-256 is enough to make a
stolen database useless for logging in (no salt or slow hash needed).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, make_transient_to_detached

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


#: How long a server process may trust a token it has checked (seconds). A revoked or
#: deactivated token keeps working for at most this long in a process that saw it valid;
#: an expired one stops at its expiry (checked on every use).
TOKEN_CACHE_SECONDS = 5.0


class TokenCache:
    """Token hash -> (the user, the token's expiry, when checked), for at most ``ttl`` seconds.

    The API checks a bearer token on every request; with the cache it reads the
    token and its user from the database once per ``ttl`` per process instead.
    Bounds: revocation and user deactivation take effect within ``ttl`` seconds;
    expiry is exact (the cached expiry is compared on every use); unknown tokens
    are never cached (each is looked up). The cached users are detached,
    read-only copies: :meth:`user` attaches a copy to the caller's session
    without a query (``merge(load=False)``).
    """

    def __init__(self, ttl: float = TOKEN_CACHE_SECONDS, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[str, tuple[User, datetime, float]] = {}
        self._lock = threading.Lock()

    def peek(self, session: Session, token: str) -> User | None:
        """The user of ``token`` if it was checked less than ``ttl`` ago and has not
        expired since (attached to ``session`` without a query); None otherwise."""
        hit = self._entries.get(token_hash(token)) if token.startswith(PREFIX) else None
        if hit is None or time.monotonic() - hit[2] >= self.ttl or hit[1] <= utcnow():
            return None
        return session.merge(hit[0], load=False)

    def user(self, session: Session, token: str) -> User | None:
        """The active user of a valid ``token`` (cached up to ``ttl``), or None."""
        if not token.startswith(PREFIX):
            return None
        cached = self.peek(session, token)
        if cached is not None:
            return cached
        digest = token_hash(token)
        now = time.monotonic()
        row = session.execute(
            select(User, ApiToken.expires_at).join(ApiToken, ApiToken.user_id == User.id).where(
                ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > utcnow(), User.active.is_(True))).first()
        if row is None:
            with self._lock:
                self._entries.pop(digest, None)
            return None
        user, expires = row
        # a detached copy with the identity only (unset attributes, e.g. the password hash,
        # load on access), so that each request's session gets its own instance
        detached = User(id=user.id, name=user.name, role=user.role, team_id=user.team_id,
                        active=user.active, created_at=user.created_at)
        make_transient_to_detached(detached)
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[digest] = (detached, expires, now)
        return user

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
