"""Directory API: residents' reports (submit and follow, no key), report queues and who deals with them;
the council's services (added, changed and withdrawn), providers' proposed changes, the council's
decisions and each service's history; and the lists every form offers (report categories, service
categories, wards), so a program can do all that the pages do.

Services refuse with the kernel's `Refused` and the API's one handler answers: no route here builds an
error itself. Every list pages with `LimitOffset`.
"""

# No `from __future__ import annotations`: ninja reads a paginated route's annotations through the
# paginating wrapper, whose module knows none of these names, so they must be real types, not strings.

from typing import Any, Literal
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from civichub.core.api import council_actor
from civichub.core.errors import Refused
from civichub.core.models import Organisation
from civichub.core.pagination import LimitOffset
from civichub.directory import changes, reports, selectors
from civichub.directory import services as directory
from civichub.directory.details import ServiceDetails, located
from civichub.directory.models import (
    ChangeRecord,
    ChangeRequest,
    Report,
    Responsibility,
    Service,
    TaxonomyTerm,
)
from civichub.directory.schemas import (
    ChangeOut,
    ChangeWithDiffOut,
    DecisionIn,
    ManagedServiceOut,
    MetadataOut,
    NewServiceIn,
    ProposalIn,
    ReportCategoryOut,
    ReportIn,
    ReportOut,
    ReportStatusOut,
    ResponsibilityIn,
    ResponsibilityOut,
    ServiceDetailsIn,
    ServiceDetailsOut,
    ServiceWardOut,
    StatusIn,
    TaxonomyTermOut,
    WithdrawIn,
)

router = Router(tags=["directory"])


# --- Residents' reports and the queues they land in ----------------------------------------------


@router.post(
    "/reports",
    response={201: ReportStatusOut},
    auth=None,
    summary="Report a problem (no key needed): routed to whoever is responsible",
)
def submit(request: HttpRequest, payload: ReportIn) -> tuple[int, Report]:
    made = reports.submit(str(payload.category_id), payload.postcode, payload.description, payload.email)
    return 201, selectors.report_status(made.reference)


@router.get(
    "/report-categories",
    response=list[ReportCategoryOut],
    auth=None,
    summary="What a resident can report (the category_id of a report)",
)
@paginate(LimitOffset)
def report_categories(request: HttpRequest) -> QuerySet[Any]:
    return selectors.report_categories()


@router.get(
    "/reports/{reference}", response=ReportStatusOut, auth=None, summary="Follow a report by its reference"
)
def status(request: HttpRequest, reference: str) -> Report:
    return selectors.report_status(reference)


@router.get(
    "/c/{council_slug}/reports",
    response=list[ReportStatusOut],
    summary="Your queue: all of a council's reports for officers, your organisation's for providers",
)
@paginate(LimitOffset)
def queue(request: HttpRequest, council_slug: str, open_only: bool = True) -> QuerySet[Any]:
    actor, council = council_actor(request, council_slug, "directory.reports.handle")
    found = selectors.report_queue(actor, council)
    return found.filter(status__in=Report.OPEN_STATUSES) if open_only else found


@router.get(
    "/c/{council_slug}/reports/{reference}",
    response=ReportOut,
    summary="One report in your queue, with the reporter's contact (the read is audited)",
)
def handle(request: HttpRequest, council_slug: str, reference: str) -> Report:
    actor, council = council_actor(request, council_slug, "directory.reports.handle")
    return selectors.report_to_handle(actor, council, reference)


@router.post(
    "/c/{council_slug}/reports/{reference}/status",
    response=ReportStatusOut,
    summary="Move a report on: in_progress, resolved or closed, with a note for the resident",
)
def update(request: HttpRequest, council_slug: str, reference: str, payload: StatusIn) -> Report:
    actor, council = council_actor(request, council_slug, "directory.reports.handle")
    report = selectors.report_to_handle(actor, council, reference)
    return reports.update_status(actor, report, payload.status, payload.note)


# --- What the service form offers -----------------------------------------------------------------


@router.get(
    "/taxonomy-terms",
    response=list[TaxonomyTermOut],
    auth=None,
    summary="The categories a service can be listed under (its taxonomy_term_ids)",
)
@paginate(LimitOffset)
def taxonomy_terms(request: HttpRequest) -> QuerySet[TaxonomyTerm]:
    return selectors.taxonomy_terms()


@router.get(
    "/c/{council_slug}/service-wards",
    response=list[ServiceWardOut],
    summary="The council's wards a service can serve (its ward_codes)",
)
@paginate(LimitOffset)
def service_wards(request: HttpRequest, council_slug: str) -> list[dict[str, str]]:
    actor, council = council_actor(request, council_slug, "directory.services.view")
    return [{"code": code, "name": name} for code, name in selectors.service_wards(actor, council)]


