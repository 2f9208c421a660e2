"""Fetching source files over HTTP: retries with backoff, timeouts, conditional requests.

Every test runs against a real HTTP server started here on 127.0.0.1; nothing
leaves the machine.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from casewatch.errors import CasewatchError
from casewatch.sources import get_connector, read_source
from casewatch.sources.fetch import FetchPolicy, download, read_meta
from tests.sources_util import FIXTURES, split

FAST = FetchPolicy(attempts=3, backoff=0.01, timeout=0.5)


class State:
    """What the test server does, and what it saw."""

    def __init__(self) -> None:
        self.failures_left: dict[str, int] = {}
        self.slow: set[str] = set()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.files: dict[str, bytes] = {}


class Handler(BaseHTTPRequestHandler):
    state: State

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        st = self.state
        st.requests.append((self.path, dict(self.headers.items())))
        if st.failures_left.get(self.path, 0) > 0:
            st.failures_left[self.path] -= 1
            self.send_error(503, "try again")
            return
        if self.path in st.slow:
            time.sleep(1.5)
        body = st.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", "Sat, 01 Nov 2025 10:00:00 GMT")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture()
def server() -> Iterator[tuple[str, State]]:
    state = State()
    handler = type("H", (Handler,), {"state": state})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def _serve_ofac(state: State) -> dict[str, str]:
    urls = {}
    for name in ("sdn.csv", "alt.csv", "add.csv"):
        state.files[f"/ofac/{name.upper()}"] = (FIXTURES / "ofac" / name).read_bytes()
        urls[name] = f"/ofac/{name.upper()}"
    return urls


def test_fetch_retries_then_reads(server: tuple[str, State], tmp_path: Path) -> None:
    base, state = server
    urls = _serve_ofac(state)
    state.failures_left["/ofac/SDN.CSV"] = 2  # fail twice, then succeed
    connector = type(get_connector("ofac"))(downloads={k: base + v for k, v in urls.items()})
    paths = connector.fetch(tmp_path, policy=FAST)
    assert [p.name for p in paths] == ["sdn.csv", "alt.csv", "add.csv"]
    assert [p for p, _ in state.requests].count("/ofac/SDN.CSV") == 3
    assert (tmp_path / "sdn.csv").read_bytes() == (FIXTURES / "ofac" / "sdn.csv").read_bytes()
    meta = read_meta(tmp_path / "sdn.csv")
    assert meta["etag"] and meta["last_modified"] and meta["url"].endswith("/ofac/SDN.CSV")
    records, _ = split(read_source("ofac", [tmp_path]))
    assert records and records[0].fetched_at.isoformat() == meta["fetched_at"]


def test_conditional_request_gets_304_and_keeps_file(server: tuple[str, State], tmp_path: Path) -> None:
    base, state = server
    state.files["/list.xml"] = b"<x/>"
    dest = tmp_path / "list.xml"
    assert download(base + "/list.xml", dest, policy=FAST) is True
    before = dest.stat().st_mtime_ns
    assert download(base + "/list.xml", dest, policy=FAST) is False
    headers = state.requests[-1][1]
    assert headers.get("If-None-Match") == read_meta(dest)["etag"]
    assert headers.get("If-Modified-Since") == "Sat, 01 Nov 2025 10:00:00 GMT"
    assert dest.stat().st_mtime_ns == before and dest.read_bytes() == b"<x/>"
    state.files["/list.xml"] = b"<y/>"  # changed upstream: new ETag, new content
    assert download(base + "/list.xml", dest, policy=FAST) is True
    assert dest.read_bytes() == b"<y/>"


def test_timeout_is_retried_then_reported(server: tuple[str, State], tmp_path: Path) -> None:
    base, state = server
    state.files["/slow"] = b"x"
    state.slow.add("/slow")
    with pytest.raises(CasewatchError, match=r"timed out \(gave up after 2 attempts\)"):
        download(base + "/slow", tmp_path / "slow", policy=FetchPolicy(2, 0.01, 0.3))
    assert not (tmp_path / "slow").exists() and not (tmp_path / "slow.part").exists()


def test_client_error_is_not_retried(server: tuple[str, State], tmp_path: Path) -> None:
    base, state = server
    with httpx.Client() as client, pytest.raises(CasewatchError, match="HTTP 404"):
        download(base + "/missing", tmp_path / "m", client=client, policy=FAST)
    assert len(state.requests) == 1


def test_retries_exhausted(server: tuple[str, State], tmp_path: Path) -> None:
    base, state = server
    state.files["/x"] = b"x"
    state.failures_left["/x"] = 5
    with pytest.raises(CasewatchError, match="HTTP 503"):
        download(base + "/x", tmp_path / "x", policy=FAST)
    assert len(state.requests) == 3


def test_source_without_public_url() -> None:
    with pytest.raises(CasewatchError, match="publishes no public bulk file"):
        get_connector("ftm").fetch(Path("/nonexistent"))


@pytest.mark.parametrize("name", ["ofac", "un", "eu", "uk", "companies-house", "psc", "patentsview"])
def test_public_sources_have_real_urls(name: str) -> None:
    connector = get_connector(name)
    assert connector.url and connector.url.startswith("https://")
    assert connector.downloads and all(u.startswith("https://") for u in connector.downloads.values())
