"""gunicorn's own error answers in the one error format.

Some requests never reach Django: a request line longer than gunicorn's limit (414), headers too
large (431), a request gunicorn cannot parse (400). gunicorn answers those itself, in HTML. The
server's config calls :func:`install`, so that they too are ``{"code", "message", "fields"}`` JSON,
like every other error a client of /api/ can meet. (gunicorn cannot tell an API request from a
page here, and a person never sees these answers from a browser's ordinary use.)
"""

from __future__ import annotations

import json
import socket
from typing import Any

from gunicorn import util

CODES = {
    400: "bad_request",
    403: "permission_denied",
    414: "uri_too_long",
    417: "bad_request",
    431: "headers_too_large",
    500: "server_error",
    501: "not_implemented",
}


def write_json_error(sock: socket.socket, status_int: int, reason: str, mesg: Any) -> None:
    code = CODES.get(status_int, "bad_request" if status_int < 500 else "server_error")
    message = str(mesg or reason)[:300]
    body = json.dumps({"code": code, "message": message, "fields": {}}).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode("latin-1")
    util.write_nonblock(sock, head + body)


def install() -> None:
    """Replace gunicorn's HTML error writer; its workers look it up on the module at each error."""
    util.write_error = write_json_error
