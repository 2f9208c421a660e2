"""The API's write gate: queues a server's audited commits on locks that wake the next waiter at once."""

from __future__ import annotations

import fcntl
import threading
from typing import Any


class WriteGate:
    """Queues this server's audited commits: a thread lock, plus a file lock across workers.

    On SQLite an audit append takes the database write lock until commit, and
    writers that find it taken sleep in SQLite's coarse busy-timeout steps (up
    to 100 ms each), which ruins tail latency under concurrent load. Queuing
    them on a lock that wakes the next waiter at once keeps p99 low. On
    PostgreSQL only the thread lock is used (its advisory lock already queues).
    """

    def __init__(self, lock_path: str | None) -> None:
        self._thread = threading.Lock()
        self._path = lock_path
        self._file: Any = None

    def acquire(self) -> None:
        self._thread.acquire()
        if self._path is not None:
            if self._file is None:
                self._file = open(self._path, "a")  # noqa: SIM115 (held for the process)
            fcntl.flock(self._file, fcntl.LOCK_EX)

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
        self._thread.release()

    def __enter__(self) -> WriteGate:
        self.acquire()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()
