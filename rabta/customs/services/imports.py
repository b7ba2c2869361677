"""Bulk import of goods declarations: Rabta's CSV and JSON Lines, and the Korea Customs Service
synthetic format (KCS, 22 columns).

The file is read and checked *in columns* with Polars, not row by row in Python: a million items
are validated in a few seconds, and a row's every problem is reported as a reject
``(row, field, code, message)`` while the good rows go on. Rows are numbered as in the file (the
header is row 1; in JSON Lines, line N is row N).

Loading is in chunks of whole declarations, one transaction each. A declaration number and item
number already in the database is skipped (``skipped_existing``), never written twice, so a run
that was killed is finished by running it again. The dashboard's roll-ups of the new declarations are added
after the load (:func:`imports_fold_pending`), from a queue each chunk writes in its transaction,
so a killed run's committed chunks are folded by the next run, once. On PostgreSQL the chunk is written with COPY
(psycopg 3's ``cursor.copy``) from CSV that Polars writes; on SQLite with ``executemany``, slower
and the same rows.

The rules are the API's (rabta.customs.rules, rabta.customs.codes, rabta.customs.parties); a test
files the same good and bad declarations both ways and expects the same verdicts.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rabta.core.crypto import encrypt
from rabta.core.models import Event
from rabta.customs import rules
from rabta.customs.choices import Outcome, PartyKind, PartyScheme, Regime, Source, Status, TransportMode
from rabta.customs.codes import COUNTRIES, CURRENCIES
from rabta.customs.errors import CustomsError
from rabta.customs.events import CustomsEvent
from rabta.customs.models import ITEM_DATA_FIELDS, Declaration, DeclarationItem, Examination, ImportFoldPending, Party
from rabta.customs.parties import (
    country_normalize,
    external_normalize,
    licence_normalize,
    name_key,
    ntn_normalize,
    party_hash,
)
from rabta.customs.services.rollups import rollup_fold
from rabta.directory.choices import OfficeLevel
from rabta.directory.models import Office

FORMATS = ("kcs", "csv", "jsonl")
CHUNK_ROWS = 50_000  # items per transaction: a killed run loses at most this much work
# Connections loading chunks at once on PostgreSQL: most of a load is the server's (COPY, index
# upkeep, the foreign-key checks at commit), which one connection keeps on one core.
LOAD_WORKERS = 2

# Rabta's own format (CSV header / JSON Lines keys), in this order.
COLUMNS = [
    "declaration_number",
    "item_number",
    "declared_on",
    "regime",
    "declaration_type",
    "collectorate",
    "station",
    "transport_mode",
    "currency",
    "exchange_rate",
    "importer_ntn",
    "declarant_licence",
    "seller_name",
    "seller_country",
    "tariff_code",
    "description",
    "origin_country",
    "departure_country",
    "quantity",
    "unit",
    "net_mass_kg",
    "customs_value",
    "duty_assessed",
    "taxes_assessed",
]
# Columns a header may leave out altogether (an older file stays valid); empty when absent.
OPTIONAL_COLUMNS = ["arrived_at"]
OPTIONAL = {"regime", "declaration_type", "station", "transport_mode", "declarant_licence", "seller_name"}
OPTIONAL |= {"seller_country", "duty_assessed", "taxes_assessed", *OPTIONAL_COLUMNS}
KCS_COLUMNS = [
    "Declaration ID",
    "Date",
    "Office ID",
    "Process Type",
    "Import Type",
    "Import Use",
    "Payment Type",
    "Mode of Transport",
    "Declarant ID",
    "Importer ID",
    "Seller ID",
    "Courier ID",
    "HS6 Code",
    "Country of Departure",
    "Country of Origin",
    "Tax Rate",
    "Tax Type",
    "Country of Origin Indicator",
    "Net Mass",
    "Item Price",
    "Fraud",
    "Critical Fraud",
]
# Where each of Rabta's fields comes from in a KCS file: rejects name the file's own column.
KCS_SOURCE = {
    "declaration_number": "Declaration ID",
    "declared_on": "Date",
    "declaration_type": "Process Type",
    "transport_mode": "Mode of Transport",
    "importer": "Importer ID",
    "declarant": "Declarant ID",
    "seller": "Seller ID",
    "tariff_code": "HS6 Code",
    "origin_country": "Country of Origin",
    "departure_country": "Country of Departure",
    "quantity": "Net Mass",
    "net_mass_kg": "Net Mass",
    "customs_value": "Item Price",
    "tax_rate": "Tax Rate",
    "fraud": "Fraud",
    "critical_fraud": "Critical Fraud",
}
HEADER_FIELDS = [
    "declared_on",
    "arrived_at",
    "regime",
    "declaration_type",
    "collectorate",
    "station",
    "transport_mode",
    "currency",
    "exchange_rate",
    "importer",
    "declarant",
    "seller",
    "seller_country",
]
KCS_CURRENCY = "KRW"
KCS_EXCHANGE_RATE = Decimal("0.2")  # PKR per KRW; the files carry no rate, so it is an option


@dataclass(frozen=True)
class Reject:
    row: int
    field: str
    code: str
    message: str


@dataclass
class ImportResult:
    imported: int = 0
    skipped_existing: int = 0
    rejected: int = 0
    rejects: list[Reject] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "skipped_existing": self.skipped_existing,
            "rejected": self.rejected,
            "rejects": [asdict(reject) for reject in self.rejects],
        }


class _FileRefused(Exception):
    """The file cannot be read as its format at all: nothing in it is imported."""

    def __init__(self, rejects: list[Reject]) -> None:
        super().__init__(rejects[0].message)
        self.rejects = rejects


# Reading -------------------------------------------------------------------------------------


def _text(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in raw[:4096]:
        raise _FileRefused(
            [Reject(1, "file", CustomsError.ENCODING_INVALID, _("The file is not UTF-8 text (it looks like UTF-16)."))]
        )
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    # Undecodable bytes become U+FFFD, and the rows holding one are rejected: the rest still import.
    return raw.decode("utf-8", errors="replace")


def _text_lines(path: Path) -> list[str]:
    lines = _text(path).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _line_series(path: Path) -> pl.Series:
    """The file's lines as :func:`_text_lines` gives them, in a Polars column. Python's split (in C)
    then one copy into Arrow costs about half the CPU of Polars' split of one huge string."""
    lines = pl.Series("line", _text(path).split("\n"), dtype=pl.String)
    if lines.len() and lines[-1] == "":
        lines = lines.head(lines.len() - 1)
    return lines.str.strip_suffix("\r")


def _row_problems(frame: pl.DataFrame, rejects: list[Reject]) -> pl.DataFrame:
    """Rows whose bytes were not UTF-8 or that hold NUL are rejected whole."""
    bad = frame.filter(pl.col("line").str.contains("\ufffd", literal=True) | pl.col("line").str.contains("\x00"))
    rejects.extend(
        Reject(row, "row", CustomsError.ENCODING_INVALID, _("The row is not valid UTF-8 text."))
        for row in bad["row"].to_list()
    )
    return frame.join(bad.select("row"), on="row", how="anti") if bad.height else frame


# A field quoted without a comma or quote inside ("", "Acme Ltd") splits like an unquoted one once
# its quotes are dropped; only lines still holding a quote need a real CSV parser.
_SIMPLE_QUOTES = r'(^|,)"([^",]*)"(,|$)'


