"""Dates and instants as users type them: ``2026-12-31`` or ``2026-12-31T18:00:00+00:00``.

A date alone means "through that day" (UTC), as everywhere in casewatch
(``casewatch.lifecycle.purpose.as_instant``): a watch that expires on
``2026-12-31`` alerts until 2027-01-01 00:00 UTC, and never after.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from casewatch.errors import CasewatchError


def parse_date(text: str, field: str) -> date:
    """``YYYY-MM-DD`` as a date; CasewatchError naming ``field`` otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CasewatchError(f"{field} {text!r} is not a date: expected YYYY-MM-DD") from None


def parse_when(text: str, field: str) -> date | datetime:
    """A date, or an ISO 8601 date-time (UTC when no offset is given)."""
    value = text.strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CasewatchError(
            f"{field} {text!r} is not a date: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)
