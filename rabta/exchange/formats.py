"""WCO-shaped records as JSON and XML: written as a stream (one record at a time, so that an export
of any size holds one chunk in memory) and read back safely (XML with every DTD and entity refused:
no defusedxml in the locks, so expat itself refuses them)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any
from xml.etree.ElementTree import TreeBuilder
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from rabta.exchange import wco

LIST_ELEMENTS = frozenset({wco.DECLARATION, wco.INCIDENT, wco.ITEM})


class XmlRefused(ValueError):
    """A DTD or an entity declaration: refused before anything is read."""


def json_stream(header: dict[str, Any], records: Iterable[dict[str, Any]], element: str) -> Iterator[str]:
    yield f'{{"{wco.ROOT}": {json.dumps(header, sort_keys=True)}, "{element}": ['
    for number, record in enumerate(records):
        yield ("," if number else "") + "\n" + json.dumps(record, sort_keys=True, ensure_ascii=False)
    yield "\n]}\n"


def _xml(name: str, value: Any) -> str:
    if isinstance(value, dict):
        return f"<{name}>" + "".join(_xml(key, inner) for key, inner in value.items()) + f"</{name}>"
    if isinstance(value, list):
        return "".join(_xml(name, one) for one in value)
    return f"<{name}>{escape(str(value))}</{name}>"


def xml_stream(header: dict[str, Any], records: Iterable[dict[str, Any]], element: str) -> Iterator[str]:
    attributes = "".join(f" {key}={quoteattr(str(value))}" for key, value in sorted(header.items()))
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<{wco.ROOT}{attributes}>'
    for record in records:
        yield "\n" + _xml(element, record)
    yield f"\n</{wco.ROOT}>\n"


def _refuse(*_args: Any) -> None:
    raise XmlRefused("DTDs and entities are refused")


def xml_parse(data: bytes) -> Any:
    """The element tree of ``data``; :class:`XmlRefused` for a DTD, an entity or an external reference."""
    builder = TreeBuilder()
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse  # type: ignore[assignment]
    parser.SkippedEntityHandler = _refuse
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = lambda name: builder.end(name)
    parser.CharacterDataHandler = builder.data
    parser.Parse(data, True)
    return builder.close()


def _element_dict(element: Any) -> Any:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    out: dict[str, Any] = {}
    for child in children:
        value = _element_dict(child)
        if child.tag in LIST_ELEMENTS:
            out.setdefault(child.tag, []).append(value)
        elif child.tag in out:
            out[child.tag] = (
                [out[child.tag], value] if not isinstance(out[child.tag], list) else [*out[child.tag], value]
            )
        else:
            out[child.tag] = value
    return out


def xml_document(data: bytes) -> dict[str, Any]:
    """An XML file as the JSON of the same shape: ``{ROOT: {attributes}, Declaration: [...]}``."""
    root = xml_parse(data)
    body = _element_dict(root)
    document: dict[str, Any] = {wco.ROOT: dict(root.attrib)}
    document["_root"] = root.tag
    if isinstance(body, dict):
        document.update(body)
    return document
