from django.apps import AppConfig


class NeedsConfig(AppConfig):
    name = "civichub.needs"
    label = "needs"
    verbose_name = "Needs: the needs taxonomy, area indicators and needs profiles of places"

    def ready(self) -> None:
        from civichub.needs import contact_imports, events, imports  # noqa: F401 - registers types
