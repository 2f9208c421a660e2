"""Watch services: add, list, remove one watch; the active-watch condition; the retro hook.

A watch is a subject watched within a case. It always has a threshold (given,
else the case's, else ``settings.threshold``) and an expiry (given, else, and
at most, the earlier of the case's review date and ``now + max_watch_days``).
An expired or removed watch never alerts: :func:`active_watches_filter` is the
one condition every screening path uses. Renewal goes through a supervisor's
review (``casewatch.lifecycle.reviews``). Bulk import lives in ``importer``.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from casewatch.audit.log import append
from casewatch.auth.access import deny, require_case, require_role
from casewatch.cases.cases import WRITER_ROLES, check_threshold
from casewatch.cases.subjects import Subject
from casewatch.db.models import Case, User, Watch, utcnow
from casewatch.errors import CasewatchError, NotFound
from casewatch.lifecycle.purpose import check_watch_expiry, end_of_day
from casewatch.settings import Settings, get_settings

RETRO_MODULE = "casewatch.monitor.retro"


def active_watches_filter(now: datetime) -> ColumnElement[bool]:
    """SQL condition: the watch is not removed and has not expired at ``now``.

    A watch expiring at instant T alerts for records screened before T and never
    at or after T. Closing a case removes its watches, so no join is needed.
    """
    return and_(Watch.removed_at.is_(None), Watch.expires_at > now)


def is_active(watch: Watch, now: datetime) -> bool:
    """Python twin of :func:`active_watches_filter` for a loaded watch."""
    return watch.removed_at is None and watch.expires_at > now


def max_expiry(case: Case, settings: Settings, now: datetime) -> datetime:
    """The latest a watch of ``case`` may run, and its default expiry.

    The end of the case's review date, or the end of the day ``max_watch_days``
    from now, whichever comes first (``casewatch.lifecycle.check_watch_expiry``
    enforces the same bounds).
    """
    return min(end_of_day(case.review_date),
               end_of_day((now + timedelta(days=settings.max_watch_days)).date()))


def resolve_expiry(case: Case, expires: date | datetime | None,
                   now: datetime | None = None) -> datetime:
    """The watch's expiry: the given one if allowed, else the maximum. Says what to fix."""
    settings = get_settings()
    now = now or utcnow()
    latest = max_expiry(case, settings, now)
    if case.status == "open" and latest <= now:
        raise CasewatchError(
            f"case {case.id} is past its review date {case.review_date.isoformat()}: a "
            "supervisor must review and renew it ('casewatch case renew') before watches are added"
        )
    return check_watch_expiry(case, latest if expires is None else expires, settings)


def resolve_threshold(case: Case, threshold: float | None) -> float:
    """The watch's threshold: the given one, else the case's, else the default setting."""
    check_threshold(threshold)
    if threshold is not None:
        return threshold
    return case.threshold if case.threshold is not None else get_settings().threshold


def retro_screen(session: Session, watch_ids: Sequence[int]) -> int | None:
    """Screen new watches against all stored records (the monitor's retro-screening).

    Calls ``casewatch.monitor.retro.retro_screen_watches(session, watch_ids)``
    when the monitor provides it, in the caller's transaction; returns what it
    returns (alerts raised), or None when retro-screening is not installed.
    """
    if not watch_ids or importlib.util.find_spec(RETRO_MODULE) is None:
        return None
    module = importlib.import_module(RETRO_MODULE)
    result = module.retro_screen_watches(session, list(watch_ids))
    return int(result) if isinstance(result, int) else None


