from __future__ import annotations

from datetime import date

import pytest

from rabta.tariff.checks import CheckItem, tariff_check, tariff_check_batch
from rabta.tariff.errors import FindingCode

pytestmark = pytest.mark.django_db
DAY = date(2024, 3, 1)


def codes(findings):
    return [finding.code for finding in findings]


def test_a_declared_line_with_its_unit_and_documents_passes(tariff):
    assert tariff_check(code="8517.1300.1002", on=DAY, unit="u", documents={"pta-type-approval "}) == []
    assert tariff_check(code="10063010", on=DAY, unit="KG ", documents=set()) == []  # the certificate is for export


@pytest.mark.parametrize(
    ("code", "unit", "documents", "expected"),
    [
        ("84x", None, set(), [FindingCode.CODE_MALFORMED]),
        ("8471301099", None, set(), [FindingCode.CODE_UNKNOWN]),
        ("85287211", "u", set(), [FindingCode.CODE_NOT_IN_FORCE]),  # ended 2023-06-30
        ("8517", None, {"PTA-TYPE-APPROVAL"}, [FindingCode.CODE_NOT_NATIONAL_LINE]),
        ("84713010", "kg", set(), [FindingCode.UNIT_MISMATCH]),
        ("04021000", "l", set(), [FindingCode.UNIT_MISMATCH, FindingCode.DOCUMENT_MISSING]),
        ("30049099", "kg", {"PTA-TYPE-APPROVAL"}, [FindingCode.DOCUMENT_MISSING]),
        ("22083000", "l", set(), [FindingCode.PROHIBITED]),
    ],
)
def test_each_kind_of_finding(tariff, code, unit, documents, expected):
    assert codes(tariff_check(code=code, on=DAY, unit=unit, documents=documents)) == expected


def test_a_finding_names_the_field_agency_and_document(tariff):
    (finding,) = tariff_check(code="30049099", on=DAY, unit=None, documents=set())
    assert (finding.field, finding.agency, finding.document) == (
        "documents",
        "Drug Regulatory Authority of Pakistan",
        "DRAP-NOC",
    )


def test_the_date_decides_code_validity_and_measures(tariff):
    # The used-car quota starts on 2023-07-01; the CKD television line ended the day before.
    assert codes(tariff_check(code="87032390", on=date(2023, 6, 30), unit="u", documents=set())) == []
    assert codes(tariff_check(code="87032390", on=date(2023, 7, 1), unit="u", documents=set())) == [
        FindingCode.DOCUMENT_MISSING
    ]
    assert tariff_check(code="85287211", on=date(2023, 6, 30), unit="u", documents=set()) == []
    assert codes(tariff_check(code="84713010", on=date(2021, 12, 31), unit="u", documents=set())) == [
        FindingCode.CODE_NOT_IN_FORCE
    ]


def test_export_measures_apply_to_exports_only(tariff):
    assert codes(tariff_check(code="10063010", on=DAY, unit="kg", documents=set(), direction="export")) == [
        FindingCode.DOCUMENT_MISSING
    ]


def test_a_batch_answers_in_order_with_the_same_three_queries_whatever_its_size(tariff, django_assert_num_queries):
    one = [CheckItem("22083000", DAY, "l")]
    many = [CheckItem(code, DAY, "u") for code in ("84713010", "22083000", "9999", "85287211") * 250]
    with django_assert_num_queries(3):
        tariff_check_batch(one)
    with django_assert_num_queries(3):
        results = tariff_check_batch(many)
    assert len(results) == 1000
    assert [codes(found) for found in results[:4]] == [
        [],
        [FindingCode.UNIT_MISMATCH, FindingCode.PROHIBITED],
        [FindingCode.CODE_UNKNOWN],
        [FindingCode.CODE_NOT_IN_FORCE],
    ]


def test_a_batch_of_only_malformed_codes_asks_the_database_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert codes(tariff_check_batch([CheckItem("abc", DAY)])[0]) == [FindingCode.CODE_MALFORMED]
