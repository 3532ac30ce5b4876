"""Domain events published by the market."""

from civichub.core.catalogue import STRING, UUID, EventType, register

NUMBER_TEXT = {"type": "string", "description": "A decimal number, as text"}

PROVIDER_REGISTERED = register(
    EventType(
        "market.provider.registered",
        1,
        "A provider joined the market register (once, for every council), or changed its VCSE, SME or "
        "mutual flags.",
        "market.providerprofile",
        {
            "organisation_id": UUID,
            "name": STRING,
            "is_vcse": {"type": "boolean"},
            "is_sme": {"type": "boolean"},
            "is_public_service_mutual": {"type": "boolean"},
        },
        tenant=False,
    )
)
OFFER_CHANGED = register(
    EventType(
        "market.offer.changed",
        1,
        "A provider added, changed or ended its offer in a market category (capacity, coverage, prices, "
        "staff or CQC rating).",
        "market.offer",
        {
            "offer_id": UUID,
            "organisation_id": UUID,
            "category": STRING,
            "fields": {"type": "array", "items": STRING, "description": "The fields that changed"},
        },
        tenant=False,
    )
)
RATING_CHANGED = register(
    EventType(
        "market.rating.changed",
        1,
        "A council's officer rated a provider, or raised or cleared a flag on it (such as 'at risk').",
        "market.providernote",
        {"note_id": UUID, "organisation_id": UUID, "kind": STRING, "rating": STRING, "flag": STRING},
    )
)
NOTE_ADDED = register(
    EventType(
        "market.comment.added",
        1,
        "A council's officer commented on a provider (the comment stays with the council).",
        "market.providernote",
        {"note_id": UUID, "organisation_id": UUID},
    )
)
CATEGORY_ADDED = register(
    EventType(
        "market.category.added",
        1,
        "A council added a market category of its own.",
        "market.marketcategory",
        {"category_id": UUID, "code": STRING, "name": STRING, "unit": STRING},
    )
)
SETTINGS_CHANGED = register(
    EventType(
        "market.settings.changed",
        1,
        "A council changed how it reads its markets (the ward share above which a provider is a risk).",
        "market.marketsettings",
        {"ward_share_threshold": NUMBER_TEXT},
    )
)
EXERCISE_OPENED = register(
    EventType(
        "market.exercise.opened",
        1,
        "A council asked the providers of a category for their actual costs (an open-book cost exercise).",
        "market.costexercise",
        {"exercise_id": UUID, "category": STRING, "title": STRING, "closes_on": STRING},
    )
)
EXERCISE_CLOSED = register(
    EventType(
        "market.exercise.closed",
        1,
        "A cost exercise stopped taking returns.",
        "market.costexercise",
        {"exercise_id": UUID, "returns": {"type": "integer"}},
    )
)
RETURN_SUBMITTED = register(
    EventType(
        "market.return.submitted",
        1,
        "A provider submitted (or replaced) its cost return to a council's exercise. The figures stay "
        "with that provider and council.",
        "market.costreturn",
        {"return_id": UUID, "exercise_id": UUID, "organisation_id": UUID},
    )
)
STATEMENT_DRAFTED = register(
    EventType(
        "market.statement.drafted",
        1,
        "A council started or changed a draft market position statement.",
        "market.marketstatement",
        {"statement_id": UUID, "category": STRING, "version": {"type": "integer"}},
    )
)
STATEMENT_PUBLISHED = register(
    EventType(
        "market.statement.published",
        1,
        "A council published a version of its market position statement for a category (public, with its "
        "figures frozen at that date).",
        "market.marketstatement",
        {"statement_id": UUID, "category": STRING, "version": {"type": "integer"}, "url": STRING},
    )
)
