"""``db_insert_ceiling_rps`` and ``complaint_intake_rps`` / ``complaint_intake_p99_ms``: the same
server, database, clients and sessions, one after the other in the same run."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from bench.cpu import probe
from bench.db import database_name
from bench.figures import Figure, not_measured
from bench.loadgen import LoadResult, Request, run_load

if TYPE_CHECKING:
    from bench.run import Context

GOAL_RATIO = 0.5
GOAL_P99_MS = 100.0
ROUNDS = 2


def intake_benchmark(ctx: Context) -> list[Figure]:
    from bench import complaints_api
    from bench.auth import complainants_create, session_for
    from bench.run import say

    users = complainants_create(ctx.clients, prefix="bench.intake")
    ctx.state["complaints_before_intake"] = _complaints_in_table()
    creds = [session_for(user) for user in users]
    try:
        intake = complaints_api.IntakeRequests(creds, run_id="intake")
        intake_missing = ""
    except complaints_api.NotAvailable as exc:
        intake, intake_missing = None, str(exc)

    def ceiling_request(client: int, seq: int) -> Request:
        body = json.dumps({"text": f"ceiling {client}-{seq}"}).encode()
        return ("POST", "/bench/ceiling", body, creds[client].headers())

    figures: list[Figure] = []
    ceiling = LoadResult(duration_s=0.0)
    result = LoadResult(duration_s=0.0)
    with ctx.server("intake") as server:
        cpu = probe(sessions=server.sessions, database=database_name(ctx.database_url))
        # Alternate ceiling and intake rounds so that anything else happening on the machine (autovacuum,
        # other processes) weighs on both alike; the figures are over all rounds together.
        for round_no in range(1, ROUNDS + 1):
            say(f"   round {round_no}/{ROUNDS} on port {server.port}: ceiling for {ctx.duration_s:.0f} s")
            part = run_load(
                port=server.port,
                factory=ceiling_request,
                clients=ctx.clients,
                duration_s=ctx.duration_s,
                warmup_s=ctx.warmup_s,
                cpu_probe=cpu,
            )
            say(f"   ceiling: {part.summary()}")
            ceiling.add(part)
            if intake is None:
                continue
            say(f"   round {round_no}/{ROUNDS}: intake for {ctx.duration_s:.0f} s")
            intake.run_id = f"intake-r{round_no}"  # fresh idempotency keys: a reused one would be a replay
            part = run_load(
                port=server.port,
                factory=intake.request,
                clients=ctx.clients,
                duration_s=ctx.duration_s,
                warmup_s=ctx.warmup_s,
                on_response=intake.on_response,
                cpu_probe=cpu,
            )
            say(f"   intake: {part.summary()}")
            result.add(part)
    figures.append(
        Figure(
            name="db_insert_ceiling_rps",
            value=round(ceiling.ok_rps, 1),
            unit="requests/s",
            notes="POST /bench/ceiling (bench/ceiling_urls.py): session + CSRF + one-row INSERT in a transaction, "
            f"same gunicorn ({ctx.workers} workers), middleware and database as intake; "
            f"{ctx.clients} clients on the same machine as the server; {ROUNDS} rounds alternating with intake",
            details=ceiling.summary(),
        )
    )
    figures.append(
        Figure(
            name="db_insert_ceiling_p99_ms",
            value=ceiling.percentile_ms(99),
            unit="ms",
            notes=f"p99 of the ceiling requests above (p50 {ceiling.percentile_ms(50)} ms): the latency floor that "
            f"complaint_intake_p99_ms is measured against; with {ctx.clients} closed-loop clients no request "
            f"through this server can average below {ctx.clients} / db_insert_ceiling_rps",
        )
    )
    figures.append(_cpu_figure("db_insert_ceiling_cpu_ms", ceiling, "the ceiling's"))
    if intake is None:
        return [*figures, *_intake_missing(intake_missing)]
    method, path, body, headers = intake.request_for_key(0, "intake-queries-probe")
    ctx.state["intake_queries"] = complaints_api.queries_for(
        method=method, path=path, body=body, cookie=creds[0].cookie, headers=headers
    )
    method, path, body, headers = ceiling_request(0, 0)
    ctx.state["ceiling_queries"] = complaints_api.queries_for(
        method=method, path=path, body=body, cookie=creds[0].cookie, headers=headers
    )
    figures += _intake_figures(ctx, ceiling, result, intake)
    return figures


REFUSED_SHARE_LIMIT = 0.01  # more refused requests than this and the window measured refusals, not intake


def _intake_figures(ctx: Context, ceiling: LoadResult, result: LoadResult, intake: object) -> list[Figure]:
    refused = result.completed - result.ok
    if result.completed and refused > REFUSED_SHARE_LIMIT * result.completed:
        why = (
            f"{refused:,} of {result.completed:,} intake requests were refused "
            f"(statuses {result.summary()['statuses']}): the window measured refusals, not intake"
        )
        return [*_intake_missing(why), _cpu_figure("complaint_intake_cpu_ms", result, "intake's")]
    ratio = round(result.ok_rps / ceiling.ok_rps, 3) if ceiling.ok_rps else None
    failures = result.completed - result.ok
    fail_note = f"; {failures} non-2xx responses (see details)" if failures else ""
    first_error = getattr(intake, "first_error", "")
    if first_error:
        fail_note += f"; first error: {first_error[:300]}"
    p99 = result.percentile_ms(99)
    intake_cpu, ceiling_cpu = result.cpu_ms_per_request(), ceiling.cpu_ms_per_request()
    cpu_ratio = round(ceiling_cpu / intake_cpu, 3) if intake_cpu and ceiling_cpu else None
    return [
        Figure(
            name="complaint_intake_rps",
            value=round(result.ok_rps, 1),
            unit="requests/s",
            goal=f">= {GOAL_RATIO} x db_insert_ceiling_rps",
            notes=f"POST {getattr(intake, 'path', '')} with a fresh Idempotency-Key, 2xx responses per second, "
            f"{ctx.clients} closed-loop clients, into a table already holding "
            f"{ctx.state.get('complaints_before_intake', 0):,} complaints{fail_note}",
            details=result.summary(),
        ),
        Figure(
            name="complaint_intake_p99_ms",
            value=p99,
            unit="ms",
            goal=f"< {GOAL_P99_MS:.0f} ms",
            notes=f"p99 of all intake requests in the window (p50 {result.percentile_ms(50)} ms, "
            f"p95 {result.percentile_ms(95)} ms); with {ctx.clients} closed-loop clients latency is at "
            f"least clients / throughput (Little's law)",
        ),
        Figure(
            name="intake_vs_ceiling_ratio",
            value=ratio,
            unit="ratio",
            goal=f">= {GOAL_RATIO}",
            notes="complaint_intake_rps / db_insert_ceiling_rps, same server run; database queries per request "
            f"(counted in-process): intake {ctx.state.get('intake_queries')}, "
            f"ceiling {ctx.state.get('ceiling_queries')}. "
            + (
                f"Background work as in production: the acknowledgement is queued (Celery, {ctx.broker}) and a "
                "worker beside the server delivers it, on the same cores"
                if ctx.broker
                else "No broker (embedded default): the acknowledgement is delivered inside the intake request"
            ),
        ),
        _cpu_figure("complaint_intake_cpu_ms", result, "intake's"),
        Figure(
            name="intake_vs_ceiling_cpu_ratio",
            value=cpu_ratio,
            unit="ratio",
            notes="db_insert_ceiling_cpu_ms / complaint_intake_cpu_ms: the throughput ratio the two would have "
            "on a machine doing nothing else, where requests per second is CPU-bound on both sides",
        ),
    ]


CPU_NOTES = (
    "CPU milliseconds per request, summed over gunicorn's master and workers, the Celery worker and the "
    "PostgreSQL backends of the benchmark's database (bench/cpu.py), over all rounds: unlike requests per "
    "second, it hardly moves when something else shares the machine"
)


def _cpu_figure(name: str, result: LoadResult, whose: str) -> Figure:
    value = result.cpu_ms_per_request()
    if value is None:
        return not_measured(name, "ms", "no /proc to read CPU time from")
    return Figure(name=name, value=value, unit="ms", notes=f"{whose} {CPU_NOTES}")


def _intake_missing(why: str) -> list[Figure]:
    return [
        not_measured("complaint_intake_rps", "requests/s", why, goal=f">= {GOAL_RATIO} x db_insert_ceiling_rps"),
        not_measured("complaint_intake_p99_ms", "ms", why, goal=f"< {GOAL_P99_MS:.0f} ms"),
        not_measured("intake_vs_ceiling_ratio", "ratio", why, goal=f">= {GOAL_RATIO}"),
    ]


def _complaints_in_table() -> int:
    try:
        from rabta.complaints.models import Complaint
    except ImportError:
        return 0
    return Complaint.objects.count()
