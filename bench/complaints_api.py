"""How the benchmarks talk to the complaints app (its API, models, selectors and services).

Everything that depends on the complaints app's shape is in this one module, so that when the app
changes only this file follows. A piece that has not landed raises :class:`NotAvailable`, which
the harness reports as ``"value": null`` with the reason.
"""

from __future__ import annotations

import importlib
import zlib
from typing import Any


class NotAvailable(Exception):
    """The piece of the complaints app a benchmark needs has not landed."""


def _require(module: str, attribute: str) -> Any:
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError) as exc:
        raise NotAvailable(f"{module}.{attribute} has not landed ({type(exc).__name__})") from exc


INTAKE_PATH = "/api/complaints"
INBOX_PATH = "/api/complaints"
MARKER = "bench-ref:"


class IntakeRequests:
    """New complaints through ``POST /api/complaints`` (session + CSRF, ``Idempotency-Key``).

    Every body carries its idempotency key in the text (``bench-ref:<key>``) so that duplicates
    can be counted from the complaints themselves, whatever the app does with the key.
    """

    path = INTAKE_PATH

    def __init__(self, creds: list[Any], *, run_id: str) -> None:
        import random

        _require("rabta.complaints.api", "router")
        category = _require("rabta.complaints.models", "Category")
        from rabta.directory.models import Jurisdiction

        self.creds = creds
        self.run_id = run_id
        _categories()  # make sure every department has categories (the bench's own where none are seeded)
        parents = dict(Jurisdiction.objects.values_list("pk", "parent_id"))
        districts = list(Jurisdiction.objects.filter(kind="district").values_list("pk", "code"))

        def within(place: int | None, region: int) -> bool:
            while place is not None and place != region:
                place = parents.get(place)
            return place == region

        # Intake refuses a category about a place its department's government does not serve (a
        # Punjab category in Sindh), so each category is sent places of its own government's region,
        # where the directory always has an office (every department has a head office for it).
        places_of: dict[int, list[str]] = {}
        self.categories = []
        self.places_for: dict[str, list[str]] = {}
        for code, attributes, region in category.objects.filter(active=True).values_list(
            "code", "attributes", "department__government__jurisdiction_id"
        ):
            if any(a.get("required") for a in attributes or []):
                continue
            if region not in places_of:
                places_of[region] = [d_code for d_pk, d_code in districts if within(d_pk, region)]
            if places_of[region]:
                self.categories.append(code)
                self.places_for[code] = places_of[region]
        self.places = [code for _, code in districts]
        if not self.categories or not self.places:
            raise NotAvailable("no categories without required attributes, or no districts, to submit to")
        self.rng = random.Random(run_id)
        self.first_error = ""

    def body(self, key: str) -> bytes:
        import json

        # Spread over every category and district, as real intake is; the text varies so that duplicate
        # suggestions at intake see ordinary, mostly dissimilar neighbours.
        seed = zlib.crc32(key.encode())
        category = self.categories[seed % len(self.categories)]
        places = self.places_for[category]
        return json.dumps(
            {
                "category": category,
                "jurisdiction": places[(seed // 7) % len(places)],
                "subject": SUBJECTS[seed % len(SUBJECTS)],
                "text": TEXTS[(seed // 3) % len(TEXTS)].format(n=seed % 97) + f" {MARKER}{key}",
                "language": "en",
            }
        ).encode()

    def request_for_key(self, client: int, key: str) -> tuple[str, str, bytes, dict[str, str]]:
        return ("POST", INTAKE_PATH, self.body(key), self.creds[client].headers(**{"Idempotency-Key": key}))

    def request(self, client: int, seq: int) -> tuple[str, str, bytes, dict[str, str]]:
        return self.request_for_key(client, f"{self.run_id}-{client}-{seq}")

    def on_response(self, client: int, seq: int, request: Any, status: int, data: bytes) -> None:
        if not 200 <= status < 300 and not self.first_error:
            self.first_error = f"HTTP {status}: {data[:300].decode(errors='replace')}"

    @staticmethod
    def tracking_from(data: bytes) -> str:
        import json

        try:
            return str(json.loads(data).get("tracking_number") or "")
        except (ValueError, AttributeError):
            return ""

    def verify(self, *, acked: dict[str, str], sent: set[str]) -> dict[str, Any]:
        """Acknowledged tracking numbers missing from the database, and extra complaints per key."""
        from collections import Counter

        complaint = _require("rabta.complaints.models", "Complaint")
        user_ids = [c.user_id for c in self.creds]
        rows = list(complaint.objects.filter(complainant_id__in=user_ids).values_list("tracking_number", "text"))
        present = {tracking for tracking, _ in rows}
        lost = [tracking for tracking in acked.values() if tracking not in present]
        per_key = Counter(text.rsplit(MARKER, 1)[1].strip() for _, text in rows if MARKER in text)
        duplicates = sum(count - 1 for count in per_key.values() if count > 1)
        return {
            "lost": len(lost),
            "duplicates": duplicates,
            "details": {
                "complaints_in_database": len(rows),
                "keys_in_database": len(per_key),
                "keys_sent": len(sent),
                "lost_examples": lost[:5],
                "created_without_acknowledgement": len(set(per_key) - set(acked)),
            },
        }


# The generated population (see docs/benchmarks.md): complaints spread over two years, most of them
# finished; the younger a complaint the likelier it is still open; a small tail is pending for months.
HISTORY_DAYS = 730
BULK_USERS = 20_000
CATEGORIES_PER_DEPARTMENT = 6
# (max age in days, share still open)
OPEN_SHARE_BY_AGE = ((7, 0.90), (30, 0.50), (90, 0.15), (HISTORY_DAYS, 0.03))
FINISHED = (("closed", 0.78), ("resolved", 0.14), ("rejected", 0.08))
OPEN = (("routed", 0.2), ("acknowledged", 0.3), ("in_progress", 0.45), ("reopened", 0.05))
SUBJECTS = [
    "Water supply cut for a week",
    "Garbage not collected",
    "Street light out",
    "Pension not paid",
    "Electricity bill overcharged",
    "School teacher absent",
    "Hospital medicines unavailable",
    "Land record (fard) not issued",
    "Police did not register FIR",
    "Goods held at port for weeks",
    "Refund of duty drawback pending",
    "Road dug up and left",
    "Gas load-shedding",
    "Licence renewal delayed",
]
TEXTS = [
    "Our street has had no water for {n} days. We called the office twice and nobody came.",
    "Hamare mohallay mein {n} din se kachra nahi uthaya gaya. Bachay beemar ho rahe hain.",
    "The clerk asked for money to process my file, application number {n}. I refused and it is stuck.",
    "Consignment under GD {n} has been waiting for examination for two weeks without any reason given.",
    "Bijli ka bill {n} rupay zyada aaya hai, meter reading ghalat li gayi.",
    "The dispensary has had no insulin for {n} days; patients are sent to private pharmacies.",
]


def bulk_load(*, complaints: int, seed: int) -> dict[str, Any]:
    """COPY ``complaints`` complaints across every office of the directory; return timing and shape."""
    import random
    import time
    from datetime import timedelta
    from types import SimpleNamespace

    from django.db import connection
    from django.utils import timezone

    from bench.copyload import copy_rows, sequence_reset
    from rabta.directory.models import Office

    complaint_model = _require("rabta.complaints.models", "Complaint")
    reminder_next_at = _require("rabta.complaints.services.deadlines", "reminder_next_at")
    lead = _require("rabta.complaints.services.deadlines", "REMINDER_LEAD")
    rng = random.Random(seed)
    started = time.perf_counter()
    users = _bulk_users(min(BULK_USERS, complaints))
    categories_by_department = _categories()
    all_categories = [c for cats in categories_by_department.values() for c in cats]
    offices = list(Office.objects.filter(is_active=True).values_list("id", "department_id", "jurisdiction_id", "path"))
    rng.shuffle(offices)
    # A few offices are very busy (city offices), most see a handful a week: Zipf-like weights.
    weights = [1.0 / (rank + 20) for rank in range(len(offices))]
    setup_s = time.perf_counter() - started

    now = timezone.now()
    day = timedelta(days=1)
    texts = [t.format(n=n) for n in range(1, 60) for t in TEXTS]
    picks = rng.choices(range(len(offices)), weights=weights, k=complaints)
    counts: dict[str, int] = {}
    overdue = 0
    # Open complaints by their reminder moment at load time: come (the deadline reminded of already
    # passed, or due within the day), still ahead; and those a sweep 15 minutes earlier would have
    # left due now (the steady state of the 15-minute schedule).
    reminders = {"deadline_passed": 0, "deadline_within_a_day": 0, "later": 0, "steady_state_15_min": 0}
    last_sweep = now - timedelta(minutes=15)

    def status_for(age_days: float) -> str:
        for limit, share in OPEN_SHARE_BY_AGE:
            if age_days <= limit:
                table = OPEN if rng.random() < share else FINISHED
                break
        roll = rng.random()
        for name, share in table:
            roll -= share
            if roll <= 0:
                return name
        return table[-1][0]

    def reminder_moment(row: dict[str, Any]) -> Any:
        """The moment production's deadline service gives a complaint whose deadlines were just set
        (``deadlines_set`` -> ``reminder_next_at(complaint)``): a day before the earliest deadline
        still owed, even if that moment has already come. The row stands in for the complaint, so a
        column the function starts to read and the generator does not set fails loudly here."""
        complaint = SimpleNamespace(**row)
        moment = reminder_next_at(complaint)
        if moment is None:
            return None
        if moment > now:
            reminders["later"] += 1
        elif moment + lead > now:
            reminders["deadline_within_a_day"] += 1
        else:
            reminders["deadline_passed"] += 1
        steady = reminder_next_at(complaint, after=last_sweep)
        if steady is not None and steady <= now:
            reminders["steady_state_15_min"] += 1
        return moment

    def row(i: int) -> dict[str, Any]:
        nonlocal overdue
        office_id, department_id, jurisdiction_id, _path = offices[picks[i]]
        age = rng.random() * HISTORY_DAYS
        created = now - age * day
        status = status_for(age)
        counts[status] = counts.get(status, 0) + 1
        is_open = status in ("routed", "acknowledged", "in_progress", "reopened")
        finished_at = created + min(age, 5 + rng.random() * 40) * day
        cats = categories_by_department.get(department_id) or all_categories
        escalate_supervisor_at = created + 20 * day
        escalate_head_at = created + 41 * day
        # Every open complaint starts at escalation level 0 with its next escalation moment set: the
        # sweep's first run over a freshly imported backlog, the heaviest realistic sweep.
        next_escalation_at = None
        if is_open:
            next_escalation_at = escalate_supervisor_at
            if escalate_supervisor_at <= now:
                overdue += 1
        generated = {
            "tracking_number": f"BK{i:010d}",
            "complainant_id": users[i % len(users)],
            "category_id": cats[i % len(cats)],
            "jurisdiction_id": jurisdiction_id,
            "current_office_id": office_id,
            "routing_reason": "bulk import",
            "status": status,
            "priority": "high" if i % 10 == 0 else ("urgent" if i % 97 == 0 else "normal"),
            "subject": SUBJECTS[i % len(SUBJECTS)],
            "text": texts[i % len(texts)],
            "channel": "import",
            "created_at": created,
            "updated_at": finished_at if not is_open else created,
            "acknowledge_due_at": created + 3 * day,
            "interim_due_at": created + 9 * day,
            "resolve_due_at": created + 21 * day,
            "escalate_supervisor_at": escalate_supervisor_at,
            "escalate_head_at": escalate_head_at,
            "next_escalation_at": next_escalation_at,
            "acknowledged_at": None if status == "routed" else created + min(age, 2) * day,
            "resolved_at": finished_at if status in ("resolved", "closed") else None,
            "closed_at": finished_at if status in ("closed", "rejected") else None,
            "outcome": "relief_granted" if status in ("resolved", "closed") else "",
            "reject_reason": "out_of_scope" if status == "rejected" else "",
            "next_reminder_at": None,
        }
        # Every open complaint carries its next reminder moment, as one lodged through intake would
        # before any sweep ran: like next_escalation_at above, the first sweep over the backlog.
        # Finished complaints have none (the deadline services clear it when the clock stops).
        if is_open:
            generated["next_reminder_at"] = reminder_moment(generated)
        return generated

    copied = copy_rows(model=complaint_model, rows=complaints, row_fn=row)
    sequence_reset(complaint_model)
    seconds = copied["copy_s"] + copied["analyze_s"]
    # The users, offices and categories made above are new too, and this server may run without
    # autovacuum: without statistics the planner guessed 1,335 users for 20,001 and 18 offices of a
    # government for 1,434, and chose plans no production database would. After a bulk load a DBA
    # analyses everything; timed apart so bulk_load_s stays comparable with earlier runs.
    began = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    copied["analyze_all_s"] = round(time.perf_counter() - began, 2)
    busiest = max(range(len(offices)), key=lambda k: weights[k])
    office_counts = complaint_model.objects.filter(current_office_id=offices[busiest][0]).count()
    due = reminders["deadline_passed"] + reminders["deadline_within_a_day"]
    return {
        "rows": complaints,
        "seconds": seconds,
        "overdue": overdue,
        "reminders_due": due,
        "busiest_office_id": offices[busiest][0],
        "summary": f"{len(offices):,} offices (busiest {office_counts:,} complaints), {len(users):,} complainants, "
        f"{len(all_categories)} categories, statuses {dict(sorted(counts.items()))}, "
        f"{overdue:,} open past their supervisor-escalation day, {due:,} open with their reminder moment come",
        "details": {
            "users_categories_setup_s": round(setup_s, 2),
            **copied,
            "statuses": counts,
            "reminder_moments_at_load": reminders,
        },
    }


def _bulk_users(count: int) -> list[int]:
    from rabta.accounts.models import User

    User.objects.bulk_create(
        [User(email=f"bulk.{i}@example.pk", full_name=f"Bulk Complainant {i}", password="!") for i in range(count)],
        batch_size=5000,
    )
    return list(User.objects.filter(email__startswith="bulk.").values_list("id", flat=True))


def _categories() -> dict[int, list[int]]:
    """Categories per department: the app's seeded tree where there is one, else a few per department."""
    from rabta.directory.models import Department

    category = _require("rabta.complaints.models", "Category")
    have = category.objects.filter(active=True).values_list("department_id", "id")
    by_department: dict[int, list[int]] = {}
    for department_id, category_id in have:
        by_department.setdefault(department_id, []).append(category_id)
    missing = Department.objects.exclude(id__in=list(by_department))
    category.objects.bulk_create(
        [
            category(department_id=d.id, code=f"BENCH-{d.code}-{n}", name=f"{d.name}: matter {n}")
            for d in missing
            for n in range(CATEGORIES_PER_DEPARTMENT)
        ],
        batch_size=2000,
    )
    for department_id, category_id in category.objects.filter(code__startswith="BENCH-").values_list(
        "department_id", "id"
    ):
        by_department.setdefault(department_id, []).append(category_id)
    return by_department


def inbox_officer(bulk: dict[str, Any]) -> tuple[Any, list[dict[str, Any]], str]:
    """An officer of the busiest office, and the filter sets an officer actually uses."""
    from bench.auth import officer_create
    from rabta.directory.models import Office

    _require("rabta.complaints.selectors", "complaint_list")
    category = _require("rabta.complaints.models", "Category")
    complaint = _require("rabta.complaints.models", "Complaint")
    office = Office.objects.get(pk=bulk["busiest_office_id"])
    officer = officer_create(office=office, email="bench.inbox.officer@gov.pk")
    inbox = complaint.objects.filter(current_office=office)
    top_category = inbox.values_list("category_id", flat=True).order_by("category_id").distinct().first()
    category_code = category.objects.get(pk=top_category).code if top_category else None
    middle_id = inbox.order_by("id").values_list("id", flat=True)[inbox.count() // 2]
    filter_sets: list[dict[str, Any]] = [
        {},
        {"status": "in_progress"},
        {"status": "acknowledged"},
        {"overdue": True},
        {"priority": "high"},
        {"category": category_code} if category_code else {"status": "routed"},
        {"status": "closed", "before_id": middle_id},  # a deep page of the history
    ]
    return officer, filter_sets, f"office {office.code} ({inbox.count():,} complaints)"


def inbox_page(*, user: Any, filters: dict[str, Any]) -> list[Any]:
    complaint_list = _require("rabta.complaints.selectors", "complaint_list")
    filters_class = _require("rabta.complaints.selectors", "ComplaintFilters")
    return list(complaint_list(user=user, filters=filters_class(**filters)))


def inbox_http_path(filters: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    query = {k: ("true" if v is True else v) for k, v in filters.items()}
    return f"{INBOX_PATH}?{urlencode(query)}" if query else INBOX_PATH


def describe(filters: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in filters.items()) or "no filter"


def escalation_sweep() -> tuple[Any, str]:
    sweep = _require("rabta.complaints.services.escalation", "escalation_sweep")
    return sweep, "rabta.complaints.services.escalation.escalation_sweep()"


def escalation_state(bulk: dict[str, Any]) -> dict[str, int]:
    from django.db.models import Count

    complaint = _require("rabta.complaints.models", "Complaint")
    return {
        f"level_{row['escalation_level']}": row["n"]
        for row in complaint.objects.values("escalation_level").annotate(n=Count("id")).order_by("escalation_level")
    }


def escalated_count(*, outcome: Any, before: dict[str, int], after: dict[str, int]) -> int:
    """Escalations the sweep reports (to_supervisor + to_head) when it says, else level changes counted."""
    parts = [getattr(outcome, name, None) for name in ("to_supervisor", "to_head")]
    if all(isinstance(part, int) for part in parts):
        return sum(parts)  # type: ignore[arg-type]
    return sum(after.get(level, 0) for level in after if level != "level_0") - sum(
        before.get(level, 0) for level in before if level != "level_0"
    )


def reminder_sweep() -> tuple[Any, str]:
    sweep = _require("rabta.complaints.services.reminders", "reminder_sweep")
    return sweep, "rabta.complaints.services.reminders.reminder_sweep(now=...)"


def reminder_state(*, now: Any) -> dict[str, int]:
    """Open complaints by reminder moment at ``now`` (what the sweep reads, through its partial
    index), and the reminder events and digests written so far."""
    from django.db.models import Count, Q

    complaint = _require("rabta.complaints.models", "Complaint")
    open_statuses = _require("rabta.complaints.choices", "OPEN_STATUSES")
    lead = _require("rabta.complaints.services.deadlines", "REMINDER_LEAD")
    event = _require("rabta.core.models", "Event")
    outbox = _require("rabta.notifications.models", "Outbox")
    moments = complaint.objects.filter(next_reminder_at__isnull=False, status__in=open_statuses).aggregate(
        due_deadline_passed=Count("id", filter=Q(next_reminder_at__lte=now - lead)),
        due_deadline_within_a_day=Count("id", filter=Q(next_reminder_at__gt=now - lead, next_reminder_at__lte=now)),
        later=Count("id", filter=Q(next_reminder_at__gt=now)),
    )
    return {
        **moments,
        "due": moments["due_deadline_passed"] + moments["due_deadline_within_a_day"],
        "reminded_events": event.objects.filter(kind="complaints.reminded").count(),
        "digest_outbox_rows": outbox.objects.filter(template="office_deadline_reminder").count(),
    }


def queries_for(
    *, method: str, path: str, cookie: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> int:
    """Database queries one request costs, counted in-process through Django's test client (a
    diagnostic next to the timings: the loopback server cannot count its queries)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for part in cookie.split("; "):
        name, _, value = part.partition("=")
        client.cookies[name] = value
    extra = {
        f"HTTP_{k.upper().replace('-', '_')}": v
        for k, v in (headers or {}).items()
        if k.lower() not in {"cookie", "content-type"}
    }
    with CaptureQueriesContext(connection) as captured:
        if method == "GET":
            client.get(path, **extra)
        else:
            client.post(path, data=body or b"", content_type="application/json", **extra)
    return len(captured.captured_queries)
