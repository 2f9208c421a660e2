"""Group commit for the audit log: many concurrent callers, one transaction per batch.

Appending one hash-chained event costs one chain lock, one head read, one
INSERT and one commit; on SQLite every commit also serialises on the database
write lock. A server answering many read requests at once (``POST /match``)
would spend most of its time queuing for that lock. :class:`GroupWriter` is a
per-process writer thread: callers :meth:`~GroupWriter.submit` an event and
wait on the returned future; the thread takes every event queued while the
previous batch was committing and appends them with
:func:`casewatch.audit.log.append_many` in *one* transaction (one chain lock,
one head read, one multi-row INSERT, one commit). Then it resolves each
caller's future with its event's sequence number.

What stays the same as :func:`casewatch.audit.log.append`:

- the chain: ``append_batch`` takes the same chain lock (PostgreSQL advisory
  lock, SQLite write lock) before reading the head, so several processes,
  each with its own writer, and ordinary ``append`` callers never fork it;
  events of one batch are chained in submission order;
- strictness: a future resolves only after the batch's COMMIT returned, so a
  caller that waits for it (as the API does before sending a response) never
  answers without its stored audit event; if the commit fails, every future of
  the batch fails with the error and nothing of the batch is stored;
- the fields: actor, action, object, case, purpose, parameters digest and
  outcome, exactly as given.

It is for events that record *reads* (nothing else to commit with them): an
action that writes must append its event in its own transaction with
``append``, so that the two commit or roll back together.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from casewatch.audit.log import _values, append_batch

log = logging.getLogger("casewatch.audit")

#: Most events committed in one transaction (a batch is whatever queued meanwhile, up to this).
MAX_BATCH = 500

#: An idle writer thread ends after this many seconds (the next event starts a new one).
IDLE_SECONDS = 30.0

_STOP = object()
_IDLE = object()


class GroupWriter:
    """A writer thread that commits submitted audit events in batches (see the module doc).

    ``lock`` (optional) is entered around each batch's transaction: the API
    passes its write gate so that its workers queue on a lock that wakes the
    next one at once instead of in SQLite's busy-timeout steps.
    """

    def __init__(self, engine: Engine, *, lock: Callable[[], AbstractContextManager[Any]] | None = None,
                 max_batch: int = MAX_BATCH, idle_seconds: float = IDLE_SECONDS) -> None:
        self.engine = engine
        self.max_batch = max_batch
        self.idle_seconds = idle_seconds
        self._lock = lock or nullcontext
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = False
        #: batches committed and events in them (for metrics and tests)
        self.batches = 0
        self.events = 0

    def submit(self, **fields: Any) -> Future[int]:
        """Queue one event (keywords as for ``append``); the future gives its ``seq`` once committed.

        The fields are checked here (an invalid outcome raises at once, in the caller).
        """
        _values(0, fields)
        future: Future[int] = Future()
        with self._start_lock:
            if self._closed:
                raise RuntimeError("the audit writer is closed")
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="casewatch-audit-writer",
                                                daemon=True)
                self._thread.start()
            self._queue.put((fields, future))
        return future

    def close(self, timeout: float = 10.0) -> None:
        """Commit what is queued, then stop the thread."""
        with self._start_lock:
            self._closed = True
            thread = self._thread
        if thread is not None:
            self._queue.put(_STOP)
            thread.join(timeout)

    def _take(self) -> tuple[list[tuple[dict[str, Any], Future[int]]], bool]:
        """Block for one event, then take whatever else is queued (up to ``max_batch``)."""
        batch: list[tuple[dict[str, Any], Future[int]]] = []
        try:
            item = self._queue.get(timeout=self.idle_seconds)
        except queue.Empty:
            item = _IDLE
        stop = item is _STOP or item is _IDLE
        if not stop:
            batch.append(item)
        while not stop and len(batch) < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                stop = True
            else:
                batch.append(item)
        return batch, stop

    def _run(self) -> None:
        while True:
            batch, stop = self._take()
            if batch:
                self._commit(batch)
            if stop and self._retire():
                return

    def _retire(self) -> bool:
        """Stop the thread unless an event arrived meanwhile (``submit`` starts a new one)."""
        with self._start_lock:
            if not self._queue.empty() and not self._closed:
                return False
            self._thread = None
            return True

    def _commit(self, batch: list[tuple[dict[str, Any], Future[int]]]) -> None:
        live = [(f, fut) for f, fut in batch if fut.set_running_or_notify_cancel()]
        if not live:
            return
        try:
            with self._lock(), Session(self.engine) as session, session.begin():
                if self.engine.dialect.name == "postgresql":
                    session.execute(text("SET LOCAL lock_timeout = '30s'"))
                first, _count = append_batch(session, [fields for fields, _ in live])
        except BaseException as exc:  # every waiter learns the batch failed; nothing was stored
            log.error("audit group commit of %d events failed: %s", len(live), exc)
            for _, fut in live:
                fut.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        self.batches += 1
        self.events += len(live)
        for offset, (_, fut) in enumerate(live):
            fut.set_result(first + offset)
