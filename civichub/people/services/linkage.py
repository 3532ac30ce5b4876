"""Full linkage runs: a background job with progress (django-tasks, like the kernel's import runner)
that reads every record (and what agreements share), trains a model or reuses the active one, scores
the blocked pairs, clusters them obeying the reviewers' decisions and the merges by hand, writes the
golden records, and sends the pairs between the council's thresholds to review.

Linking one record on arrival is `civichub.people.arrivals` (called by the loads in `records`).
"""

from __future__ import annotations

import uuid
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.importing import Progress
from civichub.core.jobs import Job, progress_of
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.people import arrivals, bulk, frames, golden, keys, persons
from civichub.people.arrivals import link_arrivals
from civichub.people.engine import engine
from civichub.people.linkage.columns import COLUMNS
from civichub.people.models import (
    LinkageModel,
    LinkageRun,
    Merge,
    Person,
    ReviewPair,
    SourceRecord,
    TermFrequency,
)
from civichub.people.thresholds import thresholds_of

if TYPE_CHECKING:  # pandas costs seconds to import: only the code that links pays it
    import pandas as pd

__all__ = ["execute_run", "link_arrivals", "run_now", "start_run"]


@transaction.atomic
def start_run(actor: Actor, council: Council, *, retrain: bool = False, queue: bool = True) -> LinkageRun:
    """Accept a full linkage run: its job waits for the worker (or, queue=False, for the caller)."""
    policy.require(actor, "people.linkage.run", council)
    job = Job.objects.create(
        council=council, kind="people:linkage", requested_by=actor.user, stage="Waiting to start"
    )
    run = LinkageRun.objects.create(council=council, job=job)
    audit.record(actor, "people.linkage.started", obj=run, council=council, data={"retrain": retrain})
    if queue:
        transaction.on_commit(lambda: run_linkage.enqueue(str(run.pk), retrain))
    return run


@task(queue_name="default")
def run_linkage(run_id: str, retrain: bool = False) -> None:
    """The background task (run by `civichub worker`) of an accepted linkage run."""
    execute_run(run_id, retrain=retrain)


def run_now(
    actor: Actor, council: Council, *, retrain: bool = False, progress: Progress | None = None
) -> LinkageRun:
    """Accept and run a full linkage at once, in this process (commands, the demo)."""
    run = start_run(actor, council, retrain=retrain, queue=False)
    return execute_run(str(run.pk), retrain=retrain, progress=progress)


def execute_run(run_id: str, *, retrain: bool = False, progress: Progress | None = None) -> LinkageRun:
    run = LinkageRun.unscoped.select_related("job", "council").get(pk=run_id)
    job, council = run.job, run.council
    if job.is_finished:
        return run
    actor = (
        Actor(user=job.requested_by, council=council)
        if job.requested_by
        else Actor.system("linkage", council)
    )
    report = progress_of(job)

    def both(stage: str, done: int, total: int) -> None:
        report(stage, done, total)
        if progress:
            progress(stage, done, total)

    Job.unscoped.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, started_at=timezone.now(), stage="Reading"
    )
    try:
        _link_everything(actor, council, run, retrain, both)
    except Exception as exc:
        Job.unscoped.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            stage="Failed",
            message=f"Nothing was changed: the run stopped ({type(exc).__name__}: {str(exc)[:300]})",
        )
        raise
    bulk.refresh_statistics()
    run.refresh_from_db()
    message = f"{run.records} records, {run.people} people, {run.in_review} pairs waiting for review"
    Job.unscoped.filter(pk=job.pk).update(
        status=Job.Status.SUCCEEDED, finished_at=timezone.now(), stage="Finished", message=message
    )
    return run


def _of_this_design(model: dict[str, Any]) -> bool:
    """Whether a stored model was trained on the engine's current comparisons and blocking rules; one
    of an older design is retrained, since its levels and keys are not the ones the engine now makes."""
    from civichub.people.linkage.settings import DESIGN_VERSION  # the engine: loaded for the run anyway

    return str(model.get("civichub_model_version", "")).startswith(f"{DESIGN_VERSION}-")


def _model(actor: Actor, council: Council, frame: pd.DataFrame, retrain: bool) -> LinkageModel:
    current = arrivals.active_model(council)
    if current is not None and not retrain and _of_this_design(current.model):
        return current
    trained = engine().train(frame)
    tf = engine().term_frequencies(frame)
    with transaction.atomic():
        version = (current.version if current else 0) + 1
        last = LinkageModel.objects.for_council(council).order_by("-version").first()
        version = max(version, (last.version + 1) if last else 1)
        LinkageModel.objects.for_council(council).filter(active=True).update(active=False)
        made = LinkageModel.objects.create(
            council=council,
            version=version,
            model=trained,
            trained_at=timezone.now(),
            records_trained_on=len(frame),
            active=True,
        )
        TermFrequency.objects.for_council(council).delete()
        bulk.insert_rows(
            TermFrequency,
            (
                (council.pk, column[:40], str(value)[:300], float(share))
                for column, values in tf.items()
                for value, share in values.items()
            ),
            ["council", "column", "value", "frequency"],
        )
        audit.record(
            actor,
            "people.model.trained",
            obj=made,
            council=council,
            data={"version": version, "records": len(frame)},
        )
    arrivals.forget_term_frequencies()
    return made


