"""The exchange's demo: a partner, its agreement, a logged export and a mirror finding, once."""

from __future__ import annotations

import pytest

from rabta.accounts.demo import demo_users_create
from rabta.directory.demo import demo_directory_create
from rabta.exchange import demo
from rabta.exchange.models import Agreement, ExchangeLog, MirrorFinding
from rabta.risk import demo as risk_demo
from rabta.risk.models_valuation import OutsideValueFinding

pytestmark = pytest.mark.django_db


def test_the_demo_makes_a_partner_an_agreement_a_logged_exchange_and_a_mirror_finding_once():
    demo_directory_create(offices=1200, seed=2026)
    demo_users_create()
    risk_demo.demo_load(seed=2026)
    first = demo.demo_load()
    partner = Agreement.objects.get(partner_name=demo.PARTNER_NAME)
    assert (partner.kind, partner.status, partner.partner_country) == ("administration", "active", "CN")
    assert Agreement.objects.filter(kind="bank", status="active").count() == 1
    export = ExchangeLog.objects.get(direction="export", agreement=partner)
    assert export.rows >= 4 and export.actor.email == demo.EXCHANGE_LOGIN  # the risk demo's four (from China) at least
    finding = MirrorFinding.objects.get()
    assert (finding.reference, str(finding.gap_percent)) == (demo.MIRRORED, "-25.00")
    assert OutsideValueFinding.objects.get().declaration.number == demo.MIRRORED  # value control has it
    assert first == f"exchange: 2 agreements made, 1 export logged ({export.rows} declarations), 1 mirror findings"
    assert demo.demo_load() == "exchange: 0 agreements made (the demo's are there)"
    assert (
        Agreement.objects.count() == 2 and ExchangeLog.objects.count() == 2
    )  # the export and the import; nothing more
