"""The endpoint × persona matrix (issue 15, item 2): every operation of the API, found from the
API itself, called by every persona against one world of real items, must answer as its app's
row says (``<app>/tests/api_matrix.py``). A new operation without a row fails here.

One world is built per persona, and every request is rolled back after it, so each operation
meets the items in the states the rows name, whatever ran before it.
"""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rabta.accountability import services as responsibility
from rabta.accountability.models import OfficerAudit
from rabta.accounts.models import RoleAssignment, User
from rabta.accounts.roles import Role
from rabta.api.api import api
from rabta.api.testing import matrix
from rabta.complaints.choices import Anonymity
from rabta.complaints.services import attachments, clock, feedback, intake, work
from rabta.complaints.tests import conftest as complaints_conftest
from rabta.customs.services.declarations import declaration_file
from rabta.customs.tests.conftest import TRADER_NTN, declaration_input, give_ntn
from rabta.directory.models import Post
from rabta.enforcement import services as enforcement
from rabta.enforcement.tests import conftest as enforcement_conftest
from rabta.exchange import services as exchange
from rabta.intelligence.models import MisuseSignal, RecurringCluster
from rabta.reviews import services as reviews
from rabta.tariff.demo import demo_tariff_create
from rabta.tariff.models import TariffCode
from rabta.tariff.services.changes import tariff_change_propose
from rabta.tariff.services.enquiries import enquiry_ask
from rabta.tariff.tests.conftest import make_tariff_officer

pytestmark = pytest.mark.django_db
categories = complaints_conftest.categories  # the complaints tests' fixtures, shared
submit = complaints_conftest.submit


def _rows() -> list[matrix.Row]:
    from rabta.accountability.tests.api_matrix import ROWS as accountability
    from rabta.accounts.tests.api_matrix import ROWS as accounts
    from rabta.api.tests.api_matrix import ROWS as meta
    from rabta.complaints.tests.api_matrix import ROWS as complaints
    from rabta.customs.tests.api_matrix import ROWS as customs
    from rabta.directory.tests.api_matrix import ROWS as directory
    from rabta.enforcement.tests.api_matrix import ROWS as enforcement
    from rabta.exchange.tests.api_matrix import ROWS as exchange_rows
    from rabta.intelligence.tests.api_matrix import ROWS as intelligence
    from rabta.reviews.tests.api_matrix import ROWS as reviews
    from rabta.risk.tests.api_matrix import ROWS as risk
    from rabta.risk.tests.api_matrix_agency import ROWS as risk_agency
    from rabta.risk.tests.api_matrix_value import ROWS as risk_value
    from rabta.scorecards.tests.api_matrix import ROWS as scorecards
    from rabta.tariff.tests.api_matrix import ROWS as tariff

    return [
        *meta,
        *accounts,
        *directory,
        *complaints,
        *reviews,
        *accountability,
        *customs,
        *tariff,
        *scorecards,
        *risk,
        *intelligence,
        *risk_value,
        *enforcement,
        *risk_agency,
        *exchange_rows,
    ]


ROWS = _rows()
SECURED = {
    f"{method.upper()} {path}"
    for path, methods in api.get_openapi_schema(path_prefix="/api/")["paths"].items()
    for method, operation in methods.items()
    if operation.get("security")
}


def make_user(email, name, *roles):
    user = User.objects.create_user(email=email, password="correct-horse-battery-staple", full_name=name)
    for role, government in roles:
        RoleAssignment.objects.create(user=user, role=role, government=government)
    return user


