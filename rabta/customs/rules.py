"""The rules a declaration's fields must keep, written once for both ways in: the API's service
checks one declaration with them, the bulk import checks a column at a time with the same limits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

NUMBER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9/-]{0,39}$"
TARIFF_CODE_PATTERN = r"^[0-9]{6,12}$"  # HS6 up to Pakistan's 12-digit national codes
NUMBER = re.compile(NUMBER_PATTERN)
TARIFF_CODE = re.compile(TARIFF_CODE_PATTERN)
ITEM_NUMBER_MAX = 9999
# Beyond these a figure is a typing or unit error, not a consignment: a quantity of a trillion, a
# value over ten trillion in any currency, a net mass over a million tonnes on one item line.
QUANTITY_MAX = Decimal("1e12")
VALUE_MAX = Decimal("1e13")
MASS_MAX = Decimal("1e9")
EXCHANGE_RATE_MAX = Decimal("1e6")
EARLIEST_DATE = date(1990, 1, 1)
DESCRIPTION_MAX = 500
# UN/ECE Recommendation 20 units customs declarations use most.
UNITS = frozenset({"KGM", "GRM", "TNE", "NMB", "U", "PR", "DZN", "SET", "LTR", "MTR", "MTK", "MTQ", "KWH", "CT"})


def tariff_findings(*, codes: Sequence[str], on: date) -> dict[str, str]:
    """THE TARIFF HOOK: the codes among ``codes`` that the tariff in force on ``on`` refuses, each with
    its finding code (unknown, expired, unit not fitting...).

    Until the ``tariff`` app exists, the format check above is all there is and this finds nothing.
    The tariff check is to be called from here, and only here: the API's filing service and the
    bulk import both ask this one function (the import once per distinct code and date)."""
    return {}
