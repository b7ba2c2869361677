"""CPU time spent serving: the server's processes, its Celery worker and the database backends
working for them, read from /proc (Linux).

Throughput on a shared two-core machine moves with whatever else runs on it; the CPU a request
costs moves much less. So beside requests per second the intake benchmark reports CPU
milliseconds per request for the ceiling and for intake, summed over every process that works for
the request (gunicorn master and workers, the Celery worker, and PostgreSQL backends connected to
the benchmark's database). The load generator, a client, is not counted; nor are PostgreSQL's
shared background processes (WAL writer, checkpointer), which work for every database at once.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _read(pid: str, name: str) -> bytes:
    try:
        return (Path("/proc") / pid / name).read_bytes()
    except OSError:  # the process ended meanwhile
        return b""


def _session_and_cpu(stat: bytes) -> tuple[int, float] | None:
    # Fields after the command (which may hold spaces, so split after its closing parenthesis):
    # state ppid pgrp session ... utime (14th field overall) stime (15th).
    if not stat:
        return None
    fields = stat[stat.rfind(b")") + 2 :].split()
    return int(fields[3]), (int(fields[11]) + int(fields[12])) / TICKS


Reading = dict[int, tuple[str, float]]  # pid -> (group, CPU seconds so far)


def cpu_seconds(*, sessions: Sequence[int], database: str) -> Reading:
    """CPU seconds used so far by each process of the first session ("server"), of the others
    ("worker"), and by each PostgreSQL backend connected to ``database`` ("database"; their title
    reads ``postgres: <user> <database> <client> ...``)."""
    groups = {session: ("server" if i == 0 else "worker") for i, session in enumerate(sessions)}
    marker = f" {database} ".encode()
    found: Reading = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        parsed = _session_and_cpu(_read(entry.name, "stat"))
        if parsed is None:
            continue
        session, cpu = parsed
        if session in groups:
            found[int(entry.name)] = (groups[session], cpu)
            continue
        title = _read(entry.name, "cmdline")
        if title.startswith(b"postgres: ") and marker in title.replace(b"\0", b" "):
            found[int(entry.name)] = ("database", cpu)
    return found


def cpu_between(before: Reading, after: Reading) -> dict[str, float]:
    """CPU seconds by group between two readings: each process still there counts what it used
    since, a new one all it used. A process that ended in between (a database connection past its
    CONN_MAX_AGE) is not counted, so the figure is a lower bound, never below zero."""
    used = {"server": 0.0, "worker": 0.0, "database": 0.0}
    for pid, (group, cpu) in after.items():
        earlier = before[pid][1] if pid in before and before[pid][0] == group else 0.0
        # Less than before: the pid was reused by a new process, which counts all it used.
        used[group] += cpu - earlier if cpu >= earlier else cpu
    return used


def probe(*, sessions: Callable[[], Sequence[int]], database: str) -> Callable[[], Reading] | None:
    """A reader for run_load's window, or None where there is no /proc to read."""
    if not Path("/proc/self/stat").exists():
        return None
    return lambda: cpu_seconds(sessions=sessions(), database=database)
