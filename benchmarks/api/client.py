"""A minimal HTTP/1.1 keep-alive load client: the benchmark measures the server, not httpx.

The server and the load generator share this machine's two cores, so every
millisecond of CPU the client spends on a request is taken from the server.
httpx (async) spends about 1–2 ms of CPU per request; this client writes the
request bytes and reads the status line, the headers and ``Content-Length``
bytes of body on an asyncio stream (about 0.1 ms). It only speaks what the
benchmark needs: POST with a JSON body, responses with a ``Content-Length``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import orjson


class Connection:
    """One keep-alive connection to ``host:port``."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.head = (f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
                     "Content-Type: application/json\r\n").encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, payload: Any) -> tuple[int, bytes]:
        """POST ``payload`` as JSON; (status, body)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        body = orjson.dumps(payload)
        self.writer.write(b"POST " + path.encode() + b" HTTP/1.1\r\n" + self.head
                          + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = None
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        if length is None:
            raise RuntimeError(f"response without Content-Length: {head[:200]!r}")
        data = await self.reader.readexactly(length)
        if any(line.lower() == b"connection: close" for line in lines):
            await self.close()
        return status, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def _worker(conn: Connection, path: str, work: list[dict[str, Any]],
                  latencies: list[float], errors: list[str]) -> None:
    try:
        while work:
            query = work.pop()
            started = time.perf_counter()
            status, body = await conn.post(path, {"queries": {"q": query}})
            latencies.append(time.perf_counter() - started)
            if status != 200:
                errors.append(f"{status} {body[:200]!r}")
    finally:
        await conn.close()


async def load_raw(host: str, port: int, token: str, path: str, work: list[dict[str, Any]],
                   clients: int) -> tuple[float, list[float], list[str]]:
    """Post every query over ``clients`` keep-alive connections; (seconds, latencies, errors)."""
    latencies: list[float] = []
    errors: list[str] = []
    pending = list(work)
    started = time.perf_counter()
    await asyncio.gather(*(_worker(Connection(host, port, token), path, pending, latencies,
                                   errors) for _ in range(clients)))
    return time.perf_counter() - started, latencies, errors
