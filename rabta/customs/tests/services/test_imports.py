"""Bulk import: every row checked, rejects reported with row, field, code and message while the
good rows are kept; re-runs import nothing twice; KCS's format mapped with its fraud labels.
The files are generated here; the real KCS files are read only when the shared folder is there."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rabta.core.models import Event
from rabta.customs.choices import Outcome, Source, Status
from rabta.customs.events import CustomsEvent
from rabta.customs.models import Declaration, DeclarationItem, Examination, Party
from rabta.customs.services import imports
from rabta.customs.services.imports import COLUMNS, KCS_COLUMNS, declarations_import

pytestmark = pytest.mark.django_db

GOOD = {
    "declaration_number": "D-1",
    "item_number": "1",
    "declared_on": "2026-11-01",
    "regime": "import",
    "declaration_type": "HC",
    "collectorate": "FED-CUS-APP-KHI",
    "station": "",
    "transport_mode": "1",
    "currency": "USD",
    "exchange_rate": "278.5",
    "importer_ntn": "1234567-8",
    "declarant_licence": "CHAL-1",
    "seller_name": "Acme, Ltd",
    "seller_country": "CN",
    "tariff_code": "85287200",
    "description": "LED televisions",
    "origin_country": "CN",
    "departure_country": "AE",
    "quantity": "10",
    "unit": "NMB",
    "net_mass_kg": "85",
    "customs_value": "2500",
    "duty_assessed": "500",
    "taxes_assessed": "425",
}


def rows_csv(path: Path, rows: list[dict], columns: list[str] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def row(**changes) -> dict:
    return {**GOOD, **changes}


def run(path, file_format="csv", **kwargs):
    return declarations_import(path=path, file_format=file_format, **kwargs)


def rejects_of(result) -> set[tuple[int, str, str]]:
    return {(reject.row, reject.field, reject.code) for reject in result.rejects}


def test_good_rows_import_as_declarations_with_items_parties_and_events(world, tmp_path):
    path = rows_csv(
        tmp_path / "d.csv", [row(), row(item_number="2", tariff_code="852872"), row(declaration_number="D-2")]
    )
    result = run(path)
    assert (result.imported, result.skipped_existing, result.rejected) == (3, 0, 0)
    first = Declaration.objects.get(number="D-1")
    assert first.status == Status.FILED and first.source == Source.IMPORT
    assert list(first.items.values_list("item_number", "tariff_code")) == [(1, "85287200"), (2, "852872")]
    assert first.importer.identifier == "1234567-8" and first.seller.name == "Acme, Ltd"
    assert Party.objects.count() == 3  # one importer, one agent, one seller, for both declarations
    filed = Event.objects.filter(kind=CustomsEvent.DECLARATION_FILED, subject_id=str(first.pk)).get()
    assert filed.data == {"source": "import", "items": 2} and filed.to_state == Status.FILED


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"declared_on": "2099-01-01"}, "declared_on", "date_in_future"),
        ({"declared_on": "01/11/2026"}, "declared_on", "date_invalid"),
        ({"quantity": "-10"}, "quantity", "quantity_invalid"),
        ({"quantity": "1e20"}, "quantity", "quantity_invalid"),
        ({"quantity": "99999999999999999"}, "quantity", "quantity_invalid"),
        ({"customs_value": "-1"}, "customs_value", "value_invalid"),
        ({"customs_value": "abc"}, "customs_value", "value_invalid"),
        ({"origin_country": "ZZ"}, "origin_country", "country_unknown"),
        ({"currency": "XYZ"}, "currency", "currency_unknown"),
        ({"tariff_code": "8528"}, "tariff_code", "tariff_code_invalid"),
        ({"collectorate": "NOWHERE"}, "collectorate", "collectorate_unknown"),
        ({"importer_ntn": "12AB"}, "importer_ntn", "ntn_invalid"),
        ({"declarant_licence": "?"}, "declarant_licence", "licence_invalid"),
        ({"unit": "BOX"}, "unit", "unit_invalid"),
        ({"description": ""}, "description", "field_required"),
        ({"item_number": "0"}, "item_number", "item_number_invalid"),
        ({"declaration_number": "bad number"}, "declaration_number", "declaration_number_invalid"),
    ],
)
def test_a_bad_row_is_rejected_with_its_row_field_and_code_and_the_good_rows_are_kept(
    world, tmp_path, changes, field, code
):
    path = rows_csv(
        tmp_path / "d.csv", [row(), row(**{"declaration_number": "D-BAD", **changes}), row(declaration_number="D-3")]
    )
    result = run(path)
    assert (3, field, code) in rejects_of(result)
    assert {reject.row for reject in result.rejects} == {3}
    assert result.rejected == 1 and result.imported == 2
    assert set(Declaration.objects.values_list("number", flat=True)) == {"D-1", "D-3"}
    message = next(reject.message for reject in result.rejects if reject.field == field)
    assert message


def test_the_same_declaration_and_item_twice_in_a_file_keeps_the_first(world, tmp_path):
    result = run(rows_csv(tmp_path / "d.csv", [row(), row(description="again")]))
    assert rejects_of(result) == {(3, "item_number", "item_duplicate")}
    assert DeclarationItem.objects.get().description == "LED televisions"


def test_items_of_one_declaration_must_agree_on_its_header(world, tmp_path):
    result = run(rows_csv(tmp_path / "d.csv", [row(), row(item_number="2", currency="EUR")]))
    assert rejects_of(result) == {(3, "currency", "declaration_header_mismatch")}
    assert DeclarationItem.objects.count() == 1


def test_a_rerun_imports_nothing_twice(world, tmp_path):
    path = rows_csv(tmp_path / "d.csv", [row(), row(item_number="2"), row(declaration_number="D-2")])
    run(path)
    again = run(path)
    assert (again.imported, again.skipped_existing, again.rejected) == (0, 3, 0)
    assert DeclarationItem.objects.count() == 3
    assert Event.objects.filter(kind=CustomsEvent.DECLARATION_FILED).count() == 2


def test_a_killed_run_is_finished_by_running_it_again(world, tmp_path, monkeypatch):
    rows = [row(declaration_number=f"D-{n}") for n in range(1, 7)]
    path = rows_csv(tmp_path / "d.csv", rows)
    real, calls = imports._load_chunk, []

    def dies_on_the_third_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "_load_chunk", dies_on_the_third_chunk)
    with pytest.raises(KeyboardInterrupt):
        run(path, chunk_rows=2)
    assert Declaration.objects.count() == 4  # two chunks committed, the third rolled back
    monkeypatch.setattr(imports, "_load_chunk", real)
    rest = run(path, chunk_rows=2)
    assert (rest.imported, rest.skipped_existing) == (2, 4)
    assert Declaration.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_chunks_loaded_side_by_side_import_every_row_once_and_register_each_party_once(world, tmp_path):
    # Outside a transaction, on PostgreSQL, two connections load the chunks at once (elsewhere the
    # chunks go one after the other): parties new to the database and named in every chunk are
    # registered once, before the chunks, and a re-run still imports nothing twice.
    rows = [row(declaration_number=f"D-{n}", item_number=str(item)) for n in range(1, 13) for item in (1, 2)]
    rows.append(row(declaration_number="D-13", origin_country="ZZ"))
    path = rows_csv(tmp_path / "d.csv", rows)
    result = run(path, chunk_rows=4, workers=2)
    assert (result.imported, result.skipped_existing, result.rejected) == (24, 0, 1)
    assert rejects_of(result) == {(26, "origin_country", "country_unknown")}
    assert Declaration.objects.count() == 12 and DeclarationItem.objects.count() == 24
    assert Party.objects.count() == 3
    assert Event.objects.filter(kind=CustomsEvent.PARTY_REGISTERED).count() == 3
    assert Event.objects.filter(kind=CustomsEvent.DECLARATION_FILED).count() == 12
    again = run(path, chunk_rows=4, workers=2)
    assert (again.imported, again.skipped_existing, again.rejected) == (0, 24, 1)
    assert DeclarationItem.objects.count() == 24 and Party.objects.count() == 3


WITH_ARRIVAL = [*COLUMNS, "arrived_at"]


def test_an_arrival_time_with_its_zone_is_kept_and_the_column_may_be_left_out(world, tmp_path):
    rows = [
        row(arrived_at="2026-10-30T22:15:00+05:00"),
        row(item_number="2", arrived_at="2026-10-30T22:15:00+05:00"),
        row(declaration_number="D-2", arrived_at="2026-10-30T17:15:00Z"),
        row(declaration_number="D-3", arrived_at=""),
    ]
    result = run(rows_csv(tmp_path / "d.csv", rows, columns=WITH_ARRIVAL))
    assert (result.imported, result.rejected) == (4, 0), result.rejects
    arrived = dict(Declaration.objects.values_list("number", "arrived_at"))
    assert arrived["D-1"] == arrived["D-2"] == datetime(2026, 10, 30, 17, 15, tzinfo=UTC)
    assert arrived["D-3"] is None
    older = run(rows_csv(tmp_path / "old.csv", [row(declaration_number="D-4")]))  # a header without it
    assert (older.imported, older.rejected) == (1, 0)
    assert Declaration.objects.get(number="D-4").arrived_at is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2026-10-30T22:15:00", "date_invalid"),  # no time zone
        ("2026-10-30", "date_invalid"),  # a date is not a time, and has no zone
        ("30/10/2026 22:15+05:00", "date_invalid"),
        ("2099-01-01T00:00:00+00:00", "date_in_future"),
        ("1989-12-31T23:00:00+00:00", "date_invalid"),
    ],
)
def test_a_bad_arrival_time_rejects_its_row_naming_the_field(world, tmp_path, value, code):
    rows = [row(arrived_at=value), row(declaration_number="D-2", arrived_at="2026-10-30T22:15:00+05:00")]
    result = run(rows_csv(tmp_path / "d.csv", rows, columns=WITH_ARRIVAL))
    assert rejects_of(result) == {(2, "arrived_at", code)}
    assert result.imported == 1 and list(Declaration.objects.values_list("number", flat=True)) == ["D-2"]


def test_the_items_of_a_declaration_agree_on_its_arrival_time(world, tmp_path):
    rows = [row(arrived_at="2026-10-30T22:15:00+05:00"), row(item_number="2", arrived_at="2026-10-31T08:00:00+05:00")]
    result = run(rows_csv(tmp_path / "d.csv", rows, columns=WITH_ARRIVAL))
    assert rejects_of(result) == {(3, "arrived_at", "declaration_header_mismatch")}


def test_json_lines_may_carry_an_arrival_time(world, tmp_path):
    lines = [
        json.dumps(row(arrived_at="2026-10-30T22:15:00+05:00")),
        json.dumps(row(declaration_number="D-2")),
        json.dumps(row(declaration_number="D-3", arrived_at="2026-10-30 22:15")),
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(path, "jsonl")
    assert rejects_of(result) == {(3, "arrived_at", "date_invalid")}
    arrived = dict(Declaration.objects.values_list("number", "arrived_at"))
    assert arrived == {"D-1": datetime(2026, 10, 30, 17, 15, tzinfo=UTC), "D-2": None}


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.text(alphabet=st.sampled_from("0123456789-+:TZ ./abc\u06f0"), max_size=30), max_size=8))
def test_any_arrival_text_either_imports_as_a_zoned_past_time_or_rejects_its_row(world, tmp_path, values):
    Declaration.objects.all().delete()
    rows = [row(declaration_number=f"A-{n}", arrived_at=value) for n, value in enumerate(values)]
    result = run(rows_csv(tmp_path / "d.csv", rows, columns=WITH_ARRIVAL))
    rejected = {reject.row for reject in result.rejects}
    assert {reject.field for reject in result.rejects} <= {"arrived_at"}
    assert result.imported + len(rejected) == len(values)
    for number, arrived in Declaration.objects.values_list("number", "arrived_at"):
        value = values[int(number.split("-")[1])].strip()
        if arrived is None:
            assert value == ""
        else:
            assert arrived == datetime.fromisoformat(value) and arrived <= timezone.now()
            assert arrived.date() >= date(1990, 1, 1) - timedelta(days=1)


def test_a_new_item_of_a_declaration_already_imported_is_added(world, tmp_path):
    run(rows_csv(tmp_path / "a.csv", [row()]))
    result = run(rows_csv(tmp_path / "b.csv", [row(), row(item_number="2")]))
    assert (result.imported, result.skipped_existing) == (1, 1)
    assert Declaration.objects.get().items.count() == 2


def test_a_declaration_number_filed_before_with_another_importer_is_rejected(world, tmp_path):
    run(rows_csv(tmp_path / "a.csv", [row()]))
    result = run(rows_csv(tmp_path / "b.csv", [row(item_number="2", importer_ntn="7654321-0")]))
    assert rejects_of(result) == {(2, "declaration_number", "declaration_number_taken")}
    assert DeclarationItem.objects.count() == 1


def test_a_missing_or_extra_column_refuses_the_file_naming_it(world, tmp_path):
    columns = [name for name in COLUMNS if name != "quantity"] + ["colour"]
    path = rows_csv(
        tmp_path / "d.csv", [{k: v for k, v in row().items() if k != "quantity"} | {"colour": "red"}], columns
    )
    result = run(path)
    assert rejects_of(result) == {(1, "quantity", "column_missing"), (1, "colour", "column_unexpected")}
    assert result.imported == 0 and not Declaration.objects.exists()


def test_a_row_with_too_many_or_too_few_fields_is_malformed(world, tmp_path):
    path = rows_csv(tmp_path / "d.csv", [row()])
    with path.open("a", encoding="utf-8") as out:
        out.write("D-9,1,2026-11-01,import\n")
        out.write(",".join(row(declaration_number="D-10").values()).replace("Acme, Ltd", "Acme") + ",extra\n")
        out.write('"D-11",1,"unclosed\n')
    result = run(path)
    assert rejects_of(result) == {(3, "row", "row_malformed"), (4, "row", "row_malformed"), (5, "row", "row_malformed")}
    assert result.imported == 1


def test_bytes_that_are_not_utf8_reject_their_row_only(world, tmp_path):
    path = rows_csv(tmp_path / "d.csv", [row(), row(declaration_number="D-2")])
    lines = path.read_bytes().split(b"\n")
    lines[2] = lines[2].replace(b"LED televisions", b"LED t\xe9l\xe9visions")  # Latin-1, not UTF-8
    path.write_bytes(b"\n".join(lines))
    result = run(path)
    assert rejects_of(result) == {(3, "row", "encoding_invalid")}
    assert result.imported == 1


def test_a_utf16_file_is_refused_whole(world, tmp_path):
    path = tmp_path / "d.csv"
    path.write_bytes(rows_csv(tmp_path / "src.csv", [row()]).read_text().encode("utf-16"))
    result = run(path)
    assert rejects_of(result) == {(1, "file", "encoding_invalid")}


def test_json_lines_import_and_reject_by_line(world, tmp_path):
    path = tmp_path / "d.jsonl"
    lines = [
        json.dumps(row()),
        "not json",
        json.dumps(row(declaration_number="D-2", quantity=-3)),
        json.dumps({**row(declaration_number="D-3"), "colour": "red"}),
        json.dumps(row(declaration_number="D-4", quantity=12.5, customs_value=100)),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(path, "jsonl")
    assert rejects_of(result) == {
        (2, "row", "row_malformed"),
        (3, "quantity", "quantity_invalid"),
        (4, "colour", "column_unexpected"),
    }
    assert result.imported == 2
    assert DeclarationItem.objects.get(declaration__number="D-4").quantity == 12.5


def kcs_row(**changes) -> dict:
    values = dict(
        zip(
            KCS_COLUMNS,
            [
                "97061800",
                "2020-01-01",
                "30",
                "B",
                "11",
                "21",
                "11",
                "10",
                "ZZR1LT6",
                "QLRUBN9",
                "0VKY2BR",
                "",
                "440890",
                "BE",
                "BE",
                "8.0",
                "FEU1",
                "G",
                "108.0",
                "372254.4",
                "0",
                "0",
            ],
            strict=True,
        )
    )
    return {**values, **changes}


def test_kcs_rows_map_onto_declarations_with_their_fraud_labels_as_examinations(world, tmp_path):
    path = rows_csv(
        tmp_path / "kcs.csv",
        [
            kcs_row(),
            kcs_row(**{"Declaration ID": "2", "Fraud": "1", "Critical Fraud": "1"}),
            kcs_row(**{"Declaration ID": "3", "Fraud": "1", "Critical Fraud": "2", "Seller ID": ""}),
            kcs_row(**{"Declaration ID": "4", "Country of Origin": "ZZ"}),
            kcs_row(**{"Declaration ID": "7", "Country of Departure": "ZZ"}),
            kcs_row(**{"Declaration ID": "5", "Net Mass": "0.0"}),
            kcs_row(**{"Declaration ID": "6", "Fraud": "7"}),
        ],
        KCS_COLUMNS,
    )
    result = run(path, "kcs")
    assert rejects_of(result) == {
        (5, "Country of Origin", "country_unknown"),
        (6, "Country of Departure", "country_unknown"),  # once, though it is the seller's country too
        (7, "Net Mass", "quantity_invalid"),
        (8, "Fraud", "outcome_unknown"),
    }
    assert len(result.rejects) == 4
    assert result.imported == 3
    first = Declaration.objects.get(number="KCS-97061800")
    assert (first.collectorate, first.currency, first.transport_mode, first.external_office) == (
        world.collectorate,
        "KRW",
        "1",
        "30",
    )
    assert first.status == Status.EXAMINED and first.source == Source.KCS
    assert first.source_attributes["tax_type"] == "FEU1"
    item = first.items.get()
    assert (item.tariff_code, str(item.net_mass_kg), str(item.customs_value), str(item.duty_assessed)) == (
        "440890",
        "108.000",
        "372254.40",
        "29780.35",
    )
    outcomes = dict(Examination.objects.values_list("declaration__number", "outcome"))
    assert outcomes == {"KCS-97061800": Outcome.NO_DISCREPANCY, "KCS-2": Outcome.DISCREPANCY, "KCS-3": Outcome.CRITICAL}
    assert Examination.objects.get(declaration__number="KCS-2").discrepancy_type == "unspecified"
    assert Event.objects.filter(kind=CustomsEvent.EXAMINED).count() == 3
    assert Declaration.objects.get(number="KCS-3").seller is None


def test_the_command_prints_one_json_object_and_the_progress_goes_to_stderr(world, tmp_path):
    path = rows_csv(tmp_path / "d.csv", [row(), row(declaration_number="D-2", origin_country="ZZ")])
    out, err = io.StringIO(), io.StringIO()
    call_command("customs", "import", "--format", "csv", str(path), "--json", stdout=out, stderr=err)
    assert json.loads(out.getvalue()) == {
        "imported": 1,
        "skipped_existing": 0,
        "rejected": 1,
        "rejects": [
            {
                "row": 3,
                "field": "origin_country",
                "code": "country_unknown",
                "message": "Give an ISO 3166 two-letter country code.",
            }
        ],
    }


KCS_DIR = Path(settings.RABTA_SHARED_DATA_DIR) / "customs" / "kcs"


@pytest.mark.skipif(not KCS_DIR.is_dir(), reason=f"the KCS files are not here ({KCS_DIR}): set RABTA_SHARED_DATA_DIR")
def test_the_real_kcs_validation_file_imports_with_its_rejects_reported(world):
    path = KCS_DIR / "df_syn_valid_eng.csv"
    result = run(path, "kcs")
    rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
    assert result.imported + result.rejected == rows
    assert result.imported > 0.95 * rows
    assert {reject.code for reject in result.rejects} <= {
        "country_unknown",
        "quantity_invalid",
        "mass_invalid",
        "field_required",
        "value_invalid",
    }
    again = run(path, "kcs")
    assert (again.imported, again.skipped_existing) == (0, result.imported)


PARITY = [
    # (import column change, service change, the code both must give)
    ({"origin_country": "ZZ"}, {"items": [{"origin_country": "ZZ"}]}, "country_unknown"),
    ({"quantity": "-1"}, {"items": [{"quantity": "-1"}]}, "quantity_invalid"),
    ({"quantity": "0.0000001"}, {"items": [{"quantity": "0.0000001"}]}, "quantity_invalid"),
    ({"customs_value": "1e14"}, {"items": [{"customs_value": "1e14"}]}, "value_invalid"),
    ({"tariff_code": "8528"}, {"items": [{"tariff_code": "8528"}]}, "tariff_code_invalid"),
    ({"tariff_code": "8528720012345"}, {"items": [{"tariff_code": "8528720012345"}]}, "tariff_code_invalid"),
    ({"unit": "BOX"}, {"items": [{"unit": "BOX"}]}, "unit_invalid"),
    ({"currency": "XYZ"}, {"currency": "XYZ"}, "currency_unknown"),
    ({"exchange_rate": "0"}, {"exchange_rate": "0"}, "exchange_rate_invalid"),
    ({"declared_on": "2099-01-01"}, {"declared_on": "2099-01-01"}, "date_in_future"),
    ({"importer_ntn": "12AB"}, {"importer": "12AB"}, "ntn_invalid"),
    ({"collectorate": "NOWHERE"}, {"collectorate": "NOWHERE"}, "collectorate_unknown"),
    ({"arrived_at": "2099-01-01T09:00:00+05:00"}, {"arrived_at": "2099-01-01T09:00:00+05:00"}, "date_in_future"),
    ({"arrived_at": "2024-01-01T09:30:00"}, {"arrived_at": "2024-01-01T09:30:00"}, "date_invalid"),
    ({"arrived_at": "1980-01-01T09:00:00+00:00"}, {"arrived_at": "1980-01-01T09:00:00+00:00"}, "date_invalid"),
]


@pytest.mark.parametrize(("column", "body", "code"), PARITY, ids=[code for _c, _b, code in PARITY])
def test_the_import_and_the_api_refuse_the_same_input_with_the_same_code(world, tmp_path, trader, column, body, code):
    """One set of rules, two ways in: a row the import rejects is a declaration the API refuses."""
    from rabta.api.testing.matrix import signed_in
    from rabta.customs.tests.test_api import BODY

    result = run(rows_csv(tmp_path / "d.csv", [row(**column)], columns=[*COLUMNS, *WITH_ARRIVAL[len(COLUMNS) :]]))
    assert code in {reject.code for reject in result.rejects}
    payload = {**BODY, **{key: value for key, value in body.items() if key != "items"}}
    if "items" in body:
        payload["items"] = [{**BODY["items"][0], **body["items"][0]}]
    response = signed_in(trader).post("/api/customs/declarations", payload, content_type="application/json")
    assert response.status_code == 400, response.json()
    assert code in {problem["code"] for problems in response.json()["fields"].values() for problem in problems}
    assert not Declaration.objects.exists()


def test_an_import_folds_its_declarations_into_the_roll_ups_once_even_when_killed_before_the_fold(
    world, tmp_path, monkeypatch
):
    from rabta.customs.models import ImportFoldPending
    from rabta.customs.services.declarations import lane_assign
    from rabta.customs.services.rollups import rollup_rebuild
    from rabta.customs.tests.services.test_rollups import _snapshot

    path = rows_csv(tmp_path / "d.csv", [row(), row(item_number="2"), row(declaration_number="D-2")])
    with monkeypatch.context() as killed:  # the chunks committed, the run killed before its fold
        killed.setattr(imports, "imports_fold_pending", lambda **kwargs: 0)
        run(path)
    assert ImportFoldPending.objects.count() == 2  # one filed event per declaration
    # A move made meanwhile is folded by its own service; the import's fold adds only its events.
    lane_assign(declaration=Declaration.objects.get(number="D-1"), lane="green")
    again = run(path)
    assert (again.imported, again.skipped_existing) == (0, 3) and not ImportFoldPending.objects.exists()
    folded = _snapshot()
    assert folded[0]
    rollup_rebuild()
    assert _snapshot() == folded


def test_a_declaration_whose_items_are_apart_in_the_file_loads_whole_in_one_chunk(world, tmp_path):
    rows = [row(), row(declaration_number="D-2"), row(declaration_number="D-3"), row(item_number="2")]
    path = rows_csv(tmp_path / "d.csv", rows)
    frame = imports._read_csv(path, COLUMNS, [], optional=imports.OPTIONAL_COLUMNS)
    chunks = list(imports._chunks(frame, 2))  # D-1 (rows 2 and 5) whole, then D-2 and D-3
    assert [chunk["row"].to_list() for chunk in chunks] == [[2, 5], [3, 4]]
    result = run(path, chunk_rows=2)
    assert (result.imported, result.rejected) == (4, 0)
    assert list(Declaration.objects.get(number="D-1").items.values_list("item_number", flat=True)) == [1, 2]
