"""The enforcement pages: an officer files an incident (errors beside their fields, nothing
saved), submits it, a supervisor finds it in the review queue and approves it or sends it back with
reasons, the trends page and its exports count it at once; the case moves on and amendments show
on the report's page. Outside a reader's scope every page is 404."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from rabta.api.testing.matrix import signed_in
from rabta.customs.tests import conftest as customs_conftest
from rabta.enforcement.models import Incident
from rabta.enforcement.services import PartyInput, incident_approve, incident_draft, incident_submit
from rabta.enforcement.tests.conftest import incident_input
from rabta.risk.models import RiskProfile, RiskRule

pytestmark = pytest.mark.django_db

# A filed declaration whose importer is the trader's KYC party (customs' fixtures).
filed = customs_conftest.filed
trader = customs_conftest.trader
TRADER_NTN = customs_conftest.TRADER_NTN

LIST = "/en/enforcement/incidents/"
NEW = "/en/enforcement/incidents/new/"
REVIEW = "/en/enforcement/review/"
TRENDS = "/en/enforcement/trends/"


@pytest.fixture(autouse=True)
def _translations():
    call_command("compile_translations", verbosity=0)


def page(reference: str, lang: str = "en") -> str:
    return f"/{lang}/enforcement/incidents/{reference}/"


def form_data(**overrides):
    data = {
        "formation": "FED-CUS-APP-KHI-ASO",
        "occurred_on": str(timezone.localdate() - timedelta(days=1)),
        "incident_type": "seizure",
        "modus_operandi": "concealment_cargo",
        "description": "Mobile phones among declared crockery at the port.",
        "place": "PK-SD-KHI",
        "location": "East Wharf",
        "route": "Karachi Port",
        "latitude": "24.84",
        "longitude": "66.99",
        "conveyance_kind": "container",
        "conveyance_reference": "MSCU1234567",
        "declarations": "",
        "goods_0_tariff_code": "85171300",
        "goods_0_description": "Smartphones",
        "goods_0_quantity": "40",
        "goods_0_unit": "NMB",
        "goods_0_value": "2000000",
        "goods_0_origin_country": "CN",
        "parties_0_role": "carrier",
        "parties_0_name": "Sea Lines",
        "parties_0_country": "AE",
    }
    return {**data, **overrides}


def approved(staff, **overrides) -> Incident:
    incident = incident_draft(actor=staff.reporter, data=incident_input(**overrides))
    incident_submit(actor=staff.reporter, incident=incident)
    return incident_approve(actor=staff.supervisor, incident=incident)


def test_an_officer_files_a_draft_with_every_field(staff):
    client = signed_in(staff.reporter)
    form = client.get(NEW).content.decode()
    assert 'name="goods_0_tariff_code"' in form and 'name="parties_0_identifier"' in form
    response = client.post(NEW, form_data())
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == page(incident.reference)
    assert incident.review_status == "draft" and incident.place.code == "PK-SD-KHI"
    assert incident.route == "Karachi Port" and str(incident.latitude) == "24.840000"
    assert incident.conveyance_reference == "MSCU1234567"
    goods = incident.goods.get()
    assert (goods.tariff_code, goods.quantity, goods.value) == ("85171300", 40, 2000000)
    assert incident.parties.get().name == "Sea Lines"
    body = client.get(page(incident.reference)).content.decode()
    assert "Smartphones" in body and "Submit for review" in body and "Edit the draft" in body


def test_bad_input_is_named_beside_its_field_and_nothing_is_saved(staff):
    future = str(timezone.localdate() + timedelta(days=3))
    response = signed_in(staff.reporter).post(
        NEW,
        form_data(occurred_on=future, goods_0_tariff_code="12", goods_0_quantity="-1", latitude="24.8", longitude=""),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["occurred_on"] and form.errors["goods_0_tariff_code"] and form.errors["goods_0_quantity"]
    assert "There is a problem" in response.content.decode()
    assert Incident.objects.count() == 0


def test_submit_review_queue_approve_and_the_trends_count_it(staff):
    reporter, supervisor, analyst = signed_in(staff.reporter), signed_in(staff.supervisor), signed_in(staff.analyst)
    reporter.post(NEW, form_data())
    incident = Incident.objects.get()
    assert supervisor.get(page(incident.reference)).status_code == 404  # a draft is the reporter's alone
    reporter.post(page(incident.reference), {"move": "submit"})
    assert incident.reference in supervisor.get(REVIEW).content.decode()
    assert incident.reference not in signed_in(staff.quetta_supervisor).get(REVIEW).content.decode()
    assert "Approve the report" not in reporter.get(page(incident.reference)).content.decode()  # four eyes
    response = supervisor.post(page(incident.reference), {"move": "approve"})
    assert response.status_code == 302 and response["Location"] == REVIEW
    incident.refresh_from_db()
    assert incident.review_status == "approved" and incident.approved_by == staff.supervisor
    trends = analyst.get(TRENDS, {"by": "route"})
    assert trends.status_code == 200
    rows = trends.context["points"]
    assert [(r["value"], r["incidents"]) for r in rows] == [("Karachi Port", 1)]
    assert "Karachi South" in trends.content.decode()  # the district grid
    assert analyst.get(TRENDS, {"by": "type"}).context["points"][0]["value"] == "Seizure"


def test_a_supervisor_sends_a_report_back_with_reasons_beside_the_field(staff):
    incident = incident_draft(actor=staff.reporter, data=incident_input())
    incident_submit(actor=staff.reporter, incident=incident)
    supervisor = signed_in(staff.supervisor)
    refused = supervisor.post(page(incident.reference), {"move": "return", "reason": ""})
    assert refused.status_code == 400 and refused.context["moves"]["return"].errors["reason"]
    supervisor.post(page(incident.reference), {"move": "return", "reason": "Add the container number."})
    incident.refresh_from_db()
    assert incident.review_status == "draft"
    body = signed_in(staff.reporter).get(page(incident.reference)).content.decode()
    assert "Add the container number." in body  # the timeline carries the reasons


def test_the_reporter_edits_a_draft(staff):
    incident = incident_draft(actor=staff.reporter, data=incident_input())
    client = signed_in(staff.reporter)
    edit = f"/en/enforcement/incidents/{incident.reference}/edit/"
    assert "Smartphones in a false floor" in client.get(edit).content.decode()
    client.post(edit, form_data(description="Corrected before review."))
    incident.refresh_from_db()
    assert incident.description == "Corrected before review."
    assert signed_in(staff.colleague).get(edit).status_code == 404


def test_the_case_moves_on_and_an_amendment_shows_with_its_reasons(staff):
    incident = approved(staff)
    supervisor = signed_in(staff.supervisor)
    backwards = supervisor.post(
        page(incident.reference),
        {"move": "case", "case_status": "adjudicated", "outcome": "fine", "fine_amount": "", "reason": "Decided"},
    )
    assert backwards.status_code == 400 and backwards.context["moves"]["case"].errors["fine_amount"]
    supervisor.post(
        page(incident.reference),
        {"move": "case", "case_status": "adjudicated", "outcome": "fine", "fine_amount": "50000", "reason": "Decided"},
    )
    incident.refresh_from_db()
    assert (incident.case_status, incident.case_outcome, incident.fine_amount) == ("adjudicated", "fine", 50000)
    supervisor.post(
        page(incident.reference),
        {
            "move": "amend",
            "description": incident.description,
            "location": "Karachi toll plaza",
            "route": "Chaman-Quetta",
            "modus_operandi": incident.modus_operandi,
            "reason": "The route was misread.",
        },
    )
    incident.refresh_from_db()
    assert incident.route == "Chaman-Quetta"
    body = supervisor.get(page(incident.reference)).content.decode()
    assert "The route was misread." in body and "Chaman-Karachi → Chaman-Quetta" in body


def test_the_trend_exports_are_csv_and_excel(staff):
    approved(staff)
    analyst = signed_in(staff.analyst)
    response = analyst.get("/en/enforcement/trends/export/trend/", {"by": "origin", "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Month", "Value", "Incidents", "Value of goods (PKR)"]
    assert rows[1][1:3] == ["CN", "1"]
    excel = analyst.get("/en/enforcement/trends/export/movers/", {"by": "origin", "format": "xlsx"})
    assert excel.status_code == 200 and excel["Content-Type"].startswith("application/vnd.openxmlformats")
    assert analyst.get("/en/enforcement/trends/export/trend/", {"format": "pdf"}).status_code == 400


def test_the_urdu_pages_are_right_to_left_and_translated(staff):
    incident = approved(staff)
    body = signed_in(staff.supervisor).get(page(incident.reference, "ur")).content.decode()
    assert 'dir="rtl"' in body and "Incident report" not in body
    trends = signed_in(staff.analyst).get("/ur/enforcement/trends/").content.decode()
    assert "Incident trends" not in trends


def test_an_approved_incident_counts_at_once_in_the_risk_profiles_of_what_it_names(staff, filed):
    importer = filed.importer_id
    approved(staff, parties=[PartyInput(role="importer", identifier=TRADER_NTN)])
    profiles = {(p.key, p.value): p.incidents for p in RiskProfile.objects.filter(incidents__gt=0)}
    assert profiles[("importer", str(importer))] == 1
    assert profiles[("code", "851713")] == 1 and profiles[("origin", "CN")] == 1
    assert profiles[("importer+code", f"{importer}|851713")] == 1 and profiles[("code+origin", "851713|CN")] == 1
    assert profiles[("route", "Chaman-Karachi")] == 1
    approved(staff, route="")
    assert RiskProfile.objects.get(key="code", value="851713").incidents == 2
    assert RiskProfile.objects.get(key="route", value="Chaman-Karachi").incidents == 1


def test_an_analyst_drafts_a_rule_from_an_incident_back_tests_and_saves_it(staff, filed):
    incident = approved(staff, parties=[PartyInput(role="importer", identifier=TRADER_NTN)])
    analyst = signed_in(staff.analyst)
    rule_page = f"/en/enforcement/incidents/{incident.reference}/rule/"
    assert "Draft a risk rule from this incident" in analyst.get(page(incident.reference)).content.decode()
    form = analyst.get(rule_page).context["form"]
    condition = form.initial["condition"]
    assert filed.importer.identifier_hash in condition and 'startswith(code, "851713")' in condition
    assert 'origin in ["CN"]' in condition
    data = {
        "name": form.initial["name"],
        "condition": condition,
        "lane": "red",
        "percentage": "100",
        "start": str(timezone.localdate() - timedelta(days=365)),
        "end": str(timezone.localdate()),
    }
    tested = analyst.post(rule_page, {**data, "action": "backtest"})
    assert tested.status_code == 200 and tested.context["result"].declarations >= 1
    bad = analyst.post(rule_page, {**data, "condition": "importer ==", "action": "save"})
    assert bad.status_code == 400 and bad.context["form"].errors["condition"] and not RiskRule.objects.exists()
    saved = analyst.post(rule_page, {**data, "action": "save"})
    assert saved.status_code == 302 and RiskRule.objects.get().condition == condition
    # Only an analyst drafts rules; a supervisor who sees the report gets 404.
    assert signed_in(staff.supervisor).get(rule_page).status_code == 404


def test_a_declaration_shows_the_incidents_naming_its_parties_to_who_sees_both(staff, filed):
    incident = approved(staff, parties=[PartyInput(role="importer", identifier=TRADER_NTN)])
    declaration = f"/en/customs/declarations/{filed.number}/"
    body = signed_in(staff.manager).get(declaration).content.decode()
    assert "Enforcement incidents naming its parties" in body and incident.reference in body


@pytest.mark.parametrize(
    "who", ["outsider", "quetta_officer", "quetta_supervisor", "colleague_draft", "manager_draft", "anonymous"]
)
def test_out_of_scope_pages_are_404(staff, who, client):
    draft = incident_draft(actor=staff.reporter, data=incident_input())
    other = incident_draft(actor=staff.reporter, data=incident_input())
    incident_submit(actor=staff.reporter, incident=other)
    if who == "anonymous":
        response = client.get(page(other.reference))
        assert response.status_code == 302  # to sign in
        return
    user = {"colleague_draft": staff.colleague, "manager_draft": staff.manager}.get(who) or getattr(staff, who)
    reader = signed_in(user)
    assert reader.get(page(draft.reference)).status_code == 404  # a draft is its reporter's
    assert reader.post(page(draft.reference), {"move": "submit"}).status_code == 404
    if who in ("outsider", "quetta_officer", "quetta_supervisor", "manager_draft"):
        assert reader.get(page(other.reference)).status_code == 404  # submitted, another line
        assert reader.post(page(other.reference), {"move": "approve"}).status_code == 404
    if who == "outsider":
        for url in (LIST, NEW, REVIEW, TRENDS, "/en/enforcement/trends/export/trend/?format=csv"):
            assert reader.get(url).status_code == 404, url
    other.refresh_from_db()
    assert other.review_status == "submitted"


def test_a_colleague_may_read_a_submitted_report_but_not_approve_it(staff):
    incident = incident_draft(actor=staff.reporter, data=incident_input())
    incident_submit(actor=staff.reporter, incident=incident)
    colleague = signed_in(staff.colleague)
    body = colleague.get(page(incident.reference)).content.decode()
    assert incident.reference in body and "Approve the report" not in body
    refused = colleague.post(page(incident.reference), {"move": "approve"})
    assert refused.status_code == 403
    incident.refresh_from_db()
    assert incident.review_status == "submitted"


def test_the_trend_chart_keeps_every_month_of_its_span_a_quiet_one_as_zero(staff):
    today = timezone.localdate()
    for days in (0, 100):
        incident = incident_draft(actor=staff.reporter, data=incident_input(occurred_on=today - timedelta(days=days)))
        incident_approve(actor=staff.supervisor, incident=incident_submit(actor=staff.reporter, incident=incident))
    chart = signed_in(staff.analyst).get(TRENDS).context["chart"]
    first, last = (today - timedelta(days=100)).replace(day=1), today.replace(day=1)
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    assert len(chart["months"]) == span >= 4
    assert chart["months"][0] == first.strftime("%Y-%m") and chart["months"][-1] == last.strftime("%Y-%m")
    (series,) = chart["series"]
    assert series["data"][0] == series["data"][-1] == 1 and sum(series["data"]) == 2
