"""`make bench`: Rabta's figures on PostgreSQL, written to bench/results/latest.json.

    .venv/bin/python -m bench.run                      # full scale (1,000,000 complaints, 7,500 offices)
    .venv/bin/python -m bench.run --quick              # 20,000 complaints, for development
    .venv/bin/python -m bench.run --only intake,inbox  # some benchmarks; --merge keeps the others' figures

The harness creates a throw-away database, migrates it, loads the directory, starts the real
server (gunicorn, rabta.wsgi) on a free loopback port and loads it with a bounded load generator.
A benchmark that cannot run (a missing piece of the application) reports ``"value": null`` with
the reason in ``notes``; no number is ever made up. See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.db import DEFAULT_DATABASE_URL, database_drop, database_recreate, django_setup, server_version
from bench.figures import Figure, machine_info, not_measured, results_write
from bench.server import Server, free_port

RESULTS_DIR = Path(__file__).resolve().parent / "results"
DEFAULT_BROKER = "redis://127.0.0.1:6379/13"


def broker_flush(url: str) -> int:
    """Empty the benchmark's own Redis database (never a shared one: the default is db 13)."""
    import redis

    client = redis.Redis.from_url(url)
    size = int(client.llen("celery"))
    client.flushdb()
    return size


SCALES: dict[str, dict[str, Any]] = {
    "full": {"complaints": 1_000_000, "offices": 7_500, "duration_s": 20.0, "warmup_s": 3.0, "crash_s": 30.0},
    "quick": {"complaints": 20_000, "offices": 7_500, "duration_s": 6.0, "warmup_s": 1.5, "crash_s": 12.0},
}

# Each benchmark and the figures it owes, so that a failure still reports every one of them (null).
# In run order: the bulk load comes first (with inbox), so that intake writes into a full table.
EXPECTED: dict[str, list[tuple[str, str]]] = {
    "inbox": [
        ("bulk_load_s", "s"),
        ("bulk_load_rows_per_s", "rows/s"),
        ("inbox_p95_ms", "ms"),
        ("inbox_p50_ms", "ms"),
        ("inbox_selector_p95_ms", "ms"),
        ("inbox_selector_p50_ms", "ms"),
    ],
    "escalation": [("escalation_sweep_s", "s"), ("escalation_escalated", "complaints")],
    # After escalation, as the periodic command runs them: escalation_sweep_s stays measured on the
    # untouched load (see bench/reminders.py).
    "reminders": [("reminder_sweep_s", "s"), ("reminder_reminded", "complaints")],
    "intake": [
        ("db_insert_ceiling_rps", "requests/s"),
        ("db_insert_ceiling_p99_ms", "ms"),
        ("complaint_intake_rps", "requests/s"),
        ("complaint_intake_p99_ms", "ms"),
        ("intake_vs_ceiling_ratio", "ratio"),
        ("db_insert_ceiling_cpu_ms", "ms"),
        ("complaint_intake_cpu_ms", "ms"),
        ("intake_vs_ceiling_cpu_ratio", "ratio"),
    ],
    "crash": [("acknowledged_lost", "complaints"), ("idempotent_duplicates", "complaints")],
    "declarations": [("declaration_import_rows_per_s", "rows/s")],
    "clearance": [("clearance_dashboard_p95_ms", "ms"), ("clearance_live_latency_ms", "ms")],
    "enforcement": [("incident_trend_p95_ms", "ms"), ("incident_trends_rebuild_s", "s")],
    "tariff": [("tariff_search_p95_ms", "ms"), ("tariff_search_p50_ms", "ms"), ("tariff_search_selector_p95_ms", "ms")],
    "open311": [("open311_get_p95_ms", "ms"), ("open311_get_p50_ms", "ms"), ("open311_post_rps", "requests/s")],
    "risk": [("lane_decision_p99_ms", "ms"), ("batch_scoring_rows_per_s", "rows/s")],
    "value_control": [("value_control_findings", "share of flagged flows")],
    "intelligence": [
        ("category_suggest_p95_ms", "ms"),
        ("category_suggest_p50_ms", "ms"),
        ("category_suggest_selector_p95_ms", "ms"),
    ],
    "scorecards": [
        ("rollup_apply_events_per_s", "events/s"),
        ("scorecard_national_p95_ms", "ms"),
        ("scorecard_drilldown_p95_ms", "ms"),
        ("live_update_latency_ms", "ms"),
        ("live_dashboard_clients", "clients"),
    ],
    "exchange": [("wco_export_rows_per_s", "rows/s")],
}
BENCHMARKS = tuple(EXPECTED)


