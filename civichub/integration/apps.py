from django.apps import AppConfig


class IntegrationConfig(AppConfig):
    name = "civichub.integration"
    label = "integration"
    verbose_name = "Integration: domain events, outbox, webhooks, background jobs, imports"
