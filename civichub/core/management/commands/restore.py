from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civichub.core.actors import Actor
from civichub.core.backup import services
from civichub.core.backup.database import DatabaseToolFailed
from civichub.core.errors import Refused


class Command(BaseCommand):
    help = (
        "Restore a backup made by `civichub backup` into an empty database and an empty file storage, "
        "then verify its audit log: civichub restore SRC_DIR"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("src", type=Path, help="The folder `civichub backup` wrote")

    def handle(self, *args: Any, src: Path, **options: Any) -> None:
        started = time.monotonic()
        try:
            restored = services.restore_backup(Actor.system("restore"), src)
        except Refused as exc:
            details = [str(e) for e in exc.errors if str(e) != exc.detail]
            raise CommandError("\n  ".join([f"Refused: {exc.detail}", *details])) from exc
        except DatabaseToolFailed as exc:
            raise CommandError(f"{exc} The database was left as it was.") from exc
        manifest = restored.manifest
        self.stdout.write(
            f"Restored the {manifest.vendor} database and {len(manifest.stored_files)} stored file(s) "
            f"from {src} (taken {manifest.created_at} by civichub {manifest.civichub_version}) in "
            f"{time.monotonic() - started:.1f} s."
        )
        result = restored.verification
        if not result.intact:
            raise CommandError(
                f"Audit log BROKEN at entry {result.broken_at}: {result.reason} "
                f"({result.entries} entries before it are intact). Do not put this copy into service."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {result.entries} entries."))
        if restored.head_problem:
            raise CommandError(f"The restored copy is incomplete: {restored.head_problem}.")
        self.stdout.write(
            f"The audit log reaches the backup's head (entry {manifest.audit_head.seq}) and ends at entry "
            f"{restored.audit_seq}."
        )
        if restored.pending_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"{restored.pending_migrations} migration(s) are newer than the backup: run "
                    "`civichub migrate` before serving it."
                )
            )
