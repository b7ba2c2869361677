"""Generated bad input on every Open311 endpoint: whatever a client sends — junk, empty, huge,
control characters, NUL, odd scripts, repeated or unknown parameters — the answer
is 200 or one of GeoReport v2's errors in its array format, never a 500, and a refusal saves nothing."""

from __future__ import annotations

import json
import random

import pytest

from rabta.complaints.models import Complaint
from rabta.open311.tests.conftest import KEY

pytestmark = pytest.mark.django_db

PIECES = [
    "",
    " ",
    "0",
    "-1",
    "1e400",
    "nan",
    "91",
    "PK-PB-LHR",
    "PB-MUN-WATER",
    "open,closed",
    "RB-0000-0000-0",
    "2026-02-30T25:61:00",
    "2026-01-01T00:00:00+05:00",
    "\x00",
    "a\x00b",
    "\x07",
    "پانی نہیں",
    "x" * 5000,
    "<script>",
    "'; DROP TABLE x;--",
    "attribute[size]",
    "http://",
    "javascript:1",
    "%00",
]
PARAMS = [
    "api_key",
    "service_code",
    "description",
    "lat",
    "long",
    "address_string",
    "address_id",
    "jurisdiction_id",
    "attribute[size]",
    "attribute[hazards][]",
    "media_url",
    "email",
    "phone",
    "first_name",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
    "service_request_id",
    "update_id",
    "device_id",
    "junk",
]
PATHS = ["discovery", "services", "services/{x}", "requests", "requests/{x}", "tokens/{x}", "servicerequestupdates"]


def _junk(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 3)))[:6000]


@pytest.mark.parametrize("seed", range(6))
def test_no_input_makes_a_500_or_saves_on_refusal(api, o311, seed):
    rng = random.Random(seed)
    for _ in range(40):
        fmt = rng.choice(["json", "xml"])
        path = rng.choice(PATHS).format(x=rng.choice(["PB-MUN-WATER", "RB-0000-0000-0", "x", "%00", "پانی"]))
        params = {rng.choice(PARAMS): _junk(rng) for _ in range(rng.randint(0, 6))}
        if rng.random() < 0.5:
            params["api_key"] = KEY
        before = Complaint.objects.count()
        method = rng.choice(["get", "post"])
        response = getattr(api, method)(f"/open311/v2/{path}.{fmt}", params)
        assert response.status_code in {200, 400, 403, 404, 405, 429}, (method, path, params, response.content[:300])
        if response.status_code >= 400 and fmt == "json":
            body = json.loads(response.content)
            assert body and all({"code", "description"} <= set(error) for error in body)
            assert Complaint.objects.count() == before
