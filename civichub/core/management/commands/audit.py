from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civichub.core import audit, audit_export
from civichub.core.actors import Actor
from civichub.core.errors import Refused


class Command(BaseCommand):
    help = (
        "The audit log's hash chain: `civichub audit verify` names the first broken link; "
        "`civichub audit export DEST.jsonl[.gz]` copies the log with its chain to cold storage, and "
        "`civichub audit verify-export FILE` checks such a copy without the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Verify every entry of the audit log")
        export = sub.add_parser("export", help="Write the entries with their chain as JSON Lines")
        export.add_argument("dest", type=Path)
        export.add_argument("--from-seq", type=int, default=1, help="The first entry to write (default 1)")
        check = sub.add_parser("verify-export", help="Verify the chain of an export (needs the audit key)")
        check.add_argument("file", type=Path)

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "export":
            self._export(options["dest"], options["from_seq"])
            return
        if action == "verify-export":
            if not options["file"].exists():
                raise CommandError(f"No file {options['file']}")
            result = audit_export.verify_export(options["file"])
            what = f"Export {options['file']}"
        else:
            result = audit.verify()
            what = "Audit log"
        if not result.intact:
            raise CommandError(
                f"{what} BROKEN at entry {result.broken_at}: {result.reason} "
                f"({result.entries} entries before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"{what} intact: {result.entries} entries."))

    def _export(self, dest: Path, from_seq: int) -> None:
        try:
            done = audit_export.export(Actor.system("audit export"), dest, from_seq=from_seq)
        except Refused as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Exported {done.entries} entries (seq {done.first_seq} to {done.last_seq}) to {dest}; "
                f"last hash {done.last_hash}; file SHA-256 {done.sha256}."
            )
        )
