from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civichub.core import selectors, services
from civichub.core.actors import Actor
from civichub.core.errors import Refused


class Command(BaseCommand):
    help = (
        "List the councils on the platform, or add a UK council by GSS code: civichub councils add E07000087"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Add a council from the UK local authority register")
        add.add_argument("gss_code", help="For example E07000087")
        sub.add_parser("list", help="List the councils on the platform")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "add":
            try:
                council = services.add_council(Actor.system("councils add"), options["gss_code"])
            except Refused as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                self.style.SUCCESS(f"Added {council.name} ({council.gss_code}) at /c/{council.slug}/")
            )
        else:
            for council in selectors.councils():
                self.stdout.write(f"{council.gss_code}  {council.slug:<24} {council.name}")
