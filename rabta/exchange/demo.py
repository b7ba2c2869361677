"""The exchange's part of ``rabta loaddemo``: a partner administration (China's customs) under an
active bilateral agreement, a bank's compliance unit under its own, one logged export of this
month's declarations of trade with China (the risk demo's), and one partner file whose export value
for ``DEMO-RISK-3`` lies a quarter above the declared import value, so that a mirror finding shows
on that declaration's page and in the audit list. Idempotent: a second run adds nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

DEMO_AFTER: tuple[str, ...] = ("directory", "accounts", "risk")

PARTNER_NAME = "General Administration of Customs of China (demo)"
BANK_NAME = "Demo Bank, compliance unit"
EXCHANGE_LOGIN = "exchange@demo.rabta.pk"
MIRRORED = "DEMO-RISK-3"  # filed by the risk demo at 9,000,000 PKR
PARTNER_EXPORT_VALUE = "12000000.00"


def _partner_file(declared_on: date) -> bytes:
    return json.dumps(
        {
            "Declaration": [
                {
                    "FunctionalReferenceID": MIRRORED,
                    "IssueDateTime": declared_on.isoformat(),
                    "TypeCode": "EX",
                    "CurrencyTypeCode": "PKR",
                    "GoodsShipment": {
                        "GovernmentAgencyGoodsItem": [
                            {
                                "SequenceNumeric": 1,
                                "Classification": {"ID": "85287219"},
                                "Origin": {"CountryCode": "CN"},
                                "CustomsValueAmount": PARTNER_EXPORT_VALUE,
                            }
                        ]
                    },
                }
            ]
        }
    ).encode()


def demo_load(*, offices: int = 0, seed: int = 0, shared_data: Path | None = None, stdout: Any = None) -> str:
    from django.utils import timezone

    from rabta.accounts.models import User
    from rabta.customs.models import Declaration
    from rabta.exchange import services
    from rabta.exchange.choices import AgreementStatus, Dataset, FileFormat, PartnerKind
    from rabta.exchange.models import Agreement
    from rabta.exchange.wco import DATASET_FIELDS

    if Agreement.objects.filter(partner_name=PARTNER_NAME).exists():
        return "exchange: 0 agreements made (the demo's are there)"
    officer = User.objects.filter(email=EXCHANGE_LOGIN).first()
    today = timezone.localdate()
    partner = services.agreement_create(
        actor=officer,
        kind=PartnerKind.ADMINISTRATION,
        partner_country="CN",
        partner_name=PARTNER_NAME,
        datasets=[Dataset.DECLARATIONS],
        fields=[field.key for field in DATASET_FIELDS[Dataset.DECLARATIONS]],
        valid_from=date(today.year, 1, 1),
        status=AgreementStatus.ACTIVE,
    )
    services.agreement_create(
        actor=officer,
        kind=PartnerKind.BANK,
        partner_country="PK",
        partner_name=BANK_NAME,
        valid_from=date(today.year, 1, 1),
        status=AgreementStatus.ACTIVE,
    )
    export = services.exchange_export(
        actor=officer,
        agreement=partner,
        file_format=FileFormat.JSON,
        period_from=today.replace(day=1),
        period_to=today,
    )
    for _chunk in export.chunks:  # the log is written when the last chunk has gone
        pass
    rows = export.log.rows if export.log is not None else 0
    mirrored = Declaration.objects.filter(number=MIRRORED).first()
    findings = 0
    if mirrored is not None:
        imported = services.partner_import(
            actor=officer,
            agreement=partner,
            data=_partner_file(mirrored.declared_on),
            file_format=FileFormat.JSON,
            name="demo-partner-exports.json",
        )
        findings = imported.findings
    return f"exchange: 2 agreements made, 1 export logged ({rows} declarations), {findings} mirror findings"
