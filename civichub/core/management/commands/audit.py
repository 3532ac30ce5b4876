from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civichub.core import audit


class Command(BaseCommand):
    help = "Check the audit log's hash chain: `civichub audit verify` names the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Verify every entry of the audit log")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        result = audit.verify()
        if not result.intact:
            raise CommandError(
                f"Audit log BROKEN at entry {result.broken_at}: {result.reason} "
                f"({result.entries} entries before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {result.entries} entries."))
