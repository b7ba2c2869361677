"""Links to risk management and the list's exports: a declaration shows the approved incidents
naming its parties to a reader of both, never to the trader and never a draft or a report under
review; the list of reports downloads with its filters."""

from __future__ import annotations

import csv
import io

import pytest

from rabta.api.testing.matrix import signed_in
from rabta.customs.tests import conftest as customs_conftest
from rabta.enforcement.services import PartyInput, incident_approve, incident_draft, incident_submit
from rabta.enforcement.tests.conftest import incident_input

pytestmark = pytest.mark.django_db
filed = customs_conftest.filed
trader = customs_conftest.trader
TRADER_NTN = customs_conftest.TRADER_NTN


def _naming_trader(staff, *, approve=True, submit=True):
    incident = incident_draft(
        actor=staff.reporter, data=incident_input(parties=[PartyInput(role="importer", identifier=TRADER_NTN)])
    )
    if submit:
        incident_submit(actor=staff.reporter, incident=incident)
    if approve:
        incident_approve(actor=staff.supervisor, incident=incident)
    return incident


def test_a_declaration_lists_only_approved_incidents_to_a_reader_of_both(staff, filed, trader):
    approved = _naming_trader(staff)
    draft = _naming_trader(staff, approve=False, submit=False)
    submitted = _naming_trader(staff, approve=False)
    url = f"/api/enforcement/declarations/{filed.number}/incidents"
    for reader in (staff.manager, staff.analyst):
        rows = signed_in(reader).get(url).json()
        assert [r["reference"] for r in rows] == [approved.reference], reader
    page = signed_in(staff.manager).get(f"/en/customs/declarations/{filed.number}/").content.decode()
    assert approved.reference in page
    assert draft.reference not in page and submitted.reference not in page
    # The trader reads their own declaration, never the incidents naming them.
    assert signed_in(trader).get(url).status_code == 403
    own = signed_in(trader).get(f"/en/customs/declarations/{filed.number}/").content.decode()
    assert approved.reference not in own and "Enforcement incidents naming its parties" not in own
    # Someone who cannot read the declaration: 404, whatever incidents they see.
    assert signed_in(staff.quetta_officer).get(url).status_code == 404


def test_the_list_downloads_with_its_filters(staff):
    seizure = incident_draft(actor=staff.reporter, data=incident_input())
    narcotics = incident_draft(actor=staff.reporter, data=incident_input(incident_type="narcotics"))
    client = signed_in(staff.reporter)
    response = client.get("/en/enforcement/incidents/export/", {"format": "csv", "type": "narcotics"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('incidents.csv"')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r["Reference"] for r in rows] == [narcotics.reference]
    page = client.get("/en/enforcement/incidents/", {"type": "narcotics"}).content.decode()
    assert narcotics.reference in page and seizure.reference not in page
    assert "type=narcotics&amp;format=xlsx" in page
    excel = client.get("/en/enforcement/incidents/export/", {"format": "xlsx"})
    assert excel.status_code == 200 and excel["Content-Disposition"].endswith('incidents.xlsx"')
    # Another formation's officer exports nothing of these drafts; an outsider gets 404.
    other = signed_in(staff.quetta_officer).get("/en/enforcement/incidents/export/", {"format": "csv"})
    assert b"".join(other.streaming_content).decode("utf-8-sig").count("\n") == 1
    assert signed_in(staff.outsider).get("/en/enforcement/incidents/export/", {"format": "csv"}).status_code == 404
    assert client.get("/en/enforcement/incidents/export/", {"format": "pdf"}).status_code == 400
