"""Production settings: the base settings, hardened. Refuses to start without a real secret key."""

import os

from django.core.exceptions import ImproperlyConfigured

from civichub.settings import *  # noqa: F403

SECRET_KEY = os.environ.get("CIVICHUB_SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("civichub-development"):
    raise ImproperlyConfigured("Set CIVICHUB_SECRET_KEY to a random value of at least 50 characters.")

if not CIVICHUB_SECRETS_KEYS:  # noqa: F405
    raise ImproperlyConfigured(
        "Set CIVICHUB_SECRETS_KEYS to a Fernet key (python -c 'from cryptography.fernet import Fernet; "
        "print(Fernet.generate_key().decode())'): it seals webhook and second-factor secrets at rest."
    )

DEBUG = False
CIVICHUB_SECOND_FACTOR_FOR_PLATFORM_ADMINS = env_flag(  # noqa: F405
    "CIVICHUB_SECOND_FACTOR_FOR_PLATFORM_ADMINS", default=True
)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("CIVICHUB_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
