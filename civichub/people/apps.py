from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "civichub.people"
    label = "people"
    verbose_name = "People: source records, golden records, record linkage, review, merge and unmerge"

    def ready(self) -> None:
        from civichub.people import events, imports  # noqa: F401 - registers event and import types
