from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "civichub.core"
    label = "core"
    verbose_name = "Core: councils, organisations, people with access, audit"

    def ready(self) -> None:
        from civichub.core import events, imports, signals  # noqa: F401 - registers event and import types
