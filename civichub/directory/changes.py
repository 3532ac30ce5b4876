"""Providers propose, the council decides: change requests for services in a council's directory.

A provider's new service or edit is kept whole as a change request and nothing is public until a
commissioner approves it; approving applies it through `services.add_service`/`replace_service`, which
write the service's history (HSDS `metadata`) field by field. `submit` is the one place that decides
whether what someone sends is published at once (the council's commissioners) or proposed (providers).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.errors import Conflict, Refused
from civichub.core.models import Council, CouncilProvider, Organisation
from civichub.core.outbox import publish
from civichub.core.selectors import acting_provider
from civichub.directory import services
from civichub.directory.details import ServiceDetails, check_details, differences
from civichub.directory.models import ChangeRequest, Service
from civichub.directory.selectors import details_of


def _proposer(actor: Actor, council: Council, organisation: Organisation | None) -> Organisation:
    """Whom a proposal is for: a provider's own organisation, or (for officers) one of the council's."""
    own = acting_provider(actor, council)
    if own is not None:
        if organisation is not None and organisation.pk != own.pk:
            raise PermissionDenied("You can only propose services for your own organisation.")
        return own
    if organisation is None:
        raise Refused.on("organisation", "Choose the provider that runs the service")
    if not CouncilProvider.objects.for_council(council).filter(organisation=organisation).exists():
        raise Refused.on("organisation", f"{organisation.name} is not one of the council's providers")
    return organisation


@dataclass(frozen=True)
class Submitted:
    """What became of a submission: the service, published at once, or the change request waiting."""

    service: Service | None = None
    change: ChangeRequest | None = None

    @property
    def published(self) -> bool:
        return self.change is None


def submit(
    actor: Actor,
    council: Council,
    details: ServiceDetails,
    *,
    service: Service | None = None,
    organisation: Organisation | None = None,
) -> Submitted:
    """A new service (no `service`) or a change to one, from whichever door: the council's commissioners
    publish it at once; anyone else who may propose (a provider's staff) sends it to the council."""
    policy.require(actor, "directory.services.propose", council)
    publishes = (
        actor.user is not None
        and policy.allows(actor.user, "directory.services.publish", council)
        and acting_provider(actor, council) is None
    )
    if not publishes:
        return Submitted(change=propose(actor, council, details, service=service, organisation=organisation))
    if service is None:
        made = services.add_service(actor, council, _proposer(actor, council, organisation), details)
        return Submitted(service=made)
    if service.council_id != council.pk:
        raise PermissionDenied("That service is not in this council's directory.")
    # Publishing what the service already says is not an error: it changes nothing, and says so by
    # writing no history (PUT is idempotent).
    services.replace_service(actor, service, details)
    return Submitted(service=service)


@transaction.atomic
def propose(
    actor: Actor,
    council: Council,
    details: ServiceDetails,
    *,
    service: Service | None = None,
    organisation: Organisation | None = None,
) -> ChangeRequest:
    """Send a new service (no `service`) or an edit of one to the council for approval.

    A later proposal for the same service replaces a pending one (withdrawn, audited and published as
    such): the council decides on the latest.
    """
    policy.require(actor, "directory.services.propose", council)
    assert actor.user is not None, "proposals are made by people"
    if service is not None:
        if service.council_id != council.pk:
            raise PermissionDenied("That service is not in this council's directory.")
        organisation = _proposer(actor, council, service.organisation)
        if not Service.objects.for_council(council).filter(pk=service.pk, is_published=True).exists():
            raise Conflict.on(None, f"{service.name} has been withdrawn from the directory")
    else:
        organisation = _proposer(actor, council, organisation)
    details = check_details(council, details)
    if service is not None:
        if not differences(details_of(service), details):
            raise Refused.on("name", "Nothing has changed: there is nothing to send to the council")
        services.withdraw_pending(actor, service, "Replaced by a later proposal")
    change = ChangeRequest.objects.create(
        council=council,
        service=service,
        organisation=organisation,
        is_new_service=service is None,
        proposed=details.as_json(),
        proposed_by=actor.user,
    )
    audit.record(actor, "directory.change.proposed", obj=change, council=council)
    publish(
        "directory.change.proposed",
        council=council,
        subject=change,
        data={
            "change_id": str(change.pk),
            "service_id": str(service.pk) if service else None,
            "organisation_id": str(organisation.pk),
            "name": details.name,
        },
    )
    return change


def _still_pending(change: ChangeRequest) -> ChangeRequest:
    locked = ChangeRequest.objects.for_council(change.council).select_for_update().get(pk=change.pk)
    if locked.status != ChangeRequest.Status.PENDING:
        raise Conflict.on("decision", f"This change is already {locked.get_status_display().lower()}")
    return locked


@transaction.atomic
def decide(actor: Actor, change: ChangeRequest, *, approve: bool, note: str = "") -> ChangeRequest:
    """Approve (the change goes live, with its history) or turn down (with a reason for the provider)."""
    council = change.council
    policy.require(actor, "directory.services.publish", council)
    change = _still_pending(change)
    note = note.strip()[:500]
    if not approve and not note:
        raise Refused.on("note", "Say why it is not approved, so the provider can put it right")
    if approve:
        try:
            details = ServiceDetails.from_json(change.proposed)
        except LookupError as exc:
            raise Conflict.on("decision", f"It can no longer be applied: {exc}") from None
        if change.service is None:
            change.service = services.add_service(actor, council, change.organisation, details, change=change)
        else:
            services.replace_service(actor, change.service, details, change=change)
    change.status = ChangeRequest.Status.APPROVED if approve else ChangeRequest.Status.REJECTED
    change.decided_by = actor.user
    change.decided_at = timezone.now()
    change.decision_note = note
    change.save()
    audit.record(
        actor, "directory.change.decided", obj=change, council=council, data={"status": change.status}
    )
    publish(
        "directory.change.decided",
        council=council,
        subject=change,
        data={
            "change_id": str(change.pk),
            "service_id": str(change.service_id) if change.service_id else None,
            "status": change.status,
        },
    )
    return change


@transaction.atomic
def withdraw(actor: Actor, change: ChangeRequest) -> ChangeRequest:
    """The provider takes back a proposal the council has not decided on."""
    council = change.council
    policy.require(actor, "directory.services.propose", council)
    own = acting_provider(actor, council)
    if own is not None and own.pk != change.organisation_id:
        raise PermissionDenied("You can only withdraw your own organisation's proposals.")
    change = _still_pending(change)
    services.mark_withdrawn(actor, change, f"Withdrawn by {actor.label}")
    return change
