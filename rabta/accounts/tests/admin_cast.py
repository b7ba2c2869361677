"""A populated database and a cast of accounts for testing the Django admin as a permission matrix.

Every model registered on the admin gets at least one row (test_admin_matrix checks it, so a new
registration must be added here), and secrets and self-identification are planted with generated
values, in Latin and Urdu script, so a page that shows them is caught by value, not by field name.
"""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rabta.accountability.models import ComplainantStanding, OfficerAudit, ResponsibilityRating
from rabta.accounts.models import ComplainantProfile, RoleAssignment, User, VerificationCode
from rabta.accounts.roles import ROLE_DEFINITIONS, STAFF_ROLES, Role
from rabta.accounts.services import DocumentInput, administrator_grant, identity_add, role_grant, role_revoke
from rabta.complaints.models import (
    CannedReply,
    Category,
    Complaint,
    DeadlinePolicy,
    RoutingRule,
)
from rabta.complaints.services.intake import complaint_submit
from rabta.directory.models import Post
from rabta.reviews.services import decision_review_file

PASSWORD = "correct-horse-battery-staple"

LATIN = ["Ayesha", "Bilal", "Zainab", "Imran", "Sana", "Usman", "Farah", "Hamza", "Nadia", "Kashif"]
URDU = ["عائشہ", "بلال", "زینب", "عمران", "ثنا", "عثمان", "فرح", "حمزہ", "نادیہ", "کاشف"]
SURNAMES = ["Qureshi", "Malik", "Siddiqui", "Baloch", "Khattak", "قریشی", "ملک", "صدیقی", "بلوچ", "خٹک"]


def generated_name(rng: random.Random) -> str:
    given = rng.choice(LATIN + URDU)
    return f"{given} {rng.choice(SURNAMES)} {rng.randrange(1000, 9999)}"


# Who the matrix asks about, and whether their session has passed the second factor.
# Who reaches the admin: a superuser, an administrator, and a holder of another staff role whom a
# superuser gave admin access (they get in, and find nothing their permissions do not open).
ADMIN_PERSONAS = ("superuser", "administrator", "analyst_with_admin_access")
# One account per staff role other than the administrator's, named after the role.
STAFF_ROLE_PERSONAS = tuple(sorted(str(role) for role in STAFF_ROLES - {Role.ADMINISTRATOR}))
NO_ACCESS_PERSONAS = (*STAFF_ROLE_PERSONAS, "staff_no_role", "revoked", "revoked_stale")
UNVERIFIED_PERSONAS = ("staff_no_role_unverified", "administrator_unverified", "superuser_unverified")
ALL_PERSONAS = ADMIN_PERSONAS + NO_ACCESS_PERSONAS + UNVERIFIED_PERSONAS


@dataclass
class Cast:
    users: dict[str, User]
    secrets: list[str]  # values that must appear on no admin page, for anyone
    complainant: User
    rng: random.Random
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, persona: str) -> Client:
        if persona not in self.clients:
            user = self.users[persona]
            client = Client()
            client.force_login(user)
            if persona not in UNVERIFIED_PERSONAS:
                device, _ = StaticDevice.objects.get_or_create(user=user, name="matrix session")
                session = client.session
                session["otp_device_id"] = device.persistent_id
                session.save()
            self.clients[persona] = client
        return self.clients[persona]


def _staff(email: str, name: str) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, full_name=name)


