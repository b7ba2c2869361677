"""Who may do what, tested where it is decided (rabta.complaints.permissions): every rule as a table
over the shared personas, then that the services ask it, and that no API module decides for itself.

The answers: 404 for a complaint outside the reader's scope (the fetch's), 403 ``not_allowed`` for
one they see but may not act on (the rule's), "ok" otherwise.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import make_user
from rabta.accounts.roles import STAFF_ROLES, Role
from rabta.api.errors import status_for
from rabta.complaints import permissions, selectors
from rabta.complaints.permissions import Action
from rabta.complaints.services import clock, feedback, messages, routing, work
from rabta.core.errors import DomainError, NotFound

PERSONAS = ("citizen", "other_citizen", "officer_a", "supervisor_a", "officer_b", "oversight", "administrator")
OK, HIDDEN, REFUSED = "ok", 404, 403
OUTSIDE = {"other_citizen": HIDDEN, "officer_b": HIDDEN, "administrator": HIDDEN}


def row(citizen, officer_a, supervisor_a, oversight):
    """One action's expected answers: the four personas who see citizen's complaint in office A
    are given, the three who do not are always 404."""
    return {
        "citizen": citizen,
        "officer_a": officer_a,
        "supervisor_a": supervisor_a,
        "oversight": oversight,
        **OUTSIDE,
    }


# Action -> persona -> answer, on the citizen's complaint handled by office A.
TABLE = {
    Action.WORK: row(REFUSED, OK, OK, REFUSED),
    Action.WRITE_TO_COMPLAINANT: row(REFUSED, OK, OK, OK),
    Action.NOTE: row(REFUSED, OK, OK, OK),
    Action.TRANSFER: row(REFUSED, OK, OK, OK),
    Action.WRITE_TO_OFFICE: row(OK, REFUSED, REFUSED, REFUSED),
    Action.GIVE_FEEDBACK: row(OK, REFUSED, REFUSED, REFUSED),
    Action.REOPEN: row(OK, REFUSED, REFUSED, REFUSED),
    Action.APPEAL: row(OK, REFUSED, REFUSED, REFUSED),
    # Resolved by officer_a, appealed to head office A (supervisor_a's): the senior office or oversight.
    Action.DECIDE_APPEAL: row(REFUSED, REFUSED, OK, OK),
    Action.REVEAL_IDENTITY: row(REFUSED, REFUSED, REFUSED, OK),
}


def test_the_table_names_every_action():
    assert set(TABLE) == set(Action)
    assert all(set(answers) == set(PERSONAS) for answers in TABLE.values())


def answer(user, complaint, action, appeal=None):
    """What ``user`` is told, as the API tells it: the fetch first, then the rule."""
    try:
        fetched = selectors.complaint_get(user=user, tracking_number=complaint.tracking_number)
    except NotFound:
        assert not permissions.complaint_may(user, complaint, action, appeal=appeal)
        return HIDDEN
    try:
        permissions.require(user, fetched, action, appeal=appeal)
    except DomainError as error:
        assert (error.code, status_for(error)) == ("not_allowed", 403)
        assert not permissions.complaint_may(user, complaint, action, appeal=appeal)
        return REFUSED
    assert permissions.complaint_may(user, complaint, action, appeal=appeal)
    return OK


@pytest.fixture
def appealed(submit, citizen, officer_a):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="no_relief", reasons="Not our budget")
    appeal = feedback.appeal_file(complaint=complaint, actor=citizen, reasons="It is the city's duty")
    complaint.refresh_from_db()
    return complaint, appeal


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_act_on_a_complaint(persona, action, personas, appealed):
    complaint, appeal = appealed
    assert answer(getattr(personas, persona), complaint, action, appeal) == TABLE[action][persona]


def test_the_system_may_do_anything(appealed):
    complaint, appeal = appealed
    for action in Action:
        permissions.require(None, complaint, action, appeal=appeal)
        assert permissions.complaint_may(None, complaint, action, appeal=appeal)


def test_staff_who_lodged_a_complaint_do_not_handle_it(submit, officer_a, supervisor_a):
    own = submit(complainant=officer_a)
    for user in (officer_a, supervisor_a):
        assert permissions.message_action(user, own) == (
            Action.WRITE_TO_OFFICE if user == officer_a else Action.WRITE_TO_COMPLAINANT
        )
    for action in (Action.WORK, Action.NOTE, Action.TRANSFER, Action.WRITE_TO_COMPLAINANT):
        assert answer(officer_a, own, action) == REFUSED
        assert answer(supervisor_a, own, action) == OK
    assert answer(officer_a, own, Action.GIVE_FEEDBACK) == OK


# The appeal-decision rule on its own: the office the appeal was assigned to and every office above
# it (officers and supervisors), oversight; never the resolver, whatever their post.


@pytest.fixture
def offices_cast(world):
    return {
        "officer of the assigned office": (
            make_user("hq.officer@gov.pk", "HQ officer", (Role.OFFICER, world.head_a, None)),
            True,
        ),
        "supervisor of the assigned office": (
            make_user("hq.super@gov.pk", "HQ supervisor", (Role.SUPERVISOR, world.head_a, None)),
            True,
        ),
        "supervisor of the resolving office": (
            make_user("lhr.super@gov.pk", "Lahore supervisor", (Role.SUPERVISOR, world.office_a, None)),
            False,
        ),
        "officer of another line": (make_user("sd.hq@gov.pk", "Sindh HQ", (Role.OFFICER, world.head_b, None)), False),
        "revoked officer of the assigned office": (
            make_user("hq.old@gov.pk", "Former HQ officer", (Role.OFFICER, world.head_a, None)),
            False,
        ),
        "customs manager over the assigned office": (
            make_user("cm@gov.pk", "Customs manager", (Role.CUSTOMS_MANAGER, world.head_a, None)),
            False,
        ),
    }


def test_who_may_decide_an_appeal_by_their_office(appealed, offices_cast, personas):
    _complaint, appeal = appealed
    offices_cast["revoked officer of the assigned office"][0].role_assignments.update(active=False)
    for name, (user, allowed) in offices_cast.items():
        fresh = type(user).objects.get(pk=user.pk)  # roles are cached per user object
        assert permissions.appeal_decidable_by(fresh, appeal) is allowed, name
    assert permissions.appeal_decidable_by(personas.oversight, appeal)
    assert not permissions.appeal_decidable_by(personas.officer_a, appeal)
    assert not permissions.appeal_decidable_by(personas.officer_b, appeal)
    assert not permissions.appeal_decidable_by(personas.citizen, appeal)


def test_the_resolver_never_decides_the_appeal_even_from_the_senior_office(submit, citizen, supervisor_a):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=supervisor_a)
    work.complaint_resolve(complaint=complaint, actor=supervisor_a, outcome="no_relief", reasons="No budget")
    appeal = feedback.appeal_file(complaint=complaint, actor=citizen, reasons="It is the city's duty")
    complaint.refresh_from_db()
    assert permissions.appeal_decidable_by(supervisor_a, appeal)  # their office...
    with pytest.raises(DomainError) as caught:
        permissions.require(supervisor_a, complaint, Action.DECIDE_APPEAL, appeal=appeal)
    assert (caught.value.code, status_for(caught.value)) == ("not_allowed", 403)
    assert "resolved" in caught.value.message  # ...but they resolved it
    with pytest.raises(DomainError) as caught:
        feedback.appeal_decide(appeal=appeal, actor=supervisor_a, decision="relief_granted", reasons="Fine")
    assert caught.value.code == "not_allowed"


def test_deciding_an_appeal_needs_the_appeal(appealed, personas):
    complaint, _appeal = appealed
    assert not permissions.complaint_may(personas.oversight, complaint, Action.DECIDE_APPEAL)


# Reads that are not about one complaint.

OFFICE_READERS = {"officer_a", "supervisor_a", "officer_b", "oversight"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_office_lists_are_for_office_staff_and_oversight(persona, personas):
    user = getattr(personas, persona)
    assert permissions.may_read_office_lists(user) is (persona in OFFICE_READERS)
    for read in (
        lambda: list(selectors.canned_replies_for(user)),
        lambda: selectors.complaints_pending_long(user=user),
    ):
        if persona in OFFICE_READERS:
            read()
        else:
            with pytest.raises(DomainError) as caught:
                read()
            assert (caught.value.code, status_for(caught.value)) == ("not_allowed", 403)


def test_anonymous_readers_read_no_office_list(rf):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.may_read_office_lists(AnonymousUser())
    assert not permissions.may_oversee(AnonymousUser())


# The services ask the layer: called directly (as a page, command or admin would), each refuses an
# actor whose action it is not.

OFFICE_WORK = [
    lambda c, a: work.complaint_acknowledge(complaint=c, actor=a),
    lambda c, a: work.complaint_start(complaint=c, actor=a),
    lambda c, a: work.complaint_interim_reply(complaint=c, actor=a, body="We are on it"),
    lambda c, a: work.complaint_priority_set(complaint=c, actor=a, priority="urgent", reason="Hospital"),
    lambda c, a: work.complaint_resolve(complaint=c, actor=a, outcome="relief_granted"),
    lambda c, a: work.complaint_reject(complaint=c, actor=a, reason="abusive", explanation="Insults"),
    lambda c, a: work.complaint_note_add(complaint=c, actor=a, body="Call the contractor"),
    lambda c, a: clock.complaint_request_information(complaint=c, actor=a, body="Which street?"),
    lambda c, a: routing.complaint_transfer(complaint=c, to_office=c.current_office.parent, reason="HQ", actor=a),
    lambda c, a: work.identity_reveal(complaint=c, actor=a, reason="Court order"),
]


@pytest.mark.parametrize("call", range(len(OFFICE_WORK)))
def test_office_services_refuse_the_complainant(call, submit, citizen):
    complaint = submit()
    with pytest.raises(DomainError) as caught:
        OFFICE_WORK[call](complaint, citizen)
    assert (caught.value.code, status_for(caught.value)) == ("not_allowed", 403)


def test_complainant_services_refuse_the_office(submit, citizen, officer_a, supervisor_a):
    complaint = submit()
    work.complaint_acknowledge(complaint=complaint, actor=officer_a)
    work.complaint_resolve(complaint=complaint, actor=officer_a, outcome="no_relief", reasons="No budget")
    calls = [
        lambda a: feedback.feedback_give(complaint=complaint, actor=a, rating=1, satisfied=False),
        lambda a: feedback.complaint_reopen(complaint=complaint, actor=a, reason="Still dry"),
        lambda a: feedback.appeal_file(complaint=complaint, actor=a, reasons="Still dry"),
    ]
    for call in calls:
        for staff in (officer_a, supervisor_a):
            with pytest.raises(DomainError) as caught:
                call(staff)
            assert caught.value.code == "not_allowed"
    message = messages.complaint_message_send(complaint=complaint, actor=citizen, body="Any news?")
    assert message.direction == "to_office"
    message = messages.complaint_message_send(complaint=complaint, actor=officer_a, body="Soon.")
    assert message.direction == "to_complainant"


def test_a_junior_office_cannot_decide_an_appeal_through_the_service(appealed, world):
    complaint, appeal = appealed
    lahore_supervisor = make_user("lhr.super@gov.pk", "Lahore supervisor", (Role.SUPERVISOR, world.office_a, None))
    with pytest.raises(DomainError) as caught:
        feedback.appeal_decide(appeal=appeal, actor=lahore_supervisor, decision="relief_granted", reasons="Fine")
    assert (caught.value.code, status_for(caught.value)) == ("not_allowed", 403)
    complaint.refresh_from_db()
    assert complaint.status == "appealed"


# No API or page module decides who may act: it fetches within scope and calls a service. What counts as a
# rule: reading a user's roles or role assignments, naming a role, a set of roles, or comparing a
# role's name.

API_MODULES = sorted(Path(__file__).resolve().parents[2].glob("*/api*.py"))
PAGE_MODULES = sorted(Path(__file__).resolve().parents[2].glob("*/views*.py"))
ROLE_NAMES = {str(role) for role in Role}
ROLE_ATTRIBUTES = {"roles", "has_role", "role_assignments", "is_superuser", "is_staff"}
# Django's own permission checks, and the role helpers of rabta.accounts.roles (however reached:
# ``roles.user_roles(user)`` as well as an imported ``user_roles(user)``).
PERMISSION_ATTRIBUTES = {"has_perm", "has_perms", "get_all_permissions", "user_roles", "office_scope"}
ROLE_HELPERS = {"user_roles", "office_scope", "RoleAssignment"}
# Lookups that reach a user's roles: ``role``, ``role__in``, ``role_assignments__role``, ...
ROLE_LOOKUPS = {"role", "role_assignments", "roleassignment"}


def _query(func: ast.expr) -> bool:
    """A call that filters rows (``.filter(role=...)``, ``Q(role=...)``), not a schema built from a row."""
    if isinstance(func, ast.Attribute):
        return func.attr in ("filter", "exclude", "get", "get_or_create", "exists")
    return isinstance(func, ast.Name) and func.id == "Q"


def _named_attribute(node: ast.AST) -> bool:
    """``getattr(x, "is_staff", ...)`` or ``hasattr(x, "roles")``: a role attribute read by its name."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("getattr", "hasattr")
        and len(node.args) > 1
        and isinstance(node.args[1], ast.Constant)
        and node.args[1].value in ROLE_ATTRIBUTES | PERMISSION_ATTRIBUTES
    )


