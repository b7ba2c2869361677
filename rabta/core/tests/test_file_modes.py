"""The data folder and everything Rabta writes in it (the SQLite file and its WAL, uploads, the file
cache, generated keys) are readable by their owner only, even when the service starts with a
permissive umask or an older install left them open."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

SCRIPT = """
import json, os, stat
import django
django.setup()
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

call_command("migrate", verbosity=0)
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
cache.set("probe", "x")
saved = default_storage.save("complaints/2026/attachment.pdf", ContentFile(b"%PDF-1.4 probe"))
paths = {}
for root, dirs, files in os.walk(settings.DATA_DIR):
    for name in dirs + files:
        path = os.path.join(root, name)
        paths[os.path.relpath(path, settings.DATA_DIR)] = stat.S_IMODE(os.stat(path).st_mode)
paths["."] = stat.S_IMODE(os.stat(settings.DATA_DIR).st_mode)
print(json.dumps(paths))
"""


def test_everything_in_the_data_folder_is_private_to_the_service(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    legacy = data / "rabta.sqlite3"  # an older install's database, world-readable
    legacy.touch()
    legacy.chmod(0o644)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RABTA_", "DATABASE_URL", "DJANGO_", "REDIS_"))}
    env.update(RABTA_ENV="development", RABTA_DATA_DIR=str(data), DJANGO_SETTINGS_MODULE="rabta.settings")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: os.umask(0o022),  # what a service manager typically starts with
    )
    assert result.returncode == 0, result.stderr
    modes = json.loads(result.stdout.strip().splitlines()[-1])
    expected = {"rabta.sqlite3", "rabta.sqlite3-wal", "rabta.sqlite3-shm", "dev-secrets.json", "cache", "private"}
    assert expected <= set(modes), modes
    assert any(path.startswith("private/complaints/2026/") for path in modes)
    assert any(path.startswith("cache/") for path in modes)
    opened = {path: oct(mode) for path, mode in modes.items() if mode & (stat.S_IRWXG | stat.S_IRWXO)}
    assert opened == {}, opened
