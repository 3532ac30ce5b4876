"""Production settings: the base settings, hardened. Refuses to start without a real secret key."""

import os

from django.core.exceptions import ImproperlyConfigured

from civichub.settings import *  # noqa: F403

SECRET_KEY = os.environ.get("CIVICHUB_SECRET_KEY", "")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("civichub-development"):
    raise ImproperlyConfigured("Set CIVICHUB_SECRET_KEY to a random value of at least 50 characters.")

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("CIVICHUB_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
