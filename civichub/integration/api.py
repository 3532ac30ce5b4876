"""Integration API: the event catalogue, a council's events (cursor-paged), and webhook endpoints with
their deliveries, redelivery and secret rotation."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Body, Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from civichub.core import pruning
from civichub.core import selectors as core_selectors
from civichub.core.actors import Actor
from civichub.core.api import council_actor
from civichub.core.catalogue import CATALOGUE
from civichub.core.errors import Refused
from civichub.core.importing import MAX_BYTES
from civichub.core.importing.runner import start_import as accept_import
from civichub.core.models import ImportRun
from civichub.core.pagination import LimitOffset
from civichub.core.retention import MAX_DAYS, MIN_DAYS
from civichub.core.selectors import acting_provider
from civichub.integration import selectors, services
from civichub.integration.models import WebhookDelivery, WebhookEndpoint

router = Router(tags=["integration"])
# The event feed pages by cursor (the house's one documented exception to limit/offset paging).
MAX_PAGE = 500


class EventTypeOut(Schema):
    name: str
    version: int
    description: str
    subject: str
    data_schema: dict[str, Any]


@router.get(
    "/event-types", response=list[EventTypeOut], auth=None, summary="The catalogue of domain event types"
)
@paginate(LimitOffset)
def event_types(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "name": t.name,
            "version": t.version,
            "description": t.description,
            "subject": t.subject,
            "data_schema": t.schema,
        }
        for t in sorted(CATALOGUE.values(), key=lambda t: t.name)
    ]


class EventOut(Schema):
    id: UUID
    seq: int
    type: str
    version: int
    subject_type: str
    subject_id: str
    occurred_at: datetime
    data: dict[str, Any]


class EventPage(Schema):
    items: list[EventOut]
    next_cursor: int | None = Field(..., description="Pass as ?after= to get the next page; null at the end")


class EventFilter(Schema):
    after: int = Field(0, ge=0, description="Cursor: the seq of the last event already seen")
    type: list[str] = Field(default_factory=list, description="Only these event types")
    since: datetime | None = None
    until: datetime | None = None
    limit: int = Field(100, ge=1, le=MAX_PAGE)


@router.get("/c/{council_slug}/events", response=EventPage, summary="A council's domain events, oldest first")
def list_events(request: HttpRequest, council_slug: str, filters: Query[EventFilter]) -> dict[str, Any]:
    unknown = sorted(set(filters.type) - set(CATALOGUE))
    if unknown:
        raise Refused.on("type", f"Unknown event type(s): {', '.join(unknown)}; see /api/v1/event-types")
    actor, council = council_actor(request, council_slug, "integration.events.view")
    items = selectors.events(
        actor,
        council,
        after=filters.after,
        types=filters.type,
        since=filters.since,
        until=filters.until,
        limit=filters.limit + 1,
    )
    more = len(items) > filters.limit
    items = items[: filters.limit]
    return {"items": items, "next_cursor": items[-1].seq if more else None}


class EndpointIn(Schema):
    url: str = Field(..., max_length=500, examples=["https://provider.example.org/civichub/webhooks"])
    event_types: list[str] = Field(default_factory=list, description="Empty for every event type")
    description: str = Field("", max_length=200)


class EndpointOut(Schema):
    id: UUID
    url: str
    description: str
    event_types: list[str]
    is_active: bool
    disabled_reason: str
    organisation_id: UUID | None
    created_at: datetime


class EndpointWithSecretOut(EndpointOut):
    secret: str = Field(..., description="The whsec_ signing secret: verify every delivery with it")


@router.get("/c/{council_slug}/webhooks", response=list[EndpointOut], summary="Webhook endpoints you manage")
@paginate(LimitOffset)
def list_endpoints(request: HttpRequest, council_slug: str) -> Any:
    actor, council = council_actor(request, council_slug, "integration.webhooks.manage")
    return selectors.endpoints(actor, council)


@router.post(
    "/c/{council_slug}/webhooks",
    response={201: EndpointWithSecretOut},
    summary="Register a webhook endpoint",
)
def create_endpoint(request: HttpRequest, council_slug: str, payload: EndpointIn) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "integration.webhooks.manage")
    endpoint = services.register_endpoint(
        actor,
        council,
        url=payload.url,
        event_types=payload.event_types,
        description=payload.description,
        organisation=acting_provider(actor, council),
    )
    return 201, endpoint


@router.get(
    "/c/{council_slug}/webhooks/{endpoint_id}", response=EndpointWithSecretOut, summary="One endpoint"
)
def get_endpoint(request: HttpRequest, council_slug: str, endpoint_id: UUID) -> WebhookEndpoint:
    actor, council = council_actor(request, council_slug, "integration.webhooks.manage")
    return selectors.endpoint(actor, council, endpoint_id)


@router.post(
    "/c/{council_slug}/webhooks/{endpoint_id}/rotate-secret",
    response=EndpointWithSecretOut,
    summary="Rotate the signing secret (the old one also signs for 24 hours)",
)
def rotate_secret(request: HttpRequest, council_slug: str, endpoint_id: UUID) -> WebhookEndpoint:
    actor, council = council_actor(request, council_slug, "integration.webhooks.manage")
    return services.rotate_secret(actor, selectors.endpoint(actor, council, endpoint_id))


class EndpointSwitchIn(Schema):
    is_active: bool = Field(..., description="false to stop sending to this endpoint; true to start again")


@router.patch(
    "/c/{council_slug}/webhooks/{endpoint_id}",
    response=EndpointOut,
    summary="Switch an endpoint on or off (deliveries wait while it is off)",
)
def switch_endpoint(
    request: HttpRequest, council_slug: str, endpoint_id: UUID, payload: EndpointSwitchIn
) -> WebhookEndpoint:
    actor, council = council_actor(request, council_slug, "integration.webhooks.manage")
    return services.set_active(actor, selectors.endpoint(actor, council, endpoint_id), payload.is_active)


class DeliveryOut(Schema):
    id: UUID
    event_id: UUID = Field(..., alias="event.id")
    event_type: str = Field(..., alias="event.type")
    webhook_id: str = Field(..., alias="event.webhook_id")
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str
    delivered_at: datetime | None


@router.get(
    "/c/{council_slug}/webhooks/{endpoint_id}/deliveries",
    response=list[DeliveryOut],
    summary="An endpoint's deliveries, newest first",
)
@paginate(LimitOffset)
def list_deliveries(request: HttpRequest, council_slug: str, endpoint_id: UUID) -> Any:
    actor, council = council_actor(request, council_slug, "integration.webhooks.manage")
    return selectors.deliveries(selectors.endpoint(actor, council, endpoint_id))


class AttemptOut(Schema):
    attempted_at: datetime
    request_headers: dict[str, Any]
    request_body: str
    response_status: int | None
    response_body: str = Field(..., description="The first 2 KB the receiver answered")
    latency_ms: int
    error: str


class DeliveryWithAttemptsOut(DeliveryOut):
    attempts_made: list[AttemptOut] = Field(..., description="Every attempt, newest first")

    @staticmethod
    def resolve_attempts_made(obj: WebhookDelivery) -> list[Any]:
        return list(selectors.attempts(obj))


@router.get(
    "/c/{council_slug}/webhooks/{endpoint_id}/deliveries/{delivery_id}",
    response=DeliveryWithAttemptsOut,
    summary="One delivery, with the log of every attempt to send it",
)
def get_delivery(
    request: HttpRequest, council_slug: str, endpoint_id: UUID, delivery_id: UUID
) -> WebhookDelivery:
    actor, council = council_actor(request, council_slug, "integration.webhooks.manage")
    return selectors.delivery(selectors.endpoint(actor, council, endpoint_id), delivery_id)


@router.post(
    "/c/{council_slug}/webhooks/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    response=DeliveryOut,
    summary="Send a delivery again now",
)
def redeliver(
    request: HttpRequest, council_slug: str, endpoint_id: UUID, delivery_id: UUID
) -> WebhookDelivery:
    actor, council = council_actor(request, council_slug, "integration.webhooks.manage")
    endpoint = selectors.endpoint(actor, council, endpoint_id)
    return services.redeliver(actor, selectors.delivery(endpoint, delivery_id))


class ImportErrorOut(Schema):
    line: int | None = Field(..., description="The line of a CSV file, or the record of a JSON list")
    unit: str = Field("line", description="'line' or 'record': what `line` counts")
    field: str | None
    message: str


class ImportOut(Schema):
    id: UUID
    import_type: str
    file_name: str
    sha256: str
    size: int
    idempotency_key: str
    status: str = Field(..., alias="job.status")
    stage: str = Field(..., alias="job.stage")
    done: int = Field(..., alias="job.done")
    total: int = Field(..., alias="job.total")
    message: str = Field(..., alias="job.message")
    created: int
    updated: int
    unchanged: int
    skipped: int
    notes: list[str]
    errors: list[ImportErrorOut]
    created_at: datetime


@router.post(
    "/c/{council_slug}/imports",
    response={202: ImportOut, 200: ImportOut},
    summary="Upload a file to import (202: queued; 200: this file or key was already imported)",
)
def start_import(
    request: HttpRequest,
    council_slug: str,
    import_type: Form[str],
    file: File[UploadedFile],
    idempotency_key: Form[str] = "",
) -> tuple[int, Any]:
    actor, council = council_actor(request, council_slug, "integration.imports.run")
    run, is_new = accept_import(
        actor,
        council,
        import_type,
        file_name=file.name or "upload",
        content=file.read(MAX_BYTES + 1),
        idempotency_key=idempotency_key,
    )
    return (202 if is_new else 200), run


@router.get(
    "/c/{council_slug}/imports", response=list[ImportOut], summary="A council's imports, newest first"
)
@paginate(LimitOffset)
def list_imports(request: HttpRequest, council_slug: str) -> Any:
    actor, council = council_actor(request, council_slug, "integration.imports.run")
    return selectors.imports(actor, council)


@router.get(
    "/platform/imports",
    response=list[ImportOut],
    summary="The platform's own imports (the national geography), newest first: platform administrators",
)
@paginate(LimitOffset)
def list_platform_imports(request: HttpRequest) -> Any:
    return core_selectors.platform_imports(Actor(user=request.user))  # type: ignore[arg-type]


@router.get("/c/{council_slug}/imports/{run_id}", response=ImportOut, summary="One import, with its progress")
def get_import(request: HttpRequest, council_slug: str, run_id: UUID) -> ImportRun:
    actor, council = council_actor(request, council_slug, "integration.imports.run")
    return selectors.import_run(actor, council, run_id)


class RetentionPeriodOut(Schema):
    kind: str
    label: str
    description: str = Field(..., alias="hint")
    days: int = Field(..., description="Records of this kind older than this are removed")
    default_days: int = Field(..., description="The platform's default for this kind")
    is_default: bool = Field(..., description="True when the council has not set its own period")


class RetentionOut(Schema):
    periods: list[RetentionPeriodOut]
    minimum_days: int = MIN_DAYS
    maximum_days: int = MAX_DAYS


@router.get(
    "/c/{council_slug}/retention",
    response=RetentionOut,
    summary="How long the council's events, delivery attempts, finished jobs and imports are kept",
)
def get_retention(request: HttpRequest, council_slug: str) -> dict[str, Any]:
    actor, council = council_actor(request, council_slug, "council.retention.manage")
    return {"periods": core_selectors.retention_periods(actor, council)}


# The body is checked by the service, not by its schema: the council and the caller's permission are
# checked first, and each refused period gets the service's own message, named by its kind.
PERIODS_BODY = {
    "type": "object",
    "description": "Days to keep each kind of record, by kind (see GET); a kind left out goes back to "
    "the platform's default",
    "additionalProperties": {"type": "integer", "minimum": MIN_DAYS, "maximum": MAX_DAYS},
    "example": {"events": 730, "delivery_attempts": 90, "jobs": 365, "import_runs": 365},
}


@router.put(
    "/c/{council_slug}/retention",
    response=RetentionOut,
    summary="Set every retention period, in whole days (a kind left out goes back to the default)",
    openapi_extra={
        "requestBody": {"content": {"application/json": {"schema": PERIODS_BODY}}, "required": True}
    },
)
def set_retention(request: HttpRequest, council_slug: str, payload: Body[dict[str, Any]]) -> dict[str, Any]:
    actor, council = council_actor(request, council_slug, "council.retention.manage")
    pruning.set_periods(actor, council, payload)
    return {"periods": core_selectors.retention_periods(actor, council)}