@dataclass
class Context:
    args: argparse.Namespace
    database_url: str
    data_dir: Path
    complaints: int
    offices: int
    duration_s: float
    warmup_s: float
    crash_s: float
    clients: int
    workers: int
    log_dir: Path
    broker: str = ""
    state: dict[str, Any] = field(default_factory=dict)

    def server_env(self, *, settings_module: str = "bench.settings") -> dict[str, str]:
        env = {
            "RABTA_ENV": "development",
            "RABTA_DATA_DIR": str(self.data_dir),
            "DATABASE_URL": self.database_url,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "RABTA_LOG_LEVEL": "WARNING",
            # The load generator is one address and a handful of accounts: at the production limits
            # every request after the tenth an hour is a 429. The limits still count (their cache
            # round trips are in the figures) but are set where a benchmark never reaches them.
            "RABTA_RATE_LIMITS": ",".join(f"{scope}={rate}" for scope, rate in BENCH_RATE_LIMITS.items()),
        }
        if self.broker:
            env["CELERY_BROKER_URL"] = self.broker
            if self.broker.startswith(("redis://", "rediss://")):
                # Production shape: a Redis broker means a Redis cache too (README, "Settings").
                env["REDIS_URL"] = self.broker
        return env

    def server(self, name: str) -> Server:
        return Server(
            env=self.server_env(),
            port=free_port(),
            workers=self.workers,
            log_path=self.log_dir / f"gunicorn-{name}.log",
        )


