from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "civichub.integration"
    label = "integration"
    verbose_name = "Integration: webhooks and their dispatcher, background workers, import pages and API"
