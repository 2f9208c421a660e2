"""The hits' watches, kept per process and trusted only under the current ``watches`` counter.

A case screener holds each watch in matching form only (no FtM properties, no
subject id), and it never drops a removed or expired watch (see
:mod:`casewatch.api.screeners`), so every hit must be checked and completed
from the database before it is answered. :class:`WatchRows` keeps what that
read returned, by watch id, under the ``watches`` change counter read at the
start of the request (``change_generations``: bumped by a trigger in every
transaction that updates or deletes watches: removal, renewal, a closed case,
retention). Under any other counter value it forgets everything and reads again.

So the guarantees of reading every hit afresh hold:

- a removed watch never appears: its removal bumped the counter, so the next
  request reads it again and finds it removed;
- an expired watch never appears: the expiry kept with the row is compared with
  the clock on every answer (the same condition as
  :func:`casewatch.cases.watches.active_watches_filter`);
- another team's watch never appears: the cache only completes hits of the
  screeners the request may use (case visibility is decided before, and each
  row keeps its case id).

Without a counter (a database without migration 0006) every hit is read again.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from casewatch.db.models import Watch, utcnow

#: Most watches one process keeps (emptied when full: hits are a small part of a watchlist).
MAX_ROWS = 200_000


@dataclass(frozen=True, slots=True)
class WatchRow:
    """What an answer needs of a hit's watch."""

    id: int
    case_id: int
    subject_id: str
    schema: str
    caption: str | None
    properties: dict[str, Any]
    expires_at: datetime


#: The hits' watches that are not removed (the expiry is compared in Python, so that a row
#: can be kept): built once with an expanding IN, run as Core on the session's connection.
_ROWS = (
    select(Watch.id, Watch.case_id, Watch.subject_id, Watch.schema, Watch.caption, Watch.entity,
           Watch.expires_at)
    .where(Watch.id.in_(bindparam("ids", expanding=True)), Watch.removed_at.is_(None))
)


def read_rows(session: Session, ids: list[int]) -> dict[int, WatchRow]:
    """The watches of ``ids`` that are not removed (expired ones included), one query."""
    rows = session.connection().execute(_ROWS, {"ids": ids})
    return {
        r.id: WatchRow(r.id, r.case_id, r.subject_id, r.schema, r.caption,
                       (r.entity or {}).get("properties", {}), r.expires_at)
        for r in rows
    }


class WatchRows:
    """Watch rows by id for one ``watches`` counter value (see the module doc)."""

    def __init__(self, max_rows: int = MAX_ROWS) -> None:
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._generation: int | None = None
        #: watch id -> its row, or None for a watch that is removed (or does not exist)
        self._rows: dict[int, WatchRow | None] = {}
        #: watches read from the database (for tests)
        self.reads = 0

    def active(self, session: Session, ids: list[int], generation: int | None) -> dict[int, WatchRow]:
        """The watches of ``ids`` that are active now; from memory when read under ``generation``."""
        if not ids:
            return {}
        now = utcnow()
        table = self._table(generation)
        found = {i: table[i] for i in ids if i in table}
        missing = [i for i in ids if i not in found]
        if missing:
            read = read_rows(session, missing)
            self.reads += len(missing)
            fresh = {i: read.get(i) for i in missing}
            if generation is not None:
                self._keep(generation, fresh)
            found.update(fresh)
        return {i: row for i, row in found.items() if row is not None and row.expires_at > now}

    def _table(self, generation: int | None) -> dict[int, WatchRow | None]:
        """The rows read under ``generation`` (a fresh, empty table for any other value)."""
        if generation is None:
            return {}
        with self._lock:
            if generation != self._generation:
                self._generation, self._rows = generation, {}
            return self._rows

    def _keep(self, generation: int, rows: dict[int, WatchRow | None]) -> None:
        with self._lock:
            if generation != self._generation:
                return  # the counter moved on meanwhile: these rows belong to no table
            if len(self._rows) + len(rows) > self.max_rows:
                self._rows = {}
            self._rows.update(rows)

    def clear(self) -> None:
        with self._lock:
            self._generation, self._rows = None, {}
