"""Linkage in the database: a full run makes golden records (people, not records, are counted), pairs
between the thresholds wait for review, decisions survive a re-run, a record arriving is linked without
a run, and merge then unmerge restores exactly what was there."""

from __future__ import annotations

import itertools
from collections import defaultdict
from typing import Any

import pytest

from civichub.core.actors import Actor
from civichub.core.errors import Conflict
from civichub.core.importing.runner import run_now
from civichub.core.models import AuditEntry, Role
from civichub.people import samples, selectors
from civichub.people.linkage.settings import DESIGN_VERSION
from civichub.people.models import LinkageModel, Merge, Person, ReviewPair, SourceRecord
from civichub.people.services import linkage, merging, records, review


def load(actor, council, rows, name="people.csv") -> None:
    run_now(actor, council, "people", file_name=name, content=samples.as_csv(rows))


def people_of(council) -> dict[str, object]:
    return {r.unique_id: r.person_id for r in SourceRecord.objects.for_council(council)}


def pairwise_f1(found: dict[str, object], truth: dict[str, int]) -> float:
    def pairs(groups: dict[Any, list[str]]) -> set[frozenset[str]]:
        return {frozenset(p) for g in groups.values() for p in itertools.combinations(sorted(g), 2)}

    by_found, by_truth = defaultdict(list), defaultdict(list)
    for uid, person in found.items():
        by_found[person].append(uid)
        by_truth[truth[uid]].append(uid)
    got, want = pairs(by_found), pairs(by_truth)
    precision = len(got & want) / len(got) if got else 0.0
    recall = len(got & want) / len(want) if want else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@pytest.fixture
def linked(wigan, actor, sample):
    rows, truth = sample
    load(actor, wigan, rows)
    run = linkage.run_now(actor, wigan)
    return run, truth


def test_a_full_run_resolves_records_to_people(wigan, actor, linked) -> None:
    run, truth = linked
    assert run.job.status == "succeeded", run.job.message
    found = people_of(wigan)
    assert all(found.values()), "every record has a golden record"
    assert pairwise_f1(found, truth) >= 0.9
    people = Person.objects.for_council(wigan).filter(status=Person.Status.ACTIVE)
    assert people.count() == len(set(found.values())) == run.people
    # Counts are of people: a person in two systems is one in their ward, one in each system.
    by_ward = selectors.counts(actor, wigan, "ward")
    assert sum(c.people or 0 for c in by_ward) == people.count()
    by_system = {c.key: c.people for c in selectors.counts(actor, wigan, "source_system")}
    assert by_system["council-tax"] == len({found[u] for u in found if u.startswith("council-tax:")})
    # Each golden record is placed by its postcode.
    assert all(p.ward_code and p.lsoa_code for p in people)


def test_small_counts_are_suppressed_outside_the_officers(wigan, actor, linked, make_user) -> None:
    councillor = Actor(user=make_user(Role.COUNCILLOR, wigan), council=wigan)
    seen = selectors.counts(councillor, wigan, "ward")
    assert seen and all(c.people is None or c.people >= 10 for c in seen)
    assert any(c.people is None for c in seen)
    assert all(c.people is not None for c in selectors.counts(actor, wigan, "ward"))


def test_review_decisions_are_kept_and_later_runs_respect_them(wigan, actor, linked) -> None:
    _, truth = linked
    # Everything from weight 0 up goes to review and nothing links, so each pair waits for a reviewer.
    review.set_thresholds(actor, wigan, review_from=0.0, link_from=59.0)
    again = linkage.run_now(actor, wigan)
    assert again.in_review > 2 and again.people == SourceRecord.objects.for_council(wigan).count()
    pending = list(selectors.review_queue(wigan))
    same = [p for p in pending if truth[p.record_a.unique_id] == truth[p.record_b.unique_id]]
    accepted, rejected = same[0], same[1]
    review.decide(actor, wigan, accepted.pk, same_person=True)
    review.decide(actor, wigan, rejected.pk, same_person=False)
    with pytest.raises(Conflict):
        review.decide(actor, wigan, accepted.pk, same_person=False)
    # Back to thresholds that link: the rejected pair (truly one person) stays apart, however strong.
    review.set_thresholds(actor, wigan, review_from=2.0, link_from=8.0)
    for retrain in (False, True):
        linkage.run_now(actor, wigan, retrain=retrain)
        found = people_of(wigan)
        assert found[accepted.record_a.unique_id] == found[accepted.record_b.unique_id]
        assert found[rejected.record_a.unique_id] != found[rejected.record_b.unique_id]
        kept = ReviewPair.objects.for_council(wigan).get(pk=rejected.pk)
        assert kept.status == ReviewPair.Status.REJECTED


def test_a_model_of_an_older_design_is_retrained(wigan, actor, linked) -> None:
    stored = LinkageModel.objects.for_council(wigan).get(active=True)
    older = {**stored.model, "civichub_model_version": "0-000000000000"}
    LinkageModel.objects.for_council(wigan).filter(pk=stored.pk).update(model=older)
    linkage.run_now(actor, wigan)
    now = LinkageModel.objects.for_council(wigan).get(active=True)
    assert now.version == stored.version + 1
    assert now.model["civichub_model_version"].startswith(f"{DESIGN_VERSION}-")


