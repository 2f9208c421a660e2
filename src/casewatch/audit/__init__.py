"""The tamper-evident audit log: every search, view, export, change and erasure.

- :mod:`casewatch.audit.log`: ``append`` (in the caller's transaction),
  ``append_many`` (bulk), ``append_committed`` (denials that survive a rollback);
- :mod:`casewatch.audit.checkpoint`: signed tree heads and their export;
- :mod:`casewatch.audit.verify`: chain and checkpoint verification;
- :mod:`casewatch.audit.read`: auditors reading the log (itself logged).
"""

from casewatch.audit.log import append, append_committed, append_many, event_hash

__all__ = ["append", "append_committed", "append_many", "event_hash"]
