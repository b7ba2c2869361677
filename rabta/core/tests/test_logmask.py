"""Secrets and personal data never reach a log line: phone numbers and CNICs in every spelling and
script, one-time codes, e-mail addresses, password-reset links, tracking tokens and secret query
parameters are masked by shape, in the application's JSON log and in gunicorn's access log."""

from __future__ import annotations

import io
import json
import logging
import random
import re
import string
from datetime import timedelta
from types import SimpleNamespace

import pytest
import structlog
from django.conf import settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from rabta.core.logmask import GunicornLogger, mask

URDU_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
WORDS = ["complaint", "sent", "to", "Ayesha", "Khan", "failed", "for", "user", "with", "number", "and"]
URDU_WORDS = ["شکایت", "عائشہ", "خان", "نمبر", "پر", "بھیجا", "گیا", "صارف", "کا", "اور"]
URLSAFE = string.ascii_letters + string.digits + "-_"
SEEDS = range(12)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text.translate(ASCII_DIGITS))


def _sentence(rng: random.Random, secret: str) -> str:
    words = rng.sample(URDU_WORDS if rng.random() < 0.5 else WORDS, 4)
    words.insert(rng.randrange(len(words) + 1), secret)
    return rng.choice([" ", " : ", ", "]).join(words)


def _phone_spellings(rng: random.Random) -> tuple[str, list[str]]:
    operator = f"3{rng.randrange(10)}{rng.randrange(10)}"
    sub = f"{rng.randrange(10**7):07d}"
    spellings = [
        f"+92{operator}{sub}",
        f"+92 {operator} {sub}",
        f"+92-{operator}-{sub}",
        f"0{operator}-{sub}",
        f"0{operator} {sub}",
        f"0{operator}{sub}",
        f"0092{operator}{sub}",
        f"92{operator}{sub}",
        f"(0{operator}) {sub[:3]}-{sub[3:]}",
        f"0{operator} {sub[:3]} {sub[3:]}",
        f"+92 ({operator}) {sub[:3]}-{sub[3:]}",
        f"0{operator}.{sub[:3]}.{sub[3:]}",
        f"{operator}{sub}",
        f"042-{sub}{rng.randrange(10)}",
        f"0{operator}/{sub}",
        f"0{operator}\u2013{sub}",  # an en dash
        f"\u200f0{operator}-{sub}\u200f",  # direction marks around the number in Urdu text
        f"0 {' '.join(operator)} {' '.join(sub)}",
    ]
    return sub, spellings + [s.translate(URDU_DIGITS) for s in spellings]


@pytest.mark.parametrize("seed", SEEDS)
def test_phone_numbers_in_every_spelling_and_script_are_masked(seed):
    rng = random.Random(seed)
    sub, spellings = _phone_spellings(rng)
    for spelling in spellings:
        line = _sentence(rng, spelling)
        masked = mask(line)
        assert sub not in _digits(masked), (line, masked)


@pytest.mark.parametrize("seed", SEEDS)
def test_cnics_are_masked(seed):
    rng = random.Random(seed)
    digits = f"{rng.randrange(1, 8)}{rng.randrange(10**12):012d}"
    for spelling in (digits, f"{digits[:5]}-{digits[5:12]}-{digits[12]}", f"{digits[:5]} {digits[5:12]} {digits[12]}"):
        for script in (spelling, spelling.translate(URDU_DIGITS)):
            masked = mask(_sentence(rng, script))
            assert digits[5:12] not in _digits(masked), masked


CODE_CONTEXTS = [
    "Your Rabta verification code is {c}. It expires in minutes.",
    "آپ کا رابطہ تصدیقی کوڈ {c} ہے۔",
    "OTP: {c}",
    "otp={c}",
    "?code={c}&next=/en/",
    "your PIN is {c}",
    "verify with {c}",
    '{{"code": "{c}"}}',
    "token {c} rejected",
    "Verification code - {c}",
]


