from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "civichub.records"
    label = "records"
    verbose_name = "Records: documents, decisions, retention, legal holds, disposal and requests"

    def ready(self) -> None:
        from civichub.records import events, imports  # noqa: F401 - registers event and import types
