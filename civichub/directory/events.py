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

NULLABLE_ID = {"type": ["string", "null"], "format": "uuid"}
SERVICE_UPDATED = register(
    EventType(
        "directory.service.updated",
        1,
        "A service in a council's directory changed: by the council, an import, or an approved proposal.",
        "directory.service",
        {
            "service_id": UUID,
            "name": STRING,
            "fields": {"type": "array", "items": STRING, "description": "The fields that changed"},
            "change_id": NULLABLE_ID | {"description": "The approved change request, if it came from one"},
        },
    )
)
SERVICE_WITHDRAWN = register(
    EventType(
        "directory.service.withdrawn",
        1,
        "The council withdrew a service from its public directory (it is kept, with its history).",
        "directory.service",
        {"service_id": UUID, "name": STRING, "reason": STRING},
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
CHANGE_WITHDRAWN = register(
    EventType(
        "directory.change.withdrawn",
        1,
        "A proposed change will not be decided on: its provider took it back, a later proposal replaced "
        "it, or the service was withdrawn.",
        "directory.change_request",
        {"change_id": UUID, "service_id": NULLABLE_ID, "reason": STRING},
    )
)

RESPONSIBILITY_SET = register(
    EventType(
        "directory.responsibility.set",
        1,
        "The council named who deals with a category of report, council-wide or in one ward.",
        "directory.responsibility",
        {
            "responsibility_id": UUID,
            "category": STRING,
            "ward_code": STRING,
            "organisation_id": NULLABLE_ID | {"description": "The provider, or null for the council itself"},
        },
    )
)
RESPONSIBILITY_REMOVED = register(
    EventType(
        "directory.responsibility.removed",
        1,
        "The council removed who deals with a category (in a ward): those reports go to the council.",
        "directory.responsibility",
        {"responsibility_id": UUID, "category": STRING, "ward_code": STRING},
    )
)
