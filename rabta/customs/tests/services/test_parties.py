"""The single KYC registry: one party per NTN, licence or foreign name and country, identifiers
encrypted with a keyed look-up hash, and a trader's account being the same party as its NTN."""

from __future__ import annotations

import pytest
from django.db import connection

from rabta.core.errors import DomainError
from rabta.core.models import Event
from rabta.customs.choices import PartyKind, PartyScheme
from rabta.customs.errors import CustomsError
from rabta.customs.events import CustomsEvent
from rabta.customs.models import Party
from rabta.customs.services.parties import PartyRef, party_for_account, party_register
from rabta.customs.tests.conftest import TRADER_NTN, give_ntn

pytestmark = pytest.mark.django_db


def test_an_ntn_written_two_ways_is_one_party_with_one_event():
    first = party_register(ref=PartyRef(kind=PartyKind.TRADER, identifier="1234567-8", name="Bilal"))
    again = party_register(ref=PartyRef(kind=PartyKind.TRADER, identifier=" 12345678 ", name="Bilal & Co"))
    assert again.pk == first.pk
    assert Party.objects.count() == 1
    assert Event.objects.filter(kind=CustomsEvent.PARTY_REGISTERED, subject_id=str(first.pk)).count() == 1


def test_the_identifier_is_stored_encrypted_and_found_by_its_hash():
    party = party_register(ref=PartyRef(kind=PartyKind.TRADER, identifier="1234567-8"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT identifier, identifier_hash FROM customs_party WHERE id = %s", [party.pk])
        stored, digest = cursor.fetchone()
    assert "1234567" not in stored and "1234567" not in digest
    assert Party.objects.get(pk=party.pk).identifier == "1234567-8"
    assert party.masked == "****67-8"


@pytest.mark.parametrize(
    ("ref", "field", "code"),
    [
        (PartyRef(kind=PartyKind.TRADER, identifier="12345"), "importer", CustomsError.NTN_INVALID),
        (PartyRef(kind=PartyKind.TRADER, identifier="ABCDEFG-8"), "importer", CustomsError.NTN_INVALID),
        (PartyRef(kind=PartyKind.CLEARING_AGENT, identifier="x"), "importer", CustomsError.LICENCE_INVALID),
        (PartyRef(kind=PartyKind.FOREIGN_TRADER, name="", country="CN"), "importer_name", CustomsError.NAME_REQUIRED),
        (PartyRef(kind=PartyKind.FOREIGN_TRADER, name="Acme", country="XX"), "importer_country", "country_unknown"),
    ],
)
def test_a_bad_identifier_names_its_field_and_registers_nothing(ref, field, code):
    with pytest.raises(DomainError) as caught:
        party_register(ref=ref, field="importer")
    assert caught.value.fields[field][0]["code"] == code
    assert Party.objects.count() == 0


def test_a_foreign_seller_is_one_party_per_name_and_country_whatever_the_spelling():
    acme = party_register(ref=PartyRef(kind=PartyKind.FOREIGN_TRADER, name="ACME  Trading", country="cn"))
    same = party_register(ref=PartyRef(kind=PartyKind.FOREIGN_TRADER, name="acme trading", country="CN"))
    elsewhere = party_register(ref=PartyRef(kind=PartyKind.FOREIGN_TRADER, name="Acme Trading", country="DE"))
    assert same.pk == acme.pk != elsewhere.pk
    assert acme.scheme == PartyScheme.NAME and acme.country == "CN"


def test_a_clearing_agent_licence_is_its_own_namespace():
    agent = party_register(ref=PartyRef(kind=PartyKind.CLEARING_AGENT, identifier="chal-1234/khi"))
    assert agent.identifier == "CHAL-1234/KHI"
    trader = party_register(ref=PartyRef(kind=PartyKind.TRADER, identifier="1234567-8"))
    assert trader.pk != agent.pk


def test_an_identifier_of_another_kind_is_refused():
    party_register(ref=PartyRef(kind=PartyKind.TRADER, identifier="X1", scheme=PartyScheme.EXTERNAL))
    other = party_register(ref=PartyRef(kind=PartyKind.CLEARING_AGENT, identifier="X1", scheme=PartyScheme.EXTERNAL))
    assert other.kind == PartyKind.CLEARING_AGENT  # external references are per kind
    party_register(ref=PartyRef(kind=PartyKind.TRADER, identifier="1234567-8"))
    with pytest.raises(DomainError) as caught:
        party_register(ref=PartyRef(kind=PartyKind.CLEARING_AGENT, identifier="1234567-8", scheme=PartyScheme.NTN))
    assert caught.value.fields["identifier"][0]["code"] == CustomsError.PARTY_KIND_MISMATCH


def test_a_trader_account_is_the_party_its_verified_ntn_names(trader):
    on_declarations = party_register(ref=PartyRef(kind=PartyKind.TRADER, identifier="12345678", name="Bilal"))
    assert party_for_account(user=trader).pk == on_declarations.pk
    assert Party.objects.count() == 1


def test_an_account_registered_first_becomes_the_party_declarations_later_name(trader):
    party = party_for_account(user=trader)
    assert party is not None and party.identifier == TRADER_NTN and party.name == "Bilal Traders"
    assert party_register(ref=PartyRef(kind=PartyKind.TRADER, identifier=TRADER_NTN)).pk == party.pk
    assert Party.objects.count() == 1


def test_an_unverified_ntn_claim_is_no_party(citizen):
    give_ntn(citizen, TRADER_NTN, verified=False)
    assert party_for_account(user=citizen) is None
    assert Party.objects.count() == 0