# --- The council's directory: services, providers' proposed changes and their history -------------


def _details(payload: ServiceDetailsIn) -> ServiceDetails:
    """The API's details as ServiceDetails; refused naming the JSON path of what is not known."""
    terms = TaxonomyTerm.objects.in_bulk(payload.taxonomy_term_ids)
    for i, term in enumerate(payload.taxonomy_term_ids):
        if term not in terms:
            raise Refused.on(f"taxonomy_term_ids[{i}]", f"no taxonomy term has the id {term}")
    return ServiceDetails(
        name=payload.name,
        description=payload.description,
        minimum_age=payload.minimum_age,
        maximum_age=payload.maximum_age,
        fees=payload.fees,
        url=payload.url.strip(),
        email=payload.email.strip(),
        terms=[terms[t] for t in payload.taxonomy_term_ids],
        schedules=[(s.byday.upper(), s.opens_at, s.closes_at) for s in payload.schedules],
        locations=[
            (loc.name, loc.address_1, located(loc.postcode, f"locations[{i}].postcode"))
            for i, loc in enumerate(payload.locations)
        ],
        cost_options=[(c.option, c.amount) for c in payload.cost_options],
        ward_codes=sorted({w.strip().upper() for w in payload.ward_codes}),
        contacts=[(c.name, c.title, c.email) for c in payload.contacts],
        commissioned_under=payload.commissioned_under,
    )


def _with_diff(change: ChangeRequest) -> ChangeRequest:
    change.view = selectors.change_view(change)  # type: ignore[attr-defined]
    return change


def _answer(request: HttpRequest, council_slug: str, done: changes.Submitted, status: int) -> tuple[int, Any]:
    """A published service with `status`, or 202 and the change request that waits for the council."""
    actor, council = council_actor(request, council_slug, "directory.services.view")
    if done.change is not None:
        return 202, _with_diff(selectors.change_request(actor, council, done.change.pk))
    assert done.service is not None
    return status, selectors.managed_service(actor, council, done.service.pk)


@router.get(
    "/c/{council_slug}/services",
    response=list[ManagedServiceOut],
    summary="The council's services, published or not (a provider's own for provider staff)",
)
@paginate(LimitOffset)
def managed_services(request: HttpRequest, council_slug: str) -> QuerySet[Service]:
    actor, council = council_actor(request, council_slug, "directory.services.view")
    return selectors.managed_services(actor, council).order_by("name", "id")


@router.post(
    "/c/{council_slug}/services",
    response={201: ServiceDetailsOut, 202: ChangeWithDiffOut},
    summary="Add a service: published at once by commissioners (201); from a provider, a proposal for "
    "the council to approve (202)",
)
def add_service(request: HttpRequest, council_slug: str, payload: NewServiceIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "directory.services.propose")
    organisation = None
    if payload.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
        if organisation is None:
            raise Refused.on("organisation_id", "no organisation has that id")
    done = changes.submit(actor, council, _details(payload.details), organisation=organisation)
    return _answer(request, council_slug, done, 201)


@router.get(
    "/c/{council_slug}/services/{service_id}",
    response=ServiceDetailsOut,
    summary="One of the council's services, with everything it says",
)
def managed_service(request: HttpRequest, council_slug: str, service_id: UUID) -> Service:
    actor, council = council_actor(request, council_slug, "directory.services.view")
    return selectors.managed_service(actor, council, service_id)


@router.put(
    "/c/{council_slug}/services/{service_id}",
    response={200: ServiceDetailsOut, 202: ChangeWithDiffOut},
    summary="Change a service: at once for commissioners, kept in its history (200); from a provider, "
    "a proposal for the council to approve (202)",
)
def replace_service(
    request: HttpRequest, council_slug: str, service_id: UUID, payload: ServiceDetailsIn
) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "directory.services.propose")
    found = selectors.managed_service(actor, council, service_id)
    return _answer(
        request, council_slug, changes.submit(actor, council, _details(payload), service=found), 200
    )


@router.post(
    "/c/{council_slug}/services/{service_id}/withdraw",
    response=ServiceDetailsOut,
    summary="Withdraw a service from the public directory (commissioners): it leaves the finder, search, "
    "the Open Referral API and the export; its history records the HSDS delete; 409 if already withdrawn",
)
def withdraw_service(
    request: HttpRequest, council_slug: str, service_id: UUID, payload: WithdrawIn
) -> Service:
    actor, council = council_actor(request, council_slug, "directory.services.publish")
    found = selectors.managed_service(actor, council, service_id)
    directory.withdraw_service(actor, found, payload.reason)
    return selectors.managed_service(actor, council, service_id)


