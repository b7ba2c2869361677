"""``rabta risk value-audit``: check declarations not yet value-checked, refresh the audit list, show its top."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any, TextIO

HELP = "Post-clearance audit: --check stores value checks of unchecked declarations, --refresh ranks the released"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="value-check every declaration without a stored check")
    parser.add_argument("--refresh", action="store_true", help="rank the released declarations again")
    parser.add_argument("--since", type=date.fromisoformat, default=None, help="only declarations declared since")
    parser.add_argument("--top", type=int, default=10, help="how many of the list to print")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(options: dict[str, Any], stdout: TextIO, stderr: TextIO) -> None:
    from rabta.risk.audit import audit_candidates, audit_candidates_refresh
    from rabta.risk.valuation import value_checks_record_pending

    data: dict[str, Any] = {}
    if options["check"]:
        data["checked"] = value_checks_record_pending(actor=None)
    if options["refresh"]:
        data["ranked"] = audit_candidates_refresh(actor=None, released_since=options["since"]).counts.get("ranked", 0)
    top = audit_candidates(user=None)[: max(options["top"], 0)]
    data["top"] = [
        {
            "number": candidate.declaration.number,
            "score": round(candidate.score, 4),
            "shortfall_pkr": float(candidate.shortfall),
            "reasons": [reason["code"] for reason in candidate.reasons],
        }
        for candidate in top
    ]
    if options["json"]:
        stdout.write(json.dumps(data, sort_keys=True) + "\n")
        return
    for key in ("checked", "ranked"):
        if key in data:
            stdout.write(f"{key}: {data[key]}\n")
    for row in data["top"]:
        stdout.write(f"{row['number']}: {row['score']:.3f}  {', '.join(row['reasons'])}\n")
