from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "civichub.commissioning"
    label = "commissioning"
    verbose_name = "Commissioning: commissions, procurements, bids, contracts and the money behind them"

    def ready(self) -> None:
        from civichub.commissioning import events  # noqa: F401 - registers event types
        from civichub.commissioning.ocds import imports  # noqa: F401 - registers the ocds_releases import
        from civichub.commissioning.ocds.releases import build_checked
        from civichub.commissioning.services.notices import set_release_builder

        set_release_builder(build_checked)
