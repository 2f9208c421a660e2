"""Access: users, teams, roles, passwords, API tokens and case-level access control.

Cases are the unit of access. Members of a case's team see and change it;
auditors see every case read-only; admins see and change every case. Anyone
else is told the case does not exist (404, not 403) and the attempt is logged.
"""

from casewatch.auth.access import (
    can_see_case,
    can_write_case,
    require_case,
    require_role,
    visible_case_ids,
)
from casewatch.auth.tokens import authenticate, issue_token, revoke_token
from casewatch.auth.users import ROLES, create_user, ensure_admin, get_user

__all__ = [
    "ROLES",
    "authenticate",
    "can_see_case",
    "can_write_case",
    "create_user",
    "ensure_admin",
    "get_user",
    "issue_token",
    "require_case",
    "require_role",
    "revoke_token",
    "visible_case_ids",
]
