"""Domain events published by the integration context."""

from civichub.integration.catalogue import INTEGER, STRING, UUID, EventType, register

IMPORT_COMPLETED = register(
    EventType(
        "integration.import.completed",
        1,
        "A council imported a file; its rows are now on the platform.",
        "integration.importrun",
        {
            "import_id": UUID,
            "import_type": STRING,
            "created": INTEGER,
            "updated": INTEGER,
            "unchanged": INTEGER,
        },
    )
)