def test_a_record_arriving_is_linked_without_a_run(wigan, actor, linked, sample) -> None:
    rows, _ = sample
    known = dict(rows[0], source_system="benefits", record_id="BN-1", nhs_number="", service="")
    made = records.load_one(actor, wigan, known)
    existing = SourceRecord.objects.for_council(wigan).get(
        source_system=rows[0]["source_system"], record_id=rows[0]["record_id"]
    )
    assert made.person_id == existing.person_id
    stranger = {
        "record_id": "BN-2",
        "source_system": "benefits",
        "first_name": "Zebedee",
        "surname": "Quixote",
        "date_of_birth": "1901-01-01",
    }
    new = records.load_one(actor, wigan, stranger)
    assert new.person_id is not None and new.person_id != made.person_id
    assert SourceRecord.objects.for_council(wigan).filter(person_id=new.person_id).count() == 1


def snapshot(council) -> tuple[list[dict], list[dict]]:
    people = list(Person.objects.for_council(council).order_by("pk").values())
    held = list(SourceRecord.objects.for_council(council).order_by("pk").values())
    return people, held


def test_merge_then_unmerge_restores_the_exact_state(wigan, actor, linked) -> None:
    first, second, third = Person.objects.for_council(wigan).filter(status="active").order_by("reference")[:3]
    before = snapshot(wigan)
    made = merging.merge(
        actor, wigan, [first.pk, second.pk, third.pk], reason="Same person: confirmed by phone"
    )
    moved = SourceRecord.objects.for_council(wigan).filter(person=first).count()
    assert moved >= 3
    assert Person.objects.for_council(wigan).get(pk=second.pk).status == Person.Status.MERGED
    assert snapshot(wigan) != before
    merging.unmerge(actor, wigan, made.pk)
    assert snapshot(wigan) == before
    actions = list(AuditEntry.objects.filter(object_id=str(made.pk)).values_list("action", flat=True))
    assert actions == ["people.person.merged", "people.person.unmerged"]
    with pytest.raises(Conflict):
        merging.unmerge(actor, wigan, made.pk)


def test_a_merge_survives_a_run_and_cannot_be_undone_once_things_moved(wigan, actor, linked) -> None:
    first, second = Person.objects.for_council(wigan).filter(status="active").order_by("reference")[:2]
    ids = list(
        SourceRecord.objects.for_council(wigan)
        .filter(person__in=[first, second])
        .values_list("pk", flat=True)
    )
    made = merging.merge(actor, wigan, [first.pk, second.pk], reason="One person, two council tax accounts")
    linkage.run_now(actor, wigan)
    assert (
        len(
            set(
                SourceRecord.objects.for_council(wigan).filter(pk__in=ids).values_list("person_id", flat=True)
            )
        )
        == 1
    )
    extra = records.load_one(
        actor, wigan, {"record_id": "X-1", "source_system": "benefits", "first_name": "Someone"}
    )
    SourceRecord.objects.for_council(wigan).filter(pk=extra.pk).update(person=first)
    with pytest.raises(Conflict):
        merging.unmerge(actor, wigan, made.pk)
    assert Merge.objects.for_council(wigan).get(pk=made.pk).undone_at is None


def test_the_subject_access_export_holds_everything_and_is_audited(wigan, actor, linked, make_user) -> None:
    person = Person.objects.for_council(wigan).filter(status="active").order_by("reference").first()
    officer = Actor(user=make_user(Role.RECORDS_MANAGER, wigan), council=wigan)
    export = selectors.sar(officer, wigan, person.pk, "SAR-2026-0001 from the person")
    held = SourceRecord.objects.for_council(wigan).filter(person=person)
    assert {(r["source_system"], r["record_id"]) for r in export["source_records"]} == {
        (r.source_system, r.record_id) for r in held
    }
    assert export["golden_record"]["reference"] == person.reference
    entry = AuditEntry.objects.filter(action="people.sar.produced", object_id=str(person.pk)).get()
    assert entry.purpose == "SAR-2026-0001 from the person"
    with pytest.raises(Exception, match="permission"):
        selectors.sar(
            Actor(user=make_user(Role.COUNCILLOR, wigan), council=wigan), wigan, person.pk, "curious"
        )


def test_reading_a_persons_records_is_audited_with_its_purpose(wigan, actor, linked) -> None:
    person = Person.objects.for_council(wigan).filter(status="active").first()
    with pytest.raises(Exception, match="purpose"):
        selectors.person(actor, wigan, person.pk, "")
    found = selectors.person(actor, wigan, person.pk, "Planning a care review")
    assert found.records
    assert AuditEntry.objects.filter(
        action="people.person.read", object_id=str(person.pk), purpose="Planning a care review"
    ).exists()
