"""Settings for the test suite: the base settings with a fast password hasher.

The database still comes from CIVICHUB_DATABASE_URL, so `make test` runs the same suite on SQLite
and on a real PostgreSQL server.
"""

from civichub.settings import *  # noqa: F403
from civichub.settings import STORAGES

# Hashing strength is Django's business, not ours to test; MD5 keeps sign-in fixtures fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# Tests do not run collectstatic: WhiteNoise serves from the finders instead of STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The tests' webhook receivers listen on 127.0.0.1.
CIVICHUB_WEBHOOKS_ALLOW_LOOPBACK = True

# Every OCDS release is validated against the extended schema as its notice is published (ADR 0020).
CIVICHUB_OCDS_VALIDATE = True
