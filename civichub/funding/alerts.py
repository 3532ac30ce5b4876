"""Saved searches of the funding catalogue, and the emails that tell their owners of new opportunities.

A person with the funding pages of a council saves a search (words and filters) there. When an
opportunity joins the catalogue, the services queue `send_alerts` (django-tasks, run by `civichub
worker`): it asks, for each saved search that may see the opportunity, the very question the funding
page asks (`search.matches`), and emails each owner once, however many of their searches match. A
council's own opportunity is only ever weighed against that council's searches; a platform one against
every council's. What was sent is kept (SentAlert), so a job run twice tells nobody twice.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_tasks import task

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import NotFound, Refused
from civichub.core.models import Council
from civichub.core.outbox import publish
from civichub.core.selectors import councils
from civichub.core.text import clean_text
from civichub.funding import search
from civichub.funding.models import Opportunity, SavedSearch, SentAlert
from civichub.funding.selectors import Search

log = logging.getLogger(__name__)
# Enough for anyone's real use; a bound, so one person cannot make every new opportunity's job slow.
MAX_PER_PERSON = 50


def _search_of(saved: SavedSearch) -> Search:
    return Search(
        q=saved.q,
        open_now=saved.open_now,
        theme=saved.theme,
        applicant_type=saved.applicant_type,
        area=saved.area,
    )


@transaction.atomic
def save_search(actor: Actor, council: Council, name: str, found: Search) -> SavedSearch:
    """Keep a search of the council's catalogue for the signed-in person; refused (naming the field)
    if its filters are not ones the page accepts."""
    policy.require(actor, "funding.view", council)
    if actor.user is None:
        raise Refused("Only a person can save a search: alerts go to their email")
    name = clean_text(name)[:100] or clean_text(found.q)[:100] or "My funding search"
    search.ranked(council, found.q, found)  # the page's own check of the filters: refuses alike
    if not search.terms_of(found.q) and not (found.theme or found.applicant_type or found.area):
        raise Refused.on("q", "Give some words, or choose a need, applicant type or area, to save")
    mine = SavedSearch.objects.for_council(council).filter(owner=actor.user)
    if mine.count() >= MAX_PER_PERSON:
        raise Refused.on("name", f"You can keep up to {MAX_PER_PERSON} saved searches here")
    saved = SavedSearch.objects.create(
        council=council,
        owner=actor.user,
        name=name,
        q=clean_text(found.q)[:200],
        open_now=found.open_now,
        theme=found.theme.strip().lower()[:50],
        applicant_type=found.applicant_type.strip().lower()[:30],
        area=found.area.strip().upper()[:20],
    )
    audit.record(actor, "funding.search.saved", obj=saved, council=council, data={"name": name})
    publish("funding.search.saved", council=council, subject=saved, data={"saved_search_id": str(saved.pk)})
    return saved


@transaction.atomic
def delete_search(actor: Actor, council: Council, saved_search_id: Any) -> None:
    """Delete one of the person's own saved searches (anyone else's is not found)."""
    policy.require(actor, "funding.view", council)
    saved = (
        SavedSearch.objects.for_council(council)
        .filter(pk=saved_search_id, owner=actor.user)
        .select_for_update()
        .first()
    )
    if saved is None:
        raise NotFound.on("saved_search_id", "You have no such saved search here")
    audit.record(actor, "funding.search.deleted", obj=saved, council=council, data={"name": saved.name})
    publish("funding.search.deleted", council=council, subject=saved, data={"saved_search_id": str(saved.pk)})
    saved.delete()


def queue_alerts(opportunity: Opportunity) -> None:
    """After the opportunity's transaction commits, the worker looks for the searches it matches."""
    opportunity_id = str(opportunity.pk)
    transaction.on_commit(lambda: send_alerts.enqueue(opportunity_id))


@task()
def send_alerts(opportunity_id: str) -> int:
    """The background task: email the owners of saved searches the new opportunity matches."""
    return alert_about(opportunity_id)