def make_staff(email, role, office):
    user = User.objects.create_user(email=email, password="correct-horse-battery-staple", full_name=email)
    RoleAssignment.objects.create(user=user, role=role, office=office)
    return user


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def cast(settings, world, submit, personas):
    """The items every row's path names, and the user behind each persona."""
    settings.RABTA_RATE_LIMITS = {
        scope: {"address": "100000/h", "subject": "100000/h"} for scope in settings.RABTA_RATE_LIMITS
    }
    citizen, other_citizen = personas.citizen, personas.other_citizen
    officer_a, supervisor_a = personas.officer_a, personas.supervisor_a
    no_role = make_user("nobody@example.pk", "Nadia Nobody")
    supervisor_b = make_staff("supervisor.b@gov.pk", Role.SUPERVISOR, world.head_b)
    officer_above_a = make_staff("officer.hq@gov.pk", Role.OFFICER, world.head_a)
    customs_manager = make_staff("customs.manager@gov.pk", Role.CUSTOMS_MANAGER, world.collectorate)
    oversight_b = make_user("oversight.b@gov.pk", "Sindh oversight", (Role.OVERSIGHT, world.gov_sindh))

    def acknowledged(**kwargs):
        complaint = submit(**kwargs)
        work.complaint_acknowledge(complaint=complaint, actor=officer_a)
        return complaint

    def resolved(**kwargs):
        complaint = acknowledged(**kwargs)
        work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="partial_relief", reasons="Pipe mended.")
        return complaint

    routed = submit()
    ack = acknowledged()
    waiting = acknowledged()
    clock.complaint_request_information(complaint=waiting, actor=officer_a, body="Which street?")
    done = resolved()
    appealed = resolved()
    feedback.appeal_file(complaint=appealed, actor=citizen, reasons="Only half the street has water.")
    hidden = submit(anonymity=Anonymity.IDENTITY_HIDDEN_FROM_OFFICE)
    rejected = submit()
    work.complaint_reject(complaint=rejected, actor=officer_a, reason="abusive", explanation="Insults only.")
    unrated = submit()
    work.complaint_reject(complaint=unrated, actor=officer_a, reason="out_of_scope", explanation="Not ours.")
    token = intake.complaint_submit(
        complainant=None,
        category_code="PB-MUN-WATER",
        jurisdiction_code="PK-PB-LHR",
        subject="Open manhole",
        text="An open manhole on Main Boulevard.",
        anonymity=Anonymity.FULLY_ANONYMOUS,
    ).anonymous_token
    photo = attachments.attachment_add(complaint=routed, uploaded_by=citizen, name="street.png", data=png())
    # Standings: the citizen is warned (and may appeal); the other citizen appealed already.
    responsibility.complaint_rate_responsibility(complaint=rejected, actor=officer_a, rating="abusive")
    theirs = submit(complainant=other_citizen)
    work.complaint_reject(complaint=theirs, actor=officer_a, reason="abusive", explanation="Insults only.")
    responsibility.complaint_rate_responsibility(complaint=theirs, actor=officer_a, rating="abusive")
    responsibility.standing_appeal_file(user=other_citizen, text="I was provoked.")
    post = Post.objects.create(office=world.head_a, title="Director", rank=19)

    def review(**kwargs):
        values = {
            "applicant": citizen,
            "decision_type": "penalty",
            "decision_reference": "ORD-1",
            "decision_office": world.office_a,
            "decision_maker_rank": 17,
            "reasons": "Too high.",
        }
        return reviews.decision_review_file(**{**values, **kwargs})

    filed = review()
    assigned = review(decision_reference="ORD-2")
    reviews.decision_review_assign(review=assigned, reviewer=supervisor_a, reviewer_post=post, actor=supervisor_a)
    audit = OfficerAudit.objects.get(complaint=appealed)  # queued by the appeal
    # Customs: the citizen holds the importer's NTN (verified), so the declaration is theirs.
    give_ntn(citizen, TRADER_NTN)
    declaration = declaration_file(data=declaration_input(number="MATRIX-HC-1"), actor=citizen).declaration
    demo_tariff_create()
    change = tariff_change_propose(
        actor=make_tariff_officer("tariff.policy@fbr.gov.pk", "Tariff policy"),
        kind="rate_add",
        data={"code": "84713010", "duty": "rd", "basis": "ad_valorem", "percent": "5", "valid_from": "2025-07-01"},
        reason="Finance Act",
    )
    enquiry = enquiry_ask(actor=citizen, question="Is a DRAP permit needed for vitamins?", code="3004")
    incident = enforcement.incident_draft(
        actor=make_staff("aso@customs.gov.pk", Role.ENFORCEMENT_OFFICER, world.collectorate),
        data=enforcement_conftest.incident_input(formation=world.collectorate.code),
    )
    enforcement.incident_submit(actor=incident.reported_by, incident=incident)
    enforcement_supervisor = make_staff("aso.sup@customs.gov.pk", Role.ENFORCEMENT_SUPERVISOR, world.collectorate)
    enforcement.incident_approve(actor=enforcement_supervisor, incident=incident)
    incident_evidence = enforcement.evidence_add(
        actor=enforcement_supervisor, incident=incident, name="seal.png", data=png(), reason="Photo of the seal"
    )
    action = responsibility.action_record(
        actor=personas.oversight,
        kind="warning",
        office_code=world.office_a.code,
        officer_id=officer_a.pk,
        authority="Chief Secretary Punjab",
        grounds="Resolutions rejected by complainants.",
        taken_on=date(2026, 11, 2),
        complaint_numbers=[appealed.tracking_number],
        audit_ids=[audit.pk],
    )
    exchange_officer = make_user("exchange@customs.gov.pk", "Exchange officer", (Role.EXCHANGE_OFFICER, None))
    exchange_agreement = exchange.agreement_create(
        actor=exchange_officer,
        kind="administration",
        partner_country="CN",
        partner_name="GACC",
        datasets=["declarations"],
        fields=["reference"],
        valid_from=__import__("datetime").date(2026, 1, 1),
        status="active",
    )
    exchange_import = exchange.partner_import(
        actor=exchange_officer, agreement=exchange_agreement, data=b"{}", file_format="json"
    )
    # Intelligence: an open misuse signal on the complaint hidden from the office, a stored cluster.
    signal = MisuseSignal.objects.create(
        kind="abusive_language",
        complaint=hidden,
        complainant=citizen,
        evidence={"terms": ["idiot"]},
        score=1,
        created_at=hidden.created_at,
    )
    cluster = RecurringCluster.objects.create(
        office=world.office_a,
        category=hidden.category,
        district=hidden.jurisdiction,
        recent=3,
        terms=["water"],
        examples=["No water in the street."],
        computed_at=hidden.created_at,
    )
    items = SimpleNamespace(
        signal=SimpleNamespace(pk=signal.pk),
        cluster=SimpleNamespace(pk=cluster.pk),
        routed=routed,
        acknowledged=ack,
        waiting=waiting,
        resolved=done,
        appealed=appealed,
        hidden=hidden,
        rejected=rejected,
        unrated=unrated,
        anonymous_token=token,
        attachment=photo,
        review=filed,
        assigned_review=assigned,
        post=post,
        standing_warned=citizen,  # a standing is named by its complainant's id
        standing_appealed=other_citizen,
        audit=audit,
        declaration=declaration,
        office_a=world.office_a,
        scorecard_level=SimpleNamespace(code="office"),  # a scorecard's level, as its path names it
        tariff_code=TariffCode.objects.get(code="84713010"),
        tariff_change=SimpleNamespace(pk=change.pk),  # by id (a change's own ``code`` is the tariff code's)
        tariff_enquiry=SimpleNamespace(pk=enquiry.pk),
        incident=incident,
        incident_evidence=incident_evidence,
        action=action,
        exchange_agreement=exchange_agreement,
        exchange_import=exchange_import,
        upload=lambda: SimpleUploadedFile("photo.png", png(), content_type="image/png"),
    )
    users = {
        **vars(personas),
        "no_role": no_role,
        "officer_above_a": officer_above_a,
        "supervisor_b": supervisor_b,
        "oversight_b": oversight_b,
        "customs_manager": customs_manager,
    }
    return items, users


