"""Errors a user can cause. The CLI and the API show their message, never a traceback."""


class CasewatchError(Exception):
    """A problem with input or configuration that the user can fix.

    The message names the file, row or field and says what was expected.
    """

    exit_code = 2


class NotFound(CasewatchError):
    """The object does not exist, or the caller may not see it (same answer for both)."""

    exit_code = 3


class Denied(CasewatchError):
    """The caller is known but the action is not allowed for their role."""

    exit_code = 4
