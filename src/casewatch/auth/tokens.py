"""API tokens: random secrets shown once, stored only as SHA-256 hashes, with expiry and revocation.

A token looks like ``cw_<43 url-safe characters>`` (256 bits of randomness).
Because the secret is uniformly random, a plain SHA-256 is enough to make a
stolen database useless for logging in (no salt or slow hash needed).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from casewatch.audit.log import append, append_committed
from casewatch.auth.users import SYSTEM, get_user
from casewatch.db.models import ApiToken, User, utcnow
from casewatch.errors import CasewatchError, Denied, NotFound

log = logging.getLogger("casewatch.auth")

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


#: The token check the API runs on a cache miss: one indexed single-row read (the unique
#: token hash, then the user's primary key), a Core statement built once (no ORM loading).
_CHECK = (
    select(User.id, User.name, User.role, User.team_id, User.created_at, ApiToken.expires_at)
    .join_from(ApiToken, User, ApiToken.user_id == User.id)
    .where(ApiToken.token_hash == bindparam("digest"), ApiToken.revoked_at.is_(None),
           ApiToken.expires_at > bindparam("now"), User.active.is_(True))
)

#: The counters bumped by triggers (``ChangeGeneration``): plain SQL, run on the driver's cursor.
_GENERATIONS = "SELECT name, n FROM change_generations"

#: Most tokens one server process keeps checked (the cache is emptied when it is full).
MAX_CACHED = 10_000


@dataclass(frozen=True)
class Generations:
    """The change counters as read at the start of a request (None: not available)."""

    auth: int | None = None
    watches: int | None = None


def _attach(session: Session, row: Any) -> User:
    """The user of a checked token, attached to ``session`` without a query.

    The row's columns are set; anything else (the password hash, the team) loads on
    first access.
    """
    known = session.identity_map.get(identity_key(User, row.id))
    if isinstance(known, User):
        return known
    user = User(id=row.id, name=row.name, role=row.role, team_id=row.team_id, active=True,
                created_at=row.created_at)
    make_transient_to_detached(user)
    session.add(user)
    return user


def check_token(connection: Connection, session: Session, token: str) -> User | None:
    """The active user of a valid ``token``, read afresh from the database; None otherwise.

    One indexed single-row read on ``connection``; the user comes back attached to
    ``session``. :class:`TokenChecker` is the cached form the API server uses.
    """
    if not token.startswith(PREFIX):
        return None
    row = connection.execute(_CHECK, {"digest": token_hash(token), "now": utcnow()}).first()
    return None if row is None else _attach(session, row)


class TokenChecker:
    """The API's token check: cached per process, and still exact on the next request.

    Every check first reads the change counters (``change_generations``: one row
    per kind of change, bumped by database triggers in the very transaction that
    revokes a token, deactivates a user or changes a role or team, whoever runs it:
    the CLI, a service, raw SQL, another worker). A token checked under the same
    ``auth`` counter is answered from memory (its expiry compared with the clock);
    under any other value the cache is emptied and the token read again
    (:func:`check_token`'s statement). So revocation, deactivation and role
    changes apply to the very next request in every worker, and expiry is exact,
    as without a cache. Reading the counters first and the token second makes
    the race safe: a change committed between the two reads bumps the counter
    past the value the entry is filed under, so the next request reads again.
    Unknown or refused tokens are not cached.

    It runs on one connection of its own, one caller at a time: on SQLite the API
    checks tokens directly on the event loop, and a connection from the engine's
    pool could make the loop wait for one held by a request that itself waits
    for the loop. The connection is in autocommit mode (every read sees the
    latest commit; no transaction is left open). A failed connection is dropped
    and opened again on the next check.
    """

    def __init__(self, engine: Engine, max_cached: int = MAX_CACHED) -> None:
        self.engine = engine
        self.max_cached = max_cached
        self._connection: Connection | None = None
        self._lock = threading.Lock()
        #: token hash -> the checked row (user columns and the token's expiry)
        self._cache: dict[str, Any] = {}
        self._auth: int | None = None
        #: checks answered from the database / from memory (for tests and metrics)
        self.reads = 0
        self.hits = 0
        self._warned = False

    def check(self, session: Session, token: str) -> tuple[User | None, Generations]:
        """The active user of a valid ``token`` (attached to ``session``) or None, and the
        change counters read for this request."""
        if not token.startswith(PREFIX):
            return None, Generations()
        with self._lock:
            if self._connection is None:
                self._connection = self.engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT")
            try:
                generations = self._generations(self._connection)
                row = self._row(self._connection, token_hash(token), generations.auth)
            except Exception:
                self.close_locked()
                raise
        return (None if row is None else _attach(session, row)), generations

    def user(self, session: Session, token: str) -> User | None:
        """The active user of a valid ``token`` (attached to ``session``), or None."""
        return self.check(session, token)[0]

    def _generations(self, connection: Connection) -> Generations:
        """Both counters, on the driver's own cursor (no SQLAlchemy layer: a few microseconds).

        A database without them (not upgraded to migration 0006) gets no caching:
        every token and every hit is read again, as before the counters existed.
        """
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(_GENERATIONS)
            counters = dict(cursor.fetchall())
        except Exception as exc:  # the table is missing: the next statement tells a dead link
            if not self._warned:
                log.warning("no change counters (%s): tokens and hits are read on every "
                            "request; run 'casewatch db upgrade'", exc)
                self._warned = True
            return Generations()
        finally:
            cursor.close()
        return Generations(auth=counters.get("auth"), watches=counters.get("watches"))

    def _row(self, connection: Connection, digest: str, auth: int | None) -> Any:
        """The token's row from memory when checked under ``auth``, else from the database."""
        now = utcnow()
        if auth is not None and auth == self._auth:
            row = self._cache.get(digest)
            if row is not None:
                if row.expires_at > now:
                    self.hits += 1
                    return row
                del self._cache[digest]
                return None
        else:
            self._cache.clear()
            self._auth = auth
        self.reads += 1
        row = connection.execute(_CHECK, {"digest": digest, "now": now}).first()
        if row is not None and auth is not None:
            if len(self._cache) >= self.max_cached:
                self._cache.clear()
            self._cache[digest] = row
        return row

    def close_locked(self) -> None:
        self._cache.clear()
        self._auth = None
        if self._connection is not None:
            self._connection.invalidate()
            self._connection.close()
            self._connection = None

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
