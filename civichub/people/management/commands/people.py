"""`civichub people …`: record linkage from the command line, for batch use and for checking accuracy.

civichub people link IN.csv OUT.csv                   # no database: load, train, predict, cluster
civichub people link IN.csv OUT.csv --council wigan   # into the council's records and golden records
civichub people run wigan [--retrain]                 # a full linkage run of what the council holds

`link` reads the import's columns and writes `record_id,person_id` for every input row. Without
--council it touches no database at all (not even a scratch one): the file is checked by the import's
own checks and linked by the same engine calls and the same clustering (`golden.cluster`, at the
default thresholds) as a council's run, so its answer is what a council with no earlier decisions
would get; a scratch database would only add the time of migrations and writes. With --council the file
goes through the kernel's import pipeline into that council's records and a full run links them.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from civichub.core.actors import Actor
from civichub.core.errors import Refused
from civichub.core.importing import ErrorCollector, ImportRejected, parse_csv
from civichub.core.importing.runner import run_now
from civichub.core.selectors import council_by_slug
from civichub.people import golden, imports
from civichub.people.engine import engine
from civichub.people.frames import engine_row
from civichub.people.linkage.columns import COLUMNS
from civichub.people.services import linkage
from civichub.people.thresholds import DEFAULT_LINK_FROM, DEFAULT_REVIEW_FROM


class Command(BaseCommand):
    help = "People: link a file of source records (no database, or a council's), or run a council's linkage."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        link = sub.add_parser("link", help="Link IN.csv and write record_id,person_id to OUT.csv")
        link.add_argument("input", type=Path)
        link.add_argument("output", type=Path)
        link.add_argument("--council", default="", help="Load into this council and run its linkage")
        run = sub.add_parser("run", help="A full linkage run of a council's records, here and now")
        run.add_argument("council")
        run.add_argument("--retrain", action="store_true", help="Train a new model first")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            if action == "run":
                council = self._council(options["council"])
                done = linkage.run_now(
                    Actor.system("people run", council), council, retrain=options["retrain"]
                )
                self.stdout.write(self.style.SUCCESS(done.job.message or "Finished"))
                return
            self._link(options["input"], options["output"], options["council"])
        except ImportRejected as exc:
            raise CommandError(str(exc)) from exc
        except Refused as exc:
            raise CommandError(exc.detail) from exc

    def _council(self, slug: str) -> Any:
        try:
            return council_by_slug(slug)
        except Exception as exc:
            raise CommandError(f"No council has the address '{slug}'") from exc

    def _link(self, source: Path, target: Path, council_slug: str) -> None:
        if not source.is_file():
            raise CommandError(f"{source} is not a file")
        raw = source.read_bytes()
        rows = parse_csv(
            raw, source.name, encoding="utf-8-sig", required=[c.name for c in imports.COLUMNS if c.required]
        )
        errors = ErrorCollector(source.name)
        checked = imports.check(None, rows, errors)
        errors.raise_if_any()
        if council_slug:
            people = self._into_council(council_slug, source, raw)
        else:
            people = self._without_database(checked)
        with target.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["record_id", "person_id"])
            for values in checked:
                writer.writerow(
                    [values["record_id"], people[f"{values['source_system']}:{values['record_id']}"]]
                )
        found = len(set(people.values()))
        self.stdout.write(self.style.SUCCESS(f"{len(checked)} records, {found} people: written to {target}"))

    def _into_council(self, slug: str, source: Path, raw: bytes) -> dict[str, str]:
        council = self._council(slug)
        actor = Actor.system("people link", council)
        run_now(actor, council, "people", file_name=source.name, content=raw)
        linkage.run_now(actor, council)
        from civichub.people.selectors import person_references

        return person_references(council)

    def _without_database(self, checked: list[dict[str, object]]) -> dict[str, str]:
        import pandas as pd

        frame = pd.DataFrame([engine_row(v) for v in checked], columns=COLUMNS)
        uids = [f"{v['source_system']}:{v['record_id']}" for v in checked]
        pairs = []
        if len(frame) >= 2:
            model = engine().train(frame)
            scored = engine().predict(frame, model, threshold_match_weight=DEFAULT_REVIEW_FROM)
            pairs = [
                (a, b, float(w))
                for a, b, w in scored[["unique_id_l", "unique_id_r", "match_weight"]].itertuples(
                    index=False, name=None
                )
            ]
        groups = golden.cluster(uids, pairs, link_from=DEFAULT_LINK_FROM)
        # Numbered in the order each person first appears in the file, so the output reads top down.
        order = {uid: n for n, uid in enumerate(uids)}
        groups.sort(key=lambda g: min(order[u] for u in g))
        return {uid: f"P-{n:06d}" for n, group in enumerate(groups, start=1) for uid in group}
