"""Providers propose, the council decides: change requests for services in a council's directory.

A provider's new service or edit is kept whole as a change request and nothing is public until a
commissioner approves it; approving applies it through `services.add_service`/`replace_service`, which
write the service's history (HSDS `metadata`) field by field.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from civichub.core import audit, policy
from civichub.core.actors import Actor
from civichub.core.models import Council, CouncilProvider, Organisation
from civichub.core.outbox import publish
from civichub.core.selectors import acting_provider
from civichub.directory import services
from civichub.directory.details import (
    ChangeNotAccepted,
    ServiceDetails,
    check_details,
    details_of,
    differences,
)
from civichub.directory.models import ChangeRequest, Service


def _proposer(actor: Actor, council: Council, organisation: Organisation | None) -> Organisation:
    """Whom a proposal is for: a provider's own organisation, or (for officers) one of the council's."""
    own = acting_provider(actor, council)
    if own is not None:
        if organisation is not None and organisation.pk != own.pk:
            raise PermissionDenied("You can only propose services for your own organisation.")
        return own
    if organisation is None:
        raise ChangeNotAccepted("organisation", "Choose the provider that runs the service")
    if not CouncilProvider.objects.for_council(council).filter(organisation=organisation).exists():
        raise ChangeNotAccepted("organisation", f"{organisation.name} is not one of the council's providers")
    return organisation


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

    A later proposal for the same service replaces a pending one: the council decides on the latest.
    """
    policy.require(actor, "directory.services.propose", council)
    assert actor.user is not None, "proposals are made by people"
    if service is not None:
        if service.council_id != council.pk:
            raise PermissionDenied("That service is not in this council's directory.")
        organisation = _proposer(actor, council, service.organisation)
        if not differences(details_of(service), details):
            raise ChangeNotAccepted("name", "Nothing has changed: there is nothing to send to the council")
    else:
        organisation = _proposer(actor, council, organisation)
    check_details(council, details)
    if service is not None:
        ChangeRequest.objects.for_council(council).filter(
            service=service, status=ChangeRequest.Status.PENDING
        ).update(
            status=ChangeRequest.Status.WITHDRAWN,
            decision_note="Replaced by a later proposal",
            decided_at=timezone.now(),
        )
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


@transaction.atomic
def decide(actor: Actor, change: ChangeRequest, *, approve: bool, note: str = "") -> ChangeRequest:
    """Approve (the change goes live, with its history) or turn down (with a reason for the provider)."""
    council = change.council
    policy.require(actor, "directory.services.publish", council)
    change = ChangeRequest.objects.for_council(council).select_for_update().get(pk=change.pk)
    if change.status != ChangeRequest.Status.PENDING:
        raise ChangeNotAccepted("decision", f"This change is already {change.get_status_display().lower()}")
    note = note.strip()[:500]
    if not approve and not note:
        raise ChangeNotAccepted("note", "Say why it is not approved, so the provider can put it right")
    if approve:
        try:
            details = ServiceDetails.from_json(change.proposed)
        except LookupError as exc:
            raise ChangeNotAccepted("decision", f"It can no longer be applied: {exc}") from None
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
    if change.status != ChangeRequest.Status.PENDING:
        raise ChangeNotAccepted("decision", f"This change is already {change.get_status_display().lower()}")
    change.status = ChangeRequest.Status.WITHDRAWN
    change.decided_at = timezone.now()
    change.save(update_fields=["status", "decided_at", "updated_at"])
    audit.record(actor, "directory.change.withdrawn", obj=change, council=council)
    return change
