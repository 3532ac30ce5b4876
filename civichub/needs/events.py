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
