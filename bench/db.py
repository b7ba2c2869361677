"""The throw-away PostgreSQL database the harness creates, migrates and drops."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/rabta_bench"


def _admin_url(url: str) -> tuple[str, str]:
    """The URL of the server's maintenance database, and the name of the benchmark database."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit(f"--database-url: no database name in {url!r}")
    return urlunsplit(parts._replace(path="/postgres", scheme="postgresql")), name


def database_name(url: str) -> str:
    return _admin_url(url)[1]


def database_recreate(url: str) -> None:
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def database_drop(url: str) -> None:
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def server_version(url: str) -> str:
    admin, _ = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


def django_setup(*, database_url: str, data_dir: str) -> None:
    """Configure this process exactly like the server it starts, then set Django up."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["RABTA_DATA_DIR"] = data_dir
    os.environ["RABTA_ENV"] = "development"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("RABTA_LOG_LEVEL", "WARNING")
    import django

    django.setup()
