from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civichub.core.actors import Actor
from civichub.core.importing import ImportRejected
from civichub.core.management.progress import ProgressBar
from civichub.places import services, sources


class Command(BaseCommand):
    help = "Import the geography: local authorities, LSOAs with deprivation, postcodes (NSPL) and ward names."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        la = sub.add_parser("import-local-authorities", help="The UK local authority register")
        la.add_argument("--file", type=Path)
        imd = sub.add_parser("import-deprivation", help="Every LSOA in England with IoD 2019 and population")
        imd.add_argument("--domains-file", type=Path)
        imd.add_argument("--population-file", type=Path)
        pc = sub.add_parser(
            "import-postcodes", help="NSPL postcodes for postcode areas (e.g. WN SR) or a file"
        )
        pc.add_argument("areas", nargs="*", help="Postcode areas held in the shared data, e.g. WN SR")
        pc.add_argument(
            "--file", type=Path, action="append", default=[], help="An NSPL CSV (.csv or .csv.gz)"
        )
        wn = sub.add_parser(
            "import-ward-names",
            help="Names of the wards we hold, from the ONS ward lookup (run after import-postcodes)",
        )
        wn.add_argument("--file", type=Path, help="The ONS Ward to LAD lookup CSV (.csv or .csv.gz)")
        for p in (la, imd, pc, wn):
            p.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        actor = Actor.system(f"places {action}")
        with ProgressBar(enabled=not options["no_progress"]) as progress:
            try:
                if action == "import-local-authorities":
                    summaries = [services.import_local_authorities(actor, options["file"], progress)]
                elif action == "import-deprivation":
                    summaries = [
                        services.import_deprivation(
                            actor, options["domains_file"], options["population_file"], progress
                        )
                    ]
                elif action == "import-ward-names":
                    summaries = [services.import_ward_names(actor, options["file"], progress)]
                else:
                    files = [sources.postcode_file(a) for a in options["areas"]] + options["file"]
                    if not files:
                        raise CommandError("Name postcode areas (e.g. WN SR) or give --file")
                    summaries = [services.import_postcodes(actor, f, progress) for f in files]
            except ImportRejected as exc:
                raise CommandError(str(exc)) from exc
        for summary in summaries:
            notes = f" ({'; '.join(summary.notes)})" if summary.notes else ""
            self.stdout.write(self.style.SUCCESS(f"{summary}{notes}"))
