from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "civichub.market"
    label = "market"
    verbose_name = "Market: the provider register, offers, cost returns and market health"

    def ready(self) -> None:
        from civichub.market import events, imports  # noqa: F401 - registers event and import types
