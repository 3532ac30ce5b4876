"""Domain events published by the directory."""

from civichub.integration.catalogue import STRING, UUID, EventType, register

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
