"""The one mapping between Rabta's fields and WCO Data Model element names (WCO DM 3.x, the goods
declaration's Declaration / GoodsShipment / GovernmentAgencyGoodsItem classes), for export and for
import alike: an agreement names keys of :data:`FIELDS`; a row carries exactly those elements.

A field's ``path`` is where its value sits: ``("Classification", "ID")`` under the goods item is
``{"Classification": {"ID": "85171300"}}`` in JSON and ``<Classification><ID>85171300</ID>
</Classification>`` in XML. ``level`` is ``declaration`` or ``item``; ``kind`` says how the import
reads and checks it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rabta.exchange.choices import Dataset

ROOT = "WCODataExchange"
DECLARATION = "Declaration"
SHIPMENT = "GoodsShipment"
ITEM = "GovernmentAgencyGoodsItem"
INCIDENT = "EnforcementIncident"  # not in the WCO DM: incident summaries reuse its goods item


@dataclass(frozen=True)
class Field:
    key: str
    dataset: Dataset
    level: str  # "declaration" or "item"
    path: tuple[str, ...]
    kind: str  # text, date, int, decimal, country, code, currency
    max_length: int = 0
    required_on_import: bool = False

    @property
    def element(self) -> str:
        return "/".join(self.path)


_D, _I = Dataset.DECLARATIONS, Dataset.INCIDENTS
FIELD_LIST = [
    # Goods declarations (WCO DM data element ids in the comments).
    Field("reference", _D, "declaration", ("FunctionalReferenceID",), "text", 40, True),  # D014
    Field("issue_date", _D, "declaration", ("IssueDateTime",), "date", required_on_import=True),  # D011
    Field("type", _D, "declaration", ("TypeCode",), "text", 12),  # D013
    Field("office", _D, "declaration", ("DeclarationOfficeID",), "text", 40),  # 4 digits: G005
    Field("transport_mode", _D, "declaration", ("BorderTransportMeans", "ModeCode"), "text", 2),  # T005
    Field("currency", _D, "declaration", ("CurrencyTypeCode",), "currency"),  # D005
    Field("item_number", _D, "item", ("SequenceNumeric",), "int", required_on_import=True),  # D006
    Field("tariff_code", _D, "item", ("Classification", "ID"), "code", required_on_import=True),  # 145
    Field("description", _D, "item", ("Commodity", "Description"), "text", 500),  # 137
    Field("origin", _D, "item", ("Origin", "CountryCode"), "country"),  # 063
    Field("export_country", _D, "item", ("ExportCountry", "ID"), "country"),  # 062
    Field("quantity", _D, "item", ("GoodsMeasure", "TariffQuantity"), "decimal"),  # 131
    Field("unit", _D, "item", ("GoodsMeasure", "TariffQuantityUnitCode"), "text", 3),
    Field("net_mass", _D, "item", ("GoodsMeasure", "NetNetWeightMeasure"), "decimal"),  # 128
    Field("customs_value", _D, "item", ("CustomsValueAmount",), "decimal", required_on_import=True),  # 118
    # Incident summaries (approved reports only; no people, no places finer than the route).
    Field("incident_reference", _I, "declaration", ("FunctionalReferenceID",), "text", 16),
    Field("incident_date", _I, "declaration", ("IssueDateTime",), "date"),
    Field("incident_type", _I, "declaration", ("TypeCode",), "text", 20),
    Field("modus_operandi", _I, "declaration", ("ModusOperandiCode",), "text", 24),
    Field("route", _I, "declaration", ("RouteDescription",), "text", 120),
    Field("incident_value", _I, "declaration", ("ValueAmount",), "decimal"),
    Field("goods_tariff_code", _I, "item", ("Classification", "ID"), "code"),
    Field("goods_origin", _I, "item", ("Origin", "CountryCode"), "country"),
    Field("goods_quantity", _I, "item", ("GoodsMeasure", "TariffQuantity"), "decimal"),
    Field("goods_value", _I, "item", ("ValueAmount",), "decimal"),
]
FIELDS: dict[str, Field] = {field.key: field for field in FIELD_LIST}
DATASET_FIELDS: dict[str, list[Field]] = {
    str(dataset): [field for field in FIELD_LIST if field.dataset == dataset] for dataset in (_D, _I)
}
# The elements of a goods declaration, as the import reads them.
IMPORT_FIELDS = {field.path: field for field in DATASET_FIELDS[_D]}


def record_element(dataset: str) -> str:
    return DECLARATION if dataset == Dataset.DECLARATIONS else INCIDENT


def _put(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for name in path[:-1]:
        target = target.setdefault(name, {})
    target[path[-1]] = value


@lru_cache(maxsize=64)
def _chosen(allowed: frozenset[str], dataset: str) -> tuple[tuple[Field, ...], tuple[Field, ...]]:
    """The declaration-level and item-level fields of ``dataset`` in ``allowed``, in FIELD_LIST order
    (chosen once per agreement, not once per record)."""
    fields = DATASET_FIELDS[dataset]
    return (
        tuple(field for field in fields if field.level == "declaration" and field.key in allowed),
        tuple(field for field in fields if field.level == "item" and field.key in allowed),
    )


def shape(
    values: dict[str, Any], items: list[dict[str, Any]], allowed: set[str] | frozenset[str], dataset: str
) -> dict[str, Any]:
    """One record as WCO elements: only the fields in ``allowed`` (the agreement's) and of
    ``dataset``; the goods items only when the agreement gives at least one item field."""
    record: dict[str, Any] = {}
    head_fields, item_fields = _chosen(frozenset(allowed), dataset)
    for field in head_fields:
        if values.get(field.key) is not None:
            _put(record, field.path, values[field.key])
    if item_fields:
        shaped = []
        for item in items:
            one: dict[str, Any] = {}
            for field in item_fields:
                if item.get(field.key) is not None:
                    _put(one, field.path, item[field.key])
            shaped.append(one)
        if dataset == Dataset.DECLARATIONS:
            record[SHIPMENT] = {ITEM: shaped}
        else:
            record[ITEM] = shaped
    return record


def leaf_paths(record: dict[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every element path of a shaped record, goods items' under ``(GoodsShipment,)
    GovernmentAgencyGoodsItem``: what the tests compare with the agreement's fields."""
    for name, value in record.items():
        if isinstance(value, dict):
            yield from leaf_paths(value, (*prefix, name))
        elif isinstance(value, list):
            for one in value:
                yield from leaf_paths(one, (*prefix, name))
        else:
            yield (*prefix, name)


def field_path(field: Field) -> tuple[str, ...]:
    """Where ``field`` sits in a record (what :func:`leaf_paths` yields for it)."""
    if field.level == "declaration":
        return field.path
    if field.dataset == Dataset.DECLARATIONS:
        return (SHIPMENT, ITEM, *field.path)
    return (ITEM, *field.path)
