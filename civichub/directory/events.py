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