def test_every_operation_has_exactly_one_row():
    assert matrix.undeclared(api, ROWS) == [], "add a row to the app's tests/api_matrix.py (docs/testing.md)"
    assert matrix.unknown(api, ROWS) == [], "a row names an operation the API no longer serves"
    assert matrix.duplicated(ROWS) == []


@pytest.mark.parametrize("row", ROWS, ids=[row.operation for row in ROWS])
def test_the_table_keeps_the_rules_every_operation_keeps(row):
    """Anonymous is 401 exactly where a login is needed; no answer is a 5xx."""
    assert (row.expect[matrix.ANONYMOUS] == 401) == (row.operation in SECURED), row.operation
    assert matrix.rule_breaks(row) == []


# The read that decides whether a persona sees the item a path parameter names.
ITEM_READS = {
    "tracking_number": "GET /api/complaints/{tracking_number}",
    "reference": "GET /api/reviews/{reference}",
    "complainant": "GET /api/accountability/standing/{complainant}",
    "number": "GET /api/customs/declarations/{number}",
    "incident_ref": "GET /api/enforcement/incidents/{incident_ref}",
    "action_id": "GET /api/accountability/actions/{action_id}",
    "agreement_id": "GET /api/exchange/agreements/{agreement_id}",
    "import_id": "GET /api/exchange/imports/{import_id}",
    "signal_id": "GET /api/intelligence/signals/{signal_id}",
    "cluster_id": "GET /api/intelligence/clusters/{cluster_id}",
}


