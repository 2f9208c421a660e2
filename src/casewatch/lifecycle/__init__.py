"""Purpose and lifecycle rules: every access has a purpose, every watch an end.

- :mod:`~casewatch.lifecycle.purpose`: ``require_purpose`` (ad-hoc search and
  /match), ``check_watch_expiry`` (a watch's expiry against its case);
- :mod:`~casewatch.lifecycle.reviews`: supervisors' reviews and the renewals
  that need them (``record_review``, ``renew_case``, ``renew_watch``);
- :mod:`~casewatch.lifecycle.retention`: purging old, unlinked records.
"""

from casewatch.lifecycle.purpose import check_watch_expiry, require_purpose
from casewatch.lifecycle.retention import RetentionResult, run_retention
from casewatch.lifecycle.reviews import record_review, renew_case, renew_watch

__all__ = [
    "RetentionResult",
    "check_watch_expiry",
    "record_review",
    "renew_case",
    "renew_watch",
    "require_purpose",
    "run_retention",
]
