"""The tamper-evident audit log: every search, view, export, change and erasure.

- :mod:`casewatch.audit.log`: ``append`` (in the caller's transaction),
  ``append_many`` (bulk), ``append_committed`` (denials that survive a rollback);
- :mod:`casewatch.audit.checkpoint`: signed tree heads (RFC 9162 Merkle roots) and their export;
- :mod:`casewatch.audit.merkle`: the Merkle tree, inclusion and consistency proofs;
- :mod:`casewatch.audit.verify`: chain and checkpoint verification;
- :mod:`casewatch.audit.read`: auditors reading the log and its proofs (itself logged).
"""

from casewatch.audit.log import append, append_committed, append_many, event_hash

__all__ = ["append", "append_committed", "append_many", "event_hash"]
