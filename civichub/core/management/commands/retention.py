from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from civichub.core import pruning, selectors
from civichub.core.actors import Actor
from civichub.core.models import Council
from civichub.core.retention import days_for


class Command(BaseCommand):
    help = (
        "Remove the machinery's records older than their retention period (delivered events, webhook "
        "delivery attempts, finished jobs and imports): "
        "civichub retention prune [--council SLUG] [--dry-run]. Run it daily (cron or a systemd timer). "
        "The audit log is never pruned."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        prune = sub.add_parser(
            "prune", help="Remove what is past its period: every council, then the platform's own rows"
        )
        prune.add_argument("--council", help="Only this council (its slug), or 'platform' for its own rows")
        prune.add_argument("--dry-run", action="store_true", help="Count what would go; change nothing")
        periods = sub.add_parser("periods", help="Show the periods in force, in days")
        periods.add_argument("--council", help="Only this council (its slug), or 'platform'")

    def _scopes(self, slug: str | None) -> list[Council | None]:
        if slug == "platform":
            return [None]
        if slug:
            try:
                return [selectors.council_by_slug(slug)]
            except Http404 as exc:
                raise CommandError(f"No council has the slug {slug!r}: see `civichub councils list`") from exc
        return [*selectors.councils(), None]

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        scopes = self._scopes(options["council"])
        if action == "periods":
            for council in scopes:
                days = ", ".join(f"{kind} {n}" for kind, n in days_for(council).items())
                self.stdout.write(f"{council.slug if council else 'platform'}: {days}")
            return
        dry_run = options["dry_run"]
        for council in scopes:
            started = time.monotonic()
            counts = pruning.prune(Actor.system("retention prune", council), council, dry_run=dry_run)
            took = time.monotonic() - started
            removed = ", ".join(f"{kind} {n}" for kind, n in counts.items())
            verb = "would remove" if dry_run else "removed"
            self.stdout.write(f"{council.slug if council else 'platform'}: {verb} {removed} ({took:.1f} s)")
