"""Screening on every core: forked workers that share the watch index with this process.

Screening (candidate search + scoring) is most of a record's cost, and it is
pure computation over the in-memory watch index. :class:`ScreenPool` forks
``workers`` child processes once the index is built: each child starts with
the parent's index (copy-on-write pages, no copy, no pickling of a million
watches; ``gc.freeze()`` first so that the collector does not touch and
copy them). A batch is cut into small chunks: the children take chunks from
the front, this process screens chunks from the back while it waits, so the
cores stay busy whatever the chunks cost. Results are put back in record
order, so the hits are exactly those of screening in-process.

Keeping the children current: :class:`~casewatch.monitor.watchindex.WatchIndex`
journals every watch it adds or drops after the pool starts (the compiled
form, not the database row); the journal is sent to every child, in order,
before the next chunk, so a child's index is the parent's, slot for slot.

The children never touch the database: claiming the queue and writing alerts
stay in the parent's transaction, so crash safety is unchanged (a killed
child only costs a re-screen of its chunks here; a killed parent closes the
pipes and the children exit).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from casewatch.matching import Compiled, Screener, compile_entity
from casewatch.monitor.alerting import Hit
from casewatch.monitor.stages import Stages, maybe
from casewatch.monitor.store import Fresh, StoredRecord
from casewatch.monitor.watchindex import WatchIndex

log = logging.getLogger("casewatch.monitor")

#: Candidates kept per record (several watches in several cases may watch one subject).
MATCH_LIMIT = 50
#: Records per chunk handed to a worker (small: keeps the cores evenly busy).
CHUNK = 48
#: Chunks a worker may hold at once (one being screened, one waiting).
IN_FLIGHT = 2

Item = tuple[int, StoredRecord, Compiled]


def default_workers() -> int:
    """One forked worker per core beyond this process's own (0 on a one-core machine)."""
    return max(0, min(7, (os.cpu_count() or 1) - 1))


@dataclass
class _Child:
    proc: Any
    conn: Connection
    sent: deque[list[Item]] = field(default_factory=deque)


def screen_items(screener: Screener, items: Sequence[tuple[int, Compiled]], floor: float,
                 limit: int = MATCH_LIMIT) -> list[tuple[int, list[Any]]]:
    """Screen compiled records; (record id, matches) each, in the given order."""
    return [(rid, screener.screen(query, threshold=floor, limit=limit)) for rid, query in items]


