from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "civichub.places"
    label = "places"
    verbose_name = "Places: local authorities, wards, LSOAs, postcodes"

    def ready(self) -> None:
        from civichub.core.services import use_council_register
        from civichub.places import imports  # noqa: F401 - registers the geography's import types
        from civichub.places.services import council_facts

        # The kernel adds councils with the facts of the register that places holds.
        use_council_register(council_facts)