BENCH_RATE_LIMITS = {
    "intake": "1000000000/h:1000000000/h",
    "intake_anonymous": "1000000000/h",
    "messages": "1000000000/h:1000000000/h",
    "uploads": "1000000000/h:1000000000/h",
    "open311": "1000000000/h:1000000000/h",
    "open311_read": "1000000000/h",
    "suggest": "1000000000/h:1000000000/h",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only",
        default=",".join(BENCHMARKS),
        help=f"comma-separated benchmarks to run (default all: {','.join(BENCHMARKS)})",
    )
    parser.add_argument("--scale", choices=sorted(SCALES), default="full", help="preset sizes (default full)")
    parser.add_argument("--quick", action="store_const", const="quick", dest="scale", help="same as --scale quick")
    parser.add_argument("--complaints", type=int, help="complaints to bulk-load (overrides the scale)")
    parser.add_argument("--offices", type=int, help="offices in the directory (overrides the scale)")
    parser.add_argument("--duration", type=float, help="measured seconds per load run (overrides the scale)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32, per issue 3)")
    parser.add_argument(
        "--workers",
        type=int,
        default=4,
        help="gunicorn workers (default 4: 2 per core on the 2-core reference machine)",
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="PostgreSQL database to CREATE and DROP (default %(default)s); it must be throw-away",
    )
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database at the end")
    parser.add_argument(
        "--broker",
        default=DEFAULT_BROKER,
        help="Celery broker for the server and its worker, as in production (default %(default)s; its "
        "database is emptied at the start and before each benchmark); 'none' runs tasks inside the request, "
        "as the embedded default does",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="result file (default bench/results/latest.json; quick runs: bench/results/quick.json)",
    )
    parser.add_argument("--merge", action="store_true", help="keep figures of benchmarks not run now from --output")
    parser.add_argument(
        "--code",
        choices=["head", "worktree", "here"],
        default="head",
        help="code to measure: a snapshot of the last commit (default), a snapshot of the working "
        "tree, or the files in place (which may change under a long run)",
    )
    args = parser.parse_args(argv)
    wanted = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(wanted) - set(BENCHMARKS))
    if unknown:
        parser.error(f"--only: unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    args.only = [name for name in BENCHMARKS if name in wanted]
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url: the figures of issue 3 are measured on PostgreSQL (postgres://...)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    scale = SCALES[args.scale]
    output = args.output or RESULTS_DIR / ("latest.json" if args.scale == "full" else f"{args.scale}.json")
    if args.code != "here":
        return _run_in_snapshot(args, argv if argv is not None else sys.argv[1:], output.resolve())
    data_dir = Path(tempfile.mkdtemp(prefix="rabta-bench-"))
    ctx = Context(
        args=args,
        database_url=args.database_url,
        data_dir=data_dir,
        complaints=args.complaints or scale["complaints"],
        offices=args.offices or scale["offices"],
        duration_s=args.duration or scale["duration_s"],
        warmup_s=scale["warmup_s"],
        crash_s=scale["crash_s"],
        clients=args.clients,
        workers=args.workers,
        log_dir=data_dir / "logs",
        broker="" if args.broker == "none" else args.broker,
    )
    if ctx.broker:
        # This process enqueues too (the escalation and reminder sweeps), and shares the server's cache.
        os.environ.update({k: v for k, v in ctx.server_env().items() if k in {"CELERY_BROKER_URL", "REDIS_URL"}})
        broker_flush(ctx.broker)
    ctx.log_dir.mkdir()
    (data_dir / "staticfiles").mkdir()  # WhiteNoise warns at start-up without it; the API needs no static files
    say(f"benchmarks: {', '.join(args.only)}; scale {args.scale}; database {args.database_url}; logs in {ctx.log_dir}")
    started = time.monotonic()
    load_before = [round(x, 2) for x in os.getloadavg()]
    figures: list[Figure] = []
    try:
        database_recreate(args.database_url)
        django_setup(database_url=args.database_url, data_dir=str(data_dir))
        from django.core.management import call_command

        from bench.directory import directory_load

        t0 = time.monotonic()
        call_command("migrate", verbosity=0)
        say(f"migrated in {time.monotonic() - t0:.1f} s")
        t0 = time.monotonic()
        ctx.state["directory"] = directory_load(offices=ctx.offices)
        say(f"directory: {ctx.state['directory']} in {time.monotonic() - t0:.1f} s")
        for name in args.only:
            figures += run_one(name, ctx)
    finally:
        if not args.keep_db:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # Django may not be set up if the database could not be created
                pass
            database_drop(args.database_url)
        if not args.keep_db:
            shutil.rmtree(data_dir, ignore_errors=True)
    machine = machine_info(
        database=f"PostgreSQL {server_version(args.database_url)}", workers=ctx.workers, clients=ctx.clients
    )
    machine["background_work"] = (
        f"Celery worker (1 process) beside the server, broker {ctx.broker}"
        if ctx.broker
        else "none: tasks run inside the request (embedded default)"
    )
    run = {
        "scale": args.scale,
        "complaints": ctx.complaints,
        "offices": ctx.offices,
        "directory": ctx.state.get("directory", {}).get("source", ""),
        "benchmarks": args.only,
        # Other processes on the machine (1, 5, 15-minute load averages) would weigh on every figure.
        "load_average_at_start": load_before,
        "took_s": round(time.monotonic() - started, 1),
        "command": "python -m bench.run " + " ".join(sys.argv[1:] if argv is None else argv),
        "code": os.environ.get("RABTA_BENCH_CODE", "in place"),
    }
    document = results_write(output, machine=machine, run=run, figures=figures, merge=args.merge)
    say(f"wrote {output}")
    for figure in document["figures"]:
        say(f"  {figure['name']:<28} {figure['value']!s:>12} {figure['unit']:<12} {figure.get('notes', '')[:80]}")
    return 0


def _run_in_snapshot(args: argparse.Namespace, argv: list[str], output: Path) -> int:
    """Copy the code to a temporary folder and run there, so that edits made to the checkout while a
    long run is going (other people work in it) cannot change the server between its restarts."""
    import subprocess

    project = Path(__file__).resolve().parent.parent
    snapshot = Path(tempfile.mkdtemp(prefix="rabta-bench-code-"))
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True, check=True
        ).stdout.strip()
        if args.code == "head":
            archive = subprocess.run(
                ["git", "archive", "HEAD", "rabta", "bench"], cwd=project, capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(snapshot)], input=archive, check=True)
            dirty = ""
        else:
            for part in ("rabta", "bench"):
                shutil.copytree(
                    project / part, snapshot / part, ignore=shutil.ignore_patterns("__pycache__", "results", "*.pyc")
                )
            dirty = subprocess.run(
                ["git", "status", "--porcelain", "rabta", "bench"],
                cwd=project,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        (snapshot / "bench" / "results").mkdir(exist_ok=True)
        say(f"measuring {args.code} ({commit[:10]}{', with uncommitted changes' if dirty else ''}) from {snapshot}")
        env = {
            **os.environ,
            "PYTHONPATH": str(snapshot),
            "RABTA_BENCH_CODE": f"{args.code} {commit}" + (" +uncommitted" if dirty else ""),
        }
        rest = [a for a in argv if not a.startswith("--code") and a not in {"head", "worktree"}]
        command = [sys.executable, "-m", "bench.run", *rest, "--code", "here", "--output", str(output)]
        return subprocess.run(command, cwd=snapshot, env=env, check=False).returncode
    finally:
        shutil.rmtree(snapshot, ignore_errors=True)


def outbox_set_aside() -> int:
    from rabta.notifications.models import Outbox  # the outbox predates every commit worth measuring

    pending = Outbox.objects.exclude(state__in=[Outbox.State.SENT, Outbox.State.FAILED])
    return int(pending.update(state=Outbox.State.FAILED, last_error="set aside by the benchmark harness"))


def run_one(name: str, ctx: Context) -> list[Figure]:
    runners: dict[str, Callable[[Context], list[Figure]]] = {
        "intake": _lazy("bench.intake", "intake_benchmark"),
        "inbox": _lazy("bench.inbox", "inbox_benchmark"),
        "escalation": _lazy("bench.escalation", "escalation_benchmark"),
        "reminders": _lazy("bench.reminders", "reminders_benchmark"),
        "crash": _lazy("bench.crash", "crash_benchmark"),
        "declarations": _lazy("bench.declarations", "declarations_benchmark"),
        "tariff": _lazy("bench.tariff", "tariff_benchmark"),
        "clearance": _lazy("bench.clearance", "clearance_benchmark"),
        "enforcement": _lazy("bench.enforcement", "enforcement_benchmark"),
        "open311": _lazy("bench.open311", "open311_benchmark"),
        "risk": _lazy("bench.risk", "risk_benchmark"),
        "value_control": _lazy("bench.value_control", "value_control_benchmark"),
        "intelligence": _lazy("bench.intelligence", "intelligence_benchmark"),
        "scorecards": _lazy("bench.scorecards", "scorecards_benchmark"),
        "exchange": _lazy("bench.exchange", "exchange_benchmark"),
    }
    say(f"== {name}")
    if ctx.broker:
        # What an earlier benchmark queued (the sweep's notifications) is not this one's work.
        say(f"   broker: emptied {broker_flush(ctx.broker)} queued messages")
    # Nor are the messages an earlier benchmark left in the outbox (the reminder sweep writes tens of
    # thousands): the first delivery task of the next server would send them all on its CPU.
    say(f"   outbox: set aside {outbox_set_aside()} undelivered messages of earlier benchmarks")
    t0 = time.monotonic()
    from bench.complaints_api import NotAvailable

    try:
        produced = runners[name](ctx)
    except NotAvailable as exc:
        produced = []
        why = str(exc)
    except Exception as exc:  # one broken benchmark must not hide the others' figures
        traceback.print_exc()
        produced = []
        why = f"{type(exc).__name__}: {exc}"
    else:
        why = "the benchmark did not produce it"
    have = {figure.name for figure in produced}
    produced += [not_measured(fig, unit, why) for fig, unit in EXPECTED[name] if fig not in have]
    say(
        f"   {name} took {time.monotonic() - t0:.1f} s: "
        + json.dumps({figure.name: figure.value for figure in produced})
    )
    return produced


def _lazy(module: str, function: str) -> Callable[[Context], list[Figure]]:
    def call(ctx: Context) -> list[Figure]:
        import importlib

        return list(getattr(importlib.import_module(module), function)(ctx))

    return call


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
