import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rabta.core.errors import DomainError, Forbidden, Unprocessable
from rabta.core.models import Event
from rabta.exchange import formats, services, wco
from rabta.exchange.models import (
    Agreement,
    BankRequest,
    ExchangeLog,
    ImportReject,
    MirrorFinding,
    PartnerDeclaration,
    PartnerGoodsItem,
)
from rabta.exchange.tests.conftest import ALL_DECLARATION_FIELDS, agreement_for, export_text

pytestmark = pytest.mark.django_db
PERIOD = {"period_from": date(2026, 11, 1), "period_to": date(2026, 11, 30)}


def test_an_agreement_with_a_field_outside_its_datasets_is_refused_and_nothing_is_saved(exchange_officer):
    with pytest.raises(DomainError) as caught:
        agreement_for(exchange_officer, fields=["reference", "incident_type"])
    assert caught.value.fields["fields"][0]["code"] == "exchange_field_unknown"
    with pytest.raises(DomainError):
        agreement_for(exchange_officer, country="XX")
    with pytest.raises(DomainError):
        agreement_for(exchange_officer, valid_to=date(2025, 1, 1))
    assert Agreement.objects.count() == 0


def test_only_an_exchange_officer_makes_agreements(officer_a):
    with pytest.raises(Forbidden):
        agreement_for(officer_a)


def test_an_export_holds_the_agreed_declarations_in_wco_elements_and_is_logged(exchange_officer, declarations):
    agreement = agreement_for(exchange_officer)
    export = services.exchange_export(actor=exchange_officer, agreement=agreement, **PERIOD)
    text = export_text(export)
    document = json.loads(text)
    rows = document["Declaration"]
    assert [row["FunctionalReferenceID"] for row in rows] == ["KAPE-HC-1001-01122026", "KAPE-HC-1002-01122026"]
    goods = rows[1]["GoodsShipment"]["GovernmentAgencyGoodsItem"]
    assert goods[1]["Classification"]["ID"] == "85171300"
    assert goods[1]["CustomsValueAmount"] == "1000.50"
    assert goods[0]["Origin"]["CountryCode"] == "CN"
    log = ExchangeLog.objects.get()
    assert (log.direction, log.rows, log.period_from, log.actor) == ("export", 2, date(2026, 11, 1), exchange_officer)
    import hashlib

    assert log.checksum == hashlib.sha256(text.encode()).hexdigest()
    assert (
        Event.objects.filter(kind="exchange.exported", subject_id=str(log.pk)).exists()
        or Event.objects.filter(kind="exchange.exported").count() == 1
    )


def test_an_export_to_another_partner_holds_none_of_these_declarations(exchange_officer, declarations):
    agreement = agreement_for(exchange_officer, country="TR")
    document = json.loads(export_text(services.exchange_export(actor=exchange_officer, agreement=agreement, **PERIOD)))
    assert document["Declaration"] == []


def test_an_export_outside_the_agreement_is_refused_before_anything_is_written(exchange_officer, declarations):
    draft = agreement_for(exchange_officer, status="draft")
    with pytest.raises(Unprocessable):
        services.exchange_export(actor=exchange_officer, agreement=draft, **PERIOD)
    agreement = agreement_for(exchange_officer)
    with pytest.raises(DomainError):
        services.exchange_export(
            actor=exchange_officer, agreement=agreement, period_from=date(2025, 1, 1), period_to=date(2025, 2, 1)
        )
    with pytest.raises(DomainError):
        services.exchange_export(actor=exchange_officer, agreement=agreement, dataset="incidents", **PERIOD)
    assert ExchangeLog.objects.count() == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    fields=st.sets(st.sampled_from(ALL_DECLARATION_FIELDS), min_size=1),
    file_format=st.sampled_from(["json", "xml"]),
)
def test_a_partner_gets_no_element_outside_its_agreement(exchange_officer, declarations, fields, file_format):
    agreement = agreement_for(exchange_officer, fields=sorted(fields))
    text = export_text(
        services.exchange_export(actor=exchange_officer, agreement=agreement, file_format=file_format, **PERIOD)
    )
    document = json.loads(text) if file_format == "json" else formats.xml_document(text.encode())
    allowed = {wco.field_path(wco.FIELDS[key]) for key in fields}
    seen = {path for record in document["Declaration"] for path in wco.leaf_paths(record)}
    assert seen <= allowed
    # Every agreed field with a value is there (the declarations have every one).
    assert seen == allowed


