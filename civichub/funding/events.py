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
SEARCH_SAVED = register(
    EventType(
        "funding.search.saved",
        1,
        "Someone saved a search of the funding catalogue, to be emailed when a new opportunity matches.",
        "funding.savedsearch",
        {"saved_search_id": UUID},
    )
)
SEARCH_DELETED = register(
    EventType(
        "funding.search.deleted",
        1,
        "Someone deleted a saved search of the funding catalogue: no more alerts from it.",
        "funding.savedsearch",
        {"saved_search_id": UUID},
    )
)
ALERT_SENT = register(
    EventType(
        "funding.alert.sent",
        1,
        "Someone was emailed about a new opportunity that matches a search they saved (once per "
        "opportunity, however many of their searches match).",
        "funding.sentalert",
        {"opportunity_id": UUID, "saved_search_id": UUID},
    )
)
