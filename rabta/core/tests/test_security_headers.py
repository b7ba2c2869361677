"""A strict Content-Security-Policy on every response and no inline script or style to need a
looser one; /metrics only for configured addresses (as the trusted proxies report them) or a token."""

from __future__ import annotations

import ipaddress
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import override_settings

import rabta

PAGES = [
    "/en/",
    "/ur/",
    "/en/accounts/login/",
    "/ur/accounts/register/",
    "/en/accounts/password-reset/",
    "/en/accounts/password-reset/sent/",
    "/en/accounts/password-reset/MQ/bad-token/",
    "/en/directory/",
    "/en/no-such-page/",
    "/en/admin/login/",
    "/api/docs",
    "/api/openapi.json",
    "/healthz",
]


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_a_strict_policy(client, path):
    policy = _policy(client.get(path))
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert not any("unsafe" in source or source == "*" for sources in policy.values() for source in sources)


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and "src" not in names and dict(attrs).get("type") not in {"application/json"}:
            self.found.append("<script> without src")
        if "style" in names:
            self.found.append(f"style= on <{tag}>")
        self.found += [f"{name}= on <{tag}>" for name in names if name.startswith("on")]
        if any((value or "").strip().lower().startswith("javascript:") for _, value in attrs):
            self.found.append(f"javascript: URL on <{tag}>")


@pytest.mark.django_db
@pytest.mark.parametrize("path", [p for p in PAGES if not p.startswith(("/api/openapi", "/healthz"))])
def test_rendered_pages_have_no_inline_script_or_style(client, path):
    finder = _InlineFinder()
    finder.feed(client.get(path).content.decode())
    assert finder.found == []


def _templates() -> list[Path]:
    root = Path(rabta.__file__).parent
    return sorted(p for p in root.glob("**/templates/**/*.html"))


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p).split("rabta/", 1)[-1])
def test_no_template_holds_inline_script_or_style(template):
    text = template.read_text()
    inline_script = re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text)
    assert not inline_script, inline_script.group(0)
    assert not re.search(r"<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", text, re.IGNORECASE)


def test_the_error_page_styles_come_from_a_static_file():
    text = (Path(rabta.__file__).parent / "templates" / "500.html").read_text()
    href = re.search(r'href="/static/([^"]+\.css)"', text).group(1)
    assert (Path(rabta.__file__).parent / "static" / href).is_file()


# /metrics


def _addresses(seed: int, count: int = 6) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        if rng.random() < 0.5:
            out.append(str(ipaddress.IPv4Address(rng.randrange(1 << 24, 0xDFFFFFFF))))
        else:
            out.append(str(ipaddress.IPv6Address((0x2001_0DB8 << 96) | rng.getrandbits(96))))
    return out


@pytest.mark.django_db
def test_metrics_answer_the_local_scraper_by_default_outside_production(client):
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(4))
def test_metrics_are_not_found_from_any_other_address_whatever_it_claims(client, seed):
    for address in _addresses(seed):
        for spoof in ({}, {"HTTP_X_FORWARDED_FOR": "127.0.0.1"}, {"HTTP_X_REAL_IP": "127.0.0.1"}):
            assert client.get("/metrics", REMOTE_ADDR=address, **spoof).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(4))
def test_behind_our_proxy_the_forwarded_client_address_decides(client, seed):
    scraper, *others = _addresses(seed)
    network = str(ipaddress.ip_network(f"{scraper}/{24 if '.' in scraper else 64}", strict=False))
    with override_settings(RABTA_TRUSTED_PROXY_COUNT=1, RABTA_METRICS_ALLOWED_ADDRESSES=[network]):
        proxy = {"REMOTE_ADDR": "10.0.0.2"}
        assert client.get("/metrics", HTTP_X_FORWARDED_FOR=scraper, **proxy).status_code == 200
        for other in others:
            if ipaddress.ip_address(other) in ipaddress.ip_network(network):
                continue
            # The client wrote the scraper's address itself; the proxy appended the real one.
            assert client.get("/metrics", HTTP_X_FORWARDED_FOR=f"{scraper}, {other}", **proxy).status_code == 404
        # The proxy's own address is not the client's.
        assert client.get("/metrics", **proxy).status_code == 404


@pytest.mark.django_db
def test_metrics_with_the_token_from_anywhere_and_not_without_it(client):
    token = "m-" + "x" * 40
    with override_settings(RABTA_METRICS_TOKEN=token, RABTA_METRICS_ALLOWED_ADDRESSES=[]):
        remote = {"REMOTE_ADDR": "203.0.113.50"}
        assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}", **remote).status_code == 200
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
        for wrong in ("", "Bearer ", f"Bearer {token[:-1]}", f"Basic {token}", token, f"Bearer {token}x"):
            assert client.get("/metrics", HTTP_AUTHORIZATION=wrong, **remote).status_code == 404


@pytest.mark.django_db
def test_an_empty_token_opens_nothing(client):
    with override_settings(RABTA_METRICS_TOKEN="", RABTA_METRICS_ALLOWED_ADDRESSES=[]):
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ", REMOTE_ADDR="127.0.0.1").status_code == 404
