from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from civichub.core.management.progress import ProgressBar
from civichub.demo import bids_and_grants, needs_and_funding
from civichub.demo import commissioning as commissioning_demo
from civichub.demo import councils as demo
from civichub.demo import directory as directory_demo
from civichub.demo import market as market_demo
from civichub.demo import people as people_demo
from civichub.demo import records as records_demo


class Command(BaseCommand):
    help = (
        "Load the demo: three councils on real geography, synthetic providers and markets, a user per role."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        with ProgressBar(enabled=not options["no_progress"]) as progress:
            for line in demo.load_geography(progress):
                self.stdout.write(line)
        users = demo.load_people_and_providers()
        self.stdout.write(f"Directory: {directory_demo.load()} services added")
        self.stdout.write(f"Markets: {market_demo.load()} offers added")
        self.stdout.write(f"Funding: {needs_and_funding.load()} opportunities added (and needs indicators)")
        self.stdout.write(f"Bids: {bids_and_grants.load()} bids added (and saved needs, council grants)")
        self.stdout.write(f"Records: {records_demo.load()} documents added")
        self.stdout.write(
            f"Commissioning: {commissioning_demo.load()} contracts made (with budgets on the ledger)"
        )
        self.stdout.write(f"People: {people_demo.load()} source records added and linked")
        self.stdout.write(self.style.SUCCESS(f"\nDemo users (password for all: {demo.DEMO_PASSWORD})"))
        for u in users:
            self.stdout.write(f"  {u.username:<34} {u.role:<24} {u.council}")