def add_watch(
    session: Session,
    actor: User,
    case_id: int,
    subject: Subject,
    *,
    threshold: float | None = None,
    expires: date | datetime | None = None,
    retro: bool = True,
) -> Watch:
    """Watch one subject in a case (``watch add``); audited as ``watch.add``.

    Refuses a subject that is already actively watched in the same case.
    With ``retro`` the new watch is screened against stored records at once.
    """
    require_role(actor, *WRITER_ROLES, action="watch.add")
    case = require_case(session, actor, case_id, action="watch.add", write=True)
    expires_at = resolve_expiry(case, expires)
    value = resolve_threshold(case, threshold)
    now = utcnow()
    existing = session.scalar(
        select(Watch.id).where(
            Watch.case_id == case.id, Watch.subject_id == subject.subject_id,
            active_watches_filter(now),
        )
    )
    if existing is not None:
        raise CasewatchError(
            f"subject {subject.subject_id!r} is already watched in case {case.id} "
            f"(watch {existing}); renew or remove that watch instead"
        )
    watch = Watch(
        case_id=case.id, subject_id=subject.subject_id, schema=subject.schema,
        caption=subject.caption, entity=subject.entity, threshold=value,
        created_by=actor.id, created_at=now, expires_at=expires_at,
    )
    session.add(watch)
    session.flush()
    append(session, actor=actor.name, action="watch.add", object_type="watch",
           object_id=watch.id, case_id=case.id,
           params={"subject_id": subject.subject_id, "schema": subject.schema,
                   "threshold": value, "expires_at": expires_at.isoformat(),
                   "dropped": list(subject.dropped)})
    if retro:
        retro_screen(session, [watch.id])
    return watch


def get_watch(session: Session, actor: User, watch_id: int, *, action: str,
              write: bool = False) -> Watch:
    """The watch with this id if the actor may see (or change) its case; NotFound otherwise."""
    watch = session.get(Watch, watch_id)
    if watch is None:
        deny(session, actor, action, object_type="watch", object_id=watch_id)
        raise NotFound(f"watch {watch_id} not found")
    try:
        require_case(session, actor, watch.case_id, action=action, write=write)
    except NotFound:
        raise NotFound(f"watch {watch_id} not found") from None
    return watch


def remove_watch(session: Session, actor: User, watch_id: int, reason: str | None = None) -> Watch:
    """End a watch now (``watch remove``); it stops alerting at once. Audited as ``watch.remove``."""
    require_role(actor, *WRITER_ROLES, action="watch.remove")
    watch = get_watch(session, actor, watch_id, action="watch.remove", write=True)
    if watch.removed_at is not None:
        raise CasewatchError(f"watch {watch_id} was already removed at {watch.removed_at.isoformat()}")
    watch.removed_at = utcnow()
    watch.removed_by = actor.id
    append(session, actor=actor.name, action="watch.remove", object_type="watch",
           object_id=watch.id, case_id=watch.case_id, purpose=reason)
    return watch


def watch_dict(watch: Watch, now: datetime | None = None) -> dict[str, Any]:
    """The public fields of a watch, with its state (active, expired or removed)."""
    now = now or utcnow()
    state = "removed" if watch.removed_at else ("active" if watch.expires_at > now else "expired")
    return {
        "watch_id": watch.id, "case_id": watch.case_id, "subject_id": watch.subject_id,
        "schema": watch.schema, "caption": watch.caption, "threshold": watch.threshold,
        "created_at": watch.created_at.isoformat(), "expires_at": watch.expires_at.isoformat(),
        "removed_at": watch.removed_at.isoformat() if watch.removed_at else None,
        "state": state,
    }


def list_watches(
    session: Session, actor: User, case_id: int, *, include_ended: bool = False,
    limit: int | None = None,
) -> list[Watch]:
    """The watches of a case (active ones unless ``include_ended``); audited as ``watch.list``."""
    case = require_case(session, actor, case_id, action="watch.list")
    stmt = select(Watch).where(Watch.case_id == case.id).order_by(Watch.id)
    if not include_ended:
        stmt = stmt.where(active_watches_filter(utcnow()))
    if limit is not None:
        stmt = stmt.limit(limit)
    watches = list(session.scalars(stmt))
    append(session, actor=actor.name, action="watch.list", object_type="watch",
           case_id=case.id, params={"include_ended": include_ended, "count": len(watches)})
    return watches
