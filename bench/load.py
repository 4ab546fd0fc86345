"""HTTP load from this process: a bounded list of requests, a fixed number of client threads.

Each thread keeps its own connection (reopened when the server closes it) and records the
client-side latency and the server's own time from the Server-Timing header.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None = None
    expect: int = 200


@dataclass
class Result:
    name: str
    concurrency: int
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    first_error: str = ""

    @property
    def rate(self) -> float:
        return (self.requests - self.errors) / self.seconds if self.seconds else 0.0

    def summary(self) -> dict:
        return {"concurrency": self.concurrency, "requests": self.requests, "errors": self.errors,
                "seconds": round(self.seconds, 3), "per_second": round(self.rate, 1),
                "p50_ms": percentile(self.latencies_ms, 50), "p95_ms": percentile(self.latencies_ms, 95),
                "p99_ms": percentile(self.latencies_ms, 99),
                "server_p50_ms": percentile(self.server_ms, 50),
                "server_p95_ms": percentile(self.server_ms, 95),
                "server_p99_ms": percentile(self.server_ms, 99), "first_error": self.first_error}


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[rank], 2)


def server_time_ms(header: str | None) -> float | None:
    for part in (header or "").split(","):
        for item in part.split(";"):
            if item.strip().startswith("dur="):
                return float(item.strip()[4:])
    return None


def run(name: str, port: int, requests: list[Request], concurrency: int) -> Result:
    result = Result(name=name, concurrency=concurrency)
    pending = iter(requests)
    lock = threading.Lock()

    def take() -> Request | None:
        with lock:
            return next(pending, None)

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while (request := take()) is not None:
            started = time.perf_counter()
            try:
                status, server_ms, body = _send(conn, request)
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status, server_ms, body = 0, None, str(error).encode()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                result.requests += 1
                result.latencies_ms.append(elapsed)
                if server_ms is not None:
                    result.server_ms.append(server_ms)
                if status != request.expect:
                    result.errors += 1
                    result.first_error = result.first_error or f"{status}: {body[:300]!r}"
        conn.close()

    result.seconds = run_threads(worker, concurrency)
    return result


def run_threads(worker, concurrency: int) -> float:
    """Run `worker` in `concurrency` threads at once; the wall-clock seconds they took."""
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def _send(conn: http.client.HTTPConnection, request: Request) -> tuple[int, float | None, bytes]:
    for attempt in range(2):
        try:
            conn.request(request.method, request.path, body=request.body, headers=request.headers)
            response = conn.getresponse()
            body = response.read()
            return response.status, server_time_ms(response.getheader("Server-Timing")), body
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # The server closed an idle kept-alive connection: open a new one, once.
            conn.close()
            if attempt:
                raise
    raise AssertionError("unreachable")
