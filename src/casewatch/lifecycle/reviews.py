"""Supervisors' reviews, and renewals of cases and watches that need one.

28 CFR 23.20 asks that kept intelligence be reviewed (or purged) with the
reviewer's name, the date and an explanation. In casewatch a case's review
date and a watch's expiry can only move forward through such a review:

1. a supervisor of the case's team records a review (``record_review``) with
   an explanation and the new date;
2. ``renew_case`` / ``renew_watch`` apply it (anyone who may change the case).

A review is usable for :data:`REVIEW_VALID_DAYS` days and only for the object
it names.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from casewatch.audit.log import append
from casewatch.auth.access import require_case, require_role
from casewatch.db.models import Case, Review, User, Watch, utcnow
from casewatch.errors import CasewatchError, NotFound
from casewatch.lifecycle.purpose import check_watch_expiry, end_of_day
from casewatch.settings import Settings, get_settings

REVIEW_VALID_DAYS = 30
OBJECT_TYPES = ("case", "watch")


def _case_of(session: Session, user: User, object_type: str, object_id: int, action: str) -> Case:
    """The case a reviewed object belongs to, checked for write access."""
    if object_type == "case":
        return require_case(session, user, object_id, action=action, write=True)
    watch = session.get(Watch, object_id)
    if watch is None or watch.removed_at is not None:
        raise NotFound(f"watch {object_id} not found")
    return require_case(session, user, watch.case_id, action=action, write=True)


def record_review(
    session: Session,
    reviewer: User,
    object_type: str,
    object_id: int,
    explanation: str,
    new_date: date | None,
) -> Review:
    """A supervisor reviews a case or watch of their team; audited as ``review.record``.

    ``new_date`` is the proposed new review date (case) or expiry date (watch);
    None records a review that renews nothing (e.g. "keep until closure").
    """
    if object_type not in OBJECT_TYPES:
        raise CasewatchError(f"can review a case or a watch, not {object_type!r}")
    require_role(reviewer, "supervisor", action="review.record", session=session)
    case = _case_of(session, reviewer, object_type, object_id, "review.record")
    text = (explanation or "").strip()
    if len(text) < 10:
        raise CasewatchError(
            "a review needs an explanation of why the case or watch is still justified "
            "(at least 10 characters)"
        )
    today = utcnow().date()
    if new_date is not None and new_date <= today:
        raise CasewatchError(f"new date {new_date.isoformat()} must be after today ({today})")
    review = Review(
        object_type=object_type, object_id=object_id, reviewer_id=reviewer.id,
        explanation=text, new_date=new_date, at=utcnow(),
    )
    session.add(review)
    session.flush()
    append(
        session, actor=reviewer.name, action="review.record", object_type=object_type,
        object_id=object_id, case_id=case.id, purpose=text,
        params={"review_id": review.id, "new_date": new_date},
    )
    return review


def _usable_review(
    session: Session, object_type: str, object_id: int, review_id: int | None
) -> Review:
    """The review to apply: the one named, else the latest with a new date; checked."""
    label = f"{object_type} {object_id}"
    if review_id is not None:
        review = session.get(Review, review_id)
        if review is None or (review.object_type, review.object_id) != (object_type, object_id):
            raise NotFound(f"review {review_id} of {label} not found")
    else:
        stmt = (
            select(Review)
            .where(Review.object_type == object_type, Review.object_id == object_id)
            .where(Review.new_date.is_not(None))
            .order_by(Review.at.desc(), Review.id.desc())
        )
        found = session.scalars(stmt.limit(1)).first()
        if found is None:
            raise CasewatchError(
                f"renewing {label} needs a supervisor's review with a new date: "
                f"'casewatch review {object_type} {object_id} --explanation TEXT --new-date DATE'"
            )
        review = found
    if review.new_date is None:
        raise CasewatchError(f"review {review.id} of {label} sets no new date: nothing to renew")
    if review.at < utcnow() - timedelta(days=REVIEW_VALID_DAYS):
        raise CasewatchError(
            f"review {review.id} of {label} is older than {REVIEW_VALID_DAYS} days: "
            "a supervisor must review it again"
        )
    reviewer = session.get(User, review.reviewer_id)
    if reviewer is None or reviewer.role != "supervisor":
        raise CasewatchError(f"review {review.id} was not made by a supervisor")
    return review


def renew_case(
    session: Session, user: User, case_id: int, *, review_id: int | None = None
) -> Case:
    """Move a case's review date to the new date of a supervisor's review; audited."""
    case = require_case(session, user, case_id, action="case.renew", write=True)
    review = _usable_review(session, "case", case_id, review_id)
    assert review.new_date is not None
    old = case.review_date
    case.review_date = review.new_date
    append(
        session, actor=user.name, action="case.renew", object_type="case", object_id=case_id,
        case_id=case_id, params={"review_id": review.id, "from": old, "to": review.new_date},
    )
    return case


def renew_watch(
    session: Session,
    user: User,
    watch_id: int,
    *,
    review_id: int | None = None,
    settings: Settings | None = None,
) -> Watch:
    """Extend a watch to the end of its review's new date (checked like a new expiry); audited."""
    watch = session.get(Watch, watch_id)
    if watch is None or watch.removed_at is not None:
        raise NotFound(f"watch {watch_id} not found")
    case = require_case(session, user, watch.case_id, action="watch.renew", write=True)
    review = _usable_review(session, "watch", watch_id, review_id)
    assert review.new_date is not None
    old = watch.expires_at
    watch.expires_at = check_watch_expiry(
        case, end_of_day(review.new_date), settings or get_settings()
    )
    append(
        session, actor=user.name, action="watch.renew", object_type="watch", object_id=watch_id,
        case_id=case.id, params={"review_id": review.id, "from": old, "to": watch.expires_at},
    )
    return watch
