"""WCO-shaped records as JSON and XML: written as a stream (one record at a time, so that an export
of any size holds one chunk in memory) and read back safely (XML with every DTD and entity refused:
no defusedxml in the locks, so expat itself refuses them)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any
from xml.etree.ElementTree import TreeBuilder
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

from rabta.exchange import wco

LIST_ELEMENTS = frozenset({wco.DECLARATION, wco.INCIDENT, wco.ITEM})


class XmlRefused(ValueError):
    """A DTD or an entity declaration: refused before anything is read."""


CHUNK_CHARACTERS = 64 * 1024  # records are gathered into chunks of about this size: one yield, one hash update each


def _gathered(parts: Iterable[str]) -> Iterator[str]:
    buffer: list[str] = []
    size = 0
    for part in parts:
        buffer.append(part)
        size += len(part)
        if size >= CHUNK_CHARACTERS:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def json_stream(header: dict[str, Any], records: Iterable[dict[str, Any]], element: str) -> Iterator[str]:
    def parts() -> Iterator[str]:
        yield f'{{"{wco.ROOT}": {json.dumps(header, sort_keys=True)}, "{element}": ['
        dumps = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode
        for number, record in enumerate(records):
            yield ("," if number else "") + "\n" + dumps(record)
        yield "\n]}\n"

    return _gathered(parts())


_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _xml(name: str, value: Any, out: list[str]) -> None:
    """``value`` under ``name`` appended to ``out``: a dict is an element of elements, a list repeats
    ``name``. One list of parts per record, joined once (the recursion of joins cost half the XML time)."""
    if isinstance(value, dict):
        out.append(f"<{name}>")
        for key, inner in value.items():
            _xml(key, inner, out)
        out.append(f"</{name}>")
    elif isinstance(value, list):
        for one in value:
            _xml(name, one, out)
    else:
        out.append(f"<{name}>{str(value).translate(_ESCAPES)}</{name}>")


def xml_stream(header: dict[str, Any], records: Iterable[dict[str, Any]], element: str) -> Iterator[str]:
    def parts() -> Iterator[str]:
        attributes = "".join(f" {key}={quoteattr(str(value))}" for key, value in sorted(header.items()))
        yield f'<?xml version="1.0" encoding="UTF-8"?>\n<{wco.ROOT}{attributes}>'
        for record in records:
            out = ["\n"]
            _xml(element, record, out)
            yield "".join(out)
        yield f"\n</{wco.ROOT}>\n"

    return _gathered(parts())


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
