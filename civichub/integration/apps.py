from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "civichub.integration"
    label = "integration"
    verbose_name = "Integration: webhooks and their dispatcher, background workers, import pages and API"

    def ready(self) -> None:
        from civichub.core.retention import use_keeper
        from civichub.integration.retention import KEEPER

        # The kernel prunes the outbox; integration says which events its webhooks still owe, and which
        # of its own rows (deliveries, their attempts) go, and when.
        use_keeper(KEEPER)
