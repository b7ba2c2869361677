"""``acknowledged_lost`` and ``idempotent_duplicates``: intake under load while the whole server
(gunicorn master and workers) is SIGKILLed, then restarted.

Each client submits complaints with its own idempotency keys. A submission that fails at the
connection or gets a 5xx is retried with the *same* key until it is acknowledged (a 2xx carrying a
tracking number), as a real client would; one acknowledged submission in four is also sent again
with its key, which must answer with the same tracking number. Afterwards the database is asked
for every acknowledged tracking number (missing ones are ``acknowledged_lost``) and for keys that
produced more than one complaint (``idempotent_duplicates``).
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from typing import TYPE_CHECKING

from bench.figures import Figure

if TYPE_CHECKING:
    from bench.run import Context

KILLS_AT = (0.3, 0.65)  # fractions of the run at which the server is SIGKILLed
RETRY_GRACE_S = 60.0  # after the run, in-flight submissions may keep retrying this long


def crash_benchmark(ctx: Context) -> list[Figure]:
    from bench import complaints_api
    from bench.auth import complainants_create, session_for
    from bench.run import say

    users = complainants_create(ctx.clients, prefix="bench.crash")
    creds = [session_for(user) for user in users]
    intake = complaints_api.IntakeRequests(creds, run_id="crash")

    acked: dict[str, str] = {}  # idempotency key -> tracking number the client was given
    sent: set[str] = set()
    mismatched: list[tuple[str, str, str]] = []
    rejected: dict[int, int] = {}
    retries = [0]
    lock = threading.Lock()
    server = ctx.server("crash")
    server.start()
    port = server.port
    started = time.monotonic()
    stop_at = started + ctx.crash_s
    give_up_at = stop_at + RETRY_GRACE_S

    def submit(conn: http.client.HTTPConnection, client: int, key: str) -> tuple[http.client.HTTPConnection, int, str]:
        """Send until acknowledged or rejected; return (connection, status, tracking number)."""
        delay = 0.05
        while True:
            method, path, body, headers = intake.request_for_key(client, key)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                status, data = response.status, response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, data = 0, b""
            if 200 <= status < 300:
                return conn, status, intake.tracking_from(data)
            if status != 0 and status < 500 and status != 409:
                return conn, status, ""
            if time.monotonic() > give_up_at:
                return conn, status, ""
            with lock:
                retries[0] += 1
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def client(index: int) -> None:
        rng = random.Random(index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        while time.monotonic() < stop_at:
            key = f"crash-{index}-{n}"
            n += 1
            with lock:
                sent.add(key)
            conn, status, tracking = submit(conn, index, key)
            if not tracking:
                with lock:
                    rejected[status] = rejected.get(status, 0) + 1
                continue
            with lock:
                acked[key] = tracking
            if rng.random() < 0.25:
                conn, _, again = submit(conn, index, key)
                if again and again != tracking:
                    with lock:
                        mismatched.append((key, tracking, again))
        conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(ctx.clients)]
    for thread in threads:
        thread.start()
    kills = []
    try:
        for fraction in KILLS_AT:
            time.sleep(max(0.0, started + fraction * ctx.crash_s - time.monotonic()))
            with lock:
                acked_before = len(acked)
            server.kill()
            killed = time.monotonic()
            time.sleep(0.5)
            server.start()
            kills.append(
                {
                    "at_s": round(killed - started, 1),
                    "acknowledged_before": acked_before,
                    "down_s": round(time.monotonic() - killed, 1),
                }
            )
            say(f"   SIGKILLed the server group at {killed - started:.1f} s, back after {kills[-1]['down_s']} s")
        for thread in threads:
            thread.join(timeout=max(1.0, give_up_at - time.monotonic() + 5))
    finally:
        server.stop()

    check = intake.verify(acked=acked, sent=sent)
    say(f"   crash: sent {len(sent)} keys, {len(acked)} acknowledged, {check}")
    details = {
        "kills": kills,
        "keys_sent": len(sent),
        "acknowledged": len(acked),
        "not_acknowledged_by_status": {str(k): v for k, v in sorted(rejected.items())},
        "retries_with_same_key": retries[0],
        "replays_with_other_tracking_number": len(mismatched),
        **check.get("details", {}),
    }
    return [
        Figure(
            name="acknowledged_lost",
            value=check["lost"],
            unit="complaints",
            goal="0",
            notes=f"{len(acked)} submissions acknowledged (2xx with a tracking number) across "
            f"{len(kills)} SIGKILLs of the gunicorn process group; acknowledged tracking numbers "
            "missing from the database afterwards",
            details=details,
        ),
        Figure(
            name="idempotent_duplicates",
            value=max(check["duplicates"], len(mismatched)),
            unit="complaints",
            goal="0",
            notes="extra complaints created for an idempotency key already used (retries after connection "
            "errors, 5xx and deliberate replays), plus replays answered with a different tracking number",
        ),
    ]
