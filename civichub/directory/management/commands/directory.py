from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civichub.core import selectors
from civichub.directory.services import reindex, store_missing_documents


class Command(BaseCommand):
    help = (
        "Rebuild the search entries of published services and store any missing ORUK documents: "
        "civichub directory reindex [council-slug ...]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        again = sub.add_parser(
            "reindex",
            help="Rebuild what search near a postcode reads, and store the ORUK documents of services that "
            "have none (all councils by default)",
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
            entries = reindex(council)
            documents = store_missing_documents(council)
            self.stdout.write(
                f"{council.short_name}: {entries:,} search entries, {documents:,} missing documents stored"
            )
