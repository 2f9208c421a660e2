"""What every matching benchmark shares: timing, memory, tables, the output folder, peers.

Benchmarks write everything they generate or download under ``bench-out/``
(gitignored) and print their results as rich tables. The peer tools casewatch
is compared with (nomenklatura, Splink, recordlinkage, DuckDB) live in their own
virtual environment, ``bench-out/peers-venv``, which :func:`ensure_peers_venv`
creates on first use; they are called through ``benchmarks/peers_worker.py``
as a subprocess that reads its input from files and writes results to files,
so their dependencies never meet casewatch's.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
BENCH_OUT = Path(os.environ.get("CASEWATCH_BENCH_OUT", ROOT / "bench-out"))
PEERS_VENV = BENCH_OUT / "peers-venv"
PEERS_REQUIREMENTS = Path(__file__).with_name("peers-requirements.txt")
PEERS_WORKER = Path(__file__).with_name("peers_worker.py")

#: Tables are wide: never squeeze them to 80 columns when stdout is a file or a pipe.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True)


def out_dir(*parts: str) -> Path:
    """A folder under ``bench-out/``, created if needed."""
    path = BENCH_OUT.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- timing and memory -------------------------------------------------------------------


@dataclass
class Stopwatch:
    """Elapsed wall-clock seconds of a ``with timed() as t:`` block (``t.seconds``)."""

    seconds: float = 0.0
    started: float = field(default_factory=time.perf_counter)


@contextmanager
def timed() -> Iterator[Stopwatch]:
    """Time a block: ``with timed() as t: ...; print(t.seconds)``."""
    watch = Stopwatch()
    try:
        yield watch
    finally:
        watch.seconds = time.perf_counter() - watch.started


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    """Current resident memory of this process in MiB (from /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[1])
    except OSError:
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def percentile_ms(samples_s: Sequence[float], q: float) -> float:
    """The q-th percentile of a list of durations in seconds, in milliseconds."""
    if not samples_s:
        return float("nan")
    return float(np.percentile(np.asarray(samples_s), q) * 1000.0)


# --- accuracy ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of a set of predicted pairs against the true pairs."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def pair_key(a: str, b: str) -> tuple[str, str]:
    """An unordered pair as a sorted tuple."""
    return (a, b) if a <= b else (b, a)


def prf(predicted: set[tuple[str, str]], truth: set[tuple[str, str]]) -> PRF:
    """Compare predicted pairs with true pairs (both as sorted tuples)."""
    tp = len(predicted & truth)
    return PRF(tp=tp, fp=len(predicted) - tp, fn=len(truth) - tp)


# --- output ------------------------------------------------------------------------------


def fmt(value: Any, digits: int = 3) -> str:
    """A table cell: floats rounded, None as an em dash."""
    if value is None:
        return "—"
    if isinstance(value, float):
        if value != value:  # NaN
            return "—"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Table:
    """Print a rich table (first column left-aligned, the rest right-aligned) and return it."""
    table = Table(title=title, title_justify="left", show_lines=False)
    for i, col in enumerate(columns):
        table.add_column(col, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*(fmt(v) for v in row))
    console.print(table)
    return table


def markdown_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """The same rows as a Markdown table (for docs/performance.md)."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def save_results(name: str, results: dict[str, Any]) -> Path:
    """Write a benchmark's results as JSON under ``bench-out/results/<name>.json``."""
    path = out_dir("results") / f"{name}.json"
    results = {"finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **results}
    path.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    return path


# --- peers -------------------------------------------------------------------------------


def peers_python() -> Path:
    return PEERS_VENV / "bin" / "python"


def ensure_peers_venv(quiet: bool = False) -> Path:
    """Create ``bench-out/peers-venv`` with the pinned peer tools unless it is already there.

    A marker file holding the requirements text records a finished install, so
    an interrupted install is redone and a changed pin reinstalls.
    """
    marker = PEERS_VENV / ".casewatch-requirements"
    wanted = PEERS_REQUIREMENTS.read_text(encoding="utf-8")
    if peers_python().exists() and marker.exists() and marker.read_text("utf-8") == wanted:
        return peers_python()
    if not quiet:
        err_console.print(f"[bold]creating peer environment[/] {PEERS_VENV} (one-off, ~1 min)")
    BENCH_OUT.mkdir(parents=True, exist_ok=True)
    if not peers_python().exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEERS_VENV)], check=True)
    subprocess.run(
        [str(peers_python()), "-m", "pip", "install", "--quiet", "-r", str(PEERS_REQUIREMENTS)],
        check=True,
    )
    marker.write_text(wanted, encoding="utf-8")
    return peers_python()


def run_peer(*args: str) -> dict[str, Any]:
    """Run one ``peers_worker.py`` command in the peers venv; returns its JSON summary line."""
    python = ensure_peers_venv()
    proc = subprocess.run(
        [str(python), str(PEERS_WORKER), *args],
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"peer worker {args[0]} failed (exit {proc.returncode}):\n{tail}")
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "{}"
    result: dict[str, Any] = json.loads(last)
    return result


def start_pg(database: str) -> tuple[str, str]:
    """A throwaway PostgreSQL server (``scripts/pg.sh start``) with a fresh ``database``.

    Returns (url, server dir); stop it with ``scripts/pg.sh stop DIR``.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    out = subprocess.run([str(ROOT / "scripts" / "pg.sh"), "start"], check=True,
                         capture_output=True, text=True).stdout
    env = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines()
               if line.startswith("export "))
    admin = create_engine(make_url(env["CASEWATCH_TEST_DATABASE_URL"]),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    admin.dispose()
    url = make_url(env["CASEWATCH_TEST_DATABASE_URL"]).set(database=database)
    return url.render_as_string(hide_password=False), env["CASEWATCH_PG_DIR"]
