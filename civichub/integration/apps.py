from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "civichub.integration"
    label = "integration"
    verbose_name = "Integration: domain events, outbox, webhooks, background jobs, imports"

    def ready(self) -> None:
        from civichub.integration import events  # noqa: F401 - registers the event types
