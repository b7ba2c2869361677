"""The duplicate-suggestion measure on generated rows, and the command on the shared 311 files."""

import csv
import json
import random
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from rabta.complaints.services import intake
from rabta.intelligence import duplicates
from rabta.intelligence.duplicates import Row, evaluate

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "complaints"
NYC, BOSTON = SHARED / "nyc311-sample-1000.csv", SHARED / "boston311-100.csv"
PROBLEMS = ["pani nahi aa raha", "bijli band hai", "sarak tooti hui hai", "kachra nahi uthaya gaya"]
VARIANTS = {"pani nahi aa raha": "paani nahin aa rahaa", "bijli band hai": "bijlee band hae"}


def test_the_measure_uses_the_intake_bound_and_threshold():
    assert duplicates.CANDIDATES == intake.DUPLICATE_CANDIDATES
    assert duplicates.THRESHOLD == intake.DUPLICATE_SIMILARITY


@pytest.mark.parametrize("seed", range(5))
def test_generated_variant_repeats_are_found_and_distinct_problems_are_not(seed):
    rng = random.Random(seed)
    start, rows = datetime(2026, 1, 1), []
    for place in range(6):
        problems = rng.sample(PROBLEMS, 3)
        for i, problem in enumerate(problems):  # distinct problems at a place: never duplicates
            rows.append(Row(start + timedelta(hours=place * 10 + i), ("water", f"p{place}"), problem, False))
        repeat = rng.choice([p for p in problems if p in VARIANTS] or problems)
        rows.append(
            Row(start + timedelta(hours=place * 10 + 5), ("water", f"p{place}"), VARIANTS.get(repeat, repeat), True)
        )
    figures = evaluate(rows)
    assert figures["recall"] == 1.0 and figures["precision"] == 1.0
    assert figures["labelled"] == 6 and figures["pairs"] == 6 * (0 + 1 + 2 + 3)


def test_rows_in_other_groups_are_never_compared():
    when = datetime(2026, 1, 1)
    rows = [Row(when, ("water", "a"), "pani nahi aa raha", False), Row(when, ("water", "b"), "pani nahi aa raha", True)]
    assert evaluate(rows) == {
        "precision": None,
        "recall": 0.0,
        "pairs": 0,
        "threshold": 0.5,
        "labelled": 1,
        "suggested": 0,
    }


def test_the_command_prints_the_figures_as_json(tmp_path):
    path = tmp_path / "boston.csv"
    fields = ["open_dt", "type", "neighborhood", "case_title", "location", "closure_reason"]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerow(
            dict(
                zip(
                    fields,
                    ["2022-01-02 10:00:00", "Signal", "Dorchester", "Signal out", "Gallivan Blvd", "Case noted"],
                    strict=True,
                )
            )
        )
        writer.writerow(
            dict(
                zip(
                    fields,
                    [
                        "2022-01-02 11:00:00",
                        "Signal",
                        "Dorchester",
                        "Signal out",
                        "Gallivan Blvd",
                        "Duplicate of Existing Case",
                    ],
                    strict=True,
                )
            )
        )
    out = StringIO()
    call_command("intelligence", "duplicates-eval", "--boston", str(path), "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["precision"] == 1.0 and figures["recall"] == 1.0 and figures["pairs"] == 1


@pytest.mark.skipif(not (NYC.exists() and BOSTON.exists()), reason=f"shared data files missing: {NYC}, {BOSTON}")
def test_the_shared_311_samples():
    out = StringIO()
    call_command("intelligence", "duplicates-eval", "--nyc", str(NYC), "--boston", str(BOSTON), "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["labelled"] == 43  # 38 NYC + 5 Boston duplicate closures (SOURCES.md)
    assert 0 < figures["recall"] <= 1 and 0 < figures["precision"] <= 1
