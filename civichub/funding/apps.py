from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "civichub.funding"
    label = "funding"
    verbose_name = "Funding: the catalogue of funding opportunities"

    def ready(self) -> None:
        from civichub.funding import events, grants, imports  # noqa: F401 - registers event and import types
