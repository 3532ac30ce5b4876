"""Settings for one civichub deployment.

Everything that differs between machines comes from the environment (CIVICHUB_*), so the same
code runs the demo, the tests and production. `civichub.settings.production` hardens this base.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CIVICHUB_VAR_DIR", BASE_DIR / "var"))

# The real public data (geography, deprivation) and open-standard schemas are read in place from
# one folder, never copied into the repository: see README "Reference data".
SHARED_DIR = Path(os.environ.get("CIVICHUB_SHARED_DIR", BASE_DIR.parent / "shared")).resolve()


def env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("CIVICHUB_DEBUG")
SECRET_KEY = os.environ.get("CIVICHUB_SECRET_KEY", "civichub-development-only-not-for-production")
ALLOWED_HOSTS = [h for h in os.environ.get("CIVICHUB_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "civichub.core",
    "civichub.places",
    "civichub.integration",
    "civichub.directory",
    "civichub.market",
    "civichub.needs",
    "civichub.funding",
    "civichub.records",
    "civichub.commissioning",
    "civichub.people",
    "civichub.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "civichub.core.middleware.RefusedMiddleware",
    "csp.middleware.CSPMiddleware",
    "civichub.core.middleware.PermissionsPolicyMiddleware",
]

ROOT_URLCONF = "civichub.urls"
WSGI_APPLICATION = "civichub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "civichub.jinja2.Jinja2Templates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "civichub.jinja2.environment",
            "context_processors": ["civichub.jinja2.csp_nonce"],
        },
    },
    {
        # Django's own templates (none of ours) still need the Django engine.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'civichub.sqlite3'}"
if "CIVICHUB_DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
# Keep server connections open between requests: a new PostgreSQL connection per request costs more
# than the query it serves.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("CIVICHUB_DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while one writer writes; IMMEDIATE takes the write lock at the start
    # of a transaction so two writers queue instead of failing with "database is locked". A writer waits
    # up to 60 s for its turn: on a loaded machine 10 s was seen to run out under the API fuzzing, and a
    # slow answer is better than a 500.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA busy_timeout=60000; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:start"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "civichub.core.passwords.BreachedPatternValidator"},
]

# Council officers work on shared machines: sessions end after a working day or when the browser closes.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): only our own origin, and inline script only with the request's
# nonce (GOV.UK Frontend's js-enabled line and its module start-up carry it). No third-party origin, no
# inline style, and no framing at all. The browser tests fail on any violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Features no page of the platform uses are switched off for every page (and anything injected into one).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)

# /.well-known/security.txt (RFC 9116): where to report a vulnerability, and until when that holds.
SECURITY_CONTACT = os.environ.get("CIVICHUB_SECURITY_CONTACT", "mailto:security@civichub.invalid")
SECURITY_TXT_EXPIRES = os.environ.get("CIVICHUB_SECURITY_TXT_EXPIRES", "")  # ISO 8601; a year ahead if empty

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    # Compiled by `npm run build` (make assets) from civichub/assets/.
    BASE_DIR / "build" / "assets",
]
# Stored files (uploads waiting for an import, later documents): a folder of their own, which
# `civichub backup` copies whole and `civichub restore` needs empty. Unset, Django would store them in
# whatever directory the process was started from.
MEDIA_ROOT = Path(os.environ.get("CIVICHUB_MEDIA_DIR", VAR_DIR / "media"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Stored files (documents, waiting imports) in any S3-compatible store instead, by settings alone:
# django-storages reads the bucket, endpoint and keys from the environment (AWS_* variables).
if os.environ.get("CIVICHUB_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["CIVICHUB_S3_BUCKET"],
            "endpoint_url": os.environ.get("CIVICHUB_S3_ENDPOINT") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Uploads (importers) are read in memory only up to this size; larger files are refused.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Records (civichub/records): the largest document that can be kept. Content lives in default_storage
# (STORAGES above): the filesystem here, any S3-compatible store through django-storages' settings.
CIVICHUB_RECORDS_MAX_UPLOAD_BYTES = int(os.environ.get("CIVICHUB_RECORDS_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))

# Background work goes through the django-tasks API (Django 6's django.tasks), stored in the database
# and run by `civichub worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "imports"]}}

# Webhooks may only be sent to public addresses; tests and local receivers can allow loopback.
CIVICHUB_WEBHOOKS_ALLOW_LOOPBACK = env_flag("CIVICHUB_WEBHOOKS_ALLOW_LOOPBACK")
# How long a dispatcher holds a delivery it claimed (after a crash, the wait before another sends it).
CIVICHUB_WEBHOOK_LEASE_SECONDS = int(os.environ.get("CIVICHUB_WEBHOOK_LEASE_SECONDS", "60"))

# Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed when counting failed
# sign-ins by address (civichub/core/throttle.py). Empty: the socket's peer is the address.
CIVICHUB_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("CIVICHUB_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# Platform administrators must sign in with a second factor (on by default in production settings).
CIVICHUB_SECOND_FACTOR_FOR_PLATFORM_ADMINS = env_flag("CIVICHUB_SECOND_FACTOR_FOR_PLATFORM_ADMINS")

# Keys that seal the secrets the platform must read back (civichub/core/secrets.py): Fernet keys, comma
# separated, the sealing one first. Never stored in the database. Production requires them.
CIVICHUB_SECRETS_KEYS = [k for k in os.environ.get("CIVICHUB_SECRETS_KEYS", "").split(",") if k]

# How long the platform keeps its own machinery's records (delivered events, webhook delivery attempts,
# finished jobs, import runs), in days: the defaults a council starts with and the periods of the
# platform's own rows. Each kind declares its default (civichub/core/retention.py);
# CIVICHUB_RETENTION_<KIND>_DAYS overrides it, e.g. CIVICHUB_RETENTION_DELIVERY_ATTEMPTS_DAYS=30.
CIVICHUB_RETENTION_DAYS = {
    name.removeprefix("CIVICHUB_RETENTION_").removesuffix("_DAYS").lower(): int(value)
    for name, value in os.environ.items()
    if name.startswith("CIVICHUB_RETENTION_") and name.endswith("_DAYS")
}

# OCDS: every procurement's ocid is this prefix, the council's GSS code and the procurement's id, so it
# is stable for the platform and names the council (ADR 0019).
CIVICHUB_OCID_PREFIX = os.environ.get("CIVICHUB_OCID_PREFIX", "ocds-civichub")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # Splink on a small council's records (the demo's few hundred): levels never observed and
        # sampling probes that find no pairs are expected there, so they are INFO, not warnings.
        "splink_small_data": {
            "()": "civichub.core.logs.Demote",
            "expected": ["not observed in dataset", "Probe returned zero blocked pairs"],
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "splink.internals.expectation_maximisation": {"filters": ["splink_small_data"]},
        "splink.internals.em_sampling": {"filters": ["splink_small_data"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CIVICHUB_LOG_LEVEL", "WARNING")},
}

# Email (funding's saved-search alerts): any SMTP server, by settings alone. Without a host, mail is
# written to the console, so a development machine sends nothing anywhere.
EMAIL_HOST = os.environ.get("CIVICHUB_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("CIVICHUB_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("CIVICHUB_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CIVICHUB_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_flag("CIVICHUB_EMAIL_USE_TLS")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("CIVICHUB_EMAIL_FROM", "civichub <no-reply@civichub.invalid>")
# Where the platform is reached, for links in emails (which have no request to take it from).
CIVICHUB_BASE_URL = os.environ.get("CIVICHUB_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
