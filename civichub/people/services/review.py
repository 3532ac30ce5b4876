"""Clerical review: a reviewer decides whether two records are the same person, and the council sets
the thresholds that send pairs to review. A decision binds every later run (`golden.cluster`), and is
applied now: accepted, the two records' golden records become one; rejected, they are split apart if a
run had put them together."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, NotFound, Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.people.models import LinkageSettings, ReviewPair, SourceRecord
from civichub.people.persons import new_people, refresh_facts


@transaction.atomic
def decide(actor: Actor, council: Council, pair_id: UUID | str, *, same_person: bool) -> ReviewPair:
    policy.require(actor, "people.review.decide", council)
    pair = (
        ReviewPair.objects.for_council(council)
        .select_for_update()
        .select_related("record_a", "record_b")
        .filter(pk=pair_id)
        .first()
    )
    if pair is None:
        raise NotFound.on("pair_id", "No such pair in this council's review queue")
    if pair.status != ReviewPair.Status.PENDING:
        raise Conflict.on("status", f"This pair was already decided: {pair.get_status_display()}")
    pair.status = ReviewPair.Status.ACCEPTED if same_person else ReviewPair.Status.REJECTED
    pair.decided_by = actor.user
    pair.decided_at = timezone.now()
    pair.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _apply(council, pair)
    audit.record(actor, "people.review.decided", obj=pair, council=council, data={"status": pair.status})
    publish(
        "people.review.decided",
        council=council,
        subject=pair,
        data={"pair_id": str(pair.pk), "status": pair.status},
    )
    return pair


def _apply(council: Council, pair: ReviewPair) -> None:
    a, b = pair.record_a, pair.record_b
    records = SourceRecord.objects.for_council(council)
    touched: set[Any] = {a.person_id, b.person_id}
    if pair.status == ReviewPair.Status.ACCEPTED:
        if a.person_id is None or b.person_id is None:
            joined = a.person_id or b.person_id or new_people(council, 1)[0].pk
            records.filter(pk__in=[a.pk, b.pk]).update(person_id=joined)
            touched.add(joined)
        elif a.person_id != b.person_id:
            records.filter(person_id=b.person_id).update(person_id=a.person_id)
    elif a.person_id is not None and a.person_id == b.person_id:
        # Apart now: the record the reviewer said is someone else takes a golden record of its own.
        apart = new_people(council, 1)[0]
        records.filter(pk=b.pk).update(person=apart)
        touched.add(apart.pk)
    refresh_facts(council, touched)


@transaction.atomic
def set_thresholds(
    actor: Actor, council: Council, *, review_from: float, link_from: float
) -> LinkageSettings:
    """The match weights from which pairs are sent to review, and from which they are linked."""
    policy.require(actor, "people.linkage.run", council)
    for name, value in (("review_from", review_from), ("link_from", link_from)):
        if not -30 <= value <= 60:
            raise Refused.on(name, "Give a match weight between -30 and 60")
    if review_from >= link_from:
        raise Refused.on("review_from", "The review threshold must be below the link threshold")
    found, _ = LinkageSettings.objects.for_council(council).update_or_create(
        council=council, defaults={"review_from": review_from, "link_from": link_from}
    )
    data = {"review_from": review_from, "link_from": link_from}
    audit.record(actor, "people.thresholds.set", obj=found, council=council, data=data)
    publish("people.thresholds.set", council=council, subject=found, data=data)
    return found
