"""Domain events published by the directory."""

from civichub.core.catalogue import STRING, UUID, EventType, register

SERVICE_PUBLISHED = register(
    EventType(
        "directory.service.published",
        1,
        "A service appeared in a council's public directory.",
        "directory.service",
        {"service_id": UUID, "name": STRING, "organisation_id": UUID},
    )
)

REPORT_RECEIVED = register(
    EventType(
        "directory.report.received",
        1,
        "A resident reported something; it was routed to whoever is responsible.",
        "directory.report",
        {
            "reference": STRING,
            "category": STRING,
            "ward_code": STRING,
            "routed_to": {
                "type": ["string", "null"],
                "description": "The provider's organisation id, or null for the council",
            },
        },
    )
)
REPORT_STATUS_CHANGED = register(
    EventType(
        "directory.report.status_changed",
        1,
        "A report moved on: being dealt with, resolved or closed.",
        "directory.report",
        {"reference": STRING, "status": STRING},
    )
)

NULLABLE_ID = {"type": ["string", "null"], "format": "uuid"}
CHANGE_PROPOSED = register(
    EventType(
        "directory.change.proposed",
        1,
        "A provider proposed a new service or a change to one; it waits for the council's approval.",
        "directory.change_request",
        {"change_id": UUID, "service_id": NULLABLE_ID, "organisation_id": UUID, "name": STRING},
    )
)
CHANGE_DECIDED = register(
    EventType(
        "directory.change.decided",
        1,
        "The council approved a proposed change (it is now public) or turned it down.",
        "directory.change_request",
        {"change_id": UUID, "service_id": NULLABLE_ID, "status": {"enum": ["approved", "rejected"]}},
    )
)
