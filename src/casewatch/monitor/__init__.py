"""The main job: ingest -> screen -> alert, in both directions, losing nothing.

Read top to bottom: :mod:`.ingest` (connector output -> records, record index,
screen queue, quarantine; idempotent and resumable), :mod:`.watchindex` (the
in-memory screener over active watches), :mod:`.screening` (queue -> screener
-> hits), :mod:`.alerting` (hits -> deduplicated, explained alerts),
:mod:`.retro` (a new watch against every stored record) and :mod:`.worker`
(the long-running ``casewatch monitor``). See ``docs/monitoring.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine


def retro_screen_watches(engine: Engine, watch_ids: Any, **kwargs: Any) -> int:
    """Screen newly added watches against every stored record; returns alerts raised.

    Thin lazy wrapper around :func:`casewatch.monitor.retro.retro_screen_watches`
    so that importing :mod:`casewatch.monitor` stays cheap.
    """
    from casewatch.monitor.retro import retro_screen_watches as run

    return run(engine, watch_ids, **kwargs)


__all__ = ["retro_screen_watches"]
