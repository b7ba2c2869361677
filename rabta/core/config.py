"""Reading configuration from the environment, with errors that name the setting at fault."""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
import structlog
from django.core.exceptions import ImproperlyConfigured

# Throw-away keys for the test profile only; they protect nothing.
_TEST_FERNET_KEY = base64.urlsafe_b64encode(b"rabta-test-key-not-for-real-use!").decode()


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, got {raw!r}")


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str, *, default: list[str]) -> list[str]:
    """Addresses or networks (203.0.113.0/24, ::1), checked at start-up rather than at first use."""
    import ipaddress

    entries = env_list(name, default=default)
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {entry!r} is not an address or a network") from None
    return entries


def env_number(name: str, *, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a number, got {raw!r}") from None


def env_int(name: str, *, default: int, minimum: int | None = None) -> int:
    """A whole number from the environment, refused at start-up (naming the variable) when it is
    not one or is below ``minimum``, rather than failing later where it is used."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}: must be at least {minimum}, got {value}")
    return value


def sms_gateway_from_env() -> dict[str, Any]:
    """The HTTP SMS gateway's settings (rabta.notifications.senders.HttpSmsSender); validated when
    the sender is built, so an unused gateway needs none of them."""
    return {
        "url": os.environ.get("RABTA_SMS_GATEWAY_URL", ""),
        "method": os.environ.get("RABTA_SMS_GATEWAY_METHOD", "POST").upper(),
        "content_type": os.environ.get("RABTA_SMS_GATEWAY_CONTENT_TYPE", "application/json"),
        "body_template": os.environ.get("RABTA_SMS_GATEWAY_BODY", '{"to": "$to", "text": "$body"}'),
        "username": os.environ.get("RABTA_SMS_GATEWAY_USERNAME", ""),
        "password": os.environ.get("RABTA_SMS_GATEWAY_PASSWORD", ""),
        "token": os.environ.get("RABTA_SMS_GATEWAY_TOKEN", ""),
        "sender_id": os.environ.get("RABTA_SMS_GATEWAY_SENDER_ID", ""),
        "timeout": env_number("RABTA_SMS_GATEWAY_TIMEOUT", default=10.0),
        "retries": int(env_number("RABTA_SMS_GATEWAY_RETRIES", default=2)),
        "backoff": env_number("RABTA_SMS_GATEWAY_BACKOFF", default=0.5),
    }


def rate_limits_from_env(raw: str, *, default: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """Parse ``scope=ADDRESS_RATE:SUBJECT_RATE`` pairs (either rate may be empty) over the defaults."""
    limits = {scope: dict(rates) for scope, rates in default.items()}
    rate = re.compile(r"^\d+/\d*[smhd]$")
    for item in (part.strip() for part in raw.split(",") if part.strip()):
        scope, _, rates = item.partition("=")
        address, _, subject = rates.partition(":")
        if scope.strip() not in limits or not all(rate.match(r) for r in (address, subject) if r):
            raise ImproperlyConfigured(
                f"RABTA_RATE_LIMITS: {item!r} is not scope=ADDRESS_RATE:SUBJECT_RATE with a known scope "
                f"({', '.join(sorted(limits))}) and rates such as 60/h"
            )
        limits[scope.strip()] = {key: value for key, value in (("address", address), ("subject", subject)) if value}
    return limits


# What the data folder holds (the SQLite file, uploaded documents, the cache, generated keys) is
# for the service's own account only.
# Customs lanes: name -> the check a declaration in that lane needs before assessment ("none",
# "documents" or "examination"). What a lane means differs by administration (Pakistan's blue is a
# scanner, ASYCUDA's is post-clearance audit), so the meanings are configuration, in this order.
CUSTOMS_LANE_CHECKS = ("none", "documents", "examination")
CUSTOMS_LANES_DEFAULT = {"green": "none", "yellow": "documents", "red": "examination", "blue": "examination"}


def customs_lanes_from_env(raw: str) -> dict[str, str]:
    """``RABTA_CUSTOMS_LANES``: ``name:check`` pairs, e.g. ``green:none,yellow:documents,red:examination``."""
    if not raw.strip():
        return dict(CUSTOMS_LANES_DEFAULT)
    lanes: dict[str, str] = {}
    for item in (part.strip() for part in raw.split(",") if part.strip()):
        name, _, check = item.partition(":")
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,19}", name.strip()) or check.strip() not in CUSTOMS_LANE_CHECKS:
            raise ImproperlyConfigured(
                f"RABTA_CUSTOMS_LANES: {item!r} is not name:check with a lower-case name of at most 20 characters "
                f"and a check among {', '.join(CUSTOMS_LANE_CHECKS)}"
            )
        lanes[name.strip()] = check.strip()
    return lanes


def customs_default_lane(raw: str, lanes: dict[str, str]) -> str:
    """``RABTA_CUSTOMS_DEFAULT_LANE``: the lane ``lane_assign`` gives until the risk engine decides
    (default ``green``, ASYCUDA's "everything not selected")."""
    lane = raw.strip() or "green"
    if lane not in lanes:
        raise ImproperlyConfigured(
            f"RABTA_CUSTOMS_DEFAULT_LANE: {lane!r} is not one of RABTA_CUSTOMS_LANES ({', '.join(lanes)})"
        )
    return lane


@dataclass(frozen=True)
class SelectionRate:
    """One line of ``RABTA_RISK_RATES``: for declarations of ``office`` (a collectorate code, ``*``
    for any) under ``regime`` (``*`` for any), the minimum share sent at random to ``lane`` and the
    share the lane is expected to hold (topped up from would-be-green declarations), in percent."""

    office: str
    regime: str
    lane: str
    random_percent: float
    expected_percent: float


RISK_RATES_DEFAULT = "*/*/red=1:5,*/*/yellow=2:15"


def risk_rates_from_env(raw: str, lanes: dict[str, str]) -> tuple[SelectionRate, ...]:
    """``RABTA_RISK_RATES``: ``office/regime/lane=random:expected`` items, comma-separated, e.g.
    ``*/import/red=1:5,KHI/export/yellow=0.5:3`` (percentages of declarations). An office's own line
    wins over ``*`` for the same regime and lane (ASYCUDA's selectivity parameters per office)."""
    rates: list[SelectionRate] = []
    for item in (part.strip() for part in (raw.strip() or RISK_RATES_DEFAULT).split(",") if part.strip()):
        match = re.fullmatch(r"([^/\s]+)/([a-z_*]+)/([a-z][a-z0-9_]{0,19})=([0-9.]+):([0-9.]+)", item)
        try:
            random_percent, expected_percent = (float(match[4]), float(match[5])) if match else (-1.0, -1.0)
        except ValueError:
            random_percent = expected_percent = -1.0
        if match is None or match[3] not in lanes or not (0 <= random_percent <= 100 and 0 <= expected_percent <= 100):
            raise ImproperlyConfigured(
                f"RABTA_RISK_RATES: {item!r} is not office/regime/lane=random%:expected% with a lane among "
                f"{', '.join(lanes)} and percentages from 0 to 100"
            )
        rates.append(SelectionRate(match[1], match[2], match[3], random_percent, expected_percent))
    return tuple(rates)


def risk_severity_from_env(raw: str, lanes: dict[str, str]) -> tuple[str, ...]:
    """``RABTA_RISK_LANE_SEVERITY``: lanes from the most to the least severe (the order in which two
    selections are reconciled and top-ups are made). Default: lanes with an examination, then with a
    documentary check, then the rest, each group in ``RABTA_CUSTOMS_LANES`` order."""
    if not raw.strip():
        rank = {"examination": 0, "documents": 1, "none": 2}
        return tuple(sorted(lanes, key=lambda lane: rank[lanes[lane]]))
    order = tuple(part.strip() for part in raw.split(",") if part.strip())
    if sorted(order) != sorted(lanes):
        raise ImproperlyConfigured(
            f"RABTA_RISK_LANE_SEVERITY: name every lane of RABTA_CUSTOMS_LANES once ({', '.join(lanes)})"
        )
    return order


def risk_model_lanes_from_env(raw: str, lanes: dict[str, str]) -> tuple[tuple[str, float], ...]:
    """``RABTA_RISK_MODEL_LANES``: ``lane:threshold`` pairs (default ``red:0.9,yellow:0.6``): a model
    score at or above a threshold selects the lane; the highest threshold met wins."""
    pairs: list[tuple[str, float]] = []
    for item in (part.strip() for part in (raw.strip() or "red:0.9,yellow:0.6").split(",") if part.strip()):
        lane, _, threshold = item.partition(":")
        try:
            value = float(threshold)
        except ValueError:
            value = -1.0
        if lane.strip() not in lanes or not 0 <= value <= 1:
            raise ImproperlyConfigured(
                f"RABTA_RISK_MODEL_LANES: {item!r} is not lane:threshold (0 to 1) with a known lane"
            )
        pairs.append((lane.strip(), value))
    return tuple(sorted(pairs, key=lambda pair: -pair[1]))


PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def data_dir_secure(data_dir: Path) -> Path:
    """Create the data folder readable by its owner only and make the process's new files private.

    The umask covers every file any part of the process creates there (SQLite's journal and WAL,
    the file cache, uploads, collected static files served by the process itself); an existing
    folder from an older install is tightened on start-up.
    """
    os.umask(0o077)
    data_dir.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if data_dir.stat().st_uid == os.getuid():
        data_dir.chmod(PRIVATE_DIR_MODE)
    return data_dir


def sqlite_files_secure(name: str) -> None:
    """Owner-only modes on an SQLite file and its -wal/-shm companions (created before the umask
    was in force, or by a tool run with another umask)."""
    for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm"), Path(f"{name}-journal")):
        try:
            status = path.stat()
        except FileNotFoundError:
            continue
        if status.st_mode & 0o077 and status.st_uid == os.getuid():
            path.chmod(PRIVATE_FILE_MODE)


def database_from_env(url: str | None, *, data_dir: Path) -> dict[str, Any]:
    """Return a DATABASES entry: PostgreSQL (or any dj-database-url scheme) from DATABASE_URL,
    else the embedded SQLite file in WAL mode."""
    if url:
        try:
            config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
        except (ValueError, KeyError) as exc:
            raise ImproperlyConfigured(
                f"DATABASE_URL: cannot be parsed ({exc}); expected e.g. postgres://user@127.0.0.1:5432/rabta"
            ) from exc
        engine = config.get("ENGINE", "")
        if engine not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
            raise ImproperlyConfigured(
                f"DATABASE_URL: unsupported database engine {engine!r}; use postgres:// or sqlite://"
            )
        if engine == "django.db.backends.postgresql" and not config.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL: no database name given (postgres://host/NAME)")
        if engine == "django.db.backends.sqlite3":
            config.setdefault("OPTIONS", {}).update(_sqlite_options())
        config.setdefault("TEST", {})
        return config
    data_dir_secure(data_dir)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(data_dir / "rabta.sqlite3"),
        "OPTIONS": _sqlite_options(),
        # Tests use a file so that the browser tests' live server shares it with the test thread.
        "TEST": {"NAME": str(data_dir / "test.sqlite3")},
    }


def _sqlite_options() -> dict[str, Any]:
    # WAL lets readers proceed while one writer commits; IMMEDIATE transactions take the write
    # lock up front so two writers queue (busy timeout) instead of failing with "database is locked"
    # half-way through. synchronous=FULL keeps every acknowledged commit across a power cut.
    return {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


@dataclass(frozen=True)
class Secrets:
    secret_key: str
    field_encryption_keys: list[str]
    lookup_hash_key: str


def validate_fernet_key(name: str, key: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(key.encode())
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name}: not url-safe base64 ({exc})") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(
            f"{name}: must decode to 32 bytes (a Fernet key), got {len(raw)}; generate one with `rabta generate_keys`"
        )
    return key


def load_secrets(*, env: str, data_dir: Path) -> Secrets:
    """Secrets from RABTA_SECRET_KEY, RABTA_FIELD_ENCRYPTION_KEYS and RABTA_LOOKUP_HASH_KEY.

    In production all three are required. Elsewhere a missing one is generated once and kept in
    ``var/dev-secrets.json`` so that restarting `make run` still decrypts its own demo data.
    """
    names = ("RABTA_SECRET_KEY", "RABTA_FIELD_ENCRYPTION_KEYS", "RABTA_LOOKUP_HASH_KEY")
    values = {name: os.environ.get(name, "").strip() for name in names}
    if env == "production":
        missing = [name for name, value in values.items() if not value]
        if missing:
            raise ImproperlyConfigured(f"{', '.join(missing)}: required when RABTA_ENV=production")
    elif env == "test":
        values = {
            "RABTA_SECRET_KEY": values["RABTA_SECRET_KEY"] or "test-secret-key-" + "x" * 40,
            "RABTA_FIELD_ENCRYPTION_KEYS": values["RABTA_FIELD_ENCRYPTION_KEYS"] or _TEST_FERNET_KEY,
            "RABTA_LOOKUP_HASH_KEY": values["RABTA_LOOKUP_HASH_KEY"] or "test-lookup-hash-key",
        }
    elif not all(values.values()):
        values = _dev_secrets(values, data_dir)

    keys = [key.strip() for key in values["RABTA_FIELD_ENCRYPTION_KEYS"].split(",") if key.strip()]
    if not keys:
        raise ImproperlyConfigured("RABTA_FIELD_ENCRYPTION_KEYS: no key given")
    for index, key in enumerate(keys):
        validate_fernet_key(f"RABTA_FIELD_ENCRYPTION_KEYS[{index}]", key)
    if len(values["RABTA_SECRET_KEY"]) < 32:
        raise ImproperlyConfigured("RABTA_SECRET_KEY: must be at least 32 characters")
    if len(values["RABTA_LOOKUP_HASH_KEY"]) < 16:
        raise ImproperlyConfigured("RABTA_LOOKUP_HASH_KEY: must be at least 16 characters")
    return Secrets(values["RABTA_SECRET_KEY"], keys, values["RABTA_LOOKUP_HASH_KEY"])


def generate_secrets() -> dict[str, str]:
    return {
        "RABTA_SECRET_KEY": secrets.token_urlsafe(50),
        "RABTA_FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "RABTA_LOOKUP_HASH_KEY": secrets.token_urlsafe(32),
    }


def _dev_secrets(values: dict[str, str], data_dir: Path) -> dict[str, str]:
    path = data_dir / "dev-secrets.json"
    data_dir_secure(data_dir)
    if path.exists():
        stored = json.loads(path.read_text())
    else:
        stored = generate_secrets()
        # Written with O_EXCL so two processes starting at once cannot end up with different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            stored = json.loads(path.read_text())
        else:
            with os.fdopen(fd, "w") as handle:
                json.dump(stored, handle)
    return {name: value or stored[name] for name, value in values.items()}


def logging_config(level: str) -> dict[str, Any]:
    """JSON lines on stderr for every logger, through structlog's stdlib bridge, with secrets and
    personal data masked in every line (rabta.core.logmask)."""
    from rabta.core.logmask import mask_event_dict

    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": structlog.stdlib.ProcessorFormatter,
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    # Last before rendering, so the traceback's text is masked too.
                    mask_event_dict,
                    structlog.processors.JSONRenderer(ensure_ascii=False),
                ],
                "foreign_pre_chain": shared,
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            "django.server": {"level": "WARNING"},
        },
    }