def _decisions(
    council: Council, uid_of: dict[Any, str]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(must-link, cannot-link) pairs of unique ids: accepted and rejected reviews, and live merges."""
    must: list[tuple[str, str]] = []
    cannot: list[tuple[str, str]] = []
    decided = ReviewPair.objects.for_council(council).exclude(status=ReviewPair.Status.PENDING)
    for a, b, status in decided.values_list("record_a_id", "record_b_id", "status"):
        if a in uid_of and b in uid_of:
            (must if status == ReviewPair.Status.ACCEPTED else cannot).append((uid_of[a], uid_of[b]))
    for merge in Merge.objects.for_council(council).filter(undone_at__isnull=True).order_by("created_at"):
        together = [uid_of[pk] for pk in map(bulk.as_uuid, merge.after.get("records", {})) if pk in uid_of]
        must.extend(pairwise(together))
    return must, cannot


def _link_everything(
    actor: Actor, council: Council, run: LinkageRun, retrain: bool, progress: Progress
) -> None:
    import pandas as pd

    progress("Reading records", 0, 1)
    frame = frames.linkage_frame(council)
    own = frame[~frame["source_system"].fillna("").str.contains("/", regex=False)]
    uid_of = {
        bulk.as_uuid(pk): f"{s}:{i}"
        for pk, s, i in own[["pk", "source_system", "record_id"]].itertuples(index=False)
    }
    pk_of = {uid: pk for pk, uid in uid_of.items()}
    own_records = len(own)
    # Cleaned once, for the keys, the training and the scoring alike.
    prepared = engine().prepare(frame[list(COLUMNS)])
    pks = frame["pk"].map(bulk.as_uuid).tolist()
    del frame, own
    progress("Reading records", 1, 1)
    waiting = keys.without_keys(council)
    rows = [n for n, pk in enumerate(pks) if pk in waiting]  # shared records' ids are never waiting
    progress("Storing blocking keys", 0, len(rows))
    found = keys.key_frame(prepared.iloc[rows]).itertuples(index=False, name=None)
    stored = bulk.reporting(found, lambda done: progress("Storing blocking keys", done, len(rows)))
    keys.write(council, (pks[n] for n in rows), stored)
    progress("Storing blocking keys", len(rows), len(rows))
    review_from, link_from = thresholds_of(council)
    pairs = pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability"])
    model: LinkageModel | None = None
    if len(prepared) >= 2:
        progress("Training the model", 0, 1)
        model = _model(actor, council, prepared, retrain)
        progress("Scoring pairs", 0, 1)
        pairs = engine().predict(prepared, model.model, threshold_match_weight=review_from)
        progress("Scoring pairs", 1, 1)
    del prepared
    must, cannot = _decisions(council, uid_of)
    scored = list(pairs[["unique_id_l", "unique_id_r", "match_weight"]].itertuples(index=False, name=None))
    own_pairs = [(a, b, float(w)) for a, b, w in scored if a in pk_of and b in pk_of]
    progress("Clustering", 0, 1)
    groups = golden.cluster(pk_of, own_pairs, link_from=link_from, must=must, cannot=cannot)
    with transaction.atomic():
        person_of = _write_people(council, groups, pk_of, progress)
        people = len(groups)
        in_review = _write_reviews(council, pairs, pk_of, review_from, link_from, model)
        _write_shared_matches(council, pairs, pk_of, link_from, person_of)
        LinkageRun.objects.for_council(council).filter(pk=run.pk).update(
            linkage_model=model,
            records=own_records,
            pairs=len(pairs),
            people=people,
            in_review=in_review,
            weight_histogram=golden.weight_histogram(float(w) for w in pairs["match_weight"]),
        )
        counts = {"records": own_records, "people": people, "in_review": in_review}
        version = model.version if model else 0
        audit.record(
            actor,
            "people.linkage.completed",
            obj=run,
            council=council,
            data={**counts, "model_version": version},
        )
        publish(
            "people.linkage.completed",
            council=council,
            subject=run,
            data={"run_id": str(run.pk), **counts, "model_version": version},
        )


def _write_people(
    council: Council, groups: list[list[str]], pk_of: dict[str, Any], progress: Progress
) -> dict[Any, Any]:
    """Give each cluster a golden record, keeping the one most of its records already had; the golden
    records left with none are retired. Returns each record's golden record now ({record id: person id})."""
    held = {
        bulk.as_uuid(pk): person and bulk.as_uuid(person)
        for pk, person in bulk.raw_rows(SourceRecord.objects.for_council(council).values_list("pk", "person"))
    }
    claimed: set[Any] = set()
    wanted: dict[int, Any] = {}
    for n, group in enumerate(groups):
        votes: dict[Any, int] = {}
        for uid in group:
            person = held.get(pk_of[uid])
            if person is not None:
                votes[person] = votes.get(person, 0) + 1
        for person, _ in sorted(votes.items(), key=lambda kv: (-kv[1], str(kv[0]))):
            if person not in claimed:
                claimed.add(person)
                wanted[n] = person
                break
    fresh: list[Any] = []
    moved: list[tuple[Any, Any]] = []
    person_of: dict[Any, Any] = {}
    for n, group in enumerate(groups):
        person = wanted.get(n)
        if person is None:
            person = uuid.uuid4()
            fresh.append(person)
        for uid in group:
            pk = pk_of[uid]
            person_of[pk] = person
            if held.get(pk) != person:
                moved.append((pk, person))
    progress("Writing golden records", 0, len(groups))
    # Each golden record written once, with its facts: the new ones inserted, the kept ones updated,
    # and the ones left with no records retired.
    facts = persons.facts_of(persons.records_by_person(council, person_of))
    persons.add_people(council, fresh, facts)
    progress("Writing golden records", len(fresh), len(groups))
    persons.update_facts(council, set(wanted.values()) | {p for p in held.values() if p}, facts)
    # The council's own records (pk_of was read through for_council): one short UPDATE per record.
    bulk.update_columns(SourceRecord, moved, ["person"])
    progress("Writing golden records", len(groups), len(groups))
    return person_of


def _write_reviews(
    council: Council,
    pairs: pd.DataFrame,
    pk_of: dict[str, Any],
    review_from: float,
    link_from: float,
    model: LinkageModel | None,
) -> int:
    """Pairs between the thresholds, of two of the council's records, go to review (again, if still
    undecided); a pending pair this run did not find is dropped. Returns how many wait."""
    held = {
        (a, b): status
        for a, b, status in ReviewPair.objects.for_council(council).values_list(
            "record_a_id", "record_b_id", "status"
        )
    }
    wanted: dict[tuple[Any, Any], dict[str, Any]] = {}
    if model is not None and len(pairs):
        between = pairs[(pairs["match_weight"] >= review_from) & (pairs["match_weight"] < link_from)]
        for row in between.to_dict("records"):
            a, b = row["unique_id_l"], row["unique_id_r"]
            if a not in pk_of or b not in pk_of:
                continue
            first, second = sorted((pk_of[a], pk_of[b]), key=str)
            wanted[(first, second)] = row
    pending = ReviewPair.objects.for_council(council).filter(status=ReviewPair.Status.PENDING)
    stale = [k for k, s in held.items() if s == ReviewPair.Status.PENDING and k not in wanted]
    for start in range(0, len(stale), 500):
        for a, b in stale[start : start + 500]:
            pending.filter(record_a_id=a, record_b_id=b).delete()
    new = [
        ReviewPair(
            council=council,
            record_a_id=a,
            record_b_id=b,
            match_weight=float(row["match_weight"]),
            match_probability=float(row["match_probability"]),
            reasons=arrivals.reasons_of(row, model.model) if model else [],
        )
        for (a, b), row in wanted.items()
        if (a, b) not in held
    ]
    ReviewPair.objects.bulk_create(new, batch_size=2000)
    return ReviewPair.objects.for_council(council).filter(status=ReviewPair.Status.PENDING).count()


def _write_shared_matches(
    council: Council, pairs: pd.DataFrame, pk_of: dict[str, Any], link_from: float, person_of: dict[Any, Any]
) -> None:
    """Each golden record's matches among records other councils share: their identifiers only."""
    found: dict[Any, list[dict[str, Any]]] = {}
    if len(pairs):
        # Only a shared record's unique id names its council ('sunderland/council-tax:1').
        strong = pairs[pairs["match_weight"] >= link_from]
        crossing = strong[
            strong["unique_id_l"].str.contains("/", regex=False)
            != strong["unique_id_r"].str.contains("/", regex=False)
        ]
        for row in crossing.to_dict("records"):
            a, b = row["unique_id_l"], row["unique_id_r"]
            own, other = (a, b) if a in pk_of else (b, a)
            council_slug, _, rest = other.partition("/")
            system, _, record_id = rest.partition(":")
            found.setdefault(person_of[pk_of[own]], []).append(
                {
                    "council": council_slug,
                    "source_system": system,
                    "record_id": record_id,
                    "match_probability": round(float(row["match_probability"]), 4),
                }
            )
    people = Person.objects.for_council(council)
    people.exclude(shared_matches=[]).exclude(pk__in=list(found)).update(shared_matches=[])
    for person, matches in found.items():
        people.filter(pk=person).update(shared_matches=matches)
