"""GeoReport v2's two formats. XML and JSON carry the same content: every view builds one plain
structure (dicts, lists, strings, numbers, booleans, None) and this module writes it either way, so
the two cannot drift apart."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse

FORMATS = ("json", "xml")
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# The element each item of a list is written as, by the list's own element name (GeoReport v2's XML).
LIST_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
    "service_request_updates": "request_update",
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(name: str, value: Any) -> ET.Element:
    element = ET.Element(name)
    if isinstance(value, dict):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, list):
        item = LIST_ITEMS.get(name, "item")
        for child in value:
            element.append(_element(item, child))
    else:
        element.text = _text(value)
    return element


def to_xml(root: str, data: Any) -> bytes:
    """``data`` under the element ``root`` (a list's items under the names of ``LIST_ITEMS``)."""
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(_element(root, data), encoding="utf-8")


def respond(fmt: str, root: str, data: Any, *, status: int = 200) -> HttpResponse:
    """``data`` as JSON (the structure itself) or as XML (under ``root``)."""
    body = to_xml(root, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["json"]))
    response["Cache-Control"] = "no-store" if status >= 400 else "public, max-age=0"
    return response
