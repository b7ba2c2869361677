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


# --- The ranking measure (recall@k, MRR of the located original) ----------------------------------
from rabta.intelligence.duplicates import SCORERS, original_of, rank_evaluate  # noqa: E402


def _at(hours: float) -> datetime:
    return datetime(2026, 1, 1) + timedelta(hours=hours)


@pytest.mark.parametrize("scorer", sorted(SCORERS))
def test_a_spelling_variant_finds_its_original_first_among_other_problems_of_the_place(scorer):
    group = ("water", "gulberg")
    rows = [
        Row(_at(0), group, "pani nahi aa raha street 4", False, place="STREET 4"),
        Row(_at(1), group, "bijli band hai street 9", False, place="STREET 9"),
        Row(_at(2), group, "sarak tooti hui hai street 7", False, place="STREET 7"),
        Row(_at(3), group, "paani nahin aa rahaa street 4", True, place="STREET 4"),
    ]
    figures = rank_evaluate(rows, SCORERS[scorer])
    assert figures == {
        "labelled": 1,
        "located": 1,
        "mrr": 1.0,
        "recall_at_1": 1.0,
        "recall_at_3": 1.0,
        "recall_at_5": 1.0,
    }


def test_an_original_ranked_second_counts_at_three_not_at_one():
    group = ("water", "gulberg")
    rows = [
        # The located original (same place) reads unlike the duplicate; another row reads like it.
        Row(_at(0), group, "tap dry since monday", False, place="STREET 4"),
        Row(_at(1), group, "no water supply in our street", False, place="STREET 9"),
        Row(_at(2), group, "no water supply in our street", True, place="STREET 4"),
    ]
    figures = rank_evaluate(rows)
    assert (figures["recall_at_1"], figures["recall_at_3"], figures["mrr"]) == (0.0, 1.0, 0.5)


def test_an_original_is_located_only_in_its_group_at_its_place_within_the_window():
    rows = [
        Row(_at(0), ("water", "a"), "x", False, place="P"),
        Row(_at(1), ("water", "b"), "x", True, place="P"),  # another group
        Row(_at(2), ("water", "a"), "x", True, place=""),  # no place: nothing to locate by
        Row(_at(24 * 40), ("water", "a"), "x", True, place="P"),  # 40 days later: outside the window
        Row(_at(24 * 40 + 1), ("water", "a"), "x", True, place="P"),  # its original is the one before
    ]
    assert original_of(rows) == {4: 3}


def test_the_command_adds_the_ranking_figures(tmp_path):
    path = tmp_path / "boston.csv"
    fields = ["open_dt", "type", "neighborhood", "case_title", "location", "closure_reason"]
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for when, reason in (
            ("2022-01-02 10:00:00", "Case noted"),
            ("2022-01-02 11:00:00", "Duplicate of Existing Case"),
        ):
            writer.writerow(
                dict(zip(fields, [when, "Signal", "Dorchester", "Signal out", "Gallivan Blvd", reason], strict=True))
            )
    out = StringIO()
    call_command("intelligence", "duplicates-eval", "--boston", str(path), "--json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["ranking"]["jaccard"]["located"] == 1 and figures["ranking"]["jaccard"]["recall_at_1"] == 1.0
    assert figures["ranking_repeats"]["idf"]["located"] == 1
