"""``rabta risk approve``: a risk analyst (not the model's trainer) approves a trained model."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

HELP = "Approve a trained model: --version N --by EMAIL (a risk analyst other than its trainer)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", type=int, required=True)
    parser.add_argument("--by", required=True, help="the approving risk analyst's sign-in email")


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    from django.core.management.base import CommandError

    from rabta.accounts.models import User
    from rabta.core.errors import DomainError
    from rabta.risk.models import RiskModel
    from rabta.risk.services.models import model_approve

    approver = User.objects.filter(email__iexact=options["by"]).first()
    model = RiskModel.objects.filter(version=options["version"]).first()
    if approver is None or model is None:
        raise CommandError("no such approver or model version")
    try:
        model_approve(actor=approver, model=model)
    except DomainError as exc:
        raise CommandError(exc.message) from exc
    stdout.write(f"model v{model.version} approved by {approver.email}\n")
