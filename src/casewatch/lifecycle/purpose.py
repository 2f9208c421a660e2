"""Purpose limitation: searches need a reason, watches need an open case and an end."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from casewatch.db.models import Case, utcnow
from casewatch.errors import CasewatchError
from casewatch.settings import Settings

PURPOSE_MISSING = "give a case id (?case=ID) or a justification (?justification=TEXT)"
MAX_JUSTIFICATION = 2000


def require_purpose(case_id: int | None, justification: str | None) -> str:
    """The purpose to record for an ad-hoc search or /match: ``"case:ID"`` or the justification.

    Raises CasewatchError (HTTP 400) when neither is given. When a case id is
    given the caller must still check access with ``require_case``.
    """
    if case_id is not None:
        if case_id <= 0:
            raise CasewatchError(f"case id must be a positive number, not {case_id}")
        return f"case:{case_id}"
    text = (justification or "").strip()
    if not text:
        raise CasewatchError(PURPOSE_MISSING)
    if len(text) > MAX_JUSTIFICATION:
        raise CasewatchError(f"justification is too long: at most {MAX_JUSTIFICATION} characters")
    return text


def end_of_day(day: date) -> datetime:
    """The instant a date-only expiry ends: the next midnight, UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def as_instant(value: date | datetime) -> datetime:
    """A date means "through that day" (UTC); a naive datetime is taken as UTC."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return end_of_day(value)


def check_watch_expiry(
    case: Case, expires_at: date | datetime | None, settings: Settings
) -> datetime:
    """The watch expiry to store, checked against the case and the settings.

    A watch needs an open case with a legal basis and an expiry that is in the
    future, no later than the end of the case's review date and no more than
    ``settings.max_watch_days`` from now. Raises CasewatchError saying which.
    """
    if case.status != "open":
        raise CasewatchError(f"case {case.id} is {case.status}: watches need an open case")
    if not (case.legal_basis or "").strip():
        raise CasewatchError(
            f"case {case.id} has no legal basis: record one on the case before adding watches"
        )
    if expires_at is None:
        raise CasewatchError(
            f"a watch needs an expiry: give --expires DATE, no later than case {case.id}'s "
            f"review date {case.review_date.isoformat()}"
        )
    when = as_instant(expires_at)
    now = utcnow()
    if when <= now:
        raise CasewatchError(f"watch expiry {when.isoformat()} is in the past")
    if when > end_of_day(case.review_date):
        raise CasewatchError(
            f"watch expiry {when.date().isoformat()} is after case {case.id}'s review date "
            f"{case.review_date.isoformat()}: choose an earlier expiry or have a supervisor "
            "review and renew the case first"
        )
    limit = end_of_day((now + timedelta(days=settings.max_watch_days)).date())
    if when > limit:
        raise CasewatchError(
            f"watch expiry {when.date().isoformat()} is more than {settings.max_watch_days} days "
            f"away (latest allowed: {(limit - timedelta(days=1)).date().isoformat()}; CASEWATCH_MAX_WATCH_DAYS)"
        )
    return when
