from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo sits on top of every context (ADR 0006): it seeds Wigan and Sunderland for `make demo`.

    Nothing imports it; it may import everything, because a demo is an end-to-end user of the platform.
    """

    name = "civichub.demo"
    label = "demo"
    verbose_name = "Demo: Wigan and Sunderland on real geography, with synthetic people and providers"
