"""Demo users: one login per role, attached to offices of the generated directory.

Staff roles need a second factor, so each demo staff account has a confirmed TOTP device with a
fixed, published key (below): add it to any authenticator app, or run `rabta demo_totp EMAIL`.
These keys protect nothing; never load the demo into a production database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from rabta.accounts.models import User
from rabta.accounts.roles import Role
from rabta.accounts.services import DocumentInput, administrator_grant, role_grant, user_register
from rabta.directory.models import Government, Office

DEMO_PASSWORD = "rabta-demo-2026"  # noqa: S105  (published demo password)
# In base32 (what authenticator apps take): RABXTCAGJTJI4L33WEFIYLK3FZFX4LZR. django-otp stores hex.
DEMO_TOTP_KEY_BASE32 = "RABXTCAGJTJI4L33WEFIYLK3FZFX4LZR"
DEMO_TOTP_KEY_HEX = "88037988064cd28e2f7bb10a8c2d5b2e4b7e2f31"


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    name: str
    where: str  # how to find the office or government


DEMO_LOGINS = [
    DemoLogin(Role.COMPLAINANT, "citizen@demo.rabta.pk", "Ayesha Siddiqui", ""),
    DemoLogin(Role.OFFICER, "officer@demo.rabta.pk", "Imran Qureshi", "office:PB-LG:district:PK-PB-LHR"),
    DemoLogin(Role.SUPERVISOR, "supervisor@demo.rabta.pk", "Nadia Malik", "parent-of:officer"),
    DemoLogin(Role.OVERSIGHT, "oversight@demo.rabta.pk", "Tariq Mehmood", "government:PB"),
    DemoLogin(Role.CUSTOMS_MANAGER, "customs.manager@demo.rabta.pk", "Saima Baloch", "office-code:FED-CUS-CC-APS"),
    DemoLogin(Role.RISK_ANALYST, "risk.analyst@demo.rabta.pk", "Farhan Ali", ""),
    DemoLogin(Role.EXAMINING_OFFICER, "examiner@demo.rabta.pk", "Zubair Khan", "office-code:FED-CUS-APE-KHI"),
    DemoLogin(Role.ADMINISTRATOR, "admin@demo.rabta.pk", "Rabta Administrator", ""),
    # Two, because a tariff change is approved by someone other than its proposer.
    DemoLogin(Role.TARIFF_OFFICER, "tariff.policy@demo.rabta.pk", "Hina Rauf", ""),
    DemoLogin(Role.TARIFF_OFFICER, "tariff.approver@demo.rabta.pk", "Kamran Aslam", ""),
    # Incidents are reported in a collectorate and approved by a supervisor above it (never the reporter).
    DemoLogin(Role.ENFORCEMENT_OFFICER, "enforcement@demo.rabta.pk", "Sajid Anwar", "office-code:FED-CUS-APE-KHI"),
    DemoLogin(
        Role.ENFORCEMENT_SUPERVISOR, "enforcement.supervisor@demo.rabta.pk", "Rubina Shah", "office-code:FED-CUS-CC-APS"
    ),
    # Border agencies (rabta.risk agencies): the risk demo makes each a member of its agency.
    DemoLogin(Role.AGENCY_OFFICER, "ppd.officer@demo.rabta.pk", "Shazia Parveen", ""),
    DemoLogin(Role.AGENCY_OFFICER, "drap.officer@demo.rabta.pk", "Asad Mirza", ""),
    DemoLogin(Role.EXCHANGE_OFFICER, "exchange@demo.rabta.pk", "Asma Javed", ""),
]


def _officer_office() -> Office:
    # Prefer Lahore's local government office (what the README names); a smaller generated directory
    # may lack it, so fall back to the first district office of a Punjab department, then of any.
    districts = Office.objects.filter(level="district", parent__isnull=False).order_by("code")
    office = (
        districts.filter(department__code="PB-LG", jurisdiction__code="PK-PB-LHR").first()
        or districts.filter(department__government__code="PB").first()
        or districts.first()
    )
    if office is None:
        raise CommandError("The directory is not loaded: run `rabta loaddemo` (or `rabta generate_directory`) first.")
    return office


def _scope(login: DemoLogin) -> tuple[Office | None, Government | None]:
    if not login.where:
        return None, None
    kind, _, value = login.where.partition(":")
    if kind == "office":
        return _officer_office(), None
    if kind == "parent-of":
        return _officer_office().parent, None
    if kind == "government":
        government = Government.objects.filter(code=value).first()
        if government is None:
            raise CommandError(f"Government {value} is missing: load the directory first (`rabta loaddemo`).")
        return None, government
    office = Office.objects.filter(code=value).first()
    if office is None:
        raise CommandError(f"Office {value} is missing: load the directory first (`rabta loaddemo`).")
    return office, None


@transaction.atomic
def demo_users_create() -> str:
    """Create the demo logins that are missing. Running it again creates nothing."""
    if settings.PRODUCTION:  # their password and TOTP key are published: never in production
        raise CommandError("demo logins are refused when RABTA_ENV=production")
    created = 0
    for login in DEMO_LOGINS:
        if User.objects.filter(email=login.email).exists():
            continue
        office, government = _scope(login)
        if login.role == Role.COMPLAINANT:
            user_register(
                full_name=login.name,
                password=DEMO_PASSWORD,
                complainant_type="citizen",
                email=login.email,
                phone="+923001234567",
                language="en",
                documents=[DocumentInput("cnic", "35202-1234567-1")],
            )
        else:
            user = User.objects.create_user(email=login.email, password=DEMO_PASSWORD, full_name=login.name)
            if login.role == Role.ADMINISTRATOR:
                administrator_grant(user=user)
            else:
                role_grant(user=user, role=login.role, office=office, government=government)
            TOTPDevice.objects.create(user=user, name="demo authenticator", key=DEMO_TOTP_KEY_HEX, confirmed=True)
        created += 1
    return f"{created} created, {len(DEMO_LOGINS) - created} already there"


def _where_text(login: DemoLogin) -> str:
    try:
        office, government = _scope(login)
    except CommandError:
        return "(directory not loaded)"
    if office is not None:
        return office.name
    if government is not None:
        return government.name
    return "—"


def demo_logins_text() -> str:
    rows = [("role", "login", "password", "office or government")]
    rows += [(str(login.role.label), login.email, DEMO_PASSWORD, _where_text(login)) for login in DEMO_LOGINS]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)) for row in rows]
    lines.append("")
    lines.append(
        "Staff sign in with a one-time code as well: `.venv/bin/rabta demo_totp EMAIL` prints the current one."
    )
    return "\n".join(lines) + "\n"


# The demo loader (`rabta loaddemo`): the logins are attached to offices of the demo directory.
DEMO_AFTER: tuple[str, ...] = ("directory",)


def demo_load(*, offices: int, seed: int, shared_data: Path | None, stdout: TextIO) -> str:
    """One login per role; returns what ``loaddemo`` prints."""
    return f"demo users: {demo_users_create()}"