def _read_csv(
    path: Path, expected: list[str], rejects: list[Reject], optional: list[str] | None = None
) -> pl.DataFrame:
    """A CSV file as one string column per expected column, plus ``row`` (its number in the file).

    Lines without a quote (all of a KCS file, nearly all of ours) are split in columns by Polars;
    the few with quotes go through Python's csv module. A line break inside a quoted field is not
    supported: every row is one line, which is what keeps row numbers those of the file.

    Every step runs over the whole column in Polars; the rare lines that need more (quotes,
    blanks around a separator) are filtered out first and worked on alone, since a
    ``when/then`` would compute its costly branch for every line."""
    lines = _line_series(path)
    if not lines.len():
        raise _FileRefused([Reject(1, "file", CustomsError.COLUMN_MISSING, _("The file is empty."))])
    header = next(csv.reader([lines[0].lstrip("\ufeff")]))
    header = [name.strip() for name in header]
    optional = optional or []
    missing = [name for name in expected if name not in header]
    extra = [name for name in header if name not in expected and name not in optional]
    if missing or extra or len(header) != len(set(header)):
        problems = [Reject(1, name, CustomsError.COLUMN_MISSING, _("This column is missing.")) for name in missing]
        problems += [
            Reject(1, name, CustomsError.COLUMN_UNEXPECTED, _("This column is not part of the format."))
            for name in extra
        ]
        if not problems:
            problems = [Reject(1, "file", CustomsError.COLUMN_UNEXPECTED, _("A column is named twice."))]
        raise _FileRefused(problems)
    width = len(header)
    frame = pl.DataFrame({"line": lines.slice(1)}).with_row_index("row", offset=2)
    frame = _row_problems(frame.with_columns(pl.col("row").cast(pl.Int64)), rejects)
    has_quote = pl.col("line").str.contains('"', literal=True)
    unquoted = frame.filter(~has_quote)
    # Adjacent quoted fields share a comma, which one pass cannot match twice: a second pass.
    requoted = frame.filter(has_quote).with_columns(
        pl.col("line").str.replace_all(_SIMPLE_QUOTES, "${1}${2}${3}").str.replace_all(_SIMPLE_QUOTES, "${1}${2}${3}")
    )
    still = pl.col("line").str.contains('"', literal=True)
    simple = requoted.filter(~still)
    plain = pl.concat([unquoted, simple]) if simple.height else unquoted
    # Blanks around a value are dropped (as str.strip_chars would, per field): on the lines with any.
    blank = pl.col("line").str.contains(r"(^\s|\s$|\s,|,\s)")
    flagged = plain.with_columns(blank.alias("_blank"))
    if flagged["_blank"].any():
        plain = pl.concat(
            [
                flagged.filter(~pl.col("_blank")).drop("_blank"),
                flagged.filter(pl.col("_blank"))
                .drop("_blank")
                .with_columns(pl.col("line").str.replace_all(r"\s*,\s*", ",").str.strip_chars()),
            ]
        )
    plain = plain.with_columns(pl.col("line").str.count_matches(",", literal=True).alias("width") + 1)
    parts: list[pl.DataFrame] = []
    ragged = plain.filter(pl.col("width") != width)
    for row, found in ragged.select("row", "width").iter_rows():
        rejects.append(
            Reject(
                row,
                "row",
                CustomsError.ROW_MALFORMED,
                _("Expected %(expected)d fields, found %(found)d.") % {"expected": width, "found": found},
            )
        )
    plain = plain.filter(pl.col("width") == width)
    split = plain.select("row", pl.col("line").str.split_exact(",", width - 1).alias("parts")).unnest("parts")
    parts.append(split.rename({f"field_{index}": name for index, name in enumerate(header)}))
    records: dict[str, list[Any]] = {name: [] for name in ["row", *header]}
    for row, line in frame.filter(has_quote).join(requoted.filter(still).select("row"), on="row").iter_rows():
        try:
            (values,) = list(csv.reader([line], strict=True))
        except (csv.Error, ValueError):
            rejects.append(Reject(row, "row", CustomsError.ROW_MALFORMED, _("The row is not valid CSV.")))
            continue
        if len(values) != width:
            message = _("Expected %(expected)d fields, found %(found)d.") % {"expected": width, "found": len(values)}
            rejects.append(Reject(row, "row", CustomsError.ROW_MALFORMED, message))
            continue
        records["row"].append(row)
        for name, value in zip(header, values, strict=True):
            records[name].append(value)
    quoted = pl.DataFrame(records, schema={"row": pl.Int64, **dict.fromkeys(header, pl.String)})
    parts.append(quoted.with_columns(pl.col(name).str.strip_chars() for name in header))
    parts = [part for part in parts if part.height] or parts[:1]
    merged = pl.concat(parts)
    if len(parts) > 1 or not merged["row"].is_sorted():  # a plain file's lines are in order already
        merged = merged.sort("row")
    return merged.with_columns(pl.lit("").alias(name) for name in optional if name not in header)


def _read_jsonl(path: Path, rejects: list[Reject]) -> pl.DataFrame:
    """A JSON Lines file, one object a line with Rabta's keys. A line that is not an object of
    exactly those keys is rejected; numbers are read as the text JSON wrote them."""
    keys = [*COLUMNS, *OPTIONAL_COLUMNS]
    records: dict[str, list[Any]] = {name: [] for name in ["row", *keys]}
    expected = set(keys)
    for row, line in enumerate(_text_lines(path), start=1):
        if not line.strip():
            continue
        if "\ufffd" in line:
            rejects.append(Reject(row, "row", CustomsError.ENCODING_INVALID, _("The row is not valid UTF-8 text.")))
            continue
        try:
            value = json.loads(line, parse_float=str, parse_int=str, parse_constant=lambda name: name)
        except (ValueError, RecursionError):
            value = None
        if not isinstance(value, dict):
            rejects.append(Reject(row, "row", CustomsError.ROW_MALFORMED, _("The line is not a JSON object.")))
            continue
        missing = [name for name in keys if name not in value and name not in OPTIONAL]
        extra = sorted(set(value) - expected)
        if missing or extra:
            rejects.extend(
                Reject(row, name, CustomsError.COLUMN_MISSING, _("This field is missing.")) for name in missing
            )
            rejects.extend(
                Reject(row, str(name)[:80], CustomsError.COLUMN_UNEXPECTED, _("This field is not part of the format."))
                for name in extra
            )
            continue
        records["row"].append(row)
        for name in keys:
            item = value.get(name)
            records[name].append("" if item is None else item if isinstance(item, str) else json.dumps(item))
    frame = pl.DataFrame(records, schema={"row": pl.Int64, **dict.fromkeys(keys, pl.String)})
    return frame.with_columns(pl.col(name).str.strip_chars() for name in keys)


# Mapping onto Rabta's fields -----------------------------------------------------------------


