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
        "Back up the running platform (its database and stored files, with a manifest of hashes) into a "
        "new folder: civichub backup DEST_DIR"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", type=Path, help="A new or empty folder for the backup")

    def handle(self, *args: Any, dest: Path, **options: Any) -> None:
        started = time.monotonic()
        try:
            taken = services.take_backup(Actor.system("backup"), dest)
        except Refused as exc:
            raise CommandError(exc.detail) from exc
        except DatabaseToolFailed as exc:
            raise CommandError(f"{exc} Nothing usable was written: {dest} has no manifest.") from exc
        manifest = taken.manifest
        stored = len(manifest.stored_files)
        size = sum(f.size for f in manifest.files)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {manifest.vendor} database and {stored} stored file(s), {size:,} bytes, "
                f"to {dest} in {time.monotonic() - started:.1f} s."
            )
        )
        self.stdout.write(
            f"Manifest SHA-256 {taken.manifest_sha256}, recorded in audit entry {taken.audit_seq}; the "
            f"backup holds the audit log up to at least entry {manifest.audit_head.seq}."
        )
