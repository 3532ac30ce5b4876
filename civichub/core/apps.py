from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "civichub.core"
    label = "core"
    verbose_name = "Core: councils, organisations, people with access, audit"