def rules_in(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Attribute):
            if node.attr in ROLE_ATTRIBUTES | PERMISSION_ATTRIBUTES:
                found.append(f"line {line}: .{node.attr}")
            if isinstance(node.value, ast.Name) and node.value.id == "Role":
                found.append(f"line {line}: Role.{node.attr}")
        elif isinstance(node, ast.Name) and (node.id.endswith("_ROLES") or node.id in {"ROLES", *ROLE_HELPERS}):
            found.append(f"line {line}: {node.id}")
        elif isinstance(node, ast.alias) and (node.name.endswith("_ROLES") or node.name in ROLE_HELPERS):
            found.append(f"import {node.name}")
        elif _named_attribute(node):
            # getattr(request.user, "is_staff", False): the attribute by its name.
            found.append(f"line {line}: getattr(..., {node.args[1].value!r})")
        elif isinstance(node, ast.Call) and _query(node.func):
            for keyword in node.keywords:
                if keyword.arg and ROLE_LOOKUPS & set(keyword.arg.split("__")):
                    found.append(f"line {line}: a query on {keyword.arg}")
        elif isinstance(node, ast.Compare):
            for part in [node.left, *node.comparators]:
                if isinstance(part, ast.Constant) and part.value in ROLE_NAMES:
                    found.append(f"line {line}: compares with {part.value!r}")
    return found


