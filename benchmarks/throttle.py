"""Throttling figures: how many guesses an attacker gets, and what a refused attempt costs the server.

1. Guesses per account and per address in an hour and a day, from the real throttle code
   (`core/throttle.py`): an attacker who always tries again the moment the wait ends. Time is moved by
   moving the recorded failures back by the wait the throttle asked for, as the tests do, so a simulated
   day takes a second.
2. The cost of a sign-in attempt refused during a wait (the password is not checked), beside a bare Django
   row read in the same run, and of a wrong password (which is hashed).

Run with `make bench` (or `uv run python benchmarks/throttle.py`). Uses a scratch SQLite file unless
CIVICHUB_DATABASE_URL is set.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

var = Path(tempfile.mkdtemp(prefix="civichub-bench-throttle-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civichub.settings")
os.environ.setdefault("CIVICHUB_DATABASE_URL", f"sqlite:///{var / 'throttle.sqlite3'}")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from timing import samples  # noqa: E402

from civichub.core import throttle  # noqa: E402
from civichub.core.models import SignInFailures, User  # noqa: E402


def _move_time(seconds: float) -> None:
    """Let `seconds` pass for the throttle: every recorded failure and lock moves that far back."""
    delta = timedelta(seconds=seconds)
    SignInFailures.objects.update(last_failure_at=F("last_failure_at") - delta)
    SignInFailures.objects.exclude(locked_until=None).update(locked_until=F("locked_until") - delta)


def guesses_within(horizon: timedelta, *, one_account: bool) -> int:
    """Guesses an attacker gets in `horizon`: one account from one address, or many accounts from one."""
    SignInFailures.objects.all().delete()
    elapsed, guesses, n = 0.0, 0, 0
    while True:
        username = "victim" if one_account else f"user-{n}"
        try:
            throttle.check(username, "198.51.100.1")
        except throttle.Throttled as wait:
            if elapsed + wait.retry_after > horizon.total_seconds():
                return guesses
            elapsed += wait.retry_after
            _move_time(wait.retry_after)
            continue
        throttle.record_failure(username, "198.51.100.1")
        guesses += 1
        n += 1


def main() -> None:
    call_command("migrate", verbosity=0)
    print(f"Database: {django.db.connection.vendor}")
    for label, horizon in (("an hour", timedelta(hours=1)), ("a day", timedelta(days=1))):
        one = guesses_within(horizon, one_account=True)
        many = guesses_within(horizon, one_account=False)
        print(f"guesses in {label:<8} at one account: {one:>4}   across accounts from one address: {many:>4}")

    user = User.objects.create_user("bench", password="a-long-bench-password")  # noqa: S106
    client = Client(REMOTE_ADDR="203.0.113.50")
    SignInFailures.objects.all().delete()
    for _ in range(throttle.LOCK_AFTER):  # lock the account, so every attempt below is refused unread
        throttle.record_failure("bench", "192.0.2.77")
    refused = samples(lambda: client.post("/sign-in/", {"username": "bench", "password": "x"}), 200)
    baseline = samples(lambda: User.objects.filter(pk=user.pk).first(), 200)
    SignInFailures.objects.all().delete()
    wrong: list[float] = []
    for _ in range(throttle.FREE_FAILURES - 1):  # within the free failures, so each password is hashed
        wrong += samples(
            lambda: Client(REMOTE_ADDR="203.0.113.51").post(
                "/sign-in/", {"username": "bench", "password": "wrong"}
            ),
            1,
        )
        SignInFailures.objects.all().delete()
    bare = statistics.median(baseline)
    for label, runs in (("refused while locked", refused), ("wrong password (hashed)", wrong)):
        median = statistics.median(runs)
        print(f"{label:<24} median {median:7.2f} ms   {median / bare:6.1f}x a bare row read ({bare:.3f} ms)")


if __name__ == "__main__":
    # The sign-in page names its static files; without collectstatic's manifest, serve them by name.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": static}, ALLOWED_HOSTS=["testserver"]
    ):
        main()