def test_a_round_trip_gives_the_same_values(exchange_officer, declarations):
    agreement = agreement_for(exchange_officer)
    for file_format in ("json", "xml"):
        text = export_text(
            services.exchange_export(actor=exchange_officer, agreement=agreement, file_format=file_format, **PERIOD)
        )
        stored = services.partner_import(
            actor=exchange_officer, agreement=agreement, data=text.encode(), file_format=file_format
        )
        assert stored.status == "accepted", list(stored.rejects.values())
        for declaration in declarations:
            partner = PartnerDeclaration.objects.get(partner_import=stored, reference=declaration.number)
            assert (partner.issue_date, partner.currency, partner.type_code) == (
                declaration.declared_on,
                declaration.currency,
                declaration.regime,
            )
            ours = [
                (
                    i.item_number,
                    i.tariff_code,
                    i.origin_country,
                    i.departure_country,
                    i.quantity,
                    i.net_mass_kg,
                    i.customs_value,
                    i.description,
                    i.unit,
                )
                for i in declaration.items.order_by("item_number")
            ]
            theirs = [
                (
                    i.sequence,
                    i.tariff_code,
                    i.origin_country,
                    i.export_country,
                    i.quantity,
                    i.net_mass_kg,
                    i.value,
                    i.description,
                    i.unit,
                )
                for i in partner.items.order_by("sequence")
            ]
            assert ours == theirs
        # The same values on both sides: no mirror finding.
        assert stored.findings == 0
    assert ExchangeLog.objects.filter(direction="import").count() == 2


def _partner_file(value="2500000.00", reference="KAPE-HC-1001-01122026", code="85287200", day="2026-11-30"):
    return json.dumps(
        {
            "Declaration": [
                {
                    "FunctionalReferenceID": reference,
                    "IssueDateTime": day,
                    "TypeCode": "EX",
                    "CurrencyTypeCode": "USD",
                    "GoodsShipment": {
                        "GovernmentAgencyGoodsItem": [
                            {"SequenceNumeric": 1, "Classification": {"ID": code}, "CustomsValueAmount": value}
                        ]
                    },
                }
            ]
        }
    ).encode()


def test_a_shipment_declared_far_below_the_partners_export_value_is_a_mirror_finding(exchange_officer, declarations):
    agreement = agreement_for(exchange_officer)
    stored = services.partner_import(
        actor=exchange_officer, agreement=agreement, data=_partner_file(value="4000000"), file_format="json"
    )
    finding = MirrorFinding.objects.get(partner_import=stored)
    assert (finding.basis, finding.declaration, finding.gap_percent) == ("shipment", declarations[0], Decimal("-37.50"))
    assert stored.findings == 1
    within = services.partner_import(
        actor=exchange_officer, agreement=agreement, data=_partner_file(value="2600000"), file_format="json"
    )
    assert within.findings == 0  # 3.8 % apart: within the agreement's 10 %


def test_a_mirror_finding_reaches_value_control_the_declaration_check_and_a_banks_summary(
    exchange_officer, bank_agreement, declarations, customs_manager
):
    from rabta.risk.models_valuation import OutsideValueFinding
    from rabta.risk.valuation import declaration_value

    agreement = agreement_for(exchange_officer)
    stored = services.partner_import(
        actor=exchange_officer, agreement=agreement, data=_partner_file(value="4000000"), file_format="json"
    )
    mirror = MirrorFinding.objects.get(partner_import=stored)
    kept = OutsideValueFinding.objects.get()
    assert (kept.source, kept.source_key, kept.declaration, kept.finding, kept.gap_percent) == (
        "mirror",
        f"exchange.mirror:{mirror.pk}",
        declarations[0],
        "mirror_below",
        Decimal("-37.50"),
    )
    shown = declaration_value(user=customs_manager, number=declarations[0].number).outside_findings
    assert [(f["finding"], f["partner_country"], f["gap_percent"]) for f in shown] == [("mirror_below", "CN", -37.5)]
    answer = services.bank_request_answer(actor=exchange_officer, agreement=bank_agreement, ntn="1234567-8").answer
    assert answer["value_control"]["outside_findings"] == answer["mirror_checks"]["findings"] == 1
    assert answer["value_control"]["outside_by_kind"] == {"mirror_below": 1}


def test_a_period_mirror_finding_reaches_value_control_without_a_declaration(exchange_officer, declarations):
    from rabta.risk.models_valuation import OutsideValueFinding

    agreement = agreement_for(exchange_officer)
    services.partner_import(
        actor=exchange_officer,
        agreement=agreement,
        data=_partner_file(reference="CN-EXP-78", value="9000000", day="2026-11-12"),
        file_format="json",
    )
    kept = OutsideValueFinding.objects.get()
    assert (kept.basis, kept.declaration, kept.hs6, kept.month) == ("period", None, "852872", date(2026, 11, 1))


