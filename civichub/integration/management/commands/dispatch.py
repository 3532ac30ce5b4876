from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from civichub.integration import dispatcher


class Command(BaseCommand):
    help = "Deliver domain events to webhook endpoints until stopped (Ctrl-C or SIGTERM stop it cleanly)."
    # A worker process, like gunicorn's: the system checks run in `make lint` and at deploy
    # (`check --deploy`), not on every start, where they cost a restarted dispatcher half a second.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=32, help="HTTP requests in flight at once")
        parser.add_argument("--until-idle", action="store_true", help="Stop when nothing is left to send")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write(f"Dispatching webhooks with {options['workers']} workers")
        dispatcher.run(workers=options["workers"], stop=stop, until_idle=options["until_idle"])
