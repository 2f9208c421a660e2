"""``casewatch compare`` and ``casewatch screen``: the matcher from the command line.

Neither needs the database: they read names, CSV or FtM JSON lines files and
write their results to stdout or a file (written whole, then renamed, so a
failure never leaves half a file behind).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from casewatch.cli.common import console, progress
from casewatch.errors import CasewatchError
from casewatch.ftm.io import iter_lines
from casewatch.matching import DEFAULT_THRESHOLD, Screener, compare
from casewatch.matching.compiled import compile_entity


def _entity(schema: str, name: str) -> dict[str, Any]:
    return {"schema": schema, "properties": {"name": [name]}}


def _check_name(name: str, where: str) -> None:
    if not name.strip():
        raise CasewatchError(f"{where}: the name is empty")


def _compare_two(schema: str, names: list[str], as_json: bool, threshold: float | None) -> None:
    if len(names) != 2:
        raise CasewatchError(f"compare needs exactly two names (got {len(names)}), or --pairs FILE")
    for label, name in zip(("first name", "second name"), names, strict=True):
        _check_name(name, label)
    result = compare(_entity(schema, names[0]), _entity(schema, names[1]), threshold=threshold)
    if as_json:
        console.print_json(json.dumps({"schema": schema, "name1": names[0], "name2": names[1], **result.to_dict()}))
        return
    verdict = "[green]match[/]" if result.match else "no match"
    console.print(f"score [bold]{result.score:.3f}[/] ({verdict}, threshold "
                  f"{DEFAULT_THRESHOLD if threshold is None else threshold})")
    table = Table("feature", "contribution", "explanation")
    for name, value in result.features.items():
        table.add_row(name, f"{value:+.3f}", result.explanation[name])
    if result.features:
        console.print(table)


def _read_pairs(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        fh = open(path, newline="", encoding="utf-8")
    except FileNotFoundError:
        raise CasewatchError(f"{path}: file not found") from None
    with fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        missing = [c for c in ("schema", "name1", "name2") if c not in fields]
        if missing:
            raise CasewatchError(f"{path}: missing column(s) {', '.join(missing)} (need schema,name1,name2)")
        try:
            rows = list(reader)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CasewatchError(f"{path}: unreadable CSV near row {reader.line_num}: {exc}") from None
    return fields, rows


def _compare_pairs(pairs: Path, out: Path | None, threshold: float | None) -> None:
    if out is None:
        raise CasewatchError("--pairs needs --out FILE for the scored CSV")
    fields, rows = _read_pairs(pairs)
    scored: list[dict[str, Any]] = []
    with progress() as bar:
        task = bar.add_task("comparing", total=len(rows))
        for number, row in enumerate(rows, start=2):  # row 1 is the header
            where = f"{pairs}, row {number}"
            schema = (row.get("schema") or "").strip()
            name1, name2 = row.get("name1") or "", row.get("name2") or ""
            _check_name(name1, f"{where}, name1")
            _check_name(name2, f"{where}, name2")
            try:
                result = compare(_entity(schema, name1), _entity(schema, name2), threshold=threshold)
            except CasewatchError as exc:
                raise CasewatchError(f"{where}: {exc}") from None
            scored.append({**row, "score": f"{result.score:.4f}", "match": str(result.match).lower()})
            bar.advance(task)
    tmp = out.with_name(out.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*fields, "score", "match"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(scored)
    tmp.replace(out)
    console.print(f"{len(scored)} pairs scored → {out}")


def compare_cmd(
    names: Annotated[list[str] | None, typer.Argument(help="Two names to compare")] = None,
    schema: Annotated[str, typer.Option(help="FtM schema of both names")] = "LegalEntity",
    pairs: Annotated[Path | None, typer.Option(help="CSV with columns schema,name1,name2")] = None,
    out: Annotated[Path | None, typer.Option(help="Scored CSV to write (with --pairs)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
    threshold: Annotated[float | None, typer.Option(help="Match threshold (default from weights)")] = None,
) -> None:
    """Score two names (or every row of a CSV) and explain the score."""
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise CasewatchError(f"--threshold must be between 0 and 1, not {threshold}")
    if pairs is not None:
        if names:
            raise CasewatchError("give either two names or --pairs FILE, not both")
        _compare_pairs(pairs, out, threshold)
    else:
        _compare_two(schema, names or [], as_json, threshold)


def read_entity_dicts(path: Path) -> Iterator[dict[str, Any]]:
    """FtM JSON lines as plain dicts (cheaper than entity objects), checked line by line."""
    for number, raw in iter_lines(path):
        where = f"{path}, line {number}"
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise CasewatchError(f"{where}: invalid JSON ({exc})") from None
        if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"]:
            raise CasewatchError(f"{where}: expected an FtM entity object with an 'id'")
        try:
            compile_entity(data) if number == 1 else None
        except CasewatchError as exc:
            raise CasewatchError(f"{where}: {exc}") from None
        yield data


def _count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def _load_watchlist(path: Path, workers: int) -> Screener:
    total = _count_lines(path) if path.exists() else 0
    with progress() as bar:
        task = bar.add_task("indexing watchlist", total=total)

        def entities() -> Iterator[dict[str, Any]]:
            for data in read_entity_dicts(path):
                yield data
                bar.advance(task)

        try:
            return Screener.build(entities(), workers=workers)
        except CasewatchError as exc:
            if str(exc).startswith(str(path)):
                raise
            raise CasewatchError(f"{path}: {exc}") from None


def screen_cmd(
    watchlist: Annotated[Path, typer.Option(help="Watched subjects, FtM JSON lines")],
    records: Annotated[Path, typer.Option(help="Records to screen, FtM JSON lines")],
    out: Annotated[Path, typer.Option(help="Matches to write, JSON lines")],
    threshold: Annotated[float | None, typer.Option(help="Match threshold (default from weights)")] = None,
    limit: Annotated[int, typer.Option(help="At most this many matches per record")] = 10,
    workers: Annotated[int, typer.Option(help="Processes screening in parallel")] = 2,
) -> None:
    """Screen every record against the watchlist; one JSON line per match."""
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise CasewatchError(f"--threshold must be between 0 and 1, not {threshold}")
    if workers < 1 or limit < 1:
        raise CasewatchError("--workers and --limit must be at least 1")
    screener = _load_watchlist(watchlist, workers)
    queries = list(read_entity_dicts(records))
    for number, data in enumerate(queries, start=1):
        try:
            compile_entity(data)
        except CasewatchError as exc:
            raise CasewatchError(f"{records}, entity {number} ({data['id']}): {exc}") from None
    tmp = out.with_name(out.name + ".tmp")
    count = 0
    with open(tmp, "wb") as fh, progress() as bar:
        task = bar.add_task("screening", total=len(queries))
        results = screener.screen_many(queries, threshold=threshold, limit=limit, workers=workers)
        for data, matches in zip(queries, results, strict=True):
            for match in matches:
                line = {"record_id": data["id"], "subject_id": match.key, "score": match.score,
                        "features": match.features, "explanation": match.explanation,
                        "subject_caption": match.candidate_caption}
                fh.write(orjson.dumps(line) + b"\n")
                count += 1
            bar.advance(task)
    tmp.replace(out)
    console.print(f"{len(queries)} records screened against {len(screener)} subjects: {count} matches → {out}")


def register(app: typer.Typer) -> None:
    app.command("compare")(compare_cmd)
    app.command("screen")(screen_cmd)
