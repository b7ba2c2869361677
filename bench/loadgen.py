"""A bounded, closed-loop HTTP load generator for loopback benchmarks.

``clients`` threads each hold one keep-alive connection and send their next request as soon as
the previous one is answered (a closed loop, as "32 concurrent clients" means). The run stops by
itself after ``warmup_s + duration_s``; only requests that *start* inside the measured window
count. It uses the standard library's ``http.client`` rather than httpx: on a 2-core machine the
generator shares the CPU with the server, and ``http.client`` costs a fraction of httpx per
request, so more of the machine goes to the server being measured.
"""

from __future__ import annotations

import http.client
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.cpu import Reading, cpu_between

# (method, path, body bytes or None, headers)
Request = tuple[str, str, bytes | None, dict[str, str]]
RequestFactory = Callable[[int, int], Request]
ResponseHook = Callable[[int, int, Request, int, bytes], None]


@dataclass
class LoadResult:
    duration_s: float
    latencies_s: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0  # connection-level failures (status 0)
    cpu_s: dict[str, float] | None = None  # CPU the serving processes used in the window, by group (bench/cpu.py)

    @property
    def completed(self) -> int:
        return len(self.latencies_s)

    @property
    def ok(self) -> int:
        return sum(count for status, count in self.statuses.items() if 200 <= status < 300)

    @property
    def ok_rps(self) -> float:
        return self.ok / self.duration_s if self.duration_s else 0.0

    def add(self, other: LoadResult) -> None:
        """Fold another run into this one (rounds of the same measurement)."""
        self.duration_s += other.duration_s
        self.latencies_s.extend(other.latencies_s)
        for status, count in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + count
        self.errors += other.errors
        if other.cpu_s is not None:
            mine = self.cpu_s or {}
            self.cpu_s = {group: mine.get(group, 0.0) + cpu for group, cpu in other.cpu_s.items()}

    def cpu_ms_per_request(self, group: str | None = None) -> float | None:
        """CPU milliseconds the serving processes (or one group of them) spent per request that
        started in the window."""
        if self.cpu_s is None or not self.completed:
            return None
        cpu = sum(self.cpu_s.values()) if group is None else self.cpu_s.get(group, 0.0)
        return round(cpu * 1000 / self.completed, 2)

    def percentile_ms(self, pct: float) -> float | None:
        return percentile_ms(self.latencies_s, pct)

    def summary(self) -> dict[str, Any]:
        return {
            "duration_s": round(self.duration_s, 2),
            "requests": self.completed,
            "ok": self.ok,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors,
            "p50_ms": self.percentile_ms(50),
            "p95_ms": self.percentile_ms(95),
            "p99_ms": self.percentile_ms(99),
            "cpu_ms_per_request": self.cpu_ms_per_request(),
            "cpu_ms_per_request_by_process": {group: self.cpu_ms_per_request(group) for group in self.cpu_s or {}},
        }


def percentile_ms(samples_s: list[float], pct: float) -> float | None:
    """Nearest-rank percentile in milliseconds (no interpolation: a reported p99 is a real sample)."""
    if not samples_s:
        return None
    ordered = sorted(samples_s)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return round(ordered[rank - 1] * 1000, 2)


def run_load(
    *,
    port: int,
    factory: RequestFactory,
    clients: int = 32,
    duration_s: float = 10.0,
    warmup_s: float = 2.0,
    on_response: ResponseHook | None = None,
    host: str = "127.0.0.1",
    cpu_probe: Callable[[], Reading] | None = None,
) -> LoadResult:
    """Run ``clients`` closed-loop clients against ``host:port``; return what the window saw.
    ``cpu_probe`` (bench/cpu.py), read as the window opens and closes, gives the window's CPU."""
    start = time.perf_counter()
    window_start = start + warmup_s
    window_end = window_start + duration_s
    lock = threading.Lock()
    result = LoadResult(duration_s=duration_s)
    cpu_marks: list[Reading] = []

    def mark_cpu() -> None:
        if cpu_probe is None:
            return
        for moment in (window_start, window_end):
            time.sleep(max(0.0, moment - time.perf_counter()))
            cpu_marks.append(cpu_probe())

    def client(index: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=30)
        latencies: list[float] = []
        statuses: dict[int, int] = {}
        errors = 0
        seq = 0
        while True:
            began = time.perf_counter()
            if began >= window_end:
                break
            request = factory(index, seq)
            seq += 1
            method, path, body, headers = request
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                status, data = 0, b""
            took = time.perf_counter() - began
            if on_response is not None:
                on_response(index, seq - 1, request, status, data)
            if began >= window_start:
                latencies.append(took)
                statuses[status] = statuses.get(status, 0) + 1
                errors += status == 0
        conn.close()
        with lock:
            result.latencies_s.extend(latencies)
            for status, count in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + count
            result.errors += errors

    threads = [threading.Thread(target=client, args=(i,), name=f"client-{i}", daemon=True) for i in range(clients)]
    threads.append(threading.Thread(target=mark_cpu, name="cpu-probe", daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if len(cpu_marks) == 2:
        result.cpu_s = cpu_between(*cpu_marks)
    return result