def test_an_unmatched_partner_declaration_is_compared_by_month_code_and_partner(exchange_officer, declarations):
    agreement = agreement_for(exchange_officer)
    stored = services.partner_import(
        actor=exchange_officer,
        agreement=agreement,
        data=_partner_file(reference="CN-EXP-77", value="9000000", day="2026-11-12"),
        file_format="json",
    )
    finding = MirrorFinding.objects.get(partner_import=stored)
    # Rabta's November imports of HS 852872 from China: two items of 2,500,000.
    assert (finding.basis, finding.hs6, finding.month, finding.import_value) == (
        "period",
        "852872",
        date(2026, 11, 1),
        Decimal("5000000.00"),
    )


BAD_FILES = {
    "not json": (b"{nope", "json", [(0, "exchange_file_unreadable")]),
    "entity": (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><WCODataExchange/>',
        "xml",
        [(0, "exchange_xml_entities_refused")],
    ),
    "no rows": (b'{"Declaration": []}', "json", [(0, "required")]),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_an_unreadable_file_is_rejected_whole(exchange_officer, agreement, name):
    data, file_format, expected = BAD_FILES[name]
    stored = services.partner_import(actor=exchange_officer, agreement=agreement, data=data, file_format=file_format)
    assert stored.status == "rejected"
    assert [(r.row, r.code) for r in stored.rejects.all()] == expected
    assert PartnerDeclaration.objects.count() == 0


def test_a_file_failing_its_schema_reports_every_rejected_row_and_saves_no_declaration(exchange_officer, agreement):
    good = json.loads(_partner_file())["Declaration"][0]
    bad_value = json.loads(json.dumps(good)) | {"FunctionalReferenceID": "B-2"}
    bad_value["GoodsShipment"]["GovernmentAgencyGoodsItem"][0]["CustomsValueAmount"] = "-5"
    no_date = {k: v for k, v in good.items() if k != "IssueDateTime"} | {"FunctionalReferenceID": "B-3"}
    stray = good | {"FunctionalReferenceID": "B-4", "Importer": {"Name": "x"}}
    data = json.dumps({"Declaration": [good, bad_value, no_date, stray]}).encode()
    stored = services.partner_import(actor=exchange_officer, agreement=agreement, data=data, file_format="json")
    assert stored.status == "rejected"
    assert stored.rejected == 3
    assert sorted((r.row, r.field, r.code) for r in ImportReject.objects.filter(partner_import=stored)) == [
        (2, "customs_value", "bad_value"),
        (3, "issue_date", "required"),
        (4, "", "unexpected_element"),
    ]
    assert ImportReject.objects.get(partner_import=stored, row=4).element == "Declaration/Importer/Name"
    assert PartnerDeclaration.objects.count() == PartnerGoodsItem.objects.count() == 0
    assert not ExchangeLog.objects.filter(direction="import").exists()


def test_a_bank_gets_counts_never_declarations(exchange_officer, bank_agreement, declarations):
    from rabta.risk.models_valuation import ValueCheck

    ValueCheck.objects.create(
        declaration=declarations[0], finding="far_below_band", items=[], checked_at="2026-12-01T00:00:00Z"
    )
    request = services.bank_request_answer(
        actor=exchange_officer, agreement=bank_agreement, ntn="1234567-8", bank_reference="STR-9"
    )
    answer = request.answer
    assert answer["known_trader"] is True
    assert answer["value_control"] == {
        "declarations_checked": 1,
        "findings": 1,
        "by_kind": {"far_below_band": 1},
        "first_month": "2026-11",
        "last_month": "2026-11",
        "outside_findings": 0,
        "outside_by_kind": {},
        "outside_first_month": None,
        "outside_last_month": None,
    }
    text = json.dumps(answer)
    for declaration in declarations:
        assert declaration.number not in text
    assert "1234567" not in text and "Bilal" not in text
    assert "1234567" not in json.dumps(list(BankRequest.objects.values("ntn_hash", "ntn_last4", "bank_reference")))
    assert ExchangeLog.objects.filter(direction="bank_request", agreement=bank_agreement).count() == 1


def test_a_bank_request_with_a_bad_ntn_or_on_another_agreement_records_nothing(
    exchange_officer, bank_agreement, agreement
):
    with pytest.raises(DomainError):
        services.bank_request_answer(actor=exchange_officer, agreement=bank_agreement, ntn="12")
    with pytest.raises(DomainError):
        services.bank_request_answer(actor=exchange_officer, agreement=agreement, ntn="1234567-8")
    assert BankRequest.objects.count() == ExchangeLog.objects.count() == 0


def test_an_unknown_trader_gets_the_same_empty_summary(exchange_officer, bank_agreement):
    answer = services.bank_request_answer(actor=exchange_officer, agreement=bank_agreement, ntn="7654321-0").answer
    assert answer["known_trader"] is False
    assert answer["incidents"]["count"] == answer["value_control"]["findings"] == 0
