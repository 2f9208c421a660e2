"""Where the time of the ingest -> screen -> alert pipeline goes, stage by stage.

A :class:`Stages` is handed to :func:`casewatch.monitor.ingest.ingest` and
:func:`casewatch.monitor.screening.screen_pending` (the monitoring
benchmark prints it): each stage adds its wall-clock
seconds and the CPU seconds of this process. Forked screening workers report
their own CPU seconds, added under ``screen (workers)``. Timing costs about
a microsecond per stage entry, so it is always on where it is passed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

#: The stages, in pipeline order (the benchmark prints them in this order).
ORDER = ("parse", "store", "claim", "screen", "screen (workers)", "alert", "commit")


@dataclass
class Stages:
    """Accumulated wall and CPU seconds per stage."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the body as stage ``name``."""
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - wall, time.process_time() - cpu)

    def add(self, name: str, wall: float, cpu: float) -> None:
        self.wall[name] = self.wall.get(name, 0.0) + wall
        self.cpu[name] = self.cpu.get(name, 0.0) + cpu

    def add_since(self, name: str, mark: tuple[float, float]) -> None:
        """Add the time since ``mark`` (from :func:`clock`) to stage ``name``."""
        wall, cpu = clock()
        self.add(name, wall - mark[0], cpu - mark[1])

    def names(self) -> list[str]:
        """Stages seen, in pipeline order (unknown ones last)."""
        known = [n for n in ORDER if n in self.wall]
        return known + sorted(n for n in self.wall if n not in ORDER)


def clock() -> tuple[float, float]:
    """(wall, CPU) seconds now, for :meth:`Stages.add_since`."""
    return time.perf_counter(), time.process_time()


@contextmanager
def maybe(stages: Stages | None, name: str) -> Iterator[None]:
    """``stages.stage(name)`` when timing is on, else nothing."""
    if stages is None:
        yield
    else:
        with stages.stage(name):
            yield
