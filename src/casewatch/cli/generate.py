"""``casewatch generate watchlist|records``: synthetic data with known ground truth."""

from __future__ import annotations

import itertools
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Annotated

import orjson
import typer

from casewatch.cli.common import err_console, progress
from casewatch.errors import CasewatchError
from casewatch.generate.io import atomic_output, load_pool
from casewatch.generate.records import generate_records
from casewatch.generate.watchlist import generate_watchlist

generate_app = typer.Typer(
    help="Generate synthetic watchlists and record streams (deterministic by seed).",
    no_args_is_help=True,
)
STEP = 1000


@contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """Turn SIGTERM into SystemExit so temporary outputs are removed on the way out."""

    def _exit(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread
        return
    previous = signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _check_size(size: int) -> None:
    if size < 1:
        raise CasewatchError(f"--size must be a positive number of entities, not {size}")


@generate_app.command("watchlist")
def watchlist_cmd(
    size: Annotated[int, typer.Option(help="Number of watched subjects")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (same arguments, same bytes)")] = 0,
    out: Annotated[Path, typer.Option(help="Output file (FtM JSON lines)")] = Path("watchlist.jsonl"),
) -> None:
    """Write SIZE watched subjects (45% Person, 35% Company, 10% Vessel, 10% CryptoWallet)."""
    _check_size(size)
    started = time.perf_counter()
    with _terminate_cleanly(), progress() as bar, atomic_output(out) as fh:
        task = bar.add_task("generating watchlist", total=size)
        for n, entity in enumerate(generate_watchlist(size, seed), start=1):
            fh.write(orjson.dumps(entity, option=orjson.OPT_APPEND_NEWLINE))
            if n % STEP == 0:
                bar.update(task, completed=n)
        bar.update(task, completed=size)
    err_console.print(f"wrote {size} subjects to {out} in {time.perf_counter() - started:.1f} s")


@generate_app.command("records")
def records_cmd(
    watchlist: Annotated[Path, typer.Option(help="Watchlist file (FtM JSON lines)")],
    size: Annotated[int, typer.Option(help="Number of records")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed (same arguments, same bytes)")] = 0,
    out: Annotated[Path, typer.Option(help="Output file (FtM JSON lines)")] = Path("records.jsonl"),
    truth: Annotated[Path, typer.Option(help="Ground truth file (JSON lines)")] = Path("truth.jsonl"),
    variant_fraction: Annotated[
        float, typer.Option(help="Share of records that are variants of watched subjects")
    ] = 0.5,
) -> None:
    """Write SIZE records, a share of them variants of watched subjects, and their truth."""
    _check_size(size)
    if not 0.0 <= variant_fraction <= 1.0:
        raise CasewatchError(f"--variant-fraction must be between 0 and 1, not {variant_fraction}")
    if out.resolve() == truth.resolve():
        raise CasewatchError("--out and --truth must be different files")
    started = time.perf_counter()
    if watchlist.is_dir():
        raise CasewatchError(f"{watchlist}: is a directory, expected a file")
    if not watchlist.is_file():
        raise CasewatchError(f"{watchlist}: file not found")
    total_bytes = watchlist.stat().st_size
    with _terminate_cleanly(), progress() as bar:
        task = bar.add_task(f"reading {watchlist.name} (bytes)", total=total_bytes)
        seen = [0, 0]  # bytes, lines

        def on_line(nbytes: int) -> None:
            seen[0] += nbytes
            seen[1] += 1
            if seen[1] % STEP == 0:
                bar.update(task, completed=seen[0])

        pool = load_pool(watchlist, on_line)
        bar.update(task, completed=total_bytes)
        task = bar.add_task("generating records", total=size)
        with atomic_output(out) as rec_fh, atomic_output(truth) as truth_fh:
            try:
                stream = generate_records(pool, size, seed, variant_fraction)
                first = next(stream)
            except ValueError as exc:
                raise CasewatchError(f"{watchlist}: {exc}") from None
            for n, (entity, row) in enumerate(itertools.chain([first], stream), start=1):
                rec_fh.write(orjson.dumps(entity, option=orjson.OPT_APPEND_NEWLINE))
                truth_fh.write(orjson.dumps(row.to_dict(), option=orjson.OPT_APPEND_NEWLINE))
                if n % STEP == 0:
                    bar.update(task, completed=n)
            bar.update(task, completed=size)
    err_console.print(
        f"wrote {size} records to {out} and their truth to {truth} "
        f"({len(pool)} subjects) in {time.perf_counter() - started:.1f} s"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(generate_app, name="generate")
