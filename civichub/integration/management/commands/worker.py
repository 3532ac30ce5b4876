from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Run background tasks (imports and other long jobs) from the database queue: civichub worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Stop when the queue is empty")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_args = ["--queue-name", "*"]
        if options["batch"]:
            worker_args.append("--batch")
        call_command("db_worker", *worker_args)
