"""Domain events published by funding."""

from civichub.core.catalogue import STRING, UUID, EventType, register

OPPORTUNITY_ADDED = register(
    EventType(
        "funding.opportunity.added",
        1,
        "A funding opportunity joined the catalogue (the platform's, for every council, or one council's "
        "own), or its details changed.",
        "funding.opportunity",
        {
            "opportunity_id": UUID,
            "funder": STRING,
            "programme": STRING,
            "change": {"enum": ["added", "changed"]},
        },
    )
)
GRANTS_IMPORTED = register(
    EventType(
        "funding.grants.imported",
        1,
        "Past grants (360Giving data) were imported into the platform's open data.",
        "funding.pastgrant",
        {"added": {"type": "integer"}, "updated": {"type": "integer"}},
        tenant=False,
    )
)
