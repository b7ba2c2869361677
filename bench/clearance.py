"""``clearance``: the live clearance dashboard (issue 18): ``clearance_dashboard_p95_ms`` and
``clearance_live_latency_ms``.

The load: 5,000,000 declarations (full scale; 200,000 quick) written by one ``INSERT ... SELECT``
over ``generate_series`` inside PostgreSQL (faster than COPY from a client: nothing crosses the
socket), spread over the directory's collectorates and their stations, 99 % released and the rest
waiting at the stages before release (the backlog panel's partial index holds only those). The
roll-ups are generated at the density a year of 5 M declarations gives at worst: a row for *every*
hour of the year (35 days at quick scale) × collectorate × station × lane (and × stage for the duration histograms), with
counts that add up to the declarations, the sum levels the fold keeps beside them (over the lanes,
over the stations, both) and the day rows summed from them. They are not folded
from 30 M generated events: the panels read only the roll-ups, so their cost is set by the number
of roll-up rows, which this fills to its ceiling. The per-move write path is covered by the tests.

``clearance_dashboard_p95_ms``: the 95th percentile, over repeated calls, of each panel's selector
(``rabta.customs.dashboard.PANELS``), for the whole country and for one collectorate, for each
window; the figure is the worst of them, every one listed in the details, with the whole set of
panels (what one poll that changed costs) beside it. In-process: the HTTP poll that finds nothing changed is
a 304 after one cache read (rabta.core.live) and is not the cost measured here.

``clearance_live_latency_ms``: a move commits (a declaration filed through the service); a poller
that asks for the live ETag every second, as rabta/static/rabta/live.js does, sees the new tag
after this long. p95 over the moves; the poll interval dominates it by design.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from typing import TYPE_CHECKING, Any

from bench.figures import Figure, calls_p95_ms

if TYPE_CHECKING:
    from bench.run import Context

GOAL_PANEL_MS = 100
GOAL_LIVE_MS = 2000
REPEATS = 30
POLL_S = 1.0


def _load(declarations: int, *, days: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from rabta.customs.choices import PartyKind, PartyScheme
    from rabta.customs.models import DURATION_BUCKETS, Party
    from rabta.customs.services.rollups import COUNTERS
    from rabta.directory.models import Office

    collectorates = list(Office.objects.filter(level="collectorate").values_list("pk", flat=True))
    if not collectorates:
        raise RuntimeError("the bench directory has no collectorates")
    stations = dict.fromkeys(collectorates, 0)
    pairs = [(coll, 0) for coll in collectorates]
    for pk, parent in Office.objects.filter(parent_id__in=collectorates).values_list("pk", "parent_id"):
        pairs.append((parent, pk))
        stations[parent] += 1
    party = Party.objects.create(
        kind=PartyKind.TRADER, scheme=PartyScheme.EXTERNAL, name="Bench importer", identifier_hash="bench-importer"
    )
    lanes = ["green", "yellow", "red", "blue"]
    hours = days * 24
    combos = len(pairs) * (len(lanes) + 1)
    with transaction.atomic(), connection.cursor() as cursor:
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: 5 M rows queue 15 M checks that
        # would run at COMMIT for minutes. The rows are valid by construction (ids from the
        # directory and the one party), so the load skips the triggers, as a restore would.
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("CREATE TEMP TABLE bench_pairs (n int, coll int, station int)")
        cursor.executemany("INSERT INTO bench_pairs VALUES (%s, %s, %s)", [(i, c, s) for i, (c, s) in enumerate(pairs)])
        t0 = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO customs_declaration (created_at, updated_at, number, declared_on, regime,
                declaration_type, collectorate_id, station_id, external_office, transport_mode, currency,
                exchange_rate, importer_id, status, lane, source, source_attributes, idempotency_fingerprint)
            SELECT now(), now(), 'B' || g, date '2026-01-01' + (g %% 365), 'import', 'HC', p.coll,
                NULLIF(p.station, 0), '', '1', 'PKR', 1, %s,
                CASE WHEN g %% 100 = 0 THEN (ARRAY['filed','lane_assigned','documents_checked','examined',
                    'assessed','duty_paid'])[1 + (g / 100) %% 6] ELSE 'released' END,
                (ARRAY['green','yellow','red','blue'])[1 + g %% 4], 'import', '{}', ''
            FROM generate_series(1, %s) AS g JOIN bench_pairs p ON p.n = g %% %s
            """,
            [party.pk, declarations, len(pairs)],
        )
        took_declarations = time.perf_counter() - t0
        t0 = time.perf_counter()
        per_row = max(1, declarations // (hours * len(pairs) * len(lanes)))
        # Every hour of the year × collectorate × station × lane (and the filings' lane ''): the ceiling.
        cursor.execute(
            """
            INSERT INTO customs_clearancerollup (grain, period_start, collectorate_id, station_id, lane,
                filed, lanes_assigned, rerouted, documents_checked, examined, detections, extra_duty_paisa,
                assessed, paid, duty_collected_paisa, released)
            SELECT 'hour', date_trunc('hour', now()) - make_interval(hours => h), p.coll, p.station, l.lane,
                CASE WHEN l.lane = '' THEN %s * 4 ELSE 0 END,
                CASE WHEN l.lane = '' THEN 0 ELSE %s END,
                (h + p.n) %% 7 / 6,
                CASE WHEN l.lane = 'yellow' THEN %s ELSE 0 END,
                CASE WHEN l.lane IN ('red', 'blue') THEN %s ELSE 0 END,
                CASE WHEN l.lane IN ('red', 'blue') AND (h + p.n) %% 5 = 0 THEN 1 ELSE 0 END,
                CASE WHEN l.lane IN ('red', 'blue') AND (h + p.n) %% 5 = 0 THEN 150000 ELSE 0 END,
                CASE WHEN l.lane = '' THEN 0 ELSE %s END,
                CASE WHEN l.lane = '' THEN 0 ELSE %s END,
                CASE WHEN l.lane = '' THEN 0 ELSE %s * (1000000 + (h * 7919 + p.n) %% 5000000) END,
                CASE WHEN l.lane = '' THEN 0 ELSE %s END
            FROM generate_series(0, %s - 1) AS h CROSS JOIN bench_pairs p
                CROSS JOIN (VALUES (''), ('green'), ('yellow'), ('red'), ('blue')) AS l(lane)
            """,
            [per_row, per_row, per_row, per_row, per_row, per_row, per_row, per_row, hours],
        )
        buckets = ", ".join(f"b{i:02d}" for i in range(DURATION_BUCKETS))
        # Each stage's durations in a handful of buckets around a stage-typical one (minutes to days).
        values = ", ".join(
            f"CASE WHEN {i} BETWEEN s.centre - 2 AND s.centre + 2 THEN %s ELSE 0 END" for i in range(DURATION_BUCKETS)
        )
        cursor.execute(
            f"""
            INSERT INTO customs_clearancedurationrollup (grain, period_start, collectorate_id, station_id, stage,
                n, total_seconds, {buckets})
            SELECT 'hour', date_trunc('hour', now()) - make_interval(hours => h), p.coll, p.station, s.stage,
                %s * 5, %s * 5 * 60 * power(2, s.centre / 4.0)::bigint, {values}
            FROM generate_series(0, %s - 1) AS h CROSS JOIN bench_pairs p
                CROSS JOIN (VALUES ('arrival_filing', 30), ('filing_assessment', 24), ('assessment_release', 20),
                    ('total', 34)) AS s(stage, centre)
            """,
            [per_row, per_row, *([per_row] * DURATION_BUCKETS), hours],
        )
        sums = ", ".join(f"SUM({name})" for name in COUNTERS)
        counters = ", ".join(COUNTERS)
        # The sum levels the fold keeps beside each row (models.ALL_LANES, ALL_STATIONS): over the
        # lanes, then over the stations (of every lane and of '*'), for the hours; the days below
        # are summed from every hour row, levels included, as the fold adds them.
        cursor.execute(
            f"""
            INSERT INTO customs_clearancerollup (grain, period_start, collectorate_id, station_id, lane, {counters})
            SELECT 'hour', period_start, collectorate_id, station_id, '*', {sums}
            FROM customs_clearancerollup WHERE grain = 'hour' GROUP BY 2, 3, 4
            """
        )
        cursor.execute(
            f"""
            INSERT INTO customs_clearancerollup (grain, period_start, collectorate_id, station_id, lane, {counters})
            SELECT 'hour', period_start, collectorate_id, -1, lane, {sums}
            FROM customs_clearancerollup WHERE grain = 'hour' GROUP BY 2, 3, 5
            """
        )
        duration_sums = ", ".join(f"SUM({name})" for name in ("n", "total_seconds", *buckets.split(", ")))
        cursor.execute(
            f"""
            INSERT INTO customs_clearancedurationrollup (grain, period_start, collectorate_id, station_id, stage,
                n, total_seconds, {buckets})
            SELECT 'hour', period_start, collectorate_id, -1, stage, {duration_sums}
            FROM customs_clearancedurationrollup WHERE grain = 'hour' GROUP BY 2, 3, 5
            """
        )
        day = "date_trunc('day', period_start AT TIME ZONE 'Asia/Karachi') AT TIME ZONE 'Asia/Karachi'"
        cursor.execute(
            f"""
            INSERT INTO customs_clearancerollup (grain, period_start, collectorate_id, station_id, lane,
                filed, lanes_assigned, rerouted, documents_checked, examined, detections, extra_duty_paisa,
                assessed, paid, duty_collected_paisa, released)
            SELECT 'day', {day}, collectorate_id, station_id, lane, {sums}
            FROM customs_clearancerollup WHERE grain = 'hour' GROUP BY 2, 3, 4, 5
            """
        )
        bucket_sums = ", ".join(f"SUM({name})" for name in ("n", "total_seconds", *buckets.split(", ")))
        cursor.execute(
            f"""
            INSERT INTO customs_clearancedurationrollup (grain, period_start, collectorate_id, station_id, stage,
                n, total_seconds, {buckets})
            SELECT 'day', {day}, collectorate_id, station_id, stage, {bucket_sums}
            FROM customs_clearancedurationrollup WHERE grain = 'hour' GROUP BY 2, 3, 4, 5
            """
        )
        took_rollups = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE customs_declaration")
        cursor.execute("VACUUM ANALYZE customs_clearancerollup")
        cursor.execute("VACUUM ANALYZE customs_clearancedurationrollup")
        cursor.execute("SELECT count(*) FROM customs_clearancerollup")
        rollup_rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM customs_clearancedurationrollup")
        duration_rows = cursor.fetchone()[0]
    return {
        "declarations": declarations,
        "collectorates": len(collectorates),
        "stations": sum(stations.values()),
        "combos_per_hour": combos,
        "rollup_rows": rollup_rows,
        "duration_rows": duration_rows,
        "declarations_load_s": round(took_declarations, 1),
        "rollups_load_s": round(took_rollups, 1),
    }


def _panel_times() -> dict[str, float]:
    """p95 of each panel's selector, and of the whole set, per window × (country, one collectorate)."""
    from rabta.customs import dashboard
    from rabta.directory.models import Office

    collectorates = list(Office.objects.filter(level="collectorate").order_by("pk"))
    everyone = [office.pk for office in collectorates]
    one = collectorates[0]  # generated rows are spread evenly: any collectorate is as busy
    results: dict[str, float] = {}
    for window in dashboard.WINDOWS:
        since, grain = dashboard.window_start(window)
        for scope, ids, chosen in (("country", everyone, None), ("collectorate", [one.pk], one)):
            filters = dashboard.Filters(ids, None, window, since, grain, chosen, None)
            calls = {name: (lambda p=panel, f=filters: p(filters=f)) for name, panel in dashboard.PANELS.items()}
            calls["all_panels"] = lambda f=filters: dashboard.dashboard_panels(filters=f)
            for name, p95 in calls_p95_ms(calls, repeats=REPEATS).items():
                results[f"{window}/{scope}/{name}"] = p95
    return results


def _live_latency(moves: int) -> list[float]:
    from datetime import date
    from decimal import Decimal

    from rabta.core.live import live_etag
    from rabta.customs.choices import PartyKind
    from rabta.customs.services.declarations import DeclarationInput, ItemInput, declaration_file
    from rabta.customs.services.parties import PartyRef
    from rabta.customs.services.rollups import LIVE_TOPIC
    from rabta.directory.models import Office

    collectorate = Office.objects.filter(level="collectorate").order_by("pk").first()
    assert collectorate is not None
    seen: dict[str, float] = {}
    stop = threading.Event()

    def poll() -> None:
        tag = live_etag([LIVE_TOPIC], "bench")
        while not stop.is_set():
            now = live_etag([LIVE_TOPIC], "bench")
            if now != tag:
                seen[now] = time.perf_counter()
                tag = now
            stop.wait(POLL_S)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    latencies = []
    rng = random.Random(18)
    for index in range(moves):
        time.sleep(rng.uniform(0.3, 1.7))
        item = ItemInput(
            1, "85287200", "LED television sets", "CN", "AE", Decimal(10), "NMB", Decimal(85), Decimal(250000)
        )
        data = DeclarationInput(
            number=f"LIVE-{index}",
            declared_on=date.today(),
            collectorate=collectorate.code,
            importer=PartyRef(kind=PartyKind.TRADER, identifier="1234567-8", name="Bench Traders"),
            items=[item],
        )
        declaration_file(data=data, actor=None)
        committed = time.perf_counter()
        tag = live_etag([LIVE_TOPIC], "bench")
        deadline = committed + 10
        while tag not in seen and time.perf_counter() < deadline:
            time.sleep(0.01)
        if tag in seen:
            latencies.append((seen[tag] - committed) * 1000)
    stop.set()
    poller.join()
    return latencies


def clearance_benchmark(ctx: Context) -> list[Figure]:
    from django.conf import settings

    from bench.run import say

    count = 5_000_000 if ctx.args.scale == "full" else 200_000
    began = time.perf_counter()
    # Quick: 35 days of roll-ups (every window reads at most 30); full: the whole year.
    loaded = _load(count, days=365 if ctx.args.scale == "full" else 35)
    say(f"   loaded {loaded} in {time.perf_counter() - began:.1f} s")
    times = _panel_times()
    panels = {name: value for name, value in times.items() if not name.endswith("/all_panels")}
    worst = max(panels, key=lambda name: panels[name])
    whole = max((name for name in times if name.endswith("/all_panels")), key=lambda name: times[name])
    say(f"   worst panel p95 {times[worst]} ms ({worst}); all panels at once {times[whole]} ms ({whole})")
    latencies = _live_latency(20 if ctx.args.scale == "full" else 8)
    live = sorted(latencies)
    live_p95 = round(live[min(len(live) - 1, int(0.95 * len(live)))], 1) if live else None
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return [
        Figure(
            name="clearance_dashboard_p95_ms",
            value=times[worst],
            unit="ms",
            goal=f"< {GOAL_PANEL_MS}",
            notes=f"worst p95 of {REPEATS} calls over every panel × (country, one collectorate) × window, "
            f"in-process selectors on PostgreSQL: {worst}; every panel at once (one poll that changed) "
            f"{times[whole]} ms at worst ({whole}); {count:,} declarations generated in the database, "
            f"roll-ups at their ceiling density ({loaded['rollup_rows']:,} counter rows, "
            f"{loaded['duration_rows']:,} histogram rows), not folded from events",
            details={"load": loaded, "p95_ms": times},
        ),
        Figure(
            name="clearance_live_latency_ms",
            value=live_p95,
            unit="ms",
            goal=f"< {GOAL_LIVE_MS}",
            notes=f"p95 over {len(live)} filings: from the service's commit to a poller (every {POLL_S:.0f} s, as "
            f"live.js) seeing the new ETag; cache {cache}; mean {statistics.mean(live):.0f} ms"
            if live
            else "no filing was seen",
            details={"latencies_ms": [round(x) for x in live]},
        ),
    ]