def _serve(screener: Screener, conn: Connection, foreign: list[Connection]) -> None:
    """A child: apply journal entries and screen chunks until the parent closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for other in foreign:  # the parent's ends of the pipes
        other.close()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        kind, payload = message
        if kind == "sync":
            for op in payload:
                if op[0] == "add":
                    screener.add(op[2], key=op[1])
                else:
                    screener.remove(op[1])
        else:
            floor, items = payload
            cpu = time.process_time()
            found = screen_items(screener, items, floor)
            try:
                conn.send((found, time.process_time() - cpu))
            except OSError:  # the parent is gone
                return


class ScreenPool:
    """Screens batches of records on this process and ``workers`` forked children."""

    def __init__(self, index: WatchIndex, workers: int | None = None) -> None:
        self.index = index
        self.children: list[_Child] = []
        self._frozen = False
        count = default_workers() if workers is None else workers
        if count > 0:
            self._start(count)

    def _start(self, count: int) -> None:
        ctx = multiprocessing.get_context("fork")
        self.index.journal = []
        gc.collect()
        gc.freeze()  # the index stays in shared pages: the collector never writes to them
        self._frozen = True
        for _ in range(count):
            parent_end, child_end = ctx.Pipe()
            # the child must not hold the parent's ends of any pipe (its own included):
            # then the parent's death closes them and the child's recv() ends
            foreign = [*(c.conn for c in self.children), parent_end]
            proc = ctx.Process(target=_serve, args=(self.index.screener, child_end, foreign),
                               daemon=True, name="casewatch-screen")
            try:
                proc.start()
            except OSError as exc:  # no memory or process slots left: fewer workers
                log.warning("could not start a screening worker (%s)", exc)
                parent_end.close()
                break
            finally:
                child_end.close()
            self.children.append(_Child(proc, parent_end))
        log.info("screening on %d forked workers and this process", len(self.children))

    # -- screening --------------------------------------------------------------------

    def screen(self, records: Fresh, stages: Stages | None = None) -> list[Hit]:
        """Every match above the index floor for each record, in record order."""
        if self.index.size <= 0 or not records:
            return []
        items: list[Item] = []
        for rid in sorted(records):
            stored, entity = records[rid]
            query = entity if isinstance(entity, Compiled) else compile_entity(entity)
            items.append((rid, stored, query))
        found: dict[int, list[Any]] = {}
        with maybe(stages, "screen"):
            if self.children and len(items) > CHUNK:
                self._sync()
                worker_cpu = self._spread(items, found)
            else:
                worker_cpu = 0.0
                found.update(screen_items(self.index.screener,
                                          [(i[0], i[2]) for i in items], self.index.floor))
        if stages is not None and worker_cpu:
            stages.add("screen (workers)", 0.0, worker_cpu)
        return [Hit(stored, match) for rid, stored, _ in items for match in found[rid]]

    def _sync(self) -> None:
        """Send the index changes since the last batch to every child."""
        journal = self.index.journal
        if not journal:
            return
        self.index.journal = []
        for child in list(self.children):
            try:
                child.conn.send(("sync", journal))
            except OSError:
                self._lose(child, deque())

    def _spread(self, items: list[Item], found: dict[int, list[Any]]) -> float:
        """Children take chunks from the front, this process from the back."""
        chunks = deque(items[i:i + CHUNK] for i in range(0, len(items), CHUNK))
        floor = self.index.floor
        cpu = 0.0
        for child in list(self.children):
            for _ in range(IN_FLIGHT):
                self._send(child, chunks, floor)
        while chunks or any(c.sent for c in self.children):
            if chunks:
                chunk = chunks.pop()
                found.update(screen_items(self.index.screener, [(i[0], i[2]) for i in chunk],
                                          floor))
                ready = wait([c.conn for c in self.children if c.sent], timeout=0)
            else:
                ready = wait([c.conn for c in self.children if c.sent])
            for child in [c for c in self.children if c.conn in ready]:
                try:
                    result, used = child.conn.recv()
                except (EOFError, OSError):
                    self._lose(child, chunks)
                    continue
                child.sent.popleft()
                found.update(result)
                cpu += used
                self._send(child, chunks, floor)
        return cpu

    def _send(self, child: _Child, chunks: deque[list[Item]], floor: float) -> None:
        if not chunks or child not in self.children:
            return
        chunk = chunks.popleft()
        child.sent.append(chunk)
        try:
            child.conn.send(("screen", (floor, [(i[0], i[2]) for i in chunk])))
        except OSError:
            self._lose(child, chunks)

    def _lose(self, child: _Child, chunks: deque[list[Item]]) -> None:
        """A child died: its unfinished chunks are screened here; the others carry on."""
        log.warning("screening worker %s stopped: its chunks are screened here", child.proc.pid)
        self.children.remove(child)
        chunks.extend(child.sent)
        child.sent.clear()
        child.conn.close()
        child.proc.join(timeout=1)

    # -- shutdown ---------------------------------------------------------------------

    def close(self) -> None:
        """Stop the children (they finish nothing: there is nothing in flight between batches)."""
        for child in self.children:
            try:
                child.conn.send(None)
            except OSError:
                pass
        for child in self.children:
            child.proc.join(timeout=5)
            if child.proc.is_alive():
                child.proc.terminate()
                child.proc.join(timeout=5)
            child.conn.close()
        self.children = []
        self.index.journal = None
        if self._frozen:
            gc.unfreeze()  # nothing shares our pages any more: collect as usual
            self._frozen = False

    def __enter__(self) -> ScreenPool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
