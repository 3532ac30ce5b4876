from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civichub.core import rotation
from civichub.core.actors import Actor
from civichub.core.secrets import SecretUnreadable, configured_keys, fingerprint


class Command(BaseCommand):
    help = (
        "The secrets sealed at rest: `civichub secrets status` says which key seals each; "
        "`civichub secrets rotate` re-seals them all under the first key of CIVICHUB_SECRETS_KEYS (audited)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="Count the secrets each configured key seals")
        sub.add_parser("rotate", help="Re-seal every secret under the first configured key")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "rotate":
            try:
                result = rotation.rotate(Actor.system("secrets-rotate"))
            except SecretUnreadable as exc:
                raise CommandError(
                    f"Nothing was changed: {exc} Put back the key that sealed it, then rotate again."
                ) from exc
            self.stdout.write(self.style.SUCCESS(f"Re-sealed {result.total} secrets under key {result.key}."))
            return
        report = rotation.survey()
        newest = fingerprint(configured_keys()[0])
        for key, count in report.by_key.items():
            role = "seals new secrets" if key == newest else "older key"
            self.stdout.write(f"key {key} ({role}): {count} secrets")
        if report.in_clear or report.unreadable:
            raise CommandError(
                f"{report.in_clear} secrets are stored in clear and {report.unreadable} open with no key."
            )
        if report.only_newest_key:
            self.stdout.write(self.style.SUCCESS("Every secret is sealed under the newest key."))
        else:
            self.stdout.write("Some secrets are sealed under an older key: run `civichub secrets rotate`.")