def _from_rabta(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.rename(
        {"importer_ntn": "importer", "declarant_licence": "declarant", "seller_name": "seller"}
    ).with_columns(
        pl.lit(PartyScheme.NTN).alias("importer_scheme"),
        pl.lit(PartyScheme.LICENCE).alias("declarant_scheme"),
        pl.lit(PartyScheme.NAME).alias("seller_scheme"),
        pl.lit("").alias("external_office"),
        pl.lit("{}").alias("source_attributes"),
        pl.lit("").alias("outcome"),
        pl.lit(Source.IMPORT).alias("source"),
    )


def _from_kcs(frame: pl.DataFrame, *, collectorate: str, exchange_rate: Decimal) -> pl.DataFrame:
    """KCS's 22 columns as Rabta's fields (docs/customs.md has the table). Each row is a
    declaration of one item; its fraud labels become the examination's result."""
    c = pl.col
    mode = c("Mode of Transport").str.slice(0, 1)

    def binary_float(name: str, places: int) -> pl.Expr:
        # The files were written from binary floats (86125.20000000001): the figure meant is the
        # one rounded to the column's places. Anything that is not a plain number stays as written,
        # for validation to reject.
        plain = c(name).str.contains(r"^-?[0-9]{1,18}(\.[0-9]+)?$")
        rounded = c(name).cast(pl.Float64, strict=False).round(places).cast(pl.Decimal(24, places)).cast(pl.String)
        return pl.when(plain).then(rounded).otherwise(c(name))

    attributes = pl.struct(
        c("Office ID").alias("office"),
        c("Import Type").alias("import_type"),
        c("Import Use").alias("import_use"),
        c("Payment Type").alias("payment_type"),
        c("Tax Rate").alias("tax_rate"),
        c("Tax Type").alias("tax_type"),
        c("Country of Origin Indicator").alias("origin_indicator"),
        c("Courier ID").alias("courier"),
    ).struct.json_encode()
    outcome = (
        pl.when(c("Critical Fraud") == "2")
        .then(pl.lit(Outcome.CRITICAL))
        .when((c("Fraud") == "1") | (c("Critical Fraud") == "1"))
        .then(pl.lit(Outcome.DISCREPANCY))
        .when((c("Fraud") == "0") & (c("Critical Fraud") == "0"))
        .then(pl.lit(Outcome.NO_DISCREPANCY))
        .otherwise(pl.lit("?"))
    )
    return frame.select(
        "row",
        pl.when(c("Declaration ID") == "")
        .then(pl.lit(""))
        .otherwise(pl.lit("KCS-") + c("Declaration ID"))
        .alias("declaration_number"),
        pl.lit("1").alias("item_number"),
        c("Date").alias("declared_on"),
        pl.lit(Regime.IMPORT).alias("regime"),
        (c("Process Type") + pl.lit("-") + c("Import Type")).str.slice(0, 8).alias("declaration_type"),
        pl.lit(collectorate).alias("collectorate"),
        pl.lit("").alias("station"),
        pl.when(mode.is_in(["1", "2", "3", "4", "5", "6", "7", "8", "9"]))
        .then(mode)
        .otherwise(pl.lit("?"))
        .alias("transport_mode"),
        pl.lit(KCS_CURRENCY).alias("currency"),
        pl.lit(str(exchange_rate)).alias("exchange_rate"),
        c("Importer ID").alias("importer"),
        c("Declarant ID").alias("declarant"),
        c("Seller ID").alias("seller"),
        c("Country of Departure").alias("seller_country"),
        c("HS6 Code").alias("tariff_code"),
        (pl.lit("HS ") + c("HS6 Code") + pl.lit(" (KCS synthetic record)")).alias("description"),
        c("Country of Origin").alias("origin_country"),
        c("Country of Departure").alias("departure_country"),
        binary_float("Net Mass", 3).alias("quantity"),
        pl.lit("KGM").alias("unit"),
        binary_float("Net Mass", 3).alias("net_mass_kg"),
        binary_float("Item Price", 2).alias("customs_value"),
        c("Tax Rate").alias("tax_rate"),
        pl.lit("0").alias("taxes_assessed"),
        pl.lit(PartyScheme.EXTERNAL).alias("importer_scheme"),
        pl.lit(PartyScheme.EXTERNAL).alias("declarant_scheme"),
        pl.lit(PartyScheme.EXTERNAL).alias("seller_scheme"),
        c("Office ID").str.slice(0, 16).alias("external_office"),
        attributes.alias("source_attributes"),
        outcome.alias("outcome"),
        pl.lit(Source.KCS).alias("source"),
        pl.lit("").alias("arrived_at"),
    )


# Validation in columns -----------------------------------------------------------------------


def _decimal(name: str, places: int) -> pl.Expr:
    return pl.col(name).str.contains(rf"^-?[0-9]{{1,18}}(\.[0-9]{{1,{places}}})?$")


def _number(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.Float64, strict=False)


@dataclass(frozen=True)
class _Check:
    field: str
    code: str
    message: str
    bad: pl.Expr  # true where the row breaks the rule


def _checks(*, kcs: bool, offices: dict[str, tuple[int, str]], stations: dict[str, tuple[int, str]]) -> list[_Check]:
    c = pl.col
    today = timezone.localdate()
    required = [
        "declaration_number",
        "item_number",
        "declared_on",
        "collectorate",
        "currency",
        "exchange_rate",
        "importer",
        "tariff_code",
        "description",
        "origin_country",
        "departure_country",
        "quantity",
        "unit",
        "net_mass_kg",
        "customs_value",
    ]
    if kcs:
        required += ["declarant", "tax_rate"]
    checks = [
        _Check(name, CustomsError.FIELD_REQUIRED, _("This field is required."), c(name) == "") for name in required
    ]
    parsed = c("declared_on").str.strptime(pl.Date, "%Y-%m-%d", strict=False)

    def amount(name: str, code: str, places: int, low: float, high: Decimal, *, strict: bool) -> list[_Check]:
        well_formed = _decimal(name, places)
        value = _number(name)
        below = value <= low if strict else value < low
        return [
            _Check(
                name,
                code,
                _("Give a number with at most %(places)d decimal places.") % {"places": places},
                (c(name) != "") & ~well_formed,
            ),
            _Check(
                name,
                code,
                _("Out of range: from %(low)s to %(high)s.") % {"low": low, "high": high},
                well_formed & (below | (value > float(high))),
            ),
        ]

    checks += [
        _Check(
            "declaration_number",
            CustomsError.NUMBER_INVALID,
            _("A declaration number is 1 to 40 letters, digits, / and -."),
            (c("declaration_number") != "") & ~c("declaration_number").str.contains(rules.NUMBER_PATTERN),
        ),
        _Check(
            "item_number",
            CustomsError.ITEM_NUMBER_INVALID,
            _("An item number is 1 to 9999."),
            (c("item_number") != "") & ~c("item_number").str.contains(r"^0*[1-9][0-9]{0,3}$"),
        ),
        _Check(
            "declared_on",
            CustomsError.DATE_INVALID,
            _("Give the date as YYYY-MM-DD, from 1990 on."),
            (c("declared_on") != "") & (parsed.is_null() | (parsed < rules.EARLIEST_DATE)),
        ),
        _Check("declared_on", CustomsError.DATE_IN_FUTURE, _("The declaration date is in the future."), parsed > today),
        _Check(
            "regime",
            CustomsError.REGIME_UNKNOWN,
            _("Unknown customs regime."),
            ~c("regime").is_in(["", *Regime.values]),
        ),
        _Check(
            "transport_mode",
            CustomsError.TRANSPORT_MODE_UNKNOWN,
            _("Unknown mode of transport."),
            ~c("transport_mode").is_in(["", *TransportMode.values]),
        ),
        _Check(
            "declaration_type",
            CustomsError.VALUE_INVALID,
            _("At most 8 letters and digits."),
            ~c("declaration_type").str.contains(r"^[A-Za-z0-9-]{0,8}$"),
        ),
        _Check(
            "currency",
            CustomsError.CURRENCY_UNKNOWN,
            _("Give an ISO 4217 currency code such as PKR or USD."),
            (c("currency") != "") & ~c("currency").is_in(sorted(CURRENCIES)),
        ),
        *amount("exchange_rate", CustomsError.EXCHANGE_RATE_INVALID, 6, 0, rules.EXCHANGE_RATE_MAX, strict=True),
        _Check(
            "collectorate",
            CustomsError.COLLECTORATE_UNKNOWN,
            _("There is no such customs collectorate."),
            (c("collectorate") != "") & ~c("collectorate").is_in(sorted(offices)),
        ),
        _Check(
            "station",
            CustomsError.STATION_UNKNOWN,
            _("There is no such port or station under this collectorate."),
            (c("station") != "") & ~c("station").is_in(sorted(stations)),
        ),
        _Check(
            "tariff_code",
            CustomsError.TARIFF_CODE_INVALID,
            _("A tariff code is 6 to 12 digits."),
            (c("tariff_code") != "") & ~c("tariff_code").str.contains(rules.TARIFF_CODE_PATTERN),
        ),
        _Check(
            "description",
            CustomsError.VALUE_INVALID,
            _("At most %(max)d characters, without control characters.") % {"max": rules.DESCRIPTION_MAX},
            (c("description").str.len_chars() > rules.DESCRIPTION_MAX) | c("description").str.contains(r"[\x00-\x1f]"),
        ),
        *[
            _Check(
                name,
                CustomsError.COUNTRY_UNKNOWN,
                _("Give an ISO 3166 two-letter country code."),
                (c(name) != "") & ~c(name).is_in(sorted(COUNTRIES)),
            )
            for name in ("origin_country", "departure_country")
        ],
        _Check(
            "unit",
            CustomsError.UNIT_INVALID,
            _("Give a UN/ECE unit code such as KGM or NMB."),
            (c("unit") != "") & ~c("unit").is_in(sorted(rules.UNITS)),
        ),
        *amount("quantity", CustomsError.QUANTITY_INVALID, 3, 0, rules.QUANTITY_MAX, strict=True),
        *amount("net_mass_kg", CustomsError.MASS_INVALID, 3, 0, rules.MASS_MAX, strict=False),
        *amount("customs_value", CustomsError.VALUE_INVALID, 2, 0, rules.VALUE_MAX, strict=False),
        *amount("taxes_assessed", CustomsError.VALUE_INVALID, 2, 0, rules.VALUE_MAX, strict=False),
    ]
    if not kcs:  # a KCS seller's country is the country of departure, checked above
        checks.append(
            _Check(
                "seller_country",
                CustomsError.COUNTRY_UNKNOWN,
                _("Give an ISO 3166 two-letter country code."),
                (c("seller") != "") & ~c("seller_country").is_in(sorted(COUNTRIES)),
            )
        )
    if kcs:
        checks += amount("tax_rate", CustomsError.VALUE_INVALID, 4, 0, Decimal(1000), strict=False)
        checks.append(
            _Check(
                "fraud",
                CustomsError.OUTCOME_UNKNOWN,
                _("Fraud is 0 or 1 and Critical Fraud 0, 1 or 2."),
                c("outcome") == "?",
            )
        )
    else:
        checks += amount("duty_assessed", CustomsError.VALUE_INVALID, 2, 0, rules.VALUE_MAX, strict=False)
    # Each of a declaration's rows must repeat its header as the first row gave it, and an item
    # number appears once per declaration. ``_first_row`` and ``_first_<field>`` are joined on by
    # :func:`_with_firsts` (one group-by for all of them, not a window per field).
    first_row = c("row") == c("_first_row")
    checks += [
        _Check(
            name,
            CustomsError.HEADER_MISMATCH,
            _("This differs from the declaration's first row."),
            (c(name) != c(f"_first_{name}")) & ~first_row,
        )
        for name in HEADER_FIELDS
    ]
    checks.append(
        _Check(
            "item_number",
            CustomsError.ITEM_DUPLICATE,
            _("This declaration and item number appear earlier in the file."),
            # the frame is in the file's order, so the first of a pair is the one of the lowest row
            ~pl.struct("declaration_number", "item_number").is_first_distinct(),
        )
    )
    return checks


def _with_firsts(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (in the file's order) with, on each row, its declaration's first row number and
    header fields as that row gave them (``_first_row``, ``_first_<field>``)."""
    firsts = frame.group_by("declaration_number").agg(
        pl.col("row").min().alias("_first_row"),
        *[pl.col(name).first().alias(f"_first_{name}") for name in HEADER_FIELDS],
    )
    return frame.join(firsts, on="declaration_number", how="left", maintain_order="left")


def _parties(frame: pl.DataFrame, role: str, kind: PartyKind) -> tuple[pl.DataFrame, list[tuple[int, str, str]]]:
    """Normalise and hash the distinct identifiers of one party column (a few thousand distinct
    values in a million rows: done in Python once per value, then joined back)."""
    scheme_column, problems = f"{role}_scheme", []
    distinct = frame.select(role, scheme_column, "seller_country").unique() if role == "seller" else None
    if distinct is None:
        distinct = frame.select(role, scheme_column).unique().with_columns(pl.lit("").alias("seller_country"))
    normalised: dict[str, list[Any]] = {role: [], scheme_column: [], "seller_country": [], "hash": [], "clean": []}
    normalised[f"{role}_error"] = []
    for value, scheme, country in distinct.iter_rows():
        clean, digest, error = "", "", ""
        if value:
            try:
                if scheme == PartyScheme.NTN:
                    clean = ntn_normalize(value)
                elif scheme == PartyScheme.LICENCE:
                    clean = licence_normalize(value)
                elif scheme == PartyScheme.EXTERNAL:
                    clean = external_normalize(value)
                else:
                    clean = " ".join(value.split())
                    if len(clean) > 200:
                        raise ValidationError(_("At most 200 characters."), code=CustomsError.VALUE_INVALID)
                    country = country_normalize(country) if country else country
                key = name_key(clean) if scheme == PartyScheme.NAME else clean
                digest = party_hash(kind=kind, scheme=scheme, identifier=key, country=country or "")
            except ValidationError as exc:
                error = f"{exc.code or 'invalid'}|{' '.join(exc.messages)}"
        for name, item in ((role, value), (scheme_column, scheme), ("seller_country", country)):
            normalised[name].append(item)
        normalised["hash"].append(digest)
        normalised["clean"].append(clean)
        normalised[f"{role}_error"].append(error)
    table = pl.DataFrame(normalised, schema=dict.fromkeys(normalised, pl.String)).rename(
        {"hash": f"{role}_hash", "clean": f"{role}_clean"}
    )
    keys = [role, scheme_column] + (["seller_country"] if role == "seller" else [])
    if role != "seller":
        table = table.drop("seller_country")
    joined = frame.join(table, on=keys, how="left")
    for row, error in joined.filter(pl.col(f"{role}_error") != "").select("row", f"{role}_error").iter_rows():
        code, _sep, message = error.partition("|")
        problems.append((row, code, message))
    return joined.drop(f"{role}_error"), problems


def _arrivals(values: list[str]) -> dict[str, tuple[str | None, tuple[str, str] | None]]:
    """Each distinct ``arrived_at`` of the file: the time as the database takes it (None when
    empty) or the problem ``(code, message)``, checked as ``declaration_file`` checks the API's
    (ISO 8601 with its time zone, not in the future, not before rules.EARLIEST_DATE). A header
    field: a few values per declaration at most, so Python's parser once per value."""
    now = timezone.now()
    found: dict[str, tuple[str | None, tuple[str, str] | None]] = {}
    for value in values:
        if not value:
            found[value] = (None, None)
            continue
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            found[value] = (
                None,
                (CustomsError.DATE_INVALID, _("Give the arrival time as ISO 8601 with its time zone.")),
            )
            continue
        if timezone.is_naive(moment):
            found[value] = (None, (CustomsError.DATE_INVALID, _("Give the arrival time with its time zone.")))
        elif moment > now:
            found[value] = (None, (CustomsError.DATE_IN_FUTURE, _("The arrival time is in the future.")))
        elif moment.date() < rules.EARLIEST_DATE:
            found[value] = (None, (CustomsError.DATE_INVALID, _("The arrival time is too far in the past.")))
        else:
            found[value] = (_timestamp(moment.astimezone(UTC)), None)
    return found


def _validate(
    frame: pl.DataFrame, *, kcs: bool, rejects: list[Reject], source_name: Callable[[str], str]
) -> pl.DataFrame:
    offices = {
        code: (pk, path)
        for code, pk, path in Office.objects.filter(level=OfficeLevel.COLLECTORATE, is_active=True).values_list(
            "code", "pk", "path"
        )
    }
    wanted = [code for code in frame["station"].unique().to_list() if code]
    stations = {
        code: (pk, path) for code, pk, path in Office.objects.filter(code__in=wanted).values_list("code", "pk", "path")
    }
    if kcs:
        frame = frame.with_columns(
            pl.when(_decimal("customs_value", 2) & _decimal("tax_rate", 4))
            .then(
                (_number("customs_value") * _number("tax_rate") / 100).round(2).cast(pl.Decimal(22, 2)).cast(pl.String)
            )
            .otherwise(pl.lit("0"))
            .alias("duty_assessed")
        )
    checks = _checks(kcs=kcs, offices=offices, stations=stations)
    flags = _with_firsts(frame).select(
        "row", *[check.bad.fill_null(False).alias(f"_bad{index}") for index, check in enumerate(checks)]
    )
    bad_rows: set[int] = set()
    for index, check in enumerate(checks):
        for row in flags.filter(pl.col(f"_bad{index}"))["row"].to_list():
            rejects.append(Reject(row, source_name(check.field), check.code, check.message))
            bad_rows.add(row)
    for role, kind in (
        ("importer", PartyKind.TRADER),
        ("declarant", PartyKind.CLEARING_AGENT),
        ("seller", PartyKind.FOREIGN_TRADER),
    ):
        frame, problems = _parties(frame, role, kind)
        for row, code, message in problems:
            rejects.append(Reject(row, source_name(role), code, message))
            bad_rows.add(row)
    arrivals = _arrivals(frame["arrived_at"].unique().to_list())
    refused = {value: problem for value, (_stamp, problem) in arrivals.items() if problem}
    if refused:
        for row, value in (
            frame.filter(pl.col("arrived_at").is_in(list(refused))).select("row", "arrived_at").iter_rows()
        ):
            code, message = refused[value]
            rejects.append(Reject(row, source_name("arrived_at"), code, message))
            bad_rows.add(row)
    stamps = {value: stamp for value, (stamp, _problem) in arrivals.items()}
    frame = frame.with_columns(
        pl.col("arrived_at").replace_strict(stamps, default=None, return_dtype=pl.String).alias("arrived_at")
    )
    good = frame.filter(~pl.col("row").is_in(sorted(bad_rows)))
    # The tariff hook, once per day of the file with that day's codes.
    for day, codes in good.group_by("declared_on").agg(pl.col("tariff_code").unique()).iter_rows():
        findings = rules.tariff_findings(codes=codes, on=date.fromisoformat(day))
        if findings:
            hit = good.filter((pl.col("declared_on") == day) & pl.col("tariff_code").is_in(list(findings)))
            for row, code in hit.select("row", "tariff_code").iter_rows():
                rejects.append(
                    Reject(row, source_name("tariff_code"), findings[code], _("The tariff in force refuses this code."))
                )
                bad_rows.add(row)
    good = good.filter(~pl.col("row").is_in(sorted(bad_rows)))
    collectorate = pl.col("collectorate").replace_strict({k: v[0] for k, v in offices.items()}, default=None)
    station = pl.col("station").replace_strict({k: v[0] for k, v in stations.items()}, default=None)
    return good.with_columns(
        collectorate.cast(pl.Int64).alias("collectorate_id"),
        station.cast(pl.Int64).alias("station_id"),
        pl.when(pl.col("regime") == "").then(pl.lit(Regime.IMPORT)).otherwise(pl.col("regime")).alias("regime"),
        pl.when(pl.col("transport_mode") == "")
        .then(pl.lit(TransportMode.SEA))
        .otherwise(pl.col("transport_mode"))
        .alias("transport_mode"),
        pl.col("item_number").cast(pl.Int64),
        *[
            pl.when(pl.col(name) == "").then(pl.lit("0")).otherwise(pl.col(name)).alias(name)
            for name in ("duty_assessed", "taxes_assessed")
        ],
    )


# Loading ---------------------------------------------------------------------------------------


def _chunks(frame: pl.DataFrame, size: int) -> Iterator[pl.DataFrame]:
    """Slices of about ``size`` rows that never split a declaration, in the file's order."""
    if frame.height == 0:
        return
    counts = (
        frame.group_by("declaration_number")
        .agg(pl.col("row").min().alias("_first"), pl.len().alias("_len"))
        .sort("_first")
    )
    # A declaration goes to the chunk its first item falls in, counting items before it.
    counts = counts.with_columns(((pl.col("_len").cum_sum() - pl.col("_len")) // size).alias("_chunk"))
    if not frame["row"].is_sorted():
        frame = frame.sort("row")
    # Only the chunk number is joined (not the whole frame); each chunk keeps the file's order.
    tag = frame.select("declaration_number").join(
        counts.select("declaration_number", "_chunk"), on="declaration_number", how="left", maintain_order="left"
    )["_chunk"]
    if tag.is_sorted():  # each declaration's rows together, as files have them: slices, no copy
        start = 0
        for length in tag.value_counts(sort=False).sort("_chunk")["count"].to_list():
            yield frame.slice(start, length)
            start += length
        return
    yield from frame.with_columns(tag).partition_by("_chunk", maintain_order=True, include_key=False)


def _rows_for_keys(keys: list[str] | None, query: str) -> list[tuple[Any, ...]]:
    """PostgreSQL: ``query`` run with the temporary table ``customs_import_keys (key)`` holding
    ``keys``, loaded with COPY. A join, where an IN list of 200,000 values would be spelt out by
    psycopg in Python and parsed by the server. ``keys`` None: the table holds them already (in
    this transaction)."""
    with connection.cursor() as cursor:
        if keys is None:
            cursor.execute(query)
            return list(cursor.fetchall())
        cursor.execute("CREATE TEMP TABLE IF NOT EXISTS customs_import_keys (key text) ON COMMIT DELETE ROWS")
        cursor.execute("TRUNCATE customs_import_keys")
        buffer = pl.DataFrame({"key": keys}, schema={"key": pl.String}).write_csv(include_header=False)
        with cursor.cursor.copy("COPY customs_import_keys (key) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(buffer.encode())
        # Without statistics the planner guesses the key table's size and may scan a whole table.
        cursor.execute("ANALYZE customs_import_keys")
        cursor.execute(query)
        return list(cursor.fetchall())


def _party_ids(chunk: pl.DataFrame, stamp: str, known: dict[str, int] | None = None) -> pl.DataFrame:
    """``chunk`` with its parties' ids (``<role>_id``), registering the new ones (with their events)."""
    return _party_join(chunk, _party_map(chunk, stamp, known))


def _party_map(chunk: pl.DataFrame, stamp: str, known_before: dict[str, int] | None = None) -> dict[str, int]:
    """Party id by identifier hash for the chunk's parties, registering the new ones (with their
    events). ``known_before``: ids looked up already; the database is asked only if some are not."""
    wanted: dict[str, tuple[str, str, str, str]] = {}
    for role, kind in (
        ("importer", PartyKind.TRADER),
        ("declarant", PartyKind.CLEARING_AGENT),
        ("seller", PartyKind.FOREIGN_TRADER),
    ):
        columns = [f"{role}_hash", f"{role}_clean", f"{role}_scheme", "seller_country" if role == "seller" else "row"]
        for digest, clean, scheme, country in chunk.select(columns).unique(subset=[f"{role}_hash"]).iter_rows():
            if digest:
                wanted[digest] = (kind, clean, scheme, country if role == "seller" else "PK")
    if known_before is not None and all(digest in known_before for digest in wanted):
        return {digest: known_before[digest] for digest in wanted}
    if connection.vendor == "postgresql":
        query = "SELECT p.identifier_hash, p.id FROM customs_party p JOIN customs_import_keys k ON k.key = p.identifier_hash"
        known = dict(_rows_for_keys(list(wanted), query))
    else:
        known = dict(Party.objects.filter(identifier_hash__in=list(wanted)).values_list("identifier_hash", "pk"))
    new = [(digest, *values) for digest, values in wanted.items() if digest not in known]
    if new:
        ids = _reserve_ids(Party._meta.db_table, len(new))
        known.update(zip((digest for digest, *_rest in new), ids, strict=True))
        named = [scheme == PartyScheme.NAME for _digest, _kind, _clean, scheme, _country in new]
        parties = pl.DataFrame(
            {
                "id": ids,
                "kind": [kind for _digest, kind, *_rest in new],
                "scheme": [scheme for *_head, scheme, _country in new],
                "name": [
                    clean if name else "" for (_digest, _kind, clean, *_rest), name in zip(new, named, strict=True)
                ],
                "country": [country or "PK" for *_head, country in new],
                # Identifiers are encrypted as EncryptedTextField would on save (Fernet, per value).
                "identifier": [
                    "" if name else encrypt(clean)
                    for (_digest, _kind, clean, *_rest), name in zip(new, named, strict=True)
                ],
                "identifier_hash": [digest for digest, *_rest in new],
                "identifier_last4": [
                    "" if name else clean[-4:] for (_digest, _kind, clean, *_rest), name in zip(new, named, strict=True)
                ],
            },
            schema={"id": pl.Int64, **dict.fromkeys(("kind", "scheme", "name", "country", "identifier"), pl.String)}
            | {"identifier_hash": pl.String, "identifier_last4": pl.String},
        )
        _write(
            Party._meta.db_table,
            parties.select(
                "id",
                pl.lit(stamp).alias("created_at"),
                pl.lit(stamp).alias("updated_at"),
                "kind",
                "scheme",
                "name",
                "country",
                "identifier",
                "identifier_hash",
                "identifier_last4",
            ),
        )
        _events(
            parties.select(
                pl.col("id").alias("subject_id"),
                pl.lit(CustomsEvent.PARTY_REGISTERED.value).alias("kind"),
                pl.lit("").alias("from_state"),
                pl.lit("").alias("to_state"),
                pl.format('{{"kind": "{}", "scheme": "{}", "source": "import"}}', "kind", "scheme").alias("data"),
            ),
            subject_type="customs.party",
            stamp=stamp,
        )
    return known


def _party_join(chunk: pl.DataFrame, known: dict[str, int]) -> pl.DataFrame:
    mapping = pl.DataFrame(
        {"hash": list(known), "id": list(known.values())}, schema={"hash": pl.String, "id": pl.Int64}
    )
    for role in ("importer", "declarant", "seller"):
        chunk = chunk.join(mapping.rename({"hash": f"{role}_hash", "id": f"{role}_id"}), on=f"{role}_hash", how="left")
    return chunk


def _events(frame: pl.DataFrame, *, subject_type: str, stamp: str, with_ids: bool = False) -> list[int]:
    """Append events for ``frame``'s rows (subject_id, kind, from_state, to_state, data); with
    ``with_ids``, their ids are reserved first and returned (in ``frame``'s order)."""
    ids = _reserve_ids(Event._meta.db_table, frame.height) if with_ids and frame.height else []
    id_column = [pl.Series("id", ids, dtype=pl.Int64)] if ids else []
    _write(
        Event._meta.db_table,
        frame.select(
            *id_column,
            pl.Series("uuid", _uuids(frame.height), dtype=pl.String),
            pl.lit(stamp).alias("occurred_at"),
            pl.lit(None, dtype=pl.Int64).alias("actor_id"),
            pl.lit("").alias("actor_role"),
            "kind",
            pl.lit(subject_type).alias("subject_type"),
            pl.col("subject_id").cast(pl.String),
            "from_state",
            "to_state",
            pl.lit("").alias("reason"),
            "data",
            pl.lit("").alias("request_id"),
        ),
    )
    return ids


def _uuids(count: int) -> list[str]:
    """``count`` time-ordered UUIDs (version 7, RFC 9562: the time in milliseconds, then 74
    random bits). A million events' uuid4s would land all over the unique index on
    ``core_event.uuid``; these go in at its right-hand end, as the ids do."""
    head = f"{time.time_ns() // 1_000_000:012x}"
    random = os.urandom(10 * count).hex()
    variants = "89ab"
    return [
        f"{head}7{random[i : i + 3]}{variants[int(random[i + 3], 16) % 4]}{random[i + 4 : i + 19]}"
        for i in range(0, 20 * count, 20)
    ]


def _reserve_ids(table: str, count: int) -> list[int]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence's name first, once: inside the select list, pg_get_serial_sequence ran
            # once per row, and cost seven times the nextval calls themselves.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (a model's own table name)
        top = int(cursor.fetchone()[0])
        return list(range(top + 1, top + 1 + count))


def _write(table: str, frame: pl.DataFrame) -> None:
    """Append ``frame``'s rows to ``table`` (its columns named as the table's)."""
    if frame.height == 0:
        return
    columns = ", ".join(f'"{name}"' for name in frame.columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()  # the CSV as bytes at once: no str to encode into a second copy
            frame.write_csv(buffer, include_header=False, null_value="\\N", quote_style="necessary")
            sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
            with cursor.cursor.copy(sql) as copy:
                copy.write(buffer.getbuffer())
        else:
            marks = ", ".join(["%s"] * len(frame.columns))
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608 (names from our own models)
                frame.rows(),
            )


def _timestamp(now: datetime) -> str:
    if connection.vendor == "postgresql":
        return now.isoformat(sep=" ")
    return now.replace(tzinfo=None).isoformat(sep=" ")


def _load_chunk(
    chunk: pl.DataFrame,
    result: ImportResult,
    rejects: list[Reject],
    source_name: Callable[[str], str],
    parties: dict[str, int] | None = None,
) -> None:
    stamp = _timestamp(timezone.now())
    chunk, existing = _existing_drop(chunk, result, rejects, source_name)
    if chunk.height == 0:
        return
    _insert(_party_ids(chunk, stamp, parties), existing, result, stamp)


def _declarations_found(numbers: list[str]) -> list[tuple[Any, ...]]:
    """(number, id, declared_on, collectorate_id, importer hash) of the declarations already there."""
    if connection.vendor == "postgresql":
        return _rows_for_keys(
            numbers,
            "SELECT d.number, d.id, d.declared_on::text, d.collectorate_id, p.identifier_hash "
            "FROM customs_declaration d JOIN customs_import_keys k ON k.key = d.number "
            "JOIN customs_party p ON p.id = d.importer_id",
        )
    return [
        (number, pk, declared_on.isoformat(), collectorate_id, digest)
        for number, pk, declared_on, collectorate_id, digest in Declaration.objects.filter(
            number__in=numbers
        ).values_list("number", "pk", "declared_on", "collectorate_id", "importer__identifier_hash")
    ]


def _found_frame(found: list[tuple[Any, ...]]) -> pl.DataFrame:
    schema = {"declaration_number": pl.String, "_id": pl.Int64, "_on": pl.String, "_at": pl.Int64, "_by": pl.String}
    return pl.DataFrame(found, schema=schema, orient="row")


# A row of a number already there with another date, office or importer (after a join on _found_frame).
_OTHER = pl.col("_id").is_not_null() & (
    (pl.col("declared_on") != pl.col("_on"))
    | (pl.col("collectorate_id") != pl.col("_at"))
    | (pl.col("importer_hash") != pl.col("_by"))
)


def _existing_drop(
    chunk: pl.DataFrame, result: ImportResult, rejects: list[Reject], source_name: Callable[[str], str]
) -> tuple[pl.DataFrame, dict[str, int]]:
    """``chunk`` without the items already in the database (counted in ``skipped_existing``) and
    the items of a number filed already with another date, office or importer (rejected); with
    the ids of the declarations already there that the rest adds items to."""
    numbers = chunk["declaration_number"].unique().to_list()
    found = _declarations_found(numbers)
    existing = {number: pk for number, pk, *_rest in found}
    if existing:
        if connection.vendor == "postgresql":  # the keys table still holds this chunk's numbers
            have = _rows_for_keys(
                None,
                "SELECT i.declaration_id, i.item_number FROM customs_declarationitem i "
                "JOIN customs_declaration d ON d.id = i.declaration_id "
                "JOIN customs_import_keys k ON k.key = d.number",
            )
        else:
            have = list(
                DeclarationItem.objects.filter(declaration_id__in=list(existing.values())).values_list(
                    "declaration_id", "item_number"
                )
            )
        before = _found_frame(found)
        items = pl.DataFrame(have, schema={"_id": pl.Int64, "item_number": pl.Int64}, orient="row").with_columns(
            pl.lit(True).alias("_have")
        )
        joined = chunk.join(before, on="declaration_number", how="left").join(
            items, on=["_id", "item_number"], how="left"
        )
        other = _OTHER
        there = pl.col("_id").is_not_null() & pl.col("_have").fill_null(False)
        message = _("A declaration with this number was filed already with another date, office or importer.")
        for row in joined.filter(other)["row"].to_list():
            rejects.append(Reject(row, source_name("declaration_number"), CustomsError.NUMBER_TAKEN, message))
        result.skipped_existing += joined.filter(~other & there).height
        chunk = joined.filter(~other & ~there).drop("_id", "_on", "_at", "_by", "_have")
    return chunk, existing


def _insert(chunk: pl.DataFrame, existing: dict[str, int], result: ImportResult, stamp: str) -> None:
    """Write ``chunk``'s declarations (the new ones), items, examinations and events; its parties
    have their ids (:func:`_party_ids`) and ``existing`` maps the numbers already there to ids."""
    if chunk.height == 0:
        return
    headers = chunk.unique("declaration_number", keep="first", maintain_order=True)  # the chunk is in row order
    if existing:  # only the declarations this chunk adds items to
        here = set(headers["declaration_number"].to_list())
        existing = {number: pk for number, pk in existing.items() if number in here}
    fresh = headers.filter(~pl.col("declaration_number").is_in(list(existing)))
    ids = _reserve_ids(Declaration._meta.db_table, fresh.height)
    fresh = fresh.with_columns(pl.Series("declaration_id", ids, dtype=pl.Int64))
    status = (
        pl.when(pl.col("outcome").is_in(Outcome.values)).then(pl.lit(Status.EXAMINED)).otherwise(pl.lit(Status.FILED))
    )
    _write(
        Declaration._meta.db_table,
        fresh.select(
            pl.col("declaration_id").alias("id"),
            pl.lit(stamp).alias("created_at"),
            pl.lit(stamp).alias("updated_at"),
            pl.col("declaration_number").alias("number"),
            "declared_on",
            "regime",
            "declaration_type",
            "collectorate_id",
            "station_id",
            "external_office",
            "transport_mode",
            "currency",
            "exchange_rate",
            "declarant_id",
            "importer_id",
            "seller_id",
            status.alias("status"),
            pl.lit("").alias("lane"),
            pl.lit(None, dtype=pl.String).alias("assessed_amount"),
            pl.lit(None, dtype=pl.String).alias("paid_amount"),
            "source",
            pl.lit(None, dtype=pl.Int64).alias("filed_by_id"),
            pl.lit(None, dtype=pl.String).alias("idempotency_key"),
            pl.lit("").alias("idempotency_fingerprint"),
            "source_attributes",
            "arrived_at",
        ),
    )
    declaration_ids = pl.DataFrame(
        {
            "declaration_number": [*fresh["declaration_number"].to_list(), *existing],
            "declaration_id": [*ids, *existing.values()],
        },
        schema={"declaration_number": pl.String, "declaration_id": pl.Int64},
    )
    items = chunk.join(declaration_ids, on="declaration_number", how="left")
    _write(
        DeclarationItem._meta.db_table,
        items.select("declaration_id", *ITEM_DATA_FIELDS),
    )
    count = items.group_by("declaration_id").len()
    filed = fresh.join(count, on="declaration_id").select(
        "declaration_id",
        pl.lit(CustomsEvent.DECLARATION_FILED.value).alias("kind"),
        pl.lit("").alias("from_state"),
        pl.lit(Status.FILED.value).alias("to_state"),
        pl.format('{{"source": "{}", "items": {}}}', pl.col("source"), pl.col("len")).alias("data"),
    )
    examined = fresh.filter(pl.col("outcome").is_in(Outcome.values))
    events = pl.concat(
        [
            filed,
            examined.select(
                "declaration_id",
                pl.lit(CustomsEvent.EXAMINED.value).alias("kind"),
                pl.lit(Status.FILED.value).alias("from_state"),
                pl.lit(Status.EXAMINED.value).alias("to_state"),
                pl.format('{{"outcome": "{}", "source": "{}"}}', pl.col("outcome"), pl.col("source")).alias("data"),
            ),
        ]
    )
    event_ids = _events(
        events.rename({"declaration_id": "subject_id"}), subject_type="customs.declaration", stamp=stamp, with_ids=True
    )
    # The dashboard's roll-ups of these events are added after the load (imports_fold_pending).
    _write(
        ImportFoldPending._meta.db_table,
        pl.DataFrame(
            {"event_id": event_ids, "declaration_id": events["declaration_id"]},
            schema={"event_id": pl.Int64, "declaration_id": pl.Int64},
        ),
    )
    _write(
        Examination._meta.db_table,
        examined.select(
            pl.lit(stamp).alias("created_at"),
            pl.lit(stamp).alias("updated_at"),
            "declaration_id",
            "outcome",
            pl.when(pl.col("outcome") == Outcome.NO_DISCREPANCY)
            .then(pl.lit(""))
            .otherwise(pl.lit("unspecified"))
            .alias("discrepancy_type"),
            pl.lit("0").alias("extra_duty"),
            pl.lit("").alias("remarks"),
            pl.lit(None, dtype=pl.Int64).alias("examined_by_id"),
        ),
    )
    result.imported += items.height


def _load_parallel(
    chunks: list[pl.DataFrame],
    workers: int,
    result: ImportResult,
    rejects: list[Reject],
    source_name: Callable[[str], str],
    on_progress: Callable[[int], None] | None,
) -> None:
    """Load ``chunks`` over ``workers`` connections, one transaction per chunk as ever.

    Chunks never share a declaration number, so each one's existence check is its own. They
    could share a new party, which two connections would both register: the parties of the
    whole file are registered first, in a transaction of their own (with their events), after
    the file's declarations already there are set aside, so that the chunks find every party."""
    stamp = _timestamp(timezone.now())
    good = pl.concat(chunks)
    with transaction.atomic():
        # Every row but those of a number taken by another declaration (each chunk checks again,
        # and counts, in its own transaction): a row already there names parties already there.
        found = _declarations_found(good["declaration_number"].unique().to_list())
        if found:
            good = good.join(_found_frame(found), on="declaration_number", how="left").filter(~_OTHER.fill_null(False))
        parties = _party_map(good, stamp) if good.height else {}
    pending: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(chunks)):
        pending.put(index)
    done: queue.SimpleQueue[tuple[int, ImportResult, list[Reject], BaseException | None]] = queue.SimpleQueue()
    stop = threading.Event()

    def work() -> None:
        try:
            while not stop.is_set():
                try:
                    index = pending.get_nowait()
                except queue.Empty:
                    return
                part, part_rejects = ImportResult(), list[Reject]()
                try:
                    with transaction.atomic():
                        _load_chunk(chunks[index], part, part_rejects, source_name, parties)
                except BaseException as exc:  # handed to the caller's thread, which raises it
                    stop.set()
                    done.put((index, part, part_rejects, exc))
                    return
                done.put((index, part, part_rejects, None))
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=work, name=f"customs-import-{n}", daemon=True) for n in range(workers)]
    for thread in threads:
        thread.start()
    failure: BaseException | None = None

    def receive(item: tuple[int, ImportResult, list[Reject], BaseException | None]) -> None:
        nonlocal failure
        index, part, part_rejects, exc = item
        if exc is not None:
            failure = failure or exc
            return
        result.imported += part.imported
        result.skipped_existing += part.skipped_existing
        rejects.extend(part_rejects)
        if on_progress is not None:
            on_progress(chunks[index].height)

    while any(thread.is_alive() for thread in threads):
        try:
            receive(done.get(timeout=0.2))
        except queue.Empty:
            continue
    while not done.empty():
        receive(done.get_nowait())
    for thread in threads:
        thread.join()
    if failure is not None:
        raise failure


FOLD_BATCH = 5_000  # events folded per transaction after a load


def imports_fold_pending(*, batch: int = FOLD_BATCH) -> int:
    """Add to the dashboard's roll-ups the events bulk imports wrote and did not fold yet (theirs
    alone: a move made on an imported declaration meanwhile was folded by its own service), a
    batch per transaction; returns the events folded. Two imports folding at once take different
    batches (SKIP LOCKED on PostgreSQL). A run killed midway leaves the rest for the next run."""
    folded = 0
    while True:
        with transaction.atomic():
            pending = ImportFoldPending.objects.order_by("event_id")
            if connection.vendor == "postgresql":
                pending = pending.select_for_update(skip_locked=True)
            rows = list(pending.values_list("event_id", "declaration_id")[:batch])
            if not rows:
                return folded
            events = [event for event, _declaration in rows]
            rollup_fold(declaration_ids=sorted({declaration for _event, declaration in rows}), event_ids=events)
            ImportFoldPending.objects.filter(event_id__in=events).delete()
            folded += len(rows)


def declarations_import(
    *,
    path: Path,
    file_format: str,
    collectorate: str = "",
    exchange_rate: Decimal = KCS_EXCHANGE_RATE,
    chunk_rows: int = CHUNK_ROWS,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
    workers: int = LOAD_WORKERS,
    on_counts: Callable[[int, int, int], None] | None = None,
    fold: bool = True,
) -> ImportResult:
    """Import the declarations of ``path`` (``file_format`` in :data:`FORMATS`). Returns the counts
    and every reject; raises nothing for bad content. ``collectorate`` is the office KCS records are
    filed at (their Office IDs are Korean offices, kept as ``external_office``); by default the
    first active collectorate by code. On PostgreSQL, outside a transaction, ``workers``
    connections load the chunks side by side (:func:`_load_parallel`). ``on_counts`` is told
    (imported, skipped_existing, rejected rows) so far after each step, as ``on_progress`` is.
    ``fold``: add the new declarations to the dashboard's roll-ups once loaded
    (:func:`imports_fold_pending`; False leaves that to a later call, as the benchmark does to
    time it apart)."""
    if file_format not in FORMATS:
        raise ValueError(f"file_format: one of {', '.join(FORMATS)}")
    result = ImportResult()
    rejects: list[Reject] = []
    kcs = file_format == "kcs"

    def source_name(name: str) -> str:
        return (
            KCS_SOURCE.get(name, name)
            if kcs
            else {"importer": "importer_ntn", "declarant": "declarant_licence", "seller": "seller_name"}.get(name, name)
        )

    try:
        if file_format == "jsonl":
            frame = _from_rabta(_read_jsonl(path, rejects))
        elif kcs:
            if not collectorate:
                first = Office.objects.filter(level=OfficeLevel.COLLECTORATE, is_active=True).order_by("code").first()
                collectorate = first.code if first else ""
            frame = _from_kcs(
                _read_csv(path, KCS_COLUMNS, rejects), collectorate=collectorate, exchange_rate=exchange_rate
            )
        else:
            frame = _from_rabta(_read_csv(path, COLUMNS, rejects, optional=OPTIONAL_COLUMNS))
    except _FileRefused as refused:
        result.rejects, result.rejected = refused.rejects, len(refused.rejects)
        return result
    if on_total is not None:
        on_total(frame.height + len({reject.row for reject in rejects}))
    if on_progress is not None and rejects:
        on_progress(len({reject.row for reject in rejects}))
    before = len({reject.row for reject in rejects})
    good = _validate(frame, kcs=kcs, rejects=rejects, source_name=source_name)

    def step(rows: int) -> None:
        if on_progress is not None:
            on_progress(rows)
        if on_counts is not None:
            on_counts(result.imported, result.skipped_existing, len({reject.row for reject in rejects}))

    step(len({reject.row for reject in rejects}) - before)
    chunks = list(_chunks(good, chunk_rows))
    if workers > 1 and len(chunks) > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        _load_parallel(chunks, workers, result, rejects, source_name, step)
    else:
        for chunk in chunks:
            with transaction.atomic():
                _load_chunk(chunk, result, rejects, source_name)
            step(chunk.height)
    if fold:
        imports_fold_pending()
    result.rejects = sorted(rejects, key=lambda reject: (reject.row, reject.field))
    result.rejected = len({reject.row for reject in rejects})
    return result
