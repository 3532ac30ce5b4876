"""Domain events published by funding."""

from civichub.core.catalogue import INTEGER, STRING, UUID, EventType, register

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

# --- Bids, funding needs and matches, the council's own grants ------------------------------------------
_AMOUNT = {"type": ["string", "null"]}
_STATUS = {"enum": ["drafting", "submitted", "won", "lost"]}
BID_ADDED = register(
    EventType(
        "funding.bid.added",
        1,
        "A bid for funding joined a pipeline (the council's own, or a VCSE organisation's in the council).",
        "funding.bid",
        {"bid_id": UUID, "organisation_id": UUID, "funder": STRING, "programme": STRING, "status": _STATUS},
    )
)
BID_CHANGED = register(
    EventType(
        "funding.bid.changed",
        1,
        "A bid's details changed (not its status: see funding.bid.status_changed).",
        "funding.bid",
        {"bid_id": UUID, "organisation_id": UUID, "fields": {"type": "array", "items": STRING}},
    )
)
BID_STATUS_CHANGED = register(
    EventType(
        "funding.bid.status_changed",
        1,
        "A bid moved from one status to another (drafting, submitted, won, lost); a won bid carries the "
        "amount won, which commissioning may read as a budget source.",
        "funding.bid",
        {
            "bid_id": UUID,
            "organisation_id": UUID,
            "old_status": _STATUS,
            "new_status": _STATUS,
            "amount_won": _AMOUNT,
            "commission_refs": {"type": "array", "items": STRING},
        },
    )
)
NEED_SAVED = register(
    EventType(
        "funding.need.saved",
        1,
        "A council saved a funding need (a need in a place), whose new matches are then recorded.",
        "funding.fundingneed",
        {"need_id": UUID, "name": STRING, "need_codes": {"type": "array", "items": STRING}},
    )
)
MATCH_FOUND = register(
    EventType(
        "funding.match.found",
        1,
        "An opportunity was found to fit a council's saved funding need (recorded once per need).",
        "funding.fundingmatch",
        {"match_id": UUID, "need_id": UUID, "opportunity_id": UUID, "score": INTEGER},
    )
)
GRANT_RECORDED = register(
    EventType(
        "funding.grant.recorded",
        1,
        "A council recorded a grant it made; it is published in the council's 360Giving package.",
        "funding.grant",
        {"grant_id": UUID, "identifier": STRING, "amount": STRING, "recipient_org_id": STRING},
    )
)
GRANT_CHANGED = register(
    EventType(
        "funding.grant.changed",
        1,
        "A council corrected a grant it made (its 360Giving identifier stays); the package shows the change.",
        "funding.grant",
        {"grant_id": UUID, "identifier": STRING, "amount": STRING, "recipient_org_id": STRING},
    )
)
GRANT_WITHDRAWN = register(
    EventType(
        "funding.grant.withdrawn",
        1,
        "A council withdrew a grant published in error, saying why: it leaves the 360Giving package.",
        "funding.grant",
        {
            "grant_id": UUID,
            "identifier": STRING,
            "amount": STRING,
            "recipient_org_id": STRING,
            "reason": STRING,
        },
    )
)
GIVING_SETTINGS_CHANGED = register(
    EventType(
        "funding.giving_settings.changed",
        1,
        "A council set how its grants are published in 360Giving: its identifier prefix and org-id.",
        "funding.givingsettings",
        {"prefix": STRING, "org_id": STRING},
    )
)
