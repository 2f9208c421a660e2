"""Files for the generator: read a watchlist into a subject pool, write outputs atomically.

Outputs go to a temporary file beside the target and are renamed into place
only when generation finished, so an error or an interrupt never leaves a
half-written file under the requested name.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import orjson

from casewatch.errors import CasewatchError
from casewatch.ftm.io import iter_lines
from casewatch.ftm.model import model
from casewatch.generate.pool import SubjectPool


@contextmanager
def atomic_output(path: Path) -> Iterator[IO[bytes]]:
    """Open a temporary file for writing; rename it to ``path`` only on success."""
    if path.is_dir():
        raise CasewatchError(f"{path}: is a directory, expected a file name to write")
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise CasewatchError(f"{path}: directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)  # mkstemp creates 0600; give the file the usual mode
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as fh:
            yield fh
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise CasewatchError(f"{path}: cannot write the output ({exc.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_SCHEMA_PROPS: dict[str, frozenset[str]] = {
    name: frozenset(schema.properties) for name, schema in model.schemata.items()
}


def _check(data: object) -> str | None:
    """Why a decoded line is not a usable FtM entity (None when it is)."""
    if not isinstance(data, dict):
        return "expected a JSON object with 'id', 'schema' and 'properties'"
    schema = data.get("schema")
    known = _SCHEMA_PROPS.get(schema) if isinstance(schema, str) else None
    if known is None:
        return f"unknown schema {schema!r}" if schema else "missing 'schema'"
    if not isinstance(data.get("id"), str) or not data["id"]:
        return "missing 'id'"
    props = data.get("properties")
    if not isinstance(props, dict):
        return "'properties' must be an object of lists"
    for name, values in props.items():
        if name not in known:
            return f"property {name!r} is not defined for {schema}"
        if type(values) is not list:
            return f"property {name!r} must be a list of strings"
        for value in values:
            if type(value) is not str:
                return f"property {name!r} must be a list of strings"
    return None


def load_pool(path: Path, on_line: Callable[[int], None] | None = None) -> SubjectPool:
    """Read a watchlist (FtM JSON lines) into a pool; the first bad line raises CasewatchError."""
    pool = SubjectPool()
    for number, raw in iter_lines(path):
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise CasewatchError(f"{path}, line {number}: not valid JSON ({exc})") from None
        reason = _check(data)
        if reason:
            raise CasewatchError(f"{path}, line {number}: {reason}")
        pool.add(data, raw.rstrip(b"\r\n"))
        if on_line is not None:
            on_line(len(raw))
    if len(pool) == 0:
        what = f"only {pool.skipped} entities that are not" if pool.skipped else "no entities, expected"
        raise CasewatchError(f"{path}: the watchlist has {what} persons, companies, vessels or wallets")
    return pool