def build_cast(world: Any, seed: int = 17) -> Cast:
    rng = random.Random(seed)
    users: dict[str, User] = {}
    users["superuser"] = User.objects.create_superuser(email="root@gov.pk", password=PASSWORD, full_name="Root")
    users["superuser_unverified"] = User.objects.create_superuser(
        email="root2@gov.pk", password=PASSWORD, full_name="Root two"
    )
    for name in ("administrator", "administrator_unverified", "revoked", "revoked_stale"):
        users[name] = _staff(f"{name}@gov.pk", generated_name(rng))
        administrator_grant(user=users[name])
    for name in ("revoked", "revoked_stale"):
        role_revoke(assignment=users[name].role_assignments.get(role=Role.ADMINISTRATOR))
    # An admin flag left behind by a revocation made before the flag followed roles.
    User.objects.filter(pk=users["revoked_stale"].pk).update(is_staff=True)
    for name in STAFF_ROLE_PERSONAS:
        spec = ROLE_DEFINITIONS[Role(name)]
        office = (world.head_a if name == Role.SUPERVISOR else world.office_a) if spec.needs_office else None
        users[name] = _staff(f"{name}@gov.pk", generated_name(rng))
        role_grant(
            user=users[name], role=name, office=office, government=world.gov_punjab if spec.needs_government else None
        )
    users["analyst_with_admin_access"] = _staff("analyst.admin@gov.pk", generated_name(rng))
    role_grant(user=users["analyst_with_admin_access"], role=Role.RISK_ANALYST)
    User.objects.filter(pk=users["analyst_with_admin_access"].pk).update(is_staff=True)
    for name in ("staff_no_role", "staff_no_role_unverified"):
        users[name] = _staff(f"{name}@gov.pk", generated_name(rng))
        User.objects.filter(pk=users[name].pk).update(is_staff=True)
    for name, user in users.items():
        users[name] = User.objects.get(pk=user.pk)

    secrets: list[str] = []
    # Second factors: a TOTP key (hex as stored, base32 as apps take it) and backup codes.
    key = "".join(rng.choice("0123456789abcdef") for _ in range(40))
    TOTPDevice.objects.create(user=users["officer"], name="phone", key=key, confirmed=True)
    secrets += [key, base64.b32encode(bytes.fromhex(key)).decode()]
    static = StaticDevice.objects.create(user=users["supervisor"], name="backup codes", confirmed=True)
    for _ in range(3):
        token = "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(12))
        StaticToken.objects.create(device=static, token=token)
        secrets.append(token)
    # Password hashes (their salts are unique per user).
    secrets += [user.password.split("$")[-1] for user in users.values()]

    # A complainant with every kind of self-identification, and a complaint whose flags derive from it.
    complainant = User.objects.create_user(
        email="complainant@example.pk", password=PASSWORD, full_name=generated_name(rng)
    )
    RoleAssignment.objects.create(user=complainant, role=Role.COMPLAINANT)
    ComplainantProfile.objects.create(
        user=complainant,
        complainant_type="business",
        business_role="trader",
        gender="female",
        has_disability=True,
        is_minority=True,
        birth_year=1950,
        women_led_business=True,
        youth_led_business=True,
    )
    identity_add(
        user=complainant, document=DocumentInput("cnic", f"35202-{rng.randrange(10**6, 10**7)}-{rng.randrange(10)}")
    )
    VerificationCode.objects.create(
        user=complainant, channel="email", code_hash="0" * 64, expires_at=timezone.now() + timedelta(minutes=5)
    )
    category = Category.objects.create(code="PB-MUN-WATER", name="Water supply", department=world.lg_punjab)
    RoutingRule.objects.create(category=category, office=world.office_a)
    DeadlinePolicy.objects.create()
    CannedReply.objects.create(department=world.lg_punjab, title="Thanks", body="Received.")
    complaint = complaint_submit(
        complainant=complainant,
        category_code=category.code,
        jurisdiction_code="PK-PB-LHR",
        subject="No water",
        text=f"{complainant.full_name}: no water for a week.",
    ).complaint
    Complaint.objects.filter(pk=complaint.pk).update(
        **{f.name: True for f in Complaint._meta.fields if f.name.startswith("flag_")}
    )
    ResponsibilityRating.objects.create(
        complaint=complaint, rated_by=users["officer"], rating="genuine", created_at=timezone.now()
    )
    ComplainantStanding.objects.create(user=complainant, updated_at=timezone.now())
    OfficerAudit.objects.create(complaint=complaint, officer=users["officer"], reason="reopened")
    Post.objects.create(office=world.office_a, title="Assistant Director", rank=17)
    decision_review_file(
        applicant=complainant,
        decision_type="valuation",
        decision_reference="VAL-1",
        decision_office=world.collectorate,
        decision_maker_rank=17,
        reasons="The value is wrong.",
    )
    AccessAttempt.objects.create(
        username="someone@gov.pk",
        ip_address="10.0.0.1",
        user_agent="test",
        failures_since_start=2,
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/en/accounts/login/",
    )
    AccessLog.objects.create(
        username="someone@gov.pk", ip_address="10.0.0.1", user_agent="test", http_accept="*/*", path_info="/"
    )
    AccessFailureLog.objects.create(
        username="someone@gov.pk",
        ip_address="10.0.0.1",
        user_agent="test",
        http_accept="*/*",
        path_info="/",
        locked_out=False,
    )
    from rabta.open311.models import Service as Open311Service
    from rabta.open311.services import client_register as open311_client_register

    Open311Service.objects.create(category=category)
    client, open311_key = open311_client_register(name="City app", actor=None, jurisdiction=world.lahore)
    secrets += [open311_key, client.key_hash]  # the key is shown once, when issued; its hash never
    Group.objects.get_or_create(name="Auditors")[0].permissions.add(Permission.objects.get(codename="view_event"))
    return Cast(users=users, secrets=secrets, complainant=complainant, rng=rng)


class FormScraper(HTMLParser):
    """What a browser would submit for a page's main form: its inputs with their current values."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.inputs: set[str] = set()  # every named control, editable or not
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            self.inputs.add(name)
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, []).append(a.get("value") or "on")
            elif kind not in ("submit", "button", "file"):
                self.data.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self.inputs.add(name)
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.inputs.add(name)
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data


def scrape_form(html: str) -> FormScraper:
    scraper = FormScraper()
    scraper.feed(html)
    return scraper
