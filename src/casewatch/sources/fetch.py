"""Download a source file: retries with backoff, timeouts, conditional requests.

Each downloaded file gets a small metadata file beside it
(``<name>.fetch.json``: url, ETag, Last-Modified, fetched_at). The next fetch
sends ``If-None-Match`` / ``If-Modified-Since`` from it; a ``304 Not
Modified`` keeps the file as it is. Bodies are streamed to a temporary file and
renamed into place only when complete, so an interrupted download never leaves
a half-written source file.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson

from casewatch.errors import CasewatchError

USER_AGENT = "casewatch/0.1 (+https://github.com/casewatch/casewatch)"
#: Status codes worth retrying: rate limiting and server-side trouble.
RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class FetchPolicy:
    """How hard to try: attempts, backoff base (seconds, doubled each retry), timeout."""

    attempts: int = 4
    backoff: float = 1.0
    timeout: float = 60.0


def meta_path(path: Path) -> Path:
    """Where the fetch metadata of ``path`` lives."""
    return path.with_name(path.name + ".fetch.json")


def read_meta(path: Path) -> dict[str, str]:
    """The fetch metadata stored beside ``path`` (empty when there is none or it is bad)."""
    try:
        data = orjson.loads(meta_path(path).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def fetched_at(path: Path) -> datetime:
    """When ``path`` was fetched: from its metadata, else the file's modification time."""
    stamp = read_meta(path).get("fetched_at")
    if stamp:
        try:
            return datetime.fromisoformat(stamp)
        except ValueError:
            pass
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
    except OSError:
        return datetime.now(UTC)


def _conditional_headers(dest: Path) -> dict[str, str]:
    if not dest.exists():
        return {}
    meta = read_meta(dest)
    headers = {}
    if meta.get("etag"):
        headers["If-None-Match"] = meta["etag"]
    if meta.get("last_modified"):
        headers["If-Modified-Since"] = meta["last_modified"]
    return headers


def _write_meta(dest: Path, url: str, response: httpx.Response | None, old: dict[str, str]) -> None:
    meta = dict(old)
    meta["url"] = url
    meta["fetched_at"] = datetime.now(UTC).isoformat()
    if response is not None:
        for key, header in (("etag", "ETag"), ("last_modified", "Last-Modified")):
            if response.headers.get(header):
                meta[key] = response.headers[header]
    meta_path(dest).write_bytes(orjson.dumps(meta, option=orjson.OPT_INDENT_2))


def _download_once(client: httpx.Client, url: str, dest: Path, timeout: float) -> bool:
    """One attempt. Returns False for 304 Not Modified; raises httpx errors to retry."""
    headers = {"User-Agent": USER_AGENT, **_conditional_headers(dest)}
    tmp = dest.with_name(dest.name + ".part")
    with client.stream("GET", url, headers=headers, timeout=timeout) as response:
        if response.status_code == 304:
            _write_meta(dest, url, response, read_meta(dest))
            return False
        response.raise_for_status()
        with open(tmp, "wb") as fh:
            for chunk in response.iter_bytes(1 << 20):
                fh.write(chunk)
        os.replace(tmp, dest)
        _write_meta(dest, url, response, {})
    return True


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code in RETRY_STATUS
    return isinstance(exc, httpx.TransportError)


def download(
    url: str,
    dest: Path,
    *,
    client: httpx.Client | None = None,
    policy: FetchPolicy | None = None,
) -> bool:
    """Fetch ``url`` into ``dest`` (conditionally). True if new content was written.

    Transport errors, timeouts and 408/429/5xx answers are retried with
    exponential backoff; after the last attempt (or on any other HTTP error)
    a :class:`CasewatchError` names the URL and the problem.
    """
    policy = policy or FetchPolicy()
    own = client is None
    http = client or httpx.Client(follow_redirects=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        for attempt in range(1, policy.attempts + 1):
            try:
                return _download_once(http, url, dest, policy.timeout)
            except (httpx.HTTPError, OSError) as exc:
                dest.with_name(dest.name + ".part").unlink(missing_ok=True)
                if not isinstance(exc, httpx.HTTPError) or not _retryable(exc):
                    raise CasewatchError(f"fetching {url}: {_describe(exc)}") from None
                if attempt == policy.attempts:
                    raise CasewatchError(
                        f"fetching {url}: {_describe(exc)} (gave up after {attempt} attempts)"
                    ) from None
                time.sleep(policy.backoff * 2 ** (attempt - 1))
    finally:
        if own:
            http.close()
    return False  # pragma: no cover - the loop always returns or raises


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return str(exc) or type(exc).__name__


def get_text(url: str, *, client: httpx.Client | None = None, policy: FetchPolicy | None = None) -> str:
    """GET a small text resource (an index page listing the current bulk file), with retries."""
    policy = policy or FetchPolicy()
    own = client is None
    http = client or httpx.Client(follow_redirects=True)
    try:
        for attempt in range(1, policy.attempts + 1):
            try:
                response = http.get(url, headers={"User-Agent": USER_AGENT}, timeout=policy.timeout)
                response.raise_for_status()
                return response.text
            except httpx.HTTPError as exc:
                if not _retryable(exc) or attempt == policy.attempts:
                    raise CasewatchError(f"fetching {url}: {_describe(exc)}") from None
                time.sleep(policy.backoff * 2 ** (attempt - 1))
    finally:
        if own:
            http.close()
    raise CasewatchError(f"fetching {url}: no attempt made")  # pragma: no cover


def download_linked(
    index_url: str,
    pattern: str,
    dest_dir: Path,
    *,
    client: httpx.Client | None = None,
    policy: FetchPolicy | None = None,
) -> Path:
    """Find the newest file matching ``pattern`` linked from an index page and fetch it.

    Companies House publishes its bulk files under dated names
    (``BasicCompanyDataAsOneFile-2026-11-01.zip``) listed on a download page;
    the newest (highest sorting) name wins.
    """
    import re
    from urllib.parse import urljoin

    page = get_text(index_url, client=client, policy=policy)
    names = sorted(set(re.findall(pattern, page)))
    if not names:
        raise CasewatchError(f"fetching {index_url}: no link matching {pattern!r} on the page")
    dest = dest_dir / Path(names[-1]).name
    download(urljoin(index_url, names[-1]), dest, client=client, policy=policy)
    return dest
