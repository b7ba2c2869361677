"""CI runs `rabta check --deploy --fail-level WARNING` with production settings (.ci/deploy-check):
it passes as configured, fails on a warning nobody accepted, and every accepted one has a reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from rabta.core.config import generate_secrets

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / ".ci" / "deploy-check"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RABTA_", "DATABASE_URL", "DJANGO_", "REDIS_"))}
    env["RABTA"] = f"{sys.executable} -m rabta.manage"
    env.update(extra)
    return env


def _deploy_check(**extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(SCRIPT)], env=_env(**extra), capture_output=True, text=True, timeout=300)


def test_the_ci_deploy_check_passes_with_production_settings():
    result = _deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout + result.stderr


def test_a_warning_nobody_accepted_fails_the_deploy_check():
    result = _deploy_check(RABTA_SSL_REDIRECT="false")
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_every_accepted_warning_says_why():
    assert sorted(settings.SILENCED_SYSTEM_CHECKS) == sorted(settings.RABTA_ACCEPTED_CHECKS)
    for check, reason in settings.RABTA_ACCEPTED_CHECKS.items():
        assert len(reason.split()) >= 8, check


def _production_settings(tmp_path, **extra: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'hsts': s.SECURE_HSTS_SECONDS, 'subdomains': s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        "'preload': s.SECURE_HSTS_PRELOAD, 'metrics': s.RABTA_METRICS_ALLOWED_ADDRESSES,"
        "'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src']}))"
    )
    env = _env(
        **generate_secrets(),
        RABTA_ENV="production",
        RABTA_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="rabta.settings",
        DATABASE_URL="postgres://rabta@127.0.0.1:5432/rabta",
        RABTA_ALLOWED_HOSTS="rabta.example.gov.pk",
        RABTA_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        RABTA_SMS_BACKEND="rabta.notifications.senders.HttpSmsSender",
        RABTA_SMS_GATEWAY_URL="https://sms.example.pk/send",
        **extra,
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_sends_hsts_for_subdomains_and_preloads_only_when_chosen(tmp_path):
    values = _production_settings(tmp_path)
    assert values["hsts"] >= 31536000 and values["subdomains"] is True and values["preload"] is False
    assert values["metrics"] == []  # no address reaches /metrics until one is configured
    assert values["csp"] == ["'self'"]
    assert _production_settings(tmp_path, RABTA_HSTS_PRELOAD="true")["preload"] is True


def _env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value
    return pairs


def test_every_setting_read_from_the_environment_is_documented_in_env_example():
    import re

    sources = [ROOT / "rabta" / "settings.py", ROOT / "rabta" / "core" / "config.py"]
    read = set()
    for source in sources:
        read |= set(re.findall(r"[\"']((?:RABTA|DATABASE|REDIS|CELERY)_[A-Z0-9_]+)[\"']", source.read_text()))
    text = (ROOT / ".env.example").read_text()
    undocumented = sorted(name for name in read if not re.search(rf"^(# )?{name}=", text, re.MULTILINE))
    assert undocumented == []


def test_the_documented_production_environment_starts(tmp_path):
    documented = {name: value for name, value in _env_example().items() if value}
    env = _env(**documented)
    env.update(generate_secrets(), RABTA_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="rabta.settings")
    code = "import django; django.setup(); from rabta.notifications.senders import sms_sender; sms_sender()"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_a_short_metrics_token_stops_start_up(tmp_path):
    env = _env(RABTA_ENV="test", RABTA_DATA_DIR=str(tmp_path), RABTA_METRICS_TOKEN="guessable")
    code = "import rabta.settings"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "RABTA_METRICS_TOKEN" in result.stderr
