"""Domain events published by needs."""

from civichub.core.catalogue import INTEGER, STRING, UUID, EventType, register

CATEGORY_ADDED = register(
    EventType(
        "needs.category.added",
        1,
        "A council added a need category of its own to the platform's needs taxonomy.",
        "needs.needcategory",
        {"category_id": UUID, "code": STRING, "name": STRING},
    )
)
INDICATORS_IMPORTED = register(
    EventType(
        "needs.indicator.imported",
        1,
        "A council imported values of an area indicator (a series by LSOA, ward, council or England).",
        "needs.indicator",
        {
            "indicator_id": UUID,
            "code": STRING,
            "values": INTEGER,
            "periods": {"type": "array", "items": STRING},
        },
    )
)
NEED_RECORDED = register(
    EventType(
        "needs.need.recorded",
        1,
        "A caseworker recorded a need assessed for a person (the event names no one: only the need, its "
        "category, status and ward).",
        "needs.assessedneed",
        {"need_id": UUID, "category": STRING, "status": STRING, "ward_code": STRING},
    )
)
NEED_STATUS_CHANGED = register(
    EventType(
        "needs.need.status_changed",
        1,
        "An assessed need moved on: identified, being met, met or unmet.",
        "needs.assessedneed",
        {"need_id": UUID, "category": STRING, "status": STRING, "ward_code": STRING},
    )
)
NEED_CHANGED = register(
    EventType(
        "needs.need.changed",
        1,
        "An assessed need was corrected: its category, the date assessed, or its ward (from the postcode).",
        "needs.assessedneed",
        {"need_id": UUID, "category": STRING, "status": STRING, "ward_code": STRING},
    )
)
NEED_WITHDRAWN = register(
    EventType(
        "needs.need.withdrawn",
        1,
        "An assessed need recorded in error was withdrawn (deleted; the audit keeps why).",
        "needs.assessedneed",
        {"need_id": UUID, "category": STRING, "status": STRING, "ward_code": STRING},
    )
)
CONTACTS_RECORDED = register(
    EventType(
        "needs.contacts.recorded",
        1,
        "A batch of contacts was recorded (api) or imported (import), each classed as value or failure "
        "demand.",
        "needs.contact",
        {"contacts": INTEGER, "failure": INTEGER, "source": STRING},
        required=["contacts", "failure"],
    )
)