@pytest.mark.parametrize("seed", SEEDS)
def test_one_time_codes_next_to_their_words_are_masked(seed):
    rng = random.Random(seed)
    for context in CODE_CONTEXTS:
        code = f"{rng.randrange(10 ** rng.randint(4, 8)):0{rng.randint(4, 8)}d}"[-rng.randint(4, 8) :]
        code = code.rjust(4, "7")
        for script in (code, code.translate(URDU_DIGITS)):
            line = context.format(c=script)
            masked = mask(line)
            assert code not in _digits(masked), (line, masked)


@pytest.mark.parametrize("seed", SEEDS)
def test_email_addresses_keep_only_their_domain(seed):
    rng = random.Random(seed)
    local = rng.choice(["ayesha.khan", "bilal_ahmed", "عائشہ", "sadia+rabta", "m.noor"]) + str(rng.randrange(100))
    domain = rng.choice(["example.pk", "gmail.com", "punjab.gov.pk"])
    masked = mask(_sentence(rng, f"{local}@{domain}"))
    assert local not in masked and f"@{domain}" in masked


def _reset_parts(rng: random.Random) -> tuple[str, str]:
    uid = urlsafe_base64_encode(force_bytes(rng.randrange(1, 10**6)))
    token = f"{rng.randrange(36**5, 36**6):x}-" + "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return uid, token


@pytest.mark.parametrize("seed", SEEDS)
def test_password_reset_links_are_masked_wherever_they_appear(seed):
    rng = random.Random(seed)
    uid, token = _reset_parts(rng)
    language = rng.choice(["en", "ur"])
    path = f"/{language}/accounts/password-reset/{uid}/{token}/"
    for line in (
        f'203.0.113.9 - - [02/Dec/2026:10:00:00 +0000] "GET {path} HTTP/1.1" 200 512 "-" "Mozilla/5.0"',
        f"Not Found: {path}",
        f"Reset your password: https://rabta.example.gov.pk{path}",
        f"GET /reset/{uid}/{token}/",
        f"/{language}/accounts/password-reset/{uid}/set-password/",
    ):
        masked = mask(line)
        assert token not in masked and f"/{uid}/" not in masked, masked


@pytest.mark.parametrize("seed", SEEDS)
def test_secret_query_parameters_are_masked_whatever_their_value(seed):
    rng = random.Random(seed)
    for name in ("token", "code", "anonymous_token", "tracking_token", "key", "otp", "password", "secret", "api_key"):
        value = "".join(rng.choice(URLSAFE) for _ in range(rng.randint(3, 40)))
        line = f"GET /api/complaints/track?lang=ur&{name}={value}&page=2 HTTP/1.1"
        masked = mask(line)
        assert f"={value}" not in masked and "page=2" in masked and "lang=ur" in masked, masked


@pytest.mark.parametrize("seed", SEEDS)
def test_tracking_tokens_and_other_random_tokens_are_masked_in_free_text(seed):
    rng = random.Random(seed)
    tokens = ["".join(rng.choice(URLSAFE) for _ in range(32))]
    tokens.append("".join(rng.choice(string.ascii_letters) for _ in range(32)))  # no digit at all
    tokens.append("".join(rng.choice("0123456789abcdef") for _ in range(40)))  # a hex key
    for token in tokens:
        for line in (_sentence(rng, token), f"/api/complaints/track/{token}", f"Authorization: Bearer {token}"):
            assert token not in mask(line), line


KEPT = [
    '203.0.113.9 - - [02/Dec/2026:10:00:00 +0000] "GET /en/directory/?q=Lahore HTTP/1.1" 404 153 "-" "Mozilla/5.0"',
    "2026-12-02T10:00:00.123456Z deliver_pending_outbox sent 100 rows in 12 ms",
    "2026-12-02 10:00:00 complaint RB-2345-6789-X routed to office 42",
    "status_code=404 error_code=rate_limited StaffSecondFactorMiddleware rabta.notifications.senders",
    "forwarded for 198.51.100.7 10.0.0.1",
]


