from __future__ import annotations

from datetime import date

import pytest

from rabta.core.errors import DomainError, NotFound
from rabta.tariff.selectors import tariff_history, tariff_in_force, tariff_search

pytestmark = pytest.mark.django_db


def test_the_most_specific_rate_wins_and_higher_ones_are_inherited(tariff):
    found = tariff_in_force("851713001002", on=date(2024, 1, 1))
    rates = {rate.duty: (rate.code.code, rate.percent, rate.amount) for rate in found.rates}
    assert rates == {"rd": ("851713001002", None, 3200), "st": ("85171300", 25, None)}
    assert [measure.document for measure in found.measures] == ["PTA-TYPE-APPROVAL"]  # set on heading 8517
    assert [code.code for code in found.ancestors] == ["85", "8517", "851713", "85171300", "8517130010"]


def test_the_tariff_of_any_past_day_can_be_read(tariff):
    def sales_tax(day):
        return next(rate.percent for rate in tariff_in_force("84713010", on=day).rates if rate.duty == "st")

    assert (sales_tax(date(2022, 6, 30)), sales_tax(date(2022, 7, 1))) == (17, 18)
    assert tariff_in_force("85287211", on=date(2024, 1, 1)).in_force is False
    assert tariff_in_force("85287211", on=date(2023, 1, 1)).in_force is True


def test_history_lists_every_rate_ever_set_on_the_line_and_above(tariff):
    rates, measures = tariff_history(tariff_in_force("84713010", on=date(2024, 1, 1)).code)
    assert [(rate.duty, str(rate.valid_from)) for rate in rates if rate.duty == "st"] == [
        ("st", "2022-07-01"),
        ("st", "2022-01-01"),
    ]
    assert measures == []


def test_unknown_code_is_not_found_and_a_malformed_one_names_the_field(tariff):
    with pytest.raises(NotFound):
        tariff_in_force("99999999", on=date(2024, 1, 1))
    with pytest.raises(DomainError) as malformed:
        tariff_in_force("12ab", on=date(2024, 1, 1))
    assert malformed.value.fields["code"][0]["code"] == "code_malformed"


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("8471.30", "847130"),
        ("8471 3010", "84713010"),
        ("۸۴۷۱۳۰۱۰", "84713010"),  # Urdu digits
        ("LAPTOP", "84713010"),
        ("lapt", "84713010"),  # a partial word
        ("smart phone value", "851713001001"),
        ("لیپ ٹاپ", "847130"),
        ("ليپ ٹاپ", "847130"),  # typed with the Arabic yeh
        ("اسمارٹ", "851713"),
    ],
)
def test_search_by_code_prefix_or_words_in_either_language(tariff, query, first):
    assert tariff_search(query)[0].code == first


def test_search_needs_every_word_and_can_keep_to_codes_in_force(tariff):
    assert [code.code for code in tariff_search("television ckd")] == ["85287211"]
    assert tariff_search("television ckd", on=date(2024, 1, 1)) == []
    assert tariff_search("zebra laptops") == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "query_empty"),
        ("  ;; ", "query_empty"),
        ("a " * 150, "query_too_long"),
        ("a b c d e f g h i", "query_too_long"),
    ],
)
def test_bad_queries_name_the_field(db, query, code):
    with pytest.raises(DomainError) as refused:
        tariff_search(query)
    assert refused.value.fields["q"][0]["code"] == code
