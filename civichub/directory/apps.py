from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "civichub.directory"
    label = "directory"
    verbose_name = "Directory: services, locations and the Open Referral UK API"

    def ready(self) -> None:
        from civichub.directory import events, imports  # noqa: F401 - registers event and import types
