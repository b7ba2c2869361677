"""The result file: one JSON object; every figure has a name, a value and a unit."""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    name: str
    value: float | int | None
    unit: str
    goal: str = ""
    notes: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    measured_at: str = field(default_factory=lambda: now_iso())

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not data["details"]:
            del data["details"]
        return data


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def not_measured(name: str, unit: str, why: str, goal: str = "") -> Figure:
    return Figure(name=name, value=None, unit=unit, goal=goal, notes=f"not measured: {why}")


def machine_info(*, database: str, workers: int, clients: int) -> dict[str, Any]:
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "cpu": _cpu_model(),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        "database": database,
        "server": f"gunicorn rabta.wsgi, {workers} sync workers, 127.0.0.1",
        "load_generator": f"{clients} closed-loop clients (threads, http.client keep-alive) on the same machine",
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def results_write(
    path: Path, *, machine: dict[str, Any], run: dict[str, Any], figures: list[Figure], merge: bool
) -> dict[str, Any]:
    """Write the result object. With ``merge``, figures not measured in this run are kept from the
    existing file (each figure carries its own ``measured_at``)."""
    by_name: dict[str, dict[str, Any]] = {}
    if merge and path.exists():
        try:
            for old in json.loads(path.read_text()).get("figures", []):
                by_name[old["name"]] = old
        except (ValueError, KeyError, TypeError):
            by_name = {}
    for figure in figures:
        by_name[figure.name] = figure.as_dict()
    document = {"generated_at": now_iso(), "machine": machine, "run": run, "figures": list(by_name.values())}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    tmp.replace(path)
    return document


def calls_p95_ms(calls: Mapping[str, Callable[[], object]], *, repeats: int) -> dict[str, float]:
    """Each in-process call's 95th percentile (nearest rank, ms) over ``repeats`` timed calls,
    after one untimed call that warms its caches and plans."""
    from bench.loadgen import percentile_ms

    if repeats < 1:
        raise ValueError("calls_p95_ms needs at least one timed call")
    results: dict[str, float] = {}
    for name, call in calls.items():
        call()
        samples = []
        for _ in range(repeats):
            began = time.perf_counter()
            call()
            samples.append(time.perf_counter() - began)
        p95 = percentile_ms(samples, 95)
        assert p95 is not None  # repeats >= 1
        results[name] = p95
    return results
