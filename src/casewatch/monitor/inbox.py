"""The monitor's inbox: which files are waiting, and which source each belongs to.

Layout (``$CASEWATCH_INBOX``, default ``$CASEWATCH_HOME/inbox``)::

    inbox/ofac/2024-06-01/{sdn.csv,alt.csv,add.csv}   a folder = one unit (all files together)
    inbox/ftm/sanctions-delta-0001.json               a file in a source folder = one unit
    inbox/un__consolidated.xml                        "SOURCE__name" at the top level = one unit

Names starting with ``.`` or ending in ``.part``/``.tmp`` are ignored (write
there, then rename: a rename is atomic, so the monitor never reads half a
file; a multi-file unit is assembled in a dot-folder and renamed into place).
Processed units move to ``inbox/.done/SOURCE/``; units that cannot be read at
all (unknown source, unreadable format) move to ``inbox/.failed/SOURCE/`` with
a ``.reason`` file beside them.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PREFIX_SEP = "__"
IGNORED_SUFFIXES = (".part", ".tmp", ".fetch.json")


@dataclass(frozen=True)
class Unit:
    """One piece of inbox work: a source and its file(s); ``path`` is what gets moved."""

    source: str
    path: Path
    files: tuple[Path, ...]


def _visible(path: Path) -> bool:
    return not path.name.startswith(".") and not path.name.endswith(IGNORED_SUFFIXES)


def _files(folder: Path) -> tuple[Path, ...]:
    return tuple(sorted(p for p in folder.iterdir() if p.is_file() and _visible(p)))


def scan(inbox: Path) -> list[Unit]:
    """The waiting units, oldest first (by modification time, then name)."""
    if not inbox.is_dir():
        return []
    units: list[Unit] = []
    for entry in inbox.iterdir():
        if not _visible(entry):
            continue
        if entry.is_file() and PREFIX_SEP in entry.name:
            units.append(Unit(entry.name.split(PREFIX_SEP, 1)[0], entry, (entry,)))
        elif entry.is_dir():
            for child in entry.iterdir():
                if not _visible(child):
                    continue
                if child.is_file():
                    units.append(Unit(entry.name, child, (child,)))
                elif child.is_dir() and (files := _files(child)):
                    units.append(Unit(entry.name, child, files))

    def age(unit: Unit) -> tuple[float, str]:
        try:
            return unit.path.stat().st_mtime, str(unit.path)
        except OSError:
            return 0.0, str(unit.path)

    return sorted(units, key=age)


def _move(unit: Unit, inbox: Path, folder: str) -> Path:
    dest_dir = inbox / folder / unit.source
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / unit.path.name
    if dest.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        dest = dest_dir / f"{stamp}-{unit.path.name}"
    shutil.move(str(unit.path), str(dest))
    return dest


def mark_done(unit: Unit, inbox: Path) -> Path:
    """Move a processed unit out of the way (its content hash is recorded in the database)."""
    return _move(unit, inbox, ".done")


def mark_failed(unit: Unit, inbox: Path, reason: str) -> Path:
    """Move an unreadable unit to ``.failed`` with the reason written beside it."""
    dest = _move(unit, inbox, ".failed")
    dest.with_name(dest.name + ".reason").write_text(reason + "\n", encoding="utf-8")
    return dest
