"""The folded text a tariff code is searched by (``TariffCode.search_text``)."""

from __future__ import annotations

from rabta.tariff.codes import text_fold


def search_text_for(*, code: str, description: str, description_ur: str) -> str:
    return " ".join(part for part in (code, text_fold(description), text_fold(description_ur)) if part)
