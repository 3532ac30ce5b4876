"""Domain events published by the core context."""

from civichub.core.catalogue import INTEGER, STRING, UUID, EventType, register

COUNCIL_ADDED = register(
    EventType(
        "core.council.added",
        1,
        "A council joined the platform.",
        "core.council",
        {"council_id": UUID, "gss_code": STRING, "name": STRING},
    )
)
ORGANISATION_REGISTERED = register(
    EventType(
        "core.organisation.registered",
        1,
        "An organisation was added to the shared register.",
        "core.organisation",
        {
            "organisation_id": UUID,
            "name": STRING,
            "kind": STRING,
            "identifiers": {"type": "array", "items": STRING},
        },
        tenant=False,
    )
)
PROVIDER_ADDED = register(
    EventType(
        "core.provider.added",
        1,
        "An organisation was put on a council's list of providers.",
        "core.councilprovider",
        {
            "provider_id": UUID,
            "organisation_id": UUID,
            "organisation_name": STRING,
            "since": {"type": "string", "format": "date"},
        },
    )
)
MEMBERSHIP_GRANTED = register(
    EventType(
        "core.membership.granted",
        1,
        "Someone was given a role in a council.",
        "core.membership",
        {"membership_id": UUID, "user_id": UUID, "role": STRING},
    )
)
MEMBERSHIP_REMOVED = register(
    EventType(
        "core.membership.removed",
        1,
        "Someone's role in a council was taken away (their sessions ended with it).",
        "core.membership",
        {"membership_id": UUID, "user_id": UUID, "role": STRING},
    )
)
SECOND_FACTOR_POLICY_CHANGED = register(
    EventType(
        "core.council.second_factor_policy_changed",
        1,
        "A council started or stopped requiring a second factor of its officers at sign-in.",
        "core.council",
        {"council_id": UUID, "required": {"type": "boolean"}},
    )
)
PROVIDER_UPDATED = register(
    EventType(
        "core.provider.updated",
        1,
        "What a provider does for a council, or since when, changed.",
        "core.councilprovider",
        {
            "provider_id": UUID,
            "organisation_id": UUID,
            "services_summary": STRING,
            "since": {"type": "string", "format": "date"},
        },
    )
)
IMPORT_COMPLETED = register(
    EventType(
        "core.import.completed",
        1,
        "A file was imported (by a council, or for the whole platform); its rows are now on the platform.",
        "core.importrun",
        {
            "import_id": UUID,
            "import_type": STRING,
            "created": INTEGER,
            "updated": INTEGER,
            "unchanged": INTEGER,
            "skipped": INTEGER,
        },
    )
)
# A number per kind of record (days, or rows removed): the kinds are registered (core/retention.py).
PER_KIND = {"type": "object", "additionalProperties": INTEGER}
RETENTION_CHANGED = register(
    EventType(
        "core.retention.changed",
        1,
        "A council changed how long the platform keeps its delivered events, delivery attempts, finished "
        "jobs or imports (days per kind of record).",
        "core.council",
        {"periods": PER_KIND},
    )
)
RETENTION_PRUNED = register(
    EventType(
        "core.retention.pruned",
        1,
        "Records older than their retention period were removed (counts per kind); the events still "
        "owed to a webhook were kept. Cursors (`after=seq`) go on working.",
        "core.council",
        {"counts": PER_KIND, "periods": PER_KIND},
    )
)