@pytest.mark.parametrize("line", KEPT)
def test_what_operators_need_is_kept(line):
    assert mask(line) == line


def _json_formatter():
    options = dict(settings.LOGGING["formatters"]["json"])
    return options.pop("()")(**options)


@pytest.mark.parametrize("seed", range(4))
def test_every_log_line_goes_through_the_mask(seed):
    rng = random.Random(seed)
    sub, spellings = _phone_spellings(rng)
    uid, token = _reset_parts(rng)
    tracking = "".join(rng.choice(URLSAFE) for _ in range(32))
    code = f"{rng.randrange(10**6):06d}"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(_json_formatter())
    logger = logging.getLogger(f"rabta.tests.masking.{seed}")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        logger.warning("Not Found: /en/accounts/password-reset/%s/%s/", uid, token)
        logger.info("sms to %s: Your Rabta verification code is %s.", rng.choice(spellings), code)
        try:
            raise ValueError(f"gateway refused {rng.choice(spellings)} for track?token={tracking}")
        except ValueError:
            logger.exception("delivery failed")
        structlog.get_logger(logger.name).info(
            "complaint.tracked", token=tracking, phone=int(f"92300{sub}"), detail={"code": code}
        )
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    lines = [json.loads(line) for line in output.splitlines()]
    assert len(lines) == 4 and "exception" in lines[2]
    for secret in (token, tracking, code, sub):
        assert secret not in _digits(output) if secret.isdigit() else secret not in output, output


def test_gunicorn_access_and_error_logs_are_masked(tmp_path):
    from gunicorn.config import Config

    rng = random.Random(7)
    uid, token = _reset_parts(rng)
    tracking = "".join(rng.choice(URLSAFE) for _ in range(32))
    config = Config()
    config.set("accesslog", str(tmp_path / "access.log"))
    config.set("errorlog", str(tmp_path / "error.log"))
    config.set("logger_class", "rabta.core.logmask.GunicornLogger")
    log = config.logger_class(config)
    assert isinstance(log, GunicornLogger)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/api/complaints/track?token={tracking}",
        "PATH_INFO": "/api/complaints/track",
        "QUERY_STRING": f"token={tracking}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://rabta.example.gov.pk/en/accounts/password-reset/{uid}/{token}/",
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=1234567)
    request = SimpleNamespace(headers=[("USER-AGENT", "Mozilla/5.0")])
    log.access(response, request, environ, timedelta(milliseconds=5))
    log.error("Invalid request from %s: /en/accounts/password-reset/%s/%s/", "203.0.113.9", uid, token)
    for handler in [*log.access_log.handlers, *log.error_log.handlers]:
        handler.flush()
    written = (tmp_path / "access.log").read_text() + (tmp_path / "error.log").read_text()
    assert "203.0.113.9" in written and "/api/complaints/track" in written
    assert " 200 1234567 " in written  # the status and the size are ours, not a phone number
    assert tracking not in written and token not in written


def test_the_gunicorn_configurations_use_the_masking_logger():
    from rabta import gunicorn_embedded, gunicorn_production

    assert gunicorn_embedded.logger_class == gunicorn_production.logger_class == "rabta.core.logmask.GunicornLogger"
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False  # workers keep the masking handlers


def test_a_request_id_is_kept_unless_the_client_put_a_number_in_it():
    formatter = _json_formatter()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger("rabta.tests.masking.request_id")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for request_id in ("6f1c2d3e4a5b4c6d8e9f0a1b2c3d4e5f", "03001234567"):
            structlog.contextvars.bind_contextvars(request_id=request_id)
            structlog.get_logger(logger.name).warning("event")
    finally:
        structlog.contextvars.unbind_contextvars("request_id")
        logger.removeHandler(handler)
    ours, theirs = (json.loads(line)["request_id"] for line in stream.getvalue().splitlines())
    assert ours == "6f1c2d3e4a5b4c6d8e9f0a1b2c3d4e5f" and theirs == "***"