@pytest.mark.parametrize("row", [row for row in ROWS if set(row.path) & set(ITEM_READS)], ids=lambda row: row.operation)
def test_an_item_a_persona_cannot_read_is_404_for_every_operation_on_it(row):
    """Outside scope is 404, never 403 (which would tell that the item exists) and never a success;
    a 403 is only for a persona who may read the item but not make this move."""
    reads = {read.operation: read.expect for read in ROWS}
    (parameter,) = set(row.path) & set(ITEM_READS)
    read = reads[ITEM_READS[parameter]]
    unseen = {persona for persona, status in read.items() if status == 404}
    assert {persona: row.expect[persona] for persona in unseen if row.expect[persona] != 404} == {}
    assert {persona for persona, status in row.expect.items() if status == 403} <= set(read) - unseen


@pytest.mark.parametrize("persona", matrix.PERSONAS)
def test_every_operation_answers_each_persona_as_documented(cast, persona):
    items, users = cast
    client = matrix.signed_in(users.get(persona))
    assert matrix.mismatches(ROWS, persona, client, items) == []


@pytest.mark.parametrize("persona", ["officer_a", "oversight", "administrator"])
def test_staff_without_their_second_factor_reach_no_operation(cast, client, persona):
    """A staff session that has not passed its second factor is refused everywhere in the API,
    public operations included, before any scope is looked at."""
    items, users = cast
    client.force_login(users[persona])
    answers = {row.operation: matrix.call(client, row, items) for row in ROWS}
    refused = {
        operation: (response.status_code, response.json()["code"])
        for operation, response in answers.items()
        if (response.status_code, response.json().get("code")) != (403, "second_factor_required")
    }
    assert refused == {}


def test_a_new_operation_without_a_row_fails_the_matrix():
    """What "covered the moment it exists" rests on: an operation nobody declared is reported."""
    from ninja import NinjaAPI, Router

    router = Router()

    @router.post("/{tracking_number}/escalate")
    def escalate(request, tracking_number: str) -> None:  # pragma: no cover (never called)
        return None

    other = NinjaAPI(urls_namespace="matrix-probe")
    other.add_router("/complaints", router)
    assert matrix.undeclared(other, ROWS) == ["POST /api/complaints/{tracking_number}/escalate"]
    assert "GET /api/" in matrix.unknown(other, ROWS)