def _candidates(opportunity: Opportunity) -> Any:
    if opportunity.council is not None:
        scope = SavedSearch.objects.for_council(opportunity.council)
    else:
        scope = SavedSearch.objects.for_councils(list(councils()))
    return scope.select_related("owner", "council").order_by("owner_id", "created_at")


def alert_about(opportunity_id: str) -> int:
    """Email each person whose saved search finds the opportunity (once each); returns how many were
    emailed. Each email is recorded, audited and published in a transaction of its own, sent inside
    it: a failed send records nothing, so a later run can send it, and a sent one is never sent again."""
    # Unscoped: the job's own subject, found by the id its event carries; tenancy is kept below, by
    # weighing it only against the searches of councils that see it.
    opportunity = Opportunity.unscoped.filter(pk=opportunity_id).select_related("council").first()
    if opportunity is None:
        return 0
    told = set(
        SentAlert.objects.for_councils(list(councils()))
        .filter(opportunity=opportunity)
        .values_list("owner_id", flat=True)
    )
    sent, failure = 0, None
    for saved in _candidates(opportunity):
        owner = saved.owner
        if owner.pk in told or not owner.is_active or not owner.email:
            continue
        if not policy.allows(owner, "funding.view", saved.council):
            continue  # no longer works there: their searches wait, silent, until they do again
        try:
            if not search.matches(saved.council, saved.q, _search_of(saved), opportunity.pk):
                continue
        except Refused:
            continue  # a filter no longer valid (a need category since removed) matches nothing
        try:
            if _send(saved, opportunity):
                sent += 1
            told.add(owner.pk)
        except (OSError, PermissionDenied) as exc:  # the mail server refused or was unreachable
            log.warning("funding alert to %s not sent: %s", owner.pk, exc)
            failure = failure or exc
    if failure is not None:
        raise failure  # the task is marked failed; what was sent is kept, the rest can be sent again
    return sent


@transaction.atomic
def _send(saved: SavedSearch, opportunity: Opportunity) -> bool:
    council, owner = saved.council, saved.owner
    try:
        with transaction.atomic():
            alert = SentAlert.objects.create(
                council=council, owner=owner, opportunity=opportunity, saved_search=saved
            )
    except IntegrityError:
        return False  # another run told them first
    actor = Actor.system("funding alerts", council)
    audit.record(
        actor,
        "funding.alert.sent",
        obj=alert,
        council=council,
        data={"opportunity_id": str(opportunity.pk), "saved_search_id": str(saved.pk)},
    )
    publish(
        "funding.alert.sent",
        council=council,
        subject=alert,
        data={"opportunity_id": str(opportunity.pk), "saved_search_id": str(saved.pk)},
    )
    send_mail(
        f"New funding opportunity: {opportunity.programme}"[:150],
        _body(saved, opportunity),
        settings.DEFAULT_FROM_EMAIL,
        [owner.email],
    )
    return True


def _body(saved: SavedSearch, opportunity: Opportunity) -> str:
    base = settings.CIVICHUB_BASE_URL
    link = base + reverse(
        "funding:opportunity", kwargs={"council_slug": saved.council.slug, "opportunity_id": opportunity.pk}
    )
    manage = base + reverse("funding:saved-searches", kwargs={"council_slug": saved.council.slug})
    closes = f"Closes: {opportunity.closes_on}" if opportunity.closes_on else "Open until further notice"
    return (
        f'A new funding opportunity matches your saved search "{saved.name}" in '
        f"{saved.council.short_name}'s funding pages.\n\n"
        f"{opportunity.programme}\nFunder: {opportunity.funder}\n{closes}\n\n"
        f"{opportunity.summary[:600]}\n\n"
        f"See it: {link}\n\n"
        f"You are told once about each opportunity. To stop these emails, delete the search: {manage}\n"
    )
