import pytest
from django.core.exceptions import ImproperlyConfigured

from rabta.core.config import database_from_env, env_bool, env_int, load_secrets


def test_production_refuses_to_start_without_secrets(monkeypatch, tmp_path):
    for name in ("RABTA_SECRET_KEY", "RABTA_FIELD_ENCRYPTION_KEYS", "RABTA_LOOKUP_HASH_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(
        ImproperlyConfigured, match="RABTA_SECRET_KEY, RABTA_FIELD_ENCRYPTION_KEYS, RABTA_LOOKUP_HASH_KEY"
    ):
        load_secrets(env="production", data_dir=tmp_path)


def test_production_names_a_malformed_key(monkeypatch, tmp_path):
    monkeypatch.setenv("RABTA_SECRET_KEY", "s" * 50)
    monkeypatch.setenv("RABTA_LOOKUP_HASH_KEY", "h" * 32)
    monkeypatch.setenv("RABTA_FIELD_ENCRYPTION_KEYS", "not-a-fernet-key")
    with pytest.raises(ImproperlyConfigured, match=r"RABTA_FIELD_ENCRYPTION_KEYS\[0\]"):
        load_secrets(env="production", data_dir=tmp_path)


def test_development_generates_secrets_once_and_keeps_them(monkeypatch, tmp_path):
    for name in ("RABTA_SECRET_KEY", "RABTA_FIELD_ENCRYPTION_KEYS", "RABTA_LOOKUP_HASH_KEY"):
        monkeypatch.delenv(name, raising=False)
    first = load_secrets(env="development", data_dir=tmp_path)
    second = load_secrets(env="development", data_dir=tmp_path)
    assert first == second
    assert (tmp_path / "dev-secrets.json").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("bogus://host/db", "DATABASE_URL: cannot be parsed"),
        ("mysql://root@127.0.0.1/rabta", "DATABASE_URL: unsupported database engine"),
        ("postgres://postgres@127.0.0.1:5432", "DATABASE_URL: no database name"),
    ],
)
def test_bad_database_url_is_named(url, message, tmp_path):
    with pytest.raises(ImproperlyConfigured, match=message):
        database_from_env(url, data_dir=tmp_path)


def test_embedded_default_is_sqlite_in_wal_mode(tmp_path):
    config = database_from_env(None, data_dir=tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_postgres_url_is_accepted(tmp_path):
    config = database_from_env("postgres://postgres@127.0.0.1:5432/rabta", data_dir=tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql" and config["NAME"] == "rabta"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [("twenty", "expected a whole number, got 'twenty'"), ("2.5", "whole number"), ("-1", "at least 0")],
)
def test_env_int_refuses_what_is_not_a_whole_number_in_range_and_names_the_variable(monkeypatch, raw, problem):
    monkeypatch.setenv("RABTA_MAX_TRANSFERS", raw)
    with pytest.raises(ImproperlyConfigured, match=f"^RABTA_MAX_TRANSFERS: .*{problem}"):
        env_int("RABTA_MAX_TRANSFERS", default=3, minimum=0)


def test_env_int_reads_the_number_or_falls_back_to_the_default(monkeypatch):
    monkeypatch.setenv("RABTA_MAX_TRANSFERS", " 7 ")
    assert env_int("RABTA_MAX_TRANSFERS", default=3, minimum=0) == 7
    monkeypatch.setenv("RABTA_MAX_TRANSFERS", "")
    assert env_int("RABTA_MAX_TRANSFERS", default=3, minimum=0) == 3


def test_env_bool_names_the_variable(monkeypatch):
    monkeypatch.setenv("RABTA_DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="RABTA_DEBUG"):
        env_bool("RABTA_DEBUG", default=False)


def test_rate_limits_from_env_overrides_named_scopes_and_names_bad_items():
    from django.core.exceptions import ImproperlyConfigured

    from rabta.core.config import rate_limits_from_env

    default = {"intake": {"address": "60/h", "subject": "10/h"}, "uploads": {"address": "1/m"}}
    assert rate_limits_from_env("intake=5/m:", default=default) == {
        "intake": {"address": "5/m"},
        "uploads": {"address": "1/m"},
    }
    for bad in ("nosuch=1/m", "intake=lots", "intake=5/m:often"):
        with pytest.raises(ImproperlyConfigured, match="RABTA_RATE_LIMITS"):
            rate_limits_from_env(bad, default=default)
