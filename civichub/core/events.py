"""Domain events published by the core context."""

from civichub.integration.catalogue import STRING, UUID, EventType, register

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