@router.get(
    "/c/{council_slug}/services/{service_id}/history",
    response=list[MetadataOut],
    summary="Every change to a service, field by field (HSDS metadata), newest first",
)
@paginate(LimitOffset)
def service_history(request: HttpRequest, council_slug: str, service_id: UUID) -> QuerySet[ChangeRecord]:
    actor, council = council_actor(request, council_slug, "directory.services.view")
    return selectors.service_history(actor, council, service_id)[1]


@router.get(
    "/c/{council_slug}/service-changes",
    response=list[ChangeOut],
    summary="Proposed changes to services: every provider's for officers, your own for providers",
)
@paginate(LimitOffset)
def change_requests(
    request: HttpRequest,
    council_slug: str,
    status: Literal["pending", "approved", "rejected", "withdrawn", "all"] = Query(
        "pending", description="Which proposals: pending, approved, rejected, withdrawn or all"
    ),
) -> QuerySet[ChangeRequest]:
    actor, council = council_actor(request, council_slug, "directory.services.view")
    found = selectors.change_requests(actor, council)
    return found if status == "all" else found.filter(status=status)


@router.post(
    "/c/{council_slug}/service-changes",
    response={201: ChangeWithDiffOut},
    summary="Propose a new service or a change to one, for the council to approve",
)
def propose(request: HttpRequest, council_slug: str, payload: ProposalIn) -> tuple[int, ChangeRequest]:
    actor, council = council_actor(request, council_slug, "directory.services.propose")
    service = selectors.managed_service(actor, council, payload.service_id) if payload.service_id else None
    organisation = (
        Organisation.objects.filter(pk=payload.organisation_id).first() if payload.organisation_id else None
    )
    change = changes.propose(
        actor, council, _details(payload.details), service=service, organisation=organisation
    )
    return 201, _with_diff(selectors.change_request(actor, council, change.pk))


@router.get(
    "/c/{council_slug}/service-changes/{change_id}",
    response=ChangeWithDiffOut,
    summary="One proposed change, with what it changes field by field",
)
def change_request(request: HttpRequest, council_slug: str, change_id: UUID) -> ChangeRequest:
    actor, council = council_actor(request, council_slug, "directory.services.view")
    return _with_diff(selectors.change_request(actor, council, change_id))


@router.post(
    "/c/{council_slug}/service-changes/{change_id}/decision",
    response=ChangeWithDiffOut,
    summary="Approve a proposed change (it goes live) or turn it down with a note (commissioners)",
)
def decide(request: HttpRequest, council_slug: str, change_id: UUID, payload: DecisionIn) -> ChangeRequest:
    actor, council = council_actor(request, council_slug, "directory.services.publish")
    changes.decide(
        actor, selectors.change_request(actor, council, change_id), approve=payload.approve, note=payload.note
    )
    return _with_diff(selectors.change_request(actor, council, change_id))


@router.post(
    "/c/{council_slug}/service-changes/{change_id}/withdraw",
    response=ChangeOut,
    summary="Withdraw a proposal the council has not decided on",
)
def withdraw(request: HttpRequest, council_slug: str, change_id: UUID) -> ChangeRequest:
    actor, council = council_actor(request, council_slug, "directory.services.propose")
    return changes.withdraw(actor, selectors.change_request(actor, council, change_id))


# --- Who deals with residents' reports ----------------------------------------------------------


@router.get(
    "/c/{council_slug}/responsibilities",
    response=list[ResponsibilityOut],
    summary="Who deals with each category of report, council-wide or per ward",
)
@paginate(LimitOffset)
def responsibilities(request: HttpRequest, council_slug: str) -> QuerySet[Responsibility]:
    actor, council = council_actor(request, council_slug, "council.providers.manage")
    return selectors.responsibilities(actor, council)


@router.put(
    "/c/{council_slug}/responsibilities",
    response=ResponsibilityOut,
    summary="Name who deals with a category (in a ward, or council-wide); replaces what was there",
)
def set_responsibility(request: HttpRequest, council_slug: str, payload: ResponsibilityIn) -> Responsibility:
    actor, council = council_actor(request, council_slug, "council.providers.manage")
    return reports.set_responsibility(
        actor,
        council,
        category_id=str(payload.category_id),
        organisation_id=str(payload.organisation_id or ""),
        ward_code=payload.ward_code,
        arrangement=payload.arrangement,
    )


@router.delete(
    "/c/{council_slug}/responsibilities/{responsibility_id}",
    response={204: None},
    summary="Remove a responsibility: reports in that category (and place) go to the council",
)
def remove_responsibility(
    request: HttpRequest, council_slug: str, responsibility_id: UUID
) -> tuple[int, None]:
    actor, council = council_actor(request, council_slug, "council.providers.manage")
    reports.remove_responsibility(actor, selectors.responsibility(actor, council, responsibility_id))
    return 204, None
