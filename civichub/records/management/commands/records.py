"""`civichub records …`: the retention schedule, disposal runs and policy reminders from the command line.

civichub records seed-schedule wigan
civichub records dispose propose wigan --as wigan.records-manager [--due-by 2026-03-31]
civichub records dispose approve wigan DR-2026-001 --as wigan.commissioner [--at 2026-12-01T02:00]
civichub records dispose run wigan DR-2026-001      # an approved run that was scheduled for later
civichub records remind-reviews
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.models import Council, User
from civichub.core.selectors import council_by_slug, councils
from civichub.records import selectors
from civichub.records.services import disposal, documents, retention


class Command(BaseCommand):
    help = "Records: seed the retention schedule, propose/approve/run disposal, remind policy reviews."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        seed = sub.add_parser("seed-schedule", help="Give a council the common local-authority schedule")
        seed.add_argument("council")
        dispose = sub.add_parser("dispose", help="Disposal runs: propose, approve (a second person), run")
        dispose.add_argument("step", choices=["propose", "approve", "run"])
        dispose.add_argument("council")
        dispose.add_argument("reference", nargs="?", default="")
        dispose.add_argument("--as", dest="username", default="", help="Whose authority (a username)")
        dispose.add_argument("--due-by", default="", help="propose: records due by this date (today)")
        dispose.add_argument("--at", default="", help="approve: run then (ISO date and time), not now")
        sub.add_parser("remind-reviews", help="Tell owners of policies due for review within 30 days")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "seed-schedule":
                council = self._council(options["council"])
                added = retention.seed_schedule(Actor.system("records seed-schedule", council), council)
                self.stdout.write(self.style.SUCCESS(f"{added} record classes added to {council.short_name}"))
            elif action == "remind-reviews":
                sent = sum(documents.remind_reviews(Actor.system("policy reviews", c), c) for c in councils())
                self.stdout.write(self.style.SUCCESS(f"{sent} policy review reminder(s) sent"))
            else:
                self._dispose(**options)
        except Refused as exc:
            raise CommandError(exc.detail) from exc

    def _council(self, slug: str) -> Council:
        try:
            return council_by_slug(slug)
        except Exception as exc:
            raise CommandError(f"No council has the address '{slug}'") from exc

    def _actor(self, username: str, council: Council) -> Actor:
        user = User.objects.filter(username=username).first() if username else None
        if user is None:
            raise CommandError("Say whose authority this is with --as <username>: it goes on the certificate")
        return Actor(user=user, council=council)

    def _dispose(
        self, step: str, council: str, reference: str, username: str, due_by: str, at: str, **_: Any
    ) -> None:
        found = self._council(council)
        if step == "propose":
            run = disposal.propose_disposal(self._actor(username, found), found, due_by=due_by or None)
            self.stdout.write(
                self.style.SUCCESS(
                    f"{run.reference} proposed: {selectors.disposal_items(run).count()} records"
                )
            )
            return
        chosen = (
            selectors.disposal_runs(Actor.system("records dispose", found), found)
            .filter(reference=reference)
            .first()
        )
        if chosen is None:
            raise CommandError(f"{found.short_name} has no disposal run {reference!r}")
        if step == "approve":
            when = None
            if at:
                try:
                    when = (
                        timezone.make_aware(datetime.fromisoformat(at))
                        if "+" not in at
                        else datetime.fromisoformat(at)
                    )
                except ValueError as exc:
                    raise CommandError("--at takes an ISO date and time, like 2026-12-01T02:00") from exc
            run = disposal.approve_disposal(self._actor(username, found), chosen, at=when)
        else:
            actor = self._actor(username, found) if username else Actor.system("records dispose", found)
            run = disposal.execute_disposal(actor, chosen)
        self.stdout.write(
            self.style.SUCCESS(
                f"{run.reference}: {run.get_status_display()}; "
                f"{run.destroyed} destroyed, {run.skipped} skipped"
            )
        )
        for item in selectors.disposal_items(run).filter(outcome="skipped"):
            self.stdout.write(f"  skipped {item.title}: {item.skip_reason}")
