from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civichub.core.importing.registry import IMPORT_TYPES
from civichub.core.management.importing import import_file
from civichub.core.selectors import council_by_slug


class Command(BaseCommand):
    help = (
        "Import a file now, with a progress bar: civichub imports run TYPE COUNCIL FILE for a council's "
        "import, civichub imports run TYPE platform FILE for the platform's (the national geography)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Check and import a file (all or nothing)")
        run.add_argument("import_type", choices=sorted(IMPORT_TYPES))
        run.add_argument("council", help="The council's slug, e.g. wigan; or 'platform'")
        run.add_argument("file", type=Path)
        run.add_argument("--idempotency-key", default="")
        run.add_argument("--no-progress", action="store_true")
        sub.add_parser("types", help="List the import types and their columns")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "types":
            for kind in sorted(IMPORT_TYPES.values(), key=lambda t: t.name):
                columns = ", ".join(f"{c.name}{'' if c.required else ' (optional)'}" for c in kind.columns)
                about = f"{kind.name} ({kind.scope}, {kind.file_format}): {kind.description}"
                self.stdout.write(f"{about}\n  columns: {columns}")
            return
        council = None if options["council"] == "platform" else council_by_slug(options["council"])
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror})") from exc
        self.stdout.write(
            import_file(
                options["import_type"],
                council,
                path.name,
                content,
                idempotency_key=options["idempotency_key"],
                no_progress=options["no_progress"],
            )
        )
