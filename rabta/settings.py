"""Rabta settings.

Everything that differs between machines comes from the environment (see `.env.example`).
`RABTA_ENV` selects the profile:

* ``development`` (default): embedded SQLite in WAL mode, tasks run in-process, secrets are
  generated once per checkout into ``var/dev-secrets.json`` so that `make run` needs nothing.
* ``test``: like development, with fast password hashing and fixed throw-away keys.
* ``production``: every secret must be set; a missing or malformed one stops start-up with a
  message naming it.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from rabta.core.config import (
    PRIVATE_DIR_MODE,
    PRIVATE_FILE_MODE,
    customs_default_lane,
    customs_lanes_from_env,
    data_dir_secure,
    database_from_env,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_number,
    load_secrets,
    logging_config,
    rate_limits_from_env,
    risk_model_lanes_from_env,
    risk_rates_from_env,
    risk_severity_from_env,
    sms_gateway_from_env,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
RABTA_ENV = os.environ.get("RABTA_ENV", "development")
if RABTA_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"RABTA_ENV: must be development, test or production, not {RABTA_ENV!r}")
PRODUCTION = RABTA_ENV == "production"
TESTING = RABTA_ENV == "test"

DATA_DIR = data_dir_secure(Path(os.environ.get("RABTA_DATA_DIR", PROJECT_DIR / "var")).resolve())

_secrets = load_secrets(env=RABTA_ENV, data_dir=DATA_DIR)
SECRET_KEY = _secrets.secret_key
# First key encrypts; all keys decrypt (rotation). See rabta.core.crypto.
RABTA_FIELD_ENCRYPTION_KEYS = _secrets.field_encryption_keys
RABTA_LOOKUP_HASH_KEY = _secrets.lookup_hash_key

# The database refuses to change or delete events; only the test profile may relax it (rabta.core.db).
RABTA_EVENTS_APPEND_ONLY = not TESTING

DEBUG = env_bool("RABTA_DEBUG", default=False)
# Production names its hosts (rabta.core.checks.refuse_development_parts): the laptop defaults include
# the test client's "testserver".
ALLOWED_HOSTS = env_list(
    "RABTA_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("RABTA_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "rabta.accounts.apps.AdminConfig",  # django.contrib.admin on our site (rabta.accounts.admin_site)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "ninja",
    "csp",
    "rabta.core",
    "rabta.accounts",
    "rabta.directory",
    "rabta.notifications",
    "rabta.complaints",
    "rabta.reviews",
    "rabta.accountability",
    "rabta.customs",
    "rabta.tariff",
    "rabta.risk",
    "rabta.open311",
    "rabta.intelligence",
    "rabta.scorecards",
    "rabta.enforcement",
    "rabta.exchange",
]

MIDDLEWARE = [
    "rabta.core.middleware.RequestIdMiddleware",
    "rabta.api.middleware.ApiErrorFormatMiddleware",  # /api/ errors in the one format, whoever answered
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rabta.accounts.middleware.StaffSessionIdleMiddleware",
    "rabta.accounts.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "rabta.core.pages.PageErrorsMiddleware",  # a page's NotFound, 403 or rate limit: the page for it
]

ROOT_URLCONF = "rabta.urls"
WSGI_APPLICATION = "rabta.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "rabta.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": database_from_env(os.environ.get("DATABASE_URL"), data_dir=DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rabta.accounts.backends.EmailOrPhoneBackend",
]
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]  # tests only: argon2 costs ~50 ms a hash
    if TESTING
    else [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "rabta.accounts.validators.FullNameValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lock-out (django-axes): five failures for the same account from the same address lock it for
# 30 minutes. Keying on user *and* address keeps one attacker from locking out a whole office.
AXES_FAILURE_LIMIT = env_int("RABTA_LOGIN_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = env_number("RABTA_LOGIN_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "rabta.core.clientip.client_ip"
# Failures count per account whatever spelling of its email or phone was typed, and the table
# stores "account:<id>" or a keyed hash, never the typed name (rabta.accounts.backends).
AXES_USERNAME_CALLABLE = "rabta.accounts.backends.lockout_username"

# The client's address (rabta.core.clientip): forwarding headers are believed only through the
# number of reverse proxies of our own named here; 0 means the TCP peer is the client.
RABTA_TRUSTED_PROXY_COUNT = env_int("RABTA_TRUSTED_PROXY_COUNT", default=0, minimum=0)
RABTA_CLIENT_IP_HEADER = os.environ.get("RABTA_CLIENT_IP_HEADER", "X-Forwarded-For")

# Rate limits (rabta.core.ratelimit): per client address and per subject (account or identifier).
# Addresses are shared by many people behind mobile carriers' NAT, so address limits are looser
# than subject limits. "scope=ADDRESS_RATE:SUBJECT_RATE" items in RABTA_RATE_LIMITS override these, e.g.
# "intake=120/h:20/h,messages=300/h:60/h".
RABTA_RATE_LIMITS = rate_limits_from_env(
    os.environ.get("RABTA_RATE_LIMITS", ""),
    default={
        "intake": {"address": "60/h", "subject": "10/h"},
        "intake_anonymous": {"address": "20/h"},
        "messages": {"address": "300/h", "subject": "60/h"},
        "uploads": {"address": "120/h", "subject": "30/h"},
        "registration": {"address": "20/h", "subject": "5/h"},
        "verification": {"address": "60/h", "subject": "10/h"},
        "anonymous_tracking": {"address": "120/h"},
        # Open311: per client application (its api_key), and reads per address.
        "open311": {"address": "6000/h", "subject": "3000/h"},
        "open311_read": {"address": "3600/h"},
        # Category suggestions while typing (rabta.intelligence): one request per pause in typing.
        "suggest": {"address": "3600/h", "subject": "1200/h"},
    },
)

OTP_TOTP_ISSUER = "Rabta"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ur", _("Urdu"))]
LANGUAGES_BIDI = ["ur"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Karachi"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded files live outside the web root and are only ever served through views that check
# visibility; there is deliberately no MEDIA_URL route.
MEDIA_ROOT = DATA_DIR / "private"
FILE_UPLOAD_PERMISSIONS = PRIVATE_FILE_MODE
FILE_UPLOAD_DIRECTORY_PERMISSIONS = PRIVATE_DIR_MODE
# Attachments (rabta/complaints/services/attachments.py): the largest file taken, how many files one
# complaint may carry, and the largest image in pixels (a small file can decode to gigabytes).
RABTA_ATTACHMENT_MAX_BYTES = env_int("RABTA_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024, minimum=1)
RABTA_ATTACHMENTS_PER_COMPLAINT = env_int("RABTA_ATTACHMENTS_PER_COMPLAINT", default=20, minimum=0)
RABTA_ATTACHMENT_MAX_PIXELS = env_int("RABTA_ATTACHMENT_MAX_PIXELS", default=40_000_000, minimum=1)

# The complaint's lifecycle caps (rabta.complaints.services): how long a clock may wait for the
# complainant, how many times a complaint may change office, how many times it may be reopened.
RABTA_MAX_CLOCK_PAUSE_DAYS = env_int("RABTA_MAX_CLOCK_PAUSE_DAYS", default=15, minimum=1)
RABTA_MAX_TRANSFERS = env_int("RABTA_MAX_TRANSFERS", default=3, minimum=0)
RABTA_MAX_REOPENS = env_int("RABTA_MAX_REOPENS", default=2, minimum=0)
# Rows one Excel export may hold (rabta.core.exports); CSV streams any length. Excel's own limit is 1,048,576.
RABTA_EXPORT_MAX_ROWS = env_int("RABTA_EXPORT_MAX_ROWS", default=1_000_000, minimum=1)
# Scorecards: a published cell (a complainant group, a category) counting fewer complaints than this
# is suppressed, so that nobody is singled out; a league table ranks an office only from this many
# complaints received in its window.
RABTA_SCORECARD_MIN_CELL = env_int("RABTA_SCORECARD_MIN_CELL", default=5, minimum=1)
RABTA_LEAGUE_MIN_SAMPLE = env_int("RABTA_LEAGUE_MIN_SAMPLE", default=30, minimum=1)

REDIS_URL = os.environ.get("REDIS_URL", "")
# The default cache must be shared by every process of the server: it holds the version tokens that
# tell each process its in-memory reference data is stale (rabta.core.memo). Redis where there is
# one; else files in the data folder, which the embedded server's gunicorn workers share; the test
# profile's single process keeps it in memory.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rabta"}
        if TESTING
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(DATA_DIR / "cache")}
    )
}

# Celery: with no broker configured, tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
# Keep LOGGING's handlers (which mask secrets, rabta.core.logmask) in workers: Celery would replace them.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Outgoing messages. Console by default; real relays are configured in production.
EMAIL_BACKEND = os.environ.get("RABTA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("RABTA_FROM_EMAIL", "Rabta <no-reply@rabta.invalid>")
RABTA_SMS_BACKEND = os.environ.get("RABTA_SMS_BACKEND", "rabta.notifications.senders.ConsoleSmsSender")
RABTA_SMS_GATEWAY = sms_gateway_from_env()  # for rabta.notifications.senders.HttpSmsSender
RABTA_VERIFICATION_CODE_TTL_MINUTES = 15
# A staff session (officers, supervisors, administrators...) ends after this long without a request.
RABTA_STAFF_SESSION_IDLE_MINUTES = env_int("RABTA_STAFF_SESSION_IDLE_MINUTES", default=30, minimum=1)

# A refused CSRF check explains itself in the user's language (what happened, what to do).
CSRF_FAILURE_VIEW = "rabta.core.pages.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("RABTA_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading asks browsers to ship the domain as https-only, which cannot be undone quickly:
    # the operator opts in once every subdomain serves https (docs/operations.md).
    SECURE_HSTS_PRELOAD = env_bool("RABTA_HSTS_PRELOAD", default=False)

# Content-Security-Policy (django-csp) on every response: scripts, styles, images and fonts from our
# own origin only, no inline script or style (templates keep them in static files), no plugins,
# no framing, forms post only to us. A page that needs more says so with csp's decorators.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    },
}

# /metrics answers only these client addresses (networks allowed; the address is
# rabta.core.clientip's) or a request bearing RABTA_METRICS_TOKEN; anyone else gets 404. Production
# allows no address unless configured, since behind a proxy on the same host every client would
# otherwise arrive from loopback.
RABTA_METRICS_ALLOWED_ADDRESSES = env_networks(
    "RABTA_METRICS_ALLOWED_ADDRESSES", default=[] if PRODUCTION else ["127.0.0.0/8", "::1/128"]
)
RABTA_METRICS_TOKEN = os.environ.get("RABTA_METRICS_TOKEN", "").strip()
if RABTA_METRICS_TOKEN and len(RABTA_METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("RABTA_METRICS_TOKEN: at least 32 characters (e.g. `openssl rand -hex 32`)")

DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# `rabta check --deploy --fail-level WARNING` runs in CI with production settings (.ci/deploy-check)
# and fails on any warning except these, each accepted on purpose for the reason given.
RABTA_ACCEPTED_CHECKS = {
    "security.W021": (
        "HSTS preload is left to the operator (RABTA_HSTS_PRELOAD): once a domain is on the browsers' "
        "preload list it cannot serve plain http for months, so it is chosen per deployment"
    ),
    "auth.W004": (
        "the sign-in email is unique among verified holders only (rabta.accounts.models.User), so that an "
        "unverified claim cannot lock the real holder out; our backend handles several claims to one address"
    ),
}
SILENCED_SYSTEM_CHECKS = list(RABTA_ACCEPTED_CHECKS)

LOGGING = logging_config(os.environ.get("RABTA_LOG_LEVEL", "INFO"))

# Customs lanes and the lane every declaration gets until the risk engine chooses (rabta.core.config).
RABTA_CUSTOMS_LANES = customs_lanes_from_env(os.environ.get("RABTA_CUSTOMS_LANES", ""))
RABTA_CUSTOMS_DEFAULT_LANE = customs_default_lane(os.environ.get("RABTA_CUSTOMS_DEFAULT_LANE", ""), RABTA_CUSTOMS_LANES)
# The largest declarations file taken by the browser upload (rabta.customs.services.import_jobs):
# the import reads a file whole, so bigger ones go through `rabta customs import` instead.
RABTA_CUSTOMS_IMPORT_MAX_BYTES = env_int("RABTA_CUSTOMS_IMPORT_MAX_BYTES", default=256 * 1024 * 1024, minimum=1)

# Risk-managed clearance (rabta.risk; rabta.core.config): random and expected rates per office and
# regime, lane severity, the model's score thresholds, the exploration share of inspections, and
# where model artefacts are kept.
RABTA_RISK_RATES = risk_rates_from_env(os.environ.get("RABTA_RISK_RATES", ""), RABTA_CUSTOMS_LANES)
RABTA_RISK_LANE_SEVERITY = risk_severity_from_env(os.environ.get("RABTA_RISK_LANE_SEVERITY", ""), RABTA_CUSTOMS_LANES)
RABTA_RISK_MODEL_LANES = risk_model_lanes_from_env(os.environ.get("RABTA_RISK_MODEL_LANES", ""), RABTA_CUSTOMS_LANES)
RABTA_RISK_EXPLORATION_SHARE = env_number("RABTA_RISK_EXPLORATION_SHARE", default=0.10)
if not 0 <= RABTA_RISK_EXPLORATION_SHARE <= 1:
    raise ImproperlyConfigured("RABTA_RISK_EXPLORATION_SHARE: a share from 0 to 1 (default 0.10)")
RABTA_RISK_MODEL_DIR = Path(os.environ.get("RABTA_RISK_MODEL_DIR", "") or (DATA_DIR / "risk-models"))
# The lane of a declaration with an item priced below its value band (under-invoicing).
RABTA_RISK_UNDERVALUE_LANE = os.environ.get("RABTA_RISK_UNDERVALUE_LANE", "") or (
    "yellow" if "yellow" in RABTA_CUSTOMS_LANES else RABTA_RISK_LANE_SEVERITY[0]
)
if RABTA_RISK_UNDERVALUE_LANE not in RABTA_CUSTOMS_LANES:
    raise ImproperlyConfigured(
        f"RABTA_RISK_UNDERVALUE_LANE: {RABTA_RISK_UNDERVALUE_LANE!r} is not one of RABTA_CUSTOMS_LANES"
    )
# Lane selection keeps rules, watch lists, profiles, bands and the model in process and asks the
# database whether they changed at most this often (seconds); tests ask on every decision.
RABTA_RISK_CACHE_SECONDS = 0.0 if TESTING else 1.0
# Complaint intelligence: the category model (PATH.npz + PATH.json, `rabta intelligence train`) and
# the probability below which no category is suggested.
RABTA_INTELLIGENCE_MODEL = Path(os.environ.get("RABTA_INTELLIGENCE_MODEL", DATA_DIR / "intelligence" / "category"))
RABTA_INTELLIGENCE_MIN_CONFIDENCE = env_number("RABTA_INTELLIGENCE_MIN_CONFIDENCE", default=0.1)

# Shared data sets (read-only, never copied into the repository).
RABTA_SHARED_DATA_DIR = Path(os.environ.get("RABTA_SHARED_DATA_DIR", PROJECT_DIR.parent / "shared" / "data"))
