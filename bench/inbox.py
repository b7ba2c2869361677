"""``bulk_load_*`` and ``inbox_*``: 1,000,000 complaints loaded with PostgreSQL COPY, then an
officer's filtered inbox page (50 rows) timed through the selector and through the HTTP API."""

from __future__ import annotations

import http.client
import time
from typing import TYPE_CHECKING, Any

from bench.figures import Figure
from bench.loadgen import percentile_ms

if TYPE_CHECKING:
    from bench.run import Context

GOAL_MS = 50.0
ROUNDS = 200  # timed page loads per path (selector, HTTP), cycling through the filter sets
WARMUP_ROUNDS = 20


def bulk_loaded(ctx: Context) -> dict[str, Any]:
    """Load the complaints once per run (inbox, escalation and reminders share them)."""
    from bench import complaints_api
    from bench.run import say

    if "bulk" not in ctx.state:
        say(f"   bulk-loading {ctx.complaints:,} complaints with COPY")
        ctx.state["bulk"] = complaints_api.bulk_load(complaints=ctx.complaints, seed=2026)
        say(f"   loaded: {ctx.state['bulk']['summary']}")
    return ctx.state["bulk"]


def inbox_benchmark(ctx: Context) -> list[Figure]:
    from bench import complaints_api
    from bench.auth import session_for
    from bench.run import say

    bulk = bulk_loaded(ctx)
    figures = [
        Figure(
            name="bulk_load_s",
            value=round(bulk["seconds"], 1),
            unit="s",
            notes=f"{bulk['rows']:,} complaints with COPY FROM STDIN (psycopg cursor.copy) into the migrated "
            f"table with its indexes, plus ANALYZE; {bulk['summary']}",
            details=bulk.get("details", {}),
        ),
        Figure(
            name="bulk_load_rows_per_s",
            value=round(bulk["rows"] / bulk["seconds"]),
            unit="rows/s",
            notes="bulk_load_s over the rows loaded",
        ),
    ]
    officer, filter_sets, about = complaints_api.inbox_officer(bulk)
    say(f"   inbox of {about}; {len(filter_sets)} filter sets")

    # Through the selector, evaluated to a list, in this process (no HTTP, no serialisation).
    selector_times: list[float] = []
    rows_seen: list[int] = []
    for i in range(WARMUP_ROUNDS + ROUNDS):
        filters = filter_sets[i % len(filter_sets)]
        began = time.perf_counter()
        rows = complaints_api.inbox_page(user=officer, filters=filters)
        took = time.perf_counter() - began
        if i >= WARMUP_ROUNDS:
            selector_times.append(took)
            rows_seen.append(len(rows))

    creds = session_for(officer, second_factor=True)
    http_times: list[float] = []
    statuses: dict[int, int] = {}
    with ctx.server("inbox") as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        for i in range(WARMUP_ROUNDS + ROUNDS):
            path = complaints_api.inbox_http_path(filter_sets[i % len(filter_sets)])
            began = time.perf_counter()
            conn.request("GET", path, headers=creds.headers())
            response = conn.getresponse()
            response.read()
            took = time.perf_counter() - began
            if i >= WARMUP_ROUNDS:
                http_times.append(took)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()
    say(f"   inbox http statuses {statuses}")
    http_queries = complaints_api.queries_for(
        method="GET", path=complaints_api.inbox_http_path(filter_sets[0]), cookie=creds.cookie, headers=creds.headers()
    )
    bad = {k: v for k, v in statuses.items() if not 200 <= k < 300}
    http_note = f"; NON-2xx responses: {bad}" if bad else ""
    shape = (
        f"{ROUNDS} page loads (after {WARMUP_ROUNDS} warm-up) cycling {len(filter_sets)} filter sets: "
        f"{'; '.join(complaints_api.describe(f) for f in filter_sets)}; inbox of {about}"
    )
    rows_note = f"rows per page min {min(rows_seen)} max {max(rows_seen)}" if rows_seen else ""
    figures += [
        Figure(
            name="inbox_p95_ms",
            value=percentile_ms(http_times, 95),
            unit="ms",
            goal=f"< {GOAL_MS:.0f} ms",
            notes=f"GET {complaints_api.INBOX_PATH} as a second-factor-verified officer, one client, sequential, "
            f"through gunicorn and the full middleware stack; {http_queries} database queries per page "
            f"(counted in-process){http_note}; {shape}",
            details={"statuses": {str(k): v for k, v in statuses.items()}},
        ),
        Figure(
            name="inbox_p50_ms", value=percentile_ms(http_times, 50), unit="ms", notes="same requests as inbox_p95_ms"
        ),
        Figure(
            name="inbox_selector_p95_ms",
            value=percentile_ms(selector_times, 95),
            unit="ms",
            goal=f"< {GOAL_MS:.0f} ms",
            notes=f"complaint_list(user=..., filters=...) sliced to 50 rows and evaluated to a list, in-process; "
            f"{rows_note}",
        ),
        Figure(
            name="inbox_selector_p50_ms",
            value=percentile_ms(selector_times, 50),
            unit="ms",
            notes="same calls as inbox_selector_p95_ms",
        ),
    ]
    return figures
