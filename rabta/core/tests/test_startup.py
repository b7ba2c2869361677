"""Start-up refuses to serve with keys that cannot read the stored data, naming the setting."""

import base64
import os
import subprocess
import sys


def _run(code, env):
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_server_start_fails_loudly_with_a_wrong_encryption_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RABTA_", "DATABASE_URL", "DJANGO_"))}
    env.update(RABTA_ENV="development", RABTA_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="rabta.settings")
    migrate = _run(
        "from django.core.management import execute_from_command_line as e; e(['rabta', 'migrate', '-v', '0'])", env
    )
    assert migrate.returncode == 0, migrate.stderr
    assert _run("import rabta.wsgi", env).returncode == 0  # writes the canary with the generated key

    env["RABTA_FIELD_ENCRYPTION_KEYS"] = base64.urlsafe_b64encode(b"a-different-key-of-32-bytes-long").decode()
    started = _run("import rabta.wsgi", env)
    assert started.returncode != 0
    assert "RABTA_FIELD_ENCRYPTION_KEYS" in started.stderr


def test_production_without_secrets_does_not_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RABTA_", "DATABASE_URL", "DJANGO_"))}
    env.update(RABTA_ENV="production", RABTA_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="rabta.settings")
    started = _run("import django; django.setup()", env)
    assert started.returncode != 0
    assert "RABTA_SECRET_KEY" in started.stderr and "required when RABTA_ENV=production" in started.stderr