def test_there_are_api_modules_to_check():
    names = {path.relative_to(path.parents[1]).as_posix() for path in API_MODULES}
    assert {"complaints/api.py", "reviews/api.py", "accountability/api.py"} <= names


def test_there_are_page_modules_to_check():
    names = {path.relative_to(path.parents[1]).as_posix() for path in PAGE_MODULES}
    assert {"complaints/views.py", "complaints/views_office.py", "accounts/views.py"} <= names


@pytest.mark.parametrize(
    "path", API_MODULES + PAGE_MODULES, ids=lambda path: path.relative_to(path.parents[1]).as_posix()
)
def test_no_api_or_page_module_holds_a_permission_rule(path):
    assert rules_in(path.read_text()) == [], "move the rule into the app's permissions.py and call it from a service"


@pytest.mark.parametrize(
    "rule",
    [
        'if "oversight" not in request.user.roles:\n    raise X',
        "if Role.OVERSIGHT in user.roles:\n    pass",
        "WORK_ROLES = {Role.OFFICER, Role.SUPERVISOR}",
        "from rabta.accounts.roles import STAFF_ROLES",
        "user.role_assignments.filter(active=True).exists()",
        "Assignment.objects.filter(role__in=['officer']).exists()",
        "allowed = request.user.has_role('supervisor')",
        "if user.is_superuser:\n    pass",
        "if role == 'oversight':\n    pass",
        "if request.user.is_staff:\n    pass",
        "if getattr(request.user, 'is_staff', False):\n    pass",
        "if request.user.has_perm('complaints.change_complaint'):\n    pass",
        "if 'oversight' in user_roles(request.user):\n    pass",
        "if roles.user_roles(request.user):\n    pass",
        "from rabta.accounts.roles import user_roles",
        "RoleAssignment.objects.filter(user=request.user).exists()",
        "User.objects.filter(role_assignments__role__in=wanted).exists()",
        "queryset.filter(roles.office_scope(user, 'office', Q()))",
    ],
)
def test_the_check_finds_each_kind_of_rule(rule):
    assert rules_in(rule)


@pytest.mark.parametrize(
    "fine",
    [
        "complaint = get_visible_or_404(selectors.complaints(), request.user, tracking_number=number)",
        "if not may_read_office_lists(request.user):\n    raise Http404",
        "rate_limit(request, scope='intake', subjects=[str(request.user.pk)])",
        "rows = [{'role': role.value, 'label': str(role.label)} for role in choices]",
        "out = Schema(role=assignment_role)",
    ],
)
def test_the_check_leaves_asking_the_layer_alone(fine):
    assert rules_in(fine) == []


def test_every_staff_role_name_is_a_rule_when_compared():
    for role in STAFF_ROLES | {Role.COMPLAINANT}:
        assert rules_in(f"ok = x == {str(role)!r}")


def test_an_inbox_is_for_officers_and_supervisors_and_overseeing_for_oversight(personas):
    from rabta.complaints.permissions import has_inbox, may_oversee

    assert [has_inbox(personas.officer_a), has_inbox(personas.supervisor_a), has_inbox(personas.oversight)] == [
        True,
        True,
        False,
    ]
    assert not has_inbox(personas.citizen) and not has_inbox(None)
    assert may_oversee(personas.oversight) and not may_oversee(personas.officer_a) and not may_oversee(personas.citizen)
