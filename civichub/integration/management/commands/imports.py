from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civichub.core.actors import Actor
from civichub.core.importing import RowError
from civichub.core.management.progress import ProgressBar
from civichub.core.selectors import council_by_slug
from civichub.integration import services
from civichub.integration.imports import IMPORT_TYPES


class Command(BaseCommand):
    help = (
        "Import a CSV file for a council now, with a progress bar (civichub imports run TYPE COUNCIL FILE)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Check and import a file (all or nothing)")
        run.add_argument("import_type", choices=sorted(IMPORT_TYPES))
        run.add_argument("council", help="The council's slug, e.g. wigan")
        run.add_argument("file", type=Path)
        run.add_argument("--idempotency-key", default="")
        run.add_argument("--no-progress", action="store_true")
        sub.add_parser("types", help="List the import types and their columns")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "types":
            for kind in IMPORT_TYPES.values():
                columns = ", ".join(f"{c.name}{'' if c.required else ' (optional)'}" for c in kind.columns)
                self.stdout.write(f"{kind.name}: {kind.description}\n  columns: {columns}")
            return
        council = council_by_slug(options["council"])
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror})") from exc
        actor = Actor.system("imports run", council)
        try:
            run, is_new = services.start_import(
                actor,
                council,
                options["import_type"],
                file_name=path.name,
                content=content,
                idempotency_key=options["idempotency_key"],
                queue=False,
            )
        except services.ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        if not is_new:
            self.stdout.write(
                f"Already imported on {run.created_at:%Y-%m-%d %H:%M} ({run.job.message}): nothing done"
            )
            return
        with ProgressBar(enabled=not options["no_progress"]) as progress:
            run = services.execute_import(str(run.pk), progress)
        if run.errors:
            problems = "\n".join(
                f"  - {RowError(run.file_name, e['line'], e['field'], e['message'])}" for e in run.errors[:20]
            )
            raise CommandError(f"{run.job.message}:\n{problems}")
        self.stdout.write(self.style.SUCCESS(f"Imported {path.name}: {run.job.message}"))
