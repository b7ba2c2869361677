"""Value control on trade flows: the JRC files' reader, the main price line, and the evaluation
(generated flows with planted under-pricing, then the real files when they are here)."""

from __future__ import annotations

import json
import math
import random
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from rabta.core.errors import DomainError
from rabta.risk.valuation_jrc import Flow, evaluate_files, evaluate_flows, lts_line, read_jrc

JRC_DIR = Path(settings.RABTA_SHARED_DATA_DIR) / "customs" / "jrc-trade-flows"
PRICE = 12.0  # thousand euro per ton


def planted_flows(seed: int, n: int = 400, share: float = 0.2) -> tuple[list[Flow], set[int]]:
    """Flows on one price line (value = PRICE × quantity, 10 % noise), a ``share`` of them declared
    at 30-55 % of the price: the planted under-invoicing."""
    rng = random.Random(seed)
    flows, planted = [], set()
    for index in range(n):
        quantity = math.exp(rng.uniform(0, 6))
        price = PRICE * math.exp(rng.gauss(0, 0.1))
        if index < n * share:
            price *= rng.uniform(0.3, 0.55)
            planted.add(index)
        flows.append(Flow(line=index + 1, origin="", quantity=quantity, value=price * quantity))
    return flows, planted


def test_the_line_is_placed_by_the_honest_flows_not_the_planted_ones():
    flows, _planted = planted_flows(1)
    line = lts_line([math.log(f.quantity) for f in flows], [math.log(f.value) for f in flows])
    assert abs(line.slope - 1) < 0.05
    assert abs(line.intercept - math.log(PRICE)) < 0.05
    assert line.scale < 0.15


def test_planted_under_pricing_is_flagged_and_the_flagged_flows_are_off_the_line(tmp_path):
    flows, planted = planted_flows(2)
    path = tmp_path / "flows.txt"
    path.write_text("".join(f"{f.quantity}\t{f.value}\n" for f in flows))
    result = evaluate_files([path])
    (file,) = result["files"]
    assert file["flagged_below"] >= 0.95 * len(planted)
    assert file["flagged"] <= len(planted) + 0.03 * (len(flows) - len(planted))
    assert result["value_control_findings"] > 0.9


def test_a_zero_quantity_cannot_be_judged():
    flows, _planted = planted_flows(3, n=100, share=0.0)
    flows.append(Flow(line=101, origin="", quantity=0.0, value=1.4))  # fishery.txt has 26 such rows
    assert evaluate_flows(flows).cannot_judge == 1


def test_the_fishery_header_is_read_by_name_and_the_declarant_is_the_origin(tmp_path):
    path = tmp_path / "Fishery.txt"
    path.write_text("%DECLARANT\tQUANTITY_TON\tVALUE_1000EURO\tDATE\n001\t89.1\t1180.49\t01/01/2002\n")
    assert read_jrc(path) == [Flow(line=2, origin="001", quantity=89.1, value=1180.49)]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("%DECLARANT\tQUANTITY_TON\tDATE\n001\t89.1\t01/01/2002\n", "VALUE_1000EURO"),
        ("%DECLARANT\tVALUE_1000EURO\n001\t3\n", "QUANTITY_TON"),
        ("0.5\t7.47\n0.4\n", "line 2: no value column"),
        ("%DECLARANT\tQUANTITY_TON\tVALUE_1000EURO\tDATE\n001\t89.1\n", "line 2: no VALUE_1000EURO column"),
        ("0.5\tseven\n", "line 1: quantity or value is not a number"),
        ("\n\n", "no flows"),
    ],
)
def test_a_file_with_a_missing_column_is_refused_naming_it(tmp_path, text, named):
    path = tmp_path / "bad.txt"
    path.write_text(text)
    with pytest.raises(DomainError) as caught:
        read_jrc(path)
    assert named in caught.value.message
    assert set(caught.value.fields) == {"jrc"}


def test_the_command_prints_one_json_object_and_names_a_missing_column(tmp_path):
    flows, _planted = planted_flows(4, n=200)
    good = tmp_path / "good.txt"
    good.write_text("".join(f"{f.quantity},{f.value}\n" for f in flows))  # inttrade1 is comma-separated
    out = StringIO()
    call_command("risk", "value-eval", "--jrc", str(good), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["flows"] == 200 and data["flagged"] > 0 and 0 <= data["value_control_findings"] <= 1
    bad = tmp_path / "bad.txt"
    bad.write_text("%DECLARANT\tQUANTITY_TON\n001\t3\n")
    with pytest.raises(CommandError, match="VALUE_1000EURO"):
        call_command("risk", "value-eval", "--jrc", str(bad), stdout=StringIO())
    with pytest.raises(CommandError, match="No such file"):
        call_command("risk", "value-eval", "--jrc", str(tmp_path / "absent.txt"), stdout=StringIO())


@pytest.mark.shared_data
@pytest.mark.skipif(
    not JRC_DIR.is_dir(), reason=f"the JRC trade-flow files are not here ({JRC_DIR}): set RABTA_SHARED_DATA_DIR"
)
def test_on_the_real_jrc_files_most_flagged_flows_are_off_the_main_price_line():
    result = evaluate_files(sorted(JRC_DIR.glob("*.txt")))
    assert result["flows"] == 8015  # the row counts of SOURCES.md
    assert result["cannot_judge"] == 28  # 26 zero quantities in fishery.txt, 2 in Fishery2004.txt
    assert 0.02 < result["flagged"] / result["flows"] < 0.1  # 348 of 8,015 when written
    assert result["value_control_findings"] > 0.85
    by_file = {file["path"]: file for file in result["files"]}
    # inttrade holds two price lines: the bands flag the second one, which is not all off the first.
    assert by_file["inttrade.txt"]["value_control_findings"] < 0.5


def test_bands_learnt_from_last_years_flows_judge_this_years(tmp_path):
    last, _none = planted_flows(5, n=300, share=0.0)
    this, planted = planted_flows(6, n=300, share=0.2)
    for name, flows in (("last.txt", last), ("this.txt", this)):
        (tmp_path / name).write_text("".join(f"{f.quantity}\t{f.value}\n" for f in flows))
    result = evaluate_files([tmp_path / "this.txt"], train=[tmp_path / "last.txt"])
    assert result["bands_from"] == ["last.txt"]
    assert result["files"][0]["flagged_below"] >= 0.95 * len(planted)
