"""gunicorn's own answers (request line too long, bad request) are in the one error format."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from gunicorn import util

from rabta.core.gunicorn_errors import write_json_error


def test_the_writer_answers_json_in_the_format():
    ours, theirs = socket.socketpair()
    with ours, theirs:
        write_json_error(ours, 414, "URI Too Long", "Request Line is too large (9000 > 4094)")
        raw = theirs.recv(65536).decode("latin-1")
    head, body = raw.split("\r\n\r\n", 1)
    assert head.startswith("HTTP/1.1 414 URI Too Long") and "Content-Type: application/json" in head
    assert json.loads(body) == {
        "code": "uri_too_long",
        "message": "Request Line is too large (9000 > 4094)",
        "fields": {},
    }


def test_the_embedded_server_config_installs_it():
    import rabta.gunicorn_embedded  # noqa: F401  (installs on import, as gunicorn loads it)

    assert util.write_error is write_json_error


@pytest.mark.skipif(sys.platform != "linux", reason="starts a real gunicorn on loopback")
def test_a_real_gunicorn_answers_an_overlong_request_line_in_json(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "rabta.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "-c",
            "python:rabta.gunicorn_embedded",
        ],
        cwd=Path(__file__).resolve().parents[3],
        env={
            "RABTA_ENV": "test",
            "RABTA_DATA_DIR": str(tmp_path),
            "PATH": "/usr/bin:/bin",
            "RABTA_SWEEP_SECONDS": "3600",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        with connection:
            connection.settimeout(60)  # the worker may still be importing Django
            connection.sendall(b"GET /api/?q=" + b"x" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            raw = b""
            while chunk := connection.recv(65536):
                raw += chunk
    finally:
        server.terminate()
        server.wait(timeout=10)
    head, body = raw.decode("latin-1").split("\r\n\r\n", 1)
    assert head.split()[1] in {"400", "414"}
    assert set(json.loads(body)) == {"code", "message", "fields"}
