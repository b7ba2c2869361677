"""``open311``: the GeoReport v2 facade (issue 13): ``open311_get_p95_ms`` and ``open311_post_rps``.

With the bulk-loaded complaints in the table (1,000,000 at full scale, spread over the last years
as ``bench/complaints_api.bulk_load`` spreads them), every category is offered as a service and
one client application is registered. ``requests.json`` is then asked, one client, sequentially,
through gunicorn: the default 90-day window (1000 requests, the spec's page), the window of one
service, and open requests only. Then ``requests.json`` POSTs are sent by the closed-loop load
generator (form-encoded, as Open311 clients send them) for the run's duration.
"""

from __future__ import annotations

import http.client
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from bench.figures import Figure
from bench.loadgen import Request, percentile_ms, run_load

if TYPE_CHECKING:
    from bench.run import Context

KEY = "bench-open311-key"
GET_GOAL_MS = 100.0  # the issue names no goal; a list page of 1000 through the whole stack
WARMUP_ROUNDS = 10
ROUNDS = 120


def _prepare(ctx: Context) -> dict[str, Any]:
    from django.db import connection

    from bench.inbox import bulk_loaded
    from rabta.complaints.models import Category, Complaint
    from rabta.open311.models import ClientApplication, Service
    from rabta.open311.permissions import key_hash
    from rabta.open311.services import client_register, request_file

    bulk_loaded(ctx)
    Service.objects.bulk_create(
        [Service(category=c) for c in Category.objects.filter(active=True)], ignore_conflicts=True
    )
    if not ClientApplication.objects.filter(key_hash=key_hash(KEY)).exists():
        client_register(name="Bench city app", actor=None, key=KEY)
    client = ClientApplication.objects.get(key_hash=key_hash(KEY))
    # (category, place) pairs intake routes: taken from routed complaints, each tried once in process.
    pairs: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    candidates = (
        Complaint.objects.filter(current_office__isnull=False)
        .values_list("category__code", "jurisdiction__code")
        .order_by("-id")[:400]
    )
    for pair in candidates:
        if pair in seen or len(pairs) >= 40:
            continue
        seen.add(pair)
        try:
            request_file(client=client, service_code=pair[0], description="Bench probe", address_id=pair[1])
        except Exception:
            continue
        pairs.append(pair)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE complaints_complaint")
        cursor.execute("ANALYZE open311_service")
    busiest = Complaint.objects.values_list("category__code", flat=True).order_by("category__code").distinct().first()
    return {"pairs": pairs, "service_code": busiest}


def open311_benchmark(ctx: Context) -> list[Figure]:
    from bench.run import say

    prepared = _prepare(ctx)
    pairs = prepared["pairs"]
    say(f"   open311: {len(pairs)} routable (service, place) pairs")
    queries = [
        {},
        {"service_code": prepared["service_code"]},
        {"status": "open"},
    ]
    times: list[float] = []
    rows: dict[str, int] = {}
    statuses: dict[int, int] = {}
    with ctx.server("open311") as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        for i in range(WARMUP_ROUNDS + ROUNDS):
            params = queries[i % len(queries)]
            t0 = time.perf_counter()
            conn.request("GET", "/open311/v2/requests.json?" + urlencode(params))
            response = conn.getresponse()
            body = response.read()
            took = time.perf_counter() - t0
            if i >= WARMUP_ROUNDS:
                times.append(took)
                statuses[response.status] = statuses.get(response.status, 0) + 1
                rows[urlencode(params) or "default"] = body.count(b'"service_request_id"')
        conn.close()

        def filing(client: int, seq: int) -> Request:
            service_code, place = pairs[(client * 7919 + seq) % len(pairs)]
            body = urlencode(
                {
                    "api_key": KEY,
                    "service_code": service_code,
                    "address_id": place,
                    "description": f"Open311 bench report {client}-{seq}: the street light is out.",
                    "lat": "31.5204",
                    "long": "74.3587",
                }
            ).encode()
            return ("POST", "/open311/v2/requests.json", body, {"Content-Type": "application/x-www-form-urlencoded"})

        posted = (
            run_load(
                port=server.port, factory=filing, clients=ctx.clients, duration_s=ctx.duration_s, warmup_s=ctx.warmup_s
            )
            if pairs
            else None
        )
    bad = {k: v for k, v in statuses.items() if not 200 <= k < 300}
    return [
        Figure(
            name="open311_get_p95_ms",
            value=percentile_ms(times, 95),
            unit="ms",
            goal=f"< {GET_GOAL_MS:.0f} ms",
            notes=f"GET /open311/v2/requests.json, anonymous, one client, sequential, through gunicorn: the default "
            f"90-day window (up to 1000 requests a page), one service's window, open ones only, cycled; "
            f"{ctx.complaints:,} complaints loaded, every category offered{'; NON-2xx: ' + str(bad) if bad else ''}",
            details={"rows_per_query": rows, "statuses": {str(k): v for k, v in statuses.items()}},
        ),
        Figure(name="open311_get_p50_ms", value=percentile_ms(times, 50), unit="ms", notes="same requests"),
        Figure(
            name="open311_post_rps",
            value=round(posted.ok_rps, 1) if posted else None,
            unit="requests/s",
            notes=f"POST /open311/v2/requests.json (form-encoded, api_key, address_id, coordinates), "
            f"{ctx.clients} closed-loop clients on the same machine; each is one complaint_submit, routed, with its "
            f"deadlines, events and filing row" + ("" if pairs else "; NOT MEASURED: no routable pair found"),
            details=posted.summary() if posted else {},
        ),
    ]
