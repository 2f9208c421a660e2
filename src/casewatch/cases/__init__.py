"""Cases and watches: the service layer the CLI and the HTTP API call.

Every operation is a plain function ``(session, actor, ...)`` that checks
access, validates, writes and appends its audit event in the caller's
transaction. Screening code uses :func:`active_watches_filter`.
"""

from casewatch.cases.cases import close_case, create_case, get_case, list_cases
from casewatch.cases.importer import ImportResult, import_watches
from casewatch.cases.subjects import Subject, build_subject, subject_from_entity
from casewatch.cases.watches import (
    active_watches_filter,
    add_watch,
    get_watch,
    is_active,
    list_watches,
    max_expiry,
    remove_watch,
)

__all__ = [
    "ImportResult",
    "Subject",
    "active_watches_filter",
    "add_watch",
    "build_subject",
    "close_case",
    "create_case",
    "get_case",
    "get_watch",
    "import_watches",
    "is_active",
    "list_cases",
    "list_watches",
    "max_expiry",
    "remove_watch",
    "subject_from_entity",
]
