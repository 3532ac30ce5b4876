from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.management.progress import ProgressBar
from civichub.places import services, sources


class Command(BaseCommand):
    help = (
        "Import the geography through the platform's import pipeline: local authorities, LSOAs with "
        "deprivation and population, postcodes (NSPL) and ward names."
    )

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
        if action == "import-local-authorities":
            files = [("local_authorities", options["file"] or sources.local_authorities_file())]
        elif action == "import-deprivation":
            files = [
                ("lsoa_deprivation", options["domains_file"] or sources.deprivation_domains_file()),
                ("lsoa_population", options["population_file"] or sources.population_file()),
            ]
        elif action == "import-ward-names":
            files = [("ward_names", options["file"] or sources.ward_names_file())]
        else:
            paths = [sources.postcode_file(a) for a in options["areas"]] + options["file"]
            if not paths:
                raise CommandError("Name postcode areas (e.g. WN SR) or give --file")
            files = [("postcodes", path) for path in paths]
        actor = Actor.system(f"places {action}")
        with ProgressBar(enabled=not options["no_progress"]) as progress:
            try:
                runs = [services.import_reference(actor, kind, path, progress) for kind, path in files]
            except Refused as exc:
                raise CommandError(exc.detail) from exc
        for run in runs:
            notes = f" ({'; '.join(run.notes)})" if run.notes else ""
            self.stdout.write(self.style.SUCCESS(f"{run.file_name}: {run.job.message}{notes}"))
