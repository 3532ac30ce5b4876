"""The people pages and API (review side by side with its decision, a person's records behind a purpose,
the SAR export, merges and their undo, quality, agreements), data-sharing agreements in the linkage
frame, and the batch command."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from civichub.core.actors import Actor
from civichub.core.models import AuditEntry, Role
from civichub.people import frames, samples
from civichub.people.models import Merge, ReviewPair, SourceRecord
from civichub.people.persons import new_people
from civichub.people.services import agreements, linkage, records


@pytest.fixture
def held(wigan, actor):
    """Three records, each its own golden record, and a pair of them waiting for review."""
    rows = [
        {
            "record_id": "H1",
            "source_system": "housing",
            "first_name": "Ann",
            "surname": "Lowe",
            "date_of_birth": "1950-03-07",
        },
        {
            "record_id": "C1",
            "source_system": "council-tax",
            "first_name": "Anne",
            "surname": "Lowe",
            "date_of_birth": "1950-03-07",
        },
        {"record_id": "C2", "source_system": "council-tax", "first_name": "Bob", "surname": "Marsden"},
    ]
    made = records.load_records(actor, wigan, rows).records or []
    for record, person in zip(made, new_people(wigan, 3), strict=True):
        record.person = person
        record.save(update_fields=["person"])
    pair = ReviewPair.objects.create(
        council=wigan,
        record_a=made[0],
        record_b=made[1],
        match_weight=5.5,
        match_probability=0.98,
        reasons=[{"comparison": "first_name", "level": "Nickname", "match_weight": 3.2}],
    )
    return made, pair


def test_a_reviewer_sees_both_records_and_decides(wigan, analyst, client_as, held) -> None:
    made, pair = held
    client = client_as(analyst)
    queue = client.get(reverse("people:review", kwargs={"council_slug": wigan.slug}))
    assert queue.status_code == 200 and b"Review pair 1" in queue.content
    url = reverse("people:pair", kwargs={"council_slug": wigan.slug, "pair_id": pair.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert b"Ann" in page.content and b"Anne" in page.content and b"Nickname" in page.content
    assert AuditEntry.objects.filter(action="people.pair.read", object_id=str(pair.pk)).exists()
    assert client.post(url, {}).status_code == 400  # no choice made
    assert client.post(url, {"decision": "same"}).status_code == 302
    pair.refresh_from_db()
    assert pair.status == "accepted" and pair.decided_by == analyst
    people = set(
        SourceRecord.objects.for_council(wigan)
        .filter(pk__in=[made[0].pk, made[1].pk])
        .values_list("person_id", flat=True)
    )
    assert len(people) == 1


def test_a_persons_records_need_a_purpose_and_the_sar_downloads(
    wigan, analyst, make_user, client_as, held
) -> None:
    made, _ = held
    client = client_as(analyst)
    url = reverse("people:person", kwargs={"council_slug": wigan.slug, "person_id": made[0].person_id})
    asked = client.get(url)
    assert asked.status_code == 200 and b"Ann" not in asked.content and b"purpose" in asked.content
    refused = client.get(url, {"purpose": "x"})
    assert refused.status_code == 400 and b'href="#purpose"' in refused.content
    shown = client.get(url, {"purpose": "Checking before a visit"})
    assert shown.status_code == 200 and b"Lowe" in shown.content
    manager = client_as(make_user(Role.RECORDS_MANAGER, wigan))
    sar = reverse("people:sar", kwargs={"council_slug": wigan.slug, "person_id": made[0].person_id})
    page = manager.get(sar, {"purpose": "SAR-2026-0042"})
    assert page.status_code == 200 and b"H1" in page.content
    download = manager.get(sar, {"purpose": "SAR-2026-0042", "format": "json"})
    assert json.loads(download.content)["source_records"][0]["record_id"] == "H1"
    assert AuditEntry.objects.filter(action="people.sar.produced", purpose="SAR-2026-0042").count() == 2


def test_merge_and_undo_through_the_pages(wigan, analyst, client_as, held) -> None:
    made, _ = held
    client = client_as(analyst)
    url = reverse("people:merges", kwargs={"council_slug": wigan.slug})
    refs = [r.person.reference for r in made[:2]]
    assert client.post(url, {"references": " ".join(refs), "reason": ""}).status_code == 400
    assert client.post(url, {"references": "P-999999 " + refs[0], "reason": "Same person"}).status_code == 400
    assert (
        client.post(url, {"references": " ".join(refs), "reason": "Same person, by phone"}).status_code == 302
    )
    merge = Merge.objects.for_council(wigan).get()
    undo = reverse("people:unmerge", kwargs={"council_slug": wigan.slug, "merge_id": merge.pk})
    assert client.post(undo).status_code == 302
    assert client.post(undo).status_code == 409


def test_the_api_loads_one_record_and_counts_people(wigan, analyst, client_as) -> None:
    client = client_as(analyst)
    base = f"/api/v1/c/{wigan.slug}/people"
    bad = client.post(
        f"{base}/records",
        {"record_id": "A", "source_system": "housing", "nhs_number": "123"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "nhs_number"
    good = client.post(
        f"{base}/records",
        {"record_id": "A", "source_system": "housing", "postcode": "ZZ9 9ZZ"},
        content_type="application/json",
    )
    assert good.status_code == 201 and good.json()["postcode_not_held"] is True
    assert client.get(f"{base}/counts?by=nothing").status_code == 400
    assert client.get(f"{base}/counts?by=source_system").status_code == 200


def test_agreements_decide_what_another_councils_linkage_sees(wigan, sunderland, actor, make_user) -> None:
    records.load_records(
        actor,
        wigan,
        [
            {
                "record_id": "H1",
                "source_system": "housing",
                "first_name": "Ann",
                "surname": "Lowe",
                "nhs_number": "9434765919",
            }
        ],
    )
    assert frames.shared_sources(sunderland).empty  # no agreement: nothing at all
    commissioner = Actor(user=make_user(Role.COMMISSIONER, wigan), council=wigan)
    today = date.today()
    made = agreements.record_agreement(
        commissioner,
        wigan,
        partner=sunderland,
        fields=["surname", "first_name"],
        purpose="linkage",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=30),
        reference="DSA-7",
    )
    shared = frames.linkage_frame(sunderland)
    assert list(shared["source_system"]) == ["wigan/housing"]
    row = shared.iloc[0]
    assert (row["first_name"], row["surname"], row["nhs_number"], row["date_of_birth"]) == (
        "Ann",
        "Lowe",
        None,
        None,
    )
    assert frames.shared_sources(sunderland, purpose="care").empty  # another purpose: nothing
    assert frames.shared_sources(sunderland, today=today + timedelta(days=31)).empty  # after the end: nothing
    assert frames.shared_sources(wigan).empty  # it goes one way: Sunderland shared nothing
    agreements.end_agreement(commissioner, wigan, made.pk, on=today - timedelta(days=1))
    assert frames.shared_sources(sunderland).empty
    with pytest.raises(Exception, match="fields"):
        agreements.record_agreement(
            commissioner,
            wigan,
            partner=sunderland,
            fields=["record_id"],
            purpose="linkage",
            starts_on=today,
            ends_on=today,
            reference="DSA-8",
        )


def test_a_run_with_an_agreement_links_to_shared_records_by_reference_only(
    wigan, sunderland, actor, make_user, sample, client_as
) -> None:
    rows, _ = sample
    records.load_records(actor, wigan, rows)
    sunderland_actor = Actor(user=make_user(Role.ANALYST, sunderland), council=sunderland)
    mine = [dict(rows[0], source_system="sunderland-housing", record_id="S1")]
    records.load_records(sunderland_actor, sunderland, mine)
    commissioner = Actor(user=make_user(Role.COMMISSIONER, wigan), council=wigan)
    agreements.record_agreement(
        commissioner,
        wigan,
        partner=sunderland,
        fields=["first_name", "surname", "date_of_birth", "postcode", "nhs_number"],
        purpose="linkage",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=9),
        reference="DSA-9",
    )
    run = linkage.run_now(sunderland_actor, sunderland)
    assert run.job.status == "succeeded", run.job.message
    person = SourceRecord.objects.for_council(sunderland).get().person
    assert any(
        m["council"] == "wigan" and m["record_id"] == rows[0]["record_id"] for m in person.shared_matches
    )
    # Sunderland holds no Wigan record: only the reference of the match.
    assert SourceRecord.objects.for_council(sunderland).count() == 1
    page = client_as(make_user(Role.ANALYST, wigan)).get(
        reverse("people:quality", kwargs={"council_slug": wigan.slug})
    )
    assert page.status_code == 200


def test_the_batch_command_links_a_file_without_a_database(tmp_path, sample) -> None:
    rows, truth = sample
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(samples.as_csv(rows))
    call_command("people", "link", str(source), str(target))
    with target.open() as out:
        written = list(csv.DictReader(out))
    assert [r["record_id"] for r in written] == [r["record_id"] for r in rows]
    by_uid = {
        f"{r['source_system']}:{r['record_id']}": w["person_id"] for r, w in zip(rows, written, strict=True)
    }
    same = sum(1 for a in by_uid for b in by_uid if a < b and truth[a] == truth[b] and by_uid[a] == by_uid[b])
    want = sum(1 for a in by_uid for b in by_uid if a < b and truth[a] == truth[b])
    assert same >= 0.9 * want


def test_the_batch_command_into_a_council_and_its_refusals(tmp_path, wigan, sample) -> None:
    from django.core.management.base import CommandError

    rows, _ = sample
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(samples.as_csv(rows[:12]))
    call_command("people", "link", str(source), str(target), "--council", wigan.slug)
    written = list(csv.DictReader(target.open()))
    assert len(written) == 12 and all(w["person_id"].startswith("P-") for w in written)
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,source_system,date_of_birth\nA,housing,31/12/1950\n")
    with pytest.raises(CommandError, match="date_of_birth"):
        call_command("people", "link", str(bad), str(target))


def test_the_demo_links_its_residents_and_leaves_pairs_for_review(wigan, make_user) -> None:
    from civichub.demo import people as demo_people

    user = make_user(Role.COMMISSIONER, wigan)
    user.username = "wigan.commissioner"
    user.save(update_fields=["username"])
    assert demo_people.load() > 0
    assert ReviewPair.objects.for_council(wigan).filter(status="pending").exists()
    assert demo_people.load() == 0  # loaded once


def test_the_council_sets_its_thresholds_on_a_page(wigan, analyst, make_user, client_as) -> None:
    url = reverse("people:thresholds", kwargs={"council_slug": wigan.slug})
    client = client_as(analyst)
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="2"' in page.content.decode() and 'value="8"' in page.content.decode()
    refused = client.post(url, {"review_from": "9", "link_from": "8"})
    assert refused.status_code == 400 and "below the link threshold" in refused.content.decode()
    assert client.post(url, {"review_from": "two", "link_from": "8"}).status_code == 400
    assert client.post(url, {"review_from": "nan", "link_from": "8"}).status_code == 400
    assert client.post(url, {"review_from": "1", "link_from": "99"}).status_code == 400
    assert client.post(url, {"review_from": "1.5", "link_from": "10"}).status_code == 302
    assert linkage.thresholds_of(wigan) == (1.5, 10.0)
    entry = AuditEntry.objects.filter(action="people.thresholds.set").latest("seq")
    assert entry.data == {"review_from": 1.5, "link_from": 10.0}
    assert 'value="1.5"' in client.get(url).content.decode()
    # A councillor sees people counts but does not set how records are linked.
    councillor = client_as(make_user(Role.COUNCILLOR, wigan))
    assert councillor.get(url).status_code == 403
    assert councillor.post(url, {"review_from": "0", "link_from": "5"}).status_code == 403
    assert linkage.thresholds_of(wigan) == (1.5, 10.0)
