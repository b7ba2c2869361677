"""The clearance simulator (``rabta customs simulate``): declarations filed with an arrival some
hours before, moved through every stage by the real services, deterministic with a seed, and bad
options refused before anything is written, naming the option."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rabta.core.models import Event
from rabta.customs.choices import Status
from rabta.customs.models import Declaration, Examination
from rabta.customs.services.simulation import Simulation, collectorates_for

pytestmark = pytest.mark.django_db
KCS_HEADER = (
    "Declaration ID,Date,Office ID,Process Type,Import Type,Import Use,Payment Type,Mode of Transport,Declarant ID,"
    "Importer ID,Seller ID,Courier ID,HS6 Code,Country of Departure,Country of Origin,Tax Rate,Tax Type,"
    "Country of Origin Indicator,Net Mass,Item Price,Fraud,Critical Fraud"
)


def simulate(*args: str) -> dict:
    out = StringIO()
    call_command("customs", "simulate", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def facts(numbers: list[str]) -> list[tuple]:
    rows = Declaration.objects.filter(number__in=numbers).order_by("number")
    return [(d.lane, d.collectorate_id, tuple(d.items.values_list("tariff_code", "customs_value"))) for d in rows]


def test_a_counted_run_files_and_releases_every_declaration_through_each_stage(world):
    result = simulate("--rate", "0", "--count", "6", "--seed", "7")
    assert result["filed"] == result["released"] == 6 and result["in_flight"] == 0
    for declaration in Declaration.objects.all():
        assert declaration.status == Status.RELEASED
        assert declaration.number.startswith("SIM-7-")
        assert declaration.arrived_at < declaration.created_at  # the goods came before the filing
        assert declaration.paid_amount == declaration.assessed_amount
        kinds = list(Event.objects.for_subject(declaration).order_by("id").values_list("kind", flat=True))
        assert kinds[0] == "customs.declaration_filed" and kinds[-3:] == [
            "customs.assessed",
            "customs.duty_paid",
            "customs.released",
        ]


def test_the_same_seed_makes_the_same_stream(world):
    simulate("--rate", "0", "--count", "5", "--seed", "3")
    first = facts([f"SIM-3-{n:06d}" for n in range(1, 6)])
    simulate("--rate", "0", "--count", "5", "--seed", "3")  # numbers go on: 6 to 10
    again = facts([f"SIM-3-{n:06d}" for n in range(6, 11)])
    assert first == again and len(first) == 5
    simulate("--rate", "0", "--count", "5", "--seed", "4")
    assert facts([f"SIM-4-{n:06d}" for n in range(1, 6)]) != first


def test_lanes_and_findings_are_realistic(world):
    result = simulate("--rate", "0", "--count", "40", "--seed", "11")
    lanes = result["lanes"]
    assert max(lanes, key=lanes.get) == "green" and sum(lanes.values()) == 40
    assert 0 < result["examined"] < 40 and result["detections"] <= result["examined"]
    assert Examination.objects.count() == result["examined"]


def test_a_kcs_file_is_replayed_with_its_fraud_labels(world, tmp_path):
    path = tmp_path / "kcs.csv"
    path.write_text(
        KCS_HEADER
        + "\n1,2021-01-01,40,B,11,11,11,40,D1,I1,S1,,760711,CN,CN,7.2,FCN1,E,901.2,415092.72,1,0"
        + "\n2,2021-01-01,40,B,11,11,11,40,D1,I1,S1,,321590,ZZ,CN,0.0,FCN1,E,400.0,30520.0,0,0"
        + "\n3,2021-01-01,40,B,11,11,11,40,D1,I1,S1,,321590,HK,CN,0.0,FCN1,E,400.0,30520.0,0,0\n",
        encoding="utf-8",
    )
    result = simulate("--rate", "0", "--count", "2", "--replay-kcs", str(path))
    assert result["filed"] == result["released"] == 2
    fraud = Declaration.objects.get(items__tariff_code="760711")
    assert fraud.lane == "red" and fraud.examination.outcome == "discrepancy"


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--collectorate", "FED-CUS-NOWHERE"], "--collectorate"),
        (["--rate", "fast"], "--rate"),
        (["--rate", "-1"], "--rate"),
        (["--rate", "nan"], "--rate"),
        (["--rate", "inf"], "--rate"),
        (["--rate", "0"], "--rate"),  # no waiting needs --count
        (["--speed", "0"], "--speed"),
        (["--count", "0"], "--count"),
        (["--seed", "x"], "--seed"),
        (["--replay-kcs", "/nonexistent/kcs.csv"], "--replay-kcs"),
    ],
)
def test_bad_options_are_refused_naming_the_option_and_nothing_is_written(world, args, option):
    with pytest.raises(CommandError) as caught:
        until = [] if "--count" in args else ["--duration", "1"]
        call_command("customs", "simulate", *args, *until, stdout=StringIO())
    assert str(caught.value).startswith(option)
    assert not Declaration.objects.exists() and not Event.objects.filter(kind__startswith="customs.").exists()


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00b\x00a\x00d", b"just,some,columns\n1,2,3\n", (KCS_HEADER + "\n").encode()],
    ids=["not-utf8", "not-kcs", "no-rows"],
)
def test_an_unreadable_replay_file_is_refused_naming_the_option(world, tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError) as caught:
        call_command("customs", "simulate", "--count", "1", "--replay-kcs", str(path), stdout=StringIO())
    assert str(caught.value).startswith("--replay-kcs")
    assert not Declaration.objects.exists()


def test_a_timed_run_waits_between_filings_and_stops_mid_way(world):
    now = [0.0]
    pauses: list[float] = []

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        now[0] += seconds

    simulation = Simulation(
        collectorates=collectorates_for([]), seed=5, rate=30, speed=3600, clock=lambda: now[0], sleep=sleep
    )
    result = simulation.run(duration=60)
    assert pauses and all(pause > 0 for pause in pauses)
    assert now[0] <= 60  # nothing was done after the end
    assert 5 <= result.filed <= 60  # about 30 a minute
    assert result.in_flight > 0  # later stages were left mid-way, as on a working day
    assert Declaration.objects.exclude(status=Status.RELEASED).count() == result.in_flight
