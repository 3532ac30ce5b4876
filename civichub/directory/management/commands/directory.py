from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civichub.core import selectors
from civichub.directory.services import reindex


class Command(BaseCommand):
    help = "Rebuild the search entries of published services: civichub directory reindex [council-slug ...]"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        again = sub.add_parser(
            "reindex", help="Rebuild what search near a postcode reads (all councils by default)"
        )
        again.add_argument("councils", nargs="*", help="Council slugs, e.g. wigan")

    def handle(self, *args: Any, action: str, councils: list[str], **options: Any) -> None:
        chosen = list(selectors.councils())
        if councils:
            known = {c.slug: c for c in chosen}
            unknown = sorted(set(councils) - set(known))
            if unknown:
                raise CommandError(
                    f"No council has the slug {', '.join(unknown)}: see civichub councils list"
                )
            chosen = [known[slug] for slug in councils]
        for council in chosen:
            self.stdout.write(f"{council.short_name}: {reindex(council):,} search entries")
