"""The tamper-evident audit log: every search, view, export, change and erasure."""

from casewatch.audit.log import append, event_hash

__all__ = ["append", "event_hash"]
